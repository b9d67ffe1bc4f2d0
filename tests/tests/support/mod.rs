//! Helpers shared by the end-to-end tests that run the `terrane` binary
//! against moto server: locating the server, temporary copies of examples,
//! running commands, reading ids from state and moto's inventory, and
//! destroying around moto's ElastiCache gaps.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use terrane_tests::{copy_dir, state_json, terrane_bin, workspace_root};

/// moto's endpoint, or `None` (with a visible skip) when it is not running.
pub fn moto() -> Option<String> {
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
pub fn unique(prefix: &str) -> String {
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
pub fn temp_example(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let root = tempfile::tempdir().unwrap();
    copy_dir(
        &workspace_root().join("modules"),
        &root.path().join("modules"),
    );
    let dir = root.path().join("examples").join(name);
    copy_dir(&workspace_root().join("examples").join(name), &dir);
    (root, dir)
}

pub fn run(dir: &Path, args: &[String]) -> (Output, Duration) {
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

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn args(cmd: &[&str], vars: &[String]) -> Vec<String> {
    let mut a: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    a.extend(vars.iter().cloned());
    a
}

/// `curl` GET of `url`, body as text.
pub fn http_get(url: &str) -> String {
    let o = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "60", url])
        .output()
        .expect("curl is needed to read moto's inventory");
    assert!(o.status.success(), "GET {url}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every `id` and `arn` of every managed resource instance in the state.
pub fn state_ids(state: &Value) -> Vec<(String, String)> {
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
pub fn state_addresses(state: &Value) -> Vec<String> {
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
pub fn inventory(endpoint: &str, region: &str, skip: &[&str]) -> String {
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
pub fn aws_call(endpoint: &str, region: &str, service: &str, extra: &[&str]) -> String {
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
pub fn leftovers(
    endpoint: &str,
    region: &str,
    ids: &[(String, String)],
    skip: &[&str],
) -> Vec<String> {
    let live = inventory(endpoint, region, skip);
    ids.iter()
        .filter(|(_, id)| live.contains(id.as_str()))
        .map(|(addr, id)| format!("{addr} {id}"))
        .collect()
}

/// Destroys, letting only the moto ElastiCache gaps fail: each failed
/// round must name an ElastiCache object, which is then forgotten with
/// `state rm`. Returns the forgotten addresses and the total time.
pub fn destroy_around_elasticache_gaps(dir: &Path, vars: &[String]) -> (Vec<String>, Duration) {
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

pub fn last_error(t: &str) -> String {
    t.lines()
        .filter(|l| l.contains("Error") || l.contains("deleting") || l.contains("500"))
        .take(4)
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `-var` arguments for an example pointed at moto: the common settings
/// plus `extra`. Returns the variables real AWS would get and the same with
/// the Redis parameter group and bucket versioning switched off (moto cannot
/// serve them; see the provider tests).
pub fn moto_example_vars(
    name: &str,
    region: &str,
    endpoint: &str,
    extra: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut settings = vec![
        format!("name={name}"),
        format!("region={region}"),
        format!("aws_endpoint={endpoint}"),
        "aws_access_key=testing".to_string(),
        "aws_secret_key=testing".to_string(),
        "redis_delete_timeout=5s".to_string(),
    ];
    settings.extend(extra.iter().cloned());
    let as_args = |vs: &[String]| -> Vec<String> {
        vs.iter()
            .flat_map(|v| ["-var".to_string(), v.clone()])
            .collect()
    };
    let base = as_args(&settings);
    settings.push("redis_create_parameter_group=false".to_string());
    settings.push("backups_versioning=false".to_string());
    (base, as_args(&settings))
}

/// `init`, a plan with the real-AWS variables that must create each of
/// `creates` (exit 2), then `apply -auto-approve` with the moto variables.
/// Returns how long the apply took.
pub fn init_plan_apply(
    dir: &Path,
    base_vars: &[String],
    vars: &[String],
    creates: &[&str],
) -> Duration {
    let (init, _) = run(dir, &["init".into()]);
    assert!(init.status.success(), "init: {}", text(&init));
    let (plan, _) = run(dir, &args(&["plan", "-detailed-exitcode"], base_vars));
    let t = text(&plan);
    assert_eq!(plan.status.code(), Some(2), "{t}");
    for addr in creates {
        let line = format!("{addr} will be created");
        assert!(t.contains(&line), "missing `{line}` in:\n{t}");
    }
    let (apply, took) = run(dir, &args(&["apply", "-auto-approve"], vars));
    let t = text(&apply);
    assert!(apply.status.success(), "apply: {t}");
    assert!(t.contains("Apply complete! Resources:"), "{t}");
    took
}
