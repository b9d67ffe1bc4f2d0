#![allow(clippy::unwrap_used)]
//! Provider-defined functions called from a configuration
//! (`provider::kubernetes::manifest_encode(...)`): resolved through the
//! module's `required_providers`, errors as Terraform words them.

use terrane_tests::*;

const REQUIRED: &str = r#"
terraform {
  required_providers {
    kubernetes = {
      source = "hashicorp/kubernetes"
    }
  }
}
"#;

fn dir_with(main: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), main).unwrap();
    dir
}

#[test]
fn kubernetes_manifest_functions_in_outputs() {
    let dir = dir_with(&format!(
        "{REQUIRED}{}",
        r#"
output "y" {
  value = provider::kubernetes::manifest_encode({ apiVersion = "v1", kind = "ConfigMap", metadata = { name = "x" }, data = { a = "1" } })
}
output "d" {
  value = provider::kubernetes::manifest_decode("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n").metadata.name
}
"#
    ));
    let out = terrane(dir.path(), &["apply", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = terrane(dir.path(), &["output", "-raw", "y"]);
    assert_eq!(
        stdout(&out),
        "apiVersion: v1\ndata:\n  a: \"1\"\nkind: ConfigMap\nmetadata:\n  name: x\n"
    );
    let out = terrane(dir.path(), &["output", "-raw", "d"]);
    assert_eq!(stdout(&out), "x");
}

#[test]
fn unknown_and_failing_provider_functions() {
    let dir = dir_with(&format!(
        "{REQUIRED}{}",
        r#"output "bad" { value = provider::kubernetes::nope(1) }"#
    ));
    let out = terrane(dir.path(), &["plan", "-no-color"]);
    assert!(!out.status.success());
    let err = stderr(&out).replace("\n│ ", " ");
    assert!(err.contains("Error: Unknown provider function"), "{err}");
    assert!(
        err.contains("There is no function named \"provider::kubernetes::nope\"."),
        "{err}"
    );

    let dir = dir_with(&format!(
        "{REQUIRED}{}",
        r#"output "err" { value = provider::kubernetes::manifest_decode("a: [") }"#
    ));
    let out = terrane(dir.path(), &["plan", "-no-color"]);
    assert!(!out.status.success());
    let err = stderr(&out).replace("\n│ ", " ");
    assert!(err.contains("Error: Error in function call"), "{err}");
    assert!(
        err.contains("Call to function \"provider::kubernetes::manifest_decode\" failed:"),
        "{err}"
    );
}
