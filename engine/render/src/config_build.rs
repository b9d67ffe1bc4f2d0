//! Builds the `configuration` summary of `show -json` from a loaded
//! `terrane_config::Config`: provider configurations, resources with the
//! references (or constant value) of each argument, outputs, variables and
//! module calls, following Terraform's rules for which references are
//! listed (every prefix of a traversal down to the referenceable object,
//! plus the resource without its key).

use crate::config_json::{
    Configuration, Expression, ModuleCall, ModuleConfig, OutputConfig, ProviderConfig,
    ResourceConfig, VariableConfig,
};
use crate::plan_text::Schemas;
use hcl_edit::expr::{Expression as HExpr, ObjectKey, UnaryOperator};
use serde_json::{Map, Value as J};
use std::collections::BTreeMap;
use terrane_addrs::ResourceMode;
use terrane_config::refs::{RefStep, Reference};
use terrane_config::{Config, Expr, ModuleSource, RawBody};
use terrane_core::plan::Mode;

/// The configuration summary of a whole configuration tree.
pub fn configuration(config: &Config, schemas: &dyn Schemas) -> Configuration {
    let mut providers = BTreeMap::new();
    let mut keys = ProviderKeys::new();
    provider_configs_in(config, &BTreeMap::new(), &mut providers, &mut keys);
    Configuration {
        provider_config: providers,
        root_module: module_config(config, schemas, &keys),
    }
}

fn module_prefix(config: &Config) -> String {
    config
        .path
        .0
        .iter()
        .map(|n| format!("module.{n}"))
        .collect::<Vec<_>>()
        .join(".")
}

fn opaque_key(key: &str, module: &str) -> String {
    if module.is_empty() {
        key.to_string()
    } else {
        format!("{module}:{key}")
    }
}

fn implied_local_name(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

fn resource_provider_key(
    config: &Config,
    rb: &terrane_config::ResourceBlock,
    keys: &ProviderKeys,
) -> String {
    let key = match &rb.provider {
        Some(p) => match &p.config.alias {
            Some(a) => format!("{}.{a}", p.config.local_name),
            None => p.config.local_name.clone(),
        },
        None => implied_local_name(&rb.addr.type_name).to_string(),
    };
    let module = module_prefix(config);
    keys.get(&module)
        .and_then(|m| m.get(&key))
        .cloned()
        .unwrap_or_else(|| opaque_key(&key, &module))
}

/// Provider configuration entries of a module and its descendants. A
/// module without its own configuration for a provider uses its parent's
/// (when the parent has one for the same provider), so no entry is added;
/// `keys` maps each module's local provider names to the entry used.
type ProviderKeys = BTreeMap<String, BTreeMap<String, String>>;

fn provider_configs_in(
    config: &Config,
    parent: &BTreeMap<String, String>,
    out: &mut BTreeMap<String, ProviderConfig>,
    keys: &mut ProviderKeys,
) {
    let m = &config.module;
    let module = module_prefix(config);
    let mut mine: BTreeMap<String, String> = BTreeMap::new();
    let version_of = |name: &str| {
        m.terraform
            .required_providers
            .get(name)
            .and_then(|r| r.version.clone())
            .unwrap_or_default()
    };
    for (key, pb) in &m.providers {
        let k = opaque_key(key, &module);
        out.insert(
            k.clone(),
            ProviderConfig {
                name: pb.name.clone(),
                full_name: m.provider_for_local_name(&pb.name).to_string(),
                alias: pb.alias.clone().unwrap_or_default(),
                version_constraint: version_of(&pb.name),
                module_address: module.clone(),
                expressions: body_expressions(&pb.body, None),
            },
        );
        mine.insert(key.clone(), k);
    }
    // Required and implied providers without a configuration here.
    let mut wanted: Vec<(String, String, String)> = Vec::new();
    for (name, req) in &m.terraform.required_providers {
        wanted.push((name.clone(), req.source.to_string(), version_of(name)));
    }
    for rb in m.resources.values() {
        let local = match &rb.provider {
            Some(p) => p.config.local_name.clone(),
            None => implied_local_name(&rb.addr.type_name).to_string(),
        };
        let source = m.provider_for_local_name(&local);
        wanted.push((source.type_name.clone(), source.to_string(), String::new()));
    }
    for (name, full_name, version) in wanted {
        if mine.contains_key(&name) {
            continue;
        }
        let inherited = parent
            .get(&name)
            .filter(|k| out.get(*k).is_some_and(|p| p.full_name == full_name));
        if let Some(k) = inherited {
            mine.insert(name, k.clone());
            continue;
        }
        let k = opaque_key(&name, &module);
        out.entry(k.clone()).or_insert_with(|| ProviderConfig {
            name: name.clone(),
            full_name,
            version_constraint: version,
            module_address: module.clone(),
            ..ProviderConfig::default()
        });
        mine.insert(name, k);
    }
    keys.insert(module.clone(), mine.clone());
    for child in config.children.values() {
        provider_configs_in(child, &mine, out, keys);
    }
}

fn module_config(config: &Config, schemas: &dyn Schemas, keys: &ProviderKeys) -> ModuleConfig {
    let m = &config.module;
    let mut mc = ModuleConfig::default();
    for (name, o) in &m.outputs {
        mc.outputs.insert(
            name.clone(),
            OutputConfig {
                sensitive: o.sensitive,
                expression: o.value.as_ref().map(expression).unwrap_or_default(),
                depends_on: o.depends_on.iter().map(expr_text).collect(),
                description: o.description.clone().unwrap_or_default(),
            },
        );
    }
    let mut resources: Vec<ResourceConfig> = Vec::new();
    for rb in m.resources.values() {
        let mode = match rb.addr.mode {
            ResourceMode::Managed => Mode::Managed,
            ResourceMode::Data => Mode::Data,
            ResourceMode::Ephemeral => continue,
        };
        let local = match &rb.provider {
            Some(p) => p.config.local_name.clone(),
            None => implied_local_name(&rb.addr.type_name).to_string(),
        };
        let source = m.provider_for_local_name(&local).to_string();
        let schema = schemas.schema(&source, mode, &rb.addr.type_name);
        resources.push(ResourceConfig {
            address: rb.addr.to_string(),
            mode: if mode == Mode::Data {
                "data"
            } else {
                "managed"
            }
            .into(),
            type_name: rb.addr.type_name.clone(),
            name: rb.addr.name.clone(),
            provider_config_key: resource_provider_key(config, rb, keys),
            expressions: body_expressions(&rb.body, schema.map(|s| &s.block)),
            schema_version: schema.map_or(0, |s| s.version),
            count_expression: rb.count.as_ref().map(expression).filter(non_empty),
            for_each_expression: rb.for_each.as_ref().map(expression).filter(non_empty),
            depends_on: rb.depends_on.iter().map(expr_text).collect(),
        });
    }
    // Terraform lists managed resources, then data sources, each by address.
    resources.sort_by(|a, b| (a.mode == "data", &a.address).cmp(&(b.mode == "data", &b.address)));
    mc.resources = resources;
    for (name, call) in &m.module_calls {
        let Some(child) = config.children.get(name) else {
            continue;
        };
        let source = match &call.source {
            Some(ModuleSource::Local(s) | ModuleSource::Registry(s) | ModuleSource::Remote(s)) => {
                s.clone()
            }
            None => String::new(),
        };
        mc.module_calls.insert(
            name.clone(),
            ModuleCall {
                source,
                expressions: call
                    .inputs
                    .iter()
                    .map(|(k, e)| (k.clone(), expression(e).to_json()))
                    .collect(),
                count_expression: call.count.as_ref().map(expression).filter(non_empty),
                for_each_expression: call.for_each.as_ref().map(expression).filter(non_empty),
                module: module_config(child, schemas, keys),
                version_constraint: call
                    .version
                    .as_ref()
                    .and_then(constant)
                    .and_then(|j| j.as_str().map(String::from))
                    .unwrap_or_default(),
                depends_on: call.depends_on.iter().map(expr_text).collect(),
            },
        );
    }
    for (name, v) in &m.variables {
        mc.variables.insert(
            name.clone(),
            VariableConfig {
                default: v.default_value.as_ref().map(crate::json::value_json),
                description: v.description.clone().unwrap_or_default(),
                sensitive: v.sensitive,
            },
        );
    }
    mc
}

const META: [&str; 7] = [
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
    "provisioner",
    "connection",
];

/// The expressions of a body's arguments (and nested blocks, as arrays of
/// expression maps when the schema says they are blocks).
fn body_expressions(
    body: &RawBody,
    block: Option<&terrane_provider::Block>,
) -> BTreeMap<String, J> {
    let mut out = BTreeMap::new();
    for (src, attr) in body.attributes() {
        let name = attr.key.as_str();
        if META.contains(&name) {
            continue;
        }
        let e = Expr {
            expr: attr.value.clone(),
            src: src.clone(),
        };
        out.insert(name.to_string(), expression(&e).to_json());
    }
    let mut blocks: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for (src, b) in body.blocks() {
        let name = b.ident.as_str();
        if META.contains(&name) {
            continue;
        }
        let inner_schema = block.and_then(|s| s.blocks.get(name)).map(|nb| &nb.block);
        let inner = RawBody::new(src.clone(), b.body.clone());
        let exprs = body_expressions(&inner, inner_schema);
        blocks
            .entry(name.to_string())
            .or_default()
            .push(J::Object(exprs.into_iter().collect()));
    }
    for (name, list) in blocks {
        out.insert(name, J::Array(list));
    }
    out
}

fn step_text(s: &RefStep) -> Option<String> {
    match s {
        RefStep::Attr(a) => Some(format!(".{a}")),
        RefStep::Key(k) => Some(format!("[{}]", crate::human::quote(k))),
        RefStep::Index(i) => Some(format!("[{i}]")),
        RefStep::Dynamic => None,
    }
}

/// The reference strings Terraform lists for one traversal.
fn reference_strings(r: &Reference, out: &mut Vec<String>) {
    let steps: Vec<String> = r.steps.iter().map_while(step_text).collect();
    let is_key = |i: usize| matches!(r.steps.get(i), Some(RefStep::Key(_) | RefStep::Index(_)));
    // How many steps belong to the referenced object itself.
    let (subject_len, extra): (usize, Option<String>) = match r.root.as_str() {
        "var" | "local" | "count" | "each" | "self" | "path" | "terraform" => (1, None),
        "module" => {
            // module.NAME[KEY].OUTPUT lists the call instance too;
            // module.NAME[KEY] lists the call without its key.
            let call = |n: usize| format!("module{}", steps[..n].concat());
            if is_key(1) {
                match steps.len() {
                    n if n >= 3 => (3, Some(call(2))),
                    2 => (2, Some(call(1))),
                    n => (n.min(1), None),
                }
            } else if steps.len() >= 2 {
                (2, Some(call(1)))
            } else {
                (steps.len().min(1), None)
            }
        }
        "data" => {
            let keyed = is_key(2);
            let base = format!(
                "data{}{}",
                steps.first().cloned().unwrap_or_default(),
                steps.get(1).cloned().unwrap_or_default()
            );
            if keyed && steps.len() >= 3 {
                (3, Some(base))
            } else {
                (2.min(steps.len()), None)
            }
        }
        _ => {
            let keyed = is_key(1);
            let base = format!("{}{}", r.root, steps.first().cloned().unwrap_or_default());
            if keyed && steps.len() >= 2 {
                (2, Some(base))
            } else {
                (1.min(steps.len()), None)
            }
        }
    };
    let subject_len = subject_len.min(steps.len());
    let mut n = steps.len();
    while n > subject_len {
        out.push(format!("{}{}", r.root, steps[..n].concat()));
        n -= 1;
    }
    out.push(format!("{}{}", r.root, steps[..subject_len].concat()));
    if let Some(e) = extra {
        out.push(e);
    }
}

fn non_empty(e: &Expression) -> bool {
    e.constant_value.is_some() || !e.references.is_empty()
}

fn expression(e: &Expr) -> Expression {
    let mut references = Vec::new();
    for r in e.references() {
        reference_strings(&r, &mut references);
    }
    let constant_value = if references.is_empty() {
        constant(e)
    } else {
        None
    };
    Expression {
        constant_value,
        references,
    }
}

/// The value of an expression that evaluates without any variables or
/// functions (Terraform evaluates with no context at all), as JSON.
fn constant(e: &Expr) -> Option<J> {
    if !terrane_config::refs::function_calls(&e.expr).is_empty() {
        return None;
    }
    if e.src.is_json() {
        return literal(&e.expr);
    }
    let src = terrane_lang::Source::new(e.src.file.name().clone(), e.src.file.text());
    let ctx = terrane_lang::EvalContext::default();
    match terrane_lang::eval(&e.expr, &ctx, &src) {
        Ok(v) if v.is_wholly_known() => Some(crate::json::value_json(&v)),
        _ => None,
    }
}

/// The value of an expression made only of literals, as JSON.
fn literal(e: &HExpr) -> Option<J> {
    match e {
        HExpr::Null(_) => Some(J::Null),
        HExpr::Bool(b) => Some(J::Bool(*b.value())),
        HExpr::Number(n) => Some(crate::json::number_json(&n.value().to_string())),
        HExpr::String(s) => Some(J::String(s.value().clone())),
        HExpr::Array(a) => a
            .iter()
            .map(literal)
            .collect::<Option<Vec<J>>>()
            .map(J::Array),
        HExpr::Object(o) => {
            let mut pairs: Vec<(String, J)> = Vec::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(x) => match literal(x)? {
                        J::String(s) => s,
                        J::Number(n) => n.to_string(),
                        J::Bool(b) => b.to_string(),
                        _ => return None,
                    },
                };
                pairs.push((key, literal(v.expr())?));
            }
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Some(J::Object(pairs.into_iter().collect::<Map<String, J>>()))
        }
        HExpr::Parenthesis(p) => literal(p.inner()),
        HExpr::UnaryOp(u) if *u.operator.value() == UnaryOperator::Neg => match literal(&u.expr)? {
            J::Number(n) => Some(crate::json::number_json(&format!("-{n}"))),
            _ => None,
        },
        _ => None,
    }
}

/// A `depends_on` entry as written (`terraform_data.db`).
fn expr_text(e: &Expr) -> String {
    match e.references().first() {
        Some(r) => {
            let steps: Vec<String> = r.steps.iter().map_while(step_text).collect();
            format!("{}{}", r.root, steps.concat())
        }
        None => String::new(),
    }
}
