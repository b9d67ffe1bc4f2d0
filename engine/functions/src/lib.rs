//! terrane's library of Terraform built-in functions (the Terraform 1.11
//! set, less `try`, `can`, `templatefile`, `templatestring` and `type`,
//! which need the evaluator and live in `terrane-lang`).
//!
//! The crate owns both the functions and the generic call machinery that
//! Terraform's function system (cty's `function` package) provides: parameter
//! declarations, argument-count checks, conversion of arguments to parameter
//! types with Terraform's messages, null checks, propagation of unknown
//! values (an unknown argument makes the result unknown unless the function
//! declares it handles unknowns) and of marks (arguments are unmarked before
//! the call and the union of their marks is re-applied to the result).
//! Keeping this machinery here, next to the parameter declarations, means the
//! evaluator only calls [`call`] and every function gets identical,
//! Terraform-exact behaviour for these cross-cutting rules.
//!
//! It depends only on `terrane-value` (the value model) and on no parser or
//! evaluator, so it can be tested on its own and reused by providers.

mod collections;
mod conversion;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod format;
mod gomath;
mod gozip;
mod network;
mod numeric;
mod regexes;
mod registry;
mod setops;
mod strings;
mod valuejson;
mod yaml;

pub use registry::{
    call, exists, names, opentofu_names, signature, FuncContext, FuncError, ParamInfo, Signature,
};
pub use valuejson::{json_decode, json_encode};
