//! The machine-readable UI stream (`-json`): one JSON object per line with
//! `@level`, `@message`, `@module`, `@timestamp` and a `type`
//! (`version`, `planned_change`, `resource_drift`, `change_summary`,
//! `outputs`, `refresh_start`/`refresh_complete`,
//! `apply_start`/`apply_progress`/`apply_complete`/`apply_errored`,
//! `diagnostic`), in the format of Terraform's UI version 1.2. Top-level
//! keys are sorted, as Terraform's logger writes them (UI 1.3, Terraform
//! 1.15's, is available through [`UiFormat`]); nested objects keep
//! Terraform's field order. Timestamps are supplied by the caller.

use crate::apply::{object_id, object_id_or_name, ApplyOp};
use crate::gojson;
use serde_json::{Map, Value as J};
use std::collections::BTreeMap;
use std::time::Duration;
use terrane_core::plan::{Action, ActionReason, InstanceKey, Mode, OutputChange, ResourceChange};
use terrane_value::Value;

/// Severity of a UI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `info`
    Info,
    /// `warn`
    Warn,
    /// `error`
    Error,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// One UI line: the common fields plus the message-specific ones.
pub fn line(
    level: Level,
    message: &str,
    timestamp: &str,
    kind: &str,
    extra: Vec<(&str, J)>,
) -> String {
    let mut fields: BTreeMap<String, J> = BTreeMap::new();
    fields.insert("@level".into(), J::String(level.as_str().into()));
    fields.insert("@message".into(), J::String(message.into()));
    fields.insert("@module".into(), J::String("terraform.ui".into()));
    fields.insert("@timestamp".into(), J::String(timestamp.into()));
    fields.insert("type".into(), J::String(kind.into()));
    for (k, v) in extra {
        fields.insert(k.into(), v);
    }
    let m: Map<String, J> = fields.into_iter().collect();
    gojson::to_string(&J::Object(m))
}

/// Which UI format version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UiFormat {
    /// UI 1.2 (Terraform 1.11).
    #[default]
    V1_2,
    /// UI 1.3 (Terraform 1.15: change summaries count action invocations).
    V1_3,
}

impl UiFormat {
    fn as_str(self) -> &'static str {
        match self {
            UiFormat::V1_2 => "1.2",
            UiFormat::V1_3 => "1.3",
        }
    }
}

/// The first line: `{"@message":"Terraform 1.11.4",...,"type":"version"}`.
/// `product` names the tool in the message and the version key
/// (`terraform` for Terraform's wording).
pub fn version(product: &str, version: &str, format: UiFormat, timestamp: &str) -> String {
    line(
        Level::Info,
        &format!("{product} {version}"),
        timestamp,
        "version",
        vec![
            (&product.to_lowercase(), J::String(version.into())),
            ("ui", J::String(format.as_str().into())),
        ],
    )
}

/// The `resource` object naming a resource instance.
pub fn resource_addr(rc: &ResourceChange) -> J {
    resource_addr_parts(
        &rc.address,
        &rc.module_address,
        rc.mode,
        &rc.type_name,
        &rc.name,
        &rc.index,
    )
}

/// The `resource` object from address parts.
pub fn resource_addr_parts(
    address: &str,
    module: &str,
    mode: Mode,
    type_name: &str,
    name: &str,
    key: &InstanceKey,
) -> J {
    let mut m = Map::new();
    m.insert("addr".into(), J::String(address.into()));
    m.insert("module".into(), J::String(module.into()));
    let resource = if module.is_empty() {
        address.to_string()
    } else {
        address
            .strip_prefix(module)
            .and_then(|s| s.strip_prefix('.'))
            .unwrap_or(address)
            .to_string()
    };
    m.insert("resource".into(), J::String(resource));
    let implied = type_name.split('_').next().unwrap_or(type_name);
    m.insert("implied_provider".into(), J::String(implied.into()));
    let _ = mode;
    m.insert("resource_type".into(), J::String(type_name.into()));
    m.insert("resource_name".into(), J::String(name.into()));
    m.insert(
        "resource_key".into(),
        match key {
            InstanceKey::None => J::Null,
            InstanceKey::Int(i) => J::Number((*i).into()),
            InstanceKey::Str(s) => J::String(s.clone()),
        },
    );
    J::Object(m)
}

/// The `resource` object for an instance address such as
/// `module.m["a"].data.t.n[0]` (hooks only know the address).
pub fn resource_for_address(addr: &str) -> J {
    let (module, ty, name, key) = split_address(addr);
    let mode = if addr[module.len()..]
        .trim_start_matches('.')
        .starts_with("data.")
    {
        Mode::Data
    } else {
        Mode::Managed
    };
    resource_addr_parts(addr, &module, mode, &ty, &name, &key)
}

/// Splits `module.m.data.type.name["key"]` into module, type, name, key.
fn split_address(addr: &str) -> (String, String, String, InstanceKey) {
    let mut module = String::new();
    let mut rest = addr;
    while let Some(r) = rest.strip_prefix("module.") {
        let end = r.find('.').unwrap_or(r.len());
        let seg = &rest[..7 + end];
        if !module.is_empty() {
            module.push('.');
        }
        module.push_str(seg);
        rest = r.get(end + 1..).unwrap_or("");
    }
    let rest = rest.strip_prefix("data.").unwrap_or(rest);
    let (ty, name_key) = rest.split_once('.').unwrap_or((rest, ""));
    let (name, key) = match name_key.split_once('[') {
        Some((n, k)) => {
            let k = k.trim_end_matches(']');
            let key = match k.parse::<u64>() {
                Ok(i) => InstanceKey::Int(i),
                Err(_) => InstanceKey::Str(
                    serde_json::from_str::<String>(k).unwrap_or_else(|_| k.to_string()),
                ),
            };
            (n.to_string(), key)
        }
        None => (name_key.to_string(), InstanceKey::None),
    };
    (module, ty.to_string(), name, key)
}

fn change_action(a: Action, moved: bool) -> &'static str {
    match a {
        Action::NoOp if moved => "move",
        Action::NoOp => "noop",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Forget => "remove",
    }
}

fn change_reason(r: ActionReason) -> &'static str {
    match r {
        ActionReason::ReplaceBecauseTainted => "tainted",
        ActionReason::ReplaceByRequest => "requested",
        ActionReason::ReplaceByTriggers => "replace_triggered_by",
        ActionReason::ReplaceBecauseCannotUpdate => "cannot_update",
        other => other.as_json(),
    }
}

fn moved(rc: &ResourceChange) -> bool {
    rc.previous_address
        .as_deref()
        .is_some_and(|p| p != rc.address)
}

/// A `planned_change` (or, with `drift`, `resource_drift`) line; `None`
/// for changes Terraform does not report (no-ops that are not moves or
/// imports).
pub fn planned_change(rc: &ResourceChange, drift: bool, timestamp: &str) -> Option<String> {
    if rc.action == Action::NoOp && !moved(rc) && rc.importing.is_none() {
        return None;
    }
    let action = if rc.action == Action::NoOp && rc.importing.is_some() && !moved(rc) {
        "import"
    } else {
        change_action(rc.action, moved(rc))
    };
    let mut c = Map::new();
    c.insert("resource".into(), resource_addr(rc));
    if moved(rc) {
        if let Some(prev) = &rc.previous_address {
            let (module, ty, name, key) = split_address(prev);
            c.insert(
                "previous_resource".into(),
                resource_addr_parts(prev, &module, rc.mode, &ty, &name, &key),
            );
        }
    }
    c.insert("action".into(), J::String(action.into()));
    if let Some(r) = rc.reason {
        c.insert("reason".into(), J::String(change_reason(r).into()));
    }
    if let Some(id) = &rc.importing {
        let mut i = Map::new();
        i.insert("id".into(), J::String(id.clone()));
        c.insert("importing".into(), J::Object(i));
    }
    let kind = if drift {
        "resource_drift"
    } else {
        "planned_change"
    };
    Some(line(
        Level::Info,
        &format!("{}: Plan to {action}", rc.address),
        timestamp,
        kind,
        vec![("change", J::Object(c))],
    ))
}

/// What a `change_summary` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// A plan.
    Plan,
    /// An apply.
    Apply,
    /// A destroy.
    Destroy,
}

/// A `change_summary` line.
pub fn change_summary(
    format: UiFormat,
    op: Operation,
    add: usize,
    change: usize,
    import: usize,
    remove: usize,
    timestamp: &str,
) -> String {
    let (message, opname) = match op {
        Operation::Plan => {
            let imp = if import > 0 {
                format!("{import} to import, ")
            } else {
                String::new()
            };
            (
                format!("Plan: {imp}{add} to add, {change} to change, {remove} to destroy."),
                "plan",
            )
        }
        Operation::Apply => {
            let imp = if import > 0 {
                format!("{import} imported, ")
            } else {
                String::new()
            };
            (
                format!("Apply complete! Resources: {imp}{add} added, {change} changed, {remove} destroyed."),
                "apply",
            )
        }
        Operation::Destroy => (
            format!("Destroy complete! Resources: {remove} destroyed."),
            "destroy",
        ),
    };
    let mut c = Map::new();
    c.insert("add".into(), J::Number(add.into()));
    c.insert("change".into(), J::Number(change.into()));
    c.insert("import".into(), J::Number(import.into()));
    c.insert("remove".into(), J::Number(remove.into()));
    if format == UiFormat::V1_3 {
        c.insert("action_invocation".into(), J::Number(0.into()));
    }
    c.insert("operation".into(), J::String(opname.into()));
    line(
        Level::Info,
        &message,
        timestamp,
        "change_summary",
        vec![("changes", J::Object(c))],
    )
}

/// The `outputs` line of a plan: every output's action (`noop` included).
pub fn planned_outputs(
    outputs: &BTreeMap<String, OutputChange>,
    timestamp: &str,
) -> Option<String> {
    let mut m = Map::new();
    for (k, o) in outputs {
        let mut e = Map::new();
        e.insert("sensitive".into(), J::Bool(o.sensitive));
        e.insert(
            "action".into(),
            J::String(change_action(o.action, false).into()),
        );
        m.insert(k.clone(), J::Object(e));
    }
    if m.is_empty() {
        return None;
    }
    Some(line(
        Level::Info,
        &format!("Outputs: {}", m.len()),
        timestamp,
        "outputs",
        vec![("outputs", J::Object(m))],
    ))
}

/// The `outputs` line after an apply: each output's type and value.
pub fn applied_outputs(outputs: &BTreeMap<String, (Value, bool)>, timestamp: &str) -> String {
    let mut m = Map::new();
    for (k, (v, sensitive)) in outputs {
        let mut e = Map::new();
        e.insert("sensitive".into(), J::Bool(*sensitive));
        e.insert("type".into(), crate::json::type_json(&v.ty()));
        if !*sensitive {
            e.insert("value".into(), crate::json::value_json(v));
        }
        m.insert(k.clone(), J::Object(e));
    }
    line(
        Level::Info,
        &format!("Outputs: {}", m.len()),
        timestamp,
        "outputs",
        vec![("outputs", J::Object(m))],
    )
}

fn op_action(op: ApplyOp) -> &'static str {
    match op {
        ApplyOp::Create => "create",
        ApplyOp::Update => "update",
        ApplyOp::Delete => "delete",
        ApplyOp::Read => "read",
    }
}

fn hook(
    resource: J,
    action: Option<ApplyOp>,
    id: Option<(&str, String)>,
    elapsed: Option<Duration>,
) -> J {
    let mut h = Map::new();
    h.insert("resource".into(), resource);
    if let Some(op) = action {
        h.insert("action".into(), J::String(op_action(op).into()));
    }
    if let Some((k, v)) = id {
        h.insert("id_key".into(), J::String(k.into()));
        h.insert("id_value".into(), J::String(v));
    }
    if let Some(e) = elapsed {
        h.insert("elapsed_seconds".into(), J::Number(e.as_secs().into()));
    }
    J::Object(h)
}

fn id_suffix(id: &Option<(&str, String)>) -> String {
    id.as_ref()
        .map(|(k, v)| format!(" [{k}={v}]"))
        .unwrap_or_default()
}

/// `refresh_start` and `refresh_complete` lines for one object.
pub fn refresh(resource: J, address: &str, prior: &Value, timestamp: &str) -> [String; 2] {
    let id = object_id(prior);
    [
        refresh_line(resource.clone(), address, false, id.clone(), timestamp),
        refresh_line(resource, address, true, id, timestamp),
    ]
}

/// A `refresh_start` (or, with `complete`, `refresh_complete`) line for an
/// object with the given id.
pub fn refresh_line(
    resource: J,
    address: &str,
    complete: bool,
    id: Option<(&str, String)>,
    timestamp: &str,
) -> String {
    let suffix = id_suffix(&id);
    let (what, kind) = if complete {
        ("Refresh complete", "refresh_complete")
    } else {
        ("Refreshing state...", "refresh_start")
    };
    line(
        Level::Info,
        &format!("{address}: {what}{suffix}"),
        timestamp,
        kind,
        vec![("hook", hook(resource, None, id, None))],
    )
}

/// An `apply_start` line (`prior` is the object before the step).
pub fn apply_start(
    resource: J,
    address: &str,
    op: ApplyOp,
    prior: &Value,
    timestamp: &str,
) -> String {
    apply_start_id(resource, address, op, object_id_or_name(prior), timestamp)
}

/// An `apply_start` line for an object with the given id.
pub fn apply_start_id(
    resource: J,
    address: &str,
    op: ApplyOp,
    id: Option<(&str, String)>,
    timestamp: &str,
) -> String {
    let suffix = id_suffix(&id);
    let doing = match op {
        ApplyOp::Create => "Creating...",
        ApplyOp::Update => "Modifying...",
        ApplyOp::Delete => "Destroying...",
        // Terraform's JSON hooks call reading a data source refreshing.
        ApplyOp::Read => "Refreshing...",
    };
    line(
        Level::Info,
        &format!("{address}: {doing}{suffix}"),
        timestamp,
        "apply_start",
        vec![("hook", hook(resource, Some(op), id, None))],
    )
}

/// An `apply_progress` line.
pub fn apply_progress(
    resource: J,
    address: &str,
    op: ApplyOp,
    elapsed: Duration,
    timestamp: &str,
) -> String {
    let still = match op {
        ApplyOp::Create => "Still creating...",
        ApplyOp::Update => "Still modifying...",
        ApplyOp::Delete => "Still destroying...",
        ApplyOp::Read => "Still refreshing...",
    };
    timed_line(
        resource,
        &format!(
            "{address}: {still} [{} elapsed]",
            crate::apply::go_duration(elapsed)
        ),
        op,
        elapsed,
        "apply_progress",
        timestamp,
    )
}

/// A hook line carrying the operation and its elapsed seconds.
fn timed_line(
    resource: J,
    message: &str,
    op: ApplyOp,
    elapsed: Duration,
    kind: &str,
    timestamp: &str,
) -> String {
    line(
        Level::Info,
        message,
        timestamp,
        kind,
        vec![("hook", hook(resource, Some(op), None, Some(elapsed)))],
    )
}

/// An `apply_complete` line (`new` is the object after the step).
pub fn apply_complete(
    resource: J,
    address: &str,
    op: ApplyOp,
    new: &Value,
    elapsed: Duration,
    timestamp: &str,
) -> String {
    apply_complete_id(resource, address, op, object_id(new), elapsed, timestamp)
}

/// An `apply_complete` line for an object with the given id.
pub fn apply_complete_id(
    resource: J,
    address: &str,
    op: ApplyOp,
    id: Option<(&str, String)>,
    elapsed: Duration,
    timestamp: &str,
) -> String {
    let suffix = id_suffix(&id);
    let done = match op {
        ApplyOp::Create => "Creation complete",
        ApplyOp::Update => "Modifications complete",
        ApplyOp::Delete => "Destruction complete",
        ApplyOp::Read => "Refresh complete",
    };
    line(
        Level::Info,
        &format!(
            "{address}: {done} after {}{suffix}",
            crate::apply::go_duration(elapsed)
        ),
        timestamp,
        "apply_complete",
        vec![("hook", hook(resource, Some(op), id, Some(elapsed)))],
    )
}

/// What a provisioner line reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provision<'a> {
    /// `provision_start`.
    Start,
    /// `provision_progress` with one line of output.
    Output(&'a str),
    /// `provision_complete`.
    Complete,
    /// `provision_errored`.
    Errored,
}

/// A `provision_*` line for the provisioner `provisioner` (`local-exec`)
/// of the object at `address`.
pub fn provision(
    resource: J,
    address: &str,
    provisioner: &str,
    what: Provision<'_>,
    timestamp: &str,
) -> String {
    let mut h = Map::new();
    h.insert("resource".into(), resource);
    h.insert("provisioner".into(), J::String(provisioner.into()));
    let (message, kind) = match what {
        Provision::Start => (
            format!("{address}: Provisioning with '{provisioner}'..."),
            "provision_start",
        ),
        Provision::Output(out) => {
            h.insert("output".into(), J::String(out.into()));
            (
                format!("{address}: ({provisioner}): {out}"),
                "provision_progress",
            )
        }
        Provision::Complete => (
            format!("{address}: ({provisioner}) Provisioning complete"),
            "provision_complete",
        ),
        Provision::Errored => (
            format!("{address}: ({provisioner}) Provisioning errored"),
            "provision_errored",
        ),
    };
    line(
        Level::Info,
        &message,
        timestamp,
        kind,
        vec![("hook", J::Object(h))],
    )
}

/// An `apply_errored` line: `addr: Creation errored after 1s`.
pub fn apply_errored(
    resource: J,
    address: &str,
    op: ApplyOp,
    elapsed: Duration,
    timestamp: &str,
) -> String {
    let noun = match op {
        ApplyOp::Create => "Creation",
        ApplyOp::Update => "Modifications",
        ApplyOp::Delete => "Destruction",
        ApplyOp::Read => "Refresh",
    };
    timed_line(
        resource,
        &format!(
            "{address}: {noun} errored after {}",
            crate::apply::go_duration(elapsed)
        ),
        op,
        elapsed,
        "apply_errored",
        timestamp,
    )
}

/// A `diagnostic` line from a diagnostic in Terraform's JSON shape (with
/// its range and source snippet).
pub fn json_diagnostic(d: &terrane_diagnostics::JsonDiagnostic, timestamp: &str) -> String {
    let error = d.severity == "error";
    let (level, prefix) = if error {
        (Level::Error, "Error")
    } else {
        (Level::Warn, "Warning")
    };
    let body = serde_json::to_value(d).unwrap_or(J::Null);
    line(
        level,
        &format!("{prefix}: {}", d.summary),
        timestamp,
        "diagnostic",
        vec![("diagnostic", body)],
    )
}

/// A source position of a diagnostic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 0-based byte offset.
    pub byte: usize,
}

/// A diagnostic to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UiDiagnostic {
    /// Error or warning.
    pub error: bool,
    /// Short fixed summary.
    pub summary: String,
    /// Detail text.
    pub detail: String,
    /// Resource address it concerns, if any.
    pub address: Option<String>,
    /// File and range, if any.
    pub range: Option<(String, Pos, Pos)>,
}

/// A `diagnostic` line.
pub fn diagnostic(d: &UiDiagnostic, timestamp: &str) -> String {
    let pos = |p: &Pos| {
        let mut m = Map::new();
        m.insert("line".into(), J::Number(p.line.into()));
        m.insert("column".into(), J::Number(p.column.into()));
        m.insert("byte".into(), J::Number(p.byte.into()));
        J::Object(m)
    };
    let mut m = Map::new();
    let severity = if d.error { "error" } else { "warning" };
    m.insert("severity".into(), J::String(severity.into()));
    m.insert("summary".into(), J::String(d.summary.clone()));
    m.insert("detail".into(), J::String(d.detail.clone()));
    if let Some(a) = &d.address {
        m.insert("address".into(), J::String(a.clone()));
    }
    if let Some((file, start, end)) = &d.range {
        let mut r = Map::new();
        r.insert("filename".into(), J::String(file.clone()));
        r.insert("start".into(), pos(start));
        r.insert("end".into(), pos(end));
        m.insert("range".into(), J::Object(r));
    }
    let (level, prefix) = if d.error {
        (Level::Error, "Error")
    } else {
        (Level::Warn, "Warning")
    };
    line(
        level,
        &format!("{prefix}: {}", d.summary),
        timestamp,
        "diagnostic",
        vec![("diagnostic", J::Object(m))],
    )
}
