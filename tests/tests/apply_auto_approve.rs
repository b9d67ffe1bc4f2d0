#![allow(clippy::unwrap_used)]
//! `apply -auto-approve` goes straight from the plan (and its outputs
//! section) to the progress lines, without a blank line, as Terraform's
//! does; compared with Terraform (when installed) and checked on its own.

use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{assert_same_as_terraform, run};

const MAIN: &str = r#"
resource "terraform_data" "a" {
  input = "x"
}
output "o" {
  value = terraform_data.a.output
}
"#;

/// The lines from the plan's summary to the first progress line.
fn seam(bin: &Path, dir: &Path) -> Vec<String> {
    std::fs::write(dir.join("main.tf"), MAIN).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let out = run(bin, dir, &["apply", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip_while(|l| !l.starts_with("Plan: "))
        .take_while(|l| !l.contains("Creation complete"))
        .map(String::from)
        .collect()
}

#[test]
fn auto_approve_seam_matches_terraform() {
    assert_same_as_terraform("apply -auto-approve", seam);
}

#[test]
fn no_blank_line_before_the_progress_lines() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        seam(&terrane_bin(), dir.path()),
        vec![
            "Plan: 1 to add, 0 to change, 0 to destroy.",
            "",
            "Changes to Outputs:",
            "  + o = (known after apply)",
            "terraform_data.a: Creating...",
        ]
    );
}
