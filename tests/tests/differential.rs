//! Differential tests: the same configurations applied by Terraform (when
//! `terraform` is installed) and by terrane, compared by planned actions,
//! outputs and resulting state attributes (random IDs normalised).

use serde_json::Value as J;
use std::path::Path;
use std::process::Command;
use terrane_tests::*;

fn terraform_bin() -> Option<String> {
    let p = std::env::var("TERRAFORM").unwrap_or_else(|_| "/usr/local/bin/terraform".into());
    Path::new(&p).is_file().then_some(p)
}

fn tf(bin: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_WORKSPACE")
        .output()
        .expect("run terraform")
}

/// Replaces UUID-shaped strings with a placeholder.
fn normalise(v: &J) -> J {
    match v {
        J::String(s) => {
            let is_uuid = s.len() == 36
                && s.chars().enumerate().all(|(i, c)| {
                    if [8, 13, 18, 23].contains(&i) {
                        c == '-'
                    } else {
                        c.is_ascii_hexdigit()
                    }
                });
            if is_uuid {
                J::String("<id>".into())
            } else {
                J::String(s.clone())
            }
        }
        J::Array(xs) => J::Array(xs.iter().map(normalise).collect()),
        J::Object(m) => J::Object(m.iter().map(|(k, x)| (k.clone(), normalise(x))).collect()),
        other => other.clone(),
    }
}

/// (address, action) of every planned change in a `plan -json` stream.
fn planned_actions(stream: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = stream
        .lines()
        .filter_map(|l| serde_json::from_str::<J>(l).ok())
        .filter(|j| j["type"] == "planned_change")
        .map(|j| {
            (
                j["change"]["resource"]["addr"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                j["change"]["action"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The comparable shape of a state: resources with their instances'
/// keys, normalised attributes and statuses.
fn state_shape(dir: &Path) -> J {
    let s = state_json(dir);
    let resources: Vec<J> = s["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            serde_json::json!({
                "module": r.get("module").cloned().unwrap_or(J::Null),
                "mode": r["mode"],
                "type": r["type"],
                "name": r["name"],
                "provider": r["provider"],
                "instances": r["instances"].as_array().into_iter().flatten().map(|i| serde_json::json!({
                    "index_key": i.get("index_key").cloned().unwrap_or(J::Null),
                    "attributes": normalise(&i["attributes"]),
                    "status": i.get("status").cloned().unwrap_or(J::Null),
                    "create_before_destroy": i.get("create_before_destroy").cloned().unwrap_or(J::Bool(false)),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({"resources": resources, "outputs": normalise(&s["outputs"])})
}

struct Side {
    dir: tempfile::TempDir,
}

fn step(tf_bin: &str, t: &Side, r: &Side, args: &[&str], what: &str) {
    let mut plan_args = vec!["plan", "-json", "-input=false"];
    plan_args.extend_from_slice(args);
    let tp = tf(tf_bin, t.dir.path(), &plan_args);
    let rp = terrane(r.dir.path(), &plan_args);
    assert!(
        rp.status.success(),
        "{what}: terrane plan failed: {}",
        stderr(&rp)
    );
    let expected = planned_actions(&String::from_utf8_lossy(&tp.stdout));
    assert_eq!(
        expected,
        planned_actions(&stdout(&rp)),
        "{what}: planned actions differ"
    );
    eprintln!(
        "{what}: {} planned changes agree: {expected:?}",
        expected.len()
    );
    let mut apply_args = vec!["apply", "-auto-approve", "-input=false"];
    apply_args.extend_from_slice(args);
    let ta = tf(tf_bin, t.dir.path(), &apply_args);
    assert!(
        ta.status.success(),
        "{what}: terraform apply failed: {}",
        String::from_utf8_lossy(&ta.stderr)
    );
    let ra = terrane(r.dir.path(), &apply_args);
    assert!(
        ra.status.success(),
        "{what}: terrane apply failed: {}{}",
        stdout(&ra),
        stderr(&ra)
    );
    assert_eq!(
        state_shape(t.dir.path()),
        state_shape(r.dir.path()),
        "{what}: states differ"
    );
    let to: J = serde_json::from_slice(&tf(tf_bin, t.dir.path(), &["output", "-json"]).stdout)
        .unwrap_or(J::Null);
    let ro: J = serde_json::from_str(&stdout(&terrane(r.dir.path(), &["output", "-json"])))
        .unwrap_or(J::Null);
    assert_eq!(normalise(&to), normalise(&ro), "{what}: outputs differ");
}

fn run_case(fixture: &str, steps: &[&[&str]]) {
    let Some(bin) = terraform_bin() else {
        eprintln!("SKIPPED differential test {fixture}: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    let rel = format!("tests/fixtures/diff/{fixture}");
    let t = Side {
        dir: temp_copy(&rel),
    };
    let r = Side {
        dir: temp_copy(&rel),
    };
    let init = tf(&bin, t.dir.path(), &["init", "-input=false"]);
    assert!(
        init.status.success(),
        "terraform init: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    assert!(terrane(r.dir.path(), &["init"]).status.success());
    for (i, args) in steps.iter().enumerate() {
        step(&bin, &t, &r, args, &format!("{fixture} step {i} {args:?}"));
    }
    let td = tf(
        &bin,
        t.dir.path(),
        &["destroy", "-auto-approve", "-input=false"],
    );
    assert!(td.status.success());
    let rd = terrane(r.dir.path(), &["destroy", "-auto-approve"]);
    assert!(rd.status.success(), "{}", stderr(&rd));
    assert_eq!(
        state_shape(t.dir.path()),
        state_shape(r.dir.path()),
        "{fixture}: states after destroy differ"
    );
}

#[test]
fn reference_configuration() {
    run_case(
        "reference",
        &[
            &[],
            &[],
            &["-var", "release=v2", "-var", "replicas=3"],
            &["-var", "replicas=1"],
        ],
    );
}

#[test]
fn for_each_and_counted_module() {
    run_case("foreach_module", &[&[], &["-var", "envs={dev=1,qa=2}"]]);
}

#[test]
fn replacements_by_triggers_and_cbd() {
    run_case(
        "replace_triggers",
        &[
            &[],
            &["-var", "release=v2"],
            &["-var", "release=v2", "-var", "size=2"],
        ],
    );
}
