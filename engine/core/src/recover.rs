//! Recovery after a crash: replaying the journal onto the state and
//! reconciling intents that have no recorded result by reading the object
//! back from its provider.

use crate::apply::state_object;
use crate::planner::resource_schema;
use crate::providers::ProviderRegistry;
use crate::typed_json;
use std::sync::Arc;
use terrane_addrs::{Resource, ResourceMode};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::Provider;
use terrane_state::{Journal, StateFile};

/// Replays a journal left by an interrupted run onto `state` and
/// reconciles intents that have no result by reading the object back.
/// Returns true when the state changed (the caller then checkpoints).
pub async fn recover(
    state: &mut StateFile,
    journal: &Journal,
    providers: &[Arc<dyn Provider>],
) -> (bool, Diagnostics) {
    let mut diags = Diagnostics::new();
    let report = match journal.replay(state) {
        Ok(r) => r,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Cannot replay the state journal",
                e.to_string(),
            ));
            return (false, diags);
        }
    };
    for w in &report.warnings {
        diags.push(Diagnostic::warning("State journal", w.clone()));
    }
    let mut changed = report.changed();
    let registry = ProviderRegistry::new(providers);
    for intent in &report.pending {
        let spec = &intent.spec;
        let Some(prior) = &spec.prior else {
            diags.push(Diagnostic::warning(
                "Interrupted create",
                format!("terrane was interrupted while creating {}; the object may exist without being recorded in state. Check it and import it if it exists.", spec.addr),
            ));
            continue;
        };
        let Ok(rp) = registry.resolve_state_addr(&spec.provider) else {
            continue;
        };
        let mode = if spec.addr.mode == terrane_state::Mode::Data {
            ResourceMode::Data
        } else {
            ResourceMode::Managed
        };
        let r = Resource::new(
            mode,
            spec.addr.resource_type.clone(),
            spec.addr.name.clone(),
        );
        let Some(schema) = resource_schema(rp.provider.as_ref(), &r) else {
            continue;
        };
        let ty = schema.block.implied_type();
        let Some(text) = prior.attributes.as_ref().map(|a| a.get().to_string()) else {
            continue;
        };
        let Ok(value) = typed_json::from_state_json(&text, &ty) else {
            continue;
        };
        let cfg = crate::providers::null_config(&rp.provider.schema().provider);
        let resp = rp
            .provider
            .configure(terrane_provider::ConfigureRequest {
                config: cfg,
                terrane_version: env!("CARGO_PKG_VERSION").to_string(),
            })
            .await;
        let Some(cp) = resp.provider else { continue };
        let read = cp
            .read(terrane_provider::ReadRequest {
                type_name: r.type_name.clone(),
                current_state: value,
                private: prior.private.clone().unwrap_or_default(),
            })
            .await;
        if read.diagnostics.has_errors() {
            diags.extend(read.diagnostics);
            continue;
        }
        if read.new_state.is_null() {
            state.remove_object(&spec.addr);
            state.remove_empty_resources();
        } else if let Ok(mut o) = state_object(
            &read.new_state,
            schema,
            &read.private,
            &prior.dependencies,
            prior.create_before_destroy,
        ) {
            o.status = prior.status;
            state.upsert_object(&spec.addr, &spec.provider, o);
        }
        changed = true;
    }
    (changed, diags)
}
