//! The dependency graph: one node per variable, local, output, resource,
//! module call and provider configuration of every module in the
//! configuration tree; an edge `a → b` when `b` needs `a` first (a
//! reference or `depends_on`). Nodes are keyed by their addresses.

use hcl_edit::expr::Expression;
use hcl_edit::structure::Body;
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use terrane_addrs::{ModulePath, Resource, ResourceMode};
use terrane_config::{Config, Expr, Module, RawBody, ResourceBlock};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::{RefStep, Reference};

/// A graph node's identity: what it is and the module it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKey {
    /// An input variable.
    Variable(ModulePath, String),
    /// A local value.
    Local(ModulePath, String),
    /// An output value.
    Output(ModulePath, String),
    /// A resource or data source (all its instances).
    Resource(ModulePath, Resource),
    /// A module call (its expansion into instances), in the calling module.
    ModuleCall(ModulePath, String),
    /// A provider configuration, by `name` or `name.alias` (root module).
    Provider(String),
}

fn prefix(p: &ModulePath, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if !p.is_root() {
        write!(f, "{p}.")?;
    }
    Ok(())
}

impl fmt::Display for NodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeKey::Variable(p, n) => {
                prefix(p, f)?;
                write!(f, "var.{n}")
            }
            NodeKey::Local(p, n) => {
                prefix(p, f)?;
                write!(f, "local.{n}")
            }
            NodeKey::Output(p, n) => {
                prefix(p, f)?;
                write!(f, "output.{n}")
            }
            NodeKey::Resource(p, r) => {
                prefix(p, f)?;
                write!(f, "{r}")
            }
            NodeKey::ModuleCall(p, n) => {
                prefix(p, f)?;
                write!(f, "module.{n}")
            }
            NodeKey::Provider(k) => write!(f, "provider.{k}"),
        }
    }
}

/// The dependency graph of a configuration.
#[derive(Debug, Default)]
pub struct Graph {
    /// The petgraph graph; edges point from a dependency to its dependent.
    pub graph: DiGraph<NodeKey, ()>,
    /// Node index by key.
    pub index: HashMap<NodeKey, NodeIndex>,
    /// A topological order of every node.
    pub order: Vec<NodeIndex>,
}

impl Graph {
    /// The node's direct dependencies.
    pub fn deps(&self, n: NodeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph
            .neighbors_directed(n, petgraph::Direction::Incoming)
    }

    /// The resource nodes `n` depends on, looking through variables,
    /// locals, outputs and module calls (not through other resources):
    /// what state records as an instance's `dependencies`.
    pub fn resource_deps(
        &self,
        n: NodeIndex,
        memo: &mut HashMap<NodeIndex, BTreeSet<NodeIndex>>,
    ) -> BTreeSet<NodeIndex> {
        let mut out = BTreeSet::new();
        for d in self.deps(n) {
            match &self.graph[d] {
                NodeKey::Resource(..) => {
                    out.insert(d);
                }
                NodeKey::Provider(_) => {}
                _ => {
                    if let Some(s) = memo.get(&d) {
                        out.extend(s.iter().copied());
                    } else {
                        let s = self.resource_deps(d, memo);
                        out.extend(s.iter().copied());
                        memo.insert(d, s);
                    }
                }
            }
        }
        out
    }
}

/// Resource nodes that use create_before_destroy: those that set it, and
/// (as Terraform forces) every resource they depend on.
pub fn create_before_destroy_nodes(
    g: &Graph,
    config: &Config,
) -> std::collections::HashSet<NodeIndex> {
    let mut out = std::collections::HashSet::new();
    let mut memo = HashMap::new();
    for &n in g.order.iter().rev() {
        let NodeKey::Resource(p, r) = &g.graph[n] else {
            continue;
        };
        let own = config
            .descendant(p)
            .and_then(|c| c.module.resources.get(r))
            .is_some_and(|rb| rb.lifecycle.create_before_destroy == Some(true));
        if own || out.contains(&n) {
            out.insert(n);
            for d in g.resource_deps(n, &mut memo) {
                out.insert(d);
            }
        }
    }
    out
}

/// The provider configuration key (`name` or `name.alias`) a resource uses.
pub fn provider_key(r: &ResourceBlock) -> String {
    let c = r.provider_config();
    match &c.alias {
        Some(a) => format!("{}.{a}", c.local_name),
        None => c.local_name.clone(),
    }
}

/// Every reference made by a raw body, recursively through nested and
/// `dynamic` blocks.
pub fn body_references(body: &RawBody) -> Vec<Reference> {
    let mut out = Vec::new();
    for (_, b) in &body.parts {
        walk_body(b, &mut out);
    }
    out
}

/// Managed resources (type, name) that `body` reads only as
/// `TYPE.NAME[count.index]` or `TYPE.NAME[each.key]`: an instance needs just
/// its own counterpart, not the whole resource (keeps evaluation O(1) per
/// instance instead of O(instances)).
pub fn rep_indexed_resources(body: &RawBody) -> std::collections::HashSet<(String, String)> {
    let mut only = HashMap::new();
    for (src, b) in &body.parts {
        let mut refs = Vec::new();
        walk_body(b, &mut refs);
        let text = src.file.text();
        for r in refs {
            let Some(RefStep::Attr(name)) = r.steps.first() else {
                continue;
            };
            if matches!(
                r.root.as_str(),
                "var"
                    | "local"
                    | "module"
                    | "data"
                    | "count"
                    | "each"
                    | "path"
                    | "terraform"
                    | "self"
            ) {
                continue;
            }
            let indexed = r.steps.len() == 1
                && r.span
                    .as_ref()
                    .and_then(|sp| text.get(sp.end..))
                    .is_some_and(|rest| {
                        let rest: String = rest
                            .chars()
                            .take(40)
                            .filter(|c| !c.is_whitespace())
                            .collect();
                        rest.starts_with("[count.index]") || rest.starts_with("[each.key]")
                    });
            let e = only.entry((r.root.clone(), name.clone())).or_insert(true);
            *e &= indexed;
        }
    }
    only.into_iter()
        .filter(|(_, v)| *v)
        .map(|(k, _)| k)
        .collect()
}

fn walk_body(b: &Body, out: &mut Vec<Reference>) {
    for a in b.attributes() {
        out.extend(terrane_lang::references(&a.value));
    }
    for blk in b.blocks() {
        walk_body(&blk.body, out);
    }
}

fn expr_refs(e: &Expr) -> Vec<Reference> {
    terrane_lang::references(&e.expr)
}

/// The references of a resource block's own expressions (not its body).
pub fn resource_meta_refs(r: &ResourceBlock) -> Vec<Reference> {
    let mut out = Vec::new();
    for e in r
        .count
        .iter()
        .chain(r.for_each.iter())
        .chain(r.depends_on.iter())
    {
        out.extend(expr_refs(e));
    }
    for e in &r.lifecycle.replace_triggered_by {
        out.extend(expr_refs(e));
    }
    for c in r
        .lifecycle
        .preconditions
        .iter()
        .chain(r.lifecycle.postconditions.iter())
    {
        out.extend(expr_refs(&c.condition));
        out.extend(expr_refs(&c.error_message));
    }
    out
}

struct Builder<'a> {
    g: Graph,
    edges: Vec<(NodeKey, NodeKey)>,
    root: &'a Config,
}

impl Builder<'_> {
    fn node(&mut self, k: NodeKey) {
        if !self.g.index.contains_key(&k) {
            let i = self.g.graph.add_node(k.clone());
            self.g.index.insert(k, i);
        }
    }

    /// The nodes a reference (made in module `path`) points at.
    fn targets(&self, m: &Module, path: &ModulePath, r: &Reference, out: &mut Vec<NodeKey>) {
        let attr = |i: usize| match r.steps.get(i) {
            Some(RefStep::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match r.root.as_str() {
            "var" => {
                if let Some(n) = attr(0) {
                    out.push(NodeKey::Variable(path.clone(), n.to_string()));
                }
            }
            "local" => {
                if let Some(n) = attr(0) {
                    out.push(NodeKey::Local(path.clone(), n.to_string()));
                }
            }
            "module" => {
                if let Some(c) = attr(0) {
                    out.push(NodeKey::ModuleCall(path.clone(), c.to_string()));
                    let child = path.child(c);
                    // `module.c.out` or `module.c[k].out`
                    let out_name = match (r.steps.get(1), r.steps.get(2)) {
                        (Some(RefStep::Attr(o)), _) => Some(o.clone()),
                        (Some(RefStep::Key(_) | RefStep::Index(_)), Some(RefStep::Attr(o))) => {
                            Some(o.clone())
                        }
                        _ => None,
                    };
                    if let Some(cfg) = self.root.descendant(&child) {
                        match out_name.filter(|o| cfg.module.outputs.contains_key(o)) {
                            Some(o) => out.push(NodeKey::Output(child, o)),
                            None => {
                                for o in cfg.module.outputs.keys() {
                                    out.push(NodeKey::Output(child.clone(), o.clone()));
                                }
                            }
                        }
                    }
                }
            }
            "data" => {
                if let (Some(t), Some(n)) = (attr(0), attr(1)) {
                    out.push(NodeKey::Resource(
                        path.clone(),
                        Resource::new(ResourceMode::Data, t, n),
                    ));
                }
            }
            "count" | "each" | "path" | "terraform" | "self" => {}
            t => {
                if let Some(n) = attr(0) {
                    let res = Resource::new(ResourceMode::Managed, t, n);
                    if m.resources.contains_key(&res) {
                        out.push(NodeKey::Resource(path.clone(), res));
                    }
                }
            }
        }
    }

    fn depend(&mut self, m: &Module, path: &ModulePath, to: &NodeKey, refs: &[Reference]) {
        let mut ts = Vec::new();
        for r in refs {
            self.targets(m, path, r, &mut ts);
        }
        for t in ts {
            // A reference to itself is a cycle for locals and resources.
            if &t != to || matches!(t, NodeKey::Local(..) | NodeKey::Resource(..)) {
                self.edges.push((t, to.clone()));
            }
        }
    }

    fn add_module(&mut self, cfg: &Config) {
        let m = &cfg.module;
        let path = &cfg.path;
        let call_node = path
            .parent()
            .zip(path.0.last())
            .map(|(parent, name)| NodeKey::ModuleCall(parent, name.clone()));
        let mut keys = Vec::new();
        for name in m.variables.keys() {
            keys.push(NodeKey::Variable(path.clone(), name.clone()));
        }
        for name in m.locals.keys() {
            keys.push(NodeKey::Local(path.clone(), name.clone()));
        }
        for name in m.outputs.keys() {
            keys.push(NodeKey::Output(path.clone(), name.clone()));
        }
        for addr in m.resources.keys() {
            if addr.mode != ResourceMode::Ephemeral {
                keys.push(NodeKey::Resource(path.clone(), addr.clone()));
            }
        }
        for name in m.module_calls.keys() {
            keys.push(NodeKey::ModuleCall(path.clone(), name.clone()));
        }
        for k in &keys {
            self.node(k.clone());
            if let Some(c) = &call_node {
                self.edges.push((c.clone(), k.clone()));
            }
        }
        for (name, l) in &m.locals {
            let k = NodeKey::Local(path.clone(), name.clone());
            self.depend(m, path, &k, &expr_refs(&l.expr));
        }
        for (name, o) in &m.outputs {
            let k = NodeKey::Output(path.clone(), name.clone());
            let mut refs: Vec<Reference> = o.value.iter().flat_map(expr_refs).collect();
            for d in &o.depends_on {
                refs.extend(expr_refs(d));
            }
            for c in &o.preconditions {
                refs.extend(expr_refs(&c.condition));
            }
            self.depend(m, path, &k, &refs);
        }
        for (addr, r) in &m.resources {
            if addr.mode == ResourceMode::Ephemeral {
                continue;
            }
            let k = NodeKey::Resource(path.clone(), addr.clone());
            let mut refs = body_references(&r.body);
            refs.extend(resource_meta_refs(r));
            refs.retain(|x| x.root != "self");
            self.depend(m, path, &k, &refs);
            let pk = NodeKey::Provider(provider_key(r));
            self.node(pk.clone());
            self.edges.push((pk, k));
        }
        for (name, call) in &m.module_calls {
            let k = NodeKey::ModuleCall(path.clone(), name.clone());
            let mut refs = Vec::new();
            for e in call
                .count
                .iter()
                .chain(call.for_each.iter())
                .chain(call.depends_on.iter())
            {
                refs.extend(expr_refs(e));
            }
            self.depend(m, path, &k, &refs);
            // The child's variables read the call's arguments here.
            let child = path.child(name.clone());
            for (input, e) in &call.inputs {
                let vk = NodeKey::Variable(child.clone(), input.clone());
                self.depend(m, path, &vk, &expr_refs(e));
            }
            // depends_on of the call applies to everything inside.
            let mut dep_targets = Vec::new();
            for d in &call.depends_on {
                for r in expr_refs(d) {
                    self.targets(m, path, &r, &mut dep_targets);
                }
            }
            if let Some(ccfg) = cfg.children.get(name) {
                for a in ccfg.module.resources.keys() {
                    for t in &dep_targets {
                        self.edges
                            .push((t.clone(), NodeKey::Resource(child.clone(), a.clone())));
                    }
                }
            }
        }
        if path.is_root() {
            for imp in &m.imports {
                let refs: Vec<Reference> = imp
                    .id
                    .iter()
                    .chain(imp.for_each.iter())
                    .chain(std::iter::once(&imp.to))
                    .flat_map(expr_refs)
                    .collect();
                for (addr, _) in m.resources.iter() {
                    let text = crate::moves::expr_text(&imp.to);
                    if text == addr.to_string() || text.starts_with(&format!("{addr}[")) {
                        let k = NodeKey::Resource(path.clone(), addr.clone());
                        let refs: Vec<Reference> = refs
                            .iter()
                            .filter(|r| {
                                !(r.root == addr.type_name
                                    && r.first_attr() == Some(addr.name.as_str()))
                            })
                            .cloned()
                            .collect();
                        self.depend(m, path, &k, &refs);
                    }
                }
            }
            for (key, p) in &m.providers {
                let k = NodeKey::Provider(key.clone());
                self.node(k.clone());
                let refs = body_references(&p.body);
                self.depend(m, path, &k, &refs);
            }
        }
        for child in cfg.children.values() {
            self.add_module(child);
        }
    }
}

/// Builds the dependency graph of `config`. A dependency cycle is an error
/// naming every node on the cycle.
pub fn build_graph(config: &Config) -> Result<Graph, Diagnostics> {
    let mut b = Builder {
        g: Graph::default(),
        edges: Vec::new(),
        root: config,
    };
    b.add_module(config);
    // depends_on edges of resources (they may name modules).
    let edges = std::mem::take(&mut b.edges);
    let mut g = b.g;
    let mut seen = std::collections::HashSet::new();
    for (from, to) in edges {
        let (Some(&a), Some(&z)) = (g.index.get(&from), g.index.get(&to)) else {
            continue;
        };
        if seen.insert((a, z)) {
            g.graph.add_edge(a, z, ());
        }
    }
    match petgraph::algo::toposort(&g.graph, None) {
        Ok(order) => {
            g.order = order;
            Ok(g)
        }
        Err(_) => {
            let mut diags = Diagnostics::new();
            for scc in petgraph::algo::kosaraju_scc(&g.graph) {
                let self_loop = scc.len() == 1 && g.graph.contains_edge(scc[0], scc[0]);
                if scc.len() > 1 || self_loop {
                    let mut names: Vec<String> = cycle_path(&g, &scc)
                        .iter()
                        .map(|n| g.graph[*n].to_string())
                        .collect();
                    if names.is_empty() {
                        names = scc.iter().map(|n| g.graph[*n].to_string()).collect();
                    }
                    diags.push(Diagnostic::error(
                        "Cycle",
                        format!("Cycle: {}", names.join(", ")),
                    ));
                }
            }
            Err(diags)
        }
    }
}

/// One concrete cycle through the strongly connected component `scc`.
fn cycle_path(g: &Graph, scc: &[NodeIndex]) -> Vec<NodeIndex> {
    let set: std::collections::HashSet<NodeIndex> = scc.iter().copied().collect();
    let Some(&start) = scc.iter().min_by_key(|n| g.graph[**n].to_string()) else {
        return Vec::new();
    };
    // Breadth-first search from start back to start within the component.
    let mut prev: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for m in g.graph.neighbors(n) {
            if !set.contains(&m) {
                continue;
            }
            if m == start {
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    match prev.get(&cur) {
                        Some(&p) => {
                            path.push(p);
                            cur = p;
                        }
                        None => break,
                    }
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    Vec::new()
}

/// True for a node whose expression (`e`) is a reference list entry.
pub fn is_reference_expr(e: &Expression) -> bool {
    matches!(e, Expression::Traversal(_) | Expression::Variable(_))
}
