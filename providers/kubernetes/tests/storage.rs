//! `kubernetes_persistent_volume_claim_v1` against a real kube-apiserver
//! (skipped without one). The test cluster has no storage provisioner, so
//! claims stay `Pending`: `wait_until_bound = false`, and a waiting create
//! times out with a clear error.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value as J};
use terrane_provider::ConfiguredProvider;
use terrane_value::Value;

const TY: &str = "kubernetes_persistent_volume_claim_v1";

fn claim(ns: &str, team: &str, modes: &[&str]) -> J {
    json!({
        "metadata": {"name": "data", "namespace": ns, "labels": {"team": team}},
        "spec": {
            "access_modes": modes,
            "resources": {"requests": {"storage": "1Gi"}},
            "selector": {"match_labels": {"tier": "fast"}}
        },
        "wait_until_bound": false
    })
}

#[tokio::test]
async fn persistent_volume_claim_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-pvc";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: TY,
            create: claim(ns, "a", &["ReadWriteOnce"]),
            update: claim(ns, "b", &["ReadWriteOnce"]),
            replace: Some((claim(ns, "b", &["ReadWriteMany"]), "access_modes")),
            import_id: format!("{ns}/data"),
            external: (
                "v1",
                "PersistentVolumeClaim",
                Some(ns),
                "data",
                json!({"metadata": {"labels": {"team": "kubectl"}}}),
            ),
            external_check: (
                vec!["metadata", "0", "labels", "team"],
                Value::string("kubectl"),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn claims_import_waiting_and_time_out_unbound() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-pvc-wait";
    let nsv = namespace(&c, &p, ns).await;
    let mut j = claim(ns, "a", &["ReadWriteOnce"]);
    j["wait_until_bound"] = json!(true);
    j["timeouts"] = json!({"create": "2s"});
    let config = cfg(&p, TY, j);
    let (err, state) = create_failing_once(&c, TY, &config).await;
    assert!(
        err.contains("Waiting for the claim to be bound")
            && err.contains("phase Pending")
            && err.contains("wait_until_bound = false"),
        "{}",
        err
    );
    // Terraform's provider imports claims with wait_until_bound = true.
    let imported = c
        .import(terrane_provider::ImportRequest {
            type_name: TY.into(),
            id: format!("{ns}/data"),
        })
        .await;
    assert_eq!(
        imported.imported[0].state.get_attr("wait_until_bound"),
        Some(&Value::bool(true))
    );
    destroy(&c, TY, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}
