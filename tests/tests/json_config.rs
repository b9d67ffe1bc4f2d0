#![allow(clippy::unwrap_used)]
//! `.tf.json` configurations through the binary: number literals, JSON
//! escapes inside `${...}` and evaluation errors pointing into the JSON file
//! (outputs as Terraform 1.11.4 prints them for the same files).

use terrane_tests::*;

fn plan(files: &[(&str, &str)]) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = terrane(dir.path(), &["plan", "-no-color"]);
    (out, dir)
}

fn outputs_section(out: &std::process::Output) -> String {
    let text = stdout(out);
    let start = text.find("Changes to Outputs:").unwrap_or(0);
    let end = text[start..].find("\n\n").map_or(text.len(), |e| start + e);
    text[start..end].to_string()
}

#[test]
fn numbers_escapes_and_type_defaults_evaluate() {
    let (out, _dir) = plan(&[(
        "main.tf.json",
        r#"{
  "resource": {"terraform_data": {"a": {"count": 2, "input": 1.5}}},
  "variable": {"v": {"type": "object({a=optional(number, 7)})", "default": {}}},
  "locals": {"s": "q\"${upper(\"x\")}\\n\t$${lit}"},
  "output": {
    "n": {"value": "${terraform_data.a[1].input * 2}"},
    "s": {"value": "${local.s}"},
    "d": {"value": "${var.v.a}"}
  }
}"#,
    )]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        outputs_section(&out),
        "Changes to Outputs:\n  + d = 7\n  + n = 3\n  + s = \"q\\\"X\\\\n\\t${lit}\""
    );
}

#[test]
fn evaluation_errors_point_into_the_json_file() {
    let (out, _dir) = plan(&[(
        "main.tf.json",
        "{\"resource\":{\"terraform_data\":{\"a\":{\n  \"input\":\"${1 + \\\"a\\\"}\"}}}}",
    )]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("Error: Invalid operand"), "{err}");
    assert!(
        err.contains("on main.tf.json line 2, in resource.terraform_data.a:"),
        "{err}"
    );
    assert!(
        err.contains("Unsuitable value for right operand: a number is required."),
        "{err}"
    );
}
