//! The providers a run uses: which provider a resource's local name means,
//! its schemas, and its configured instance (configured on first use).

use crate::decode::decode_body;
use crate::scope::{RepData, Scopes};
use crate::sources::Sources;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use terrane_addrs::{AbsProviderConfig, ModuleInstance, ModulePath, Provider as ProviderAddr};
use terrane_config::Config;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::EvalContext;
use terrane_provider::{ConfigureRequest, ConfiguredProvider, Provider, Schema};
use terrane_value::Value;

/// A resolved provider configuration.
#[derive(Clone)]
pub struct ResolvedProvider {
    /// The provider implementation.
    pub provider: Arc<dyn Provider>,
    /// Its state address (`provider["terraform.io/builtin/terraform"]`).
    pub config_addr: String,
    /// Its source address.
    pub source: String,
    /// The configuration key in the root module (`name` or `name.alias`).
    pub key: String,
}

/// Providers available to a run, and their configured instances.
pub struct ProviderRegistry {
    by_source: HashMap<String, Arc<dyn Provider>>,
    configured: HashMap<String, Arc<dyn ConfiguredProvider>>,
    /// [`ProviderRegistry::resolve`] results by configuration (its address),
    /// module path and key: every resource of a module asks the same.
    resolved: Mutex<HashMap<(usize, ModulePath, String), ResolvedProvider>>,
}

impl ProviderRegistry {
    /// A registry of the given providers (by their source addresses).
    pub fn new(providers: &[Arc<dyn Provider>]) -> ProviderRegistry {
        ProviderRegistry {
            by_source: providers
                .iter()
                .map(|p| (p.source().to_ascii_lowercase(), p.clone()))
                .collect(),
            configured: HashMap::new(),
            resolved: Mutex::new(HashMap::new()),
        }
    }

    /// The provider with this source address.
    pub fn by_source(&self, source: &str) -> Option<Arc<dyn Provider>> {
        self.by_source.get(&source.to_ascii_lowercase()).cloned()
    }

    /// Resolves `key` (`name` or `name.alias`) as used in module `path`.
    pub fn resolve(
        &self,
        config: &Config,
        path: &ModulePath,
        key: &str,
    ) -> Result<ResolvedProvider, Diagnostic> {
        let memo_key = (
            config as *const Config as usize,
            path.clone(),
            key.to_string(),
        );
        if let Some(rp) = self
            .resolved
            .lock()
            .ok()
            .and_then(|m| m.get(&memo_key).cloned())
        {
            return Ok(rp);
        }
        let rp = self.resolve_uncached(config, path, key)?;
        if let Ok(mut m) = self.resolved.lock() {
            m.insert(memo_key, rp.clone());
        }
        Ok(rp)
    }

    fn resolve_uncached(
        &self,
        config: &Config,
        path: &ModulePath,
        key: &str,
    ) -> Result<ResolvedProvider, Diagnostic> {
        let (name, alias) = match key.split_once('.') {
            Some((n, a)) => (n, Some(a.to_string())),
            None => (key, None),
        };
        let module = config
            .descendant(path)
            .map(|c| &c.module)
            .unwrap_or(&config.module);
        let mut addr: ProviderAddr = module.provider_for_local_name(name);
        if !module.terraform.required_providers.contains_key(name) {
            addr = config.module.provider_for_local_name(name);
        }
        let source = addr.to_string();
        let Some(provider) = self.by_source(&source) else {
            return Err(missing_provider(&source));
        };
        let config_addr = AbsProviderConfig {
            module: ModulePath::root(),
            provider: addr,
            alias,
        }
        .to_string();
        Ok(ResolvedProvider {
            provider,
            config_addr,
            source,
            key: key.to_string(),
        })
    }

    /// The resolved provider of a state `provider` address.
    pub fn resolve_state_addr(&self, addr: &str) -> Result<ResolvedProvider, Diagnostic> {
        let parsed: AbsProviderConfig = addr
            .parse()
            .map_err(|e| Diagnostic::error("Invalid provider address in state", format!("{e}")))?;
        let source = parsed.provider.to_string();
        let Some(provider) = self.by_source(&source) else {
            return Err(missing_provider(&source));
        };
        let key = match &parsed.alias {
            Some(a) => format!("{}.{a}", parsed.provider.type_name),
            None => parsed.provider.type_name.clone(),
        };
        let config_addr = AbsProviderConfig {
            module: ModulePath::root(),
            ..parsed
        }
        .to_string();
        Ok(ResolvedProvider {
            provider,
            config_addr,
            source,
            key,
        })
    }

    /// The configured provider for `rp`, configuring it from the root
    /// module's provider block (if any) on first use.
    pub async fn configured(
        &mut self,
        rp: &ResolvedProvider,
        config: &Config,
        scopes: &Scopes,
        base: &EvalContext,
        sources: &Sources,
    ) -> Result<Arc<dyn ConfiguredProvider>, Diagnostics> {
        if let Some(c) = self.configured.get(&rp.config_addr) {
            return Ok(c.clone());
        }
        let schema = &rp.provider.schema().provider;
        let mut diags = Diagnostics::new();
        let cfg = match config.module.providers.get(&rp.key) {
            Some(block) => {
                let refs = crate::graph::body_references(&block.body);
                let ctx = scopes.context(
                    base,
                    &ModuleInstance::root(),
                    &refs,
                    &RepData::default(),
                    None,
                );
                let (v, d) = decode_body(&block.body, &schema.block, &ctx, sources);
                diags.extend(d);
                v
            }
            None => null_config(schema),
        };
        if diags.has_errors() {
            return Err(diags);
        }
        let resp = rp
            .provider
            .configure(ConfigureRequest {
                config: cfg,
                terrane_version: env!("CARGO_PKG_VERSION").to_string(),
            })
            .await;
        diags.extend(resp.diagnostics);
        match resp.provider {
            Some(p) if !diags.has_errors() => {
                self.configured.insert(rp.config_addr.clone(), p.clone());
                Ok(p)
            }
            _ => {
                if !diags.has_errors() {
                    diags.push(Diagnostic::error(
                        "Failed to configure provider",
                        format!("{} could not be configured.", rp.source),
                    ));
                }
                Err(diags)
            }
        }
    }
}

/// An object of nulls for a schema (an empty configuration block).
pub fn null_config(schema: &Schema) -> Value {
    let empty = terrane_config::RawBody::default();
    let (v, _) = decode_body(&empty, &schema.block, &EvalContext::default(), &Sources);
    v
}

fn missing_provider(source: &str) -> Diagnostic {
    Diagnostic::error(
        "Provider not available",
        format!(
            "terrane has no provider {source}. The providers built into terrane are terraform.io/builtin/terraform and hashicorp/null, hashicorp/random, hashicorp/local and hashicorp/time."
        ),
    )
}

/// The `provider::NAME::FUNC(...)` callback of a run. `NAME` is a local
/// name some module declares in `required_providers` (the first declaration
/// in module order wins); the call goes to that provider's function.
pub fn function_callback(
    config: &Config,
    providers: &[Arc<dyn Provider>],
) -> Arc<terrane_lang::ProviderFunctionCallback> {
    let registry = ProviderRegistry::new(providers);
    let mut by_name: HashMap<String, Arc<dyn Provider>> = HashMap::new();
    for node in config.walk() {
        let module = &node.module;
        for name in module.terraform.required_providers.keys() {
            let source = module.provider_for_local_name(name).to_string();
            if let Some(p) = registry.by_source(&source) {
                by_name.entry(name.clone()).or_insert(p);
            }
        }
    }
    Arc::new(move |local: &str, func: &str, args: Vec<Value>| {
        let unknown = || {
            Diagnostic::error(
                "Unknown provider function",
                format!("There is no function named \"provider::{local}::{func}\". Ensure that provider name \"{local}\" is declared in this module's required_providers block, and that this provider offers a function named \"{func}\"."),
            )
        };
        let provider = by_name.get(local).ok_or_else(unknown)?;
        if !provider.schema().functions.contains_key(func) {
            return Err(unknown());
        }
        let resp = provider.call_function(terrane_provider::CallFunctionRequest {
            name: func.to_string(),
            args,
        });
        match resp.error {
            Some((msg, _)) => Err(Diagnostic::error(
                "Error in function call",
                format!("Call to function \"provider::{local}::{func}\" failed: {msg}."),
            )),
            None => Ok(resp.result),
        }
    })
}
