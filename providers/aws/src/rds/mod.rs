//! RDS: `aws_db_subnet_group`, `aws_db_parameter_group`,
//! `aws_db_instance` (in [`instance`]) and Aurora's `aws_rds_cluster` /
//! `aws_rds_cluster_instance` (in [`cluster`]).

mod cluster;
mod instance;

use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{invalid, sync_tags_all, Error, Failed, PlanCtx, Resource, Tags};
use crate::subnet_group::{Described, SubnetGroupApi, SubnetGroupRes};
use crate::vals::*;
use aws_sdk_rds::types::{ApplyMethod, Parameter, Tag};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Block, Schema};
use terrane_value::Value;

/// Every RDS resource type.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(SubnetGroupRes(DbSubnetGroups)),
        Arc::new(ParamGroupRes),
        Arc::new(instance::InstanceRes),
        Arc::new(cluster::ClusterRes),
        Arc::new(cluster::ClusterInstanceRes),
    ]
}

/// RDS tags as SDK tags.
pub fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// RDS tags as a map.
pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// The tags of an RDS resource by ARN.
pub async fn read_tags(aws: &Aws, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = aws
        .call("RDS ListTagsForResource", || {
            aws.rds.list_tags_for_resource().resource_name(arn).send()
        })
        .await?;
    Ok(tag_map(out.tag_list()))
}

/// Brings an RDS resource's tags from prior `tags_all` to planned.
pub async fn sync_tags(aws: &Aws, arn: &str, prior: &Obj, p: &Obj) -> Result<(), AwsError> {
    sync_tags_all(
        prior,
        p,
        |removed| async move {
            let keys: Vec<String> = removed.into_keys().collect();
            aws.call("RDS RemoveTagsFromResource", || {
                aws.rds
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await
            .map(|_| ())
        },
        |changed| async move {
            aws.call("RDS AddTagsToResource", || {
                aws.rds
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(tag_list(&changed)))
                    .send()
            })
            .await
            .map(|_| ())
        },
    )
    .await
}

/// Checks `name`/`name_prefix` of RDS groups: not both, and (as RDS
/// requires) lower-case. Unset names are generated at create time.
pub fn plan_name(p: &mut PlanCtx<'_>) -> Result<(), Error> {
    if p.prior.is_some() {
        return Ok(());
    }
    let name = get_ne(p.config, "name");
    let prefix = get_ne(p.config, "name_prefix");
    if name.is_some() && prefix.is_some() {
        return Err(invalid("\"name\": conflicts with name_prefix"));
    }
    for (attr, v) in [("name", name), ("name_prefix", prefix)] {
        if let Some(v) = v {
            if v.chars().any(|c| c.is_ascii_uppercase()) {
                return Err(invalid(format!(
                    "\"{attr}\": only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed in {v:?}"
                )));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------- subnet group

/// RDS's subnet group calls (the resource is [`SubnetGroupRes`]).
struct DbSubnetGroups;

#[async_trait::async_trait]
impl SubnetGroupApi for DbSubnetGroups {
    fn type_name(&self) -> &'static str {
        "aws_db_subnet_group"
    }

    fn what(&self) -> &'static str {
        "DB subnet group"
    }

    fn schema(&self) -> Schema {
        let strings = terrane_value::Type::set(terrane_value::Type::String);
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("description", opt_s()),
            ("name", oc_s().force_new()),
            ("name_prefix", oc_s().force_new()),
            (
                "subnet_ids",
                terrane_provider::Attribute::required(strings.clone()),
            ),
            (
                "supported_network_types",
                terrane_provider::Attribute::computed(strings),
            ),
            ("vpc_id", comp_s()),
        ];
        attrs.extend(tags());
        schema(block(attrs))
    }

    fn plan_name(&self, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        plan_name(p)
    }

    fn create_name(&self, p: &Obj) -> String {
        name_or_generated(p, "name", "name_prefix", "terraform-", 255)
    }

    fn adjust_read(&self, st: &mut Obj) {
        if get_s(st, "name_prefix").is_none() {
            st.insert("name_prefix".into(), vs(""));
        }
    }

    async fn create(
        &self,
        aws: &Aws,
        name: &str,
        description: String,
        subnet_ids: Vec<String>,
        tags: &Tags,
    ) -> Result<(), AwsError> {
        aws.call("RDS CreateDBSubnetGroup", || {
            aws.rds
                .create_db_subnet_group()
                .db_subnet_group_name(name)
                .db_subnet_group_description(description.clone())
                .set_subnet_ids(Some(subnet_ids.clone()))
                .set_tags((!tags.is_empty()).then(|| tag_list(tags)))
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn describe(&self, aws: &Aws, name: &str) -> Result<Option<Described>, AwsError> {
        let out = match aws
            .call("RDS DescribeDBSubnetGroups", || {
                aws.rds
                    .describe_db_subnet_groups()
                    .db_subnet_group_name(name)
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["DBSubnetGroupNotFoundFault"]) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(out.db_subnet_groups().first().map(|g| Described {
            arn: g.db_subnet_group_arn().unwrap_or_default().to_string(),
            description: g.db_subnet_group_description().map(String::from),
            vpc_id: g.vpc_id().map(String::from),
            subnet_ids: g
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_identifier().map(String::from))
                .collect(),
            extra: vec![(
                "supported_network_types",
                vset(g.supported_network_types().iter().cloned()),
            )],
        }))
    }

    async fn modify(
        &self,
        aws: &Aws,
        name: &str,
        description: Option<String>,
        subnet_ids: Vec<String>,
    ) -> Result<(), AwsError> {
        aws.call("RDS ModifyDBSubnetGroup", || {
            aws.rds
                .modify_db_subnet_group()
                .db_subnet_group_name(name)
                .set_db_subnet_group_description(description.clone())
                .set_subnet_ids(Some(subnet_ids.clone()))
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn delete(&self, aws: &Aws, name: &str) -> Result<(), AwsError> {
        match aws
            .call_retrying(
                "RDS DeleteDBSubnetGroup",
                &["InvalidDBSubnetGroupStateFault"],
                || {
                    aws.rds
                        .delete_db_subnet_group()
                        .db_subnet_group_name(name)
                        .send()
                },
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["DBSubnetGroupNotFoundFault"]) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn read_tags(&self, aws: &Aws, arn: &str) -> Result<Tags, AwsError> {
        read_tags(aws, arn).await
    }

    async fn sync_tags(&self, aws: &Aws, arn: &str, prior: &Obj, p: &Obj) -> Result<(), AwsError> {
        sync_tags(aws, arn, prior, p).await
    }
}

// ------------------------------------------------------- parameter group

struct ParamGroupRes;

fn param_block() -> Block {
    block(vec![
        ("apply_method", opt_s()),
        ("name", req_s()),
        ("value", req_s()),
    ])
}

fn apply_method_default(v: &Value) -> Value {
    let pb = param_block();
    let Some(items) = v.as_seq() else {
        return v.clone();
    };
    Value::set(
        pb.implied_type(),
        items
            .iter()
            .map(|x| {
                let mut o = obj(x);
                if get_ne(&o, "apply_method").is_none() {
                    o.insert("apply_method".into(), vs("immediate"));
                }
                vobj(o)
            })
            .collect(),
    )
}

fn to_parameter(o: &Obj) -> Parameter {
    Parameter::builder()
        .set_parameter_name(get_s(o, "name"))
        .set_parameter_value(get_s(o, "value"))
        .apply_method(ApplyMethod::from(
            get_s(o, "apply_method")
                .unwrap_or_else(|| "immediate".into())
                .as_str(),
        ))
        .build()
}

impl ParamGroupRes {
    async fn modify(&self, aws: &Aws, name: &str, params: &[Obj]) -> Result<(), AwsError> {
        for chunk in params.chunks(20) {
            let ps: Vec<Parameter> = chunk.iter().map(to_parameter).collect();
            aws.call("RDS ModifyDBParameterGroup", || {
                aws.rds
                    .modify_db_parameter_group()
                    .db_parameter_group_name(name)
                    .set_parameters(Some(ps.clone()))
                    .send()
            })
            .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource for ParamGroupRes {
    fn name(&self) -> &'static str {
        "aws_db_parameter_group"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("description", opt_s().force_new()),
            ("family", req_s().force_new()),
            ("name", oc_s().force_new()),
            ("name_prefix", oc_s().force_new()),
            ("skip_destroy", opt_b()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![("parameter", set(param_block()))],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("description", vs("Managed by Terraform"))]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        plan_name(p)?;
        let v = p.planned.get("parameter").cloned().unwrap_or_default();
        p.planned
            .insert("parameter".into(), apply_method_default(&v));
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let name = name_or_generated(p, "name", "name_prefix", "terraform-", 255);
        aws.call("RDS CreateDBParameterGroup", || {
            aws.rds
                .create_db_parameter_group()
                .db_parameter_group_name(&name)
                .db_parameter_group_family(get_s(p, "family").unwrap_or_default())
                .description(get_s(p, "description").unwrap_or_default())
                .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                .send()
        })
        .await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(&name));
        self.modify(aws, &name, &get_blocks(p, "parameter"))
            .await
            .map_err(|e| Failed::from(e).with_partial(st.clone()))?;
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("DB parameter group disappeared after create"))
                    .with_partial(st),
            ),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let name = get_s(state, "id").unwrap_or_default();
        let out = match aws
            .call("RDS DescribeDBParameterGroups", || {
                aws.rds
                    .describe_db_parameter_groups()
                    .db_parameter_group_name(&name)
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["DBParameterGroupNotFound"]) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(g) = out.db_parameter_groups().first() else {
            return Ok(None);
        };
        let arn = g.db_parameter_group_arn().unwrap_or_default().to_string();
        let mut st = state.clone();
        st.insert("id".into(), vs(&name));
        st.insert("name".into(), vs(&name));
        if get_s(&st, "name_prefix").is_none() {
            st.insert("name_prefix".into(), vs(""));
        }
        st.insert("arn".into(), vs(&arn));
        st.insert("family".into(), vso(g.db_parameter_group_family()));
        st.insert("description".into(), vso(g.description()));
        // User-set parameters, paginated.
        let mut user: Vec<Parameter> = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = aws
                .call("RDS DescribeDBParameters", || {
                    aws.rds
                        .describe_db_parameters()
                        .db_parameter_group_name(&name)
                        .source("user")
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            user.extend(out.parameters().iter().cloned());
            match out.marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => break,
            }
        }
        let prior_methods: BTreeMap<String, String> = get_blocks(state, "parameter")
            .iter()
            .filter_map(|p| {
                Some((
                    get_s(p, "name")?,
                    get_s(p, "apply_method").unwrap_or_else(|| "immediate".into()),
                ))
            })
            .collect();
        let pb = param_block();
        let params: Vec<Value> = user
            .iter()
            .filter_map(|p| {
                let n = p.parameter_name()?.to_string();
                let mut o = Obj::new();
                o.insert(
                    "apply_method".into(),
                    vs(prior_methods.get(&n).cloned().unwrap_or_else(|| {
                        p.apply_method()
                            .map(|m| m.as_str().to_string())
                            .unwrap_or_else(|| "immediate".into())
                    })),
                );
                o.insert("value".into(), vs(p.parameter_value().unwrap_or_default()));
                o.insert("name".into(), vs(n));
                Some(nested(&pb, o))
            })
            .collect();
        st.insert("parameter".into(), Value::set(pb.implied_type(), params));
        aws.set_tags(&mut st, read_tags(aws, &arn).await?);
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let name = get_s(prior, "id").unwrap_or_default();
        let old = get_blocks(prior, "parameter");
        let new = get_blocks(p, "parameter");
        let new_names: Vec<String> = new.iter().filter_map(|x| get_s(x, "name")).collect();
        let removed: Vec<Parameter> = old
            .iter()
            .filter(|o| get_s(o, "name").is_some_and(|n| !new_names.contains(&n)))
            .map(to_parameter)
            .collect();
        if !removed.is_empty() {
            aws.call("RDS ResetDBParameterGroup", || {
                aws.rds
                    .reset_db_parameter_group()
                    .db_parameter_group_name(&name)
                    .set_parameters(Some(removed.clone()))
                    .send()
            })
            .await?;
        }
        let changed: Vec<Obj> = new.iter().filter(|n| !old.contains(n)).cloned().collect();
        self.modify(aws, &name, &changed).await?;
        sync_tags(
            aws,
            get_s(prior, "arn").unwrap_or_default().as_str(),
            prior,
            p,
        )
        .await?;
        let mut base = p.clone();
        base.insert("id".into(), vs(&name));
        self.read_back(aws, &base, "DB parameter group").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        if get_b(state, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let name = get_s(state, "id").unwrap_or_default();
        match aws
            .call_retrying(
                "RDS DeleteDBParameterGroup",
                &["InvalidDBParameterGroupState"],
                || {
                    aws.rds
                        .delete_db_parameter_group()
                        .db_parameter_group_name(&name)
                        .send()
                },
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["DBParameterGroupNotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
