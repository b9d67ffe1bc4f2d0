//! Crash safety: `kill -9` in the middle of an apply, then the next command
//! replays the journal, so everything created before the kill is tracked.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use terrane_tests::*;

#[test]
fn killed_apply_is_recovered_from_the_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(
        d.join("main.tf"),
        r#"
resource "terraform_data" "first" {
  input = "created before the kill"
}

resource "time_sleep" "wait" {
  create_duration = "60s"
  depends_on      = [terraform_data.first]
}
"#,
    )
    .expect("write config");
    let mut child = Command::new(terrane_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn apply");
    let pipe = child.stdout.take().expect("stdout");
    let mut seen = Vec::new();
    for line in BufReader::new(pipe).lines() {
        let line = line.expect("line");
        seen.push(line.clone());
        if line.starts_with("time_sleep.wait: Creating...") {
            break;
        }
    }
    assert!(
        seen.iter()
            .any(|l| l.starts_with("terraform_data.first: Creation complete")),
        "{seen:?}"
    );
    child.kill().expect("kill -9");
    let _ = child.wait();
    // No state file was written yet: only the journal knows about `first`.
    assert!(!d.join("terraform.tfstate").exists());
    let list = terrane(d, &["state", "list"]);
    assert_eq!(stdout(&list), "", "state list reads the state file only");
    let plan = terrane(d, &["plan", "-no-color"]);
    assert!(plan.status.success(), "{}{}", stdout(&plan), stderr(&plan));
    let err = stderr(&plan);
    assert!(
        stdout(&plan).contains("Interrupted create") || err.contains("Interrupted create"),
        "{err}"
    );
    let text = stdout(&plan);
    assert!(
        !text.contains("terraform_data.first will be created"),
        "first was lost: {text}"
    );
    assert!(text.contains("time_sleep.wait will be created"), "{text}");
    let list = terrane(d, &["state", "list"]);
    assert_eq!(stdout(&list), "terraform_data.first\n");
}
