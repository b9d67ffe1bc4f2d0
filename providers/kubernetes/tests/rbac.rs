//! RBAC roles and bindings against a real kube-apiserver (skipped without
//! one): create, read back, no-op re-plan, update in place, import, an
//! external change, replacement when the role reference changes, delete.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value as J};
use terrane_value::Value;

fn role(ns: &str, verbs: &[&str]) -> J {
    json!({
        "metadata": {"name": "reader", "namespace": ns},
        "rule": [
            {"api_groups": [""], "resources": ["pods", "configmaps"], "verbs": verbs},
            {"api_groups": ["apps"], "resources": ["deployments"], "resource_names": ["web"], "verbs": ["get"]}
        ]
    })
}

#[tokio::test]
async fn role_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-rbac-role";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_role_v1",
            create: role(ns, &["get", "list"]),
            update: role(ns, &["get", "list", "watch"]),
            replace: Some((
                json!({"metadata": {"name": "reader2", "namespace": ns},
                       "rule": [{"api_groups": [""], "resources": ["pods"], "verbs": ["get"]}]}),
                "name",
            )),
            import_id: format!("{ns}/reader"),
            external: (
                "rbac.authorization.k8s.io/v1",
                "Role",
                Some(ns),
                "reader",
                json!({"metadata": {"labels": {"edited": "yes"}}}),
            ),
            external_check: (
                vec!["metadata", "0", "labels", "edited"],
                Value::string("yes"),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn cluster_role_v1_and_aggregation() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let cr = |verbs: &[&str]| {
        json!({
            "metadata": {"name": "tt-rbac-viewer", "labels": {"aggregate-to-tt": "true"}},
            "rule": [
                {"api_groups": [""], "resources": ["namespaces"], "verbs": verbs},
                {"non_resource_urls": ["/healthz"], "verbs": ["get"]}
            ]
        })
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_cluster_role_v1",
            create: cr(&["get"]),
            update: cr(&["get", "list"]),
            replace: None,
            import_id: "tt-rbac-viewer".into(),
            external: (
                "rbac.authorization.k8s.io/v1",
                "ClusterRole",
                None,
                "tt-rbac-viewer",
                json!({"metadata": {"annotations": {"note": "kubectl"}}}),
            ),
            external_check: (
                vec!["metadata", "0", "annotations", "note"],
                Value::string("kubectl"),
            ),
        },
    )
    .await;

    // An aggregated role: the controller fills in its rules, which are not
    // a diff when the configuration has none.
    let ty = "kubernetes_cluster_role_v1";
    let source = cfg(&p, ty, cr(&["get"]));
    let null = Value::dynamic_null();
    let src = plan_apply(&c, ty, &null, &source).await;
    let agg = cfg(
        &p,
        ty,
        json!({"metadata": {"name": "tt-rbac-aggregate"},
               "aggregation_rule": {"cluster_role_selectors": [{"match_labels": {"aggregate-to-tt": "true"}}]}}),
    );
    let state = plan_apply(&c, ty, &null, &agg).await;
    let mut filled = false;
    for _ in 0..20 {
        let r = read(&c, ty, &state).await;
        if at(&r, &["rule"]).len() == Some(0) {
            // Not reported while unconfigured; the server has them.
            let t = c
                .kube
                .resolve("rbac.authorization.k8s.io/v1", "ClusterRole")
                .await
                .unwrap();
            let live = c
                .kube
                .get(&t, None, "tt-rbac-aggregate")
                .await
                .unwrap()
                .unwrap();
            if live["rules"].as_array().is_some_and(|r| !r.is_empty()) {
                let pl = plan(&c, ty, &r, &agg).await;
                assert_eq!(pl.planned_state, r, "aggregated rules must not be a diff");
                filled = true;
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(
        filled,
        "the aggregation controller did not fill in the rules"
    );
    destroy(&c, ty, &state).await;
    destroy(&c, ty, &src).await;
}

fn binding(ns: Option<&str>, role: &str, users: &[&str]) -> J {
    let mut subjects: Vec<J> = users
        .iter()
        .map(|u| json!({"kind": "User", "name": u, "api_group": "rbac.authorization.k8s.io"}))
        .collect();
    subjects.push(
        json!({"kind": "ServiceAccount", "name": "default", "namespace": ns.unwrap_or("default")}),
    );
    let mut meta = json!({"name": "tt-rbac-binding"});
    if let Some(ns) = ns {
        meta["namespace"] = json!(ns);
    }
    json!({
        "metadata": meta,
        "role_ref": {"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subject": subjects
    })
}

#[tokio::test]
async fn role_binding_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-rbac-rb";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_role_binding_v1",
            create: binding(Some(ns), "view", &["alice"]),
            update: binding(Some(ns), "view", &["alice", "bob"]),
            replace: Some((binding(Some(ns), "edit", &["alice"]), "role_ref")),
            import_id: format!("{ns}/tt-rbac-binding"),
            external: (
                "rbac.authorization.k8s.io/v1",
                "RoleBinding",
                Some(ns),
                "tt-rbac-binding",
                json!({"metadata": {"labels": {"edited": "yes"}}}),
            ),
            external_check: (
                vec!["metadata", "0", "labels", "edited"],
                Value::string("yes"),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn cluster_role_binding_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_cluster_role_binding_v1",
            create: binding(None, "view", &["carol"]),
            update: binding(None, "view", &["carol", "dave"]),
            replace: Some((binding(None, "edit", &["carol"]), "role_ref")),
            import_id: "tt-rbac-binding".into(),
            external: (
                "rbac.authorization.k8s.io/v1",
                "ClusterRoleBinding",
                None,
                "tt-rbac-binding",
                json!({"metadata": {"labels": {"edited": "yes"}}}),
            ),
            external_check: (
                vec!["metadata", "0", "labels", "edited"],
                Value::string("yes"),
            ),
        },
    )
    .await;
}
