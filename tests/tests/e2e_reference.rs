//! `examples/reference-deployment` end to end through the real `terrane`
//! binary against moto server and a real kube-apiserver: the AWS side
//! (network, load balancer, PostgreSQL with two read replicas, Redis,
//! backups bucket) and the Kubernetes side (namespace, ConfigMap, Secret
//! built from the database endpoints, frontend and backend Deployments,
//! Services and Ingress, a NetworkPolicy, Prometheus in a monitoring
//! namespace) in one configuration: `init`, `apply -auto-approve`,
//! `plan -detailed-exitcode` (exit 0), `destroy -auto-approve`, then neither
//! moto nor the API server holds any of the objects.
//!
//! Needs `TERRANE_MOTO_ENDPOINT` and `TERRANE_KUBECONFIG` (+ the
//! `TERRANE_KUBE_*` variables); without them it prints a skip line and
//! passes, unless `TERRANE_REQUIRE_SERVERS` is set (CI). It never resets
//! moto and uses its own region, names and namespaces.
//!
//! The test cluster has no nodes, so Deployments never become ready: the
//! example runs with `wait_for_rollout = false`. The moto gaps are those of
//! `e2e_aws.rs` (ElastiCache parameter group create, replication group and
//! subnet group delete; S3 `GetBucketVersioning`), handled the same way:
//! `redis_create_parameter_group = false` and `backups_versioning = false`
//! for the lifecycle (both still checked in a plan with the defaults), and
//! a destroy that may fail only on the ElastiCache objects, which are then
//! forgotten with `state rm`.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use serde_json::Value;
use terrane_tests::state_json;

/// The kube-apiserver URL, bearer token and CA file, or `None` with a
/// visible skip.
fn kube() -> Option<(String, String, String, String)> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (
        var("TERRANE_KUBECONFIG"),
        var("TERRANE_KUBE_ENDPOINT"),
        var("TERRANE_KUBE_TOKEN_FILE"),
        var("TERRANE_KUBE_CA_FILE"),
    ) {
        (Some(cfg), Some(url), Some(token), Some(ca)) => {
            let token = std::fs::read_to_string(token).unwrap().trim().to_string();
            Some((cfg, url, token, ca))
        }
        _ => {
            if std::env::var("TERRANE_REQUIRE_SERVERS").is_ok_and(|v| !v.is_empty()) {
                panic!("TERRANE_REQUIRE_SERVERS is set but TERRANE_KUBECONFIG/TERRANE_KUBE_* are not: start the API server with .ci/servers/kube.sh start");
            }
            eprintln!("skipped: TERRANE_KUBECONFIG is not set (kube-apiserver not running)");
            None
        }
    }
}

/// GET of a Kubernetes API path: (HTTP status, body).
fn kube_get(url: &str, token: &str, ca: &str, path: &str) -> (u16, String) {
    let o = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "30", "--cacert", ca, "-H"])
        .arg(format!("Authorization: Bearer {token}"))
        .args(["-w", "\n%{http_code}"])
        .arg(format!("{url}{path}"))
        .output()
        .expect("curl is needed to read the API server");
    assert!(o.status.success(), "GET {path}: {}", text(&o));
    let body = String::from_utf8_lossy(&o.stdout).into_owned();
    let (body, code) = body.rsplit_once('\n').unwrap_or(("", body.as_str()));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

mod support;
use support::*;

#[test]
fn reference_deployment_apply_noop_destroy_against_moto_and_kube() {
    let Some(endpoint) = moto() else { return };
    let Some((kubeconfig, kube_url, token, ca)) = kube() else {
        return;
    };
    let (_root, dir) = temp_example("reference-deployment");
    let d = dir.as_path();
    let name = unique("ref");
    let namespace = format!("{name}-app");
    let monitoring = format!("{name}-mon");
    let region = "ap-northeast-2";
    let (base_vars, vars) = moto_example_vars(
        &name,
        region,
        &endpoint,
        &[
            format!("kubeconfig={kubeconfig}"),
            format!("namespace={namespace}"),
            format!("monitoring_namespace={monitoring}"),
            "wait_for_rollout=false".to_string(),
        ],
    );
    let apply_took = init_plan_apply(
        d,
        &base_vars,
        &vars,
        &[
            "module.redis.aws_elasticache_parameter_group.this[0]",
            "module.backups.aws_s3_bucket_versioning.this[0]",
            "module.postgres.aws_db_instance.replica[1]",
            "module.frontend.kubernetes_ingress_v1.this[0]",
            "module.monitoring.kubernetes_deployment_v1.this[0]",
            "kubernetes_network_policy_v1.backend",
        ],
    );
    eprintln!("apply against moto + kube: {apply_took:.1?}");

    // The objects are really there.
    let (code, body) = kube_get(
        &kube_url,
        &token,
        &ca,
        &format!("/apis/apps/v1/namespaces/{namespace}/deployments"),
    );
    assert_eq!(code, 200, "{body}");
    let deployments: Value = serde_json::from_str(&body).unwrap();
    let mut names: Vec<&str> = deployments["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["metadata"]["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["backend", "frontend"]);
    let (code, body) = kube_get(
        &kube_url,
        &token,
        &ca,
        &format!("/api/v1/namespaces/{monitoring}/configmaps/prometheus-config"),
    );
    assert_eq!(code, 200, "{body}");
    assert!(
        body.contains("backend.") && body.contains(":3000"),
        "{body}"
    );
    let (code, body) = kube_get(
        &kube_url,
        &token,
        &ca,
        &format!("/api/v1/namespaces/{namespace}/secrets/{name}-database"),
    );
    assert_eq!(code, 200, "{body}");
    let secret: Value = serde_json::from_str(&body).unwrap();
    assert!(secret["data"]["DATABASE_URL"].is_string(), "{body}");

    let (plan, plan_took) = run(d, &args(&["plan", "-detailed-exitcode"], &vars));
    let t = text(&plan);
    assert_eq!(plan.status.code(), Some(0), "plan after apply: {t}");
    assert!(t.contains("No changes."), "{t}");
    eprintln!("no-op plan against moto + kube: {plan_took:.1?}");

    let ids = state_ids(&state_json(d));
    let (forgotten, destroy_took) = destroy_around_elasticache_gaps(d, &vars);
    let state = state_json(d);
    assert!(state_addresses(&state).is_empty(), "{state:#}");

    let skip: &[&str] = if forgotten.is_empty() {
        &[]
    } else {
        &["elasticache"]
    };
    let left = leftovers(&endpoint, region, &ids, skip);
    assert!(left.is_empty(), "moto still holds:\n{}", left.join("\n"));

    // Both namespaces are gone (the controller-manager finalizes them).
    let deadline = Instant::now() + Duration::from_secs(120);
    for ns in [&namespace, &monitoring] {
        loop {
            let (code, body) =
                kube_get(&kube_url, &token, &ca, &format!("/api/v1/namespaces/{ns}"));
            if code == 404 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "namespace {ns} still exists after destroy: {body}"
            );
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    eprintln!(
        "reference-deployment: apply {apply_took:.1?}, no-op plan {plan_took:.1?}, destroy {destroy_took:.1?} (forgotten: {forgotten:?})"
    );
}
