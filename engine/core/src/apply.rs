//! Applying a plan: deletes in reverse dependency order, then a walk of the
//! graph that re-evaluates each changed instance with the now-known values
//! of its dependencies, re-plans it (checking the provider's answer is
//! consistent with the saved plan), applies it, and journals the intent
//! before and the result after every provider call; finally the deposed
//! objects of create-before-destroy replacements are deleted.

use crate::decode::{overlay_paths, proposed_new};
use crate::graph::{body_references, build_graph, provider_key, NodeKey};
use crate::plan::{Action, Plan, PlanMode, ResourceChange};
use crate::planner::{
    configure_provider, copy_marks, id_of, new_walker, resource_schema, same_value,
};
use crate::prior::key_to_state;
use crate::provision::Provisioning;
use crate::scope::{RepData, Repetition};
use crate::walker::{instance_addr, mark_schema_sensitive, Walker};
pub(crate) use crate::working::{state_mode, Working};
use crate::{typed_json, CoreError, Hooks};
use futures::StreamExt;
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, Resource, ResourceMode};
use terrane_config::Config;
use terrane_config::ProvisionerWhen;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{
    ApplyChangeRequest, ConfiguredProvider, PlanChangeRequest, Provider, ReadDataSourceRequest,
    Schema,
};
use terrane_state::{
    InstanceAddr, InstanceObject, IntentSpec, Journal, Mutation, ObjectStatus, Outcome, RawJson,
    StateFile,
};
use terrane_value::{Kind, Path, PathStep, Type, Value};

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Most provider calls in flight at once (`-parallelism`, default 10).
    pub parallelism: usize,
    /// `terraform.workspace`.
    pub workspace: String,
    /// The working directory.
    pub cwd: std::path::PathBuf,
    /// Set (e.g. by Ctrl-C) to stop scheduling new changes.
    pub cancel: Arc<AtomicBool>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            parallelism: 10,
            workspace: "default".into(),
            cwd: std::path::PathBuf::from("."),
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// What an apply did.
#[derive(Debug)]
pub struct ApplyOutcome {
    /// The new state (not yet persisted: checkpoint it through the journal).
    pub state: StateFile,
    /// Objects created.
    pub added: usize,
    /// Objects updated in place.
    pub changed: usize,
    /// Objects destroyed.
    pub destroyed: usize,
    /// Objects imported.
    pub imported: usize,
    /// Root outputs after the apply.
    pub outputs: BTreeMap<String, (Value, bool)>,
}

/// Paths of sensitive values inside an object, as state records them.
fn sensitive_paths(
    v: &Value,
    path: &mut Vec<terrane_state::PathStep>,
    out: &mut Vec<Vec<terrane_state::PathStep>>,
) {
    if v.is_sensitive() {
        out.push(path.clone());
        return;
    }
    match &v.kind {
        Kind::Object(m) => {
            for (k, x) in m {
                path.push(terrane_state::PathStep::GetAttr(k.clone()));
                sensitive_paths(x, path, out);
                path.pop();
            }
        }
        Kind::Map(_, m) => {
            for (k, x) in m {
                let key = RawJson::parse(&format!(
                    "{{\"value\":{},\"type\":\"string\"}}",
                    serde_json::Value::from(k.as_str())
                ));
                if let Ok(key) = key {
                    path.push(terrane_state::PathStep::Index(key));
                    sensitive_paths(x, path, out);
                    path.pop();
                }
            }
        }
        Kind::List(_, xs) | Kind::Tuple(xs) => {
            for (i, x) in xs.iter().enumerate() {
                if let Ok(key) = RawJson::parse(&format!("{{\"value\":{i},\"type\":\"number\"}}")) {
                    path.push(terrane_state::PathStep::Index(key));
                    sensitive_paths(x, path, out);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

/// Builds a state object from a provider's new state.
pub fn state_object(
    value: &Value,
    schema: &Schema,
    private: &[u8],
    deps: &[String],
    cbd: bool,
) -> Result<InstanceObject, CoreError> {
    let ty = schema.block.implied_type();
    let text = typed_json::to_state_json(value, &ty)?;
    let raw = RawJson::parse(&text).map_err(|e| CoreError::Decode(e.to_string()))?;
    let mut o = InstanceObject::new(schema.version, raw);
    let mut paths = Vec::new();
    sensitive_paths(value, &mut Vec::new(), &mut paths);
    o.sensitive_attributes = Some(paths);
    if !private.is_empty() {
        o.private = Some(private.to_vec());
    }
    o.dependencies = deps.to_vec();
    o.create_before_destroy = cbd;
    Ok(o)
}

/// True when `new` agrees with every known part of `planned`.
pub fn consistent(planned: &Value, new: &Value) -> bool {
    match (&planned.kind, &new.kind) {
        (Kind::Unknown(_), _) => true,
        (_, Kind::Unknown(_)) => false,
        (Kind::Object(a), Kind::Object(b)) | (Kind::Map(_, a), Kind::Map(_, b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, x)| b.get(k).is_some_and(|y| consistent(x, y)))
        }
        (Kind::List(_, a), Kind::List(_, b)) | (Kind::Tuple(a), Kind::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| consistent(x, y))
        }
        (Kind::Set(..), Kind::Set(..)) => {
            planned.is_wholly_known() && same_value(planned, new) || !planned.is_wholly_known()
        }
        _ => same_value(planned, new),
    }
}

fn journal_action(a: Action) -> terrane_state::Action {
    match a {
        Action::Create => terrane_state::Action::Create,
        Action::Update => terrane_state::Action::Update,
        Action::Delete => terrane_state::Action::Delete,
        _ => terrane_state::Action::Replace,
    }
}

fn state_addr(
    m: &ModuleInstance,
    r: &Resource,
    k: &InstanceKey,
    deposed: Option<&str>,
) -> InstanceAddr {
    InstanceAddr {
        module: m.to_string(),
        mode: state_mode(r.mode),
        resource_type: r.type_name.clone(),
        name: r.name.clone(),
        index_key: key_to_state(k),
        deposed: deposed.map(String::from),
    }
}

/// Parses the module instance, resource and key of a change.
pub(crate) fn change_parts(c: &ResourceChange) -> Option<(ModuleInstance, Resource, InstanceKey)> {
    let m: ModuleInstance = c.module_address.parse().ok()?;
    let mode = if c.mode == crate::plan::Mode::Data {
        ResourceMode::Data
    } else {
        ResourceMode::Managed
    };
    let k = match &c.index {
        crate::plan::InstanceKey::None => InstanceKey::None,
        crate::plan::InstanceKey::Int(i) => InstanceKey::Int(*i as i64),
        crate::plan::InstanceKey::Str(s) => InstanceKey::String(s.clone()),
    };
    Some((
        m,
        Resource::new(mode, c.type_name.clone(), c.name.clone()),
        k,
    ))
}

fn config_address(m: &ModuleInstance, r: &Resource) -> String {
    let p = m.to_path();
    if p.is_root() {
        r.to_string()
    } else {
        format!("{p}.{r}")
    }
}

pub(crate) struct Shared<'j> {
    journal: Mutex<&'j mut Journal>,
    sync: terrane_state::journal::JournalSync,
    pub(crate) working: Mutex<Working>,
    counts: Mutex<(usize, usize, usize)>,
    diags: Mutex<Diagnostics>,
    /// Per-provider concurrency limits, by provider configuration address.
    provider_limits: Mutex<HashMap<String, Arc<tokio::sync::Semaphore>>>,
}

impl Shared<'_> {
    async fn wait_durable(
        &self,
        ticket: terrane_state::journal::SyncTicket,
    ) -> Result<(), Diagnostic> {
        let sync = self.sync.clone();
        let done = match tokio::task::spawn_blocking(move || sync.wait(ticket)).await {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        done.map_err(|e| Diagnostic::error("Failed to write the state journal", e))
    }

    async fn intent(&self, spec: IntentSpec) -> Result<u64, Diagnostic> {
        let (id, ticket) = {
            let mut j = self.journal.lock().unwrap_or_else(|e| e.into_inner());
            j.append_intent_deferred(spec).map_err(|e| {
                Diagnostic::error("Failed to write the state journal", e.to_string())
            })?
        };
        self.wait_durable(ticket).await?;
        Ok(id)
    }

    async fn result(&self, id: u64, outcome: Outcome) {
        let appended = {
            let mut j = self.journal.lock().unwrap_or_else(|e| e.into_inner());
            j.append_result_deferred(id, outcome)
        };
        let done = match appended {
            Ok(ticket) => self.wait_durable(ticket).await,
            Err(e) => Err(Diagnostic::error(
                "Failed to write the state journal",
                e.to_string(),
            )),
        };
        if let Err(d) = done {
            self.diag(d);
        }
    }

    fn mutation(&self, m: Mutation) {
        let mut j = self.journal.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = j.append_mutation(m) {
            self.diag(Diagnostic::error(
                "Failed to write the state journal",
                e.to_string(),
            ));
        }
    }

    fn diag(&self, d: Diagnostic) {
        self.diags.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }

    fn count(&self, a: Action) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        match a {
            Action::Create => c.0 += 1,
            Action::Update => c.1 += 1,
            Action::Delete => c.2 += 1,
            _ => {}
        }
    }
}

/// Runs `fut`, reporting "Still ...ing" every 10 seconds.
async fn with_ticker<F: std::future::Future>(
    fut: F,
    hooks: &dyn Hooks,
    addr: &str,
    action: Action,
    id: Option<&str>,
) -> F::Output {
    let start = Instant::now();
    tokio::pin!(fut);
    let mut tick = tokio::time::interval_at(
        tokio::time::Instant::now() + Duration::from_secs(10),
        Duration::from_secs(10),
    );
    loop {
        tokio::select! {
            out = &mut fut => return out,
            _ = tick.tick() => hooks.still_running(addr, action, id, start.elapsed()),
        }
    }
}

struct DeleteJob {
    m: ModuleInstance,
    r: Resource,
    k: InstanceKey,
    deposed: Option<String>,
    address: String,
    before: Value,
    private: Vec<u8>,
    provider: Arc<dyn ConfiguredProvider>,
    provider_addr: String,
    deps: Vec<String>,
    count_as_destroy: bool,
    /// `when = destroy` provisioners, run before the object is deleted.
    provisioning: Option<Provisioning>,
}

async fn run_delete(sh: &Shared<'_>, hooks: &dyn Hooks, j: &DeleteJob) -> bool {
    let id = id_of(&j.before);
    let label = match &j.deposed {
        Some(d) => format!("{} (deposed object {d})", j.address),
        None => j.address.clone(),
    };
    let prior_obj = sh
        .working
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&j.m, &j.r, &j.k, j.deposed.clone())
        .cloned();
    let iid = match sh
        .intent(IntentSpec {
            addr: state_addr(&j.m, &j.r, &j.k, j.deposed.as_deref()),
            action: terrane_state::Action::Delete,
            provider: j.provider_addr.clone(),
            identity: None,
            prior: prior_obj,
        })
        .await
    {
        Ok(i) => i,
        Err(d) => {
            sh.diag(d);
            return false;
        }
    };
    // Announced once the intent is durable.
    hooks.started(&label, Action::Delete, id.as_deref());
    let start = Instant::now();
    if let Some(p) = &j.provisioning {
        if let Err(d) = p.run(&j.before, &j.address, hooks).await {
            delete_failed(sh, hooks, iid, &label, d).await;
            return false;
        }
    }
    let req = ApplyChangeRequest {
        type_name: j.r.type_name.clone(),
        prior_state: j.before.clone().unmark_deep().0,
        planned_state: Value::null(j.before.ty()),
        config: Value::null(j.before.ty()),
        planned_private: j.private.clone(),
    };
    let resp = with_ticker(
        j.provider.apply_change(req),
        hooks,
        &label,
        Action::Delete,
        id.as_deref(),
    )
    .await;
    if resp.diagnostics.has_errors() {
        let d = resp
            .diagnostics
            .into_vec()
            .into_iter()
            .map(|d| d.with_address(j.address.clone()))
            .collect();
        delete_failed(sh, hooks, iid, &label, d).await;
        return false;
    }
    sh.result(iid, Outcome::Deleted).await;
    sh.working
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take(&j.m, &j.r, &j.k, j.deposed.clone());
    hooks.finished(&j.address, Action::Delete, id.as_deref(), start.elapsed());
    if j.count_as_destroy {
        sh.count(Action::Delete);
    }
    true
}

/// Records a failed delete: the journal result (the errors' summaries),
/// the diagnostics and the failure hook.
async fn delete_failed(sh: &Shared<'_>, hooks: &dyn Hooks, iid: u64, label: &str, d: Diagnostics) {
    let error = d
        .errors()
        .map(|x| x.summary.clone())
        .collect::<Vec<_>>()
        .join("; ");
    sh.result(
        iid,
        Outcome::Failed {
            error,
            object: None,
        },
    )
    .await;
    for x in d.into_vec() {
        sh.diag(x);
    }
    hooks.failed(label, Action::Delete);
}

/// Runs deletes in waves: an object goes only after every object that
/// depends on it.
async fn run_deletes(
    sh: &Shared<'_>,
    hooks: &dyn Hooks,
    jobs: Vec<DeleteJob>,
    parallelism: usize,
    cancel: &AtomicBool,
) -> bool {
    let n = jobs.len();
    let mut by_cfg: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, j) in jobs.iter().enumerate() {
        by_cfg
            .entry(config_address(&j.m, &j.r))
            .or_default()
            .push(i);
    }
    // after[i]: jobs that must wait for i (i depends on them, so they go later).
    let mut waits_for = vec![0usize; n];
    let mut release: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, j) in jobs.iter().enumerate() {
        for d in &j.deps {
            for &k in by_cfg.get(d).map(|v| v.as_slice()).unwrap_or(&[]) {
                if k != i {
                    // i depends on k: delete i first, then k.
                    waits_for[k] += 1;
                    release[i].push(k);
                }
            }
        }
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| waits_for[i] == 0).collect();
    let mut ok = true;
    let mut done = 0;
    while !ready.is_empty() {
        if cancel.load(Ordering::SeqCst) {
            return false;
        }
        let wave = std::mem::take(&mut ready);
        let results: Vec<(usize, bool)> = futures::stream::iter(wave.into_iter().map(|i| {
            let j = &jobs[i];
            async move { (i, run_delete(sh, hooks, j).await) }
        }))
        .buffer_unordered(parallelism.max(1))
        .collect()
        .await;
        for (i, good) in results {
            done += 1;
            if !good {
                ok = false;
                continue;
            }
            for &k in &release[i] {
                waits_for[k] -= 1;
                if waits_for[k] == 0 {
                    ready.push(k);
                }
            }
        }
        ready.sort();
    }
    ok && done == n
}

struct Work<'c> {
    m: ModuleInstance,
    k: InstanceKey,
    address: String,
    change: &'c ResourceChange,
    config: Value,
    prior: Value,
    /// Creation-time provisioners, run once the object exists.
    provisioning: Option<Provisioning>,
}

/// The `when = destroy` provisioners of an instance whose resource is still
/// configured, with `count.index`/`each.key` (and `self`, added when they
/// run) as their context.
fn destroy_provisioning(
    w: &Walker<'_>,
    m: &ModuleInstance,
    r: &Resource,
    k: &InstanceKey,
) -> Option<Provisioning> {
    let rb = w.config.descendant(&m.to_path())?.module.resources.get(r)?;
    let provs = crate::provision::provisioners_for(rb, ProvisionerWhen::Destroy);
    if provs.is_empty() {
        return None;
    }
    let rd = RepData {
        count_index: match k {
            InstanceKey::Int(i) => Some(*i),
            _ => None,
        },
        each: match k {
            InstanceKey::String(s) => Some((s.clone(), Value::unknown(Type::Dynamic))),
            _ => None,
        },
    };
    let refs = crate::provision::references(&provs);
    let ctx = w.scopes.context(&w.base, m, &refs, &rd, None);
    Some(Provisioning::new(ctx, provs, &w.sources))
}

/// Applies `plan` to `state`. The journal must already extend `state`
/// (see [`Journal::begin`]); the caller checkpoints the returned state.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    config: &Config,
    state: StateFile,
    plan: &Plan,
    providers: &[Arc<dyn Provider>],
    opts: &ApplyOptions,
    journal: &mut Journal,
    hooks: &dyn Hooks,
) -> (ApplyOutcome, Diagnostics) {
    let mut diags = Diagnostics::new();
    let empty = |state: StateFile| ApplyOutcome {
        state,
        added: 0,
        changed: 0,
        destroyed: 0,
        imported: 0,
        outputs: BTreeMap::new(),
    };
    if plan.errored {
        diags.push(Diagnostic::error(
            "Cannot apply an incomplete plan",
            "The plan has errors and cannot be applied.",
        ));
        return (empty(state), diags);
    }
    if state.serial != plan.prior_serial || state.lineage != plan.prior_lineage {
        diags.push(Diagnostic::error(
            "Saved plan is stale",
            "The given plan file can no longer be applied because the state was changed by another operation after the plan was created.",
        ));
        return (empty(state), diags);
    }
    let graph = match build_graph(config) {
        Ok(g) => g,
        Err(d) => return (empty(state), d),
    };
    let mut state = state;
    let (_, move_diags) = crate::moves::apply_moves(config, &mut state);
    diags.extend(move_diags);
    let mut w = new_walker(
        config,
        &graph,
        &state,
        providers,
        &plan.variables,
        &opts.workspace,
        &opts.cwd,
        hooks,
    );
    if w.diags.has_errors() {
        let d = std::mem::take(&mut w.diags);
        return (empty(state), d);
    }
    let by_addr: HashMap<String, &ResourceChange> = plan
        .changes
        .iter()
        .map(|c| match &c.deposed {
            Some(d) => (format!("{} (deposed object {d})", c.address), c),
            None => (c.address.clone(), c),
        })
        .collect();
    let sh = Shared {
        sync: journal.sync_handle(),
        journal: Mutex::new(journal),
        working: Mutex::new(Working::new(&state)),
        counts: Mutex::new((0, 0, 0)),
        diags: Mutex::new(Diagnostics::new()),
        provider_limits: Mutex::new(HashMap::new()),
    };
    // Refreshed values of unchanged objects go into the new state.
    for c in &plan.changes {
        if c.action != Action::NoOp || c.deposed.is_some() {
            continue;
        }
        let Some((m, r, k)) = change_parts(c) else {
            continue;
        };
        let Ok(rp) = w.registry.resolve_state_addr(&c.provider_config) else {
            continue;
        };
        let Some(schema) = resource_schema(rp.provider.as_ref(), &r) else {
            continue;
        };
        let mut wk = sh.working.lock().unwrap_or_else(|e| e.into_inner());
        let prev = wk.get(&m, &r, &k, None).cloned();
        if let Ok(mut o) = state_object(
            &c.after,
            schema,
            &c.private,
            &c.depends_on,
            c.create_before_destroy,
        ) {
            if let Some(p) = &prev {
                o.status = p.status;
                o.dependencies = if c.depends_on.is_empty() {
                    p.dependencies.clone()
                } else {
                    c.depends_on.clone()
                };
                o.private = p.private.clone();
                o.create_before_destroy = p.create_before_destroy || c.create_before_destroy;
                if p.attributes.as_ref().map(|a| a.get()) == o.attributes.as_ref().map(|a| a.get())
                {
                    continue;
                }
            }
            wk.put(&m, &r, &k, None, &c.provider_config, o);
        }
    }
    // Objects that refresh found deleted outside terrane leave the state.
    for d in plan.drift.iter().filter(|d| d.action == Action::Delete) {
        let Some((m, r, k)) = change_parts(d) else {
            continue;
        };
        let planned_again = by_addr
            .get(&d.address)
            .is_some_and(|c| c.action != Action::Delete);
        if !planned_again {
            sh.mutation(Mutation::Forget {
                addr: state_addr(&m, &r, &k, None),
            });
            sh.working
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take(&m, &r, &k, None);
        }
    }
    // Objects removed from state without being destroyed.
    for c in plan.changes.iter().filter(|c| c.action == Action::Forget) {
        let Some((m, r, k)) = change_parts(c) else {
            continue;
        };
        sh.mutation(Mutation::Forget {
            addr: state_addr(&m, &r, &k, c.deposed.as_deref()),
        });
        sh.working
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take(&m, &r, &k, c.deposed.clone());
    }
    // Phase 1: deletes (orphans, destroy plans, delete-then-create).
    let mut jobs = Vec::new();
    for c in &plan.changes {
        let is_delete = c.action == Action::Delete;
        if !(is_delete || c.action == Action::DeleteThenCreate) {
            continue;
        }
        let Some((m, r, k)) = change_parts(c) else {
            continue;
        };
        let rp = match w.registry.resolve_state_addr(&c.provider_config) {
            Ok(rp) => rp,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let provider = match w
            .registry
            .configured(&rp, config, &w.scopes, &w.base, &w.sources)
            .await
        {
            Ok(p) => p,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        let deps = sh
            .working
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&m, &r, &k, c.deposed.clone())
            .map(|o| o.dependencies.clone())
            .unwrap_or_default();
        // A replacement's old object is destroyed with its destroy-time
        // provisioners; a plain delete too, when its resource is configured.
        let provisioning = destroy_provisioning(&w, &m, &r, &k);
        jobs.push(DeleteJob {
            m,
            r,
            k,
            deposed: c.deposed.clone(),
            address: c.address.clone(),
            before: c.before.clone(),
            private: c.private.clone(),
            provider,
            provider_addr: rp.config_addr.clone(),
            deps,
            count_as_destroy: true,
            provisioning,
        });
    }
    let deletes_ok = run_deletes(&sh, hooks, jobs, opts.parallelism, &opts.cancel).await;
    let mut deposed_jobs = Vec::new();
    let mut check_outcomes = crate::checks::CheckOutcomes::new();
    let mut recorded = crate::check_results::Recorded::new();
    if deletes_ok && plan.mode != PlanMode::Destroy {
        // Phase 2: the graph walk. Value nodes are evaluated as soon as
        // their dependencies are done; resource nodes' provider calls run
        // concurrently (bounded by -parallelism) with every other node.
        let sem = tokio::sync::Semaphore::new(opts.parallelism.max(1));
        let mut waiting: HashMap<NodeIndex, usize> = graph
            .order
            .iter()
            .map(|&n| (n, graph.deps(n).count()))
            .collect();
        let mut ready: std::collections::VecDeque<NodeIndex> = graph
            .order
            .iter()
            .copied()
            .filter(|n| waiting.get(n) == Some(&0))
            .collect();
        let mut running = futures::stream::FuturesUnordered::new();
        let mut interrupted = false;
        let release = |n: NodeIndex,
                       waiting: &mut HashMap<NodeIndex, usize>,
                       ready: &mut std::collections::VecDeque<NodeIndex>| {
            for d in graph
                .graph
                .neighbors_directed(n, petgraph::Direction::Outgoing)
            {
                if let Some(c) = waiting.get_mut(&d) {
                    *c -= 1;
                    if *c == 0 {
                        ready.push_back(d);
                    }
                }
            }
        };
        // Resource nodes are prepared (their configuration evaluated) only
        // while few jobs are in flight: provider calls are bounded by `sem`
        // anyway, and preparing every ready node at once would hold all their
        // futures and values in memory together.
        let max_jobs = opts.parallelism.max(1) * 2;
        loop {
            while running.len() < max_jobs {
                let Some(idx) = ready.pop_front() else { break };
                if opts.cancel.load(Ordering::SeqCst) {
                    interrupted = true;
                    ready.clear();
                    break;
                }
                if w.dependency_failed(idx) {
                    w.failed.insert(idx);
                    release(idx, &mut waiting, &mut ready);
                    continue;
                }
                let key = graph.graph[idx].clone();
                let ok = match &key {
                    NodeKey::Resource(p, addr) => {
                        let node = (&sh, &by_addr, idx, p, addr);
                        match crate::check_results::prepare_checked(&mut w, node, &mut recorded)
                            .await
                        {
                            Prepared::Done(ok) => ok,
                            Prepared::Job(job) => {
                                running.push(run_node_job(job, &sh, hooks, &opts.cancel, &sem));
                                continue;
                            }
                        }
                    }
                    NodeKey::Provider(k) => {
                        let used = plan.changes.iter().any(|c| c.action != Action::NoOp);
                        !used || configure_provider(&mut w, k).await
                    }
                    other => w.eval_value_node(other),
                };
                if !ok {
                    w.failed.insert(idx);
                }
                release(idx, &mut waiting, &mut ready);
            }
            let Some(done) = running.next().await else {
                break;
            };
            for (m, rep, values) in done.instances {
                w.set_resource_values(&m, &done.addr, rep, values);
            }
            deposed_jobs.extend(done.deposed);
            let checked = match &graph.graph[done.idx] {
                NodeKey::Resource(p, addr) => {
                    crate::check_results::check_postconditions(&mut w, p, addr, &mut recorded)
                }
                _ => true,
            };
            if !done.ok || !checked {
                w.failed.insert(done.idx);
            }
            if !interrupted {
                release(done.idx, &mut waiting, &mut ready);
            }
        }
        if interrupted {
            sh.diag(Diagnostic::error("Apply interrupted", "terrane was interrupted; changes in progress were finished and saved, and no new ones were started."));
        } else {
            check_outcomes = crate::checks::apply_checks(&mut w, &sh, plan, hooks).await;
        }
    }
    // Phase 3: deposed objects of create-before-destroy replacements.
    if !deposed_jobs.is_empty() && !opts.cancel.load(Ordering::SeqCst) {
        run_deletes(&sh, hooks, deposed_jobs, opts.parallelism, &opts.cancel).await;
    }
    diags.extend(std::mem::take(&mut w.diags));
    diags.extend(std::mem::take(
        &mut *sh.diags.lock().unwrap_or_else(|e| e.into_inner()),
    ));
    let (added, changed, destroyed) = *sh.counts.lock().unwrap_or_else(|e| e.into_inner());
    let mut working = sh.working.into_inner().unwrap_or_else(|e| e.into_inner());
    // Data sources leave the state on destroy, and when their configuration is gone.
    working.resources.retain(|(module, mode, ty, name), _| {
        if *mode != ResourceMode::Data {
            return true;
        }
        if plan.mode == PlanMode::Destroy {
            return false;
        }
        let path = module
            .parse::<ModuleInstance>()
            .map(|m| m.to_path())
            .unwrap_or_default();
        let r = Resource::new(ResourceMode::Data, ty.clone(), name.clone());
        config
            .descendant(&path)
            .is_some_and(|c| c.module.resources.contains_key(&r))
            || crate::checks::is_nested_data(config, &path, &r)
    });
    let mut new_state = working.finish();
    // Check results record what this apply evaluated, failed or not.
    new_state.check_results =
        crate::check_results::after_apply(config, &mut w, plan, &check_outcomes, &recorded);
    // Outputs.
    let mut outputs = BTreeMap::new();
    new_state.outputs.clear();
    if plan.mode != PlanMode::Destroy {
        let root = w
            .scopes
            .mods
            .get(&ModuleInstance::root())
            .cloned()
            .unwrap_or_default();
        for (name, o) in &config.module.outputs {
            let Some(v) = root.outputs.get(name) else {
                if let Some(prev) = state.outputs.get(name) {
                    new_state.outputs.insert(name.clone(), prev.clone());
                }
                continue;
            };
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            let plain = v.clone().unmark_deep().0;
            let ty = plain.ty();
            let (Ok(text), Ok(tyj)) = (
                typed_json::to_state_json(&plain, &ty),
                RawJson::parse(&typed_json::type_to_json(&ty).to_string()),
            ) else {
                continue;
            };
            let Ok(raw) = RawJson::parse(&text) else {
                continue;
            };
            let sensitive = o.sensitive || v.has_sensitive_deep();
            new_state.outputs.insert(
                name.clone(),
                terrane_state::OutputValue {
                    value: raw,
                    value_type: tyj,
                    sensitive,
                    extra: Default::default(),
                },
            );
            outputs.insert(name.clone(), (plain, sensitive));
        }
    }
    let _ = Type::Dynamic;
    let imported = plan
        .changes
        .iter()
        .filter(|c| c.importing.is_some())
        .count();
    (
        ApplyOutcome {
            state: new_state,
            added,
            changed,
            destroyed,
            imported,
            outputs,
        },
        diags,
    )
}

/// One resource node's changes, evaluated and ready to run without the walker.
pub(crate) struct NodeJob<'c> {
    idx: NodeIndex,
    addr: Resource,
    schema: Schema,
    deps: Vec<String>,
    cbd: bool,
    provider_addr: String,
    ignore: Vec<Vec<String>>,
    null_obj: Value,
    provider: Arc<dyn ConfiguredProvider>,
    /// The provider's CallPolicy concurrency limit, shared by its nodes.
    provider_sem: Arc<tokio::sync::Semaphore>,
    ok: bool,
    instances: Vec<InstanceJob<'c>>,
}

/// One module instance's part of a node job: known values and work to do.
type InstanceJob<'c> = (
    ModuleInstance,
    Repetition,
    BTreeMap<InstanceKey, Value>,
    Vec<Work<'c>>,
);

/// What a finished node job hands back to the walker.
struct NodeDone {
    idx: NodeIndex,
    addr: Resource,
    ok: bool,
    instances: Vec<(ModuleInstance, Repetition, BTreeMap<InstanceKey, Value>)>,
    deposed: Vec<DeleteJob>,
}

pub(crate) enum Prepared<'c> {
    Done(bool),
    Job(Box<NodeJob<'c>>),
}

/// Evaluates a resource node's instances with the walker (values of
/// unchanged instances are stored at once); the provider calls are left to
/// the returned job, which runs concurrently with other nodes.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn prepare_resource_node<'c>(
    w: &mut Walker<'_>,
    sh: &Shared<'_>,
    by_addr: &HashMap<String, &'c ResourceChange>,
    idx: NodeIndex,
    p: &ModulePath,
    addr: &Resource,
) -> Prepared<'c> {
    let config = w.config;
    let Some(rb) = config
        .descendant(p)
        .and_then(|c| c.module.resources.get(addr))
    else {
        return Prepared::Done(true);
    };
    let rp = match w.registry.resolve(config, p, &provider_key(rb)) {
        Ok(rp) => rp,
        Err(d) => {
            w.diags.push(d);
            return Prepared::Done(false);
        }
    };
    let Some(schema) = resource_schema(rp.provider.as_ref(), addr).cloned() else {
        return Prepared::Done(false);
    };
    let body_refs = body_references(&rb.body);
    let deps = w.state_dependencies(idx);
    let cbd = w.cbd.contains(&idx);
    let null_obj = Value::null(schema.block.implied_type());
    let mut ok = true;
    let mut instances = Vec::new();
    let mut any_work = false;
    for m in w.scopes.instances(p) {
        let (rep, keys) = match w.expand_resource(&m, rb) {
            Ok(x) => x,
            Err(d) => {
                w.diags.extend(d);
                w.set_resource_values(&m, addr, Repetition::Unknown, BTreeMap::new());
                ok = false;
                continue;
            }
        };
        let mut values: BTreeMap<InstanceKey, Value> = BTreeMap::new();
        let mut work = Vec::new();
        for (k, rd) in &keys {
            let address = instance_addr(&m, addr, k);
            let current = sh
                .working
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&m, addr, k, None)
                .cloned();
            let current_val = current
                .as_ref()
                .and_then(|o| o.attributes.as_ref())
                .and_then(|a| {
                    typed_json::from_state_json(a.get(), &schema.block.implied_type()).ok()
                });
            let Some(c) = by_addr.get(&address).copied() else {
                if let Some(v) = current_val {
                    values.insert(k.clone(), mark_schema_sensitive(v, &schema.block));
                }
                continue;
            };
            match c.action {
                Action::NoOp => {
                    values.insert(k.clone(), c.after.clone());
                }
                Action::Delete | Action::Forget => {}
                Action::Read
                | Action::Create
                | Action::Update
                | Action::DeleteThenCreate
                | Action::CreateThenDelete => {
                    let cfg = match w.instance_config(&m, rb, &body_refs, rd, &schema.block) {
                        Ok(v) => v,
                        Err(d) => {
                            w.diags.extend(d);
                            ok = false;
                            continue;
                        }
                    };
                    let prior = if c.action == Action::Update {
                        current_val
                            .map(|v| mark_schema_sensitive(v, &schema.block))
                            .unwrap_or_else(|| c.before.clone())
                    } else {
                        null_obj.clone()
                    };
                    let provs = crate::provision::provisioners_for(rb, ProvisionerWhen::Create);
                    let provisioning = (!provs.is_empty()
                        && matches!(
                            c.action,
                            Action::Create | Action::DeleteThenCreate | Action::CreateThenDelete
                        ))
                    .then(|| {
                        let refs = crate::provision::references(&provs);
                        let ctx = w.scopes.context(&w.base, &m, &refs, rd, None);
                        Provisioning::new(ctx, provs, &w.sources)
                    });
                    work.push(Work {
                        m: m.clone(),
                        k: k.clone(),
                        address,
                        change: c,
                        config: cfg,
                        prior,
                        provisioning,
                    });
                }
            }
        }
        any_work |= !work.is_empty();
        instances.push((m, rep, values, work));
    }
    if !any_work {
        for (m, rep, values, _) in instances {
            w.set_resource_values(&m, addr, rep, values);
        }
        return Prepared::Done(ok);
    }
    let provider = match w
        .registry
        .configured(&rp, config, &w.scopes, &w.base, &w.sources)
        .await
    {
        Ok(pv) => pv,
        Err(d) => {
            w.diags.extend(d);
            return Prepared::Done(false);
        }
    };
    let ignore = crate::planner::ignore_paths(rb, &schema);
    let provider_sem = sh
        .provider_limits
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entry(rp.config_addr.clone())
        .or_insert_with(|| {
            Arc::new(tokio::sync::Semaphore::new(
                provider.call_policy().max_concurrency.max(1),
            ))
        })
        .clone();
    Prepared::Job(Box::new(NodeJob {
        provider_sem,
        idx,
        addr: addr.clone(),
        schema,
        deps,
        cbd,
        provider_addr: rp.config_addr.clone(),
        ignore,
        null_obj,
        provider,
        ok,
        instances,
    }))
}

/// Runs a node job's provider calls (each holding a permit of `sem`).
async fn run_node_job(
    job: Box<NodeJob<'_>>,
    sh: &Shared<'_>,
    hooks: &dyn Hooks,
    cancel: &AtomicBool,
    sem: &tokio::sync::Semaphore,
) -> NodeDone {
    let job = *job;
    let mut ok = job.ok;
    let mut deposed = Vec::new();
    let mut out = Vec::new();
    for (m, rep, mut values, work) in job.instances {
        let results = futures::future::join_all(work.iter().map(|wk| async {
            let Ok(_permit) = sem.acquire().await else {
                return (wk.k.clone(), None, None);
            };
            // The provider's own concurrency limit, on top of -parallelism.
            let Ok(_provider_permit) = job.provider_sem.acquire().await else {
                return (wk.k.clone(), None, None);
            };
            if cancel.load(Ordering::SeqCst) {
                return (wk.k.clone(), None, None);
            }
            let (v, dj) = apply_one(
                sh,
                hooks,
                &job.provider,
                &job.schema,
                &job.addr,
                wk,
                &job.deps,
                job.cbd,
                &job.provider_addr,
                &job.ignore,
                &job.null_obj,
            )
            .await;
            (wk.k.clone(), v, dj)
        }))
        .await;
        for (k, v, dj) in results {
            match v {
                Some(v) => {
                    values.insert(k, v);
                }
                None => ok = false,
            }
            deposed.extend(dj);
        }
        out.push((m, rep, values));
    }
    NodeDone {
        idx: job.idx,
        addr: job.addr,
        ok,
        instances: out,
        deposed,
    }
}

#[allow(clippy::too_many_arguments)]
async fn apply_one(
    sh: &Shared<'_>,
    hooks: &dyn Hooks,
    provider: &Arc<dyn ConfiguredProvider>,
    schema: &Schema,
    addr: &Resource,
    wk: &Work<'_>,
    deps: &[String],
    cbd: bool,
    provider_addr: &str,
    ignore: &[Vec<String>],
    null_obj: &Value,
) -> (Option<Value>, Option<DeleteJob>) {
    let c = wk.change;
    let fail = |d: Diagnostic| {
        sh.diag(d.with_address(wk.address.clone()));
        (None, None)
    };
    if c.action == Action::Read {
        hooks.started(&wk.address, Action::Read, None);
        let start = Instant::now();
        let resp = provider
            .read_data_source(ReadDataSourceRequest {
                type_name: addr.type_name.clone(),
                config: wk.config.clone().unmark_deep().0,
            })
            .await;
        if resp.diagnostics.has_errors() {
            for d in resp.diagnostics.into_vec() {
                sh.diag(d);
            }
            hooks.failed(&wk.address, Action::Read);
            return (None, None);
        }
        hooks.finished(
            &wk.address,
            Action::Read,
            id_of(&resp.state).as_deref(),
            start.elapsed(),
        );
        let v = mark_schema_sensitive(resp.state, &schema.block);
        if let Ok(o) = state_object(&v, schema, &[], deps, false) {
            sh.working.lock().unwrap_or_else(|e| e.into_inner()).put(
                &wk.m,
                addr,
                &wk.k,
                None,
                provider_addr,
                o,
            );
        }
        return (Some(v), None);
    }
    let config = if c.action == Action::Update {
        overlay_paths(&wk.config, &wk.prior, ignore)
    } else {
        wk.config.clone()
    };
    let req = PlanChangeRequest {
        type_name: addr.type_name.clone(),
        prior_state: wk.prior.clone().unmark_deep().0,
        proposed_new_state: proposed_new(&schema.block, &wk.prior, &config)
            .unmark_deep()
            .0,
        config: config.clone().unmark_deep().0,
        prior_private: c.private.clone(),
    };
    let resp = provider.plan_change(req).await;
    if resp.diagnostics.has_errors() {
        for d in resp.diagnostics.into_vec() {
            sh.diag(d.with_address(wk.address.clone()));
        }
        return (None, None);
    }
    let planned = mark_schema_sensitive(copy_marks(resp.planned_state, &config), &schema.block);
    if !consistent(&c.after, &planned) {
        return fail(Diagnostic::error(
            "Provider produced inconsistent final plan",
            format!("When expanding the plan for {} to include new values learned so far during apply, provider {:?} produced an invalid new value. This is a bug in the provider, which should be reported in the provider's own issue tracker.", wk.address, c.provider_name),
        ));
    }
    // create_before_destroy: move the current object aside first.
    let mut deposed_job = None;
    if c.action == Action::CreateThenDelete {
        let dk = format!("{:08x}", rand::random::<u32>());
        let mut wst = sh.working.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = wst.take(&wk.m, addr, &wk.k, None) {
            sh.mutation(Mutation::Depose {
                addr: state_addr(&wk.m, addr, &wk.k, None),
                deposed_key: dk.clone(),
            });
            let deps_old = old.dependencies.clone();
            wst.put(&wk.m, addr, &wk.k, Some(dk.clone()), provider_addr, old);
            deposed_job = Some(DeleteJob {
                m: wk.m.clone(),
                r: addr.clone(),
                k: wk.k.clone(),
                deposed: Some(dk),
                address: wk.address.clone(),
                before: c.before.clone(),
                private: Vec::new(),
                provider: provider.clone(),
                provider_addr: provider_addr.to_string(),
                deps: deps_old,
                count_as_destroy: true,
                provisioning: None,
            });
        }
    }
    let display_action = match c.action {
        Action::Update => Action::Update,
        _ => Action::Create,
    };
    let prior_id = id_of(&wk.prior);
    let prior_obj = sh
        .working
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&wk.m, addr, &wk.k, None)
        .cloned();
    let iid = match sh
        .intent(IntentSpec {
            addr: state_addr(&wk.m, addr, &wk.k, None),
            action: journal_action(c.action),
            provider: provider_addr.to_string(),
            identity: None,
            prior: prior_obj,
        })
        .await
    {
        Ok(i) => i,
        Err(d) => return (fail(d).0, deposed_job),
    };
    // Announced once the intent is durable.
    hooks.started(
        &wk.address,
        display_action,
        if display_action == Action::Update {
            prior_id.as_deref()
        } else {
            None
        },
    );
    let start = Instant::now();
    let req = ApplyChangeRequest {
        type_name: addr.type_name.clone(),
        prior_state: wk.prior.clone().unmark_deep().0,
        planned_state: planned.clone().unmark_deep().0,
        config: config.clone().unmark_deep().0,
        planned_private: resp.planned_private.clone(),
    };
    let resp = with_ticker(
        provider.apply_change(req),
        hooks,
        &wk.address,
        display_action,
        prior_id.as_deref(),
    )
    .await;
    let new_value =
        mark_schema_sensitive(copy_marks(resp.new_state.clone(), &config), &schema.block);
    if resp.diagnostics.has_errors() {
        let msg = resp
            .diagnostics
            .errors()
            .map(|d| d.summary.clone())
            .collect::<Vec<_>>()
            .join("; ");
        let obj = if new_value.is_null() || !new_value.is_wholly_known() {
            None
        } else {
            state_object(&new_value, schema, &resp.private, deps, cbd)
                .ok()
                .map(|mut o| {
                    if display_action == Action::Create {
                        o.status = Some(ObjectStatus::Tainted);
                    }
                    o
                })
        };
        sh.result(
            iid,
            Outcome::Failed {
                error: msg,
                object: obj.clone(),
            },
        )
        .await;
        if let Some(o) = obj {
            sh.working.lock().unwrap_or_else(|e| e.into_inner()).put(
                &wk.m,
                addr,
                &wk.k,
                None,
                provider_addr,
                o,
            );
        }
        for d in resp.diagnostics.into_vec() {
            sh.diag(d.with_address(wk.address.clone()));
        }
        hooks.failed(&wk.address, display_action);
        // A failed create-before-destroy that created nothing puts the old
        // object back as current, as Terraform does.
        if let Some(dj) = &deposed_job {
            let mut wst = sh.working.lock().unwrap_or_else(|e| e.into_inner());
            if wst.get(&wk.m, addr, &wk.k, None).is_none() {
                if let Some(old) = wst.take(&wk.m, addr, &wk.k, dj.deposed.clone()) {
                    sh.mutation(Mutation::Restore {
                        addr: state_addr(&wk.m, addr, &wk.k, dj.deposed.as_deref()),
                    });
                    wst.put(&wk.m, addr, &wk.k, None, provider_addr, old);
                    return (None, None);
                }
            }
        }
        return (None, deposed_job);
    }
    if !new_value.is_wholly_known() || new_value.is_null() {
        sh.result(
            iid,
            Outcome::Failed {
                error: "provider returned an incomplete object".into(),
                object: None,
            },
        )
        .await;
        return (fail(Diagnostic::error("Provider returned invalid result object after apply", format!("After the apply operation, the provider still indicated an unknown value for {}. All values must be known after apply, so this is always a bug in the provider and should be reported in the provider's own repository.", wk.address))).0, deposed_job);
    }
    match state_object(&new_value, schema, &resp.private, deps, cbd) {
        Ok(mut o) => {
            // Creation-time provisioners; a failure taints the new object.
            let mut failed = None;
            if let Some(p) = wk
                .provisioning
                .as_ref()
                .filter(|_| display_action == Action::Create)
            {
                if let Err(d) = p.run(&new_value, &wk.address, hooks).await {
                    o.status = Some(ObjectStatus::Tainted);
                    failed = Some(d);
                }
            }
            sh.result(iid, Outcome::Applied(o.clone())).await;
            sh.working.lock().unwrap_or_else(|e| e.into_inner()).put(
                &wk.m,
                addr,
                &wk.k,
                None,
                provider_addr,
                o,
            );
            if let Some(d) = failed {
                for x in d.into_vec() {
                    sh.diag(x);
                }
                hooks.failed(&wk.address, display_action);
                return (None, deposed_job);
            }
        }
        Err(e) => {
            sh.result(
                iid,
                Outcome::Failed {
                    error: e.to_string(),
                    object: None,
                },
            )
            .await;
            return (
                fail(Diagnostic::error(
                    "Failed to record the new state",
                    e.to_string(),
                ))
                .0,
                deposed_job,
            );
        }
    }
    let new_id = id_of(&new_value);
    hooks.finished(
        &wk.address,
        display_action,
        new_id.as_deref(),
        start.elapsed(),
    );
    sh.count(display_action);
    let _ = null_obj;
    let _: Option<Path> = None;
    let _: Option<PathStep> = None;
    (Some(new_value), deposed_job)
}
