//! Which root names a module declares, and the diagnostics Terraform gives
//! for references to names that are malformed or not declared.
//!
//! Terraform checks every reference of an expression before evaluating it,
//! so these errors win over evaluation errors and are not caught by `try`
//! or `can`. The engine fills [`DeclaredNames`] from the configuration;
//! `terrane console` without configuration uses the empty default.

use crate::references::{RefStep, Reference};
use std::collections::BTreeSet;
use terrane_diagnostics::Diagnostic;

/// The names a module declares.
#[derive(Debug, Clone, Default)]
pub struct DeclaredNames {
    /// `variable` blocks.
    pub variables: BTreeSet<String>,
    /// `locals` entries.
    pub locals: BTreeSet<String>,
    /// `module` blocks.
    pub modules: BTreeSet<String>,
    /// Managed resources as (type, name).
    pub resources: BTreeSet<(String, String)>,
    /// Data resources as (type, name).
    pub data_resources: BTreeSet<(String, String)>,
    /// Ephemeral resources as (type, name).
    pub ephemeral_resources: BTreeSet<(String, String)>,
    /// True where `each` is available (a block with `for_each`).
    pub each: bool,
    /// True where `count.index` is available.
    pub count: bool,
    /// True where `self` is available.
    pub self_available: bool,
    /// Names bound by the evaluation context itself that are not
    /// Terraform references (e.g. template variables).
    pub extra_roots: BTreeSet<String>,
}

fn attr(r: &Reference, i: usize) -> Option<&str> {
    match r.steps.get(i) {
        Some(RefStep::Attr(a)) => Some(a),
        _ => None,
    }
}

impl DeclaredNames {
    /// The diagnostic for a malformed or undeclared reference, if any.
    pub fn check(&self, r: &Reference) -> Option<Diagnostic> {
        let d = |summary: &str, detail: String| {
            let d = Diagnostic::error(summary, detail);
            Some(match &r.range {
                Some(rg) => d.with_subject(rg.clone()),
                None => d,
            })
        };
        if self.extra_roots.contains(&r.root) {
            return None;
        }
        match r.root.as_str() {
            "var" => match attr(r, 0) {
                None => d("Invalid reference", "The \"var\" object does not support this operation.".into()),
                Some(n) if !self.variables.contains(n) => d(
                    "Reference to undeclared input variable",
                    format!("An input variable with the name \"{n}\" has not been declared. This variable can be declared with a variable \"{n}\" {{}} block."),
                ),
                _ => None,
            },
            "local" => match attr(r, 0) {
                None => d("Invalid reference", "The \"local\" object does not support this operation.".into()),
                Some(n) if !self.locals.contains(n) => d(
                    "Reference to undeclared local value",
                    format!("A local value with the name \"{n}\" has not been declared."),
                ),
                _ => None,
            },
            "module" => match attr(r, 0) {
                None => d("Invalid reference", "The \"module\" object does not support this operation.".into()),
                Some(n) if !self.modules.contains(n) => d(
                    "Reference to undeclared module",
                    format!("No module call named \"{n}\" is declared in the root module."),
                ),
                _ => None,
            },
            "each" if !self.each => d(
                "Reference to \"each\" in context without for_each",
                "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.".into(),
            ),
            "count" if !self.count => d(
                "Reference to \"count\" in non-counted context",
                "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.".into(),
            ),
            "self" if !self.self_available => d(
                "Invalid \"self\" reference",
                "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.".into(),
            ),
            "path" => match attr(r, 0) {
                Some("module" | "root" | "cwd") => None,
                Some(n) => d(
                    "Invalid \"path\" attribute",
                    format!("The \"path\" object does not have an attribute named \"{n}\"."),
                ),
                None => d("Invalid reference", "The \"path\" object cannot be accessed directly. Instead, access one of its attributes.".into()),
            },
            "terraform" => match attr(r, 0) {
                Some("workspace") => None,
                Some(n) => d(
                    "Invalid \"terraform\" attribute",
                    format!("The \"terraform\" object does not have an attribute named \"{n}\". The only supported attribute is terraform.workspace, the name of the currently-selected workspace."),
                ),
                None => d("Invalid reference", "The \"terraform\" object cannot be accessed directly. Instead, access one of its attributes.".into()),
            },
            "each" | "count" | "self" => None,
            mode @ ("resource" | "data" | "ephemeral") => match (attr(r, 0), attr(r, 1)) {
                (Some(t), Some(n)) => {
                    let key = (t.to_string(), n.to_string());
                    let (set, what) = match mode {
                        "resource" => (&self.resources, "managed resource"),
                        "data" => (&self.data_resources, "data resource"),
                        _ => (&self.ephemeral_resources, "ephemeral resource"),
                    };
                    if set.contains(&key) {
                        None
                    } else {
                        d(
                            "Reference to undeclared resource",
                            format!("A {what} \"{t}\" \"{n}\" has not been declared in the root module."),
                        )
                    }
                }
                _ => d(
                    "Invalid reference",
                    match mode {
                        "resource" => "The \"resource\" object must be followed by two attribute names: the resource type and the resource name.".into(),
                        "data" => "The \"data\" object must be followed by two attribute names: the data source type and the resource name.".into(),
                        _ => "The \"ephemeral\" object must be followed by two attribute names: the ephemeral resource type and the resource name.".into(),
                    },
                ),
            },
            t => match attr(r, 0) {
                None => d(
                    "Invalid reference",
                    "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.".into(),
                ),
                Some(n) => {
                    if self.resources.contains(&(t.to_string(), n.to_string())) {
                        None
                    } else {
                        d(
                            "Reference to undeclared resource",
                            format!("A managed resource \"{t}\" \"{n}\" has not been declared in the root module."),
                        )
                    }
                }
            },
        }
    }

    /// The first problem among `refs`, in order.
    pub fn check_all(&self, refs: &[Reference]) -> Option<Diagnostic> {
        refs.iter().find_map(|r| self.check(r))
    }
}
