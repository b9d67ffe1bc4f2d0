//! terrane's AWS provider (`hashicorp/aws` resource and attribute names) on
//! the official aws-sdk crates.
//!
//! This crate owns the `provider "aws"` block (credentials, region,
//! assume-role, endpoint overrides, default tags), the AWS resource and data
//! source types, and how they talk to AWS: retries with jittered back-off, a
//! per-provider concurrency limit and batched refresh (`read_many` turns many
//! refreshes into a few filtered, paginated Describe calls). It depends only
//! on the provider interface (`terrane-provider`) and the value model; the
//! engine never depends on it, and it is not a default workspace member, so
//! engine-only builds never compile the (large) SDK crates.
//!
//! Design: every Terraform type is one small [`framework::Resource`] or
//! [`framework::DataSource`] implementation (create/read/update/delete
//! against the SDK), while planning (defaults, computed values, force-new,
//! `tags_all`), diagnostics and dispatch are shared in [`framework`], so the
//! rules Terraform users rely on are written once rather than per resource.

pub mod client;
pub mod config;
pub mod framework;
pub mod vals;

mod acm;
mod ec2;
mod elasticache;
mod elbv2;
mod iam;
mod rds;
mod s3;
mod subnet_group;

use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{
    ConfigureRequest, ConfigureResponse, Provider, ProviderSchema, ValidateRequest,
    ValidateResponse,
};

pub use client::{Aws, AwsError, CallCounter};
pub use config::SessionOptions;
pub use framework::Configured;

use framework::{DataSourceMap, ResourceMap};

/// The unconfigured AWS provider.
pub struct AwsProvider {
    schema: ProviderSchema,
    resources: Arc<ResourceMap>,
    data_sources: Arc<DataSourceMap>,
    options: SessionOptions,
}

impl Default for AwsProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl AwsProvider {
    /// The provider with every resource and data source type.
    pub fn new() -> Self {
        Self::with_options(SessionOptions::default())
    }

    /// The provider with session tuning (waiter poll interval, call policy).
    pub fn with_options(options: SessionOptions) -> Self {
        let mut resources: ResourceMap = BTreeMap::new();
        let mut all_res: Vec<Arc<dyn framework::Resource>> = Vec::new();
        all_res.extend(ec2::resources());
        all_res.extend(s3::resources());
        all_res.extend(elbv2::resources());
        all_res.extend(acm::resources());
        all_res.extend(rds::resources());
        all_res.extend(elasticache::resources());
        for r in all_res {
            let s = r.schema();
            resources.insert(r.name(), (r, s));
        }
        let mut data_sources: DataSourceMap = BTreeMap::new();
        let mut all_ds: Vec<Arc<dyn framework::DataSource>> = Vec::new();
        all_ds.extend(ec2::data_sources());
        all_ds.extend(iam::data_sources());
        for d in all_ds {
            let s = d.schema();
            data_sources.insert(d.name(), (d, s));
        }
        let schema = ProviderSchema {
            provider: config::provider_schema(),
            resources: resources
                .iter()
                .map(|(k, (_, s))| (k.to_string(), s.clone()))
                .collect(),
            data_sources: data_sources
                .iter()
                .map(|(k, (_, s))| (k.to_string(), s.clone()))
                .collect(),
            functions: BTreeMap::new(),
        };
        AwsProvider {
            schema,
            resources: Arc::new(resources),
            data_sources: Arc::new(data_sources),
            options,
        }
    }

    /// Configures the provider and returns the concrete configured provider
    /// (tests use it to reach the session's API-call counter).
    pub async fn connect(&self, config: &terrane_value::Value) -> Result<Configured, Diagnostic> {
        let cfg = vals::obj(config);
        match config::connect(&cfg, &self.options).await {
            Ok(aws) => Ok(Configured {
                aws: Arc::new(aws),
                resources: self.resources.clone(),
                data_sources: self.data_sources.clone(),
            }),
            Err(e) => Err(Diagnostic::error(
                "Invalid provider configuration",
                e.to_string(),
            )),
        }
    }
}

#[async_trait::async_trait]
impl Provider for AwsProvider {
    fn name(&self) -> &str {
        "aws"
    }

    fn source(&self) -> &str {
        "registry.terraform.io/hashicorp/aws"
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        let mut diagnostics = Diagnostics::new();
        if req.kind == terrane_provider::ConfigKind::Provider {
            let cfg = vals::obj(&req.config);
            let ak = vals::get_s(&cfg, "access_key").is_some();
            let sk = vals::get_s(&cfg, "secret_key").is_some();
            if ak != sk {
                diagnostics.push(Diagnostic::error(
                    "Invalid provider configuration",
                    "access_key and secret_key must be set together",
                ));
            }
        }
        ValidateResponse { diagnostics }
    }

    async fn configure(&self, req: ConfigureRequest) -> ConfigureResponse {
        match self.connect(&req.config).await {
            Ok(c) => ConfigureResponse {
                provider: Some(Arc::new(c)),
                diagnostics: Diagnostics::new(),
            },
            Err(d) => {
                let mut diagnostics = Diagnostics::new();
                diagnostics.push(d);
                ConfigureResponse {
                    provider: None,
                    diagnostics,
                }
            }
        }
    }
}
