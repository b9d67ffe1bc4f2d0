//! Integration tests of the built-in providers: the conformance test-kit
//! for every provider and resource type, plus targeted behaviour checks.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::testkit::{check_lifecycle, check_schema};
use terrane_provider::{
    ApplyChangeRequest, ConfigKind, ConfigureRequest, ConfiguredProvider, ImportRequest,
    PlanChangeRequest, PlanChangeResponse, Provider, ReadDataSourceRequest, ReadRequest,
    ValidateRequest,
};
use terrane_provider_builtin::{all, BuiltinProvider};
use terrane_value::{Kind, Path, Type, Value};

// ---------------------------------------------------------------- helpers

fn provider_for(type_name: &str) -> BuiltinProvider {
    let prefix = type_name.split('_').next().unwrap();
    match prefix {
        "terraform" => terrane_provider_builtin::terraform(),
        "null" => terrane_provider_builtin::null(),
        "random" => terrane_provider_builtin::random(),
        "local" => terrane_provider_builtin::local(),
        "time" => terrane_provider_builtin::time(),
        other => panic!("no provider for {other}"),
    }
}

async fn configured(p: &BuiltinProvider) -> Arc<dyn ConfiguredProvider> {
    p.configure(ConfigureRequest {
        config: Value::empty_object(),
        terrane_version: "test".into(),
    })
    .await
    .provider
    .unwrap()
}

/// A full object of the resource's implied type: nulls except `attrs`.
fn config(type_name: &str, attrs: Vec<(&str, Value)>) -> Value {
    let p = provider_for(type_name);
    let schema = p
        .schema()
        .resources
        .get(type_name)
        .or_else(|| p.schema().data_sources.get(type_name))
        .unwrap()
        .clone();
    let mut m = BTreeMap::new();
    for (name, a) in &schema.block.attributes {
        m.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (k, v) in attrs {
        assert!(m.contains_key(k), "{type_name} has no attribute {k}");
        m.insert(k.to_string(), v);
    }
    Value::object(m)
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn n(v: i64) -> Value {
    Value::number(v)
}

fn smap(entries: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        entries.iter().map(|(k, v)| (k.to_string(), s(v))).collect(),
    )
}

fn slist(items: &[&str]) -> Value {
    Value::list(Type::String, items.iter().map(|x| s(x)).collect())
}

fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get_attr(name)
        .unwrap_or_else(|| panic!("no attribute {name} in {v:?}"))
}

fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    attr(v, name)
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not a known string: {v:?}"))
}

/// Proposed new state as Terraform makes it: config, with prior values for
/// computed attributes the config leaves null.
fn proposed(type_name: &str, config: &Value, prior: &Value) -> Value {
    let p = provider_for(type_name);
    let schema = &p.schema().resources[type_name];
    let (Some(c), Some(pr)) = (config.as_entries(), prior.as_entries()) else {
        return config.clone();
    };
    let mut out = c.clone();
    for (name, a) in &schema.block.attributes {
        if a.computed && c.get(name).is_none_or(Value::is_null) {
            if let Some(v) = pr.get(name) {
                out.insert(name.clone(), v.clone());
            }
        }
    }
    Value::object(out)
}

async fn plan(
    cp: &dyn ConfiguredProvider,
    type_name: &str,
    prior: &Value,
    config: &Value,
) -> PlanChangeResponse {
    let proposed = if prior.is_null() {
        config.clone()
    } else {
        proposed(type_name, config, prior)
    };
    cp.plan_change(PlanChangeRequest {
        type_name: type_name.into(),
        prior_state: prior.clone(),
        proposed_new_state: proposed,
        config: config.clone(),
        prior_private: Vec::new(),
    })
    .await
}

async fn apply(
    cp: &dyn ConfiguredProvider,
    type_name: &str,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> Value {
    let r = cp
        .apply_change(ApplyChangeRequest {
            type_name: type_name.into(),
            prior_state: prior.clone(),
            planned_state: planned.clone(),
            config: config.clone(),
            planned_private: Vec::new(),
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "apply {type_name}: {:?}",
        r.diagnostics
    );
    r.new_state
}

/// Plans and applies a create, returning the new state.
async fn create(
    type_name: &str,
    attrs: Vec<(&str, Value)>,
) -> (Arc<dyn ConfiguredProvider>, Value, Value) {
    let cp = configured(&provider_for(type_name)).await;
    let cfg = config(type_name, attrs);
    let p = plan(cp.as_ref(), type_name, &Value::dynamic_null(), &cfg).await;
    assert!(
        !p.diagnostics.has_errors(),
        "plan {type_name}: {:?}",
        p.diagnostics
    );
    let state = apply(
        cp.as_ref(),
        type_name,
        &Value::dynamic_null(),
        &p.planned_state,
        &cfg,
    )
    .await;
    assert!(state.is_wholly_known());
    (cp, cfg, state)
}

async fn read(cp: &dyn ConfiguredProvider, type_name: &str, state: &Value) -> Value {
    let r = cp
        .read(ReadRequest {
            type_name: type_name.into(),
            current_state: state.clone(),
            private: Vec::new(),
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "read {type_name}: {:?}",
        r.diagnostics
    );
    r.new_state
}

fn replaced(p: &PlanChangeResponse) -> Vec<String> {
    p.requires_replace.iter().map(Path::to_string).collect()
}

fn is_go_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == vec![8, 4, 4, 4, 12]
        && groups.iter().all(|g| {
            g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

// ------------------------------------------------------------ conformance

#[test]
fn every_provider_passes_check_schema() {
    let providers = all();
    assert_eq!(providers.len(), 5);
    for p in &providers {
        let problems = check_schema(p.as_ref());
        assert!(problems.is_empty(), "{}: {problems:?}", p.name());
    }
    let sources: Vec<&str> = providers.iter().map(|p| p.source()).collect();
    assert_eq!(
        sources,
        vec![
            "terraform.io/builtin/terraform",
            "registry.terraform.io/hashicorp/null",
            "registry.terraform.io/hashicorp/random",
            "registry.terraform.io/hashicorp/local",
            "registry.terraform.io/hashicorp/time",
        ]
    );
}

#[test]
fn resource_and_data_source_names() {
    let names = |p: BuiltinProvider| {
        let s = p.schema();
        (
            s.resources.keys().cloned().collect::<Vec<_>>(),
            s.data_sources.keys().cloned().collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        names(terrane_provider_builtin::terraform()).0,
        vec!["terraform_data"]
    );
    assert_eq!(
        names(terrane_provider_builtin::null()),
        (
            vec!["null_resource".into()],
            vec!["null_data_source".into()]
        )
    );
    assert_eq!(
        names(terrane_provider_builtin::random()).0,
        vec![
            "random_id",
            "random_integer",
            "random_password",
            "random_pet",
            "random_shuffle",
            "random_string",
            "random_uuid"
        ]
    );
    assert_eq!(
        names(terrane_provider_builtin::local()),
        (
            vec!["local_file".into(), "local_sensitive_file".into()],
            vec!["local_file".into(), "local_sensitive_file".into()]
        )
    );
    assert_eq!(
        names(terrane_provider_builtin::time()).0,
        vec!["time_offset", "time_rotating", "time_sleep", "time_static"]
    );
}

async fn lifecycle(type_name: &str, first: Vec<(&str, Value)>, second: Option<Vec<(&str, Value)>>) {
    let cp = configured(&provider_for(type_name)).await;
    let problems = check_lifecycle(
        cp.as_ref(),
        type_name,
        config(type_name, first),
        second.map(|a| config(type_name, a)),
    )
    .await;
    assert!(problems.is_empty(), "{type_name}: {problems:?}");
}

#[tokio::test]
async fn lifecycle_terraform_data() {
    lifecycle(
        "terraform_data",
        vec![("input", s("a"))],
        Some(vec![("input", s("b"))]),
    )
    .await;
    lifecycle(
        "terraform_data",
        vec![],
        Some(vec![("triggers_replace", n(1))]),
    )
    .await;
}

#[tokio::test]
async fn lifecycle_null_resource() {
    lifecycle(
        "null_resource",
        vec![("triggers", smap(&[("a", "1")]))],
        Some(vec![("triggers", smap(&[("a", "2")]))]),
    )
    .await;
    lifecycle("null_resource", vec![], Some(vec![("triggers", smap(&[]))])).await;
}

#[tokio::test]
async fn lifecycle_random() {
    lifecycle(
        "random_id",
        vec![("byte_length", n(8))],
        Some(vec![("byte_length", n(8)), ("keepers", smap(&[]))]),
    )
    .await;
    lifecycle(
        "random_integer",
        vec![("min", n(1)), ("max", n(6))],
        Some(vec![("min", n(1)), ("max", n(7))]),
    )
    .await;
    lifecycle(
        "random_uuid",
        vec![],
        Some(vec![("keepers", smap(&[("k", "v")]))]),
    )
    .await;
    lifecycle(
        "random_string",
        vec![("length", n(16))],
        Some(vec![("length", n(16)), ("keepers", smap(&[]))]),
    )
    .await;
    lifecycle(
        "random_password",
        vec![("length", n(16)), ("override_special", s("_%@"))],
        None,
    )
    .await;
    lifecycle("random_pet", vec![], Some(vec![("keepers", smap(&[]))])).await;
    lifecycle(
        "random_shuffle",
        vec![("input", slist(&["a", "b", "c"]))],
        Some(vec![("input", slist(&["a", "b"]))]),
    )
    .await;
}

#[tokio::test]
async fn lifecycle_local() {
    let dir = tempfile::tempdir().unwrap();
    let f1 = dir
        .path()
        .join("a/b/one.txt")
        .to_string_lossy()
        .into_owned();
    let f2 = dir.path().join("two.txt").to_string_lossy().into_owned();
    lifecycle(
        "local_file",
        vec![("filename", s(&f1)), ("content", s("hello\n"))],
        Some(vec![("filename", s(&f1)), ("content", s("bye\n"))]),
    )
    .await;
    assert!(
        !std::path::Path::new(&f1).exists(),
        "delete removes the file"
    );
    lifecycle(
        "local_sensitive_file",
        vec![("filename", s(&f2)), ("content", s("secret"))],
        None,
    )
    .await;
    assert!(!std::path::Path::new(&f2).exists());
}

#[tokio::test]
async fn lifecycle_time() {
    lifecycle(
        "time_static",
        vec![],
        Some(vec![("triggers", smap(&[("a", "b")]))]),
    )
    .await;
    lifecycle(
        "time_static",
        vec![("rfc3339", s("2024-02-29T10:20:30Z"))],
        None,
    )
    .await;
    lifecycle(
        "time_sleep",
        vec![("create_duration", s("10ms"))],
        Some(vec![("create_duration", s("20ms"))]),
    )
    .await;
    lifecycle(
        "time_rotating",
        vec![("rotation_days", n(1))],
        Some(vec![("rotation_days", n(2))]),
    )
    .await;
    lifecycle(
        "time_offset",
        vec![("offset_days", n(1))],
        Some(vec![("offset_days", n(2))]),
    )
    .await;
}

// --------------------------------------------------------- terraform_data

/// The attribute set and id format Terraform v1.11.4 itself produced for
/// `tests/data/terraform_data.tf` (state copied to `tests/data`).
#[tokio::test]
async fn terraform_data_matches_terraform_state_shape() {
    let reference = include_str!("data/terraform_data.tfstate");
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

// ------------------------------------------------------------------ null

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

// ---------------------------------------------------------------- random

#[tokio::test]
async fn keepers_changes_force_replacement() {
    for ty in [
        "random_id",
        "random_string",
        "random_pet",
        "random_uuid",
        "random_integer",
        "random_shuffle",
        "random_password",
    ] {
        let base: Vec<(&str, Value)> = match ty {
            "random_id" => vec![("byte_length", n(4))],
            "random_string" | "random_password" => vec![("length", n(8))],
            "random_integer" => vec![("min", n(0)), ("max", n(9))],
            "random_shuffle" => vec![("input", slist(&["x", "y"]))],
            _ => vec![],
        };
        let with = |k: Value| {
            let mut a = base.clone();
            a.push(("keepers", k));
            config(ty, a)
        };
        let (cp, _, state) = create(ty, {
            let mut a = base.clone();
            a.push(("keepers", smap(&[("ami", "1")])));
            a
        })
        .await;
        let p = plan(cp.as_ref(), ty, &state, &with(smap(&[("ami", "2")]))).await;
        assert_eq!(replaced(&p), vec!["keepers"], "{ty}");
        let p = plan(
            cp.as_ref(),
            ty,
            &state,
            &with(Value::null(Type::map(Type::String))),
        )
        .await;
        assert_eq!(
            replaced(&p),
            vec!["keepers"],
            "{ty}: removing keepers replaces"
        );
        // Adding a key whose value is null is not a change that replaces.
        let mut m = BTreeMap::new();
        m.insert("ami".to_string(), s("1"));
        m.insert("extra".to_string(), Value::null(Type::String));
        let p = plan(cp.as_ref(), ty, &state, &with(Value::map(Type::String, m))).await;
        assert!(p.requires_replace.is_empty(), "{ty}");
        // Unchanged keepers: no-op.
        let p = plan(cp.as_ref(), ty, &state, &with(smap(&[("ami", "1")]))).await;
        assert_eq!(p.planned_state, state, "{ty}");
    }
}

#[tokio::test]
async fn random_string_and_password() {
    let (_, _, st) = create(
        "random_string",
        vec![
            ("length", n(24)),
            ("special", Value::bool(false)),
            ("min_upper", n(5)),
        ],
    )
    .await;
    let r = text(&st, "result");
    assert_eq!(r.chars().count(), 24);
    assert!(r.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(r.chars().filter(char::is_ascii_uppercase).count() >= 5);
    assert_eq!(text(&st, "id"), r);
    assert_eq!(attr(&st, "number"), &Value::bool(true));
    assert_eq!(attr(&st, "numeric"), &Value::bool(true));
    assert_eq!(attr(&st, "min_lower"), &n(0));

    let random = terrane_provider_builtin::random();
    let pw = &random.schema().resources["random_password"];
    assert!(pw.block.attributes["result"].sensitive);
    assert!(pw.block.attributes["bcrypt_hash"].sensitive);
    assert!(!random.schema().resources["random_string"].block.attributes["result"].sensitive);
    assert_eq!(pw.version, 3);
    assert_eq!(random.schema().resources["random_string"].version, 2);

    let (cp, _, st) = create(
        "random_password",
        vec![("length", n(20)), ("numeric", Value::bool(false))],
    )
    .await;
    let r = text(&st, "result");
    assert_eq!(r.chars().count(), 20);
    assert!(!r.chars().any(|c| c.is_ascii_digit()));
    assert_eq!(text(&st, "id"), "none");
    assert_eq!(
        attr(&st, "number"),
        &Value::bool(false),
        "number follows numeric"
    );
    let hash = text(&st, "bcrypt_hash");
    assert!(hash.starts_with("$2a$10$"));
    assert!(bcrypt::verify(r, hash).unwrap());

    // number and numeric must agree.
    let p = plan(
        cp.as_ref(),
        "random_password",
        &Value::dynamic_null(),
        &config(
            "random_password",
            vec![
                ("length", n(8)),
                ("number", Value::bool(true)),
                ("numeric", Value::bool(false)),
            ],
        ),
    )
    .await;
    assert!(p.diagnostics.has_errors());
    // length must cover the minimums.
    let p = plan(
        cp.as_ref(),
        "random_password",
        &Value::dynamic_null(),
        &config(
            "random_password",
            vec![("length", n(3)), ("min_upper", n(2)), ("min_lower", n(2))],
        ),
    )
    .await;
    assert!(p.diagnostics.has_errors());
    // override_special: "" -> null is not a replacement, "" -> "x" is.
    let (cp, _, st) = create(
        "random_string",
        vec![("length", n(8)), ("override_special", s(""))],
    )
    .await;
    let p = plan(
        cp.as_ref(),
        "random_string",
        &st,
        &config("random_string", vec![("length", n(8))]),
    )
    .await;
    assert!(p.requires_replace.is_empty());
    let p = plan(
        cp.as_ref(),
        "random_string",
        &st,
        &config(
            "random_string",
            vec![("length", n(8)), ("override_special", s("x"))],
        ),
    )
    .await;
    assert_eq!(replaced(&p), vec!["override_special"]);
    // Import.
    let imp = cp
        .import(ImportRequest {
            type_name: "random_password".into(),
            id: "s3cr3t".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(text(st, "result"), "s3cr3t");
    assert_eq!(attr(st, "length"), &n(6));
    assert!(bcrypt::verify("s3cr3t", text(st, "bcrypt_hash")).unwrap());
}

#[tokio::test]
async fn random_id_encodings_and_import() {
    let (cp, _, st) = create(
        "random_id",
        vec![("byte_length", n(4)), ("prefix", s("p-"))],
    )
    .await;
    let hex = text(&st, "hex").strip_prefix("p-").unwrap().to_string();
    assert_eq!(hex.len(), 8);
    let value = u32::from_str_radix(&hex, 16).unwrap();
    assert_eq!(text(&st, "dec"), format!("p-{value}"));
    assert!(text(&st, "b64_url").starts_with("p-"));
    assert!(!text(&st, "id").starts_with("p-"));
    let imp = cp
        .import(ImportRequest {
            type_name: "random_id".into(),
            id: "pre,AQID".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(text(st, "hex"), "pre010203");
    assert_eq!(text(st, "dec"), "pre66051");
    assert_eq!(text(st, "b64_std"), "preAQID");
    assert_eq!(text(st, "prefix"), "pre");
    assert_eq!(attr(st, "byte_length"), &n(3));
    let bad = cp
        .import(ImportRequest {
            type_name: "random_id".into(),
            id: "!!".into(),
        })
        .await;
    assert!(bad.diagnostics.has_errors());
}

#[tokio::test]
async fn random_integer_seed_range_and_import() {
    let (_, _, a) = create(
        "random_integer",
        vec![("min", n(1)), ("max", n(1000)), ("seed", s("abc"))],
    )
    .await;
    let (_, _, b) = create(
        "random_integer",
        vec![("min", n(1)), ("max", n(1000)), ("seed", s("abc"))],
    )
    .await;
    assert_eq!(
        attr(&a, "result"),
        attr(&b, "result"),
        "same seed, same result"
    );
    let r = attr(&a, "result").as_number().unwrap().to_i64().unwrap();
    assert!((1..=1000).contains(&r));
    assert_eq!(text(&a, "id"), r.to_string());
    let (_, _, one) = create("random_integer", vec![("min", n(-3)), ("max", n(-3))]).await;
    assert_eq!(attr(&one, "result"), &n(-3));
    let cp = configured(&terrane_provider_builtin::random()).await;
    let cfg = config("random_integer", vec![("min", n(5)), ("max", n(1))]);
    let p = plan(cp.as_ref(), "random_integer", &Value::dynamic_null(), &cfg).await;
    let r = cp
        .apply_change(ApplyChangeRequest {
            type_name: "random_integer".into(),
            prior_state: Value::dynamic_null(),
            planned_state: p.planned_state,
            config: cfg,
            planned_private: Vec::new(),
        })
        .await;
    assert!(r.diagnostics.has_errors() && r.new_state.is_null());
    let imp = cp
        .import(ImportRequest {
            type_name: "random_integer".into(),
            id: "15,1,20,seed".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(attr(st, "result"), &n(15));
    assert_eq!(text(st, "seed"), "seed");
    assert!(cp
        .import(ImportRequest {
            type_name: "random_integer".into(),
            id: "15".into()
        })
        .await
        .diagnostics
        .has_errors());
}

#[tokio::test]
async fn random_pet_shapes() {
    let (_, _, st) = create("random_pet", vec![]).await;
    let id = text(&st, "id");
    assert_eq!(id.split('-').count(), 2, "{id}");
    assert_eq!(attr(&st, "length"), &n(2));
    assert_eq!(text(&st, "separator"), "-");
    assert!(attr(&st, "prefix").is_null());
    let (_, _, st) = create(
        "random_pet",
        vec![
            ("length", n(4)),
            ("separator", s("_")),
            ("prefix", s("web")),
        ],
    )
    .await;
    let id = text(&st, "id");
    let parts: Vec<&str> = id.split('_').collect();
    assert_eq!(parts.len(), 5, "{id}");
    assert_eq!(parts[0], "web");
    assert!(parts
        .iter()
        .all(|p| p.chars().all(|c| c.is_ascii_lowercase())));
    let (_, _, st) = create("random_pet", vec![("length", n(1))]).await;
    assert!(!text(&st, "id").contains('-'));
}

#[tokio::test]
async fn random_uuid_shuffle() {
    let (cp, _, st) = create("random_uuid", vec![]).await;
    assert!(is_go_uuid(text(&st, "result")));
    assert_eq!(text(&st, "id"), text(&st, "result"));
    let imp = cp
        .import(ImportRequest {
            type_name: "random_uuid".into(),
            id: "6B3C2D0E-1F2A-4B5C-8D9E-0F1A2B3C4D5E".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "result"),
        "6b3c2d0e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"
    );

    let input = ["a", "b", "c", "d", "e"];
    let (_, _, st) = create(
        "random_shuffle",
        vec![("input", slist(&input)), ("seed", s("s"))],
    )
    .await;
    let (_, _, st2) = create(
        "random_shuffle",
        vec![("input", slist(&input)), ("seed", s("s"))],
    )
    .await;
    assert_eq!(attr(&st, "result"), attr(&st2, "result"));
    let mut got: Vec<&str> = attr(&st, "result")
        .as_seq()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, input);
    assert_eq!(text(&st, "id"), "-");
    let (_, _, st) = create(
        "random_shuffle",
        vec![("input", slist(&["a", "b"])), ("result_count", n(5))],
    )
    .await;
    assert_eq!(attr(&st, "result").len(), Some(5));
    let (_, _, st) = create("random_shuffle", vec![("input", slist(&[]))]).await;
    assert_eq!(attr(&st, "result"), &Value::list(Type::String, vec![]));
}

// ----------------------------------------------------------------- local

#[tokio::test]
async fn local_file_checksums_and_drift() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/f.txt");
    let f = path.to_string_lossy().into_owned();
    let (cp, cfg, st) = create(
        "local_file",
        vec![("filename", s(&f)), ("content", s("hi"))],
    )
    .await;
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "hi");
    assert_eq!(text(&st, "id"), "c22b5f9178342609428d6f51b2c5af4c0bde6a42");
    assert_eq!(text(&st, "content_md5"), "49f68a5c8493ec2c0bf489821c21fc3b");
    assert_eq!(
        text(&st, "content_sha256"),
        "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"
    );
    assert_eq!(
        text(&st, "content_base64sha256"),
        "j0NDRmSPa5bfid2pAcUXaxCm2Dlh3TwayItZstwyeqQ="
    );
    assert_eq!(text(&st, "file_permission"), "0777");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o700, 0o700);
    }
    // Unchanged on disk: read keeps it and the plan is a no-op.
    let now = read(cp.as_ref(), "local_file", &st).await;
    assert_eq!(now, st);
    assert_eq!(
        plan(cp.as_ref(), "local_file", &now, &cfg)
            .await
            .planned_state,
        st
    );
    // Changed on disk: gone, so the next plan creates it again.
    std::fs::write(&path, "tampered").unwrap();
    let now = read(cp.as_ref(), "local_file", &st).await;
    assert!(now.is_null());
    let p = plan(cp.as_ref(), "local_file", &now, &cfg).await;
    assert!(!attr(&p.planned_state, "id").is_known());
    // Deleted on disk: gone too.
    std::fs::remove_file(&path).unwrap();
    assert!(read(cp.as_ref(), "local_file", &st).await.is_null());
    // Content change forces replacement.
    let p = plan(
        cp.as_ref(),
        "local_file",
        &st,
        &config(
            "local_file",
            vec![("filename", s(&f)), ("content", s("other"))],
        ),
    )
    .await;
    assert_eq!(replaced(&p), vec!["content"]);
}

#[tokio::test]
async fn local_file_sources_and_validation() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src.bin");
    std::fs::write(&src, [0u8, 159, 146, 150]).unwrap();
    let a = dir.path().join("a").to_string_lossy().into_owned();
    let (_, _, st) = create(
        "local_file",
        vec![("filename", s(&a)), ("source", s(&src.to_string_lossy()))],
    )
    .await;
    assert_eq!(std::fs::read(&a).unwrap(), vec![0u8, 159, 146, 150]);
    assert_eq!(text(&st, "content_sha1"), text(&st, "id"));
    let b = dir.path().join("b").to_string_lossy().into_owned();
    create(
        "local_sensitive_file",
        vec![("filename", s(&b)), ("content_base64", s("aGVsbG8="))],
    )
    .await;
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "hello");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&b).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "sensitive files default to 0700");
    }
    let local = terrane_provider_builtin::local();
    assert!(
        local.schema().resources["local_sensitive_file"]
            .block
            .attributes["content"]
            .sensitive
    );
    assert!(
        local.schema().data_sources["local_sensitive_file"]
            .block
            .attributes["content"]
            .sensitive
    );
    let validate = |attrs: Vec<(&str, Value)>| {
        local
            .validate(ValidateRequest {
                kind: ConfigKind::Resource,
                type_name: "local_file".into(),
                config: config("local_file", attrs),
            })
            .diagnostics
    };
    assert!(validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("source", s("y"))
    ])
    .has_errors());
    assert!(validate(vec![("filename", s(&a))]).has_errors());
    assert!(validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("file_permission", s("0999"))
    ])
    .has_errors());
    assert!(validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("file_permission", s("7"))
    ])
    .has_errors());
    assert!(!validate(vec![
        ("filename", s(&a)),
        ("content", s("x")),
        ("file_permission", s("0640"))
    ])
    .has_errors());
    // Data sources.
    let cp = configured(&local).await;
    let r = cp
        .read_data_source(ReadDataSourceRequest {
            type_name: "local_file".into(),
            config: config("local_file", vec![("filename", s(&b))]),
        })
        .await;
    assert_eq!(text(&r.state, "content"), "hello");
    assert_eq!(text(&r.state, "content_base64"), "aGVsbG8=");
    assert_eq!(
        text(&r.state, "id"),
        "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
    );
    let r = cp
        .read_data_source(ReadDataSourceRequest {
            type_name: "local_file".into(),
            config: config("local_file", vec![("filename", s("/nonexistent/file"))]),
        })
        .await;
    assert!(r.diagnostics.has_errors());
}

// ------------------------------------------------------------------ time

#[tokio::test]
async fn time_sleep_really_waits() {
    let start = std::time::Instant::now();
    let (cp, _, st) = create(
        "time_sleep",
        vec![
            ("create_duration", s("300ms")),
            ("destroy_duration", s("0.2s")),
        ],
    )
    .await;
    assert!(
        start.elapsed() >= std::time::Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert!(chrono::DateTime::parse_from_rfc3339(text(&st, "id")).is_ok());
    let start = std::time::Instant::now();
    apply(
        cp.as_ref(),
        "time_sleep",
        &st,
        &Value::dynamic_null(),
        &Value::dynamic_null(),
    )
    .await;
    assert!(start.elapsed() >= std::time::Duration::from_millis(200));
    // Changing the duration alone is an in-place update that keeps the id.
    let cfg = config("time_sleep", vec![("create_duration", s("1s"))]);
    let p = plan(cp.as_ref(), "time_sleep", &st, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert_eq!(attr(&p.planned_state, "id"), attr(&st, "id"));
    let bad = terrane_provider_builtin::time().validate(ValidateRequest {
        kind: ConfigKind::Resource,
        type_name: "time_sleep".into(),
        config: config("time_sleep", vec![]),
    });
    assert!(bad.diagnostics.has_errors());
    let bad = terrane_provider_builtin::time().validate(ValidateRequest {
        kind: ConfigKind::Resource,
        type_name: "time_sleep".into(),
        config: config("time_sleep", vec![("create_duration", s("1h30m"))]),
    });
    assert!(bad.diagnostics.has_errors());
    let imp = cp
        .import(ImportRequest {
            type_name: "time_sleep".into(),
            id: "1s,".into(),
        })
        .await;
    assert_eq!(text(&imp.imported[0].state, "create_duration"), "1s");
    assert!(attr(&imp.imported[0].state, "destroy_duration").is_null());
}

#[tokio::test]
async fn time_static_known_at_plan_when_configured() {
    let cp = configured(&terrane_provider_builtin::time()).await;
    let cfg = config(
        "time_static",
        vec![("rfc3339", s("2021-03-04T05:06:07+02:00"))],
    );
    let p = plan(cp.as_ref(), "time_static", &Value::dynamic_null(), &cfg).await;
    assert!(p.planned_state.is_wholly_known(), "{:?}", p.planned_state);
    assert_eq!(attr(&p.planned_state, "hour"), &n(5));
    assert_eq!(attr(&p.planned_state, "unix"), &n(1_614_827_167));
    let (_, _, st) = create("time_static", vec![]).await;
    let t = text(&st, "rfc3339");
    assert!(t.ends_with('Z') && t.len() == 20, "{t}");
    assert_eq!(text(&st, "id"), t);
    let imp = cp
        .import(ImportRequest {
            type_name: "time_static".into(),
            id: "2020-01-02T03:04:05Z".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(attr(st, "year"), &n(2020));
    assert_eq!(
        attr(st, "triggers"),
        &Value::map(Type::String, BTreeMap::new())
    );
}

#[tokio::test]
async fn time_rotating_expires_and_updates() {
    let (cp, _, st) = create(
        "time_rotating",
        vec![
            ("rfc3339", s("2020-01-31T00:00:00Z")),
            ("rotation_months", n(1)),
        ],
    )
    .await;
    assert_eq!(
        text(&st, "rotation_rfc3339"),
        "2020-03-02T00:00:00Z",
        "Go AddDate normalisation"
    );
    assert_eq!(attr(&st, "month"), &n(3));
    assert_eq!(text(&st, "id"), "2020-01-31T00:00:00Z");
    // Past its rotation time: read says gone, plan says replace.
    assert!(read(cp.as_ref(), "time_rotating", &st).await.is_null());
    let cfg = config(
        "time_rotating",
        vec![
            ("rfc3339", s("2020-01-31T00:00:00Z")),
            ("rotation_months", n(1)),
        ],
    );
    let p = plan(cp.as_ref(), "time_rotating", &st, &cfg).await;
    assert_eq!(replaced(&p), vec!["rotation_rfc3339"]);
    // A fresh one far from rotation: read keeps it; changing the rotation
    // period is an update with the new rotation time known at plan.
    let (cp, _, st) = create("time_rotating", vec![("rotation_years", n(5))]).await;
    assert_eq!(read(cp.as_ref(), "time_rotating", &st).await, st);
    let cfg = config("time_rotating", vec![("rotation_years", n(6))]);
    let p = plan(cp.as_ref(), "time_rotating", &st, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert!(p.planned_state.is_wholly_known());
    assert_eq!(attr(&p.planned_state, "id"), attr(&st, "id"));
    let year = attr(&st, "year").as_number().unwrap().to_i64().unwrap();
    assert_eq!(attr(&p.planned_state, "year"), &n(year + 1));
    let imp = cp
        .import(ImportRequest {
            type_name: "time_rotating".into(),
            id: "2020-01-01T00:00:00Z,,,7,,".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "rotation_rfc3339"),
        "2020-01-08T00:00:00Z"
    );
    let imp = cp
        .import(ImportRequest {
            type_name: "time_rotating".into(),
            id: "2020-01-01T00:00:00Z,2021-01-01T00:00:00Z".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "rotation_rfc3339"),
        "2021-01-01T00:00:00Z"
    );
}

#[tokio::test]
async fn time_offset_values() {
    let (cp, _, st) = create(
        "time_offset",
        vec![
            ("base_rfc3339", s("2020-12-31T23:00:00Z")),
            ("offset_hours", n(2)),
            ("offset_days", n(1)),
        ],
    )
    .await;
    assert_eq!(text(&st, "rfc3339"), "2021-01-02T01:00:00Z");
    assert_eq!(text(&st, "id"), "2020-12-31T23:00:00Z");
    let cfg = config(
        "time_offset",
        vec![
            ("base_rfc3339", s("2020-12-31T23:00:00Z")),
            ("offset_hours", n(3)),
            ("offset_days", n(1)),
        ],
    );
    let p = plan(cp.as_ref(), "time_offset", &st, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert_eq!(text(&p.planned_state, "rfc3339"), "2021-01-02T02:00:00Z");
    let imp = cp
        .import(ImportRequest {
            type_name: "time_offset".into(),
            id: "2020-01-01T00:00:00Z,1,,,,,30".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "rfc3339"),
        "2021-01-01T00:00:30Z"
    );
}

// ------------------------------------------------------------ robustness

/// No input shape makes a provider panic: every verb answers with
/// diagnostics instead.
#[tokio::test]
async fn odd_inputs_give_diagnostics_not_panics() {
    let odd = vec![
        Value::dynamic_null(),
        Value::unknown(Type::Dynamic),
        s("not an object"),
        Value::empty_object(),
        Value::object(BTreeMap::from([
            ("length".to_string(), s("x")),
            ("byte_length".to_string(), n(-1)),
        ])),
    ];
    for p in all() {
        let cp = p
            .configure(ConfigureRequest {
                config: Value::dynamic_null(),
                terrane_version: "t".into(),
            })
            .await
            .provider
            .unwrap();
        let mut types: Vec<String> = p.schema().resources.keys().cloned().collect();
        types.push("no_such_type".into());
        for ty in &types {
            for v in &odd {
                for prior in &odd {
                    let _ = p.validate(ValidateRequest {
                        kind: ConfigKind::Resource,
                        type_name: ty.clone(),
                        config: v.clone(),
                    });
                    let _ = cp
                        .plan_change(PlanChangeRequest {
                            type_name: ty.clone(),
                            prior_state: prior.clone(),
                            proposed_new_state: v.clone(),
                            config: v.clone(),
                            prior_private: Vec::new(),
                        })
                        .await;
                    if ty != "time_sleep" {
                        let _ = cp
                            .apply_change(ApplyChangeRequest {
                                type_name: ty.clone(),
                                prior_state: prior.clone(),
                                planned_state: v.clone(),
                                config: v.clone(),
                                planned_private: Vec::new(),
                            })
                            .await;
                    }
                    let _ = cp
                        .read(ReadRequest {
                            type_name: ty.clone(),
                            current_state: v.clone(),
                            private: Vec::new(),
                        })
                        .await;
                }
            }
            for id in [
                "",
                ",",
                "a,b,c,d,e,f,g,h",
                "-1,x,y",
                "2020-01-01T00:00:00Z,,,,,,",
            ] {
                let _ = cp
                    .import(ImportRequest {
                        type_name: ty.clone(),
                        id: id.into(),
                    })
                    .await;
            }
        }
        let unknown = cp.plan_change(PlanChangeRequest {
            type_name: "no_such_type".into(),
            prior_state: Value::dynamic_null(),
            proposed_new_state: Value::empty_object(),
            config: Value::empty_object(),
            prior_private: Vec::new(),
        });
        assert!(unknown.await.diagnostics.has_errors());
    }
    // An unknown length plans unknown results rather than failing.
    let cp = configured(&terrane_provider_builtin::random()).await;
    let cfg = config(
        "random_string",
        vec![("length", Value::unknown(Type::Number))],
    );
    let p = plan(cp.as_ref(), "random_string", &Value::dynamic_null(), &cfg).await;
    assert!(!p.diagnostics.has_errors());
    assert!(matches!(
        attr(&p.planned_state, "result").kind,
        Kind::Unknown(_)
    ));
}

// ------------------------------------------------------------- functions

#[test]
fn provider_functions() {
    use terrane_provider::CallFunctionRequest;
    let time = terrane_provider_builtin::time();
    let names: Vec<&String> = time.schema().functions.keys().collect();
    assert_eq!(
        names,
        vec!["duration_parse", "rfc3339_parse", "unix_timestamp_parse"]
    );
    let r = time.call_function(CallFunctionRequest {
        name: "rfc3339_parse".into(),
        args: vec![s("2024-02-29T12:34:56+01:00")],
    });
    assert!(r.error.is_none());
    assert_eq!(attr(&r.result, "hour"), &n(12));
    assert_eq!(attr(&r.result, "weekday_name"), &s("Thursday"));
    let r = time.call_function(CallFunctionRequest {
        name: "duration_parse".into(),
        args: vec![s("nope")],
    });
    assert_eq!(r.error.unwrap().1, Some(0));
    let r = time.call_function(CallFunctionRequest {
        name: "duration_parse".into(),
        args: vec![Value::unknown(Type::String)],
    });
    assert!(r.error.is_none() && !r.result.is_known());
    let r = time.call_function(CallFunctionRequest {
        name: "duration_parse".into(),
        args: vec![],
    });
    assert!(r.error.is_some());
    let r = time.call_function(CallFunctionRequest {
        name: "missing".into(),
        args: vec![],
    });
    assert!(r.error.is_some());

    let local = terrane_provider_builtin::local();
    let dir = tempfile::tempdir().unwrap();
    let call = |p: &str| {
        local.call_function(CallFunctionRequest {
            name: "direxists".into(),
            args: vec![s(p)],
        })
    };
    assert_eq!(
        call(&dir.path().to_string_lossy()).result,
        Value::bool(true)
    );
    assert_eq!(
        call(&dir.path().join("nope").to_string_lossy()).result,
        Value::bool(false)
    );
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    assert!(call(&file.to_string_lossy()).error.is_some());
}

/// Configuration values arrive converted to the schema's types, as
/// Terraform converts them: an object literal for a map, a numeric string
/// for a number.
#[tokio::test]
async fn config_is_converted_to_schema_types() {
    let cp = configured(&terrane_provider_builtin::random()).await;
    let keepers = Value::object(BTreeMap::from([("a".to_string(), s("1"))]));
    let cfg = config(
        "random_string",
        vec![("length", s("8")), ("keepers", keepers)],
    );
    let p = plan(cp.as_ref(), "random_string", &Value::dynamic_null(), &cfg).await;
    assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(attr(&p.planned_state, "length"), &n(8));
    assert_eq!(attr(&p.planned_state, "keepers"), &smap(&[("a", "1")]));
    let st = apply(
        cp.as_ref(),
        "random_string",
        &Value::dynamic_null(),
        &p.planned_state,
        &cfg,
    )
    .await;
    assert_eq!(text(&st, "result").len(), 8);
    let bad = config("random_string", vec![("length", s("eight"))]);
    let p = plan(cp.as_ref(), "random_string", &Value::dynamic_null(), &bad).await;
    assert!(p.diagnostics.has_errors());
}

/// Absurd sizes are refused with diagnostics instead of exhausting memory.
#[tokio::test]
async fn absurd_sizes_are_refused() {
    let cp = configured(&terrane_provider_builtin::random()).await;
    for (ty, attrs) in [
        ("random_id", vec![("byte_length", n(i64::MAX))]),
        (
            "random_string",
            vec![("length", n(10)), ("min_upper", n(i64::MAX))],
        ),
        ("random_string", vec![("length", n(i64::MAX))]),
        ("random_pet", vec![("length", n(i64::MAX))]),
        (
            "random_shuffle",
            vec![("input", slist(&["a"])), ("result_count", n(i64::MAX))],
        ),
    ] {
        let cfg = config(ty, attrs);
        let p = plan(cp.as_ref(), ty, &Value::dynamic_null(), &cfg).await;
        let r = cp
            .apply_change(ApplyChangeRequest {
                type_name: ty.into(),
                prior_state: Value::dynamic_null(),
                planned_state: p.planned_state.clone(),
                config: cfg,
                planned_private: Vec::new(),
            })
            .await;
        assert!(
            p.diagnostics.has_errors() || r.diagnostics.has_errors(),
            "{ty}"
        );
    }
    // A negative pet length still makes a name, as Go's petname does.
    let (_, _, st) = create("random_pet", vec![("length", n(-5))]).await;
    assert_eq!(text(&st, "id").split('-').count(), 2);
}
