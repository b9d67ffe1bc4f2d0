//! The provider conformance test-kit: checks every provider must pass.
//!
//! [`check_schema`] verifies a provider's schemas are well formed;
//! [`check_lifecycle`] drives one resource type through create, read,
//! no-op re-plan, update and delete against whatever real system the provider
//! talks to, and reports every deviation from the protocol's contract.

use crate::{
    ApplyChangeRequest, Block, ConfiguredProvider, PlanChangeRequest, Provider, ReadRequest,
};
use terrane_value::{Kind, Value};

/// Checks the provider's schemas: every attribute is exactly one of
/// required, optional, computed or optional+computed; required attributes are
/// not computed; force-new is only on configurable attributes.
pub fn check_schema(p: &dyn Provider) -> Vec<String> {
    let mut problems = Vec::new();
    let s = p.schema();
    check_block(
        &format!("provider {}", p.name()),
        &s.provider.block,
        &mut problems,
    );
    for (name, r) in &s.resources {
        check_block(&format!("resource {name}"), &r.block, &mut problems);
    }
    for (name, d) in &s.data_sources {
        check_block(&format!("data source {name}"), &d.block, &mut problems);
    }
    problems
}

fn check_block(at: &str, b: &Block, problems: &mut Vec<String>) {
    for (name, a) in &b.attributes {
        if !(a.required || a.optional || a.computed) {
            problems.push(format!(
                "{at}.{name}: neither required, optional nor computed"
            ));
        }
        if a.required && (a.optional || a.computed) {
            problems.push(format!(
                "{at}.{name}: required together with optional/computed"
            ));
        }
        if a.force_new && !(a.required || a.optional) {
            problems.push(format!(
                "{at}.{name}: force_new on a computed-only attribute"
            ));
        }
    }
    for (name, nb) in &b.blocks {
        if b.attributes.contains_key(name) {
            problems.push(format!("{at}.{name}: both an attribute and a block"));
        }
        check_block(&format!("{at}.{name}"), &nb.block, problems);
    }
}

/// Like [`check_lifecycle`], but builds each proposed new state from the
/// resource's schema exactly as the engine does ([`crate::proposed_new_state`]).
pub async fn check_resource_lifecycle(
    provider: &dyn Provider,
    configured: &dyn ConfiguredProvider,
    type_name: &str,
    config: Value,
    updated_config: Option<Value>,
) -> Vec<String> {
    match provider.schema().resources.get(type_name) {
        Some(schema) => {
            let block = schema.block.clone();
            let merge = move |c: &Value, p: &Value| crate::proposed_new_state(&block, p, c);
            lifecycle(configured, type_name, config, updated_config, &merge).await
        }
        None => vec![format!("provider has no resource type {type_name:?}")],
    }
}

/// Drives `type_name` through create → read → re-plan (must be a no-op) →
/// update to `updated_config` (when given) → delete, returning the problems
/// found. `config` and `updated_config` are full objects of the resource's
/// implied type (null for unset attributes).
pub async fn check_lifecycle(
    p: &dyn ConfiguredProvider,
    type_name: &str,
    config: Value,
    updated_config: Option<Value>,
) -> Vec<String> {
    lifecycle(p, type_name, config, updated_config, &merge_config).await
}

type Merge<'a> = dyn Fn(&Value, &Value) -> Value + Send + Sync + 'a;

async fn lifecycle(
    p: &dyn ConfiguredProvider,
    type_name: &str,
    config: Value,
    updated_config: Option<Value>,
    merge_config: &Merge<'_>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let null = Value::dynamic_null();
    let plan = p
        .plan_change(PlanChangeRequest {
            type_name: type_name.into(),
            prior_state: null.clone(),
            proposed_new_state: config.clone(),
            config: config.clone(),
            prior_private: Vec::new(),
        })
        .await;
    if plan.diagnostics.has_errors() {
        problems.push(format!("create plan failed: {:?}", plan.diagnostics));
        return problems;
    }
    let created = p
        .apply_change(ApplyChangeRequest {
            type_name: type_name.into(),
            prior_state: null.clone(),
            planned_state: plan.planned_state.clone(),
            config: config.clone(),
            planned_private: plan.planned_private.clone(),
        })
        .await;
    if created.diagnostics.has_errors() {
        problems.push(format!("create failed: {:?}", created.diagnostics));
        return problems;
    }
    if !created.new_state.is_wholly_known() {
        problems.push("create left unknown values in the new state".into());
    }
    let read = p
        .read(ReadRequest {
            type_name: type_name.into(),
            current_state: created.new_state.clone(),
            private: created.private.clone(),
        })
        .await;
    if read.new_state.is_null() {
        problems.push("read after create says the object is gone".into());
    }
    let mut current = read.new_state.clone();
    let replan = p
        .plan_change(PlanChangeRequest {
            type_name: type_name.into(),
            prior_state: current.clone(),
            proposed_new_state: merge_config(&config, &current),
            config: config.clone(),
            prior_private: read.private.clone(),
        })
        .await;
    if replan.planned_state != current {
        problems.push(format!(
            "re-plan after create is not a no-op: planned {:?} vs current {:?}",
            replan.planned_state, current
        ));
    }
    if let Some(updated) = updated_config {
        let plan = p
            .plan_change(PlanChangeRequest {
                type_name: type_name.into(),
                prior_state: current.clone(),
                proposed_new_state: merge_config(&updated, &current),
                config: updated.clone(),
                prior_private: read.private.clone(),
            })
            .await;
        if plan.diagnostics.has_errors() {
            problems.push(format!("update plan failed: {:?}", plan.diagnostics));
        } else if plan.requires_replace.is_empty() {
            let applied = p
                .apply_change(ApplyChangeRequest {
                    type_name: type_name.into(),
                    prior_state: current.clone(),
                    planned_state: plan.planned_state,
                    config: updated,
                    planned_private: plan.planned_private,
                })
                .await;
            if applied.diagnostics.has_errors() {
                problems.push(format!("update failed: {:?}", applied.diagnostics));
            } else {
                current = applied.new_state;
            }
        }
    }
    let deleted = p
        .apply_change(ApplyChangeRequest {
            type_name: type_name.into(),
            prior_state: current,
            planned_state: null.clone(),
            config: null,
            planned_private: Vec::new(),
        })
        .await;
    if deleted.diagnostics.has_errors() {
        problems.push(format!("delete failed: {:?}", deleted.diagnostics));
    } else if !deleted.new_state.is_null() {
        problems.push("delete returned a non-null state".into());
    }
    problems
}

/// A schema-less approximation of the proposed new state: configured values,
/// with prior values for every attribute the configuration leaves null.
fn merge_config(config: &Value, prior: &Value) -> Value {
    match (&config.kind, &prior.kind) {
        (Kind::Object(c), Kind::Object(p)) => {
            let mut out = p.clone();
            for (k, v) in c {
                let merged = match p.get(k) {
                    Some(pv) if v.is_null() => pv.clone(),
                    Some(pv) => merge_config(v, pv),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::object(out)
        }
        _ => config.clone(),
    }
}
