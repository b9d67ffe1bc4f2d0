//! The state being built during an apply: resources indexed by module,
//! mode, type and name, so each provider result is an O(log n) update and
//! the state file is assembled once at the end.

use crate::prior::key_to_state;
use std::collections::BTreeMap;
use terrane_addrs::{InstanceKey, ModuleInstance, Resource, ResourceMode};
use terrane_state::{InstanceObject, StateFile};

type ObjKey = (InstanceKey, Option<String>);

#[derive(Debug, Clone)]
pub(crate) struct ResEntry {
    provider: String,
    each: Option<String>,
    objects: BTreeMap<ObjKey, InstanceObject>,
}

/// The state being built, indexed for O(log n) updates.
pub struct Working {
    base: StateFile,
    pub(crate) resources: BTreeMap<(String, ResourceMode, String, String), ResEntry>,
}

pub(crate) fn state_mode(m: ResourceMode) -> terrane_state::Mode {
    match m {
        ResourceMode::Data => terrane_state::Mode::Data,
        _ => terrane_state::Mode::Managed,
    }
}

fn res_key(m: &ModuleInstance, r: &Resource) -> (String, ResourceMode, String, String) {
    (m.to_string(), r.mode, r.type_name.clone(), r.name.clone())
}

impl Working {
    pub(crate) fn new(state: &StateFile) -> Working {
        let mut resources = BTreeMap::new();
        for r in &state.resources {
            let mode = if r.mode == terrane_state::Mode::Data {
                ResourceMode::Data
            } else {
                ResourceMode::Managed
            };
            let mut objects = BTreeMap::new();
            for o in &r.instances {
                objects.insert(
                    (
                        crate::prior::key_from_state(o.index_key.as_ref()),
                        o.deposed.clone(),
                    ),
                    o.clone(),
                );
            }
            resources.insert(
                (
                    r.module.clone(),
                    mode,
                    r.resource_type.clone(),
                    r.name.clone(),
                ),
                ResEntry {
                    provider: r.provider.clone(),
                    each: r.each.clone(),
                    objects,
                },
            );
        }
        let mut base = state.clone();
        base.resources.clear();
        Working { base, resources }
    }

    pub(crate) fn put(
        &mut self,
        m: &ModuleInstance,
        r: &Resource,
        k: &InstanceKey,
        deposed: Option<String>,
        provider: &str,
        obj: InstanceObject,
    ) {
        let e = self
            .resources
            .entry(res_key(m, r))
            .or_insert_with(|| ResEntry {
                provider: provider.to_string(),
                each: None,
                objects: BTreeMap::new(),
            });
        e.provider = provider.to_string();
        e.objects.insert((k.clone(), deposed), obj);
    }

    pub(crate) fn take(
        &mut self,
        m: &ModuleInstance,
        r: &Resource,
        k: &InstanceKey,
        deposed: Option<String>,
    ) -> Option<InstanceObject> {
        let key = res_key(m, r);
        let e = self.resources.get_mut(&key)?;
        let o = e.objects.remove(&(k.clone(), deposed));
        if e.objects.is_empty() {
            self.resources.remove(&key);
        }
        o
    }

    pub(crate) fn get(
        &self,
        m: &ModuleInstance,
        r: &Resource,
        k: &InstanceKey,
        deposed: Option<String>,
    ) -> Option<&InstanceObject> {
        self.resources
            .get(&res_key(m, r))?
            .objects
            .get(&(k.clone(), deposed))
    }

    pub(crate) fn finish(mut self) -> StateFile {
        let mut st = std::mem::replace(&mut self.base, StateFile::new(""));
        for ((module, mode, ty, name), e) in self.resources {
            let mut r =
                terrane_state::Resource::new(&module, state_mode(mode), &ty, &name, &e.provider);
            r.each = e.each;
            for ((k, d), mut o) in e.objects {
                o.index_key = key_to_state(&k);
                o.deposed = d;
                r.instances.push(o);
            }
            st.resources.push(r);
        }
        st.sort();
        st
    }
}
