//! `aws_eip` and `aws_nat_gateway` (with waiters for `available` and
//! `deleted`, honouring `timeouts {}`).

use super::{describe_by_ids, filter, sync_tags, tag_map, tag_spec};
use crate::client::{Aws, EVENTUAL_NOT_FOUND};
use crate::framework::s::*;
use crate::framework::{invalid, read_by_key, single, timeout, wait_for, Error, Failed, Resource};
use crate::vals::*;
use aws_sdk_ec2::types::{Address, ConnectivityType, DomainType, NatGateway, ResourceType};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::Schema;
use terrane_value::Value;

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(EipRes), Arc::new(NatRes)]
}

struct EipRes;

/// Finds Elastic IPs by allocation ID (batched by filter; DescribeAddresses
/// is not paginated).
async fn find_addresses(aws: &Aws, ids: &[String]) -> Result<BTreeMap<String, Address>, Error> {
    let items = describe_by_ids(ids, |chunk, _| async move {
        match aws
            .call("EC2 DescribeAddresses", || {
                aws.ec2
                    .describe_addresses()
                    .filters(filter("allocation-id", chunk.clone()))
                    .send()
            })
            .await
        {
            Ok(out) => Ok((out.addresses().to_vec(), None)),
            Err(e) if e.is(&["InvalidAllocationID.NotFound", "InvalidAddress.NotFound"]) => {
                Ok((Vec::new(), None))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|a| Some((a.allocation_id()?.to_string(), a)))
        .collect())
}

async fn find_address(aws: &Aws, alloc: &str) -> Result<Option<Address>, Error> {
    Ok(find_addresses(aws, &[alloc.to_string()])
        .await?
        .remove(alloc))
}

fn dns_name(aws: &Aws, ip: &str, public: bool) -> String {
    if ip.is_empty() {
        return String::new();
    }
    let dashed = ip.replace('.', "-");
    let region_part = if aws.region == "us-east-1" {
        if public {
            "compute-1".to_string()
        } else {
            "ec2".to_string()
        }
    } else {
        format!("{}.compute", aws.region)
    };
    let prefix = if public { "ec2-" } else { "ip-" };
    if public {
        format!("{prefix}{dashed}.{region_part}.{}", aws.dns_suffix())
    } else if aws.region == "us-east-1" {
        format!("{prefix}{dashed}.ec2.internal")
    } else {
        format!("{prefix}{dashed}.{}.compute.internal", aws.region)
    }
}

#[async_trait::async_trait]
impl Resource for EipRes {
    fn name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("address", opt_s().force_new()),
            ("allocation_id", comp_s()),
            ("arn", comp_s()),
            ("associate_with_private_ip", opt_s()),
            ("association_id", comp_s()),
            ("carrier_ip", comp_s()),
            ("customer_owned_ip", comp_s()),
            ("customer_owned_ipv4_pool", opt_s().force_new()),
            ("domain", oc_s().force_new()),
            ("instance", oc_s()),
            ("network_border_group", oc_s().force_new()),
            ("network_interface", oc_s()),
            ("private_dns", comp_s()),
            ("private_ip", comp_s()),
            ("ptr_record", comp_s()),
            ("public_dns", comp_s()),
            ("public_ip", comp_s()),
            ("public_ipv4_pool", oc_s().force_new()),
            ("vpc", oc_b().force_new()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["read", "update", "delete"])],
        ))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let domain = get_ne(p, "domain").unwrap_or_else(|| "vpc".into());
        let out = aws
            .call("EC2 AllocateAddress", || {
                aws.ec2
                    .allocate_address()
                    .domain(DomainType::from(domain.as_str()))
                    .set_address(get_ne(p, "address"))
                    .set_customer_owned_ipv4_pool(get_ne(p, "customer_owned_ipv4_pool"))
                    .set_network_border_group(get_ne(p, "network_border_group"))
                    .set_public_ipv4_pool(get_ne(p, "public_ipv4_pool"))
                    .set_tag_specifications(
                        tag_spec(ResourceType::ElasticIp, &tags).map(|t| vec![t]),
                    )
                    .send()
            })
            .await?;
        let alloc = out
            .allocation_id()
            .ok_or_else(|| invalid("AllocateAddress returned no allocation ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&alloc));
        for k in ["instance", "network_interface"] {
            if is_unknown(&partial, k) {
                partial.insert(k.into(), Value::null(terrane_value::Type::String));
            }
        }
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        if get_ne(p, "instance").is_some() || get_ne(p, "network_interface").is_some() {
            aws.call_retrying("EC2 AssociateAddress", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .associate_address()
                    .allocation_id(&alloc)
                    .set_instance_id(get_ne(p, "instance"))
                    .set_network_interface_id(get_ne(p, "network_interface"))
                    .set_private_ip_address(get_ne(p, "associate_with_private_ip"))
                    .send()
            })
            .await
            .map_err(|e| fail(e.into()))?;
        }
        let got = wait_for(
            aws,
            "EIP to be visible",
            Duration::from_secs(180),
            || async { find_address(aws, &alloc).await },
        )
        .await
        .map_err(fail)?;
        Ok(self.state(aws, &partial, &got))
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |ids| async move { find_addresses(aws, &ids).await },
            |s, a| Some(self.state(aws, s, a)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let assoc_changed = ["instance", "network_interface", "associate_with_private_ip"]
            .iter()
            .any(|k| prior.get(*k) != p.get(*k) && !is_unknown(p, k));
        if assoc_changed {
            if let Some(a) = get_ne(prior, "association_id") {
                aws.call("EC2 DisassociateAddress", || {
                    aws.ec2.disassociate_address().association_id(&a).send()
                })
                .await?;
            }
            if get_ne(p, "instance").is_some() || get_ne(p, "network_interface").is_some() {
                aws.call_retrying("EC2 AssociateAddress", EVENTUAL_NOT_FOUND, || {
                    aws.ec2
                        .associate_address()
                        .allocation_id(&id)
                        .set_instance_id(get_ne(p, "instance"))
                        .set_network_interface_id(get_ne(p, "network_interface"))
                        .set_private_ip_address(get_ne(p, "associate_with_private_ip"))
                        .send()
                })
                .await?;
            }
        }
        sync_tags(aws, &id, prior, p).await?;
        let mut base = prior.clone();
        for k in ["tags", "associate_with_private_ip"] {
            base.insert(k.into(), p.get(k).cloned().unwrap_or_default());
        }
        self.read_back(aws, &base, "EIP").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let Some(a) = find_address(aws, &id).await? else {
            return Ok(());
        };
        if let Some(assoc) = a.association_id() {
            match aws
                .call("EC2 DisassociateAddress", || {
                    aws.ec2.disassociate_address().association_id(assoc).send()
                })
                .await
            {
                Ok(_) => {}
                Err(e) if e.is(&["InvalidAssociationID.NotFound"]) => {}
                Err(e) => return Err(e.into()),
            }
        }
        match aws
            .call_retrying("EC2 ReleaseAddress", &["AuthFailure"], || {
                aws.ec2.release_address().allocation_id(&id).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["InvalidAllocationID.NotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

impl EipRes {
    fn state(&self, aws: &Aws, prior: &Obj, a: &Address) -> Obj {
        let mut st = prior.clone();
        let alloc = a.allocation_id().unwrap_or_default();
        st.insert("id".into(), vs(alloc));
        st.insert("allocation_id".into(), vs(alloc));
        st.insert(
            "arn".into(),
            vs(aws.arn("ec2", &format!("elastic-ip/{alloc}"))),
        );
        st.insert(
            "association_id".into(),
            vs(a.association_id().unwrap_or_default()),
        );
        st.insert("carrier_ip".into(), vs(a.carrier_ip().unwrap_or_default()));
        st.insert(
            "customer_owned_ip".into(),
            vs(a.customer_owned_ip().unwrap_or_default()),
        );
        let domain = a.domain().map(|d| d.as_str()).unwrap_or("vpc");
        st.insert("domain".into(), vs(domain));
        st.insert("vpc".into(), vb(domain == "vpc"));
        st.insert("instance".into(), vs(a.instance_id().unwrap_or_default()));
        st.insert(
            "network_interface".into(),
            vs(a.network_interface_id().unwrap_or_default()),
        );
        st.insert(
            "network_border_group".into(),
            vs(a.network_border_group().unwrap_or(&aws.region)),
        );
        let public = a.public_ip().unwrap_or_default();
        let private = a.private_ip_address().unwrap_or_default();
        st.insert("public_ip".into(), vs(public));
        st.insert("private_ip".into(), vs(private));
        st.insert("public_dns".into(), vs(dns_name(aws, public, true)));
        st.insert("private_dns".into(), vs(dns_name(aws, private, false)));
        st.insert(
            "public_ipv4_pool".into(),
            vs(a.public_ipv4_pool().unwrap_or("amazon")),
        );
        st.insert("ptr_record".into(), vs(""));
        aws.set_tags(&mut st, tag_map(a.tags()));
        st
    }
}

// ------------------------------------------------------------ NAT gateway

struct NatRes;

/// Finds NAT gateways by ID (batched by filter, paginated).
async fn find_nats(aws: &Aws, ids: &[String]) -> Result<BTreeMap<String, NatGateway>, Error> {
    let items = describe_by_ids(ids, |chunk, token| async move {
        match aws
            .call("EC2 DescribeNatGateways", || {
                aws.ec2
                    .describe_nat_gateways()
                    .filter(filter("nat-gateway-id", chunk.clone()))
                    .set_next_token(token.clone())
                    .send()
            })
            .await
        {
            Ok(out) => Ok((
                out.nat_gateways().to_vec(),
                out.next_token().map(String::from),
            )),
            Err(e) if e.is(&["NatGatewayNotFound", "NatGatewayMalformed"]) => {
                Ok((Vec::new(), None))
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    Ok(items
        .into_iter()
        .filter_map(|n| Some((n.nat_gateway_id()?.to_string(), n)))
        .collect())
}

async fn find_nat(aws: &Aws, id: &str) -> Result<Option<NatGateway>, Error> {
    Ok(find_nats(aws, &[id.to_string()]).await?.remove(id))
}

fn nat_state_name(n: &NatGateway) -> &str {
    n.state().map(|s| s.as_str()).unwrap_or("")
}

#[async_trait::async_trait]
impl Resource for NatRes {
    fn name(&self) -> &'static str {
        "aws_nat_gateway"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("allocation_id", opt_s().force_new()),
            ("association_id", comp_s()),
            ("connectivity_type", opt_s().force_new()),
            ("network_interface_id", comp_s()),
            ("private_ip", oc_s().force_new()),
            ("public_ip", comp_s()),
            ("secondary_allocation_ids", oc_set()),
            ("secondary_private_ip_address_count", oc_n()),
            ("secondary_private_ip_addresses", oc_set()),
            ("subnet_id", req_s().force_new()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "update", "delete"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("connectivity_type", vs("public"))]
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let secondary = get_strs(p, "secondary_allocation_ids");
        let out = aws
            .call_retrying("EC2 CreateNatGateway", EVENTUAL_NOT_FOUND, || {
                aws.ec2
                    .create_nat_gateway()
                    .set_subnet_id(get_s(p, "subnet_id"))
                    .set_allocation_id(get_ne(p, "allocation_id"))
                    .connectivity_type(ConnectivityType::from(
                        get_s(p, "connectivity_type")
                            .unwrap_or_else(|| "public".into())
                            .as_str(),
                    ))
                    .set_private_ip_address(get_ne(p, "private_ip"))
                    .set_secondary_allocation_ids(
                        (!secondary.is_empty()).then(|| secondary.clone()),
                    )
                    .set_tag_specifications(
                        tag_spec(ResourceType::Natgateway, &tags).map(|t| vec![t]),
                    )
                    .send()
            })
            .await?;
        let id = out
            .nat_gateway()
            .and_then(|n| n.nat_gateway_id())
            .ok_or_else(|| invalid("CreateNatGateway returned no ID"))?
            .to_string();
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        let limit = timeout(p, "create", Duration::from_secs(600));
        let n = wait_for(aws, "NAT gateway to become available", limit, || async {
            match find_nat(aws, &id).await? {
                Some(n) if nat_state_name(&n) == "available" => Ok(Some(n)),
                Some(n) if nat_state_name(&n) == "failed" => Err(invalid(format!(
                    "NAT gateway {id} failed: {}",
                    n.failure_message().unwrap_or_default()
                ))),
                _ => Ok(None),
            }
        })
        .await
        .map_err(fail)?;
        Ok(self.state(aws, &partial, &n))
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "id",
            |ids| async move { find_nats(aws, &ids).await },
            |s, n| (nat_state_name(n) != "deleted").then(|| self.state(aws, s, n)),
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        sync_tags(aws, &id, prior, p).await?;
        self.read_back_with_tags(aws, prior, p, "NAT gateway").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        match aws
            .call("EC2 DeleteNatGateway", || {
                aws.ec2.delete_nat_gateway().nat_gateway_id(&id).send()
            })
            .await
        {
            Ok(_) => {}
            Err(e) if e.is(&["NatGatewayNotFound"]) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let limit = timeout(state, "delete", Duration::from_secs(1800));
        wait_for(aws, "NAT gateway to be deleted", limit, || async {
            Ok(match find_nat(aws, &id).await? {
                None => Some(()),
                Some(n) if nat_state_name(&n) == "deleted" => Some(()),
                Some(_) => None,
            })
        })
        .await
    }
}

impl NatRes {
    fn state(&self, aws: &Aws, prior: &Obj, n: &NatGateway) -> Obj {
        let mut st = prior.clone();
        st.insert("id".into(), vso(n.nat_gateway_id()));
        st.insert("subnet_id".into(), vso(n.subnet_id()));
        st.insert(
            "connectivity_type".into(),
            vs(n.connectivity_type()
                .map(|c| c.as_str())
                .unwrap_or("public")),
        );
        let addrs = n.nat_gateway_addresses();
        let primary = addrs.iter().find(|a| a.is_primary() != Some(false));
        let alloc = primary.and_then(|a| a.allocation_id()).map(String::from);
        let keep_null = prior.get("allocation_id").is_none_or(Value::is_null) && alloc.is_none();
        if !keep_null {
            st.insert("allocation_id".into(), vs(alloc.unwrap_or_default()));
        }
        st.insert(
            "association_id".into(),
            vs(primary.and_then(|a| a.association_id()).unwrap_or_default()),
        );
        st.insert(
            "network_interface_id".into(),
            vs(primary
                .and_then(|a| a.network_interface_id())
                .unwrap_or_default()),
        );
        st.insert(
            "private_ip".into(),
            vs(primary.and_then(|a| a.private_ip()).unwrap_or_default()),
        );
        st.insert(
            "public_ip".into(),
            vs(primary.and_then(|a| a.public_ip()).unwrap_or_default()),
        );
        let secondary: Vec<_> = addrs
            .iter()
            .filter(|a| a.is_primary() == Some(false))
            .collect();
        st.insert(
            "secondary_allocation_ids".into(),
            vset(
                secondary
                    .iter()
                    .filter_map(|a| a.allocation_id().map(String::from)),
            ),
        );
        st.insert(
            "secondary_private_ip_addresses".into(),
            vset(
                secondary
                    .iter()
                    .filter_map(|a| a.private_ip().map(String::from)),
            ),
        );
        st.insert(
            "secondary_private_ip_address_count".into(),
            vi(secondary.len() as i64),
        );
        aws.set_tags(&mut st, tag_map(n.tags()));
        st
    }
}
