//! The graph walk shared by plan and apply: evaluating variables, locals,
//! outputs and module calls per module instance, expanding `count` and
//! `for_each`, and building each resource instance's configuration value.

use crate::decode::{decode_body, eval_expr};
use crate::graph::{Graph, NodeKey};
use crate::prior::PriorState;
use crate::providers::ProviderRegistry;
use crate::scope::{ModScope, RepData, Repetition, Scopes};
use crate::sources::Sources;
use crate::vars::finalize_variable;
use crate::Hooks;
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use terrane_addrs::{InstanceKey, ModuleInstance, ModulePath, Resource};
use terrane_config::{Config, Expr, Module, ResourceBlock};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::{EvalContext, Reference};
use terrane_provider::{Block, Nesting};
use terrane_value::{Kind, Type, Value};

/// The walker's state.
pub(crate) struct Walker<'a> {
    pub config: &'a Config,
    pub graph: &'a Graph,
    pub sources: Sources,
    pub scopes: Scopes,
    pub base: EvalContext,
    pub registry: ProviderRegistry,
    pub prior: PriorState,
    pub diags: Diagnostics,
    pub hooks: &'a dyn Hooks,
    /// Nodes that failed (their dependents are skipped).
    pub failed: HashSet<NodeIndex>,
    pub dep_memo: HashMap<NodeIndex, BTreeSet<NodeIndex>>,
    /// Resource nodes using create_before_destroy (own or forced).
    pub cbd: HashSet<NodeIndex>,
    /// [`BodyInfo`] per resource block (keyed by the block's address in
    /// the configuration, which outlives the walker): every instance of a
    /// block shares it instead of walking the body again.
    pub body_memo: Mutex<HashMap<usize, Arc<BodyInfo>>>,
}

/// What the walk needs to know about a resource body, the same for every
/// instance of the block.
#[derive(Debug)]
pub struct BodyInfo {
    /// The body's references ([`crate::graph::body_references`]).
    pub refs: Vec<Reference>,
    /// Resources read only through `[count.index]`/`[each.key]`
    /// ([`crate::graph::rep_indexed_resources`]).
    pub sparse: HashSet<(String, String)>,
}

/// The full address of a resource instance.
pub fn instance_addr(m: &ModuleInstance, r: &Resource, k: &InstanceKey) -> String {
    if m.is_root() {
        format!("{r}{k}")
    } else {
        format!("{m}.{r}{k}")
    }
}

/// Parent instance of a non-root module instance.
pub fn parent_of(m: &ModuleInstance) -> ModuleInstance {
    let mut p = m.clone();
    p.0.pop();
    p
}

fn expr_refs(e: &Expr) -> Vec<Reference> {
    terrane_lang::references(&e.expr)
}

/// Marks every attribute the schema declares sensitive.
pub fn mark_schema_sensitive(v: Value, b: &Block) -> Value {
    let marks = v.marks;
    match v.kind {
        Kind::Object(mut m) => {
            for (name, a) in &b.attributes {
                if a.sensitive {
                    if let Some(x) = m.remove(name) {
                        m.insert(name.clone(), x.mark_sensitive());
                    }
                }
            }
            for (name, nb) in &b.blocks {
                if let Some(x) = m.remove(name) {
                    let x = match (nb.nesting, x.kind) {
                        (Nesting::Single | Nesting::Group, kind) => mark_schema_sensitive(
                            Value {
                                kind,
                                marks: x.marks,
                            },
                            &nb.block,
                        ),
                        (_, Kind::List(t, xs)) => Value::list(
                            t,
                            xs.into_iter()
                                .map(|e| mark_schema_sensitive(e, &nb.block))
                                .collect(),
                        ),
                        (_, Kind::Set(t, xs)) => Value::set(
                            t,
                            xs.into_iter()
                                .map(|e| mark_schema_sensitive(e, &nb.block))
                                .collect(),
                        ),
                        (_, Kind::Map(t, xs)) => Value::map(
                            t,
                            xs.into_iter()
                                .map(|(k, e)| (k, mark_schema_sensitive(e, &nb.block)))
                                .collect(),
                        ),
                        (_, kind) => Value {
                            kind,
                            marks: x.marks,
                        },
                    };
                    m.insert(name.clone(), x);
                }
            }
            Value {
                kind: Kind::Object(m),
                marks,
            }
        }
        kind => Value { kind, marks },
    }
}

/// Evaluates `count` / `for_each` into instance keys.
pub fn expand(
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    ctx: &EvalContext,
    sources: &Sources,
) -> Result<(Repetition, Vec<(InstanceKey, RepData)>), Diagnostics> {
    let mut diags = Diagnostics::new();
    if let Some(c) = count {
        let v = eval_expr(&c.expr, &c.src, ctx, sources)?;
        let (v, _) = v.unmark_deep();
        if !v.is_known() {
            diags.push(Diagnostic::error(
                "Invalid count argument",
                "The \"count\" value depends on resource attributes that cannot be determined until apply, so terrane cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.",
            ).with_subject(c.range()));
            return Err(diags);
        }
        let n = terrane_value::convert(&v, &Type::Number)
            .ok()
            .and_then(|n| {
                n.as_number()
                    .and_then(|n| if n.is_integer() { n.to_i64() } else { None })
            });
        match n {
            Some(n) if n >= 0 => {
                return Ok((
                    Repetition::Count,
                    (0..n).map(|i| (InstanceKey::Int(i), RepData { count_index: Some(i), each: None })).collect(),
                ))
            }
            Some(_) => diags.push(Diagnostic::error("Invalid count argument", "The given \"count\" argument value is unsuitable: must be greater than or equal to zero.").with_subject(c.range())),
            None if v.is_null() => diags.push(Diagnostic::error("Invalid count argument", "The given \"count\" argument value is null. An integer is required.").with_subject(c.range())),
            None => diags.push(Diagnostic::error("Invalid count argument", "The given \"count\" argument value is unsuitable: a whole number is required.").with_subject(c.range())),
        }
        return Err(diags);
    }
    if let Some(fe) = for_each {
        let raw = eval_expr(&fe.expr, &fe.src, ctx, sources)?;
        if raw.is_sensitive() {
            diags.push(Diagnostic::error("Invalid for_each argument", "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.").with_subject(fe.range()));
            return Err(diags);
        }
        let unknown = || {
            Diagnostic::error(
                "Invalid for_each argument",
                "The \"for_each\" map includes keys derived from resource attributes that cannot be determined until apply, and so terrane cannot determine the full set of keys that will identify the instances of this resource.\n\nWhen working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.",
            )
            .with_subject(fe.range())
        };
        match &raw.kind {
            Kind::Unknown(_) => {
                diags.push(unknown());
            }
            Kind::Null(_) => diags.push(Diagnostic::error("Invalid for_each argument", "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.").with_subject(fe.range())),
            Kind::Map(_, m) | Kind::Object(m) => {
                return Ok((
                    Repetition::ForEach,
                    m.iter()
                        .map(|(k, v)| (InstanceKey::String(k.clone()), RepData { count_index: None, each: Some((k.clone(), v.clone())) }))
                        .collect(),
                ));
            }
            Kind::Set(_, xs) => {
                let mut out = Vec::new();
                for x in xs {
                    match &x.kind {
                        Kind::String(s) => out.push((InstanceKey::String(s.clone()), RepData { count_index: None, each: Some((s.clone(), x.clone())) })),
                        Kind::Unknown(_) => {
                            diags.push(unknown());
                            return Err(diags);
                        }
                        _ => {
                            diags.push(Diagnostic::error("Invalid for_each set argument", format!("The given \"for_each\" argument value is unsuitable: \"for_each\" supports sets of strings, but you have provided a set containing type {}.", x.ty().friendly_name())).with_subject(fe.range()));
                            return Err(diags);
                        }
                    }
                }
                out.sort_by(|a, b| a.0.cmp(&b.0));
                return Ok((Repetition::ForEach, out));
            }
            _ => diags.push(Diagnostic::error("Invalid for_each argument", format!("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.", raw.ty().friendly_name())).with_subject(fe.range())),
        }
        return Err(diags);
    }
    Ok((
        Repetition::Single,
        vec![(InstanceKey::None, RepData::default())],
    ))
}

impl<'a> Walker<'a> {
    pub fn module_of(&self, p: &ModulePath) -> Option<&'a Module> {
        self.config.descendant(p).map(|c| &c.module)
    }

    /// True when a dependency of `n` failed (then `n` is skipped and fails too).
    pub fn dependency_failed(&self, n: NodeIndex) -> bool {
        self.graph.deps(n).any(|d| self.failed.contains(&d))
    }

    /// The config-level addresses of the resources `n` depends on, as state
    /// records them.
    pub fn state_dependencies(&mut self, n: NodeIndex) -> Vec<String> {
        let set = if let Some(s) = self.dep_memo.get(&n) {
            s.clone()
        } else {
            let s = self.graph.resource_deps(n, &mut self.dep_memo);
            self.dep_memo.insert(n, s.clone());
            s
        };
        let mut out: Vec<String> = set
            .iter()
            .filter(|d| **d != n)
            .map(|d| self.graph.graph[*d].to_string())
            .collect();
        out.sort();
        out
    }

    /// Evaluates a non-resource node. Returns false if it failed.
    pub fn eval_value_node(&mut self, key: &NodeKey) -> bool {
        let before = self.diags.len();
        match key {
            NodeKey::Variable(p, name) => self.eval_variable(p, name),
            NodeKey::Local(p, name) => self.eval_local(p, name),
            NodeKey::Output(p, name) => self.eval_output(p, name),
            NodeKey::ModuleCall(p, name) => self.eval_module_call(p, name),
            NodeKey::Resource(..) | NodeKey::Provider(_) => {}
        }
        !self.diags.iter().skip(before).any(|d| d.is_error())
    }

    fn eval_variable(&mut self, p: &ModulePath, name: &str) {
        if p.is_root() {
            return; // set before the walk
        }
        let Some(module) = self.module_of(p) else {
            return;
        };
        let Some(var) = module.variables.get(name) else {
            return;
        };
        let parent_path = p.parent().unwrap_or_default();
        let call_name = p.0.last().cloned().unwrap_or_default();
        let call = self
            .module_of(&parent_path)
            .and_then(|m| m.module_calls.get(&call_name));
        for m in self.scopes.instances(p) {
            let parent = parent_of(&m);
            let rep = self
                .scopes
                .mods
                .get(&m)
                .map(|s| s.rep.clone())
                .unwrap_or_default();
            let given = match call.and_then(|c| c.inputs.get(name)) {
                Some(e) => {
                    let ctx = self
                        .scopes
                        .context(&self.base, &parent, &expr_refs(e), &rep, None);
                    match eval_expr(&e.expr, &e.src, &ctx, &self.sources) {
                        Ok(v) => Some(v),
                        Err(d) => {
                            self.diags.extend(d);
                            continue;
                        }
                    }
                }
                None => None,
            };
            let v = finalize_variable(var, given, &self.sources, &mut self.diags);
            if let Some(s) = self.scopes.mods.get_mut(&m) {
                s.vars.insert(name.to_string(), v);
            }
        }
    }

    fn eval_local(&mut self, p: &ModulePath, name: &str) {
        let Some(module) = self.module_of(p) else {
            return;
        };
        let Some(l) = module.locals.get(name) else {
            return;
        };
        let refs = expr_refs(&l.expr);
        for m in self.scopes.instances(p) {
            let ctx = self
                .scopes
                .context(&self.base, &m, &refs, &RepData::default(), None);
            let v = match eval_expr(&l.expr.expr, &l.expr.src, &ctx, &self.sources) {
                Ok(v) => v,
                Err(d) => {
                    self.diags.extend(d);
                    Value::unknown(Type::Dynamic)
                }
            };
            if let Some(s) = self.scopes.mods.get_mut(&m) {
                s.locals.insert(name.to_string(), v);
            }
        }
    }

    fn eval_output(&mut self, p: &ModulePath, name: &str) {
        let Some(module) = self.module_of(p) else {
            return;
        };
        let Some(o) = module.outputs.get(name) else {
            return;
        };
        let Some(e) = &o.value else { return };
        let mut refs = expr_refs(e);
        for c in &o.preconditions {
            refs.extend(expr_refs(&c.condition));
            refs.extend(expr_refs(&c.error_message));
        }
        for m in self.scopes.instances(p) {
            let ctx = self
                .scopes
                .context(&self.base, &m, &refs, &RepData::default(), None);
            for c in &o.preconditions {
                self.check_rule(c, &ctx, "Module output value precondition failed", None);
            }
            let mut v = match eval_expr(&e.expr, &e.src, &ctx, &self.sources) {
                Ok(v) => v,
                Err(d) => {
                    self.diags.extend(d);
                    Value::unknown(Type::Dynamic)
                }
            };
            if p.is_root() && !o.sensitive && v.has_sensitive_deep() {
                self.diags.push(
                    Diagnostic::error(
                        "Output refers to sensitive values",
                        "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, terrane requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                    )
                    .with_subject(o.decl_range.clone()),
                );
            }
            if o.sensitive {
                v = v.mark_sensitive();
            }
            if let Some(s) = self.scopes.mods.get_mut(&m) {
                s.outputs.insert(name.to_string(), v);
            }
        }
    }

    /// Evaluates a condition rule; pushes an error when it is false.
    /// Returns false when the rule failed.
    pub fn check_rule(
        &mut self,
        c: &terrane_config::CheckRule,
        ctx: &EvalContext,
        summary: &str,
        address: Option<&str>,
    ) -> bool {
        let mut diags = Diagnostics::new();
        let ok = self.check_rule_into(c, ctx, summary, address, &mut diags);
        self.diags.extend(diags);
        ok
    }

    /// [`Walker::check_rule`] reporting into `diags` (for callers that
    /// hold the walker shared, e.g. instances planned on several threads).
    pub fn check_rule_into(
        &self,
        c: &terrane_config::CheckRule,
        ctx: &EvalContext,
        summary: &str,
        address: Option<&str>,
        diags: &mut Diagnostics,
    ) -> bool {
        match eval_expr(&c.condition.expr, &c.condition.src, ctx, &self.sources) {
            Ok(v) if v.clone().unmark_deep().0.as_bool() == Some(false) => {
                let msg = eval_expr(
                    &c.error_message.expr,
                    &c.error_message.src,
                    ctx,
                    &self.sources,
                )
                .ok()
                .and_then(|m| m.unmark_deep().0.as_str().map(String::from))
                .unwrap_or_default();
                let mut d = Diagnostic::error(summary, msg).with_subject(c.condition.range());
                if let Some(a) = address {
                    d = d.with_address(a);
                }
                diags.push(d);
                false
            }
            Ok(_) => true,
            Err(d) => {
                diags.extend(d);
                false
            }
        }
    }

    fn eval_module_call(&mut self, p: &ModulePath, name: &str) {
        let Some(module) = self.module_of(p) else {
            return;
        };
        let Some(call) = module.module_calls.get(name) else {
            return;
        };
        let child_path = p.child(name.to_string());
        let Some(child_cfg) = self.config.descendant(&child_path) else {
            return;
        };
        let mut refs = Vec::new();
        for e in call.count.iter().chain(call.for_each.iter()) {
            refs.extend(expr_refs(e));
        }
        let mut all = Vec::new();
        for m in self.scopes.instances(p) {
            let ctx = self
                .scopes
                .context(&self.base, &m, &refs, &RepData::default(), None);
            let (rep, keys) = match expand(
                call.count.as_ref(),
                call.for_each.as_ref(),
                &ctx,
                &self.sources,
            ) {
                Ok(x) => x,
                Err(d) => {
                    self.diags.extend(d);
                    (Repetition::Unknown, Vec::new())
                }
            };
            if let Some(s) = self.scopes.mods.get_mut(&m) {
                s.calls.insert(
                    name.to_string(),
                    (rep, keys.iter().map(|(k, _)| k.clone()).collect()),
                );
            }
            for (k, rd) in keys {
                let child = m.child(name.to_string(), k);
                self.scopes.mods.insert(
                    child.clone(),
                    ModScope {
                        rep: rd,
                        dir: child_cfg.module.dir.clone(),
                        ..ModScope::default()
                    },
                );
                all.push(child);
            }
        }
        self.scopes.instances_of.insert(child_path, all);
    }

    /// The references of a resource block's body, computed once per block.
    pub fn body_info(&self, rb: &ResourceBlock) -> Arc<BodyInfo> {
        let key = rb as *const ResourceBlock as usize;
        if let Ok(memo) = self.body_memo.lock() {
            if let Some(info) = memo.get(&key) {
                return info.clone();
            }
        }
        let info = Arc::new(BodyInfo {
            refs: crate::graph::body_references(&rb.body),
            sparse: crate::graph::rep_indexed_resources(&rb.body),
        });
        if let Ok(mut memo) = self.body_memo.lock() {
            memo.insert(key, info.clone());
        }
        info
    }

    /// The instances of resource block `rb` in module instance `m`: its
    /// `count`/`for_each` evaluated in the module instance's scope.
    pub fn expand_resource(
        &self,
        m: &ModuleInstance,
        rb: &ResourceBlock,
    ) -> Result<(Repetition, Vec<(InstanceKey, RepData)>), Diagnostics> {
        let refs = crate::graph::resource_meta_refs(rb);
        let ctx = self
            .scopes
            .context(&self.base, m, &refs, &RepData::default(), None);
        expand(rb.count.as_ref(), rb.for_each.as_ref(), &ctx, &self.sources)
    }

    /// Evaluates one resource instance's configuration body.
    pub fn instance_config(
        &self,
        m: &ModuleInstance,
        rb: &ResourceBlock,
        body_refs: &[Reference],
        rep: &RepData,
        schema: &Block,
    ) -> Result<Value, Diagnostics> {
        self.instance_config_in(m, rb, body_refs, rep, schema, None)
    }

    /// [`Walker::instance_config`] over roots shared by every instance of
    /// the block ([`crate::scope::Scopes::shared_roots`] of `m` and the
    /// body's references and sparse resources), when given.
    pub fn instance_config_in(
        &self,
        m: &ModuleInstance,
        rb: &ResourceBlock,
        body_refs: &[Reference],
        rep: &RepData,
        schema: &Block,
        shared: Option<&Arc<BTreeMap<String, Value>>>,
    ) -> Result<Value, Diagnostics> {
        let info = self.body_info(rb);
        let ctx = match shared {
            Some(roots) => self.scopes.instance_context(
                &self.base,
                roots,
                m,
                body_refs,
                rep,
                None,
                &info.sparse,
            ),
            None => self
                .scopes
                .context_sparse(&self.base, m, body_refs, rep, None, &info.sparse),
        };
        let (v, d) = decode_body(&rb.body, schema, &ctx, &self.sources);
        if d.has_errors() {
            return Err(d);
        }
        Ok(v)
    }

    /// Stores the values of a resource's instances in its module instance's scope.
    pub fn set_resource_values(
        &mut self,
        m: &ModuleInstance,
        addr: &Resource,
        rep: Repetition,
        values: BTreeMap<InstanceKey, Value>,
    ) {
        if let Some(s) = self.scopes.mods.get_mut(m) {
            s.resources.insert(
                addr.clone(),
                crate::scope::ResourceValues {
                    rep,
                    instances: values,
                },
            );
        }
    }
}
