#![allow(clippy::unwrap_used)]
//! The state's `check_results` after apply and destroy, against
//! Terraform's (when installed) and on their own. Results and their
//! objects are compared in address order (Terraform writes them in map
//! order).

use serde_json::Value as J;
use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{check_results, run, terraform_bin};

const ROOT: &str = r#"
variable "v" {
  default = "a"
  validation {
    condition     = length(var.v) > 0
    error_message = "empty"
  }
}
resource "terraform_data" "r" {
  count = 2
  input = var.v
  lifecycle {
    postcondition {
      condition     = self.output == "a"
      error_message = "not a"
    }
  }
}
resource "terraform_data" "none" {
  count = 0
  lifecycle {
    precondition {
      condition     = var.v == "a"
      error_message = "x"
    }
  }
}
module "m" {
  source = "./mod"
  count  = 2
  n      = count.index
}
output "o" {
  value = terraform_data.r[0].output
  precondition {
    condition     = var.v != ""
    error_message = "empty v"
  }
}
check "remote" {
  data "terraform_remote_state" "s" {
    backend = "local"
    config = {
      path = "nope.tfstate"
    }
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs != null
    error_message = "no outputs"
  }
}
"#;

const MODULE: &str = r#"
variable "n" {
  validation {
    condition     = var.n >= 0
    error_message = "neg"
  }
}
resource "terraform_data" "in" {
  input = var.n
  lifecycle {
    precondition {
      condition     = var.n < 5
      error_message = "big"
    }
  }
}
output "out" {
  value = terraform_data.in.output
  precondition {
    condition     = var.n < 5
    error_message = "big"
  }
}
check "c" {
  assert {
    condition     = terraform_data.in.output == 0
    error_message = "n is ${terraform_data.in.output}"
  }
}
"#;

/// `show -json`'s `checks`, in address order.
fn shown_checks(bin: &Path, dir: &Path) -> J {
    let out = run(bin, dir, &["show", "-json"]);
    assert!(out.status.success(), "{out:?}");
    let doc: J = serde_json::from_slice(&out.stdout).unwrap();
    let mut checks = doc["checks"].as_array().cloned().unwrap_or_default();
    for c in &mut checks {
        if let Some(i) = c["instances"].as_array_mut() {
            i.sort_by_key(|x| x["address"]["to_display"].to_string());
        }
    }
    checks.sort_by_key(|c| c["address"]["to_display"].to_string());
    J::Array(checks)
}

/// Applies and destroys the configuration; the check results after each
/// (with, after the apply, what `show -json` makes of them).
fn script(bin: &Path, dir: &Path) -> (J, J) {
    std::fs::create_dir_all(dir.join("mod")).unwrap();
    std::fs::write(dir.join("main.tf"), ROOT).unwrap();
    std::fs::write(dir.join("mod/main.tf"), MODULE).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let applied = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    let after_apply = serde_json::json!([check_results(dir), shown_checks(bin, dir)]);
    let destroyed = run(bin, dir, &["destroy", "-auto-approve"]);
    assert!(destroyed.status.success(), "{destroyed:?}");
    (after_apply, check_results(dir))
}

#[test]
fn check_results_match_terraform() {
    let Some(tf) = terraform_bin() else {
        eprintln!("SKIPPED check_results differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    let theirs_dir = tempfile::tempdir().unwrap();
    let ours_dir = tempfile::tempdir().unwrap();
    let theirs = script(Path::new(&tf), theirs_dir.path());
    let ours = script(&terrane_bin(), ours_dir.path());
    assert_eq!(
        theirs.0, ours.0,
        "after apply (left: Terraform, right: terrane)"
    );
    assert_eq!(
        theirs.1, ours.1,
        "after destroy (left: Terraform, right: terrane)"
    );
}

#[test]
fn check_results_record_every_checkable_object() {
    let dir = tempfile::tempdir().unwrap();
    let (applied, destroyed) = script(&terrane_bin(), dir.path());
    let applied = applied[0].clone();
    let by_addr = |addr: &str| {
        applied
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["config_addr"] == addr)
            .cloned()
            .unwrap_or_else(|| panic!("{addr} missing: {applied}"))
    };
    assert_eq!(by_addr("var.v")["status"], "pass");
    assert_eq!(by_addr("terraform_data.none")["objects"], J::Null);
    let c = by_addr("module.m.check.c");
    assert_eq!(c["status"], "fail");
    assert_eq!(
        c["objects"][1]["failure_messages"],
        serde_json::json!(["n is 1"])
    );
    assert_eq!(
        by_addr("check.remote")["objects"][0]["failure_messages"],
        serde_json::json!(["Unable to find remote state: No stored state was found for the given workspace in the given backend."])
    );
    assert!(destroyed
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "unknown"));
}
