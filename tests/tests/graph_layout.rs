#![allow(clippy::unwrap_used)]
//! `terrane graph -type=plan|apply|plan-destroy` against
//! `terraform graph` for the same configurations (when Terraform is
//! installed), byte for byte, and a snapshot of one plan graph.

use std::path::Path;
use terrane_tests::*;

mod tfcompare;
use tfcompare::{run, terraform_bin};

const MODULE_CONFIG: &str = r#"
variable "n" {
  default = 2
}
locals {
  base = "x-${var.n}"
}
resource "terraform_data" "a" {
  count = var.n
  input = local.base
}
module "m" {
  source = "./mod"
  v      = terraform_data.a[0].output
}
data "terraform_remote_state" "r" {
  backend = "local"
  config = {
    path = "x"
  }
}
output "o" {
  value = module.m.out
}
output "lit" {
  value = "x"
}
"#;

const MODULE_CHILD: &str = r#"
variable "v" {}
resource "terraform_data" "in" {
  input = var.v
}
output "out" {
  value = terraform_data.in.output
}
"#;

const CHAIN_AND_CHECKS: &str = r#"
resource "terraform_data" "network" {
  input = "n"
}
resource "terraform_data" "db" {
  input = terraform_data.network.output
}
resource "terraform_data" "app" {
  count = 2
  input = terraform_data.db.output
}
check "app" {
  assert {
    condition     = length(terraform_data.app) == 2
    error_message = "two apps"
  }
}
check "remote" {
  data "terraform_remote_state" "r" {
    backend = "local"
    config = {
      path = "x"
    }
  }
  assert {
    condition     = data.terraform_remote_state.r.outputs != null
    error_message = "no state"
  }
}
"#;

fn setup(dir: &Path, root: &str, child: Option<&str>) {
    std::fs::write(dir.join("main.tf"), root).unwrap();
    // The state the module configuration's data source reads.
    std::fs::write(
        dir.join("x"),
        r#"{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"l","outputs":{},"resources":[]}"#,
    )
    .unwrap();
    if let Some(c) = child {
        std::fs::create_dir_all(dir.join("mod")).unwrap();
        std::fs::write(dir.join("mod/main.tf"), c).unwrap();
    }
}

fn graph(bin: &Path, dir: &Path, ty: &str) -> String {
    let out = run(bin, dir, &["graph", &format!("-type={ty}")]);
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Each tool's plan, apply and destroy graphs; the destroy graph after
/// the configuration was applied by that tool.
fn graphs(bin: &Path, dir: &Path, root: &str, child: Option<&str>) -> Vec<(String, String)> {
    setup(dir, root, child);
    assert!(run(bin, dir, &["init", "-input=false"]).status.success());
    let mut out = Vec::new();
    for ty in ["plan", "apply", "plan-destroy"] {
        out.push((format!("{ty} (no state)"), graph(bin, dir, ty)));
    }
    let applied = run(bin, dir, &["apply", "-auto-approve"]);
    assert!(applied.status.success(), "{applied:?}");
    out.push(("plan-destroy".into(), graph(bin, dir, "plan-destroy")));
    out
}

#[test]
fn graphs_match_terraform() {
    let Some(tf) = terraform_bin() else {
        eprintln!("SKIPPED graph layout differential test: terraform is not installed (set TERRAFORM=/path/to/terraform)");
        return;
    };
    for (root, child) in [
        (MODULE_CONFIG, Some(MODULE_CHILD)),
        (CHAIN_AND_CHECKS, None),
    ] {
        let theirs_dir = tempfile::tempdir().unwrap();
        let ours_dir = tempfile::tempdir().unwrap();
        let theirs = graphs(Path::new(&tf), theirs_dir.path(), root, child);
        let ours = graphs(&terrane_bin(), ours_dir.path(), root, child);
        for ((what, t), (_, o)) in theirs.iter().zip(&ours) {
            assert_eq!(
                t, o,
                "{what} graph differs (left: Terraform, right: terrane)"
            );
        }
    }
}

#[test]
fn plan_graph_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), CHAIN_AND_CHECKS, None);
    let plan = graph(&terrane_bin(), dir.path(), "plan");
    // The reduced graph keeps network <- db <- app, not app -> network.
    assert!(!plan.contains(
        "\"[root] terraform_data.app (expand)\" -> \"[root] terraform_data.network (expand)\""
    ));
    insta::assert_snapshot!(plan);
}
