//! Body decoding against schemas (nested and dynamic blocks, diagnostics)
//! and the dependency graph (edges through locals, cycle paths, state
//! dependencies).

#![allow(clippy::unwrap_used)]

use terrane_addrs::{ModulePath, Resource, ResourceMode};
use terrane_config::Config;
use terrane_core::decode::decode_body;
use terrane_core::graph::{build_graph, NodeKey};
use terrane_core::sources::Sources;
use terrane_lang::EvalContext;
use terrane_provider::{Attribute, Block, NestedBlock, Nesting};
use terrane_value::{Type, Value};

fn load(text: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), text).unwrap();
    let (c, d) = terrane_config::load_config(dir.path());
    assert!(!d.has_errors(), "{d:?}");
    (dir, c.unwrap())
}

fn schema() -> Block {
    let rule = Block::default()
        .attr("port", Attribute::required(Type::Number))
        .attr("cidr", Attribute::optional(Type::String));
    Block::default()
        .attr("name", Attribute::required(Type::String))
        .attr("size", Attribute::optional(Type::Number))
        .attr("arn", Attribute::computed(Type::String))
        .block("rule", NestedBlock::new(Nesting::List, rule))
}

fn body_of(c: &Config, name: &str) -> terrane_config::RawBody {
    c.module.resources[&Resource::new(ResourceMode::Managed, "x_thing", name)]
        .body
        .clone()
}

#[test]
fn nested_and_dynamic_blocks_decode_to_the_implied_type() {
    let (_d, c) = load(
        r#"
resource "x_thing" "a" {
  name = "web"
  rule {
    port = 80
  }
  dynamic "rule" {
    for_each = [443, 8443]
    content {
      port = rule.value
      cidr = "10.0.${rule.key}.0/24"
    }
  }
}
"#,
    );
    let sources = Sources::new(&c);
    let (v, diags) = decode_body(
        &body_of(&c, "a"),
        &schema(),
        &EvalContext::default(),
        &sources,
    );
    assert!(!diags.has_errors(), "{diags:?}");
    assert_eq!(v.ty(), schema().implied_type());
    let rules = v.get_attr("rule").unwrap().as_seq().unwrap().to_vec();
    assert_eq!(rules.len(), 3);
    assert_eq!(
        rules[2].get_attr("cidr"),
        Some(&Value::string("10.0.1.0/24"))
    );
    assert!(v.get_attr("size").unwrap().is_null());
}

#[test]
fn unknown_missing_and_mistyped_arguments_are_diagnosed_with_ranges() {
    let (_d, c) = load(
        r#"
resource "x_thing" "b" {
  nme  = "typo"
  size = "big"
  arn  = "computed only"
  bogus {
  }
}
"#,
    );
    let sources = Sources::new(&c);
    let (_, diags) = decode_body(
        &body_of(&c, "b"),
        &schema(),
        &EvalContext::default(),
        &sources,
    );
    let msgs: Vec<String> = diags
        .errors()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("Unsupported argument") && m.contains("Did you mean \"name\"?")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("Incorrect attribute value type") && m.contains("\"size\"")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("An argument named \"arn\" is not expected here")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("Missing required argument") && m.contains("\"name\"")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("Unsupported block type") && m.contains("\"bogus\"")),
        "{msgs:?}"
    );
    assert!(diags
        .errors()
        .filter(|d| d.summary != "Missing required argument")
        .all(|d| d.subject.is_some()));
}

#[test]
fn graph_edges_go_through_locals_and_state_dependencies_are_direct() {
    let (_d, c) = load(
        r#"
locals {
  n = terraform_data.a.id
}
resource "terraform_data" "a" {}
resource "terraform_data" "b" {
  input = local.n
}
resource "terraform_data" "c" {
  input      = terraform_data.b.id
  depends_on = [terraform_data.a]
}
"#,
    );
    let g = build_graph(&c).unwrap();
    let key = |n: &str| {
        g.index[&NodeKey::Resource(
            ModulePath::root(),
            Resource::new(ResourceMode::Managed, "terraform_data", n),
        )]
    };
    let mut memo = Default::default();
    let deps_b: Vec<String> = g
        .resource_deps(key("b"), &mut memo)
        .into_iter()
        .map(|i| g.graph[i].to_string())
        .collect();
    assert_eq!(deps_b, vec!["terraform_data.a"]);
    let mut deps_c: Vec<String> = g
        .resource_deps(key("c"), &mut memo)
        .into_iter()
        .map(|i| g.graph[i].to_string())
        .collect();
    deps_c.sort();
    assert_eq!(deps_c, vec!["terraform_data.a", "terraform_data.b"]);
    let pos = |n: &str| g.order.iter().position(|&i| i == key(n)).unwrap();
    assert!(pos("a") < pos("b") && pos("b") < pos("c"));
}

#[test]
fn cycles_name_every_node_on_the_cycle() {
    let (_d, c) = load(
        r#"
locals {
  x = terraform_data.c.id
}
resource "terraform_data" "a" {
  input = local.x
}
resource "terraform_data" "b" {
  input = terraform_data.a.id
}
resource "terraform_data" "c" {
  input = terraform_data.b.id
}
"#,
    );
    let diags = build_graph(&c).unwrap_err();
    let d = diags.errors().next().unwrap();
    assert_eq!(d.summary, "Cycle");
    for n in [
        "local.x",
        "terraform_data.a",
        "terraform_data.b",
        "terraform_data.c",
    ] {
        assert!(d.detail.contains(n), "{} lacks {n}", d.detail);
    }
}
