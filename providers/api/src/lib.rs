//! The provider interface: one trait, one method per verb.
//!
//! Every provider (built-in, AWS, Kubernetes, …) implements [`Provider`]
//! (the unconfigured provider: schema, validation, configuration, functions)
//! and hands back a [`ConfiguredProvider`] from `configure` (the typestate
//! split: no resource call is possible before configuration). Each verb takes
//! one request struct and returns one response struct that always carries
//! [`Diagnostics`], so adding a field never breaks an implementation and
//! warnings are never lost.
//!
//! Values cross the boundary as `terrane_value::Value` objects shaped by the
//! resource's [`Schema`] (see [`Block::implied_type`]). This crate depends only
//! on the bottom layer (`terrane-value`, `terrane-diagnostics`); the engine
//! depends on this trait and never on a concrete provider.

mod proposed;
mod schema;
pub mod testkit;

pub use proposed::proposed_new_state;

pub use schema::{
    Attribute, Block, FunctionSignature, NestedBlock, Nesting, ProviderSchema, Schema,
};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Path, Value};

/// Opaque provider-private data stored alongside a resource instance.
pub type Private = Vec<u8>;

/// What a configuration block belongs to, for validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    /// The `provider` block itself.
    Provider,
    /// A `resource` block.
    Resource,
    /// A `data` block.
    DataSource,
}

/// `validate`: static checks of one configuration block.
#[derive(Debug, Clone)]
pub struct ValidateRequest {
    /// Which kind of block.
    pub kind: ConfigKind,
    /// Resource or data source type name (empty for the provider block).
    pub type_name: String,
    /// The block's configuration, possibly with unknowns.
    pub config: Value,
}

/// The answer to [`ValidateRequest`].
#[derive(Debug, Clone, Default)]
pub struct ValidateResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `configure`: the provider block's evaluated configuration.
#[derive(Debug, Clone)]
pub struct ConfigureRequest {
    /// The provider block as an object value (null attributes when unset).
    pub config: Value,
    /// terrane's version, for user agents.
    pub terrane_version: String,
}

/// The answer to [`ConfigureRequest`].
#[derive(Default)]
pub struct ConfigureResponse {
    /// The configured provider, unless configuration failed.
    pub provider: Option<Arc<dyn ConfiguredProvider>>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `plan_change`: propose the new state of one resource instance.
#[derive(Debug, Clone)]
pub struct PlanChangeRequest {
    /// Resource type name.
    pub type_name: String,
    /// The current object (null when creating).
    pub prior_state: Value,
    /// The engine's proposal: config merged over prior computed values
    /// (null when destroying).
    pub proposed_new_state: Value,
    /// The configuration as written (null when destroying).
    pub config: Value,
    /// Private data from the prior state.
    pub prior_private: Private,
}

/// The answer to [`PlanChangeRequest`].
#[derive(Debug, Clone, Default)]
pub struct PlanChangeResponse {
    /// The planned object, with unknowns where the provider will compute.
    pub planned_state: Value,
    /// Attribute paths whose change forces replacement.
    pub requires_replace: Vec<Path>,
    /// Private data to hand to `apply_change`.
    pub planned_private: Private,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `apply_change`: make one planned change real.
#[derive(Debug, Clone)]
pub struct ApplyChangeRequest {
    /// Resource type name.
    pub type_name: String,
    /// The current object (null when creating).
    pub prior_state: Value,
    /// The planned object (null when destroying).
    pub planned_state: Value,
    /// The configuration as written (null when destroying).
    pub config: Value,
    /// Private data from planning.
    pub planned_private: Private,
}

/// The answer to [`ApplyChangeRequest`]. On failure, `new_state` still says
/// what exists now (e.g. an object created but not yet fully configured), so
/// nothing created is ever left untracked.
#[derive(Debug, Clone, Default)]
pub struct ApplyChangeResponse {
    /// The object as it now exists (null when deleted or never created).
    pub new_state: Value,
    /// Private data to store.
    pub private: Private,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `read`: refresh one resource instance from the real world.
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// Resource type name.
    pub type_name: String,
    /// The object as state records it.
    pub current_state: Value,
    /// Private data from state.
    pub private: Private,
}

/// The answer to [`ReadRequest`].
#[derive(Debug, Clone, Default)]
pub struct ReadResponse {
    /// The object as it exists now; null when it no longer exists.
    pub new_state: Value,
    /// Private data to store.
    pub private: Private,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `read_data_source`: read a data source.
#[derive(Debug, Clone)]
pub struct ReadDataSourceRequest {
    /// Data source type name.
    pub type_name: String,
    /// Its configuration (wholly known).
    pub config: Value,
}

/// The answer to [`ReadDataSourceRequest`].
#[derive(Debug, Clone, Default)]
pub struct ReadDataSourceResponse {
    /// The data source's full object.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `import`: adopt an existing object by its ID.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// Resource type name.
    pub type_name: String,
    /// The ID the user gave.
    pub id: String,
}

/// One object found by an import.
#[derive(Debug, Clone)]
pub struct ImportedResource {
    /// Resource type name.
    pub type_name: String,
    /// Its state (at least the ID; the engine then calls `read`).
    pub state: Value,
    /// Private data to store.
    pub private: Private,
}

/// The answer to [`ImportRequest`].
#[derive(Debug, Clone, Default)]
pub struct ImportResponse {
    /// The objects found.
    pub imported: Vec<ImportedResource>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// `call_function`: a provider-defined function (`provider::NAME::FUNC`).
#[derive(Debug, Clone)]
pub struct CallFunctionRequest {
    /// The function name, without the `provider::NAME::` prefix.
    pub name: String,
    /// Argument values.
    pub args: Vec<Value>,
}

/// The answer to [`CallFunctionRequest`].
#[derive(Debug, Clone, Default)]
pub struct CallFunctionResponse {
    /// The result (null on error).
    pub result: Value,
    /// The error message and the index of the argument at fault, if any.
    pub error: Option<(String, Option<usize>)>,
}

/// How a provider wants to be called: concurrency and retries are per
/// provider, not one global knob.
#[derive(Debug, Clone)]
pub struct CallPolicy {
    /// The most calls in flight at once to this provider.
    pub max_concurrency: usize,
    /// Retries on throttling / eventual-consistency errors.
    pub max_retries: u32,
    /// First back-off delay; later ones grow with jitter.
    pub base_delay: Duration,
}

impl Default for CallPolicy {
    fn default() -> Self {
        CallPolicy {
            max_concurrency: 10,
            max_retries: 0,
            base_delay: Duration::from_millis(200),
        }
    }
}

/// An unconfigured provider: what it offers and how to configure it.
#[async_trait::async_trait]
pub trait Provider: Send + Sync {
    /// The provider's local name (`aws`, `random`, `terraform`).
    fn name(&self) -> &str;

    /// Its source address (`registry.terraform.io/hashicorp/aws`, or
    /// `terraform.io/builtin/terraform`).
    fn source(&self) -> &str;

    /// Schemas of the provider block, resources, data sources and functions.
    fn schema(&self) -> &ProviderSchema;

    /// Static checks of one block beyond what the schema says.
    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        let _ = req;
        ValidateResponse::default()
    }

    /// Configures the provider.
    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse;

    /// Calls a provider-defined function.
    fn call_function(&self, req: CallFunctionRequest) -> CallFunctionResponse {
        CallFunctionResponse {
            result: Value::dynamic_null(),
            error: Some((
                format!("provider has no function named {:?}", req.name),
                None,
            )),
        }
    }
}

/// A configured provider: the resource verbs.
#[async_trait::async_trait]
pub trait ConfiguredProvider: Send + Sync {
    /// Concurrency and retry policy.
    fn call_policy(&self) -> CallPolicy {
        CallPolicy::default()
    }

    /// Proposes the new state of one instance.
    async fn plan_change(&self, req: PlanChangeRequest) -> PlanChangeResponse;

    /// Makes one planned change real.
    async fn apply_change(&self, req: ApplyChangeRequest) -> ApplyChangeResponse;

    /// Refreshes one instance.
    async fn read(&self, req: ReadRequest) -> ReadResponse;

    /// Refreshes many instances at once; providers that can batch (one
    /// Describe call for many IDs) override this. Responses are in request
    /// order.
    async fn read_many(&self, reqs: Vec<ReadRequest>) -> Vec<ReadResponse> {
        let mut out = Vec::with_capacity(reqs.len());
        for r in reqs {
            out.push(self.read(r).await);
        }
        out
    }

    /// Reads a data source.
    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse;

    /// Adopts existing objects by ID.
    async fn import(&self, req: ImportRequest) -> ImportResponse;
}

/// Providers known to a run, by local name.
pub type ProviderSet = BTreeMap<String, Arc<dyn Provider>>;
