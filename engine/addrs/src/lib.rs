//! Typed addresses for everything Terraform names: module paths and
//! instances, resources and their instances, variables, locals, outputs,
//! module calls, providers and provider configurations.
//!
//! Every address is an immutable value with `Display` and `FromStr` in
//! Terraform's own syntax (they round-trip), plus `Ord` and `Hash`, so it can
//! key maps, sort plans and appear in messages exactly as Terraform prints it.
//! Parsing `-target`/`-replace` strings lives here too ([`Target::from_str`]).
//!
//! This crate is the bottom of the engine: it depends on nothing but
//! `thiserror`, so every other crate (diagnostics, providers, state) can use
//! it. Addresses are plain data built from strings; they never refer to
//! configuration or state objects, which keeps them cheap to clone and compare.

mod module;
mod parse;
mod provider;
mod resource;

pub use module::{ModuleCall, ModuleInstance, ModuleInstanceStep, ModulePath};
pub use parse::is_valid_name;
pub use provider::{
    AbsProviderConfig, LocalProviderConfig, Provider, ProviderSourceError, BUILTIN_NAMESPACE,
    BUILTIN_PROVIDER_HOST, DEFAULT_NAMESPACE, DEFAULT_PROVIDER_HOST,
};
pub use resource::{
    AbsResource, AbsResourceInstance, ConfigResource, Resource, ResourceInstance, ResourceMode,
    Target,
};

use std::fmt;
use std::str::FromStr;

/// An address string could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    /// The string is not a well-formed traversal.
    #[error("invalid address {input:?}: {reason}")]
    Syntax {
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The string is well-formed but is not an address of the expected kind.
    #[error("invalid {kind} address {input:?}: {reason}")]
    Kind {
        /// Which kind of address was expected ("resource", "module").
        kind: &'static str,
        /// The text given.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl AddrError {
    /// Why the address is invalid, in Terraform's words (for messages like
    /// `Invalid target "x": <reason>`).
    pub fn reason(&self) -> &str {
        match self {
            AddrError::Syntax { reason, .. } | AddrError::Kind { reason, .. } => reason,
        }
    }

    pub(crate) fn kind(kind: &'static str, input: &str, reason: impl Into<String>) -> Self {
        AddrError::Kind {
            kind,
            input: input.to_string(),
            reason: reason.into(),
        }
    }
}

/// The key of one instance of a resource or module: none (no `count` or
/// `for_each`), an integer (`count`) or a string (`for_each`).
///
/// Ordering follows Terraform's: no key, then integers numerically, then
/// strings lexically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum InstanceKey {
    /// A single instance, without a key.
    #[default]
    None,
    /// A `count` index.
    Int(i64),
    /// A `for_each` key.
    String(String),
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::None => Ok(()),
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::String(s) => {
                f.write_str("[\"")?;
                for c in s.chars() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\t' => f.write_str("\\t")?,
                        '\r' => f.write_str("\\r")?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"]")
            }
        }
    }
}

impl FromStr for InstanceKey {
    type Err = AddrError;
    /// Parses `""`, `[0]` or `["key"]`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Ok(InstanceKey::None);
        }
        let steps = parse::steps(&format!("x{s}"))?;
        match steps.as_slice() {
            [_, parse::Step::Index(k)] => Ok(k.clone()),
            _ => Err(AddrError::kind(
                "instance key",
                s,
                "expected [number] or [\"string\"]",
            )),
        }
    }
}

/// An input variable: `var.NAME`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InputVariable {
    /// The variable's name.
    pub name: String,
}

/// A local value: `local.NAME`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalValue {
    /// The local value's name.
    pub name: String,
}

/// An output value: `output.NAME`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutputValue {
    /// The output's name.
    pub name: String,
}

macro_rules! named_addr {
    ($ty:ident, $prefix:literal, $kind:literal) => {
        impl $ty {
            /// Builds the address from a name.
            pub fn new(name: impl Into<String>) -> Self {
                $ty { name: name.into() }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, ".{}"), self.name)
            }
        }
        impl FromStr for $ty {
            type Err = AddrError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match parse::steps(s)?.as_slice() {
                    [parse::Step::Name(p), parse::Step::Name(n)] if p == $prefix => {
                        Ok($ty { name: n.clone() })
                    }
                    _ => Err(AddrError::kind(
                        $kind,
                        s,
                        concat!("expected ", $prefix, ".NAME"),
                    )),
                }
            }
        }
    };
}

named_addr!(InputVariable, "var", "input variable");
named_addr!(LocalValue, "local", "local value");
named_addr!(OutputValue, "output", "output value");

#[cfg(test)]
mod tests;
