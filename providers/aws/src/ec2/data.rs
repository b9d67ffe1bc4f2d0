//! Data sources: `aws_availability_zones`, `aws_region`,
//! `aws_caller_identity`, `aws_partition`, `aws_vpc`, `aws_subnets`,
//! `aws_security_group`, `aws_ami`.

use super::{filter, tag_map};
use crate::client::Aws;
use crate::framework::s::*;
use crate::framework::{invalid, DataSource, Error};
use crate::vals::*;
use aws_sdk_ec2::types::Filter;
use std::sync::Arc;
use terrane_provider::{Attribute, Block, NestedBlock, Schema};
use terrane_value::{Type, Value};

pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(AzsDs),
        Arc::new(RegionDs),
        Arc::new(CallerDs),
        Arc::new(PartitionDs),
        Arc::new(VpcDs),
        Arc::new(SubnetsDs),
        Arc::new(SgDs),
        Arc::new(AmiDs),
    ]
}

fn filter_block() -> (&'static str, NestedBlock) {
    (
        "filter",
        set(block(vec![
            ("name", req_s()),
            ("values", Attribute::required(Type::set(Type::String))),
        ])),
    )
}

/// The configured `filter {}` blocks and `tags` as EC2 filters.
fn filters_of(config: &Obj) -> Vec<Filter> {
    let mut out: Vec<Filter> = get_blocks(config, "filter")
        .iter()
        .map(|f| filter(&get_s(f, "name").unwrap_or_default(), get_strs(f, "values")))
        .collect();
    for (k, v) in get_map(config, "tags") {
        out.push(filter(&format!("tag:{k}"), [v]));
    }
    out
}

fn one_result<T>(kind: &str, mut items: Vec<T>) -> Result<T, Error> {
    match items.len() {
        0 => Err(invalid(format!("no matching {kind} found"))),
        1 => Ok(items.remove(0)),
        n => Err(invalid(format!("multiple {kind}s matched ({n}); use additional constraints to reduce matches to a single {kind}"))),
    }
}

// ---------------------------------------------------------------- AZs

struct AzsDs;

#[async_trait::async_trait]
impl DataSource for AzsDs {
    fn name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> Schema {
        schema(with_blocks(
            block(vec![
                id(),
                ("all_availability_zones", opt_b()),
                ("exclude_names", opt_set()),
                ("exclude_zone_ids", opt_set()),
                ("group_names", Attribute::computed(Type::set(Type::String))),
                ("names", Attribute::computed(Type::list(Type::String))),
                ("state", opt_s()),
                ("zone_ids", Attribute::computed(Type::list(Type::String))),
            ]),
            vec![filter_block(), timeouts(&["read"])],
        ))
    }

    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let mut filters = filters_of(config);
        if let Some(s) = get_ne(config, "state") {
            filters.push(filter("state", [s]));
        }
        let all = get_b(config, "all_availability_zones");
        let resp = aws
            .call("EC2 DescribeAvailabilityZones", || {
                aws.ec2
                    .describe_availability_zones()
                    .set_all_availability_zones(all)
                    .set_filters((!filters.is_empty()).then(|| filters.clone()))
                    .send()
            })
            .await?;
        let ex_names = get_strs(config, "exclude_names");
        let ex_ids = get_strs(config, "exclude_zone_ids");
        let mut zones: Vec<_> = resp
            .availability_zones()
            .iter()
            .filter(|z| {
                !ex_names.iter().any(|n| Some(n.as_str()) == z.zone_name())
                    && !ex_ids.iter().any(|n| Some(n.as_str()) == z.zone_id())
            })
            .collect();
        zones.sort_by(|a, b| a.zone_name().cmp(&b.zone_name()));
        out.insert("id".into(), vs(&aws.region));
        out.insert(
            "names".into(),
            vlist(zones.iter().filter_map(|z| z.zone_name().map(String::from))),
        );
        out.insert(
            "zone_ids".into(),
            vlist(zones.iter().filter_map(|z| z.zone_id().map(String::from))),
        );
        out.insert(
            "group_names".into(),
            vset(
                zones
                    .iter()
                    .filter_map(|z| z.group_name().map(String::from)),
            ),
        );
        Ok(())
    }
}

// ------------------------------------------------- region / identity / partition

struct RegionDs;

#[async_trait::async_trait]
impl DataSource for RegionDs {
    fn name(&self) -> &'static str {
        "aws_region"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("name", oc_s()),
            ("endpoint", oc_s()),
            ("description", comp_s()),
        ]))
    }

    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let name = get_ne(config, "name").unwrap_or_else(|| aws.region.clone());
        out.insert("id".into(), vs(&name));
        out.insert("name".into(), vs(&name));
        out.insert(
            "endpoint".into(),
            vs(format!("ec2.{name}.{}", aws.dns_suffix())),
        );
        out.insert("description".into(), vs(region_description(&name)));
        Ok(())
    }
}

fn region_description(r: &str) -> String {
    let d = match r {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-west-2" => "Europe (London)",
        "eu-west-3" => "Europe (Paris)",
        "eu-central-1" => "Europe (Frankfurt)",
        "eu-north-1" => "Europe (Stockholm)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "ca-central-1" => "Canada (Central)",
        "sa-east-1" => "South America (Sao Paulo)",
        _ => "",
    };
    d.to_string()
}

struct CallerDs;

#[async_trait::async_trait]
impl DataSource for CallerDs {
    fn name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("account_id", comp_s()),
            ("arn", comp_s()),
            ("user_id", comp_s()),
        ]))
    }

    async fn read(&self, aws: &Aws, _config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let r = aws
            .call("STS GetCallerIdentity", || {
                aws.sts.get_caller_identity().send()
            })
            .await?;
        let account = r.account().unwrap_or_default();
        out.insert("id".into(), vs(account));
        out.insert("account_id".into(), vs(account));
        out.insert("arn".into(), vso(r.arn()));
        out.insert("user_id".into(), vso(r.user_id()));
        Ok(())
    }
}

struct PartitionDs;

#[async_trait::async_trait]
impl DataSource for PartitionDs {
    fn name(&self) -> &'static str {
        "aws_partition"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("dns_suffix", comp_s()),
            ("partition", comp_s()),
            ("reverse_dns_prefix", comp_s()),
        ]))
    }

    async fn read(&self, aws: &Aws, _config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let suffix = aws.dns_suffix();
        let reverse: Vec<&str> = suffix.split('.').rev().collect();
        out.insert("id".into(), vs(&aws.partition));
        out.insert("partition".into(), vs(&aws.partition));
        out.insert("dns_suffix".into(), vs(suffix));
        out.insert("reverse_dns_prefix".into(), vs(reverse.join(".")));
        Ok(())
    }
}

// ---------------------------------------------------------------- aws_vpc

struct VpcDs;

fn assoc_block() -> Block {
    block(vec![
        ("association_id", comp_s()),
        ("cidr_block", comp_s()),
        ("state", comp_s()),
    ])
}

#[async_trait::async_trait]
impl DataSource for VpcDs {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> Schema {
        let ab = assoc_block();
        schema(with_blocks(
            block(vec![
                ("id", oc_s()),
                ("arn", comp_s()),
                ("cidr_block", oc_s()),
                (
                    "cidr_block_associations",
                    Attribute::computed(Type::list(ab.implied_type())),
                ),
                ("default", oc_b()),
                ("dhcp_options_id", oc_s()),
                ("enable_dns_hostnames", Attribute::computed(Type::Bool)),
                ("enable_dns_support", Attribute::computed(Type::Bool)),
                (
                    "enable_network_address_usage_metrics",
                    Attribute::computed(Type::Bool),
                ),
                ("instance_tenancy", comp_s()),
                ("ipv6_association_id", comp_s()),
                ("ipv6_cidr_block", comp_s()),
                ("main_route_table_id", comp_s()),
                ("owner_id", comp_s()),
                ("state", oc_s()),
                (
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                ),
            ]),
            vec![filter_block(), timeouts(&["read"])],
        ))
    }

    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let mut filters = filters_of(config);
        for (attr, name) in [
            ("cidr_block", "cidr"),
            ("dhcp_options_id", "dhcp-options-id"),
            ("state", "state"),
        ] {
            if let Some(v) = get_ne(config, attr) {
                filters.push(filter(name, [v]));
            }
        }
        if let Some(d) = get_b(config, "default") {
            filters.push(filter("is-default", [d.to_string()]));
        }
        let ids: Option<Vec<String>> = get_ne(config, "id").map(|i| vec![i]);
        let resp = aws
            .call("EC2 DescribeVpcs", || {
                aws.ec2
                    .describe_vpcs()
                    .set_vpc_ids(ids.clone())
                    .set_filters((!filters.is_empty()).then(|| filters.clone()))
                    .send()
            })
            .await?;
        let v = one_result("EC2 VPC", resp.vpcs().to_vec())?;
        let id = v.vpc_id().unwrap_or_default().to_string();
        let owner = v.owner_id().unwrap_or_default();
        out.insert("id".into(), vs(&id));
        out.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}:{owner}:vpc/{id}",
                aws.partition, aws.region
            )),
        );
        out.insert("owner_id".into(), vs(owner));
        out.insert("cidr_block".into(), vso(v.cidr_block()));
        out.insert("default".into(), vb(v.is_default().unwrap_or(false)));
        out.insert("dhcp_options_id".into(), vso(v.dhcp_options_id()));
        out.insert(
            "instance_tenancy".into(),
            vso(v.instance_tenancy().map(|t| t.as_str())),
        );
        out.insert("state".into(), vso(v.state().map(|s| s.as_str())));
        out.insert("tags".into(), vmap(&tag_map(v.tags())));
        let ab = assoc_block();
        out.insert(
            "cidr_block_associations".into(),
            Value::list(
                ab.implied_type(),
                v.cidr_block_association_set()
                    .iter()
                    .map(|a| {
                        let mut o = Obj::new();
                        o.insert("association_id".into(), vso(a.association_id()));
                        o.insert("cidr_block".into(), vso(a.cidr_block()));
                        o.insert(
                            "state".into(),
                            vso(a
                                .cidr_block_state()
                                .and_then(|s| s.state())
                                .map(|s| s.as_str())),
                        );
                        vobj(o)
                    })
                    .collect(),
            ),
        );
        let v6 = v.ipv6_cidr_block_association_set().first();
        out.insert(
            "ipv6_association_id".into(),
            vs(v6.and_then(|a| a.association_id()).unwrap_or_default()),
        );
        out.insert(
            "ipv6_cidr_block".into(),
            vs(v6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default()),
        );
        let attr = |name: aws_sdk_ec2::types::VpcAttributeName| {
            let id = id.clone();
            async move {
                aws.call("EC2 DescribeVpcAttribute", || {
                    aws.ec2
                        .describe_vpc_attribute()
                        .vpc_id(&id)
                        .attribute(name.clone())
                        .send()
                })
                .await
            }
        };
        use aws_sdk_ec2::types::VpcAttributeName as N;
        let h = attr(N::EnableDnsHostnames).await?;
        let s = attr(N::EnableDnsSupport).await?;
        let m = attr(N::EnableNetworkAddressUsageMetrics).await.ok();
        let val = |a: Option<&aws_sdk_ec2::types::AttributeBooleanValue>| {
            a.and_then(|x| x.value()).unwrap_or(false)
        };
        out.insert(
            "enable_dns_hostnames".into(),
            vb(val(h.enable_dns_hostnames())),
        );
        out.insert("enable_dns_support".into(), vb(val(s.enable_dns_support())));
        out.insert(
            "enable_network_address_usage_metrics".into(),
            vb(m.as_ref()
                .map(|m| val(m.enable_network_address_usage_metrics()))
                .unwrap_or(false)),
        );
        let rt = aws
            .call("EC2 DescribeRouteTables", || {
                aws.ec2
                    .describe_route_tables()
                    .filters(filter("vpc-id", [id.as_str()]))
                    .filters(filter("association.main", ["true"]))
                    .send()
            })
            .await?;
        out.insert(
            "main_route_table_id".into(),
            vs(rt
                .route_tables()
                .first()
                .and_then(|r| r.route_table_id())
                .unwrap_or_default()),
        );
        Ok(())
    }
}

// ------------------------------------------------------------- aws_subnets

struct SubnetsDs;

#[async_trait::async_trait]
impl DataSource for SubnetsDs {
    fn name(&self) -> &'static str {
        "aws_subnets"
    }

    fn schema(&self) -> Schema {
        schema(with_blocks(
            block(vec![
                id(),
                ("ids", Attribute::computed(Type::list(Type::String))),
                (
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                ),
            ]),
            vec![filter_block(), timeouts(&["read"])],
        ))
    }

    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let filters = filters_of(config);
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let resp = aws
                .call("EC2 DescribeSubnets", || {
                    aws.ec2
                        .describe_subnets()
                        .set_filters((!filters.is_empty()).then(|| filters.clone()))
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            ids.extend(
                resp.subnets()
                    .iter()
                    .filter_map(|s| s.subnet_id().map(String::from)),
            );
            match resp.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        out.insert("id".into(), vs(&aws.region));
        out.insert("ids".into(), vlist(ids));
        if out.get("tags").is_none_or(Value::is_null) {
            out.insert("tags".into(), Value::null(Type::map(Type::String)));
        }
        Ok(())
    }
}

// ---------------------------------------------------- aws_security_group

struct SgDs;

#[async_trait::async_trait]
impl DataSource for SgDs {
    fn name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        schema(with_blocks(
            block(vec![
                ("id", oc_s()),
                ("arn", comp_s()),
                ("description", comp_s()),
                ("name", oc_s()),
                (
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                ),
                ("vpc_id", oc_s()),
            ]),
            vec![filter_block(), timeouts(&["read"])],
        ))
    }

    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let mut filters = filters_of(config);
        if let Some(n) = get_ne(config, "name") {
            filters.push(filter("group-name", [n]));
        }
        if let Some(v) = get_ne(config, "vpc_id") {
            filters.push(filter("vpc-id", [v]));
        }
        if let Some(i) = get_ne(config, "id") {
            filters.push(filter("group-id", [i]));
        }
        let resp = aws
            .call("EC2 DescribeSecurityGroups", || {
                aws.ec2
                    .describe_security_groups()
                    .set_filters((!filters.is_empty()).then(|| filters.clone()))
                    .send()
            })
            .await?;
        let g = one_result("EC2 Security Group", resp.security_groups().to_vec())?;
        let id = g.group_id().unwrap_or_default();
        let owner = g.owner_id().unwrap_or_default();
        out.insert("id".into(), vs(id));
        out.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}:{owner}:security-group/{id}",
                aws.partition, aws.region
            )),
        );
        out.insert("description".into(), vso(g.description()));
        out.insert("name".into(), vso(g.group_name()));
        out.insert("vpc_id".into(), vso(g.vpc_id()));
        out.insert("tags".into(), vmap(&tag_map(g.tags())));
        Ok(())
    }
}

// ---------------------------------------------------------------- aws_ami

struct AmiDs;

#[async_trait::async_trait]
impl DataSource for AmiDs {
    fn name(&self) -> &'static str {
        "aws_ami"
    }

    fn schema(&self) -> Schema {
        schema(with_blocks(
            block(vec![
                id(),
                ("architecture", comp_s()),
                ("arn", comp_s()),
                ("creation_date", comp_s()),
                ("description", comp_s()),
                ("ena_support", Attribute::computed(Type::Bool)),
                ("executable_users", opt_list()),
                ("hypervisor", comp_s()),
                ("image_id", comp_s()),
                ("image_location", comp_s()),
                ("image_owner_alias", comp_s()),
                ("image_type", comp_s()),
                ("include_deprecated", opt_b()),
                ("kernel_id", comp_s()),
                ("most_recent", opt_b()),
                ("name", comp_s()),
                ("name_regex", opt_s()),
                ("owner_id", comp_s()),
                ("owners", opt_list()),
                ("platform", comp_s()),
                ("platform_details", comp_s()),
                ("public", Attribute::computed(Type::Bool)),
                ("root_device_name", comp_s()),
                ("root_device_type", comp_s()),
                ("state", comp_s()),
                (
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                ),
                ("virtualization_type", comp_s()),
            ]),
            vec![filter_block(), timeouts(&["read"])],
        ))
    }

    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error> {
        let filters = filters_of(config);
        let owners = get_strs(config, "owners");
        let users = get_strs(config, "executable_users");
        let resp = aws
            .call("EC2 DescribeImages", || {
                aws.ec2
                    .describe_images()
                    .set_owners((!owners.is_empty()).then(|| owners.clone()))
                    .set_executable_users((!users.is_empty()).then(|| users.clone()))
                    .set_filters((!filters.is_empty()).then(|| filters.clone()))
                    .set_include_deprecated(get_b(config, "include_deprecated"))
                    .send()
            })
            .await?;
        let mut images: Vec<_> = resp.images().to_vec();
        if let Some(re) = get_ne(config, "name_regex") {
            let re = regex::Regex::new(&re).map_err(|e| invalid(format!("name_regex: {e}")))?;
            images.retain(|i| i.name().is_some_and(|n| re.is_match(n)));
        }
        if images.len() > 1 && get_b(config, "most_recent") == Some(true) {
            images.sort_by(|a, b| b.creation_date().cmp(&a.creation_date()));
            images.truncate(1);
        }
        let img = match images.len() {
            0 => return Err(invalid("Your query returned no results. Please change your search criteria and try again.")),
            1 => images.remove(0),
            _ => {
                return Err(invalid(
                    "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
                ))
            }
        };
        let id = img.image_id().unwrap_or_default();
        out.insert("id".into(), vs(id));
        out.insert("image_id".into(), vs(id));
        out.insert(
            "arn".into(),
            vs(format!(
                "arn:{}:ec2:{}::image/{id}",
                aws.partition, aws.region
            )),
        );
        out.insert(
            "architecture".into(),
            vso(img.architecture().map(|a| a.as_str())),
        );
        out.insert("creation_date".into(), vso(img.creation_date()));
        out.insert("description".into(), vso(img.description()));
        out.insert("ena_support".into(), vb(img.ena_support().unwrap_or(false)));
        out.insert(
            "hypervisor".into(),
            vso(img.hypervisor().map(|h| h.as_str())),
        );
        out.insert("image_location".into(), vso(img.image_location()));
        out.insert("image_owner_alias".into(), vso(img.image_owner_alias()));
        out.insert(
            "image_type".into(),
            vso(img.image_type().map(|t| t.as_str())),
        );
        out.insert("kernel_id".into(), vso(img.kernel_id()));
        out.insert("name".into(), vso(img.name()));
        out.insert("owner_id".into(), vso(img.owner_id()));
        out.insert("platform".into(), vso(img.platform().map(|p| p.as_str())));
        out.insert("platform_details".into(), vso(img.platform_details()));
        out.insert("public".into(), vb(img.public().unwrap_or(false)));
        out.insert("root_device_name".into(), vso(img.root_device_name()));
        out.insert(
            "root_device_type".into(),
            vso(img.root_device_type().map(|t| t.as_str())),
        );
        out.insert("state".into(), vso(img.state().map(|s| s.as_str())));
        out.insert(
            "virtualization_type".into(),
            vso(img.virtualization_type().map(|v| v.as_str())),
        );
        out.insert("tags".into(), vmap(&tag_map(img.tags())));
        Ok(())
    }
}
