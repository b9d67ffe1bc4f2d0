//! The backend part of `terrane init`: validate the `backend` block and
//! `-backend-config` options, connect to the backend, migrate state when
//! the backend changes (Terraform's rules: `-migrate-state`,
//! `-reconfigure`, `-force-copy`, refusing to ask with `-input=false`) and
//! record the result in `.terraform/terraform.tfstate`.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use terrane_diagnostics::SourceMap;
use terrane_state::{Journal, StateFile};

use super::cache::{self, Cached};
use super::settings::Settings;
use super::{BackendError, StateStore};

/// The `init` options that concern the backend.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// `-backend-config` items, in order.
    pub backend_config: Vec<String>,
    /// `-reconfigure`.
    pub reconfigure: bool,
    /// `-migrate-state`.
    pub migrate_state: bool,
    /// `-force-copy`.
    pub force_copy: bool,
    /// `-input` (false: never prompt).
    pub input: bool,
    /// `-lock`.
    pub lock: bool,
    /// `-lock-timeout`.
    pub lock_timeout: Duration,
}

fn success(type_name: &str) {
    println!(
        "\nSuccessfully configured the backend {type_name:?}! terrane will automatically\n\
         use this backend unless the backend configuration changes."
    );
}

/// `terrane init`'s backend step for the root module of `config`.
pub fn from_args(
    a: &crate::args::InitArgs,
    config: &terrane_config::Config,
    cwd: &Path,
) -> Result<(), BackendError> {
    if !a.backend {
        return Ok(());
    }
    let o = InitOptions {
        backend_config: a.backend_config.clone(),
        reconfigure: a.reconfigure,
        migrate_state: a.migrate_state,
        force_copy: a.force_copy,
        input: a.input,
        lock: a.lock,
        lock_timeout: super::parse_duration(&a.lock_timeout),
    };
    run(
        cwd,
        config.module.terraform.backend.as_ref(),
        &config.sources(),
        &o,
    )
}

/// Initialises the backend `block` names (or the implicit local backend).
pub fn run(
    cwd: &Path,
    block: Option<&terrane_config::Backend>,
    sources: &SourceMap,
    o: &InitOptions,
) -> Result<(), BackendError> {
    let cached =
        cache::read(cwd).map_err(|e| BackendError::new("Failed to read the backend state", e))?;
    let Some(block) = block else {
        if !o.backend_config.is_empty() {
            return Err(BackendError::new(
                "Invalid backend configuration",
                "-backend-config was given, but the root module has no backend block. Add a \
                 terraform { backend \"<type>\" { } } block for the options to configure.",
            ));
        }
        let Some(c) = cached else {
            return Ok(());
        };
        if !o.reconfigure {
            let from = StateStore::open(cwd, Some(&c.settings))?;
            let to = StateStore::open(cwd, None)?;
            migrate(&from, &to, o, false)?;
        }
        cache::remove(cwd).map_err(|e| BackendError::new("Failed to unset the backend", e))?;
        println!(
            "\nSuccessfully unset the backend {:?}. terrane will now operate locally.",
            c.settings.type_name
        );
        return Ok(());
    };
    let literal = Settings::from_block(block).map_err(|diags| BackendError {
        diags,
        sources: sources.clone(),
    })?;
    let hash = u64::from(literal.hash());
    if let Some(c) = cached.as_ref().filter(|c| {
        !o.reconfigure
            && o.backend_config.is_empty()
            && c.settings.type_name == literal.type_name
            && c.hash == hash
    }) {
        // Unchanged block and no new -backend-config: the recorded
        // configuration (with its earlier -backend-config values) stays.
        let store = StateStore::open(cwd, Some(&c.settings))?;
        return reachable(&store);
    }
    let mut merged = literal.clone();
    merged
        .apply_overrides(&o.backend_config, cwd)
        .map_err(|diags| BackendError {
            diags,
            sources: SourceMap::new(),
        })?;
    let new = Cached {
        hash,
        settings: merged,
    };
    let to = StateStore::open(cwd, Some(&new.settings))?;
    reachable(&to)?;
    let record = |c: &Cached| {
        cache::write(cwd, c)
            .map_err(|e| BackendError::new("Failed to save the backend configuration", e))
    };
    match cached {
        Some(c) if c.settings == new.settings => {
            if c.hash != new.hash {
                record(&new)?;
            }
        }
        Some(c) => {
            if o.reconfigure {
                warn_unreconciled(cwd, &c);
            } else {
                if !o.migrate_state {
                    return Err(BackendError::new(
                        "Backend configuration changed",
                        "A change in the backend configuration has been detected, which may require\n\
                         migrating existing state.\n\n\
                         If you wish to attempt automatic migration of the state, use \"terrane init\n\
                         -migrate-state\".\n\
                         If you wish to store the current configuration with no changes to the state,\n\
                         use \"terrane init -reconfigure\".",
                    ));
                }
                println!(
                    "Backend configuration changed!\n\n\
                     terrane has detected that the configuration specified for the backend\n\
                     has changed. terrane will now check for existing state in the backends.\n"
                );
                let from = StateStore::open(cwd, Some(&c.settings))?;
                migrate(&from, &to, o, false)?;
            }
            record(&new)?;
            success(&new.settings.type_name);
        }
        None => {
            // Existing state of the implicit local backend moves into the
            // newly configured one, and is then emptied (as Terraform does).
            let from = StateStore::open(cwd, None)?;
            migrate(&from, &to, o, true)?;
            record(&new)?;
            success(&new.settings.type_name);
        }
    }
    Ok(())
}

/// Lists the workspaces, so an unreachable backend fails `init`.
fn reachable(store: &StateStore) -> Result<(), BackendError> {
    store.list_workspaces().map(|_| ()).map_err(|e| {
        BackendError::new(
            "Failed to get existing workspaces",
            format!(
                "{e}\n\nterrane could not reach the {}: check its configuration (and any \
                 -backend-config options) and that the service is reachable, then run \
                 \"terrane init\" again.",
                store.label()
            ),
        )
    })
}

/// `-reconfigure` leaves the previous backend alone; say so when an
/// interrupted apply's journal for it is left unreconciled.
fn warn_unreconciled(cwd: &Path, previous: &Cached) {
    let Ok(from) = StateStore::open(cwd, Some(&previous.settings)) else {
        return;
    };
    let Ok(names) = from.list_workspaces() else {
        return;
    };
    for ws in names {
        if let Err(e) = pending_journal(&from, &ws) {
            eprintln!("\nWarning: {e}");
        }
    }
}

/// True when both stores keep workspace `ws` in the same local file.
fn same_file(from: &StateStore, to: &StateStore, ws: &str) -> bool {
    match (from.local(), to.local()) {
        (Some(a), Some(b)) => match (a.state_path(ws), b.state_path(ws)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        _ => false,
    }
}

fn migration_error(from: &StateStore, to: &StateStore, e: impl std::fmt::Display) -> BackendError {
    BackendError::new(
        "Error migrating the state",
        format!(
            "Copying the state from the {} to the {} failed: {e}\n\nNothing was removed from the {}; fix the problem and run \"terrane init -migrate-state\" again.",
            from.label(),
            to.label(),
            from.label()
        ),
    )
}

/// Copies every workspace's state from `from` to `to`, asking first (or
/// refusing to, with `-input=false` and no `-force-copy`). With `erase`,
/// the copied local states are then emptied, keeping a `.backup`.
fn migrate(
    from: &StateStore,
    to: &StateStore,
    o: &InitOptions,
    erase: bool,
) -> Result<(), BackendError> {
    let err = |e: terrane_state::StateError| migration_error(from, to, e);
    let mut states: Vec<(String, StateFile)> = Vec::new();
    for ws in from.list_workspaces().map_err(err)? {
        if same_file(from, to, &ws) {
            continue;
        }
        pending_journal(from, &ws)?;
        if let Some(st) = from.read(&ws).map_err(err)? {
            states.push((ws, st));
        }
    }
    if states.is_empty() {
        return Ok(());
    }
    if !o.force_copy {
        if !o.input {
            return Err(BackendError::new(
                "Can't ask approval for state migration when interactive input is disabled.",
                "Please remove the \"-input=false\" option and try again, or add -force-copy to copy the existing state without asking.",
            ));
        }
        let names: Vec<&str> = states.iter().map(|(w, _)| w.as_str()).collect();
        if !super::confirm(
            "Do you want to copy existing state to the new backend?",
            &format!(
                "Pre-existing state was found while migrating the {} to the newly configured\n  {} (workspaces: {}). Enter \"yes\" to copy it and \"no\" to start with an\n  empty state.",
                from.label(),
                to.label(),
                names.join(", ")
            ),
        ) {
            return Ok(());
        }
    }
    let timeout = o.lock_timeout;
    for (ws, st) in &states {
        let (_src, _dst) = if o.lock {
            (
                from.lock(ws, "OperationTypeInvalid", timeout)
                    .map_err(err)?,
                to.lock(ws, "OperationTypeInvalid", timeout).map_err(err)?,
            )
        } else {
            (super::Locked::none(), super::Locked::none())
        };
        to.write(ws, st, true).map_err(err)?;
        if erase {
            if let Some(local) = from.local() {
                empty_local(local, ws).map_err(err)?;
            }
        }
    }
    let names: Vec<&str> = states.iter().map(|(w, _)| w.as_str()).collect();
    println!(
        "Copied the state of workspace(s) {} from the {} to the {}.",
        names.join(", "),
        from.label(),
        to.label()
    );
    let _ = std::io::stdout().flush();
    Ok(())
}

/// Refuses to migrate a workspace whose journal records changes that are
/// not in its state yet (an interrupted apply nobody reconciled).
fn pending_journal(from: &StateStore, ws: &str) -> Result<(), BackendError> {
    let Ok(path) = from.journal_path(ws) else {
        return Ok(());
    };
    if !path.exists() {
        return Ok(());
    }
    let unreconciled = Journal::open(&path).map(|j| !j.is_empty()).unwrap_or(true);
    if unreconciled {
        return Err(BackendError::new(
            "Unreconciled apply journal",
            format!(
                "The journal {} of workspace {ws:?} records changes of an interrupted apply that are not in the {} yet.\n\nRun \"terrane plan\" with the previous backend configuration first (it reconciles the journal into the state), then run \"terrane init\" again.",
                path.display(),
                from.label()
            ),
        ));
    }
    Ok(())
}

/// Empties a local state after migrating it away, keeping its previous
/// content as `<state>.backup` (Terraform leaves an empty file behind).
fn empty_local(
    local: &terrane_state::LocalBackend,
    ws: &str,
) -> Result<(), terrane_state::StateError> {
    let path = local.state_path(ws)?;
    let bytes = std::fs::read(&path).map_err(|e| terrane_state::StateError::Io {
        action: "read",
        path: path.clone(),
        source: e,
    })?;
    terrane_state::local::atomic_write(&local.backup_path(ws)?, &bytes)?;
    terrane_state::local::atomic_write(&path, b"")
}
