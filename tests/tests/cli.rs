#![allow(clippy::unwrap_used)]
//! CLI integration tests: what users see, as insta snapshots.

use assert_cmd::Command;
use terrane_tests::*;

fn cmd(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(terrane_bin());
    c.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE");
    c
}

fn text(out: &std::process::Output) -> String {
    format!(
        "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    )
}

#[test]
fn fresh_plan_of_the_reference_configuration() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let out = cmd(dir.path(), &["plan", "-no-color"]).output().unwrap();
    insta::assert_snapshot!(text(&out));
}

#[test]
fn plan_json_stream_lists_planned_changes() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let out = cmd(dir.path(), &["plan", "-json"]).output().unwrap();
    let lines: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|mut j| {
            j.as_object_mut().map(|o| o.remove("@timestamp"));
            j.to_string()
        })
        .filter(|l| !l.contains("\"type\":\"version\""))
        .collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn validate_reports_unsupported_argument_with_suggestion() {
    let dir = temp_copy("tests/fixtures/cli/bad_arg");
    let out = cmd(dir.path(), &["validate", "-no-color"])
        .output()
        .unwrap();
    insta::assert_snapshot!(text(&out));
    let json = cmd(dir.path(), &["validate", "-json"]).output().unwrap();
    insta::assert_snapshot!("validate_json_bad_arg", stdout(&json));
}

#[test]
fn validate_succeeds_on_the_quickstart() {
    let dir = temp_copy("examples/quickstart");
    cmd(dir.path(), &["validate"])
        .assert()
        .success()
        .stdout("Success! The configuration is valid.\n\n");
}

#[test]
fn cycles_are_reported_with_the_whole_path() {
    let dir = temp_copy("tests/fixtures/cli/cycle");
    let out = cmd(dir.path(), &["plan", "-no-color"]).output().unwrap();
    insta::assert_snapshot!(text(&out));
}

#[test]
fn graph_matches_terraform_default_layout() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let out = cmd(dir.path(), &["graph"]).output().unwrap();
    let expected = "digraph G {\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];\n  \"terraform_data.app\" [label=\"terraform_data.app\"];\n  \"terraform_data.db\" [label=\"terraform_data.db\"];\n  \"terraform_data.lb\" [label=\"terraform_data.lb\"];\n  \"terraform_data.network\" [label=\"terraform_data.network\"];\n  \"terraform_data.app\" -> \"terraform_data.db\";\n  \"terraform_data.db\" -> \"terraform_data.network\";\n  \"terraform_data.lb\" -> \"terraform_data.app\";\n}\n";
    assert_eq!(stdout(&out), expected);
}

#[test]
fn console_evaluates_one_expression_per_line() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let out = cmd(dir.path(), &["console"])
        .write_stdin("var.env\nlocal.tags\nupper(local.name)\ntype(var.replicas)\n")
        .output()
        .unwrap();
    insta::assert_snapshot!(text(&out));
}

#[test]
fn state_commands_taint_list_mv_rm() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let d = dir.path();
    cmd(d, &["apply", "-auto-approve"]).assert().success();
    let list = cmd(d, &["state", "list"]).output().unwrap();
    insta::assert_snapshot!("state_list", stdout(&list));
    cmd(d, &["taint", "terraform_data.network"])
        .assert()
        .success()
        .stdout("Resource instance terraform_data.network has been marked as tainted.\n");
    let plan = cmd(d, &["plan", "-no-color"]).output().unwrap();
    assert!(
        stdout(&plan).contains("# terraform_data.network is tainted, so must be replaced"),
        "{}",
        stdout(&plan)
    );
    cmd(d, &["untaint", "terraform_data.network"])
        .assert()
        .success();
    cmd(
        d,
        &[
            "state",
            "mv",
            "terraform_data.lb",
            "terraform_data.balancer",
        ],
    )
    .assert()
    .success();
    cmd(d, &["state", "rm", "terraform_data.balancer"])
        .assert()
        .success();
    let list = cmd(d, &["state", "list"]).output().unwrap();
    assert!(!stdout(&list).contains("balancer") && !stdout(&list).contains(".lb"));
    let plan = cmd(d, &["plan", "-no-color", "-detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(2));
    assert!(stdout(&plan).contains("# terraform_data.lb will be created"));
}

#[test]
fn workspaces_isolate_state() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let d = dir.path();
    cmd(d, &["workspace", "new", "blue"]).assert().success();
    cmd(d, &["workspace", "show"])
        .assert()
        .success()
        .stdout("blue\n");
    cmd(d, &["apply", "-auto-approve"]).assert().success();
    assert!(d
        .join("terraform.tfstate.d/blue/terraform.tfstate")
        .is_file());
    cmd(d, &["workspace", "select", "default"])
        .assert()
        .success();
    let plan = cmd(d, &["plan", "-no-color"]).output().unwrap();
    assert!(stdout(&plan).contains("Plan: 5 to add"));
    cmd(d, &["workspace", "delete", "blue"]).assert().failure();
    cmd(d, &["workspace", "delete", "-force", "blue"])
        .assert()
        .success();
}

#[test]
fn init_rejects_unknown_providers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"nosuch_thing\" \"x\" {}\n",
    )
    .unwrap();
    let out = cmd(dir.path(), &["init", "-no-color"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("Failed to query available provider packages")
            && err.contains("hashicorp/nosuch"),
        "{err}"
    );
}

#[test]
fn variables_from_files_env_and_flags_and_sensitive_outputs() {
    let dir = temp_copy("tests/fixtures/cli/vars");
    let d = dir.path();
    let apply = cmd(d, &["apply", "-auto-approve", "-no-color", "-var", "n=5"])
        .env("TF_VAR_secret", "hunter2")
        .output()
        .unwrap();
    assert!(
        apply.status.success(),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let out = stdout(&apply);
    assert!(
        out.contains("pw = <sensitive>") && out.contains("content = \"file-content\""),
        "{out}"
    );
    assert!(!out.contains("hunter2"));
    let state = state_json(d);
    let x = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "x")
        .unwrap();
    assert_eq!(
        x["instances"][0]["attributes"]["input"]["value"]["n"], 5,
        "-var beats *.auto.tfvars"
    );
    assert_eq!(
        x["instances"][0]["attributes"]["input"]["value"]["tags"]["team"],
        "a"
    );
    let s = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "s")
        .unwrap();
    assert_eq!(
        s["instances"][0]["sensitive_attributes"],
        serde_json::json!([[{"type": "get_attr", "value": "input"}]])
    );
    // Without -var, x.auto.tfvars (n = 3) applies: one change.
    let plan = cmd(d, &["plan", "-no-color", "-detailed-exitcode"])
        .env("TF_VAR_secret", "hunter2")
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(2), "{}", stdout(&plan));
    // A missing required variable is an error naming it.
    let plan = cmd(d, &["plan", "-no-color", "-input=false"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(1));
    assert!(
        stderr(&plan).contains("No value for required variable"),
        "{}",
        stderr(&plan)
    );
    cmd(d, &["output", "-raw", "pw"]).assert().success();
}

#[test]
fn target_and_exclude_limit_the_plan() {
    let dir = temp_copy("tests/fixtures/diff/reference");
    let d = dir.path();
    let plan = cmd(d, &["plan", "-no-color", "-exclude=terraform_data.db"])
        .output()
        .unwrap();
    let text = stdout(&plan);
    assert!(
        text.contains("# terraform_data.network will be created")
            && text.contains("Plan: 1 to add"),
        "{text}"
    );
    let apply = cmd(
        d,
        &[
            "apply",
            "-auto-approve",
            "-no-color",
            "-target=terraform_data.db",
        ],
    )
    .output()
    .unwrap();
    assert!(
        apply.status.success(),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    assert!(stdout(&apply).contains("Apply complete! Resources: 2 added, 0 changed, 0 destroyed."));
    let plan = cmd(d, &["plan", "-no-color"]).output().unwrap();
    assert!(
        stdout(&plan).contains("Plan: 3 to add, 0 to change, 0 to destroy."),
        "{}",
        stdout(&plan)
    );
    let plan = cmd(d, &["plan", "-no-color", "-replace=terraform_data.network"])
        .output()
        .unwrap();
    assert!(
        stdout(&plan).contains("# terraform_data.network will be replaced, as requested"),
        "{}",
        stdout(&plan)
    );
}

#[test]
fn import_and_console_read_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("main.tf"), "resource \"terraform_data\" \"x\" {}\n").unwrap();
    let id = "0a1b2c3d-0000-4000-8000-000000000001";
    let out = cmd(d, &["import", "terraform_data.x", id])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Import successful!"));
    let c = cmd(d, &["console"])
        .write_stdin("terraform_data.x.id\n")
        .output()
        .unwrap();
    assert_eq!(stdout(&c), format!("\"{id}\"\n"));
    let again = cmd(d, &["import", "terraform_data.x", id])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    let plan = cmd(d, &["plan", "-detailed-exitcode", "-no-color"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "{}", stdout(&plan));
}
