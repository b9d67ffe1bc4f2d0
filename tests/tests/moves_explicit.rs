#![allow(clippy::unwrap_used)]
//! Explicit `moved` blocks next to Terraform's implied count moves: a
//! resource moved onto one of its own instances when `count` is added
//! (`a` -> `a[1]`: the explicit move wins, no implied `a` -> `a[0]`), the
//! reverse when `count` is removed, and chains of moves in either block
//! order. The plan's change headers, the `previous_address` of each change
//! in `show -json` and the state after apply are compared with
//! Terraform's (when installed) and checked on their own.

use serde_json::Value as J;
use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{assert_same_as_terraform, boxed_diagnostics, run};

/// (name, configuration before, configuration after).
const SCENARIOS: [(&str, &str, &str); 4] = [
    (
        "count added, explicit move to [1]",
        r#"
resource "terraform_data" "a" {
  input = "x"
}
"#,
        r#"
resource "terraform_data" "a" {
  count = 2
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.a[1]
}
"#,
    ),
    (
        "count removed, explicit move from [1]",
        r#"
resource "terraform_data" "a" {
  count = 2
  input = "x${count.index}"
}
"#,
        r#"
resource "terraform_data" "a" {
  input = "x1"
}
moved {
  from = terraform_data.a[1]
  to   = terraform_data.a
}
"#,
    ),
    (
        "chain written backwards",
        r#"
resource "terraform_data" "a" {
  input = "x"
}
"#,
        r#"
resource "terraform_data" "c" {
  input = "x"
}
moved {
  from = terraform_data.b
  to   = terraform_data.c
}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
"#,
    ),
    (
        "chain onto a counted instance",
        r#"
resource "terraform_data" "a" {
  input = "x"
}
"#,
        r#"
resource "terraform_data" "c" {
  count = 2
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
moved {
  from = terraform_data.b
  to   = terraform_data.c[1]
}
"#,
    ),
];

/// What a scenario shows: the plan's change headers (`# ... will be ...`,
/// `# ... has moved to ...`, reasons) and summary line, each change's
/// (address, previous_address) from `show -json`, and the state's
/// addresses after apply.
#[derive(Debug, PartialEq)]
struct Seen {
    headers: Vec<String>,
    previous: Vec<(String, String)>,
    state: Vec<String>,
}

fn scenario(bin: &Path, dir: &Path, before: &str, after: &str) -> Seen {
    std::fs::write(dir.join("main.tf"), before).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let applied = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    std::fs::write(dir.join("main.tf"), after).unwrap();
    let planned = run(bin, dir, &["plan", "-no-color", "-out=p.tfplan"]);
    assert!(planned.status.success(), "{planned:?}");
    let text = String::from_utf8_lossy(&planned.stdout);
    let headers = text
        .lines()
        .filter(|l| l.starts_with("  # ") || l.starts_with("Plan: "))
        .map(String::from)
        .collect();
    let shown = run(bin, dir, &["show", "-json", "p.tfplan"]);
    assert!(shown.status.success(), "{shown:?}");
    let doc: J = serde_json::from_slice(&shown.stdout).unwrap();
    let mut previous: Vec<(String, String)> = doc["resource_changes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|c| {
            let prev = c.get("previous_address")?.as_str()?;
            Some((c["address"].as_str()?.to_string(), prev.to_string()))
        })
        .collect();
    previous.sort();
    let applied = run(bin, dir, &["apply", "-auto-approve", "p.tfplan"]);
    assert!(applied.status.success(), "{applied:?}");
    let mut state: Vec<String> = Vec::new();
    for r in state_json(dir)["resources"].as_array().unwrap() {
        for i in r["instances"].as_array().unwrap() {
            let key = match &i["index_key"] {
                J::Null => String::new(),
                k => format!("[{k}]"),
            };
            state.push(format!(
                "{}.{}{key}",
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            ));
        }
    }
    state.sort();
    Seen {
        headers,
        previous,
        state,
    }
}

#[test]
fn explicit_moves_match_terraform() {
    for (name, before, after) in SCENARIOS {
        assert_same_as_terraform(name, |bin, dir| scenario(bin, dir, before, after));
    }
}

#[test]
fn explicit_move_wins_over_the_implied_count_move() {
    let dir = tempfile::tempdir().unwrap();
    let (_, before, after) = SCENARIOS[0];
    let seen = scenario(&terrane_bin(), dir.path(), before, after);
    assert_eq!(
        seen.headers,
        vec![
            "  # terraform_data.a[0] will be created",
            "  # terraform_data.a has moved to terraform_data.a[1]",
            "Plan: 1 to add, 0 to change, 0 to destroy.",
        ]
    );
    assert_eq!(
        seen.previous,
        vec![(
            "terraform_data.a[1]".to_string(),
            "terraform_data.a".to_string()
        )]
    );
    assert_eq!(
        seen.state,
        vec!["terraform_data.a[0]", "terraform_data.a[1]"]
    );
}

#[test]
fn chains_report_their_first_address() {
    for (_, before, after) in &SCENARIOS[2..] {
        let dir = tempfile::tempdir().unwrap();
        let seen = scenario(&terrane_bin(), dir.path(), before, after);
        let moved: Vec<&String> = seen
            .headers
            .iter()
            .filter(|h| h.contains(" has moved to "))
            .collect();
        assert_eq!(moved.len(), 1, "{seen:?}");
        assert!(
            moved[0].starts_with("  # terraform_data.a has moved to terraform_data.c"),
            "{seen:?}"
        );
        assert_eq!(seen.previous.len(), 1, "{seen:?}");
        assert_eq!(seen.previous[0].1, "terraform_data.a");
    }
}

/// `moved` blocks Terraform rejects once the plan has expanded the
/// configuration: (name, configuration before, configuration after).
const INVALID: [(&str, &str, &str); 4] = [
    (
        "move from an instance still declared",
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n",
        r#"
resource "terraform_data" "a" {
  count = 2
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.a[0]
}
moved {
  from = terraform_data.a[0]
  to   = terraform_data.a[1]
}
"#,
    ),
    (
        "move from a resource still declared",
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n",
        r#"
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "b" {
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
"#,
    ),
    (
        "redundant move",
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n",
        r#"
resource "terraform_data" "a" {
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.a
}
"#,
    ),
    (
        "ambiguous moves",
        "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n",
        r#"
resource "terraform_data" "b" {
  input = "x"
}
resource "terraform_data" "c" {
  input = "x"
}
moved {
  from = terraform_data.a
  to   = terraform_data.b
}
moved {
  from = terraform_data.a
  to   = terraform_data.c
}
"#,
    ),
];

/// Applies `before`, then plans `after`: the exit code and the plan's
/// diagnostics.
fn rejected(bin: &Path, dir: &Path, before: &str, after: &str) -> (Option<i32>, Vec<String>) {
    std::fs::write(dir.join("main.tf"), before).unwrap();
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let applied = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    std::fs::write(dir.join("main.tf"), after).unwrap();
    let planned = run(bin, dir, &["plan"]);
    (planned.status.code(), boxed_diagnostics(&planned))
}

#[test]
fn invalid_moves_are_rejected_like_terraform() {
    for (name, before, after) in INVALID {
        assert_same_as_terraform(name, |bin, dir| rejected(bin, dir, before, after));
    }
}

#[test]
fn invalid_moves_are_rejected() {
    let expected = [
        "Error: Moved object still exists on main.tf line 10: 10: moved { This statement declares a move from terraform_data.a[0], but that resource instance is still declared at main.tf:3,11. Change your configuration so that this instance will be declared as terraform_data.a[1] instead.",
        "Error: Moved object still exists on main.tf line 8: 8: moved { This statement declares a move from terraform_data.a, but that resource is still declared at main.tf:2,1. Change your configuration so that this resource will be declared as terraform_data.b instead.",
        "Error: Redundant move statement on main.tf line 5: 5: moved { This statement declares a move from terraform_data.a to the same address, which is the same as not declaring this move at all.",
        "Error: Ambiguous move statements on main.tf line 12: 12: moved { A statement at main.tf:8,1 declared that terraform_data.a moved to terraform_data.b, but this statement instead declares that it moved to terraform_data.c. Each resource can move to only one destination resource.",
    ];
    for ((name, before, after), want) in INVALID.iter().zip(expected) {
        let dir = tempfile::tempdir().unwrap();
        let (code, diags) = rejected(&terrane_bin(), dir.path(), before, after);
        assert_eq!(code, Some(1), "{name}");
        assert_eq!(diags, vec![want.to_string()], "{name}");
    }
}
