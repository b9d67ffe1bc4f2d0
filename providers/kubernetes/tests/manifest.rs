//! `kubernetes_manifest` against a real kube-apiserver (skipped without one).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use terrane_value::{Kind, Value};

const TY: &str = "kubernetes_manifest";

fn cm(ns: &str, data: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m", "namespace": ns}, "data": data})
}

#[tokio::test]
async fn config_map_lifecycle() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-cm";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: TY,
            create: json!({"manifest": cm(ns, json!({"a": "1"}))}),
            // kubectl's edit below takes ownership of data.a: taking it back
            // needs force_conflicts, as with Terraform's provider.
            update: json!({"manifest": cm(ns, json!({"a": "2"})), "field_manager": {"force_conflicts": true}}),
            replace: Some((
                json!({"manifest": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m2", "namespace": ns}}}),
                "manifest",
            )),
            import_id: format!("apiVersion=v1,kind=ConfigMap,namespace={ns},name=m"),
            external: ("v1", "ConfigMap", Some(ns), "m", json!({"data": {"a": "kubectl"}})),
            external_check: (vec!["object", "data", "a"], Value::string("kubectl")),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn plan_shows_server_defaults_and_waits_time_out() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-dep";
    let nsv = namespace(&c, &p, ns).await;
    let manifest = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": ns},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
    });
    let config = cfg(
        &p,
        TY,
        json!({"manifest": manifest, "wait": {"rollout": true}, "timeouts": {"create": "2s"}}),
    );
    let null = Value::dynamic_null();
    let pl = plan(&c, TY, &null, &config).await;
    assert!(!pl.diagnostics.has_errors(), "{:?}", pl.diagnostics);
    // Defaults the API server fills in are in the plan.
    let obj = &pl.planned_state;
    assert_eq!(
        at(obj, &["object", "spec", "strategy", "type"]),
        &Value::string("RollingUpdate")
    );
    assert_eq!(
        at(obj, &["object", "spec", "progressDeadlineSeconds"]),
        &Value::number(600)
    );
    assert_eq!(
        at(
            obj,
            &[
                "object",
                "spec",
                "template",
                "spec",
                "containers",
                "0",
                "imagePullPolicy"
            ]
        ),
        &Value::string("Always")
    );
    let ap = apply(&c, TY, &null, &pl.planned_state, &config).await;
    let errs: Vec<String> = ap.diagnostics.errors().map(|d| d.detail.clone()).collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].contains("timed out after 2s") && errs[0].contains("Deployment tt-man-dep/web"),
        "{}",
        errs[0]
    );
    assert!(
        !ap.new_state.is_null(),
        "the created object must be recorded"
    );
    destroy(&c, TY, &ap.new_state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn service_allocations_are_unknown_and_replans_are_consistent() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-svc";
    let nsv = namespace(&c, &p, ns).await;
    let config = cfg(
        &p,
        TY,
        json!({"manifest": {
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ns},
            "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}
        }}),
    );
    let null = Value::dynamic_null();
    let first = plan(&c, TY, &null, &config).await;
    assert!(!first.diagnostics.has_errors(), "{:?}", first.diagnostics);
    assert!(!at(&first.planned_state, &["object", "spec", "clusterIP"]).is_known());
    assert!(!at(
        &first.planned_state,
        &["object", "spec", "ports", "0", "nodePort"]
    )
    .is_known());
    let second = plan(&c, TY, &null, &config).await;
    assert!(consistent(&first.planned_state, &second.planned_state));
    let state = plan_apply(&c, TY, &null, &config).await;
    let ip = at(&state, &["object", "spec", "clusterIP"])
        .as_str()
        .unwrap()
        .to_string();
    assert!(ip.starts_with("10.96."), "{ip}");
    let again = plan(&c, TY, &state, &config).await;
    assert_eq!(again.planned_state, state);
    destroy(&c, TY, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn custom_resource_definitions_and_custom_resources() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-crd";
    let nsv = namespace(&c, &p, ns).await;
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.terrane.test"},
        "spec": {"group": "terrane.test", "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {"size": {"type": "integer", "default": 3}, "color": {"type": "string"}}}}}}}]}
    });
    let null = Value::dynamic_null();
    let crd_cfg = cfg(
        &p,
        TY,
        json!({"manifest": crd, "wait": {"condition": [{"type": "Established", "status": "True"}]}}),
    );
    let crd_state = plan_apply(&c, TY, &null, &crd_cfg).await;
    let widget = cfg(
        &p,
        TY,
        json!({"manifest": {
            "apiVersion": "terrane.test/v1", "kind": "Widget",
            "metadata": {"name": "w", "namespace": ns}, "spec": {"color": "red"}
        }}),
    );
    let pl = plan(&c, TY, &null, &widget).await;
    assert!(!pl.diagnostics.has_errors(), "{:?}", pl.diagnostics);
    // The structural schema's default shows in the plan.
    assert_eq!(
        at(&pl.planned_state, &["object", "spec", "size"]),
        &Value::number(3)
    );
    let w = plan_apply(&c, TY, &null, &widget).await;
    let r = read(&c, TY, &w).await;
    assert_eq!(plan(&c, TY, &r, &widget).await.planned_state, r);
    destroy(&c, TY, &r).await;
    destroy(&c, TY, &crd_state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn field_manager_conflicts_and_other_managers_fields() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-fm";
    let nsv = namespace(&c, &p, ns).await;
    let null = Value::dynamic_null();
    let mine = cfg(&p, TY, json!({"manifest": cm(ns, json!({"a": "1"}))}));
    let state = plan_apply(&c, TY, &null, &mine).await;

    // Another manager adds a field terrane does not manage: no diff.
    let t = c.kube.resolve("v1", "ConfigMap").await.unwrap();
    let other = terrane_provider_kubernetes::client::ApplyOpts {
        manager: "other",
        force: false,
        dry_run: false,
    };
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m", "namespace": ns}, "data": {"extra": "x"}});
    c.kube
        .apply(&t, Some(ns), "m", &body, &other)
        .await
        .unwrap();
    let r = read(&c, TY, &state).await;
    assert_eq!(at(&r, &["object", "data", "extra"]), &Value::string("x"));
    assert_eq!(
        plan(&c, TY, &r, &mine).await.planned_state,
        r,
        "another manager's field must not cause a diff"
    );

    // Taking over a field another manager owns conflicts unless forced.
    let take = cfg(
        &p,
        TY,
        json!({"manifest": cm(ns, json!({"a": "1", "extra": "mine"}))}),
    );
    let pl = plan(&c, TY, &r, &take).await;
    let errs: Vec<String> = pl.diagnostics.errors().map(|d| d.detail.clone()).collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("conflict") && e.contains("409")),
        "{errs:?}"
    );
    let forced = cfg(
        &p,
        TY,
        json!({"manifest": cm(ns, json!({"a": "1", "extra": "mine"})),
        "field_manager": {"name": "terrane", "force_conflicts": true}}),
    );
    let s2 = plan_apply(&c, TY, &r, &forced).await;
    assert_eq!(
        at(&s2, &["object", "data", "extra"]),
        &Value::string("mine")
    );
    destroy(&c, TY, &s2).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn removal_waits_for_finalizers() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-fin";
    let nsv = namespace(&c, &p, ns).await;
    let null = Value::dynamic_null();
    let config = cfg(
        &p,
        TY,
        json!({"manifest": {"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "held", "namespace": ns, "finalizers": ["terrane.test/hold"]}},
        "timeouts": {"delete": "2s"}}),
    );
    let state = plan_apply(&c, TY, &null, &config).await;
    let r = apply(&c, TY, &state, &null, &null).await;
    let errs: Vec<String> = r.diagnostics.errors().map(|d| d.detail.clone()).collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("finalizers") && e.contains("timed out")),
        "{errs:?}"
    );
    merge_patch(
        &c,
        "v1",
        "ConfigMap",
        Some(ns),
        "held",
        json!({"metadata": {"finalizers": null}}),
    )
    .await;
    destroy(&c, TY, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn missing_namespace_plans_unknown_object_and_bad_manifests_fail() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let null = Value::dynamic_null();
    let config = cfg(
        &p,
        TY,
        json!({"manifest": cm("tt-not-yet-created", json!({"a": "1"}))}),
    );
    let pl = plan(&c, TY, &null, &config).await;
    assert!(!pl.diagnostics.has_errors(), "{:?}", pl.diagnostics);
    assert!(matches!(
        at(&pl.planned_state, &["object"]).kind,
        Kind::Unknown(_)
    ));

    let bad = cfg(
        &p,
        TY,
        json!({"manifest": {"apiVersion": "v1", "kind": "NoSuchKind", "metadata": {"name": "x"}}}),
    );
    let pl = plan(&c, TY, &null, &bad).await;
    let errs: Vec<String> = pl.diagnostics.errors().map(|d| d.detail.clone()).collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("does not serve kind \"NoSuchKind\"")),
        "{errs:?}"
    );

    let invalid = cfg(
        &p,
        TY,
        json!({"manifest": {"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "Bad_Name", "namespace": "default"}}}),
    );
    let pl = plan(&c, TY, &null, &invalid).await;
    let errs: Vec<String> = pl.diagnostics.errors().map(|d| d.detail.clone()).collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("Invalid") && e.contains("Bad_Name")),
        "{errs:?}"
    );
}
