//! `aws_rds_cluster` and `aws_rds_cluster_instance` (Aurora).

use super::instance::{delete_and_wait, find as find_instance, wait_available};
use super::{read_tags, sync_tags, tag_list};
use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{invalid, timeout, wait_for, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_rds::types::DbCluster;
use std::time::Duration;
use terrane_provider::{Attribute, Schema};
use terrane_value::{Type, Value};

pub struct ClusterRes;
pub struct ClusterInstanceRes;

async fn find_cluster(aws: &Aws, id: &str) -> Result<Option<DbCluster>, AwsError> {
    match aws
        .call("RDS DescribeDBClusters", || {
            aws.rds
                .describe_db_clusters()
                .db_cluster_identifier(id)
                .send()
        })
        .await
    {
        Ok(o) => Ok(o.db_clusters().first().cloned()),
        Err(e) if e.is(&["DBClusterNotFoundFault"]) => Ok(None),
        Err(e) => Err(e),
    }
}

fn plan_identifier(p: &mut PlanCtx<'_>, attr: &str, prefix_attr: &str) -> Result<(), Error> {
    if p.prior.is_none()
        && get_ne(p.config, attr).is_some()
        && get_ne(p.config, prefix_attr).is_some()
    {
        return Err(invalid(format!("\"{attr}\": conflicts with {prefix_attr}")));
    }
    Ok(())
}

#[async_trait::async_trait]
impl Resource for ClusterRes {
    fn name(&self) -> &'static str {
        "aws_rds_cluster"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("apply_immediately", oc_b()),
            ("arn", comp_s()),
            ("availability_zones", oc_set().force_new()),
            ("backup_retention_period", oc_n()),
            ("cluster_identifier", oc_s().force_new()),
            ("cluster_identifier_prefix", oc_s().force_new()),
            (
                "cluster_members",
                Attribute::computed(Type::set(Type::String)),
            ),
            ("cluster_resource_id", comp_s()),
            ("copy_tags_to_snapshot", opt_b()),
            ("database_name", oc_s().force_new()),
            ("db_cluster_parameter_group_name", oc_s()),
            ("db_subnet_group_name", oc_s().force_new()),
            ("deletion_protection", opt_b()),
            ("endpoint", comp_s()),
            ("engine", req_s().force_new()),
            ("engine_mode", opt_s().force_new()),
            ("engine_version", oc_s()),
            ("engine_version_actual", comp_s()),
            ("final_snapshot_identifier", opt_s()),
            ("hosted_zone_id", comp_s()),
            ("kms_key_id", oc_s().force_new()),
            ("manage_master_user_password", opt_b()),
            ("master_password", opt_s().sensitive()),
            ("master_username", oc_s().force_new()),
            ("port", oc_n()),
            ("preferred_backup_window", oc_s()),
            ("preferred_maintenance_window", oc_s()),
            ("reader_endpoint", comp_s()),
            ("skip_final_snapshot", opt_b()),
            ("storage_encrypted", oc_b().force_new()),
            ("vpc_security_group_ids", oc_set()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "update", "delete"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("copy_tags_to_snapshot", vb(false)),
            ("engine_mode", vs("provisioned")),
            ("skip_final_snapshot", vb(false)),
        ]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        plan_identifier(p, "cluster_identifier", "cluster_identifier_prefix")?;
        if let Some(pr) = p.prior {
            if let (Some(want), Some(actual)) = (
                get_s(&p.planned, "engine_version"),
                get_s(pr, "engine_version_actual"),
            ) {
                if actual.starts_with(&want) {
                    p.planned.insert(
                        "engine_version".into(),
                        pr.get("engine_version").cloned().unwrap_or_default(),
                    );
                }
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let id = name_or_generated(
            p,
            "cluster_identifier",
            "cluster_identifier_prefix",
            "tf-",
            63,
        );
        let s_ = |k: &str| get_ne(p, k).filter(|_| !is_unknown(p, k));
        let n32 = |k: &str| get_i(p, k).filter(|_| !is_unknown(p, k)).map(|n| n as i32);
        let sgs = get_strs(p, "vpc_security_group_ids");
        let azs = get_strs(p, "availability_zones");
        aws.call("RDS CreateDBCluster", || {
            aws.rds
                .create_db_cluster()
                .db_cluster_identifier(&id)
                .engine(get_s(p, "engine").unwrap_or_default())
                .set_engine_version(s_("engine_version"))
                .set_engine_mode(s_("engine_mode"))
                .set_database_name(s_("database_name"))
                .set_master_username(s_("master_username"))
                .set_master_user_password(s_("master_password"))
                .set_manage_master_user_password(get_b(p, "manage_master_user_password"))
                .set_db_subnet_group_name(s_("db_subnet_group_name"))
                .set_vpc_security_group_ids((!sgs.is_empty()).then(|| sgs.clone()))
                .set_availability_zones(
                    (!azs.is_empty() && !is_unknown(p, "availability_zones")).then(|| azs.clone()),
                )
                .set_port(n32("port"))
                .set_backup_retention_period(n32("backup_retention_period"))
                .set_preferred_backup_window(s_("preferred_backup_window"))
                .set_preferred_maintenance_window(s_("preferred_maintenance_window"))
                .set_storage_encrypted(
                    get_b(p, "storage_encrypted").filter(|_| !is_unknown(p, "storage_encrypted")),
                )
                .set_kms_key_id(s_("kms_key_id"))
                .set_deletion_protection(get_b(p, "deletion_protection"))
                .set_db_cluster_parameter_group_name(s_("db_cluster_parameter_group_name"))
                .set_copy_tags_to_snapshot(get_b(p, "copy_tags_to_snapshot"))
                .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                .send()
        })
        .await?;
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        let limit = timeout(p, "create", Duration::from_secs(120 * 60));
        let c = wait_for(
            aws,
            &format!("RDS Cluster ({id}) to become available"),
            limit,
            || async {
                Ok(find_cluster(aws, &id)
                    .await?
                    .filter(|c| c.status() == Some("available")))
            },
        )
        .await
        .map_err(|e| Failed::from(e).with_partial(partial.clone()))?;
        self.state(aws, &partial, &c)
            .await
            .map_err(|e| Failed::from(e).with_partial(partial))
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let id = get_s(state, "id").unwrap_or_default();
        match find_cluster(aws, &id).await? {
            Some(c) => Ok(Some(self.state(aws, state, &c).await?)),
            None => Ok(None),
        }
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let ch = |k: &str| prior.get(k) != p.get(k) && !is_unknown(p, k);
        let fields = [
            "backup_retention_period",
            "preferred_backup_window",
            "preferred_maintenance_window",
            "deletion_protection",
            "engine_version",
            "master_password",
            "manage_master_user_password",
            "port",
            "vpc_security_group_ids",
            "db_cluster_parameter_group_name",
            "copy_tags_to_snapshot",
        ];
        if fields.iter().any(|k| ch(k)) {
            let s_ = |k: &str| if ch(k) { get_ne(p, k) } else { None };
            let n32 = |k: &str| {
                if ch(k) {
                    get_i(p, k).map(|n| n as i32)
                } else {
                    None
                }
            };
            let b_ = |k: &str| if ch(k) { get_b(p, k) } else { None };
            let sgs = ch("vpc_security_group_ids").then(|| get_strs(p, "vpc_security_group_ids"));
            aws.call("RDS ModifyDBCluster", || {
                aws.rds
                    .modify_db_cluster()
                    .db_cluster_identifier(&id)
                    .apply_immediately(get_b(p, "apply_immediately").unwrap_or(false))
                    .set_backup_retention_period(n32("backup_retention_period"))
                    .set_preferred_backup_window(s_("preferred_backup_window"))
                    .set_preferred_maintenance_window(s_("preferred_maintenance_window"))
                    .set_deletion_protection(b_("deletion_protection"))
                    .set_engine_version(s_("engine_version"))
                    .set_master_user_password(s_("master_password"))
                    .set_manage_master_user_password(b_("manage_master_user_password"))
                    .set_port(n32("port"))
                    .set_vpc_security_group_ids(sgs.clone())
                    .set_db_cluster_parameter_group_name(s_("db_cluster_parameter_group_name"))
                    .set_copy_tags_to_snapshot(b_("copy_tags_to_snapshot"))
                    .send()
            })
            .await?;
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
        self.read_back(aws, &base, "RDS cluster").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let skip = get_b(state, "skip_final_snapshot").unwrap_or(false);
        let final_id = get_ne(state, "final_snapshot_identifier");
        if !skip && final_id.is_none() {
            return Err(invalid("RDS Cluster final_snapshot_identifier is required when skip_final_snapshot is false"));
        }
        match aws
            .call_retrying(
                "RDS DeleteDBCluster",
                &["InvalidDBClusterStateFault"],
                || {
                    aws.rds
                        .delete_db_cluster()
                        .db_cluster_identifier(&id)
                        .skip_final_snapshot(skip)
                        .set_final_db_snapshot_identifier(if skip {
                            None
                        } else {
                            final_id.clone()
                        })
                        .send()
                },
            )
            .await
        {
            Ok(_) => {}
            Err(e) if e.is(&["DBClusterNotFoundFault"]) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let limit = timeout(state, "delete", Duration::from_secs(120 * 60));
        wait_for(
            aws,
            &format!("RDS Cluster ({id}) to be deleted"),
            limit,
            || async { Ok(find_cluster(aws, &id).await?.is_none().then_some(())) },
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

impl ClusterRes {
    async fn state(&self, aws: &Aws, prior: &Obj, c: &DbCluster) -> Result<Obj, Error> {
        let mut st = prior.clone();
        let id = c.db_cluster_identifier().unwrap_or_default();
        let arn = c.db_cluster_arn().unwrap_or_default().to_string();
        st.insert("id".into(), vs(id));
        st.insert("cluster_identifier".into(), vs(id));
        if get_s(&st, "cluster_identifier_prefix").is_none() {
            st.insert("cluster_identifier_prefix".into(), vs(""));
        }
        st.insert("arn".into(), vs(&arn));
        st.insert("engine".into(), vso(c.engine()));
        st.insert(
            "engine_mode".into(),
            vs(c.engine_mode().unwrap_or("provisioned")),
        );
        let actual = c.engine_version().unwrap_or_default().to_string();
        st.insert("engine_version_actual".into(), vs(&actual));
        let configured = get_s(prior, "engine_version")
            .filter(|v| !v.is_empty() && actual.starts_with(v.as_str()));
        st.insert("engine_version".into(), vs(configured.unwrap_or(actual)));
        st.insert(
            "database_name".into(),
            vs(c.database_name().unwrap_or_default()),
        );
        st.insert(
            "master_username".into(),
            vs(c.master_username().unwrap_or_default()),
        );
        st.insert(
            "db_subnet_group_name".into(),
            vs(c.db_subnet_group().unwrap_or_default()),
        );
        st.insert(
            "vpc_security_group_ids".into(),
            vset(
                c.vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(String::from)),
            ),
        );
        st.insert(
            "availability_zones".into(),
            vset(c.availability_zones().iter().cloned()),
        );
        st.insert("port".into(), vio(c.port().map(i64::from)));
        st.insert(
            "backup_retention_period".into(),
            vi(c.backup_retention_period().unwrap_or(1).into()),
        );
        st.insert(
            "preferred_backup_window".into(),
            vs(c.preferred_backup_window().unwrap_or_default()),
        );
        st.insert(
            "preferred_maintenance_window".into(),
            vs(c.preferred_maintenance_window().unwrap_or_default()),
        );
        st.insert(
            "storage_encrypted".into(),
            vb(c.storage_encrypted().unwrap_or(false)),
        );
        st.insert("kms_key_id".into(), vs(c.kms_key_id().unwrap_or_default()));
        st.insert(
            "deletion_protection".into(),
            vb(c.deletion_protection().unwrap_or(false)),
        );
        st.insert(
            "copy_tags_to_snapshot".into(),
            vb(c.copy_tags_to_snapshot().unwrap_or(false)),
        );
        st.insert(
            "db_cluster_parameter_group_name".into(),
            vs(c.db_cluster_parameter_group().unwrap_or_default()),
        );
        st.insert("endpoint".into(), vs(c.endpoint().unwrap_or_default()));
        st.insert(
            "reader_endpoint".into(),
            vs(c.reader_endpoint().unwrap_or_default()),
        );
        st.insert(
            "hosted_zone_id".into(),
            vs(c.hosted_zone_id().unwrap_or_default()),
        );
        st.insert(
            "cluster_resource_id".into(),
            vs(c.db_cluster_resource_id().unwrap_or_default()),
        );
        st.insert(
            "cluster_members".into(),
            vset(
                c.db_cluster_members()
                    .iter()
                    .filter_map(|m| m.db_instance_identifier().map(String::from)),
            ),
        );
        let managed = c.master_user_secret().is_some();
        let was_set = prior
            .get("manage_master_user_password")
            .is_some_and(|v| !v.is_null());
        if was_set || managed {
            st.insert("manage_master_user_password".into(), vb(managed));
        }
        if get_b(&st, "apply_immediately").is_none() {
            st.insert("apply_immediately".into(), vb(false));
        }
        aws.set_tags(&mut st, read_tags(aws, &arn).await?);
        Ok(st)
    }
}

// ---------------------------------------------------------- cluster instance

#[async_trait::async_trait]
impl Resource for ClusterInstanceRes {
    fn name(&self) -> &'static str {
        "aws_rds_cluster_instance"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("apply_immediately", oc_b()),
            ("arn", comp_s()),
            ("auto_minor_version_upgrade", opt_b()),
            ("availability_zone", oc_s().force_new()),
            ("cluster_identifier", req_s().force_new()),
            ("db_parameter_group_name", oc_s()),
            ("db_subnet_group_name", oc_s().force_new()),
            ("dbi_resource_id", comp_s()),
            ("endpoint", comp_s()),
            ("engine", req_s().force_new()),
            ("engine_version", oc_s()),
            ("engine_version_actual", comp_s()),
            ("identifier", oc_s().force_new()),
            ("identifier_prefix", oc_s().force_new()),
            ("instance_class", req_s()),
            ("port", comp_n()),
            ("promotion_tier", opt_n()),
            ("publicly_accessible", oc_b()),
            ("storage_encrypted", Attribute::computed(Type::Bool)),
            ("writer", Attribute::computed(Type::Bool)),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "update", "delete"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("auto_minor_version_upgrade", vb(true)),
            ("promotion_tier", vi(0)),
        ]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        plan_identifier(p, "identifier", "identifier_prefix")?;
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let id = name_or_generated(p, "identifier", "identifier_prefix", "tf-", 63);
        let s_ = |k: &str| get_ne(p, k).filter(|_| !is_unknown(p, k));
        aws.call("RDS CreateDBInstance", || {
            aws.rds
                .create_db_instance()
                .db_instance_identifier(&id)
                .db_cluster_identifier(get_s(p, "cluster_identifier").unwrap_or_default())
                .engine(get_s(p, "engine").unwrap_or_default())
                .set_engine_version(s_("engine_version"))
                .db_instance_class(get_s(p, "instance_class").unwrap_or_default())
                .set_availability_zone(s_("availability_zone"))
                .set_db_parameter_group_name(s_("db_parameter_group_name"))
                .set_db_subnet_group_name(s_("db_subnet_group_name"))
                .set_publicly_accessible(
                    get_b(p, "publicly_accessible")
                        .filter(|_| !is_unknown(p, "publicly_accessible")),
                )
                .set_promotion_tier(get_i(p, "promotion_tier").map(|n| n as i32))
                .set_auto_minor_version_upgrade(get_b(p, "auto_minor_version_upgrade"))
                .set_tags((!tags.is_empty()).then(|| tag_list(&tags)))
                .send()
        })
        .await?;
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&id));
        let limit = timeout(p, "create", Duration::from_secs(90 * 60));
        wait_available(aws, &id, limit)
            .await
            .map_err(|e| Failed::from(e).with_partial(partial.clone()))?;
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("cluster instance disappeared after create"))
                    .with_partial(partial),
            ),
            Err(e) => Err(Failed::from(e).with_partial(partial)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let Some(d) = find_instance(aws, &id).await? else {
            return Ok(None);
        };
        let mut st = state.clone();
        st.insert("id".into(), vs(&id));
        st.insert("identifier".into(), vs(&id));
        if get_s(&st, "identifier_prefix").is_none() {
            st.insert("identifier_prefix".into(), vs(""));
        }
        let arn = d.db_instance_arn().unwrap_or_default().to_string();
        st.insert("arn".into(), vs(&arn));
        st.insert("cluster_identifier".into(), vso(d.db_cluster_identifier()));
        st.insert("engine".into(), vso(d.engine()));
        let actual = d.engine_version().unwrap_or_default().to_string();
        st.insert("engine_version_actual".into(), vs(&actual));
        let configured = get_s(state, "engine_version")
            .filter(|v| !v.is_empty() && actual.starts_with(v.as_str()));
        st.insert("engine_version".into(), vs(configured.unwrap_or(actual)));
        st.insert("instance_class".into(), vso(d.db_instance_class()));
        st.insert("availability_zone".into(), vso(d.availability_zone()));
        st.insert(
            "db_parameter_group_name".into(),
            vs(d.db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name())
                .unwrap_or_default()),
        );
        st.insert(
            "db_subnet_group_name".into(),
            vs(d.db_subnet_group()
                .and_then(|g| g.db_subnet_group_name())
                .unwrap_or_default()),
        );
        st.insert(
            "dbi_resource_id".into(),
            vs(d.dbi_resource_id().unwrap_or_default()),
        );
        st.insert(
            "endpoint".into(),
            vs(d.endpoint().and_then(|e| e.address()).unwrap_or_default()),
        );
        st.insert(
            "port".into(),
            vio(d.endpoint().and_then(|e| e.port()).map(i64::from)),
        );
        st.insert(
            "publicly_accessible".into(),
            vb(d.publicly_accessible().unwrap_or(false)),
        );
        st.insert(
            "promotion_tier".into(),
            vi(d.promotion_tier().unwrap_or(0).into()),
        );
        st.insert(
            "auto_minor_version_upgrade".into(),
            vb(d.auto_minor_version_upgrade().unwrap_or(true)),
        );
        st.insert(
            "storage_encrypted".into(),
            vb(d.storage_encrypted().unwrap_or(false)),
        );
        let cluster = get_s(&st, "cluster_identifier").unwrap_or_default();
        let writer = match find_cluster(aws, &cluster).await? {
            Some(c) => c.db_cluster_members().iter().any(|m| {
                m.db_instance_identifier() == Some(id.as_str())
                    && m.is_cluster_writer() == Some(true)
            }),
            None => false,
        };
        st.insert("writer".into(), vb(writer));
        if get_b(&st, "apply_immediately").is_none() {
            st.insert("apply_immediately".into(), vb(false));
        }
        aws.set_tags(&mut st, read_tags(aws, &arn).await?);
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let id = get_s(prior, "id").unwrap_or_default();
        let ch = |k: &str| prior.get(k) != p.get(k) && !is_unknown(p, k);
        if [
            "instance_class",
            "db_parameter_group_name",
            "promotion_tier",
            "auto_minor_version_upgrade",
            "publicly_accessible",
            "engine_version",
        ]
        .iter()
        .any(|k| ch(k))
        {
            aws.call("RDS ModifyDBInstance", || {
                aws.rds
                    .modify_db_instance()
                    .db_instance_identifier(&id)
                    .apply_immediately(get_b(p, "apply_immediately").unwrap_or(false))
                    .set_db_instance_class(if ch("instance_class") {
                        get_s(p, "instance_class")
                    } else {
                        None
                    })
                    .set_db_parameter_group_name(if ch("db_parameter_group_name") {
                        get_ne(p, "db_parameter_group_name")
                    } else {
                        None
                    })
                    .set_promotion_tier(if ch("promotion_tier") {
                        get_i(p, "promotion_tier").map(|n| n as i32)
                    } else {
                        None
                    })
                    .set_auto_minor_version_upgrade(if ch("auto_minor_version_upgrade") {
                        get_b(p, "auto_minor_version_upgrade")
                    } else {
                        None
                    })
                    .set_publicly_accessible(if ch("publicly_accessible") {
                        get_b(p, "publicly_accessible")
                    } else {
                        None
                    })
                    .set_engine_version(if ch("engine_version") {
                        get_ne(p, "engine_version")
                    } else {
                        None
                    })
                    .send()
            })
            .await?;
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
        self.read_back(aws, &base, "cluster instance").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let id = get_s(state, "id").unwrap_or_default();
        let limit = timeout(state, "delete", Duration::from_secs(90 * 60));
        delete_and_wait(aws, &id, "RDS Cluster Instance", limit, || {
            aws.rds
                .delete_db_instance()
                .db_instance_identifier(&id)
                .skip_final_snapshot(true)
        })
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
