//! The backend capability trait every state store implements (local files
//! here; PostgreSQL and S3 in their own crates), in the spirit of OpenTofu's
//! `statemgr` interfaces: a few small capabilities, one conformance test-kit
//! ([`crate::testkit`]) that every implementation must pass.
//!
//! The trait is async (remote stores are network clients) and object safe
//! (the CLI picks a backend at run time and holds a `Box<dyn Backend>`).

use std::time::Duration;

use async_trait::async_trait;

use crate::local::LocalBackend;
use crate::lock::LockInfo;
use crate::model::StateFile;
use crate::StateError;

/// Options for [`Backend::persist`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersistOptions {
    /// Skip the lineage and serial checks (`terraform state push -force`).
    pub force: bool,
}

/// A place that stores state snapshots per workspace, with locking.
///
/// Contract (checked by [`crate::testkit::test_backend`]):
/// * `load` of a workspace never written returns `Ok(None)`; after `persist`
///   it returns an equal state (byte-identical when serialised).
/// * `persist` refuses, unless forced, a state whose lineage differs from the
///   stored one ([`StateError::LineageMismatch`]) or whose serial is lower
///   ([`StateError::SerialRegression`]); an equal serial is accepted.
/// * `lock` excludes every other `lock` of the same workspace, from this or
///   another backend value or process, until `unlock` with the returned ID;
///   a held lock fails fast with [`StateError::Locked`] naming the holder.
///   `unlock` with the holder's ID from another backend value breaks the lock
///   (force-unlock); with a wrong ID it fails with
///   [`StateError::LockIdMismatch`].
/// * Locks of different workspaces are independent.
/// * `workspaces` lists `default` first, then the others sorted; a workspace
///   exists once a state was persisted to it; `delete_workspace` removes it
///   and its state, and refuses `default`.
#[async_trait]
pub trait Backend: Send + Sync {
    /// The stored state of `workspace`, or `None` if none was written.
    async fn load(&self, workspace: &str) -> Result<Option<StateFile>, StateError>;

    /// Stores `state` as the new snapshot of `workspace`.
    async fn persist(
        &self,
        workspace: &str,
        state: &StateFile,
        options: PersistOptions,
    ) -> Result<(), StateError>;

    /// Locks `workspace` without waiting; returns the lock ID.
    async fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, StateError>;

    /// Releases the lock with ID `id` (or breaks it, if this backend value
    /// does not hold it but the ID matches the holder's).
    async fn unlock(&self, workspace: &str, id: &str) -> Result<(), StateError>;

    /// All workspace names, `default` first.
    async fn workspaces(&self) -> Result<Vec<String>, StateError>;

    /// Deletes a workspace and its state.
    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError>;
}

/// Locks `workspace`, retrying while it is held until `timeout` has passed
/// (Terraform's `-lock-timeout`; zero means one attempt). The last
/// [`StateError::Locked`] error, naming the holder, is returned on timeout.
pub async fn lock_with_timeout(
    backend: &dyn Backend,
    workspace: &str,
    info: &LockInfo,
    timeout: Duration,
) -> Result<String, StateError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut delay = Duration::from_millis(10);
    loop {
        match backend.lock(workspace, info).await {
            Err(StateError::Locked { .. }) if tokio::time::Instant::now() < deadline => {
                let left = deadline.saturating_duration_since(tokio::time::Instant::now());
                tokio::time::sleep(delay.min(left)).await;
                delay = (delay * 2).min(Duration::from_millis(1000));
            }
            other => return other,
        }
    }
}

#[async_trait]
impl Backend for LocalBackend {
    async fn load(&self, workspace: &str) -> Result<Option<StateFile>, StateError> {
        self.read(workspace)
    }

    async fn persist(
        &self,
        workspace: &str,
        state: &StateFile,
        options: PersistOptions,
    ) -> Result<(), StateError> {
        self.write(workspace, state, options.force)
    }

    async fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, StateError> {
        self.acquire_lock(workspace, info.clone())
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<(), StateError> {
        self.release_lock(workspace, id)
    }

    async fn workspaces(&self) -> Result<Vec<String>, StateError> {
        self.list_workspaces()
    }

    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        self.remove_workspace(workspace)
    }
}
