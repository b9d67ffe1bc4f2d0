//! `aws_vpc`, `aws_subnet` and `aws_internet_gateway`.

use super::{describe_by_ids, filter, sync_tags, tag_map, tag_spec};
use crate::client::{Aws, AwsError, EVENTUAL_NOT_FOUND};
use crate::framework::s::*;
use crate::framework::{invalid, read_by_key, single, timeout, wait_for, Error, Failed, Resource};
use crate::vals::*;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, HostnameType, InternetGateway, ResourceType, Subnet, Tenancy, Vpc,
    VpcAttributeName, VpcTenancy,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::Schema;
use terrane_value::Value;

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(VpcRes), Arc::new(SubnetRes), Arc::new(IgwRes)]
}

fn abv(b: bool) -> AttributeBooleanValue {
    AttributeBooleanValue::builder().value(b).build()
}

/// Finds VPCs by ID with batched, paginated DescribeVpcs calls.
pub async fn find_vpcs(aws: &Aws, ids: &[String]) -> Result<BTreeMap<String, Vpc>, AwsError> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeVpcs", || {
                aws.ec2
                    .describe_vpcs()
                    .filters(filter("vpc-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((out.vpcs().to_vec(), out.next_token().map(String::from)))
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|v| Some((v.vpc_id()?.to_string(), v)))
        .collect())
}

/// Per-VPC defaults found with one batched call each: default NACL, main
/// route table, default security group.
#[derive(Default)]
struct VpcDefaults {
    nacl: BTreeMap<String, String>,
    main_rt: BTreeMap<String, String>,
    sg: BTreeMap<String, String>,
}

async fn vpc_defaults(aws: &Aws, ids: &[String]) -> Result<VpcDefaults, AwsError> {
    let nacls = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeNetworkAcls", || {
                aws.ec2
                    .describe_network_acls()
                    .filters(filter("vpc-id", chunk.clone()))
                    .filters(filter("default", ["true"]))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.network_acls().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await?;
    let rts = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeRouteTables", || {
                aws.ec2
                    .describe_route_tables()
                    .filters(filter("vpc-id", chunk.clone()))
                    .filters(filter("association.main", ["true"]))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.route_tables().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await?;
    let sgs = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeSecurityGroups", || {
                aws.ec2
                    .describe_security_groups()
                    .filters(filter("vpc-id", chunk.clone()))
                    .filters(filter("group-name", ["default"]))
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
    let mut d = VpcDefaults::default();
    for n in nacls {
        if let (Some(v), Some(i)) = (n.vpc_id(), n.network_acl_id()) {
            d.nacl.insert(v.into(), i.into());
        }
    }
    for r in rts {
        if let (Some(v), Some(i)) = (r.vpc_id(), r.route_table_id()) {
            d.main_rt.insert(v.into(), i.into());
        }
    }
    for g in sgs {
        if let (Some(v), Some(i)) = (g.vpc_id(), g.group_id()) {
            d.sg.insert(v.into(), i.into());
        }
    }
    Ok(d)
}

async fn vpc_attr(aws: &Aws, id: &str, name: VpcAttributeName) -> Result<Option<bool>, AwsError> {
    let out = aws
        .call_retrying("EC2 DescribeVpcAttribute", EVENTUAL_NOT_FOUND, || {
            aws.ec2
                .describe_vpc_attribute()
                .vpc_id(id)
                .attribute(name.clone())
                .send()
        })
        .await?;
    let v = match name {
        VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
        VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
        _ => out.enable_network_address_usage_metrics(),
    };
    Ok(v.and_then(|a| a.value()))
}

struct VpcRes;

impl VpcRes {
    async fn fill(&self, aws: &Aws, prior: &Obj, v: &Vpc, d: &VpcDefaults) -> Result<Obj, Error> {
        let id = v.vpc_id().unwrap_or_default().to_string();
        let owner = v.owner_id().unwrap_or_default().to_string();
        let mut st = prior.clone();
        st.insert("id".into(), vs(&id));
        st.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}:{owner}:vpc/{id}",
                aws.partition, aws.region
            )),
        );
        st.insert("cidr_block".into(), vso(v.cidr_block()));
        st.insert("dhcp_options_id".into(), vso(v.dhcp_options_id()));
        st.insert(
            "instance_tenancy".into(),
            vso(v.instance_tenancy().map(|t| t.as_str())),
        );
        st.insert("owner_id".into(), vs(&owner));
        let hostnames = vpc_attr(aws, &id, VpcAttributeName::EnableDnsHostnames).await?;
        let support = vpc_attr(aws, &id, VpcAttributeName::EnableDnsSupport).await?;
        st.insert(
            "enable_dns_hostnames".into(),
            vb(hostnames.unwrap_or(false)),
        );
        st.insert("enable_dns_support".into(), vb(support.unwrap_or(true)));
        // Not every AWS-compatible endpoint knows this attribute; keep the
        // prior value when it cannot be read.
        match vpc_attr(aws, &id, VpcAttributeName::EnableNetworkAddressUsageMetrics).await {
            Ok(m) => {
                st.insert(
                    "enable_network_address_usage_metrics".into(),
                    vb(m.unwrap_or(false)),
                );
            }
            Err(_) if get_b(prior, "enable_network_address_usage_metrics").is_some() => {}
            Err(_) => {
                st.insert("enable_network_address_usage_metrics".into(), vb(false));
            }
        }
        st.insert("default_network_acl_id".into(), vso(d.nacl.get(&id)));
        st.insert("default_route_table_id".into(), vso(d.main_rt.get(&id)));
        st.insert("main_route_table_id".into(), vso(d.main_rt.get(&id)));
        st.insert("default_security_group_id".into(), vso(d.sg.get(&id)));
        let assoc = v.ipv6_cidr_block_association_set().iter().find(|a| {
            a.ipv6_cidr_block_state()
                .and_then(|s| s.state())
                .is_some_and(|s| s.as_str() == "associated")
        });
        match assoc {
            None => {
                let keep_false = get_b(prior, "assign_generated_ipv6_cidr_block") == Some(false);
                st.insert(
                    "assign_generated_ipv6_cidr_block".into(),
                    if keep_false {
                        vb(false)
                    } else {
                        Value::null(terrane_value::Type::Bool)
                    },
                );
                for k in [
                    "ipv6_association_id",
                    "ipv6_cidr_block",
                    "ipv6_cidr_block_network_border_group",
                    "ipv6_ipam_pool_id",
                ] {
                    st.insert(k.into(), Value::null(terrane_value::Type::String));
                }
                st.insert(
                    "ipv6_netmask_length".into(),
                    Value::null(terrane_value::Type::Number),
                );
            }
            Some(a) => {
                let amazon = a.ipv6_pool() == Some("Amazon");
                st.insert("assign_generated_ipv6_cidr_block".into(), vb(amazon));
                st.insert("ipv6_association_id".into(), vso(a.association_id()));
                st.insert("ipv6_cidr_block".into(), vso(a.ipv6_cidr_block()));
                st.insert(
                    "ipv6_cidr_block_network_border_group".into(),
                    vso(a.network_border_group()),
                );
            }
        }
        aws.set_tags(&mut st, tag_map(v.tags()));
        Ok(st)
    }
}

#[async_trait::async_trait]
impl Resource for VpcRes {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("assign_generated_ipv6_cidr_block", opt_b()),
            ("cidr_block", oc_s().force_new()),
            ("default_network_acl_id", comp_s()),
            ("default_route_table_id", comp_s()),
            ("default_security_group_id", comp_s()),
            ("dhcp_options_id", comp_s()),
            ("enable_dns_hostnames", oc_b()),
            ("enable_dns_support", opt_b()),
            ("enable_network_address_usage_metrics", oc_b()),
            ("instance_tenancy", opt_s()),
            ("ipv4_ipam_pool_id", opt_s().force_new()),
            ("ipv4_netmask_length", opt_n().force_new()),
            ("ipv6_association_id", comp_s()),
            ("ipv6_cidr_block", oc_s()),
            ("ipv6_cidr_block_network_border_group", oc_s()),
            ("ipv6_ipam_pool_id", opt_s()),
            ("ipv6_netmask_length", opt_n()),
            ("main_route_table_id", comp_s()),
            ("owner_id", comp_s()),
        ];
        attrs.extend(tags());
        schema(block(attrs))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("enable_dns_support", vb(true)),
            ("instance_tenancy", vs("default")),
        ]
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let out = aws
            .call("EC2 CreateVpc", || {
                aws.ec2
                    .create_vpc()
                    .set_cidr_block(get_ne(p, "cidr_block"))
                    .set_ipv4_ipam_pool_id(get_ne(p, "ipv4_ipam_pool_id"))
                    .set_ipv4_netmask_length(get_i(p, "ipv4_netmask_length").map(|n| n as i32))
                    .set_ipv6_cidr_block(get_ne(p, "ipv6_cidr_block"))
                    .set_ipv6_ipam_pool_id(get_ne(p, "ipv6_ipam_pool_id"))
                    .set_ipv6_netmask_length(get_i(p, "ipv6_netmask_length").map(|n| n as i32))
                    .set_ipv6_cidr_block_network_border_group(get_ne(
                        p,
                        "ipv6_cidr_block_network_border_group",
                    ))
                    .amazon_provided_ipv6_cidr_block(
                        get_b(p, "assign_generated_ipv6_cidr_block").unwrap_or(false),
                    )
                    .instance_tenancy(Tenancy::from(
                        get_s(p, "instance_tenancy")
                            .unwrap_or_else(|| "default".into())
                            .as_str(),
                    ))
                    .set_tag_specifications(tag_spec(ResourceType::Vpc, &tags).map(|t| vec![t]))
                    .send()
            })
            .await?;
        let vid = out
            .vpc()
            .and_then(|v| v.vpc_id())
            .ok_or_else(|| invalid("CreateVpc returned no VPC ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&vid));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        wait_for(
            aws,
            "VPC to become available",
            Duration::from_secs(600),
            || async {
                let v = find_vpcs(aws, std::slice::from_ref(&vid)).await?;
                Ok(v.get(&vid)
                    .filter(|v| v.state().map(|s| s.as_str()) != Some("pending"))
                    .map(|_| ()))
            },
        )
        .await
        .map_err(fail)?;
        if get_b(p, "enable_dns_hostnames") == Some(true) {
            aws.call_retrying("EC2 ModifyVpcAttribute", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_vpc_attribute()
                    .vpc_id(&vid)
                    .enable_dns_hostnames(abv(true))
                    .send()
            })
            .await
            .map_err(|e| fail(e.into()))?;
        }
        if get_b(p, "enable_dns_support") == Some(false) {
            aws.call_retrying("EC2 ModifyVpcAttribute", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_vpc_attribute()
                    .vpc_id(&vid)
                    .enable_dns_support(abv(false))
                    .send()
            })
            .await
            .map_err(|e| fail(e.into()))?;
        }
        if get_b(p, "enable_network_address_usage_metrics") == Some(true) {
            aws.call_retrying("EC2 ModifyVpcAttribute", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_vpc_attribute()
                    .vpc_id(&vid)
                    .enable_network_address_usage_metrics(abv(true))
                    .send()
            })
            .await
            .map_err(|e| fail(e.into()))?;
        }
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(invalid(format!("VPC {vid} disappeared after create")))),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let mut r = self.read_many(aws, std::slice::from_ref(state)).await;
        r.pop().unwrap_or(Ok(None))
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        let ids: Vec<String> = states.iter().filter_map(|s| get_ne(s, "id")).collect();
        let found = match find_vpcs(aws, &ids).await {
            Ok(f) => f,
            Err(e) => return states.iter().map(|_| Err(e.clone().into())).collect(),
        };
        let present: Vec<String> = found.keys().cloned().collect();
        let defaults = match vpc_defaults(aws, &present).await {
            Ok(d) => d,
            Err(e) => return states.iter().map(|_| Err(e.clone().into())).collect(),
        };
        let futs = states.iter().map(|s| {
            let found = &found;
            let defaults = &defaults;
            async move {
                let Some(id) = get_ne(s, "id") else {
                    return Ok(None);
                };
                match found.get(&id) {
                    Some(v) => self.fill(aws, s, v, defaults).await.map(Some),
                    None => Ok(None),
                }
            }
        });
        futures::future::join_all(futs).await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let changed = |k: &str| prior.get(k) != p.get(k);
        if changed("enable_dns_hostnames") {
            let b = get_b(p, "enable_dns_hostnames").unwrap_or(false);
            aws.call("EC2 ModifyVpcAttribute", || {
                aws.ec2
                    .modify_vpc_attribute()
                    .vpc_id(&id)
                    .enable_dns_hostnames(abv(b))
                    .send()
            })
            .await?;
        }
        if changed("enable_dns_support") {
            let b = get_b(p, "enable_dns_support").unwrap_or(true);
            aws.call("EC2 ModifyVpcAttribute", || {
                aws.ec2
                    .modify_vpc_attribute()
                    .vpc_id(&id)
                    .enable_dns_support(abv(b))
                    .send()
            })
            .await?;
        }
        if changed("enable_network_address_usage_metrics") {
            let b = get_b(p, "enable_network_address_usage_metrics").unwrap_or(false);
            aws.call("EC2 ModifyVpcAttribute", || {
                aws.ec2
                    .modify_vpc_attribute()
                    .vpc_id(&id)
                    .enable_network_address_usage_metrics(abv(b))
                    .send()
            })
            .await?;
        }
        if changed("instance_tenancy") {
            let t = get_s(p, "instance_tenancy").unwrap_or_else(|| "default".into());
            aws.call("EC2 ModifyVpcTenancy", || {
                aws.ec2
                    .modify_vpc_tenancy()
                    .vpc_id(&id)
                    .instance_tenancy(VpcTenancy::from(t.as_str()))
                    .send()
            })
            .await?;
        }
        sync_tags(aws, &id, prior, p).await?;
        let mut base = prior.clone();
        for k in [
            "tags",
            "assign_generated_ipv6_cidr_block",
            "ipv6_ipam_pool_id",
            "ipv6_netmask_length",
        ] {
            if let Some(v) = p.get(k) {
                base.insert(k.into(), v.clone());
            }
        }
        self.read(aws, &base)
            .await?
            .ok_or_else(|| invalid(format!("VPC {id} disappeared during update")).into())
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let limit = Duration::from_secs(300);
        let start = std::time::Instant::now();
        loop {
            match aws
                .call("EC2 DeleteVpc", || aws.ec2.delete_vpc().vpc_id(&id).send())
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if e.is(&["InvalidVpcID.NotFound"]) => return Ok(()),
                Err(e) if e.is(&["DependencyViolation"]) && start.elapsed() < limit => {
                    aws.pause().await
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

// ---------------------------------------------------------------- subnet

/// Finds subnets by ID with batched, paginated DescribeSubnets calls.
pub async fn find_subnets(aws: &Aws, ids: &[String]) -> Result<BTreeMap<String, Subnet>, AwsError> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeSubnets", || {
                aws.ec2
                    .describe_subnets()
                    .filters(filter("subnet-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((out.subnets().to_vec(), out.next_token().map(String::from)))
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|s| Some((s.subnet_id()?.to_string(), s)))
        .collect())
}

struct SubnetRes;

fn subnet_state(aws: &Aws, prior: &Obj, s: &Subnet) -> Obj {
    let mut st = prior.clone();
    let id = s.subnet_id().unwrap_or_default();
    st.insert("id".into(), vs(id));
    let owner = s.owner_id().unwrap_or_default();
    let arn = s.subnet_arn().map(String::from).unwrap_or_else(|| {
        format!(
            "arn:{}:ec2:{}:{owner}:subnet/{id}",
            aws.partition, aws.region
        )
    });
    st.insert("arn".into(), vs(arn));
    st.insert("vpc_id".into(), vso(s.vpc_id()));
    st.insert("cidr_block".into(), vso(s.cidr_block()));
    st.insert("availability_zone".into(), vso(s.availability_zone()));
    st.insert("availability_zone_id".into(), vso(s.availability_zone_id()));
    st.insert("owner_id".into(), vs(owner));
    st.insert(
        "map_public_ip_on_launch".into(),
        vb(s.map_public_ip_on_launch().unwrap_or(false)),
    );
    st.insert(
        "assign_ipv6_address_on_creation".into(),
        vb(s.assign_ipv6_address_on_creation().unwrap_or(false)),
    );
    st.insert("enable_dns64".into(), vb(s.enable_dns64().unwrap_or(false)));
    st.insert("ipv6_native".into(), vb(s.ipv6_native().unwrap_or(false)));
    st.insert(
        "enable_lni_at_device_index".into(),
        vi(s.enable_lni_at_device_index().unwrap_or(0).into()),
    );
    st.insert(
        "outpost_arn".into(),
        vs(s.outpost_arn().unwrap_or_default()),
    );
    st.insert(
        "customer_owned_ipv4_pool".into(),
        vs(s.customer_owned_ipv4_pool().unwrap_or_default()),
    );
    st.insert(
        "map_customer_owned_ip_on_launch".into(),
        vb(s.map_customer_owned_ip_on_launch().unwrap_or(false)),
    );
    let dns = s.private_dns_name_options_on_launch();
    st.insert(
        "private_dns_hostname_type_on_launch".into(),
        vs(dns
            .and_then(|d| d.hostname_type())
            .map(|h| h.as_str())
            .unwrap_or("ip-name")),
    );
    st.insert(
        "enable_resource_name_dns_a_record_on_launch".into(),
        vb(dns
            .and_then(|d| d.enable_resource_name_dns_a_record())
            .unwrap_or(false)),
    );
    st.insert(
        "enable_resource_name_dns_aaaa_record_on_launch".into(),
        vb(dns
            .and_then(|d| d.enable_resource_name_dns_aaaa_record())
            .unwrap_or(false)),
    );
    let assoc = s.ipv6_cidr_block_association_set().iter().find(|a| {
        a.ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .is_some_and(|s| s.as_str() == "associated" || s.as_str() == "associating")
    });
    st.insert(
        "ipv6_cidr_block".into(),
        vs(assoc.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default()),
    );
    st.insert(
        "ipv6_cidr_block_association_id".into(),
        vs(assoc.and_then(|a| a.association_id()).unwrap_or_default()),
    );
    // Unset optional strings stay null rather than "" when AWS has nothing.
    for k in ["outpost_arn", "customer_owned_ipv4_pool"] {
        if prior.get(k).is_none_or(Value::is_null) && get_s(&st, k).as_deref() == Some("") {
            st.insert(k.into(), Value::null(terrane_value::Type::String));
        }
    }
    if prior
        .get("map_customer_owned_ip_on_launch")
        .is_none_or(Value::is_null)
        && get_b(&st, "map_customer_owned_ip_on_launch") == Some(false)
    {
        st.insert(
            "map_customer_owned_ip_on_launch".into(),
            Value::null(terrane_value::Type::Bool),
        );
    }
    aws.set_tags(&mut st, tag_map(s.tags()));
    st
}

impl SubnetRes {
    async fn modify(
        &self,
        aws: &Aws,
        id: &str,
        prior: Option<&Obj>,
        p: &Obj,
    ) -> Result<(), AwsError> {
        let differs = |k: &str, dflt: bool| match prior {
            Some(pr) => pr.get(k) != p.get(k),
            None => get_b(p, k).is_some_and(|b| b != dflt),
        };
        let op = "EC2 ModifySubnetAttribute";
        if differs("assign_ipv6_address_on_creation", false) {
            let b = get_b(p, "assign_ipv6_address_on_creation").unwrap_or(false);
            aws.call_retrying(op, EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_subnet_attribute()
                    .subnet_id(id)
                    .assign_ipv6_address_on_creation(abv(b))
                    .send()
            })
            .await?;
        }
        if differs("map_public_ip_on_launch", false) {
            let b = get_b(p, "map_public_ip_on_launch").unwrap_or(false);
            aws.call_retrying(op, EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_subnet_attribute()
                    .subnet_id(id)
                    .map_public_ip_on_launch(abv(b))
                    .send()
            })
            .await?;
        }
        if differs("enable_dns64", false) {
            let b = get_b(p, "enable_dns64").unwrap_or(false);
            aws.call_retrying(op, EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_subnet_attribute()
                    .subnet_id(id)
                    .enable_dns64(abv(b))
                    .send()
            })
            .await?;
        }
        if differs("enable_resource_name_dns_a_record_on_launch", false) {
            let b = get_b(p, "enable_resource_name_dns_a_record_on_launch").unwrap_or(false);
            aws.call_retrying(op, EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_subnet_attribute()
                    .subnet_id(id)
                    .enable_resource_name_dns_a_record_on_launch(abv(b))
                    .send()
            })
            .await?;
        }
        if differs("enable_resource_name_dns_aaaa_record_on_launch", false) {
            let b = get_b(p, "enable_resource_name_dns_aaaa_record_on_launch").unwrap_or(false);
            aws.call_retrying(op, EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .modify_subnet_attribute()
                    .subnet_id(id)
                    .enable_resource_name_dns_aaaa_record_on_launch(abv(b))
                    .send()
            })
            .await?;
        }
        let ht_changed = match prior {
            Some(pr) => {
                pr.get("private_dns_hostname_type_on_launch")
                    != p.get("private_dns_hostname_type_on_launch")
            }
            None => {
                get_ne(p, "private_dns_hostname_type_on_launch").is_some_and(|h| h != "ip-name")
            }
        };
        if ht_changed {
            if let Some(h) = get_ne(p, "private_dns_hostname_type_on_launch") {
                aws.call_retrying(op, EVENTUAL_NOT_FOUND, || {
                    aws.ec2
                        .modify_subnet_attribute()
                        .subnet_id(id)
                        .private_dns_hostname_type_on_launch(HostnameType::from(h.as_str()))
                        .send()
                })
                .await?;
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource for SubnetRes {
    fn name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("assign_ipv6_address_on_creation", opt_b()),
            ("availability_zone", oc_s().force_new()),
            ("availability_zone_id", oc_s().force_new()),
            ("cidr_block", opt_s().force_new()),
            ("customer_owned_ipv4_pool", opt_s()),
            ("enable_dns64", opt_b()),
            ("enable_lni_at_device_index", oc_n()),
            ("enable_resource_name_dns_a_record_on_launch", opt_b()),
            ("enable_resource_name_dns_aaaa_record_on_launch", opt_b()),
            ("ipv6_cidr_block", oc_s()),
            ("ipv6_cidr_block_association_id", comp_s()),
            ("ipv6_native", opt_b().force_new()),
            ("map_customer_owned_ip_on_launch", opt_b()),
            ("map_public_ip_on_launch", opt_b()),
            ("outpost_arn", opt_s()),
            ("owner_id", comp_s()),
            ("private_dns_hostname_type_on_launch", oc_s()),
            ("vpc_id", req_s().force_new()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "delete"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("assign_ipv6_address_on_creation", vb(false)),
            ("enable_dns64", vb(false)),
            ("enable_resource_name_dns_a_record_on_launch", vb(false)),
            ("enable_resource_name_dns_aaaa_record_on_launch", vb(false)),
            ("ipv6_native", vb(false)),
            ("map_public_ip_on_launch", vb(false)),
        ]
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let out = aws
            .call_retrying("EC2 CreateSubnet", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .create_subnet()
                    .set_vpc_id(get_s(p, "vpc_id"))
                    .set_cidr_block(get_ne(p, "cidr_block"))
                    .set_availability_zone(get_ne(p, "availability_zone"))
                    .set_availability_zone_id(get_ne(p, "availability_zone_id"))
                    .set_ipv6_cidr_block(get_ne(p, "ipv6_cidr_block"))
                    .set_outpost_arn(get_ne(p, "outpost_arn"))
                    .set_ipv6_native(get_b(p, "ipv6_native").filter(|b| *b))
                    .set_tag_specifications(tag_spec(ResourceType::Subnet, &tags).map(|t| vec![t]))
                    .send()
            })
            .await?;
        let sid = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .ok_or_else(|| invalid("CreateSubnet returned no subnet ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&sid));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        let limit = timeout(p, "create", Duration::from_secs(600));
        wait_for(aws, "subnet to become available", limit, || async {
            let f = find_subnets(aws, std::slice::from_ref(&sid)).await?;
            Ok(f.get(&sid)
                .filter(|s| s.state().map(|s| s.as_str()) != Some("pending"))
                .map(|_| ()))
        })
        .await
        .map_err(fail)?;
        self.modify(aws, &sid, None, p)
            .await
            .map_err(|e| fail(e.into()))?;
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(invalid(format!(
                "subnet {sid} disappeared after create"
            )))),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let mut r = self.read_many(aws, std::slice::from_ref(state)).await;
        r.pop().unwrap_or(Ok(None))
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        let ids: Vec<String> = states.iter().filter_map(|s| get_ne(s, "id")).collect();
        match find_subnets(aws, &ids).await {
            Ok(found) => states
                .iter()
                .map(|s| {
                    Ok(get_ne(s, "id")
                        .and_then(|id| found.get(&id))
                        .map(|sn| subnet_state(aws, s, sn)))
                })
                .collect(),
            Err(e) => states.iter().map(|_| Err(e.clone().into())).collect(),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        self.modify(aws, &id, Some(prior), p).await?;
        sync_tags(aws, &id, prior, p).await?;
        let mut base = prior.clone();
        if let Some(t) = p.get("tags") {
            base.insert("tags".into(), t.clone());
        }
        self.read(aws, &base)
            .await?
            .ok_or_else(|| invalid(format!("subnet {id} disappeared during update")).into())
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let limit = timeout(state, "delete", Duration::from_secs(1200));
        let start = std::time::Instant::now();
        loop {
            match aws
                .call("EC2 DeleteSubnet", || {
                    aws.ec2.delete_subnet().subnet_id(&id).send()
                })
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if e.is(&["InvalidSubnetID.NotFound"]) => return Ok(()),
                Err(e) if e.is(&["DependencyViolation"]) && start.elapsed() < limit => {
                    aws.pause().await
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

// ------------------------------------------------------ internet gateway

/// Finds internet gateways by ID (batched by filter, paginated).
async fn find_igws(
    aws: &Aws,
    ids: &[String],
) -> Result<BTreeMap<String, InternetGateway>, AwsError> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        let out = aws
            .call("EC2 DescribeInternetGateways", || {
                aws.ec2
                    .describe_internet_gateways()
                    .filters(filter("internet-gateway-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        Ok((
            out.internet_gateways().to_vec(),
            out.next_token().map(String::from),
        ))
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|g| Some((g.internet_gateway_id()?.to_string(), g)))
        .collect())
}

async fn find_igw(aws: &Aws, id: &str) -> Result<Option<InternetGateway>, AwsError> {
    Ok(find_igws(aws, &[id.to_string()]).await?.remove(id))
}

async fn attach_igw(aws: &Aws, igw: &str, vpc: &str) -> Result<(), AwsError> {
    aws.call_retrying("EC2 AttachInternetGateway", EVENTUAL_NOT_FOUND, || {
        aws.ec2
            .attach_internet_gateway()
            .internet_gateway_id(igw)
            .vpc_id(vpc)
            .send()
    })
    .await
    .map(|_| ())
}

async fn detach_igw(aws: &Aws, igw: &str, vpc: &str) -> Result<(), AwsError> {
    match aws
        .call("EC2 DetachInternetGateway", || {
            aws.ec2
                .detach_internet_gateway()
                .internet_gateway_id(igw)
                .vpc_id(vpc)
                .send()
        })
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if e.is(&["Gateway.NotAttached", "InvalidInternetGatewayID.NotFound"]) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The state of an internet gateway from what AWS reports.
fn igw_state(aws: &Aws, prior: &Obj, g: &InternetGateway) -> Obj {
    let mut st = prior.clone();
    let id = g.internet_gateway_id().unwrap_or_default();
    let owner = g.owner_id().unwrap_or_default();
    st.insert("owner_id".into(), vs(owner));
    st.insert(
        "arn".into(),
        vs(format!(
            "arn:{}:ec2:{}:{owner}:internet-gateway/{id}",
            aws.partition, aws.region
        )),
    );
    let vpc = g
        .attachments()
        .first()
        .and_then(|a| a.vpc_id())
        .map(String::from);
    st.insert("vpc_id".into(), vso(vpc));
    aws.set_tags(&mut st, tag_map(g.tags()));
    st
}

struct IgwRes;

#[async_trait::async_trait]
impl Resource for IgwRes {
    fn name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("owner_id", comp_s()),
            ("vpc_id", opt_s()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "update", "delete"])],
        ))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let out = aws
            .call("EC2 CreateInternetGateway", || {
                aws.ec2
                    .create_internet_gateway()
                    .set_tag_specifications(
                        tag_spec(ResourceType::InternetGateway, &tags).map(|t| vec![t]),
                    )
                    .send()
            })
            .await?;
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .ok_or_else(|| invalid("CreateInternetGateway returned no ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        partial.insert("vpc_id".into(), Value::null(terrane_value::Type::String));
        if let Some(vpc) = get_ne(p, "vpc_id") {
            attach_igw(aws, &id, &vpc)
                .await
                .map_err(|e| Failed::from(e).with_partial(partial.clone()))?;
        }
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("internet gateway disappeared after create"))
                    .with_partial(partial),
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
            |ids| async move { Ok(find_igws(aws, &ids).await?) },
            |s, g| Some(igw_state(aws, s, g)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let old = get_ne(prior, "vpc_id");
        let new = get_ne(p, "vpc_id");
        if old != new {
            if let Some(o) = &old {
                detach_igw(aws, &id, o).await?;
            }
            if let Some(n) = &new {
                attach_igw(aws, &id, n).await?;
            }
        }
        sync_tags(aws, &id, prior, p).await?;
        self.read_back_with_tags(aws, prior, p, "internet gateway")
            .await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        if let Some(g) = find_igw(aws, &id).await? {
            for a in g.attachments() {
                if let Some(v) = a.vpc_id() {
                    detach_igw(aws, &id, v).await?;
                }
            }
        } else {
            return Ok(());
        }
        match aws
            .call_retrying(
                "EC2 DeleteInternetGateway",
                &["DependencyViolation"],
                || {
                    aws.ec2
                        .delete_internet_gateway()
                        .internet_gateway_id(&id)
                        .send()
                },
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["InvalidInternetGatewayID.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("id".into(), vs(id));
        Ok(o)
    }
}
