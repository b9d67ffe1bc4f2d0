//! `aws_db_instance`: primaries and `replicate_source_db` read replicas,
//! with waiters for `available`/deleted, final-snapshot rules, deletion
//! protection and `manage_master_user_password`.

use super::{read_tags, sync_tags, tag_list, tag_map};
use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{
    invalid, read_by_key, single, timeout, wait_for, Error, Failed, PlanCtx, Resource,
};
use crate::vals::*;
use aws_sdk_rds::types::{DbInstance, Filter};
use std::collections::BTreeMap;
use std::time::Duration;
use terrane_provider::{Attribute, Block, Schema};
use terrane_value::{Type, Value};

pub struct InstanceRes;

fn secret_block() -> Block {
    block(vec![
        ("kms_key_id", comp_s()),
        ("secret_arn", comp_s()),
        ("secret_status", comp_s()),
    ])
}

/// One DB instance by identifier (`None` when there is none).
pub(super) async fn find(aws: &Aws, ident: &str) -> Result<Option<DbInstance>, AwsError> {
    match aws
        .call("RDS DescribeDBInstances", || {
            aws.rds
                .describe_db_instances()
                .db_instance_identifier(ident)
                .send()
        })
        .await
    {
        Ok(out) => Ok(out.db_instances().first().cloned()),
        Err(e) if e.is(&["DBInstanceNotFound", "DBInstanceNotFoundFault"]) => Ok(None),
        Err(e) => Err(e),
    }
}

/// DB instance identifiers per filtered DescribeDBInstances call.
const IDENT_CHUNK: usize = 100;

/// Finds DB instances by identifier (`db-instance-id` filter, chunked and
/// paginated); missing ones are simply absent.
async fn find_many(aws: &Aws, idents: &[String]) -> Result<BTreeMap<String, DbInstance>, AwsError> {
    let mut uniq = idents.to_vec();
    uniq.sort();
    uniq.dedup();
    let mut out = BTreeMap::new();
    for chunk in uniq.chunks(IDENT_CHUNK) {
        let filter = Filter::builder()
            .name("db-instance-id")
            .set_values(Some(chunk.to_vec()))
            .build();
        let mut marker: Option<String> = None;
        loop {
            let page = aws
                .call("RDS DescribeDBInstances", || {
                    aws.rds
                        .describe_db_instances()
                        .filters(filter.clone())
                        .set_marker(marker.clone())
                        .send()
                })
                .await?;
            for db in page.db_instances() {
                if let Some(id) = db.db_instance_identifier() {
                    out.insert(id.to_string(), db.clone());
                }
            }
            match page.marker() {
                Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                _ => break,
            }
        }
    }
    Ok(out)
}

/// Statuses in which the instance is usable again after a change.
const READY: &[&str] = &[
    "available",
    "storage-optimization",
    "incompatible-parameters",
];

/// Waits until a DB instance is usable (available, or a usable variant).
pub(super) async fn wait_available(
    aws: &Aws,
    ident: &str,
    limit: Duration,
) -> Result<DbInstance, Error> {
    wait_for(
        aws,
        &format!("RDS DB instance ({ident}) to become available"),
        limit,
        || async {
            match find(aws, ident).await? {
                Some(db) if READY.contains(&db.db_instance_status().unwrap_or_default()) => {
                    Ok(Some(db))
                }
                Some(db) if db.db_instance_status() == Some("failed") => {
                    Err(invalid(format!("RDS DB instance ({ident}) failed")))
                }
                _ => Ok(None),
            }
        },
    )
    .await
}

/// The settings of a read replica that `CreateDBInstanceReadReplica`
/// cannot take, as the real provider applies them: one `ModifyDBInstance`
/// (applied immediately) once the replica is available, carrying only the
/// configured values that differ from what the replica got, then a reboot
/// when the parameter group changed. `None` when nothing needed changing.
async fn finish_replica(
    aws: &Aws,
    ident: &str,
    p: &Obj,
    db: &DbInstance,
    limit: Duration,
) -> Result<Option<DbInstance>, Error> {
    let known = |k: &str| !is_unknown(p, k);
    let s_ = |k: &str| get_ne(p, k).filter(|_| known(k));
    let n_ = |k: &str| get_i(p, k).filter(|n| *n > 0 && known(k)).map(|n| n as i32);
    let differs = |k: &str, now: Option<&str>| s_(k).filter(|want| Some(want.as_str()) != now);
    let retention =
        n_("backup_retention_period").filter(|n| Some(*n) != db.backup_retention_period());
    let backup_window = differs("backup_window", db.preferred_backup_window());
    let ca = differs("ca_cert_identifier", db.ca_certificate_identifier());
    let maintenance = s_("maintenance_window").filter(|want| {
        !db.preferred_maintenance_window()
            .is_some_and(|now| now.eq_ignore_ascii_case(want))
    });
    let max_storage =
        n_("max_allocated_storage").filter(|n| Some(*n) != db.max_allocated_storage());
    let params = differs(
        "parameter_group_name",
        db.db_parameter_groups()
            .first()
            .and_then(|g| g.db_parameter_group_name()),
    );
    let managed = get_b(p, "manage_master_user_password")
        .filter(|b| *b && known("manage_master_user_password"));
    let password = s_("password");
    let reboot = params.is_some();
    if retention.is_none()
        && backup_window.is_none()
        && ca.is_none()
        && maintenance.is_none()
        && max_storage.is_none()
        && params.is_none()
        && managed.is_none()
        && password.is_none()
    {
        return Ok(None);
    }
    aws.call("RDS ModifyDBInstance", || {
        aws.rds
            .modify_db_instance()
            .db_instance_identifier(ident)
            .apply_immediately(true)
            .set_allow_major_version_upgrade(get_b(p, "allow_major_version_upgrade"))
            .set_backup_retention_period(retention)
            .set_preferred_backup_window(backup_window.clone())
            .set_ca_certificate_identifier(ca.clone())
            .set_preferred_maintenance_window(maintenance.clone())
            .set_max_allocated_storage(max_storage)
            .set_db_parameter_group_name(params.clone())
            .set_manage_master_user_password(managed)
            .set_master_user_password(password.clone())
            .send()
    })
    .await?;
    let mut db = wait_available(aws, ident, limit).await?;
    if reboot {
        aws.call("RDS RebootDBInstance", || {
            aws.rds
                .reboot_db_instance()
                .db_instance_identifier(ident)
                .send()
        })
        .await?;
        db = wait_available(aws, ident, limit).await?;
    }
    Ok(Some(db))
}

/// Sends `request` (a DeleteDBInstance with its snapshot settings, retried
/// while the instance is busy) and waits until the instance `ident` is gone
/// or `deleted`; an instance already gone is success.
pub(super) async fn delete_and_wait<F>(
    aws: &Aws,
    ident: &str,
    what: &str,
    limit: Duration,
    request: F,
) -> Result<(), Error>
where
    F: Fn() -> aws_sdk_rds::operation::delete_db_instance::builders::DeleteDBInstanceFluentBuilder,
{
    match aws
        .call_retrying("RDS DeleteDBInstance", &["InvalidDBInstanceState"], || {
            request().send()
        })
        .await
    {
        Ok(_) => {}
        Err(e) if e.is(&["DBInstanceNotFound", "DBInstanceNotFoundFault"]) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    wait_for(
        aws,
        &format!("{what} ({ident}) to be deleted"),
        limit,
        || async {
            Ok(match find(aws, ident).await? {
                None => Some(()),
                Some(db) if db.db_instance_status() == Some("deleted") => Some(()),
                Some(_) => None,
            })
        },
    )
    .await
}

fn ident_of(o: &Obj) -> String {
    get_s(o, "identifier").unwrap_or_default()
}

/// Sets `k` unless the prior value is null and AWS reports nothing/zero.
fn keep_null(st: &mut Obj, prior: &Obj, k: &str, v: Value, is_empty: bool) {
    if prior.get(k).is_none_or(Value::is_null) && is_empty {
        return;
    }
    st.insert(k.into(), v);
}

impl InstanceRes {
    fn state(&self, prior: &Obj, db: &DbInstance) -> Obj {
        let mut st = prior.clone();
        let ident = db.db_instance_identifier().unwrap_or_default();
        st.insert("identifier".into(), vs(ident));
        if get_s(&st, "identifier_prefix").is_none() {
            st.insert("identifier_prefix".into(), vs(""));
        }
        st.insert("id".into(), vso(db.dbi_resource_id()));
        st.insert("resource_id".into(), vso(db.dbi_resource_id()));
        st.insert("arn".into(), vso(db.db_instance_arn()));
        st.insert("status".into(), vso(db.db_instance_status()));
        st.insert("instance_class".into(), vso(db.db_instance_class()));
        st.insert("engine".into(), vso(db.engine()));
        let actual = db.engine_version().unwrap_or_default().to_string();
        st.insert("engine_version_actual".into(), vs(&actual));
        let configured = get_s(prior, "engine_version")
            .filter(|v| !v.is_empty() && actual.starts_with(v.as_str()));
        st.insert("engine_version".into(), vs(configured.unwrap_or(actual)));
        let ep = db.endpoint();
        let address = ep.and_then(|e| e.address()).unwrap_or_default();
        let port = ep
            .and_then(|e| e.port())
            .or(db.db_instance_port())
            .unwrap_or(0);
        st.insert("address".into(), vs(address));
        st.insert("port".into(), vi(port.into()));
        st.insert(
            "endpoint".into(),
            vs(if address.is_empty() {
                String::new()
            } else {
                format!("{address}:{port}")
            }),
        );
        st.insert(
            "hosted_zone_id".into(),
            vs(ep.and_then(|e| e.hosted_zone_id()).unwrap_or_default()),
        );
        st.insert(
            "allocated_storage".into(),
            vi(db.allocated_storage().unwrap_or(0).into()),
        );
        let max = db.max_allocated_storage().unwrap_or(0);
        keep_null(
            &mut st,
            prior,
            "max_allocated_storage",
            vi(max.into()),
            max == 0,
        );
        st.insert("storage_type".into(), vso(db.storage_type()));
        st.insert("iops".into(), vi(db.iops().unwrap_or(0).into()));
        st.insert(
            "storage_encrypted".into(),
            vb(db.storage_encrypted().unwrap_or(false)),
        );
        st.insert("kms_key_id".into(), vs(db.kms_key_id().unwrap_or_default()));
        st.insert("db_name".into(), vs(db.db_name().unwrap_or_default()));
        st.insert(
            "username".into(),
            vs(db.master_username().unwrap_or_default()),
        );
        st.insert("multi_az".into(), vb(db.multi_az().unwrap_or(false)));
        st.insert("availability_zone".into(), vso(db.availability_zone()));
        st.insert(
            "db_subnet_group_name".into(),
            vs(db
                .db_subnet_group()
                .and_then(|g| g.db_subnet_group_name())
                .unwrap_or_default()),
        );
        st.insert(
            "vpc_security_group_ids".into(),
            vset(
                db.vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(String::from)),
            ),
        );
        st.insert(
            "parameter_group_name".into(),
            vs(db
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name())
                .unwrap_or_default()),
        );
        st.insert(
            "publicly_accessible".into(),
            vb(db.publicly_accessible().unwrap_or(false)),
        );
        st.insert(
            "backup_retention_period".into(),
            vi(db.backup_retention_period().unwrap_or(0).into()),
        );
        st.insert(
            "backup_window".into(),
            vs(db.preferred_backup_window().unwrap_or_default()),
        );
        st.insert(
            "maintenance_window".into(),
            vs(db.preferred_maintenance_window().unwrap_or_default()),
        );
        st.insert(
            "copy_tags_to_snapshot".into(),
            vb(db.copy_tags_to_snapshot().unwrap_or(false)),
        );
        st.insert(
            "deletion_protection".into(),
            vb(db.deletion_protection().unwrap_or(false)),
        );
        st.insert(
            "auto_minor_version_upgrade".into(),
            vb(db.auto_minor_version_upgrade().unwrap_or(true)),
        );
        st.insert(
            "ca_cert_identifier".into(),
            vs(db.ca_certificate_identifier().unwrap_or_default()),
        );
        st.insert(
            "performance_insights_enabled".into(),
            vb(db.performance_insights_enabled().unwrap_or(false)),
        );
        st.insert(
            "monitoring_interval".into(),
            vi(db.monitoring_interval().unwrap_or(0).into()),
        );
        let iam = db.iam_database_authentication_enabled().unwrap_or(false);
        keep_null(
            &mut st,
            prior,
            "iam_database_authentication_enabled",
            vb(iam),
            !iam,
        );
        st.insert(
            "license_model".into(),
            vs(db.license_model().unwrap_or_default()),
        );
        st.insert(
            "network_type".into(),
            vs(db.network_type().unwrap_or("IPV4")),
        );
        let logs: Vec<String> = db.enabled_cloudwatch_logs_exports().to_vec();
        keep_null(
            &mut st,
            prior,
            "enabled_cloudwatch_logs_exports",
            vset(logs.clone()),
            logs.is_empty(),
        );
        st.insert(
            "replicas".into(),
            vlist(db.read_replica_db_instance_identifiers().iter().cloned()),
        );
        let source = db
            .read_replica_source_db_instance_identifier()
            .map(String::from);
        let keep_source = get_s(prior, "replicate_source_db").filter(|p| {
            source.as_deref().is_some_and(|s| {
                s == p || p.ends_with(&format!(":db:{s}")) || s.ends_with(&format!(":db:{p}"))
            })
        });
        let src_v = keep_source.or(source.clone());
        keep_null(
            &mut st,
            prior,
            "replicate_source_db",
            vs(src_v.clone().unwrap_or_default()),
            src_v.is_none(),
        );
        let sb = secret_block();
        let secret: Vec<Value> = db
            .master_user_secret()
            .map(|s| {
                let mut o = Obj::new();
                o.insert("kms_key_id".into(), vso(s.kms_key_id()));
                o.insert("secret_arn".into(), vso(s.secret_arn()));
                o.insert("secret_status".into(), vso(s.secret_status()));
                vobj(o)
            })
            .into_iter()
            .collect();
        let managed = !secret.is_empty();
        keep_null(
            &mut st,
            prior,
            "manage_master_user_password",
            vb(managed),
            !managed,
        );
        st.insert(
            "master_user_secret".into(),
            Value::list(sb.implied_type(), secret),
        );
        st
    }

    async fn read_full(&self, aws: &Aws, prior: &Obj, db: &DbInstance) -> Result<Obj, Error> {
        let mut st = self.state(prior, db);
        let arn = db.db_instance_arn().unwrap_or_default();
        aws.set_tags(&mut st, read_tags(aws, arn).await?);
        Ok(st)
    }
}

#[async_trait::async_trait]
impl Resource for InstanceRes {
    fn name(&self) -> &'static str {
        "aws_db_instance"
    }

    fn schema(&self) -> Schema {
        let sb = secret_block();
        let mut attrs = vec![
            id(),
            ("address", comp_s()),
            ("allocated_storage", oc_n()),
            ("allow_major_version_upgrade", opt_b()),
            ("apply_immediately", opt_b()),
            ("arn", comp_s()),
            ("auto_minor_version_upgrade", opt_b()),
            ("availability_zone", oc_s().force_new()),
            ("backup_retention_period", oc_n()),
            ("backup_window", oc_s()),
            ("ca_cert_identifier", oc_s()),
            ("copy_tags_to_snapshot", opt_b()),
            ("db_name", oc_s().force_new()),
            ("db_subnet_group_name", oc_s()),
            ("delete_automated_backups", opt_b()),
            ("deletion_protection", opt_b()),
            ("enabled_cloudwatch_logs_exports", opt_set()),
            ("endpoint", comp_s()),
            ("engine", oc_s().force_new()),
            ("engine_version", oc_s()),
            ("engine_version_actual", comp_s()),
            ("final_snapshot_identifier", opt_s()),
            ("hosted_zone_id", comp_s()),
            ("iam_database_authentication_enabled", opt_b()),
            ("identifier", oc_s().force_new()),
            ("identifier_prefix", oc_s().force_new()),
            ("instance_class", req_s()),
            ("iops", oc_n()),
            ("kms_key_id", oc_s().force_new()),
            ("license_model", oc_s()),
            ("maintenance_window", oc_s()),
            ("manage_master_user_password", opt_b()),
            (
                "master_user_secret",
                Attribute::computed(Type::list(sb.implied_type())),
            ),
            ("max_allocated_storage", opt_n()),
            ("monitoring_interval", opt_n()),
            ("multi_az", oc_b()),
            ("network_type", oc_s()),
            ("parameter_group_name", oc_s()),
            ("password", opt_s().sensitive()),
            ("performance_insights_enabled", opt_b()),
            ("port", oc_n()),
            ("publicly_accessible", opt_b()),
            ("replicas", Attribute::computed(Type::list(Type::String))),
            ("replicate_source_db", opt_s()),
            ("resource_id", comp_s()),
            ("skip_final_snapshot", opt_b()),
            ("status", comp_s()),
            ("storage_encrypted", oc_b().force_new()),
            ("storage_type", oc_s()),
            ("username", oc_s().force_new()),
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
            ("auto_minor_version_upgrade", vb(true)),
            ("copy_tags_to_snapshot", vb(false)),
            ("delete_automated_backups", vb(true)),
            ("monitoring_interval", vi(0)),
            ("performance_insights_enabled", vb(false)),
            ("publicly_accessible", vb(false)),
            ("skip_final_snapshot", vb(false)),
        ]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        if p.prior.is_none() {
            if get_ne(p.config, "identifier").is_some()
                && get_ne(p.config, "identifier_prefix").is_some()
            {
                return Err(invalid("\"identifier\": conflicts with identifier_prefix"));
            }
            let replica = p
                .config
                .get("replicate_source_db")
                .is_some_and(|v| !v.is_null());
            if !replica && p.config.get("engine").is_none_or(Value::is_null) {
                return Err(invalid(
                    "\"engine\": required field is not set (unless replicate_source_db is set)",
                ));
            }
            let managed = get_b(p.config, "manage_master_user_password") == Some(true);
            let has_password = p.config.get("password").is_some_and(|v| !v.is_null());
            if managed && has_password {
                return Err(invalid(
                    "\"password\": conflicts with manage_master_user_password",
                ));
            }
        }
        // A changed engine_version that is only a prefix of the actual one
        // is no change (e.g. "15" with 15.4 running).
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
            let changed = [
                "engine_version",
                "instance_class",
                "allocated_storage",
                "multi_az",
                "parameter_group_name",
            ]
            .iter()
            .any(|k| pr.get(*k) != p.planned.get(*k));
            if changed && p.requires_replace.is_empty() {
                p.unknown("status", Type::String);
                if pr.get("engine_version") != p.planned.get("engine_version") {
                    p.unknown("engine_version_actual", Type::String);
                }
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let tags = aws.create_tags(p);
        let ident = name_or_generated(p, "identifier", "identifier_prefix", "terraform-", 63);
        let sgs = get_strs(p, "vpc_security_group_ids");
        let sgs = (!sgs.is_empty() && !is_unknown(p, "vpc_security_group_ids")).then_some(sgs);
        let tag_opt = (!tags.is_empty()).then(|| tag_list(&tags));
        let n32 = |k: &str| get_i(p, k).filter(|_| !is_unknown(p, k)).map(|n| n as i32);
        let s_ = |k: &str| get_ne(p, k).filter(|_| !is_unknown(p, k));
        let replica = get_ne(p, "replicate_source_db");
        if let Some(source) = &replica {
            aws.call("RDS CreateDBInstanceReadReplica", || {
                aws.rds
                    .create_db_instance_read_replica()
                    .db_instance_identifier(&ident)
                    .source_db_instance_identifier(source)
                    .set_db_instance_class(s_("instance_class"))
                    .set_availability_zone(s_("availability_zone"))
                    .set_db_subnet_group_name(s_("db_subnet_group_name"))
                    .set_enable_cloudwatch_logs_exports({
                        let l = get_strs(p, "enabled_cloudwatch_logs_exports");
                        (!l.is_empty()).then_some(l)
                    })
                    .set_enable_iam_database_authentication(get_b(
                        p,
                        "iam_database_authentication_enabled",
                    ))
                    .set_monitoring_interval(n32("monitoring_interval").filter(|n| *n > 0))
                    .set_network_type(s_("network_type"))
                    .set_enable_performance_insights(get_b(p, "performance_insights_enabled"))
                    .set_port(n32("port"))
                    .set_multi_az(get_b(p, "multi_az"))
                    .set_publicly_accessible(get_b(p, "publicly_accessible"))
                    .set_storage_type(s_("storage_type"))
                    .set_iops(n32("iops").filter(|n| *n > 0))
                    .set_kms_key_id(s_("kms_key_id"))
                    .set_vpc_security_group_ids(sgs.clone())
                    .set_db_parameter_group_name(s_("parameter_group_name"))
                    .set_auto_minor_version_upgrade(get_b(p, "auto_minor_version_upgrade"))
                    .set_copy_tags_to_snapshot(get_b(p, "copy_tags_to_snapshot"))
                    .deletion_protection(get_b(p, "deletion_protection").unwrap_or(false))
                    .set_tags(tag_opt.clone())
                    .send()
            })
            .await?;
        } else {
            aws.call("RDS CreateDBInstance", || {
                aws.rds
                    .create_db_instance()
                    .db_instance_identifier(&ident)
                    .set_engine(s_("engine"))
                    .set_engine_version(s_("engine_version"))
                    .set_db_instance_class(s_("instance_class"))
                    .set_allocated_storage(n32("allocated_storage"))
                    .set_max_allocated_storage(n32("max_allocated_storage").filter(|n| *n > 0))
                    .set_storage_type(s_("storage_type"))
                    .set_iops(n32("iops").filter(|n| *n > 0))
                    .set_storage_encrypted(
                        get_b(p, "storage_encrypted")
                            .filter(|_| !is_unknown(p, "storage_encrypted")),
                    )
                    .set_kms_key_id(s_("kms_key_id"))
                    .set_db_name(s_("db_name"))
                    .set_master_username(s_("username"))
                    .set_master_user_password(s_("password"))
                    .set_manage_master_user_password(get_b(p, "manage_master_user_password"))
                    .set_port(n32("port"))
                    .set_multi_az(get_b(p, "multi_az").filter(|_| !is_unknown(p, "multi_az")))
                    .set_availability_zone(s_("availability_zone"))
                    .set_db_subnet_group_name(s_("db_subnet_group_name"))
                    .set_vpc_security_group_ids(sgs.clone())
                    .set_db_parameter_group_name(s_("parameter_group_name"))
                    .set_publicly_accessible(get_b(p, "publicly_accessible"))
                    .set_backup_retention_period(n32("backup_retention_period"))
                    .set_preferred_backup_window(s_("backup_window"))
                    .set_preferred_maintenance_window(s_("maintenance_window"))
                    .set_copy_tags_to_snapshot(get_b(p, "copy_tags_to_snapshot"))
                    .set_deletion_protection(get_b(p, "deletion_protection"))
                    .set_auto_minor_version_upgrade(get_b(p, "auto_minor_version_upgrade"))
                    .set_ca_certificate_identifier(s_("ca_cert_identifier"))
                    .set_enable_iam_database_authentication(get_b(
                        p,
                        "iam_database_authentication_enabled",
                    ))
                    .set_license_model(s_("license_model"))
                    .set_network_type(s_("network_type"))
                    .set_enable_cloudwatch_logs_exports({
                        let l = get_strs(p, "enabled_cloudwatch_logs_exports");
                        (!l.is_empty()).then_some(l)
                    })
                    .set_tags(tag_opt.clone())
                    .send()
            })
            .await?;
        }
        let mut partial = p.clone();
        partial.insert("identifier".into(), vs(&ident));
        let limit = timeout(p, "create", Duration::from_secs(40 * 60));
        let mut db = match wait_available(aws, &ident, limit).await {
            Ok(db) => db,
            Err(e) => {
                // Track what exists even when the waiter gives up.
                if let Ok(Some(db)) = find(aws, &ident).await {
                    partial = self.state(&partial, &db);
                }
                return Err(Failed::from(e).with_partial(partial));
            }
        };
        if replica.is_some() {
            match finish_replica(aws, &ident, p, &db, limit).await {
                Ok(Some(modified)) => db = modified,
                Ok(None) => {}
                Err(e) => return Err(Failed::from(e).with_partial(self.state(&partial, &db))),
            }
        }
        self.read_full(aws, &partial, &db)
            .await
            .map_err(|e| Failed::from(e).with_partial(self.state(&partial, &db)))
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        single(self.read_many(aws, std::slice::from_ref(state)).await)
    }

    /// One filtered DescribeDBInstances per 100 identifiers (paginated);
    /// tags come with each instance (`TagList`), as the real provider
    /// reads them.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        read_by_key(
            states,
            "identifier",
            |idents| async move { Ok(find_many(aws, &idents).await?) },
            |s, db| {
                (db.db_instance_status() != Some("deleted")).then(|| {
                    let mut st = self.state(s, db);
                    aws.set_tags(&mut st, tag_map(db.tag_list()));
                    st
                })
            },
        )
        .await
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let ident = ident_of(prior);
        let ch = |k: &str| prior.get(k) != p.get(k) && !is_unknown(p, k);
        let s_ = |k: &str| if ch(k) { get_ne(p, k) } else { None };
        let n32 = |k: &str| {
            if ch(k) {
                get_i(p, k).map(|n| n as i32)
            } else {
                None
            }
        };
        let b_ = |k: &str| if ch(k) { get_b(p, k) } else { None };
        let fields = [
            "allocated_storage",
            "max_allocated_storage",
            "auto_minor_version_upgrade",
            "backup_retention_period",
            "backup_window",
            "ca_cert_identifier",
            "copy_tags_to_snapshot",
            "db_subnet_group_name",
            "deletion_protection",
            "engine_version",
            "iam_database_authentication_enabled",
            "instance_class",
            "iops",
            "maintenance_window",
            "manage_master_user_password",
            "monitoring_interval",
            "multi_az",
            "network_type",
            "parameter_group_name",
            "password",
            "performance_insights_enabled",
            "port",
            "publicly_accessible",
            "storage_type",
            "vpc_security_group_ids",
            "enabled_cloudwatch_logs_exports",
            "replicate_source_db",
        ];
        if fields.iter().any(|k| ch(k)) {
            // Dropping replicate_source_db promotes the replica.
            if ch("replicate_source_db") && get_ne(p, "replicate_source_db").is_none() {
                aws.call("RDS PromoteReadReplica", || {
                    aws.rds
                        .promote_read_replica()
                        .db_instance_identifier(&ident)
                        .send()
                })
                .await?;
                wait_available(
                    aws,
                    &ident,
                    timeout(p, "update", Duration::from_secs(80 * 60)),
                )
                .await?;
            }
            let logs_old = get_strs(prior, "enabled_cloudwatch_logs_exports");
            let logs_new = get_strs(p, "enabled_cloudwatch_logs_exports");
            let logs = ch("enabled_cloudwatch_logs_exports").then(|| {
                aws_sdk_rds::types::CloudwatchLogsExportConfiguration::builder()
                    .set_enable_log_types(Some(
                        logs_new
                            .iter()
                            .filter(|l| !logs_old.contains(l))
                            .cloned()
                            .collect(),
                    ))
                    .set_disable_log_types(Some(
                        logs_old
                            .iter()
                            .filter(|l| !logs_new.contains(l))
                            .cloned()
                            .collect(),
                    ))
                    .build()
            });
            let sgs = ch("vpc_security_group_ids").then(|| get_strs(p, "vpc_security_group_ids"));
            let apply_now = get_b(p, "apply_immediately").unwrap_or(false);
            aws.call("RDS ModifyDBInstance", || {
                aws.rds
                    .modify_db_instance()
                    .db_instance_identifier(&ident)
                    .apply_immediately(apply_now)
                    .set_allocated_storage(n32("allocated_storage"))
                    .set_max_allocated_storage(n32("max_allocated_storage"))
                    .set_auto_minor_version_upgrade(b_("auto_minor_version_upgrade"))
                    .set_backup_retention_period(n32("backup_retention_period"))
                    .set_preferred_backup_window(s_("backup_window"))
                    .set_ca_certificate_identifier(s_("ca_cert_identifier"))
                    .set_copy_tags_to_snapshot(b_("copy_tags_to_snapshot"))
                    .set_db_subnet_group_name(s_("db_subnet_group_name"))
                    .set_deletion_protection(b_("deletion_protection"))
                    .set_engine_version(s_("engine_version"))
                    .set_allow_major_version_upgrade(get_b(p, "allow_major_version_upgrade"))
                    .set_enable_iam_database_authentication(b_(
                        "iam_database_authentication_enabled",
                    ))
                    .set_db_instance_class(s_("instance_class"))
                    .set_iops(n32("iops"))
                    .set_preferred_maintenance_window(s_("maintenance_window"))
                    .set_manage_master_user_password(b_("manage_master_user_password"))
                    .set_monitoring_interval(n32("monitoring_interval"))
                    .set_multi_az(b_("multi_az"))
                    .set_network_type(s_("network_type"))
                    .set_db_parameter_group_name(s_("parameter_group_name"))
                    .set_master_user_password(s_("password"))
                    .set_enable_performance_insights(b_("performance_insights_enabled"))
                    .set_db_port_number(n32("port"))
                    .set_publicly_accessible(b_("publicly_accessible"))
                    .set_storage_type(s_("storage_type"))
                    .set_vpc_security_group_ids(sgs.clone())
                    .set_cloudwatch_logs_export_configuration(logs.clone())
                    .send()
            })
            .await?;
            wait_available(
                aws,
                &ident,
                timeout(p, "update", Duration::from_secs(80 * 60)),
            )
            .await?;
        }
        let arn = get_s(prior, "arn").unwrap_or_default();
        sync_tags(aws, &arn, prior, p).await?;
        let mut base = p.clone();
        base.insert("identifier".into(), vs(&ident));
        self.read(aws, &base).await?.ok_or_else(|| {
            invalid(format!(
                "RDS DB instance ({ident}) disappeared during update"
            ))
            .into()
        })
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let ident = ident_of(state);
        let skip = get_b(state, "skip_final_snapshot").unwrap_or(false);
        let is_replica = get_ne(state, "replicate_source_db").is_some();
        let final_id = get_ne(state, "final_snapshot_identifier");
        if !skip && !is_replica && final_id.is_none() {
            return Err(invalid(
                "final_snapshot_identifier is required when skip_final_snapshot is false",
            ));
        }
        let limit = timeout(state, "delete", Duration::from_secs(60 * 60));
        delete_and_wait(aws, &ident, "RDS DB instance", limit, || {
            aws.rds
                .delete_db_instance()
                .db_instance_identifier(&ident)
                .skip_final_snapshot(skip || is_replica)
                .set_final_db_snapshot_identifier(if skip || is_replica {
                    None
                } else {
                    final_id.clone()
                })
                .set_delete_automated_backups(get_b(state, "delete_automated_backups"))
        })
        .await
    }

    /// Import ID: the DB instance identifier.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("identifier".into(), vs(id));
        for (k, v) in self.defaults() {
            o.insert(k.into(), v);
        }
        o.insert("apply_immediately".into(), Value::null(Type::Bool));
        Ok(o)
    }
}
