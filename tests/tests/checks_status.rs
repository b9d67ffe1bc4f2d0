#![allow(clippy::unwrap_used)]
//! Check statuses in a saved plan (`show -json PLANFILE`'s `checks`) and
//! in the state after an apply that fails on a postcondition, against
//! Terraform's (when installed) and on their own.

use serde_json::Value as J;
use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{assert_same_as_terraform, check_results, run, strip_ansi};

/// Conditions known at plan time (pass or fail), unknown until apply,
/// in a counted module, and on a resource with no instances.
const PLAN_ROOT: &str = r#"
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
    precondition {
      condition     = var.v == "a"
      error_message = "pre"
    }
  }
}
resource "terraform_data" "k" {
  input = "x"
  lifecycle {
    precondition {
      condition     = var.v == "a"
      error_message = "pre"
    }
  }
}
resource "terraform_data" "zero" {
  count = 0
  lifecycle {
    precondition {
      condition     = var.v == "a"
      error_message = "pre"
    }
  }
}
output "o" {
  value = terraform_data.r[0].output
  precondition {
    condition     = var.v != ""
    error_message = "empty v"
  }
}
check "known" {
  assert {
    condition     = var.v == "b"
    error_message = "v is not b"
  }
}
check "ok" {
  assert {
    condition     = var.v == "a"
    error_message = "x"
  }
}
check "later" {
  assert {
    condition     = terraform_data.r[0].output == "a"
    error_message = "later"
  }
}
module "m" {
  source = "./mod"
  count  = 2
  n      = count.index
}
"#;

const PLAN_MODULE: &str = r#"
variable "n" {
  validation {
    condition     = var.n >= 0
    error_message = "neg"
  }
}
resource "terraform_data" "in" {
  input = var.n
  lifecycle {
    postcondition {
      condition     = self.input < 5
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
    condition     = var.n == 0
    error_message = "n is ${var.n}"
  }
}
"#;

/// `b`'s postcondition and `p`'s precondition are unknown at plan time
/// and fail during apply once `want` changes; `c` depends on `b` and is
/// never reached.
const APPLY_ROOT: &str = r#"
variable "want" {
  default = "x"
}
variable "nv" {
  default = 1
  validation {
    condition     = var.nv > 0
    error_message = "nv"
  }
}
resource "terraform_data" "a" {
  input = var.want
}
resource "terraform_data" "b" {
  count = 2
  input = terraform_data.a.output
  lifecycle {
    postcondition {
      condition     = self.output == "x"
      error_message = "b failed"
    }
  }
}
resource "terraform_data" "c" {
  input = terraform_data.b[0].output
  lifecycle {
    precondition {
      condition     = var.want != ""
      error_message = "c pre"
    }
  }
}
resource "terraform_data" "d" {
  input = "const"
  lifecycle {
    postcondition {
      condition     = self.output == "const"
      error_message = "d"
    }
  }
}
resource "terraform_data" "p" {
  input = "p"
  lifecycle {
    precondition {
      condition     = terraform_data.a.output == "x"
      error_message = "a is not x"
    }
  }
}
output "o" {
  value = terraform_data.a.output
  precondition {
    condition     = var.want != ""
    error_message = "o pre"
  }
}
check "k" {
  assert {
    condition     = terraform_data.a.output == "x"
    error_message = "k failed"
  }
}
"#;

/// `checks` of a `show -json` document in address order.
fn sorted_checks(doc: &J) -> J {
    let mut checks = doc["checks"].as_array().cloned().unwrap_or_default();
    for c in &mut checks {
        if let Some(i) = c.get_mut("instances").and_then(J::as_array_mut) {
            i.sort_by_key(|x| x["address"]["to_display"].to_string());
        }
    }
    checks.sort_by_key(|c| c["address"]["to_display"].to_string());
    J::Array(checks)
}

fn show_json(bin: &Path, dir: &Path, planfile: &str) -> J {
    let out = run(bin, dir, &["show", "-json", planfile]);
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The `checks` and `configuration` of a normal plan, and the `checks` of
/// a destroy plan (after an apply).
fn plan_script(bin: &Path, dir: &Path) -> (J, J) {
    std::fs::create_dir_all(dir.join("mod")).unwrap();
    std::fs::write(dir.join("main.tf"), PLAN_ROOT).unwrap();
    std::fs::write(dir.join("mod/main.tf"), PLAN_MODULE).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let planned = run(bin, dir, &["plan", "-out=p.tfplan"]);
    assert!(planned.status.success(), "{planned:?}");
    let doc = show_json(bin, dir, "p.tfplan");
    let plan = serde_json::json!([sorted_checks(&doc), doc["configuration"]]);
    let applied = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    let destroy = run(bin, dir, &["plan", "-destroy", "-out=d.tfplan"]);
    assert!(destroy.status.success(), "{destroy:?}");
    (plan, sorted_checks(&show_json(bin, dir, "d.tfplan")))
}

/// Applies, then applies a change whose postcondition fails: the check
/// results after it, the exit code and the error summaries.
fn failed_apply_script(bin: &Path, dir: &Path) -> (J, Option<i32>, Vec<String>) {
    std::fs::write(dir.join("main.tf"), APPLY_ROOT).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let first = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(first.status.success(), "{first:?}");
    let second = run(bin, dir, &["apply", "-auto-approve", "-var", "want=y"]);
    let stderr = strip_ansi(&String::from_utf8_lossy(&second.stderr));
    // Sorted: independent nodes fail in either order.
    let mut summaries: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim_start_matches('│').trim().strip_prefix("Error: "))
        .map(String::from)
        .collect();
    summaries.sort();
    (check_results(dir), second.status.code(), summaries)
}

#[test]
fn plan_checks_match_terraform() {
    assert_same_as_terraform("plan checks", plan_script);
}

#[test]
fn plan_checks_report_each_status() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, destroy) = plan_script(&terrane_bin(), dir.path());
    assert_eq!(
        plan[1]["root_module"]["module_calls"]["m"]["count_expression"]["constant_value"],
        2
    );
    let plan = &plan[0];
    let status = |addr: &str| {
        plan.as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"]["to_display"] == addr)
            .unwrap_or_else(|| panic!("{addr} missing: {plan}"))
            .clone()
    };
    assert_eq!(status("check.known")["status"], "fail");
    assert_eq!(
        status("check.known")["instances"][0]["problems"],
        serde_json::json!([{"message": "v is not b"}])
    );
    assert_eq!(status("check.later")["status"], "unknown");
    assert_eq!(status("check.ok")["status"], "pass");
    assert_eq!(status("terraform_data.r")["status"], "unknown");
    assert_eq!(
        status("terraform_data.r")["instances"][1]["address"]["instance_key"],
        1
    );
    assert_eq!(status("terraform_data.k")["status"], "pass");
    assert_eq!(status("terraform_data.zero")["status"], "pass");
    assert_eq!(status("terraform_data.zero").get("instances"), None);
    assert_eq!(status("output.o")["status"], "pass");
    assert_eq!(status("module.m.check.c")["status"], "fail");
    assert_eq!(
        status("module.m.var.n")["instances"][1]["address"]["module"],
        "module.m[1]"
    );
    assert!(destroy
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "unknown"));
}

#[test]
fn failed_apply_records_check_results_like_terraform() {
    assert_same_as_terraform("failed-apply check results", failed_apply_script);
}

#[test]
fn failed_postcondition_stops_dependents_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (results, code, errors) = failed_apply_script(&terrane_bin(), dir.path());
    assert_eq!(code, Some(1));
    assert_eq!(
        errors,
        vec![
            "Resource postcondition failed",
            "Resource postcondition failed",
            "Resource precondition failed"
        ]
    );
    let by_addr = |addr: &str| {
        results
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["config_addr"] == addr)
            .cloned()
            .unwrap_or_else(|| panic!("{addr} missing: {results}"))
    };
    let b = by_addr("terraform_data.b");
    assert_eq!(b["status"], "fail");
    assert_eq!(
        b["objects"][0]["failure_messages"],
        serde_json::json!(["b failed"])
    );
    // Never reached: its dependency failed.
    assert_eq!(by_addr("terraform_data.c")["status"], "unknown");
    assert_eq!(by_addr("terraform_data.d")["status"], "pass");
    assert_eq!(
        by_addr("terraform_data.p")["objects"][0]["failure_messages"],
        serde_json::json!(["a is not x"])
    );
    assert_eq!(by_addr("check.k")["status"], "fail");
    assert_eq!(by_addr("var.nv")["status"], "pass");
    // `c` kept its old object: it was not applied.
    let state = state_json(dir.path());
    let c = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "c")
        .unwrap();
    assert_eq!(c["instances"][0]["attributes"]["input"]["value"], "x");
}

/// A postcondition on a resource nothing refers to, in a configuration
/// without check blocks (the planner keeps no values in scope for it).
const LONE: &str = r#"
resource "terraform_data" "lone" {
  input = "a"
  lifecycle {
    postcondition {
      condition     = self.input == "a"
      error_message = "not a"
    }
  }
}
resource "terraform_data" "later" {
  input = "b"
  lifecycle {
    postcondition {
      condition     = self.output == "b"
      error_message = "not b"
    }
  }
}
"#;

fn lone_script(bin: &Path, dir: &Path) -> J {
    std::fs::write(dir.join("main.tf"), LONE).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let planned = run(bin, dir, &["plan", "-out=p.tfplan"]);
    assert!(planned.status.success(), "{planned:?}");
    sorted_checks(&show_json(bin, dir, "p.tfplan"))
}

#[test]
fn unreferenced_postconditions_match_terraform() {
    assert_same_as_terraform("unreferenced postconditions", lone_script);
}

#[test]
fn unreferenced_postconditions_are_judged() {
    let dir = tempfile::tempdir().unwrap();
    let checks = lone_script(&terrane_bin(), dir.path());
    assert_eq!(checks[0]["address"]["to_display"], "terraform_data.later");
    assert_eq!(checks[0]["status"], "unknown");
    assert_eq!(checks[1]["address"]["to_display"], "terraform_data.lone");
    assert_eq!(checks[1]["status"], "pass");
}
