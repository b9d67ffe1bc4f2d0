//! Shared test helpers: connecting to the test API server (or skipping when
//! none runs), building configuration values from JSON, and driving the
//! provider verbs the way the engine does.

#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value as J;
use std::collections::BTreeMap;
use terrane_provider::{
    ApplyChangeRequest, ApplyChangeResponse, Block, ConfiguredProvider, ImportRequest, Nesting,
    PlanChangeRequest, PlanChangeResponse, Provider, ReadRequest,
};
use terrane_provider_kubernetes::{Configured, KubernetesProvider};
use terrane_value::{Kind, Type, Value};

/// The configured provider, or `None` (after printing why) when no test
/// server runs. With `TERRANE_REQUIRE_SERVERS` set, a missing server fails.
pub async fn provider() -> Option<(KubernetesProvider, Configured)> {
    let Ok(path) = std::env::var("TERRANE_KUBECONFIG") else {
        if std::env::var("TERRANE_REQUIRE_SERVERS").is_ok() {
            panic!("TERRANE_REQUIRE_SERVERS is set but TERRANE_KUBECONFIG is not");
        }
        eprintln!("skipped: kube-apiserver not running (TERRANE_KUBECONFIG unset)");
        return None;
    };
    let p = KubernetesProvider::new();
    let mut cfg = BTreeMap::new();
    cfg.insert("config_path".to_string(), Value::string(path));
    let c = p
        .connect(&typed(&p.schema().provider.block, &obj_json(cfg)))
        .await
        .expect("connect");
    Some((p, c))
}

fn obj_json(m: BTreeMap<String, Value>) -> J {
    terrane_provider_kubernetes::jsonval::to_json(&Value::object(m)).unwrap()
}

/// A value of `block`'s implied type from JSON written like HCL: absent
/// attributes null, absent list blocks empty, blocks as arrays of objects
/// (or a single object).
pub fn typed(block: &Block, j: &J) -> Value {
    let empty = serde_json::Map::new();
    let o = j.as_object().unwrap_or(&empty);
    let mut out = BTreeMap::new();
    for (name, a) in &block.attributes {
        out.insert(name.clone(), attr(&a.ty, o.get(name)));
    }
    for (name, nb) in &block.blocks {
        let inner_ty = nb.block.implied_type();
        let items: Vec<Value> = match o.get(name) {
            Some(J::Array(xs)) => xs.iter().map(|x| typed(&nb.block, x)).collect(),
            Some(x @ J::Object(_)) => vec![typed(&nb.block, x)],
            _ => vec![],
        };
        let v = match nb.nesting {
            Nesting::Single | Nesting::Group => items
                .into_iter()
                .next()
                .unwrap_or_else(|| Value::null(inner_ty)),
            Nesting::List => Value::list(inner_ty, items),
            Nesting::Set => Value::set(inner_ty, items),
            Nesting::Map => Value::null(Type::map(inner_ty)),
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

fn attr(ty: &Type, j: Option<&J>) -> Value {
    let Some(j) = j.filter(|j| !j.is_null()) else {
        return Value::null(ty.clone());
    };
    match ty {
        Type::String => Value::string(match j {
            J::String(s) => s.clone(),
            other => other.to_string(),
        }),
        Type::Number => Value::number(j.as_i64().unwrap()),
        Type::Bool => Value::bool(j.as_bool().unwrap()),
        Type::Map(e) => Value::map(
            (**e).clone(),
            j.as_object()
                .unwrap()
                .iter()
                .map(|(k, x)| (k.clone(), attr(e, Some(x))))
                .collect(),
        ),
        Type::List(e) => Value::list(
            (**e).clone(),
            j.as_array()
                .unwrap()
                .iter()
                .map(|x| attr(e, Some(x)))
                .collect(),
        ),
        Type::Set(e) => Value::set(
            (**e).clone(),
            j.as_array()
                .unwrap()
                .iter()
                .map(|x| attr(e, Some(x)))
                .collect(),
        ),
        Type::Dynamic => terrane_provider_kubernetes::jsonval::from_json(j),
        Type::Object { attrs, .. } => Value::object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), attr(t, j.get(k))))
                .collect(),
        ),
        other => panic!("unsupported type {other:?}"),
    }
}

/// Schema block of a resource type.
pub fn res_block(p: &KubernetesProvider, ty: &str) -> Block {
    p.schema().resources[ty].block.clone()
}

/// Config value for a resource type.
pub fn cfg(p: &KubernetesProvider, ty: &str, j: J) -> Value {
    typed(&res_block(p, ty), &j)
}

/// Plans a change (create when `prior` is null).
pub async fn plan(c: &Configured, ty: &str, prior: &Value, config: &Value) -> PlanChangeResponse {
    c.plan_change(PlanChangeRequest {
        type_name: ty.into(),
        prior_state: prior.clone(),
        proposed_new_state: config.clone(),
        config: config.clone(),
        prior_private: Vec::new(),
    })
    .await
}

/// Applies a plan.
pub async fn apply(
    c: &Configured,
    ty: &str,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> ApplyChangeResponse {
    c.apply_change(ApplyChangeRequest {
        type_name: ty.into(),
        prior_state: prior.clone(),
        planned_state: planned.clone(),
        config: config.clone(),
        planned_private: Vec::new(),
    })
    .await
}

/// Plans and applies, asserting success; returns the new state.
pub async fn plan_apply(c: &Configured, ty: &str, prior: &Value, config: &Value) -> Value {
    let pl = plan(c, ty, prior, config).await;
    assert!(
        !pl.diagnostics.has_errors(),
        "plan {ty}: {:?}",
        pl.diagnostics
    );
    let ap = apply(c, ty, prior, &pl.planned_state, config).await;
    assert!(
        !ap.diagnostics.has_errors(),
        "apply {ty}: {:?}",
        ap.diagnostics
    );
    assert!(
        ap.new_state.is_wholly_known(),
        "unknowns left: {:?}",
        ap.new_state
    );
    assert!(
        consistent(&pl.planned_state, &ap.new_state),
        "apply result differs from plan:\nplanned {}\nnew     {}",
        show(&pl.planned_state),
        show(&ap.new_state)
    );
    ap.new_state
}

/// Creates from `config` where the apply must fail with exactly one error
/// (a wait that cannot finish); returns its text and the recorded state.
pub async fn create_failing_once(c: &Configured, ty: &str, config: &Value) -> (String, Value) {
    let null = Value::dynamic_null();
    let pl = plan(c, ty, &null, config).await;
    let ap = apply(c, ty, &null, &pl.planned_state, config).await;
    let errs: Vec<String> = ap
        .diagnostics
        .errors()
        .map(|d| format!("{} {}", d.summary, d.detail))
        .collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    (errs[0].clone(), ap.new_state)
}

/// Reads an instance.
pub async fn read(c: &Configured, ty: &str, state: &Value) -> Value {
    let r = c
        .read(ReadRequest {
            type_name: ty.into(),
            current_state: state.clone(),
            private: Vec::new(),
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "read {ty}: {:?}",
        r.diagnostics
    );
    r.new_state
}

/// Destroys an instance.
pub async fn destroy(c: &Configured, ty: &str, state: &Value) {
    let r = apply(c, ty, state, &Value::dynamic_null(), &Value::dynamic_null()).await;
    assert!(
        !r.diagnostics.has_errors(),
        "delete {ty}: {:?}",
        r.diagnostics
    );
    assert!(r.new_state.is_null());
}

/// Imports by ID and returns the state.
pub async fn import(c: &Configured, ty: &str, id: &str) -> Value {
    let r = c
        .import(ImportRequest {
            type_name: ty.into(),
            id: id.into(),
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "import {ty}: {:?}",
        r.diagnostics
    );
    r.imported[0].state.clone()
}

/// True when every known value in `planned` equals the one in `actual`.
pub fn consistent(planned: &Value, actual: &Value) -> bool {
    match (&planned.kind, &actual.kind) {
        (Kind::Unknown(_), _) => true,
        (Kind::Object(a), Kind::Object(b)) | (Kind::Map(_, a), Kind::Map(_, b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| consistent(v, w)))
        }
        (Kind::List(_, a), Kind::List(_, b)) | (Kind::Tuple(a), Kind::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| consistent(x, y))
        }
        _ => planned == actual,
    }
}

/// JSON-ish text of a value (unknowns shown), for messages.
pub fn show(v: &Value) -> String {
    terrane_value::display::format_value(v)
}

/// Follows attribute names and list indexes into a value.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    let mut cur = v;
    for step in path {
        cur = match &cur.kind {
            Kind::Object(m) | Kind::Map(_, m) => m
                .get(*step)
                .unwrap_or_else(|| panic!("no {step} in {}", show(cur))),
            Kind::List(_, xs) | Kind::Tuple(xs) => &xs[step.parse::<usize>().unwrap()],
            _ => panic!("cannot index {} with {step}", show(cur)),
        };
    }
    cur
}

/// A namespace for one test, created fresh (deleted first if left over).
pub async fn namespace(c: &Configured, p: &KubernetesProvider, name: &str) -> Value {
    let ty = "kubernetes_namespace_v1";
    let config = cfg(p, ty, serde_json::json!({"metadata": {"name": name}}));
    let leftover = read(c, ty, &config_as_state(&config)).await;
    if !leftover.is_null() {
        destroy(c, ty, &leftover).await;
    }
    plan_apply(c, ty, &Value::dynamic_null(), &config).await
}

fn config_as_state(v: &Value) -> Value {
    v.clone()
}

/// Runs a kubectl-like JSON merge patch through the raw API.
pub async fn merge_patch(
    c: &Configured,
    api_version: &str,
    kind: &str,
    ns: Option<&str>,
    name: &str,
    patch: J,
) {
    use kube::api::{Api, DynamicObject, Patch, PatchParams};
    let t = c.kube.resolve(api_version, kind).await.unwrap();
    let api: Api<DynamicObject> = match ns {
        Some(ns) => Api::namespaced_with(c.kube.client.clone(), ns, &t.resource),
        None => Api::all_with(c.kube.client.clone(), &t.resource),
    };
    api.patch(name, &PatchParams::default(), &Patch::Merge(patch))
        .await
        .unwrap();
}

/// One resource's full lifecycle test.
pub struct Case<'a> {
    /// Resource type.
    pub ty: &'a str,
    /// First configuration.
    pub create: J,
    /// An in-place update of it.
    pub update: J,
    /// A change that must replace the object (path of the cause).
    pub replace: Option<(J, &'a str)>,
    /// The import ID of the object `update` describes.
    pub import_id: String,
    /// An out-of-band change: (apiVersion, kind, namespace, name, merge patch).
    pub external: (&'a str, &'a str, Option<&'a str>, &'a str, J),
    /// Where the out-of-band change shows in the state, and its value.
    pub external_check: (Vec<&'a str>, Value),
}

fn assert_noop(ty: &str, step: &str, pl: &PlanChangeResponse, prior: &Value) {
    assert!(
        !pl.diagnostics.has_errors(),
        "{ty} {step}: {:?}",
        pl.diagnostics
    );
    assert!(
        pl.requires_replace.is_empty(),
        "{ty} {step}: replace {:?}",
        pl.requires_replace
    );
    assert!(
        pl.planned_state == *prior,
        "{ty} {step}: plan is not a no-op:\n{}",
        diff(&pl.planned_state, prior)
    );
}

/// Create, read, no-op plan, update in place, no-op plan, import, external
/// change detected, replace, delete.
pub async fn lifecycle(p: &KubernetesProvider, c: &Configured, case: Case<'_>) {
    let ty = case.ty;
    let null = Value::dynamic_null();
    let c1 = cfg(p, ty, case.create);
    let s1 = plan_apply(c, ty, &null, &c1).await;
    let r1 = read(c, ty, &s1).await;
    assert!(!r1.is_null(), "{ty}: read after create found nothing");
    assert_noop(ty, "plan after create", &plan(c, ty, &r1, &c1).await, &r1);

    let c2 = cfg(p, ty, case.update);
    let pl = plan(c, ty, &r1, &c2).await;
    assert!(
        !pl.diagnostics.has_errors(),
        "{ty} update plan: {:?}",
        pl.diagnostics
    );
    assert!(
        pl.requires_replace.is_empty(),
        "{ty}: update must be in place: {:?}",
        pl.requires_replace
    );
    assert!(pl.planned_state != r1, "{ty}: update plan shows no change");
    let s2 = plan_apply(c, ty, &r1, &c2).await;
    let r2 = read(c, ty, &s2).await;
    assert_noop(ty, "plan after update", &plan(c, ty, &r2, &c2).await, &r2);

    let imported = import(c, ty, &case.import_id).await;
    let mut ri = read(c, ty, &imported).await;
    // terrane-only settings are not on the server: an import leaves them
    // null, as Terraform's provider does (the next plan sets them); the
    // no-op check takes the applied ones.
    for local in [
        "wait_for_rollout",
        "wait_for_completion",
        "wait_until_bound",
        "wait_for_load_balancer",
        "wait_for_default_service_account",
        "field_manager",
        "wait",
        "timeouts",
        "computed_fields",
    ] {
        if local.starts_with("wait_for") {
            if let Some(v) = imported.get_attr(local) {
                assert!(v.is_null(), "{ty}: import set {local} = {}", show(v));
            }
        }
        if let (Kind::Object(m), Some(w)) = (&mut ri.kind, r2.get_attr(local)) {
            m.insert(local.into(), w.clone());
        }
    }
    assert_noop(ty, "plan after import", &plan(c, ty, &ri, &c2).await, &ri);

    let (av, kind, ns, name, patch) = case.external;
    merge_patch(c, av, kind, ns, name, patch).await;
    let r3 = read(c, ty, &r2).await;
    let (path, want) = case.external_check;
    assert_eq!(at(&r3, &path), &want, "{ty}: external change not read back");
    let pl = plan(c, ty, &r3, &c2).await;
    assert!(
        pl.planned_state != r3,
        "{ty}: external change not planned away"
    );
    let mut current = plan_apply(c, ty, &r3, &c2).await;
    current = read(c, ty, &current).await;
    assert_noop(
        ty,
        "plan after correcting drift",
        &plan(c, ty, &current, &c2).await,
        &current,
    );

    if let Some((rj, cause)) = case.replace {
        let cr = cfg(p, ty, rj);
        let pl = plan(c, ty, &current, &cr).await;
        assert!(
            !pl.diagnostics.has_errors(),
            "{ty} replace plan: {:?}",
            pl.diagnostics
        );
        let causes: Vec<String> = pl.requires_replace.iter().map(|p| p.to_string()).collect();
        assert!(
            causes.iter().any(|p| p.contains(cause)),
            "{ty}: expected replacement because of {cause}, got {causes:?}"
        );
        destroy(c, ty, &current).await;
        current = plan_apply(c, ty, &null, &cr).await;
    }
    destroy(c, ty, &current).await;
    let gone = read(c, ty, &current).await;
    assert!(gone.is_null(), "{ty}: still there after delete");
}

/// The lines that differ between two values' renderings.
pub fn diff(a: &Value, b: &Value) -> String {
    let (sa, sb) = (show(a), show(b));
    let (la, lb): (Vec<&str>, Vec<&str>) = (sa.lines().collect(), sb.lines().collect());
    let mut out = String::new();
    for (i, (x, y)) in la.iter().zip(lb.iter()).enumerate() {
        if x != y {
            out.push_str(&format!("line {i}: planned {x}\n         prior   {y}\n"));
        }
    }
    if la.len() != lb.len() {
        out.push_str(&format!("lengths {} vs {}\n", la.len(), lb.len()));
    }
    out
}
