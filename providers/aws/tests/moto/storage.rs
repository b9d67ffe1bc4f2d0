//! S3 buckets, bucket configuration resources and objects. Buckets are
//! global in moto, so every test uses unique bucket names.

use crate::common::*;
use terrane_provider_aws::vals::{vb, vi, vs};
use terrane_value::Value;

#[tokio::test]
async fn bucket_lifecycle_tags_import_force_destroy() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-north-1").await;
    let t = "aws_s3_bucket";
    let name = unique("tf-bucket");
    let cfg = config(
        t,
        vec![("bucket", vs(&name)), ("tags", map(&[("Name", "b")]))],
    );
    let pl = plan(&p, t, &Value::dynamic_null(), &cfg).await;
    assert!(
        !attr(&pl.planned_state, "arn").is_known(),
        "arn is known after apply, as Terraform plans it"
    );
    let b = create(&p, t, &cfg).await;
    assert_eq!(s(&b, "id"), name);
    assert_eq!(s(&b, "region"), "eu-north-1");
    assert_eq!(
        s(&b, "bucket_regional_domain_name"),
        format!("{name}.s3.eu-north-1.amazonaws.com")
    );
    assert_eq!(attr(&b, "force_destroy"), vb(false));
    assert_noop(&p, t, &b, &cfg).await;

    let cfg2 = with(
        &cfg,
        vec![
            ("tags", map(&[("Name", "b2"), ("Team", "x")])),
            ("force_destroy", vb(true)),
        ],
    );
    let b2 = apply(&p, t, &b, &cfg2).await;
    assert_eq!(attr(&b2, "tags_all"), map(&[("Name", "b2"), ("Team", "x")]));
    assert_noop(&p, t, &b2, &cfg2).await;
    let pl = plan(
        &p,
        t,
        &b2,
        &with(&cfg2, vec![("bucket", vs(unique("other")))]),
    )
    .await;
    assert_eq!(
        pl.requires_replace
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>(),
        vec!["bucket"]
    );
    assert_eq!(
        import(&p, t, &name).await,
        with(&b2, vec![("force_destroy", vb(false))])
    );

    // A generated name with a prefix.
    let gen = create(&p, t, &config(t, vec![("bucket_prefix", vs("tf-gen-"))])).await;
    assert!(s(&gen, "bucket").starts_with("tf-gen-"));
    destroy(&p, t, &gen).await;

    // force_destroy empties a non-empty bucket.
    p.aws
        .s3
        .put_object()
        .bucket(&name)
        .key("k")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();
    destroy(&p, t, &b2).await;
    assert!(
        read(&p, t, &b2).await.is_null(),
        "deleted bucket reads as null"
    );
}

#[tokio::test]
async fn bucket_without_force_destroy_refuses_to_delete_objects() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-north-1").await;
    let t = "aws_s3_bucket";
    let name = unique("tf-keep");
    let b = create(&p, t, &config(t, vec![("bucket", vs(&name))])).await;
    p.aws
        .s3
        .put_object()
        .bucket(&name)
        .key("k")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();
    let r = p.apply_change_for_test(t, &b).await;
    let d = r.diagnostics.iter().next().expect("an error");
    assert!(d.summary.contains("deleting aws_s3_bucket"), "{d:?}");
    assert!(
        d.detail.contains("S3 DeleteBucket") && d.detail.contains("BucketNotEmpty"),
        "{d:?}"
    );
    assert_eq!(r.new_state, b, "failed delete keeps the object in state");
    p.aws
        .s3
        .delete_object()
        .bucket(&name)
        .key("k")
        .send()
        .await
        .unwrap();
    destroy(&p, t, &b).await;
}

trait DeleteForTest {
    async fn apply_change_for_test(
        &self,
        t: &str,
        st: &Value,
    ) -> terrane_provider::ApplyChangeResponse;
}

impl DeleteForTest for terrane_provider_aws::Configured {
    async fn apply_change_for_test(
        &self,
        t: &str,
        st: &Value,
    ) -> terrane_provider::ApplyChangeResponse {
        terrane_provider::ConfiguredProvider::apply_change(
            self,
            terrane_provider::ApplyChangeRequest {
                type_name: t.into(),
                prior_state: st.clone(),
                planned_state: Value::dynamic_null(),
                config: Value::dynamic_null(),
                planned_private: vec![],
            },
        )
        .await
    }
}

#[tokio::test]
async fn versioning_encryption_public_access_policy() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-north-1").await;
    let name = unique("tf-cfg");
    let b = create(
        &p,
        "aws_s3_bucket",
        &config("aws_s3_bucket", vec![("bucket", vs(&name))]),
    )
    .await;

    // Versioning. moto 5.2.5 answers GetBucketVersioning with the root
    // element <GetBucketVersioningResponse> instead of AWS's
    // <VersioningConfiguration>; boto3 tolerates it, the Rust SDK rejects
    // it. So the read-back through the SDK fails on moto; the calls the
    // provider makes (PutBucketVersioning) are checked with raw GETs.
    let t = "aws_s3_bucket_versioning";
    let vc = |status: &str| {
        Value::list(
            nested_type(t, &["versioning_configuration"]),
            vec![nested(
                t,
                &["versioning_configuration"],
                vec![("status", vs(status))],
            )],
        )
    };
    let cfg = config(
        t,
        vec![
            ("bucket", vs(&name)),
            ("versioning_configuration", vc("Enabled")),
        ],
    );
    let pl = plan(&p, t, &Value::dynamic_null(), &cfg).await;
    assert!(!pl.diagnostics.has_errors());
    let r = terrane_provider::ConfiguredProvider::apply_change(
        &p,
        terrane_provider::ApplyChangeRequest {
            type_name: t.into(),
            prior_state: Value::dynamic_null(),
            planned_state: pl.planned_state.clone(),
            config: cfg.clone(),
            planned_private: vec![],
        },
    )
    .await;
    let moto_gap = r
        .diagnostics
        .iter()
        .any(|d| d.detail.contains("GetBucketVersioningResponse"));
    let raw = raw_get(&ep, &format!("/{name}?versioning"));
    assert!(raw.contains("<Status>Enabled</Status>"), "{raw}");
    if moto_gap {
        eprintln!(
            "moto gap: GetBucketVersioning response root; verified PutBucketVersioning by raw GET"
        );
        assert_eq!(
            s(&r.new_state, "id"),
            name,
            "the created configuration stays in state"
        );
        let vstate = r.new_state.clone();
        let cfg2 = with(&cfg, vec![("versioning_configuration", vc("Suspended"))]);
        let pl = plan(&p, t, &vstate, &cfg2).await;
        assert!(pl.requires_replace.is_empty(), "status changes in place");
        let _ = terrane_provider::ConfiguredProvider::apply_change(
            &p,
            terrane_provider::ApplyChangeRequest {
                type_name: t.into(),
                prior_state: vstate.clone(),
                planned_state: pl.planned_state,
                config: cfg2.clone(),
                planned_private: vec![],
            },
        )
        .await;
        assert!(raw_get(&ep, &format!("/{name}?versioning")).contains("<Status>Suspended</Status>"));
        destroy(&p, t, &vstate).await;
    } else {
        assert!(!r.diagnostics.has_errors(), "{:?}", r.diagnostics);
        let v = r.new_state;
        assert_noop(&p, t, &v, &cfg).await;
        let cfg2 = with(&cfg, vec![("versioning_configuration", vc("Suspended"))]);
        let v2 = apply(&p, t, &v, &cfg2).await;
        assert_noop(&p, t, &v2, &cfg2).await;
        assert_eq!(import(&p, t, &name).await, v2);
        destroy(&p, t, &v2).await;
    }

    // Server-side encryption.
    let t = "aws_s3_bucket_server_side_encryption_configuration";
    let rule = |alg: &str| {
        Value::set(
            nested_type(t, &["rule"]),
            vec![nested(
                t,
                &["rule"],
                vec![(
                    "apply_server_side_encryption_by_default",
                    Value::list(
                        nested_type(t, &["rule", "apply_server_side_encryption_by_default"]),
                        vec![nested(
                            t,
                            &["rule", "apply_server_side_encryption_by_default"],
                            vec![("sse_algorithm", vs(alg))],
                        )],
                    ),
                )],
            )],
        )
    };
    let cfg = config(t, vec![("bucket", vs(&name)), ("rule", rule("AES256"))]);
    let e = create(&p, t, &cfg).await;
    assert_noop(&p, t, &e, &cfg).await;
    let cfg2 = with(&cfg, vec![("rule", rule("aws:kms"))]);
    let e2 = apply(&p, t, &e, &cfg2).await;
    assert_noop(&p, t, &e2, &cfg2).await;
    assert_eq!(import(&p, t, &name).await, e2);
    destroy(&p, t, &e2).await;
    assert!(read(&p, t, &e2).await.is_null());

    // Public access block.
    let t = "aws_s3_bucket_public_access_block";
    let cfg = config(
        t,
        vec![
            ("bucket", vs(&name)),
            ("block_public_acls", vb(true)),
            ("block_public_policy", vb(true)),
        ],
    );
    let pab = create(&p, t, &cfg).await;
    assert_eq!(attr(&pab, "ignore_public_acls"), vb(false));
    assert_noop(&p, t, &pab, &cfg).await;
    let cfg2 = with(&cfg, vec![("restrict_public_buckets", vb(true))]);
    let pab2 = apply(&p, t, &pab, &cfg2).await;
    assert_eq!(attr(&pab2, "restrict_public_buckets"), vb(true));
    assert_eq!(
        import(&p, t, &name).await,
        with(
            &pab2,
            vec![("skip_destroy", Value::null(terrane_value::Type::Bool))]
        )
    );
    destroy(&p, t, &pab2).await;
    assert!(read(&p, t, &pab2).await.is_null());

    // Bucket policy; AWS's re-serialised JSON is equivalent, so no diff.
    let t = "aws_s3_bucket_policy";
    let pol = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"R","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:root"}},"Action":["s3:GetObject"],"Resource":"arn:aws:s3:::{name}/*"}}]}}"#
    );
    let cfg = config(t, vec![("bucket", vs(&name)), ("policy", vs(&pol))]);
    let bp = create(&p, t, &cfg).await;
    assert_eq!(s(&bp, "policy"), pol);
    assert_noop(&p, t, &bp, &cfg).await;
    assert_eq!(import(&p, t, &name).await, bp);
    let pol2 = pol.replace("s3:GetObject", "s3:PutObject");
    let bp2 = apply(&p, t, &bp, &with(&cfg, vec![("policy", vs(&pol2))])).await;
    assert!(s(&bp2, "policy").contains("s3:PutObject"));
    destroy(&p, t, &bp2).await;
    assert!(read(&p, t, &bp2).await.is_null());

    destroy(&p, "aws_s3_bucket", &b).await;
}

#[tokio::test]
async fn lifecycle_configuration_seven_day_rule() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-north-1").await;
    let name = unique("tf-lc");
    let b = create(
        &p,
        "aws_s3_bucket",
        &config("aws_s3_bucket", vec![("bucket", vs(&name))]),
    )
    .await;
    let t = "aws_s3_bucket_lifecycle_configuration";
    let rule = |days: i64| {
        Value::list(
            nested_type(t, &["rule"]),
            vec![nested(
                t,
                &["rule"],
                vec![
                    ("id", vs("expire")),
                    ("status", vs("Enabled")),
                    (
                        "filter",
                        Value::list(
                            nested_type(t, &["rule", "filter"]),
                            vec![nested(
                                t,
                                &["rule", "filter"],
                                vec![("prefix", vs("logs/"))],
                            )],
                        ),
                    ),
                    (
                        "expiration",
                        Value::list(
                            nested_type(t, &["rule", "expiration"]),
                            vec![nested(t, &["rule", "expiration"], vec![("days", vi(days))])],
                        ),
                    ),
                    (
                        "noncurrent_version_expiration",
                        Value::list(
                            nested_type(t, &["rule", "noncurrent_version_expiration"]),
                            vec![nested(
                                t,
                                &["rule", "noncurrent_version_expiration"],
                                vec![("noncurrent_days", vi(days))],
                            )],
                        ),
                    ),
                ],
            )],
        )
    };
    let cfg = config(t, vec![("bucket", vs(&name)), ("rule", rule(7))]);
    let lc = create(&p, t, &cfg).await;
    assert_noop(&p, t, &lc, &cfg).await;
    let cfg2 = with(&cfg, vec![("rule", rule(30))]);
    let pl = plan(&p, t, &lc, &cfg2).await;
    assert!(pl.requires_replace.is_empty());
    let lc2 = apply(&p, t, &lc, &cfg2).await;
    assert_noop(&p, t, &lc2, &cfg2).await;
    let imp = import(&p, t, &name).await;
    assert_eq!(attr(&imp, "rule"), attr(&lc2, "rule"));
    destroy(&p, t, &lc2).await;
    assert!(read(&p, t, &lc2).await.is_null());
    destroy(&p, "aws_s3_bucket", &b).await;
}

#[tokio::test]
async fn object_upload_update_import_delete() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-north-1").await;
    let name = unique("tf-obj");
    let b = create(
        &p,
        "aws_s3_bucket",
        &config("aws_s3_bucket", vec![("bucket", vs(&name))]),
    )
    .await;
    let t = "aws_s3_object";
    let cfg = config(
        t,
        vec![
            ("bucket", vs(&name)),
            ("key", vs("dir/hello.txt")),
            ("content", vs("hello")),
            ("content_type", vs("text/plain")),
            ("tags", map(&[("k", "v")])),
        ],
    );
    let pl = plan(&p, t, &Value::dynamic_null(), &cfg).await;
    assert!(
        !attr(&pl.planned_state, "etag").is_known(),
        "etag is known after apply"
    );
    let o = create(&p, t, &cfg).await;
    assert_eq!(s(&o, "etag"), "5d41402abc4b2a76b9719d911017c592");
    assert_eq!(s(&o, "arn"), format!("arn:aws:s3:::{name}/dir/hello.txt"));
    assert_noop(&p, t, &o, &cfg).await;
    let cfg2 = with(&cfg, vec![("content", vs("hello, world"))]);
    let pl = plan(&p, t, &o, &cfg2).await;
    assert!(
        pl.requires_replace.is_empty(),
        "content changes upload in place"
    );
    let o2 = apply(&p, t, &o, &cfg2).await;
    assert_eq!(s(&o2, "etag"), "e4d7f1b4ed2e42d15898f4b27b019da4");
    assert_noop(&p, t, &o2, &cfg2).await;
    let pl = plan(&p, t, &o2, &with(&cfg2, vec![("key", vs("other"))])).await;
    assert_eq!(pl.requires_replace.len(), 1);
    let imp = import(&p, t, &format!("{name}/dir/hello.txt")).await;
    assert_eq!(s(&imp, "etag"), s(&o2, "etag"));
    assert_eq!(attr(&imp, "tags"), map(&[("k", "v")]));
    destroy(&p, t, &o2).await;
    assert!(read(&p, t, &o2).await.is_null());
    destroy(&p, "aws_s3_bucket", &b).await;
}

#[tokio::test]
async fn testkit_lifecycles_for_standalone_types() {
    let Some(ep) = moto() else { return };
    let p = connect(&ep, "eu-west-1").await;
    let name = unique("tf-kit");
    let problems = terrane_provider::testkit::check_lifecycle(
        &p,
        "aws_s3_bucket",
        config("aws_s3_bucket", vec![("bucket", vs(&name))]),
        Some(config(
            "aws_s3_bucket",
            vec![
                ("bucket", vs(&name)),
                ("tags", map(&[("k", "v")])),
                ("force_destroy", vb(true)),
            ],
        )),
    )
    .await;
    assert!(problems.is_empty(), "aws_s3_bucket: {problems:#?}");
    let problems = terrane_provider::testkit::check_lifecycle(
        &p,
        "aws_eip",
        config("aws_eip", vec![("domain", vs("vpc"))]),
        Some(config(
            "aws_eip",
            vec![("domain", vs("vpc")), ("tags", map(&[("Name", "kit")]))],
        )),
    )
    .await;
    assert!(problems.is_empty(), "aws_eip: {problems:#?}");
}
