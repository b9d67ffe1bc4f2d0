//! The machine-readable UI stream of `plan -json`, `apply -json`,
//! `destroy -json` and `refresh -json`: progress hooks that print
//! Terraform's `refresh_*`/`apply_*` lines, diagnostics as `diagnostic`
//! lines, and the plan part every one of those commands starts with. The
//! line formats themselves live in `terrane_render::ui_json`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use terrane_core::plan::{Action, Plan};
use terrane_diagnostics::{Diagnostics, JsonDiagnostic, SourceMap};
use terrane_render::apply::ApplyOp;
use terrane_render::ui_json::{self, Operation, UiFormat};
use terrane_value::Value;

/// Writes one line to stdout; a closed stdout (`| head`) is not an error
/// worth a panic, so write failures are ignored.
pub fn emit(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The current time as Terraform's UI stream writes it.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// The first line of every stream.
pub fn print_version() {
    emit(&ui_json::version(
        "terrane",
        env!("CARGO_PKG_VERSION"),
        UiFormat::V1_2,
        &now(),
    ));
}

/// Diagnostics as `diagnostic` lines (with range and snippet).
pub fn print_diags(diags: &Diagnostics, sources: &SourceMap) {
    for d in diags.iter() {
        emit(&ui_json::json_diagnostic(
            &JsonDiagnostic::new(d, sources),
            &now(),
        ));
    }
}

/// The plan part: drift, planned changes, the plan's change summary and
/// the planned outputs (left out when there are none).
pub fn print_plan(plan: &Plan) {
    let ts = now();
    for d in &plan.drift {
        if let Some(l) = ui_json::planned_change(d, true, &ts) {
            emit(&l);
        }
    }
    print_planned_changes(plan, &ts);
    let (add, change, remove) = plan.summary_counts();
    let import = plan
        .changes
        .iter()
        .filter(|c| c.importing.is_some())
        .count();
    // Terraform reports a destroy plan with operation "plan" too.
    emit(&ui_json::change_summary(
        UiFormat::V1_2,
        Operation::Plan,
        add,
        change,
        import,
        remove,
        &ts,
    ));
    if let Some(l) = ui_json::planned_outputs(&plan.outputs, &ts) {
        emit(&l);
    }
}

/// The `planned_change` lines of a plan (all a saved plan's apply
/// repeats of it).
pub fn print_planned_changes(plan: &Plan, ts: &str) {
    for c in &plan.changes {
        if let Some(l) = ui_json::planned_change(c, false, ts) {
            emit(&l);
        }
    }
}

/// Counts for the closing `change_summary` of an apply or destroy.
#[derive(Debug, Clone, Copy, Default)]
pub struct Applied {
    /// Objects imported.
    pub imported: usize,
    /// Objects created.
    pub added: usize,
    /// Objects updated.
    pub changed: usize,
    /// Objects destroyed.
    pub destroyed: usize,
}

/// The closing `change_summary` line.
pub fn print_applied(destroy: bool, n: Applied) {
    let op = if destroy {
        Operation::Destroy
    } else {
        Operation::Apply
    };
    emit(&ui_json::change_summary(
        UiFormat::V1_2,
        op,
        n.added,
        n.changed,
        n.imported,
        n.destroyed,
        &now(),
    ));
}

/// The `outputs` line after an apply or refresh (printed even when empty).
pub fn print_outputs(outputs: &BTreeMap<String, (Value, bool)>) {
    emit(&ui_json::applied_outputs(outputs, &now()));
}

/// Progress hooks writing `refresh_*` and `apply_*` lines. Start times are
/// kept per address so `apply_errored` can report the elapsed time.
#[derive(Default)]
pub struct JsonHooks {
    starts: Mutex<HashMap<String, Instant>>,
}

/// Hooks name deposed objects `addr (deposed object k)`; the JSON stream
/// names the resource instance only.
fn instance(addr: &str) -> &str {
    addr.split_once(" (deposed object ")
        .map(|(a, _)| a)
        .unwrap_or(addr)
}

fn op(action: Action) -> ApplyOp {
    match action {
        Action::Update => ApplyOp::Update,
        Action::Delete => ApplyOp::Delete,
        Action::Read => ApplyOp::Read,
        _ => ApplyOp::Create,
    }
}

fn id_pair(id: Option<&str>) -> Option<(&'static str, String)> {
    id.filter(|i| !i.is_empty()).map(|i| ("id", i.to_string()))
}

fn key(addr: &str, action: Action) -> String {
    format!("{}\u{0}{:?}", instance(addr), op(action))
}

impl JsonHooks {
    fn provision(&self, addr: &str, provisioner: &str, what: ui_json::Provision<'_>) {
        let a = instance(addr);
        let res = ui_json::resource_for_address(a);
        emit(&ui_json::provision(res, a, provisioner, what, &now()));
    }

    /// Time since `started` for this instance and operation (forgotten).
    fn elapsed(&self, addr: &str, action: Action) -> Duration {
        self.starts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key(addr, action))
            .map(|s| s.elapsed())
            .unwrap_or_default()
    }
}

impl terrane_core::Hooks for JsonHooks {
    fn refreshing(&self, addr: &str, id: Option<&str>) {
        let a = instance(addr);
        let res = ui_json::resource_for_address(a);
        emit(&ui_json::refresh_line(res, a, false, id_pair(id), &now()));
    }

    fn refreshed(&self, addr: &str, id: Option<&str>) {
        let a = instance(addr);
        let res = ui_json::resource_for_address(a);
        emit(&ui_json::refresh_line(res, a, true, id_pair(id), &now()));
    }

    fn started(&self, addr: &str, action: Action, id: Option<&str>) {
        let a = instance(addr);
        self.starts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key(addr, action), Instant::now());
        let res = ui_json::resource_for_address(a);
        emit(&ui_json::apply_start_id(
            res,
            a,
            op(action),
            id_pair(id),
            &now(),
        ));
    }

    fn still_running(&self, addr: &str, action: Action, _id: Option<&str>, e: Duration) {
        let a = instance(addr);
        let res = ui_json::resource_for_address(a);
        emit(&ui_json::apply_progress(res, a, op(action), e, &now()));
    }

    fn finished(&self, addr: &str, action: Action, id: Option<&str>, e: Duration) {
        let a = instance(addr);
        self.elapsed(addr, action);
        let res = ui_json::resource_for_address(a);
        // Terraform names no id once an object is destroyed.
        let id = if action == Action::Delete {
            None
        } else {
            id_pair(id)
        };
        emit(&ui_json::apply_complete_id(
            res,
            a,
            op(action),
            id,
            e,
            &now(),
        ));
    }

    fn provision_start(&self, addr: &str, provisioner: &str) {
        self.provision(addr, provisioner, ui_json::Provision::Start);
    }

    fn provision_output(&self, addr: &str, provisioner: &str, line: &str) {
        self.provision(addr, provisioner, ui_json::Provision::Output(line));
    }

    fn provision_done(&self, addr: &str, provisioner: &str, ok: bool) {
        let what = if ok {
            ui_json::Provision::Complete
        } else {
            ui_json::Provision::Errored
        };
        self.provision(addr, provisioner, what);
    }

    fn failed(&self, addr: &str, action: Action) {
        let a = instance(addr);
        let e = self.elapsed(addr, action);
        let res = ui_json::resource_for_address(a);
        emit(&ui_json::apply_errored(res, a, op(action), e, &now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use terrane_core::Hooks;

    #[test]
    fn deposed_labels_name_the_instance() {
        assert_eq!(instance("a.b (deposed object 1a2b3c4d)"), "a.b");
        assert_eq!(
            instance("module.m[\"x (y)\"].a.b"),
            "module.m[\"x (y)\"].a.b"
        );
    }

    #[test]
    fn failure_reports_time_since_start() {
        let h = JsonHooks::default();
        h.started("a.b", Action::Create, None);
        assert!(h
            .starts
            .lock()
            .unwrap()
            .contains_key(&key("a.b", Action::Create)));
        h.failed("a.b", Action::Create);
        assert!(h.starts.lock().unwrap().is_empty());
    }
}
