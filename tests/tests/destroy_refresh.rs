#![allow(clippy::unwrap_used)]
//! `destroy` starts with a normal-mode walk, as Terraform's pre-destroy
//! refresh: an instance missing from state plans as a create, so what refers
//! to it is unknown instead of an "Invalid index" error, and preconditions are
//! not checked. (Terraform 1.11.4 destroys `b` here; `plan -refresh-only`
//! fails on the same state, as Terraform's does.)

use terrane_tests::*;

const MAIN: &str = r#"
resource "terraform_data" "a" {
  count = 1
  input = "x"
}

resource "terraform_data" "b" {
  input = terraform_data.a[0].id
  lifecycle {
    precondition {
      condition     = length(terraform_data.a) == 1
      error_message = "a must exist"
    }
  }
}
"#;

#[test]
fn destroy_after_state_rm_of_a_referenced_instance() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), MAIN).unwrap();
    let out = terrane(dir.path(), &["apply", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = terrane(dir.path(), &["state", "rm", "terraform_data.a[0]"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = terrane(dir.path(), &["plan", "-refresh-only", "-no-color"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Invalid index"), "{}", stderr(&out));

    let out = terrane(dir.path(), &["destroy", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Destroy complete! Resources: 1 destroyed."));
    let state = state_json(dir.path());
    assert_eq!(state["resources"].as_array().map(Vec::len), Some(0));
}
