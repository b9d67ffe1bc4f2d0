//! `aws_s3_bucket_versioning`, `aws_s3_bucket_server_side_encryption_configuration`,
//! `aws_s3_bucket_public_access_block` and `aws_s3_bucket_policy`.

use super::{bucket_import, bucket_sub_id};
use crate::client::Aws;
use crate::framework::s::*;
use crate::framework::{invalid, Error, Failed, Resource};
use crate::vals::*;
use aws_sdk_s3::types::{
    BucketVersioningStatus, MfaDelete, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    VersioningConfiguration,
};
use std::sync::Arc;
use terrane_provider::{Block, Schema};
use terrane_value::Value;

pub fn resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(VersioningRes),
        Arc::new(SseRes),
        Arc::new(PabRes),
        Arc::new(PolicyRes),
    ]
}

fn owner(o: &Obj) -> Option<String> {
    get_ne(o, "expected_bucket_owner")
}

fn bucket_of(o: &Obj) -> String {
    get_s(o, "bucket").unwrap_or_default()
}

// ------------------------------------------------------------ versioning

struct VersioningRes;

fn versioning_block() -> Block {
    block(vec![("mfa_delete", opt_s()), ("status", req_s())])
}

async fn put_versioning(
    aws: &Aws,
    p: &Obj,
    status: &str,
    mfa_delete: Option<String>,
) -> Result<(), Error> {
    let mut vc = VersioningConfiguration::builder().status(BucketVersioningStatus::from(status));
    if let Some(m) = mfa_delete.filter(|m| !m.is_empty()) {
        vc = vc.mfa_delete(MfaDelete::from(m.as_str()));
    }
    let vc = vc.build();
    let bucket = bucket_of(p);
    aws.call("S3 PutBucketVersioning", || {
        aws.s3
            .put_bucket_versioning()
            .bucket(&bucket)
            .set_expected_bucket_owner(owner(p))
            .set_mfa(get_ne(p, "mfa"))
            .versioning_configuration(vc.clone())
            .send()
    })
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Resource for VersioningRes {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }

    fn schema(&self) -> Schema {
        let mut vb_ = one(versioning_block());
        vb_.min_items = 1;
        schema(with_blocks(
            block(vec![
                id(),
                ("bucket", req_s().force_new()),
                ("expected_bucket_owner", opt_s().force_new()),
                ("mfa", opt_s()),
            ]),
            vec![("versioning_configuration", vb_)],
        ))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        let vc = get_block(p, "versioning_configuration").unwrap_or_default();
        let status = get_s(&vc, "status").unwrap_or_default();
        // "Disabled" is only valid for a bucket that never had versioning:
        // nothing to send.
        if status != "Disabled" {
            put_versioning(aws, p, &status, get_ne(&vc, "mfa_delete")).await?;
        }
        let mut st = p.clone();
        st.insert("id".into(), vs(bucket_sub_id(p)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("bucket versioning not found after create")).with_partial(st),
            ),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = bucket_of(state);
        let out = match aws
            .call("S3 GetBucketVersioning", || {
                aws.s3
                    .get_bucket_versioning()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(owner(state))
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["NoSuchBucket"]) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let status = out
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "Disabled".into());
        let prior_vc = get_block(state, "versioning_configuration").unwrap_or_default();
        let mfa = match out.mfa_delete().map(|m| m.as_str()) {
            Some(m)
                if !(m == "Disabled"
                    && get_s(&prior_vc, "mfa_delete")
                        .unwrap_or_default()
                        .is_empty()) =>
            {
                m.to_string()
            }
            _ => get_s(&prior_vc, "mfa_delete").unwrap_or_default(),
        };
        let mut f = Obj::new();
        f.insert("status".into(), vs(status));
        f.insert("mfa_delete".into(), vs(mfa));
        let b = versioning_block();
        let mut st = state.clone();
        st.insert(
            "versioning_configuration".into(),
            Value::list(b.implied_type(), vec![nested(&b, f)]),
        );
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        let vc = get_block(p, "versioning_configuration").unwrap_or_default();
        let status = get_s(&vc, "status").unwrap_or_default();
        let send = if status == "Disabled" {
            "Suspended".to_string()
        } else {
            status
        };
        put_versioning(aws, p, &send, get_ne(&vc, "mfa_delete")).await?;
        self.read_back(aws, p, "bucket").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let vc = get_block(state, "versioning_configuration").unwrap_or_default();
        if get_s(&vc, "status").as_deref() == Some("Disabled") {
            return Ok(());
        }
        match put_versioning(aws, state, "Suspended", None).await {
            Ok(()) => Ok(()),
            Err(Error::Aws(e)) if e.is(&["NoSuchBucket"]) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        bucket_import(blank, id)
    }
}

// ------------------------------------------------------------------- SSE

struct SseRes;

fn sse_default_block() -> Block {
    block(vec![
        ("kms_master_key_id", opt_s()),
        ("sse_algorithm", req_s()),
    ])
}

fn sse_rule_block() -> Block {
    with_blocks(
        block(vec![("bucket_key_enabled", opt_b())]),
        vec![(
            "apply_server_side_encryption_by_default",
            one(sse_default_block()),
        )],
    )
}

#[async_trait::async_trait]
impl Resource for SseRes {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_server_side_encryption_configuration"
    }

    fn schema(&self) -> Schema {
        let mut rules = set(sse_rule_block());
        rules.min_items = 1;
        schema(with_blocks(
            block(vec![
                id(),
                ("bucket", req_s().force_new()),
                ("expected_bucket_owner", opt_s().force_new()),
            ]),
            vec![("rule", rules)],
        ))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(bucket_sub_id(p)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(Failed::from(invalid(
                "encryption configuration not found after create",
            ))
            .with_partial(st)),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = bucket_of(state);
        let out = match aws
            .call("S3 GetBucketEncryption", || {
                aws.s3
                    .get_bucket_encryption()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(owner(state))
                    .send()
            })
            .await
        {
            Ok(o) => o,
            Err(e)
                if e.is(&[
                    "NoSuchBucket",
                    "ServerSideEncryptionConfigurationNotFoundError",
                ]) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        let rb = sse_rule_block();
        let db = sse_default_block();
        let rules: Vec<Value> = out
            .server_side_encryption_configuration()
            .map(|c| c.rules())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let mut f = Obj::new();
                let defaults: Vec<Value> = r
                    .apply_server_side_encryption_by_default()
                    .map(|d| {
                        let mut g = Obj::new();
                        g.insert("sse_algorithm".into(), vs(d.sse_algorithm().as_str()));
                        g.insert(
                            "kms_master_key_id".into(),
                            vs(d.kms_master_key_id().unwrap_or_default()),
                        );
                        nested(&db, g)
                    })
                    .into_iter()
                    .collect();
                f.insert(
                    "apply_server_side_encryption_by_default".into(),
                    Value::list(db.implied_type(), defaults),
                );
                f.insert(
                    "bucket_key_enabled".into(),
                    vb(r.bucket_key_enabled().unwrap_or(false)),
                );
                nested(&rb, f)
            })
            .collect();
        let mut st = state.clone();
        st.insert("rule".into(), Value::set(rb.implied_type(), rules));
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        self.read_back(aws, p, "encryption configuration").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let bucket = bucket_of(state);
        match aws
            .call("S3 DeleteBucketEncryption", || {
                aws.s3
                    .delete_bucket_encryption()
                    .bucket(&bucket)
                    .set_expected_bucket_owner(owner(state))
                    .send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e)
                if e.is(&[
                    "NoSuchBucket",
                    "ServerSideEncryptionConfigurationNotFoundError",
                ]) =>
            {
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        bucket_import(blank, id)
    }
}

impl SseRes {
    async fn put(&self, aws: &Aws, p: &Obj) -> Result<(), Error> {
        let mut rules = Vec::new();
        for r in get_blocks(p, "rule") {
            let mut b = ServerSideEncryptionRule::builder();
            if let Some(d) = get_block(&r, "apply_server_side_encryption_by_default") {
                let alg = get_s(&d, "sse_algorithm").unwrap_or_default();
                let def = ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(alg.as_str()))
                    .set_kms_master_key_id(get_ne(&d, "kms_master_key_id"))
                    .build()
                    .map_err(|e| invalid(e.to_string()))?;
                b = b.apply_server_side_encryption_by_default(def);
            }
            if let Some(k) = get_b(&r, "bucket_key_enabled") {
                b = b.bucket_key_enabled(k);
            }
            rules.push(b.build());
        }
        let cfg = ServerSideEncryptionConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let bucket = bucket_of(p);
        aws.call_retrying("S3 PutBucketEncryption", &["NoSuchBucket"], || {
            aws.s3
                .put_bucket_encryption()
                .bucket(&bucket)
                .set_expected_bucket_owner(owner(p))
                .server_side_encryption_configuration(cfg.clone())
                .send()
        })
        .await?;
        Ok(())
    }
}

// --------------------------------------------------- public access block

struct PabRes;

const PAB_FLAGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

#[async_trait::async_trait]
impl Resource for PabRes {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }

    fn schema(&self) -> Schema {
        let mut attrs = vec![
            id(),
            ("bucket", req_s().force_new()),
            ("skip_destroy", opt_b()),
        ];
        attrs.extend(PAB_FLAGS.iter().map(|f| (*f, opt_b())));
        schema(block(attrs))
    }

    fn defaults(&self) -> Vec<(&'static str, Value)> {
        PAB_FLAGS.iter().map(|f| (*f, vb(false))).collect()
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(bucket_of(p)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(
                Failed::from(invalid("public access block not found after create"))
                    .with_partial(st),
            ),
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = get_s(state, "id").unwrap_or_else(|| bucket_of(state));
        let out = match aws
            .call("S3 GetPublicAccessBlock", || {
                aws.s3.get_public_access_block().bucket(&bucket).send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"]) => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        let c = out.public_access_block_configuration();
        let mut st = state.clone();
        st.insert("bucket".into(), vs(&bucket));
        st.insert(
            "block_public_acls".into(),
            vb(c.and_then(|c| c.block_public_acls()).unwrap_or(false)),
        );
        st.insert(
            "block_public_policy".into(),
            vb(c.and_then(|c| c.block_public_policy()).unwrap_or(false)),
        );
        st.insert(
            "ignore_public_acls".into(),
            vb(c.and_then(|c| c.ignore_public_acls()).unwrap_or(false)),
        );
        st.insert(
            "restrict_public_buckets".into(),
            vb(c.and_then(|c| c.restrict_public_buckets()).unwrap_or(false)),
        );
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        self.read_back(aws, p, "public access block").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        if get_b(state, "skip_destroy") == Some(true) {
            return Ok(());
        }
        let bucket = bucket_of(state);
        match aws
            .call("S3 DeletePublicAccessBlock", || {
                aws.s3.delete_public_access_block().bucket(&bucket).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("id".into(), vs(id));
        o.insert("bucket".into(), vs(id));
        Ok(o)
    }
}

impl PabRes {
    async fn put(&self, aws: &Aws, p: &Obj) -> Result<(), Error> {
        let c = PublicAccessBlockConfiguration::builder()
            .block_public_acls(get_b(p, "block_public_acls").unwrap_or(false))
            .block_public_policy(get_b(p, "block_public_policy").unwrap_or(false))
            .ignore_public_acls(get_b(p, "ignore_public_acls").unwrap_or(false))
            .restrict_public_buckets(get_b(p, "restrict_public_buckets").unwrap_or(false))
            .build();
        let bucket = bucket_of(p);
        aws.call_retrying("S3 PutPublicAccessBlock", &["NoSuchBucket"], || {
            aws.s3
                .put_public_access_block()
                .bucket(&bucket)
                .public_access_block_configuration(c.clone())
                .send()
        })
        .await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- policy

struct PolicyRes;

/// IAM policy JSON in a canonical form for equivalence: single-element
/// arrays and strings are the same, array order does not matter.
pub fn canonical_policy(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as V;
    match v {
        V::Array(a) if a.len() == 1 => canonical_policy(&a[0]),
        V::Array(a) => {
            let mut items: Vec<V> = a.iter().map(canonical_policy).collect();
            items.sort_by_key(|x| x.to_string());
            V::Array(items)
        }
        V::Object(m) => {
            let mut sorted: Vec<(String, V)> = m
                .iter()
                .map(|(k, v)| (k.clone(), canonical_policy(v)))
                .collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            V::Object(sorted.into_iter().collect())
        }
        V::Bool(b) => V::String(b.to_string()),
        other => other.clone(),
    }
}

/// True when two policy documents mean the same.
pub fn policies_equivalent(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => canonical_policy(&x) == canonical_policy(&y),
        _ => a == b,
    }
}

#[async_trait::async_trait]
impl Resource for PolicyRes {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }

    fn schema(&self) -> Schema {
        schema(block(vec![
            id(),
            ("bucket", req_s().force_new()),
            ("policy", req_s()),
        ]))
    }

    async fn create(&self, aws: &Aws, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        let mut st = p.clone();
        st.insert("id".into(), vs(bucket_of(p)));
        match self.read(aws, &st).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => {
                Err(Failed::from(invalid("bucket policy not found after create")).with_partial(st))
            }
            Err(e) => Err(Failed::from(e).with_partial(st)),
        }
    }

    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error> {
        let bucket = get_s(state, "id").unwrap_or_else(|| bucket_of(state));
        let out = match aws
            .call("S3 GetBucketPolicy", || {
                aws.s3.get_bucket_policy().bucket(&bucket).send()
            })
            .await
        {
            Ok(o) => o,
            Err(e) if e.is(&["NoSuchBucket", "NoSuchBucketPolicy"]) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let remote = out.policy().unwrap_or_default().to_string();
        let mut st = state.clone();
        st.insert("bucket".into(), vs(&bucket));
        let keep = get_s(state, "policy").is_some_and(|mine| policies_equivalent(&mine, &remote));
        if !keep {
            st.insert("policy".into(), vs(remote));
        }
        Ok(Some(st))
    }

    async fn update(&self, aws: &Aws, _prior: &Obj, p: &Obj) -> Result<Obj, Failed> {
        self.put(aws, p).await?;
        self.read_back(aws, p, "bucket policy").await
    }

    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error> {
        let bucket = bucket_of(state);
        match aws
            .call("S3 DeleteBucketPolicy", || {
                aws.s3.delete_bucket_policy().bucket(&bucket).send()
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is(&["NoSuchBucket", "NoSuchBucketPolicy"]) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("id".into(), vs(id));
        o.insert("bucket".into(), vs(id));
        Ok(o)
    }
}

impl PolicyRes {
    async fn put(&self, aws: &Aws, p: &Obj) -> Result<(), Error> {
        let bucket = bucket_of(p);
        let policy = get_s(p, "policy").unwrap_or_default();
        aws.call_retrying(
            "S3 PutBucketPolicy",
            &["MalformedPolicy", "NoSuchBucket"],
            || {
                aws.s3
                    .put_bucket_policy()
                    .bucket(&bucket)
                    .policy(&policy)
                    .send()
            },
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn policy_equivalence_ignores_order_and_single_arrays() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["b","a"],"Principal":"*"}]}"#;
        let b = r#"{"Statement":{"Principal":"*","Resource":["a","b"],"Action":"s3:GetObject","Effect":"Allow"},"Version":"2012-10-17"}"#;
        assert!(policies_equivalent(a, b));
        let c = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:GetObject","Resource":["a","b"],"Principal":"*"}]}"#;
        assert!(!policies_equivalent(a, c));
    }
}
