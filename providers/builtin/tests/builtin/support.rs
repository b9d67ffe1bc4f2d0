//! Helpers shared by the test modules.

use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{
    ApplyChangeRequest, ConfigureRequest, ConfiguredProvider, PlanChangeRequest,
    PlanChangeResponse, Provider, ReadRequest,
};
use terrane_provider_builtin::BuiltinProvider;
use terrane_value::{Path, Type, Value};

pub fn provider_for(type_name: &str) -> BuiltinProvider {
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

pub async fn configured(p: &BuiltinProvider) -> Arc<dyn ConfiguredProvider> {
    p.configure(ConfigureRequest {
        config: Value::empty_object(),
        terrane_version: "test".into(),
    })
    .await
    .provider
    .unwrap()
}

/// A full object of the resource's implied type: nulls except `attrs`.
pub fn config(type_name: &str, attrs: Vec<(&str, Value)>) -> Value {
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

pub fn s(v: &str) -> Value {
    Value::string(v)
}

pub fn n(v: i64) -> Value {
    Value::number(v)
}

pub fn smap(entries: &[(&str, &str)]) -> Value {
    Value::map(
        Type::String,
        entries.iter().map(|(k, v)| (k.to_string(), s(v))).collect(),
    )
}

pub fn slist(items: &[&str]) -> Value {
    Value::list(Type::String, items.iter().map(|x| s(x)).collect())
}

pub fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get_attr(name)
        .unwrap_or_else(|| panic!("no attribute {name} in {v:?}"))
}

pub fn text<'a>(v: &'a Value, name: &str) -> &'a str {
    attr(v, name)
        .as_str()
        .unwrap_or_else(|| panic!("{name} is not a known string: {v:?}"))
}

/// Proposed new state as Terraform makes it: config, with prior values for
/// computed attributes the config leaves null.
pub fn proposed(type_name: &str, config: &Value, prior: &Value) -> Value {
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

pub async fn plan(
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

pub async fn apply(
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
pub async fn create(
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

pub async fn read(cp: &dyn ConfiguredProvider, type_name: &str, state: &Value) -> Value {
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

pub fn replaced(p: &PlanChangeResponse) -> Vec<String> {
    p.requires_replace.iter().map(Path::to_string).collect()
}

pub fn is_go_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).collect::<Vec<_>>() == vec![8, 4, 4, 4, 12]
        && groups.iter().all(|g| {
            g.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}
