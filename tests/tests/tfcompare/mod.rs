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

/// Runs `script` (given the binary and a fresh directory) with Terraform
/// and with terrane and asserts both saw the same; skips visibly when
/// Terraform is not installed.
pub fn assert_same_as_terraform<T: PartialEq + std::fmt::Debug>(
    what: &str,
    script: impl Fn(&Path, &Path) -> T,
) {
    let Some(tf) = terraform_bin() else {
        eprintln!("SKIPPED {what} differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    let dir = || tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let (theirs_dir, ours_dir) = (dir(), dir());
    let theirs = script(Path::new(&tf), theirs_dir.path());
    let ours = script(&terrane_tests::terrane_bin(), ours_dir.path());
    assert_eq!(theirs, ours, "{what} (left: Terraform, right: terrane)");
}

/// `text` without terminal escape sequences (Terraform colours its
/// output even under NO_COLOR).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The state's `check_results` in a canonical order (Terraform writes
/// them in map order).
pub fn check_results(dir: &Path) -> serde_json::Value {
    use serde_json::Value as J;
    let mut results: Vec<J> = terrane_tests::state_json(dir)["check_results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for r in &mut results {
        if let Some(objects) = r.get_mut("objects").and_then(J::as_array_mut) {
            objects.sort_by_key(|o| o["object_addr"].to_string());
        }
    }
    results.sort_by_key(|r| r["config_addr"].to_string());
    J::Array(results)
}

/// The boxed diagnostics of `output` (stdout then stderr), each as its
/// lines without the box rule and with runs of whitespace collapsed (the
/// detail's word wrapping aside), leaving out Terraform's own CLI
/// configuration warnings.
pub fn boxed_diagnostics(output: &std::process::Output) -> Vec<String> {
    let text = strip_ansi(&format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ));
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        if line.starts_with('╷') {
            current = Some(Vec::new());
        } else if line.starts_with('╵') {
            if let Some(words) = current.take() {
                let d = words.join(" ");
                if !d.is_empty() && !d.contains("CLI configuration") {
                    out.push(d);
                }
            }
        } else if let Some(words) = current.as_mut() {
            let inner = line.trim_start_matches('│');
            words.extend(inner.split_whitespace().map(String::from));
        }
    }
    out
}
