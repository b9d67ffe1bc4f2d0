//! Shared test helpers: rebuild a `Plan` from Terraform's `show -json`
//! output, and the terraform_data schema.
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value as J;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use terrane_core::plan::{Plan, PlanMode};
use terrane_provider::{Attribute, Block, ProviderSchema, Schema};
use terrane_value::Type;

pub const BUILTIN: &str = "terraform.io/builtin/terraform";

pub fn schemas() -> BTreeMap<String, ProviderSchema> {
    let block = Block::default()
        .attr("id", Attribute::computed(Type::String))
        .attr("input", Attribute::optional(Type::Dynamic))
        .attr("output", Attribute::computed(Type::Dynamic))
        .attr("triggers_replace", Attribute::optional(Type::Dynamic));
    let mut p = ProviderSchema::default();
    p.resources
        .insert("terraform_data".into(), Schema { version: 0, block });
    let remote_state = Block::default()
        .attr("backend", Attribute::required(Type::String))
        .attr("config", Attribute::optional(Type::Dynamic))
        .attr("defaults", Attribute::optional(Type::Dynamic))
        .attr("outputs", Attribute::computed(Type::Dynamic))
        .attr("workspace", Attribute::optional(Type::String));
    p.data_sources.insert(
        "terraform_remote_state".into(),
        Schema {
            version: 0,
            block: remote_state,
        },
    );
    [(BUILTIN.to_string(), p)].into_iter().collect()
}

pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cases")
}

pub fn case_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(cases_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

pub fn read(case: &str, file: &str) -> Option<String> {
    std::fs::read_to_string(cases_dir().join(case).join(file)).ok()
}

/// Rebuilds the plan Terraform described in `show -json` output.
pub fn plan_from_show_json(doc: &J, mode: PlanMode) -> Plan {
    terrane_render::load::plan_from_json(doc, mode).unwrap()
}

pub fn case_mode(case: &str) -> PlanMode {
    let args = read(case, "args").unwrap_or_default();
    if args.contains("-destroy") {
        PlanMode::Destroy
    } else if args.contains("-refresh-only") {
        PlanMode::RefreshOnly
    } else {
        PlanMode::Normal
    }
}

pub fn load_case(case: &str) -> Plan {
    let doc: J = serde_json::from_str(&read(case, "plan.json").unwrap()).unwrap();
    plan_from_show_json(&doc, case_mode(case))
}

/// The plan text Terraform printed, without the refresh/import progress
/// lines and without warning diagnostics (rendered by the diagnostics
/// crate, not by the plan renderer).
pub fn expected_plan_text(case: &str) -> String {
    let text = read(case, "plan.txt").unwrap();
    let lines: Vec<&str> = text
        .split_inclusive('\n')
        .skip_while(|l| l.contains(": Refreshing state...") || l.contains(": Preparing import..."))
        .collect();
    let text = lines.concat();
    match (text.find("\nWarning: "), text.find("\n─")) {
        (Some(w), Some(r)) if w < r => format!("{}{}", &text[..w], &text[r..]),
        _ => text,
    }
}

/// The planner reports the prior state with `moved` blocks applied.
pub fn apply_moves(state: &mut terrane_state::StateFile, plan: &terrane_core::plan::Plan) {
    for rc in &plan.changes {
        let Some(prev) = &rc.previous_address else {
            continue;
        };
        let (ty, name) = prev.split_once('.').unwrap();
        let name = name.split('[').next().unwrap();
        for r in &mut state.resources {
            if r.resource_type == ty && r.name == name {
                r.name = rc.name.clone();
                if let terrane_core::plan::InstanceKey::Int(i) = rc.index {
                    for inst in &mut r.instances {
                        if inst.index_key.is_none() {
                            inst.index_key = Some(terrane_state::InstanceKey::Int(i as i64));
                        }
                    }
                }
            }
        }
    }
}

/// The planner reports imported objects as part of the prior state.
pub fn add_imports(state: &mut terrane_state::StateFile, plan: &Plan) {
    for rc in &plan.changes {
        if rc.importing.is_none() {
            continue;
        }
        let attrs = terrane_render::json::value_json(&rc.before);
        let obj = terrane_state::InstanceObject::new(0, terrane_state::RawJson::from_value(&attrs));
        let mut r = terrane_state::Resource::new(
            "",
            terrane_state::Mode::Managed,
            &rc.type_name,
            &rc.name,
            &rc.provider_config,
        );
        r.instances.push(obj);
        state.resources.push(r);
    }
}
