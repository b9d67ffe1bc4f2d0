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
