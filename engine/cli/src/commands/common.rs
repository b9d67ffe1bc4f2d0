//! What every state- and config-using command shares: loading and
//! validating the configuration, the backend and workspace, state locking
//! and journal recovery, variables, providers, diagnostics and the progress
//! UI.

use crate::args::PlanArgs;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use terrane_config::Config;
use terrane_core::plan::Action;
use terrane_core::vars::{self, RawVar, VarInput, VarOrigin};
use terrane_diagnostics::{render_diagnostics, Diagnostic, Diagnostics, RenderOptions, SourceMap};
use terrane_provider::Provider;
use terrane_state::local::{LocalBackend, ReadAhead};
use terrane_state::{Journal, StateFile};

/// The version string written into state files.
pub const STATE_VERSION: &str = "1.11.4";

/// Prints diagnostics to stderr (errors) and stdout (warnings), as Terraform does.
pub fn print_diags(diags: &Diagnostics, sources: &SourceMap, color: bool) {
    if diags.is_empty() {
        return;
    }
    let opts = RenderOptions {
        color,
        ..RenderOptions::default()
    };
    let warnings: Vec<&Diagnostic> = diags.warnings().collect();
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    if !warnings.is_empty() {
        print!("{}", render_diagnostics(warnings, sources, opts));
    }
    if !errors.is_empty() {
        eprint!("{}", render_diagnostics(errors, sources, opts));
    }
}

/// Prints one error message without a source.
pub fn error(summary: &str, detail: impl Into<String>) {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::error(summary, detail));
    print_diags(&d, &SourceMap::new(), false);
}

/// The working directory.
pub fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// Loads and validates the configuration in the working directory.
pub fn load(color: bool) -> Option<(Config, SourceMap)> {
    let dir = cwd();
    let (config, mut diags) = terrane_config::load_config(&dir);
    let sources = config.as_ref().map(|c| c.sources()).unwrap_or_default();
    if let Some(c) = &config {
        if !diags.has_errors() {
            diags.extend(terrane_config::validate(c));
        }
    }
    print_diags(&diags, &sources, color);
    match config {
        Some(c) if !diags.has_errors() => Some((c, sources)),
        _ => None,
    }
}

/// The built-in providers, plus AWS and Kubernetes when their features are on.
pub fn providers() -> Vec<Arc<dyn Provider>> {
    #[allow(unused_mut)]
    let mut all = terrane_provider_builtin::all();
    #[cfg(feature = "aws")]
    all.push(Arc::new(terrane_provider_aws::AwsProvider::new()));
    #[cfg(feature = "kubernetes")]
    all.push(Arc::new(
        terrane_provider_kubernetes::KubernetesProvider::new(),
    ));
    all
}

pub use crate::backend::{confirm, parse_duration, BackendError, Locked, StateStore};

/// The configured backend (see [`crate::backend::resolve`]) and the
/// selected workspace (`TF_WORKSPACE`, else `.terraform/environment`).
pub fn backend() -> Result<(StateStore, String), BackendError> {
    let b = crate::backend::resolve(&cwd())?;
    let ws = std::env::var("TF_WORKSPACE").ok().filter(|w| !w.is_empty());
    let ws = match ws {
        Some(w) => w,
        None => b
            .selected_workspace()
            .map_err(|e| BackendError::new("Failed to read the workspace", e.to_string()))?,
    };
    Ok((b, ws))
}

/// Locks the workspace's state unless `enabled` is false. The error is
/// the detail of Terraform's "Error acquiring the state lock": the
/// backend's message (naming the holder and its lock ID) and what to do.
pub fn lock(
    b: &StateStore,
    ws: &str,
    op: &str,
    enabled: bool,
    timeout: &str,
) -> Result<Locked, String> {
    if !enabled {
        return Ok(Locked::none());
    }
    b.lock(ws, op, parse_duration(timeout)).map_err(|e| {
        format!(
            "Error message: {e}\n\nterrane acquires a state lock ({}) to protect the state from being written by multiple users at the same time. Please resolve the issue above and try again. For most commands, you can disable locking with the \"-lock=false\" flag, but this is not recommended.",
            b.label()
        )
    })
}

/// The state file read and parsed on a second thread (see
/// [`read_state_ahead`]).
pub struct StateAhead(std::thread::JoinHandle<ReadAhead>);

/// Starts reading and parsing the state file the implicit local backend
/// would read for the selected workspace, on a second thread, so that it
/// overlaps loading the configuration. Reading the state itself (under the
/// lock) takes that parse only if the store is local, the file is the same
/// and its bytes have not changed since (see
/// [`terrane_state::local::LocalBackend::read_reusing`]); otherwise the
/// work is simply not used.
pub fn read_state_ahead() -> Option<StateAhead> {
    let local = LocalBackend::new(cwd());
    let ws = match std::env::var("TF_WORKSPACE").ok().filter(|w| !w.is_empty()) {
        Some(w) => w,
        None => local.selected_workspace().ok()?,
    };
    let path = local.state_path(&ws).ok()?;
    std::thread::Builder::new()
        .name("state-read-ahead".into())
        .spawn(move || ReadAhead::read(path))
        .ok()
        .map(StateAhead)
}

/// Reads the workspace's state (a fresh empty state when there is none),
/// replaying and reconciling a journal left by an interrupted run.
pub fn read_state(
    b: &StateStore,
    ws: &str,
    rt: &tokio::runtime::Runtime,
) -> Result<(StateFile, bool), String> {
    read_state_with(b, ws, rt, None)
}

/// [`read_state`], using the parse of [`read_state_ahead`] when it read
/// this store's file as it still is.
pub fn read_state_with(
    b: &StateStore,
    ws: &str,
    rt: &tokio::runtime::Runtime,
    ahead: Option<StateAhead>,
) -> Result<(StateFile, bool), String> {
    read_and_recover(b, ws, rt, ahead).map_err(|e| {
        if b.is_remote() {
            format!(
                "{e}\n\nThe state of workspace {ws:?} is kept by the {}: check that it is reachable \
                 and its credentials are valid, then run the command again.",
                b.label()
            )
        } else {
            e
        }
    })
}

fn read_and_recover(
    b: &StateStore,
    ws: &str,
    rt: &tokio::runtime::Runtime,
    ahead: Option<StateAhead>,
) -> Result<(StateFile, bool), String> {
    let existing = match (b.local(), ahead) {
        (Some(local), Some(StateAhead(handle))) => match handle.join() {
            Ok(read) => local.read_reusing(ws, read),
            Err(_) => local.read(ws),
        },
        // A remote store: the read-ahead thread's work is not needed.
        _ => b.read(ws),
    }
    .map_err(|e| e.to_string())?;
    let found = existing.is_some();
    let mut state = existing.unwrap_or_else(|| StateFile::new(STATE_VERSION));
    let jpath = b.journal_path(ws).map_err(|e| e.to_string())?;
    if jpath.exists() {
        let mut journal = Journal::open(&jpath).map_err(|e| e.to_string())?;
        if !found {
            // The first apply was interrupted before any state was written:
            // the journal extends the empty state it began from.
            if let Some((lineage, serial)) = journal.base() {
                state.lineage = lineage.to_string();
                state.serial = serial;
            }
        }
        if !journal.is_empty() && journal.base().is_some_and(|(l, _)| l == state.lineage) {
            let (changed, diags) =
                rt.block_on(terrane_core::recover(&mut state, &journal, &providers()));
            print_diags(&diags, &SourceMap::new(), false);
            if changed {
                let persist = |s: &StateFile| b.write(ws, s, false);
                journal
                    .checkpoint(&mut state, persist)
                    .map_err(|e| e.to_string())?;
                eprintln!(
                    "terrane recovered changes recorded by an interrupted run into the state."
                );
            } else {
                journal.begin(&state).map_err(|e| e.to_string())?;
            }
        }
    }
    Ok((state, found))
}

/// A tokio runtime for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// Collects variable inputs in Terraform's precedence order.
pub fn var_inputs(a: &PlanArgs) -> Result<Vec<VarInput>, Diagnostics> {
    collect_vars(&a.vars, &a.var_files)
}

/// Variable inputs from `-var`/`-var-file` plus the automatic sources.
pub fn collect_vars(cli_vars: &[String], files: &[PathBuf]) -> Result<Vec<VarInput>, Diagnostics> {
    let mut out = vars::env_vars();
    for f in vars::auto_var_files(&cwd()) {
        out.extend(vars::read_var_file(&f)?);
    }
    // -var and -var-file apply in the order given; clap keeps them apart,
    // so files first, then -var (the common case of one kind).
    for f in files {
        out.extend(vars::read_var_file(f)?);
    }
    for v in cli_vars {
        let Some((name, value)) = v.split_once('=') else {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(
                "Invalid -var option",
                format!("The given -var option {v:?} is not correctly specified. Must be a variable name and value separated by an equals sign, like -var=\"key=value\"."),
            ));
            return Err(d);
        };
        out.push(VarInput {
            name: name.trim().to_string(),
            value: RawVar::Text(value.to_string()),
            origin: VarOrigin::Cli,
        });
    }
    Ok(out)
}

/// Formats an elapsed time as Terraform does (`0s`, `1m5s`).
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

/// Progress lines as Terraform prints them.
pub struct UiHooks {
    /// Print refresh lines.
    pub show_refresh: bool,
}

fn id_suffix(id: Option<&str>) -> String {
    id.map(|i| format!(" [id={i}]")).unwrap_or_default()
}

impl terrane_core::Hooks for UiHooks {
    fn refreshing(&self, addr: &str, id: Option<&str>) {
        if self.show_refresh {
            println!("{addr}: Refreshing state...{}", id_suffix(id));
        }
    }

    fn started(&self, addr: &str, action: Action, id: Option<&str>) {
        let line = match action {
            Action::Create => format!("{addr}: Creating..."),
            Action::Update => format!("{addr}: Modifying...{}", id_suffix(id)),
            Action::Delete => format!("{addr}: Destroying...{}", id_suffix(id)),
            Action::Read => format!("{addr}: Reading..."),
            _ => format!("{addr}: Applying..."),
        };
        println!("{line}");
        let _ = std::io::stdout().flush();
    }

    fn still_running(&self, addr: &str, action: Action, id: Option<&str>, e: Duration) {
        let verb = match action {
            Action::Create => "creating",
            Action::Update => "modifying",
            Action::Delete => "destroying",
            _ => "reading",
        };
        let id = id.map(|i| format!("id={i}, ")).unwrap_or_default();
        println!("{addr}: Still {verb}... [{id}{} elapsed]", elapsed(e));
    }

    fn finished(&self, addr: &str, action: Action, id: Option<&str>, e: Duration) {
        let line = match action {
            Action::Create => format!(
                "{addr}: Creation complete after {}{}",
                elapsed(e),
                id_suffix(id)
            ),
            Action::Update => format!(
                "{addr}: Modifications complete after {}{}",
                elapsed(e),
                id_suffix(id)
            ),
            Action::Delete => format!("{addr}: Destruction complete after {}", elapsed(e)),
            _ => format!(
                "{addr}: Read complete after {}{}",
                elapsed(e),
                id_suffix(id)
            ),
        };
        println!("{line}");
        let _ = std::io::stdout().flush();
    }
}
