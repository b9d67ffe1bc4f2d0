//! The prior state as the planner sees it: every resource instance object
//! decoded to a value with its provider's schema, indexed by address.

use crate::providers::ProviderRegistry;
use crate::typed_json;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use terrane_addrs::{InstanceKey, ModuleInstance, Resource, ResourceMode};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_state::{InstanceObject, StateFile};
use terrane_value::{Type, Value};

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

/// A state resource whose module, provider and schema type resolved.
struct Header {
    key: (ModuleInstance, Resource),
    ty: Arc<Type>,
}

/// The decoded form of one instance object, ready for its map: its
/// instance key and the prior object, or the decoding error.
type Decoded = Result<(InstanceKey, PriorObject), String>;

/// One object to decode: the object, its schema type and its resource's
/// provider address.
type Job<'s> = (&'s InstanceObject, &'s Type, &'s str);

/// Below this many objects the decoding stays on one thread: a second
/// thread costs more than it saves.
const PARALLEL_MIN_OBJECTS: usize = 256;

fn decode_object((obj, ty, provider): &Job<'_>) -> Decoded {
    // The text as read (pretty-printed in a state file): decoding does not
    // need the canonical compact form made.
    let text = obj.attributes.as_ref().map_or("{}", |a| a.text());
    match typed_json::from_state_json(text, ty) {
        Ok(v) => Ok((
            key_from_state(obj.index_key.as_ref()),
            PriorObject {
                object: Box::new(without_attributes(obj)),
                value: mark_paths(v, obj.sensitive_attributes.as_deref().unwrap_or(&[])),
                provider: (*provider).to_owned(),
            },
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Decodes every job, on two threads when there are many (the machines
/// terrane runs on have at least two cores, and nothing else runs while
/// the prior state is decoded); results keep the jobs' order.
fn decode_all(jobs: &[Job<'_>]) -> Vec<Decoded> {
    let decode = |part: &[Job<'_>]| -> Vec<Decoded> { part.iter().map(decode_object).collect() };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if jobs.len() < PARALLEL_MIN_OBJECTS || cores < 2 {
        return decode(jobs);
    }
    let (first, second) = jobs.split_at(jobs.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| decode(second));
        let mut out = decode(first);
        match other.join() {
            Ok(rest) => out.extend(rest),
            // The decoder does not panic; should it, decode here instead.
            Err(_) => out.extend(decode(second)),
        }
        out
    })
}

impl PriorState {
    /// Decodes `state` with the providers' schemas.
    ///
    /// Resources are resolved first (provider and schema type looked up
    /// once per provider, mode and type), then every object's attributes
    /// are decoded (see [`decode_all`]), then the results are assembled in
    /// state order, so diagnostics come out in the order of the file.
    pub fn new(state: &StateFile, providers: &ProviderRegistry) -> (PriorState, Diagnostics) {
        let mut types: HashMap<(&str, terrane_state::Mode, &str), Result<Arc<Type>, Diagnostic>> =
            HashMap::new();
        let headers: Vec<Result<Header, Diagnostic>> = state
            .resources
            .iter()
            .map(|r| {
                let module: ModuleInstance = r.module.parse().map_err(|e| {
                    Diagnostic::error("Invalid module address in state", format!("{e}"))
                })?;
                let ty = types
                    .entry((r.provider.as_str(), r.mode, r.resource_type.as_str()))
                    .or_insert_with(|| schema_type(r, providers).map(Arc::new))
                    .clone()?;
                let mode = match r.mode {
                    terrane_state::Mode::Managed => ResourceMode::Managed,
                    terrane_state::Mode::Data => ResourceMode::Data,
                };
                let addr = Resource::new(mode, r.resource_type.clone(), r.name.clone());
                Ok(Header {
                    key: (module, addr),
                    ty,
                })
            })
            .collect();
        let jobs: Vec<Job<'_>> = state
            .resources
            .iter()
            .zip(&headers)
            .filter_map(|(r, h)| h.as_ref().ok().map(|h| (r, &*h.ty)))
            .flat_map(|(r, ty)| {
                r.instances
                    .iter()
                    .map(move |o| (o, ty, r.provider.as_str()))
            })
            .collect();
        let mut decoded = decode_all(&jobs).into_iter();
        let mut diags = Diagnostics::new();
        // The maps are built from vectors in state order (see
        // map_keeping_last).
        let mut resources = Vec::with_capacity(state.resources.len());
        for (r, h) in state.resources.iter().zip(headers) {
            let h = match h {
                Ok(h) => h,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let mut current = Vec::with_capacity(r.instances.len());
            let mut deposed = Vec::new();
            for obj in &r.instances {
                let (key, po) = match decoded.next() {
                    Some(Ok(d)) => d,
                    Some(Err(e)) => {
                        diags.push(Diagnostic::error(
                            "Invalid resource instance in state",
                            format!("{}: {e}", r.resource_type),
                        ));
                        continue;
                    }
                    None => continue,
                };
                match &obj.deposed {
                    Some(d) => deposed.push(((key, d.clone()), po)),
                    None => current.push((key, po)),
                }
            }
            let pr = PriorResource {
                current: map_keeping_last(current),
                deposed: map_keeping_last(deposed),
                each: None,
                provider: r.provider.clone(),
            };
            resources.push((h.key, pr));
        }
        let out = PriorState {
            resources: map_keeping_last(resources),
        };
        (out, diags)
    }
}

/// The map of `entries`, the last of equal keys kept (as inserting them in
/// order would). Sorting entries that are nearly in order is a pass, and a
/// map is built from sorted entries without searching.
fn map_keeping_last<K: Ord, V>(mut entries: Vec<(K, V)>) -> BTreeMap<K, V> {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut unique: Vec<(K, V)> = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if unique.last().is_some_and(|(last, _)| *last == k) {
            unique.pop();
        }
        unique.push((k, v));
    }
    unique.into_iter().collect()
}

/// The schema type of state resource `r`'s objects, or why there is none.
fn schema_type(
    r: &terrane_state::Resource,
    providers: &ProviderRegistry,
) -> Result<Type, Diagnostic> {
    let rp = providers.resolve_state_addr(&r.provider)?;
    let schemas = rp.provider.schema();
    let schema = match r.mode {
        terrane_state::Mode::Data => schemas.data_sources.get(&r.resource_type),
        terrane_state::Mode::Managed => schemas.resources.get(&r.resource_type),
    };
    match schema {
        Some(s) => Ok(s.block.implied_type()),
        None => Err(Diagnostic::error(
            "Resource type not supported",
            format!(
                "The state has a resource of type {:?}, which provider {} does not offer.",
                r.resource_type, rp.source
            ),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Objects of every kind decode on either path, into the maps and with
    /// the diagnostics (in file order) that decoding them one by one gives.
    #[test]
    fn decodes_objects_keys_deposed_sensitive_and_errors_in_file_order() {
        let provider = r#"provider[\"terraform.io/builtin/terraform\"]"#;
        let attrs = |i: usize| {
            format!(
                r#"{{"id": "id-{i}", "input": {{"value": "v{i}", "type": "string"}}, "output": {{"value": "v{i}", "type": "string"}}, "triggers_replace": null}}"#
            )
        };
        for n in [3, 300] {
            let mut instances = Vec::new();
            for i in 0..n {
                instances.push(format!(
                    r#"{{"index_key": {i}, "schema_version": 0, "attributes": {}, "sensitive_attributes": [[{{"type": "get_attr", "value": "input"}}]]}}"#,
                    attrs(i)
                ));
            }
            instances.push(format!(
                r#"{{"index_key": 1, "deposed": "00000001", "schema_version": 0, "attributes": {}}}"#,
                attrs(1)
            ));
            instances.push(
                r#"{"index_key": 999999, "schema_version": 0, "attributes": {"input": {"value": 1}}}"#.into(),
            );
            let text = format!(
                r#"{{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "l", "outputs": {{}}, "resources": [
                {{"mode": "managed", "type": "nope", "name": "x", "provider": "{provider}", "instances": []}},
                {{"mode": "managed", "type": "terraform_data", "name": "c", "provider": "{provider}", "instances": [{}]}},
                {{"mode": "managed", "type": "terraform_data", "name": "one", "provider": "{provider}", "instances": [{{"schema_version": 0, "attributes": {}}}]}}
                ], "check_results": null}}"#,
                instances.join(","),
                attrs(7)
            );
            let state = StateFile::from_slice(text.as_bytes(), "t").unwrap();
            let registry = ProviderRegistry::new(&terrane_provider_builtin::all());
            let (prior, diags) = PriorState::new(&state, &registry);
            let summaries: Vec<&str> = diags.iter().map(|d| d.summary.as_str()).collect();
            assert_eq!(
                summaries,
                [
                    "Resource type not supported",
                    "Invalid resource instance in state"
                ]
            );
            assert_eq!(prior.resources.len(), 2);
            let named = |name: &str| {
                prior
                    .resources
                    .iter()
                    .find(|((_, r), _)| r.name == name)
                    .map(|(_, pr)| pr)
                    .unwrap()
            };
            let c = named("c");
            assert_eq!(c.current.len(), n);
            assert_eq!(c.deposed.len(), 1);
            assert!(c
                .deposed
                .contains_key(&(InstanceKey::Int(1), "00000001".to_string())));
            let o = &c.current[&InstanceKey::Int(2)];
            assert_eq!(o.value.get_attr("id"), Some(&Value::string("id-2")));
            assert!(o.value.get_attr("input").unwrap().marks.is_sensitive());
            assert!(o.object.attributes.is_none());
            assert_eq!(o.provider, "provider[\"terraform.io/builtin/terraform\"]");
            let one = named("one");
            assert_eq!(
                one.current[&InstanceKey::None].value.get_attr("input"),
                Some(&Value::string("v7"))
            );
        }
    }

    #[test]
    fn map_keeping_last_keeps_the_last_of_equal_keys() {
        let m = super::map_keeping_last(vec![(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")]);
        assert_eq!(
            m.into_iter().collect::<Vec<_>>(),
            [(1, "e"), (2, "d"), (3, "c")]
        );
    }
}
