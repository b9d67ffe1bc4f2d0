//! Provider configuration (credentials, assume_role, skip flags, errors)
//! and the data sources.

use crate::common::*;
use terrane_provider::{ConfiguredProvider, Provider, ReadDataSourceRequest};
use terrane_provider_aws::vals::{self, vb, vs};
use terrane_provider_aws::AwsProvider;
use terrane_value::Value;

async fn ds(p: &dyn ConfiguredProvider, t: &str, cfg: Value) -> Value {
    let r = p
        .read_data_source(ReadDataSourceRequest {
            type_name: t.into(),
            config: cfg,
        })
        .await;
    assert!(!r.diagnostics.has_errors(), "{t}: {:?}", r.diagnostics);
    r.state
}

#[tokio::test]
async fn configure_reads_account_and_validates_credentials() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ca-central-1").await;
    assert_eq!(p.aws.account_id, "123456789012");
    assert_eq!(p.aws.partition, "aws");
    assert_eq!(p.aws.region, "ca-central-1");

    // Skipping validation and the account lookup makes no STS call.
    let skip = connect_with(
        &ep,
        "ca-central-1",
        vec![
            ("skip_credentials_validation", vb(true)),
            ("skip_requesting_account_id", vb(true)),
        ],
    )
    .await;
    assert_eq!(skip.aws.account_id, "");
    assert_eq!(skip.aws.counter.total(), 0);

    // An unreachable STS endpoint is a configuration diagnostic naming the call.
    let prov = AwsProvider::with_options(options());
    let schema = prov.schema().provider.clone();
    let eb = &schema.block.blocks["endpoints"].block;
    let mut e = vals::blank(eb);
    e.insert("sts".into(), vs("http://127.0.0.1:1"));
    let cfg = with(
        &provider_config(&ep, "ca-central-1", vec![]),
        vec![
            (
                "endpoints",
                Value::set(eb.implied_type(), vec![Value::object(e)]),
            ),
            ("max_retries", vals::vi(0)),
        ],
    );
    let err = prov.connect(&cfg).await.err().expect("configure must fail");
    assert!(err.detail.contains("STS GetCallerIdentity"), "{err:?}");
    eprintln!("unreachable STS: {}", err.detail);

    // access_key without secret_key is rejected.
    let bad = with(
        &provider_config(&ep, "ca-central-1", vec![]),
        vec![("secret_key", Value::null(terrane_value::Type::String))],
    );
    assert!(prov.connect(&bad).await.is_err());
}

#[tokio::test]
async fn assume_role_through_sts() {
    let Some(ep) = moto() else { return };
    let schema = AwsProvider::new().schema().provider.clone();
    let ab = &schema.block.blocks["assume_role"].block;
    let mut a = vals::blank(ab);
    a.insert(
        "role_arn".into(),
        vs("arn:aws:iam::123456789012:role/deployer"),
    );
    a.insert("session_name".into(), vs("terrane-test"));
    let p = connect_with(
        &ep,
        "sa-east-1",
        vec![(
            "assume_role",
            Value::list(ab.implied_type(), vec![Value::object(a)]),
        )],
    )
    .await;
    let id = ds(
        &p,
        "aws_caller_identity",
        config("aws_caller_identity", vec![]),
    )
    .await;
    assert!(
        s(&id, "arn").contains("assumed-role/deployer/terrane-test"),
        "{:?}",
        attr(&id, "arn")
    );
}

#[tokio::test]
async fn data_sources() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ap-southeast-1").await;
    let azs = ds(
        &p,
        "aws_availability_zones",
        config("aws_availability_zones", vec![("state", vs("available"))]),
    )
    .await;
    let names = vals::strs(Some(&attr(&azs, "names")));
    assert!(
        names.len() >= 2 && names.iter().all(|n| n.starts_with("ap-southeast-1")),
        "{names:?}"
    );
    let r = ds(&p, "aws_region", config("aws_region", vec![])).await;
    assert_eq!(s(&r, "name"), "ap-southeast-1");
    assert_eq!(s(&r, "endpoint"), "ec2.ap-southeast-1.amazonaws.com");
    let part = ds(&p, "aws_partition", config("aws_partition", vec![])).await;
    assert_eq!(s(&part, "partition"), "aws");
    assert_eq!(s(&part, "dns_suffix"), "amazonaws.com");
    assert_eq!(s(&part, "reverse_dns_prefix"), "com.amazonaws");
    let me = ds(
        &p,
        "aws_caller_identity",
        config("aws_caller_identity", vec![]),
    )
    .await;
    assert_eq!(s(&me, "account_id"), "123456789012");

    let tag = unique("ds");
    let vpc = create(
        &p,
        "aws_vpc",
        &config(
            "aws_vpc",
            vec![
                ("cidr_block", vs("10.30.0.0/16")),
                ("tags", map(&[("Name", &tag)])),
            ],
        ),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let found = ds(&p, "aws_vpc", config("aws_vpc", vec![("id", vs(&vpc_id))])).await;
    assert_eq!(s(&found, "cidr_block"), "10.30.0.0/16");
    assert_eq!(
        s(&found, "main_route_table_id"),
        s(&vpc, "main_route_table_id")
    );
    assert_eq!(attr(&found, "enable_dns_support"), vb(true));
    let by_tag = ds(
        &p,
        "aws_vpc",
        config("aws_vpc", vec![("tags", map(&[("Name", &tag)]))]),
    )
    .await;
    assert_eq!(s(&by_tag, "id"), vpc_id);

    let mut ids = Vec::new();
    let mut subnets = Vec::new();
    for (i, az) in names.iter().take(2).enumerate() {
        let sn = create(
            &p,
            "aws_subnet",
            &config(
                "aws_subnet",
                vec![
                    ("vpc_id", vs(&vpc_id)),
                    ("cidr_block", vs(format!("10.30.{i}.0/24"))),
                    ("availability_zone", vs(az)),
                ],
            ),
        )
        .await;
        ids.push(s(&sn, "id"));
        subnets.push(sn);
    }
    let fb = nested(
        "aws_subnets",
        &["filter"],
        vec![
            ("name", vs("vpc-id")),
            ("values", vals::vset([vpc_id.clone()])),
        ],
    );
    let subs = ds(
        &p,
        "aws_subnets",
        config(
            "aws_subnets",
            vec![(
                "filter",
                Value::set(nested_type("aws_subnets", &["filter"]), vec![fb]),
            )],
        ),
    )
    .await;
    let mut got = vals::strs(Some(&attr(&subs, "ids")));
    got.sort();
    ids.sort();
    assert_eq!(got, ids);

    let sg = ds(
        &p,
        "aws_security_group",
        config(
            "aws_security_group",
            vec![("vpc_id", vs(&vpc_id)), ("name", vs("default"))],
        ),
    )
    .await;
    assert_eq!(s(&sg, "id"), s(&vpc, "default_security_group_id"));

    // No match is an error naming the data source.
    let r = p
        .read_data_source(ReadDataSourceRequest {
            type_name: "aws_vpc".into(),
            config: config("aws_vpc", vec![("tags", map(&[("Name", "nope-nothing")]))]),
        })
        .await;
    let d = r.diagnostics.iter().next().expect("error");
    assert!(
        d.summary.contains("aws_vpc") && d.detail.contains("no matching EC2 VPC found"),
        "{d:?}"
    );
}

#[tokio::test]
async fn call_policy_and_schema_conformance() {
    let prov = AwsProvider::new();
    let problems = terrane_provider::testkit::check_schema(&prov);
    assert!(problems.is_empty(), "{problems:#?}");
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ca-central-1").await;
    let pol = p.call_policy();
    assert_eq!(pol.max_concurrency, 8);
    assert_eq!(pol.max_retries, 5);
}

#[tokio::test]
async fn ami_lookup() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "us-east-1").await;
    let fb = nested(
        "aws_ami",
        &["filter"],
        vec![
            ("name", vs("architecture")),
            ("values", vals::vset(["x86_64".to_string()])),
        ],
    );
    let ami = ds(
        &p,
        "aws_ami",
        config(
            "aws_ami",
            vec![
                ("most_recent", vb(true)),
                ("owners", vals::vlist(["amazon".to_string()])),
                (
                    "filter",
                    Value::set(nested_type("aws_ami", &["filter"]), vec![fb]),
                ),
            ],
        ),
    )
    .await;
    assert!(s(&ami, "id").starts_with("ami-"));
    assert_eq!(s(&ami, "architecture"), "x86_64");
    // Several images and no most_recent: Terraform's error.
    let r = p
        .read_data_source(ReadDataSourceRequest {
            type_name: "aws_ami".into(),
            config: config(
                "aws_ami",
                vec![("owners", vals::vlist(["amazon".to_string()]))],
            ),
        })
        .await;
    let d = r.diagnostics.iter().next().expect("error");
    assert!(d.detail.contains("more than one result"), "{d:?}");
}

/// The policy document needs no server: a configured provider with the
/// account checks skipped renders it, including statements written with
/// `dynamic` blocks (they arrive as an ordinary statement list).
#[tokio::test]
async fn iam_policy_document_through_the_provider() {
    let p = connect_with(
        "http://127.0.0.1:9",
        "eu-west-1",
        vec![
            ("skip_credentials_validation", vb(true)),
            ("skip_requesting_account_id", vb(true)),
        ],
    )
    .await;
    let t = "aws_iam_policy_document";
    let st_ty = nested_type(t, &["statement"]);
    let stmts: Vec<Value> = ["logs", "data"]
        .iter()
        .map(|b| {
            nested(
                t,
                &["statement"],
                vec![
                    (
                        "actions",
                        vals::vset(["s3:GetObject".to_string(), "s3:ListBucket".to_string()]),
                    ),
                    (
                        "resources",
                        vals::vset([format!("arn:aws:s3:::{b}"), format!("arn:aws:s3:::{b}/*")]),
                    ),
                ],
            )
        })
        .collect();
    let out = ds(
        &p,
        t,
        config(t, vec![("statement", Value::list(st_ty, stmts))]),
    )
    .await;
    assert_eq!(
        s(&out, "minified_json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::logs/*","arn:aws:s3:::logs"]},{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::data/*","arn:aws:s3:::data"]}]}"#
    );
    let stmts = attr(&out, "statement");
    assert_eq!(s(&stmts.as_seq().unwrap()[0], "effect"), "Allow");
    assert_eq!(s(&out, "version"), "2012-10-17");
}

#[tokio::test]
async fn profile_from_shared_files() {
    let Some(ep) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cred = dir.path().join("credentials");
    let cfgf = dir.path().join("config");
    std::fs::write(
        &cred,
        "[deployer]\naws_access_key_id = AKIDPROFILETEST\naws_secret_access_key = s3cr3t\n",
    )
    .unwrap();
    std::fs::write(&cfgf, "[profile deployer]\nregion = eu-west-3\n").unwrap();
    let files = |p: &std::path::Path| vals::vlist([p.display().to_string()]);
    let base = with(
        &provider_config(&ep, "unused", vec![]),
        vec![
            ("region", Value::null(terrane_value::Type::String)),
            ("access_key", Value::null(terrane_value::Type::String)),
            ("secret_key", Value::null(terrane_value::Type::String)),
            ("shared_credentials_files", files(&cred)),
            ("shared_config_files", files(&cfgf)),
        ],
    );
    let prov = AwsProvider::with_options(options());
    let p = prov
        .connect(&with(&base, vec![("profile", vs("deployer"))]))
        .await
        .expect("profile configures");
    assert_eq!(p.aws.region, "eu-west-3", "region comes from the profile");
    assert_eq!(
        p.aws.account_id, "123456789012",
        "credentials from the profile signed STS"
    );
    if std::env::var("AWS_ACCESS_KEY_ID").is_err() && std::env::var("AWS_PROFILE").is_err() {
        let mut bad = with(
            &base,
            vec![("profile", vs("nobody")), ("max_retries", vals::vi(10))],
        );
        bad = with(&bad, vec![("region", vs("eu-west-3"))]);
        // Missing credentials are not retried: no retry can fix them.
        let start = std::time::Instant::now();
        let err = prov
            .connect(&bad)
            .await
            .err()
            .map(|d| d.detail)
            .unwrap_or_default();
        assert!(
            err.contains("STS GetCallerIdentity"),
            "unknown profile must fail: {err}"
        );
        assert!(
            start.elapsed() < std::time::Duration::from_secs(3),
            "took {:?}",
            start.elapsed()
        );
    }
}
