//! terrane-state owns everything terrane persists about real infrastructure:
//! the Terraform v4 state file model ([`model`]), the local file backend
//! ([`local`]) with Terraform's workspace layout, state locks ([`lock`]), the
//! crash-safety journal ([`journal`]) and the backend capability trait with its
//! conformance test-kit ([`backend`], [`testkit`]).
//!
//! It must not depend on the language, config or engine crates: state is
//! plain data (attributes stay JSON here; the engine converts them with
//! provider schemas), and remote backends (PostgreSQL, S3) live in their own
//! crates and only implement [`backend::Backend`].
//!
//! Key design choices:
//! * **Byte-compatible with Terraform.** Reading and writing a Terraform state
//!   gives identical bytes: fields are declared in Terraform's order with its
//!   omission rules, output is re-formatted like Go's `json.MarshalIndent`
//!   (HTML-safe escaping included), and JSON values Terraform keeps as raw
//!   messages are held as [`RawJson`] text so arbitrary-precision numbers
//!   (`1/3` has 155 digits in Terraform) are never rounded through `f64`.
//! * **Crash safety by journal, not by rewriting.** Every mutating provider
//!   call is bracketed by an fsynced *intent* and *result* line in an
//!   append-only journal (O(1) per change); the full state is rewritten
//!   atomically (temp file, fsync, rename, fsync dir) only at checkpoints. An
//!   intent without a result after a crash is handed to the engine to
//!   reconcile, so a `kill -9` never leaves an untracked object.
//! * **Refuse rather than guess.** A state file that does not parse is never
//!   loaded or overwritten; a write with another lineage or a lower serial is
//!   refused unless forced; a corrupt journal line that is not the torn tail is
//!   an error.

pub mod backend;
pub mod journal;
pub mod json;
pub mod local;
pub mod lock;
pub mod model;
#[cfg(feature = "pg")]
pub mod pg;

#[cfg(feature = "testkit")]
pub mod testkit;

use std::path::PathBuf;

pub use backend::{Backend, PersistOptions};
pub use journal::{Action, Intent, IntentId, IntentSpec, Journal, Mutation, Outcome, ReplayReport};
pub use json::RawJson;
pub use local::LocalBackend;
pub use lock::{LockInfo, StateLock};
pub use model::{
    CheckObjectResult, CheckResult, InstanceAddr, InstanceKey, InstanceObject, Mode, ObjectStatus,
    OutputValue, PathStep, Resource, StateFile,
};

/// Name of the workspace every backend has and that cannot be deleted.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Errors from loading, storing, locking and journaling state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. "read", "rename into place".
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A state file is not valid JSON or not a valid v4 state. The file is
    /// left untouched.
    #[error(
        "state file {file} is not valid: {message} at line {line}, column {column}.\n\
         terrane will neither read nor overwrite this file. Fix it by hand, or restore \
         a previous snapshot (for example {file}.backup), then run the command again."
    )]
    Parse {
        /// File name as given.
        file: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong.
        message: String,
    },

    /// The state file has a format version other than 4.
    #[error(
        "state file {file} has format version {found}; terrane reads only version 4 \
         (written by Terraform 0.12 and later). Upgrade it with Terraform first."
    )]
    UnsupportedVersion {
        /// File name as given.
        file: String,
        /// The version found (or "missing").
        found: String,
    },

    /// A state file is valid JSON but breaks a rule of the state format.
    #[error(
        "state file {file} is not valid: {message}.\n\
         terrane will neither read nor overwrite this file. Fix it by hand, or restore \
         a previous snapshot (for example {file}.backup), then run the command again."
    )]
    Invalid {
        /// File name as given.
        file: String,
        /// What is wrong.
        message: String,
    },

    /// Serialising a state failed (a bug: every model value is serialisable).
    #[error("cannot serialise state: {0}")]
    Serialize(String),

    /// The new state belongs to a different lineage than the stored one.
    #[error(
        "refusing to overwrite {file}: it has lineage {existing}, but the new state has lineage {new}.\n\
         These are different states. Use -force (as with `state push -force`) only if you are sure."
    )]
    LineageMismatch {
        /// The stored state's location.
        file: String,
        /// Lineage of the stored state.
        existing: String,
        /// Lineage of the state being written.
        new: String,
    },

    /// The new state has a lower serial than the stored one.
    #[error(
        "refusing to overwrite {file}: it has serial {existing}, newer than the new state's serial {new}.\n\
         Someone else changed the state since it was read. Refresh and retry, or use -force \
         (as with `state push -force`) only if you are sure."
    )]
    SerialRegression {
        /// The stored state's location.
        file: String,
        /// Serial of the stored state.
        existing: u64,
        /// Serial of the state being written.
        new: u64,
    },

    /// The state is locked by someone else.
    #[error("{}", locked_message(path, info.as_deref()))]
    Locked {
        /// The lock's location (lock file, table row, object key).
        path: String,
        /// Who holds the lock, if the lock info could be read.
        info: Option<Box<LockInfo>>,
    },

    /// `unlock`/`force_unlock` was given an ID that is not the holder's.
    #[error("lock ID {given:?} does not match the existing lock ID {actual:?} of {path}")]
    LockIdMismatch {
        /// The lock's location.
        path: String,
        /// The ID given.
        given: String,
        /// The current holder's ID.
        actual: String,
    },

    /// `unlock`/`force_unlock` found no lock.
    #[error("{path} is not locked")]
    NotLocked {
        /// The lock's location.
        path: String,
    },

    /// A workspace name that cannot be used as a directory or key.
    #[error("invalid workspace name {0:?}: names must be non-empty and must not contain '/', '\\' or control characters")]
    InvalidWorkspaceName(String),

    /// The named workspace does not exist.
    #[error("workspace {0:?} does not exist")]
    NoSuchWorkspace(String),

    /// The default workspace cannot be deleted.
    #[error("the default workspace cannot be deleted")]
    CannotDeleteDefault,

    /// A journal line other than the last one is corrupt.
    #[error(
        "journal {} is corrupt at line {line}: {message}.\n\
         Only a torn last line is tolerated. Inspect the file; do not delete it while \
         it may record changes that are not in the state yet.",
        path.display()
    )]
    JournalCorrupt {
        /// The journal file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },

    /// The journal does not belong to the given state, or is used wrongly.
    #[error("journal {}: {message}", path.display())]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// An error from a backend implementation (remote backends).
    #[error("{message}")]
    Backend {
        /// What failed.
        message: String,
        /// The underlying error, if any.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

fn locked_message(path: &str, info: Option<&LockInfo>) -> String {
    match info {
        Some(i) => format!(
            "the state is locked: {path} is held by {} since {} (lock ID {}, operation {:?}, version {}{}).\n\
             Wait for that operation to finish (use -lock-timeout to wait), or if that process \
             is gone, run `force-unlock {}`.",
            i.who,
            i.created,
            i.id,
            i.operation,
            i.version,
            if i.info.is_empty() { String::new() } else { format!(", info {:?}", i.info) },
            i.id
        ),
        None => format!(
            "the state is locked: {path} is held by another process (its lock information could not be read).\n\
             Wait for that operation to finish (use -lock-timeout to wait)."
        ),
    }
}

pub(crate) fn io_err(
    action: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> StateError {
    let path = path.into();
    move |source| StateError::Io {
        action,
        path,
        source,
    }
}
