//! StatefulSet, DaemonSet and Job on the shared pod template, against a real
//! kube-apiserver (skipped without one): create, read back, no-op re-plan,
//! update in place, import, an external change, replacement on an immutable
//! field, delete.

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value as J};
use terrane_value::Value;

fn container(image: &str) -> J {
    json!([{"name": "app", "image": image, "port": [{"container_port": 80}],
            "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}])
}

fn stateful_set(ns: &str, replicas: i64, image: &str, service: &str) -> J {
    json!({
        "metadata": {"name": "db", "namespace": ns, "labels": {"app": "db"}},
        "spec": {
            "replicas": replicas,
            "service_name": service,
            "selector": {"match_labels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"container": container(image)}
            },
            "update_strategy": {"type": "RollingUpdate", "rolling_update": {"partition": 0}},
            "volume_claim_template": [{
                "metadata": {"name": "data", "namespace": ns},
                "spec": {"access_modes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}}
            }]
        },
        "wait_for_rollout": false
    })
}

#[tokio::test]
async fn stateful_set_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-sts";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_stateful_set_v1",
            create: stateful_set(ns, 1, "postgres:15", "db"),
            update: stateful_set(ns, 2, "postgres:16", "db"),
            replace: Some((
                stateful_set(ns, 2, "postgres:16", "db-headless"),
                "service_name",
            )),
            import_id: format!("{ns}/db"),
            external: (
                "apps/v1",
                "StatefulSet",
                Some(ns),
                "db",
                json!({"spec": {"replicas": 3}}),
            ),
            external_check: (vec!["spec", "0", "replicas"], Value::string("3")),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

fn daemon_set(ns: &str, image: &str, app: &str) -> J {
    json!({
        "metadata": {"name": "agent", "namespace": ns},
        "spec": {
            "selector": {"match_labels": {"app": app}},
            "template": {
                "metadata": {"labels": {"app": app}},
                "spec": {
                    "container": container(image),
                    "toleration": [{"operator": "Exists"}]
                }
            }
        }
    })
}

#[tokio::test]
async fn daemon_set_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-ds";
    let nsv = namespace(&c, &p, ns).await;
    // Without nodes a DaemonSet schedules nothing, so its rollout is done at
    // once: wait_for_rollout stays at its default (true).
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_daemon_set_v1",
            create: daemon_set(ns, "fluentbit:2", "agent"),
            update: daemon_set(ns, "fluentbit:3", "agent"),
            replace: Some((daemon_set(ns, "fluentbit:3", "agent2"), "selector")),
            import_id: format!("{ns}/agent"),
            external: (
                "apps/v1",
                "DaemonSet",
                Some(ns),
                "agent",
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

fn job(ns: &str, parallelism: i64, image: &str) -> J {
    json!({
        "metadata": {"name": "migrate", "namespace": ns},
        "spec": {
            "parallelism": parallelism,
            "backoff_limit": 2,
            "template": {
                "metadata": {"labels": {"task": "migrate"}},
                "spec": {"container": [{"name": "migrate", "image": image,
                                        "command": ["/bin/migrate", "up"]}]}
            }
        },
        "wait_for_completion": false
    })
}

#[tokio::test]
async fn job_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-job";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_job_v1",
            create: job(ns, 1, "migrate:1"),
            update: job(ns, 2, "migrate:1"),
            // The pod template of a Job is immutable.
            replace: Some((job(ns, 2, "migrate:2"), "template")),
            import_id: format!("{ns}/migrate"),
            external: (
                "batch/v1",
                "Job",
                Some(ns),
                "migrate",
                json!({"spec": {"parallelism": 3}}),
            ),
            external_check: (vec!["spec", "0", "parallelism"], Value::number(3)),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

/// With `wait_for_completion` (the default) a Job that cannot run (no
/// nodes) fails the apply when its timeout passes, and stays recorded.
#[tokio::test]
async fn job_wait_for_completion_times_out_without_nodes() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-job-wait";
    let nsv = namespace(&c, &p, ns).await;
    let ty = "kubernetes_job_v1";
    let mut j = job(ns, 1, "migrate:1");
    j["wait_for_completion"] = json!(true);
    j["timeouts"] = json!({"create": "2s"});
    let config = cfg(&p, ty, j);
    let (err, state) = create_failing_once(&c, ty, &config).await;
    assert!(
        err.contains("Waiting for the job to complete")
            && err.contains("timed out after 2s")
            && err.contains("Job tt-job-wait/migrate")
            && err.contains("wait_for_completion = false"),
        "{}",
        err
    );
    assert!(!state.is_null());
    destroy(&c, ty, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}
