//! `init`, `validate`, `import`, `graph`, `providers` and `console`.

use super::common::{self, print_diags};
use crate::args::{ConsoleArgs, GraphArgs, ImportArgs, InitArgs, ValidateArgs};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;
use terrane_addrs::{ModulePath, ResourceMode};
use terrane_config::Config;
use terrane_core::graph::{body_references, build_graph, provider_key, NodeKey};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};
use terrane_lang::EvalContext;
use terrane_value::{Type, Value};

/// Every provider source address the configuration needs, with the
/// modules that need it.
fn required_providers(config: &Config) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in config.walk() {
        let m = &c.module;
        let label = if c.path.is_root() {
            "root".to_string()
        } else {
            c.path.to_string()
        };
        for rp in m.terraform.required_providers.values() {
            out.entry(rp.source.to_string())
                .or_default()
                .insert(label.clone());
        }
        for r in m.resources.values() {
            let name = r.provider_config().local_name;
            out.entry(m.provider_for_local_name(&name).to_string())
                .or_default()
                .insert(label.clone());
        }
        for name in m.providers.values().map(|p| p.name.clone()) {
            out.entry(m.provider_for_local_name(&name).to_string())
                .or_default()
                .insert(label.clone());
        }
    }
    out
}

/// `terrane init`.
pub fn init(a: InitArgs) -> u8 {
    let dir = common::cwd();
    let (config, diags) = terrane_config::load_config(&dir);
    let sources = config.as_ref().map(|c| c.sources()).unwrap_or_default();
    let Some(config) = config else {
        print_diags(&diags, &sources, false);
        return 1;
    };
    println!("Initializing the backend...");
    if !config.children.is_empty() {
        println!("Initializing modules...");
        for c in config.walk().into_iter().skip(1) {
            let rel = c
                .module
                .dir
                .strip_prefix(&dir)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| c.module.dir.display().to_string());
            println!("- {} in {rel}", c.path.0.join("."));
        }
    }
    print_diags(&diags, &sources, false);
    if diags.has_errors() {
        return 1;
    }
    if let Err(e) = crate::backend::init::from_args(&a, &config, &dir) {
        return e.report();
    }
    println!("Initializing provider plugins...");
    let providers = common::providers();
    let mut missing = Diagnostics::new();
    let mut lock = String::from("# This file is maintained automatically by \"terrane init\".\n# Manual edits may be lost in future updates.\n");
    for (source, _) in required_providers(&config) {
        match providers.iter().find(|p| p.source().eq_ignore_ascii_case(&source)) {
            Some(p) => {
                println!("- {} is built in to terrane", p.source());
                if !source.starts_with("terraform.io/builtin/") {
                    lock.push_str(&format!("\nprovider \"{source}\" {{\n  version = \"{}\"\n}}\n", env!("CARGO_PKG_VERSION")));
                }
            }
            None => missing.push(Diagnostic::error(
                "Failed to query available provider packages",
                format!("Could not retrieve the list of available versions for provider {source}: terrane has no provider {source}. terrane offers only its built-in providers (terraform.io/builtin/terraform, hashicorp/null, hashicorp/random, hashicorp/local, hashicorp/time)."),
            )),
        }
    }
    if missing.has_errors() {
        print_diags(&missing, &SourceMap::new(), false);
        return 1;
    }
    let _ = std::fs::create_dir_all(dir.join(".terraform"));
    if let Err(e) = std::fs::write(dir.join(".terraform.lock.hcl"), lock) {
        common::error("Failed to write the lock file", e.to_string());
        return 1;
    }
    println!("\nterrane has been successfully initialized!\n\nYou may now begin working with terrane. Try running \"terrane plan\" to see\nany changes that are required for your infrastructure. All terrane commands\nshould now work.");
    0
}

/// An evaluation context where every name is unknown (validation).
fn unknown_context(refs: &[terrane_lang::Reference]) -> EvalContext {
    let mut ctx = EvalContext::default();
    for r in refs {
        let v = match r.root.as_str() {
            "count" => Value::object(
                [("index".to_string(), Value::unknown(Type::Number))]
                    .into_iter()
                    .collect(),
            ),
            "each" => Value::object(
                [
                    ("key".to_string(), Value::unknown(Type::String)),
                    ("value".to_string(), Value::unknown(Type::Dynamic)),
                ]
                .into_iter()
                .collect(),
            ),
            _ => Value::unknown(Type::Dynamic),
        };
        ctx.set(r.root.clone(), v);
    }
    ctx
}

/// Schema checks of every resource body.
fn schema_checks(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let providers = common::providers();
    let reg = terrane_core::providers::ProviderRegistry::new(&providers);
    let sources = terrane_core::sources::Sources::new(config);
    for c in config.walk() {
        for (addr, rb) in &c.module.resources {
            if addr.mode == ResourceMode::Ephemeral {
                continue;
            }
            let rp = match reg.resolve(config, &c.path, &provider_key(rb)) {
                Ok(rp) => rp,
                Err(d) => {
                    diags.push(d.with_subject(rb.decl_range.clone()));
                    continue;
                }
            };
            let Some(schema) = terrane_core::planner::resource_schema(rp.provider.as_ref(), addr)
            else {
                diags.push(
                    Diagnostic::error(
                        if addr.mode == ResourceMode::Data {
                            "Invalid data source"
                        } else {
                            "Invalid resource type"
                        },
                        format!(
                            "The provider {} does not support {} {:?}.",
                            rp.source,
                            if addr.mode == ResourceMode::Data {
                                "data source"
                            } else {
                                "resource type"
                            },
                            addr.type_name
                        ),
                    )
                    .with_subject(rb.type_range.clone()),
                );
                continue;
            };
            let refs = body_references(&rb.body);
            let ctx = unknown_context(&refs);
            let (_, d) = terrane_core::decode::decode_body(&rb.body, &schema.block, &ctx, &sources);
            diags.extend(d);
        }
    }
    diags
}

/// `terrane validate`.
pub fn validate(a: ValidateArgs) -> u8 {
    let dir = common::cwd();
    let (config, mut diags) = terrane_config::load_and_validate(&dir);
    let sources = config.as_ref().map(|c| c.sources()).unwrap_or_default();
    if let Some(c) = &config {
        if !diags.has_errors() {
            diags.extend(schema_checks(c));
        }
        if !diags.has_errors() {
            if let Err(d) = build_graph(c) {
                diags.extend(d);
            }
        }
    }
    if a.json {
        println!(
            "{}",
            terrane_diagnostics::ValidateOutput::new(&diags, &sources).to_json_pretty()
        );
        return if diags.has_errors() { 1 } else { 0 };
    }
    print_diags(&diags, &sources, !a.no_color);
    if diags.has_errors() {
        return 1;
    }
    println!("Success! The configuration is valid.\n");
    0
}

/// `terrane import ADDR ID`.
pub fn import(a: ImportArgs) -> u8 {
    let Some((config, sources)) = common::load(false) else {
        return 1;
    };
    let target: terrane_addrs::AbsResourceInstance = match a.address.parse() {
        Ok(t) => t,
        Err(e) => {
            common::error("Invalid address", e.to_string());
            return 1;
        }
    };
    let path = target.module.to_path();
    let addr = target.resource.resource.clone();
    let Some(rb) = config
        .descendant(&path)
        .and_then(|c| c.module.resources.get(&addr))
    else {
        common::error("Configuration for import target does not exist", format!("The configuration for the given import target {} does not exist. All target instances must have an associated configuration to be imported.", a.address));
        return 1;
    };
    let (b, ws) = match common::backend() {
        Ok(x) => x,
        Err(e) => return e.report(),
    };
    let rt = match common::runtime() {
        Ok(r) => r,
        Err(e) => {
            common::error("Failed to start", e);
            return 1;
        }
    };
    let _l = match common::lock(
        &b,
        &ws,
        "OperationTypeImport",
        a.plan.lock,
        &a.plan.lock_timeout,
    ) {
        Ok(l) => l,
        Err(e) => {
            common::error("Error acquiring the state lock", e);
            return 1;
        }
    };
    let (mut state, _) = match common::read_state(&b, &ws, &rt) {
        Ok(s) => s,
        Err(e) => {
            common::error("Failed to load state", e);
            return 1;
        }
    };
    let sa = terrane_state::InstanceAddr {
        module: target.module.to_string(),
        mode: terrane_state::Mode::Managed,
        resource_type: addr.type_name.clone(),
        name: addr.name.clone(),
        index_key: terrane_core::prior::key_to_state(&target.resource.key),
        deposed: None,
    };
    if state.object(&sa).is_some() {
        common::error("Resource already managed by terrane", format!("terrane is already managing a remote object for {}. To import to this address you must first remove the existing object from the state.", a.address));
        return 1;
    }
    let providers = common::providers();
    let reg = terrane_core::providers::ProviderRegistry::new(&providers);
    let rp = match reg.resolve(&config, &path, &provider_key(rb)) {
        Ok(rp) => rp,
        Err(d) => {
            let mut ds = Diagnostics::new();
            ds.push(d);
            print_diags(&ds, &sources, false);
            return 1;
        }
    };
    let Some(schema) = terrane_core::planner::resource_schema(rp.provider.as_ref(), &addr).cloned()
    else {
        common::error(
            "Invalid resource type",
            format!(
                "The provider {} does not support resource type {:?}.",
                rp.source, addr.type_name
            ),
        );
        return 1;
    };
    // The provider block, evaluated with the root module's variables and
    // locals (as Terraform's import configures the provider).
    let provider_schema = &rp.provider.schema().provider;
    let cfg = match config.module.providers.get(&rp.key) {
        Some(block) => {
            let eval_sources = terrane_core::sources::Sources::new(&config);
            let ctx = match root_context(
                &common::cwd(),
                &config,
                &eval_sources,
                &a.plan.vars,
                &a.plan.var_files,
            ) {
                Ok(c) => c,
                Err(d) => {
                    print_diags(&d, &sources, false);
                    return 1;
                }
            };
            let (v, d) = terrane_core::decode::decode_body(
                &block.body,
                &provider_schema.block,
                &ctx,
                &eval_sources,
            );
            if d.has_errors() {
                print_diags(&d, &sources, false);
                return 1;
            }
            v
        }
        None => terrane_core::providers::null_config(provider_schema),
    };
    println!("{}: Importing from ID {:?}...", a.address, a.id);
    let result = rt.block_on(async {
        let resp = rp.provider.configure(terrane_provider::ConfigureRequest { config: cfg, terrane_version: env!("CARGO_PKG_VERSION").into() }).await;
        let Some(cp) = resp.provider else { return Err(resp.diagnostics) };
        let imp = cp.import(terrane_provider::ImportRequest { type_name: addr.type_name.clone(), id: a.id.clone() }).await;
        if imp.diagnostics.has_errors() || imp.imported.is_empty() {
            let mut d = imp.diagnostics;
            if !d.has_errors() {
                d.push(Diagnostic::error("Import returned no resources", "The provider found nothing to import with the given ID."));
            }
            return Err(d);
        }
        let first = imp.imported[0].clone();
        let read = cp.read(terrane_provider::ReadRequest { type_name: addr.type_name.clone(), current_state: first.state, private: first.private }).await;
        if read.diagnostics.has_errors() || read.new_state.is_null() {
            let mut d = read.diagnostics;
            if !d.has_errors() {
                d.push(Diagnostic::error("Cannot import non-existent remote object", format!("While attempting to import an existing object to {}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terrane apply\" to create a new remote object for this resource.", a.address)));
            }
            return Err(d);
        }
        Ok((read.new_state, read.private))
    });
    match result {
        Ok((v, private)) => {
            println!(
                "{}: Import prepared!\n  Prepared {} for import",
                a.address, addr.type_name
            );
            match terrane_core::apply::state_object(&v, &schema, &private, &[], false) {
                Ok(o) => {
                    state.upsert_object(&sa, &rp.config_addr, o);
                    state.serial += 1;
                    if let Err(e) = b.write(&ws, &state, false) {
                        common::error("Failed to save state", e.to_string());
                        return 1;
                    }
                    println!("{}: Refreshing state...\n\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour terrane state and will henceforth be managed by terrane.", a.address);
                    0
                }
                Err(e) => {
                    common::error("Failed to record the imported object", e.to_string());
                    1
                }
            }
        }
        Err(d) => {
            print_diags(&d, &sources, false);
            1
        }
    }
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

/// `terrane graph`.
pub fn graph(a: GraphArgs) -> u8 {
    let Some((config, sources)) = common::load(false) else {
        return 1;
    };
    let g = match build_graph(&config) {
        Ok(g) => g,
        Err(d) => {
            print_diags(&d, &sources, false);
            return 1;
        }
    };
    match a.graph_type.as_deref() {
        None => {
            let mut nodes = BTreeSet::new();
            let mut edges = BTreeSet::new();
            let mut memo = HashMap::new();
            for (k, &i) in &g.index {
                if let NodeKey::Resource(..) = k {
                    nodes.insert(k.to_string());
                    for d in g.resource_deps(i, &mut memo) {
                        if d != i {
                            edges.insert((k.to_string(), g.graph[d].to_string()));
                        }
                    }
                }
            }
            println!("digraph G {{\n  rankdir = \"RL\";\n  node [shape = rect, fontname = \"sans-serif\"];");
            for n in &nodes {
                println!("  {} [label={}];", q(n), q(n));
            }
            for (a, b) in &edges {
                println!("  {} -> {};", q(a), q(b));
            }
            println!("}}");
            0
        }
        Some("plan-destroy") => {
            let state = match common::backend() {
                Ok((b, ws)) => match b.read(&ws) {
                    Ok(s) => s.unwrap_or_else(|| terrane_state::StateFile::new("")),
                    Err(e) => {
                        common::error("Failed to load state", e.to_string());
                        return 1;
                    }
                },
                Err(e) => {
                    common::error("Failed to read the workspace", e.to_string());
                    return 1;
                }
            };
            print!("{}", super::graphview::destroy_dot(&config, &state));
            0
        }
        Some("plan" | "plan-refresh-only" | "apply") => {
            let reg = terrane_core::providers::ProviderRegistry::new(&common::providers());
            let provider = |p: &str| -> String {
                reg.resolve(&config, &ModulePath::root(), p)
                    .map(|r| r.config_addr)
                    .unwrap_or_else(|_| format!("provider.{p}"))
            };
            let apply = a.graph_type.as_deref() == Some("apply");
            print!(
                "{}",
                super::graphview::plan_dot(&config, &g, &provider, apply)
            );
            0
        }
        Some(t) => {
            common::error("Invalid graph type", format!("Graph type {t:?} is not supported; use plan, plan-refresh-only, plan-destroy or apply."));
            1
        }
    }
}

/// `terrane providers`.
pub fn providers() -> u8 {
    let Some((config, _)) = common::load(false) else {
        return 1;
    };
    println!("\nProviders required by configuration:");
    fn walk(c: &Config, depth: usize) {
        let pad = "    ".repeat(depth);
        let mut seen = BTreeSet::new();
        for rp in c.module.terraform.required_providers.values() {
            seen.insert(format!(
                "provider[{}]{}",
                rp.source,
                rp.version
                    .as_ref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            ));
        }
        for r in c.module.resources.values() {
            let name = r.provider_config().local_name;
            if !c.module.terraform.required_providers.contains_key(&name) {
                seen.insert(format!(
                    "provider[{}]",
                    c.module.provider_for_local_name(&name)
                ));
            }
        }
        for s in seen {
            println!("{pad}├── {s}");
        }
        for (name, child) in &c.children {
            println!("{pad}└── module.{name}");
            walk(child, depth + 1);
        }
    }
    println!(".");
    walk(&config, 0);
    println!();
    0
}

/// `terrane console`: one expression per line from stdin, one result per line.
/// An evaluation context for the root module without a plan: input
/// variables (from `-var`/`-var-file`/the environment), locals (evaluated
/// in dependency order where possible) and `path`.
fn root_context(
    dir: &std::path::Path,
    c: &Config,
    sources: &terrane_core::sources::Sources,
    vars: &[String],
    var_files: &[std::path::PathBuf],
) -> Result<EvalContext, Diagnostics> {
    let mut ctx = EvalContext::new(terrane_functions::FuncContext {
        base_dir: dir.to_path_buf(),
        ..Default::default()
    });
    ctx.provider_functions = Some(terrane_core::providers::function_callback(
        c,
        &common::providers(),
    ));
    let inputs = common::collect_vars(vars, var_files)?;
    let (vars, vd) = terrane_core::vars::root_variables(c, &inputs, sources);
    if vd.has_errors() {
        return Err(vd);
    }
    ctx.set("var", Value::object(vars));
    let mut locals = BTreeMap::new();
    for _ in 0..c.module.locals.len().max(1) {
        for (name, l) in &c.module.locals {
            let mut lctx = ctx.clone();
            lctx.set("local", Value::object(locals.clone()));
            if let Ok(v) = terrane_lang::eval(&l.expr.expr, &lctx, &sources.get(&l.expr.src)) {
                locals.insert(name.clone(), v);
            }
        }
    }
    ctx.set("local", Value::object(locals));
    let mut path = BTreeMap::new();
    path.insert("module".to_string(), Value::string("."));
    path.insert("root".to_string(), Value::string("."));
    path.insert("cwd".to_string(), Value::string(dir.display().to_string()));
    ctx.set("path", Value::object(path));
    Ok(ctx)
}

pub fn console(a: ConsoleArgs) -> u8 {
    let dir = common::cwd();
    let (config, _diags) = terrane_config::load_config(&dir);
    let mut ctx = EvalContext::new(terrane_functions::FuncContext {
        base_dir: dir.clone(),
        ..Default::default()
    });
    ctx.console = true;
    if let Some(c) = &config {
        let sources = terrane_core::sources::Sources::new(c);
        ctx = match root_context(&dir, c, &sources, &a.vars, &a.var_files) {
            Ok(mut r) => {
                r.console = true;
                r
            }
            Err(d) => {
                print_diags(&d, &c.sources(), false);
                return 1;
            }
        };
        // Resources from the state, as `terraform console` shows them.
        if let Ok((b, ws)) = common::backend() {
            if let Ok(Some(st)) = b.read(&ws) {
                let providers = common::providers();
                let reg = terrane_core::providers::ProviderRegistry::new(&providers);
                let (prior, _) = terrane_core::prior::PriorState::new(&st, &reg);
                let mut managed: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
                let mut data: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
                for ((m, r), pr) in &prior.resources {
                    if !m.is_root() || pr.current.is_empty() {
                        continue;
                    }
                    let v = match pr.current.keys().next() {
                        Some(terrane_addrs::InstanceKey::Int(_)) => {
                            Value::tuple(pr.current.values().map(|o| o.value.clone()).collect())
                        }
                        Some(terrane_addrs::InstanceKey::String(_)) => Value::object(
                            pr.current
                                .iter()
                                .map(|(k, o)| (terrane_core::scope::key_string(k), o.value.clone()))
                                .collect(),
                        ),
                        _ => pr
                            .current
                            .values()
                            .next()
                            .map(|o| o.value.clone())
                            .unwrap_or_default(),
                    };
                    let target = if r.mode == ResourceMode::Data {
                        &mut data
                    } else {
                        &mut managed
                    };
                    target
                        .entry(r.type_name.clone())
                        .or_default()
                        .insert(r.name.clone(), v);
                }
                for (t, names) in managed {
                    ctx.set(t, Value::object(names));
                }
                ctx.set(
                    "data",
                    Value::object(
                        data.into_iter()
                            .map(|(t, n)| (t, Value::object(n)))
                            .collect(),
                    ),
                );
            }
        }
    }
    let stdin = std::io::stdin();
    let mut code = 0;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        if text == "exit" {
            break;
        }
        let src = terrane_lang::Source::new("<console-input>", text.to_string());
        let res = terrane_lang::parse_expression(&src)
            .map_err(Diagnostics::from)
            .and_then(|e| terrane_lang::eval_console(&e, &ctx, &src));
        match res {
            Ok(r) => println!("{}", r.display()),
            Err(d) => {
                let mut sm = SourceMap::new();
                sm.insert("<console-input>", text.to_string());
                print_diags(&d, &sm, false);
                code = 1;
            }
        }
    }
    code
}
