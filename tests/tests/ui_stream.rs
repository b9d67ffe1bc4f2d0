#![allow(clippy::unwrap_used)]
//! The `-json` UI stream of `apply` and `destroy`: terrane's lines against
//! Terraform's for the same configuration and steps (when `terraform` is
//! installed), and a snapshot of terrane's own stream.
//!
//! Lines are compared as multisets after normalisation (timestamps
//! dropped, UUIDs replaced, the version line left out): independent
//! resources are applied in parallel, so their relative order is not
//! fixed in either tool.

use serde_json::Value as J;
use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{assert_same_steps, run, terraform_bin};

const CONFIG: &str = r#"
resource "terraform_data" "a" {
  input = "hello"
}
resource "terraform_data" "b" {
  input = terraform_data.a.output
}
resource "terraform_data" "c" {
  count = 2
  input = count.index
}
module "m" {
  source = "./mod"
}
output "o" {
  value = terraform_data.b.output
}
output "s" {
  value     = "x"
  sensitive = true
}
"#;

const MODULE: &str = r#"
resource "terraform_data" "inner" {
  for_each = toset(["k"])
  input    = each.key
}
"#;

fn write_config(dir: &Path, greeting: &str) {
    std::fs::create_dir_all(dir.join("mod")).unwrap();
    std::fs::write(dir.join("main.tf"), CONFIG.replace("hello", greeting)).unwrap();
    std::fs::write(dir.join("mod/main.tf"), MODULE).unwrap();
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// "Creation complete after 1m3s [id=..]" -> "... after 0s [id=..]":
/// elapsed times differ naturally.
fn zero_elapsed(s: String) -> String {
    let Some(i) = s.find(" after ") else {
        return s;
    };
    let rest = &s[i + 7..];
    let end = rest.find(' ').unwrap_or(rest.len());
    let token = &rest[..end];
    let is_duration = token.ends_with('s')
        && token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 'h' | 'm' | 's' | '.'));
    if !is_duration {
        return s;
    }
    format!("{} after 0s{}", &s[..i], &rest[end..])
}

fn normalise(v: J) -> J {
    match v {
        J::String(s) if is_uuid(&s) => J::String("<id>".into()),
        J::String(s) => {
            let s = zero_elapsed(s);
            // Messages embed ids: "... [id=<uuid>]".
            match s.find("[id=") {
                Some(i) if s.len() >= i + 41 && is_uuid(&s[i + 4..i + 40]) => {
                    J::String(format!("{}[id=<id>{}", &s[..i], &s[i + 40..]))
                }
                _ => J::String(s),
            }
        }
        J::Array(a) => J::Array(a.into_iter().map(normalise).collect()),
        // Elapsed times differ naturally (a loaded machine takes seconds).
        J::Object(o) => J::Object(
            o.into_iter()
                .filter(|(k, _)| k != "@timestamp")
                .map(|(k, v)| match k.as_str() {
                    "elapsed_seconds" => (k, J::from(0)),
                    _ => (k, normalise(v)),
                })
                .collect(),
        ),
        other => other,
    }
}

/// The stream's lines, normalised and sorted; the version line is checked
/// to come first and then left out.
fn stream(out: &std::process::Output) -> Vec<String> {
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut lines = text.lines().map(|l| {
        let j: J = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"));
        normalise(j)
    });
    let first = lines.next().expect("a version line");
    assert_eq!(first["type"], "version", "{text}");
    let mut rest: Vec<String> = lines
        .map(|j| {
            j.to_string()
                .replace("terrane cannot ask", "Terraform cannot ask")
        })
        .collect();
    rest.sort();
    rest
}

fn terrane_step(dir: &Path, args: &[&str]) -> std::process::Output {
    run(&terrane_bin(), dir, args)
}

fn terraform_step(bin: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    run(Path::new(bin), dir, args)
}

/// Runs the scripted steps in `dir` with `run`, returning each step's
/// exit code and normalised stream.
fn script(
    dir: &Path,
    run: &dyn Fn(&Path, &[&str]) -> std::process::Output,
) -> Vec<(Option<i32>, Vec<String>)> {
    let mut steps = Vec::new();
    write_config(dir, "hello");
    let init = run(dir, &["init", "-input=false"]);
    assert!(init.status.success(), "init: {init:?}");
    for (greeting, args) in [
        ("hello", &["apply", "-json", "-auto-approve"][..]),
        ("hello2", &["apply", "-json", "-auto-approve"][..]),
        ("hello2", &["apply", "-json", "-auto-approve"][..]),
        ("hello2", &["refresh", "-json"][..]),
        ("hello2", &["apply", "-json"][..]),
        ("hello2", &["destroy", "-json", "-auto-approve"][..]),
    ] {
        write_config(dir, greeting);
        let out = run(dir, args);
        steps.push((out.status.code(), stream(&out)));
        if args == ["apply", "-json"] {
            // A saved plan applied with -json.
            write_config(dir, "hello3");
            let planned = run(dir, &["plan", "-out=saved.tfplan"]);
            assert!(planned.status.success(), "{planned:?}");
            let out = run(dir, &["apply", "-json", "saved.tfplan"]);
            steps.push((out.status.code(), stream(&out)));
        }
    }
    steps
}

#[test]
fn apply_and_destroy_streams_match_terraform() {
    let Some(bin) = terraform_bin() else {
        eprintln!("SKIPPED apply -json differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    let tf_dir = tempfile::tempdir().unwrap();
    let ours_dir = tempfile::tempdir().unwrap();
    let theirs = script(tf_dir.path(), &|d, a| terraform_step(&bin, d, a));
    let ours = script(ours_dir.path(), &terrane_step);
    assert_same_steps("stream", &theirs, &ours);
}

#[test]
fn apply_stream_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let steps = script(dir.path(), &terrane_step);
    let text: Vec<String> = steps
        .iter()
        .map(|(code, lines)| format!("exit {code:?}\n{}", lines.join("\n")))
        .collect();
    insta::assert_snapshot!(text.join("\n---\n"));
}

#[test]
fn failed_create_reports_apply_errored_and_no_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"local_file\" \"f\" {\n  filename = \"/proc/terrane-no-such-dir/f\"\n  content  = \"x\"\n}\n",
    )
    .unwrap();
    let out = terrane_step(dir.path(), &["apply", "-json", "-auto-approve"]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stream(&out);
    let kinds: Vec<String> = lines
        .iter()
        .map(|l| serde_json::from_str::<J>(l).unwrap()["type"].to_string())
        .collect();
    assert!(
        kinds.contains(&"\"apply_errored\"".to_string()),
        "{lines:?}"
    );
    assert!(kinds.contains(&"\"diagnostic\"".to_string()), "{lines:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "\"change_summary\"").count(),
        1,
        "only the plan's summary: {lines:?}"
    );
    let errored = lines.iter().find(|l| l.contains("apply_errored")).unwrap();
    assert!(errored.contains("local_file.f: Creation errored after 0s"));
}

const CHECKS: &str = r#"
resource "terraform_data" "a" {
  input = "hello"
}
check "missing" {
  data "terraform_remote_state" "rs" {
    backend = "local"
    config = {
      path = "${path.module}/nope.tfstate"
    }
  }
  assert {
    condition     = data.terraform_remote_state.rs.outputs != null
    error_message = "no outputs"
  }
}
check "ok" {
  data "terraform_remote_state" "good" {
    backend = "local"
    config = {
      path = "${path.module}/other.tfstate"
    }
  }
  assert {
    condition     = data.terraform_remote_state.good.outputs.x == "y"
    error_message = "x is ${data.terraform_remote_state.good.outputs.x}"
  }
}
"#;

const OTHER_STATE: &str = r#"{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"abc","outputs":{"x":{"value":"z","type":"string"}},"resources":[]}"#;

/// A stream's lines with diagnostics reduced to severity, summary, detail
/// and address (Terraform's ranges point at a block's brace and carry
/// expression values, which terrane's diagnostics do not).
fn comparable(lines: &[String]) -> Vec<String> {
    let mut out: Vec<String> = lines
        .iter()
        .map(|l| {
            let mut j: J = serde_json::from_str(l).unwrap();
            if let Some(d) = j.get_mut("diagnostic").and_then(J::as_object_mut) {
                d.remove("range");
                d.remove("snippet");
            }
            j.to_string()
        })
        .collect();
    out.sort();
    out
}

/// Plan, apply, plan again and destroy a configuration with check-scoped
/// data sources (one failing, one whose assertion fails).
fn check_script(
    dir: &Path,
    run: &dyn Fn(&Path, &[&str]) -> std::process::Output,
) -> Vec<(Option<i32>, Vec<String>)> {
    check_script_for(dir, run, CHECKS, None)
}

/// A check block in a module expanded with count, whose data source reads
/// a path known only after apply.
const MODULE_CHECKS: (&str, &str) = (
    r#"
resource "terraform_data" "a" {
  input = "other.tfstate"
}
module "m" {
  source = "./mod"
  count  = 2
  path   = terraform_data.a.output
}
"#,
    r#"
variable "path" {}
check "c" {
  data "terraform_remote_state" "s" {
    backend = "local"
    config = {
      path = var.path
    }
  }
  assert {
    condition     = data.terraform_remote_state.s.outputs.x == "y"
    error_message = "x is ${data.terraform_remote_state.s.outputs.x}"
  }
}
"#,
);

fn check_script_for(
    dir: &Path,
    run: &dyn Fn(&Path, &[&str]) -> std::process::Output,
    main: &str,
    module: Option<&str>,
) -> Vec<(Option<i32>, Vec<String>)> {
    std::fs::write(dir.join("main.tf"), main).unwrap();
    if let Some(m) = module {
        std::fs::create_dir_all(dir.join("mod")).unwrap();
        std::fs::write(dir.join("mod/main.tf"), m).unwrap();
    }
    std::fs::write(dir.join("other.tfstate"), OTHER_STATE).unwrap();
    let init = run(dir, &["init", "-input=false"]);
    assert!(init.status.success(), "init: {init:?}");
    let mut steps = Vec::new();
    for args in [
        &["plan", "-json", "-detailed-exitcode"][..],
        &["apply", "-json", "-auto-approve"][..],
        &["plan", "-json", "-detailed-exitcode"][..],
        &["destroy", "-json", "-auto-approve"][..],
    ] {
        let out = run(dir, args);
        steps.push((out.status.code(), comparable(&stream(&out))));
    }
    steps
}

#[test]
fn check_scoped_data_sources_match_terraform() {
    let Some(bin) = terraform_bin() else {
        eprintln!("SKIPPED check block differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    let tf_dir = tempfile::tempdir().unwrap();
    let ours_dir = tempfile::tempdir().unwrap();
    let theirs = check_script(tf_dir.path(), &|d, a| terraform_step(&bin, d, a));
    let ours = check_script(ours_dir.path(), &terrane_step);
    assert_same_steps("stream", &theirs, &ours);
    let (main, module) = MODULE_CHECKS;
    let tf_dir = tempfile::tempdir().unwrap();
    let ours_dir = tempfile::tempdir().unwrap();
    let theirs = check_script_for(
        tf_dir.path(),
        &|d, a| terraform_step(&bin, d, a),
        main,
        Some(module),
    );
    let ours = check_script_for(ours_dir.path(), &terrane_step, main, Some(module));
    assert_same_steps("module checks", &theirs, &ours);
}

#[test]
fn check_scoped_data_is_read_warned_and_kept_in_state() {
    let dir = tempfile::tempdir().unwrap();
    let steps = check_script(dir.path(), &terrane_step);
    let plan = steps[0].1.join("\n");
    // Both nested data sources are planned as reads for the check.
    assert_eq!(
        plan.matches("read_because_check_nested").count(),
        2,
        "{plan}"
    );
    // The failed read is a warning, so is the failed assertion.
    assert!(plan.contains("\"severity\":\"warning\",\"summary\":\"Unable to find remote state\""));
    assert!(plan.contains("\"summary\":\"Check block assertion failed\",\"detail\":\"x is z\""));
    assert_eq!(
        steps[0].0,
        Some(2),
        "reads are changes for -detailed-exitcode"
    );
    assert_eq!(steps[1].0, Some(0));
    // After apply the state holds the nested data source that was read.
    // (checked through a fresh apply in another directory, since the
    // script ends with a destroy)
    let dir2 = tempfile::tempdir().unwrap();
    std::fs::write(dir2.path().join("main.tf"), CHECKS).unwrap();
    std::fs::write(dir2.path().join("other.tfstate"), OTHER_STATE).unwrap();
    let out = terrane_step(dir2.path(), &["apply", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("data.terraform_remote_state.good: Read complete after 0s"));
    assert!(text.contains("# (config will be reloaded to verify a check block)"));
    assert_eq!(
        text.matches("Warning: Check block assertion failed")
            .count(),
        1,
        "{text}"
    );
    let state = state_json(dir2.path());
    let names: Vec<&str> = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"good") && names.contains(&"a"), "{names:?}");
    let out = terrane_step(dir2.path(), &["destroy", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(state_json(dir2.path())["resources"], serde_json::json!([]));
}

const PROVISIONERS: &str = r#"
resource "terraform_data" "p" {
  count = 2
  input = "v${count.index}"
  provisioner "local-exec" {
    command     = "echo made $NAME ${self.input}"
    environment = { NAME = "p" }
  }
  provisioner "local-exec" {
    when    = destroy
    command = "echo bye ${self.input} ${count.index}"
  }
}
resource "terraform_data" "bad" {
  input = "x"
  provisioner "local-exec" {
    command = "echo failing; exit 3"
  }
}
resource "terraform_data" "tolerant" {
  provisioner "local-exec" {
    command    = "exit 4"
    on_failure = continue
  }
}
"#;

/// Create-time provisioners (one failing, one failing with
/// `on_failure = continue`), then a destroy with destroy-time ones.
fn provisioner_script(
    dir: &Path,
    run: &dyn Fn(&Path, &[&str]) -> std::process::Output,
) -> Vec<(Option<i32>, Vec<String>)> {
    std::fs::write(dir.join("main.tf"), PROVISIONERS).unwrap();
    let init = run(dir, &["init", "-input=false"]);
    assert!(init.status.success(), "init: {init:?}");
    let mut steps = Vec::new();
    for args in [
        &["apply", "-json", "-auto-approve"][..],
        &["destroy", "-json", "-auto-approve"][..],
    ] {
        let out = run(dir, args);
        steps.push((out.status.code(), comparable(&stream(&out))));
    }
    steps
}

#[test]
fn provisioner_streams_match_terraform() {
    let Some(bin) = terraform_bin() else {
        eprintln!("SKIPPED provisioner differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    let tf_dir = tempfile::tempdir().unwrap();
    let ours_dir = tempfile::tempdir().unwrap();
    let theirs = provisioner_script(tf_dir.path(), &|d, a| terraform_step(&bin, d, a));
    let ours = provisioner_script(ours_dir.path(), &terrane_step);
    assert_same_steps("stream", &theirs, &ours);
}

#[test]
fn failed_provisioner_taints_and_destroy_provisioner_sees_self() {
    let dir = tempfile::tempdir().unwrap();
    let steps = provisioner_script(dir.path(), &terrane_step);
    let apply = steps[0].1.join("\n");
    assert_eq!(steps[0].0, Some(1));
    assert!(
        apply.contains("terraform_data.p[1]: (local-exec): made p v1"),
        "{apply}"
    );
    assert!(
        apply.contains(
            "Error running command 'echo failing; exit 3': exit status 3. Output: failing\\n"
        ),
        "{apply}"
    );
    assert!(apply.contains("terraform_data.bad: Creation errored after 0s"));
    let destroy = steps[1].1.join("\n");
    assert!(
        destroy.contains("terraform_data.p[0]: (local-exec): bye v0 0"),
        "{destroy}"
    );
    assert!(
        destroy.contains("Destroy complete! Resources: 4 destroyed."),
        "{destroy}"
    );
}

/// Errors before planning (an empty directory, a syntax error) are
/// `diagnostic` lines after the version line too, with Terraform's
/// summaries and exit code.
#[test]
fn early_errors_are_diagnostic_lines() {
    let cases: [(&str, Option<&str>); 2] = [
        ("empty", None),
        (
            "syntax",
            Some("resource \"terraform_data\" \"a\" {\n  input = \n}\n"),
        ),
    ];
    let summaries = |out: &std::process::Output| -> (Option<i32>, Vec<String>) {
        let lines = stream(out)
            .iter()
            .map(|l| {
                let j: J = serde_json::from_str(l).unwrap();
                format!("{} {}", j["type"], j["diagnostic"]["summary"])
            })
            .collect();
        (out.status.code(), lines)
    };
    for (name, config) in cases {
        let ours_dir = tempfile::tempdir().unwrap();
        if let Some(c) = config {
            std::fs::write(ours_dir.path().join("main.tf"), c).unwrap();
        }
        let ours = summaries(&terrane_step(ours_dir.path(), &["plan", "-json"]));
        assert_eq!(ours.0, Some(1), "{name}");
        assert!(
            ours.1.iter().all(|l| l.starts_with("\"diagnostic\"")),
            "{name}: {ours:?}"
        );
        let Some(bin) = terraform_bin() else {
            continue;
        };
        let tf_dir = tempfile::tempdir().unwrap();
        if let Some(c) = config {
            std::fs::write(tf_dir.path().join("main.tf"), c).unwrap();
        }
        let theirs = summaries(&terraform_step(&bin, tf_dir.path(), &["plan", "-json"]));
        assert_eq!(theirs, ours, "{name} (left: Terraform, right: terrane)");
    }
}
