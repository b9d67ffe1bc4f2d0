//! `terraform_data` (checked against Terraform's own state) and the null provider.

use crate::support::*;
use std::collections::BTreeMap;
use terrane_provider::{
    ConfigKind, ImportRequest, Provider, ReadDataSourceRequest, ValidateRequest,
};
use terrane_value::{Type, Value};

/// The attribute set and id format Terraform v1.11.4 itself produced for
/// `tests/data/terraform_data.tf` (state copied to `tests/data`).
#[tokio::test]
async fn terraform_data_matches_terraform_state_shape() {
    let reference = include_str!("../data/terraform_data.tfstate");
    let tf_id = reference
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"id\": \""))
        .map(|rest| rest.trim_end_matches(['"', ',']))
        .unwrap();
    assert!(is_go_uuid(tf_id), "{tf_id}");
    for name in ["id", "input", "output", "triggers_replace"] {
        assert!(reference.contains(&format!("\"{name}\":")), "{name}");
    }
    let (_, _, state) = create(
        "terraform_data",
        vec![
            ("input", s("foo")),
            ("triggers_replace", Value::tuple(vec![s("x")])),
        ],
    )
    .await;
    let keys: Vec<&String> = state.as_entries().unwrap().keys().collect();
    assert_eq!(keys, vec!["id", "input", "output", "triggers_replace"]);
    assert!(is_go_uuid(text(&state, "id")));
    assert_eq!(attr(&state, "output"), &s("foo"));
    assert_eq!(
        attr(&state, "triggers_replace"),
        &Value::tuple(vec![s("x")])
    );
    let (_, _, empty) = create("terraform_data", vec![]).await;
    assert!(attr(&empty, "input").is_null() && attr(&empty, "output").is_null());
}

#[tokio::test]
async fn terraform_data_plans_output_and_replacement() {
    let (cp, _, state) = create(
        "terraform_data",
        vec![("input", s("a")), ("triggers_replace", n(1))],
    )
    .await;
    let ty = "terraform_data";
    // Input change: output unknown of the new input's type, same id.
    let cfg = config(ty, vec![("input", n(5)), ("triggers_replace", n(1))]);
    let p = plan(cp.as_ref(), ty, &state, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert_eq!(
        attr(&p.planned_state, "output"),
        &Value::unknown(Type::Number)
    );
    assert_eq!(attr(&p.planned_state, "id"), attr(&state, "id"));
    let updated = apply(cp.as_ref(), ty, &state, &p.planned_state, &cfg).await;
    assert_eq!(attr(&updated, "output"), &n(5));
    // Trigger change: replacement with a new id.
    let cfg = config(ty, vec![("input", s("a")), ("triggers_replace", n(2))]);
    let p = plan(cp.as_ref(), ty, &state, &cfg).await;
    assert_eq!(replaced(&p), vec!["triggers_replace"]);
    assert!(!attr(&p.planned_state, "id").is_known());
    // No change: the prior state exactly.
    let cfg = config(ty, vec![("input", s("a")), ("triggers_replace", n(1))]);
    let p = plan(cp.as_ref(), ty, &state, &cfg).await;
    assert_eq!(p.planned_state, state);
    // Read-only attributes are rejected.
    let v = terrane_provider_builtin::terraform().validate(ValidateRequest {
        kind: ConfigKind::Resource,
        type_name: ty.into(),
        config: config(ty, vec![("output", s("x"))]),
    });
    assert!(v.diagnostics.has_errors());
    // Import keeps the id.
    let imp = cp
        .import(ImportRequest {
            type_name: ty.into(),
            id: "abc".into(),
        })
        .await;
    assert_eq!(text(&imp.imported[0].state, "id"), "abc");
}

#[tokio::test]
async fn null_resource_id_and_triggers() {
    let (cp, _, state) = create("null_resource", vec![("triggers", smap(&[("a", "1")]))]).await;
    let id = text(&state, "id");
    assert!(id.parse::<u64>().is_ok_and(|v| v < 1 << 63), "{id}");
    let p = plan(
        cp.as_ref(),
        "null_resource",
        &state,
        &config("null_resource", vec![("triggers", smap(&[("a", "2")]))]),
    )
    .await;
    assert_eq!(replaced(&p), vec!["triggers"]);
    let imp = cp
        .import(ImportRequest {
            type_name: "null_resource".into(),
            id: "1".into(),
        })
        .await;
    assert!(imp.diagnostics.has_errors() && imp.imported.is_empty());
}

#[tokio::test]
async fn null_data_source_copies_inputs() {
    let cp = configured(&terrane_provider_builtin::null()).await;
    let r = cp
        .read_data_source(ReadDataSourceRequest {
            type_name: "null_data_source".into(),
            config: config("null_data_source", vec![("inputs", smap(&[("k", "v")]))]),
        })
        .await;
    assert!(!r.diagnostics.has_errors());
    assert_eq!(attr(&r.state, "outputs"), &smap(&[("k", "v")]));
    assert_eq!(text(&r.state, "has_computed_default"), "default");
    assert_eq!(text(&r.state, "id"), "static");
    assert!(text(&r.state, "random").parse::<u64>().is_ok());
}

/// `terraform_remote_state` on a state written by Terraform v1.11.4
/// (`tests/data/remote_state_source.tf`) gives the outputs Terraform's own
/// data source gave (`remote_state_reader.tf`, `remote_state_expected.json`).
#[tokio::test]
async fn remote_state_matches_terraform() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/remote_state.tfstate"
    );
    let cp = configured(&terrane_provider_builtin::terraform()).await;
    let backend_config = Value::object(BTreeMap::from([("path".to_string(), s(path))]));
    let defaults = Value::object(BTreeMap::from([
        ("d".to_string(), s("default")),
        ("s".to_string(), s("overridden")),
    ]));
    let r = cp
        .read_data_source(ReadDataSourceRequest {
            type_name: "terraform_remote_state".into(),
            config: config(
                "terraform_remote_state",
                vec![
                    ("backend", s("local")),
                    ("config", backend_config.clone()),
                    ("defaults", defaults),
                ],
            ),
        })
        .await;
    assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
    let outputs = attr(&r.state, "outputs");
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../data/remote_state_expected.json")).unwrap();
    let got: serde_json::Value = serde_json::from_str(&outputs.to_json_string().unwrap()).unwrap();
    assert_eq!(got, expected);
    let o = outputs.as_entries().unwrap();
    assert!(matches!(o["l"].ty(), Type::Tuple(_)));
    assert_eq!(o["set"].ty(), Type::set(Type::String));
    assert_eq!(
        o["o"].get_attr("tags").unwrap().ty(),
        Type::map(Type::String)
    );
    assert_eq!(text(&r.state, "backend"), "local");
    assert!(attr(&r.state, "workspace").is_null());

    // A missing state is an error; an unknown backend too.
    let missing = Value::object(BTreeMap::from([(
        "path".to_string(),
        s("/nonexistent/x.tfstate"),
    )]));
    for (backend, cfg) in [("local", missing), ("s3", backend_config)] {
        let r = cp
            .read_data_source(ReadDataSourceRequest {
                type_name: "terraform_remote_state".into(),
                config: config(
                    "terraform_remote_state",
                    vec![("backend", s(backend)), ("config", cfg)],
                ),
            })
            .await;
        assert!(r.diagnostics.has_errors(), "{backend}");
    }
}

/// The terraform provider's functions, against what Terraform v1.11.4's
/// `terraform console` printed for the same calls.
#[test]
fn terraform_functions() {
    use terrane_provider::CallFunctionRequest;
    let p = terrane_provider_builtin::terraform();
    let names: Vec<&String> = p.schema().functions.keys().collect();
    assert_eq!(names, vec!["decode_tfvars", "encode_expr", "encode_tfvars"]);
    let call = |name: &str, arg: Value| {
        let r = p.call_function(CallFunctionRequest {
            name: name.into(),
            args: vec![arg],
        });
        (r.result, r.error)
    };
    let obj = |entries: Vec<(&str, Value)>| {
        Value::object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    };
    let v = obj(vec![
        ("a", n(1)),
        ("bb", Value::tuple(vec![n(1), n(2)])),
        ("c", obj(vec![("x", s("y")), ("long", n(2))])),
    ]);
    let (text, e) = call("encode_tfvars", v.clone());
    assert!(e.is_none());
    assert_eq!(
        text.as_str().unwrap(),
        "a  = 1\nbb = [1, 2]\nc = {\n  long = 2\n  x    = \"y\"\n}\n"
    );
    let (back, e) = call("decode_tfvars", text);
    assert!(e.is_none());
    assert_eq!(back, v);
    let (expr, _) = call(
        "encode_expr",
        Value::tuple(vec![
            obj(vec![("a", n(1))]),
            obj(vec![("a", n(2)), ("bb", n(3))]),
        ]),
    );
    assert_eq!(
        expr.as_str().unwrap(),
        "[{\n  a = 1\n  }, {\n  a  = 2\n  bb = 3\n}]"
    );
    let (_, e) = call("encode_tfvars", obj(vec![("bad key", n(1))]));
    assert!(e.is_some());
    let (_, e) = call("decode_tfvars", s("a = var.x"));
    assert!(e.is_some());
    let (_, e) = call("encode_expr", Value::dynamic_null());
    assert!(e.is_some(), "null arguments are refused as Terraform does");
    let (r, e) = call("encode_expr", Value::unknown(Type::Dynamic));
    assert!(e.is_none() && !r.is_known());
}
