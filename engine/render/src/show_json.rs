//! `show -json` of a plan (format 1.2) and of a state (format 1.0), and
//! `output -json`, with Terraform's keys, key order and omissions.

use crate::config_json::Configuration;
use crate::json::{type_json, value_json};
use crate::plan_text::{block_for, resource_plan_change, Schemas};
use crate::{gojson, RenderError};
use serde_json::{Map, Value as J};
use std::collections::BTreeMap;
use terrane_core::plan::{Action, InstanceKey, Mode, Plan, ResourceChange};
use terrane_state::{InstanceKey as SKey, Mode as SMode, StateFile};
use terrane_value::Path;

/// Everything `show -json` of a plan needs besides the plan itself.
pub struct PlanJsonInput<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Resource schemas (for sensitive attributes and schema versions).
    pub schemas: &'a dyn Schemas,
    /// Version written as `terraform_version`.
    pub terraform_version: &'a str,
    /// RFC 3339 time the plan was made.
    pub timestamp: &'a str,
    /// The refreshed state the plan was made from (moves applied, imported
    /// objects added), if any; root outputs with known planned values are
    /// overlaid as Terraform does.
    pub prior_state: Option<&'a StateFile>,
    /// The configuration summary.
    pub configuration: Option<&'a Configuration>,
    /// Attributes that contributed to the plan (`relevant_attributes`).
    pub relevant_attributes: &'a [(String, Path)],
}

fn obj(pairs: Vec<(&str, J)>) -> J {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    J::Object(m)
}

fn mode_str(m: Mode) -> &'static str {
    match m {
        Mode::Managed => "managed",
        Mode::Data => "data",
    }
}

fn index_json(k: &InstanceKey) -> Option<J> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(J::Number((*i).into())),
        InstanceKey::Str(s) => Some(J::String(s.clone())),
    }
}

fn schema_version(rc: &ResourceChange, schemas: &dyn Schemas) -> u64 {
    schemas
        .schema(&rc.provider_name, rc.mode, &rc.type_name)
        .map_or(0, |s| s.version)
}

/// The `change` object of one resource change.
fn change_json(rc: &ResourceChange, schemas: &dyn Schemas) -> J {
    let block = block_for(rc, schemas);
    let pc = resource_plan_change(rc, &block);
    let mut m = Map::new();
    m.insert(
        "actions".into(),
        J::Array(
            rc.action
                .json_actions()
                .iter()
                .map(|a| J::String((*a).into()))
                .collect(),
        ),
    );
    m.insert("before".into(), pc.before);
    if rc.after.is_known() {
        m.insert("after".into(), pc.after);
    }
    m.insert("after_unknown".into(), pc.after_unknown);
    m.insert("before_sensitive".into(), pc.before_sensitive);
    m.insert("after_sensitive".into(), pc.after_sensitive);
    if !pc.replace_paths.is_empty() {
        m.insert(
            "replace_paths".into(),
            J::Array(pc.replace_paths.into_iter().map(J::Array).collect()),
        );
    }
    if let Some(id) = &rc.importing {
        let mut i = Map::new();
        if !id.is_empty() {
            i.insert("id".into(), J::String(id.clone()));
        }
        m.insert("importing".into(), J::Object(i));
    }
    J::Object(m)
}

/// One entry of `resource_changes` / `resource_drift`.
pub fn resource_change_json(rc: &ResourceChange, schemas: &dyn Schemas) -> J {
    let mut m = Map::new();
    m.insert("address".into(), J::String(rc.address.clone()));
    if let Some(p) = &rc.previous_address {
        if p != &rc.address {
            m.insert("previous_address".into(), J::String(p.clone()));
        }
    }
    if !rc.module_address.is_empty() {
        m.insert(
            "module_address".into(),
            J::String(rc.module_address.clone()),
        );
    }
    m.insert("mode".into(), J::String(mode_str(rc.mode).into()));
    m.insert("type".into(), J::String(rc.type_name.clone()));
    m.insert("name".into(), J::String(rc.name.clone()));
    if let Some(i) = index_json(&rc.index) {
        m.insert("index".into(), i);
    }
    m.insert("provider_name".into(), J::String(rc.provider_name.clone()));
    if let Some(d) = &rc.deposed {
        m.insert("deposed".into(), J::String(d.clone()));
    }
    m.insert("change".into(), change_json(rc, schemas));
    if let Some(r) = rc.reason {
        m.insert("action_reason".into(), J::String(r.as_json().into()));
    }
    J::Object(m)
}

/// Module address of a resource address (`module.a.module.b`), or empty.
fn module_parent(module: &str) -> Option<String> {
    if module.is_empty() {
        return None;
    }
    let idx = module.rfind(".module.")?;
    Some(module[..idx].to_string())
}

/// Builds `root_module` with nested `child_modules` from resources keyed by
/// module address.
fn module_tree(mut by_module: BTreeMap<String, Vec<J>>) -> J {
    // Make sure every ancestor module exists.
    let keys: Vec<String> = by_module.keys().cloned().collect();
    for k in keys {
        let mut cur = k;
        while let Some(p) = module_parent(&cur) {
            by_module.entry(p.clone()).or_default();
            cur = p;
        }
        by_module.entry(String::new()).or_default();
    }
    build_module("", &by_module, true)
}

fn build_module(addr: &str, by_module: &BTreeMap<String, Vec<J>>, root: bool) -> J {
    let mut m = Map::new();
    let resources = by_module.get(addr).cloned().unwrap_or_default();
    if !resources.is_empty() {
        m.insert("resources".into(), J::Array(resources));
    }
    if !root {
        m.insert("address".into(), J::String(addr.to_string()));
    }
    let children: Vec<J> = by_module
        .keys()
        .filter(|k| {
            !k.is_empty()
                && if root {
                    module_parent(k).is_none()
                } else {
                    module_parent(k).as_deref() == Some(addr)
                }
        })
        .map(|k| build_module(k, by_module, false))
        .collect();
    if !children.is_empty() {
        m.insert("child_modules".into(), J::Array(children));
    }
    J::Object(m)
}

fn planned_values(input: &PlanJsonInput) -> J {
    let plan = input.plan;
    let mut outputs = Map::new();
    for (k, oc) in &plan.outputs {
        if oc.action == Action::Delete {
            continue;
        }
        let mut o = Map::new();
        o.insert("sensitive".into(), J::Bool(oc.sensitive));
        if oc.after.is_wholly_known() {
            o.insert("type".into(), type_json(&oc.after.ty()));
            o.insert("value".into(), value_json(&oc.after));
        }
        outputs.insert(k.clone(), J::Object(o));
    }
    let mut by_module: BTreeMap<String, Vec<J>> = BTreeMap::new();
    for rc in crate::order::sorted(&plan.changes) {
        // Forgotten objects stay listed (without values), as Terraform does.
        if rc.action == Action::Delete || rc.deposed.is_some() {
            continue;
        }
        let block = block_for(rc, input.schemas);
        let pc = resource_plan_change(rc, &block);
        let mut r = Map::new();
        r.insert("address".into(), J::String(rc.address.clone()));
        r.insert("mode".into(), J::String(mode_str(rc.mode).into()));
        r.insert("type".into(), J::String(rc.type_name.clone()));
        r.insert("name".into(), J::String(rc.name.clone()));
        if let Some(i) = index_json(&rc.index) {
            r.insert("index".into(), i);
        }
        r.insert("provider_name".into(), J::String(rc.provider_name.clone()));
        r.insert(
            "schema_version".into(),
            J::Number(schema_version(rc, input.schemas).into()),
        );
        if pc.after.as_object().is_some_and(|m| !m.is_empty()) {
            r.insert("values".into(), pc.after);
        }
        r.insert("sensitive_values".into(), pc.after_sensitive);
        by_module
            .entry(rc.module_address.clone())
            .or_default()
            .push(J::Object(r));
    }
    let mut m = Map::new();
    if !outputs.is_empty() {
        m.insert("outputs".into(), J::Object(outputs));
    }
    m.insert("root_module".into(), module_tree(by_module));
    J::Object(m)
}

fn output_change_json(oc: &terrane_core::plan::OutputChange) -> J {
    let pc = crate::PlanChange::from_output(&oc.before, &oc.after, oc.sensitive);
    let mut m = Map::new();
    m.insert(
        "actions".into(),
        J::Array(
            oc.action
                .json_actions()
                .iter()
                .map(|a| J::String((*a).into()))
                .collect(),
        ),
    );
    m.insert("before".into(), pc.before);
    if oc.after.is_known() {
        m.insert("after".into(), pc.after);
    }
    m.insert("after_unknown".into(), pc.after_unknown);
    m.insert("before_sensitive".into(), pc.before_sensitive);
    m.insert("after_sensitive".into(), pc.after_sensitive);
    J::Object(m)
}

/// The `show -json` document of a plan.
pub fn plan_json(input: &PlanJsonInput) -> Result<J, RenderError> {
    let plan = input.plan;
    let mut m = Map::new();
    m.insert("format_version".into(), J::String("1.2".into()));
    m.insert(
        "terraform_version".into(),
        J::String(input.terraform_version.into()),
    );
    if !plan.variables.is_empty() {
        let mut vars = Map::new();
        for (k, v) in &plan.variables {
            vars.insert(k.clone(), obj(vec![("value", value_json(v))]));
        }
        m.insert("variables".into(), J::Object(vars));
    }
    m.insert("planned_values".into(), planned_values(input));
    if !plan.drift.is_empty() {
        m.insert(
            "resource_drift".into(),
            J::Array(
                crate::order::sorted(&plan.drift)
                    .into_iter()
                    .map(|d| resource_change_json(d, input.schemas))
                    .collect(),
            ),
        );
    }
    if !plan.changes.is_empty() {
        m.insert(
            "resource_changes".into(),
            J::Array(
                crate::order::sorted(&plan.changes)
                    .into_iter()
                    .map(|d| resource_change_json(d, input.schemas))
                    .collect(),
            ),
        );
    }
    if !plan.outputs.is_empty() {
        let mut oc = Map::new();
        for (k, o) in &plan.outputs {
            oc.insert(k.clone(), output_change_json(o));
        }
        m.insert("output_changes".into(), J::Object(oc));
    }
    let empty = StateFile::new(input.terraform_version);
    let mut prior = state_values_json(
        input.prior_state.unwrap_or(&empty),
        input.terraform_version,
        input.schemas,
    )?;
    overlay_planned_outputs(&mut prior, plan);
    let values = &prior["values"];
    if values.get("outputs").is_some() || values["root_module"].get("resources").is_some() {
        m.insert("prior_state".into(), prior);
    }
    if let Some(c) = input.configuration {
        m.insert("configuration".into(), serde_json::to_value(c)?);
    }
    if !input.relevant_attributes.is_empty() {
        m.insert(
            "relevant_attributes".into(),
            J::Array(
                input
                    .relevant_attributes
                    .iter()
                    .map(|(r, p)| {
                        obj(vec![
                            ("resource", J::String(r.clone())),
                            ("attribute", J::Array(crate::path_json(p))),
                        ])
                    })
                    .collect(),
            ),
        );
    }
    if let Some(checks) = plan
        .checks
        .as_deref()
        .and_then(crate::checks_json::results_json)
    {
        m.insert("checks".into(), checks);
    }
    m.insert("timestamp".into(), J::String(input.timestamp.into()));
    m.insert(
        "applyable".into(),
        J::Bool(!plan.errored && plan.has_changes()),
    );
    m.insert("complete".into(), J::Bool(!plan.errored));
    m.insert("errored".into(), J::Bool(plan.errored));
    Ok(J::Object(m))
}

/// The refreshed prior state Terraform reports already holds every root
/// output whose planned value is known (removed outputs keep their old
/// value).
fn overlay_planned_outputs(prior: &mut J, plan: &Plan) {
    let Some(values) = prior.get_mut("values").and_then(J::as_object_mut) else {
        return;
    };
    let mut outputs = values
        .get("outputs")
        .and_then(J::as_object)
        .cloned()
        .unwrap_or_default();
    for (k, oc) in &plan.outputs {
        if oc.action == Action::Delete || !oc.after.is_wholly_known() {
            continue;
        }
        outputs.insert(
            k.clone(),
            obj(vec![
                ("sensitive", J::Bool(oc.sensitive)),
                ("value", value_json(&oc.after)),
                ("type", type_json(&oc.after.ty())),
            ]),
        );
    }
    let mut sorted: Vec<(String, J)> = outputs.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let outputs: Map<String, J> = sorted.into_iter().collect();
    let root = values.remove("root_module");
    values.clear();
    if !outputs.is_empty() {
        values.insert("outputs".into(), J::Object(outputs));
    }
    if let Some(r) = root {
        values.insert("root_module".into(), r);
    }
}

/// `show -json` text of a plan (compact, newline-terminated).
pub fn plan_json_text(input: &PlanJsonInput) -> Result<String, RenderError> {
    Ok(format!("{}\n", gojson::to_string(&plan_json(input)?)))
}

fn skey_json(k: &SKey) -> J {
    match k {
        SKey::Int(i) => J::Number((*i).into()),
        SKey::Str(s) => J::String(s.clone()),
    }
}

fn skey_text(k: &SKey) -> String {
    match k {
        SKey::Int(i) => format!("[{i}]"),
        SKey::Str(s) => format!("[{}]", crate::human::quote(s)),
    }
}

/// Sensitive mask from state's `sensitive_attributes` paths.
fn sensitive_from_paths(values: &J, paths: &[terrane_state::model::AttrPath]) -> J {
    let mut mask = empty_mask(values);
    for p in paths {
        let steps: Vec<J> = p
            .iter()
            .map(|s| match s {
                terrane_state::PathStep::GetAttr(a) => J::String(a.clone()),
                terrane_state::PathStep::Index(raw) => raw
                    .to_value()
                    .ok()
                    .and_then(|v| v.get("value").cloned())
                    .unwrap_or(J::Null),
            })
            .collect();
        set_mask(&mut mask, values, &steps);
    }
    mask
}

fn set_mask(mask: &mut J, values: &J, steps: &[J]) {
    let Some((first, rest)) = steps.split_first() else {
        *mask = J::Bool(true);
        return;
    };
    match first {
        J::String(k) => {
            if !mask.is_object() {
                *mask = J::Object(Map::new());
            }
            let child_vals = values.get(k).unwrap_or(&J::Null);
            if let J::Object(m) = mask {
                let entry = m.entry(k.clone()).or_insert_with(|| empty_mask(child_vals));
                set_mask(entry, child_vals, rest);
            }
        }
        J::Number(n) => {
            let i = n.as_u64().unwrap_or(0) as usize;
            if !mask.is_array() {
                *mask = empty_mask(values);
            }
            let child_vals = values.get(i).unwrap_or(&J::Null);
            if let J::Array(xs) = mask {
                if let Some(x) = xs.get_mut(i) {
                    set_mask(x, child_vals, rest);
                }
            }
        }
        _ => {}
    }
}

fn empty_mask(values: &J) -> J {
    match values {
        J::Array(xs) => J::Array(xs.iter().map(empty_mask).collect()),
        J::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                if v.is_array() || v.is_object() {
                    out.insert(k.clone(), empty_mask(v));
                }
            }
            J::Object(out)
        }
        _ => J::Bool(false),
    }
}

/// `show -json` of a state: its `values` document and its `checks`.
pub fn state_json(
    state: &StateFile,
    terraform_version: &str,
    schemas: &dyn Schemas,
) -> Result<J, RenderError> {
    let mut doc = state_values_json(state, terraform_version, schemas)?;
    if let (Some(checks), J::Object(m)) = (crate::checks_json::checks_json(state), &mut doc) {
        m.insert("checks".into(), checks);
    }
    Ok(doc)
}

/// The `values` document of a state (a plan's `prior_state`, and the body
/// of [`state_json`]).
pub fn state_values_json(
    state: &StateFile,
    terraform_version: &str,
    schemas: &dyn Schemas,
) -> Result<J, RenderError> {
    let mut outputs = Map::new();
    for (k, o) in &state.outputs {
        outputs.insert(
            k.clone(),
            obj(vec![
                ("sensitive", J::Bool(o.sensitive)),
                ("value", o.value.to_value()?),
                ("type", o.value_type.to_value()?),
            ]),
        );
    }
    let mut by_module: BTreeMap<String, Vec<(String, J)>> = BTreeMap::new();
    for r in &state.resources {
        let mode = match r.mode {
            SMode::Managed => Mode::Managed,
            SMode::Data => Mode::Data,
        };
        let provider = provider_source(&r.provider);
        let version = schemas
            .schema(&provider, mode, &r.resource_type)
            .map(|s| s.version);
        for inst in &r.instances {
            let mut base = String::new();
            if !r.module.is_empty() {
                base.push_str(&r.module);
                base.push('.');
            }
            if mode == Mode::Data {
                base.push_str("data.");
            }
            base.push_str(&format!("{}.{}", r.resource_type, r.name));
            if let Some(k) = &inst.index_key {
                base.push_str(&skey_text(k));
            }
            let mut values = match &inst.attributes {
                Some(a) => a.to_value()?,
                None => J::Object(Map::new()),
            };
            if let Some(schema) = schemas.schema(&provider, mode, &r.resource_type) {
                unwrap_dynamic(&mut values, &schema.block);
            }
            let sensitive =
                sensitive_from_paths(&values, inst.sensitive_attributes.as_deref().unwrap_or(&[]));
            let mut m = Map::new();
            m.insert("address".into(), J::String(base.clone()));
            m.insert("mode".into(), J::String(mode_str(mode).into()));
            m.insert("type".into(), J::String(r.resource_type.clone()));
            m.insert("name".into(), J::String(r.name.clone()));
            if let Some(k) = &inst.index_key {
                m.insert("index".into(), skey_json(k));
            }
            m.insert("provider_name".into(), J::String(provider.clone()));
            m.insert(
                "schema_version".into(),
                J::Number(version.unwrap_or(inst.schema_version).into()),
            );
            m.insert("values".into(), values);
            m.insert("sensitive_values".into(), sensitive);
            if !inst.dependencies.is_empty() {
                let mut deps = inst.dependencies.clone();
                deps.sort();
                m.insert(
                    "depends_on".into(),
                    J::Array(deps.into_iter().map(J::String).collect()),
                );
            }
            if inst.is_tainted() {
                m.insert("tainted".into(), J::Bool(true));
            }
            if let Some(d) = &inst.deposed {
                m.insert("deposed_key".into(), J::String(d.clone()));
            }
            by_module
                .entry(r.module.clone())
                .or_default()
                .push((base, J::Object(m)));
        }
    }
    let sorted: BTreeMap<String, Vec<J>> = by_module
        .into_iter()
        .map(|(k, v)| (k, v.into_iter().map(|(_, j)| j).collect()))
        .collect();
    let mut values = Map::new();
    if !outputs.is_empty() {
        values.insert("outputs".into(), J::Object(outputs));
    }
    values.insert("root_module".into(), module_tree(sorted));
    let mut m = Map::new();
    m.insert("format_version".into(), J::String("1.0".into()));
    m.insert(
        "terraform_version".into(),
        J::String(terraform_version.into()),
    );
    m.insert("values".into(), J::Object(values));
    Ok(J::Object(m))
}

/// State stores dynamic-typed attributes as `{"value":...,"type":...}`;
/// `show -json` writes just the value.
fn unwrap_dynamic(values: &mut J, block: &terrane_provider::Block) {
    let J::Object(m) = values else { return };
    for (name, a) in &block.attributes {
        if a.ty != terrane_value::Type::Dynamic {
            continue;
        }
        if let Some(v) = m.get_mut(name) {
            if let Some(inner) = v.as_object().and_then(|o| o.get("value")) {
                *v = inner.clone();
            }
        }
    }
    for (name, nb) in &block.blocks {
        match m.get_mut(name) {
            Some(J::Array(xs)) => xs.iter_mut().for_each(|x| unwrap_dynamic(x, &nb.block)),
            Some(x @ J::Object(_)) => {
                if nb.nesting == terrane_provider::Nesting::Map {
                    if let J::Object(entries) = x {
                        entries
                            .values_mut()
                            .for_each(|e| unwrap_dynamic(e, &nb.block));
                    }
                } else {
                    unwrap_dynamic(x, &nb.block);
                }
            }
            _ => {}
        }
    }
}

/// `provider["registry.terraform.io/hashicorp/aws"].west` → the source
/// address.
fn provider_source(config: &str) -> String {
    config
        .split_once("[\"")
        .and_then(|(_, rest)| rest.split_once("\"]"))
        .map_or_else(|| config.to_string(), |(s, _)| s.to_string())
}

/// `terraform output -json`: every root output, pretty-printed.
pub fn output_json_text(state: &StateFile) -> Result<String, RenderError> {
    let mut m = Map::new();
    for (k, o) in &state.outputs {
        m.insert(
            k.clone(),
            obj(vec![
                ("sensitive", J::Bool(o.sensitive)),
                ("type", o.value_type.to_value()?),
                ("value", o.value.to_value()?),
            ]),
        );
    }
    Ok(format!("{}\n", gojson::to_string_pretty(&J::Object(m))))
}

/// `terraform show` of a state: every resource instance with all its
/// attributes (no action symbols), then the root outputs.
pub fn render_state(
    state: &StateFile,
    schemas: &dyn Schemas,
    colors: crate::Colors,
) -> Result<String, RenderError> {
    let doc = state_json(state, "", schemas)?;
    let values = &doc["values"];
    let mut resources = Vec::new();
    collect_resources(&values["root_module"], &mut resources);
    let outputs = values.get("outputs").and_then(J::as_object);
    if resources.is_empty() && outputs.is_none_or(|o| o.is_empty()) {
        return Ok("The state file is empty. No resources are represented.\n".into());
    }
    let mut opts = crate::human::Opts::new(colors);
    opts.show_unchanged = true;
    opts.hide_symbols = true;
    let mut out = String::new();
    for (i, r) in resources.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let address = r["address"].as_str().unwrap_or_default();
        if let Some(d) = r.get("deposed_key").and_then(J::as_str) {
            out.push_str(&format!("# {address}: (deposed object {d})\n"));
        } else if r.get("tainted") == Some(&J::Bool(true)) {
            out.push_str(&format!("# {address}: (tainted)\n"));
        } else {
            out.push_str(&format!("# {address}:\n"));
        }
        let mode = if r["mode"] == "data" {
            Mode::Data
        } else {
            Mode::Managed
        };
        let ty = r["type"].as_str().unwrap_or_default();
        let provider = r["provider_name"].as_str().unwrap_or_default();
        let block = match schemas.schema(provider, mode, ty) {
            Some(s) => s.block.clone(),
            None => inferred_block(&r["values"]),
        };
        let vals = r.get("values").cloned().unwrap_or(J::Object(Map::new()));
        let sens = r.get("sensitive_values").cloned().unwrap_or(J::Null);
        let pc = crate::PlanChange {
            before: vals.clone(),
            after: vals,
            after_unknown: J::Bool(false),
            before_sensitive: sens.clone(),
            after_sensitive: sens,
            replace_paths: Vec::new(),
        };
        let d = crate::diff::diff_block(&pc, &block);
        let keyword = if mode == Mode::Data {
            "data"
        } else {
            "resource"
        };
        out.push_str(&format!(
            "{keyword} {} {} {}\n",
            crate::human::quote(ty),
            crate::human::quote(r["name"].as_str().unwrap_or_default()),
            crate::human::render(&d, 0, opts)
        ));
    }
    if let Some(outputs) = outputs.filter(|o| !o.is_empty()) {
        out.push_str("\n\nOutputs:\n\n");
        for (k, o) in outputs {
            let sensitive = J::Bool(o["sensitive"] == J::Bool(true));
            let pc = crate::PlanChange {
                before: o["value"].clone(),
                after: o["value"].clone(),
                after_unknown: J::Bool(false),
                before_sensitive: sensitive.clone(),
                after_sensitive: sensitive,
                replace_paths: Vec::new(),
            };
            let d = match terrane_core::typed_json::type_from_json(&o["type"]) {
                Ok(t) => crate::diff::diff_value(&pc, &t),
                Err(_) => crate::diff::diff_output(&pc),
            };
            out.push_str(&format!("{k} = {}\n", crate::human::render(&d, 0, opts)));
        }
    }
    Ok(out)
}

fn collect_resources(module: &J, out: &mut Vec<J>) {
    if let Some(rs) = module.get("resources").and_then(J::as_array) {
        out.extend(rs.iter().cloned());
    }
    if let Some(cs) = module.get("child_modules").and_then(J::as_array) {
        for c in cs {
            collect_resources(c, out);
        }
    }
}

fn inferred_block(values: &J) -> terrane_provider::Block {
    let mut b = terrane_provider::Block::default();
    if let Some(m) = values.as_object() {
        for k in m.keys() {
            b.attributes.insert(
                k.clone(),
                terrane_provider::Attribute::optional(terrane_value::Type::Dynamic),
            );
        }
    }
    b
}
