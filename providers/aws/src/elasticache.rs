//! ElastiCache: `aws_elasticache_subnet_group`,
//! `aws_elasticache_parameter_group` and `aws_elasticache_replication_group`
//! (Redis primary + replicas, automatic failover, multi-AZ, cluster mode,
//! at-rest / in-transit encryption, `auth_token`).

use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{
    invalid, sync_tags_all, timeout, wait_for, Error, Failed, PlanCtx, Resource, Tags,
};
use crate::subnet_group::{Described, SubnetGroupApi, SubnetGroupRes};
use crate::vals::*;
use aws_sdk_elasticache::types::{CacheCluster, ParameterNameValue, ReplicationGroup, Tag};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::{Attribute, Block, Schema};
use terrane_value::{Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(SubnetGroupRes(CacheSubnetGroups)),
        Arc::new(ParamGroupRes),
        Arc::new(ReplicationGroupRes),
    ]
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

async fn read_tags(aws: &Aws, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = aws
        .call("ElastiCache ListTagsForResource", || {
            aws.elasticache
                .list_tags_for_resource()
                .resource_name(arn)
                .send()
        })
        .await?;
    Ok(out
        .tag_list()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect())
}

async fn sync_tags(aws: &Aws, arn: &str, prior: &Obj, p: &Obj) -> Result<(), AwsError> {
    sync_tags_all(
        prior,
        p,
        |removed| async move {
            let keys: Vec<String> = removed.into_keys().collect();
            aws.call("ElastiCache RemoveTagsFromResource", || {
                aws.elasticache
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(keys.clone()))
                    .send()
            })
            .await
            .map(|_| ())
        },
        |changed| async move {
            aws.call("ElastiCache AddTagsToResource", || {
                aws.elasticache
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

fn lower_name(p: &mut PlanCtx<'_>, attr: &str) {
    if let Some(n) = get_s(&p.planned, attr) {
        let l = n.to_lowercase();
        if p.prior
            .is_some_and(|pr| get_s(pr, attr).as_deref() == Some(l.as_str()))
        {
            p.requires_replace.retain(|x| x.to_string() != attr);
        }
        p.planned.insert(attr.into(), vs(l));
    }
}

// ------------------------------------------------------------ subnet group

/// ElastiCache's subnet group calls (the resource is [`SubnetGroupRes`]).
struct CacheSubnetGroups;

#[async_trait::async_trait]
impl SubnetGroupApi for CacheSubnetGroups {
    fn type_name(&self) -> &'static str {
        "aws_elasticache_subnet_group"
    }

    fn what(&self) -> &'static str {
        "cache subnet group"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("description", opt_s()),
            ("name", req_s().force_new()),
            ("subnet_ids", Attribute::required(Type::set(Type::String))),
            ("vpc_id", comp_s()),
        ];
        attrs.extend(tags());
        schema(block(attrs))
    }

    fn plan_name(&self, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        lower_name(p, "name");
        Ok(())
    }

    fn create_name(&self, p: &Obj) -> String {
        get_s(p, "name").unwrap_or_default()
    }

    async fn create(
        &self,
        aws: &Aws,
        name: &str,
        description: String,
        subnet_ids: Vec<String>,
        tags: &Tags,
    ) -> Result<(), AwsError> {
        aws.call("ElastiCache CreateCacheSubnetGroup", || {
            aws.elasticache
                .create_cache_subnet_group()
                .cache_subnet_group_name(name)
                .cache_subnet_group_description(description.clone())
                .set_subnet_ids(Some(subnet_ids.clone()))
                .set_tags((!tags.is_empty()).then(|| tag_list(tags)))
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn describe(&self, aws: &Aws, name: &str) -> Result<Option<Described>, AwsError> {
        let out = match aws
            .call("ElastiCache DescribeCacheSubnetGroups", || {
                aws.elasticache
                    .describe_cache_subnet_groups()
                    .cache_subnet_group_name(name)
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["CacheSubnetGroupNotFoundFault"]) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(out.cache_subnet_groups().first().map(|g| Described {
            arn: g.arn().unwrap_or_default().to_string(),
            description: g.cache_subnet_group_description().map(String::from),
            vpc_id: g.vpc_id().map(String::from),
            subnet_ids: g
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_identifier().map(String::from))
                .collect(),
            extra: Vec::new(),
        }))
    }

    async fn modify(
        &self,
        aws: &Aws,
        name: &str,
        description: Option<String>,
        subnet_ids: Vec<String>,
    ) -> Result<(), AwsError> {
        aws.call("ElastiCache ModifyCacheSubnetGroup", || {
            aws.elasticache
                .modify_cache_subnet_group()
                .cache_subnet_group_name(name)
                .set_cache_subnet_group_description(description.clone())
                .set_subnet_ids(Some(subnet_ids.clone()))
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn delete(&self, aws: &Aws, name: &str) -> Result<(), AwsError> {
        match aws
            .call_retrying(
                "ElastiCache DeleteCacheSubnetGroup",
                &["DependencyViolation"],
                || {
                    aws.elasticache
                        .delete_cache_subnet_group()
                        .cache_subnet_group_name(name)
                        .send()
                },
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["CacheSubnetGroupNotFoundFault"]) => Ok(()),
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

// --------------------------------------------------------- parameter group

struct ParamGroupRes;

fn param_block() -> Block {
    block(vec![("name", req_s()), ("value", req_s())])
}

#[async_trait::async_trait]
impl Resource for ParamGroupRes {
    fn name(&self) -> &'static str {
        "aws_elasticache_parameter_group"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("description", opt_s().force_new()),
            ("family", req_s().force_new()),
            ("name", req_s().force_new()),
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
        lower_name(p, "name");
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let name = get_s(p, "name").unwrap_or_default();
        aws.call("ElastiCache CreateCacheParameterGroup", || {
            aws.elasticache
                .create_cache_parameter_group()
                .cache_parameter_group_name(&name)
                .cache_parameter_group_family(get_s(p, "family").unwrap_or_default())
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
            Ok(None) => Err(Failed::from(invalid(
                "cache parameter group disappeared after create",
            ))
            .with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let name = get_s(state, "id").unwrap_or_default();
        let out = match aws
            .call("ElastiCache DescribeCacheParameterGroups", || {
                aws.elasticache
                    .describe_cache_parameter_groups()
                    .cache_parameter_group_name(&name)
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["CacheParameterGroupNotFound"]) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let Some(g) = out.cache_parameter_groups().first() else {
            return Ok(None);
        };
        let arn = g.arn().unwrap_or_default().to_string();
        let mut st = state.clone();
        st.insert("id".into(), vs(&name));
        st.insert("name".into(), vs(&name));
        st.insert("arn".into(), vs(&arn));
        st.insert("family".into(), vso(g.cache_parameter_group_family()));
        st.insert("description".into(), vso(g.description()));
        // Only user-set parameters, and only those the configuration names
        // (the family's defaults are not this resource's business).
        let out = aws
            .call("ElastiCache DescribeCacheParameters", || {
                aws.elasticache
                    .describe_cache_parameters()
                    .cache_parameter_group_name(&name)
                    .source("user")
                    .send()
            })
            .await?;
        let pb = param_block();
        let params: Vec<Value> = out
            .parameters()
            .iter()
            .filter_map(|x| {
                let mut o = Obj::new();
                o.insert("name".into(), vs(x.parameter_name()?));
                o.insert("value".into(), vs(x.parameter_value().unwrap_or_default()));
                Some(nested(&pb, o))
            })
            .collect();
        st.insert("parameter".into(), Value::set(pb.implied_type(), params));
        let tags = if arn.is_empty() {
            BTreeMap::new()
        } else {
            read_tags(aws, &arn).await?
        };
        aws.set_tags(&mut st, tags);
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let name = get_s(prior, "id").unwrap_or_default();
        let old = get_blocks(prior, "parameter");
        let new = get_blocks(p, "parameter");
        let new_names: Vec<String> = new.iter().filter_map(|x| get_s(x, "name")).collect();
        let removed: Vec<ParameterNameValue> = old
            .iter()
            .filter(|o| get_s(o, "name").is_some_and(|n| !new_names.contains(&n)))
            .map(|o| {
                ParameterNameValue::builder()
                    .set_parameter_name(get_s(o, "name"))
                    .build()
            })
            .collect();
        if !removed.is_empty() {
            aws.call("ElastiCache ResetCacheParameterGroup", || {
                aws.elasticache
                    .reset_cache_parameter_group()
                    .cache_parameter_group_name(&name)
                    .set_parameter_name_values(Some(removed.clone()))
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
        self.read_back(aws, &base, "cache parameter group").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let name = get_s(state, "id").unwrap_or_default();
        match aws
            .call_retrying(
                "ElastiCache DeleteCacheParameterGroup",
                &["InvalidCacheParameterGroupState"],
                || {
                    aws.elasticache
                        .delete_cache_parameter_group()
                        .cache_parameter_group_name(&name)
                        .send()
                },
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["CacheParameterGroupNotFound"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

impl ParamGroupRes {
    async fn modify(&self, aws: &Aws, name: &str, params: &[Obj]) -> Result<(), AwsError> {
        for chunk in params.chunks(20) {
            let ps: Vec<ParameterNameValue> = chunk
                .iter()
                .map(|o| {
                    ParameterNameValue::builder()
                        .set_parameter_name(get_s(o, "name"))
                        .set_parameter_value(get_s(o, "value"))
                        .build()
                })
                .collect();
            aws.call("ElastiCache ModifyCacheParameterGroup", || {
                aws.elasticache
                    .modify_cache_parameter_group()
                    .cache_parameter_group_name(name)
                    .set_parameter_name_values(Some(ps.clone()))
                    .send()
            })
            .await?;
        }
        Ok(())
    }
}

// ------------------------------------------------------ replication group

struct ReplicationGroupRes;

async fn find_rg(aws: &Aws, id: &str) -> Result<Option<ReplicationGroup>, AwsError> {
    match aws
        .call("ElastiCache DescribeReplicationGroups", || {
            aws.elasticache
                .describe_replication_groups()
                .replication_group_id(id)
                .send()
        })
        .await
    {
        Ok(o) => Ok(o.replication_groups().first().cloned()),
        Err(e) if e.is(&["ReplicationGroupNotFoundFault"]) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every object of a marker-paginated ElastiCache listing (`page(marker)`
/// answers one page and the next marker), by ID.
async fn list_all<T, F, Fut>(
    page: F,
    id_of: fn(&T) -> Option<&str>,
) -> Result<BTreeMap<String, T>, AwsError>
where
    F: Fn(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), AwsError>>,
{
    let mut out = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let (items, next) = page(marker.clone()).await?;
        for item in items {
            if let Some(id) = id_of(&item) {
                out.insert(id.to_string(), item);
            }
        }
        match next {
            Some(m) if !m.is_empty() => marker = Some(m),
            _ => return Ok(out),
        }
    }
}

/// Every cache cluster of the region, by ID.
async fn list_clusters(aws: &Aws) -> Result<BTreeMap<String, CacheCluster>, AwsError> {
    list_all(
        |marker| async move {
            let page = aws
                .call("ElastiCache DescribeCacheClusters", || {
                    aws.elasticache
                        .describe_cache_clusters()
                        .max_records(100)
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            Ok((
                page.cache_clusters().to_vec(),
                page.marker().map(String::from),
            ))
        },
        |c| c.cache_cluster_id(),
    )
    .await
}

/// Every replication group of the region, by ID.
async fn list_rgs(aws: &Aws) -> Result<BTreeMap<String, ReplicationGroup>, AwsError> {
    list_all(
        |marker| async move {
            let page = aws
                .call("ElastiCache DescribeReplicationGroups", || {
                    aws.elasticache
                        .describe_replication_groups()
                        .max_records(100)
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            Ok((
                page.replication_groups().to_vec(),
                page.marker().map(String::from),
            ))
        },
        |g| g.replication_group_id(),
    )
    .await
}

async fn wait_rg_available(
    aws: &Aws,
    id: &str,
    limit: Duration,
) -> Result<ReplicationGroup, Error> {
    wait_for(
        aws,
        &format!("ElastiCache replication group ({id}) to become available"),
        limit,
        || async {
            Ok(find_rg(aws, id)
                .await?
                .filter(|g| g.status() == Some("available")))
        },
    )
    .await
}

#[async_trait::async_trait]
impl Resource for ReplicationGroupRes {
    fn name(&self) -> &'static str {
        "aws_elasticache_replication_group"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("apply_immediately", oc_b()),
            ("arn", comp_s()),
            ("at_rest_encryption_enabled", oc_b().force_new()),
            ("auth_token", opt_s().sensitive()),
            ("auto_minor_version_upgrade", oc_b()),
            ("automatic_failover_enabled", opt_b()),
            ("cluster_enabled", Attribute::computed(Type::Bool)),
            ("cluster_mode", oc_s()),
            ("configuration_endpoint_address", comp_s()),
            ("description", req_s()),
            ("engine", opt_s().force_new()),
            ("engine_version", oc_s()),
            ("engine_version_actual", comp_s()),
            ("kms_key_id", opt_s().force_new()),
            ("maintenance_window", oc_s()),
            (
                "member_clusters",
                Attribute::computed(Type::set(Type::String)),
            ),
            ("multi_az_enabled", opt_b()),
            ("node_type", oc_s()),
            ("num_cache_clusters", oc_n()),
            ("num_node_groups", oc_n()),
            ("parameter_group_name", oc_s()),
            ("port", oc_n().force_new()),
            ("primary_endpoint_address", comp_s()),
            ("reader_endpoint_address", comp_s()),
            ("replicas_per_node_group", oc_n()),
            ("replication_group_id", req_s().force_new()),
            ("security_group_ids", oc_set()),
            ("snapshot_retention_limit", opt_n()),
            ("snapshot_window", oc_s()),
            ("subnet_group_name", oc_s().force_new()),
            ("transit_encryption_enabled", oc_b()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "update", "delete"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("automatic_failover_enabled", vb(false)),
            ("engine", vs("redis")),
            ("multi_az_enabled", vb(false)),
        ]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        lower_name(p, "replication_group_id");
        if get_b(&p.planned, "multi_az_enabled") == Some(true)
            && get_b(&p.planned, "automatic_failover_enabled") == Some(false)
        {
            return Err(invalid(
                "automatic_failover_enabled must be true if multi_az_enabled is true",
            ));
        }
        if let Some(pr) = p.prior {
            if let (Some(want), Some(actual)) = (
                get_s(&p.planned, "engine_version"),
                get_s(pr, "engine_version_actual"),
            ) {
                if actual.starts_with(want.trim_end_matches(".x")) {
                    p.planned.insert(
                        "engine_version".into(),
                        pr.get("engine_version").cloned().unwrap_or_default(),
                    );
                }
            }
            let scaling = [
                "num_cache_clusters",
                "node_type",
                "engine_version",
                "replicas_per_node_group",
            ]
            .iter()
            .any(|k| pr.get(*k) != p.planned.get(*k));
            if scaling && p.requires_replace.is_empty() {
                p.unknown("member_clusters", Type::set(Type::String));
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let id = get_s(p, "replication_group_id").unwrap_or_default();
        let n32 = |k: &str| get_i(p, k).filter(|_| !is_unknown(p, k)).map(|n| n as i32);
        let s_ = |k: &str| get_ne(p, k).filter(|_| !is_unknown(p, k));
        let b_ = |k: &str| get_b(p, k).filter(|_| !is_unknown(p, k));
        let sgs = get_strs(p, "security_group_ids");
        aws.call("ElastiCache CreateReplicationGroup", || {
            aws.elasticache
                .create_replication_group()
                .replication_group_id(&id)
                .replication_group_description(get_s(p, "description").unwrap_or_default())
                .set_engine(s_("engine"))
                .set_engine_version(s_("engine_version"))
                .set_cache_node_type(s_("node_type"))
                .set_num_cache_clusters(n32("num_cache_clusters"))
                .set_num_node_groups(n32("num_node_groups"))
                .set_replicas_per_node_group(n32("replicas_per_node_group"))
                .set_cache_parameter_group_name(s_("parameter_group_name"))
                .set_port(n32("port"))
                .set_cache_subnet_group_name(s_("subnet_group_name"))
                .set_security_group_ids((!sgs.is_empty()).then(|| sgs.clone()))
                .set_automatic_failover_enabled(b_("automatic_failover_enabled"))
                .set_multi_az_enabled(b_("multi_az_enabled"))
                .set_at_rest_encryption_enabled(b_("at_rest_encryption_enabled"))
                .set_transit_encryption_enabled(b_("transit_encryption_enabled"))
                .set_auth_token(s_("auth_token"))
                .set_kms_key_id(s_("kms_key_id"))
                .set_snapshot_retention_limit(n32("snapshot_retention_limit"))
                .set_snapshot_window(s_("snapshot_window"))
                .set_preferred_maintenance_window(s_("maintenance_window"))
                .set_auto_minor_version_upgrade(b_("auto_minor_version_upgrade"))
                .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                .send()
        })
        .await?;
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        let limit = timeout(p, "create", Duration::from_secs(60 * 60));
        let g = wait_rg_available(aws, &id, limit)
            .await
            .map_err(|e| Failed::from(e).with_partial(partial.clone()))?;
        self.state_full(aws, &partial, &g, None)
            .await
            .map_err(|e| Failed::from(e).with_partial(partial))
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let id = get_s(state, "id").unwrap_or_default();
        match find_rg(aws, &id).await? {
            Some(g) => Ok(Some(self.state_full(aws, state, &g, None).await?)),
            None => Ok(None),
        }
    }

    /// DescribeReplicationGroups takes one ID or none: for several groups
    /// one paginated listing (100 a page) replaces a call per group; the
    /// member cluster details and tags stay per group.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        if states.len() < 2 {
            let mut out = Vec::new();
            for s in states {
                out.push(self.read(aws, s).await);
            }
            return out;
        }
        let (all, members) =
            match futures::future::try_join(list_rgs(aws), list_clusters(aws)).await {
                Ok(x) => x,
                Err(e) => return states.iter().map(|_| Err(e.clone().into())).collect(),
            };
        let futs = states.iter().map(|s| {
            let (all, members) = (&all, &members);
            async move {
                match get_ne(s, "id").and_then(|id| all.get(&id)) {
                    Some(g) => self.state_full(aws, s, g, Some(members)).await.map(Some),
                    None => Ok(None),
                }
            }
        });
        futures::future::join_all(futs).await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let ch = |k: &str| prior.get(k) != p.get(k) && !is_unknown(p, k);
        let limit = timeout(p, "update", Duration::from_secs(40 * 60));
        // Replica count changes have their own calls.
        if ch("num_cache_clusters") {
            let (old, new) = (
                get_i(prior, "num_cache_clusters").unwrap_or(1),
                get_i(p, "num_cache_clusters").unwrap_or(1),
            );
            let apply_now = true;
            if new > old {
                aws.call("ElastiCache IncreaseReplicaCount", || {
                    aws.elasticache
                        .increase_replica_count()
                        .replication_group_id(&id)
                        .new_replica_count((new - 1) as i32)
                        .apply_immediately(apply_now)
                        .send()
                })
                .await?;
            } else if new < old {
                aws.call("ElastiCache DecreaseReplicaCount", || {
                    aws.elasticache
                        .decrease_replica_count()
                        .replication_group_id(&id)
                        .new_replica_count((new - 1) as i32)
                        .apply_immediately(apply_now)
                        .send()
                })
                .await?;
            }
            wait_rg_available(aws, &id, limit).await?;
        }
        let fields = [
            "description",
            "node_type",
            "engine_version",
            "parameter_group_name",
            "security_group_ids",
            "automatic_failover_enabled",
            "multi_az_enabled",
            "snapshot_retention_limit",
            "snapshot_window",
            "maintenance_window",
            "auto_minor_version_upgrade",
            "transit_encryption_enabled",
            "auth_token",
        ];
        if fields.iter().any(|k| ch(k)) {
            let s_ = |k: &str| if ch(k) { get_ne(p, k) } else { None };
            let b_ = |k: &str| if ch(k) { get_b(p, k) } else { None };
            let n32 = |k: &str| {
                if ch(k) {
                    get_i(p, k).map(|n| n as i32)
                } else {
                    None
                }
            };
            let sgs = ch("security_group_ids").then(|| get_strs(p, "security_group_ids"));
            let apply_now = get_b(p, "apply_immediately").unwrap_or(false);
            aws.call("ElastiCache ModifyReplicationGroup", || {
                aws.elasticache
                    .modify_replication_group()
                    .replication_group_id(&id)
                    .apply_immediately(apply_now)
                    .set_replication_group_description(s_("description"))
                    .set_cache_node_type(s_("node_type"))
                    .set_engine_version(s_("engine_version"))
                    .set_cache_parameter_group_name(s_("parameter_group_name"))
                    .set_security_group_ids(sgs.clone())
                    .set_automatic_failover_enabled(b_("automatic_failover_enabled"))
                    .set_multi_az_enabled(b_("multi_az_enabled"))
                    .set_snapshot_retention_limit(n32("snapshot_retention_limit"))
                    .set_snapshot_window(s_("snapshot_window"))
                    .set_preferred_maintenance_window(s_("maintenance_window"))
                    .set_auto_minor_version_upgrade(b_("auto_minor_version_upgrade"))
                    .set_transit_encryption_enabled(b_("transit_encryption_enabled"))
                    .set_auth_token(s_("auth_token"))
                    .send()
            })
            .await?;
            wait_rg_available(aws, &id, limit).await?;
        }
        sync_tags(
            aws,
            get_s(prior, "arn").unwrap_or_default().as_str(),
            prior,
            p,
        )
        .await?;
        let mut base = p.clone();
        base.insert("id".into(), vs(&id));
        self.read_back(aws, &base, "replication group").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        match aws
            .call_retrying(
                "ElastiCache DeleteReplicationGroup",
                &["InvalidReplicationGroupState"],
                || {
                    aws.elasticache
                        .delete_replication_group()
                        .replication_group_id(&id)
                        .send()
                },
            )
            .await
        {
            Ok(_) => {}
            Err(e) if e.is(&["ReplicationGroupNotFoundFault"]) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let limit = timeout(state, "delete", Duration::from_secs(40 * 60));
        wait_for(
            aws,
            &format!("ElastiCache replication group ({id}) to be deleted"),
            limit,
            || async { Ok(find_rg(aws, &id).await?.is_none().then_some(())) },
        )
        .await
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("id".into(), vs(id));
        for (k, v) in self.defaults() {
            o.insert(k.into(), v);
        }
        Ok(o)
    }
}

impl ReplicationGroupRes {
    /// The state of a replication group; its first member cluster's
    /// details come from `members` (a listing of the region's clusters)
    /// when given, else from their own call.
    async fn state_full(
        &self,
        aws: &Aws,
        prior: &Obj,
        g: &ReplicationGroup,
        members: Option<&BTreeMap<String, CacheCluster>>,
    ) -> Result<Obj, Error> {
        let mut st = prior.clone();
        let id = g.replication_group_id().unwrap_or_default();
        let arn = g.arn().unwrap_or_default().to_string();
        st.insert("id".into(), vs(id));
        st.insert("replication_group_id".into(), vs(id));
        st.insert("arn".into(), vs(&arn));
        st.insert("description".into(), vso(g.description()));
        st.insert("node_type".into(), vso(g.cache_node_type()));
        st.insert(
            "cluster_enabled".into(),
            vb(g.cluster_enabled().unwrap_or(false)),
        );
        st.insert(
            "cluster_mode".into(),
            vs(g.cluster_mode().map(|c| c.as_str()).unwrap_or("disabled")),
        );
        st.insert(
            "automatic_failover_enabled".into(),
            vb(g.automatic_failover().map(|a| a.as_str()) == Some("enabled")),
        );
        st.insert(
            "multi_az_enabled".into(),
            vb(g.multi_az().map(|a| a.as_str()) == Some("enabled")),
        );
        st.insert(
            "at_rest_encryption_enabled".into(),
            vb(g.at_rest_encryption_enabled().unwrap_or(false)),
        );
        st.insert(
            "transit_encryption_enabled".into(),
            vb(g.transit_encryption_enabled().unwrap_or(false)),
        );
        st.insert(
            "member_clusters".into(),
            vset(g.member_clusters().iter().cloned()),
        );
        let groups = g.node_groups();
        st.insert("num_node_groups".into(), vi(groups.len() as i64));
        let members_per_group = groups
            .first()
            .map(|n| n.node_group_members().len())
            .unwrap_or(0) as i64;
        st.insert(
            "replicas_per_node_group".into(),
            vi((members_per_group - 1).max(0)),
        );
        st.insert(
            "num_cache_clusters".into(),
            vi(g.member_clusters().len() as i64),
        );
        let primary = groups.first().and_then(|n| n.primary_endpoint());
        st.insert(
            "primary_endpoint_address".into(),
            vs(primary.and_then(|e| e.address()).unwrap_or_default()),
        );
        st.insert(
            "reader_endpoint_address".into(),
            vs(groups
                .first()
                .and_then(|n| n.reader_endpoint())
                .and_then(|e| e.address())
                .unwrap_or_default()),
        );
        let cfg_ep = g.configuration_endpoint();
        st.insert(
            "configuration_endpoint_address".into(),
            vs(cfg_ep.and_then(|e| e.address()).unwrap_or_default()),
        );
        let port = primary
            .and_then(|e| e.port())
            .or(cfg_ep.and_then(|e| e.port()));
        st.insert("port".into(), vio(port.map(i64::from)));
        st.insert(
            "snapshot_window".into(),
            vs(g.snapshot_window().unwrap_or_default()),
        );
        let limit = g.snapshot_retention_limit().unwrap_or(0);
        if !(prior
            .get("snapshot_retention_limit")
            .is_none_or(Value::is_null)
            && limit == 0)
        {
            st.insert("snapshot_retention_limit".into(), vi(limit.into()));
        }
        if get_s(&st, "kms_key_id").is_none() && g.kms_key_id().is_some() {
            st.insert("kms_key_id".into(), vso(g.kms_key_id()));
        }
        // Details only the member clusters know.
        // A member may not be visible yet (and moto 5.2.5 lists members it
        // cannot describe): then the configured values stand.
        let member_detail = match (g.member_clusters().first(), members) {
            (Some(member), Some(listed)) => listed.get(member).cloned(),
            (Some(member), None) => match aws
                .call("ElastiCache DescribeCacheClusters", || {
                    aws.elasticache
                        .describe_cache_clusters()
                        .cache_cluster_id(member)
                        .send()
                })
                .await
            {
                Ok(out) => out.cache_clusters().first().cloned(),
                Err(e) if e.is(&["CacheClusterNotFound"]) => None,
                Err(e) => return Err(e.into()),
            },
            (None, _) => None,
        };
        if member_detail.is_none() {
            let ev = get_s(&st, "engine_version").unwrap_or_default();
            st.insert("engine_version_actual".into(), vs(ev));
        }
        {
            if let Some(c) = member_detail.as_ref() {
                let actual = c.engine_version().unwrap_or_default().to_string();
                st.insert("engine_version_actual".into(), vs(&actual));
                let configured = get_s(prior, "engine_version")
                    .filter(|v| !v.is_empty() && actual.starts_with(v.trim_end_matches(".x")));
                st.insert("engine_version".into(), vs(configured.unwrap_or(actual)));
                st.insert("engine".into(), vs(c.engine().unwrap_or("redis")));
                st.insert(
                    "parameter_group_name".into(),
                    vs(c.cache_parameter_group()
                        .and_then(|g| g.cache_parameter_group_name())
                        .unwrap_or_default()),
                );
                st.insert(
                    "subnet_group_name".into(),
                    vs(c.cache_subnet_group_name().unwrap_or_default()),
                );
                st.insert(
                    "security_group_ids".into(),
                    vset(
                        c.security_groups()
                            .iter()
                            .filter_map(|s| s.security_group_id().map(String::from)),
                    ),
                );
                st.insert(
                    "maintenance_window".into(),
                    vs(c.preferred_maintenance_window().unwrap_or_default()),
                );
                st.insert(
                    "auto_minor_version_upgrade".into(),
                    vb(c.auto_minor_version_upgrade().unwrap_or(true)),
                );
            }
        }
        if get_b(&st, "apply_immediately").is_none() {
            st.insert("apply_immediately".into(), vb(false));
        }
        let tags = if arn.is_empty() {
            BTreeMap::new()
        } else {
            read_tags(aws, &arn).await?
        };
        aws.set_tags(&mut st, tags);
        Ok(st)
    }
}
