//! Which provider configuration a resource uses, as state records it
//! (`module.a.provider["registry.terraform.io/hashicorp/aws"].west`).
//!
//! A configuration lives in the module whose `provider` block declares it.
//! A child module gets configurations from its caller: explicitly through
//! the `providers` map of the `module` block, or implicitly for default
//! (non-aliased) configurations the child does not declare itself.

use crate::{Config, ResourceBlock};
use terrane_addrs::{AbsProviderConfig, LocalProviderConfig, ModulePath};

impl Config {
    /// The provider configuration the resource `r` (declared in the module
    /// at `path`) uses.
    pub fn resource_provider(&self, path: &ModulePath, r: &ResourceBlock) -> AbsProviderConfig {
        self.resolve_provider(path, &r.provider_config())
    }

    /// Resolves a local provider configuration reference made in the module
    /// at `path` to the module that declares (or implies) it.
    pub fn resolve_provider(
        &self,
        path: &ModulePath,
        local: &LocalProviderConfig,
    ) -> AbsProviderConfig {
        let mut path = path.clone();
        let mut local = local.clone();
        loop {
            let Some(node) = self.descendant(&path) else {
                return self.implied(&path, &local);
            };
            let key = local.to_string();
            if node.module.providers.contains_key(&key) {
                return self.implied(&path, &local);
            }
            let Some(parent_path) = path.parent() else {
                // The root module: an implied, empty default configuration.
                return self.implied(&path, &local);
            };
            let call_name = path.0.last().cloned().unwrap_or_default();
            let call = self
                .descendant(&parent_path)
                .and_then(|p| p.module.module_calls.get(&call_name));
            let passed =
                call.and_then(|c| c.providers.iter().find(|(child, _)| child.config == local));
            match passed {
                Some((_, parent_ref)) => {
                    local = parent_ref.config.clone();
                    path = parent_path;
                }
                None if local.alias.is_none() => {
                    // Default configurations are inherited implicitly, by
                    // provider type: the parent's local name for the same provider.
                    let provider = node.module.provider_for_local_name(&local.local_name);
                    let parent = self.descendant(&parent_path);
                    let name = parent
                        .and_then(|p| {
                            p.module
                                .terraform
                                .required_providers
                                .values()
                                .find(|rp| rp.source == provider)
                                .map(|rp| rp.name.clone())
                        })
                        .unwrap_or_else(|| local.local_name.clone());
                    local = LocalProviderConfig::new(name, None);
                    path = parent_path;
                }
                None => return self.implied(&path, &local),
            }
        }
    }

    fn implied(&self, path: &ModulePath, local: &LocalProviderConfig) -> AbsProviderConfig {
        let provider = self
            .descendant(path)
            .map(|n| n.module.provider_for_local_name(&local.local_name))
            .unwrap_or_else(|| terrane_addrs::Provider::implied(&local.local_name));
        AbsProviderConfig {
            module: path.clone(),
            provider,
            alias: local.alias.clone(),
        }
    }
}
