//! Shared test plumbing: moto endpoint discovery, a configured provider per
//! region, and configuration builders shaped by the provider's schemas.

use std::collections::BTreeMap;
use std::time::Duration;
use terrane_provider::{
    ApplyChangeRequest, CallPolicy, ConfiguredProvider, ImportRequest, PlanChangeRequest,
    PlanChangeResponse, Provider, ReadRequest,
};
use terrane_provider_aws::vals::{self, blank, Obj};
use terrane_provider_aws::{AwsProvider, Configured, SessionOptions};
use terrane_value::{Type, Value};

/// The moto endpoint, or None after printing why the test is skipped.
/// With TERRANE_REQUIRE_SERVERS set, a missing endpoint fails the test.
pub fn moto() -> Option<String> {
    match std::env::var("TERRANE_MOTO_ENDPOINT") {
        Ok(e) if !e.is_empty() => Some(e),
        _ => {
            if std::env::var("TERRANE_REQUIRE_SERVERS").is_ok_and(|v| !v.is_empty()) {
                panic!("TERRANE_MOTO_ENDPOINT is not set but TERRANE_REQUIRE_SERVERS is: start moto with .ci/servers/moto.sh start");
            }
            eprintln!("skipped: moto not running (set TERRANE_MOTO_ENDPOINT, e.g. via .ci/servers/moto.sh env)");
            None
        }
    }
}

/// Fast session options for tests.
pub fn options() -> SessionOptions {
    SessionOptions {
        poll_interval: Duration::from_millis(100),
        policy: CallPolicy {
            max_concurrency: 8,
            max_retries: 5,
            base_delay: Duration::from_millis(50),
        },
    }
}

/// The provider block for moto in `region`, with extra settings.
pub fn provider_config(endpoint: &str, region: &str, extra: Vec<(&str, Value)>) -> Value {
    let p = AwsProvider::new();
    let schema = p.schema().provider.clone();
    let mut o = blank(&schema.block);
    o.insert("region".into(), vals::vs(region));
    o.insert("access_key".into(), vals::vs("testing"));
    o.insert("secret_key".into(), vals::vs("testing"));
    o.insert("skip_metadata_api_check".into(), vals::vs("true"));
    o.insert("s3_use_path_style".into(), vals::vb(true));
    let eb = &schema.block.blocks["endpoints"].block;
    let mut e = blank(eb);
    for svc in ["acm", "ec2", "elasticache", "elbv2", "rds", "s3", "sts"] {
        e.insert(svc.into(), vals::vs(endpoint));
    }
    o.insert(
        "endpoints".into(),
        Value::set(eb.implied_type(), vec![Value::object(e)]),
    );
    for (k, v) in extra {
        o.insert(k.into(), v);
    }
    Value::object(o)
}

/// A configured provider talking to moto in `region`.
pub async fn connect(endpoint: &str, region: &str) -> Configured {
    connect_with(endpoint, region, vec![]).await
}

/// As [`connect`], with extra provider settings.
pub async fn connect_with(endpoint: &str, region: &str, extra: Vec<(&str, Value)>) -> Configured {
    AwsProvider::with_options(options())
        .connect(&provider_config(endpoint, region, extra))
        .await
        .unwrap_or_else(|d| panic!("configure failed: {d}"))
}

/// A resource configuration: every attribute null / block empty, then `fields`.
pub fn config(type_name: &str, fields: Vec<(&str, Value)>) -> Value {
    let p = AwsProvider::new();
    let s = p
        .schema()
        .resources
        .get(type_name)
        .or_else(|| p.schema().data_sources.get(type_name))
        .unwrap_or_else(|| panic!("no schema for {type_name}"))
        .clone();
    let mut o = blank(&s.block);
    // As the engine decodes an unset attributes-as-blocks collection.
    for (name, nb) in &s.block.blocks {
        if nb.as_attribute {
            o.insert(name.clone(), Value::null(vals::empty_block(nb).ty()));
        }
    }
    for (k, v) in fields {
        assert!(
            o.contains_key(k),
            "{type_name} has no attribute or block {k}"
        );
        o.insert(k.into(), v);
    }
    Value::object(o)
}

/// A nested block object for `type_name.block_name`, as a value.
pub fn nested(type_name: &str, path: &[&str], fields: Vec<(&str, Value)>) -> Value {
    let p = AwsProvider::new();
    let s = p
        .schema()
        .resources
        .get(type_name)
        .or_else(|| p.schema().data_sources.get(type_name))
        .unwrap_or_else(|| panic!("no schema for {type_name}"))
        .clone();
    let mut b = &s.block;
    for step in path {
        b = &b.blocks[*step].block;
    }
    let mut o = blank(b);
    for (k, v) in fields {
        assert!(
            o.contains_key(k),
            "{type_name}.{path:?} has no attribute {k}"
        );
        o.insert(k.into(), v);
    }
    Value::object(o)
}

/// The implied type of a nested block.
pub fn nested_type(type_name: &str, path: &[&str]) -> Type {
    let p = AwsProvider::new();
    let s = p
        .schema()
        .resources
        .get(type_name)
        .or_else(|| p.schema().data_sources.get(type_name))
        .cloned()
        .unwrap_or_default();
    let mut b = &s.block;
    for step in path {
        b = &b.blocks[*step].block;
    }
    b.implied_type()
}

/// Terraform's proposed new state: config, with prior values where the
/// config leaves an attribute null.
pub fn proposed(config: &Value, prior: &Value) -> Value {
    let c = vals::obj(config);
    let p = vals::obj(prior);
    let mut out = p.clone();
    for (k, v) in c {
        if !v.is_null() || !p.contains_key(&k) {
            out.insert(k, v);
        }
    }
    Value::object(out)
}

/// Plans a change.
pub async fn plan(
    p: &dyn ConfiguredProvider,
    t: &str,
    prior: &Value,
    config: &Value,
) -> PlanChangeResponse {
    p.plan_change(PlanChangeRequest {
        type_name: t.into(),
        prior_state: prior.clone(),
        proposed_new_state: if config.is_null() {
            Value::dynamic_null()
        } else {
            proposed(config, prior)
        },
        config: config.clone(),
        prior_private: vec![],
    })
    .await
}

/// Plans and applies, returning the new state; panics on diagnostics.
pub async fn apply(p: &dyn ConfiguredProvider, t: &str, prior: &Value, config: &Value) -> Value {
    let pl = plan(p, t, prior, config).await;
    assert!(
        !pl.diagnostics.has_errors(),
        "{t}: plan failed: {:?}",
        pl.diagnostics
    );
    let r = p
        .apply_change(ApplyChangeRequest {
            type_name: t.into(),
            prior_state: if pl.requires_replace.is_empty() {
                prior.clone()
            } else {
                Value::dynamic_null()
            },
            planned_state: pl.planned_state,
            config: config.clone(),
            planned_private: pl.planned_private,
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "{t}: apply failed: {:?}",
        r.diagnostics
    );
    r.new_state
}

/// Creates an object from `config` (plan + apply from null).
pub async fn create(p: &dyn ConfiguredProvider, t: &str, config: &Value) -> Value {
    apply(p, t, &Value::dynamic_null(), config).await
}

/// Deletes an object; panics on diagnostics.
pub async fn destroy(p: &dyn ConfiguredProvider, t: &str, state: &Value) {
    let r = p
        .apply_change(ApplyChangeRequest {
            type_name: t.into(),
            prior_state: state.clone(),
            planned_state: Value::dynamic_null(),
            config: Value::dynamic_null(),
            planned_private: vec![],
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "{t}: delete failed: {:?}",
        r.diagnostics
    );
    assert!(r.new_state.is_null());
}

/// Reads an object back (null when gone); panics on diagnostics.
pub async fn read(p: &dyn ConfiguredProvider, t: &str, state: &Value) -> Value {
    let r = p
        .read(ReadRequest {
            type_name: t.into(),
            current_state: state.clone(),
            private: vec![],
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "{t}: read failed: {:?}",
        r.diagnostics
    );
    r.new_state
}

/// Asserts re-planning `config` against `state` changes nothing.
pub async fn assert_noop(p: &dyn ConfiguredProvider, t: &str, state: &Value, config: &Value) {
    let pl = plan(p, t, state, config).await;
    assert!(
        !pl.diagnostics.has_errors(),
        "{t}: plan failed: {:?}",
        pl.diagnostics
    );
    assert!(
        pl.requires_replace.is_empty(),
        "{t}: no-op plan requires replace: {:?}",
        pl.requires_replace
    );
    if &pl.planned_state != state {
        let a = vals::obj(&pl.planned_state);
        let b = vals::obj(state);
        let diffs: Vec<String> = a
            .iter()
            .filter(|(k, v)| b.get(*k) != Some(*v))
            .map(|(k, v)| format!("{k}: planned {v:?} vs state {:?}", b.get(k)))
            .collect();
        panic!("{t}: re-plan is not a no-op:\n{}", diffs.join("\n"));
    }
}

/// Imports by ID and returns the imported state.
pub async fn import(p: &dyn ConfiguredProvider, t: &str, id: &str) -> Value {
    let r = p
        .import(ImportRequest {
            type_name: t.into(),
            id: id.into(),
        })
        .await;
    assert!(
        !r.diagnostics.has_errors(),
        "{t}: import failed: {:?}",
        r.diagnostics
    );
    assert_eq!(r.imported.len(), 1);
    r.imported[0].state.clone()
}

/// A string attribute of a state.
pub fn s(v: &Value, k: &str) -> String {
    vals::get_s(&vals::obj(v), k)
        .unwrap_or_else(|| panic!("attribute {k} is not a known string in {v:?}"))
}

/// An attribute of a state.
pub fn attr(v: &Value, k: &str) -> Value {
    vals::obj(v)
        .get(k)
        .cloned()
        .unwrap_or_else(|| panic!("no attribute {k}"))
}

/// A map of strings value.
pub fn map(pairs: &[(&str, &str)]) -> Value {
    let m: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    vals::vmap(&m)
}

/// A copy of an object value with some attributes replaced.
pub fn with(v: &Value, fields: Vec<(&str, Value)>) -> Value {
    let mut o: Obj = vals::obj(v);
    for (k, x) in fields {
        o.insert(k.into(), x);
    }
    Value::object(o)
}

/// A process-unique lower-case name with a prefix.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    format!(
        "{prefix}-{:x}-{}",
        t % 0xffff_ffff,
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// A raw HTTP GET against moto (no SDK), for checking state the SDK cannot
/// parse from moto. moto does not verify signatures.
pub fn raw_get(endpoint: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let hostport = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut conn = std::net::TcpStream::connect(hostport).expect("connect to moto");
    let req = format!(
        "GET {path} HTTP/1.0\r\nHost: {hostport}\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0\r\n\r\n"
    );
    conn.write_all(req.as_bytes()).expect("send");
    let mut out = String::new();
    conn.read_to_string(&mut out).expect("read");
    out
}

/// A unique ELB-style name: letters, digits and single hyphens, at most 32.
pub fn elb_name(prefix: &str) -> String {
    let tail: String = unique("x")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let mut n = format!("{prefix}-{tail}");
    n.truncate(32);
    n.trim_end_matches('-').to_string()
}
