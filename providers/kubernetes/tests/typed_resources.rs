//! Typed resources against a real kube-apiserver (skipped without one).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use terrane_provider::Provider;
use terrane_value::Value;

#[tokio::test]
async fn namespace_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let name = "tt-ns-life";
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_namespace_v1",
            create: json!({"metadata": {"name": name, "labels": {"a": "1"}}}),
            update: json!({"metadata": {"name": name, "labels": {"a": "2"}, "annotations": {"note": "x"}}}),
            replace: Some((json!({"metadata": {"name": "tt-ns-life2"}}), "name")),
            import_id: name.into(),
            external: ("v1", "Namespace", None, name, json!({"metadata": {"labels": {"a": "kubectl"}}})),
            external_check: (vec!["metadata", "0", "labels", "a"], Value::string("kubectl")),
        },
    )
    .await;
}

#[tokio::test]
async fn config_map_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-cm";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_config_map_v1",
            create: json!({"metadata": {"name": "cfg", "namespace": ns}, "data": {"a": "1"}}),
            update: json!({"metadata": {"name": "cfg", "namespace": ns, "labels": {"x": "y"}}, "data": {"a": "2", "b": "3"}}),
            replace: Some((json!({"metadata": {"name": "cfg2", "namespace": ns}, "data": {"a": "2"}}), "name")),
            import_id: format!("{ns}/cfg"),
            external: ("v1", "ConfigMap", Some(ns), "cfg", json!({"data": {"a": "edited"}})),
            external_check: (vec!["data", "a"], Value::string("edited")),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn secret_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-secret";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_secret_v1",
            create: json!({"metadata": {"name": "s", "namespace": ns}, "data": {"password": "hunter2"}}),
            update: json!({"metadata": {"name": "s", "namespace": ns}, "data": {"password": "hunter3", "user": "me"}}),
            replace: Some((json!({"metadata": {"name": "s", "namespace": ns}, "type": "kubernetes.io/basic-auth",
                "data": {"username": "u", "password": "p"}}), "type")),
            import_id: format!("{ns}/s"),
            // "b3V0" is base64 for "out".
            external: ("v1", "Secret", Some(ns), "s", json!({"data": {"user": "b3V0"}})),
            external_check: (vec!["data", "user"], Value::string("out")),
        },
    )
    .await;
    assert!(
        p.schema().resources["kubernetes_secret_v1"]
            .block
            .attributes["data"]
            .sensitive
    );
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn service_account_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-sa";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_service_account_v1",
            create: json!({"metadata": {"name": "bot", "namespace": ns}}),
            update: json!({"metadata": {"name": "bot", "namespace": ns}, "image_pull_secret": [{"name": "regcred"}],
                "automount_service_account_token": false}),
            replace: Some((json!({"metadata": {"name": "bot2", "namespace": ns}}), "name")),
            import_id: format!("{ns}/bot"),
            external: ("v1", "ServiceAccount", Some(ns), "bot", json!({"automountServiceAccountToken": true})),
            external_check: (vec!["automount_service_account_token"], Value::bool(true)),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn service_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-svc";
    let nsv = namespace(&c, &p, ns).await;
    let spec = |port: i64, ip: Option<&str>| {
        let mut s = json!({"selector": {"app": "web"}, "port": [{"name": "http", "port": port, "target_port": "8080"}]});
        if let Some(ip) = ip {
            s["cluster_ip"] = json!(ip);
        }
        s
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_service_v1",
            create: json!({"metadata": {"name": "web", "namespace": ns}, "spec": spec(80, None)}),
            update: json!({"metadata": {"name": "web", "namespace": ns}, "spec": spec(8081, None)}),
            replace: Some((json!({"metadata": {"name": "web", "namespace": ns}, "spec": spec(80, Some("10.96.77.77"))}), "cluster_ip")),
            import_id: format!("{ns}/web"),
            external: ("v1", "Service", Some(ns), "web", json!({"spec": {"selector": {"app": "other"}}})),
            external_check: (vec!["spec", "0", "selector", "app"], Value::string("other")),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

fn deployment(ns: &str, replicas: i64, image: &str, app: &str) -> serde_json::Value {
    json!({
        "metadata": {"name": "web", "namespace": ns, "labels": {"app": app}},
        "spec": {
            "replicas": replicas,
            "selector": {"match_labels": {"app": app}},
            "template": {
                "metadata": {"labels": {"app": app}},
                "spec": {"container": [{
                    "name": "web", "image": image,
                    "port": [{"container_port": 80}],
                    "env": [{"name": "MODE", "value": "prod"}],
                    "resources": {"requests": {"memory": "128Mi", "cpu": "100m"}, "limits": {"memory": "256Mi", "cpu": "200m"}},
                    "liveness_probe": {"http_get": {"path": "/", "port": "80"}, "initial_delay_seconds": 5},
                    "readiness_probe": {"http_get": {"path": "/ready", "port": "80"}},
                    "security_context": {"run_as_non_root": true, "run_as_user": "1000",
                        "capabilities": {"drop": ["ALL"]}, "read_only_root_filesystem": true},
                    "volume_mount": [{"name": "cache", "mount_path": "/cache"}]
                }],
                "security_context": {"fs_group": "2000"},
                "toleration": [{"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"}],
                "volume": [{"name": "cache", "empty_dir": {"medium": "Memory"}},
                           {"name": "host", "host_path": {"path": "/var/log", "type": "Directory"}}]}
            }
        },
        "wait_for_rollout": false
    })
}

#[tokio::test]
async fn deployment_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-deploy";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_deployment_v1",
            create: deployment(ns, 2, "nginx:1.25", "web"),
            update: deployment(ns, 3, "nginx:1.26", "web"),
            replace: Some((deployment(ns, 3, "nginx:1.26", "web2"), "selector")),
            import_id: format!("{ns}/web"),
            external: (
                "apps/v1",
                "Deployment",
                Some(ns),
                "web",
                json!({"spec": {"replicas": 5}}),
            ),
            external_check: (vec!["spec", "0", "replicas"], Value::string("5")),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn deployment_wait_for_rollout_times_out_without_nodes() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-rollout";
    let nsv = namespace(&c, &p, ns).await;
    let ty = "kubernetes_deployment_v1";
    let mut j = deployment(ns, 1, "nginx", "web");
    j["wait_for_rollout"] = json!(true);
    j["timeouts"] = json!({"create": "3s"});
    let config = cfg(&p, ty, j);
    let (err, state) = create_failing_once(&c, ty, &config).await;
    assert!(
        err.contains("timed out after 3s") && err.contains("0 available"),
        "{}",
        err
    );
    assert!(err.contains("Deployment tt-rollout/web"), "{}", err);
    // The object exists and is recorded, so nothing is left untracked.
    assert!(!state.is_null());
    destroy(&c, ty, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn ingress_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-ing";
    let nsv = namespace(&c, &p, ns).await;
    let ing = |host: &str, class: &str| {
        json!({
            "metadata": {"name": "web", "namespace": ns},
            "spec": {
                "ingress_class_name": class,
                "rule": [{"host": host, "http": {"path": [{"path": "/", "path_type": "Prefix",
                    "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}],
                "tls": [{"hosts": [host], "secret_name": "tls"}]
            }
        })
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_ingress_v1",
            create: ing("a.example.com", "nginx"),
            update: ing("b.example.com", "nginx"),
            replace: None,
            import_id: format!("{ns}/web"),
            external: (
                "networking.k8s.io/v1",
                "Ingress",
                Some(ns),
                "web",
                json!({"spec": {"ingressClassName": "traefik"}}),
            ),
            external_check: (
                vec!["spec", "0", "ingress_class_name"],
                Value::string("traefik"),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn network_policy_v1() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-np";
    let nsv = namespace(&c, &p, ns).await;
    let np = |port: i64| {
        json!({
            "metadata": {"name": "backend", "namespace": ns},
            "spec": {
                "pod_selector": {"match_labels": {"app": "backend"}},
                "policy_types": ["Ingress", "Egress"],
                "ingress": [{"from": [{"pod_selector": {"match_labels": {"app": "frontend"}}}],
                             "ports": [{"port": port.to_string(), "protocol": "TCP"}]}],
                "egress": [{"ports": [{"port": "5432"}], "to": [{"ip_block": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}]}]
            }
        })
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_network_policy_v1",
            create: np(3000),
            update: np(3001),
            replace: None,
            import_id: format!("{ns}/backend"),
            external: (
                "networking.k8s.io/v1",
                "NetworkPolicy",
                Some(ns),
                "backend",
                json!({"spec": {"policyTypes": ["Ingress"]}}),
            ),
            external_check: (
                vec!["spec", "0", "policy_types"],
                Value::list(terrane_value::Type::String, vec![Value::string("Ingress")]),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn horizontal_pod_autoscaler_v2() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-hpa";
    let nsv = namespace(&c, &p, ns).await;
    let hpa = |max: i64, target: &str| {
        json!({
            "metadata": {"name": "web", "namespace": ns},
            "spec": {
                "min_replicas": 1, "max_replicas": max,
                "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": target},
                "metric": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "average_utilization": 70}}}]
            }
        })
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_horizontal_pod_autoscaler_v2",
            create: hpa(5, "web"),
            update: hpa(8, "web"),
            replace: None,
            import_id: format!("{ns}/web"),
            external: (
                "autoscaling/v2beta2",
                "HorizontalPodAutoscaler",
                Some(ns),
                "web",
                json!({"spec": {"maxReplicas": 9}}),
            ),
            external_check: (vec!["spec", "0", "max_replicas"], Value::number(9)),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn aliases_share_schemas() {
    let p = terrane_provider_kubernetes::KubernetesProvider::new();
    let r = &p.schema().resources;
    for (alias, v1) in [
        ("kubernetes_deployment", "kubernetes_deployment_v1"),
        ("kubernetes_namespace", "kubernetes_namespace_v1"),
        ("kubernetes_service", "kubernetes_service_v1"),
        ("kubernetes_network_policy", "kubernetes_network_policy_v1"),
    ] {
        assert_eq!(
            r[alias].block.implied_type(),
            r[v1].block.implied_type(),
            "{alias}"
        );
    }
    let problems: Vec<String> = terrane_provider::testkit::check_schema(&p)
        .into_iter()
        .filter(|m| !m.starts_with("resource kubernetes_manifest: has no \"id\""))
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test]
async fn quantities_in_other_notation_are_not_a_diff() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-qty";
    let nsv = namespace(&c, &p, ns).await;
    let ty = "kubernetes_deployment_v1";
    let mut j = deployment(ns, 1, "nginx", "web");
    j["spec"]["template"]["spec"]["container"][0]["resources"] = json!({"requests": {"cpu": "0.5", "memory": "1024Mi"}, "limits": {"cpu": "1000m", "memory": "1Gi"}});
    let config = cfg(&p, ty, j);
    let state = plan_apply(&c, ty, &Value::dynamic_null(), &config).await;
    let r = read(&c, ty, &state).await;
    let pl = plan(&c, ty, &r, &config).await;
    assert_eq!(pl.planned_state, r, "{}", diff(&pl.planned_state, &r));
    destroy(&c, ty, &r).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn ignored_and_system_annotations_are_left_alone() {
    let Some((p, c0)) = provider().await else {
        return;
    };
    let ns = "tt-ignore";
    let nsv = namespace(&c0, &p, ns).await;
    let path = std::env::var("TERRANE_KUBECONFIG").unwrap();
    let c = p
        .connect(&typed(
            &p.schema().provider.block,
            &json!({"config_path": path, "ignore_annotations": ["^example\\.com/"], "ignore_labels": ["^team$"]}),
        ))
        .await
        .unwrap();
    let ty = "kubernetes_config_map_v1";
    let conf = |v: &str| {
        cfg(
            &p,
            ty,
            json!({"metadata": {"name": "c", "namespace": ns, "annotations": {"mine": v}}, "data": {"a": v}}),
        )
    };
    let state = plan_apply(&c, ty, &Value::dynamic_null(), &conf("1")).await;
    merge_patch(
        &c,
        "v1",
        "ConfigMap",
        Some(ns),
        "c",
        json!({"metadata": {
        "annotations": {"example.com/owner": "ops", "kubectl.kubernetes.io/restartedAt": "now"},
        "labels": {"team": "blue"}}}),
    )
    .await;
    let r = read(&c, ty, &state).await;
    assert_eq!(
        plan(&c, ty, &r, &conf("1")).await.planned_state,
        r,
        "ignored keys must not show"
    );
    let s2 = plan_apply(&c, ty, &r, &conf("2")).await;
    let t = c.kube.resolve("v1", "ConfigMap").await.unwrap();
    let live = c.kube.get(&t, Some(ns), "c").await.unwrap().unwrap();
    assert_eq!(live["metadata"]["annotations"]["example.com/owner"], "ops");
    assert_eq!(
        live["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
        "now"
    );
    assert_eq!(live["metadata"]["annotations"]["mine"], "2");
    assert_eq!(live["metadata"]["labels"]["team"], "blue");
    // The default provider (no ignore lists) does see the label.
    let seen = read(&c0, ty, &s2).await;
    assert_eq!(
        at(&seen, &["metadata", "0", "labels", "team"]),
        &Value::string("blue")
    );
    destroy(&c, ty, &s2).await;
    destroy(&c0, "kubernetes_namespace_v1", &nsv).await;
}

/// `status` is a computed attribute with Terraform's shape: one
/// `load_balancer` whose `ingress` is empty until a load balancer exists.
#[tokio::test]
async fn service_and_ingress_status() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-status";
    let nsv = namespace(&c, &p, ns).await;
    let null = Value::dynamic_null();
    let schema = &p.schema().resources["kubernetes_service_v1"].block;
    assert!(schema.attributes["status"].computed && !schema.attributes["status"].optional);
    assert!(!schema.blocks.contains_key("status"));
    let ty = "kubernetes_service_v1";
    let config = cfg(
        &p,
        ty,
        json!({"metadata": {"name": "lb", "namespace": ns},
               "spec": {"selector": {"app": "web"}, "port": [{"port": 80}]}}),
    );
    let pl = plan(&c, ty, &null, &config).await;
    assert!(!at(&pl.planned_state, &["status"]).is_known());
    let state = plan_apply(&c, ty, &null, &config).await;
    let ingress = at(&state, &["status", "0", "load_balancer", "0", "ingress"]);
    assert_eq!(ingress.len(), Some(0), "{}", show(&state));
    let r = read(&c, ty, &state).await;
    assert_eq!(plan(&c, ty, &r, &config).await.planned_state, r);
    destroy(&c, ty, &state).await;

    let ty = "kubernetes_ingress_v1";
    let config = cfg(
        &p,
        ty,
        json!({"metadata": {"name": "web", "namespace": ns},
               "spec": {"default_backend": {"service": {"name": "lb", "port": {"number": 80}}}}}),
    );
    let state = plan_apply(&c, ty, &null, &config).await;
    let lb = at(&state, &["status", "0", "load_balancer"]);
    assert_eq!(lb.len(), Some(1), "{}", show(&state));
    destroy(&c, ty, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}
