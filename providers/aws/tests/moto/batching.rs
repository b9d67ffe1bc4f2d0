//! Batched refresh (`read_many`) call counts, retries on eventual-consistency
//! errors, and the per-provider concurrency limit.

use crate::common::*;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::{ConfiguredProvider, ReadRequest};
use terrane_provider_aws::vals::vs;
use terrane_provider_aws::{AwsProvider, SessionOptions};

fn reqs(t: &str, states: &[terrane_value::Value]) -> Vec<ReadRequest> {
    states
        .iter()
        .map(|st| ReadRequest {
            type_name: t.into(),
            current_state: st.clone(),
            private: vec![],
        })
        .collect()
}

#[tokio::test]
async fn security_groups_route_tables_and_vpcs_refresh_in_batches() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-central-2").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.70.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let mut sgs = Vec::new();
    let mut rts = Vec::new();
    for i in 0..60 {
        let g = p
            .aws
            .ec2
            .create_security_group()
            .group_name(format!("{}-{i}", unique("batch")))
            .description("batch")
            .vpc_id(&vpc_id)
            .send()
            .await
            .unwrap();
        sgs.push(config(
            "aws_security_group",
            vec![("id", vs(g.group_id().unwrap()))],
        ));
        let r = p
            .aws
            .ec2
            .create_route_table()
            .vpc_id(&vpc_id)
            .send()
            .await
            .unwrap();
        rts.push(config(
            "aws_route_table",
            vec![(
                "id",
                vs(r.route_table().and_then(|t| t.route_table_id()).unwrap()),
            )],
        ));
    }
    for (t, states) in [("aws_security_group", &sgs), ("aws_route_table", &rts)] {
        let before = p.aws.counter.total();
        let out = p.read_many(reqs(t, states)).await;
        let calls = p.aws.counter.total() - before;
        assert!(out
            .iter()
            .all(|r| !r.diagnostics.has_errors() && !r.new_state.is_null()));
        assert_eq!(
            calls,
            1,
            "{t}: 60 objects took {calls} calls: {:?}",
            p.aws.counter.by_operation()
        );
    }

    // aws_route: the routes of many tables from one DescribeRouteTables.
    let igw = p.aws.ec2.create_internet_gateway().send().await.unwrap();
    let igw_id = igw
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .unwrap()
        .to_string();
    p.aws
        .ec2
        .attach_internet_gateway()
        .internet_gateway_id(&igw_id)
        .vpc_id(&vpc_id)
        .send()
        .await
        .unwrap();
    let mut routes = Vec::new();
    for rt in rts.iter().take(20) {
        let r = create(
            &p,
            "aws_route",
            &config(
                "aws_route",
                vec![
                    ("route_table_id", vs(s(rt, "id"))),
                    ("destination_cidr_block", vs("0.0.0.0/0")),
                    ("gateway_id", vs(&igw_id)),
                ],
            ),
        )
        .await;
        routes.push(r);
    }
    let before = p.aws.counter.total();
    let out = p.read_many(reqs("aws_route", &routes)).await;
    assert_eq!(p.aws.counter.total() - before, 1);
    for (r, st) in out.iter().zip(&routes) {
        assert_eq!(r.new_state, *st, "a refresh changes nothing");
    }

    // VPCs: one DescribeVpcs for all, one batched call each for the default
    // network ACL, main route table and default security group; the three
    // DNS/metrics attributes only exist per VPC in the EC2 API
    // (DescribeVpcAttribute takes one VPC and one attribute).
    let mut vpcs = vec![vpc.clone()];
    for i in 0..4 {
        let v = p
            .aws
            .ec2
            .create_vpc()
            .cidr_block(format!("10.7{}.0.0/16", i + 1))
            .send()
            .await
            .unwrap();
        vpcs.push(config(
            "aws_vpc",
            vec![("id", vs(v.vpc().and_then(|v| v.vpc_id()).unwrap()))],
        ));
    }
    let before = p.aws.counter.total();
    let out = p.read_many(reqs("aws_vpc", &vpcs)).await;
    let calls = p.aws.counter.total() - before;
    assert!(out
        .iter()
        .all(|r| !r.diagnostics.has_errors() && !r.new_state.is_null()));
    assert_eq!(
        calls,
        4 + 3 * vpcs.len() as u64,
        "{:?}",
        p.aws.counter.by_operation()
    );
}

#[tokio::test]
async fn eventual_consistency_errors_are_retried_with_backoff() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-central-2").await;
    let aws = &p.aws;
    let before = aws.counter.total();
    let start = std::time::Instant::now();
    let r = aws
        .call_retrying("EC2 DescribeVpcs", &["InvalidVpcID.NotFound"], || {
            aws.ec2
                .describe_vpcs()
                .vpc_ids("vpc-00000000000000000")
                .send()
        })
        .await;
    let err = r.expect_err("a missing VPC stays missing");
    assert_eq!(err.code.as_deref(), Some("InvalidVpcID.NotFound"));
    // max_retries = 5 in the test options: 1 call + 5 retries.
    assert_eq!(aws.counter.total() - before, 6);
    assert!(
        start.elapsed() >= Duration::from_millis(5 * 25),
        "back-off waited {:?}",
        start.elapsed()
    );

    // Without the code in the retry list it fails at once.
    let before = aws.counter.total();
    let r = aws
        .call("EC2 DescribeVpcs", || {
            aws.ec2
                .describe_vpcs()
                .vpc_ids("vpc-00000000000000000")
                .send()
        })
        .await;
    assert!(r.is_err());
    assert_eq!(aws.counter.total() - before, 1);
}

#[tokio::test]
async fn concurrency_limit_bounds_calls_in_flight() {
    let Some(ep) = moto() else { return };
    let mut opts = options();
    opts.policy.max_concurrency = 2;
    let prov = AwsProvider::with_options(SessionOptions { ..opts });
    let p = Arc::new(
        prov.connect(&provider_config(&ep, "eu-central-2", vec![]))
            .await
            .unwrap(),
    );
    assert_eq!(p.call_policy().max_concurrency, 2);
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..12 {
        let p = p.clone();
        let in_flight = in_flight.clone();
        let peak = peak.clone();
        tasks.push(tokio::spawn(async move {
            let aws = &p.aws;
            aws.call("EC2 DescribeRegions", || {
                let in_flight = in_flight.clone();
                let peak = peak.clone();
                let fut = aws.ec2.describe_regions().send();
                async move {
                    let now = in_flight.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let r = fut.await;
                    in_flight.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    r
                }
            })
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let peak = peak.load(std::sync::atomic::Ordering::SeqCst);
    assert!(peak <= 2, "peak in flight {peak}");
    assert!(peak >= 1);
}

/// Refreshes `states` of type `t` through `read_many` and returns how many
/// API calls it took; every state must read back without errors, and
/// `missing` (a state whose object is gone) must read as null.
async fn refresh_calls(
    p: &terrane_provider_aws::Configured,
    t: &str,
    states: &[terrane_value::Value],
    missing: Option<&terrane_value::Value>,
) -> u64 {
    let mut all = states.to_vec();
    all.extend(missing.cloned());
    let before = p.aws.counter.total();
    let out = p.read_many(reqs(t, &all)).await;
    let calls = p.aws.counter.total() - before;
    for (i, r) in out.iter().enumerate() {
        assert!(!r.diagnostics.has_errors(), "{t}: {:?}", r.diagnostics);
        let gone = missing.is_some() && i == all.len() - 1;
        assert_eq!(r.new_state.is_null(), gone, "{t} #{i}");
    }
    calls
}

#[tokio::test]
async fn gateways_addresses_acls_associations_and_databases_refresh_in_batches() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-south-2").await;
    let ec2 = &p.aws.ec2;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.80.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.80.1.0/24")
        .send()
        .await
        .unwrap();
    let subnet_id = subnet
        .subnet()
        .and_then(|s| s.subnet_id())
        .unwrap()
        .to_string();
    let n = 25;
    let (mut igws, mut eips, mut nats, mut acls, mut assocs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let id_state = |t: &str, id: &str| config(t, vec![("id", vs(id))]);
    for i in 0..n {
        let g = ec2.create_internet_gateway().send().await.unwrap();
        let gid = g
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .unwrap();
        igws.push(id_state("aws_internet_gateway", gid));
        let a = ec2
            .allocate_address()
            .domain(aws_sdk_ec2::types::DomainType::Vpc)
            .send()
            .await
            .unwrap();
        let alloc = a.allocation_id().unwrap().to_string();
        eips.push(id_state("aws_eip", &alloc));
        let nat = ec2
            .create_nat_gateway()
            .subnet_id(&subnet_id)
            .allocation_id(&alloc)
            .send()
            .await
            .unwrap();
        let nid = nat.nat_gateway().and_then(|n| n.nat_gateway_id()).unwrap();
        nats.push(config(
            "aws_nat_gateway",
            vec![("id", vs(nid)), ("allocation_id", vs(&alloc))],
        ));
        let acl = ec2
            .create_network_acl()
            .vpc_id(&vpc_id)
            .send()
            .await
            .unwrap();
        let aid = acl.network_acl().and_then(|a| a.network_acl_id()).unwrap();
        acls.push(id_state("aws_network_acl", aid));
        // One association per table: a table per gateway edge association
        // would need gateways attached, so tables are associated with the
        // one subnet in turn and the last ones read back as associated.
        let rt = ec2
            .create_route_table()
            .vpc_id(&vpc_id)
            .send()
            .await
            .unwrap();
        let rt_id = rt.route_table().and_then(|t| t.route_table_id()).unwrap();
        let sn = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.80.{}.0/24", 10 + i))
            .send()
            .await
            .unwrap();
        let sn_id = sn.subnet().and_then(|s| s.subnet_id()).unwrap();
        let assoc = ec2
            .associate_route_table()
            .route_table_id(rt_id)
            .subnet_id(sn_id)
            .send()
            .await
            .unwrap();
        assocs.push(config(
            "aws_route_table_association",
            vec![
                ("id", vs(assoc.association_id().unwrap())),
                ("route_table_id", vs(rt_id)),
                ("subnet_id", vs(sn_id)),
            ],
        ));
    }

    // One Describe call per type for 25 objects (plus one gone object).
    for (t, states, missing) in [
        ("aws_internet_gateway", &igws, "igw-0000000000000000f"),
        ("aws_eip", &eips, "eipalloc-0000000000000000f"),
        ("aws_nat_gateway", &nats, "nat-0000000000000000f"),
        (
            "aws_route_table_association",
            &assocs,
            "rtbassoc-0000000000000000f",
        ),
    ] {
        let gone = id_state(t, missing);
        let calls = refresh_calls(&p, t, states, Some(&gone)).await;
        assert_eq!(calls, 1, "{t}: {:?}", p.aws.counter.by_operation());
    }
    // Network ACLs are listed by ID (no ID filter on moto): one call for
    // all that exist; with a gone one in the batch AWS fails the whole
    // call, and each ID is then asked alone.
    let calls = refresh_calls(&p, "aws_network_acl", &acls, None).await;
    assert_eq!(calls, 1, "{:?}", p.aws.counter.by_operation());
    let gone = id_state("aws_network_acl", "acl-0000000000000000f");
    let calls = refresh_calls(&p, "aws_network_acl", &acls, Some(&gone)).await;
    assert_eq!(calls, 1 + n + 1);

    // Network ACL rules: the entries of many ACLs from one call.
    let mut entries = Vec::new();
    for acl in acls.iter().take(10) {
        let rule = create(
            &p,
            "aws_network_acl_rule",
            &config(
                "aws_network_acl_rule",
                vec![
                    ("network_acl_id", vs(s(acl, "id"))),
                    ("rule_number", terrane_provider_aws::vals::vi(100)),
                    ("protocol", vs("tcp")),
                    ("rule_action", vs("allow")),
                    ("cidr_block", vs("10.0.0.0/8")),
                    ("from_port", terrane_provider_aws::vals::vi(443)),
                    ("to_port", terrane_provider_aws::vals::vi(443)),
                ],
            ),
        )
        .await;
        entries.push(rule);
    }
    let calls = refresh_calls(&p, "aws_network_acl_rule", &entries, None).await;
    assert_eq!(calls, 1, "{:?}", p.aws.counter.by_operation());

    // DB instances: one filtered DescribeDBInstances (tags come with it).
    let mut dbs = Vec::new();
    for _ in 0..5 {
        let ident = unique("batchdb");
        p.aws
            .rds
            .create_db_instance()
            .db_instance_identifier(&ident)
            .engine("postgres")
            .db_instance_class("db.t3.micro")
            .allocated_storage(20)
            .master_username("app")
            .master_user_password("correct-horse-battery")
            .tags(
                aws_sdk_rds::types::Tag::builder()
                    .key("Name")
                    .value(&ident)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        dbs.push(config(
            "aws_db_instance",
            vec![
                ("identifier", vs(&ident)),
                ("tags", map(&[("Name", &ident)])),
            ],
        ));
    }
    let gone = config("aws_db_instance", vec![("identifier", vs("batchdb-gone"))]);
    let calls = refresh_calls(&p, "aws_db_instance", &dbs, Some(&gone)).await;
    assert_eq!(calls, 1, "{:?}", p.aws.counter.by_operation());
    let out = p.read_many(reqs("aws_db_instance", &dbs)).await;
    for (r, want) in out.iter().zip(&dbs) {
        assert_eq!(attr(&r.new_state, "tags"), attr(want, "tags"));
        assert_eq!(s(&r.new_state, "engine"), "postgres");
    }
}

#[tokio::test]
async fn load_balancers_and_target_groups_refresh_in_batches() {
    let Some(ep) = moto() else { return };
    let region = "me-central-1";
    let p = connect(&ep, region).await;
    let ec2 = &p.aws.ec2;
    let elb = &p.aws.elbv2;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.90.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let mut subnets = Vec::new();
    for (i, az) in ["a", "b"].iter().enumerate() {
        let sn = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.90.{}.0/24", i + 1))
            .availability_zone(format!("{region}{az}"))
            .send()
            .await
            .unwrap();
        subnets.push(sn.subnet().and_then(|s| s.subnet_id()).unwrap().to_string());
    }
    let n = 25;
    let (mut lbs, mut tgs) = (Vec::new(), Vec::new());
    for i in 0..n {
        let lb = elb
            .create_load_balancer()
            .name(format!("{}-{i}", elb_name("bl")))
            .set_subnets(Some(subnets.clone()))
            .send()
            .await
            .unwrap();
        let arn = lb.load_balancers()[0].load_balancer_arn().unwrap();
        lbs.push(config("aws_lb", vec![("id", vs(arn))]));
        let tg = elb
            .create_target_group()
            .name(format!("{}-{i}", elb_name("bt")))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .vpc_id(&vpc_id)
            .send()
            .await
            .unwrap();
        let arn = tg.target_groups()[0].target_group_arn().unwrap();
        tgs.push(config("aws_lb_target_group", vec![("id", vs(arn))]));
    }
    // 25 objects: two describe calls (20 ARNs each), two DescribeTags, and
    // the attributes, which the API only answers per object (was 3 x 25).
    for (t, states) in [("aws_lb", &lbs), ("aws_lb_target_group", &tgs)] {
        let calls = refresh_calls(&p, t, states, None).await;
        assert_eq!(calls, 2 + 2 + n, "{t}: {:?}", p.aws.counter.by_operation());
    }
    // Listeners and listener rules: describe and tags, 20 ARNs a call each.
    let (mut listeners, mut rules) = (Vec::new(), Vec::new());
    for (lb, tg) in lbs.iter().zip(&tgs) {
        let forward = aws_sdk_elasticloadbalancingv2::types::Action::builder()
            .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Forward)
            .target_group_arn(s(tg, "id"))
            .build();
        let l = elb
            .create_listener()
            .load_balancer_arn(s(lb, "id"))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .default_actions(forward.clone())
            .send()
            .await
            .unwrap();
        let larn = l.listeners()[0].listener_arn().unwrap().to_string();
        listeners.push(config("aws_lb_listener", vec![("id", vs(&larn))]));
        let r = elb
            .create_rule()
            .listener_arn(&larn)
            .priority(10)
            .conditions(
                aws_sdk_elasticloadbalancingv2::types::RuleCondition::builder()
                    .field("path-pattern")
                    .values("/api/*")
                    .build(),
            )
            .actions(forward)
            .send()
            .await
            .unwrap();
        let rarn = r.rules()[0].rule_arn().unwrap();
        rules.push(config("aws_lb_listener_rule", vec![("id", vs(rarn))]));
    }
    for (t, states) in [
        ("aws_lb_listener", &listeners),
        ("aws_lb_listener_rule", &rules),
    ] {
        let calls = refresh_calls(&p, t, states, None).await;
        assert_eq!(calls, 2 + 2, "{t}: {:?}", p.aws.counter.by_operation());
    }

    // A deleted one in a batch: its chunk is asked again ARN by ARN, and it
    // reads as gone while the others read back.
    let gone_lb = lbs[0].clone();
    let arn = s(&gone_lb, "id");
    elb.delete_load_balancer()
        .load_balancer_arn(&arn)
        .send()
        .await
        .unwrap();
    refresh_calls(&p, "aws_lb", &lbs[1..], Some(&gone_lb)).await;
    let gone_tg = tgs[0].clone();
    elb.delete_target_group()
        .target_group_arn(s(&gone_tg, "id"))
        .send()
        .await
        .unwrap();
    refresh_calls(&p, "aws_lb_target_group", &tgs[1..], Some(&gone_tg)).await;
}

#[tokio::test]
async fn replication_groups_refresh_with_one_listing() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ap-east-1").await;
    let mut groups = Vec::new();
    for _ in 0..4 {
        let id = unique("rg");
        p.aws
            .elasticache
            .create_replication_group()
            .replication_group_id(&id)
            .replication_group_description("batch")
            .cache_node_type("cache.t3.micro")
            .engine("redis")
            .num_cache_clusters(1)
            .send()
            .await
            .unwrap();
        groups.push(config(
            "aws_elasticache_replication_group",
            vec![("id", vs(&id)), ("replication_group_id", vs(&id))],
        ));
    }
    let gone = config(
        "aws_elasticache_replication_group",
        vec![
            ("id", vs("rg-gone")),
            ("replication_group_id", vs("rg-gone")),
        ],
    );
    let count = |p: &terrane_provider_aws::Configured, op: &str| {
        p.aws.counter.by_operation().get(op).copied().unwrap_or(0)
    };
    let ops = ["DescribeReplicationGroups", "DescribeCacheClusters"];
    let before: Vec<u64> = ops.iter().map(|o| count(&p, o)).collect();
    refresh_calls(
        &p,
        "aws_elasticache_replication_group",
        &groups,
        Some(&gone),
    )
    .await;
    // One listing of the groups and one of their member clusters.
    for (op, b) in ops.iter().zip(before) {
        assert_eq!(
            count(&p, op) - b,
            1,
            "{op}: {:?}",
            p.aws.counter.by_operation()
        );
    }
}

#[tokio::test]
async fn security_group_rules_refresh_in_batches() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-west-3").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.95.0.0/16"))]),
    )
    .await;
    let (mut vpc_rules, mut legacy) = (Vec::new(), Vec::new());
    for i in 0..12 {
        let g = p
            .aws
            .ec2
            .create_security_group()
            .group_name(format!("{}-{i}", unique("rules")))
            .description("rules")
            .vpc_id(s(&vpc, "id"))
            .send()
            .await
            .unwrap();
        let gid = g.group_id().unwrap().to_string();
        let port = 1000 + i;
        let rule = create(
            &p,
            "aws_vpc_security_group_ingress_rule",
            &config(
                "aws_vpc_security_group_ingress_rule",
                vec![
                    ("security_group_id", vs(&gid)),
                    ("ip_protocol", vs("tcp")),
                    ("from_port", terrane_provider_aws::vals::vi(port)),
                    ("to_port", terrane_provider_aws::vals::vi(port)),
                    ("cidr_ipv4", vs("10.0.0.0/8")),
                ],
            ),
        )
        .await;
        vpc_rules.push(rule);
        let old = create(
            &p,
            "aws_security_group_rule",
            &config(
                "aws_security_group_rule",
                vec![
                    ("security_group_id", vs(&gid)),
                    ("type", vs("ingress")),
                    ("protocol", vs("tcp")),
                    ("from_port", terrane_provider_aws::vals::vi(port + 100)),
                    ("to_port", terrane_provider_aws::vals::vi(port + 100)),
                    (
                        "cidr_blocks",
                        terrane_provider_aws::vals::vlist(["10.1.0.0/16".to_string()]),
                    ),
                ],
            ),
        )
        .await;
        legacy.push(old);
    }
    let gone = config(
        "aws_vpc_security_group_ingress_rule",
        vec![("id", vs("sgr-0000000000000000f"))],
    );
    let calls = refresh_calls(
        &p,
        "aws_vpc_security_group_ingress_rule",
        &vpc_rules,
        Some(&gone),
    )
    .await;
    assert_eq!(calls, 1, "{:?}", p.aws.counter.by_operation());
    // Legacy rules: their groups in one call, the groups' rule IDs in one.
    let calls = refresh_calls(&p, "aws_security_group_rule", &legacy, None).await;
    assert_eq!(calls, 2, "{:?}", p.aws.counter.by_operation());
    let out = p.read_many(reqs("aws_security_group_rule", &legacy)).await;
    for (r, st) in out.iter().zip(&legacy) {
        assert_eq!(r.new_state, *st, "a refresh changes nothing");
    }
}
