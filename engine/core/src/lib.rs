//! The engine core: the dependency graph, the planner and the apply
//! executor.
//!
//! The planner turns configuration + prior state + providers into a
//! [`plan::Plan`], which is pure data: every action is decided there, and
//! apply only executes it. The core depends on the provider *trait*
//! (`terrane-provider`), never on a concrete provider, and on no CLI crate.
//!
//! Design: one graph ([`graph::build_graph`]) keyed by addresses drives both
//! the plan walk and the apply walk; every expression is evaluated against a
//! context built from exactly the names it references ([`scope`]), so no
//! evaluation costs more as the configuration grows, and state
//! `dependencies` are each resource's direct resource dependencies (found
//! through locals, variables and outputs with memoisation), never
//! transitive closures. Apply persists every provider call through the
//! state journal (an O(1) append) and writes the full state once at the end.
//! The only work apply does besides provider calls is running `local-exec`
//! provisioners (the `provision` module) as child processes; `check` blocks and
//! their scoped data sources sit outside the graph ([`checks`]) because
//! nothing else may refer to them, so they are planned and applied after
//! the walk.

// Diagnostics are this crate's error currency (they carry source ranges),
// so results with a Diagnostic error are deliberate.
#![allow(clippy::result_large_err)]

pub mod apply;
mod check_results;
pub mod checks;
pub mod decode;
pub mod graph;
pub mod imports;
pub mod moves;
mod par;
pub mod plan;
mod plan_node;
pub mod planfile;
pub mod planner;
pub mod prior;
pub mod providers;
mod provision;
pub mod recover;
pub mod scope;
pub mod sources;
pub mod typed_json;
pub mod vars;
mod walker;
mod working;

pub use apply::{apply, ApplyOptions, ApplyOutcome};
pub use planner::{plan as make_plan, PlanOptions};
pub use recover::recover;

use crate::plan::Action;
use std::time::Duration;

/// Errors of the core's own data handling (not user configuration errors,
/// which are diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A value or type could not be encoded or decoded.
    #[error("{0}")]
    Decode(String),
    /// A plan file is unreadable or for another state.
    #[error("{0}")]
    PlanFile(String),
    /// A state operation failed.
    #[error(transparent)]
    State(#[from] terrane_state::StateError),
}

/// Progress callbacks, for the CLI's UI. Every method has a no-op default.
pub trait Hooks: Send + Sync {
    /// Refreshing one instance.
    fn refreshing(&self, _addr: &str, _id: Option<&str>) {}
    /// Refreshing one instance finished (`id` of the refreshed object).
    fn refreshed(&self, _addr: &str, _id: Option<&str>) {}
    /// A change started (`Creating...`).
    fn started(&self, _addr: &str, _action: Action, _id: Option<&str>) {}
    /// Still running after `elapsed`.
    fn still_running(&self, _addr: &str, _action: Action, _id: Option<&str>, _elapsed: Duration) {}
    /// A change finished (`Creation complete after 0s [id=...]`).
    fn finished(&self, _addr: &str, _action: Action, _id: Option<&str>, _elapsed: Duration) {}
    /// A change failed.
    fn failed(&self, _addr: &str, _action: Action) {}
    /// A provisioner (`local-exec`) starts on the object at `addr`.
    fn provision_start(&self, _addr: &str, _provisioner: &str) {}
    /// One line of a provisioner's output.
    fn provision_output(&self, _addr: &str, _provisioner: &str, _line: &str) {}
    /// A provisioner finished (`ok`) or failed.
    fn provision_done(&self, _addr: &str, _provisioner: &str, _ok: bool) {}
}

/// Hooks that do nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHooks;

impl Hooks for NoHooks {}
