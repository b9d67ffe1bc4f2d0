//! State locks for the local backend: a Terraform-style lock info file
//! (`.terraform.tfstate.lock.info`) guarded by an OS advisory lock.
//!
//! The OS lock (`flock`, via `fs4`) is what excludes other holders: it is
//! per open file, so two handles in one process exclude each other as well as
//! two processes, and the kernel releases it when the holder dies, so a
//! crashed process never leaves the state locked. The lock info file says who
//! holds the lock, in the JSON shape Terraform writes (`ID`, `Operation`,
//! `Info`, `Who`, `Version`, `Created`, `Path`).
//!
//! The holder deletes the info file on release *before* dropping the OS lock,
//! and an acquirer checks after locking that the path still names the file it
//! locked (else it retries), so a waiter that locked an already-deleted file
//! can never believe it holds the lock.
//!
//! Terraform itself locks the state file with `fcntl`; terrane replaces the
//! state file by rename (atomic writes), which would drop such a lock, so
//! terrane and Terraform do not exclude each other on the same directory.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fs4::fs_std::FileExt;
use serde::{Deserialize, Serialize};

use crate::{io_err, json, StateError};

/// Who holds a lock and why, in Terraform's JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Unique lock ID (a UUID); needed to force-unlock.
    #[serde(rename = "ID")]
    pub id: String,
    /// The operation, e.g. `OperationTypeApply`.
    #[serde(rename = "Operation")]
    pub operation: String,
    /// Extra information from the caller.
    #[serde(rename = "Info")]
    pub info: String,
    /// `user@host` of the holder.
    #[serde(rename = "Who")]
    pub who: String,
    /// Version of the program holding the lock.
    #[serde(rename = "Version")]
    pub version: String,
    /// When the lock was taken, RFC 3339 with nanoseconds (Go's format).
    #[serde(rename = "Created")]
    pub created: String,
    /// The locked state's path (set by the backend).
    #[serde(rename = "Path")]
    pub path: String,
}

impl LockInfo {
    /// Lock info for `operation` (e.g. `OperationTypeApply`) with a fresh ID,
    /// the current `user@host`, terrane's version and the current time.
    pub fn new(operation: &str) -> LockInfo {
        LockInfo {
            id: uuid::Uuid::new_v4().to_string(),
            operation: operation.to_owned(),
            info: String::new(),
            who: who(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            created: rfc3339_nanos(chrono::Utc::now()),
            path: String::new(),
        }
    }

    /// Serialised as Terraform writes it: compact JSON, no trailing newline.
    pub fn to_json(&self) -> Result<Vec<u8>, StateError> {
        json::to_go_compact(self).map_err(|e| StateError::Serialize(e.to_string()))
    }
}

/// Formats a time like Go's `time.RFC3339Nano`: fractional seconds with
/// trailing zeros removed, `Z` for UTC.
pub fn rfc3339_nanos(t: chrono::DateTime<chrono::Utc>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.timestamp_subsec_nanos();
    if nanos == 0 {
        return format!("{base}Z");
    }
    let frac = format!("{nanos:09}");
    format!("{base}.{}Z", frac.trim_end_matches('0'))
}

/// `user@host`, as Terraform records it.
pub fn who() -> String {
    let user = std::env::var("USER")
        .ok()
        .filter(|u| !u.is_empty())
        .or_else(|| std::env::var("LOGNAME").ok().filter(|u| !u.is_empty()))
        .or_else(user_from_passwd)
        .unwrap_or_else(|| "unknown".to_owned());
    let host = hostname::get()
        .ok()
        .and_then(|h| h.into_string().ok())
        .unwrap_or_else(|| "unknown".to_owned());
    format!("{user}@{host}")
}

#[cfg(unix)]
fn user_from_passwd() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut parts = line.split(':');
        let name = parts.next()?;
        let _pw = parts.next()?;
        let id: u32 = parts.next()?.parse().ok()?;
        (id == uid).then(|| name.to_owned())
    })
}

#[cfg(not(unix))]
fn user_from_passwd() -> Option<String> {
    None
}

/// A held state lock. Released (info file removed, OS lock dropped) by
/// [`StateLock::release`] or on drop.
#[derive(Debug)]
pub struct StateLock {
    file: Option<File>,
    path: PathBuf,
    info: LockInfo,
}

impl StateLock {
    /// Tries once to take the lock at `lock_path` (the lock info file).
    /// Fails with [`StateError::Locked`] naming the holder if it is held.
    pub fn try_acquire(lock_path: &Path, mut info: LockInfo) -> Result<StateLock, StateError> {
        if let Some(dir) = lock_path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io_err("create directory", dir))?;
        }
        // The path can be swapped under us by a releasing holder; retry a few
        // times before giving up (each retry means someone else made progress).
        for _ in 0..32 {
            let mut opts = OpenOptions::new();
            opts.read(true).write(true).create(true).truncate(false);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut file = opts
                .open(lock_path)
                .map_err(io_err("open lock file", lock_path))?;
            let locked = FileExt::try_lock_exclusive(&file).map_err(io_err("lock", lock_path))?;
            if !locked {
                return Err(StateError::Locked {
                    path: lock_path.display().to_string(),
                    info: read_lock_info(lock_path).ok().flatten().map(Box::new),
                });
            }
            if !same_file(&file, lock_path) {
                continue;
            }
            file.set_len(0)
                .map_err(io_err("truncate lock file", lock_path))?;
            if info.path.is_empty() {
                info.path = lock_path.display().to_string();
            }
            let bytes = info.to_json()?;
            file.write_all(&bytes)
                .map_err(io_err("write lock file", lock_path))?;
            file.sync_all()
                .map_err(io_err("sync lock file", lock_path))?;
            return Ok(StateLock {
                file: Some(file),
                path: lock_path.to_owned(),
                info,
            });
        }
        Err(StateError::Locked {
            path: lock_path.display().to_string(),
            info: read_lock_info(lock_path).ok().flatten().map(Box::new),
        })
    }

    /// Takes the lock, retrying until `timeout` has passed (Terraform's
    /// `-lock-timeout`; zero means a single attempt). Blocks the thread; async
    /// callers should use [`crate::backend::lock_with_timeout`].
    pub fn acquire(
        lock_path: &Path,
        info: LockInfo,
        timeout: Duration,
    ) -> Result<StateLock, StateError> {
        let deadline = Instant::now() + timeout;
        let mut delay = Duration::from_millis(10);
        loop {
            match StateLock::try_acquire(lock_path, info.clone()) {
                Err(StateError::Locked { .. }) if Instant::now() < deadline => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    std::thread::sleep(delay.min(left));
                    delay = (delay * 2).min(Duration::from_millis(500));
                }
                other => return other,
            }
        }
    }

    /// The holder information written to the lock file.
    pub fn info(&self) -> &LockInfo {
        &self.info
    }

    /// The lock ID.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The lock info file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Releases the lock, reporting errors (drop releases silently).
    pub fn release(mut self) -> Result<(), StateError> {
        self.release_inner()
    }

    fn release_inner(&mut self) -> Result<(), StateError> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        // Remove the info file only if it is still ours (it may have been
        // force-unlocked and re-taken by someone else).
        let mut result = Ok(());
        if same_file(&file, &self.path) {
            if let Err(e) = std::fs::remove_file(&self.path) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    result = Err(StateError::Io {
                        action: "remove lock file",
                        path: self.path.clone(),
                        source: e,
                    });
                }
            }
        }
        let unlock = FileExt::unlock(&file).map_err(io_err("unlock", &self.path));
        drop(file);
        result.and(unlock)
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // Errors cannot be reported from drop; the OS lock is released when
        // the file closes regardless.
        let _ = self.release_inner();
    }
}

/// Reads the lock info file, `Ok(None)` if there is none (or it is empty,
/// which happens while a holder is between creating and writing it).
pub fn read_lock_info(lock_path: &Path) -> Result<Option<LockInfo>, StateError> {
    let mut text = String::new();
    match File::open(lock_path) {
        Ok(mut f) => {
            f.read_to_string(&mut text)
                .map_err(io_err("read lock file", lock_path))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("open lock file", lock_path)(e)),
    }
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| StateError::Parse {
            file: lock_path.display().to_string(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
}

/// Removes the lock at `lock_path` if its ID is `id` (`terraform force-unlock`).
///
/// A live holder keeps its OS lock on the removed file, but new acquirers
/// create a fresh file and no longer see it: use only when the holder is gone.
pub fn force_unlock(lock_path: &Path, id: &str) -> Result<(), StateError> {
    match read_lock_info(lock_path)? {
        None => Err(StateError::NotLocked {
            path: lock_path.display().to_string(),
        }),
        Some(info) if info.id != id => Err(StateError::LockIdMismatch {
            path: lock_path.display().to_string(),
            given: id.to_owned(),
            actual: info.id,
        }),
        Some(_) => std::fs::remove_file(lock_path).map_err(io_err("remove lock file", lock_path)),
    }
}

/// True when `path` currently names the same file as the open `file`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn rfc3339_trims_trailing_zeros_like_go() {
        let t = chrono::Utc
            .with_ymd_and_hms(2026, 11, 26, 0, 21, 43)
            .unwrap();
        assert_eq!(rfc3339_nanos(t), "2026-11-26T00:21:43Z");
        let t2 = t + chrono::Duration::nanoseconds(201_885_560);
        assert_eq!(rfc3339_nanos(t2), "2026-11-26T00:21:43.20188556Z");
    }

    #[test]
    fn lock_info_json_matches_terraform_shape() {
        let info = LockInfo {
            id: "54a5e77d-4311-bdc4-1dd9-29e008252bb9".into(),
            operation: "OperationTypeApply".into(),
            info: String::new(),
            who: "root@vm".into(),
            version: "1.11.4".into(),
            created: "2026-11-26T00:21:43.201885567Z".into(),
            path: "terraform.tfstate".into(),
        };
        let text = String::from_utf8(info.to_json().unwrap()).unwrap();
        assert_eq!(
            text,
            r#"{"ID":"54a5e77d-4311-bdc4-1dd9-29e008252bb9","Operation":"OperationTypeApply","Info":"","Who":"root@vm","Version":"1.11.4","Created":"2026-11-26T00:21:43.201885567Z","Path":"terraform.tfstate"}"#
        );
    }
}
