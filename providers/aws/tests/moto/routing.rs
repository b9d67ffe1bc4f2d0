//! Route tables (inline routes), routes, associations, EIP and NAT gateway.

use crate::common::*;
use terrane_provider_aws::vals::{vb, vs};
use terrane_provider_aws::Configured;
use terrane_value::Value;

async fn vpc_with_subnet(p: &Configured, cidr16: &str, az: &str) -> (Value, Value, Value) {
    let vpc = create(
        p,
        "aws_vpc",
        &config(
            "aws_vpc",
            vec![("cidr_block", vs(format!("{cidr16}.0.0/16")))],
        ),
    )
    .await;
    let sn = create(
        p,
        "aws_subnet",
        &config(
            "aws_subnet",
            vec![
                ("vpc_id", vs(s(&vpc, "id"))),
                ("cidr_block", vs(format!("{cidr16}.1.0/24"))),
                ("availability_zone", vs(az)),
            ],
        ),
    )
    .await;
    let igw = create(
        p,
        "aws_internet_gateway",
        &config("aws_internet_gateway", vec![("vpc_id", vs(s(&vpc, "id")))]),
    )
    .await;
    (vpc, sn, igw)
}

fn route(cidr: &str, target: &str, id: &str) -> Value {
    nested(
        "aws_route_table",
        &["route"],
        vec![("cidr_block", vs(cidr)), (target, vs(id))],
    )
}

#[tokio::test]
async fn route_table_inline_routes_association_and_route() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "us-west-1").await;
    let (vpc, sn, igw) = vpc_with_subnet(&p, "10.10", "us-west-1a").await;
    let vpc_id = s(&vpc, "id");
    let igw_id = s(&igw, "id");
    let rt_ty = nested_type("aws_route_table", &["route"]);

    let t = "aws_route_table";
    let cfg = config(
        t,
        vec![
            ("vpc_id", vs(&vpc_id)),
            (
                "route",
                Value::set(
                    rt_ty.clone(),
                    vec![route("0.0.0.0/0", "gateway_id", &igw_id)],
                ),
            ),
            ("tags", map(&[("Name", "public")])),
        ],
    );
    let rt = create(&p, t, &cfg).await;
    let rt_id = s(&rt, "id");
    assert!(rt_id.starts_with("rtb-"));
    assert_eq!(
        attr(&rt, "route").len(),
        Some(1),
        "local route is not listed: {:?}",
        attr(&rt, "route")
    );
    assert_noop(&p, t, &rt, &cfg).await;

    // Add a second inline route in place.
    let cfg2 = with(
        &cfg,
        vec![(
            "route",
            Value::set(
                rt_ty.clone(),
                vec![
                    route("0.0.0.0/0", "gateway_id", &igw_id),
                    route("192.168.0.0/16", "gateway_id", &igw_id),
                ],
            ),
        )],
    );
    let rt2 = apply(&p, t, &rt, &cfg2).await;
    assert_eq!(s(&rt2, "id"), rt_id);
    assert_eq!(attr(&rt2, "route").len(), Some(2));
    assert_noop(&p, t, &rt2, &cfg2).await;
    assert_eq!(import(&p, t, &rt_id).await, rt2);

    // A route table without route blocks leaves routes alone (computed).
    let bare = config(t, vec![("vpc_id", vs(&vpc_id))]);
    let pl = plan(&p, t, &rt2, &bare).await;
    assert_eq!(attr(&pl.planned_state, "route"), attr(&rt2, "route"));

    // Attributes as blocks: `route = []` (an empty collection, not an
    // unset one) removes every inline route.
    let none = with(&bare, vec![("route", Value::set(rt_ty.clone(), vec![]))]);
    let pl = plan(&p, t, &rt2, &none).await;
    assert_eq!(attr(&pl.planned_state, "route").len(), Some(0));
    let emptied = apply(&p, t, &rt2, &none).await;
    assert_eq!(attr(&emptied, "route").len(), Some(0));
    assert_eq!(attr(&read(&p, t, &emptied).await, "route").len(), Some(0));
    assert_noop(&p, t, &emptied, &none).await;
    // ... and `route = [...]` (argument syntax, same value) brings them back.
    let rt2 = apply(&p, t, &emptied, &cfg2).await;
    assert_eq!(attr(&rt2, "route").len(), Some(2));
    assert_noop(&p, t, &rt2, &cfg2).await;

    // Forced replacement on vpc_id.
    let pl = plan(&p, t, &rt2, &with(&cfg2, vec![("vpc_id", vs("vpc-other"))])).await;
    assert_eq!(
        pl.requires_replace
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>(),
        vec!["vpc_id"]
    );

    // Association, moved in place to another table.
    let at = "aws_route_table_association";
    let acfg = config(
        at,
        vec![
            ("subnet_id", vs(s(&sn, "id"))),
            ("route_table_id", vs(&rt_id)),
        ],
    );
    let assoc = create(&p, at, &acfg).await;
    assert!(s(&assoc, "id").starts_with("rtbassoc-"));
    assert_noop(&p, at, &assoc, &acfg).await;
    let imported = import(&p, at, &format!("{}/{}", s(&sn, "id"), rt_id)).await;
    assert_eq!(s(&imported, "id"), s(&assoc, "id"));
    let other = create(&p, t, &config(t, vec![("vpc_id", vs(&vpc_id))])).await;
    let acfg2 = with(&acfg, vec![("route_table_id", vs(s(&other, "id")))]);
    let pl = plan(&p, at, &assoc, &acfg2).await;
    assert!(pl.requires_replace.is_empty());
    let assoc2 = apply(&p, at, &assoc, &acfg2).await;
    assert_eq!(s(&assoc2, "route_table_id"), s(&other, "id"));
    assert_noop(&p, at, &assoc2, &acfg2).await;

    // A standalone aws_route on the second table.
    let r = "aws_route";
    let rcfg = config(
        r,
        vec![
            ("route_table_id", vs(s(&other, "id"))),
            ("destination_cidr_block", vs("0.0.0.0/0")),
            ("gateway_id", vs(&igw_id)),
        ],
    );
    let route_st = create(&p, r, &rcfg).await;
    assert!(s(&route_st, "id").starts_with(&format!("r-{}", s(&other, "id"))));
    assert_eq!(s(&route_st, "state"), "active");
    assert_noop(&p, r, &route_st, &rcfg).await;
    let imp = import(&p, r, &format!("{}_0.0.0.0/0", s(&other, "id"))).await;
    assert_eq!(s(&imp, "id"), s(&route_st, "id"));
    assert_eq!(s(&imp, "gateway_id"), igw_id);
    let pl = plan(
        &p,
        r,
        &route_st,
        &with(&rcfg, vec![("destination_cidr_block", vs("10.99.0.0/16"))]),
    )
    .await;
    assert_eq!(pl.requires_replace.len(), 1);
    // The route table refresh shows the route made by aws_route (drift for the table).
    let other_now = read(&p, t, &other).await;
    assert_eq!(attr(&other_now, "route").len(), Some(1));

    destroy(&p, r, &route_st).await;
    assert!(read(&p, r, &route_st).await.is_null());
    destroy(&p, at, &assoc2).await;
    assert!(read(&p, at, &assoc2).await.is_null());
    destroy(&p, t, &other).await;
    destroy(&p, t, &rt2).await;
    assert!(read(&p, t, &rt2).await.is_null());
    destroy(&p, "aws_internet_gateway", &igw).await;
    destroy(&p, "aws_subnet", &sn).await;
    destroy(&p, "aws_vpc", &vpc).await;
}

#[tokio::test]
async fn eip_and_nat_gateway() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "us-west-2").await;
    let (vpc, sn, igw) = vpc_with_subnet(&p, "10.11", "us-west-2a").await;

    let e = "aws_eip";
    let ecfg = config(
        e,
        vec![("domain", vs("vpc")), ("tags", map(&[("Name", "nat")]))],
    );
    let eip = create(&p, e, &ecfg).await;
    let alloc = s(&eip, "id");
    assert!(alloc.starts_with("eipalloc-"));
    assert_eq!(s(&eip, "allocation_id"), alloc);
    assert!(!s(&eip, "public_ip").is_empty());
    assert_noop(&p, e, &eip, &ecfg).await;
    let ecfg2 = with(&ecfg, vec![("tags", map(&[("Name", "nat2")]))]);
    let eip2 = apply(&p, e, &eip, &ecfg2).await;
    assert_eq!(attr(&eip2, "tags"), map(&[("Name", "nat2")]));
    assert_eq!(import(&p, e, &alloc).await, eip2);

    let n = "aws_nat_gateway";
    let ncfg = config(
        n,
        vec![
            ("allocation_id", vs(&alloc)),
            ("subnet_id", vs(s(&sn, "id"))),
        ],
    );
    let nat = create(&p, n, &ncfg).await;
    assert!(s(&nat, "id").starts_with("nat-"));
    assert_eq!(s(&nat, "connectivity_type"), "public");
    assert_eq!(s(&nat, "public_ip"), s(&eip2, "public_ip"));
    assert_noop(&p, n, &nat, &ncfg).await;
    let ncfg2 = with(&ncfg, vec![("tags", map(&[("Name", "gw")]))]);
    let nat2 = apply(&p, n, &nat, &ncfg2).await;
    assert_eq!(s(&nat2, "id"), s(&nat, "id"));
    assert_noop(&p, n, &nat2, &ncfg2).await;
    let pl = plan(
        &p,
        n,
        &nat2,
        &with(&ncfg2, vec![("connectivity_type", vs("private"))]),
    )
    .await;
    assert_eq!(
        pl.requires_replace
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>(),
        vec!["connectivity_type"]
    );
    assert_eq!(import(&p, n, &s(&nat2, "id")).await, nat2);

    destroy(&p, n, &nat2).await;
    assert!(
        read(&p, n, &nat2).await.is_null(),
        "deleted NAT gateway reads as null"
    );
    destroy(&p, e, &eip2).await;
    assert!(read(&p, e, &eip2).await.is_null());
    destroy(&p, "aws_internet_gateway", &igw).await;
    destroy(&p, "aws_subnet", &sn).await;
    destroy(&p, "aws_vpc", &vpc).await;
    let _ = vb(true);
}
