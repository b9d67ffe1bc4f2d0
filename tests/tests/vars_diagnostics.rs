#![allow(clippy::unwrap_used)]
//! Diagnostics about root variable values: an unsuitable value from a
//! variables file (`terraform.tfvars`, `*.auto.tfvars`, `-var-file`, JSON
//! or native syntax) points at its expression in that file; `-var` and
//! `TF_VAR_` values have their own wording and point at the declaration;
//! undeclared values in files name the file. Compared with Terraform's
//! (when installed) and checked on their own.

use std::path::Path;
use std::process::Command;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{assert_same_as_terraform, boxed_diagnostics};

const MAIN: &str = r#"
variable "n" {
  type = number
}
variable "o" {
  type    = object({ a = string, b = number })
  default = { a = "x", b = 1 }
}
output "x" {
  value = [var.n, var.o]
}
"#;

/// (name, files to write, plan arguments, environment).
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

const CASES: [Case; 8] = [
    (
        "automatic files",
        &[
            ("terraform.tfvars", "n = \"abc\"\n"),
            ("x.auto.tfvars", "o = {\n  a = \"q\"\n}\n"),
        ],
        &[],
        &[],
    ),
    (
        "-var-file after the automatic files",
        &[
            ("terraform.tfvars", "n = \"abc\"\n"),
            ("extra.tfvars", "\nn = [1]\n"),
        ],
        &["-var-file=extra.tfvars"],
        &[],
    ),
    (
        "JSON file",
        &[(
            "terraform.tfvars.json",
            "{\n  \"n\": \"abc\",\n  \"o\": {\"a\": \"q\"}\n}\n",
        )],
        &[],
        &[],
    ),
    ("-var", &[], &["-var", "n=abc", "-var", "o={a=\"q\"}"], &[]),
    ("TF_VAR_", &[], &[], &[("TF_VAR_n", "abc")]),
    (
        "undeclared values in a file",
        &[("terraform.tfvars", "n = 1\nzz = 2\nyy = 3\n")],
        &[],
        &[],
    ),
    // Terraform names two of them (which two varies from run to run).
    (
        "more undeclared values in a file",
        &[(
            "terraform.tfvars",
            "n = 1\nzz = 2\nyy = 3\nxx = 4\nww = 5\n",
        )],
        &[],
        &[],
    ),
    ("missing -var-file", &[], &["-var-file=nope.tfvars"], &[]),
];

fn plan_case(bin: &Path, dir: &Path, case: &Case) -> (Option<i32>, Vec<String>) {
    let (_, files, args, env) = case;
    std::fs::write(dir.join("main.tf"), MAIN).unwrap();
    for (name, text) in *files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let mut cmd = Command::new(bin);
    cmd.arg("plan")
        .args(*args)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_WORKSPACE");
    for (k, v) in *env {
        cmd.env(k, v);
    }
    let init = tfcompare::run(bin, dir, &["init", "-input=false"]);
    assert!(init.status.success(), "{init:?}");
    let out = cmd.output().unwrap();
    (out.status.code(), boxed_diagnostics(&out))
}

#[test]
fn variable_value_diagnostics_match_terraform() {
    // Terraform reports undeclared values in map order.
    let sorted = |(code, mut d): (Option<i32>, Vec<String>)| {
        d.sort();
        (code, d)
    };
    // Terraform names two of the undeclared values at random.
    for case in CASES
        .iter()
        .filter(|c| c.0 != "more undeclared values in a file")
    {
        assert_same_as_terraform(case.0, |bin, dir| sorted(plan_case(bin, dir, case)));
    }
}

fn ours(i: usize) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    plan_case(&terrane_bin(), dir.path(), &CASES[i])
}

#[test]
fn file_values_are_reported_where_they_are_written() {
    let (code, diags) = ours(1);
    assert_eq!(code, Some(1));
    assert_eq!(
        diags,
        vec!["Error: Invalid value for input variable on extra.tfvars line 2: 2: n = [1] The given value is not suitable for var.n declared at main.tf:2,1-13: number required."]
    );
    let (_, diags) = ours(2);
    assert!(
        diags[0].contains("on terraform.tfvars.json line 2: 2: \"n\": \"abc\","),
        "{diags:?}"
    );
    assert!(
        diags[1].contains("on terraform.tfvars.json line 3:")
            && diags[1].ends_with("attribute \"b\" is required."),
        "{diags:?}"
    );
}

#[test]
fn command_line_and_environment_values_have_their_own_wording() {
    let (_, diags) = ours(3);
    assert!(
        diags[0].ends_with("on main.tf line 2: 2: variable \"n\" { Unsuitable value for var.n set using -var=\"n=...\": a number is required."),
        "{diags:?}"
    );
    let (_, diags) = ours(4);
    assert!(
        diags[0].ends_with("Unsuitable value for var.n set using the TF_VAR_n environment variable: a number is required."),
        "{diags:?}"
    );
}

#[test]
fn undeclared_file_values_name_two_and_count_the_rest() {
    let (code, diags) = ours(5);
    assert_eq!(code, Some(0));
    assert_eq!(diags.len(), 2, "{diags:?}");
    let (code, diags) = ours(6);
    assert_eq!(code, Some(0));
    assert_eq!(diags.len(), 3, "{diags:?}");
    assert!(diags[0].contains("named \"zz\" but a value was found in file \"terraform.tfvars\""));
    assert!(diags[1].contains("named \"yy\""));
    assert_eq!(diags[2], "Warning: Values for undeclared variables In addition to the other similar warnings shown, 2 other variable(s) defined without being declared.");
}

#[test]
fn a_missing_variables_file_is_named() {
    let (code, diags) = ours(7);
    assert_eq!(code, Some(1));
    assert_eq!(
        diags,
        vec![
            "Error: Failed to read variables file Given variables file nope.tfvars does not exist."
        ]
    );
}
