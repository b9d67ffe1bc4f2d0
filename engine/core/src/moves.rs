//! `moved` blocks: renaming objects in the prior state before planning
//! (resources, instances — including count → for_each keys — and whole
//! module calls), and `removed` block lookups.

use std::collections::HashMap;
use terrane_addrs::{InstanceKey, ModuleInstance, Target};
use terrane_config::{Config, Expr};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_state::{InstanceAddr, StateFile};

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

/// Applies every `moved` block of the configuration (root module and
/// non-expanded child modules) to `state`. Returns new address → previous
/// address for each moved instance.
pub fn apply_moves(
    config: &Config,
    state: &mut StateFile,
) -> (HashMap<String, String>, Diagnostics) {
    let mut moved = HashMap::new();
    let mut diags = Diagnostics::new();
    for c in config.walk() {
        if c.module.moved.is_empty() {
            continue;
        }
        let m = ModuleInstance(
            c.path
                .0
                .iter()
                .map(|n| terrane_addrs::ModuleInstanceStep {
                    name: n.clone(),
                    key: InstanceKey::None,
                })
                .collect(),
        );
        for mv in &c.module.moved {
            let (from, to) = match (target_in(&m, &mv.from), target_in(&m, &mv.to)) {
                (Ok(f), Ok(t)) => (f, t),
                (Err(d), _) | (_, Err(d)) => {
                    diags.push(d);
                    continue;
                }
            };
            match (from, to) {
                (Target::Module(f), Target::Module(t)) => {
                    let fs = f.to_string();
                    let ts = t.to_string();
                    if state.resources.iter().any(|r| r.module == ts || r.module.starts_with(&format!("{ts}."))) {
                        continue;
                    }
                    for r in &mut state.resources {
                        let new = if r.module == fs {
                            Some(ts.clone())
                        } else {
                            r.module.strip_prefix(&format!("{fs}.")).map(|rest| format!("{ts}.{rest}"))
                        };
                        if let Some(new) = new {
                            for o in &r.instances {
                                let old_addr = instance_string(&r.module, r, o);
                                let new_addr = instance_string(&new, r, o);
                                moved.insert(new_addr, old_addr);
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
                            moved.insert(instance_string(&r.module, r, o), old);
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
                        moved.insert(ta.to_string(), fa.to_string());
                    }
                }
                _ => diags.push(
                    Diagnostic::error("Invalid \"moved\" addresses", "The \"from\" and \"to\" addresses must both be resources, resource instances or module calls.")
                        .with_subject(mv.decl_range.clone()),
                ),
            }
        }
    }
    state.remove_empty_resources();
    state.sort();
    (moved, diags)
}

fn instance_string(
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
