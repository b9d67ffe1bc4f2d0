//! Planning resource nodes: refresh, expansion, imports and every
//! instance's change, for one node or a batch of independent ones.
//!
//! A node's planning is split in three so that independent work can use
//! every core: [`prepare`] takes what the node needs from the walker's
//! mutable parts (its configured provider, dependency facts, its prior
//! objects, taken out of the walker), [`compute`] plans it reading the
//! walker only and collects everything it would change in a
//! [`NodeOutcome`], and [`NodeOutcome::commit`] applies that to the walker
//! and the run. Consecutive resource nodes of the graph order that do not
//! depend on each other form a batch ([`Batch`]) computed in parallel
//! ([`crate::par`]); within a node, the instances of a large count or
//! for_each are planned in parallel the same way. Commits run in graph
//! order, so plans and diagnostics do not depend on the thread count.

use crate::graph::{provider_key, NodeKey};
use crate::plan::{Action, ActionReason, ResourceChange};
use crate::planner::{
    base_change, drift_change, id_of, instance_targeted, plan_instance_in, prevent_destroy_error,
    resource_schema, same_value, InstanceCtx, PlanRun,
};
use crate::prior::{PriorObject, PriorResource};
use crate::providers::ResolvedProvider;
use crate::scope::Repetition;
use crate::walker::{instance_addr, mark_schema_sensitive, Walker};
use crate::Hooks;
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, Resource, ResourceMode, Target};
use terrane_config::ResourceBlock;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{ConfiguredProvider, ReadRequest, Schema};
use terrane_value::Value;

/// What one resource node's planning takes from the walker before it runs.
pub(crate) struct NodeInput<'c> {
    idx: NodeIndex,
    addr: Resource,
    rb: &'c ResourceBlock,
    rp: ResolvedProvider,
    provider: Arc<dyn ConfiguredProvider>,
    /// `-target` addresses that select instances of this node.
    inst_targets: bool,
    deps: Vec<String>,
    dep_pending: bool,
    cbd: bool,
    /// Whether anything reads this resource's instance values (a node
    /// depending on it, or expressions evaluated after the walk); when
    /// nothing does, they are not kept in scope.
    keep_values: bool,
    /// Each module instance with its prior objects, taken out of the walker.
    mods: Vec<(ModuleInstance, Option<PriorResource>)>,
}

/// Everything planning one node produced, applied by [`NodeOutcome::commit`].
#[derive(Default)]
pub(crate) struct NodeOutcome {
    ok: bool,
    diags: Diagnostics,
    visited: Vec<(ModuleInstance, Resource)>,
    drift: Vec<ResourceChange>,
    changes: Vec<(String, ResourceChange)>,
    pending: Option<NodeIndex>,
    priors: Vec<((ModuleInstance, Resource), PriorResource)>,
    values: Vec<(ModuleInstance, Repetition, BTreeMap<InstanceKey, Value>)>,
    /// Progress of a node computed in a parallel batch, shown at its commit.
    progress: Vec<Progress>,
}

impl NodeOutcome {
    fn failed(diags: Diagnostics) -> NodeOutcome {
        NodeOutcome {
            ok: false,
            diags,
            ..NodeOutcome::default()
        }
    }

    /// Applies the outcome to the walker and the run; false when the node
    /// failed.
    pub(crate) fn commit(self, w: &mut Walker<'_>, run: &mut PlanRun<'_>, addr: &Resource) -> bool {
        for p in &self.progress {
            p.replay(w.hooks);
        }
        run.visited.extend(self.visited);
        w.diags.extend(self.diags);
        run.drift.extend(self.drift);
        for (address, c) in self.changes {
            run.changes.insert(address, c);
        }
        if let Some(idx) = self.pending {
            run.pending.insert(idx);
        }
        w.prior.resources.extend(self.priors);
        for (m, rep, values) in self.values {
            w.set_resource_values(&m, addr, rep, values);
        }
        self.ok
    }
}

/// One progress call of a node computed in a parallel batch.
enum Progress {
    Refreshing(String, Option<String>),
    Refreshed(String, Option<String>),
    Started(String, Action, Option<String>),
    Finished(String, Action, Option<String>, std::time::Duration),
}

impl Progress {
    fn replay(&self, hooks: &dyn Hooks) {
        match self {
            Progress::Refreshing(a, id) => hooks.refreshing(a, id.as_deref()),
            Progress::Refreshed(a, id) => hooks.refreshed(a, id.as_deref()),
            Progress::Started(a, act, id) => hooks.started(a, *act, id.as_deref()),
            Progress::Finished(a, act, id, t) => hooks.finished(a, *act, id.as_deref(), *t),
        }
    }
}

/// Hooks that record a node's progress for its commit: the nodes of a
/// batch run at the same time, but their lines come out in graph order,
/// as from a one-core run.
#[derive(Default)]
struct Recorded(Mutex<Vec<Progress>>);

impl Recorded {
    fn push(&self, p: Progress) {
        if let Ok(mut v) = self.0.lock() {
            v.push(p);
        }
    }

    fn take(self) -> Vec<Progress> {
        self.0.into_inner().unwrap_or_default()
    }
}

impl Hooks for Recorded {
    fn refreshing(&self, addr: &str, id: Option<&str>) {
        self.push(Progress::Refreshing(addr.into(), id.map(String::from)));
    }
    fn refreshed(&self, addr: &str, id: Option<&str>) {
        self.push(Progress::Refreshed(addr.into(), id.map(String::from)));
    }
    fn started(&self, addr: &str, action: Action, id: Option<&str>) {
        self.push(Progress::Started(addr.into(), action, id.map(String::from)));
    }
    fn finished(&self, addr: &str, action: Action, id: Option<&str>, elapsed: std::time::Duration) {
        self.push(Progress::Finished(
            addr.into(),
            action,
            id.map(String::from),
            elapsed,
        ));
    }
}

/// Gathers a resource node's inputs (see the module docs). `Err` carries
/// the outcome of a node that cannot be planned (no configuration: planned
/// trivially; unknown provider or type: failed).
pub(crate) async fn prepare<'c>(
    w: &mut Walker<'c>,
    run: &PlanRun<'_>,
    idx: NodeIndex,
    p: &ModulePath,
    addr: &Resource,
) -> Result<NodeInput<'c>, NodeOutcome> {
    let config = w.config;
    let Some(rb) = config
        .descendant(p)
        .and_then(|c| c.module.resources.get(addr))
    else {
        return Err(NodeOutcome {
            ok: true,
            ..NodeOutcome::default()
        });
    };
    let rp = match w.registry.resolve(config, p, &provider_key(rb)) {
        Ok(rp) => rp,
        Err(d) => {
            return Err(NodeOutcome::failed(
                d.with_subject(rb.decl_range.clone()).into(),
            ))
        }
    };
    if resource_schema(rp.provider.as_ref(), addr).is_none() {
        let (summary, kind) = if addr.mode == ResourceMode::Data {
            ("Invalid data source", "data source")
        } else {
            ("Invalid resource type", "resource type")
        };
        let d = Diagnostic::error(
            summary,
            format!(
                "The provider {} does not support {kind} {:?}.",
                rp.source, addr.type_name
            ),
        )
        .with_subject(rb.type_range.clone());
        return Err(NodeOutcome::failed(d.into()));
    }
    let provider = match w
        .registry
        .configured(&rp, config, &w.scopes, &w.base, &w.sources)
        .await
    {
        Ok(p) => p,
        Err(d) => return Err(NodeOutcome::failed(d)),
    };
    // Instance-level targets apply only to resources named by a target;
    // resources planned because a target depends on them plan every instance.
    let inst_targets = run.opts.targets.iter().any(|t| match t {
        Target::Resource(a) => a.module.to_path() == *p && a.resource == *addr,
        Target::Instance(a) => a.module.to_path() == *p && a.resource.resource == *addr,
        Target::Module(mi) => p.0.starts_with(&mi.to_path().0),
    });
    let deps = w.state_dependencies(idx);
    let dep_pending = w
        .graph
        .resource_deps(idx, &mut w.dep_memo)
        .iter()
        .any(|d| run.pending.contains(d));
    let mods = w
        .scopes
        .instances(p)
        .into_iter()
        .map(|m| {
            let prior = w.prior.resources.remove(&(m.clone(), addr.clone()));
            (m, prior)
        })
        .collect();
    Ok(NodeInput {
        idx,
        addr: addr.clone(),
        rb,
        provider,
        inst_targets,
        deps,
        dep_pending,
        cbd: w.cbd.contains(&idx),
        keep_values: run.values_read_after_walk
            || w.graph
                .graph
                .neighbors_directed(idx, petgraph::Direction::Outgoing)
                .next()
                .is_some(),
        rp,
        mods,
    })
}

/// Plans a prepared node reading the walker only (see the module docs);
/// its progress (refreshes, data reads) goes to `hooks`.
pub(crate) async fn compute(
    w: &Walker<'_>,
    run: &PlanRun<'_>,
    input: NodeInput<'_>,
    hooks: &dyn Hooks,
) -> NodeOutcome {
    let NodeInput {
        idx,
        ref addr,
        rb,
        ref rp,
        ref provider,
        inst_targets,
        ref deps,
        dep_pending,
        cbd,
        keep_values,
        mods,
    } = input;
    // The schema is the provider's own (checked by `prepare`), borrowed
    // rather than copied per node.
    let Some(schema) = resource_schema(rp.provider.as_ref(), addr) else {
        return NodeOutcome::failed(Diagnostics::new());
    };
    let inst_targets: &[Target] = if inst_targets { &run.opts.targets } else { &[] };
    let mut out = NodeOutcome {
        ok: true,
        ..NodeOutcome::default()
    };
    for (m, prior) in mods {
        out.visited.push((m.clone(), addr.clone()));
        let had_prior = prior.is_some();
        let mut prior_res = prior.unwrap_or_default();
        if run.opts.refresh {
            refresh(hooks, provider, schema, &m, addr, &mut prior_res, &mut out).await;
        }
        let prior_key = (m.clone(), addr.clone());
        let (rep, keys) = match w.expand_resource(&m, rb) {
            Ok(x) => x,
            Err(d) => {
                out.diags.extend(
                    d.into_vec()
                        .into_iter()
                        .map(|x| x.with_address(addr.to_string())),
                );
                out.values.push((m, Repetition::Unknown, BTreeMap::new()));
                if had_prior {
                    out.priors.push((prior_key, prior_res));
                }
                out.ok = false;
                continue;
            }
        };
        let (imports, idiags) =
            crate::imports::import_ids(w.config, &w.scopes, &w.base, &w.sources, addr, &m);
        out.diags.extend(idiags);
        let mut importing = BTreeMap::new();
        for (k, id) in imports {
            if prior_res.current.contains_key(&k) || !keys.iter().any(|(x, _)| *x == k) {
                continue;
            }
            let address = instance_addr(&m, addr, &k);
            let imported = import_object(provider, schema, addr, &address, &id, &rp.config_addr);
            let (po, d) = imported.await;
            out.diags.extend(d);
            match po {
                Some(po) => {
                    prior_res.current.insert(k.clone(), po);
                    importing.insert(k, id);
                }
                None => out.ok = false,
            }
        }
        let mut values = BTreeMap::new();
        let mut jobs = Vec::new();
        for (key, rd) in &keys {
            let prior = prior_res.current.get(key);
            if run.opts.mode == crate::plan::PlanMode::RefreshOnly
                && prior.is_none()
                && addr.mode == ResourceMode::Managed
            {
                // Nothing to refresh: a refresh-only plan creates nothing.
                continue;
            }
            if !instance_targeted(inst_targets, &m, addr, key) {
                if let Some(po) = prior {
                    values.insert(key.clone(), po.value.clone());
                }
                continue;
            }
            jobs.push((key, rd, instance_addr(&m, addr, key)));
        }
        // Roots every instance's configuration reads alike, built once.
        let body = w.body_info(rb);
        let shared = Arc::new(w.scopes.shared_roots(&m, &body.refs, &body.sparse));
        // Each job's prior object, handed over to its change: moved out of
        // the node's prior objects unless a destroy plan reads them again.
        let items: Vec<(usize, Option<PriorObject>)> = jobs
            .iter()
            .enumerate()
            .map(|(i, (key, _, _))| {
                let prior = if run.pre_destroy {
                    prior_res.current.get(*key).cloned()
                } else {
                    prior_res.current.remove(*key)
                };
                (i, prior)
            })
            .collect();
        let planned = {
            let (jobs, m, shared) = (&jobs, &m, &shared);
            crate::par::map_jobs(items, |(i, prior)| {
                let (key, rd, address) = &jobs[i];
                let inst = InstanceCtx {
                    m,
                    addr,
                    key,
                    rd,
                    address,
                    rb,
                    schema,
                    provider,
                    provider_config: &rp.config_addr,
                    deps,
                    dep_pending,
                    cbd,
                };
                async move {
                    let mut diags = Diagnostics::new();
                    let c = plan_instance_in(w, run, &inst, prior, Some(shared), hooks, &mut diags)
                        .await;
                    (c, diags)
                }
            })
            .await
        };
        for ((key, _, address), (planned, diags)) in jobs.iter().zip(planned) {
            out.diags.extend(diags);
            match planned {
                Some(mut c) => {
                    c.importing = importing.get(*key).cloned();
                    if keep_values {
                        values.insert((*key).clone(), c.after.clone());
                    }
                    if !matches!(c.action, Action::NoOp) {
                        out.pending = Some(idx);
                    }
                    out.changes.push((address.clone(), c));
                }
                None => {
                    out.ok = false;
                    values.insert((*key).clone(), Value::unknown(schema.block.implied_type()));
                }
            }
        }
        // Instances in state that the configuration no longer has.
        let wanted: HashSet<&InstanceKey> = keys.iter().map(|(k, _)| k).collect();
        for (k, po) in &prior_res.current {
            if wanted.contains(k) || addr.mode == ResourceMode::Data {
                continue;
            }
            if !instance_targeted(inst_targets, &m, addr, k) {
                continue;
            }
            let reason = match (k, rep) {
                (InstanceKey::Int(_), Repetition::Count) => ActionReason::DeleteBecauseCountIndex,
                (InstanceKey::String(_), Repetition::ForEach) => ActionReason::DeleteBecauseEachKey,
                _ => ActionReason::DeleteBecauseWrongRepetition,
            };
            let address = instance_addr(&m, addr, k);
            if rb.lifecycle.prevent_destroy == Some(true) {
                out.diags.push(prevent_destroy_error(&address, rb));
                out.ok = false;
            }
            let mut c = base_change(&address, &m, addr, k, &po.provider);
            c.action = Action::Delete;
            c.reason = Some(reason);
            c.before = po.value.clone();
            c.after = Value::null(schema.block.implied_type());
            c.private = po.object.private.clone().unwrap_or_default();
            out.pending = Some(idx);
            out.changes.push((address, c));
        }
        out.changes
            .extend(deposed_changes(&m, addr, &prior_res, schema));
        // Only a destroy plan reads planned nodes' prior objects again
        // (after its refresh walk); otherwise every change now holds its
        // prior value, and keeping a second copy until the end of the walk
        // would only raise peak memory.
        if had_prior && run.pre_destroy {
            // The prior state holds what state holds: not the imported objects.
            for k in importing.keys() {
                prior_res.current.remove(k);
            }
            out.priors.push((prior_key, prior_res));
        }
        out.values.push((m, rep, values));
    }
    out
}

/// Plans one resource node: [`prepare`], [`compute`], commit.
pub(crate) async fn plan_node(
    w: &mut Walker<'_>,
    run: &mut PlanRun<'_>,
    idx: NodeIndex,
    p: &ModulePath,
    addr: &Resource,
) -> bool {
    let outcome = match prepare(w, run, idx, p, addr).await {
        Ok(input) => compute(w, run, input, w.hooks).await,
        Err(outcome) => outcome,
    };
    outcome.commit(w, run, addr)
}

/// Consecutive resource nodes of the graph order, none depending on
/// another: planned together, in parallel when there are many.
#[derive(Default)]
pub(crate) struct Batch {
    nodes: Vec<(NodeIndex, ModulePath, Resource)>,
    members: HashSet<NodeIndex>,
}

impl Batch {
    /// Whether `idx` may join (it depends on no member).
    pub(crate) fn admits(&self, w: &Walker<'_>, idx: NodeIndex) -> bool {
        !w.graph.deps(idx).any(|d| self.members.contains(&d))
    }

    pub(crate) fn push(&mut self, idx: NodeIndex, p: ModulePath, addr: Resource) {
        self.members.insert(idx);
        self.nodes.push((idx, p, addr));
    }

    /// Plans every node of the batch and commits them in order, marking
    /// failed nodes in the walker. Leaves the batch empty.
    pub(crate) async fn flush(&mut self, w: &mut Walker<'_>, run: &mut PlanRun<'_>) {
        let nodes = std::mem::take(&mut self.nodes);
        self.members.clear();
        if let [(idx, p, addr)] = nodes.as_slice() {
            if !plan_node(w, run, *idx, p, addr).await {
                w.failed.insert(*idx);
            }
            return;
        }
        let mut prepared = Vec::with_capacity(nodes.len());
        for (idx, p, addr) in &nodes {
            prepared.push(prepare(w, run, *idx, p, addr).await);
        }
        let outcomes = {
            let (wr, rr) = (&*w, &*run);
            crate::par::map_jobs(prepared, |p| async move {
                match p {
                    Ok(input) => {
                        let recorded = Recorded::default();
                        let mut out = compute(wr, rr, input, &recorded).await;
                        out.progress = recorded.take();
                        out
                    }
                    Err(outcome) => outcome,
                }
            })
            .await
        };
        for ((idx, _, addr), outcome) in nodes.iter().zip(outcomes) {
            if !outcome.commit(w, run, addr) {
                w.failed.insert(*idx);
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// Whether a graph node is a resource node the walk plans (not left out by
/// `-target`/`-exclude`).
pub(crate) fn plannable<'k>(
    run: &PlanRun<'_>,
    idx: NodeIndex,
    key: &'k NodeKey,
) -> Option<(&'k ModulePath, &'k Resource)> {
    match key {
        NodeKey::Resource(p, addr)
            if run.targeted.as_ref().is_none_or(|t| t.contains(&idx))
                && !run.excluded.contains(&idx) =>
        {
            Some((p, addr))
        }
        _ => None,
    }
}

/// Refreshes the current objects of one resource in one module instance,
/// in one `read_many` batch, updating `pr` in place; drift and diagnostics
/// go to `out`.
pub(crate) async fn refresh(
    hooks: &dyn Hooks,
    provider: &Arc<dyn ConfiguredProvider>,
    schema: &Schema,
    m: &ModuleInstance,
    addr: &Resource,
    pr: &mut PriorResource,
    out: &mut NodeOutcome,
) {
    let keys: Vec<InstanceKey> = pr.current.keys().cloned().collect();
    if keys.is_empty() || addr.mode != ResourceMode::Managed {
        return;
    }
    let mut reqs = Vec::with_capacity(keys.len());
    for (k, o) in &pr.current {
        hooks.refreshing(&instance_addr(m, addr, k), id_of(&o.value).as_deref());
        reqs.push(ReadRequest {
            type_name: addr.type_name.clone(),
            current_state: o.value.clone().unmark_deep().0,
            private: o.object.private.clone().unwrap_or_default(),
        });
    }
    let resps = provider.read_many(reqs).await;
    for (k, resp) in keys.iter().zip(resps) {
        let has_err = resp.diagnostics.has_errors();
        out.diags.extend(resp.diagnostics);
        if has_err {
            continue;
        }
        let Some(o) = pr.current.get_mut(k) else {
            continue;
        };
        let new = mark_schema_sensitive(resp.new_state, &schema.block);
        let address = instance_addr(m, addr, k);
        hooks.refreshed(&address, id_of(&new).as_deref());
        if new.is_null() {
            out.drift.push(drift_change(
                &address,
                m,
                addr,
                k,
                &o.provider,
                o.value.clone(),
                Value::null(schema.block.implied_type()),
                Action::Delete,
            ));
            pr.current.remove(k);
            continue;
        }
        if !same_value(&new, &o.value) {
            out.drift.push(drift_change(
                &address,
                m,
                addr,
                k,
                &o.provider,
                o.value.clone(),
                new.clone(),
                Action::Update,
            ));
        }
        o.value = new;
        if !resp.private.is_empty() {
            o.object.private = Some(resp.private);
        }
    }
}

/// Refreshes the prior objects of a resource the walk does not plan (an
/// orphan) in place in the walker, merging drift and diagnostics.
pub(crate) async fn refresh_in_walker(
    w: &mut Walker<'_>,
    run: &mut PlanRun<'_>,
    provider: &Arc<dyn ConfiguredProvider>,
    schema: &Schema,
    m: &ModuleInstance,
    addr: &Resource,
) {
    let key = (m.clone(), addr.clone());
    let Some(mut pr) = w.prior.resources.remove(&key) else {
        return;
    };
    let mut out = NodeOutcome::default();
    refresh(w.hooks, provider, schema, m, addr, &mut pr, &mut out).await;
    w.prior.resources.insert(key, pr);
    w.diags.extend(out.diags);
    run.drift.extend(out.drift);
}

/// Delete changes for a resource's deposed objects, keyed by address.
pub(crate) fn deposed_changes(
    m: &ModuleInstance,
    addr: &Resource,
    pr: &PriorResource,
    schema: &Schema,
) -> Vec<(String, ResourceChange)> {
    pr.deposed
        .iter()
        .map(|((k, dk), po)| {
            let address = instance_addr(m, addr, k);
            let mut c = base_change(&address, m, addr, k, &po.provider);
            c.deposed = Some(dk.clone());
            c.action = Action::Delete;
            c.before = po.value.clone();
            c.after = Value::null(schema.block.implied_type());
            c.private = po.object.private.clone().unwrap_or_default();
            (format!("{address} (deposed object {dk})"), c)
        })
        .collect()
}

/// Imports one object by ID and reads it back: the prior object of an
/// instance an `import` block adopts (`None` when that failed), with the
/// provider's diagnostics.
async fn import_object(
    provider: &Arc<dyn ConfiguredProvider>,
    schema: &Schema,
    addr: &Resource,
    address: &str,
    id: &str,
    provider_config: &str,
) -> (Option<PriorObject>, Diagnostics) {
    let resp = provider
        .import(terrane_provider::ImportRequest {
            type_name: addr.type_name.clone(),
            id: id.to_string(),
        })
        .await;
    let mut diags = resp.diagnostics;
    if diags.has_errors() {
        return (None, diags);
    }
    let Some(first) = resp.imported.into_iter().next() else {
        diags.push(Diagnostic::error("Cannot import non-existent remote object", format!("While attempting to import an existing object to {address}, the provider detected that no object exists with the given id.")));
        return (None, diags);
    };
    let read = provider
        .read(ReadRequest {
            type_name: addr.type_name.clone(),
            current_state: first.state,
            private: first.private,
        })
        .await;
    let err = read.diagnostics.has_errors();
    diags.extend(read.diagnostics);
    if err {
        return (None, diags);
    }
    if read.new_state.is_null() {
        diags.push(Diagnostic::error("Cannot import non-existent remote object", format!("While attempting to import an existing object to {address}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported.")));
        return (None, diags);
    }
    let value = mark_schema_sensitive(read.new_state, &schema.block);
    let object = crate::apply::state_object(&value, schema, &read.private, &[], false).ok();
    let po = object.map(|object| PriorObject {
        object: Box::new(object),
        value,
        provider: provider_config.to_string(),
    });
    (po, diags)
}
