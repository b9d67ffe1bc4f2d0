//! Evaluated values per module instance, and building the evaluation
//! context for one expression from exactly the names it references (so the
//! cost of an evaluation does not grow with the size of the configuration).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, Resource, ResourceMode};
use terrane_lang::{EvalContext, RefStep, Reference};
use terrane_value::{Type, Value};

/// How a resource or module call repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repetition {
    /// No count or for_each.
    Single,
    /// `count`.
    Count,
    /// `for_each`.
    ForEach,
    /// Not known yet (count/for_each unknown): the whole value is unknown.
    Unknown,
}

/// The instances of one resource in one module instance.
#[derive(Debug, Clone)]
pub struct ResourceValues {
    /// Repetition mode.
    pub rep: Repetition,
    /// Instance values by key.
    pub instances: BTreeMap<InstanceKey, Value>,
}

impl ResourceValues {
    /// The value a reference to the whole resource sees.
    pub fn value(&self) -> Value {
        match self.rep {
            Repetition::Single => self
                .instances
                .get(&InstanceKey::None)
                .cloned()
                .unwrap_or_else(|| Value::unknown(Type::Dynamic)),
            Repetition::Count => Value::tuple(self.instances.values().cloned().collect()),
            Repetition::ForEach => Value::object(
                self.instances
                    .iter()
                    .map(|(k, v)| (key_string(k), v.clone()))
                    .collect(),
            ),
            Repetition::Unknown => Value::unknown(Type::Dynamic),
        }
    }
}

/// The `each.key` string (or count index as text) of an instance key.
pub fn key_string(k: &InstanceKey) -> String {
    match k {
        InstanceKey::None => String::new(),
        InstanceKey::Int(i) => i.to_string(),
        InstanceKey::String(s) => s.clone(),
    }
}

/// The repetition data of one instance: `count.index` or `each`.
#[derive(Debug, Clone, Default)]
pub struct RepData {
    /// `count.index`.
    pub count_index: Option<i64>,
    /// `each.key` and `each.value`.
    pub each: Option<(String, Value)>,
}

/// The values of one module instance.
#[derive(Debug, Clone, Default)]
pub struct ModScope {
    /// Input variables.
    pub vars: BTreeMap<String, Value>,
    /// Local values.
    pub locals: BTreeMap<String, Value>,
    /// Output values.
    pub outputs: BTreeMap<String, Value>,
    /// Resources and data sources.
    pub resources: BTreeMap<Resource, ResourceValues>,
    /// Module calls: repetition and child instance keys.
    pub calls: BTreeMap<String, (Repetition, Vec<InstanceKey>)>,
    /// The repetition data of this instance's own module call.
    pub rep: RepData,
    /// `path.module`.
    pub dir: PathBuf,
}

/// Every module instance's values.
#[derive(Debug, Default)]
pub struct Scopes {
    /// By module instance.
    pub mods: BTreeMap<ModuleInstance, ModScope>,
    /// The instances of each static module path.
    pub instances_of: HashMap<ModulePath, Vec<ModuleInstance>>,
    /// `path.root`.
    pub root_dir: PathBuf,
    /// `path.cwd`.
    pub cwd: PathBuf,
    /// `terraform.workspace`.
    pub workspace: String,
}

impl Scopes {
    /// The instances of a module path (the root has exactly one).
    pub fn instances(&self, p: &ModulePath) -> Vec<ModuleInstance> {
        if p.is_root() {
            return vec![ModuleInstance::root()];
        }
        self.instances_of.get(p).cloned().unwrap_or_default()
    }

    fn call_value(&self, m: &ModuleInstance, name: &str) -> Value {
        let Some(scope) = self.mods.get(m) else {
            return Value::unknown(Type::Dynamic);
        };
        let Some((rep, keys)) = scope.calls.get(name) else {
            return Value::unknown(Type::Dynamic);
        };
        let outputs_of = |k: &InstanceKey| {
            let child = m.child(name, k.clone());
            match self.mods.get(&child) {
                Some(s) => Value::object(s.outputs.clone()),
                None => Value::unknown(Type::Dynamic),
            }
        };
        match rep {
            Repetition::Single => outputs_of(&InstanceKey::None),
            Repetition::Count => Value::tuple(keys.iter().map(outputs_of).collect()),
            Repetition::ForEach => Value::object(
                keys.iter()
                    .map(|k| (key_string(k), outputs_of(k)))
                    .collect(),
            ),
            Repetition::Unknown => Value::unknown(Type::Dynamic),
        }
    }

    /// The evaluation context for expressions making `refs` in module
    /// instance `m`, with `rep` as count/each and `self_value` as `self`.
    pub fn context(
        &self,
        base: &EvalContext,
        m: &ModuleInstance,
        refs: &[Reference],
        rep: &RepData,
        self_value: Option<&Value>,
    ) -> EvalContext {
        self.context_sparse(
            base,
            m,
            refs,
            rep,
            self_value,
            &std::collections::HashSet::new(),
        )
    }

    /// [`Scopes::context`], where the resources in `sparse` are read only
    /// as `[count.index]`/`[each.key]` and get just this instance's
    /// counterpart (an object keyed by the index).
    pub fn context_sparse(
        &self,
        base: &EvalContext,
        m: &ModuleInstance,
        refs: &[Reference],
        rep: &RepData,
        self_value: Option<&Value>,
        sparse: &HashSet<(String, String)>,
    ) -> EvalContext {
        let shared = Arc::new(self.shared_roots(m, refs, sparse));
        self.instance_context(base, &shared, m, refs, rep, self_value, sparse)
    }

    /// The roots of a context that are the same for every instance of a
    /// block in module instance `m` (`var`, `local`, `module`, `data`,
    /// `path`, `terraform` and resources read as a whole): built once per
    /// block and shared by its instances' contexts
    /// ([`Scopes::instance_context`]) instead of copied into each.
    pub fn shared_roots(
        &self,
        m: &ModuleInstance,
        refs: &[Reference],
        sparse: &HashSet<(String, String)>,
    ) -> BTreeMap<String, Value> {
        let empty = ModScope::default();
        let scope = self.mods.get(m).unwrap_or(&empty);
        let mut vars = BTreeMap::new();
        let mut locals = BTreeMap::new();
        let mut modules = BTreeMap::new();
        let mut managed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
        let mut data: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
        let per_instance = per_instance_types(sparse);
        // `path` and `terraform` are built only when referenced (most
        // resource bodies do not): they cost string copies.
        let mut uses_path = false;
        let mut uses_terraform = false;
        for r in refs {
            let (a0, a1) = first_attrs(r);
            match (r.root.as_str(), a0) {
                ("path", _) => uses_path = true,
                ("terraform", _) => uses_terraform = true,
                ("var", Some(n)) => {
                    if let Some(v) = scope.vars.get(n) {
                        vars.insert(n.to_string(), v.clone());
                    }
                }
                ("local", Some(n)) => {
                    let v = scope
                        .locals
                        .get(n)
                        .cloned()
                        .unwrap_or_else(|| Value::unknown(Type::Dynamic));
                    locals.insert(n.to_string(), v);
                }
                ("module", Some(n)) => {
                    modules
                        .entry(n.to_string())
                        .or_insert_with(|| self.call_value(m, n));
                }
                ("data", Some(t)) => {
                    if let Some(n) = a1 {
                        let res = Resource::new(ResourceMode::Data, t, n);
                        let v = scope
                            .resources
                            .get(&res)
                            .map(|rv| rv.value())
                            .unwrap_or_else(|| Value::unknown(Type::Dynamic));
                        data.entry(t.to_string())
                            .or_default()
                            .insert(n.to_string(), v);
                    }
                }
                ("count" | "each" | "self" | "var" | "local" | "module", _) => {}
                (t, Some(n)) if !per_instance.contains(t) => {
                    let res = Resource::new(ResourceMode::Managed, t, n);
                    if let Some(rv) = scope.resources.get(&res) {
                        let e = managed.entry(t.to_string()).or_default();
                        if !e.contains_key(n) {
                            e.insert(n.to_string(), rv.value());
                        }
                    }
                }
                _ => {}
            }
        }
        let mut roots = BTreeMap::new();
        roots.insert("var".to_string(), Value::object(vars));
        roots.insert("local".to_string(), Value::object(locals));
        roots.insert("module".to_string(), Value::object(modules));
        for (t, names) in managed {
            roots.insert(t, Value::object(names));
        }
        roots.insert(
            "data".to_string(),
            Value::object(
                data.into_iter()
                    .map(|(t, n)| (t, Value::object(n)))
                    .collect(),
            ),
        );
        if uses_path {
            let mut path = BTreeMap::new();
            path.insert(
                "module".to_string(),
                Value::string(rel_dir(&scope.dir, &self.cwd)),
            );
            path.insert(
                "root".to_string(),
                Value::string(rel_dir(&self.root_dir, &self.cwd)),
            );
            path.insert(
                "cwd".to_string(),
                Value::string(self.cwd.display().to_string()),
            );
            roots.insert("path".to_string(), Value::object(path));
        }
        if uses_terraform {
            let mut tf = BTreeMap::new();
            tf.insert(
                "workspace".to_string(),
                Value::string(self.workspace.clone()),
            );
            roots.insert("terraform".to_string(), Value::object(tf));
        }
        roots
    }

    /// One instance's context over `shared` ([`Scopes::shared_roots`] of
    /// the same `m`, `refs` and `sparse`): only `count`, `each`, `self` and
    /// the resource types read through `[count.index]`/`[each.key]` are its
    /// own.
    #[allow(clippy::too_many_arguments)]
    pub fn instance_context(
        &self,
        base: &EvalContext,
        shared: &Arc<BTreeMap<String, Value>>,
        m: &ModuleInstance,
        refs: &[Reference],
        rep: &RepData,
        self_value: Option<&Value>,
        sparse: &HashSet<(String, String)>,
    ) -> EvalContext {
        let mut ctx = base.clone();
        ctx.shared = Some(shared.clone());
        let per_instance = per_instance_types(sparse);
        if !per_instance.is_empty() {
            let empty = ModScope::default();
            let scope = self.mods.get(m).unwrap_or(&empty);
            let key = match (rep.count_index, &rep.each) {
                (Some(i), _) => Some(InstanceKey::Int(i)),
                (None, Some((k, _))) => Some(InstanceKey::String(k.clone())),
                _ => None,
            };
            let mut managed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
            for r in refs {
                let (t, Some(n)) = (r.root.as_str(), first_attrs(r).0) else {
                    continue;
                };
                if !per_instance.contains(t) {
                    continue;
                }
                let res = Resource::new(ResourceMode::Managed, t, n);
                let Some(rv) = scope.resources.get(&res) else {
                    continue;
                };
                let e = managed.entry(t.to_string()).or_default();
                if e.contains_key(n) {
                    continue;
                }
                let sparse_key = key.clone().filter(|_| {
                    matches!(rv.rep, Repetition::Count | Repetition::ForEach)
                        && sparse.contains(&(t.to_string(), n.to_string()))
                });
                let v = match sparse_key {
                    Some(k) => {
                        let mut one = BTreeMap::new();
                        if let Some(x) = rv.instances.get(&k) {
                            one.insert(key_string(&k), x.clone());
                        }
                        Value::object(one)
                    }
                    None => rv.value(),
                };
                e.insert(n.to_string(), v);
            }
            for (t, names) in managed {
                ctx.set(t, Value::object(names));
            }
        }
        if let Some(i) = rep.count_index {
            let mut c = BTreeMap::new();
            c.insert("index".to_string(), Value::number(i));
            ctx.set("count", Value::object(c));
        }
        if let Some((k, v)) = &rep.each {
            let mut e = BTreeMap::new();
            e.insert("key".to_string(), Value::string(k.clone()));
            e.insert("value".to_string(), v.clone());
            ctx.set("each", Value::object(e));
        }
        if let Some(s) = self_value {
            ctx.set("self", s.clone());
        }
        ctx
    }
}

/// The attribute names of a reference's first two steps.
fn first_attrs(r: &Reference) -> (Option<&str>, Option<&str>) {
    let attr = |i: usize| match r.steps.get(i) {
        Some(RefStep::Attr(a)) => Some(a.as_str()),
        _ => None,
    };
    (attr(0), attr(1))
}

/// The managed resource types whose roots differ per instance: those with a
/// resource read only through the instance's own key (`sparse`). All of a
/// type's resources then go into the instance's context, since a root is
/// looked up whole. (A type in `sparse` the references do not name has no
/// root either way.)
fn per_instance_types(sparse: &HashSet<(String, String)>) -> HashSet<&str> {
    sparse.iter().map(|(t, _)| t.as_str()).collect()
}

fn rel_dir(dir: &std::path::Path, cwd: &std::path::Path) -> String {
    match dir.strip_prefix(cwd) {
        Ok(p) if p.as_os_str().is_empty() => ".".to_string(),
        Ok(p) => p.display().to_string(),
        Err(_) => dir.display().to_string(),
    }
}
