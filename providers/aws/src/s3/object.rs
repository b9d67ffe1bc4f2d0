//! `aws_s3_object`: an object uploaded from `content`, `content_base64` or a
//! local `source` file, with metadata, tags and in-place re-upload.

use super::{s3_tag_map, tagging};
use crate::client::Aws;
use crate::framework::s::*;
use crate::framework::{invalid, Error, Failed, PlanCtx, Resource};
use crate::vals::*;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ObjectCannedAcl, ServerSideEncryption, StorageClass};
use base64::Engine;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_provider::{Attribute, Schema};
use terrane_value::{Type, Value};

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![Arc::new(ObjectRes)]
}

/// Attributes whose change re-uploads the object (new etag/version).
const CONTENT_ATTRS: &[&str] = &[
    "acl",
    "bucket_key_enabled",
    "cache_control",
    "content",
    "content_base64",
    "content_disposition",
    "content_encoding",
    "content_language",
    "content_type",
    "etag",
    "kms_key_id",
    "metadata",
    "server_side_encryption",
    "source",
    "source_hash",
    "storage_class",
    "website_redirect",
];

fn body_of(p: &Obj) -> Result<Vec<u8>, Error> {
    if let Some(src) = get_ne(p, "source") {
        return std::fs::read(&src)
            .map_err(|e| invalid(format!("opening S3 object source ({src}): {e}")));
    }
    if let Some(b64) = get_ne(p, "content_base64") {
        return base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|e| invalid(format!("decoding content_base64: {e}")));
    }
    Ok(get_s(p, "content").unwrap_or_default().into_bytes())
}

struct ObjectRes;

impl ObjectRes {
    async fn put(&self, aws: &Aws, p: &Obj) -> Result<(), Error> {
        let body = body_of(p)?;
        let bucket = get_s(p, "bucket").unwrap_or_default();
        let key = get_s(p, "key").unwrap_or_default();
        let meta = get_map(p, "metadata");
        let tags = aws.create_tags(p);
        let tag_header = (!tags.is_empty()).then(|| {
            tags.iter()
                .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
                .collect::<Vec<_>>()
                .join("&")
        });
        aws.call("S3 PutObject", || {
            aws.s3
                .put_object()
                .bucket(&bucket)
                .key(&key)
                .body(ByteStream::from(body.clone()))
                .set_acl(get_ne(p, "acl").map(|a| ObjectCannedAcl::from(a.as_str())))
                .set_cache_control(get_ne(p, "cache_control"))
                .set_content_disposition(get_ne(p, "content_disposition"))
                .set_content_encoding(get_ne(p, "content_encoding"))
                .set_content_language(get_ne(p, "content_language"))
                .set_content_type(get_ne(p, "content_type"))
                .set_metadata((!meta.is_empty()).then(|| meta.clone().into_iter().collect()))
                .set_server_side_encryption(
                    get_ne(p, "server_side_encryption")
                        .map(|s| ServerSideEncryption::from(s.as_str())),
                )
                .set_ssekms_key_id(get_ne(p, "kms_key_id"))
                .set_bucket_key_enabled(get_b(p, "bucket_key_enabled").filter(|b| *b))
                .set_storage_class(
                    get_ne(p, "storage_class").map(|s| StorageClass::from(s.as_str())),
                )
                .set_website_redirect_location(get_ne(p, "website_redirect"))
                .set_tagging(tag_header.clone())
                .send()
        })
        .await?;
        Ok(())
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[async_trait::async_trait]
impl Resource for ObjectRes {
    fn name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("acl", oc_s()),
            ("arn", comp_s()),
            ("bucket", req_s().force_new()),
            ("bucket_key_enabled", oc_b()),
            ("cache_control", opt_s()),
            ("checksum_algorithm", opt_s()),
            ("content", opt_s()),
            ("content_base64", opt_s()),
            ("content_disposition", opt_s()),
            ("content_encoding", opt_s()),
            ("content_language", opt_s()),
            ("content_type", oc_s()),
            ("etag", oc_s()),
            ("force_destroy", opt_b()),
            ("key", req_s().force_new()),
            ("kms_key_id", oc_s()),
            ("metadata", Attribute::optional(Type::map(Type::String))),
            ("server_side_encryption", oc_s()),
            ("source", opt_s()),
            ("source_hash", opt_s()),
            ("storage_class", oc_s()),
            ("version_id", comp_s()),
            ("website_redirect", opt_s()),
        ];
        attrs.extend(tags());
        schema(block(attrs))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        vec![("force_destroy", vb(false))]
    }

    fn customize_plan(&self, _aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        let set_count = ["content", "content_base64", "source"]
            .iter()
            .filter(|k| p.config.get(**k).is_some_and(|v| !v.is_null()))
            .count();
        if set_count > 1 {
            return Err(invalid(
                "only one of content, content_base64, source may be set",
            ));
        }
        let changed = match p.prior {
            None => true,
            Some(pr) => CONTENT_ATTRS.iter().any(|k| {
                *k != "etag"
                    && p.config.get(*k).is_some_and(|v| !v.is_null())
                    && pr.get(*k) != p.planned.get(*k)
            }),
        };
        // As Terraform plans it: a new upload's etag and version are known
        // only after apply (the etag is the body's MD5 for plain uploads, but
        // not with SSE-KMS or multipart, so it is never promised early).
        if changed && p.prior.is_some() {
            p.unknown("version_id", Type::String);
            if p.config.get("etag").is_none_or(Value::is_null) {
                p.unknown("etag", Type::String);
            }
        }
        Ok(())
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(get_s(p, "key").unwrap_or_default()));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => {
                Err(Failed::from(invalid("object not found after upload")).with_partial(st))
            }
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = get_s(state, "bucket").unwrap_or_default();
        let key = get_s(state, "key").unwrap_or_else(|| get_s(state, "id").unwrap_or_default());
        let head = match aws
            .call("S3 HeadObject", || {
                aws.s3.head_object().bucket(&bucket).key(&key).send()
            })
            .await
        {
            Ok(h) => h,
            Err(e) if e.is_not_found() || e.status == Some(404) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut st = state.clone();
        st.insert("id".into(), vs(&key));
        st.insert("key".into(), vs(&key));
        st.insert(
            "arn".into(),
            vs(format!("arn:{}:s3:::{bucket}/{key}", aws.partition)),
        );
        st.insert("content_type".into(), vso(head.content_type()));
        st.insert(
            "etag".into(),
            vs(head.e_tag().unwrap_or_default().trim_matches('"')),
        );
        st.insert(
            "version_id".into(),
            vs(head.version_id().unwrap_or_default()),
        );
        st.insert(
            "storage_class".into(),
            vs(head
                .storage_class()
                .map(|s| s.as_str())
                .unwrap_or("STANDARD")),
        );
        st.insert(
            "server_side_encryption".into(),
            vs(head
                .server_side_encryption()
                .map(|s| s.as_str())
                .unwrap_or("AES256")),
        );
        st.insert(
            "bucket_key_enabled".into(),
            vb(head.bucket_key_enabled().unwrap_or(false)),
        );
        st.insert(
            "kms_key_id".into(),
            vs(head.ssekms_key_id().unwrap_or_default()),
        );
        if get_s(&st, "acl").is_none() {
            st.insert("acl".into(), vs("private"));
        }
        for (attr, v) in [
            ("cache_control", head.cache_control()),
            ("content_disposition", head.content_disposition()),
            ("content_encoding", head.content_encoding()),
            ("content_language", head.content_language()),
            ("website_redirect", head.website_redirect_location()),
        ] {
            let keep_null =
                state.get(attr).is_none_or(Value::is_null) && v.is_none_or(str::is_empty);
            if !keep_null {
                st.insert(attr.into(), vs(v.unwrap_or_default()));
            }
        }
        let meta: BTreeMap<String, String> = head
            .metadata()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let keep_null = state.get("metadata").is_none_or(Value::is_null) && meta.is_empty();
        if !keep_null {
            st.insert("metadata".into(), vmap(&meta));
        }
        let tags = match aws
            .call("S3 GetObjectTagging", || {
                aws.s3.get_object_tagging().bucket(&bucket).key(&key).send()
            })
            .await
        {
            Ok(t) => s3_tag_map(t.tag_set()),
            Err(e) if e.is(&["NoSuchTagSet"]) => BTreeMap::new(),
            Err(e) => return Err(e.into()),
        };
        aws.set_tags(&mut st, tags);
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let reupload = CONTENT_ATTRS.iter().any(|k| prior.get(*k) != p.get(*k));
        if reupload {
            self.put(aws, p).await?;
        } else if get_map(prior, "tags_all") != get_map(p, "tags_all") {
            let bucket = get_s(p, "bucket").unwrap_or_default();
            let key = get_s(p, "key").unwrap_or_default();
            let t = tagging(&get_map(p, "tags_all"))?;
            aws.call("S3 PutObjectTagging", || {
                aws.s3
                    .put_object_tagging()
                    .bucket(&bucket)
                    .key(&key)
                    .tagging(t.clone())
                    .send()
            })
            .await?;
        }
        let mut base = p.clone();
        base.insert("id".into(), prior.get("id").cloned().unwrap_or_default());
        self.read_back(aws, &base, "object").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let bucket = get_s(state, "bucket").unwrap_or_default();
        let key = get_s(state, "key").unwrap_or_default();
        if get_b(state, "force_destroy") == Some(true) {
            // Delete every version of the key.
            let out = aws
                .call("S3 ListObjectVersions", || {
                    aws.s3
                        .list_object_versions()
                        .bucket(&bucket)
                        .prefix(&key)
                        .send()
                })
                .await?;
            let mut versions: Vec<Option<String>> = out
                .versions()
                .iter()
                .filter(|v| v.key() == Some(key.as_str()))
                .map(|v| v.version_id().map(String::from))
                .collect();
            versions.extend(
                out.delete_markers()
                    .iter()
                    .filter(|v| v.key() == Some(key.as_str()))
                    .map(|v| v.version_id().map(String::from)),
            );
            for v in versions {
                aws.call("S3 DeleteObject", || {
                    aws.s3
                        .delete_object()
                        .bucket(&bucket)
                        .key(&key)
                        .set_version_id(v.clone())
                        .send()
                })
                .await?;
            }
            return Ok(());
        }
        match aws
            .call("S3 DeleteObject", || {
                aws.s3.delete_object().bucket(&bucket).key(&key).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["NoSuchBucket", "NoSuchKey"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Import ID: `BUCKET/KEY` (or `s3://BUCKET/KEY`).
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let rest = id.strip_prefix("s3://").unwrap_or(id);
        let (bucket, key) = rest
            .split_once('/')
            .filter(|(b, k)| !b.is_empty() && !k.is_empty())
            .ok_or_else(|| {
                invalid(format!(
                    "unexpected format of ID ({id}), expected BUCKET/KEY"
                ))
            })?;
        let mut o = blank;
        o.insert("bucket".into(), vs(bucket));
        o.insert("key".into(), vs(key));
        o.insert("id".into(), vs(key));
        o.insert("force_destroy".into(), vb(false));
        Ok(o)
    }
}
