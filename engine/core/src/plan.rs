//! The plan: pure data holding every decision the planner made.
//!
//! `apply` executes a plan's changes in its order and never re-derives a
//! decision; renderers (terminal, `show -json`, Markdown) only display it.

use std::collections::BTreeMap;
use terrane_value::{Path, Value};

/// What will happen to one resource instance (or output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Nothing changes.
    NoOp,
    /// A new object is created.
    Create,
    /// A data source is read during apply.
    Read,
    /// The object is updated in place.
    Update,
    /// The old object is destroyed, then the new one created.
    DeleteThenCreate,
    /// The new object is created, then the old one destroyed
    /// (create_before_destroy).
    CreateThenDelete,
    /// The object is destroyed.
    Delete,
    /// The object is removed from state but not destroyed (`removed` with
    /// `destroy = false`).
    Forget,
}

impl Action {
    /// Terraform's `actions` list in `show -json`.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Forget => &["forget"],
        }
    }

    /// True for both replace orders.
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }
}

/// Why an action was chosen, with Terraform's `action_reason` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionReason {
    /// Replaced because the object was tainted.
    ReplaceBecauseTainted,
    /// Replaced because the user asked with `-replace`.
    ReplaceByRequest,
    /// Replaced because of `replace_triggered_by`.
    ReplaceByTriggers,
    /// Replaced because a changed attribute forces replacement.
    ReplaceBecauseCannotUpdate,
    /// Deleted: no configuration for its resource.
    DeleteBecauseNoResourceConfig,
    /// Deleted: the resource's repetition mode (count/for_each) changed.
    DeleteBecauseWrongRepetition,
    /// Deleted: its count index is out of range.
    DeleteBecauseCountIndex,
    /// Deleted: its for_each key is gone.
    DeleteBecauseEachKey,
    /// Deleted: its module is gone.
    DeleteBecauseNoModule,
    /// Deleted: a `moved` target has no configuration.
    DeleteBecauseNoMoveTarget,
    /// Read during apply because its configuration is not known yet.
    ReadBecauseConfigUnknown,
    /// Read during apply because a dependency has changes pending.
    ReadBecauseDependencyPending,
    /// Read during apply because of a `check` block.
    ReadBecauseCheckNested,
}

impl ActionReason {
    /// The name `show -json` uses.
    pub fn as_json(self) -> &'static str {
        match self {
            ActionReason::ReplaceBecauseTainted => "replace_because_tainted",
            ActionReason::ReplaceByRequest => "replace_by_request",
            ActionReason::ReplaceByTriggers => "replace_by_triggers",
            ActionReason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
            ActionReason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
            ActionReason::DeleteBecauseWrongRepetition => "delete_because_wrong_repetition",
            ActionReason::DeleteBecauseCountIndex => "delete_because_count_index",
            ActionReason::DeleteBecauseEachKey => "delete_because_each_key",
            ActionReason::DeleteBecauseNoModule => "delete_because_no_module",
            ActionReason::DeleteBecauseNoMoveTarget => "delete_because_no_move_target",
            ActionReason::ReadBecauseConfigUnknown => "read_because_config_unknown",
            ActionReason::ReadBecauseDependencyPending => "read_because_dependency_pending",
            ActionReason::ReadBecauseCheckNested => "read_because_check_nested",
        }
    }
}

/// Managed resource or data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    /// `resource` blocks.
    Managed,
    /// `data` blocks.
    Data,
}

/// A resource instance's key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    /// No count or for_each.
    None,
    /// `count` index.
    Int(u64),
    /// `for_each` key.
    Str(String),
}

/// One resource instance's planned change.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    /// Full address, e.g. `module.net.aws_subnet.private["a"]`.
    pub address: String,
    /// The module instance part (`module.net`), empty for the root.
    pub module_address: String,
    /// Managed or data.
    pub mode: Mode,
    /// Resource type.
    pub type_name: String,
    /// Resource name.
    pub name: String,
    /// Instance key.
    pub index: InstanceKey,
    /// The address in the previous run's state, when `moved` changed it.
    pub previous_address: Option<String>,
    /// Deposed object key, for changes to deposed objects.
    pub deposed: Option<String>,
    /// Provider source address (`registry.terraform.io/hashicorp/aws`).
    pub provider_name: String,
    /// Provider configuration address as state records it
    /// (`provider["registry.terraform.io/hashicorp/aws"].west`).
    pub provider_config: String,
    /// The action.
    pub action: Action,
    /// Why, when Terraform would say.
    pub reason: Option<ActionReason>,
    /// The object before (null when creating). Carries sensitive marks.
    pub before: Value,
    /// The object after (null when deleting), with unknowns and marks.
    pub after: Value,
    /// Attribute paths that forced replacement.
    pub replace_paths: Vec<Path>,
    /// Provider-private data for apply.
    pub private: Vec<u8>,
    /// Set when the change imports an existing object (the import ID).
    pub importing: Option<String>,
    /// Addresses of changes this one must wait for during apply (for
    /// deletes: changes that must wait for this one are listed on them).
    pub depends_on: Vec<String>,
    /// Whether create_before_destroy applies.
    pub create_before_destroy: bool,
}

/// Planned changes by instance address, as the planner collects them.
pub(crate) type ChangesByAddress = BTreeMap<String, ResourceChange>;

/// One output's planned change.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputChange {
    /// Create, update, delete or no-op.
    pub action: Action,
    /// Previous value (null when new).
    pub before: Value,
    /// Planned value (may be unknown), null when removed.
    pub after: Value,
    /// Declared `sensitive = true`.
    pub sensitive: bool,
}

/// What kind of plan this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanMode {
    /// Make the infrastructure match the configuration.
    Normal,
    /// Destroy everything (`-destroy`).
    Destroy,
    /// Only update state to match reality (`-refresh-only`).
    RefreshOnly,
}

/// A complete plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Normal, destroy or refresh-only.
    pub mode: PlanMode,
    /// Root module input variables as used.
    pub variables: BTreeMap<String, Value>,
    /// Resource instance changes, sorted by address (no-ops included).
    pub changes: Vec<ResourceChange>,
    /// Changes detected outside terrane during refresh.
    pub drift: Vec<ResourceChange>,
    /// Root module output changes by name.
    pub outputs: BTreeMap<String, OutputChange>,
    /// Serial of the state the plan was made from.
    pub prior_serial: u64,
    /// Lineage of the state the plan was made from.
    pub prior_lineage: String,
    /// `-target` addresses, if any.
    pub targets: Vec<String>,
    /// True when planning stopped on errors (the plan is not applyable).
    pub errored: bool,
    /// The status of every checkable object (resources with conditions,
    /// outputs with preconditions, variables with validations, check
    /// blocks) as the plan left it, in the state's `check_results` shape;
    /// `None` when nothing is checkable.
    pub checks: Option<Vec<terrane_state::CheckResult>>,
}

impl Plan {
    /// True when applying would change anything (resources or outputs).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::NoOp)
            || self.outputs.values().any(|o| o.action != Action::NoOp)
    }

    /// Counts (add, change, destroy) as Terraform's "Plan:" line does:
    /// replacements count as one add and one destroy.
    pub fn summary_counts(&self) -> (usize, usize, usize) {
        let (mut add, mut change, mut destroy) = (0, 0, 0);
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read | Action::Forget => {}
            }
        }
        (add, change, destroy)
    }
}
