//! Shared test helpers: rebuild a `Plan` from Terraform's `show -json`
//! output, and the terraform_data schema.
#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value as J;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use terrane_core::plan::{
    Action, ActionReason, InstanceKey, Mode, OutputChange, Plan, PlanMode, ResourceChange,
};
use terrane_provider::{Attribute, Block, ProviderSchema, Schema};
use terrane_render::json::value_from_json;
use terrane_value::{Path as VPath, Type};

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

fn action(actions: &J) -> Action {
    let a: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    match a.as_slice() {
        ["no-op"] => Action::NoOp,
        ["create"] => Action::Create,
        ["read"] => Action::Read,
        ["update"] => Action::Update,
        ["delete", "create"] => Action::DeleteThenCreate,
        ["create", "delete"] => Action::CreateThenDelete,
        ["delete"] => Action::Delete,
        ["forget"] => Action::Forget,
        other => panic!("unknown actions {other:?}"),
    }
}

fn reason(s: &str) -> ActionReason {
    use ActionReason::*;
    match s {
        "replace_because_tainted" => ReplaceBecauseTainted,
        "replace_by_request" => ReplaceByRequest,
        "replace_by_triggers" => ReplaceByTriggers,
        "replace_because_cannot_update" => ReplaceBecauseCannotUpdate,
        "delete_because_no_resource_config" => DeleteBecauseNoResourceConfig,
        "delete_because_wrong_repetition" => DeleteBecauseWrongRepetition,
        "delete_because_count_index" => DeleteBecauseCountIndex,
        "delete_because_each_key" => DeleteBecauseEachKey,
        "delete_because_no_module" => DeleteBecauseNoModule,
        "delete_because_no_move_target" => DeleteBecauseNoMoveTarget,
        "read_because_config_unknown" => ReadBecauseConfigUnknown,
        "read_because_dependency_pending" => ReadBecauseDependencyPending,
        "read_because_check_nested" => ReadBecauseCheckNested,
        other => panic!("unknown reason {other}"),
    }
}

fn steps(p: &J) -> VPath {
    let mut path = VPath::root();
    for s in p.as_array().unwrap() {
        path = match s {
            J::String(a) => path.attr(a.clone()),
            J::Number(n) => path.index(n.as_u64().unwrap()),
            _ => panic!("bad step"),
        };
    }
    path
}

pub fn resource_change(r: &J) -> ResourceChange {
    let ch = &r["change"];
    let null = J::Null;
    let g = |k: &str| ch.get(k).unwrap_or(&null);
    let before = value_from_json(g("before"), &J::Null, g("before_sensitive"));
    let after = value_from_json(g("after"), g("after_unknown"), g("after_sensitive"));
    let index = match r.get("index") {
        Some(J::Number(n)) => InstanceKey::Int(n.as_u64().unwrap()),
        Some(J::String(s)) => InstanceKey::Str(s.clone()),
        _ => InstanceKey::None,
    };
    ResourceChange {
        address: r["address"].as_str().unwrap().into(),
        module_address: r
            .get("module_address")
            .and_then(J::as_str)
            .unwrap_or("")
            .into(),
        mode: if r["mode"] == "data" {
            Mode::Data
        } else {
            Mode::Managed
        },
        type_name: r["type"].as_str().unwrap().into(),
        name: r["name"].as_str().unwrap().into(),
        index,
        previous_address: r
            .get("previous_address")
            .and_then(J::as_str)
            .map(String::from),
        deposed: r.get("deposed").and_then(J::as_str).map(String::from),
        provider_name: r["provider_name"].as_str().unwrap().into(),
        provider_config: format!("provider[\"{}\"]", r["provider_name"].as_str().unwrap()),
        action: action(&ch["actions"]),
        reason: r.get("action_reason").and_then(J::as_str).map(reason),
        before,
        after,
        replace_paths: ch
            .get("replace_paths")
            .and_then(J::as_array)
            .map(|ps| ps.iter().map(steps).collect())
            .unwrap_or_default(),
        private: Vec::new(),
        importing: ch
            .get("importing")
            .map(|i| i.get("id").and_then(J::as_str).unwrap_or("").to_string()),
        depends_on: Vec::new(),
        create_before_destroy: false,
    }
}

/// Rebuilds the plan Terraform described in `show -json` output.
pub fn plan_from_show_json(doc: &J, mode: PlanMode) -> Plan {
    let list = |k: &str| -> Vec<ResourceChange> {
        doc.get(k)
            .and_then(J::as_array)
            .map(|xs| xs.iter().map(resource_change).collect())
            .unwrap_or_default()
    };
    let mut outputs = BTreeMap::new();
    if let Some(m) = doc.get("output_changes").and_then(J::as_object) {
        for (k, ch) in m {
            let null = J::Null;
            let g = |k: &str| ch.get(k).unwrap_or(&null);
            let sensitive =
                g("before_sensitive") == &J::Bool(true) || g("after_sensitive") == &J::Bool(true);
            outputs.insert(
                k.clone(),
                OutputChange {
                    action: action(&ch["actions"]),
                    before: value_from_json(g("before"), &J::Null, &J::Null),
                    after: value_from_json(g("after"), g("after_unknown"), &J::Null),
                    sensitive,
                },
            );
        }
    }
    let variables = doc
        .get("variables")
        .and_then(J::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), value_from_json(&v["value"], &J::Null, &J::Null)))
                .collect()
        })
        .unwrap_or_default();
    Plan {
        mode,
        variables,
        changes: list("resource_changes"),
        drift: list("resource_drift"),
        outputs,
        prior_serial: 0,
        prior_lineage: String::new(),
        targets: Vec::new(),
        errored: doc.get("errored") == Some(&J::Bool(true)),
    }
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
