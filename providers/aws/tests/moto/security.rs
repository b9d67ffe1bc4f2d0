//! Security groups (inline rules, default group), rule resources and
//! network ACLs.

use crate::common::*;
use terrane_provider_aws::vals::{vb, vi, vlist, vs};
use terrane_value::{Type, Value};

fn rule(proto: &str, from: i64, to: i64, cidrs: &[&str]) -> Value {
    nested(
        "aws_security_group",
        &["ingress"],
        vec![
            ("protocol", vs(proto)),
            ("from_port", vi(from)),
            ("to_port", vi(to)),
            ("cidr_blocks", vlist(cidrs.iter().map(|c| c.to_string()))),
        ],
    )
}

fn rules(items: Vec<Value>) -> Value {
    Value::set(nested_type("aws_security_group", &["ingress"]), items)
}

#[tokio::test]
async fn security_group_inline_rules() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ap-south-1").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.20.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let t = "aws_security_group";
    let cfg = config(
        t,
        vec![
            ("name", vs(unique("web"))),
            ("vpc_id", vs(&vpc_id)),
            (
                "ingress",
                rules(vec![rule("tcp", 443, 443, &["0.0.0.0/0"])]),
            ),
            ("egress", rules(vec![rule("-1", 0, 0, &["0.0.0.0/0"])])),
        ],
    );
    let sg = create(&p, t, &cfg).await;
    let id = s(&sg, "id");
    assert!(id.starts_with("sg-"));
    assert_eq!(s(&sg, "description"), "Managed by Terraform");
    assert_eq!(attr(&sg, "ingress").len(), Some(1));
    assert_eq!(attr(&sg, "egress").len(), Some(1));
    assert_noop(&p, t, &sg, &cfg).await;

    // "all" is Terraform's spelling of "-1": no diff.
    let cfg_all = with(
        &cfg,
        vec![("egress", rules(vec![rule("all", 0, 0, &["0.0.0.0/0"])]))],
    );
    assert_noop(&p, t, &sg, &cfg_all).await;

    // Update rules in place: add port 80, drop egress.
    let cfg2 = with(
        &cfg,
        vec![
            (
                "ingress",
                rules(vec![
                    rule("tcp", 443, 443, &["0.0.0.0/0"]),
                    rule("tcp", 80, 80, &["10.0.0.0/8"]),
                ]),
            ),
            (
                "egress",
                rules(vec![rule("tcp", 5432, 5432, &["10.20.0.0/16"])]),
            ),
            ("tags", map(&[("Name", "web")])),
        ],
    );
    let sg2 = apply(&p, t, &sg, &cfg2).await;
    assert_eq!(s(&sg2, "id"), id);
    assert_eq!(attr(&sg2, "ingress").len(), Some(2));
    assert_noop(&p, t, &sg2, &cfg2).await;
    assert_eq!(
        import(&p, t, &id).await,
        with(
            &sg2,
            vec![("revoke_rules_on_delete", Value::null(Type::Bool))]
        )
    );

    // Attributes as blocks: unset `egress` keeps the existing rules, while
    // `ingress = []` removes every ingress rule.
    let unset_egress = with(
        &cfg2,
        vec![(
            "egress",
            Value::null(Type::set(nested_type(t, &["egress"]))),
        )],
    );
    assert_noop(&p, t, &sg2, &unset_egress).await;
    let no_ingress = with(&unset_egress, vec![("ingress", rules(vec![]))]);
    let pl = plan(&p, t, &sg2, &no_ingress).await;
    assert_eq!(attr(&pl.planned_state, "ingress").len(), Some(0));
    assert_eq!(attr(&pl.planned_state, "egress"), attr(&sg2, "egress"));
    let emptied = apply(&p, t, &sg2, &no_ingress).await;
    let now = read(&p, t, &emptied).await;
    assert_eq!(attr(&now, "ingress").len(), Some(0), "rules revoked in AWS");
    assert_eq!(attr(&now, "egress").len(), Some(1));
    assert_noop(&p, t, &now, &no_ingress).await;
    let sg2 = apply(&p, t, &now, &cfg2).await;
    assert_eq!(attr(&sg2, "ingress").len(), Some(2));

    // name and description force replacement.
    let pl = plan(
        &p,
        t,
        &sg2,
        &with(&cfg2, vec![("description", vs("other"))]),
    )
    .await;
    assert_eq!(
        pl.requires_replace
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>(),
        vec!["description"]
    );
    // Configured rules carry over to the new group; unset ones are whatever
    // the new group gets (unknown), not the old group's.
    assert_eq!(attr(&pl.planned_state, "ingress"), attr(&sg2, "ingress"));
    let pl = plan(
        &p,
        t,
        &sg2,
        &with(&unset_egress, vec![("description", vs("other"))]),
    )
    .await;
    assert!(!attr(&pl.planned_state, "egress").is_known());
    assert_eq!(attr(&pl.planned_state, "ingress"), attr(&sg2, "ingress"));

    // A group that references another one, deleted with revoke_rules_on_delete.
    let other_cfg = config(
        t,
        vec![
            ("name_prefix", vs("db-")),
            ("vpc_id", vs(&vpc_id)),
            ("revoke_rules_on_delete", vb(true)),
            (
                "ingress",
                rules(vec![nested(
                    t,
                    &["ingress"],
                    vec![
                        ("protocol", vs("tcp")),
                        ("from_port", vi(5432)),
                        ("to_port", vi(5432)),
                        (
                            "security_groups",
                            terrane_provider_aws::vals::vset([id.clone()]),
                        ),
                        ("self", vb(true)),
                        ("description", vs("from web")),
                    ],
                )]),
            ),
        ],
    );
    let other = create(&p, t, &other_cfg).await;
    assert!(s(&other, "name").starts_with("db-"));
    assert_eq!(s(&other, "name").len(), 3 + 26);
    assert_noop(&p, t, &other, &other_cfg).await;

    destroy(&p, t, &other).await;
    assert!(read(&p, t, &other).await.is_null());
    destroy(&p, t, &sg2).await;
    assert!(read(&p, t, &sg2).await.is_null());
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn security_group_rule_resources_and_default_group() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ap-northeast-1").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.21.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let sg = create(
        &p,
        "aws_security_group",
        &config(
            "aws_security_group",
            vec![("name", vs(unique("rules"))), ("vpc_id", vs(&vpc_id))],
        ),
    )
    .await;
    let gid = s(&sg, "id");

    // Classic aws_security_group_rule.
    let t = "aws_security_group_rule";
    let cfg = config(
        t,
        vec![
            ("type", vs("ingress")),
            ("protocol", vs("tcp")),
            ("from_port", vi(22)),
            ("to_port", vi(22)),
            ("cidr_blocks", vlist(["10.0.0.0/8".to_string()])),
            ("security_group_id", vs(&gid)),
        ],
    );
    let r = create(&p, t, &cfg).await;
    assert!(s(&r, "id").starts_with("sgrule-"));
    assert_noop(&p, t, &r, &cfg).await;
    let cfg_6 = with(&cfg, vec![("protocol", vs("6"))]);
    assert!(
        plan(&p, t, &r, &cfg_6).await.requires_replace.is_empty(),
        "protocol 6 is tcp"
    );
    let pl = plan(&p, t, &r, &with(&cfg, vec![("to_port", vi(23))])).await;
    assert_eq!(pl.requires_replace.len(), 1);
    let imp = import(&p, t, &format!("{gid}_ingress_tcp_22_22_10.0.0.0/8")).await;
    assert_eq!(s(&imp, "id"), s(&r, "id"));
    // The group's inline view shows the rule (the group does not manage it).
    let sg_now = read(&p, "aws_security_group", &sg).await;
    assert_eq!(attr(&sg_now, "ingress").len(), Some(1));
    let pl = plan(
        &p,
        "aws_security_group",
        &sg_now,
        &config(
            "aws_security_group",
            vec![("name", attr(&sg, "name")), ("vpc_id", vs(&vpc_id))],
        ),
    )
    .await;
    assert_eq!(
        attr(&pl.planned_state, "ingress"),
        attr(&sg_now, "ingress"),
        "rules from rule resources are not removed"
    );
    destroy(&p, t, &r).await;
    assert!(read(&p, t, &r).await.is_null());

    // aws_vpc_security_group_ingress_rule / egress_rule.
    for (t, port) in [
        ("aws_vpc_security_group_ingress_rule", 443),
        ("aws_vpc_security_group_egress_rule", 8080),
    ] {
        let cfg = config(
            t,
            vec![
                ("security_group_id", vs(&gid)),
                ("cidr_ipv4", vs("10.21.0.0/16")),
                ("ip_protocol", vs("tcp")),
                ("from_port", vi(port)),
                ("to_port", vi(port)),
                ("description", vs("one")),
                ("tags", map(&[("Name", "r")])),
            ],
        );
        let r = create(&p, t, &cfg).await;
        let rid = s(&r, "id");
        assert!(rid.starts_with("sgr-"), "{rid}");
        assert!(s(&r, "arn").ends_with(&format!("security-group-rule/{rid}")));
        assert_noop(&p, t, &r, &cfg).await;
        let cfg2 = with(
            &cfg,
            vec![("description", vs("two")), ("to_port", vi(port + 1))],
        );
        let pl = plan(&p, t, &r, &cfg2).await;
        assert!(pl.requires_replace.is_empty());
        let r2 = apply(&p, t, &r, &cfg2).await;
        assert_eq!(s(&r2, "id"), rid);
        assert_eq!(s(&r2, "description"), "two");
        assert_noop(&p, t, &r2, &cfg2).await;
        assert_eq!(import(&p, t, &rid).await, r2);
        destroy(&p, t, &r2).await;
        assert!(read(&p, t, &r2).await.is_null());
    }

    // aws_default_security_group adopts the VPC's default group and
    // replaces its rules with the configured ones.
    let t = "aws_default_security_group";
    let cfg = config(
        t,
        vec![
            ("vpc_id", vs(&vpc_id)),
            (
                "ingress",
                Value::set(
                    nested_type(t, &["ingress"]),
                    vec![nested(
                        t,
                        &["ingress"],
                        vec![
                            ("protocol", vs("-1")),
                            ("from_port", vi(0)),
                            ("to_port", vi(0)),
                            ("self", vb(true)),
                        ],
                    )],
                ),
            ),
        ],
    );
    let d = create(&p, t, &cfg).await;
    assert_eq!(s(&d, "id"), s(&vpc, "default_security_group_id"));
    assert_eq!(s(&d, "name"), "default");
    assert_eq!(
        attr(&d, "egress").len(),
        Some(0),
        "default allow-all egress removed"
    );
    assert_noop(&p, t, &d, &cfg).await;
    destroy(&p, t, &d).await;
    assert!(
        !read(&p, t, &d).await.is_null(),
        "the default group is only forgotten"
    );

    destroy(&p, "aws_security_group", &sg).await;
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn network_acl_and_rule() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "ap-northeast-2").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.22.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let sn = create(
        &p,
        "aws_subnet",
        &config(
            "aws_subnet",
            vec![("vpc_id", vs(&vpc_id)), ("cidr_block", vs("10.22.1.0/24"))],
        ),
    )
    .await;
    let t = "aws_network_acl";
    let entry = |no: i64, proto: &str, port: i64| {
        nested(
            t,
            &["ingress"],
            vec![
                ("rule_no", vi(no)),
                ("protocol", vs(proto)),
                ("action", vs("allow")),
                ("cidr_block", vs("0.0.0.0/0")),
                ("from_port", vi(port)),
                ("to_port", vi(port)),
            ],
        )
    };
    let ety = nested_type(t, &["ingress"]);
    let cfg = config(
        t,
        vec![
            ("vpc_id", vs(&vpc_id)),
            (
                "subnet_ids",
                terrane_provider_aws::vals::vset([s(&sn, "id")]),
            ),
            (
                "ingress",
                Value::set(ety.clone(), vec![entry(100, "tcp", 443)]),
            ),
            ("egress", Value::set(ety.clone(), vec![entry(100, "-1", 0)])),
        ],
    );
    let acl = create(&p, t, &cfg).await;
    assert!(s(&acl, "id").starts_with("acl-"));
    assert_eq!(attr(&acl, "ingress").len(), Some(1));
    assert_noop(&p, t, &acl, &cfg).await;
    let cfg2 = with(
        &cfg,
        vec![(
            "ingress",
            Value::set(
                ety.clone(),
                vec![entry(100, "tcp", 443), entry(110, "tcp", 80)],
            ),
        )],
    );
    let acl2 = apply(&p, t, &acl, &cfg2).await;
    assert_eq!(attr(&acl2, "ingress").len(), Some(2));
    assert_noop(&p, t, &acl2, &cfg2).await;
    assert_eq!(import(&p, t, &s(&acl, "id")).await, acl2);

    let rt = "aws_network_acl_rule";
    let rcfg = config(
        rt,
        vec![
            ("network_acl_id", vs(s(&acl2, "id"))),
            ("rule_number", vi(200)),
            ("egress", vb(false)),
            ("protocol", vs("tcp")),
            ("rule_action", vs("deny")),
            ("cidr_block", vs("10.0.0.0/8")),
            ("from_port", vi(22)),
            ("to_port", vi(22)),
        ],
    );
    let r = create(&p, rt, &rcfg).await;
    assert!(s(&r, "id").starts_with("nacl-"));
    assert_eq!(s(&r, "protocol"), "6");
    assert_noop(&p, rt, &r, &rcfg).await;
    let imp = import(&p, rt, &format!("{}:200:tcp:false", s(&acl2, "id"))).await;
    assert_eq!(s(&imp, "id"), s(&r, "id"));
    let pl = plan(&p, rt, &r, &with(&rcfg, vec![("rule_action", vs("allow"))])).await;
    assert_eq!(pl.requires_replace.len(), 1);
    destroy(&p, rt, &r).await;
    assert!(read(&p, rt, &r).await.is_null());

    destroy(&p, t, &acl2).await;
    assert!(read(&p, t, &acl2).await.is_null());
    destroy(&p, "aws_subnet", &sn).await;
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn rule_description_updates_and_default_group_import() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-west-2").await;
    let vpc = create(
        &p,
        "aws_vpc",
        &config("aws_vpc", vec![("cidr_block", vs("10.23.0.0/16"))]),
    )
    .await;
    let vpc_id = s(&vpc, "id");
    let sg = create(
        &p,
        "aws_security_group",
        &config(
            "aws_security_group",
            vec![("name", vs(unique("desc"))), ("vpc_id", vs(&vpc_id))],
        ),
    )
    .await;
    let t = "aws_security_group_rule";
    let cfg = config(
        t,
        vec![
            ("type", vs("egress")),
            ("protocol", vs("udp")),
            ("from_port", vi(53)),
            ("to_port", vi(53)),
            ("cidr_blocks", vlist(["10.0.0.0/8".to_string()])),
            ("description", vs("dns")),
            ("security_group_id", vs(s(&sg, "id"))),
        ],
    );
    let r = create(&p, t, &cfg).await;
    assert_eq!(s(&r, "description"), "dns");
    let cfg2 = with(&cfg, vec![("description", vs("dns resolvers"))]);
    let pl = plan(&p, t, &r, &cfg2).await;
    assert!(
        pl.requires_replace.is_empty(),
        "description changes in place"
    );
    let r2 = apply(&p, t, &r, &cfg2).await;
    assert_eq!(s(&r2, "id"), s(&r, "id"));
    assert_eq!(s(&r2, "description"), "dns resolvers");
    assert_noop(&p, t, &r2, &cfg2).await;
    destroy(&p, t, &r2).await;

    // aws_default_security_group: update rules in place, import by ID.
    let dt = "aws_default_security_group";
    let ing = |port: i64| {
        Value::set(
            nested_type(dt, &["ingress"]),
            vec![nested(
                dt,
                &["ingress"],
                vec![
                    ("protocol", vs("tcp")),
                    ("from_port", vi(port)),
                    ("to_port", vi(port)),
                    ("cidr_blocks", vlist(["10.23.0.0/16".to_string()])),
                ],
            )],
        )
    };
    let dcfg = config(dt, vec![("vpc_id", vs(&vpc_id)), ("ingress", ing(22))]);
    let d = create(&p, dt, &dcfg).await;
    let dcfg2 = with(
        &dcfg,
        vec![("ingress", ing(443)), ("tags", map(&[("Name", "default")]))],
    );
    let d2 = apply(&p, dt, &d, &dcfg2).await;
    assert_eq!(attr(&d2, "ingress").len(), Some(1));
    assert_noop(&p, dt, &d2, &dcfg2).await;
    let imp = import(&p, dt, &s(&d2, "id")).await;
    assert_eq!(attr(&imp, "ingress"), attr(&d2, "ingress"));
    destroy(&p, dt, &d2).await;
    destroy(&p, "aws_security_group", &sg).await;
    destroy(&p, "aws_vpc", &vpc).await;
}
