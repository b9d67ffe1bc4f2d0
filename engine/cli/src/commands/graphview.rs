//! `terrane graph -type=plan|apply|...`: the operation graph in the layout
//! of `terraform graph -type=plan` — `(expand)` nodes for resources,
//! locals, outputs, module variables and calls, `(close)` nodes for
//! providers and module calls, a `root` node, and only the edges left
//! after a transitive reduction (Terraform prints the reduced graph).

use std::collections::{BTreeMap, BTreeSet};
use terrane_addrs::{ModulePath, Resource, ResourceMode};
use terrane_config::Config;
use terrane_core::graph::{body_references, provider_key, Graph, NodeKey};
use terrane_lang::RefStep;
use terrane_state::{Mode, StateFile};

fn q(s: &str) -> String {
    format!("{s:?}")
}

/// A node's name in Terraform's plan graph (without the `[root] ` prefix)
/// and its declaration shape, if it is declared with a label.
fn node_name(k: &NodeKey, provider: &dyn Fn(&str) -> String) -> (String, Option<&'static str>) {
    match k {
        NodeKey::Provider(p) => (provider(p), Some("diamond")),
        NodeKey::Resource(..) => (format!("{k} (expand)"), Some("box")),
        NodeKey::Variable(p, _) if p.is_root() => (k.to_string(), Some("note")),
        _ => (format!("{k} (expand)"), None),
    }
}

/// The plan-graph nodes a check's expressions refer to (display only:
/// variables, locals, resources and data sources of the same module).
fn referenced(
    g: &Graph,
    module: &terrane_config::Module,
    path: &ModulePath,
    refs: &[terrane_lang::Reference],
    provider: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in refs {
        let attr = |i: usize| match r.steps.get(i) {
            Some(RefStep::Attr(a)) => Some(a.clone()),
            _ => None,
        };
        let key = match (r.root.as_str(), attr(0), attr(1)) {
            ("var", Some(n), _) => NodeKey::Variable(path.clone(), n),
            ("local", Some(n), _) => NodeKey::Local(path.clone(), n),
            ("data", Some(t), Some(n)) => {
                NodeKey::Resource(path.clone(), Resource::new(ResourceMode::Data, t, n))
            }
            ("count" | "each" | "self" | "path" | "terraform" | "module", _, _) => continue,
            (t, Some(n), _) => {
                let res = Resource::new(ResourceMode::Managed, t, n);
                if !module.resources.contains_key(&res) {
                    continue;
                }
                NodeKey::Resource(path.clone(), res)
            }
            _ => continue,
        };
        if g.index.contains_key(&key) || matches!(key, NodeKey::Resource(..)) {
            out.push(node_name(&key, provider).0);
        }
    }
    out
}

/// `check` blocks: `check.NAME (expand)` depends on what its assertions
/// and scoped data source read, and is reported by `check.NAME (report)`.
fn checks(
    config: &Config,
    g: &Graph,
    provider: &dyn Fn(&str) -> String,
    decl: &mut BTreeSet<(String, String, &'static str)>,
    add: &mut dyn FnMut(String, String),
    reports: bool,
) {
    for c in config.walk() {
        for (name, check) in &c.module.checks {
            let prefix = if c.path.is_root() {
                String::new()
            } else {
                format!("{}.", c.path)
            };
            let expand = format!("{prefix}check.{name} (expand)");
            let report = format!("{prefix}check.{name} (report)");
            add("root".into(), expand.clone());
            let mut refs = Vec::new();
            for a in &check.asserts {
                refs.extend(terrane_lang::references(&a.condition.expr));
                refs.extend(terrane_lang::references(&a.error_message.expr));
            }
            let targets = referenced(g, &c.module, &c.path, &refs, provider);
            match &check.data {
                Some(rb) => {
                    let key = NodeKey::Resource(c.path.clone(), rb.addr.clone());
                    let (dname, _) = node_name(&key, provider);
                    decl.insert((dname.clone(), key.to_string(), "box"));
                    let p = provider(&provider_key(rb));
                    add(dname.clone(), p.clone());
                    add(format!("{p} (close)"), dname.clone());
                    if reports {
                        add(dname.clone(), report);
                    }
                    let body = body_references(&rb.body);
                    for t in referenced(g, &c.module, &c.path, &body, provider) {
                        add(dname.clone(), t);
                    }
                    add(expand.clone(), dname);
                }
                None if reports => add(expand.clone(), report),
                None => {}
            }
            let nested = check.data.as_ref().map(|rb| {
                node_name(
                    &NodeKey::Resource(c.path.clone(), rb.addr.clone()),
                    provider,
                )
                .0
            });
            for t in targets.into_iter().filter(|t| Some(t) != nested.as_ref()) {
                add(expand.clone(), t);
            }
        }
    }
}

/// Removes every edge `u -> v` for which `v` is also reachable from `u`
/// through another path (the graph is acyclic).
fn transitive_reduction(edges: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<(String, String)> {
    let mut reach: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    fn visit<'a>(
        n: &'a str,
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        reach: &mut BTreeMap<&'a str, BTreeSet<&'a str>>,
    ) {
        if reach.contains_key(n) {
            return;
        }
        reach.insert(n, BTreeSet::new());
        let mut all = BTreeSet::new();
        for s in edges.get(n).into_iter().flatten() {
            visit(s, edges, reach);
            all.insert(s.as_str());
            if let Some(r) = reach.get(s.as_str()) {
                all.extend(r.iter().copied());
            }
        }
        reach.insert(n, all);
    }
    for n in edges.keys() {
        visit(n, edges, &mut reach);
    }
    let mut out = BTreeSet::new();
    for (u, succ) in edges {
        for v in succ {
            let indirect = succ.iter().filter(|w| *w != v).any(|w| {
                reach
                    .get(w.as_str())
                    .is_some_and(|r| r.contains(v.as_str()))
            });
            if !indirect {
                out.insert((u.clone(), v.clone()));
            }
        }
    }
    out
}

/// The DOT text of a graph: declared nodes and reduced edges.
fn dot(decl: &[(String, String, &str)], edges: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::from(
        "digraph {\n\tcompound = \"true\"\n\tnewrank = \"true\"\n\tsubgraph \"root\" {\n",
    );
    for (name, label, shape) in decl {
        out.push_str(&format!(
            "\t\t{} [label = {}, shape = {}]\n",
            q(&format!("[root] {name}")),
            q(label),
            q(shape)
        ));
    }
    for (a, b) in transitive_reduction(edges) {
        out.push_str(&format!(
            "\t\t{} -> {}\n",
            q(&format!("[root] {a}")),
            q(&format!("[root] {b}"))
        ));
    }
    out.push_str("\t}\n}\n");
    out
}

/// The DOT text of the destroy plan graph (`-type=plan-destroy`), built
/// from the state: each managed resource's `(destroy)` node waits for the
/// destroy nodes of the resources that depend on it; root outputs are
/// always listed.
pub fn destroy_dot(config: &Config, state: &StateFile) -> String {
    let mut decl = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |a: String, b: String| {
        edges.entry(a).or_default().insert(b);
    };
    let mut providers = BTreeSet::new();
    for r in &state.resources {
        let prefix = if r.module.is_empty() {
            String::new()
        } else {
            format!("{}.", r.module)
        };
        let data = if r.mode == Mode::Data { "data." } else { "" };
        let label = format!("{prefix}{data}{}.{}", r.resource_type, r.name);
        let name = format!("{label} (destroy)");
        // Terraform declares the node once per instance.
        for _ in &r.instances {
            decl.push((name.clone(), label.clone(), "box"));
        }
        providers.insert(r.provider.clone());
        add(name.clone(), r.provider.clone());
        add(format!("{} (close)", r.provider), name.clone());
        add("root".into(), format!("{} (close)", r.provider));
        for o in &r.instances {
            for d in &o.dependencies {
                let dep = d.split('[').next().unwrap_or(d);
                add(format!("{dep} (destroy)"), name.clone());
            }
        }
    }
    for p in providers {
        decl.push((p.clone(), p, "diamond"));
    }
    for o in config.module.outputs.keys() {
        add("root".into(), format!("output.{o} (expand)"));
    }
    decl.sort();
    dot(&decl, &edges)
}

/// The DOT text of the plan graph (`apply`: of the apply graph, which has
/// no check `(report)` nodes).
pub fn plan_dot(
    config: &Config,
    g: &Graph,
    provider: &dyn Fn(&str) -> String,
    apply: bool,
) -> String {
    let mut decl = BTreeSet::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |a: String, b: String| {
        edges.entry(a).or_default().insert(b);
    };
    let root = "root".to_string();
    for (k, &i) in &g.index {
        let (name, shape) = node_name(k, provider);
        if let Some(shape) = shape {
            let label = match k {
                NodeKey::Provider(_) => name.clone(),
                _ => k.to_string(),
            };
            decl.insert((name.clone(), label, shape));
        }
        for d in g.deps(i) {
            let dk = &g.graph[d];
            let (dname, _) = node_name(dk, provider);
            add(name.clone(), dname.clone());
            // A provider is closed after every resource that uses it.
            if let (NodeKey::Resource(..), NodeKey::Provider(_)) = (k, dk) {
                let close = format!("{dname} (close)");
                add(close.clone(), name.clone());
                add(root.clone(), close);
            }
        }
        match k {
            NodeKey::Output(p, _) if p.is_root() => add(root.clone(), name.clone()),
            // A module call is closed once its outputs are.
            NodeKey::Output(p, _) => {
                add(format!("{p} (close)"), name.clone());
                add(root.clone(), format!("{p} (close)"));
            }
            _ => {}
        }
    }
    checks(config, g, provider, &mut decl, &mut add, !apply);
    // Module calls without outputs close after their resources.
    for c in config.walk() {
        if c.path.is_root() || !c.module.outputs.is_empty() {
            continue;
        }
        let close = format!("{} (close)", c.path);
        for r in c.module.resources.keys() {
            add(
                close.clone(),
                format!("{} (expand)", NodeKey::Resource(c.path.clone(), r.clone())),
            );
        }
        add(root.clone(), close);
    }
    let decl: Vec<(String, String, &str)> = decl.into_iter().collect();
    dot(&decl, &edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_drops_implied_edges_only() {
        let mut e: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in [("a", "b"), ("b", "c"), ("a", "c"), ("a", "d")] {
            e.entry(a.into()).or_default().insert(b.into());
        }
        let r = transitive_reduction(&e);
        let got: Vec<(&str, &str)> = r.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(got, vec![("a", "b"), ("a", "d"), ("b", "c")]);
    }
}
