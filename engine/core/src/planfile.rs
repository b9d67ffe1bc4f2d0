//! Saved plans (`plan -out`): the [`Plan`] as JSON with every value in the
//! lossless tagged encoding, so `apply PLANFILE` executes exactly what was
//! planned (and refuses if the state's serial or lineage moved on).

use crate::plan::{
    Action, ActionReason, InstanceKey, Mode, OutputChange, Plan, PlanMode, ResourceChange,
};
use crate::typed_json::{decode_value, encode_value};
use crate::CoreError;
use serde_json::{json, Value as J};
use terrane_value::{Path, PathStep};

const FORMAT: &str = "terrane-plan-v1";

fn action_name(a: Action) -> &'static str {
    match a {
        Action::NoOp => "no-op",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate => "delete-create",
        Action::CreateThenDelete => "create-delete",
        Action::Delete => "delete",
        Action::Forget => "forget",
    }
}

fn action_from(s: &str) -> Result<Action, CoreError> {
    Ok(match s {
        "no-op" => Action::NoOp,
        "create" => Action::Create,
        "read" => Action::Read,
        "update" => Action::Update,
        "delete-create" => Action::DeleteThenCreate,
        "create-delete" => Action::CreateThenDelete,
        "delete" => Action::Delete,
        "forget" => Action::Forget,
        _ => return Err(bad(&format!("unknown action {s:?}"))),
    })
}

const REASONS: [ActionReason; 13] = [
    ActionReason::ReplaceBecauseTainted,
    ActionReason::ReplaceByRequest,
    ActionReason::ReplaceByTriggers,
    ActionReason::ReplaceBecauseCannotUpdate,
    ActionReason::DeleteBecauseNoResourceConfig,
    ActionReason::DeleteBecauseWrongRepetition,
    ActionReason::DeleteBecauseCountIndex,
    ActionReason::DeleteBecauseEachKey,
    ActionReason::DeleteBecauseNoModule,
    ActionReason::DeleteBecauseNoMoveTarget,
    ActionReason::ReadBecauseConfigUnknown,
    ActionReason::ReadBecauseDependencyPending,
    ActionReason::ReadBecauseCheckNested,
];

fn bad(msg: &str) -> CoreError {
    CoreError::PlanFile(format!("the plan file is not a valid terrane plan: {msg}"))
}

fn path_json(p: &Path) -> J {
    J::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::Attr(a) => json!({"attr": a}),
                PathStep::Key(k) => json!({"key": k}),
                PathStep::Index(i) => json!({"index": i}),
            })
            .collect(),
    )
}

fn path_from(j: &J) -> Result<Path, CoreError> {
    let arr = j.as_array().ok_or_else(|| bad("path"))?;
    let mut steps = Vec::new();
    for s in arr {
        if let Some(a) = s.get("attr").and_then(J::as_str) {
            steps.push(PathStep::Attr(a.into()));
        } else if let Some(k) = s.get("key").and_then(J::as_str) {
            steps.push(PathStep::Key(k.into()));
        } else if let Some(i) = s.get("index").and_then(J::as_u64) {
            steps.push(PathStep::Index(i));
        } else {
            return Err(bad("path step"));
        }
    }
    Ok(Path(steps))
}

fn change_json(c: &ResourceChange) -> J {
    json!({
        "address": c.address,
        "module_address": c.module_address,
        "mode": if c.mode == Mode::Data { "data" } else { "managed" },
        "type": c.type_name,
        "name": c.name,
        "index": match &c.index { InstanceKey::None => J::Null, InstanceKey::Int(i) => json!(i), InstanceKey::Str(s) => json!(s) },
        "previous_address": c.previous_address,
        "deposed": c.deposed,
        "provider_name": c.provider_name,
        "provider_config": c.provider_config,
        "action": action_name(c.action),
        "reason": c.reason.map(|r| r.as_json()),
        "before": encode_value(&c.before),
        "after": encode_value(&c.after),
        "replace_paths": c.replace_paths.iter().map(path_json).collect::<Vec<_>>(),
        "private": c.private,
        "importing": c.importing,
        "depends_on": c.depends_on,
        "create_before_destroy": c.create_before_destroy,
    })
}

fn s(j: &J, k: &str) -> Result<String, CoreError> {
    j.get(k)
        .and_then(J::as_str)
        .map(String::from)
        .ok_or_else(|| bad(k))
}

fn opt_s(j: &J, k: &str) -> Option<String> {
    j.get(k).and_then(J::as_str).map(String::from)
}

fn change_from(j: &J) -> Result<ResourceChange, CoreError> {
    let reason = match opt_s(j, "reason") {
        Some(r) => Some(
            REASONS
                .iter()
                .copied()
                .find(|x| x.as_json() == r)
                .ok_or_else(|| bad("reason"))?,
        ),
        None => None,
    };
    Ok(ResourceChange {
        address: s(j, "address")?,
        module_address: s(j, "module_address")?,
        mode: if s(j, "mode")? == "data" {
            Mode::Data
        } else {
            Mode::Managed
        },
        type_name: s(j, "type")?,
        name: s(j, "name")?,
        index: match j.get("index") {
            Some(J::Number(n)) => InstanceKey::Int(n.as_u64().ok_or_else(|| bad("index"))?),
            Some(J::String(k)) => InstanceKey::Str(k.clone()),
            _ => InstanceKey::None,
        },
        previous_address: opt_s(j, "previous_address"),
        deposed: opt_s(j, "deposed"),
        provider_name: s(j, "provider_name")?,
        provider_config: s(j, "provider_config")?,
        action: action_from(&s(j, "action")?)?,
        reason,
        before: decode_value(j.get("before").ok_or_else(|| bad("before"))?)?,
        after: decode_value(j.get("after").ok_or_else(|| bad("after"))?)?,
        replace_paths: j
            .get("replace_paths")
            .and_then(J::as_array)
            .map(|a| a.iter().map(path_from).collect::<Result<_, _>>())
            .transpose()?
            .unwrap_or_default(),
        private: j
            .get("private")
            .and_then(J::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|b| b.as_u64().map(|b| b as u8))
                    .collect()
            })
            .unwrap_or_default(),
        importing: opt_s(j, "importing"),
        depends_on: j
            .get("depends_on")
            .and_then(J::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        create_before_destroy: j
            .get("create_before_destroy")
            .and_then(J::as_bool)
            .unwrap_or(false),
    })
}

/// Serialises a plan.
pub fn to_bytes(p: &Plan) -> Vec<u8> {
    let j = json!({
        "format": FORMAT,
        "terrane_version": env!("CARGO_PKG_VERSION"),
        "mode": match p.mode { PlanMode::Normal => "normal", PlanMode::Destroy => "destroy", PlanMode::RefreshOnly => "refresh-only" },
        "variables": p.variables.iter().map(|(k, v)| (k.clone(), encode_value(v))).collect::<serde_json::Map<_, _>>(),
        "changes": p.changes.iter().map(change_json).collect::<Vec<_>>(),
        "drift": p.drift.iter().map(change_json).collect::<Vec<_>>(),
        "outputs": p.outputs.iter().map(|(k, o)| (k.clone(), json!({
            "action": action_name(o.action),
            "before": encode_value(&o.before),
            "after": encode_value(&o.after),
            "sensitive": o.sensitive,
        }))).collect::<serde_json::Map<_, _>>(),
        "prior_serial": p.prior_serial,
        "prior_lineage": p.prior_lineage,
        "targets": p.targets,
        "errored": p.errored,
        "checks": p.checks,
    });
    j.to_string().into_bytes()
}

/// Reads a plan written by [`to_bytes`].
pub fn from_bytes(bytes: &[u8]) -> Result<Plan, CoreError> {
    let j: J = serde_json::from_slice(bytes).map_err(|e| bad(&e.to_string()))?;
    if j.get("format").and_then(J::as_str) != Some(FORMAT) {
        return Err(bad("unknown format"));
    }
    let mut variables = std::collections::BTreeMap::new();
    for (k, v) in j
        .get("variables")
        .and_then(J::as_object)
        .into_iter()
        .flatten()
    {
        variables.insert(k.clone(), decode_value(v)?);
    }
    let mut outputs = std::collections::BTreeMap::new();
    for (k, o) in j
        .get("outputs")
        .and_then(J::as_object)
        .into_iter()
        .flatten()
    {
        outputs.insert(
            k.clone(),
            OutputChange {
                action: action_from(&s(o, "action")?)?,
                before: decode_value(o.get("before").ok_or_else(|| bad("before"))?)?,
                after: decode_value(o.get("after").ok_or_else(|| bad("after"))?)?,
                sensitive: o.get("sensitive").and_then(J::as_bool).unwrap_or(false),
            },
        );
    }
    let list = |k: &str| -> Result<Vec<ResourceChange>, CoreError> {
        j.get(k)
            .and_then(J::as_array)
            .map(|a| a.iter().map(change_from).collect())
            .unwrap_or(Ok(Vec::new()))
    };
    Ok(Plan {
        mode: match s(&j, "mode")?.as_str() {
            "destroy" => PlanMode::Destroy,
            "refresh-only" => PlanMode::RefreshOnly,
            _ => PlanMode::Normal,
        },
        variables,
        changes: list("changes")?,
        drift: list("drift")?,
        outputs,
        prior_serial: j
            .get("prior_serial")
            .and_then(J::as_u64)
            .ok_or_else(|| bad("prior_serial"))?,
        prior_lineage: s(&j, "prior_lineage")?,
        targets: j
            .get("targets")
            .and_then(J::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        errored: j.get("errored").and_then(J::as_bool).unwrap_or(false),
        checks: match j.get("checks") {
            None | Some(J::Null) => None,
            Some(c) => {
                Some(serde_json::from_value(c.clone()).map_err(|e| bad(&format!("checks: {e}")))?)
            }
        },
    })
}
