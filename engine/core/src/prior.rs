//! The prior state as the planner sees it: every resource instance object
//! decoded to a value with its provider's schema, indexed by address.

use crate::providers::ProviderRegistry;
use crate::typed_json;
use std::collections::BTreeMap;
use terrane_addrs::{InstanceKey, ModuleInstance, Resource, ResourceMode};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_state::{InstanceObject, StateFile};
use terrane_value::Value;

/// One object from the prior state.
#[derive(Debug, Clone)]
pub struct PriorObject {
    /// The state's object as stored, less its `attributes` JSON (decoded
    /// into `value`; not copied a second time). Boxed: most resources have
    /// one instance, and a map node holds room for eleven.
    pub object: Box<InstanceObject>,
    /// Its attributes as a value of the schema type (sensitive paths marked).
    pub value: Value,
    /// The state's provider configuration address.
    pub provider: String,
}

/// A resource as state records it.
#[derive(Debug, Clone, Default)]
pub struct PriorResource {
    /// Current objects by instance key.
    pub current: BTreeMap<InstanceKey, PriorObject>,
    /// Deposed objects: (instance key, deposed key) → object.
    pub deposed: BTreeMap<(InstanceKey, String), PriorObject>,
    /// The state's `each` mode (`list`, `map`) if recorded.
    pub each: Option<String>,
    /// Provider configuration address.
    pub provider: String,
}

/// The prior state, decoded.
#[derive(Debug, Default)]
pub struct PriorState {
    /// Resources by module instance and address.
    pub resources: BTreeMap<(ModuleInstance, Resource), PriorResource>,
}

/// Converts a state instance key to an address key.
pub fn key_from_state(k: Option<&terrane_state::InstanceKey>) -> InstanceKey {
    match k {
        None => InstanceKey::None,
        Some(terrane_state::InstanceKey::Int(i)) => InstanceKey::Int(*i),
        Some(terrane_state::InstanceKey::Str(s)) => InstanceKey::String(s.clone()),
    }
}

/// Converts an address key to a state instance key.
pub fn key_to_state(k: &InstanceKey) -> Option<terrane_state::InstanceKey> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(terrane_state::InstanceKey::Int(*i)),
        InstanceKey::String(s) => Some(terrane_state::InstanceKey::Str(s.clone())),
    }
}

/// Marks the paths state lists as sensitive.
fn mark_paths(mut v: Value, paths: &[Vec<terrane_state::PathStep>]) -> Value {
    for p in paths {
        v = mark_one(v, p);
    }
    v
}

fn mark_one(v: Value, p: &[terrane_state::PathStep]) -> Value {
    let Some((first, rest)) = p.split_first() else {
        return v.mark_sensitive();
    };
    let marks = v.marks;
    match (first, v.kind) {
        (terrane_state::PathStep::GetAttr(a), terrane_value::Kind::Object(mut m)) => {
            if let Some(x) = m.remove(a) {
                m.insert(a.clone(), mark_one(x, rest));
            }
            Value::object(m).with_marks(marks)
        }
        (_, kind) => Value { kind, marks },
    }
}

/// A copy of `obj` without its attributes JSON.
fn without_attributes(obj: &InstanceObject) -> InstanceObject {
    InstanceObject {
        index_key: obj.index_key.clone(),
        status: obj.status,
        deposed: obj.deposed.clone(),
        schema_version: obj.schema_version,
        attributes: None,
        attributes_flat: obj.attributes_flat.clone(),
        sensitive_attributes: obj.sensitive_attributes.clone(),
        identity_schema_version: obj.identity_schema_version,
        identity: obj.identity.clone(),
        private: obj.private.clone(),
        dependencies: obj.dependencies.clone(),
        create_before_destroy: obj.create_before_destroy,
        extra: obj.extra.clone(),
    }
}

impl PriorState {
    /// Decodes `state` with the providers' schemas.
    pub fn new(state: &StateFile, providers: &ProviderRegistry) -> (PriorState, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut out = PriorState::default();
        for r in &state.resources {
            let module: ModuleInstance = match r.module.parse() {
                Ok(m) => m,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "Invalid module address in state",
                        e.to_string(),
                    ));
                    continue;
                }
            };
            let mode = match r.mode {
                terrane_state::Mode::Managed => ResourceMode::Managed,
                terrane_state::Mode::Data => ResourceMode::Data,
            };
            let addr = Resource::new(mode, r.resource_type.clone(), r.name.clone());
            let rp = match providers.resolve_state_addr(&r.provider) {
                Ok(p) => p,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let schemas = rp.provider.schema();
            let schema = match mode {
                ResourceMode::Data => schemas.data_sources.get(&r.resource_type),
                _ => schemas.resources.get(&r.resource_type),
            };
            let Some(schema) = schema else {
                diags.push(Diagnostic::error(
                    "Resource type not supported",
                    format!(
                        "The state has a resource of type {:?}, which provider {} does not offer.",
                        r.resource_type, rp.source
                    ),
                ));
                continue;
            };
            let ty = schema.block.implied_type();
            let mut pr = PriorResource {
                provider: r.provider.clone(),
                each: None,
                ..Default::default()
            };
            for obj in &r.instances {
                let text = obj.attributes.as_ref().map_or("{}", |a| a.get());
                let value = match typed_json::from_state_json(text, &ty) {
                    Ok(v) => mark_paths(v, obj.sensitive_attributes.as_deref().unwrap_or(&[])),
                    Err(e) => {
                        diags.push(Diagnostic::error(
                            "Invalid resource instance in state",
                            format!("{}: {e}", r.resource_type),
                        ));
                        continue;
                    }
                };
                let key = key_from_state(obj.index_key.as_ref());
                let po = PriorObject {
                    object: Box::new(without_attributes(obj)),
                    value,
                    provider: r.provider.clone(),
                };
                match &obj.deposed {
                    Some(d) => {
                        pr.deposed.insert((key, d.clone()), po);
                    }
                    None => {
                        pr.current.insert(key, po);
                    }
                }
            }
            out.resources.insert((module, addr), pr);
        }
        (out, diags)
    }
}
