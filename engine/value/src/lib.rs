//! terrane's value model: the types and values every Terraform expression
//! evaluates to.
//!
//! hcl-rs's `Value` cannot carry what planning needs, so terrane has its own:
//! - **types** ([`Type`]): string, number, bool, list, set, map, object, tuple
//!   and `dynamic` (Terraform's `any`), with optional object attributes for
//!   type constraints;
//! - **null and unknown** values of any type: unknowns stand for attributes a
//!   provider computes during apply and propagate through every operation;
//! - **marks** ([`Marks`]): `sensitive` (and `ephemeral`) travel with values
//!   through every operation, so secrets are never shown;
//! - **numbers** ([`Number`]): 512-bit binary floats exactly as Go's
//!   `big.Float`, so arithmetic results print with Terraform's digits
//!   (small integers take integer fast paths, tested to give the same
//!   numbers as the general arithmetic).
//!
//! It also owns the exact text forms other crates must agree on:
//! [`Value::to_json_string`] (`jsonencode`), [`Value::from_json_str`]
//! (`jsondecode`) and the console rendering of values and types
//! ([`display`]).
//!
//! Conversions ([`convert`]) and type unification ([`unify`]) follow
//! Terraform's (cty's) rules, including the error messages users see.
//!
//! This crate depends on no other terrane crate and on no parser: the
//! evaluator (`terrane-lang`), providers and state all speak this model.

mod convert;
pub mod display;
pub mod json;
mod number;
mod path;
mod types;
mod unify;
mod value;

pub use convert::{constraint_name, convert, convert_owned, mismatch_message, ConvertError};
pub use json::JsonError;
pub use number::{Number, NumberError, PRECISION_BITS, PRECISION_DIGITS};
pub use path::{Path, PathStep};
pub use types::Type;
pub use unify::unify;
pub use value::{set_hash_string, Kind, Marks, Value};
