//! The structured diff: one tree per change, computed once from plan JSON
//! (see [`crate::json`]) and a schema, and only displayed by the renderers.
//!
//! Each node has the action of that attribute/element/block, whether it
//! forces replacement, and what to show: a primitive's before/after, a
//! string's line diff or embedded-JSON diff, children of an object, map,
//! list, set or block, or a stand-in for unknown and sensitive values. The
//! rules (which keys are compared, how list elements are paired, when a
//! change counts as no-op) follow Terraform's `jsonformat` differ so the
//! rendered text matches Terraform byte for byte.

mod change;
mod lcs;
mod typed;

pub use change::Act;
pub(crate) use change::{Change, Matcher, Relevant, NULL};
pub(crate) use lcs::process_slice;
pub use typed::{diff_block, diff_block_relevant, diff_output, diff_value};

use serde_json::Value as J;
use std::collections::BTreeMap;

/// The kind of a primitive value, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prim {
    /// A string (quoted; multi-line and JSON strings get their own nodes).
    String,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// Both sides null.
    Null,
}

/// One line of a multi-line string diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Added, removed or unchanged.
    pub action: Act,
    /// The line's text.
    pub text: String,
}

/// A node of the diff tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// What this node shows.
    pub kind: DiffKind,
    /// Its action.
    pub action: Act,
    /// True when a change here forces replacement.
    pub replace: bool,
}

/// Nested blocks of one block type, by nesting mode.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockGroup {
    /// A single (or group) block.
    Single(Box<Diff>),
    /// List blocks in order.
    List(Vec<Diff>),
    /// Set blocks.
    Set(Vec<Diff>),
    /// Map blocks by label.
    Map(BTreeMap<String, Diff>),
}

/// One nested block type's diffs with the flags of the whole group.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocks {
    /// The blocks.
    pub group: BlockGroup,
    /// The block type is in a replace path.
    pub replace: bool,
    /// The blocks were sensitive before.
    pub before_sensitive: bool,
    /// The blocks are sensitive after.
    pub after_sensitive: bool,
    /// The set of blocks is unknown.
    pub unknown: bool,
}

/// What a diff node shows.
#[derive(Debug, Clone, PartialEq)]
pub enum DiffKind {
    /// A primitive with its before and after JSON values (null when absent).
    Primitive {
        /// Before.
        before: J,
        /// After.
        after: J,
        /// Its kind.
        prim: Prim,
    },
    /// A multi-line string, as a line diff.
    MultilineString {
        /// The lines.
        lines: Vec<Line>,
    },
    /// A string holding JSON, shown as `jsonencode(...)` of a JSON diff.
    JsonString {
        /// The diff of the decoded JSON.
        inner: Box<Diff>,
        /// The JSON is equal and only its text (whitespace) changed.
        whitespace_only: bool,
    },
    /// An object's attributes (attribute names aligned, unchanged hidden).
    Object {
        /// Attributes by name.
        attrs: BTreeMap<String, Diff>,
        /// A nested-attribute object: `-> null` is shown after deletions.
        nested: bool,
    },
    /// A map's elements (quoted keys).
    Map {
        /// Elements by key.
        elems: BTreeMap<String, Diff>,
        /// Nested-attribute map: replace markers go on children.
        nested: bool,
    },
    /// A list or tuple.
    List {
        /// Elements in display order.
        elems: Vec<Diff>,
        /// Show the unchanged element next to each change.
        context: bool,
    },
    /// A set.
    Set {
        /// Elements in display order.
        elems: Vec<Diff>,
        /// Nested-attribute set: replace markers go on children.
        nested: bool,
    },
    /// A block: attributes and nested block types.
    Block {
        /// Attributes by name.
        attrs: BTreeMap<String, Diff>,
        /// Nested block types by name.
        blocks: BTreeMap<String, Blocks>,
    },
    /// A value known only after apply, with what it was before (if any).
    Unknown {
        /// The before side, rendered as a deletion.
        before: Option<Box<Diff>>,
    },
    /// A sensitive value.
    Sensitive {
        /// The hidden diff (used only for its action).
        inner: Box<Diff>,
        /// Was sensitive.
        before: bool,
        /// Will be sensitive.
        after: bool,
    },
    /// A block whose contents are sensitive.
    SensitiveBlock {
        /// The hidden diff.
        inner: Box<Diff>,
        /// Was sensitive.
        before: bool,
        /// Will be sensitive.
        after: bool,
    },
    /// A value whose type changes: the old value removed, the new added.
    TypeChange {
        /// The old value as a deletion.
        before: Box<Diff>,
        /// The new value as a creation.
        after: Box<Diff>,
    },
}

impl Diff {
    pub(crate) fn new(kind: DiffKind, action: Act, replace: bool) -> Diff {
        Diff {
            kind,
            action,
            replace,
        }
    }
}
