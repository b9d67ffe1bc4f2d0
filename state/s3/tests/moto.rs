//! The S3 backend against moto (`TERRANE_MOTO_ENDPOINT`, started by
//! `.ci/servers/moto.sh start`). Without the variable every test prints a
//! skip notice and passes, unless `TERRANE_REQUIRE_SERVERS` is set (CI),
//! where it fails. Each test uses its own bucket, so a shared moto is fine.
#![allow(clippy::unwrap_used, clippy::zombie_processes)]

use aws_sdk_s3::primitives::ByteStream;
use terrane_state::testkit::{
    hold_lock_until_stdin_closes, refused_then_acquired, sample_state, server_from_env,
    spawn_lock_holder, test_backend,
};
use terrane_state::{Backend, LockInfo, PersistOptions, StateError};
use terrane_state_s3::{S3Backend, S3Config};

const CHILD_ENV: &str = "TERRANE_S3_TEST_CHILD";

fn endpoint() -> Option<String> {
    server_from_env("TERRANE_MOTO_ENDPOINT", ".ci/servers/moto.sh start")
}

fn var(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

fn config(endpoint: &str, bucket: &str) -> S3Config {
    S3Config::from_settings([
        ("bucket", bucket),
        ("key", "team/app/terraform.tfstate"),
        ("region", var("TERRANE_MOTO_REGION", "us-east-1").as_str()),
        ("endpoints.s3", endpoint),
        ("use_path_style", "true"),
        (
            "access_key",
            var("TERRANE_MOTO_ACCESS_KEY_ID", "testing").as_str(),
        ),
        (
            "secret_key",
            var("TERRANE_MOTO_SECRET_ACCESS_KEY", "testing").as_str(),
        ),
        ("skip_credentials_validation", "true"),
        ("skip_requesting_account_id", "true"),
        ("use_lockfile", "true"),
        ("encrypt", "true"),
    ])
    .unwrap()
}

/// A new bucket with a unique name, and a backend on it.
async fn setup(endpoint: &str) -> (S3Backend, aws_sdk_s3::Client, String) {
    let bucket = format!("terrane-state-{}", uuid::Uuid::new_v4().simple());
    let b = S3Backend::new(config(endpoint, &bucket)).await.unwrap();
    let raw = raw_client(endpoint).await;
    raw.create_bucket().bucket(&bucket).send().await.unwrap();
    (b, raw, bucket)
}

async fn raw_client(endpoint: &str) -> aws_sdk_s3::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new(var(
            "TERRANE_MOTO_REGION",
            "us-east-1",
        )))
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .http_client(
            aws_smithy_http_client::Builder::new()
                .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                    aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
                ))
                .build_https(),
        )
        .load()
        .await;
    let conf = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(true)
        .endpoint_url(endpoint)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

async fn keys(raw: &aws_sdk_s3::Client, bucket: &str) -> Vec<String> {
    let out = raw.list_objects_v2().bucket(bucket).send().await.unwrap();
    let mut k: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect();
    k.sort();
    k
}

#[tokio::test]
async fn conformance() {
    let Some(ep) = endpoint() else { return };
    let (a, _raw, bucket) = setup(&ep).await;
    let b = S3Backend::new(config(&ep, &bucket)).await.unwrap();
    let report = test_backend(&a, &b).await.unwrap();
    assert!(report.checks >= 52, "only {} checks", report.checks);
}

#[tokio::test]
async fn object_layout_is_terraforms() {
    let Some(ep) = endpoint() else { return };
    let (b, raw, bucket) = setup(&ep).await;
    let s = sample_state(2);
    b.persist("default", &s, PersistOptions::default())
        .await
        .unwrap();
    b.persist("blue", &s, PersistOptions::default())
        .await
        .unwrap();
    let id = b
        .lock("blue", &LockInfo::new("OperationTypeApply"))
        .await
        .unwrap();
    assert_eq!(
        keys(&raw, &bucket).await,
        [
            "env:/blue/team/app/terraform.tfstate",
            "env:/blue/team/app/terraform.tfstate.tflock",
            "team/app/terraform.tfstate",
        ]
    );
    // The state object is exactly the state's bytes, encrypted at rest.
    let obj = raw
        .get_object()
        .bucket(&bucket)
        .key("team/app/terraform.tfstate")
        .send()
        .await
        .unwrap();
    assert_eq!(
        obj.server_side_encryption(),
        Some(&aws_sdk_s3::types::ServerSideEncryption::Aes256)
    );
    let bytes = obj.body.collect().await.unwrap().into_bytes();
    assert_eq!(bytes.as_ref(), s.to_bytes().unwrap().as_slice());
    // The lock object is Terraform's lock info JSON.
    let info = b.lock_info("blue").await.unwrap().unwrap();
    assert_eq!(info.id, id);
    assert_eq!(
        info.path,
        format!("{bucket}/env:/blue/team/app/terraform.tfstate")
    );
    b.unlock("blue", &id).await.unwrap();
    // A workspace written by someone else (as Terraform would) is listed
    // and read; objects that are not states of this key are not workspaces.
    let mut other = sample_state(4);
    other.outputs.clear();
    for key in [
        "env:/green/team/app/terraform.tfstate",
        "env:/red/other/terraform.tfstate",
    ] {
        raw.put_object()
            .bucket(&bucket)
            .key(key)
            .body(ByteStream::from(other.to_bytes().unwrap()))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(b.load("green").await.unwrap(), Some(other));
    assert_eq!(b.workspaces().await.unwrap(), ["default", "blue", "green"]);
    // A custom prefix.
    let mut c = config(&ep, &bucket);
    c.workspace_key_prefix = "workspaces".into();
    let c = S3Backend::new(c).await.unwrap();
    c.persist("x", &s, PersistOptions::default()).await.unwrap();
    assert!(keys(&raw, &bucket)
        .await
        .contains(&"workspaces/x/team/app/terraform.tfstate".to_owned()));
    assert_eq!(c.workspaces().await.unwrap(), ["default", "x"]);
}

#[tokio::test]
async fn corrupt_state_is_refused_and_kept() {
    let Some(ep) = endpoint() else { return };
    let (b, raw, bucket) = setup(&ep).await;
    raw.put_object()
        .bucket(&bucket)
        .key("team/app/terraform.tfstate")
        .body(ByteStream::from_static(b"{\"version\": 4, \"serial\": "))
        .send()
        .await
        .unwrap();
    let r = b.load("default").await;
    assert!(matches!(r, Err(StateError::Parse { .. })), "{r:?}");
    for force in [false, true] {
        let r = b
            .persist("default", &sample_state(2), PersistOptions { force })
            .await;
        assert!(matches!(r, Err(StateError::Parse { .. })), "{r:?}");
    }
    let obj = raw
        .get_object()
        .bucket(&bucket)
        .key("team/app/terraform.tfstate")
        .send()
        .await
        .unwrap();
    let bytes = obj.body.collect().await.unwrap().into_bytes();
    assert_eq!(bytes.as_ref(), b"{\"version\": 4, \"serial\": ");
}

#[tokio::test]
async fn delete_refused_while_locked() {
    let Some(ep) = endpoint() else { return };
    let (b, _raw, _bucket) = setup(&ep).await;
    b.persist("dev", &sample_state(1), PersistOptions::default())
        .await
        .unwrap();
    let id = b
        .lock("dev", &LockInfo::new("OperationTypeApply"))
        .await
        .unwrap();
    let r = b.delete_workspace("dev").await;
    assert!(matches!(r, Err(StateError::Locked { .. })), "{r:?}");
    b.unlock("dev", &id).await.unwrap();
    b.delete_workspace("dev").await.unwrap();
    let r = b.delete_workspace("dev").await;
    assert!(matches!(r, Err(StateError::NoSuchWorkspace(_))), "{r:?}");
    assert_eq!(b.workspaces().await.unwrap(), ["default"]);
}

/// Child entry point: takes the lock, prints its ID, holds it until stdin
/// closes, then unlocks.
#[tokio::test]
#[ignore = "child process entry point"]
async fn child_holds_lock() {
    let Ok(arg) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (ep, bucket) = arg.split_once('\n').unwrap();
    let b = S3Backend::new(config(ep, bucket)).await.unwrap();
    hold_lock_until_stdin_closes(&b).await;
}

#[tokio::test]
async fn two_processes_contend() {
    let Some(ep) = endpoint() else { return };
    let (b, _raw, bucket) = setup(&ep).await;
    let (child, id) = spawn_lock_holder("child_holds_lock", CHILD_ENV, &format!("{ep}\n{bucket}"));
    refused_then_acquired(&b, child, &id).await;
}
