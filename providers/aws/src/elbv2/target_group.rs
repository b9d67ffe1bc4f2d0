//! `aws_lb_target_group` (health check, stickiness) and
//! `aws_lb_target_group_attachment`.

use super::{attribute_map, find_full, sync_tags, tag_list, Found};
use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{invalid, read_by_key, single, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetDescription, TargetGroup, TargetGroupAttribute,
    TargetGroupIpAddressTypeEnum, TargetTypeEnum,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Block, Schema};
use terrane_value::{Kind, Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(TgRes), Arc::new(AttachRes)]
}

fn health_block() -> Block {
    block(vec![
        ("enabled", opt_b()),
        ("healthy_threshold", opt_n()),
        ("interval", opt_n()),
        ("matcher", oc_s()),
        ("path", oc_s()),
        ("port", opt_s()),
        ("protocol", opt_s()),
        ("timeout", oc_n()),
        ("unhealthy_threshold", opt_n()),
    ])
}

fn stickiness_block() -> Block {
    block(vec![
        ("cookie_duration", opt_n()),
        ("cookie_name", opt_s()),
        ("enabled", opt_b()),
        ("type", req_s()),
    ])
}

/// The resource-part of an ARN (after the last `:`).
fn arn_resource(arn: &str) -> String {
    arn.rsplit_once(':')
        .map(|(_, r)| r.to_string())
        .unwrap_or_default()
}

struct TgRes;

/// Target groups by ARN, with attributes and tags.
async fn find_tgs_full(
    aws: &Aws,
    arns: &[String],
) -> Result<BTreeMap<String, Found<TargetGroup>>, Error> {
    find_full(
        aws,
        arns,
        &["TargetGroupNotFound"],
        |chunk| async move {
            aws.call("ELBv2 DescribeTargetGroups", || {
                aws.elbv2
                    .describe_target_groups()
                    .set_target_group_arns(Some(chunk.clone()))
                    .send()
            })
            .await
            .map(|out| out.target_groups().to_vec())
        },
        |tg| tg.target_group_arn(),
        |arn| async move {
            aws.call("ELBv2 DescribeTargetGroupAttributes", || {
                aws.elbv2
                    .describe_target_group_attributes()
                    .target_group_arn(&arn)
                    .send()
            })
            .await
            .map(|out| attribute_map(out.attributes().iter().map(|a| (a.key(), a.value()))))
        },
    )
    .await
}

/// Fills health-check defaults the way AWS and Terraform do.
fn plan_health(p: &mut PlanCtx<'_>) {
    let hb = health_block();
    let configured = p
        .config
        .get("health_check")
        .is_some_and(|v| v.len().unwrap_or(1) > 0);
    if !configured {
        let v = match p.prior {
            Some(pr) if !p.is_new() => pr.get("health_check").cloned().unwrap_or_default(),
            _ => Value::unknown(Type::list(hb.implied_type())),
        };
        p.planned.insert("health_check".into(), v);
        return;
    }
    let prior_hc = p.prior.and_then(|pr| get_block(pr, "health_check"));
    let cfg = get_block(p.config, "health_check").unwrap_or_default();
    let mut o = cfg.clone();
    let dflt = |o: &mut Obj, k: &str, v: Value| {
        if o.get(k).is_none_or(Value::is_null) {
            o.insert(k.into(), v);
        }
    };
    dflt(&mut o, "enabled", vb(true));
    dflt(&mut o, "healthy_threshold", vi(3));
    dflt(&mut o, "interval", vi(30));
    dflt(&mut o, "port", vs("traffic-port"));
    dflt(&mut o, "protocol", vs("HTTP"));
    dflt(&mut o, "unhealthy_threshold", vi(3));
    for k in ["matcher", "path"] {
        if o.get(k).is_none_or(Value::is_null) {
            let v = match &prior_hc {
                Some(ph) if !p.is_new() => {
                    ph.get(k).cloned().unwrap_or(Value::unknown(Type::String))
                }
                _ => Value::unknown(Type::String),
            };
            o.insert(k.into(), v);
        }
    }
    if o.get("timeout").is_none_or(Value::is_null) {
        let v = match &prior_hc {
            Some(ph) if !p.is_new() => ph
                .get("timeout")
                .cloned()
                .unwrap_or(Value::unknown(Type::Number)),
            _ => Value::unknown(Type::Number),
        };
        o.insert("timeout".into(), v);
    }
    let mut full = blank(&hb);
    full.extend(o);
    p.planned.insert(
        "health_check".into(),
        Value::list(hb.implied_type(), vec![vobj(full)]),
    );
}

fn plan_stickiness(p: &mut PlanCtx<'_>) {
    let sb = stickiness_block();
    let configured = p
        .config
        .get("stickiness")
        .is_some_and(|v| v.len().unwrap_or(1) > 0);
    if !configured {
        let v = match p.prior {
            Some(pr) if !p.is_new() => pr.get("stickiness").cloned().unwrap_or_default(),
            _ => Value::unknown(Type::list(sb.implied_type())),
        };
        p.planned.insert("stickiness".into(), v);
        return;
    }
    let mut o = get_block(p.config, "stickiness").unwrap_or_default();
    if o.get("enabled").is_none_or(Value::is_null) {
        o.insert("enabled".into(), vb(true));
    }
    if o.get("cookie_duration").is_none_or(Value::is_null) {
        o.insert("cookie_duration".into(), vi(86400));
    }
    if o.get("cookie_name").is_none_or(Value::is_null) {
        o.insert("cookie_name".into(), vs(""));
    }
    let mut full = blank(&sb);
    full.extend(o);
    p.planned.insert(
        "stickiness".into(),
        Value::list(sb.implied_type(), vec![vobj(full)]),
    );
}

impl TgRes {
    async fn put_attributes(
        &self,
        aws: &Aws,
        arn: &str,
        prior: Option<&Obj>,
        p: &Obj,
    ) -> Result<(), AwsError> {
        let mut attrs: Vec<TargetGroupAttribute> = Vec::new();
        let mut add = |k: &str, v: String| {
            attrs.push(TargetGroupAttribute::builder().key(k).value(v).build())
        };
        let changed = |k: &str| match prior {
            Some(pr) => pr.get(k) != p.get(k),
            None => true,
        };
        if changed("deregistration_delay") {
            if let Some(d) = get_s(p, "deregistration_delay") {
                add("deregistration_delay.timeout_seconds", d);
            }
        }
        if changed("slow_start") && get_s(p, "target_type").as_deref() != Some("lambda") {
            if let Some(n) = get_i(p, "slow_start").filter(|n| prior.is_some() || *n != 0) {
                add("slow_start.duration_seconds", n.to_string());
            }
        }
        if changed("proxy_protocol_v2") && get_b(p, "proxy_protocol_v2") == Some(true) {
            add("proxy_protocol_v2.enabled", "true".into());
        }
        if changed("stickiness") {
            if let Some(s) =
                get_block(p, "stickiness").filter(|s| !s.values().any(|v| !v.is_wholly_known()))
            {
                let enabled = get_b(&s, "enabled").unwrap_or(true);
                add("stickiness.enabled", enabled.to_string());
                if let Some(t) = get_ne(&s, "type") {
                    add("stickiness.type", t.clone());
                    if t == "lb_cookie" {
                        add(
                            "stickiness.lb_cookie.duration_seconds",
                            get_i(&s, "cookie_duration").unwrap_or(86400).to_string(),
                        );
                    }
                    if t == "app_cookie" {
                        add(
                            "stickiness.app_cookie.cookie_name",
                            get_s(&s, "cookie_name").unwrap_or_default(),
                        );
                        add(
                            "stickiness.app_cookie.duration_seconds",
                            get_i(&s, "cookie_duration").unwrap_or(86400).to_string(),
                        );
                    }
                }
            }
        }
        if attrs.is_empty() {
            return Ok(());
        }
        aws.call("ELBv2 ModifyTargetGroupAttributes", || {
            aws.elbv2
                .modify_target_group_attributes()
                .target_group_arn(arn)
                .set_attributes(Some(attrs.clone()))
                .send()
        })
        .await
        .map(|_| ())
    }

    fn state(&self, prior: &Obj, tg: &TargetGroup, kv: &BTreeMap<String, String>) -> Obj {
        let mut st = prior.clone();
        let arn = tg.target_group_arn().unwrap_or_default();
        st.insert("id".into(), vs(arn));
        st.insert("arn".into(), vs(arn));
        st.insert("arn_suffix".into(), vs(arn_resource(arn)));
        st.insert("name".into(), vso(tg.target_group_name()));
        if get_s(&st, "name_prefix").is_none() {
            st.insert("name_prefix".into(), vs(""));
        }
        st.insert("port".into(), vio(tg.port().map(i64::from)));
        st.insert("protocol".into(), vso(tg.protocol().map(|p| p.as_str())));
        st.insert(
            "protocol_version".into(),
            vs(tg.protocol_version().unwrap_or_default()),
        );
        st.insert("vpc_id".into(), vso(tg.vpc_id()));
        st.insert(
            "target_type".into(),
            vs(tg.target_type().map(|t| t.as_str()).unwrap_or("instance")),
        );
        st.insert(
            "ip_address_type".into(),
            vs(tg.ip_address_type().map(|t| t.as_str()).unwrap_or("ipv4")),
        );
        st.insert(
            "load_balancer_arns".into(),
            vset(tg.load_balancer_arns().iter().cloned()),
        );
        let hb = health_block();
        let mut h = Obj::new();
        h.insert(
            "enabled".into(),
            vb(tg.health_check_enabled().unwrap_or(true)),
        );
        h.insert(
            "healthy_threshold".into(),
            vi(tg.healthy_threshold_count().unwrap_or(3).into()),
        );
        h.insert(
            "interval".into(),
            vi(tg.health_check_interval_seconds().unwrap_or(30).into()),
        );
        h.insert(
            "matcher".into(),
            vs(tg
                .matcher()
                .and_then(|m| m.http_code().or(m.grpc_code()))
                .unwrap_or_default()),
        );
        h.insert(
            "path".into(),
            vs(tg.health_check_path().unwrap_or_default()),
        );
        h.insert(
            "port".into(),
            vs(tg.health_check_port().unwrap_or("traffic-port")),
        );
        h.insert(
            "protocol".into(),
            vs(tg
                .health_check_protocol()
                .map(|p| p.as_str())
                .unwrap_or("HTTP")),
        );
        h.insert(
            "timeout".into(),
            vi(tg.health_check_timeout_seconds().unwrap_or(5).into()),
        );
        h.insert(
            "unhealthy_threshold".into(),
            vi(tg.unhealthy_threshold_count().unwrap_or(3).into()),
        );
        st.insert(
            "health_check".into(),
            Value::list(hb.implied_type(), vec![nested(&hb, h)]),
        );
        st.insert(
            "deregistration_delay".into(),
            vs(kv
                .get("deregistration_delay.timeout_seconds")
                .cloned()
                .unwrap_or_else(|| "300".into())),
        );
        st.insert(
            "slow_start".into(),
            vi(kv
                .get("slow_start.duration_seconds")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)),
        );
        st.insert(
            "proxy_protocol_v2".into(),
            vb(kv.get("proxy_protocol_v2.enabled").map(String::as_str) == Some("true")),
        );
        st.insert(
            "load_balancing_algorithm_type".into(),
            vs(kv
                .get("load_balancing.algorithm.type")
                .cloned()
                .unwrap_or_else(|| "round_robin".into())),
        );
        let sb = stickiness_block();
        let typ = kv
            .get("stickiness.type")
            .cloned()
            .unwrap_or_else(|| "lb_cookie".into());
        let mut s = Obj::new();
        s.insert(
            "enabled".into(),
            vb(kv.get("stickiness.enabled").map(String::as_str) == Some("true")),
        );
        s.insert("type".into(), vs(&typ));
        let dur_key = if typ == "app_cookie" {
            "stickiness.app_cookie.duration_seconds"
        } else {
            "stickiness.lb_cookie.duration_seconds"
        };
        s.insert(
            "cookie_duration".into(),
            vi(kv
                .get(dur_key)
                .and_then(|v| v.parse().ok())
                .unwrap_or(86400)),
        );
        s.insert(
            "cookie_name".into(),
            vs(kv
                .get("stickiness.app_cookie.cookie_name")
                .cloned()
                .unwrap_or_default()),
        );
        st.insert(
            "stickiness".into(),
            Value::list(sb.implied_type(), vec![nested(&sb, s)]),
        );
        st
    }
}

#[async_trait::async_trait]
impl Resource for TgRes {
    fn name(&self) -> &'static str {
        "aws_lb_target_group"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("arn_suffix", comp_s()),
            ("deregistration_delay", opt_s()),
            ("ip_address_type", oc_s().force_new()),
            (
                "load_balancer_arns",
                terrane_provider::Attribute::computed(Type::set(Type::String)),
            ),
            ("load_balancing_algorithm_type", oc_s()),
            ("name", oc_s().force_new()),
            ("name_prefix", oc_s().force_new()),
            ("port", opt_n().force_new()),
            ("protocol", opt_s().force_new()),
            ("protocol_version", oc_s().force_new()),
            ("proxy_protocol_v2", opt_b()),
            ("slow_start", opt_n()),
            ("target_type", opt_s().force_new()),
            ("vpc_id", opt_s().force_new()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![
                ("health_check", one(health_block())),
                ("stickiness", one(stickiness_block())),
            ],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("deregistration_delay", vs("300")),
            ("proxy_protocol_v2", vb(false)),
            ("slow_start", vi(0)),
            ("target_type", vs("instance")),
        ]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        if p.prior.is_none()
            && get_ne(p.config, "name").is_some()
            && get_ne(p.config, "name_prefix").is_some()
        {
            return Err(invalid("\"name\": conflicts with name_prefix"));
        }
        plan_health(p);
        plan_stickiness(p);
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let hc = get_block(p, "health_check")
            .filter(|h| !matches!(h.get("enabled").map(|v| &v.kind), Some(Kind::Unknown(_))));
        let known = |o: &Option<Obj>, k: &str| {
            o.as_ref()
                .and_then(|h| h.get(k))
                .filter(|v| v.is_known())
                .cloned()
        };
        let hs = |k: &str| {
            known(&hc, k).and_then(|v| v.as_str().filter(|s| !s.is_empty()).map(String::from))
        };
        let hn = |k: &str| {
            known(&hc, k)
                .and_then(|v| v.as_number().and_then(|n| n.to_i64()))
                .map(|n| n as i32)
        };
        let name = name_or_generated(p, "name", "name_prefix", "tf-", 32);
        let out = aws
            .call("ELBv2 CreateTargetGroup", || {
                aws.elbv2
                    .create_target_group()
                    .name(name.clone())
                    .set_port(get_i(p, "port").map(|n| n as i32))
                    .set_protocol(get_ne(p, "protocol").map(|x| ProtocolEnum::from(x.as_str())))
                    .set_protocol_version(get_ne(p, "protocol_version"))
                    .set_vpc_id(get_ne(p, "vpc_id"))
                    .target_type(TargetTypeEnum::from(
                        get_s(p, "target_type")
                            .unwrap_or_else(|| "instance".into())
                            .as_str(),
                    ))
                    .set_ip_address_type(
                        get_ne(p, "ip_address_type")
                            .map(|t| TargetGroupIpAddressTypeEnum::from(t.as_str())),
                    )
                    .set_health_check_enabled(known(&hc, "enabled").and_then(|v| v.as_bool()))
                    .set_health_check_path(hs("path"))
                    .set_health_check_port(hs("port"))
                    .set_health_check_protocol(
                        hs("protocol").map(|x| ProtocolEnum::from(x.as_str())),
                    )
                    .set_health_check_interval_seconds(hn("interval"))
                    .set_health_check_timeout_seconds(hn("timeout"))
                    .set_healthy_threshold_count(hn("healthy_threshold"))
                    .set_unhealthy_threshold_count(hn("unhealthy_threshold"))
                    .set_matcher(hs("matcher").map(|m| Matcher::builder().http_code(m).build()))
                    .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                    .send()
            })
            .await?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .ok_or_else(|| invalid("CreateTargetGroup returned no ARN"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&arn));
        self.put_attributes(aws, &arn, None, p)
            .await
            .map_err(|e| Failed::from(e).with_partial(partial.clone()))?;
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("target group disappeared after create"))
                    .with_partial(partial),
            ),
            Err(e) => Err(Failed::from(e).with_partial(partial)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// DescribeTargetGroups and DescribeTags take 20 ARNs a call; the
    /// attributes exist only per target group.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |arns| async move { find_tgs_full(aws, &arns).await },
            |s, found| {
                let mut st = self.state(s, &found.obj, &found.attributes);
                aws.set_tags(&mut st, found.tags.clone());
                Some(st)
            },
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let arn = get_s(prior, "id").unwrap_or_default();
        if prior.get("health_check") != p.get("health_check") {
            if let Some(h) = get_block(p, "health_check") {
                let hs = |k: &str| get_ne(&h, k);
                let hn = |k: &str| get_i(&h, k).map(|n| n as i32);
                aws.call("ELBv2 ModifyTargetGroup", || {
                    aws.elbv2
                        .modify_target_group()
                        .target_group_arn(&arn)
                        .set_health_check_enabled(get_b(&h, "enabled"))
                        .set_health_check_path(hs("path"))
                        .set_health_check_port(hs("port"))
                        .set_health_check_protocol(
                            hs("protocol").map(|x| ProtocolEnum::from(x.as_str())),
                        )
                        .set_health_check_interval_seconds(hn("interval"))
                        .set_health_check_timeout_seconds(hn("timeout"))
                        .set_healthy_threshold_count(hn("healthy_threshold"))
                        .set_unhealthy_threshold_count(hn("unhealthy_threshold"))
                        .set_matcher(hs("matcher").map(|m| Matcher::builder().http_code(m).build()))
                        .send()
                })
                .await?;
            }
        }
        self.put_attributes(aws, &arn, Some(prior), p).await?;
        sync_tags(aws, &arn, prior, p).await?;
        self.read_back_with_tags(aws, prior, p, "target group")
            .await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let arn = get_s(state, "id").unwrap_or_default();
        match aws
            .call_retrying("ELBv2 DeleteTargetGroup", &["ResourceInUse"], || {
                aws.elbv2
                    .delete_target_group()
                    .target_group_arn(&arn)
                    .send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["TargetGroupNotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

// ------------------------------------------------- target group attachment

struct AttachRes;

/// The attachment ID of current provider versions (also the import ID):
/// `TARGET_GROUP_ARN,TARGET_ID[,PORT][,AVAILABILITY_ZONE]`, with an empty
/// port when only the zone is set.
fn attachment_id(p: &Obj) -> String {
    let mut parts = vec![
        get_s(p, "target_group_arn").unwrap_or_default(),
        get_s(p, "target_id").unwrap_or_default(),
    ];
    let port = get_i(p, "port").filter(|n| *n != 0);
    if let Some(n) = port {
        parts.push(n.to_string());
    }
    if let Some(az) = get_ne(p, "availability_zone") {
        if port.is_none() {
            parts.push(String::new());
        }
        parts.push(az);
    }
    parts.join(",")
}

/// Parses an attachment import ID (see [`attachment_id`]) into `o`.
fn parse_attachment_id(mut o: Obj, id: &str) -> Result<Obj, Error> {
    let parts: Vec<&str> = id.split(',').collect();
    let bad = || {
        invalid(format!(
            "unexpected format for ID ({id}), expected TARGET_GROUP_ARN,TARGET_ID[,PORT][,AVAILABILITY_ZONE]"
        ))
    };
    if !(2..=4).contains(&parts.len()) || parts[0].is_empty() || parts[1].is_empty() {
        return Err(bad());
    }
    o.insert("id".into(), vs(id));
    o.insert("target_group_arn".into(), vs(parts[0]));
    o.insert("target_id".into(), vs(parts[1]));
    if let Some(port) = parts.get(2).filter(|p| !p.is_empty()) {
        let n: i64 = port
            .parse()
            .map_err(|e| invalid(format!("parsing port {port:?} of ID ({id}): {e}")))?;
        o.insert("port".into(), vi(n));
    }
    if let Some(az) = parts.get(3).filter(|a| !a.is_empty()) {
        o.insert("availability_zone".into(), vs(*az));
    }
    Ok(o)
}

fn target_of(p: &Obj) -> TargetDescription {
    TargetDescription::builder()
        .id(get_s(p, "target_id").unwrap_or_default())
        .set_port(get_i(p, "port").map(|n| n as i32))
        .set_availability_zone(get_ne(p, "availability_zone"))
        .build()
}

#[async_trait::async_trait]
impl Resource for AttachRes {
    fn name(&self) -> &'static str {
        "aws_lb_target_group_attachment"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("availability_zone", opt_s().force_new()),
            ("port", opt_n().force_new()),
            ("target_group_arn", req_s().force_new()),
            ("target_id", req_s().force_new()),
        ]))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tg = get_s(p, "target_group_arn").unwrap_or_default();
        let t = target_of(p);
        aws.call_retrying("ELBv2 RegisterTargets", &["InvalidTarget"], || {
            aws.elbv2
                .register_targets()
                .target_group_arn(&tg)
                .targets(t.clone())
                .send()
        })
        .await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(attachment_id(p)));
        Ok(st)
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let tg = get_s(state, "target_group_arn").unwrap_or_default();
        let t = target_of(state);
        let out = match aws
            .call("ELBv2 DescribeTargetHealth", || {
                aws.elbv2
                    .describe_target_health()
                    .target_group_arn(&tg)
                    .targets(t.clone())
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["TargetGroupNotFound", "InvalidTarget"]) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        // Targets being deregistered or no longer registered are gone (an
        // `unused` target in a group nobody routes to still exists).
        let registered = out.target_health_descriptions().iter().any(|d| {
            d.target().and_then(|t| t.id()) == get_s(state, "target_id").as_deref()
                && d.target_health().is_some_and(|h| {
                    !matches!(
                        h.reason().map(|r| r.as_str()),
                        Some("Target.NotRegistered" | "Target.DeregistrationInProgress")
                    )
                })
        });
        Ok(registered.then(|| state.clone()))
    }

    async fn update(&self, _aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        // Every argument forces replacement.
        Ok(p.clone())
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let tg = get_s(state, "target_group_arn").unwrap_or_default();
        let t = target_of(state);
        match aws
            .call("ELBv2 DeregisterTargets", || {
                aws.elbv2
                    .deregister_targets()
                    .target_group_arn(&tg)
                    .targets(t.clone())
                    .send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["TargetGroupNotFound", "InvalidTarget"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Import ID as the real provider (since v6.34) takes it:
    /// `TARGET_GROUP_ARN,TARGET_ID[,PORT][,AVAILABILITY_ZONE]`.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        parse_attachment_id(blank, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(id: &str) -> Result<Obj, Error> {
        parse_attachment_id(Obj::new(), id)
    }

    #[test]
    fn attachment_ids_round_trip_and_bad_ones_are_rejected() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/tg/abc";
        for id in [
            format!("{arn},i-1"),
            format!("{arn},i-1,80"),
            format!("{arn},10.0.0.5,,all"),
            format!("{arn},10.0.0.5,443,us-east-1a"),
        ] {
            let o = parsed(&id).unwrap();
            assert_eq!(attachment_id(&o), id);
            assert_eq!(get_s(&o, "target_group_arn").as_deref(), Some(arn));
        }
        let o = parsed(&format!("{arn},i-1,8080")).unwrap();
        assert_eq!(get_i(&o, "port"), Some(8080));
        for bad in [
            "just-an-arn".to_string(),
            format!("{arn},i-1,eighty"),
            format!("{arn},i-1,80,az,extra"),
            ",i-1".to_string(),
        ] {
            let e = parsed(&bad).unwrap_err().to_string();
            assert!(e.contains(&bad) || e.contains("eighty"), "{e}");
        }
    }
}
