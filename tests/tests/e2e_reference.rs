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

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use terrane_tests::{copy_dir, state_json, terrane_bin, workspace_root};

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

/// moto's endpoint, or `None` (with a visible skip) when it is not running.
fn moto() -> Option<String> {
    match std::env::var("TERRANE_MOTO_ENDPOINT") {
        Ok(e) if !e.is_empty() => Some(e.trim_end_matches('/').to_string()),
        _ => {
            if std::env::var("TERRANE_REQUIRE_SERVERS").is_ok_and(|v| !v.is_empty()) {
                panic!("TERRANE_REQUIRE_SERVERS is set but TERRANE_MOTO_ENDPOINT is not: start moto with .ci/servers/moto.sh start");
            }
            eprintln!("skipped: TERRANE_MOTO_ENDPOINT is not set (moto not running)");
            None
        }
    }
}

/// A name unique to this run (lower case letters and digits).
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}{:06x}",
        (nanos ^ u128::from(std::process::id())) & 0xff_ffff
    )
}

/// Copies `modules/` and `examples/NAME` into a temp dir with the same
/// layout (the example's module sources are `../../modules/...`).
fn temp_example(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    copy_dir(
        &workspace_root().join("modules"),
        &root.path().join("modules"),
    );
    let dir = root.path().join("examples").join(name);
    copy_dir(&workspace_root().join("examples").join(name), &dir);
    (root, dir)
}

fn run(dir: &Path, args: &[String]) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(terrane_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE")
        .timeout(Duration::from_secs(900))
        .output()
        .unwrap();
    (out, start.elapsed())
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn args(cmd: &[&str], vars: &[String]) -> Vec<String> {
    let mut a: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    a.extend(vars.iter().cloned());
    a
}

/// Every `id` and `arn` of every managed resource instance in the state.
fn state_ids(state: &Value) -> Vec<(String, String)> {
    let mut ids = Vec::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        if r["mode"] != "managed" {
            continue;
        }
        let addr = format!(
            "{}{}.{}",
            r["module"]
                .as_str()
                .map(|m| format!("{m}."))
                .unwrap_or_default(),
            r["type"].as_str().unwrap_or_default(),
            r["name"].as_str().unwrap_or_default()
        );
        for i in r["instances"].as_array().into_iter().flatten() {
            // moto gives every DB instance the same DbiResourceId (the
            // `id`), so DB instances are recognised by their ARN only.
            let keys: &[&str] = if r["type"] == "aws_db_instance" {
                &["arn"]
            } else {
                &["id", "arn"]
            };
            for key in keys {
                if let Some(v) = i["attributes"][*key].as_str() {
                    if !v.is_empty() {
                        ids.push((addr.clone(), v.to_string()));
                    }
                }
            }
        }
    }
    ids
}

/// Addresses (`module.x.type.name[i]`) of the managed instances in the state.
fn state_addresses(state: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        if r["mode"] != "managed" {
            continue;
        }
        let base = format!(
            "{}{}.{}",
            r["module"]
                .as_str()
                .map(|m| format!("{m}."))
                .unwrap_or_default(),
            r["type"].as_str().unwrap_or_default(),
            r["name"].as_str().unwrap_or_default()
        );
        for i in r["instances"].as_array().into_iter().flatten() {
            match &i["index_key"] {
                Value::Number(n) => out.push(format!("{base}[{n}]")),
                Value::String(s) => out.push(format!("{base}[\"{s}\"]")),
                _ => out.push(base.clone()),
            }
        }
    }
    out
}

/// What moto holds in `region`, as the text of describe/list answers of
/// every service the example uses. moto's `/moto-api/data.json` cannot be
/// used: once an RDS instance exists, moto 5.2.5 answers it with a 500
/// (`NotImplementedError: write only property` on `db_subnet_group_name`).
/// moto does not check signatures; the Authorization header only names the
/// region and service. NAT gateways in state `deleted` are left out (AWS
/// keeps those visible for an hour too), and so are the `skip` services.
fn inventory(endpoint: &str, region: &str, skip: &[&str]) -> String {
    let query = |service: &str, version: &str, actions: &[&str]| -> String {
        let mut all = String::new();
        for action in actions {
            all.push_str(&aws_call(
                endpoint,
                region,
                service,
                &["-d", &format!("Action={action}&Version={version}")],
            ));
        }
        all
    };
    let mut text = query(
        "ec2",
        "2016-11-15",
        &[
            "DescribeVpcs",
            "DescribeSubnets",
            "DescribeInternetGateways",
            "DescribeAddresses",
            "DescribeRouteTables",
            "DescribeSecurityGroups",
            // Not DescribeNetworkAcls: moto keeps a deleted VPC's default
            // ACL (with its subnet associations); the examples manage no ACL.
        ],
    );
    let nats = query("ec2", "2016-11-15", &["DescribeNatGateways"]);
    for item in nats.split("<item>") {
        if !item.contains("<state>deleted</state>") {
            text.push_str(item);
        }
    }
    text.push_str(&query(
        "elasticloadbalancing",
        "2015-12-01",
        &["DescribeLoadBalancers", "DescribeTargetGroups"],
    ));
    text.push_str(&query(
        "rds",
        "2014-10-31",
        &[
            "DescribeDBInstances",
            "DescribeDBSubnetGroups",
            "DescribeDBParameterGroups",
        ],
    ));
    if !skip.contains(&"elasticache") {
        text.push_str(&query(
            "elasticache",
            "2015-02-02",
            &[
                "DescribeReplicationGroups",
                "DescribeCacheSubnetGroups",
                "DescribeCacheParameterGroups",
            ],
        ));
    }
    text.push_str(&aws_call(
        endpoint,
        region,
        "acm",
        &[
            "-H",
            "X-Amz-Target: CertificateManager.ListCertificates",
            "-H",
            "Content-Type: application/x-amz-json-1.1",
            "-d",
            "{}",
        ],
    ));
    text.push_str(&aws_call(endpoint, region, "s3", &["-X", "GET"]));
    text
}

/// One unsigned call to moto (`curl`), answer as text.
fn aws_call(endpoint: &str, region: &str, service: &str, extra: &[&str]) -> String {
    let auth = format!(
        "Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0"
    );
    let o = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "60", "-H", &auth])
        .args(extra)
        .arg(format!("{endpoint}/"))
        .output()
        .expect("curl is needed to ask moto what it holds");
    let body = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success() && !body.contains("Internal Server Error"),
        "{service} {extra:?}: {}",
        text(&o)
    );
    body
}

/// The (address, id) pairs from the state that moto still holds.
fn leftovers(endpoint: &str, region: &str, ids: &[(String, String)], skip: &[&str]) -> Vec<String> {
    let live = inventory(endpoint, region, skip);
    ids.iter()
        .filter(|(_, id)| live.contains(id.as_str()))
        .map(|(addr, id)| format!("{addr} {id}"))
        .collect()
}

/// Destroys, letting only the moto ElastiCache gaps fail: each failed
/// round must name an ElastiCache object, which is then forgotten with
/// `state rm`. Returns the forgotten addresses and the total time.
fn destroy_around_elasticache_gaps(dir: &Path, vars: &[String]) -> (Vec<String>, Duration) {
    let mut forgotten = Vec::new();
    let mut total = Duration::ZERO;
    for round in 0..4 {
        let (out, took) = run(dir, &args(&["destroy", "-auto-approve"], vars));
        total += took;
        let t = text(&out);
        eprintln!(
            "destroy round {round}: {took:.1?}, exit {:?}",
            out.status.code()
        );
        if out.status.success() {
            assert!(t.contains("Destroy complete!"), "{t}");
            return (forgotten, total);
        }
        let state = state_json(dir);
        let cache: Vec<String> = state_addresses(&state)
            .into_iter()
            .filter(|a| a.contains("aws_elasticache_"))
            .collect();
        assert!(
            t.contains("aws_elasticache_") && !cache.is_empty(),
            "destroy failed outside the known moto ElastiCache gaps:\n{t}"
        );
        // Only the ElastiCache objects that are now at the front of the
        // destroy order may have failed: the replication group first, then
        // the subnet group.
        let target = cache
            .iter()
            .find(|a| a.contains("aws_elasticache_replication_group"))
            .or_else(|| cache.first())
            .cloned()
            .unwrap();
        eprintln!("moto gap: forgetting {target} after: {}", last_error(&t));
        let (rm, _) = run(dir, &["state".into(), "rm".into(), target.clone()]);
        assert!(rm.status.success(), "state rm {target}: {}", text(&rm));
        forgotten.push(target);
    }
    panic!("destroy did not finish after forgetting {forgotten:?}");
}

fn last_error(t: &str) -> String {
    t.lines()
        .filter(|l| l.contains("Error") || l.contains("deleting") || l.contains("500"))
        .take(4)
        .collect::<Vec<_>>()
        .join(" | ")
}

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
    let base_vars: Vec<String> = [
        format!("name={name}"),
        format!("region={region}"),
        format!("aws_endpoint={endpoint}"),
        "aws_access_key=testing".to_string(),
        "aws_secret_key=testing".to_string(),
        "redis_delete_timeout=5s".to_string(),
        format!("kubeconfig={kubeconfig}"),
        format!("namespace={namespace}"),
        format!("monitoring_namespace={monitoring}"),
        "wait_for_rollout=false".to_string(),
    ]
    .iter()
    .flat_map(|v| ["-var".to_string(), v.clone()])
    .collect();
    let mut vars = base_vars.clone();
    for v in [
        "redis_create_parameter_group=false",
        "backups_versioning=false",
    ] {
        vars.extend(["-var".to_string(), v.to_string()]);
    }

    let (init, _) = run(d, &["init".into()]);
    assert!(init.status.success(), "init: {}", text(&init));

    let (plan, _) = run(d, &args(&["plan", "-detailed-exitcode"], &base_vars));
    let t = text(&plan);
    assert_eq!(plan.status.code(), Some(2), "{t}");
    for addr in [
        "module.redis.aws_elasticache_parameter_group.this[0] will be created",
        "module.backups.aws_s3_bucket_versioning.this[0] will be created",
        "module.postgres.aws_db_instance.replica[1] will be created",
        "module.frontend.kubernetes_ingress_v1.this[0] will be created",
        "module.monitoring.kubernetes_deployment_v1.this[0] will be created",
        "kubernetes_network_policy_v1.backend will be created",
    ] {
        assert!(t.contains(addr), "missing `{addr}` in:\n{t}");
    }

    let (apply, apply_took) = run(d, &args(&["apply", "-auto-approve"], &vars));
    let t = text(&apply);
    assert!(apply.status.success(), "apply: {t}");
    assert!(t.contains("Apply complete! Resources:"), "{t}");
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
