//! terrane's Kubernetes provider (`hashicorp/kubernetes` resource, data
//! source and function names) on the `kube` crate.
//!
//! This crate owns the `provider "kubernetes"` block (kubeconfig, host,
//! tokens, certificates), `kubernetes_manifest` (any object, server-side
//! apply, planned from a server-side dry run), the typed resources with the
//! Terraform provider's nested-block schemas, the data sources and the
//! `manifest_decode`/`manifest_encode` functions (YAML written as the
//! Terraform provider's `sigs.k8s.io/yaml` writes it, [`yaml`]);
//! `kubernetes_manifest`'s `object` takes its shape from the server's
//! OpenAPI document or the CRD ([`openapi`]). It depends only on the
//! provider interface (`terrane-provider`) and the value model; the engine
//! never depends on it, and it is not a default workspace member, so
//! engine-only builds never compile `kube`.
//!
//! Design: objects are dynamic JSON everywhere (discovery maps
//! apiVersion/kind to a resource, CRDs included), so one client speaks to
//! any server version — the tests run against Kubernetes 1.20, which
//! today's typed `k8s-openapi` bindings no longer cover. Each typed resource
//! is a declarative field tree ([`typed::fields::Field`]) from which the
//! schema, request bodies, state conversion and plan rules are all derived,
//! so the Terraform provider's conventions (defaults, server-filled values,
//! force-new, ignored system annotations) are written once.

pub mod client;
pub mod config;
pub mod functions;
pub mod jsonval;
pub mod manifest;
pub mod openapi;
pub mod typed;
pub mod vals;
pub mod yaml;

use client::Kube;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{
    ApplyChangeRequest, ApplyChangeResponse, CallFunctionRequest, CallFunctionResponse, CallPolicy,
    ConfigKind, ConfigureRequest, ConfigureResponse, ConfiguredProvider, ImportRequest,
    ImportResponse, PlanChangeRequest, PlanChangeResponse, Provider, ProviderSchema,
    ReadDataSourceRequest, ReadDataSourceResponse, ReadRequest, ReadResponse, Schema,
    ValidateRequest, ValidateResponse,
};
use terrane_value::Value;
use typed::Def;

/// The unconfigured Kubernetes provider.
pub struct KubernetesProvider {
    schema: ProviderSchema,
    defs: Arc<BTreeMap<&'static str, Def>>,
}

impl Default for KubernetesProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// Data sources backed by a typed definition: (data source name, resource
/// definition name); `metadata { name namespace }` stay configurable.
const TYPED_DATA: &[(&str, &str)] = &[
    ("kubernetes_namespace_v1", "kubernetes_namespace_v1"),
    ("kubernetes_namespace", "kubernetes_namespace_v1"),
    ("kubernetes_config_map_v1", "kubernetes_config_map_v1"),
    ("kubernetes_config_map", "kubernetes_config_map_v1"),
    ("kubernetes_secret_v1", "kubernetes_secret_v1"),
    ("kubernetes_secret", "kubernetes_secret_v1"),
    ("kubernetes_service_v1", "kubernetes_service_v1"),
    ("kubernetes_service", "kubernetes_service_v1"),
];

impl KubernetesProvider {
    /// The provider with every resource, data source and function.
    pub fn new() -> Self {
        let defs: BTreeMap<&'static str, Def> = typed::defs::all()
            .into_iter()
            .map(|d| (d.name, d))
            .collect();
        let mut resources: BTreeMap<String, Schema> = defs
            .iter()
            .map(|(k, d)| (k.to_string(), d.schema()))
            .collect();
        resources.insert("kubernetes_manifest".into(), manifest::schema());
        let mut data_sources = BTreeMap::new();
        for (ds, def) in TYPED_DATA {
            if let Some(d) = defs.get(def) {
                data_sources.insert(ds.to_string(), typed::data_schema(d));
            }
        }
        data_sources.insert("kubernetes_resource".into(), manifest::data_schema());
        let schema = ProviderSchema {
            provider: config::provider_schema(),
            resources,
            data_sources,
            functions: functions::signatures(),
        };
        KubernetesProvider {
            schema,
            defs: Arc::new(defs),
        }
    }

    /// Configures the provider and returns the concrete configured provider.
    pub async fn connect(&self, config: &Value) -> Result<Configured, Diagnostic> {
        match config::connect(config).await {
            Ok((kube, settings)) => Ok(Configured {
                kube: Arc::new(kube),
                settings,
                defs: self.defs.clone(),
            }),
            Err(e) => Err(Diagnostic::error(
                "Invalid provider configuration",
                e.to_string(),
            )),
        }
    }
}

#[async_trait::async_trait]
impl Provider for KubernetesProvider {
    fn name(&self) -> &str {
        "kubernetes"
    }

    fn source(&self) -> &str {
        "registry.terraform.io/hashicorp/kubernetes"
    }

    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        let mut diagnostics = Diagnostics::new();
        let cfg = vals::obj(&req.config);
        let mut err = |summary: &str, detail: String| {
            diagnostics.push(Diagnostic::error(summary, detail));
        };
        match req.kind {
            ConfigKind::Provider => {
                let set = |k: &str| cfg.get(k).is_some_and(|v| !v.is_null());
                if set("client_certificate") != set("client_key") {
                    err(
                        "Invalid provider configuration",
                        "client_certificate and client_key must be set together".into(),
                    );
                }
                if set("config_path") && set("config_paths") {
                    err(
                        "Conflicting configuration arguments",
                        "\"config_path\": conflicts with config_paths".into(),
                    );
                }
            }
            ConfigKind::Resource if req.type_name == "kubernetes_manifest" => {
                if let Some(m) = cfg
                    .get("manifest")
                    .filter(|m| m.is_wholly_known() && !m.is_null())
                {
                    for f in ["apiVersion", "kind", "metadata"] {
                        if m.get_attr(f).is_none_or(Value::is_null) {
                            err(
                                "Invalid manifest",
                                format!("The manifest must have a top-level {f:?} attribute."),
                            );
                        }
                    }
                }
            }
            _ => {}
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

    fn call_function(&self, req: CallFunctionRequest) -> CallFunctionResponse {
        functions::call(&req.name, &req.args)
    }
}

/// A configured Kubernetes provider.
pub struct Configured {
    /// The connection.
    pub kube: Arc<Kube>,
    /// Provider-wide settings.
    pub settings: config::Settings,
    defs: Arc<BTreeMap<&'static str, Def>>,
}

fn unknown_type(what: &str, name: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::error(
        format!("Unknown {what} type"),
        format!("the kubernetes provider has no {what} type {name:?}"),
    ));
    d
}

#[async_trait::async_trait]
impl ConfiguredProvider for Configured {
    fn call_policy(&self) -> CallPolicy {
        CallPolicy {
            max_concurrency: 10,
            max_retries: 2,
            base_delay: std::time::Duration::from_millis(200),
        }
    }

    async fn plan_change(&self, req: PlanChangeRequest) -> PlanChangeResponse {
        if req.type_name == "kubernetes_manifest" {
            return manifest::plan_change(&self.kube, &req).await;
        }
        match self.defs.get(req.type_name.as_str()) {
            Some(d) => d.plan_change(&req),
            None => PlanChangeResponse {
                diagnostics: unknown_type("resource", &req.type_name),
                ..Default::default()
            },
        }
    }

    async fn apply_change(&self, req: ApplyChangeRequest) -> ApplyChangeResponse {
        if req.type_name == "kubernetes_manifest" {
            return manifest::apply_change(&self.kube, &req).await;
        }
        match self.defs.get(req.type_name.as_str()) {
            Some(d) => d.apply_change(&self.kube, &req).await,
            None => ApplyChangeResponse {
                new_state: req.prior_state,
                private: Vec::new(),
                diagnostics: unknown_type("resource", &req.type_name),
            },
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        if req.type_name == "kubernetes_manifest" {
            return manifest::read(&self.kube, &req).await;
        }
        match self.defs.get(req.type_name.as_str()) {
            Some(d) => d.read(&self.kube, &req).await,
            None => ReadResponse {
                new_state: req.current_state,
                private: req.private,
                diagnostics: unknown_type("resource", &req.type_name),
            },
        }
    }

    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        if req.type_name == "kubernetes_resource" {
            return manifest::read_data(&self.kube, &req).await;
        }
        let def = TYPED_DATA
            .iter()
            .find(|(ds, _)| *ds == req.type_name)
            .and_then(|(_, def)| self.defs.get(def));
        let Some(d) = def else {
            return ReadDataSourceResponse {
                state: Value::dynamic_null(),
                diagnostics: unknown_type("data source", &req.type_name),
            };
        };
        match d.read_data(&self.kube, &req.config).await {
            Ok(o) => ReadDataSourceResponse {
                state: typed::data_state(d, o),
                diagnostics: Diagnostics::new(),
            },
            Err(e) => {
                let mut diagnostics = Diagnostics::new();
                diagnostics.push(Diagnostic::error(
                    format!("Failed to read {}", req.type_name),
                    e.to_string(),
                ));
                ReadDataSourceResponse {
                    state: Value::dynamic_null(),
                    diagnostics,
                }
            }
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        if req.type_name == "kubernetes_manifest" {
            return manifest::import(&self.kube, &req).await;
        }
        match self.defs.get(req.type_name.as_str()) {
            Some(d) => d.import(&self.kube, &req).await,
            None => ImportResponse {
                imported: Vec::new(),
                diagnostics: unknown_type("resource", &req.type_name),
            },
        }
    }
}
