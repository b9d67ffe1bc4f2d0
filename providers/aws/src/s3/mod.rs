//! S3: `aws_s3_bucket` and the split-out bucket configuration resources
//! (versioning, server-side encryption, lifecycle, public access block,
//! policy) and `aws_s3_object`.

mod bucket_config;
mod lifecycle;
mod object;

use crate::client::{Aws, AwsError};
use crate::framework::s::*;
use crate::framework::{invalid, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag, Tagging,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::Schema;
use terrane_value::Value;

/// Every S3 resource type.
pub fn resources() -> Vec<Arc<dyn Resource>> {
    let mut v: Vec<Arc<dyn Resource>> = vec![Arc::new(BucketRes)];
    v.extend(bucket_config::resources());
    v.extend(lifecycle::resources());
    v.extend(object::resources());
    v
}

/// Route 53 hosted zone IDs of S3 website/regional endpoints.
fn hosted_zone_id(region: &str) -> &'static str {
    match region {
        "us-east-1" => "Z3AQBSTGFYJSTF",
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        "ca-central-1" => "Z1QDHH18159H29",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-west-3" => "Z3R1K369G5AVDG",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "eu-north-1" => "Z3BAZG2TWCNX0D",
        "ap-south-1" => "Z11RGJOFQNVJUP",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        "ap-northeast-2" => "Z3W03O7B5YMIYP",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "sa-east-1" => "Z7KQH4QJS55SO",
        _ => "",
    }
}

/// S3 tags as SDK tagging.
pub fn tagging(tags: &BTreeMap<String, String>) -> Result<Tagging, Error> {
    let set = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(e.to_string()))?;
    Tagging::builder()
        .set_tag_set(Some(set))
        .build()
        .map_err(|e| invalid(e.to_string()))
}

/// S3 tags as a map.
pub fn s3_tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The bucket's tags (empty when it has none).
async fn bucket_tags(aws: &Aws, bucket: &str) -> Result<BTreeMap<String, String>, AwsError> {
    match aws
        .call("S3 GetBucketTagging", || {
            aws.s3.get_bucket_tagging().bucket(bucket).send()
        })
        .await
    {
        Ok(out) => Ok(s3_tag_map(out.tag_set())),
        Err(e) if e.is(&["NoSuchTagSet", "NoSuchTagSetError"]) => Ok(BTreeMap::new()),
        Err(e) => Err(e),
    }
}

async fn put_bucket_tags(
    aws: &Aws,
    bucket: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), Error> {
    if tags.is_empty() {
        aws.call("S3 DeleteBucketTagging", || {
            aws.s3.delete_bucket_tagging().bucket(bucket).send()
        })
        .await?;
        return Ok(());
    }
    let t = tagging(tags)?;
    aws.call("S3 PutBucketTagging", || {
        aws.s3
            .put_bucket_tagging()
            .bucket(bucket)
            .tagging(t.clone())
            .send()
    })
    .await?;
    Ok(())
}

/// True when the bucket exists (HeadBucket).
pub async fn bucket_exists(aws: &Aws, bucket: &str) -> Result<bool, AwsError> {
    match aws
        .call("S3 HeadBucket", || {
            aws.s3.head_bucket().bucket(bucket).send()
        })
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if e.is_not_found() || e.status == Some(404) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Deletes every object version and delete marker in a bucket.
async fn empty_bucket(aws: &Aws, bucket: &str) -> Result<(), Error> {
    let mut key_marker: Option<String> = None;
    let mut version_marker: Option<String> = None;
    loop {
        let out = aws
            .call("S3 ListObjectVersions", || {
                aws.s3
                    .list_object_versions()
                    .bucket(bucket)
                    .set_key_marker(key_marker.clone())
                    .set_version_id_marker(version_marker.clone())
                    .send()
            })
            .await?;
        let mut ids = Vec::new();
        for v in out.versions() {
            ids.push((
                v.key().unwrap_or_default().to_string(),
                v.version_id().map(String::from),
            ));
        }
        for m in out.delete_markers() {
            ids.push((
                m.key().unwrap_or_default().to_string(),
                m.version_id().map(String::from),
            ));
        }
        if !ids.is_empty() {
            let objects = ids
                .into_iter()
                .map(|(k, v)| ObjectIdentifier::builder().key(k).set_version_id(v).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| invalid(e.to_string()))?;
            let del = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| invalid(e.to_string()))?;
            aws.call("S3 DeleteObjects", || {
                aws.s3
                    .delete_objects()
                    .bucket(bucket)
                    .delete(del.clone())
                    .send()
            })
            .await?;
        }
        if out.is_truncated() != Some(true) {
            return Ok(());
        }
        key_marker = out.next_key_marker().map(String::from);
        version_marker = out.next_version_id_marker().map(String::from);
    }
}

struct BucketRes;

#[async_trait::async_trait]
impl Resource for BucketRes {
    fn name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("arn", comp_s()),
            ("bucket", oc_s().force_new()),
            ("bucket_domain_name", comp_s()),
            ("bucket_prefix", oc_s().force_new()),
            ("bucket_regional_domain_name", comp_s()),
            ("force_destroy", opt_b()),
            ("hosted_zone_id", comp_s()),
            ("object_lock_enabled", oc_b().force_new()),
            ("region", comp_s()),
        ];
        attrs.extend(tags());
        schema(with_blocks(
            block(attrs),
            vec![timeouts(&["create", "read", "update", "delete"])],
        ))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("force_destroy", vb(false))]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        if p.prior.is_none() {
            let name = get_ne(p.config, "bucket");
            let prefix = get_ne(p.config, "bucket_prefix");
            if name.is_some() && prefix.is_some() {
                return Err(invalid("\"bucket\": conflicts with bucket_prefix"));
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let bucket = name_or_generated(p, "bucket", "bucket_prefix", "terraform-", 63);
        let cfg = (aws.region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(aws.region.as_str()))
                .build()
        });
        let lock = get_b(p, "object_lock_enabled").filter(|b| *b);
        aws.call("S3 CreateBucket", || {
            aws.s3
                .create_bucket()
                .bucket(&bucket)
                .set_create_bucket_configuration(cfg.clone())
                .set_object_lock_enabled_for_bucket(lock)
                .send()
        })
        .await?;
        let mut partial = p.clone();
        partial.insert("id".into(), vs(&bucket));
        let fail = |e: Error| Failed::from(e).with_partial(partial.clone());
        let tags = aws.create_tags(p);
        if !tags.is_empty() {
            put_bucket_tags(aws, &bucket, &tags).await.map_err(fail)?;
        }
        match self.read(aws, &partial).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(fail(invalid(format!(
                "bucket {bucket} not found after create"
            )))),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = get_s(state, "id").unwrap_or_default();
        if !bucket_exists(aws, &bucket).await? {
            return Ok(None);
        }
        let mut st = state.clone();
        st.insert("bucket".into(), vs(&bucket));
        st.insert(
            "arn".into(),
            vs(format!("arn:{}:s3:::{bucket}", aws.partition)),
        );
        st.insert(
            "bucket_domain_name".into(),
            vs(format!("{bucket}.s3.{}", aws.dns_suffix())),
        );
        st.insert(
            "bucket_regional_domain_name".into(),
            vs(format!("{bucket}.s3.{}.{}", aws.region, aws.dns_suffix())),
        );
        st.insert("region".into(), vs(&aws.region));
        st.insert("hosted_zone_id".into(), vs(hosted_zone_id(&aws.region)));
        if get_s(&st, "bucket_prefix").is_none() {
            st.insert("bucket_prefix".into(), vs(""));
        }
        if get_b(&st, "force_destroy").is_none() {
            st.insert("force_destroy".into(), vb(false));
        }
        let lock = match aws
            .call("S3 GetObjectLockConfiguration", || {
                aws.s3
                    .get_object_lock_configuration()
                    .bucket(&bucket)
                    .send()
            })
            .await
        {
            Ok(out) => out
                .object_lock_configuration()
                .and_then(|c| c.object_lock_enabled())
                .is_some_and(|e| e.as_str() == "Enabled"),
            Err(e) if e.is(&["ObjectLockConfigurationNotFoundError", "NotImplemented"]) => false,
            Err(e) => return Err(e.into()),
        };
        st.insert("object_lock_enabled".into(), vb(lock));
        aws.set_tags(&mut st, bucket_tags(aws, &bucket).await?);
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let bucket = get_s(prior, "id").unwrap_or_default();
        if get_map(prior, "tags_all") != get_map(p, "tags_all") {
            put_bucket_tags(aws, &bucket, &get_map(p, "tags_all")).await?;
        }
        let mut base = prior.clone();
        for k in ["tags", "force_destroy", "timeouts"] {
            base.insert(k.into(), p.get(k).cloned().unwrap_or_default());
        }
        self.read(aws, &base)
            .await?
            .ok_or_else(|| invalid(format!("bucket {bucket} disappeared during update")).into())
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let bucket = get_s(state, "id").unwrap_or_default();
        let mut emptied = false;
        loop {
            match aws
                .call("S3 DeleteBucket", || {
                    aws.s3.delete_bucket().bucket(&bucket).send()
                })
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if e.is(&["NoSuchBucket"]) => return Ok(()),
                Err(e)
                    if e.is(&["BucketNotEmpty"])
                        && get_b(state, "force_destroy") == Some(true)
                        && !emptied =>
                {
                    empty_bucket(aws, &bucket).await?;
                    emptied = true;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("id".into(), vs(id));
        o.insert("force_destroy".into(), vb(false));
        Ok(o)
    }
}

/// Import ID for the bucket sub-resources: `BUCKET` or
/// `BUCKET,EXPECTED_BUCKET_OWNER`.
pub fn bucket_import(blank: Obj, id: &str) -> Result<Obj, Error> {
    let mut o = blank;
    let (bucket, owner) = match id.split_once(',') {
        Some((b, o)) => (b, Some(o)),
        None => (id, None),
    };
    if bucket.is_empty() {
        return Err(invalid(format!(
            "unexpected format of ID ({id}), expected BUCKET or BUCKET,EXPECTED_BUCKET_OWNER"
        )));
    }
    o.insert("id".into(), vs(id));
    o.insert("bucket".into(), vs(bucket));
    if let Some(ow) = owner {
        o.insert("expected_bucket_owner".into(), vs(ow));
    }
    Ok(o)
}

/// The ID of a bucket sub-resource: the bucket, plus `,OWNER` when set.
pub fn bucket_sub_id(p: &Obj) -> String {
    let b = get_s(p, "bucket").unwrap_or_default();
    match get_ne(p, "expected_bucket_owner") {
        Some(o) => format!("{b},{o}"),
        None => b,
    }
}
