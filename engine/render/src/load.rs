//! Reading a plan back from `show -json` output (Terraform's or
//! terrane's): the resource changes, drift and output changes become a
//! [`Plan`] whose values are JSON-shaped (objects and tuples), which every
//! renderer here accepts. Lets terrane render plans Terraform made (for
//! example as Markdown PR comments) and is how the golden tests rebuild
//! Terraform's plans.

use crate::json::value_from_json;
use crate::RenderError;
use serde_json::Value as J;
use std::collections::BTreeMap;
use terrane_core::plan::{
    Action, ActionReason, InstanceKey, Mode, OutputChange, Plan, PlanMode, ResourceChange,
};
use terrane_value::Path;

fn bad(what: impl Into<String>) -> RenderError {
    RenderError::Malformed(what.into())
}

fn actions(v: &J) -> Result<Action, RenderError> {
    let list: Vec<&str> = v
        .as_array()
        .ok_or_else(|| bad("change.actions is not an array"))?
        .iter()
        .map(|x| x.as_str().unwrap_or(""))
        .collect();
    Ok(match list.as_slice() {
        ["no-op"] => Action::NoOp,
        ["create"] => Action::Create,
        ["read"] => Action::Read,
        ["update"] => Action::Update,
        ["delete", "create"] => Action::DeleteThenCreate,
        ["create", "delete"] => Action::CreateThenDelete,
        ["delete"] => Action::Delete,
        ["forget"] => Action::Forget,
        other => return Err(bad(format!("unknown actions {other:?}"))),
    })
}

fn reason(s: &str) -> Option<ActionReason> {
    use ActionReason::*;
    Some(match s {
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
        _ => return None,
    })
}

fn path(p: &J) -> Result<Path, RenderError> {
    let mut out = Path::root();
    for s in p
        .as_array()
        .ok_or_else(|| bad("replace path is not an array"))?
    {
        out = match s {
            J::String(a) => out.attr(a.clone()),
            J::Number(n) => out.index(n.as_u64().ok_or_else(|| bad("bad path index"))?),
            _ => return Err(bad("bad replace path step")),
        };
    }
    Ok(out)
}

fn str_field<'a>(r: &'a J, key: &str) -> Result<&'a str, RenderError> {
    r.get(key)
        .and_then(J::as_str)
        .ok_or_else(|| bad(format!("missing {key}")))
}

/// One `resource_changes` (or `resource_drift`) entry.
pub fn resource_change_from_json(r: &J) -> Result<ResourceChange, RenderError> {
    let ch = r.get("change").ok_or_else(|| bad("missing change"))?;
    let null = J::Null;
    let g = |k: &str| ch.get(k).unwrap_or(&null);
    let index = match r.get("index") {
        Some(J::Number(n)) => InstanceKey::Int(n.as_u64().ok_or_else(|| bad("bad index"))?),
        Some(J::String(s)) => InstanceKey::Str(s.clone()),
        _ => InstanceKey::None,
    };
    let provider = str_field(r, "provider_name")?;
    Ok(ResourceChange {
        address: str_field(r, "address")?.into(),
        module_address: r
            .get("module_address")
            .and_then(J::as_str)
            .unwrap_or("")
            .into(),
        mode: if r.get("mode").and_then(J::as_str) == Some("data") {
            Mode::Data
        } else {
            Mode::Managed
        },
        type_name: str_field(r, "type")?.into(),
        name: str_field(r, "name")?.into(),
        index,
        previous_address: r
            .get("previous_address")
            .and_then(J::as_str)
            .map(String::from),
        deposed: r.get("deposed").and_then(J::as_str).map(String::from),
        provider_name: provider.into(),
        provider_config: format!("provider[\"{provider}\"]"),
        action: actions(g("actions"))?,
        reason: r.get("action_reason").and_then(J::as_str).and_then(reason),
        before: value_from_json(g("before"), &J::Null, g("before_sensitive")),
        after: value_from_json(g("after"), g("after_unknown"), g("after_sensitive")),
        replace_paths: match ch.get("replace_paths").and_then(J::as_array) {
            Some(ps) => ps.iter().map(path).collect::<Result<_, _>>()?,
            None => Vec::new(),
        },
        private: Vec::new(),
        importing: ch
            .get("importing")
            .map(|i| i.get("id").and_then(J::as_str).unwrap_or("").to_string()),
        depends_on: Vec::new(),
        create_before_destroy: false,
    })
}

/// A plan from a `show -json` document. The mode is not recorded in the
/// document, so the caller says it.
pub fn plan_from_json(doc: &J, mode: PlanMode) -> Result<Plan, RenderError> {
    let list = |k: &str| -> Result<Vec<ResourceChange>, RenderError> {
        match doc.get(k).and_then(J::as_array) {
            Some(xs) => xs.iter().map(resource_change_from_json).collect(),
            None => Ok(Vec::new()),
        }
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
                    action: actions(g("actions"))?,
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
                .map(|(k, v)| {
                    let value = v.get("value").unwrap_or(&J::Null);
                    (k.clone(), value_from_json(value, &J::Null, &J::Null))
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Plan {
        mode,
        variables,
        changes: list("resource_changes")?,
        drift: list("resource_drift")?,
        outputs,
        prior_serial: 0,
        prior_lineage: String::new(),
        targets: Vec::new(),
        errored: doc.get("errored") == Some(&J::Bool(true)),
        checks: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_documents_are_errors() {
        let doc: J = serde_json::json!({"resource_changes": [{"address": "a.b"}]});
        assert!(plan_from_json(&doc, PlanMode::Normal).is_err());
        let doc: J = serde_json::json!({"resource_changes": [{
            "address": "a.b", "type": "a", "name": "b", "provider_name": "p",
            "change": {"actions": ["explode"]}
        }]});
        assert!(matches!(
            plan_from_json(&doc, PlanMode::Normal),
            Err(RenderError::Malformed(_))
        ));
        let doc: J = serde_json::json!({});
        let plan = plan_from_json(&doc, PlanMode::Normal).unwrap_or_else(|e| panic!("{e}"));
        assert!(plan.changes.is_empty() && !plan.has_changes());
    }
}
