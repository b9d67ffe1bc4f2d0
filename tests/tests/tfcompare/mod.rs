//! Running terrane and Terraform side by side in the differential tests of
//! `ui_stream`, `moves` and `graph_layout`.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The Terraform binary to compare with (`TERRAFORM`, or the usual
/// install path), when it is installed.
pub fn terraform_bin() -> Option<String> {
    let p = std::env::var("TERRAFORM").unwrap_or_else(|_| "/usr/local/bin/terraform".into());
    Path::new(&p).is_file().then_some(p)
}

/// Runs `bin ARGS` in `dir` (Terraform or terrane: both ignore the other's
/// variables).
pub fn run(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_WORKSPACE")
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", bin.display()))
}

/// Asserts that two scripted runs gave the same exit codes and lines.
pub fn assert_same_steps(
    what: &str,
    theirs: &[(Option<i32>, Vec<String>)],
    ours: &[(Option<i32>, Vec<String>)],
) {
    assert_eq!(theirs.len(), ours.len(), "{what}: step counts differ");
    for (i, (t, o)) in theirs.iter().zip(ours).enumerate() {
        assert_eq!(t.0, o.0, "{what} step {i}: exit codes differ");
        assert_eq!(
            t.1.join("\n"),
            o.1.join("\n"),
            "{what} step {i}: output differs (left: Terraform, right: terrane)"
        );
    }
}
