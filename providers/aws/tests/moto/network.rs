//! VPC, subnet, internet gateway and batched refresh.

use crate::common::*;
use terrane_provider::testkit::check_lifecycle;
use terrane_provider::ConfiguredProvider;
use terrane_provider_aws::vals::{vb, vs};
use terrane_value::Value;

#[tokio::test]
async fn vpc_lifecycle_testkit() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-west-1").await;
    let cfg = config(
        "aws_vpc",
        vec![
            ("cidr_block", vs("10.1.0.0/16")),
            ("tags", map(&[("Name", "a")])),
        ],
    );
    let upd = config(
        "aws_vpc",
        vec![
            ("cidr_block", vs("10.1.0.0/16")),
            ("enable_dns_hostnames", vb(true)),
            ("tags", map(&[("Name", "b")])),
        ],
    );
    let problems = check_lifecycle(&p, "aws_vpc", cfg, Some(upd)).await;
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn vpc_update_replace_import_drift_delete() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-west-2").await;
    let t = "aws_vpc";
    let cfg = config(t, vec![("cidr_block", vs("10.2.0.0/16"))]);
    let st = create(&p, t, &cfg).await;
    let id = s(&st, "id");
    assert!(id.starts_with("vpc-"));
    assert_eq!(s(&st, "instance_tenancy"), "default");
    assert_eq!(attr(&st, "enable_dns_support"), vb(true));
    assert_eq!(attr(&st, "enable_dns_hostnames"), vb(false));
    assert!(s(&st, "arn").ends_with(&format!(":vpc/{id}")));
    assert!(s(&st, "default_security_group_id").starts_with("sg-"));
    assert!(s(&st, "main_route_table_id").starts_with("rtb-"));
    assert!(s(&st, "default_network_acl_id").starts_with("acl-"));
    assert_eq!(attr(&st, "tags_all"), map(&[]));
    assert_noop(&p, t, &st, &cfg).await;

    // Update in place.
    let cfg2 = config(
        t,
        vec![
            ("cidr_block", vs("10.2.0.0/16")),
            ("enable_dns_hostnames", vb(true)),
        ],
    );
    let pl = plan(&p, t, &st, &cfg2).await;
    assert!(pl.requires_replace.is_empty());
    let st2 = apply(&p, t, &st, &cfg2).await;
    assert_eq!(s(&st2, "id"), id);
    assert_eq!(attr(&st2, "enable_dns_hostnames"), vb(true));
    assert_noop(&p, t, &st2, &cfg2).await;

    // Forced replacement.
    let cfg3 = config(t, vec![("cidr_block", vs("10.3.0.0/16"))]);
    let pl = plan(&p, t, &st2, &cfg3).await;
    assert_eq!(pl.requires_replace.len(), 1);
    assert_eq!(pl.requires_replace[0].to_string(), "cidr_block");
    assert!(
        !vals_known(&pl.planned_state, "id"),
        "id must be unknown when replacing"
    );

    // Import by ID.
    let imp = import(&p, t, &id).await;
    assert_eq!(imp, with(&st2, vec![]), "import reads back the same object");

    // Drift: a tag added outside terrane shows in the next read.
    let c = &p.aws.ec2;
    c.create_tags()
        .resources(&id)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("Owner")
                .value("x")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let drifted = read(&p, t, &st2).await;
    assert_eq!(attr(&drifted, "tags"), map(&[("Owner", "x")]));
    let pl = plan(&p, t, &drifted, &cfg2).await;
    assert_eq!(
        attr(&pl.planned_state, "tags"),
        Value::null(terrane_value::Type::map(terrane_value::Type::String))
    );

    destroy(&p, t, &drifted).await;
    assert!(
        read(&p, t, &st2).await.is_null(),
        "deleted VPC reads as null"
    );
}

fn vals_known(v: &Value, k: &str) -> bool {
    attr(v, k).is_wholly_known()
}

#[tokio::test]
async fn default_tags_flow_into_tags_all() {
    let Some(ep) = moto() else { return };
    let dt = config("aws_vpc", vec![]);
    let _ = dt;
    let p = AwsWithDefaults::new(&ep, "eu-west-3").await;
    let t = "aws_vpc";
    let cfg = config(
        t,
        vec![
            ("cidr_block", vs("10.4.0.0/16")),
            ("tags", map(&[("Name", "n")])),
        ],
    );
    let st = create(&p.0, t, &cfg).await;
    assert_eq!(attr(&st, "tags"), map(&[("Name", "n")]));
    assert_eq!(
        attr(&st, "tags_all"),
        map(&[("Env", "test"), ("Name", "n")])
    );
    assert_noop(&p.0, t, &st, &cfg).await;
    destroy(&p.0, t, &st).await;
}

struct AwsWithDefaults(terrane_provider_aws::Configured);

impl AwsWithDefaults {
    async fn new(ep: &str, region: &str) -> Self {
        let schema = terrane_provider::Provider::schema(&terrane_provider_aws::AwsProvider::new())
            .provider
            .clone();
        let db = &schema.block.blocks["default_tags"].block;
        let mut o = terrane_provider_aws::vals::blank(db);
        o.insert("tags".into(), map(&[("Env", "test")]));
        let dt = Value::list(db.implied_type(), vec![Value::object(o)]);
        AwsWithDefaults(connect_with(ep, region, vec![("default_tags", dt)]).await)
    }
}

#[tokio::test]
async fn subnet_and_igw() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-central-1").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.5.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");

    let t = "aws_subnet";
    let cfg = config(
        t,
        vec![
            ("vpc_id", vs(&vpc_id)),
            ("cidr_block", vs("10.5.1.0/24")),
            ("availability_zone", vs("eu-central-1a")),
        ],
    );
    let sn = create(&p, t, &cfg).await;
    assert!(s(&sn, "id").starts_with("subnet-"));
    assert_eq!(s(&sn, "availability_zone"), "eu-central-1a");
    assert_eq!(attr(&sn, "map_public_ip_on_launch"), vb(false));
    assert_noop(&p, t, &sn, &cfg).await;
    let cfg2 = with(
        &cfg,
        vec![
            ("map_public_ip_on_launch", vb(true)),
            ("tags", map(&[("Tier", "public")])),
        ],
    );
    let sn2 = apply(&p, t, &sn, &cfg2).await;
    assert_eq!(attr(&sn2, "map_public_ip_on_launch"), vb(true));
    assert_noop(&p, t, &sn2, &cfg2).await;
    let pl = plan(
        &p,
        t,
        &sn2,
        &with(&cfg2, vec![("cidr_block", vs("10.5.2.0/24"))]),
    )
    .await;
    assert_eq!(
        pl.requires_replace
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        vec!["cidr_block"]
    );
    assert_eq!(import(&p, t, &s(&sn2, "id")).await, with(&sn2, vec![]));

    let it = "aws_internet_gateway";
    let icfg = config(it, vec![("vpc_id", vs(&vpc_id))]);
    let igw = create(&p, it, &icfg).await;
    assert!(s(&igw, "id").starts_with("igw-"));
    assert_eq!(s(&igw, "vpc_id"), vpc_id);
    assert_noop(&p, it, &igw, &icfg).await;
    // Detach in place.
    let igw2 = apply(&p, it, &igw, &config(it, vec![])).await;
    assert!(attr(&igw2, "vpc_id").is_null());
    let igw3 = apply(&p, it, &igw2, &icfg).await;
    assert_eq!(s(&igw3, "vpc_id"), vpc_id);
    assert_eq!(import(&p, it, &s(&igw3, "id")).await, with(&igw3, vec![]));

    destroy(&p, it, &igw3).await;
    assert!(read(&p, it, &igw3).await.is_null());
    destroy(&p, t, &sn2).await;
    assert!(read(&p, t, &sn2).await.is_null());
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn refreshing_500_subnets_takes_a_handful_of_calls() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ap-southeast-2").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.6.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    // Create the subnets directly (fast), then refresh them through read_many.
    let mut states = Vec::new();
    for i in 0..500u32 {
        let out = p
            .aws
            .ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.6.{}.{}/28", i / 16, (i % 16) * 16))
            .send()
            .await
            .unwrap();
        let id = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .unwrap()
            .to_string();
        states.push(config(
            "aws_subnet",
            vec![("id", vs(&id)), ("vpc_id", vs(&vpc_id))],
        ));
    }
    // One gone subnet must read as null.
    let gone_id = s(&states[7], "id");
    p.aws
        .ec2
        .delete_subnet()
        .subnet_id(&gone_id)
        .send()
        .await
        .unwrap();
    let before = p.aws.counter.total();
    let reqs: Vec<_> = states
        .iter()
        .map(|st| terrane_provider::ReadRequest {
            type_name: "aws_subnet".into(),
            current_state: st.clone(),
            private: vec![],
        })
        .collect();
    let out = p.read_many(reqs).await;
    let calls = p.aws.counter.total() - before;
    assert_eq!(out.len(), 500);
    assert!(out.iter().all(|r| !r.diagnostics.has_errors()));
    assert!(out[7].new_state.is_null(), "deleted subnet reads as null");
    assert_eq!(s(&out[8].new_state, "id"), s(&states[8], "id"));
    assert_eq!(s(&out[8].new_state, "vpc_id"), vpc_id);
    assert!(
        calls <= 5,
        "500 subnets took {calls} calls: {:?}",
        p.aws.counter.by_operation()
    );
    eprintln!("read_many of 500 subnets: {calls} API calls");
}

#[tokio::test]
async fn ignore_tags_hide_externally_managed_tags() {
    let Some(ep) = moto() else { return };
    let schema = terrane_provider::Provider::schema(&terrane_provider_aws::AwsProvider::new())
        .provider
        .clone();
    let ib = &schema.block.blocks["ignore_tags"].block;
    let mut o = terrane_provider_aws::vals::blank(ib);
    o.insert(
        "keys".into(),
        terrane_provider_aws::vals::vset(["Owner".to_string()]),
    );
    o.insert(
        "key_prefixes".into(),
        terrane_provider_aws::vals::vset(["kubernetes.io/".to_string()]),
    );
    let p = connect_with(
        &ep,
        "eu-west-1",
        vec![(
            "ignore_tags",
            Value::list(ib.implied_type(), vec![Value::object(o)]),
        )],
    )
    .await;
    let t = "aws_vpc";
    let cfg = config(
        t,
        vec![
            ("cidr_block", vs("10.8.0.0/16")),
            ("tags", map(&[("Name", "ign")])),
        ],
    );
    let st = create(&p, t, &cfg).await;
    let id = s(&st, "id");
    for (k, v) in [
        ("Owner", "someone"),
        ("kubernetes.io/cluster/x", "shared"),
        ("Extra", "drift"),
    ] {
        p.aws
            .ec2
            .create_tags()
            .resources(&id)
            .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .send()
            .await
            .unwrap();
    }
    let now = read(&p, t, &st).await;
    assert_eq!(
        attr(&now, "tags"),
        map(&[("Extra", "drift"), ("Name", "ign")]),
        "ignored keys never show"
    );
    assert_eq!(
        attr(&now, "tags_all"),
        map(&[("Extra", "drift"), ("Name", "ign")])
    );
    // Applying the config removes only the unignored drift.
    let fixed = apply(&p, t, &now, &cfg).await;
    assert_eq!(attr(&fixed, "tags"), map(&[("Name", "ign")]));
    let raw = p.aws.ec2.describe_vpcs().vpc_ids(&id).send().await.unwrap();
    let keys: Vec<String> = raw.vpcs()[0]
        .tags()
        .iter()
        .filter_map(|t| t.key().map(String::from))
        .collect();
    assert!(
        keys.contains(&"Owner".to_string())
            && keys.contains(&"kubernetes.io/cluster/x".to_string()),
        "{keys:?}"
    );
    destroy(&p, t, &fixed).await;
}
