//! Check results: every checkable object of the configuration (input
//! variables with validations, resources with pre/postconditions, outputs
//! with preconditions, check blocks) with the status of each of its
//! instances, as Terraform records them in a plan (`show -json`'s
//! `checks`) and in the state after an apply (`check_results`).
//!
//! Statuses are judged from what the walk left in the scopes ([`eval`]):
//! after a plan each condition is evaluated against the planned values
//! (pass, fail, or unknown when it depends on values known only after
//! apply); during an apply each resource node's conditions are checked
//! once the node is done (a failure is an error that stops what depends
//! on it) and recorded, and the objects the plan listed that the apply
//! never reached stay `unknown` — so a failed apply records what it did
//! evaluate, as Terraform's does. Check blocks carry their own outcomes
//! ([`CheckOutcomes`]). A destroy leaves every checkable object
//! `unknown`.

mod eval;

use crate::checks::CheckOutcomes;
use crate::plan::{Plan, PlanMode};
use crate::scope::RepData;
use crate::walker::Walker;
pub(crate) use eval::error_message;
use eval::{aggregate, judge, Conditions, Judged};
use std::collections::BTreeMap;
use terrane_addrs::{ModulePath, Resource};
use terrane_config::{Config, ResourceBlock};
use terrane_state::{CheckObjectResult, CheckResult};

const PASS: &str = "pass";
const FAIL: &str = "fail";
const ERROR: &str = "error";
const UNKNOWN: &str = "unknown";

/// Resource condition results recorded during an apply, by configuration
/// address: each instance's address and status.
pub(crate) type Recorded = BTreeMap<String, BTreeMap<String, Judged>>;

fn object(addr: String, status: &str, failure_messages: Vec<String>) -> CheckObjectResult {
    CheckObjectResult {
        object_addr: addr,
        status: status.to_string(),
        failure_messages,
        extra: Default::default(),
    }
}

fn result(
    kind: &str,
    config_addr: String,
    status: &str,
    mut objects: Vec<CheckObjectResult>,
) -> CheckResult {
    objects.sort_by(|a, b| a.object_addr.cmp(&b.object_addr));
    CheckResult {
        object_kind: kind.to_string(),
        config_addr,
        status: status.to_string(),
        objects: (!objects.is_empty()).then_some(objects),
        extra: Default::default(),
    }
}

fn prefix(display: String) -> String {
    if display.is_empty() {
        display
    } else {
        format!("{display}.")
    }
}

/// Where resource statuses come from.
enum Resources<'a> {
    /// Judged now, from the planned changes (failures were reported by the
    /// planner already).
    Judge(&'a crate::plan::ChangesByAddress),
    /// Recorded during an apply; the plan's objects fill in the rest as
    /// `unknown`.
    Recorded {
        planned: Option<&'a [CheckResult]>,
        recorded: &'a Recorded,
    },
}

fn judged_object(addr: String, j: Judged) -> CheckObjectResult {
    object(addr, j.status, j.messages)
}

/// The statuses of `rb`'s instances in every instance of module `p`.
fn resource_objects(
    w: &mut Walker<'_>,
    p: &ModulePath,
    rb: &ResourceBlock,
    config_addr: &str,
    source: &Resources<'_>,
) -> Option<Vec<CheckObjectResult>> {
    match source {
        Resources::Judge(planned) => {
            let mut objects = Vec::new();
            for m in w.scopes.instances(p) {
                let judged =
                    eval::resource_instances(w, &m, rb, Some(planned), Conditions::Both, false)?;
                objects.extend(judged.into_iter().map(|(a, j)| judged_object(a, j)));
            }
            Some(objects)
        }
        Resources::Recorded { planned, recorded } => {
            let mut by_addr: BTreeMap<String, Judged> = planned
                .iter()
                .flat_map(|p| p.iter())
                .filter(|r| r.config_addr == config_addr)
                .flat_map(|r| r.objects.iter().flatten())
                .map(|o| (o.object_addr.clone(), Judged::unknown()))
                .collect();
            for (a, j) in recorded.get(config_addr).into_iter().flatten() {
                by_addr.insert(a.clone(), j.clone());
            }
            Some(
                by_addr
                    .into_iter()
                    .map(|(a, j)| judged_object(a, j))
                    .collect(),
            )
        }
    }
}

/// Every checkable object left undecided, as a destroy leaves them.
fn destroyed(config: &Config) -> Option<Vec<CheckResult>> {
    let mut out = Vec::new();
    for c in config.walk() {
        let cfg = prefix(c.path.to_string());
        let m = &c.module;
        for (n, v) in &m.variables {
            if !v.validations.is_empty() {
                out.push(result("var", format!("{cfg}var.{n}"), UNKNOWN, Vec::new()));
            }
        }
        for (addr, rb) in &m.resources {
            if !rb.lifecycle.preconditions.is_empty() || !rb.lifecycle.postconditions.is_empty() {
                out.push(result(
                    "resource",
                    format!("{cfg}{addr}"),
                    UNKNOWN,
                    Vec::new(),
                ));
            }
        }
        for (n, o) in &m.outputs {
            if o.preconditions.is_empty() {
                continue;
            }
            // Terraform lists the root module's outputs, undecided.
            let objects = if c.path.is_root() {
                vec![object(format!("output.{n}"), UNKNOWN, Vec::new())]
            } else {
                Vec::new()
            };
            out.push(result(
                "output",
                format!("{cfg}output.{n}"),
                UNKNOWN,
                objects,
            ));
        }
        for n in m.checks.keys() {
            out.push(result(
                "check",
                format!("{cfg}check.{n}"),
                UNKNOWN,
                Vec::new(),
            ));
        }
    }
    finish(out)
}

fn finish(mut out: Vec<CheckResult>) -> Option<Vec<CheckResult>> {
    out.sort_by(|a, b| a.config_addr.cmp(&b.config_addr));
    (!out.is_empty()).then_some(out)
}

/// The check results of `config` from the walker's scopes.
fn collect(
    config: &Config,
    w: &mut Walker<'_>,
    outcomes: &CheckOutcomes,
    resources: &Resources<'_>,
) -> Option<Vec<CheckResult>> {
    let mut out = Vec::new();
    for c in config.walk() {
        let cfg = prefix(c.path.to_string());
        let instances = w.scopes.instances(&c.path);
        let m = &c.module;
        for (n, v) in &m.variables {
            if v.validations.is_empty() {
                continue;
            }
            let objects = instances
                .iter()
                .map(|mi| {
                    let j = judge(w, mi, &v.validations, &RepData::default(), None, None);
                    judged_object(format!("{}var.{n}", prefix(mi.to_string())), j)
                })
                .collect();
            out.push(aggregated("var", format!("{cfg}var.{n}"), objects));
        }
        for (addr, rb) in &m.resources {
            if rb.lifecycle.preconditions.is_empty() && rb.lifecycle.postconditions.is_empty() {
                continue;
            }
            let config_addr = format!("{cfg}{addr}");
            out.push(
                match resource_objects(w, &c.path, rb, &config_addr, resources) {
                    Some(objects) => aggregated("resource", config_addr, objects),
                    None => result("resource", config_addr, UNKNOWN, Vec::new()),
                },
            );
        }
        for (n, o) in &m.outputs {
            if o.preconditions.is_empty() {
                continue;
            }
            let objects = instances
                .iter()
                .map(|mi| {
                    let evaluated = w
                        .scopes
                        .mods
                        .get(mi)
                        .is_some_and(|s| s.outputs.contains_key(n));
                    let j = if evaluated {
                        judge(w, mi, &o.preconditions, &RepData::default(), None, None)
                    } else {
                        Judged::unknown()
                    };
                    judged_object(format!("{}output.{n}", prefix(mi.to_string())), j)
                })
                .collect();
            out.push(aggregated("output", format!("{cfg}output.{n}"), objects));
        }
        for n in m.checks.keys() {
            let objects = instances
                .iter()
                .map(|mi| {
                    let o = outcomes
                        .get(&(mi.clone(), n.clone()))
                        .cloned()
                        .unwrap_or_default();
                    let status = if !o.failures.is_empty() {
                        FAIL
                    } else if o.unknown {
                        UNKNOWN
                    } else {
                        PASS
                    };
                    object(
                        format!("{}check.{n}", prefix(mi.to_string())),
                        status,
                        o.failures,
                    )
                })
                .collect();
            out.push(aggregated("check", format!("{cfg}check.{n}"), objects));
        }
    }
    finish(out)
}

fn aggregated(kind: &str, config_addr: String, objects: Vec<CheckObjectResult>) -> CheckResult {
    let status = aggregate(objects.iter().map(|o| o.status.as_str()));
    result(kind, config_addr, status, objects)
}

/// The check results of a plan (`None` when nothing is checkable).
pub(crate) fn for_plan(
    config: &Config,
    w: &mut Walker<'_>,
    planned: &crate::plan::ChangesByAddress,
    outcomes: &CheckOutcomes,
    mode: PlanMode,
) -> Option<Vec<CheckResult>> {
    if mode == PlanMode::Destroy {
        return destroyed(config);
    }
    collect(config, w, outcomes, &Resources::Judge(planned))
}

/// The check results after applying `plan`, successful or not: what the
/// apply evaluated, the rest of the plan's objects `unknown`.
pub(crate) fn after_apply(
    config: &Config,
    w: &mut Walker<'_>,
    plan: &Plan,
    outcomes: &CheckOutcomes,
    recorded: &Recorded,
) -> Option<Vec<CheckResult>> {
    match plan.mode {
        PlanMode::Destroy => destroyed(config),
        // As Terraform: a refresh-only apply records the plan's results.
        PlanMode::RefreshOnly => plan.checks.clone(),
        PlanMode::Normal => collect(
            config,
            w,
            outcomes,
            &Resources::Recorded {
                planned: plan.checks.as_deref(),
                recorded,
            },
        ),
    }
}

/// One apply-time resource node: what [`crate::apply::prepare_resource_node`]
/// takes besides the walker.
pub(crate) type Node<'n, 's, 'c> = (
    &'n crate::apply::Shared<'s>,
    &'n std::collections::HashMap<String, &'c crate::plan::ResourceChange>,
    petgraph::graph::NodeIndex,
    &'n ModulePath,
    &'n Resource,
);

/// Prepares a resource node for apply between its condition checks: its
/// preconditions first (a failure leaves the node unapplied), its
/// postconditions once its values are known (at once for a node without
/// provider calls; otherwise when its job is done, see
/// [`check_postconditions`]).
pub(crate) async fn prepare_checked<'c>(
    w: &mut Walker<'_>,
    (sh, by_addr, idx, p, addr): Node<'_, '_, 'c>,
    recorded: &mut Recorded,
) -> crate::apply::Prepared<'c> {
    use crate::apply::Prepared;
    if !check_preconditions(w, p, addr, recorded) {
        return Prepared::Done(false);
    }
    match crate::apply::prepare_resource_node(w, sh, by_addr, idx, p, addr).await {
        Prepared::Done(ok) => Prepared::Done(check_postconditions(w, p, addr, recorded) && ok),
        job => job,
    }
}

/// Checks the preconditions of the resource `addr` of module `p` before
/// its apply-time node runs, reporting failures as errors and recording
/// every instance's status. False when one failed (then the node is not
/// applied).
pub(crate) fn check_preconditions(
    w: &mut Walker<'_>,
    p: &ModulePath,
    addr: &Resource,
    recorded: &mut Recorded,
) -> bool {
    check_node(w, p, addr, Conditions::Pre, recorded)
}

/// Checks the postconditions of the resource `addr` of module `p` once its
/// apply-time node is done, as [`check_preconditions`] does.
pub(crate) fn check_postconditions(
    w: &mut Walker<'_>,
    p: &ModulePath,
    addr: &Resource,
    recorded: &mut Recorded,
) -> bool {
    check_node(w, p, addr, Conditions::Post, recorded)
}

fn check_node(
    w: &mut Walker<'_>,
    p: &ModulePath,
    addr: &Resource,
    which: Conditions,
    recorded: &mut Recorded,
) -> bool {
    let Some(rb) = w
        .config
        .descendant(p)
        .and_then(|c| c.module.resources.get(addr))
    else {
        return true;
    };
    let rules = match which {
        Conditions::Pre => &rb.lifecycle.preconditions,
        _ => &rb.lifecycle.postconditions,
    };
    if rules.is_empty() {
        return true;
    }
    let config_addr = format!("{}{addr}", prefix(p.to_string()));
    let mut ok = true;
    for m in w.scopes.instances(p) {
        for (a, j) in eval::resource_instances(w, &m, rb, None, which, true).unwrap_or_default() {
            ok &= j.status != FAIL;
            let objects = recorded.entry(config_addr.clone()).or_default();
            let judged = match objects.remove(&a) {
                Some(before) => before.and(j),
                None => j,
            };
            objects.insert(a, judged);
        }
    }
    ok
}
