//! `aws_network_acl` (inline `ingress`/`egress`, `subnet_ids`) and
//! `aws_network_acl_rule`.

use super::sg::normalize_protocol;
use super::{describe_by_ids, filter, sync_tags, tag_map, tag_spec};
use crate::client::{Aws, AwsError, EVENTUAL_NOT_FOUND};
use crate::framework::s::*;
use crate::framework::{invalid, read_by_key, single, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_ec2::types::{
    IcmpTypeCode, NetworkAcl, NetworkAclEntry, PortRange, ResourceType, RuleAction,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Block, Schema};
use terrane_value::{Kind, Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(NaclRes), Arc::new(NaclRuleRes)]
}

/// AWS wants protocol numbers; Terraform users write names.
fn protocol_number(p: &str) -> String {
    match normalize_protocol(p).as_str() {
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        other => other.to_string(),
    }
}

fn entry_block() -> Block {
    block(vec![
        ("action", req_s()),
        ("cidr_block", opt_s()),
        ("from_port", req_n()),
        ("icmp_code", opt_n()),
        ("icmp_type", opt_n()),
        ("ipv6_cidr_block", opt_s()),
        ("protocol", req_s()),
        ("rule_no", req_n()),
        ("to_port", req_n()),
    ])
}

/// Codes for a missing network ACL: AWS says `InvalidNetworkAclID.NotFound`,
/// moto 5.2 answers with the route-table code.
const NACL_NOT_FOUND: &[&str] = &[
    "InvalidNetworkAclID.NotFound",
    "InvalidRouteTableID.NotFound",
];

/// Finds network ACLs by ID, batched by `NetworkAclIds` (moto does not
/// implement the `network-acl-id` filter) and paginated. One missing ID
/// fails a whole ID-list call, so a batch that meets one is asked again
/// one ID at a time.
async fn find_nacls(aws: &Aws, ids: &[String]) -> Result<BTreeMap<String, NetworkAcl>, AwsError> {
    let page = |chunk: Vec<String>, token: Option<String>| async move {
        aws.call("EC2 DescribeNetworkAcls", || {
            aws.ec2
                .describe_network_acls()
                .set_network_acl_ids(Some(chunk.clone()))
                .set_next_token(token.clone())
                .send()
        })
        .await
        .map(|out| {
            (
                out.network_acls().to_vec(),
                out.next_token().map(String::from),
            )
        })
    };
    let items = match describe_by_ids(ids, page).await {
        Ok(items) => items,
        Err(e) if e.is(NACL_NOT_FOUND) => {
            let mut items = Vec::new();
            for id in ids {
                match page(vec![id.clone()], None).await {
                    Ok((found, _)) => items.extend(found),
                    Err(e) if e.is(NACL_NOT_FOUND) => {}
                    Err(e) => return Err(e),
                }
            }
            items
        }
        Err(e) => return Err(e),
    };
    Ok(items
        .into_iter()
        .filter_map(|n| Some((n.network_acl_id()?.to_string(), n)))
        .collect())
}

async fn find_nacl(aws: &Aws, id: &str) -> Result<Option<NetworkAcl>, AwsError> {
    Ok(find_nacls(aws, &[id.to_string()]).await?.remove(id))
}

async fn create_entry(aws: &Aws, acl: &str, egress: bool, e: &Obj) -> Result<(), AwsError> {
    let proto = protocol_number(&get_s(e, "protocol").unwrap_or_default());
    let icmp = (proto == "1" || proto == "58").then(|| {
        IcmpTypeCode::builder()
            .set_type(get_i(e, "icmp_type").map(|n| n as i32))
            .set_code(get_i(e, "icmp_code").map(|n| n as i32))
            .build()
    });
    let ports = (proto != "-1").then(|| {
        PortRange::builder()
            .set_from(get_i(e, "from_port").map(|n| n as i32))
            .set_to(get_i(e, "to_port").map(|n| n as i32))
            .build()
    });
    let action = get_s(e, "action")
        .or_else(|| get_s(e, "rule_action"))
        .unwrap_or_default();
    let rule_no = get_i(e, "rule_no")
        .or_else(|| get_i(e, "rule_number"))
        .unwrap_or(0) as i32;
    aws.call_retrying("EC2 CreateNetworkAclEntry", EVENTUAL_NOT_FOUND, || {
        aws.ec2
            .create_network_acl_entry()
            .network_acl_id(acl)
            .egress(egress)
            .rule_number(rule_no)
            .protocol(&proto)
            .rule_action(RuleAction::from(action.to_ascii_lowercase().as_str()))
            .set_cidr_block(get_ne(e, "cidr_block"))
            .set_ipv6_cidr_block(get_ne(e, "ipv6_cidr_block"))
            .set_port_range(ports.clone())
            .set_icmp_type_code(icmp.clone())
            .send()
    })
    .await
    .map(|_| ())
}

async fn delete_entry(aws: &Aws, acl: &str, egress: bool, rule_no: i64) -> Result<(), AwsError> {
    match aws
        .call("EC2 DeleteNetworkAclEntry", || {
            aws.ec2
                .delete_network_acl_entry()
                .network_acl_id(acl)
                .egress(egress)
                .rule_number(rule_no as i32)
                .send()
        })
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.is(&[
                "InvalidNetworkAclEntry.NotFound",
                "InvalidNetworkAclID.NotFound",
            ]) =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn entry_obj(e: &NetworkAclEntry) -> Obj {
    let mut o = Obj::new();
    let proto = normalize_protocol(e.protocol().unwrap_or("-1"));
    o.insert(
        "action".into(),
        vs(e.rule_action().map(|a| a.as_str()).unwrap_or_default()),
    );
    o.insert("cidr_block".into(), vs(e.cidr_block().unwrap_or_default()));
    o.insert(
        "ipv6_cidr_block".into(),
        vs(e.ipv6_cidr_block().unwrap_or_default()),
    );
    o.insert("protocol".into(), vs(&proto));
    o.insert("rule_no".into(), vi(e.rule_number().unwrap_or(0).into()));
    let pr = e.port_range();
    o.insert(
        "from_port".into(),
        vi(pr.and_then(|p| p.from()).unwrap_or(0).into()),
    );
    o.insert(
        "to_port".into(),
        vi(pr.and_then(|p| p.to()).unwrap_or(0).into()),
    );
    let ic = e.icmp_type_code();
    o.insert(
        "icmp_type".into(),
        vi(ic.and_then(|i| i.r#type()).unwrap_or(0).into()),
    );
    o.insert(
        "icmp_code".into(),
        vi(ic.and_then(|i| i.code()).unwrap_or(0).into()),
    );
    o
}

fn normalize_entries(v: &Value) -> Value {
    let eb = entry_block();
    let Kind::Set(_, xs) = &v.kind else {
        return v.clone();
    };
    let items = xs
        .iter()
        .map(|x| {
            let mut o = obj(&normalize_nested(&eb, x));
            if let Some(p) = get_s(&o, "protocol") {
                o.insert("protocol".into(), vs(normalize_protocol(&p)));
            }
            if let Some(a) = get_s(&o, "action") {
                o.insert("action".into(), vs(a.to_ascii_lowercase()));
            }
            vobj(o)
        })
        .collect();
    Value::set(eb.implied_type(), items)
}

struct NaclRes;

impl NaclRes {
    fn state(&self, aws: &Aws, prior: &Obj, n: &NetworkAcl) -> Obj {
        let eb = entry_block();
        let mut st = prior.clone();
        let id = n.network_acl_id().unwrap_or_default();
        let owner = n.owner_id().unwrap_or_default();
        st.insert("id".into(), vs(id));
        st.insert("owner_id".into(), vs(owner));
        st.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}:{owner}:network-acl/{id}",
                aws.partition, aws.region
            )),
        );
        st.insert("vpc_id".into(), vso(n.vpc_id()));
        st.insert(
            "subnet_ids".into(),
            vset(
                n.associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(String::from)),
            ),
        );
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            let items: Vec<Value> = n
                .entries()
                .iter()
                .filter(|e| e.egress() == Some(egress) && e.rule_number() != Some(32767))
                .map(|e| nested(&eb, entry_obj(e)))
                .collect();
            st.insert(attr.into(), Value::set(eb.implied_type(), items));
        }
        aws.set_tags(&mut st, tag_map(n.tags()));
        st
    }

    async fn sync_entries(
        &self,
        aws: &Aws,
        id: &str,
        prior: &Obj,
        p: &Obj,
    ) -> Result<(), AwsError> {
        for (attr, egress) in [("ingress", false), ("egress", true)] {
            if is_unknown(p, attr) {
                continue;
            }
            let old = get_blocks(prior, attr);
            let new = get_blocks(p, attr);
            for o in old.iter().filter(|o| !new.contains(o)) {
                delete_entry(aws, id, egress, get_i(o, "rule_no").unwrap_or(0)).await?;
            }
            for n in new.iter().filter(|n| !old.contains(n)) {
                create_entry(aws, id, egress, n).await?;
            }
        }
        Ok(())
    }

    /// Moves subnets to this ACL (added) or back to the VPC default (removed).
    async fn sync_subnets(
        &self,
        aws: &Aws,
        id: &str,
        vpc: &str,
        old: &[String],
        new: &[String],
    ) -> Result<(), AwsError> {
        let added: Vec<&String> = new.iter().filter(|s| !old.contains(s)).collect();
        let removed: Vec<&String> = old.iter().filter(|s| !new.contains(s)).collect();
        if added.is_empty() && removed.is_empty() {
            return Ok(());
        }
        let out = aws
            .call("EC2 DescribeNetworkAcls", || {
                aws.ec2
                    .describe_network_acls()
                    .filters(filter("vpc-id", [vpc]))
                    .send()
            })
            .await?;
        let default_acl = out
            .network_acls()
            .iter()
            .find(|a| a.is_default() == Some(true))
            .and_then(|a| a.network_acl_id())
            .unwrap_or_default()
            .to_string();
        let assoc_of = |subnet: &str| {
            out.network_acls()
                .iter()
                .flat_map(|a| a.associations())
                .find(|a| a.subnet_id() == Some(subnet))
                .and_then(|a| a.network_acl_association_id())
                .map(String::from)
        };
        for (subnets, target) in [(added, id.to_string()), (removed, default_acl)] {
            for s in subnets {
                if let Some(assoc) = assoc_of(s) {
                    aws.call("EC2 ReplaceNetworkAclAssociation", || {
                        aws.ec2
                            .replace_network_acl_association()
                            .association_id(&assoc)
                            .network_acl_id(&target)
                            .send()
                    })
                    .await?;
                }
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource for NaclRes {
    fn name(&self) -> &'static str {
        "aws_network_acl"
    }

    fn schema(&self) -> Schema {
        let eb = entry_block();
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("owner_id", comp_s()),
            ("subnet_ids", oc_set()),
            ("vpc_id", req_s().force_new()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![("ingress", attr_set(eb.clone())), ("egress", attr_set(eb))],
        ))
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        // Unset entry collections keep what exists (the generic plan).
        for attr in ["ingress", "egress"] {
            let v = p.planned.get(attr).cloned().unwrap_or_default();
            p.planned.insert(attr.into(), normalize_entries(&v));
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let vpc = get_s(p, "vpc_id").unwrap_or_default();
        let out = aws
            .call_retrying("EC2 CreateNetworkAcl", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .create_network_acl()
                    .vpc_id(&vpc)
                    .set_tag_specifications(
                        tag_spec(ResourceType::NetworkAcl, &tags).map(|t| vec![t]),
                    )
                    .send()
            })
            .await?;
        let id = out
            .network_acl()
            .and_then(|n| n.network_acl_id())
            .ok_or_else(|| invalid("CreateNetworkAcl returned no ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        let fail = |e: AwsError| Failed::from(e).with_partial(partial.clone());
        let mut empty = p.clone();
        for k in ["ingress", "egress"] {
            empty.insert(k.into(), Value::set(entry_block().implied_type(), vec![]));
        }
        self.sync_entries(aws, &id, &empty, p).await.map_err(fail)?;
        if !is_unknown(p, "subnet_ids") {
            self.sync_subnets(aws, &id, &vpc, &[], &get_strs(p, "subnet_ids"))
                .await
                .map_err(fail)?;
        }
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("network ACL disappeared after create")).with_partial(partial),
            ),
            Err(e) => Err(Failed::from(e).with_partial(partial)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |ids| async move { Ok(find_nacls(aws, &ids).await?) },
            |s, n| Some(self.state(aws, s, n)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let vpc = get_s(prior, "vpc_id").unwrap_or_default();
        self.sync_entries(aws, &id, prior, p).await?;
        if !is_unknown(p, "subnet_ids") {
            self.sync_subnets(
                aws,
                &id,
                &vpc,
                &get_strs(prior, "subnet_ids"),
                &get_strs(p, "subnet_ids"),
            )
            .await?;
        }
        sync_tags(aws, &id, prior, p).await?;
        self.read_back_with_tags(aws, prior, p, "network ACL").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let Some(n) = find_nacl(aws, &id).await? else {
            return Ok(());
        };
        let subnets: Vec<String> = n
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id().map(String::from))
            .collect();
        self.sync_subnets(aws, &id, n.vpc_id().unwrap_or_default(), &subnets, &[])
            .await?;
        match aws
            .call_retrying("EC2 DeleteNetworkAcl", &["DependencyViolation"], || {
                aws.ec2.delete_network_acl().network_acl_id(&id).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["InvalidNetworkAclID.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

// ------------------------------------------------------ aws_network_acl_rule

struct NaclRuleRes;

fn nacl_rule_id(acl: &str, rule_no: i64, egress: bool) -> String {
    format!(
        "nacl-{}",
        string_hashcode(&format!("{acl}-{rule_no}-{egress}-"))
    )
}

#[async_trait::async_trait]
impl Resource for NaclRuleRes {
    fn name(&self) -> &'static str {
        "aws_network_acl_rule"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("cidr_block", opt_s().force_new()),
            ("egress", opt_b().force_new()),
            ("from_port", opt_n().force_new()),
            ("icmp_code", opt_n().force_new()),
            ("icmp_type", opt_n().force_new()),
            ("ipv6_cidr_block", opt_s().force_new()),
            ("network_acl_id", req_s().force_new()),
            ("protocol", req_s().force_new()),
            ("rule_action", req_s().force_new()),
            ("rule_number", req_n().force_new()),
            ("to_port", opt_n().force_new()),
        ]))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("egress", vb(false))]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        // Terraform stores the protocol number for named protocols.
        if let Some(pr) = get_s(&p.planned, "protocol") {
            let n = protocol_number(&pr);
            p.planned.insert("protocol".into(), vs(&n));
            if p.prior
                .is_some_and(|x| get_s(x, "protocol").as_deref() == Some(n.as_str()))
            {
                p.requires_replace.retain(|x| x.to_string() != "protocol");
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let acl = get_s(p, "network_acl_id").unwrap_or_default();
        let egress = get_b(p, "egress").unwrap_or(false);
        create_entry(aws, &acl, egress, p).await?;
        let mut st = p.clone();
        st.insert(
            "id".into(),
            vs(nacl_rule_id(
                &acl,
                get_i(p, "rule_number").unwrap_or(0),
                egress,
            )),
        );
        Ok(st)
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// The entries of many ACLs come from one DescribeNetworkAcls.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "network_acl_id",
            |ids| async move { Ok(find_nacls(aws, &ids).await?) },
            nacl_rule_state,
        )
        .await
    }

    async fn update(&self, _aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        // Every argument forces replacement; nothing changes in place.
        Ok(p.clone())
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let acl = get_s(state, "network_acl_id").unwrap_or_default();
        delete_entry(
            aws,
            &acl,
            get_b(state, "egress").unwrap_or(false),
            get_i(state, "rule_number").unwrap_or(0),
        )
        .await
        .map_err(Into::into)
    }

    /// Import ID: `NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS`.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let parts: Vec<&str> = id.split(':').collect();
        if parts.len() != 4 {
            return Err(invalid(format!(
                "unexpected format of ID ({id}), expected NETWORK_ACL_ID:RULE_NUMBER:PROTOCOL:EGRESS"
            )));
        }
        let n: i64 = parts[1]
            .parse()
            .map_err(|_| invalid(format!("invalid rule number in {id}")))?;
        let egress = parts[3] == "true";
        let mut o = blank;
        o.insert("network_acl_id".into(), vs(parts[0]));
        o.insert("rule_number".into(), vi(n));
        o.insert("protocol".into(), vs(protocol_number(parts[2])));
        o.insert("egress".into(), vb(egress));
        o.insert("id".into(), vs(nacl_rule_id(parts[0], n, egress)));
        Ok(o)
    }
}

/// The state of an `aws_network_acl_rule` found in its ACL (`None` when the
/// ACL no longer has the entry).
fn nacl_rule_state(state: &Obj, n: &NetworkAcl) -> Option<Obj> {
    let acl = n.network_acl_id().unwrap_or_default();
    let egress = get_b(state, "egress").unwrap_or(false);
    let rule_no = get_i(state, "rule_number").unwrap_or(0);
    let e = n.entries().iter().find(|e| {
        e.egress() == Some(egress) && i64::from(e.rule_number().unwrap_or(-1)) == rule_no
    })?;
    let mut st = state.clone();
    st.insert("id".into(), vs(nacl_rule_id(acl, rule_no, egress)));
    st.insert("protocol".into(), vs(e.protocol().unwrap_or("-1")));
    st.insert(
        "rule_action".into(),
        vs(e.rule_action().map(|a| a.as_str()).unwrap_or_default()),
    );
    st.insert("cidr_block".into(), vso(e.cidr_block()));
    st.insert("ipv6_cidr_block".into(), vso(e.ipv6_cidr_block()));
    let keep = |k: &str, v: Option<i32>| match v {
        Some(n) => vi(n.into()),
        None => state.get(k).cloned().unwrap_or(Value::null(Type::Number)),
    };
    st.insert(
        "from_port".into(),
        keep("from_port", e.port_range().and_then(|p| p.from())),
    );
    st.insert(
        "to_port".into(),
        keep("to_port", e.port_range().and_then(|p| p.to())),
    );
    st.insert(
        "icmp_type".into(),
        keep("icmp_type", e.icmp_type_code().and_then(|i| i.r#type())),
    );
    st.insert(
        "icmp_code".into(),
        keep("icmp_code", e.icmp_type_code().and_then(|i| i.code())),
    );
    Some(st)
}
