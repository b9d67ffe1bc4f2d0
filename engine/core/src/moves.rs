//! `moved` blocks: renaming objects in the prior state before planning
//! (resources, instances — including count → for_each keys — and whole
//! module calls, in every instance of an expanded module), Terraform's
//! implied moves when `count` is added to or removed from a resource
//! (`a` <-> `a[0]`), and `removed` block lookups. Once the plan has
//! expanded the configuration, [`validate`] reports the blocks Terraform
//! rejects.

mod validate;

use std::collections::{BTreeMap, HashMap};
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, ResourceMode, Target};
use terrane_config::{Config, Expr};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_state::{InstanceAddr, StateFile};
pub(crate) use validate::validate;

/// The address text an expression was written as (`aws_instance.a[0]`).
pub fn expr_text(e: &Expr) -> String {
    let span = e.span();
    e.src
        .file
        .text()
        .get(span)
        .unwrap_or("")
        .split_whitespace()
        .collect()
}

/// Parses an address written in module `m`, made absolute.
fn target_in(m: &ModuleInstance, e: &Expr) -> Result<Target, Diagnostic> {
    let text = expr_text(e);
    let t: Target = text.parse().map_err(|err: terrane_addrs::AddrError| {
        Diagnostic::error("Invalid address", format!("{err}")).with_subject(e.range())
    })?;
    let prefix = |inner: &ModuleInstance| {
        let mut steps = m.0.clone();
        steps.extend(inner.0.iter().cloned());
        ModuleInstance(steps)
    };
    Ok(match t {
        Target::Module(x) => Target::Module(prefix(&x)),
        Target::Resource(mut r) => {
            r.module = prefix(&r.module);
            Target::Resource(r)
        }
        Target::Instance(mut r) => {
            r.module = prefix(&r.module);
            Target::Instance(r)
        }
    })
}

fn state_mode(m: terrane_addrs::ResourceMode) -> terrane_state::Mode {
    match m {
        terrane_addrs::ResourceMode::Data => terrane_state::Mode::Data,
        _ => terrane_state::Mode::Managed,
    }
}

/// The instances of the module at `path` that the state has objects in
/// (the root module always): `moved` blocks of a module apply within each
/// of its instances.
fn state_instances(state: &StateFile, path: &ModulePath) -> Vec<ModuleInstance> {
    if path.0.is_empty() {
        return vec![ModuleInstance::root()];
    }
    let mut found: BTreeMap<String, ModuleInstance> = BTreeMap::new();
    for r in &state.resources {
        let Ok(mi) = r.module.parse::<ModuleInstance>() else {
            continue;
        };
        if mi.0.len() < path.0.len()
            || mi
                .0
                .iter()
                .zip(&path.0)
                .any(|(step, name)| step.name != *name)
        {
            continue;
        }
        let prefix = ModuleInstance(mi.0[..path.0.len()].to_vec());
        found.entry(prefix.to_string()).or_insert(prefix);
    }
    found.into_values().collect()
}

/// Applies every `moved` block of the configuration to `state`, in every
/// instance of its module, then Terraform's implied count moves. Returns
/// new address → previous address for each moved instance.
pub fn apply_moves(
    config: &Config,
    state: &mut StateFile,
) -> (HashMap<String, String>, Diagnostics) {
    let mut moved = HashMap::new();
    let mut diags = Diagnostics::new();
    for c in config.walk() {
        for (i, m) in state_instances(state, &c.path).iter().enumerate() {
            // Chains resolve whatever the blocks' order (`b` -> `c` written
            // before `a` -> `b`): passes repeat while they move anything.
            let mut report = i == 0;
            for _ in 0..c.module.moved.len() {
                let changed =
                    explicit_moves(&c.module.moved, m, state, &mut moved, &mut diags, report);
                report = false;
                if !changed {
                    break;
                }
            }
            implied_moves(&c.module, m, state, &mut moved);
        }
    }
    state.remove_empty_resources();
    state.sort();
    (moved, diags)
}

/// Terraform's implied moves for the resources of one module instance: an
/// object without a key becomes `[0]` when the resource now has `count`,
/// and `[0]` loses its key when the resource has neither `count` nor
/// `for_each` any more (unless the target already exists).
fn implied_moves(
    module: &terrane_config::Module,
    m: &ModuleInstance,
    state: &mut StateFile,
    moved: &mut HashMap<String, String>,
) {
    let ms = m.to_string();
    // This module instance's managed resources by (type, name), built once:
    // looking each configured resource up with a scan of the whole state
    // made planning quadratic (7 s for 10,000 resources).
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (i, r) in state.resources.iter().enumerate() {
        if r.module == ms && r.mode == terrane_state::Mode::Managed {
            index
                .entry((r.resource_type.clone(), r.name.clone()))
                .or_insert(i);
        }
    }
    for (addr, rb) in &module.resources {
        if addr.mode != ResourceMode::Managed {
            continue;
        }
        let (from, to) = if rb.count.is_some() {
            (InstanceKey::None, InstanceKey::Int(0))
        } else if rb.for_each.is_none() {
            (InstanceKey::Int(0), InstanceKey::None)
        } else {
            continue;
        };
        let (from, to) = (
            crate::prior::key_to_state(&from),
            crate::prior::key_to_state(&to),
        );
        let Some(r) = index
            .get(&(addr.type_name.clone(), addr.name.clone()))
            .and_then(|&i| state.resources.get_mut(i))
        else {
            continue;
        };
        if r.instances.iter().any(|o| o.index_key == to)
            || !r.instances.iter().any(|o| o.index_key == from)
        {
            continue;
        }
        let module_name = r.module.clone();
        let mut pairs = Vec::new();
        for o in r.instances.iter_mut().filter(|o| o.index_key == from) {
            o.index_key = to.clone();
            pairs.push(o.clone());
        }
        for o in pairs {
            let new = instance_string(&module_name, r, &o);
            let mut old = o.clone();
            old.index_key = from.clone();
            record(moved, new, instance_string(&module_name, r, &old));
        }
    }
}

/// Applies one module instance's `moved` blocks; true when any moved an
/// object. Address errors are reported once (`report`), not per instance.
fn explicit_moves(
    blocks: &[terrane_config::Moved],
    m: &ModuleInstance,
    state: &mut StateFile,
    moved: &mut HashMap<String, String>,
    diags: &mut Diagnostics,
    report: bool,
) -> bool {
    let mut changed = false;
    for mv in blocks {
        let (from, to) = match (target_in(m, &mv.from), target_in(m, &mv.to)) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(d), _) | (_, Err(d)) => {
                if report {
                    diags.push(d);
                }
                continue;
            }
        };
        let (from, to) = unify(from, to);
        match (from, to) {
                (Target::Module(f), Target::Module(t)) => {
                    let fs = f.to_string();
                    let ts = t.to_string();
                    // A whole call (no key on either side) moves every
                    // instance, keeping its key.
                    let whole = |m: &ModuleInstance| m.0.last().is_some_and(|s| s.key == InstanceKey::None);
                    let instances = whole(&f) && whole(&t);
                    let taken = |m: &str| {
                        m == ts
                            || m.starts_with(&format!("{ts}."))
                            || (instances && m.starts_with(&format!("{ts}[")))
                    };
                    if state.resources.iter().any(|r| taken(&r.module)) {
                        continue;
                    }
                    for r in &mut state.resources {
                        let new = if r.module == fs {
                            Some(ts.clone())
                        } else if let Some(rest) = r.module.strip_prefix(&format!("{fs}.")) {
                            Some(format!("{ts}.{rest}"))
                        } else if instances && r.module.starts_with(&format!("{fs}[")) {
                            Some(format!("{ts}{}", &r.module[fs.len()..]))
                        } else {
                            None
                        };
                        if let Some(new) = new {
                            for o in &r.instances {
                                let old_addr = instance_string(&r.module, r, o);
                                let new_addr = instance_string(&new, r, o);
                                changed = true;
record(moved, new_addr, old_addr);
                            }
                            r.module = new;
                        }
                    }
                }
                (Target::Resource(f), Target::Resource(t)) => {
                    let fm = f.module.to_string();
                    let tm = t.module.to_string();
                    if state.resource(&tm, state_mode(t.resource.mode), &t.resource.type_name, &t.resource.name).is_some() {
                        continue;
                    }
                    if let Some(r) = state.resource_mut(&fm, state_mode(f.resource.mode), &f.resource.type_name, &f.resource.name) {
                        let olds: Vec<String> = r.instances.iter().map(|o| instance_string(&r.module, r, o)).collect();
                        r.module = tm;
                        r.resource_type = t.resource.type_name.clone();
                        r.name = t.resource.name.clone();
                        for (o, old) in r.instances.iter().zip(olds) {
                            changed = true;
record(moved, instance_string(&r.module, r, o), old);
                        }
                    }
                }
                (Target::Instance(f), Target::Instance(t)) => {
                    let fa = InstanceAddr {
                        module: f.module.to_string(),
                        mode: state_mode(f.resource.resource.mode),
                        resource_type: f.resource.resource.type_name.clone(),
                        name: f.resource.resource.name.clone(),
                        index_key: crate::prior::key_to_state(&f.resource.key),
                        deposed: None,
                    };
                    let ta = InstanceAddr {
                        module: t.module.to_string(),
                        mode: state_mode(t.resource.resource.mode),
                        resource_type: t.resource.resource.type_name.clone(),
                        name: t.resource.resource.name.clone(),
                        index_key: crate::prior::key_to_state(&t.resource.key),
                        deposed: None,
                    };
                    if state.object(&ta).is_some() {
                        continue;
                    }
                    let provider = state.resource_of(&fa).map(|r| r.provider.clone());
                    if let (Some(p), Some(o)) = (provider, state.remove_object(&fa)) {
                        state.upsert_object(&ta, &p, o);
                        changed = true;
record(moved, ta.to_string(), fa.to_string());
                    }
                }
                _ if report => diags.push(
                    Diagnostic::error("Invalid \"moved\" addresses", "The \"from\" and \"to\" addresses must both be resources, resource instances or module calls.")
                        .with_subject(mv.decl_range.clone()),
                ),
                _ => {}
            }
    }
    changed
}

/// A resource paired with an instance stands for its instance without a
/// key (`a` -> `a[0]` when count is added), as in Terraform.
fn unify(from: Target, to: Target) -> (Target, Target) {
    match (from, to) {
        (Target::Resource(f), t @ Target::Instance(_)) => {
            (Target::Instance(f.instance(InstanceKey::None)), t)
        }
        (f @ Target::Instance(_), Target::Resource(t)) => {
            (f, Target::Instance(t.instance(InstanceKey::None)))
        }
        other => other,
    }
}

/// Records that the object now at `new` was at `old`: through a chain of
/// moves (`a` -> `b`, `b` -> `c`) it was at the chain's first address.
fn record(moved: &mut HashMap<String, String>, new: String, old: String) {
    let first = moved.remove(&old).unwrap_or(old);
    moved.insert(new, first);
}

/// The address of a state object as text (`module.m[0].t.n["k"]`).
pub(crate) fn instance_string(
    module: &str,
    r: &terrane_state::Resource,
    o: &terrane_state::InstanceObject,
) -> String {
    InstanceAddr {
        module: module.to_string(),
        mode: r.mode,
        resource_type: r.resource_type.clone(),
        name: r.name.clone(),
        index_key: o.index_key.clone(),
        deposed: None,
    }
    .to_string()
}

/// The `removed` block (and its `destroy` setting) covering an instance
/// address, if any.
pub fn removed_destroy(config: &Config, address: &str) -> Option<bool> {
    for c in config.walk() {
        for r in &c.module.removed {
            let mut from = expr_text(&r.from);
            if !c.path.is_root() {
                from = format!("{}.{from}", c.path);
            }
            if address == from
                || address.starts_with(&format!("{from}["))
                || address.starts_with(&format!("{from}."))
            {
                return Some(r.destroy);
            }
        }
    }
    None
}
