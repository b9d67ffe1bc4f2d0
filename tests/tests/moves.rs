#![allow(clippy::unwrap_used)]
//! Moves: `moved` blocks inside a module expanded with `count` (the move
//! happens in every instance) and Terraform's implied moves when `count`
//! is added to (`a` -> `a[0]`) or removed from (`b[0]` -> `b`) a resource.
//! terrane's plan -json stream, plan text and resulting state are compared
//! with Terraform's (when installed) and checked on their own.

use serde_json::Value as J;
use std::path::Path;
use std::process::Output;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{run, terraform_bin};

const ROOT_BEFORE: &str = r#"
resource "terraform_data" "a" {
  input = "x"
}
resource "terraform_data" "b" {
  count = 1
  input = "y"
}
module "m" {
  count  = 2
  source = "./mod"
}
"#;

const ROOT_AFTER: &str = r#"
resource "terraform_data" "a" {
  count = 2
  input = "x"
}
resource "terraform_data" "b" {
  input = "y"
}
module "m" {
  count  = 2
  source = "./mod"
}
"#;

const MOD_BEFORE: &str = r#"
resource "terraform_data" "old" {
  input = "z"
}
"#;

const MOD_AFTER: &str = r#"
resource "terraform_data" "new" {
  input = "z"
}
moved {
  from = terraform_data.old
  to   = terraform_data.new
}
"#;

fn write(dir: &Path, root: &str, module: &str) {
    std::fs::create_dir_all(dir.join("mod")).unwrap();
    std::fs::write(dir.join("main.tf"), root).unwrap();
    std::fs::write(dir.join("mod/main.tf"), module).unwrap();
}

/// The planned changes of a `plan -json` stream, sorted.
fn planned(out: &Output) -> Vec<String> {
    let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<J>(l).ok())
        .filter(|j| j["type"] == "planned_change" || j["type"] == "change_summary")
        .map(|mut j| {
            j.as_object_mut().map(|o| o.remove("@timestamp"));
            j.to_string()
        })
        .collect();
    v.sort();
    v
}

/// Resource instance addresses in a state file, sorted.
fn state_addresses(dir: &Path) -> Vec<String> {
    let s = state_json(dir);
    let mut out = Vec::new();
    for r in s["resources"].as_array().unwrap() {
        let module = r["module"]
            .as_str()
            .map(|m| format!("{m}."))
            .unwrap_or_default();
        for i in r["instances"].as_array().unwrap() {
            let key = match &i["index_key"] {
                J::Null => String::new(),
                J::Number(n) => format!("[{n}]"),
                J::String(s) => format!("[{s:?}]"),
                other => format!("[{other}]"),
            };
            out.push(format!(
                "{module}{}.{}{key}",
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            ));
        }
    }
    out.sort();
    out
}

/// Applies the "before" configuration, plans the "after" one (plan -json
/// and text), applies it; returns the planned lines, plan text and state.
fn scenario(bin: &Path, dir: &Path) -> (Vec<String>, String, Vec<String>) {
    scenario_of(bin, dir, [ROOT_BEFORE, MOD_BEFORE, ROOT_AFTER, MOD_AFTER])
}

/// Module calls moved: a counted call renamed (Terraform moves none of its
/// instances: they are destroyed and created again) and a single call moved
/// into a for_each instance.
const MODULE_MOVES: [&str; 4] = [
    r#"
module "a" {
  source = "./mod"
  count  = 2
}
module "keep" {
  source = "./mod"
}
"#,
    r#"
resource "terraform_data" "x" {
  input = "1"
}
"#,
    r#"
module "b" {
  source = "./mod"
  count  = 2
}
module "kept" {
  source   = "./mod"
  for_each = toset(["k"])
}
moved {
  from = module.a
  to   = module.b
}
moved {
  from = module.keep
  to   = module.kept["k"]
}
"#,
    r#"
resource "terraform_data" "x" {
  input = "1"
}
"#,
];

fn scenario_of(bin: &Path, dir: &Path, files: [&str; 4]) -> (Vec<String>, String, Vec<String>) {
    let [root_before, mod_before, root_after, mod_after] = files;
    write(dir, root_before, mod_before);
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let first = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(first.status.success(), "{first:?}");
    write(dir, root_after, mod_after);
    // New module calls need installing (Terraform refuses to plan before).
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let plan = planned(&run(bin, dir, &["plan", "-json"]));
    let text = String::from_utf8_lossy(&run(bin, dir, &["plan", "-no-color"]).stdout).into_owned();
    let applied = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    (plan, text, state_addresses(dir))
}

fn moved_headers(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .filter(|l| l.contains(" has moved to "))
        .map(|l| l.trim().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn moves_in_expanded_modules_and_implied_count_moves() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, text, state) = scenario(&terrane_bin(), dir.path());
    assert_eq!(
        moved_headers(&text),
        vec![
            "# module.m[0].terraform_data.old has moved to module.m[0].terraform_data.new",
            "# module.m[1].terraform_data.old has moved to module.m[1].terraform_data.new",
            "# terraform_data.a has moved to terraform_data.a[0]",
            "# terraform_data.b[0] has moved to terraform_data.b",
        ],
        "{text}"
    );
    assert!(
        text.contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{text}"
    );
    assert_eq!(
        plan.iter()
            .filter(|l| l.contains("\"action\":\"move\""))
            .count(),
        4
    );
    assert_eq!(
        state,
        vec![
            "module.m[0].terraform_data.new",
            "module.m[1].terraform_data.new",
            "terraform_data.a[0]",
            "terraform_data.a[1]",
            "terraform_data.b",
        ]
    );
}

#[test]
fn moves_match_terraform() {
    let Some(tf) = terraform_bin() else {
        eprintln!("SKIPPED moves differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    for files in [
        [ROOT_BEFORE, MOD_BEFORE, ROOT_AFTER, MOD_AFTER],
        MODULE_MOVES,
    ] {
        let theirs_dir = tempfile::tempdir().unwrap();
        let ours_dir = tempfile::tempdir().unwrap();
        let theirs = scenario_of(Path::new(&tf), theirs_dir.path(), files);
        let ours = scenario_of(&terrane_bin(), ours_dir.path(), files);
        assert_eq!(
            theirs.0, ours.0,
            "plan -json (left: Terraform, right: terrane)"
        );
        assert_eq!(moved_headers(&theirs.1), moved_headers(&ours.1));
        assert_eq!(theirs.2, ours.2, "state addresses");
    }
}
