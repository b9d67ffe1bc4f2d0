//! `aws_security_group` (inline `ingress`/`egress`, `revoke_rules_on_delete`)
//! and `aws_default_security_group`, with the rule conversions the rule
//! resources share.

use super::{describe_by_ids, filter, sync_tags, tag_map, tag_spec};
use crate::client::{Aws, AwsError, EVENTUAL_NOT_FOUND};
use crate::framework::s::*;
use crate::framework::{
    invalid, read_by_key, single, timeout, wait_for, Error, Failed, PlanCtx, Resource,
};
use crate::vals::*;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroup, UserIdGroupPair,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::{Block, Schema};
use terrane_value::{Kind, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(SgRes { default: false }),
        Arc::new(SgRes { default: true }),
    ]
}

/// Terraform's canonical protocol: "all" and "-1" are "-1"; 6/17/1/58 are
/// tcp/udp/icmp/icmpv6; names are lower-cased.
pub fn normalize_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.to_string(),
    }
}

/// The block of one inline `ingress`/`egress` rule.
pub fn rule_block() -> Block {
    block(vec![
        ("cidr_blocks", opt_list()),
        ("description", opt_s()),
        ("from_port", req_n()),
        ("ipv6_cidr_blocks", opt_list()),
        ("prefix_list_ids", opt_list()),
        ("protocol", req_s()),
        ("security_groups", opt_set()),
        ("self", opt_b()),
        ("to_port", req_n()),
    ])
}

/// An inline rule object as an `IpPermission` for the group `own_id`.
pub fn rule_to_permission(r: &Obj, own_id: &str) -> IpPermission {
    let desc = get_ne(r, "description");
    let mut groups: Vec<String> = get_strs(r, "security_groups");
    if get_b(r, "self") == Some(true) {
        groups.push(own_id.to_string());
    }
    let proto = normalize_protocol(&get_s(r, "protocol").unwrap_or_default());
    IpPermission::builder()
        .ip_protocol(&proto)
        .set_from_port(get_i(r, "from_port").map(|n| n as i32))
        .set_to_port(get_i(r, "to_port").map(|n| n as i32))
        .set_ip_ranges(Some(
            get_strs(r, "cidr_blocks")
                .into_iter()
                .map(|c| {
                    IpRange::builder()
                        .cidr_ip(c)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            get_strs(r, "ipv6_cidr_blocks")
                .into_iter()
                .map(|c| {
                    Ipv6Range::builder()
                        .cidr_ipv6(c)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .set_prefix_list_ids(Some(
            get_strs(r, "prefix_list_ids")
                .into_iter()
                .map(|c| {
                    PrefixListId::builder()
                        .prefix_list_id(c)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .set_user_id_group_pairs(Some(
            groups
                .into_iter()
                .map(|g| {
                    let gid = g.rsplit('/').next().unwrap_or_default().to_string();
                    UserIdGroupPair::builder()
                        .group_id(gid)
                        .set_description(desc.clone())
                        .build()
                })
                .collect(),
        ))
        .build()
}

/// AWS's permissions as Terraform inline rules: one rule per
/// (protocol, ports, description), with `self` for the group itself.
pub fn permissions_to_rules(perms: &[IpPermission], own_id: &str) -> Vec<Obj> {
    #[derive(Default)]
    struct Acc {
        cidrs: Vec<String>,
        v6: Vec<String>,
        pl: Vec<String>,
        sgs: Vec<String>,
        me: bool,
    }
    let mut out = Vec::new();
    for p in perms {
        let proto = normalize_protocol(p.ip_protocol().unwrap_or("-1"));
        let (from, to) = if proto == "-1" {
            (0, 0)
        } else {
            (p.from_port().unwrap_or(0), p.to_port().unwrap_or(0))
        };
        let mut by_desc: BTreeMap<String, Acc> = BTreeMap::new();
        for r in p.ip_ranges() {
            let a = by_desc
                .entry(r.description().unwrap_or_default().into())
                .or_default();
            a.cidrs.push(r.cidr_ip().unwrap_or_default().into());
        }
        for r in p.ipv6_ranges() {
            let a = by_desc
                .entry(r.description().unwrap_or_default().into())
                .or_default();
            a.v6.push(r.cidr_ipv6().unwrap_or_default().into());
        }
        for r in p.prefix_list_ids() {
            let a = by_desc
                .entry(r.description().unwrap_or_default().into())
                .or_default();
            a.pl.push(r.prefix_list_id().unwrap_or_default().into());
        }
        for r in p.user_id_group_pairs() {
            let a = by_desc
                .entry(r.description().unwrap_or_default().into())
                .or_default();
            let gid = r.group_id().unwrap_or_default();
            if gid == own_id {
                a.me = true;
            } else {
                a.sgs.push(gid.into());
            }
        }
        for (desc, a) in by_desc {
            let mut o = Obj::new();
            o.insert("protocol".into(), vs(&proto));
            o.insert("from_port".into(), vi(from.into()));
            o.insert("to_port".into(), vi(to.into()));
            o.insert("description".into(), vs(desc));
            o.insert("cidr_blocks".into(), vlist(a.cidrs));
            o.insert("ipv6_cidr_blocks".into(), vlist(a.v6));
            o.insert("prefix_list_ids".into(), vlist(a.pl));
            o.insert("security_groups".into(), vset(a.sgs));
            o.insert("self".into(), vb(a.me));
            out.push(o);
        }
    }
    out
}

/// Normalises configured inline rules (protocol spelling, zero values).
fn normalize_rules(v: &Value) -> Value {
    let rb = rule_block();
    let Kind::Set(_, xs) = &v.kind else {
        return v.clone();
    };
    let items = xs
        .iter()
        .map(|x| {
            let mut o = obj(&normalize_nested(&rb, x));
            if let Some(p) = get_s(&o, "protocol") {
                o.insert("protocol".into(), vs(normalize_protocol(&p)));
            }
            vobj(o)
        })
        .collect();
    Value::set(rb.implied_type(), items)
}

fn rules_value(rules: Vec<Obj>) -> Value {
    let rb = rule_block();
    Value::set(
        rb.implied_type(),
        rules.into_iter().map(|r| nested(&rb, r)).collect(),
    )
}

/// Finds security groups by ID (batched, paginated).
pub async fn find_sgs(
    aws: &Aws,
    ids: &[String],
) -> Result<BTreeMap<String, SecurityGroup>, AwsError> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeSecurityGroups", || {
                aws.ec2
                    .describe_security_groups()
                    .filters(filter("group-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.security_groups().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|g| Some((g.group_id()?.to_string(), g)))
        .collect())
}

/// Authorizes or revokes inline rules of a group.
pub async fn change_rules(
    aws: &Aws,
    gid: &str,
    egress: bool,
    add: bool,
    rules: &[Obj],
) -> Result<(), AwsError> {
    if rules.is_empty() {
        return Ok(());
    }
    let perms: Vec<IpPermission> = rules.iter().map(|r| rule_to_permission(r, gid)).collect();
    match (egress, add) {
        (false, true) => aws
            .call_retrying(
                "EC2 AuthorizeSecurityGroupIngress",
                EVENTUAL_NOT_FOUND,
                || {
                    aws.ec2
                        .authorize_security_group_ingress()
                        .group_id(gid)
                        .set_ip_permissions(Some(perms.clone()))
                        .send()
                },
            )
            .await
            .map(|_| ()),
        (true, true) => aws
            .call_retrying(
                "EC2 AuthorizeSecurityGroupEgress",
                EVENTUAL_NOT_FOUND,
                || {
                    aws.ec2
                        .authorize_security_group_egress()
                        .group_id(gid)
                        .set_ip_permissions(Some(perms.clone()))
                        .send()
                },
            )
            .await
            .map(|_| ()),
        (false, false) => aws
            .call("EC2 RevokeSecurityGroupIngress", || {
                aws.ec2
                    .revoke_security_group_ingress()
                    .group_id(gid)
                    .set_ip_permissions(Some(perms.clone()))
                    .send()
            })
            .await
            .map(|_| ()),
        (true, false) => aws
            .call("EC2 RevokeSecurityGroupEgress", || {
                aws.ec2
                    .revoke_security_group_egress()
                    .group_id(gid)
                    .set_ip_permissions(Some(perms.clone()))
                    .send()
            })
            .await
            .map(|_| ()),
    }
}

struct SgRes {
    /// `aws_default_security_group`: adopts the VPC's default group.
    default: bool,
}

impl SgRes {
    fn state(&self, aws: &Aws, prior: &Obj, g: &SecurityGroup) -> Obj {
        let mut st = prior.clone();
        let id = g.group_id().unwrap_or_default();
        let owner = g.owner_id().unwrap_or_default();
        st.insert("id".into(), vs(id));
        st.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}:{owner}:security-group/{id}",
                aws.partition, aws.region
            )),
        );
        st.insert("owner_id".into(), vs(owner));
        st.insert("name".into(), vso(g.group_name()));
        st.insert("description".into(), vso(g.description()));
        st.insert("vpc_id".into(), vso(g.vpc_id()));
        if !self.default {
            let name = g.group_name().unwrap_or_default();
            let prefix = get_s(prior, "name_prefix")
                .filter(|p| !p.is_empty() && name.starts_with(p.as_str()));
            st.insert("name_prefix".into(), vs(prefix.unwrap_or_default()));
        }
        st.insert(
            "ingress".into(),
            rules_value(permissions_to_rules(g.ip_permissions(), id)),
        );
        st.insert(
            "egress".into(),
            rules_value(permissions_to_rules(g.ip_permissions_egress(), id)),
        );
        aws.set_tags(&mut st, tag_map(g.tags()));
        st
    }

    async fn sync_rules(&self, aws: &Aws, gid: &str, prior: &Obj, p: &Obj) -> Result<(), AwsError> {
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            if is_unknown(p, attr) {
                continue;
            }
            let old = get_blocks(prior, attr);
            let new = get_blocks(p, attr);
            let removed: Vec<Obj> = old.iter().filter(|r| !new.contains(r)).cloned().collect();
            let added: Vec<Obj> = new.iter().filter(|r| !old.contains(r)).cloned().collect();
            change_rules(aws, gid, egress, false, &removed).await?;
            change_rules(aws, gid, egress, true, &added).await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource for SgRes {
    fn name(&self) -> &'static str {
        if self.default {
            "aws_default_security_group"
        } else {
            "aws_security_group"
        }
    }

    fn schema(&self) -> Schema {
        let rb = rule_block();
        let mut attrs = vec![id(), ("arn", comp_s()), ("owner_id", comp_s())];
        if self.default {
            attrs.extend([
                ("description", comp_s()),
                ("name", comp_s()),
                ("name_prefix", comp_s()),
                ("revoke_rules_on_delete", opt_b()),
                ("vpc_id", oc_s().force_new()),
            ]);
        } else {
            attrs.extend([
                ("description", opt_s().force_new()),
                ("name", oc_s().force_new()),
                ("name_prefix", oc_s().force_new()),
                ("revoke_rules_on_delete", opt_b()),
                ("vpc_id", oc_s().force_new()),
            ]);
        }
        attrs.extend(tags());
        let mut blocks = vec![("ingress", attr_set(rb.clone())), ("egress", attr_set(rb))];
        if !self.default {
            blocks.push(timeouts(&["create", "delete"]));
        }
        schema(with_blocks(block(attrs), blocks))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        if self.default {
            vec![]
        } else {
            vec![
                ("description", vs("Managed by Terraform")),
                ("revoke_rules_on_delete", vb(false)),
            ]
        }
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        // Unset rule collections keep what exists (the generic plan), as
        // they may come from rule resources; configured ones are normalised.
        for attr in ["ingress", "egress"] {
            let v = p.planned.get(attr).cloned().unwrap_or_default();
            p.planned.insert(attr.into(), normalize_rules(&v));
        }
        if !self.default && p.prior.is_none() {
            let name = get_ne(p.config, "name");
            let prefix = get_ne(p.config, "name_prefix");
            if name.is_some() && prefix.is_some() {
                return Err(invalid("\"name\": conflicts with name_prefix"));
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let gid = if self.default {
            let vpc = get_ne(p, "vpc_id").ok_or_else(|| invalid("vpc_id is required"))?;
            let out = aws
                .call("EC2 DescribeSecurityGroups", || {
                    aws.ec2
                        .describe_security_groups()
                        .filters(filter("vpc-id", [vpc.as_str()]))
                        .filters(filter("group-name", ["default"]))
                        .send()
                })
                .await?;
            let g = out
                .security_groups()
                .first()
                .ok_or_else(|| invalid(format!("no default security group in VPC {vpc}")))?
                .clone();
            let gid = g.group_id().unwrap_or_default().to_string();
            // Adopt: remove every existing rule, then apply the configured ones.
            let prior = self.state(aws, &Obj::new(), &g);
            let mut empty = p.clone();
            empty.insert("ingress".into(), rules_value(vec![]));
            empty.insert("egress".into(), rules_value(vec![]));
            self.sync_rules(aws, &gid, &prior, &empty).await?;
            super::update_tags(aws, &gid, &tag_map(g.tags()), &tags).await?;
            gid
        } else {
            let out = aws
                .call_retrying("EC2 CreateSecurityGroup", EVENTUAL_NOT_FOUND, || {
                    aws.ec2
                        .create_security_group()
                        .group_name(name_or_generated(
                            p,
                            "name",
                            "name_prefix",
                            "terraform-",
                            255,
                        ))
                        .set_description(get_s(p, "description"))
                        .set_vpc_id(get_ne(p, "vpc_id"))
                        .set_tag_specifications(
                            tag_spec(ResourceType::SecurityGroup, &tags).map(|t| vec![t]),
                        )
                        .send()
                })
                .await?;
            out.group_id()
                .ok_or_else(|| invalid("CreateSecurityGroup returned no group ID"))?
                .to_string()
        };
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&gid));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        let limit = timeout(p, "create", Duration::from_secs(600));
        let g = wait_for(aws, "security group to exist", limit, || async {
            Ok(find_sgs(aws, std::slice::from_ref(&gid))
                .await?
                .remove(&gid))
        })
        .await
        .map_err(fail)?;
        if !self.default {
            // AWS adds an allow-all egress rule to new VPC groups; Terraform
            // removes it so only configured egress rules exist.
            let current = self.state(aws, &Obj::new(), &g);
            let mut base = current.clone();
            base.insert("ingress".into(), rules_value(vec![]));
            if g.vpc_id().is_none() {
                base.insert("egress".into(), rules_value(vec![]));
            }
            let mut want = p.clone();
            if is_unknown(p, "egress") {
                want.insert("egress".into(), rules_value(vec![]));
            }
            if is_unknown(p, "ingress") {
                want.insert("ingress".into(), rules_value(vec![]));
            }
            self.sync_rules(aws, &gid, &base, &want)
                .await
                .map_err(|e| fail(e.into()))?;
        } else {
            self.sync_rules(aws, &gid, &blank_rules(p), p)
                .await
                .map_err(|e| fail(e.into()))?;
        }
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(invalid("security group disappeared after create"))),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |ids| async move { Ok(find_sgs(aws, &ids).await?) },
            |s, g| Some(self.state(aws, s, g)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        self.sync_rules(aws, &id, prior, p).await?;
        sync_tags(aws, &id, prior, p).await?;
        let mut base = prior.clone();
        for k in ["tags", "revoke_rules_on_delete"] {
            base.insert(k.into(), p.get(k).cloned().unwrap_or_default());
        }
        self.read_back(aws, &base, "security group").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        if self.default {
            // The default group cannot be deleted; Terraform only forgets it.
            return Ok(());
        }
        if get_b(state, "revoke_rules_on_delete") == Some(true) {
            if let Some(g) = find_sgs(aws, std::slice::from_ref(&id)).await?.remove(&id) {
                let cur = self.state(aws, &Obj::new(), &g);
                change_rules(aws, &id, false, false, &get_blocks(&cur, "ingress")).await?;
                change_rules(aws, &id, true, false, &get_blocks(&cur, "egress")).await?;
            }
        }
        let limit = timeout(state, "delete", Duration::from_secs(900));
        let start = std::time::Instant::now();
        loop {
            match aws
                .call("EC2 DeleteSecurityGroup", || {
                    aws.ec2.delete_security_group().group_id(&id).send()
                })
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if e.is(&["InvalidGroup.NotFound"]) => return Ok(()),
                Err(e) if e.is(&["DependencyViolation"]) && start.elapsed() < limit => {
                    aws.pause().await
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

fn blank_rules(p: &Obj) -> Obj {
    let mut o = p.clone();
    o.insert("ingress".into(), rules_value(vec![]));
    o.insert("egress".into(), rules_value(vec![]));
    o
}
