//! `aws_security_group_rule` (the classic rule resource) and
//! `aws_vpc_security_group_ingress_rule` / `_egress_rule` (one rule each,
//! with its own `sgr-` ID and tags).

use super::sg::{change_rules, find_sgs, normalize_protocol, permissions_to_rules};
use super::{describe_by_ids, filter, sync_tags, tag_list, tag_map};
use crate::client::{Aws, AwsError, EVENTUAL_NOT_FOUND};
use crate::framework::s::*;
use crate::framework::{invalid, read_by_key, single, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroup, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, TagSpecification, UserIdGroupPair,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::Schema;
use terrane_value::{Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(SgRuleRes),
        Arc::new(VpcRuleRes { egress: false }),
        Arc::new(VpcRuleRes { egress: true }),
    ]
}

// ------------------------------------------------- aws_security_group_rule

struct SgRuleRes;

/// The inline-rule object an `aws_security_group_rule` stands for.
fn as_inline(o: &Obj) -> Obj {
    let mut r = Obj::new();
    for k in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        r.insert(k.into(), vlist(get_strs(o, k)));
    }
    r.insert(
        "description".into(),
        vs(get_s(o, "description").unwrap_or_default()),
    );
    r.insert(
        "from_port".into(),
        o.get("from_port").cloned().unwrap_or_default(),
    );
    r.insert(
        "to_port".into(),
        o.get("to_port").cloned().unwrap_or_default(),
    );
    r.insert(
        "protocol".into(),
        vs(normalize_protocol(
            &get_s(o, "protocol").unwrap_or_default(),
        )),
    );
    r.insert("self".into(), vb(get_b(o, "self").unwrap_or(false)));
    r.insert(
        "security_groups".into(),
        vset(get_ne(o, "source_security_group_id")),
    );
    r
}

/// Terraform-style rule ID: "sgrule-" + hash of the rule's identity.
fn rule_id(o: &Obj) -> String {
    let mut key = format!(
        "{}-{}-{}-{}-{}-",
        get_s(o, "security_group_id").unwrap_or_default(),
        get_i(o, "from_port").unwrap_or(0),
        get_i(o, "to_port").unwrap_or(0),
        normalize_protocol(&get_s(o, "protocol").unwrap_or_default()),
        get_s(o, "type").unwrap_or_default()
    );
    for k in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        let mut v = get_strs(o, k);
        v.sort();
        for c in v {
            key.push_str(&c);
            key.push('-');
        }
    }
    if get_b(o, "self") == Some(true) {
        key.push_str("self-");
    } else if let Some(s) = get_ne(o, "source_security_group_id") {
        key.push_str(&s);
        key.push('-');
    }
    format!("sgrule-{}", string_hashcode(&key))
}

/// True when AWS's rule `have` covers everything the configured rule asks.
fn covers(have: &Obj, want: &Obj) -> bool {
    let same = |k: &str| have.get(k) == want.get(k);
    if !(same("protocol") && same("from_port") && same("to_port")) {
        return false;
    }
    if get_b(want, "self") == Some(true) && get_b(have, "self") != Some(true) {
        return false;
    }
    [
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "security_groups",
    ]
    .iter()
    .all(|k| {
        let h = get_strs(have, k);
        get_strs(want, k).iter().all(|w| h.contains(w))
    })
}

#[async_trait::async_trait]
impl Resource for SgRuleRes {
    fn name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> Schema {
        schema(with_blocks(
            block(vec![
                id(),
                ("cidr_blocks", opt_list().force_new()),
                ("description", opt_s()),
                ("from_port", req_n().force_new()),
                ("ipv6_cidr_blocks", opt_list().force_new()),
                ("prefix_list_ids", opt_list().force_new()),
                ("protocol", req_s().force_new()),
                ("security_group_id", req_s().force_new()),
                ("security_group_rule_id", comp_s()),
                ("self", opt_b().force_new()),
                ("source_security_group_id", oc_s().force_new()),
                ("to_port", req_n().force_new()),
                ("type", req_s().force_new()),
            ]),
            vec![timeouts(&["create"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("self", vb(false))]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        match get_s(&p.planned, "type").as_deref() {
            Some("ingress") | Some("egress") | None => {}
            Some(other) => {
                return Err(invalid(format!(
                    "type: expected ingress or egress, got {other:?}"
                )))
            }
        }
        if let Some(pr) = get_s(&p.planned, "protocol") {
            p.planned
                .insert("protocol".into(), vs(normalize_protocol(&pr)));
            if p.prior
                .is_some_and(|x| x.get("protocol") == p.planned.get("protocol"))
            {
                p.requires_replace.retain(|x| x.to_string() != "protocol");
            }
        }
        if p.config
            .get("source_security_group_id")
            .is_none_or(Value::is_null)
            && p.prior.is_none()
        {
            p.planned
                .insert("source_security_group_id".into(), Value::null(Type::String));
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let gid = get_s(p, "security_group_id").unwrap_or_default();
        let egress = get_s(p, "type").as_deref() == Some("egress");
        change_rules(aws, &gid, egress, true, &[as_inline(p)]).await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(rule_id(p)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::from(invalid("rule not found after create")).with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// One DescribeSecurityGroups and one DescribeSecurityGroupRules (by
    /// group filter) cover the rules of many groups.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "security_group_id",
            |gids| async move { Ok(find_groups_with_rules(aws, &gids).await?) },
            |s, (g, rules)| legacy_rule_state(s, g, rules),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        // Only the description changes in place: revoke and re-authorize
        // with the new description.
        let gid = get_s(p, "security_group_id").unwrap_or_default();
        let egress = get_s(p, "type").as_deref() == Some("egress");
        change_rules(aws, &gid, egress, false, &[as_inline(prior)]).await?;
        change_rules(aws, &gid, egress, true, &[as_inline(p)]).await?;
        self.read_back(aws, p, "rule").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let gid = get_s(state, "security_group_id").unwrap_or_default();
        let egress = get_s(state, "type").as_deref() == Some("egress");
        match change_rules(aws, &gid, egress, false, &[as_inline(state)]).await {
            Ok(()) => Ok(()),
            Err(e) if e.is(&["InvalidPermission.NotFound", "InvalidGroup.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Import ID: `SGID_TYPE_PROTOCOL_FROM_TO_SOURCE[_SOURCE...]`.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let parts: Vec<&str> = id.split('_').collect();
        if parts.len() < 6 {
            return Err(invalid(format!(
                "unexpected format of ID ({id}), expected SGID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*"
            )));
        }
        let num = |s: &str| {
            s.parse::<i64>()
                .map_err(|_| invalid(format!("invalid port {s:?} in {id}")))
        };
        let mut o = blank;
        o.insert("security_group_id".into(), vs(parts[0]));
        o.insert("type".into(), vs(parts[1]));
        o.insert("protocol".into(), vs(normalize_protocol(parts[2])));
        o.insert("from_port".into(), vi(num(parts[3])?));
        o.insert("to_port".into(), vi(num(parts[4])?));
        let (mut v4, mut v6, mut pl) = (vec![], vec![], vec![]);
        o.insert("self".into(), vb(false));
        for s in &parts[5..] {
            if *s == "self" {
                o.insert("self".into(), vb(true));
            } else if s.starts_with("sg-") {
                o.insert("source_security_group_id".into(), vs(*s));
            } else if s.starts_with("pl-") {
                pl.push(s.to_string());
            } else if s.contains(':') {
                v6.push(s.to_string());
            } else {
                v4.push(s.to_string());
            }
        }
        for (k, v) in [
            ("cidr_blocks", v4),
            ("ipv6_cidr_blocks", v6),
            ("prefix_list_ids", pl),
        ] {
            if !v.is_empty() {
                o.insert(k.into(), vlist(v));
            }
        }
        o.insert("id".into(), vs(rule_id(&o)));
        Ok(o)
    }
}

// ------------------------------- aws_vpc_security_group_{ingress,egress}_rule

struct VpcRuleRes {
    egress: bool,
}

fn vpc_rule_permission(o: &Obj) -> IpPermission {
    let desc = get_ne(o, "description");
    let proto = normalize_protocol(&get_s(o, "ip_protocol").unwrap_or_default());
    let mut b = IpPermission::builder().ip_protocol(&proto);
    if proto != "-1" {
        b = b
            .set_from_port(get_i(o, "from_port").map(|n| n as i32))
            .set_to_port(get_i(o, "to_port").map(|n| n as i32));
    }
    if let Some(c) = get_ne(o, "cidr_ipv4") {
        b = b.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(c) = get_ne(o, "cidr_ipv6") {
        b = b.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(c) = get_ne(o, "prefix_list_id") {
        b = b.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(g) = get_ne(o, "referenced_security_group_id") {
        b = b.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(g)
                .set_description(desc)
                .build(),
        );
    }
    b.build()
}

#[async_trait::async_trait]
impl Resource for VpcRuleRes {
    fn name(&self) -> &'static str {
        if self.egress {
            "aws_vpc_security_group_egress_rule"
        } else {
            "aws_vpc_security_group_ingress_rule"
        }
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("cidr_ipv4", opt_s()),
            ("cidr_ipv6", opt_s()),
            ("description", opt_s()),
            ("from_port", opt_n()),
            ("ip_protocol", req_s()),
            ("prefix_list_id", opt_s()),
            ("referenced_security_group_id", opt_s()),
            ("security_group_id", req_s().force_new()),
            ("security_group_rule_id", comp_s()),
            ("to_port", opt_n()),
        ];
        attrs.extend(tags());
        schema(block(attrs))
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        if let Some(pr) = get_s(&p.planned, "ip_protocol") {
            p.planned
                .insert("ip_protocol".into(), vs(normalize_protocol(&pr)));
        }
        let targets = [
            "cidr_ipv4",
            "cidr_ipv6",
            "prefix_list_id",
            "referenced_security_group_id",
        ];
        let n = targets
            .iter()
            .filter(|t| p.config.get(**t).is_some_and(|v| !v.is_null()))
            .count();
        if n != 1 {
            return Err(invalid(
                "exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_security_group_id must be specified",
            ));
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let gid = get_s(p, "security_group_id").unwrap_or_default();
        let tags = aws.create_tags(p);
        let spec = (!tags.is_empty()).then(|| {
            vec![TagSpecification::builder()
                .resource_type(ResourceType::SecurityGroupRule)
                .set_tags(Some(tag_list(&tags)))
                .build()]
        });
        let perm = vpc_rule_permission(p);
        let rid = if self.egress {
            let out = aws
                .call_retrying(
                    "EC2 AuthorizeSecurityGroupEgress",
                    EVENTUAL_NOT_FOUND,
                    || {
                        aws.ec2
                            .authorize_security_group_egress()
                            .group_id(&gid)
                            .ip_permissions(perm.clone())
                            .set_tag_specifications(spec.clone())
                            .send()
                    },
                )
                .await?;
            out.security_group_rules()
                .first()
                .and_then(|r| r.security_group_rule_id().map(String::from))
        } else {
            let out = aws
                .call_retrying(
                    "EC2 AuthorizeSecurityGroupIngress",
                    EVENTUAL_NOT_FOUND,
                    || {
                        aws.ec2
                            .authorize_security_group_ingress()
                            .group_id(&gid)
                            .ip_permissions(perm.clone())
                            .set_tag_specifications(spec.clone())
                            .send()
                    },
                )
                .await?;
            out.security_group_rules()
                .first()
                .and_then(|r| r.security_group_rule_id().map(String::from))
        };
        let rid = rid.ok_or_else(|| invalid("AWS returned no security group rule ID"))?;
        let mut st = p.clone();
        st.insert("id".into(), vs(&rid));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::from(invalid("rule not found after create")).with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |ids| async move { Ok(find_rules(aws, &ids).await?) },
            |s, r| Some(vpc_rule_state(aws, s, r)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let rid = get_s(prior, "id").unwrap_or_default();
        let gid = get_s(p, "security_group_id").unwrap_or_default();
        let fields = [
            "cidr_ipv4",
            "cidr_ipv6",
            "description",
            "from_port",
            "ip_protocol",
            "prefix_list_id",
            "referenced_security_group_id",
            "to_port",
        ];
        if fields.iter().any(|k| prior.get(*k) != p.get(*k)) {
            let proto = normalize_protocol(&get_s(p, "ip_protocol").unwrap_or_default());
            let (from, to) = if proto == "-1" {
                (None, None)
            } else {
                (
                    get_i(p, "from_port").map(|n| n as i32),
                    get_i(p, "to_port").map(|n| n as i32),
                )
            };
            let req = SecurityGroupRuleRequest::builder()
                .ip_protocol(proto)
                .set_from_port(from)
                .set_to_port(to)
                .set_cidr_ipv4(get_ne(p, "cidr_ipv4"))
                .set_cidr_ipv6(get_ne(p, "cidr_ipv6"))
                .set_prefix_list_id(get_ne(p, "prefix_list_id"))
                .set_referenced_group_id(get_ne(p, "referenced_security_group_id"))
                .set_description(get_ne(p, "description"))
                .build();
            let upd = SecurityGroupRuleUpdate::builder()
                .security_group_rule_id(&rid)
                .security_group_rule(req)
                .build();
            aws.call("EC2 ModifySecurityGroupRules", || {
                aws.ec2
                    .modify_security_group_rules()
                    .group_id(&gid)
                    .security_group_rules(upd.clone())
                    .send()
            })
            .await?;
        }
        sync_tags(aws, &rid, prior, p).await?;
        let mut base = p.clone();
        base.insert("id".into(), vs(&rid));
        self.read_back(aws, &base, "rule").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let rid = get_s(state, "id").unwrap_or_default();
        let gid = get_s(state, "security_group_id").unwrap_or_default();
        let r = if self.egress {
            aws.call("EC2 RevokeSecurityGroupEgress", || {
                aws.ec2
                    .revoke_security_group_egress()
                    .group_id(&gid)
                    .security_group_rule_ids(&rid)
                    .send()
            })
            .await
            .map(|_| ())
        } else {
            aws.call("EC2 RevokeSecurityGroupIngress", || {
                aws.ec2
                    .revoke_security_group_ingress()
                    .group_id(&gid)
                    .security_group_rule_ids(&rid)
                    .send()
            })
            .await
            .map(|_| ())
        };
        match r {
            Ok(()) => Ok(()),
            Err(e)
                if e.is(&[
                    "InvalidSecurityGroupRuleId.NotFound",
                    "InvalidGroup.NotFound",
                    "InvalidPermission.NotFound",
                ]) =>
            {
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Finds security group rules by ID (batched by filter, paginated).
async fn find_rules(
    aws: &Aws,
    ids: &[String],
) -> Result<BTreeMap<String, SecurityGroupRule>, AwsError> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        match aws
            .call("EC2 DescribeSecurityGroupRules", || {
                aws.ec2
                    .describe_security_group_rules()
                    .filters(filter("security-group-rule-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await
        {
            Ok(out) => Ok((
                out.security_group_rules().to_vec(),
                out.next_token().map(String::from),
            )),
            Err(e)
                if e.is(&[
                    "InvalidSecurityGroupRuleId.NotFound",
                    "InvalidGroup.NotFound",
                ]) =>
            {
                Ok((Vec::new(), None))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|r| Some((r.security_group_rule_id()?.to_string(), r)))
        .collect())
}

/// The state of an `aws_vpc_security_group_*_rule` from what AWS reports.
fn vpc_rule_state(aws: &Aws, state: &Obj, r: &SecurityGroupRule) -> Obj {
    let rid = r.security_group_rule_id().unwrap_or_default().to_string();
    let mut st = state.clone();
    st.insert("security_group_rule_id".into(), vs(&rid));
    st.insert(
        "arn".into(),
        vs(aws.arn("ec2", &format!("security-group-rule/{rid}"))),
    );
    st.insert("security_group_id".into(), vso(r.group_id()));
    let proto = normalize_protocol(r.ip_protocol().unwrap_or("-1"));
    st.insert("ip_protocol".into(), vs(&proto));
    let port = |v: Option<i32>| {
        if proto == "-1" {
            Value::null(Type::Number)
        } else {
            vio(v.map(i64::from))
        }
    };
    st.insert("from_port".into(), port(r.from_port()));
    st.insert("to_port".into(), port(r.to_port()));
    st.insert("cidr_ipv4".into(), vso(r.cidr_ipv4()));
    st.insert("cidr_ipv6".into(), vso(r.cidr_ipv6()));
    st.insert("prefix_list_id".into(), vso(r.prefix_list_id()));
    st.insert(
        "referenced_security_group_id".into(),
        vso(r.referenced_group_info().and_then(|g| g.group_id())),
    );
    st.insert(
        "description".into(),
        vso(r.description().filter(|d| !d.is_empty())),
    );
    aws.set_tags(&mut st, tag_map(r.tags()));
    st
}

/// Security groups by ID with their rules (for the per-rule IDs); a rule
/// listing AWS cannot give leaves the IDs empty, as before.
async fn find_groups_with_rules(
    aws: &Aws,
    gids: &[String],
) -> Result<BTreeMap<String, (SecurityGroup, Vec<SecurityGroupRule>)>, AwsError> {
    let groups = find_sgs(aws, gids).await?;
    let present: Vec<String> = groups.keys().cloned().collect();
    let rules = describe_by_ids(&present, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeSecurityGroupRules", || {
                aws.ec2
                    .describe_security_group_rules()
                    .filters(filter("group-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.security_group_rules().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await
    .unwrap_or_default();
    Ok(groups
        .into_iter()
        .map(|(gid, g)| {
            let own: Vec<SecurityGroupRule> = rules
                .iter()
                .filter(|r| r.group_id() == Some(gid.as_str()))
                .cloned()
                .collect();
            (gid, (g, own))
        })
        .collect())
}

/// The state of an `aws_security_group_rule` found in its group (`None`
/// when the group no longer has the rule).
fn legacy_rule_state(state: &Obj, g: &SecurityGroup, rules: &[SecurityGroupRule]) -> Option<Obj> {
    let gid = g.group_id().unwrap_or_default();
    let egress = get_s(state, "type").as_deref() == Some("egress");
    let perms = if egress {
        g.ip_permissions_egress()
    } else {
        g.ip_permissions()
    };
    let want = as_inline(state);
    let inline = permissions_to_rules(perms, gid);
    let found = inline.iter().find(|r| covers(r, &want))?;
    let mut st = state.clone();
    st.insert("id".into(), vs(rule_id(state)));
    let desc = get_s(found, "description").unwrap_or_default();
    if !(desc.is_empty() && state.get("description").is_none_or(Value::is_null)) {
        st.insert("description".into(), vs(desc));
    }
    // The per-rule ID, when AWS can tell it.
    let rid = rules
        .iter()
        .find(|r| {
            r.is_egress() == Some(egress)
                && r.ip_protocol().map(normalize_protocol) == get_s(&want, "protocol")
                && i64::from(r.from_port().unwrap_or(0)) == get_i(&want, "from_port").unwrap_or(0)
                && i64::from(r.to_port().unwrap_or(0)) == get_i(&want, "to_port").unwrap_or(0)
        })
        .and_then(|r| r.security_group_rule_id());
    st.insert("security_group_rule_id".into(), vs(rid.unwrap_or_default()));
    Some(st)
}
