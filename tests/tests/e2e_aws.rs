//! `examples/aws-network` (issue 3) end to end through the real `terrane`
//! binary against moto server: `init`, `apply -auto-approve`,
//! `plan -detailed-exitcode` (exit 0), `destroy -auto-approve`, then moto's
//! describe/list answers must show none of the objects the state held.
//!
//! Needs `TERRANE_MOTO_ENDPOINT` (see docs/test-servers.md); without it the
//! test prints a skip line and passes, unless `TERRANE_REQUIRE_SERVERS` is
//! set (CI), where it fails. The test never resets moto: it works in its own
//! region with names unique to the run, so it can share the server with
//! other tests.
//!
//! moto 5.2.5 gaps met here, each covered another honest way (the
//! configuration stays what real AWS needs):
//! - `CreateCacheParameterGroup` is not implemented (500), so the Redis
//!   module runs with `create_parameter_group = false` (the group uses
//!   `default.redis7`); the parameter group is still planned and checked by
//!   a `plan` with the default (`true`).
//! - `GetBucketVersioning` answers with a root element the Rust SDK rejects:
//!   the versioning resource is applied in a separate step; if that step
//!   fails with exactly this error, the test checks with a raw GET that
//!   `PutBucketVersioning` really enabled versioning, and drops the resource
//!   from state with `state rm` (its read-back cannot work on moto).
//! - A deleted replication group stays `deleting` forever, and
//!   `DeleteCacheSubnetGroup` is not implemented: `destroy` fails on exactly
//!   those ElastiCache objects (a short delete timeout is configured), which
//!   the test checks, forgets with `state rm`, and destroys the rest.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use terrane_tests::{copy_dir, state_json, terrane_bin, workspace_root};

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

/// `curl` GET of `url`, body as text.
fn http_get(url: &str) -> String {
    let o = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "60", url])
        .output()
        .expect("curl is needed to read moto's inventory");
    assert!(o.status.success(), "GET {url}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
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
fn aws_network_apply_noop_destroy_against_moto() {
    let Some(endpoint) = moto() else { return };
    let (_root, dir) = temp_example("aws-network");
    let d = dir.as_path();
    let name = unique("net");
    let region = "eu-west-3";
    let base_vars: Vec<String> = [
        format!("name={name}"),
        format!("region={region}"),
        format!("aws_endpoint={endpoint}"),
        "aws_access_key=testing".to_string(),
        "aws_secret_key=testing".to_string(),
        "redis_delete_timeout=5s".to_string(),
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

    // With the defaults (what real AWS gets), the plan includes the Redis
    // parameter group and the bucket versioning that moto cannot serve.
    let (plan, _) = run(d, &args(&["plan", "-detailed-exitcode"], &base_vars));
    let t = text(&plan);
    assert_eq!(plan.status.code(), Some(2), "{t}");
    for addr in [
        "module.redis.aws_elasticache_parameter_group.this[0] will be created",
        "module.backups.aws_s3_bucket_versioning.this[0] will be created",
        "module.postgres.aws_db_instance.replica[0] will be created",
        "module.alb.aws_lb_listener.https[0] will be created",
    ] {
        assert!(t.contains(addr), "missing `{addr}` in:\n{t}");
    }

    let (apply, apply_took) = run(d, &args(&["apply", "-auto-approve"], &vars));
    let t = text(&apply);
    assert!(apply.status.success(), "apply: {t}");
    assert!(t.contains("Apply complete! Resources:"), "{t}");
    eprintln!("apply against moto: {apply_took:.1?}");

    let state = state_json(d);
    let addrs = state_addresses(&state);
    for want in [
        "module.network.aws_vpc.this[0]",
        "module.network.aws_subnet.public[2]",
        "module.network.aws_subnet.private[2]",
        "module.network.aws_internet_gateway.this[0]",
        "module.network.aws_nat_gateway.this[0]",
        "module.network.aws_route_table.private[0]",
        "module.network.aws_default_security_group.this[0]",
        "aws_security_group.app",
        "module.alb.aws_lb.this[0]",
        "module.alb.aws_lb_listener.https[0]",
        "module.alb.aws_lb_listener.http[0]",
        "module.alb.aws_lb_target_group.this[0]",
        "module.alb.aws_acm_certificate.this[0]",
        "module.postgres.aws_db_instance.this[0]",
        "module.postgres.aws_db_instance.replica[0]",
        "module.redis.aws_elasticache_replication_group.this[0]",
        "module.backups.aws_s3_bucket_lifecycle_configuration.this[0]",
        "module.backups.aws_s3_bucket_server_side_encryption_configuration.this[0]",
        "module.backups.aws_s3_bucket_policy.this[0]",
    ] {
        assert!(
            addrs.iter().any(|a| a == want),
            "{want} not in state: {addrs:#?}"
        );
    }

    let (plan, plan_took) = run(d, &args(&["plan", "-detailed-exitcode"], &vars));
    let t = text(&plan);
    assert_eq!(plan.status.code(), Some(0), "plan after apply: {t}");
    assert!(t.contains("No changes."), "{t}");
    eprintln!("no-op plan against moto: {plan_took:.1?}");

    let (out, _) = run(
        d,
        &["output".into(), "-raw".into(), "backups_bucket".into()],
    );
    let bucket = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(bucket, format!("{name}-backups-staging"));

    // Bucket versioning, in its own step (see the module docs above).
    let mut vvars = vars.clone();
    vvars.extend(["-var".to_string(), "backups_versioning=true".to_string()]);
    let (vapply, _) = run(d, &args(&["apply", "-auto-approve"], &vvars));
    let t = text(&vapply);
    if vapply.status.success() {
        let (plan, _) = run(d, &args(&["plan", "-detailed-exitcode"], &vvars));
        assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
        vars = vvars;
    } else {
        assert!(
            t.contains("GetBucketVersioning"),
            "versioning apply failed for another reason than the moto gap:\n{t}"
        );
        let raw = http_get(&format!("{endpoint}/{bucket}?versioning"));
        assert!(raw.contains("<Status>Enabled</Status>"), "{raw}");
        eprintln!("moto gap: GetBucketVersioning reply; PutBucketVersioning verified by raw GET");
        let addr = "module.backups.aws_s3_bucket_versioning.this[0]";
        if state_addresses(&state_json(d)).iter().any(|a| a == addr) {
            let (rm, _) = run(d, &["state".into(), "rm".into(), addr.into()]);
            assert!(rm.status.success(), "{}", text(&rm));
        }
        let (plan, _) = run(d, &args(&["plan", "-detailed-exitcode"], &vars));
        assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    }

    let ids = state_ids(&state_json(d));
    assert!(ids.len() > 30, "{ids:#?}");
    let (forgotten, destroy_took) = destroy_around_elasticache_gaps(d, &vars);
    eprintln!("destroy against moto: {destroy_took:.1?} (forgotten: {forgotten:?})");
    let state = state_json(d);
    assert!(state_addresses(&state).is_empty(), "{state:#}");

    // The ElastiCache objects forgotten above stay in moto (and name the
    // subnets); everything else must be gone.
    let skip: &[&str] = if forgotten.is_empty() {
        &[]
    } else {
        &["elasticache"]
    };
    let left = leftovers(&endpoint, region, &ids, skip);
    assert!(left.is_empty(), "moto still holds:\n{}", left.join("\n"));
    eprintln!(
        "aws-network: apply {apply_took:.1?}, no-op plan {plan_took:.1?}, destroy {destroy_took:.1?}"
    );
}

/// Every module and both examples validate with zero diagnostics, are
/// formatted canonically, and the modules' README tables are up to date
/// (no server needed).
#[test]
fn modules_and_examples_validate_fmt_and_docs() {
    let root = workspace_root();
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("main.tf").is_file())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 7, "{dirs:?}");
    dirs.push(root.join("examples/aws-network"));
    dirs.push(root.join("examples/reference-deployment"));
    for dir in &dirs {
        let tmp = tempfile::tempdir().unwrap();
        let rel = dir.strip_prefix(&root).unwrap();
        copy_dir(&root.join("modules"), &tmp.path().join("modules"));
        let copy = tmp.path().join(rel);
        copy_dir(dir, &copy);
        let (init, _) = run(&copy, &["init".into(), "-backend=false".into()]);
        assert!(
            init.status.success(),
            "{}: init: {}",
            rel.display(),
            text(&init)
        );
        let (v, _) = run(&copy, &["validate".into(), "-json".into()]);
        let out: Value = serde_json::from_slice(&v.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", rel.display(), text(&v)));
        assert_eq!(out["valid"], true, "{}: {out:#}", rel.display());
        assert_eq!(out["error_count"], 0, "{}: {out:#}", rel.display());
        assert_eq!(out["warning_count"], 0, "{}: {out:#}", rel.display());
    }
    let (fmt, _) = run(
        &root,
        &args(
            &["fmt", "-check", "-recursive"],
            &["modules".into(), "examples".into()],
        ),
    );
    assert!(fmt.status.success(), "fmt -check: {}", text(&fmt));
    let docs = std::process::Command::new("python3")
        .arg(root.join("modules/docs.py"))
        .arg("--check")
        .output()
        .expect("python3 runs modules/docs.py");
    assert!(
        docs.status.success(),
        "modules/docs.py --check: {}",
        text(&docs)
    );
}
