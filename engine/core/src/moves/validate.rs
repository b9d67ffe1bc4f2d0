//! Terraform's checks of `moved` blocks against the planned configuration:
//! a move to the same address, a move from something the configuration
//! still declares (with the instances the plan expanded), and two moves
//! sharing a source or a destination. Moves are applied before planning,
//! so an invalid one has already shaped the plan; these errors keep that
//! plan from being shown or applied, as in Terraform.

use super::{target_in, unify};
use crate::plan::{Action, ChangesByAddress};
use crate::scope::Scopes;
use std::collections::HashMap;
use terrane_addrs::{InstanceKey, ModuleInstance, Target};
use terrane_config::{Config, Expr, ResourceBlock};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};

fn start(r: &SourceRange) -> String {
    format!("{}:{},{}", r.filename, r.start.line, r.start.column)
}

/// The range Terraform blames for an instance still declared: its
/// `for_each` or `count` expression, else the block.
fn blamed(rb: &ResourceBlock, instance: bool) -> SourceRange {
    let by: Option<&Expr> = if instance {
        rb.for_each.as_ref().or(rb.count.as_ref())
    } else {
        None
    };
    by.map_or_else(|| rb.decl_range.clone(), |e| e.range())
}

/// Whether `t` is still declared after planning (`scopes` holds the
/// expanded module instances, `planned` a change for every configured
/// resource instance), and where; with Terraform's long and short nouns
/// for it.
fn declared(
    config: &Config,
    scopes: &Scopes,
    planned: &ChangesByAddress,
    t: &Target,
) -> (Option<SourceRange>, &'static str, &'static str) {
    match t {
        Target::Instance(r) => {
            let rb = config
                .descendant(&r.module.to_path())
                .and_then(|c| c.module.resources.get(&r.resource.resource));
            // Every configured instance has a planned change (no-ops too).
            let exists = planned
                .get(&t.to_string())
                .is_some_and(|c| !matches!(c.action, Action::Delete | Action::Forget));
            let at = rb.filter(|_| exists).map(|rb| blamed(rb, true));
            (at, "resource instance", "instance")
        }
        Target::Resource(r) => {
            let at = config
                .descendant(&r.module.to_path())
                .and_then(|c| c.module.resources.get(&r.resource))
                .filter(|_| scopes.mods.contains_key(&r.module))
                .map(|rb| blamed(rb, false));
            (at, "resource", "resource")
        }
        Target::Module(m) => {
            let Some((last, parent)) = m.0.split_last() else {
                return (None, "module instance", "instance");
            };
            let parent = ModuleInstance(parent.to_vec());
            let call = config
                .descendant(&parent.to_path())
                .and_then(|c| c.module.module_calls.get(&last.name))
                .filter(|_| scopes.mods.contains_key(&parent));
            if last.key == InstanceKey::None && scopes.mods.contains_key(m) {
                // A call without count or for_each: its one instance.
                let at = call.map(|c| c.decl_range.clone());
                return (at, "module call", "call");
            }
            let at = call.filter(|_| scopes.mods.contains_key(m)).map(|c| {
                c.for_each
                    .as_ref()
                    .or(c.count.as_ref())
                    .map_or_else(|| c.decl_range.clone(), |e| e.range())
            });
            (at, "module instance", "instance")
        }
    }
}

/// The errors Terraform reports about the configuration's `moved` blocks
/// once the plan has expanded every module and resource.
pub(crate) fn validate(
    config: &Config,
    scopes: &Scopes,
    planned: &ChangesByAddress,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // Absolute endpoints seen: the other end and the statement's range.
    let mut froms: HashMap<String, (String, SourceRange)> = HashMap::new();
    let mut tos: HashMap<String, (String, SourceRange)> = HashMap::new();
    for c in config.walk() {
        for mv in &c.module.moved {
            for m in scopes.instances(&c.path) {
                let (Ok(from), Ok(to)) = (target_in(&m, &mv.from), target_in(&m, &mv.to)) else {
                    continue;
                };
                let (from, to) = unify(from, to);
                let (f, t) = (from.to_string(), to.to_string());
                let here = mv.decl_range.clone();
                if f == t {
                    diags.push(
                        Diagnostic::error(
                            "Redundant move statement",
                            format!("This statement declares a move from {f} to the same address, which is the same as not declaring this move at all."),
                        )
                        .with_subject(here),
                    );
                    continue;
                }
                let (at, noun, short) = declared(config, scopes, planned, &from);
                if let Some(at) = at {
                    diags.push(
                        Diagnostic::error(
                            "Moved object still exists",
                            format!("This statement declares a move from {f}, but that {noun} is still declared at {}.\n\nChange your configuration so that this {short} will be declared as {t} instead.", start(&at)),
                        )
                        .with_subject(here.clone()),
                    );
                }
                match froms.get(&f) {
                    Some((other, r)) if *other != t => diags.push(
                        Diagnostic::error(
                            "Ambiguous move statements",
                            format!("A statement at {} declared that {f} moved to {other}, but this statement instead declares that it moved to {t}.\n\nEach {noun} can move to only one destination {short}.", start(r)),
                        )
                        .with_subject(here.clone()),
                    ),
                    Some(_) => {}
                    None => {
                        froms.insert(f.clone(), (t.clone(), here.clone()));
                    }
                }
                match tos.get(&t) {
                    Some((other, r)) if *other != f => diags.push(
                        Diagnostic::error(
                            "Ambiguous move statements",
                            format!("A statement at {} declared that {other} moved to {t}, but this statement instead declares that {f} moved there.\n\nEach {noun} can have moved from only one source {short}.", start(r)),
                        )
                        .with_subject(here),
                    ),
                    Some(_) => {}
                    None => {
                        tos.insert(t, (f, here));
                    }
                }
            }
        }
    }
    diags
}
