//! `aws_s3_bucket_lifecycle_configuration`.

use super::{bucket_import, bucket_sub_id};
use crate::client::Aws;
use crate::framework::s::*;
use crate::framework::{invalid, Error, Failed, Resource};
use crate::vals::*;
use aws_sdk_s3::primitives::{DateTime, DateTimeFormat};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleAndOperator, LifecycleRuleFilter,
    NoncurrentVersionExpiration, NoncurrentVersionTransition, Tag, Transition,
    TransitionStorageClass,
};
use std::sync::Arc;
use terrane_provider::{Attribute, Block, Schema};
use terrane_value::{Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(LifecycleRes)]
}

fn filter_block() -> Block {
    with_blocks(
        block(vec![
            ("object_size_greater_than", opt_n()),
            ("object_size_less_than", opt_n()),
            ("prefix", opt_s()),
        ]),
        vec![
            (
                "and",
                one(block(vec![
                    ("object_size_greater_than", opt_n()),
                    ("object_size_less_than", opt_n()),
                    ("prefix", opt_s()),
                    ("tags", Attribute::optional(Type::map(Type::String))),
                ])),
            ),
            (
                "tag",
                one(block(vec![("key", req_s()), ("value", req_s())])),
            ),
        ],
    )
}

fn rule_block() -> Block {
    with_blocks(
        block(vec![
            ("id", req_s()),
            ("prefix", opt_s()),
            ("status", req_s()),
        ]),
        vec![
            (
                "abort_incomplete_multipart_upload",
                one(block(vec![("days_after_initiation", opt_n())])),
            ),
            (
                "expiration",
                one(block(vec![
                    ("date", opt_s()),
                    ("days", opt_n()),
                    ("expired_object_delete_marker", opt_b()),
                ])),
            ),
            ("filter", one(filter_block())),
            (
                "noncurrent_version_expiration",
                one(block(vec![
                    ("newer_noncurrent_versions", opt_n()),
                    ("noncurrent_days", opt_n()),
                ])),
            ),
            (
                "noncurrent_version_transition",
                set(block(vec![
                    ("newer_noncurrent_versions", opt_n()),
                    ("noncurrent_days", opt_n()),
                    ("storage_class", req_s()),
                ])),
            ),
            (
                "transition",
                set(block(vec![
                    ("date", opt_s()),
                    ("days", opt_n()),
                    ("storage_class", req_s()),
                ])),
            ),
        ],
    )
}

fn pos(o: &Obj, k: &str) -> Option<i64> {
    get_i(o, k).filter(|n| *n > 0)
}

fn pos32(o: &Obj, k: &str) -> Option<i32> {
    pos(o, k).and_then(|n| i32::try_from(n).ok())
}

fn date(o: &Obj, k: &str) -> Result<Option<DateTime>, Error> {
    match get_ne(o, k) {
        None => Ok(None),
        Some(s) => DateTime::from_str(&s, DateTimeFormat::DateTime)
            .map(Some)
            .map_err(|e| invalid(format!("{k}: invalid RFC 3339 date {s:?}: {e}"))),
    }
}

fn expand_rule(r: &Obj) -> Result<LifecycleRule, Error> {
    let mut b = LifecycleRule::builder()
        .id(get_s(r, "id").unwrap_or_default())
        .status(ExpirationStatus::from(
            get_s(r, "status").unwrap_or_default().as_str(),
        ));
    if let Some(p) = get_ne(r, "prefix") {
        #[allow(deprecated)]
        {
            b = b.prefix(p);
        }
    }
    match get_block(r, "filter") {
        Some(f) => {
            let mut fb = LifecycleRuleFilter::builder()
                .set_object_size_greater_than(pos(&f, "object_size_greater_than"))
                .set_object_size_less_than(pos(&f, "object_size_less_than"));
            if let Some(a) = get_block(&f, "and") {
                let tags = get_map(&a, "tags")
                    .into_iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| invalid(e.to_string()))?;
                fb = fb.and(
                    LifecycleRuleAndOperator::builder()
                        .set_prefix(get_s(&a, "prefix"))
                        .set_object_size_greater_than(pos(&a, "object_size_greater_than"))
                        .set_object_size_less_than(pos(&a, "object_size_less_than"))
                        .set_tags((!tags.is_empty()).then_some(tags))
                        .build(),
                );
            } else if let Some(t) = get_block(&f, "tag") {
                fb = fb.tag(
                    Tag::builder()
                        .key(get_s(&t, "key").unwrap_or_default())
                        .value(get_s(&t, "value").unwrap_or_default())
                        .build()
                        .map_err(|e| invalid(e.to_string()))?,
                );
            } else if pos(&f, "object_size_greater_than").is_none()
                && pos(&f, "object_size_less_than").is_none()
            {
                fb = fb.prefix(get_s(&f, "prefix").unwrap_or_default());
            }
            b = b.filter(fb.build());
        }
        None if get_ne(r, "prefix").is_none() => {
            // AWS requires a filter or prefix: an empty filter means "all".
            b = b.filter(LifecycleRuleFilter::builder().prefix("").build());
        }
        None => {}
    }
    if let Some(e) = get_block(r, "expiration") {
        b = b.expiration(
            LifecycleExpiration::builder()
                .set_date(date(&e, "date")?)
                .set_days(pos32(&e, "days"))
                .set_expired_object_delete_marker(
                    get_b(&e, "expired_object_delete_marker").filter(|x| *x),
                )
                .build(),
        );
    }
    if let Some(a) = get_block(r, "abort_incomplete_multipart_upload") {
        b = b.abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(pos32(&a, "days_after_initiation"))
                .build(),
        );
    }
    if let Some(n) = get_block(r, "noncurrent_version_expiration") {
        b = b.noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(pos32(&n, "noncurrent_days"))
                .set_newer_noncurrent_versions(pos32(&n, "newer_noncurrent_versions"))
                .build(),
        );
    }
    for t in get_blocks(r, "transition") {
        b = b.transitions(
            Transition::builder()
                .set_date(date(&t, "date")?)
                .set_days(
                    get_i(&t, "days")
                        .and_then(|n| i32::try_from(n).ok())
                        .filter(|_| get_ne(&t, "date").is_none()),
                )
                .storage_class(TransitionStorageClass::from(
                    get_s(&t, "storage_class").unwrap_or_default().as_str(),
                ))
                .build(),
        );
    }
    for t in get_blocks(r, "noncurrent_version_transition") {
        b = b.noncurrent_version_transitions(
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(pos32(&t, "noncurrent_days"))
                .set_newer_noncurrent_versions(pos32(&t, "newer_noncurrent_versions"))
                .storage_class(TransitionStorageClass::from(
                    get_s(&t, "storage_class").unwrap_or_default().as_str(),
                ))
                .build(),
        );
    }
    b.build().map_err(|e| invalid(e.to_string()))
}

fn fmt_date(d: Option<&DateTime>) -> String {
    d.and_then(|d| d.fmt(DateTimeFormat::DateTime).ok())
        .unwrap_or_default()
}

fn one_list(b: &Block, items: Vec<Obj>) -> Value {
    Value::list(
        b.implied_type(),
        items.into_iter().map(|o| nested(b, o)).collect(),
    )
}

/// Flattens AWS's rule into the configured shape; `prior` (the matching
/// configured rule) decides between equivalent spellings AWS normalises.
fn flatten_rule(r: &LifecycleRule, prior: Option<&Obj>) -> Value {
    let rb = rule_block();
    let sub = |n: &str| rb.blocks[n].block.clone();
    let mut o = Obj::new();
    o.insert("id".into(), vs(r.id().unwrap_or_default()));
    o.insert("status".into(), vs(r.status().as_str()));
    #[allow(deprecated)]
    o.insert("prefix".into(), vs(r.prefix().unwrap_or_default()));
    let prior_has_filter = prior.is_some_and(|p| get_block(p, "filter").is_some());
    let filters: Vec<Obj> = match r.filter() {
        Some(f)
            if prior_has_filter
                || prior.is_none()
                || f.and().is_some()
                || f.tag().is_some()
                || f.prefix().is_some_and(|p| !p.is_empty()) =>
        {
            let fb = filter_block();
            let mut fo = Obj::new();
            fo.insert("prefix".into(), vs(f.prefix().unwrap_or_default()));
            fo.insert(
                "object_size_greater_than".into(),
                vi(f.object_size_greater_than().unwrap_or(0)),
            );
            fo.insert(
                "object_size_less_than".into(),
                vi(f.object_size_less_than().unwrap_or(0)),
            );
            let and: Vec<Obj> = f
                .and()
                .map(|a| {
                    let mut ao = Obj::new();
                    ao.insert("prefix".into(), vs(a.prefix().unwrap_or_default()));
                    ao.insert(
                        "object_size_greater_than".into(),
                        vi(a.object_size_greater_than().unwrap_or(0)),
                    );
                    ao.insert(
                        "object_size_less_than".into(),
                        vi(a.object_size_less_than().unwrap_or(0)),
                    );
                    let tags: std::collections::BTreeMap<String, String> = a
                        .tags()
                        .iter()
                        .map(|t| (t.key().to_string(), t.value().to_string()))
                        .collect();
                    ao.insert(
                        "tags".into(),
                        if tags.is_empty() {
                            Value::null(Type::map(Type::String))
                        } else {
                            vmap(&tags)
                        },
                    );
                    ao
                })
                .into_iter()
                .collect();
            fo.insert("and".into(), one_list(&fb.blocks["and"].block, and));
            let tag: Vec<Obj> = f
                .tag()
                .map(|t| {
                    let mut to = Obj::new();
                    to.insert("key".into(), vs(t.key()));
                    to.insert("value".into(), vs(t.value()));
                    to
                })
                .into_iter()
                .collect();
            fo.insert("tag".into(), one_list(&fb.blocks["tag"].block, tag));
            vec![fo]
        }
        _ => vec![],
    };
    o.insert("filter".into(), one_list(&filter_block(), filters));
    let exp: Vec<Obj> = r
        .expiration()
        .map(|e| {
            let mut eo = Obj::new();
            eo.insert("date".into(), vs(fmt_date(e.date())));
            eo.insert("days".into(), vi(e.days().unwrap_or(0).into()));
            eo.insert(
                "expired_object_delete_marker".into(),
                vb(e.expired_object_delete_marker().unwrap_or(false)),
            );
            eo
        })
        .into_iter()
        .collect();
    o.insert("expiration".into(), one_list(&sub("expiration"), exp));
    let abort: Vec<Obj> = r
        .abort_incomplete_multipart_upload()
        .map(|a| {
            let mut ao = Obj::new();
            ao.insert(
                "days_after_initiation".into(),
                vi(a.days_after_initiation().unwrap_or(0).into()),
            );
            ao
        })
        .into_iter()
        .collect();
    o.insert(
        "abort_incomplete_multipart_upload".into(),
        one_list(&sub("abort_incomplete_multipart_upload"), abort),
    );
    let nve: Vec<Obj> = r
        .noncurrent_version_expiration()
        .map(|n| {
            let mut no = Obj::new();
            no.insert(
                "noncurrent_days".into(),
                vi(n.noncurrent_days().unwrap_or(0).into()),
            );
            no.insert(
                "newer_noncurrent_versions".into(),
                vi(n.newer_noncurrent_versions().unwrap_or(0).into()),
            );
            no
        })
        .into_iter()
        .collect();
    o.insert(
        "noncurrent_version_expiration".into(),
        one_list(&sub("noncurrent_version_expiration"), nve),
    );
    let tb = sub("transition");
    o.insert(
        "transition".into(),
        Value::set(
            tb.implied_type(),
            r.transitions()
                .iter()
                .map(|t| {
                    let mut to = Obj::new();
                    to.insert("date".into(), vs(fmt_date(t.date())));
                    to.insert("days".into(), vi(t.days().unwrap_or(0).into()));
                    to.insert(
                        "storage_class".into(),
                        vs(t.storage_class().map(|s| s.as_str()).unwrap_or_default()),
                    );
                    nested(&tb, to)
                })
                .collect(),
        ),
    );
    let nb = sub("noncurrent_version_transition");
    o.insert(
        "noncurrent_version_transition".into(),
        Value::set(
            nb.implied_type(),
            r.noncurrent_version_transitions()
                .iter()
                .map(|t| {
                    let mut to = Obj::new();
                    to.insert(
                        "noncurrent_days".into(),
                        vi(t.noncurrent_days().unwrap_or(0).into()),
                    );
                    to.insert(
                        "newer_noncurrent_versions".into(),
                        vi(t.newer_noncurrent_versions().unwrap_or(0).into()),
                    );
                    to.insert(
                        "storage_class".into(),
                        vs(t.storage_class().map(|s| s.as_str()).unwrap_or_default()),
                    );
                    nested(&nb, to)
                })
                .collect(),
        ),
    );
    nested(&rb, o)
}

struct LifecycleRes;

impl LifecycleRes {
    async fn put(&self, aws: &Aws, p: &Obj) -> Result<(), Error> {
        let rules = get_blocks(p, "rule")
            .iter()
            .map(expand_rule)
            .collect::<Result<Vec<_>, _>>()?;
        let cfg = BucketLifecycleConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let bucket = get_s(p, "bucket").unwrap_or_default();
        aws.call_retrying(
            "S3 PutBucketLifecycleConfiguration",
            &["NoSuchBucket"],
            || {
                aws.s3
                    .put_bucket_lifecycle_configuration()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(get_ne(p, "expected_bucket_owner"))
                    .lifecycle_configuration(cfg.clone())
                    .send()
            },
        )
        .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource for LifecycleRes {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_lifecycle_configuration"
    }

    fn schema(&self) -> Schema {
        let mut rules = list(rule_block());
        rules.min_items = 1;
        schema(with_blocks(
            block(vec![
                id(),
                ("bucket", req_s().force_new()),
                ("expected_bucket_owner", opt_s().force_new()),
                ("transition_default_minimum_object_size", oc_s()),
            ]),
            vec![("rule", rules), timeouts(&["create", "update"])],
        ))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(bucket_sub_id(p)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::from(invalid(
                "lifecycle configuration not found after create",
            ))
            .with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = get_s(state, "bucket").unwrap_or_default();
        let out = match aws
            .call("S3 GetBucketLifecycleConfiguration", || {
                aws.s3
                    .get_bucket_lifecycle_configuration()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(get_ne(state, "expected_bucket_owner"))
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["NoSuchBucket", "NoSuchLifecycleConfiguration"]) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let prior_rules = get_blocks(state, "rule");
        let rules: Vec<Value> = out
            .rules()
            .iter()
            .map(|r| {
                let prior = prior_rules
                    .iter()
                    .find(|p| get_s(p, "id").as_deref() == r.id());
                flatten_rule(r, prior)
            })
            .collect();
        let mut st = state.clone();
        st.insert(
            "rule".into(),
            Value::list(rule_block().implied_type(), rules),
        );
        st.insert(
            "transition_default_minimum_object_size".into(),
            vs(out
                .transition_default_minimum_object_size()
                .map(|t| t.as_str())
                .unwrap_or("all_storage_classes_128K")),
        );
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        self.read_back(aws, p, "lifecycle configuration").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let bucket = get_s(state, "bucket").unwrap_or_default();
        match aws
            .call("S3 DeleteBucketLifecycle", || {
                aws.s3
                    .delete_bucket_lifecycle()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(get_ne(state, "expected_bucket_owner"))
                    .send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["NoSuchBucket", "NoSuchLifecycleConfiguration"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        bucket_import(blank, id)
    }
}
