//! The `aws-network` scenario of issue 3 driven through the provider API:
//! a VPC across 3 AZs with public/private subnets, IGW, NAT, route tables,
//! security groups, an ALB with an HTTPS listener and target group, a
//! PostgreSQL primary with a read replica, a Redis replication group and an
//! encrypted, versioned backup bucket with a 7-day lifecycle rule. Apply in
//! dependency order, re-plan everything (no changes), destroy in reverse
//! order, and check moto holds none of the objects afterwards.

use crate::common::*;
use terrane_provider::ConfiguredProvider;
use terrane_provider_aws::vals::{vb, vi, vlist, vs, vset};
use terrane_value::Value;

struct Applied {
    t: &'static str,
    cfg: Value,
    state: Value,
}

async fn add(
    p: &dyn ConfiguredProvider,
    out: &mut Vec<Applied>,
    t: &'static str,
    cfg: Value,
) -> Value {
    let state = create(p, t, &cfg).await;
    out.push(Applied {
        t,
        cfg,
        state: state.clone(),
    });
    state
}

fn one(t: &str, path: &[&str], fields: Vec<(&str, Value)>) -> Value {
    Value::list(nested_type(t, path), vec![nested(t, path, fields)])
}

#[tokio::test]
async fn aws_network_apply_noop_destroy() {
    let Some(ep) = moto() else { return };
    let region = "ap-southeast-3";
    let p = connect(&ep, region).await;
    let mut all: Vec<Applied> = Vec::new();
    let azs = ["a", "b", "c"].map(|z| format!("{region}{z}"));

    let vpc = add(
        &p,
        &mut all,
        "aws_vpc",
        config(
            "aws_vpc",
            vec![
                ("cidr_block", vs("10.90.0.0/16")),
                ("enable_dns_hostnames", vb(true)),
            ],
        ),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let igw = add(
        &p,
        &mut all,
        "aws_internet_gateway",
        config("aws_internet_gateway", vec![("vpc_id", vs(&vpc_id))]),
    )
    .await;
    let mut public = Vec::new();
    let mut private = Vec::new();
    for (i, az) in azs.iter().enumerate() {
        public.push(
            add(
                &p,
                &mut all,
                "aws_subnet",
                config(
                    "aws_subnet",
                    vec![
                        ("vpc_id", vs(&vpc_id)),
                        ("cidr_block", vs(format!("10.90.{i}.0/24"))),
                        ("availability_zone", vs(az)),
                        ("map_public_ip_on_launch", vb(true)),
                    ],
                ),
            )
            .await,
        );
        private.push(
            add(
                &p,
                &mut all,
                "aws_subnet",
                config(
                    "aws_subnet",
                    vec![
                        ("vpc_id", vs(&vpc_id)),
                        ("cidr_block", vs(format!("10.90.{}.0/24", 10 + i))),
                        ("availability_zone", vs(az)),
                    ],
                ),
            )
            .await,
        );
    }
    let eip = add(
        &p,
        &mut all,
        "aws_eip",
        config("aws_eip", vec![("domain", vs("vpc"))]),
    )
    .await;
    let nat = add(
        &p,
        &mut all,
        "aws_nat_gateway",
        config(
            "aws_nat_gateway",
            vec![
                ("allocation_id", vs(s(&eip, "id"))),
                ("subnet_id", vs(s(&public[0], "id"))),
            ],
        ),
    )
    .await;
    let rt_ty = nested_type("aws_route_table", &["route"]);
    let route = |target: &str, id: &str| {
        nested(
            "aws_route_table",
            &["route"],
            vec![("cidr_block", vs("0.0.0.0/0")), (target, vs(id))],
        )
    };
    let public_rt = add(
        &p,
        &mut all,
        "aws_route_table",
        config(
            "aws_route_table",
            vec![
                ("vpc_id", vs(&vpc_id)),
                (
                    "route",
                    Value::set(rt_ty.clone(), vec![route("gateway_id", &s(&igw, "id"))]),
                ),
            ],
        ),
    )
    .await;
    let private_rt = add(
        &p,
        &mut all,
        "aws_route_table",
        config(
            "aws_route_table",
            vec![
                ("vpc_id", vs(&vpc_id)),
                (
                    "route",
                    Value::set(rt_ty.clone(), vec![route("nat_gateway_id", &s(&nat, "id"))]),
                ),
            ],
        ),
    )
    .await;
    for (subnets, rt) in [(&public, &public_rt), (&private, &private_rt)] {
        for sn in subnets.iter() {
            add(
                &p,
                &mut all,
                "aws_route_table_association",
                config(
                    "aws_route_table_association",
                    vec![
                        ("subnet_id", vs(s(sn, "id"))),
                        ("route_table_id", vs(s(rt, "id"))),
                    ],
                ),
            )
            .await;
        }
    }
    let rule = |port: i64, cidr: &str| {
        nested(
            "aws_security_group",
            &["ingress"],
            vec![
                ("protocol", vs("tcp")),
                ("from_port", vi(port)),
                ("to_port", vi(port)),
                ("cidr_blocks", vlist([cidr.to_string()])),
            ],
        )
    };
    let sg_ty = nested_type("aws_security_group", &["ingress"]);
    let alb_sg = add(
        &p,
        &mut all,
        "aws_security_group",
        config(
            "aws_security_group",
            vec![
                ("name", vs(unique("alb"))),
                ("vpc_id", vs(&vpc_id)),
                (
                    "ingress",
                    Value::set(
                        sg_ty.clone(),
                        vec![rule(443, "0.0.0.0/0"), rule(80, "0.0.0.0/0")],
                    ),
                ),
                (
                    "egress",
                    Value::set(
                        sg_ty.clone(),
                        vec![nested(
                            "aws_security_group",
                            &["egress"],
                            vec![
                                ("protocol", vs("-1")),
                                ("from_port", vi(0)),
                                ("to_port", vi(0)),
                                ("cidr_blocks", vlist(["0.0.0.0/0".to_string()])),
                            ],
                        )],
                    ),
                ),
            ],
        ),
    )
    .await;
    let data_sg = add(
        &p,
        &mut all,
        "aws_security_group",
        config(
            "aws_security_group",
            vec![
                ("name", vs(unique("data"))),
                ("vpc_id", vs(&vpc_id)),
                (
                    "ingress",
                    Value::set(
                        sg_ty.clone(),
                        vec![rule(5432, "10.90.0.0/16"), rule(6379, "10.90.0.0/16")],
                    ),
                ),
            ],
        ),
    )
    .await;

    // Load balancing.
    let cert = add(
        &p,
        &mut all,
        "aws_acm_certificate",
        config(
            "aws_acm_certificate",
            vec![
                ("domain_name", vs("app.example.com")),
                ("validation_method", vs("DNS")),
            ],
        ),
    )
    .await;
    let lb_name = elb_name("net");
    let lb = add(
        &p,
        &mut all,
        "aws_lb",
        config(
            "aws_lb",
            vec![
                ("name", vs(&lb_name)),
                ("subnets", vset(public.iter().map(|sn| s(sn, "id")))),
                ("security_groups", vset([s(&alb_sg, "id")])),
            ],
        ),
    )
    .await;
    let tg = add(
        &p,
        &mut all,
        "aws_lb_target_group",
        config(
            "aws_lb_target_group",
            vec![
                ("name", vs(elb_name("tg"))),
                ("port", vi(8080)),
                ("protocol", vs("HTTP")),
                ("vpc_id", vs(&vpc_id)),
            ],
        ),
    )
    .await;
    let lst = "aws_lb_listener";
    add(
        &p,
        &mut all,
        lst,
        config(
            lst,
            vec![
                ("load_balancer_arn", vs(s(&lb, "arn"))),
                ("port", vi(443)),
                ("protocol", vs("HTTPS")),
                ("ssl_policy", vs("ELBSecurityPolicy-TLS13-1-2-2021-06")),
                ("certificate_arn", vs(s(&cert, "arn"))),
                (
                    "default_action",
                    Value::list(
                        nested_type(lst, &["default_action"]),
                        vec![nested(
                            lst,
                            &["default_action"],
                            vec![
                                ("type", vs("forward")),
                                ("target_group_arn", vs(s(&tg, "arn"))),
                            ],
                        )],
                    ),
                ),
            ],
        ),
    )
    .await;

    // Databases.
    let dbsg = add(
        &p,
        &mut all,
        "aws_db_subnet_group",
        config(
            "aws_db_subnet_group",
            vec![
                ("name", vs(unique("db"))),
                ("subnet_ids", vset(private.iter().map(|sn| s(sn, "id")))),
            ],
        ),
    )
    .await;
    let primary_id = unique("pg");
    add(
        &p,
        &mut all,
        "aws_db_instance",
        config(
            "aws_db_instance",
            vec![
                ("identifier", vs(&primary_id)),
                ("engine", vs("postgres")),
                ("engine_version", vs("15.4")),
                ("instance_class", vs("db.t3.micro")),
                ("allocated_storage", vi(20)),
                ("username", vs("app")),
                ("password", vs("correct-horse-battery")),
                ("db_subnet_group_name", vs(s(&dbsg, "name"))),
                ("vpc_security_group_ids", vset([s(&data_sg, "id")])),
                ("backup_retention_period", vi(7)),
                ("multi_az", vb(true)),
                ("skip_final_snapshot", vb(true)),
            ],
        ),
    )
    .await;
    add(
        &p,
        &mut all,
        "aws_db_instance",
        config(
            "aws_db_instance",
            vec![
                ("identifier", vs(unique("pg-replica"))),
                ("replicate_source_db", vs(&primary_id)),
                ("instance_class", vs("db.t3.micro")),
                ("skip_final_snapshot", vb(true)),
            ],
        ),
    )
    .await;

    // Cache.
    let ecsg = add(
        &p,
        &mut all,
        "aws_elasticache_subnet_group",
        config(
            "aws_elasticache_subnet_group",
            vec![
                ("name", vs(unique("cache"))),
                ("subnet_ids", vset(private.iter().map(|sn| s(sn, "id")))),
            ],
        ),
    )
    .await;
    add(
        &p,
        &mut all,
        "aws_elasticache_replication_group",
        config(
            "aws_elasticache_replication_group",
            vec![
                ("replication_group_id", vs(unique("redis"))),
                ("description", vs("cache")),
                ("node_type", vs("cache.t3.micro")),
                ("num_node_groups", vi(1)),
                ("replicas_per_node_group", vi(1)),
                ("automatic_failover_enabled", vb(true)),
                ("at_rest_encryption_enabled", vb(true)),
                ("subnet_group_name", vs(s(&ecsg, "name"))),
                ("security_group_ids", vset([s(&data_sg, "id")])),
                (
                    "timeouts",
                    nested(
                        "aws_elasticache_replication_group",
                        &["timeouts"],
                        vec![("delete", vs("2s"))],
                    ),
                ),
            ],
        ),
    )
    .await;

    // Backup bucket: encrypted, versioned, 7-day lifecycle.
    let bucket = unique("backups");
    add(
        &p,
        &mut all,
        "aws_s3_bucket",
        config(
            "aws_s3_bucket",
            vec![("bucket", vs(&bucket)), ("force_destroy", vb(true))],
        ),
    )
    .await;
    let sse = "aws_s3_bucket_server_side_encryption_configuration";
    add(
        &p,
        &mut all,
        sse,
        config(
            sse,
            vec![
                ("bucket", vs(&bucket)),
                (
                    "rule",
                    Value::set(
                        nested_type(sse, &["rule"]),
                        vec![nested(
                            sse,
                            &["rule"],
                            vec![(
                                "apply_server_side_encryption_by_default",
                                one(
                                    sse,
                                    &["rule", "apply_server_side_encryption_by_default"],
                                    vec![("sse_algorithm", vs("AES256"))],
                                ),
                            )],
                        )],
                    ),
                ),
            ],
        ),
    )
    .await;
    let lc = "aws_s3_bucket_lifecycle_configuration";
    add(
        &p,
        &mut all,
        lc,
        config(
            lc,
            vec![
                ("bucket", vs(&bucket)),
                (
                    "rule",
                    Value::list(
                        nested_type(lc, &["rule"]),
                        vec![nested(
                            lc,
                            &["rule"],
                            vec![
                                ("id", vs("expire")),
                                ("status", vs("Enabled")),
                                (
                                    "expiration",
                                    one(lc, &["rule", "expiration"], vec![("days", vi(7))]),
                                ),
                            ],
                        )],
                    ),
                ),
            ],
        ),
    )
    .await;
    let pab = "aws_s3_bucket_public_access_block";
    add(
        &p,
        &mut all,
        pab,
        config(
            pab,
            vec![
                ("bucket", vs(&bucket)),
                ("block_public_acls", vb(true)),
                ("block_public_policy", vb(true)),
                ("ignore_public_acls", vb(true)),
                ("restrict_public_buckets", vb(true)),
            ],
        ),
    )
    .await;
    // Versioning goes through PutBucketVersioning (moto's GetBucketVersioning
    // reply cannot be parsed, see storage.rs), so it is set directly here.
    p.aws
        .s3
        .put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();

    // Refresh everything, then re-plan: no changes anywhere.
    for a in &mut all {
        a.state = read(&p, a.t, &a.state).await;
        assert!(!a.state.is_null(), "{} vanished", a.t);
    }
    for a in &all {
        assert_noop(&p, a.t, &a.state, &a.cfg).await;
    }

    // Destroy in reverse order.
    for a in all.iter().rev() {
        let r = p
            .apply_change(terrane_provider::ApplyChangeRequest {
                type_name: a.t.into(),
                prior_state: a.state.clone(),
                planned_state: Value::dynamic_null(),
                config: Value::dynamic_null(),
                planned_private: vec![],
            })
            .await;
        let moto_gap = a.t.starts_with("aws_elasticache_");
        assert!(
            !r.diagnostics.has_errors() || moto_gap,
            "{}: {:?}",
            a.t,
            r.diagnostics
        );
    }

    // moto holds none of the objects (except ElastiCache's, see cache.rs).
    let ec2 = &p.aws.ec2;
    let vpcs = ec2.describe_vpcs().vpc_ids(&vpc_id).send().await;
    assert!(
        vpcs.map(|o| o.vpcs().is_empty()).unwrap_or(true),
        "VPC left behind"
    );
    let subnets = ec2
        .describe_subnets()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&vpc_id)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(subnets.subnets().is_empty());
    let nats = ec2
        .describe_nat_gateways()
        .nat_gateway_ids(s(&nat, "id"))
        .send()
        .await
        .unwrap();
    assert!(nats
        .nat_gateways()
        .iter()
        .all(|n| n.state().map(|s| s.as_str()) == Some("deleted")));
    let addrs = ec2.describe_addresses().send().await.unwrap();
    assert!(addrs
        .addresses()
        .iter()
        .all(|a| a.allocation_id() != Some(s(&eip, "id").as_str())));
    let lbs = p.aws.elbv2.describe_load_balancers().send().await.unwrap();
    assert!(lbs
        .load_balancers()
        .iter()
        .all(|l| l.load_balancer_name() != Some(lb_name.as_str())));
    let dbs = p.aws.rds.describe_db_instances().send().await.unwrap();
    assert!(dbs
        .db_instances()
        .iter()
        .all(|d| d.db_instance_identifier() != Some(primary_id.as_str())));
    let buckets = p.aws.s3.list_buckets().send().await.unwrap();
    assert!(buckets
        .buckets()
        .iter()
        .all(|b| b.name() != Some(bucket.as_str())));
}
