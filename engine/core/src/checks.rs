//! `check` blocks: their scoped data sources and their assertions.
//!
//! A data source nested in a check block is not a graph node: nothing
//! outside its check may refer to it, so it is read once the rest of the
//! configuration is planned (or applied), right before the check's
//! assertions. As in Terraform, it is read during plan and again during
//! apply (the plan shows it as "read during apply" with the reason
//! `read_because_check_nested`), its errors are reported as warnings, its
//! object is kept in state like any data source's (after a failed read:
//! the planned object, its unknown attributes null), and a failed read
//! fails its check with the read's errors, its assertions not evaluated.

use crate::graph::{body_references, provider_key};
use crate::plan::{Action, ActionReason, Plan, ResourceChange};
use crate::planner::{base_change, id_of, plan_instance, resource_schema, InstanceCtx, PlanRun};
use crate::scope::RepData;
use crate::walker::{instance_addr, mark_schema_sensitive, Walker};
use crate::Hooks;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, Resource};
use terrane_config::{Config, ResourceBlock};
use terrane_diagnostics::{Diagnostic, Diagnostics, Severity};
use terrane_provider::{ConfiguredProvider, ReadDataSourceRequest, Schema};
use terrane_value::Value;

/// Every check-scoped data source: its module path, check name and block.
pub(crate) fn nested_data(config: &Config) -> Vec<(ModulePath, &str, &ResourceBlock)> {
    let mut out = Vec::new();
    for c in config.walk() {
        for (name, check) in &c.module.checks {
            if let Some(d) = &check.data {
                out.push((c.path.clone(), name.as_str(), d));
            }
        }
    }
    out
}

/// Checks (module instance, check name) whose scoped data source failed
/// to read, with the read's error messages: the check fails with them, and
/// its unknown assertions are not reported as pending.
pub(crate) type FailedChecks = std::collections::HashMap<(ModuleInstance, String), Vec<String>>;

/// True when `addr` in the module at `path` is a check-scoped data source.
pub fn is_nested_data(config: &Config, path: &ModulePath, addr: &Resource) -> bool {
    config.descendant(path).is_some_and(|c| {
        c.module
            .checks
            .values()
            .any(|ch| ch.data.as_ref().is_some_and(|d| d.addr == *addr))
    })
}

/// Turns the diagnostics pushed to `diags` since `from` into warnings
/// about the nested data source at `address`.
fn downgrade_since(diags: &mut Diagnostics, from: usize, address: &str, rb: &ResourceBlock) {
    let all = std::mem::take(diags).into_vec();
    for (i, mut d) in all.into_iter().enumerate() {
        if i >= from {
            d.severity = Severity::Warning;
            d = with_block(d, address, rb);
        }
        diags.push(d);
    }
}

/// Resolves and configures the provider of a nested data source, with its
/// schema. Failures are reported (as errors: they are configuration
/// mistakes, not check results).
async fn provider_of(
    w: &mut Walker<'_>,
    p: &ModulePath,
    rb: &ResourceBlock,
) -> Option<(Arc<dyn ConfiguredProvider>, Schema, String)> {
    let rp = match w.registry.resolve(w.config, p, &provider_key(rb)) {
        Ok(rp) => rp,
        Err(d) => {
            w.diags.push(d.with_subject(rb.decl_range.clone()));
            return None;
        }
    };
    let Some(schema) = resource_schema(rp.provider.as_ref(), &rb.addr).cloned() else {
        w.diags.push(
            Diagnostic::error(
                "Invalid data source",
                format!(
                    "The provider {} does not support data source {:?}.",
                    rp.source, rb.addr.type_name
                ),
            )
            .with_subject(rb.type_range.clone()),
        );
        return None;
    };
    match w
        .registry
        .configured(&rp, w.config, &w.scopes, &w.base, &w.sources)
        .await
    {
        Ok(p) => Some((p, schema, rp.config_addr.clone())),
        Err(d) => {
            w.diags.extend(d);
            None
        }
    }
}

/// The instance keys of a nested data source in one module instance.
fn keys_of(
    w: &mut Walker<'_>,
    m: &ModuleInstance,
    rb: &ResourceBlock,
) -> Option<(crate::scope::Repetition, Vec<(InstanceKey, RepData)>)> {
    match w.expand_resource(m, rb) {
        Ok(x) => Some(x),
        Err(d) => {
            w.diags.extend(d);
            None
        }
    }
}

/// Plans every check-scoped data source: reads it now (errors become
/// warnings) and plans a read during apply. Their values are stored in the
/// walker's scopes for the assertions. Returns the checks whose read failed.
pub(crate) async fn plan_nested_data(w: &mut Walker<'_>, run: &mut PlanRun<'_>) -> FailedChecks {
    let mut failed = FailedChecks::new();
    for (p, check_name, rb) in nested_data(w.config) {
        let Some((provider, schema, provider_config)) = provider_of(w, &p, rb).await else {
            continue;
        };
        for m in w.scopes.instances(&p) {
            let Some((rep, keys)) = keys_of(w, &m, rb) else {
                continue;
            };
            let mut values = BTreeMap::new();
            for (key, rd) in &keys {
                let address = instance_addr(&m, &rb.addr, key);
                let inst = InstanceCtx {
                    m: &m,
                    addr: &rb.addr,
                    key,
                    rd,
                    address: &address,
                    rb,
                    schema: &schema,
                    provider: &provider,
                    provider_config: &provider_config,
                    deps: &[],
                    dep_pending: false,
                    cbd: false,
                };
                let from = w.diags.len();
                // plan_instance reads a known configuration now (reporting
                // Reading.../Read complete through the hooks).
                let planned = plan_instance(w, run, &inst, None).await;
                let messages: Vec<String> = w
                    .diags
                    .iter()
                    .skip(from)
                    .filter(|d| d.severity == Severity::Error)
                    .map(failure_message)
                    .collect();
                downgrade_since(&mut w.diags, from, &address, rb);
                let mut c = match planned {
                    Some(c) => c,
                    None => {
                        // The read failed: its result is known only after apply.
                        failed
                            .entry((m.clone(), check_name.to_string()))
                            .or_default()
                            .extend(messages);
                        let mut c = base_change(&address, &m, &rb.addr, key, &provider_config);
                        let null = Value::null(schema.block.implied_type());
                        let config = w
                            .instance_config(&m, rb, &body_references(&rb.body), rd, &schema.block)
                            .unwrap_or_else(|_| Value::unknown(schema.block.implied_type()));
                        c.before = null.clone();
                        c.after = mark_schema_sensitive(
                            crate::decode::proposed_new(&schema.block, &null, &config),
                            &schema.block,
                        );
                        c
                    }
                };
                if c.action == Action::NoOp || c.reason.is_none() {
                    c.reason = Some(ActionReason::ReadBecauseCheckNested);
                }
                c.action = Action::Read;
                values.insert(key.clone(), c.after.clone());
                run.changes.insert(address, c);
            }
            w.set_resource_values(&m, &rb.addr, rep, values);
        }
    }
    failed
}

/// Reads one planned check-scoped data source during apply. Returns the
/// object to keep in state, if the read produced one.
pub(crate) async fn apply_nested_read(
    w: &mut Walker<'_>,
    hooks: &dyn Hooks,
    c: &ResourceChange,
    failures: &mut Vec<String>,
) -> Option<(ModuleInstance, Resource, InstanceKey, Value, Schema, String)> {
    let (m, _, key) = crate::apply::change_parts(c)?;
    let p = m.to_path();
    let rb = w
        .config
        .descendant(&p)?
        .module
        .checks
        .values()
        .find_map(|ch| {
            ch.data
                .as_ref()
                .filter(|d| d.addr.type_name == c.type_name && d.addr.name == c.name)
        })?;
    let (provider, schema, provider_config) = provider_of(w, &p, rb).await?;
    let (_, keys) = keys_of(w, &m, rb)?;
    let (_, rd) = keys.iter().find(|(k, _)| *k == key)?;
    let refs = body_references(&rb.body);
    let from = w.diags.len();
    let config = match w.instance_config(&m, rb, &refs, rd, &schema.block) {
        Ok(v) => v,
        Err(d) => {
            failures.extend(d.errors().map(failure_message));
            w.diags.extend(d);
            downgrade_since(&mut w.diags, from, &c.address, rb);
            return None;
        }
    };
    hooks.started(&c.address, Action::Read, None);
    let start = std::time::Instant::now();
    let resp = provider
        .read_data_source(ReadDataSourceRequest {
            type_name: rb.addr.type_name.clone(),
            config: config.clone().unmark_deep().0,
        })
        .await;
    let failed = resp.diagnostics.has_errors();
    failures.extend(resp.diagnostics.errors().map(failure_message));
    w.diags.extend(resp.diagnostics);
    downgrade_since(&mut w.diags, from, &c.address, rb);
    let value = if failed {
        // As Terraform: what the configuration says, the rest unknown.
        let null = Value::null(schema.block.implied_type());
        mark_schema_sensitive(
            crate::decode::proposed_new(&schema.block, &null, &config),
            &schema.block,
        )
    } else {
        hooks.finished(
            &c.address,
            Action::Read,
            id_of(&resp.state).as_deref(),
            start.elapsed(),
        );
        mark_schema_sensitive(resp.state.clone(), &schema.block)
    };
    let mut values = BTreeMap::new();
    values.insert(key.clone(), value.clone());
    w.set_resource_values(&m, &rb.addr, crate::scope::Repetition::Single, values);
    // A failed read is kept as Terraform keeps it: the planned object,
    // its unknown attributes null.
    let stored = if failed {
        unknown_as_null(value)
    } else {
        value
    };
    Some((m, rb.addr.clone(), key, stored, schema, provider_config))
}

/// `v` with every unknown value replaced by a null of its type.
fn unknown_as_null(mut v: Value) -> Value {
    use terrane_value::Kind;
    let all = |xs: Vec<Value>| xs.into_iter().map(unknown_as_null).collect();
    let entries = |m: BTreeMap<String, Value>| {
        m.into_iter()
            .map(|(k, x)| (k, unknown_as_null(x)))
            .collect()
    };
    v.kind = match v.kind {
        Kind::Unknown(t) => Kind::Null(t),
        Kind::List(t, xs) => Kind::List(t, all(xs)),
        Kind::Set(t, xs) => Kind::Set(t, all(xs)),
        Kind::Tuple(xs) => Kind::Tuple(all(xs)),
        Kind::Map(t, m) => Kind::Map(t, entries(m)),
        Kind::Object(m) => Kind::Object(entries(m)),
        k => k,
    };
    v
}

/// How a check's failed data source is reported in its check result.
fn failure_message(d: &Diagnostic) -> String {
    format!("{}: {}", d.summary, d.detail)
}

/// The result of one check block instance: failure messages (of its
/// assertions, or of its data source), and whether an assertion could not
/// be decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CheckOutcome {
    pub failures: Vec<String>,
    pub unknown: bool,
}

/// Check block outcomes by (module instance, check name).
pub(crate) type CheckOutcomes = BTreeMap<(ModuleInstance, String), CheckOutcome>;

/// The check block that scopes the data source `r` of module `path`.
fn check_of<'c>(config: &'c Config, path: &ModulePath, r: &Resource) -> Option<&'c str> {
    config
        .descendant(path)?
        .module
        .checks
        .iter()
        .find_map(|(name, ch)| {
            ch.data
                .as_ref()
                .is_some_and(|d| d.addr == *r)
                .then_some(name.as_str())
        })
}

/// Reads every check-scoped data source of the plan again, keeps their
/// objects in the new state and evaluates the check assertions; returns
/// each check's outcome.
pub(crate) async fn apply_checks(
    w: &mut Walker<'_>,
    sh: &crate::apply::Shared<'_>,
    plan: &Plan,
    hooks: &dyn Hooks,
) -> CheckOutcomes {
    let mut data_failures: CheckOutcomes = BTreeMap::new();
    let nested = plan.changes.iter().filter(|c| {
        c.action == Action::Read
            && crate::apply::change_parts(c)
                .is_some_and(|(m, r, _)| is_nested_data(w.config, &m.to_path(), &r))
    });
    for c in nested {
        let mut failures = Vec::new();
        let read = apply_nested_read(w, hooks, c, &mut failures).await;
        if !failures.is_empty() {
            if let Some((m, r, _)) = crate::apply::change_parts(c) {
                if let Some(name) = check_of(w.config, &m.to_path(), &r) {
                    data_failures
                        .entry((m, name.to_string()))
                        .or_default()
                        .failures
                        .extend(failures);
                }
            }
        }
        let Some((m, r, k, v, schema, provider_config)) = read else {
            continue;
        };
        if let Ok(o) = crate::apply::state_object(&v, &schema, &[], &[], false) {
            sh.working.lock().unwrap_or_else(|e| e.into_inner()).put(
                &m,
                &r,
                &k,
                None,
                &provider_config,
                o,
            );
        }
    }
    let mut outcomes = evaluate_asserts(w, None);
    // A check whose data source failed reports that failure, not its
    // (undecidable) assertions.
    for (k, o) in data_failures {
        outcomes.insert(k, o);
    }
    outcomes
}

/// A provider diagnostic about a nested data source names it and points
/// at its block.
fn with_block(d: Diagnostic, address: &str, rb: &ResourceBlock) -> Diagnostic {
    let d = if d.address.is_none() {
        d.with_address(address)
    } else {
        d
    };
    if d.subject.is_none() {
        d.with_subject(rb.decl_range.clone())
    } else {
        d
    }
}

/// Evaluates every check block's assertions: a false condition is a
/// warning. During a plan (`pending` given) an unknown condition is a
/// warning too, and a check whose data source failed to read fails with
/// the read's errors, its assertions left alone; conditions that fail to
/// evaluate are not reported.
pub(crate) fn evaluate_asserts(
    w: &mut Walker<'_>,
    pending: Option<&FailedChecks>,
) -> CheckOutcomes {
    let mut outcomes = CheckOutcomes::new();
    let config = w.config;
    for c in config.walk() {
        for (name, check) in &c.module.checks {
            for m in w.scopes.instances(&c.path) {
                let outcome = outcomes.entry((m.clone(), name.clone())).or_default();
                // A failed data source read fails the check, whose
                // assertions Terraform then leaves unevaluated.
                if let Some(messages) = pending.and_then(|f| f.get(&(m.clone(), name.clone()))) {
                    outcome.failures.extend(messages.iter().cloned());
                    continue;
                }
                for rule in &check.asserts {
                    let mut refs = terrane_lang::references(&rule.condition.expr);
                    refs.extend(terrane_lang::references(&rule.error_message.expr));
                    let ctx = w
                        .scopes
                        .context(&w.base, &m, &refs, &RepData::default(), None);
                    let cond = crate::decode::eval_expr(
                        &rule.condition.expr,
                        &rule.condition.src,
                        &ctx,
                        &w.sources,
                    );
                    let Ok(v) = cond else {
                        outcome.unknown = true;
                        continue;
                    };
                    if !v.is_known() {
                        outcome.unknown = true;
                        if pending.is_some() {
                            w.diags.push(
                                Diagnostic::warning(
                                    "Check block assertion known after apply",
                                    "The condition could not be evaluated at this time, a result will be known when this plan is applied.",
                                )
                                .with_subject(rule.condition.range()),
                            );
                        }
                        continue;
                    }
                    if v.unmark_deep().0.as_bool() != Some(false) {
                        continue;
                    }
                    let msg = crate::check_results::error_message(w, rule, &ctx);
                    outcome.failures.push(msg.clone());
                    // Terraform names no address for a failed assertion.
                    w.diags.push(
                        Diagnostic::warning("Check block assertion failed", msg)
                            .with_subject(rule.condition.range()),
                    );
                }
            }
        }
    }
    outcomes
}
