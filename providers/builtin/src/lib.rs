//! The built-in providers: `terraform` (`terraform_data`) and the small
//! utility providers `null`, `random`, `local` and `time`, written natively
//! so configurations that use them need no plugin download.
//!
//! Each provider keeps Terraform's source address, type names, attribute
//! names, defaults, computed attributes, sensitivity and replacement rules,
//! so state written by Terraform reads here and plans match. They implement
//! the `terrane-provider` trait and depend only on it and the bottom layer
//! (`terrane-value`, `terrane-diagnostics`); nothing in the engine depends
//! on this crate (only the CLI wires it in through [`all`]).
//!
//! Design: a resource type is declared as a list of attribute specs (schema
//! flags plus the plan behaviour Terraform's plugin framework attaches:
//! defaults, "use state for unknown", replacement rules), and one generic
//! planner derives planned states from them, so each resource file holds
//! only what is particular to it (how values are made, extra plan
//! adjustments, import formats). Known differences from the real providers:
//! seeded `random_integer`/`random_shuffle` results are deterministic but
//! not the same numbers as Go's `math/rand`; `random_pet` uses terrane's own
//! word lists; `terraform_remote_state` reads the `local` backend unless
//! the CLI supplies a [`RemoteStateReader`]; `decode_tfvars` reads literal
//! values only (no template interpolation or operators); `local_command`
//! is a data source only (not the ephemeral resource or action). Provider functions:
//! `terraform`'s `encode_expr`, `encode_tfvars`, `decode_tfvars`; `time`'s
//! `duration_parse`, `rfc3339_parse`, `unix_timestamp_parse`; `local`'s
//! `direxists`.

mod framework;
mod hclread;
mod hclwrite;
mod local;
mod local_command;
mod null;
mod random;
mod remote_state;
mod terraform;
mod time;
mod util;

pub use framework::BuiltinProvider;
pub use remote_state::{LocalStateReader, RemoteStateReader};

use std::sync::Arc;
use terrane_provider::Provider;

/// The `terraform` provider (`terraform.io/builtin/terraform`);
/// `terraform_remote_state` reads only the `local` backend.
pub fn terraform() -> BuiltinProvider {
    terraform::provider(Arc::new(LocalStateReader))
}

/// The `terraform` provider with `terraform_remote_state` reading state
/// through `reader` (the CLI passes one that knows its backends).
pub fn terraform_with_state_reader(reader: Arc<dyn RemoteStateReader>) -> BuiltinProvider {
    terraform::provider(reader)
}

/// The `null` provider (`registry.terraform.io/hashicorp/null`).
pub fn null() -> BuiltinProvider {
    null::provider()
}

/// The `random` provider (`registry.terraform.io/hashicorp/random`).
pub fn random() -> BuiltinProvider {
    random::provider()
}

/// The `local` provider (`registry.terraform.io/hashicorp/local`).
pub fn local() -> BuiltinProvider {
    local::provider()
}

/// The `time` provider (`registry.terraform.io/hashicorp/time`).
pub fn time() -> BuiltinProvider {
    time::provider()
}

/// Every built-in provider, for the CLI to register.
pub fn all() -> Vec<Arc<dyn Provider>> {
    vec![
        Arc::new(terraform()),
        Arc::new(null()),
        Arc::new(random()),
        Arc::new(local()),
        Arc::new(time()),
    ]
}

/// The built-in provider with this source address, accepting the short
/// forms Terraform accepts (`hashicorp/random`, `terraform.io/builtin/terraform`).
pub fn by_source(source: &str) -> Option<Arc<dyn Provider>> {
    let full = match source.matches('/').count() {
        1 => format!("registry.terraform.io/{source}"),
        _ => source.to_string(),
    };
    all()
        .into_iter()
        .find(|p| p.source().eq_ignore_ascii_case(&full))
}
