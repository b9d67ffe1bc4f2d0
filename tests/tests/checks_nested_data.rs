#![allow(clippy::unwrap_used)]
//! A check-scoped data source whose read fails (`terraform_remote_state`
//! of a state file that does not exist): the error is a warning, the plan
//! reads it again during apply, the check fails with the read's error
//! (in the plan's `checks` and in the state's `check_results`), and the
//! state keeps the object as planned, its unknown attributes null.
//! Compared with Terraform's (when installed) and checked on their own.

use serde_json::Value as J;
use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{assert_same_as_terraform, run, strip_ansi};

const MAIN: &str = r#"
resource "terraform_data" "a" {
  input = "x"
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
  assert {
    condition     = terraform_data.a.input == "y"
    error_message = "input is not y"
  }
}
"#;

const FAILURE: &str =
    "Unable to find remote state: No stored state was found for the given workspace in the given backend.";

/// What a run shows: the plan's warning summaries, the nested data
/// source's planned change (actions, reason), the plan's checks, then the
/// state's check results and the data source's stored attributes.
#[derive(Debug, PartialEq)]
struct Seen {
    plan_warnings: Vec<String>,
    change: (J, J),
    plan_checks: J,
    check_results: J,
    stored: J,
}

fn warnings(o: &std::process::Output) -> Vec<String> {
    strip_ansi(&String::from_utf8_lossy(&o.stdout))
        .lines()
        .filter_map(|l| l.trim_start_matches('│').trim().strip_prefix("Warning: "))
        .map(String::from)
        .collect()
}

fn script(bin: &Path, dir: &Path) -> Seen {
    std::fs::write(dir.join("main.tf"), MAIN).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let planned = run(bin, dir, &["plan", "-out=p.tfplan"]);
    assert!(planned.status.success(), "{planned:?}");
    let shown = run(bin, dir, &["show", "-json", "p.tfplan"]);
    assert!(shown.status.success(), "{shown:?}");
    let doc: J = serde_json::from_slice(&shown.stdout).unwrap();
    let change = doc["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["address"] == "data.terraform_remote_state.s")
        .cloned()
        .unwrap_or(J::Null);
    let applied = run(bin, dir, &["apply", "-auto-approve", "p.tfplan"]);
    assert!(applied.status.success(), "{applied:?}");
    let state = state_json(dir);
    let stored = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["mode"] == "data")
        .map(|r| r["instances"][0]["attributes"].clone())
        .unwrap_or(J::Null);
    Seen {
        plan_warnings: warnings(&planned),
        change: (
            change["change"]["actions"].clone(),
            change["action_reason"].clone(),
        ),
        plan_checks: doc["checks"].clone(),
        check_results: state["check_results"].clone(),
        stored,
    }
}

#[test]
fn failed_nested_read_matches_terraform() {
    assert_same_as_terraform("failed nested data read", script);
}

#[test]
fn failed_nested_read_fails_its_check() {
    let dir = tempfile::tempdir().unwrap();
    let seen = script(&terrane_bin(), dir.path());
    assert_eq!(seen.plan_warnings, vec!["Unable to find remote state"]);
    assert_eq!(
        seen.change,
        (
            serde_json::json!(["read"]),
            J::String("read_because_check_nested".into())
        )
    );
    let check = &seen.plan_checks[0];
    assert_eq!(check["status"], "fail");
    // Only the read's error: as in Terraform, the check's assertions (even
    // the one decidable now) are not evaluated.
    assert_eq!(
        check["instances"][0]["problems"],
        serde_json::json!([{ "message": FAILURE }])
    );
    assert_eq!(seen.check_results[0]["status"], "fail");
    assert_eq!(
        seen.check_results[0]["objects"][0]["failure_messages"],
        serde_json::json!([FAILURE])
    );
    assert_eq!(seen.stored["backend"], "local");
    assert_eq!(seen.stored["outputs"], J::Null);
}
