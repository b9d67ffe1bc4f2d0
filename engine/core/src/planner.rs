//! Planning: refresh, evaluate and ask providers for planned states, and
//! decide every resource instance's action.

use crate::decode::{overlay_paths, proposed_new};
use crate::graph::{build_graph, provider_key, resource_meta_refs, NodeKey};
use crate::plan::{
    Action, ActionReason, InstanceKey as PlanKey, Mode, OutputChange, Plan, PlanMode,
    ResourceChange,
};
use crate::prior::{PriorObject, PriorState};
use crate::providers::ProviderRegistry;
use crate::scope::{ModScope, RepData, Repetition, Scopes};
use crate::sources::Sources;
use crate::walker::{instance_addr, mark_schema_sensitive, Walker};
use crate::{typed_json, Hooks};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, Resource, ResourceMode, Target};
use terrane_config::{Config, IgnoreChanges, ResourceBlock};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::{EvalContext, RefStep};
use terrane_provider::{
    ConfigKind, ConfiguredProvider, PlanChangeRequest, Provider, ReadDataSourceRequest, Schema,
    ValidateRequest,
};
use terrane_state::StateFile;
use terrane_value::{Kind, Type, Value};

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// Normal, destroy or refresh-only.
    pub mode: PlanMode,
    /// Refresh prior state first (`-refresh=false` turns it off).
    pub refresh: bool,
    /// `-target` addresses.
    pub targets: Vec<Target>,
    /// `-exclude` addresses: left out with everything depending on them.
    pub excludes: Vec<Target>,
    /// `-replace` instance addresses.
    pub replace: Vec<String>,
    /// Root module input variables, already resolved.
    pub variables: BTreeMap<String, Value>,
    /// `terraform.workspace`.
    pub workspace: String,
    /// The working directory (`path.cwd`, base of relative file paths).
    pub cwd: PathBuf,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            mode: PlanMode::Normal,
            refresh: true,
            targets: Vec::new(),
            excludes: Vec::new(),
            replace: Vec::new(),
            variables: BTreeMap::new(),
            workspace: "default".into(),
            cwd: PathBuf::from("."),
        }
    }
}

/// Converts an address key to the plan's key type.
pub fn plan_key(k: &InstanceKey) -> PlanKey {
    match k {
        InstanceKey::None => PlanKey::None,
        InstanceKey::Int(i) => PlanKey::Int(*i as u64),
        InstanceKey::String(s) => PlanKey::Str(s.clone()),
    }
}

/// Equality ignoring marks.
pub fn same_value(a: &Value, b: &Value) -> bool {
    a.eq_ignoring_marks(b)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn new_walker<'a>(
    config: &'a Config,
    graph: &'a crate::graph::Graph,
    state: &StateFile,
    providers: &[Arc<dyn Provider>],
    variables: &BTreeMap<String, Value>,
    workspace: &str,
    cwd: &std::path::Path,
    hooks: &'a dyn Hooks,
) -> Walker<'a> {
    let registry = ProviderRegistry::new(providers);
    let (prior, pdiags) = PriorState::new(state, &registry);
    let mut scopes = Scopes {
        root_dir: config.module.dir.clone(),
        cwd: cwd.to_path_buf(),
        workspace: workspace.to_string(),
        ..Scopes::default()
    };
    scopes.mods.insert(
        ModuleInstance::root(),
        ModScope {
            vars: variables.clone(),
            dir: config.module.dir.clone(),
            ..ModScope::default()
        },
    );
    let mut base = EvalContext::new(terrane_functions::FuncContext {
        base_dir: cwd.to_path_buf(),
        plan_timestamp: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        ..terrane_functions::FuncContext::default()
    });
    base.provider_functions = Some(crate::providers::function_callback(config, providers));
    let mut w = Walker {
        config,
        graph,
        sources: Sources::new(config),
        scopes,
        base,
        registry,
        prior,
        diags: Diagnostics::new(),
        hooks,
        failed: HashSet::new(),
        dep_memo: HashMap::new(),
        cbd: crate::graph::create_before_destroy_nodes(graph, config),
        body_memo: Default::default(),
    };
    w.diags.extend(pdiags);
    w
}

/// The schema of a resource type from its provider.
pub fn resource_schema<'p>(p: &'p dyn Provider, addr: &Resource) -> Option<&'p Schema> {
    let s = p.schema();
    match addr.mode {
        ResourceMode::Data => s.data_sources.get(&addr.type_name),
        _ => s.resources.get(&addr.type_name),
    }
}

/// The set of graph nodes a targeted plan includes: the targets and
/// everything they depend on. `None` when not targeting.
pub(crate) fn targeted_nodes(
    graph: &crate::graph::Graph,
    targets: &[Target],
) -> Option<HashSet<NodeIndex>> {
    if targets.is_empty() {
        return None;
    }
    let mut set = HashSet::new();
    let mut stack = Vec::new();
    for (k, &i) in &graph.index {
        let hit = match k {
            NodeKey::Resource(p, r) => targets.iter().any(|t| match t {
                Target::Resource(a) => a.module.to_path() == *p && a.resource == *r,
                Target::Instance(a) => a.module.to_path() == *p && a.resource.resource == *r,
                Target::Module(mi) => p.0.starts_with(&mi.to_path().0),
            }),
            _ => false,
        };
        if hit {
            stack.push(i);
        }
    }
    while let Some(n) = stack.pop() {
        if set.insert(n) {
            stack.extend(graph.deps(n));
        }
    }
    Some(set)
}

/// True when an instance is selected by the targets (or there are none).
pub(crate) fn instance_targeted(
    targets: &[Target],
    m: &ModuleInstance,
    r: &Resource,
    k: &InstanceKey,
) -> bool {
    targets.is_empty()
        || targets.iter().any(|t| match t {
            Target::Resource(a) => {
                &a.resource == r
                    && (a.module == *m
                        || a.module.to_path() == m.to_path()
                            && a.module.0.iter().all(|s| s.key == InstanceKey::None))
            }
            Target::Instance(a) => {
                &a.resource.resource == r && a.resource.key == *k && a.module == *m
            }
            Target::Module(mi) => {
                m.0.starts_with(&mi.0)
                    || m.to_path().0.starts_with(&mi.to_path().0)
                        && mi.0.iter().all(|s| s.key == InstanceKey::None)
            }
        })
        || matches!(r.mode, ResourceMode::Data)
}

/// The resource nodes `-exclude` leaves out: the matches and everything
/// that depends on them.
pub(crate) fn excluded_nodes(
    graph: &crate::graph::Graph,
    excludes: &[Target],
) -> HashSet<NodeIndex> {
    let mut set = HashSet::new();
    let mut stack: Vec<NodeIndex> = graph
        .index
        .iter()
        .filter(|(k, _)| match k {
            NodeKey::Resource(p, r) => excludes.iter().any(|t| match t {
                Target::Resource(a) => a.module.to_path() == *p && a.resource == *r,
                Target::Instance(a) => a.module.to_path() == *p && a.resource.resource == *r,
                Target::Module(mi) => p.0.starts_with(&mi.to_path().0),
            }),
            _ => false,
        })
        .map(|(_, &i)| i)
        .collect();
    while let Some(n) = stack.pop() {
        if set.insert(n) {
            stack.extend(
                graph
                    .graph
                    .neighbors_directed(n, petgraph::Direction::Outgoing),
            );
        }
    }
    set
}

pub(crate) struct PlanRun<'o> {
    pub(crate) opts: &'o PlanOptions,
    pub(crate) changes: BTreeMap<String, ResourceChange>,
    pub(crate) drift: Vec<ResourceChange>,
    /// Resource nodes with any pending (non no-op) change.
    pub(crate) pending: HashSet<NodeIndex>,
    pub(crate) visited: HashSet<(ModuleInstance, Resource)>,
    pub(crate) targeted: Option<HashSet<NodeIndex>>,
    pub(crate) excluded: HashSet<NodeIndex>,
    /// The normal-mode walk a destroy plan starts with: its changes are
    /// dropped and, as Terraform's pre-destroy refresh, it checks no
    /// preconditions or postconditions.
    pub(crate) pre_destroy: bool,
    /// Whether expressions outside the graph's edges read resource values
    /// after the walk (check blocks, import blocks): then every planned
    /// resource keeps its instances' values in scope, not only those other
    /// nodes depend on.
    pub(crate) values_read_after_walk: bool,
}

/// Plans `config` against `state`.
pub async fn plan(
    config: &Config,
    state: &StateFile,
    providers: &[Arc<dyn Provider>],
    opts: &PlanOptions,
    hooks: &dyn Hooks,
) -> (Plan, Diagnostics) {
    let mut plan = Plan {
        mode: opts.mode,
        variables: opts.variables.clone(),
        changes: Vec::new(),
        drift: Vec::new(),
        outputs: BTreeMap::new(),
        prior_serial: state.serial,
        prior_lineage: state.lineage.clone(),
        targets: opts.targets.iter().map(|t| t.to_string()).collect(),
        errored: false,
        checks: None,
    };
    let graph = match build_graph(config) {
        Ok(g) => g,
        Err(d) => {
            plan.errored = true;
            return (plan, d);
        }
    };
    let mut moved_state = state.clone();
    let (moved, move_diags) = crate::moves::apply_moves(config, &mut moved_state);
    let state = &moved_state;
    let mut w = new_walker(
        config,
        &graph,
        state,
        providers,
        &opts.variables,
        &opts.workspace,
        &opts.cwd,
        hooks,
    );
    w.diags.extend(move_diags);
    // A destroy plan starts, as Terraform's does, with a normal-mode walk
    // of the whole configuration (refreshing managed objects and reading
    // data sources; instances missing from state plan as creates, so what
    // refers to them is unknown rather than an error); its changes are
    // dropped, its drift kept.
    let refresh_opts;
    let walk_opts = if opts.mode == PlanMode::Destroy {
        refresh_opts = PlanOptions {
            mode: PlanMode::Normal,
            ..opts.clone()
        };
        &refresh_opts
    } else {
        opts
    };
    let mut run = PlanRun {
        opts: walk_opts,
        changes: BTreeMap::new(),
        drift: Vec::new(),
        pending: HashSet::new(),
        visited: HashSet::new(),
        targeted: targeted_nodes(&graph, &opts.targets),
        excluded: excluded_nodes(&graph, &opts.excludes),
        pre_destroy: opts.mode == PlanMode::Destroy,
        values_read_after_walk: config
            .walk()
            .iter()
            .any(|c| !c.module.checks.is_empty() || !c.module.imports.is_empty()),
    };
    let mut failed_checks = crate::checks::FailedChecks::new();
    if opts.mode != PlanMode::Destroy || opts.refresh {
        let mut batch = crate::plan_node::Batch::default();
        for &idx in &graph.order {
            let key = &graph.graph[idx];
            let failed = w.dependency_failed(idx);
            let plannable = crate::plan_node::plannable(&run, idx, key).filter(|_| !failed);
            if let Some((p, addr)) = plannable {
                if !batch.admits(&w, idx) {
                    batch.flush(&mut w, &mut run).await;
                }
                batch.push(idx, p.clone(), addr.clone());
                continue;
            }
            if !batch.is_empty() {
                batch.flush(&mut w, &mut run).await;
            }
            if w.dependency_failed(idx) {
                w.failed.insert(idx);
                continue;
            }
            let ok = match key {
                NodeKey::Resource(p, addr) => {
                    // Left out by -target/-exclude.
                    keep_prior_values(&mut w, &mut run, p, addr);
                    true
                }
                NodeKey::Provider(k) => configure_provider(&mut w, k).await,
                other => w.eval_value_node(other),
            };
            if !ok {
                w.failed.insert(idx);
            }
        }
        batch.flush(&mut w, &mut run).await;
        plan_orphans(&mut w, &mut run).await;
        if opts.mode != PlanMode::RefreshOnly {
            let before = w.diags.len();
            failed_checks = crate::checks::plan_nested_data(&mut w, &mut run).await;
            if opts.mode == PlanMode::Destroy {
                // Terraform's destroy reads them without reporting.
                let mut kept = std::mem::take(&mut w.diags).into_vec();
                kept.truncate(before);
                w.diags.extend(kept);
            }
        }
    }
    if opts.mode == PlanMode::Destroy {
        run.changes.clear();
        run.pending.clear();
        run.opts = opts;
        run.pre_destroy = false;
        plan_destroy(&mut w, &mut run, state).await;
    }
    plan_outputs(&mut w, &mut plan, state, opts.mode);
    let mut check_outcomes = crate::checks::CheckOutcomes::new();
    if opts.mode != PlanMode::Destroy {
        w.diags
            .extend(crate::moves::validate(config, &w.scopes, &run.changes));
        check_outcomes = crate::checks::evaluate_asserts(&mut w, Some(&failed_checks));
    }
    plan.checks =
        crate::check_results::for_plan(config, &mut w, &run.changes, &check_outcomes, opts.mode);
    for c in run.changes.values_mut() {
        if c.deposed.is_none() {
            c.previous_address = moved.get(&c.address).cloned();
        }
    }
    plan.changes = run.changes.into_values().collect();
    // Address order with numeric instance keys (`[2]` before `[10]`).
    plan.changes.sort_by(|a, b| {
        let data_first = |c: &ResourceChange| c.mode != Mode::Data;
        (
            &a.module_address,
            data_first(a),
            &a.type_name,
            &a.name,
            &a.index,
            &a.deposed,
        )
            .cmp(&(
                &b.module_address,
                data_first(b),
                &b.type_name,
                &b.name,
                &b.index,
                &b.deposed,
            ))
    });
    plan.drift = run.drift;
    plan.errored = w.diags.has_errors();
    (plan, w.diags)
}

pub(crate) async fn configure_provider(w: &mut Walker<'_>, key: &str) -> bool {
    let rp = match w.registry.resolve(w.config, &ModulePath::root(), key) {
        Ok(rp) => rp,
        Err(d) => {
            w.diags.push(d);
            return false;
        }
    };
    match w
        .registry
        .configured(&rp, w.config, &w.scopes, &w.base, &w.sources)
        .await
    {
        Ok(_) => true,
        Err(d) => {
            w.diags.extend(d);
            false
        }
    }
}

fn keep_prior_values(w: &mut Walker<'_>, run: &mut PlanRun<'_>, p: &ModulePath, addr: &Resource) {
    for m in w.scopes.instances(p) {
        run.visited.insert((m.clone(), addr.clone()));
        let Some(pr) = w.prior.resources.get(&(m.clone(), addr.clone())) else {
            // Left out of this plan and not in state: not known yet.
            w.set_resource_values(&m, addr, Repetition::Unknown, BTreeMap::new());
            continue;
        };
        let rep = match pr.current.keys().next() {
            Some(InstanceKey::Int(_)) => Repetition::Count,
            Some(InstanceKey::String(_)) => Repetition::ForEach,
            _ => Repetition::Single,
        };
        let vals = pr
            .current
            .iter()
            .map(|(k, o)| (k.clone(), o.value.clone()))
            .collect();
        w.set_resource_values(&m, addr, rep, vals);
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn drift_change(
    address: &str,
    m: &ModuleInstance,
    addr: &Resource,
    k: &InstanceKey,
    provider: &str,
    before: Value,
    after: Value,
    action: Action,
) -> ResourceChange {
    let mut c = base_change(address, m, addr, k, provider);
    c.action = action;
    c.before = before;
    c.after = after;
    c
}

/// The `id` attribute of an object, if known.
pub fn id_of(v: &Value) -> Option<String> {
    v.get_attr("id")
        .and_then(|i| i.clone().unmark_deep().0.as_str().map(String::from))
}

pub(crate) fn base_change(
    address: &str,
    m: &ModuleInstance,
    addr: &Resource,
    k: &InstanceKey,
    provider_config: &str,
) -> ResourceChange {
    let provider_name = provider_config
        .trim_start_matches("provider[\"")
        .split('"')
        .next()
        .unwrap_or("")
        .to_string();
    ResourceChange {
        address: address.to_string(),
        module_address: m.to_string(),
        mode: if addr.mode == ResourceMode::Data {
            Mode::Data
        } else {
            Mode::Managed
        },
        type_name: addr.type_name.clone(),
        name: addr.name.clone(),
        index: plan_key(k),
        previous_address: None,
        deposed: None,
        provider_name,
        provider_config: provider_config.to_string(),
        action: Action::NoOp,
        reason: None,
        before: Value::dynamic_null(),
        after: Value::dynamic_null(),
        replace_paths: Vec::new(),
        private: Vec::new(),
        importing: None,
        depends_on: Vec::new(),
        create_before_destroy: false,
    }
}

pub(crate) fn prevent_destroy_error(address: &str, rb: &ResourceBlock) -> Diagnostic {
    Diagnostic::error(
        "Instance cannot be destroyed",
        format!("Resource {address} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option."),
    )
    .with_subject(rb.decl_range.clone())
}

pub(crate) struct InstanceCtx<'x> {
    pub m: &'x ModuleInstance,
    pub addr: &'x Resource,
    pub key: &'x InstanceKey,
    pub rd: &'x RepData,
    pub address: &'x str,
    pub rb: &'x ResourceBlock,
    pub schema: &'x Schema,
    pub provider: &'x Arc<dyn ConfiguredProvider>,
    pub provider_config: &'x str,
    pub deps: &'x [String],
    pub dep_pending: bool,
    pub cbd: bool,
}

/// The `ignore_changes` paths as attribute-name lists.
pub(crate) fn ignore_paths(rb: &ResourceBlock, schema: &Schema) -> Vec<Vec<String>> {
    match &rb.lifecycle.ignore_changes {
        IgnoreChanges::None => Vec::new(),
        IgnoreChanges::All => schema
            .block
            .attributes
            .iter()
            .filter(|(_, a)| a.optional || a.required)
            .map(|(k, _)| vec![k.clone()])
            .chain(schema.block.blocks.keys().map(|k| vec![k.clone()]))
            .collect(),
        IgnoreChanges::Paths(ps) => ps
            .iter()
            .filter_map(|e| {
                let refs = terrane_lang::references(&e.expr);
                let r = refs.first()?;
                let mut out = vec![r.root.clone()];
                for s in &r.steps {
                    match s {
                        RefStep::Attr(a) | RefStep::Key(a) => out.push(a.clone()),
                        RefStep::Index(_) => break,
                    }
                }
                Some(out)
            })
            .collect(),
    }
}

fn triggered(w: &Walker<'_>, run: &PlanRun<'_>, inst: &InstanceCtx<'_>) -> bool {
    for e in &inst.rb.lifecycle.replace_triggered_by {
        for r in terrane_lang::references(&e.expr) {
            let (res, rest) = match (r.root.as_str(), r.steps.first(), r.steps.get(1)) {
                (
                    "data" | "var" | "local" | "count" | "each" | "path" | "self" | "module"
                    | "terraform",
                    _,
                    _,
                ) => continue,
                (t, Some(RefStep::Attr(n)), _) => (
                    Resource::new(ResourceMode::Managed, t, n.clone()),
                    &r.steps[1..],
                ),
                _ => continue,
            };
            let key = match rest.first() {
                Some(RefStep::Index(i)) => Some(InstanceKey::Int(*i as i64)),
                Some(RefStep::Key(k)) => Some(InstanceKey::String(k.clone())),
                _ => None,
            };
            let changed = |k: &InstanceKey| {
                run.changes
                    .get(&instance_addr(inst.m, &res, k))
                    .is_some_and(|c| !matches!(c.action, Action::NoOp | Action::Read))
            };
            let hit = match key {
                Some(k) => changed(&k),
                None => {
                    let own = changed(inst.key);
                    own || w
                        .scopes
                        .mods
                        .get(inst.m)
                        .and_then(|s| s.resources.get(&res))
                        .is_some_and(|rv| rv.instances.keys().any(changed))
                }
            };
            if hit {
                return true;
            }
        }
    }
    false
}

pub(crate) async fn plan_instance(
    w: &mut Walker<'_>,
    run: &mut PlanRun<'_>,
    inst: &InstanceCtx<'_>,
    prior: Option<&PriorObject>,
) -> Option<ResourceChange> {
    let mut diags = Diagnostics::new();
    let hooks = w.hooks;
    let c = plan_instance_in(w, run, inst, prior.cloned(), None, hooks, &mut diags).await;
    w.diags.extend(diags);
    c
}

/// Plans one instance reading the walker and the run only: what it has to
/// report goes to `diags`, so instances of one resource can be planned on
/// several threads ([`crate::par`]) and merged in key order. `shared`:
/// the body's context roots common to every instance, when the caller
/// built them once ([`crate::scope::Scopes::shared_roots`]); `hooks`: where
/// progress goes (the walker's, or a recording replayed in graph order).
pub(crate) async fn plan_instance_in(
    w: &Walker<'_>,
    run: &PlanRun<'_>,
    inst: &InstanceCtx<'_>,
    prior: Option<PriorObject>,
    shared: Option<&Arc<BTreeMap<String, Value>>>,
    hooks: &dyn Hooks,
    diags: &mut Diagnostics,
) -> Option<ResourceChange> {
    let body = w.body_info(inst.rb);
    let body_refs = &body.refs;
    let block = &inst.schema.block;
    let config = match w.instance_config_in(inst.m, inst.rb, body_refs, inst.rd, block, shared) {
        Ok(v) => v,
        Err(d) => {
            diags.extend(d);
            return None;
        }
    };
    let unmarked_config = config.clone().unmark_deep().0;
    let kind = if inst.addr.mode == ResourceMode::Data {
        ConfigKind::DataSource
    } else {
        ConfigKind::Resource
    };
    let _ = w.registry.by_source(""); // keep registry borrow short
    let mut c = base_change(
        inst.address,
        inst.m,
        inst.addr,
        inst.key,
        inst.provider_config,
    );
    c.depends_on = inst.deps.to_vec();
    c.create_before_destroy = inst.cbd;
    // Preconditions.
    let meta_refs = resource_meta_refs(inst.rb);
    if !inst.rb.lifecycle.preconditions.is_empty() && !run.pre_destroy {
        let ctx = w.scopes.context(&w.base, inst.m, &meta_refs, inst.rd, None);
        for rule in &inst.rb.lifecycle.preconditions {
            if !w.check_rule_into(
                rule,
                &ctx,
                "Resource precondition failed",
                Some(inst.address),
                diags,
            ) {
                return None;
            }
        }
    }
    if let Some(p) = provider_for_validate(w, inst) {
        let resp = p.validate(ValidateRequest {
            kind,
            type_name: inst.addr.type_name.clone(),
            config: unmarked_config.clone(),
        });
        let err = resp.diagnostics.has_errors();
        diags.extend(
            resp.diagnostics
                .into_vec()
                .into_iter()
                .map(|d| d.with_subject(inst.rb.decl_range.clone())),
        );
        if err {
            return None;
        }
    }
    let null_obj = Value::null(inst.schema.block.implied_type());
    if inst.addr.mode == ResourceMode::Data {
        c.before = prior.map(|p| p.value).unwrap_or_else(|| null_obj.clone());
        if unmarked_config.is_wholly_known() && !inst.dep_pending {
            hooks.started(inst.address, Action::Read, None);
            let start = std::time::Instant::now();
            let resp = inst
                .provider
                .read_data_source(ReadDataSourceRequest {
                    type_name: inst.addr.type_name.clone(),
                    config: unmarked_config,
                })
                .await;
            let err = resp.diagnostics.has_errors();
            diags.extend(resp.diagnostics);
            if err {
                // Terraform reports no end to a failed read.
                return None;
            }
            hooks.finished(
                inst.address,
                Action::Read,
                id_of(&resp.state).as_deref(),
                start.elapsed(),
            );
            c.after = mark_schema_sensitive(resp.state, &inst.schema.block);
            c.action = Action::NoOp;
        } else {
            c.after = mark_schema_sensitive(
                proposed_new(&inst.schema.block, &null_obj, &config),
                &inst.schema.block,
            );
            c.action = Action::Read;
            c.reason = Some(if inst.dep_pending && unmarked_config.is_wholly_known() {
                ActionReason::ReadBecauseDependencyPending
            } else {
                ActionReason::ReadBecauseConfigUnknown
            });
        }
        return Some(c);
    }
    let tainted = prior.as_ref().is_some_and(|p| p.object.is_tainted());
    let (prior_val, private) = match prior {
        Some(p) => (Some(p.value), p.object.private),
        None => (None, None),
    };
    c.before = prior_val.clone().unwrap_or_else(|| null_obj.clone());
    c.private = private.unwrap_or_default();
    if run.opts.mode == PlanMode::RefreshOnly {
        match prior_val {
            Some(v) => {
                c.after = v;
                return Some(c);
            }
            None => return None,
        }
    }
    let config = match &prior_val {
        Some(pv) => overlay_paths(&config, pv, &ignore_paths(inst.rb, inst.schema)),
        None => config,
    };
    let requested = run.opts.replace.iter().any(|r| r == inst.address);
    let by_trigger = prior_val.is_some() && triggered(w, run, inst);
    let plan_from = |prior: &Value| PlanChangeRequest {
        type_name: inst.addr.type_name.clone(),
        prior_state: prior.clone().unmark_deep().0,
        proposed_new_state: proposed_new(&inst.schema.block, prior, &config)
            .unmark_deep()
            .0,
        config: config.clone().unmark_deep().0,
        prior_private: c.private.clone(),
    };
    let force_replace = tainted || requested || by_trigger;
    let first_prior = if force_replace {
        null_obj.clone()
    } else {
        c.before.clone()
    };
    let resp = inst.provider.plan_change(plan_from(&first_prior)).await;
    let err = resp.diagnostics.has_errors();
    diags.extend(resp.diagnostics.into_vec().into_iter().map(|d| {
        if d.address.is_none() {
            d.with_address(inst.address)
        } else {
            d
        }
    }));
    if err {
        return None;
    }
    let mut planned = resp.planned_state;
    let mut planned_private = resp.planned_private;
    let cbd = inst.cbd;
    let replace_action = if cbd {
        Action::CreateThenDelete
    } else {
        Action::DeleteThenCreate
    };
    if prior_val.is_none() {
        c.action = Action::Create;
    } else if force_replace {
        c.action = replace_action;
        c.reason = Some(if tainted {
            ActionReason::ReplaceBecauseTainted
        } else if requested {
            ActionReason::ReplaceByRequest
        } else {
            ActionReason::ReplaceByTriggers
        });
    } else if !resp.requires_replace.is_empty() {
        c.replace_paths = resp.requires_replace.clone();
        let r2 = inst.provider.plan_change(plan_from(&null_obj)).await;
        let err = r2.diagnostics.has_errors();
        diags.extend(r2.diagnostics);
        if err {
            return None;
        }
        planned = r2.planned_state;
        planned_private = r2.planned_private;
        c.action = replace_action;
        c.reason = Some(ActionReason::ReplaceBecauseCannotUpdate);
    } else if same_value(&planned, &c.before) {
        c.action = Action::NoOp;
    } else {
        c.action = Action::Update;
    }
    if matches!(
        c.action,
        Action::DeleteThenCreate | Action::CreateThenDelete
    ) && inst.rb.lifecycle.prevent_destroy == Some(true)
    {
        diags.push(prevent_destroy_error(inst.address, inst.rb));
        return None;
    }
    c.after = mark_schema_sensitive(copy_marks(planned, &config), &inst.schema.block);
    c.private = planned_private;
    // Postconditions see the planned object as `self`.
    if !inst.rb.lifecycle.postconditions.is_empty() && !run.pre_destroy {
        let mut refs = meta_refs.clone();
        refs.extend(body_refs.iter().cloned());
        let ctx = w
            .scopes
            .context(&w.base, inst.m, &refs, inst.rd, Some(&c.after));
        for rule in &inst.rb.lifecycle.postconditions {
            let known = terrane_lang::eval(
                &rule.condition.expr,
                &ctx,
                &w.sources.get(&rule.condition.src),
            )
            .map(|v| v.is_known())
            .unwrap_or(true);
            if known
                && !w.check_rule_into(
                    rule,
                    &ctx,
                    "Resource postcondition failed",
                    Some(inst.address),
                    diags,
                )
            {
                return None;
            }
        }
    }
    Some(c)
}

fn provider_for_validate(w: &Walker<'_>, inst: &InstanceCtx<'_>) -> Option<Arc<dyn Provider>> {
    w.registry
        .resolve(w.config, &inst.m.to_path(), &provider_key(inst.rb))
        .ok()
        .map(|r| r.provider)
}

/// Carries sensitive marks of top-level configuration attributes over to
/// the planned value.
pub fn copy_marks(planned: Value, config: &Value) -> Value {
    let (Some(_), Some(cm)) = (planned.as_entries(), config.as_entries()) else {
        return planned;
    };
    let marks = planned.marks;
    let mut out = match planned.kind {
        Kind::Map(_, m) | Kind::Object(m) => m,
        kind => return Value { kind, marks },
    };
    for (k, v) in cm {
        if v.has_sensitive_deep() {
            if let Some(x) = out.remove(k) {
                out.insert(k.clone(), x.mark_sensitive());
            }
        }
    }
    Value::object(out).with_marks(marks)
}

/// Refreshes a resource that is not walked through the graph (an orphan),
/// with its provider configured from what is known; a provider that cannot
/// be configured leaves the prior objects as they are.
async fn refresh_orphan(
    w: &mut Walker<'_>,
    run: &mut PlanRun<'_>,
    rp: &crate::providers::ResolvedProvider,
    schema: &Schema,
    m: &ModuleInstance,
    addr: &Resource,
) {
    if let Ok(provider) = w
        .registry
        .configured(rp, w.config, &w.scopes, &w.base, &w.sources)
        .await
    {
        crate::plan_node::refresh_in_walker(w, run, &provider, schema, m, addr).await;
    }
}

async fn plan_destroy(w: &mut Walker<'_>, run: &mut PlanRun<'_>, _state: &StateFile) {
    let all: Vec<_> = w
        .prior
        .resources
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // The refresh walk has run: objects already gone are drift, not
    // destroyed again.
    for ((m, addr), pr) in all {
        if addr.mode == ResourceMode::Data {
            continue;
        }
        for (k, po) in &pr.current {
            if !instance_targeted(&run.opts.targets, &m, &addr, k) {
                continue;
            }
            let address = instance_addr(&m, &addr, k);
            let mut c = base_change(&address, &m, &addr, k, &po.provider);
            c.action = Action::Delete;
            c.before = po.value.clone();
            c.after = Value::null(po.value.ty());
            c.private = po.object.private.clone().unwrap_or_default();
            if let Some(rb) = w
                .config
                .descendant(&m.to_path())
                .and_then(|c| c.module.resources.get(&addr))
            {
                if rb.lifecycle.prevent_destroy == Some(true) {
                    w.diags.push(prevent_destroy_error(&address, rb));
                }
            }
            run.changes.insert(address, c);
        }
        if let Ok(rp) = w.registry.resolve_state_addr(&pr.provider) {
            if let Some(schema) = resource_schema(rp.provider.as_ref(), &addr) {
                run.changes
                    .extend(crate::plan_node::deposed_changes(&m, &addr, &pr, schema));
            }
        }
    }
}

async fn plan_orphans(w: &mut Walker<'_>, run: &mut PlanRun<'_>) {
    // Only resources the walk did not visit (copying every prior object
    // here would double the state in memory for nothing).
    let all: Vec<_> = w
        .prior
        .resources
        .iter()
        .filter(|(k, _)| !run.visited.contains(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for ((m, addr), pr) in all {
        let module_exists = w.config.descendant(&m.to_path()).is_some()
            && (m.is_root() || w.scopes.mods.contains_key(&m));
        let has_config = module_exists
            && w.config
                .descendant(&m.to_path())
                .is_some_and(|c| c.module.resources.contains_key(&addr));
        if has_config && run.targeted.is_some() {
            continue;
        }
        let Ok(rp) = w.registry.resolve_state_addr(&pr.provider) else {
            continue;
        };
        let Some(schema) = resource_schema(rp.provider.as_ref(), &addr).cloned() else {
            continue;
        };
        if addr.mode == ResourceMode::Data {
            continue; // data sources are simply dropped from state
        }
        if run.opts.refresh {
            refresh_orphan(w, run, &rp, &schema, &m, &addr).await;
        }
        let pr = w
            .prior
            .resources
            .get(&(m.clone(), addr.clone()))
            .cloned()
            .unwrap_or_default();
        for (k, po) in &pr.current {
            if !instance_targeted(&run.opts.targets, &m, &addr, k) {
                continue;
            }
            let address = instance_addr(&m, &addr, k);
            let mut c = base_change(&address, &m, &addr, k, &po.provider);
            if run.opts.mode == PlanMode::RefreshOnly {
                c.before = po.value.clone();
                c.after = po.value.clone();
            } else if crate::moves::removed_destroy(w.config, &address) == Some(false) {
                c.action = Action::Forget;
                c.before = po.value.clone();
                c.after = Value::null(schema.block.implied_type());
            } else {
                c.action = Action::Delete;
                c.reason = Some(if module_exists {
                    ActionReason::DeleteBecauseNoResourceConfig
                } else {
                    ActionReason::DeleteBecauseNoModule
                });
                c.before = po.value.clone();
                c.after = Value::null(schema.block.implied_type());
            }
            c.private = po.object.private.clone().unwrap_or_default();
            run.changes.insert(address, c);
        }
        run.changes
            .extend(crate::plan_node::deposed_changes(&m, &addr, &pr, &schema));
    }
}

/// A state output as a value.
pub fn state_output_value(o: &terrane_state::OutputValue) -> Value {
    let ty = o
        .value_type
        .to_value()
        .ok()
        .and_then(|j| typed_json::type_from_json(&j).ok())
        .unwrap_or(Type::Dynamic);
    let v = Value::from_json_str(o.value.get())
        .ok()
        .and_then(|v| typed_json::typed(v, &ty).ok())
        .unwrap_or_else(Value::dynamic_null);
    if o.sensitive {
        v.mark_sensitive()
    } else {
        v
    }
}

fn plan_outputs(w: &mut Walker<'_>, plan: &mut Plan, state: &StateFile, mode: PlanMode) {
    // Borrowed: a copy of the root scope would copy every resource value.
    let root_outputs = w
        .scopes
        .mods
        .get(&ModuleInstance::root())
        .map(|s| &s.outputs);
    let mut names: Vec<String> = w.config.module.outputs.keys().cloned().collect();
    names.extend(state.outputs.keys().cloned());
    names.sort();
    names.dedup();
    for name in names {
        let before = state
            .outputs
            .get(&name)
            .map(state_output_value)
            .unwrap_or_else(Value::dynamic_null);
        let decl = w.config.module.outputs.get(&name);
        let sensitive = decl.is_some_and(|o| o.sensitive)
            || state.outputs.get(&name).is_some_and(|o| o.sensitive);
        let after = if mode == PlanMode::Destroy {
            Value::dynamic_null()
        } else {
            match (decl, root_outputs.and_then(|o| o.get(&name))) {
                (Some(_), Some(v)) => v.clone(),
                (Some(_), None) => Value::unknown(Type::Dynamic),
                (None, _) => Value::dynamic_null(),
            }
        };
        let action = if before.is_null() && after.is_null() {
            continue;
        } else if before.is_null() {
            Action::Create
        } else if after.is_null() {
            Action::Delete
        } else if same_value(&before, &after) {
            Action::NoOp
        } else {
            Action::Update
        };
        plan.outputs.insert(
            name,
            OutputChange {
                action,
                before,
                after,
                sensitive,
            },
        );
    }
}
