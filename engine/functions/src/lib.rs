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
//! Each parameter declares what it accepts (null, unknown, marked,
//! dynamically typed) the way cty parameters do; collection functions that
//! pass elements through untouched (`merge`, `concat`, `element`, ...)
//! declare it, so unknown or sensitive elements stay where they are instead
//! of making the whole result unknown or sensitive, as in Terraform plans.
//!
//! Where Terraform's output depends on Go library behaviour, that behaviour
//! is reproduced: `format` follows Go's number formatting, `base64gzip`
//! produces Go's exact deflate stream (`gozip`), `log`/`pow` use Go's math
//! (`gomath`), regular expressions get RE2 semantics (`regexes`), YAML is
//! decoded with go-yaml's scalar resolution and encoded in its style
//! (`yaml`), timestamps are parsed with Go's and cty's error messages.
//! The tests replay thousands of calls recorded from Terraform 1.11.4.
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
mod text;
mod valuejson;
mod yaml;

pub use registry::{
    call, exists, lookup, names, opentofu_names, signature, FuncContext, FuncError, Function,
    ParamInfo, Signature,
};
pub use valuejson::{json_decode, json_encode};
