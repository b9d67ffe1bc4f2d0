//! The PostgreSQL backend against a real server (`TERRANE_PG_URL`, started
//! by `.ci/servers/postgres.sh start`). Without the variable every test
//! prints a skip notice and passes, unless `TERRANE_REQUIRE_SERVERS` is set
//! (CI), where it fails. Each test uses its own schema.
#![cfg(feature = "pg")]
#![allow(clippy::unwrap_used, clippy::zombie_processes)]

use std::time::Duration;

use terrane_state::backend::lock_with_timeout;
use terrane_state::pg::{PgBackend, PgConfig};
use terrane_state::testkit::{
    hold_lock_until_stdin_closes, refused_then_acquired, sample_state, server_from_env,
    spawn_lock_holder, test_backend,
};
use terrane_state::{Backend, LockInfo, PersistOptions, StateError};

const CHILD_ENV: &str = "TERRANE_PG_TEST_CHILD";

fn url() -> Option<String> {
    server_from_env("TERRANE_PG_URL", ".ci/servers/postgres.sh start")
}

fn unique_schema() -> String {
    format!("terrane_test_{}", uuid::Uuid::new_v4().simple())
}

async fn backend(url: &str, schema: &str) -> PgBackend {
    let mut c = PgConfig::new(url);
    c.schema_name = schema.to_owned();
    PgBackend::connect(c).await.unwrap()
}

async fn sql(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

#[tokio::test]
async fn conformance() {
    let Some(url) = url() else { return };
    let schema = unique_schema();
    let a = backend(&url, &schema).await;
    let b = backend(&url, &schema).await;
    let report = test_backend(&a, &b).await.unwrap();
    assert!(report.checks >= 52, "only {} checks", report.checks);
}

#[tokio::test]
async fn storage_layout_is_terraforms() {
    let Some(url) = url() else { return };
    let schema = unique_schema();
    let b = backend(&url, &schema).await;
    let s = sample_state(3);
    b.persist("default", &s, PersistOptions::default())
        .await
        .unwrap();
    b.persist("blue", &s, PersistOptions::default())
        .await
        .unwrap();
    let c = sql(&url).await;
    let rows = c
        .query(
            &format!("SELECT id, name, data FROM \"{schema}\".states ORDER BY name"),
            &[],
        )
        .await
        .unwrap();
    let names: Vec<String> = rows.iter().map(|r| r.get(1)).collect();
    assert_eq!(names, ["blue", "default"]);
    let data: String = rows[1].get(2);
    assert_eq!(data.as_bytes(), s.to_bytes().unwrap().as_slice());
    let cols = c
        .query(
            "SELECT column_name, data_type, column_default FROM information_schema.columns \
             WHERE table_schema = $1 AND table_name = 'states' ORDER BY ordinal_position",
            &[&schema],
        )
        .await
        .unwrap();
    let cols: Vec<(String, String)> = cols.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(
        cols,
        [
            ("id".to_owned(), "bigint".to_owned()),
            ("name".to_owned(), "text".to_owned()),
            ("data".to_owned(), "text".to_owned())
        ]
    );
    let idx: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = 'states_by_name'",
            &[&schema],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(idx, 1);
    // A row written by someone else (as Terraform would) is read back.
    let mut other = sample_state(9);
    other.outputs.clear();
    let text = String::from_utf8(other.to_bytes().unwrap()).unwrap();
    c.execute(
        &format!("INSERT INTO \"{schema}\".states (name, data) VALUES ('green', $1)"),
        &[&text],
    )
    .await
    .unwrap();
    assert_eq!(b.load("green").await.unwrap(), Some(other));
    assert_eq!(b.workspaces().await.unwrap(), ["default", "blue", "green"]);
}

#[tokio::test]
async fn skip_creation_needs_existing_tables() {
    let Some(url) = url() else { return };
    let schema = unique_schema();
    let mut c = PgConfig::new(&url);
    c.schema_name = schema.clone();
    c.skip_schema_creation = true;
    c.skip_table_creation = true;
    c.skip_index_creation = true;
    let b = PgBackend::connect(c).await.unwrap();
    let err = b.load("default").await.unwrap_err().to_string();
    assert!(err.contains("does not exist"), "{err}");
    // With the table made by hand (no terrane lock table), locking still
    // excludes, the holder is just not named.
    let admin = sql(&url).await;
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA \"{schema}\"; CREATE SEQUENCE \"{schema}\".ids START WITH {start}; \
             CREATE TABLE \"{schema}\".states (id bigint DEFAULT nextval('\"{schema}\".ids') PRIMARY KEY, \
             name text UNIQUE, data text)",
            // Row IDs are advisory lock keys for the whole database: start
            // where no other test's rows are.
            start = (uuid::Uuid::new_v4().as_u128() as u32 as i64) << 20 | 1 << 52
        ))
        .await
        .unwrap();
    b.persist("default", &sample_state(1), PersistOptions::default())
        .await
        .unwrap();
    let id = b
        .lock("default", &LockInfo::new("OperationTypeApply"))
        .await
        .unwrap();
    let r = b.lock("default", &LockInfo::new("OperationTypePlan")).await;
    assert!(
        matches!(r, Err(StateError::Locked { info: None, .. })),
        "{r:?}"
    );
    b.unlock("default", &id).await.unwrap();
}

#[tokio::test]
async fn corrupt_state_is_refused_and_kept() {
    let Some(url) = url() else { return };
    let schema = unique_schema();
    let b = backend(&url, &schema).await;
    b.persist("default", &sample_state(1), PersistOptions::default())
        .await
        .unwrap();
    let c = sql(&url).await;
    c.execute(
        &format!("UPDATE \"{schema}\".states SET data = '{{\"version\": 4, \"serial\": ' WHERE name = 'default'"),
        &[],
    )
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
    let data: String = c
        .query_one(
            &format!("SELECT data FROM \"{schema}\".states WHERE name = 'default'"),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(data, "{\"version\": 4, \"serial\": ");
}

#[tokio::test]
async fn lock_released_when_backend_dropped_and_broken_holder_told() {
    let Some(url) = url() else { return };
    let schema = unique_schema();
    let a = backend(&url, &schema).await;
    let b = backend(&url, &schema).await;
    a.persist("default", &sample_state(1), PersistOptions::default())
        .await
        .unwrap();
    a.lock("default", &LockInfo::new("OperationTypeApply"))
        .await
        .unwrap();
    assert!(b
        .lock("default", &LockInfo::new("OperationTypePlan"))
        .await
        .is_err());
    drop(a);
    // The server ends the dropped connection's session, releasing its lock.
    let id = lock_with_timeout(
        &b,
        "default",
        &LockInfo::new("OperationTypePlan"),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    // Force-unlock from a third value; the broken holder's unlock reports it.
    let c = backend(&url, &schema).await;
    c.unlock("default", &id).await.unwrap();
    let r = b.unlock("default", &id).await;
    assert!(
        matches!(&r, Err(StateError::Backend { message, .. }) if message.contains("broken")),
        "{r:?}"
    );
    // Deleting a locked workspace is refused.
    b.persist("dev", &sample_state(1), PersistOptions::default())
        .await
        .unwrap();
    let held = b
        .lock("dev", &LockInfo::new("OperationTypeApply"))
        .await
        .unwrap();
    let r = c.delete_workspace("dev").await;
    assert!(matches!(r, Err(StateError::Locked { .. })), "{r:?}");
    b.unlock("dev", &held).await.unwrap();
    c.delete_workspace("dev").await.unwrap();
    assert_eq!(c.workspaces().await.unwrap(), ["default"]);
    let r = c.delete_workspace("dev").await;
    assert!(matches!(r, Err(StateError::NoSuchWorkspace(_))), "{r:?}");
}

/// Child entry point: takes the lock, prints its ID, holds it until stdin
/// closes (or is killed).
#[tokio::test]
#[ignore = "child process entry point"]
async fn child_holds_lock() {
    let Ok(arg) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (url, schema) = arg.split_once('\n').unwrap();
    let b = backend(url, schema).await;
    hold_lock_until_stdin_closes(&b).await;
}

fn spawn_holder(url: &str, schema: &str) -> (std::process::Child, String) {
    spawn_lock_holder("child_holds_lock", CHILD_ENV, &format!("{url}\n{schema}"))
}

#[tokio::test]
async fn two_processes_contend() {
    let Some(url) = url() else { return };
    let schema = unique_schema();
    let b = backend(&url, &schema).await;
    b.persist("default", &sample_state(1), PersistOptions::default())
        .await
        .unwrap();

    // A live holder in another process: refused, with a message naming it.
    let (child, id) = spawn_holder(&url, &schema);
    refused_then_acquired(&b, child, &id).await;

    // A holder killed with SIGKILL: the server releases its lock.
    let (mut child, _id) = spawn_holder(&url, &schema);
    assert!(b
        .lock("default", &LockInfo::new("OperationTypePlan"))
        .await
        .is_err());
    child.kill().unwrap();
    child.wait().unwrap();
    let got = lock_with_timeout(
        &b,
        "default",
        &LockInfo::new("OperationTypePlan"),
        Duration::from_secs(20),
    )
    .await
    .unwrap();
    b.unlock("default", &got).await.unwrap();

    // Force-unlock of a live holder in another process terminates its session.
    let (mut child, id) = spawn_holder(&url, &schema);
    b.unlock("default", &id).await.unwrap();
    let got = b
        .lock("default", &LockInfo::new("OperationTypePlan"))
        .await
        .unwrap();
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert!(!status.success(), "broken holder's unlock must fail");
    b.unlock("default", &got).await.unwrap();
}
