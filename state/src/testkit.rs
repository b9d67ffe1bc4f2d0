//! Conformance test-kit for [`Backend`] implementations (compare OpenTofu's
//! `statemgr.TestFull`). Every backend crate runs [`test_backend`] in its
//! tests against an empty store:
//!
//! ```ignore
//! #[tokio::test]
//! async fn conforms() {
//!     let dir = tempfile::tempdir().unwrap();
//!     let a = LocalBackend::new(dir.path());
//!     let b = LocalBackend::new(dir.path());
//!     let report = terrane_state::testkit::test_backend(&a, &b).await.unwrap();
//!     assert!(report.checks > 30);
//! }
//! ```
//!
//! `primary` and `secondary` must be two independent values for the *same*
//! store (as two terrane processes would hold), so lock exclusion between
//! holders is tested, not just within one value.

use std::time::{Duration, Instant};

use crate::backend::{lock_with_timeout, Backend, PersistOptions};
use crate::json::RawJson;
use crate::lock::LockInfo;
use crate::model::{
    CheckObjectResult, CheckResult, InstanceAddr, InstanceKey, InstanceObject, Mode, ObjectStatus,
    OutputValue, PathStep, StateFile,
};
use crate::{StateError, DEFAULT_WORKSPACE};

/// What the test-kit checked.
#[derive(Debug, Clone, Default)]
pub struct TestkitReport {
    /// Number of individual checks that passed.
    pub checks: usize,
}

/// The first failed check.
#[derive(Debug, thiserror::Error)]
#[error("backend conformance check failed: {check}: {detail}")]
pub struct TestkitFailure {
    /// Which check.
    pub check: String,
    /// What happened instead.
    pub detail: String,
}

struct Kit {
    checks: usize,
}

impl Kit {
    fn ok(
        &mut self,
        cond: bool,
        check: &str,
        detail: impl FnOnce() -> String,
    ) -> Result<(), TestkitFailure> {
        if cond {
            self.checks += 1;
            Ok(())
        } else {
            Err(TestkitFailure {
                check: check.to_owned(),
                detail: detail(),
            })
        }
    }

    fn must<T>(&mut self, r: Result<T, StateError>, check: &str) -> Result<T, TestkitFailure> {
        match r {
            Ok(v) => {
                self.checks += 1;
                Ok(v)
            }
            Err(e) => Err(TestkitFailure {
                check: check.to_owned(),
                detail: format!("unexpected error: {e}"),
            }),
        }
    }
}

/// A state exercising every part of the v4 format: outputs (sensitive,
/// nested types, a 155-digit number), managed and data resources, modules,
/// count and for_each keys, tainted and deposed objects, sensitive paths,
/// private data, identities, dependencies and check results.
pub fn sample_state(serial: u64) -> StateFile {
    let mut s = StateFile::new("1.15.5");
    s.serial = serial;
    let third = "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335";
    s.outputs.insert(
        "third".into(),
        OutputValue {
            value: raw(third),
            value_type: raw("\"number\""),
            sensitive: false,
            extra: Default::default(),
        },
    );
    s.outputs.insert(
        "secret".into(),
        OutputValue {
            value: raw("\"s3cr3t <&>\""),
            value_type: raw("\"string\""),
            sensitive: true,
            extra: Default::default(),
        },
    );
    let provider = "provider[\"registry.terraform.io/hashicorp/null\"]";
    for i in 0..3 {
        let mut obj = InstanceObject::new(
            0,
            raw(&format!(
                "{{\"id\":\"id-{i}\",\"n\":{i},\"big\":123456789012345678901234567890}}"
            )),
        );
        obj.dependencies = vec!["null_resource.base".into()];
        obj.create_before_destroy = i == 1;
        if i == 2 {
            obj.status = Some(ObjectStatus::Tainted);
        }
        s.upsert_object(
            &InstanceAddr::managed("null_resource", "many", Some(InstanceKey::Int(i))),
            provider,
            obj,
        );
    }
    let mut secret = InstanceObject::new(1, raw(r#"{"id":"x","password":"p","list":["a","b"]}"#));
    secret.sensitive_attributes = Some(vec![
        vec![PathStep::GetAttr("password".into())],
        vec![
            PathStep::GetAttr("list".into()),
            PathStep::Index(raw(r#"{"value":1,"type":"number"}"#)),
        ],
    ]);
    secret.private = Some(b"{\"schema_version\":\"1\"}".to_vec());
    secret.identity = Some(raw(r#"{"id":"x"}"#));
    let keyed = InstanceAddr::managed(
        "null_resource",
        "each",
        Some(InstanceKey::Str("a\"b".into())),
    )
    .in_module("module.m[\"x\"]");
    s.upsert_object(&keyed, provider, secret.clone());
    s.upsert_object(
        &keyed.clone().deposed("0a1b2c3d"),
        provider,
        InstanceObject::new(1, raw(r#"{"id":"old"}"#)),
    );
    let data = InstanceAddr {
        mode: Mode::Data,
        ..InstanceAddr::managed("null_data_source", "d", None)
    };
    s.upsert_object(
        &data,
        "provider[\"registry.terraform.io/hashicorp/null\"].alias",
        InstanceObject::new(0, raw("{}")),
    );
    s.check_results = Some(vec![CheckResult {
        object_kind: "resource".into(),
        config_addr: "null_resource.many".into(),
        status: "fail".into(),
        objects: Some(vec![CheckObjectResult {
            object_addr: "null_resource.many[0]".into(),
            status: "fail".into(),
            failure_messages: vec!["bad".into()],
            extra: Default::default(),
        }]),
        extra: Default::default(),
    }]);
    s
}

fn raw(text: &str) -> RawJson {
    match RawJson::parse(text) {
        Ok(r) => r,
        Err(_) => RawJson::null(),
    }
}

fn same(a: &StateFile, b: &StateFile) -> bool {
    a == b && a.to_bytes().ok() == b.to_bytes().ok()
}

/// Runs the full conformance suite against an empty store reachable through
/// two independent backend values. Leaves the store with only the default
/// workspace's state.
pub async fn test_backend(
    primary: &dyn Backend,
    secondary: &dyn Backend,
) -> Result<TestkitReport, TestkitFailure> {
    let mut k = Kit { checks: 0 };
    let ws = DEFAULT_WORKSPACE;

    // Empty store.
    let names = k.must(primary.workspaces().await, "workspaces on an empty store")?;
    k.ok(
        names.first().map(String::as_str) == Some(ws),
        "default workspace listed first",
        || format!("got {names:?}"),
    )?;
    let none = k.must(primary.load(ws).await, "load from an empty store")?;
    k.ok(none.is_none(), "empty store has no state", || {
        "got a state".into()
    })?;

    // Round trip.
    let s1 = sample_state(1);
    k.must(
        primary.persist(ws, &s1, PersistOptions::default()).await,
        "persist a new state",
    )?;
    let back = k.must(secondary.load(ws).await, "load after persist")?;
    k.ok(
        back.as_ref().is_some_and(|b| same(b, &s1)),
        "round trip is exact",
        || format!("stored {:?}\nloaded {:?}", s1, back),
    )?;

    // Serial rules.
    let mut s2 = s1.clone();
    s2.serial = 2;
    s2.outputs.remove("third");
    k.must(
        primary.persist(ws, &s2, PersistOptions::default()).await,
        "persist a higher serial",
    )?;
    k.must(
        primary.persist(ws, &s2, PersistOptions::default()).await,
        "persist an equal serial",
    )?;
    let r = secondary.persist(ws, &s1, PersistOptions::default()).await;
    k.ok(
        matches!(
            r,
            Err(StateError::SerialRegression {
                existing: 2,
                new: 1,
                ..
            })
        ),
        "lower serial refused",
        || format!("got {r:?}"),
    )?;
    let back = k.must(primary.load(ws).await, "load after refused write")?;
    k.ok(
        back.as_ref().is_some_and(|b| same(b, &s2)),
        "refused write left the state unchanged",
        || format!("got {back:?}"),
    )?;

    // Lineage rules.
    let mut other = sample_state(5);
    other.outputs.clear();
    let r = secondary
        .persist(ws, &other, PersistOptions::default())
        .await;
    k.ok(
        matches!(r, Err(StateError::LineageMismatch { .. })),
        "other lineage refused",
        || format!("got {r:?}"),
    )?;
    k.must(
        secondary
            .persist(ws, &other, PersistOptions { force: true })
            .await,
        "forced write of another lineage",
    )?;
    let back = k.must(primary.load(ws).await, "load after forced write")?;
    k.ok(
        back.as_ref().is_some_and(|b| same(b, &other)),
        "forced write stored",
        || format!("got {back:?}"),
    )?;
    k.must(
        primary
            .persist(ws, &s2, PersistOptions { force: true })
            .await,
        "forced write of a lower serial",
    )?;
    let back = k.must(primary.load(ws).await, "load after forced lower serial")?;
    k.ok(
        back.as_ref().is_some_and(|b| same(b, &s2)),
        "forced lower serial stored",
        || format!("got {back:?}"),
    )?;

    // Locks.
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "testkit".into();
    let id = k.must(primary.lock(ws, &info).await, "take a free lock")?;
    k.ok(!id.is_empty(), "lock ID is not empty", String::new)?;
    let r = secondary
        .lock(ws, &LockInfo::new("OperationTypePlan"))
        .await;
    let holder_named = match &r {
        Err(StateError::Locked {
            info: Some(held), ..
        }) => held.id == id && held.who == info.who,
        _ => false,
    };
    k.ok(
        holder_named,
        "second holder refused, error names the holder",
        || format!("got {r:?}"),
    )?;
    let r = primary.lock(ws, &LockInfo::new("OperationTypePlan")).await;
    k.ok(
        matches!(r, Err(StateError::Locked { .. })),
        "same backend value cannot lock twice",
        || format!("got {r:?}"),
    )?;
    let other_ws_id = k.must(
        secondary
            .lock("kit-a", &LockInfo::new("OperationTypePlan"))
            .await,
        "lock of another workspace is independent",
    )?;
    k.must(
        secondary.unlock("kit-a", &other_ws_id).await,
        "unlock another workspace",
    )?;
    let r = secondary.unlock(ws, "not-the-id").await;
    k.ok(
        matches!(r, Err(StateError::LockIdMismatch { .. })),
        "unlock with a wrong ID refused",
        || format!("got {r:?}"),
    )?;
    let started = Instant::now();
    let r = lock_with_timeout(
        secondary,
        ws,
        &LockInfo::new("OperationTypePlan"),
        Duration::from_millis(150),
    )
    .await;
    k.ok(
        matches!(r, Err(StateError::Locked { .. }))
            && started.elapsed() >= Duration::from_millis(150),
        "lock timeout waits, then names the holder",
        || format!("got {r:?} after {:?}", started.elapsed()),
    )?;
    let waiter_info = LockInfo::new("OperationTypePlan");
    let (waited, released) = tokio::join!(
        lock_with_timeout(secondary, ws, &waiter_info, Duration::from_secs(10)),
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            primary.unlock(ws, &id).await
        }
    );
    k.must(released, "holder unlocks")?;
    let waited_id = k.must(waited, "waiting locker gets the lock once released")?;
    k.must(secondary.unlock(ws, &waited_id).await, "unlock")?;

    // Force-unlock: another backend value breaks a lock by its ID.
    let id = k.must(
        primary.lock(ws, &LockInfo::new("OperationTypeApply")).await,
        "lock again",
    )?;
    k.must(
        secondary.unlock(ws, &id).await,
        "force-unlock by ID from another holder",
    )?;
    let id2 = k.must(
        secondary
            .lock(ws, &LockInfo::new("OperationTypeApply"))
            .await,
        "lock after force-unlock",
    )?;
    k.must(
        secondary.unlock(ws, &id2).await,
        "unlock after force-unlock",
    )?;
    // The broken holder's own unlock must not remove anyone else's lock.
    let _ = primary.unlock(ws, &id).await;
    let r = secondary.unlock(ws, &id2).await;
    k.ok(r.is_err(), "no lock remains after all unlocks", || {
        format!("got {r:?}")
    })?;

    // Workspaces.
    let a = sample_state(1);
    let mut b = sample_state(7);
    b.outputs.clear();
    k.must(
        primary
            .persist("kit-b", &b, PersistOptions::default())
            .await,
        "persist to a new workspace",
    )?;
    k.must(
        secondary
            .persist("kit-a", &a, PersistOptions::default())
            .await,
        "persist to another workspace",
    )?;
    let names = k.must(primary.workspaces().await, "list workspaces")?;
    k.ok(
        names == ["default", "kit-a", "kit-b"],
        "workspaces listed default first, then sorted",
        || format!("got {names:?}"),
    )?;
    let la = k.must(primary.load("kit-a").await, "load workspace a")?;
    let lb = k.must(primary.load("kit-b").await, "load workspace b")?;
    let ld = k.must(primary.load(ws).await, "load default")?;
    k.ok(
        la.as_ref().is_some_and(|x| same(x, &a))
            && lb.as_ref().is_some_and(|x| same(x, &b))
            && ld.as_ref().is_some_and(|x| same(x, &s2)),
        "workspaces hold separate states",
        String::new,
    )?;
    let r = primary.delete_workspace(ws).await;
    k.ok(
        matches!(r, Err(StateError::CannotDeleteDefault)),
        "default workspace cannot be deleted",
        || format!("got {r:?}"),
    )?;
    k.must(
        secondary.delete_workspace("kit-a").await,
        "delete a workspace",
    )?;
    k.must(
        secondary.delete_workspace("kit-b").await,
        "delete another workspace",
    )?;
    let names = k.must(primary.workspaces().await, "list after delete")?;
    k.ok(names == ["default"], "deleted workspaces are gone", || {
        format!("got {names:?}")
    })?;
    let gone = k.must(primary.load("kit-a").await, "load a deleted workspace")?;
    k.ok(gone.is_none(), "deleted workspace has no state", || {
        "state still there".into()
    })?;
    let ld = k.must(primary.load(ws).await, "default survives deletes")?;
    k.ok(
        ld.as_ref().is_some_and(|x| same(x, &s2)),
        "default state unchanged by deletes",
        String::new,
    )?;

    Ok(TestkitReport { checks: k.checks })
}

/// The address of a test server from the environment variable `var`, or
/// `None` with a visible skip notice when it is unset. Under
/// `TERRANE_REQUIRE_SERVERS` (CI) an unset variable fails the test instead;
/// `start` says how to start the server.
pub fn server_from_env(var: &str, start: &str) -> Option<String> {
    if let Some(v) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
        return Some(v);
    }
    if std::env::var("TERRANE_REQUIRE_SERVERS").is_ok_and(|v| !v.is_empty()) {
        panic!("{var} is not set but TERRANE_REQUIRE_SERVERS is: start it with {start}");
    }
    eprintln!("SKIPPED: {var} is not set (start {start})");
    None
}

/// Cross-process lock tests. A backend's test binary has an ignored test
/// (named `entry`) that, when `env` is set, calls [`hold_lock_until_stdin_closes`];
/// [`spawn_lock_holder`] runs it in a child process and returns the child
/// with the ID of the lock it holds (the caller waits for it).
#[allow(clippy::zombie_processes)]
pub fn spawn_lock_holder(entry: &str, env: &str, value: &str) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let exe = std::env::current_exe().expect("test binary path");
    let mut child = Command::new(exe)
        .args(["--ignored", "--exact", entry, "--nocapture", "-q"])
        .env(env, value)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the lock-holding child");
    let mut out = BufReader::new(child.stdout.take().expect("child stdout"));
    let mut line = String::new();
    loop {
        line.clear();
        let n = out.read_line(&mut line).expect("read child stdout");
        assert!(n > 0, "the lock-holding child exited");
        if let Some(id) = line.trim().strip_prefix("LOCKED ") {
            // Keep draining so the child never writes to a closed pipe.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            return (child, id.to_owned());
        }
    }
}

/// The child side: takes the `default` workspace's lock for an apply,
/// prints `LOCKED <id>`, waits until stdin closes, then unlocks.
pub async fn hold_lock_until_stdin_closes(b: &dyn Backend) {
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "child process".into();
    let id = b.lock(DEFAULT_WORKSPACE, &info).await.expect("child lock");
    println!("LOCKED {id}");
    let _ = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    })
    .await;
    b.unlock(DEFAULT_WORKSPACE, &id)
        .await
        .expect("child unlock");
}

/// With `child` holding the lock `id`: a lock attempt is refused with a
/// message naming the holder, and a waiter gets the lock once the child
/// releases it (its stdin closed after 300 ms).
pub async fn refused_then_acquired(b: &dyn Backend, mut child: std::process::Child, id: &str) {
    let msg = b
        .lock(DEFAULT_WORKSPACE, &LockInfo::new("OperationTypePlan"))
        .await
        .expect_err("the child holds the lock")
        .to_string();
    assert!(
        msg.contains(id) && msg.contains("OperationTypeApply"),
        "{msg}"
    );
    assert!(msg.contains(&crate::lock::who()), "{msg}");
    let started = Instant::now();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(child.stdin.take());
        child.wait().expect("wait for the child")
    });
    let got = lock_with_timeout(
        b,
        DEFAULT_WORKSPACE,
        &LockInfo::new("OperationTypePlan"),
        Duration::from_secs(20),
    )
    .await
    .expect("lock after the child released it");
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert!(release.join().expect("release thread").success());
    b.unlock(DEFAULT_WORKSPACE, &got).await.expect("unlock");
}
