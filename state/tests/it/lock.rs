use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use terrane_state::lock::{force_unlock, read_lock_info};
use terrane_state::{LocalBackend, LockInfo, StateError, StateLock};

use crate::child;

#[test]
fn two_handles_in_one_process_exclude_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".terraform.tfstate.lock.info");
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "first".into();
    let first = StateLock::try_acquire(&path, info.clone()).unwrap();

    let err = StateLock::try_acquire(&path, LockInfo::new("OperationTypePlan")).unwrap_err();
    let msg = err.to_string();
    match &err {
        StateError::Locked {
            info: Some(held), ..
        } => {
            assert_eq!(held.id, info.id);
            assert_eq!(held.who, info.who);
            assert_eq!(held.created, info.created);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        msg.contains(&info.who) && msg.contains(&info.created) && msg.contains(&info.id),
        "{msg}"
    );
    assert!(msg.contains("force-unlock"), "{msg}");

    // The info file is Terraform's JSON.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("{\"ID\":\"") && text.contains("\"Operation\":\"OperationTypeApply\""),
        "{text}"
    );
    assert!(!text.ends_with('\n'));

    drop(first);
    assert!(!path.exists(), "release removes the info file");
    let second = StateLock::try_acquire(&path, LockInfo::new("OperationTypePlan")).unwrap();
    second.release().unwrap();
}

#[test]
fn lock_timeout_waits_for_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".terraform.tfstate.lock.info");
    let holder = StateLock::try_acquire(&path, LockInfo::new("OperationTypeApply")).unwrap();

    let started = Instant::now();
    let err =
        StateLock::acquire(&path, LockInfo::new("x"), Duration::from_millis(200)).unwrap_err();
    assert!(matches!(err, StateError::Locked { .. }));
    assert!(started.elapsed() >= Duration::from_millis(200));

    let waiter = {
        let path = path.clone();
        std::thread::spawn(move || {
            StateLock::acquire(&path, LockInfo::new("waiter"), Duration::from_secs(10))
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    drop(holder);
    let got = waiter.join().unwrap().unwrap();
    assert_eq!(read_lock_info(&path).unwrap().unwrap().operation, "waiter");
    drop(got);
}

#[test]
fn many_threads_never_hold_the_lock_together() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".terraform.tfstate.lock.info");
    let inside = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let acquired = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let (path, inside, acquired) = (path.clone(), inside.clone(), acquired.clone());
            std::thread::spawn(move || {
                for _ in 0..20 {
                    let lock =
                        StateLock::acquire(&path, LockInfo::new("t"), Duration::from_secs(20))
                            .unwrap();
                    let n = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    assert_eq!(n, 0, "two holders at once");
                    std::thread::sleep(Duration::from_micros(200));
                    inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    acquired.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    drop(lock);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(acquired.load(std::sync::atomic::Ordering::SeqCst), 120);
}

#[test]
fn force_unlock_needs_the_right_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".terraform.tfstate.lock.info");
    assert!(matches!(
        force_unlock(&path, "x"),
        Err(StateError::NotLocked { .. })
    ));
    let held = StateLock::try_acquire(&path, LockInfo::new("OperationTypeApply")).unwrap();
    let id = held.id().to_owned();
    assert!(matches!(
        force_unlock(&path, "wrong"),
        Err(StateError::LockIdMismatch { .. })
    ));
    force_unlock(&path, &id).unwrap();
    // The lock can be taken again, and the broken holder's release does not
    // remove the new holder's info file.
    let new = StateLock::try_acquire(&path, LockInfo::new("OperationTypePlan")).unwrap();
    held.release().unwrap();
    assert_eq!(read_lock_info(&path).unwrap().unwrap().id, new.id());
    drop(new);
}

#[test]
fn stale_info_file_from_a_dead_holder_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".terraform.tfstate.lock.info");
    std::fs::write(
        &path,
        LockInfo::new("OperationTypeApply").to_json().unwrap(),
    )
    .unwrap();
    let lock = StateLock::try_acquire(&path, LockInfo::new("OperationTypePlan")).unwrap();
    assert_eq!(
        read_lock_info(&path).unwrap().unwrap().operation,
        "OperationTypePlan"
    );
    drop(lock);
}

/// Child entry point: locks the directory given in the environment, prints
/// `LOCKED <id>`, and holds the lock until killed.
#[test]
#[ignore = "run as a child process by lock_is_exclusive_across_processes"]
fn lock_child() {
    let Some(dir) = child::arg() else { return };
    let b = LocalBackend::new(PathBuf::from(dir));
    let mut info = LockInfo::new("OperationTypeApply");
    info.info = "child".into();
    let id = b.acquire_lock("default", info).unwrap();
    println!("LOCKED {id}");
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

#[test]
fn lock_is_exclusive_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = child::spawn("lock::lock_child", dir.path().to_str().unwrap());
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut id = String::new();
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.trim().strip_prefix("LOCKED ") {
            id = rest.to_owned();
            break;
        }
        line.clear();
    }
    assert!(!id.is_empty(), "child did not lock");

    let b = LocalBackend::new(dir.path());
    let err = b
        .acquire_lock("default", LockInfo::new("OperationTypePlan"))
        .unwrap_err();
    match &err {
        StateError::Locked {
            info: Some(held), ..
        } => {
            assert_eq!(held.id, id);
            assert_eq!(held.info, "child");
            assert!(held.path.ends_with("terraform.tfstate"), "{}", held.path);
        }
        other => panic!("unexpected {other:?}"),
    }
    // Other workspaces are not affected.
    let other = b.acquire_lock("staging", LockInfo::new("x")).unwrap();
    b.release_lock("staging", &other).unwrap();

    // SIGKILL: the kernel drops the OS lock; the stale info file is no obstacle.
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        b.lock_path("default").unwrap().exists(),
        "dead holder leaves its info file"
    );
    let mine = b
        .acquire_lock("default", LockInfo::new("OperationTypePlan"))
        .unwrap();
    b.release_lock("default", &mine).unwrap();
}
