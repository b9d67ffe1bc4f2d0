//! Unit tests of the structured diff tree and its rendering for schemas
//! with typed attributes and nested blocks (which terraform_data cannot
//! exercise): actions per node, replace markers, sensitive schema
//! attributes, hidden-block counts.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use terrane_core::plan::{Action, InstanceKey, Mode, Plan, PlanMode, ResourceChange};
use terrane_provider::{Attribute, Block, NestedBlock, Nesting, ProviderSchema, Schema};
use terrane_render::diff::{diff_block, Act, BlockGroup, DiffKind};
use terrane_render::plan_text::{
    render_plan, render_resource_change, resource_diff, RenderOptions,
};
use terrane_render::PlanChange;
use terrane_value::{Path, Type, Value};

fn s(x: &str) -> Value {
    Value::string(x)
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn rule(port: i64, cidr: &str) -> Value {
    obj(&[
        ("port", Value::number(port)),
        ("cidrs", Value::list(Type::String, vec![s(cidr)])),
    ])
}

fn rule_type() -> Type {
    Type::object(
        [
            ("port".to_string(), Type::Number),
            ("cidrs".to_string(), Type::list(Type::String)),
        ]
        .into_iter()
        .collect(),
    )
}

fn schema() -> Schema {
    let rule = Block::default()
        .attr("port", Attribute::required(Type::Number))
        .attr("cidrs", Attribute::optional(Type::list(Type::String)));
    let block = Block::default()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("password", Attribute::optional(Type::String).sensitive())
        .attr("size", Attribute::optional(Type::Number))
        .attr("labels", Attribute::optional(Type::map(Type::String)))
        .block("ingress", NestedBlock::new(Nesting::List, rule.clone()))
        .block("egress", NestedBlock::new(Nesting::Set, rule));
    Schema { version: 1, block }
}

fn schemas() -> BTreeMap<String, ProviderSchema> {
    let mut p = ProviderSchema::default();
    p.resources.insert("x_group".into(), schema());
    [("example.com/x/x".to_string(), p)].into_iter().collect()
}

fn object(
    name: &str,
    size: i64,
    ingress: Vec<Value>,
    egress: Vec<Value>,
    labels: &[(&str, &str)],
) -> Value {
    obj(&[
        ("id", s("g-1")),
        ("name", s(name)),
        ("password", s("hunter2")),
        ("size", Value::number(size)),
        (
            "labels",
            Value::map(
                Type::String,
                labels.iter().map(|(k, v)| (k.to_string(), s(v))).collect(),
            ),
        ),
        ("ingress", Value::list(rule_type(), ingress)),
        ("egress", Value::set(rule_type(), egress)),
    ])
}

fn change(action: Action, before: Value, after: Value, replace: Vec<Path>) -> ResourceChange {
    ResourceChange {
        address: "x_group.g".into(),
        module_address: String::new(),
        mode: Mode::Managed,
        type_name: "x_group".into(),
        name: "g".into(),
        index: InstanceKey::None,
        previous_address: None,
        deposed: None,
        provider_name: "example.com/x/x".into(),
        provider_config: "provider[\"example.com/x/x\"]".into(),
        action,
        reason: None,
        before,
        after,
        replace_paths: replace,
        private: Vec::new(),
        importing: None,
        depends_on: Vec::new(),
        create_before_destroy: false,
    }
}

#[test]
fn nested_blocks_and_hidden_counts() {
    let before = object(
        "web",
        1,
        vec![rule(80, "10.0.0.0/8"), rule(443, "0.0.0.0/0")],
        vec![rule(0, "0.0.0.0/0")],
        &[("a", "1"), ("b", "2")],
    );
    let after = object(
        "web",
        2,
        vec![rule(80, "10.0.0.0/8"), rule(443, "10.0.0.0/8")],
        vec![rule(0, "0.0.0.0/0")],
        &[("a", "1"), ("b", "3")],
    );
    let rc = change(Action::Update, before, after, vec![]);
    let d = resource_diff(&rc, &schemas());
    assert_eq!(d.action, Act::Update);
    let DiffKind::Block { attrs, blocks } = &d.kind else {
        panic!("not a block")
    };
    assert_eq!(attrs["size"].action, Act::Update);
    assert_eq!(attrs["name"].action, Act::NoOp);
    assert!(matches!(attrs["password"].kind, DiffKind::Sensitive { .. }));
    let BlockGroup::List(ingress) = &blocks["ingress"].group else {
        panic!("ingress not a list")
    };
    assert_eq!(
        ingress.iter().map(|b| b.action).collect::<Vec<_>>(),
        vec![Act::NoOp, Act::Update]
    );
    let text = render_resource_change(&rc, &schemas(), &RenderOptions::terraform());
    let want = r#"  # x_group.g will be updated in-place
  ~ resource "x_group" "g" {
        id       = "g-1"
      ~ labels   = {
          ~ "b" = "2" -> "3"
            # (1 unchanged element hidden)
        }
        name     = "web"
      ~ size     = 1 -> 2
        # (1 unchanged attribute hidden)

      ~ ingress {
          ~ cidrs = [
              ~ "0.0.0.0/0" -> "10.0.0.0/8",
            ]
            # (1 unchanged attribute hidden)
        }

        # (2 unchanged blocks hidden)
    }"#;
    assert_eq!(text, want);
}

#[test]
fn forces_replacement_and_creation_of_blocks() {
    let before = object("web", 1, vec![], vec![], &[]);
    let after = object("api", 1, vec![rule(22, "1.2.3.4/32")], vec![], &[]);
    let rc = change(
        Action::DeleteThenCreate,
        before,
        after,
        vec![Path::root().attr("name")],
    );
    let text = render_resource_change(&rc, &schemas(), &RenderOptions::terraform());
    let want = r#"  # x_group.g must be replaced
-/+ resource "x_group" "g" {
        id       = "g-1"
      ~ name     = "web" -> "api" # forces replacement
        # (3 unchanged attributes hidden)

      + ingress {
          + cidrs = [
              + "1.2.3.4/32",
            ]
          + port  = 22
        }
    }"#;
    assert_eq!(text, want);
}

#[test]
fn destroy_shows_null_suffix_and_blocks() {
    let before = object("web", 1, vec![rule(80, "10.0.0.0/8")], vec![], &[]);
    let rc = change(Action::Delete, before, Value::dynamic_null(), vec![]);
    let text = render_resource_change(&rc, &schemas(), &RenderOptions::terraform());
    let want = r#"  # x_group.g will be destroyed
  - resource "x_group" "g" {
      - id       = "g-1" -> null
      - labels   = {} -> null
      - name     = "web" -> null
      - password = (sensitive value) -> null
      - size     = 1 -> null

      - ingress {
          - cidrs = [
              - "10.0.0.0/8",
            ] -> null
          - port  = 80 -> null
        }
    }"#;
    assert_eq!(text, want);
}

#[test]
fn unknown_values_and_multiline_strings() {
    let pc = PlanChange::from_values(
        &obj(&[("text", s("a\nb\nc"))]),
        &obj(&[("text", s("a\nB\nc\nd"))]),
        &[],
    );
    let block = Block::default().attr("text", Attribute::optional(Type::String));
    let d = diff_block(&pc, &block);
    let DiffKind::Block { attrs, .. } = &d.kind else {
        panic!()
    };
    let DiffKind::MultilineString { lines } = &attrs["text"].kind else {
        panic!("not multi-line: {:?}", attrs["text"].kind)
    };
    let summary: Vec<(Act, &str)> = lines.iter().map(|l| (l.action, l.text.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (Act::NoOp, "a"),
            (Act::Delete, "b"),
            (Act::Create, "B"),
            (Act::NoOp, "c"),
            (Act::Create, "d"),
        ]
    );
    // An unknown list element in a typed list.
    let pc = PlanChange::from_values(
        &obj(&[("l", Value::list(Type::String, vec![s("x")]))]),
        &obj(&[(
            "l",
            Value::list(Type::String, vec![s("x"), Value::unknown(Type::String)]),
        )]),
        &[],
    );
    let block = Block::default().attr("l", Attribute::optional(Type::list(Type::String)));
    let d = diff_block(&pc, &block);
    let DiffKind::Block { attrs, .. } = &d.kind else {
        panic!()
    };
    let DiffKind::List { elems, .. } = &attrs["l"].kind else {
        panic!()
    };
    assert_eq!(elems.len(), 2);
    assert!(matches!(elems[1].kind, DiffKind::Unknown { before: None }));
    assert_eq!(elems[1].action, Act::Create);
}

#[test]
fn drift_section_wording() {
    let before = object("web", 1, vec![], vec![], &[]);
    let drifted = object("web", 5, vec![], vec![], &[]);
    let mut drift = change(Action::Update, before, drifted.clone(), vec![]);
    drift.reason = None;
    let planned = change(
        Action::Update,
        drifted,
        object("web", 1, vec![], vec![], &[]),
        vec![],
    );
    let plan = Plan {
        mode: PlanMode::Normal,
        variables: BTreeMap::new(),
        changes: vec![planned],
        drift: vec![drift],
        outputs: BTreeMap::new(),
        prior_serial: 1,
        prior_lineage: String::new(),
        targets: Vec::new(),
        errored: false,
        checks: None,
    };
    let text = render_plan(&plan, &schemas(), &RenderOptions::terraform());
    insta::assert_snapshot!("drift_normal", text);
    assert!(text.contains("Note: Objects have changed outside of Terraform"));
    assert!(text.contains("# x_group.g has changed"));
}

#[test]
fn drift_filtered_by_relevant_attributes() {
    let before = object("web", 1, vec![], vec![], &[("a", "1")]);
    let drifted = object("web", 5, vec![], vec![], &[("a", "2")]);
    let drift = change(Action::Update, before, drifted.clone(), vec![]);
    let planned = change(
        Action::Update,
        drifted,
        object("web", 1, vec![], vec![], &[("a", "2")]),
        vec![],
    );
    let plan = Plan {
        mode: PlanMode::Normal,
        variables: BTreeMap::new(),
        changes: vec![planned],
        drift: vec![drift],
        outputs: BTreeMap::new(),
        prior_serial: 1,
        prior_lineage: String::new(),
        targets: Vec::new(),
        errored: false,
        checks: None,
    };
    let o = RenderOptions::terraform();
    // Only `size` mattered: the labels drift is shown as unchanged.
    let rel = vec![("x_group.g".to_string(), Path::root().attr("size"))];
    let text =
        terrane_render::plan_text::render_plan_with_relevant(&plan, &schemas(), Some(&rel), &o);
    assert!(text.contains("~ size     = 1 -> 5"), "{text}");
    assert!(!text.contains("\"a\" = \"1\" -> \"2\""), "{text}");
    // Nothing relevant to this resource: no drift section at all.
    let rel = vec![("x_group.other".to_string(), Path::root().attr("size"))];
    let text =
        terrane_render::plan_text::render_plan_with_relevant(&plan, &schemas(), Some(&rel), &o);
    assert!(!text.contains("Objects have changed outside"), "{text}");
    // Without relevant attributes every drifted attribute is shown.
    let text = render_plan(&plan, &schemas(), &o);
    assert!(text.contains("\"a\" = \"1\" -> \"2\""), "{text}");
}
