//! terrane-render: plans, state and outputs shown exactly as Terraform shows
//! them — the terminal plan text, apply progress lines, `show -json`,
//! `output -json`, the `-json` machine UI stream, and Markdown for
//! pull-request comments.
//!
//! It owns presentation only: it reads `terrane_core::plan::Plan` (pure
//! data), provider schemas (`terrane-provider`), the state model
//! (`terrane-state`) and the loaded configuration (`terrane-config`, with
//! `terrane-lang` for constant expressions), and must never be a dependency
//! of the core, of providers, of state or of config — nothing that decides
//! anything may depend on how it is displayed.
//!
//! Design: every change is first converted to the JSON shapes Terraform's
//! plan format uses ([`json`]: value, unknown mask, sensitive masks), then a
//! structured [`diff::Diff`] tree is computed once from those shapes and
//! the schema. The terminal text, Markdown and any other view only walk
//! that tree. Working from the same JSON shapes that `show -json` writes is
//! what Terraform's own renderer does, so the two can never disagree and
//! byte-for-byte equality with Terraform follows from following the same
//! rules (sorted keys, LCS pairing of list elements, hidden-unchanged
//! counting, `jsonencode(...)` for JSON-looking strings). Sequence and
//! multi-line string diffs use Terraform's own longest-common-subsequence
//! tie-breaking (not a general diff library) because which line is shown as
//! removed and which as added must match Terraform exactly.
//!
//! Speed: text is appended to one buffer per batch of changes (no string
//! per line), and the plan text is written out batch by batch so a large
//! plan is never held whole; with many changes a second thread renders
//! every other batch, written in plan order so the output is the same.
//!
//! Modules: [`plan_text`] (the `plan` text, `show` of a plan),
//! [`apply`] (progress lines and summaries), [`show_json`] (`show -json` of
//! plans and states, human `show` of a state, `output -json`),
//! [`config_build`] / [`config_json`] (the `configuration` section),
//! [`ui_json`] (the `-json` UI stream), [`markdown`] (PR comments),
//! [`load`] (plans read back from `show -json`), [`diff`] (the tree).
//! Golden tests compare all of these with Terraform 1.11.4 and 1.15.5
//! output byte for byte.

pub mod apply;
mod checks_json;
mod color;
pub mod config_build;
pub mod config_json;
pub mod diff;
pub mod gojson;
mod human;
pub mod json;
pub mod load;
pub mod markdown;
pub mod order;
pub mod plan_text;
pub mod show_json;
pub mod ui_json;
mod wrap;

pub use color::Colors;
pub use plan_text::{render_plan, RenderOptions, Schemas};

use serde_json::Value as J;
use terrane_value::{Path, PathStep, Value};

/// Errors while rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// JSON output could not be serialised.
    #[error("cannot serialise JSON output: {0}")]
    Json(#[from] serde_json::Error),
    /// A plan JSON document did not have the expected shape.
    #[error("malformed plan JSON: {0}")]
    Malformed(String),
}

/// One value's change in plan-JSON shape: the input of the differ and of
/// `show -json`'s `change` objects.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChange {
    /// The value before (`null` when absent).
    pub before: J,
    /// The value after, unknowns omitted.
    pub after: J,
    /// The unknown mask of `after`.
    pub after_unknown: J,
    /// The sensitive mask of `before`.
    pub before_sensitive: J,
    /// The sensitive mask of `after`.
    pub after_sensitive: J,
    /// Paths that forced replacement, as JSON steps (names and indexes).
    pub replace_paths: Vec<Vec<J>>,
}

impl PlanChange {
    /// Builds the JSON shapes from before/after values (which carry their
    /// unknowns and sensitive marks).
    pub fn from_values(before: &Value, after: &Value, replace_paths: &[Path]) -> PlanChange {
        Self::with_masks(
            before,
            after,
            replace_paths,
            json::sensitive_mask(before),
            json::sensitive_mask(after),
        )
    }

    /// [`PlanChange::from_values`] for the differ only. A sensitive mask
    /// without any `true` in it reads to the differ exactly as `null` does
    /// as long as it names no key the values and the unknown mask do not:
    /// so it is left `null` (not built) for a side with nothing sensitive
    /// and, on the before side, nothing unknown.
    pub(crate) fn for_diff(before: &Value, after: &Value, replace_paths: &[Path]) -> PlanChange {
        let before_sensitive = if before.has_sensitive_deep() || !before.is_wholly_known() {
            json::sensitive_mask(before)
        } else {
            J::Null
        };
        let after_sensitive = if after.has_sensitive_deep() {
            json::sensitive_mask(after)
        } else {
            J::Null
        };
        Self::with_masks(
            before,
            after,
            replace_paths,
            before_sensitive,
            after_sensitive,
        )
    }

    fn with_masks(
        before: &Value,
        after: &Value,
        replace_paths: &[Path],
        before_sensitive: J,
        after_sensitive: J,
    ) -> PlanChange {
        PlanChange {
            before: json::value_json(before),
            after: json::value_json(after),
            // Terraform writes `{}` when nothing is unknown.
            after_unknown: if after.is_wholly_known() {
                J::Object(serde_json::Map::new())
            } else {
                json::unknown_mask(after)
            },
            before_sensitive,
            after_sensitive,
            replace_paths: replace_paths.iter().map(path_json).collect(),
        }
    }

    /// Builds the change of an output: a sensitive output is wholly
    /// sensitive on both sides.
    pub fn from_output(before: &Value, after: &Value, sensitive: bool) -> PlanChange {
        // Outputs carry one sensitivity flag for both sides, and an unknown
        // mask only when something is unknown.
        let flag = J::Bool(sensitive);
        PlanChange {
            before: json::value_json(before),
            after: json::value_json(after),
            after_unknown: if after.is_wholly_known() {
                J::Bool(false)
            } else {
                json::unknown_mask(after)
            },
            before_sensitive: flag.clone(),
            after_sensitive: flag,
            replace_paths: Vec::new(),
        }
    }

    /// Reads a `change` object of `show -json` output.
    pub fn from_json(change: &J) -> PlanChange {
        let get = |k: &str| change.get(k).cloned().unwrap_or(J::Null);
        let replace_paths = change
            .get("replace_paths")
            .and_then(J::as_array)
            .map(|ps| {
                ps.iter()
                    .map(|p| p.as_array().cloned().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        PlanChange {
            before: get("before"),
            after: get("after"),
            after_unknown: get("after_unknown"),
            before_sensitive: get("before_sensitive"),
            after_sensitive: get("after_sensitive"),
            replace_paths,
        }
    }

    pub(crate) fn as_change(&self) -> diff::Change<'_> {
        diff::Change {
            before: &self.before,
            after: &self.after,
            before_explicit: false,
            after_explicit: false,
            unknown: &self.after_unknown,
            before_sensitive: &self.before_sensitive,
            after_sensitive: &self.after_sensitive,
            replace: diff::Matcher::new(&self.replace_paths),
            relevant: diff::Relevant::Always,
            non_legacy: false,
        }
    }
}

/// A value path as a JSON array of steps.
pub fn path_json(p: &Path) -> Vec<J> {
    p.0.iter()
        .map(|s| match s {
            PathStep::Attr(a) | PathStep::Key(a) => J::String(a.clone()),
            PathStep::Index(i) => J::Number((*i).into()),
        })
        .collect()
}
