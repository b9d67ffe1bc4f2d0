//! Where the CLI keeps state: the backend the root module's `terraform {
//! backend "<type>" { ... } }` block names (as recorded by `terrane init`),
//! or the implicit local backend when there is none.
//!
//! [`StateStore`] gives every command one synchronous handle over the
//! local backend or a remote one (`pg`, and `s3` with the `aws` feature).
//! Remote backends are async network clients, so a remote store owns a
//! small Tokio runtime of its own: PostgreSQL connections (each held lock
//! is one) are driven by tasks spawned on it, which keep running while the
//! command's engine runtime applies changes. Remote backends have no
//! journal of their own, so the apply journal of a remote workspace lives
//! locally under `.terraform/terrane/journal/`, keyed by the backend's
//! configuration, and is replayed into the remote state by the next
//! command, exactly as the local backend's journal is.

pub mod cache;
pub mod init;
pub mod settings;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use terrane_diagnostics::{render_diagnostics, Diagnostic, Diagnostics, RenderOptions, SourceMap};
use terrane_state::backend::lock_with_timeout;
use terrane_state::{
    Backend, LocalBackend, LockInfo, PersistOptions, StateError, StateFile, StateLock,
};

use settings::Settings;

/// A backend problem to show the user: Terraform-style diagnostics.
#[derive(Debug)]
pub struct BackendError {
    /// What went wrong.
    pub diags: Diagnostics,
    /// The configuration files the diagnostics point into.
    pub sources: SourceMap,
}

impl BackendError {
    /// One error without a source location.
    pub fn new(summary: &str, detail: impl Into<String>) -> BackendError {
        let mut diags = Diagnostics::new();
        diags.push(Diagnostic::error(summary, detail));
        BackendError {
            diags,
            sources: SourceMap::new(),
        }
    }

    /// Prints the diagnostics to stderr; returns exit code 1.
    pub fn report(&self) -> u8 {
        let opts = RenderOptions {
            color: false,
            ..RenderOptions::default()
        };
        eprint!(
            "{}",
            render_diagnostics(self.diags.errors().collect::<Vec<_>>(), &self.sources, opts)
        );
        1
    }
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .diags
            .errors()
            .map(|d| format!("{}: {}", d.summary, d.detail))
            .collect();
        f.write_str(&parts.join("\n"))
    }
}

const INIT_DETAIL: &str = "Reason: {reason}

The \"backend\" is the interface that terrane uses to store state,
perform operations, etc. If this message is showing up, it means that the
terrane configuration you're using is using a custom configuration for
the terrane backend.

Changes to backend configurations require reinitialization. This allows
terrane to set up the new configuration, copy existing state, etc. Please run
\"terrane init\" with either the \"-reconfigure\" or \"-migrate-state\" flags to
use the current configuration.

If the change reason above is incorrect, please verify your configuration
hasn't changed and try again. At this point, no changes to your existing
configuration or state have been made.";

fn init_required(summary: &str, reason: String) -> BackendError {
    BackendError::new(summary, INIT_DETAIL.replace("{reason}", &reason))
}

/// The root module's `backend` block, if any. Files that cannot contain
/// one are not decoded (the common case costs one read per file).
pub fn configured_block(cwd: &Path) -> Result<Option<terrane_config::Backend>, BackendError> {
    let files = terrane_config::module_files(cwd).unwrap_or_default();
    let mentions = files.iter().any(|f| {
        let json = f.extension().is_some_and(|e| e == "json");
        std::fs::read_to_string(f)
            .map(|t| may_declare_backend(&t, json))
            .unwrap_or(false)
    });
    if !mentions {
        return Ok(None);
    }
    let (module, _) = terrane_config::load_module(cwd);
    Ok(module.and_then(|m| m.terraform.backend.clone()))
}

/// True when `text` may hold a `backend` block: the word `backend` at the
/// start of a token followed by a label (`backend "pg"`, `backend pg`), or
/// in JSON a `"backend":` key. A false positive only costs a decode.
fn may_declare_backend(text: &str, json: bool) -> bool {
    let word = if json { "\"backend\"" } else { "backend" };
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = text[at + word.len()..].trim_start_matches([' ', '\t']);
        let next = rest.chars().next();
        if json {
            return next == Some(':');
        }
        let starts_token = before.is_none_or(|c| c.is_whitespace() || c == '{');
        starts_token && next.is_some_and(|c| c == '"' || c.is_alphabetic())
    })
}

/// The backend every command but `init` uses: the one `init` recorded,
/// after checking that the configuration still names it (Terraform's
/// "Backend initialization required" otherwise).
pub fn resolve(cwd: &Path) -> Result<StateStore, BackendError> {
    let cached =
        cache::read(cwd).map_err(|e| BackendError::new("Failed to read the backend state", e))?;
    let block = configured_block(cwd)?;
    match (block, cached) {
        (None, None) => StateStore::open(cwd, None),
        (Some(b), None) => Err(init_required(
            "Backend initialization required, please run \"terrane init\"",
            format!(
                "Initial configuration of the requested backend {:?}",
                b.type_name
            ),
        )),
        (None, Some(c)) => Err(init_required(
            "Backend initialization required, please run \"terrane init\"",
            format!(
                "Unsetting the previously set backend {:?}",
                c.settings.type_name
            ),
        )),
        (Some(b), Some(c)) => {
            let literal = Settings::from_block(&b).map_err(|diags| BackendError {
                diags,
                sources: SourceMap::new(),
            })?;
            let unchanged = literal.type_name == c.settings.type_name
                && (u64::from(literal.hash()) == c.hash || literal == c.settings);
            if !unchanged {
                let reason = if literal.type_name != c.settings.type_name {
                    format!(
                        "Backend type changed from {:?} to {:?}",
                        c.settings.type_name, literal.type_name
                    )
                } else {
                    "Backend configuration block has changed".to_owned()
                };
                return Err(init_required(
                    "Backend initialization required: please run \"terrane init\"",
                    reason,
                ));
            }
            StateStore::open(cwd, Some(&c.settings))
        }
    }
}

/// A remote backend with the runtime that drives it.
struct Remote {
    backend: Box<dyn Backend>,
    rt: tokio::runtime::Runtime,
}

enum Kind {
    Local(LocalBackend),
    Remote(Arc<Remote>),
}

/// The state store of one command: local files or a remote backend.
pub struct StateStore {
    kind: Kind,
    /// `.terraform/environment` (the selected workspace) and the working
    /// directory's layout.
    env: LocalBackend,
    /// `backend "pg"`, or `local state` for the implicit local backend.
    label: String,
    journal_dir: PathBuf,
}

fn backend_err(message: String) -> StateError {
    StateError::Backend {
        message,
        source: None,
    }
}

impl StateStore {
    /// Opens the store `settings` describe (`None`: the implicit local
    /// backend). Remote backends connect here.
    pub fn open(cwd: &Path, settings: Option<&Settings>) -> Result<StateStore, BackendError> {
        let env = LocalBackend::new(cwd);
        let Some(s) = settings else {
            return Ok(StateStore {
                kind: Kind::Local(LocalBackend::new(cwd)),
                env,
                label: "local state".to_owned(),
                journal_dir: PathBuf::new(),
            });
        };
        let label = format!("backend {:?}", s.type_name);
        let fail = |e: String| {
            BackendError::new(
                &format!("Failed to configure the {label}"),
                format!("{e}\n\nCheck the backend block and any -backend-config options, then run \"terrane init\" again."),
            )
        };
        let kind = match s.type_name.as_str() {
            "local" => {
                let mut b = match s.string("path") {
                    Some(p) => LocalBackend::with_state_path(cwd, cwd.join(p)),
                    None => LocalBackend::new(cwd),
                };
                if let Some(d) = s.string("workspace_dir") {
                    b = b.with_workspace_dir(cwd.join(d));
                }
                Kind::Local(b)
            }
            other => {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
                let pairs = s.pairs();
                let backend = rt
                    .block_on(connect(other, &pairs))
                    .map_err(|e| fail(e.to_string()))?;
                Kind::Remote(Arc::new(Remote { backend, rt }))
            }
        };
        let id = settings::crc32(s.to_json().to_string().as_bytes());
        Ok(StateStore {
            kind,
            env,
            journal_dir: cwd
                .join(".terraform")
                .join("terrane")
                .join("journal")
                .join(format!("{}-{id:08x}", s.type_name)),
            label,
        })
    }

    /// `backend "pg"`, `backend "local"` or `local state`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// True for a remote (network) backend.
    pub fn is_remote(&self) -> bool {
        matches!(self.kind, Kind::Remote(_))
    }

    /// The local backend, when this store is one.
    pub fn local(&self) -> Option<&LocalBackend> {
        match &self.kind {
            Kind::Local(b) => Some(b),
            Kind::Remote(_) => None,
        }
    }

    /// Runs `local` on the local backend, or blocks on `remote`'s future
    /// on the remote backend's runtime.
    fn call<T>(
        &self,
        local: impl FnOnce(&LocalBackend) -> Result<T, StateError>,
        remote: impl FnOnce(&Remote) -> Result<T, StateError>,
    ) -> Result<T, StateError> {
        match &self.kind {
            Kind::Local(b) => local(b),
            Kind::Remote(r) => remote(r),
        }
    }

    /// The stored state of `ws`, `None` if none was written.
    pub fn read(&self, ws: &str) -> Result<Option<StateFile>, StateError> {
        self.call(|b| b.read(ws), |r| r.rt.block_on(r.backend.load(ws)))
    }

    /// Stores `state` as `ws`'s new snapshot (lineage and serial checked
    /// unless `force`).
    pub fn write(&self, ws: &str, state: &StateFile, force: bool) -> Result<(), StateError> {
        self.call(
            |b| b.write(ws, state, force),
            |r| {
                r.rt.block_on(r.backend.persist(ws, state, PersistOptions { force }))
            },
        )
    }

    /// The apply journal of `ws`: beside the state file for the local
    /// backend, under `.terraform/terrane/journal/` for a remote one.
    pub fn journal_path(&self, ws: &str) -> Result<PathBuf, StateError> {
        match &self.kind {
            Kind::Local(b) => b.journal_path(ws),
            Kind::Remote(_) => {
                terrane_state::local::validate_workspace_name(ws)?;
                Ok(self.journal_dir.join(format!("{ws}.journal")))
            }
        }
    }

    /// Every workspace, `default` first.
    pub fn list_workspaces(&self) -> Result<Vec<String>, StateError> {
        self.call(LocalBackend::list_workspaces, |r| {
            r.rt.block_on(r.backend.workspaces())
        })
    }

    /// Creates workspace `name`. A remote workspace exists once it has a
    /// state, so an empty one is stored under its lock, as Terraform does.
    pub fn create_workspace(&self, name: &str) -> Result<(), StateError> {
        match &self.kind {
            Kind::Local(b) => b.create_workspace(name),
            Kind::Remote(_) => {
                let _lock = self.lock(name, "OperationTypeInvalid", Duration::ZERO)?;
                if self.read(name)?.is_none() {
                    self.write(
                        name,
                        &StateFile::new(terrane_config::TERRAFORM_COMPATIBILITY_VERSION),
                        false,
                    )?;
                }
                Ok(())
            }
        }
    }

    /// Deletes workspace `name` and its state.
    pub fn remove_workspace(&self, name: &str) -> Result<(), StateError> {
        self.call(
            |b| b.remove_workspace(name),
            |r| r.rt.block_on(r.backend.delete_workspace(name)),
        )
    }

    /// The selected workspace (`.terraform/environment`).
    pub fn selected_workspace(&self) -> Result<String, StateError> {
        self.env.selected_workspace()
    }

    /// Records `name` as the selected workspace.
    pub fn select_workspace(&self, name: &str) -> Result<(), StateError> {
        self.env.select_workspace(name)
    }

    /// Breaks the lock of `ws` whose ID is `id` (`force-unlock`).
    pub fn force_unlock(&self, ws: &str, id: &str) -> Result<(), StateError> {
        self.call(
            |b| b.release_lock(ws, id),
            |r| r.rt.block_on(r.backend.unlock(ws, id)),
        )
    }

    /// Locks `ws` for `operation`, retrying while it is held until
    /// `timeout` has passed.
    pub fn lock(&self, ws: &str, operation: &str, timeout: Duration) -> Result<Locked, StateError> {
        let info = LockInfo::new(operation);
        match &self.kind {
            Kind::Local(b) => {
                let mut info = info;
                info.path = b.state_path(ws)?.display().to_string();
                let l = StateLock::acquire(&b.lock_path(ws)?, info, timeout)?;
                Ok(Locked {
                    held: Some(Held::Local(l)),
                })
            }
            Kind::Remote(r) => {
                let id =
                    r.rt.block_on(lock_with_timeout(r.backend.as_ref(), ws, &info, timeout))?;
                Ok(Locked {
                    held: Some(Held::Remote {
                        remote: Arc::clone(r),
                        ws: ws.to_owned(),
                        id,
                    }),
                })
            }
        }
    }
}

async fn connect(
    type_name: &str,
    pairs: &[(String, String)],
) -> Result<Box<dyn Backend>, StateError> {
    let pairs = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match type_name {
        "pg" => {
            let config = terrane_state::pg::PgConfig::from_settings(pairs)?;
            let b = terrane_state::pg::PgBackend::connect(config).await?;
            Ok(Box::new(b))
        }
        "s3" => connect_s3(pairs).await,
        other => Err(backend_err(format!(
            "there is no backend type named {other:?}"
        ))),
    }
}

#[cfg(feature = "aws")]
async fn connect_s3<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Box<dyn Backend>, StateError> {
    let config = terrane_state_s3::S3Config::from_settings(pairs)?;
    Ok(Box::new(terrane_state_s3::S3Backend::new(config).await?))
}

#[cfg(not(feature = "aws"))]
async fn connect_s3<'a>(
    _pairs: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Box<dyn Backend>, StateError> {
    Err(backend_err(
        "this terrane was built without the s3 backend (cargo feature \"aws\"); \
         rebuild with the default features, or use backend \"pg\" or \"local\""
            .to_owned(),
    ))
}

enum Held {
    Local(StateLock),
    Remote {
        remote: Arc<Remote>,
        ws: String,
        id: String,
    },
}

/// A held state lock, released on drop.
pub struct Locked {
    held: Option<Held>,
}

impl Locked {
    /// No lock (`-lock=false`).
    pub fn none() -> Locked {
        Locked { held: None }
    }

    fn release_inner(&mut self) -> Result<(), StateError> {
        match self.held.take() {
            None => Ok(()),
            Some(Held::Local(l)) => l.release(),
            Some(Held::Remote { remote, ws, id }) => {
                remote.rt.block_on(remote.backend.unlock(&ws, &id))
            }
        }
    }
}

impl Drop for Locked {
    fn drop(&mut self) {
        if let Err(e) = self.release_inner() {
            eprintln!(
                "\nError: Error releasing the state lock\n\nError message: {e}\n\n\
                 terrane acquires a lock when accessing your state to prevent others from\n\
                 modifying it at the same time. Releasing the lock failed, so it may still\n\
                 appear held. If so, and no other terrane is running, release it with\n\
                 \"terrane force-unlock <LOCK ID>\" (the ID is shown when the lock is refused).\n"
            );
        }
    }
}

/// Parses `-lock-timeout` values such as `0s`, `30s`, `5m`.
pub fn parse_duration(s: &str) -> Duration {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num.parse().unwrap_or(0.0);
    let secs = match unit {
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => n,
    };
    Duration::from_secs_f64(secs.max(0.0))
}

/// Asks a yes/no question on the terminal; true on "yes".
pub fn confirm(question: &str, detail: &str) -> bool {
    println!("{question}\n  {detail}\n  Only 'yes' will be accepted to approve.\n");
    print!("  Enter a value: ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    println!();
    line.trim() == "yes"
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn local_backend_honours_path_and_workspace_dir() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Settings::empty("local").unwrap();
        s.apply_overrides(
            &[
                "path=states/main.tfstate".to_owned(),
                "workspace_dir=ws".to_owned(),
            ],
            dir.path(),
        )
        .unwrap();
        let store = StateStore::open(dir.path(), Some(&s)).unwrap();
        assert_eq!(store.label(), "backend \"local\"");
        let st = StateFile::new("1.11.4");
        store.write("default", &st, false).unwrap();
        store.create_workspace("dev").unwrap();
        store.write("dev", &st, false).unwrap();
        assert!(dir.path().join("states/main.tfstate").is_file());
        assert!(dir.path().join("ws/dev/terraform.tfstate").is_file());
        assert_eq!(store.list_workspaces().unwrap(), ["default", "dev"]);
        assert_eq!(
            store.journal_path("dev").unwrap(),
            dir.path().join("ws/dev/.terraform.tfstate.journal")
        );
        let lock = store
            .lock("dev", "OperationTypeApply", Duration::ZERO)
            .unwrap();
        assert!(matches!(
            store.lock("dev", "OperationTypeApply", Duration::ZERO),
            Err(StateError::Locked { .. })
        ));
        drop(lock);
        store.remove_workspace("dev").unwrap();
        assert_eq!(store.list_workspaces().unwrap(), ["default"]);
    }

    #[cfg(not(feature = "aws"))]
    #[test]
    fn s3_is_refused_without_the_aws_feature() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let pairs = [("bucket".to_owned(), "b".to_owned())];
        let Err(e) = rt.block_on(connect("s3", &pairs)) else {
            panic!("s3 connected without the aws feature");
        };
        assert!(
            e.to_string().contains("built without the s3 backend"),
            "{e}"
        );
    }

    #[test]
    fn only_possible_backend_blocks_cause_a_decode() {
        assert!(may_declare_backend(
            "terraform {\n  backend \"pg\" {}\n}",
            false
        ));
        assert!(may_declare_backend("terraform {backend local {}}", false));
        assert!(!may_declare_backend("resource \"x\" \"backend\" {}", false));
        assert!(!may_declare_backend(
            "name = \"backend\"\nx = k.backend.id",
            false
        ));
        assert!(!may_declare_backend("backend = 1", false));
        assert!(may_declare_backend(
            "{\"terraform\": {\"backend\" : {}}}",
            true
        ));
        assert!(!may_declare_backend("{\"name\": \"backend\"}", true));
    }
}
