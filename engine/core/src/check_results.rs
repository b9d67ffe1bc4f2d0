//! The state's `check_results` after an apply: every checkable object of
//! the configuration (input variables with validations, resources with
//! pre/postconditions, outputs with preconditions, check blocks) with the
//! status of each of its instances, as Terraform records them.
//!
//! Variable validations and resource/output conditions are errors when
//! they fail, so after a successful apply they have all passed; check
//! blocks carry their own outcomes ([`CheckOutcomes`]). A destroy leaves
//! every checkable object `unknown`, as Terraform's does.

use crate::checks::CheckOutcomes;
use crate::walker::Walker;
use terrane_addrs::{ModuleInstance, ResourceMode};
use terrane_config::Config;
use terrane_state::{CheckObjectResult, CheckResult, StateFile};

const PASS: &str = "pass";
const FAIL: &str = "fail";
const UNKNOWN: &str = "unknown";

fn object(addr: String, status: &str, failure_messages: Vec<String>) -> CheckObjectResult {
    CheckObjectResult {
        object_addr: addr,
        status: status.to_string(),
        failure_messages,
        extra: Default::default(),
    }
}

/// The status of a checkable object from its instances' statuses.
fn aggregate(objects: &[CheckObjectResult]) -> &'static str {
    if objects.iter().any(|o| o.status == FAIL) {
        FAIL
    } else if objects.iter().any(|o| o.status == UNKNOWN) {
        UNKNOWN
    } else {
        PASS
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

/// Instance addresses of a resource in the module instance `m`, from the
/// new state.
fn resource_instances(
    state: &StateFile,
    m: &ModuleInstance,
    mode: ResourceMode,
    type_name: &str,
    name: &str,
) -> Vec<String> {
    let module = m.to_string();
    let mode = crate::apply::state_mode(mode);
    state
        .resources
        .iter()
        .filter(|r| {
            r.module == module && r.mode == mode && r.resource_type == type_name && r.name == name
        })
        .flat_map(|r| {
            r.instances
                .iter()
                .filter(|o| o.deposed.is_none())
                .map(|o| crate::moves::instance_string(&r.module, r, o))
        })
        .collect()
}

/// The check results of `config` after an apply that produced `state`
/// (`None` when nothing in the configuration is checkable).
pub(crate) fn build(
    config: &Config,
    w: &Walker<'_>,
    state: &StateFile,
    outcomes: &CheckOutcomes,
    destroy: bool,
) -> Option<Vec<CheckResult>> {
    let mut out = Vec::new();
    for c in config.walk() {
        let cfg = prefix(c.path.to_string());
        let instances = w.scopes.instances(&c.path);
        let per_instance = |what: &str| -> Vec<CheckObjectResult> {
            instances
                .iter()
                .map(|m| object(format!("{}{what}", prefix(m.to_string())), PASS, Vec::new()))
                .collect()
        };
        let m = &c.module;
        for (n, v) in &m.variables {
            if v.validations.is_empty() {
                continue;
            }
            let addr = format!("{cfg}var.{n}");
            out.push(if destroy {
                result("var", addr, UNKNOWN, Vec::new())
            } else {
                result("var", addr, PASS, per_instance(&format!("var.{n}")))
            });
        }
        for (addr, rb) in &m.resources {
            if rb.lifecycle.preconditions.is_empty() && rb.lifecycle.postconditions.is_empty() {
                continue;
            }
            let config_addr = format!("{cfg}{addr}");
            if destroy {
                out.push(result("resource", config_addr, UNKNOWN, Vec::new()));
                continue;
            }
            let objects = instances
                .iter()
                .flat_map(|mi| {
                    resource_instances(state, mi, addr.mode, &addr.type_name, &addr.name)
                })
                .map(|a| object(a, PASS, Vec::new()))
                .collect();
            out.push(result("resource", config_addr, PASS, objects));
        }
        for (n, o) in &m.outputs {
            if o.preconditions.is_empty() {
                continue;
            }
            let addr = format!("{cfg}output.{n}");
            out.push(if destroy {
                // Terraform lists the root module's outputs, undecided.
                let objects = if c.path.is_root() {
                    vec![object(format!("output.{n}"), UNKNOWN, Vec::new())]
                } else {
                    Vec::new()
                };
                result("output", addr, UNKNOWN, objects)
            } else {
                result("output", addr, PASS, per_instance(&format!("output.{n}")))
            });
        }
        for n in m.checks.keys() {
            let addr = format!("{cfg}check.{n}");
            if destroy {
                out.push(result("check", addr, UNKNOWN, Vec::new()));
                continue;
            }
            let objects: Vec<CheckObjectResult> = instances
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
            let status = aggregate(&objects);
            out.push(result("check", addr, status, objects));
        }
    }
    out.sort_by(|a, b| a.config_addr.cmp(&b.config_addr));
    (!out.is_empty()).then_some(out)
}
