//! `plan`, `apply`, `destroy` and `refresh`.

use super::common::{self, print_diags, UiHooks};
use super::hooks::HumanHooks;
use super::planview;
use super::uijson;
use crate::args::{ApplyArgs, PlanArgs};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use terrane_addrs::Target;
use terrane_config::Config;
use terrane_core::plan::{Plan, PlanMode};
use terrane_core::{ApplyOptions, PlanOptions};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};
use terrane_state::{Journal, StateFile};
use terrane_value::display::format_value;

/// Which command is running.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plan,
    Apply,
    Destroy,
    Refresh,
}

struct Ctx {
    config: Config,
    sources: SourceMap,
    backend: common::StateStore,
    ws: String,
    rt: tokio::runtime::Runtime,
    color: bool,
    /// The state file parsed while the configuration loaded.
    state_ahead: Option<common::StateAhead>,
}

/// Reports an error without a source: a `diagnostic` line with `-json`.
fn error(json: bool, summary: &str, detail: impl Into<String>) {
    if json {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(summary, detail));
        uijson::print_diags(&d, &SourceMap::new());
    } else {
        common::error(summary, detail);
    }
}

/// Loads and validates the configuration, reporting its diagnostics as
/// `diagnostic` lines (what `common::load` does for the human UI).
fn load_json() -> Option<(Config, SourceMap)> {
    let (config, mut diags) = terrane_config::load_config(&common::cwd());
    let sources = config.as_ref().map(|c| c.sources()).unwrap_or_default();
    if let Some(c) = &config {
        if !diags.has_errors() {
            diags.extend(terrane_config::validate(c));
        }
    }
    uijson::print_diags(&diags, &sources);
    config.filter(|_| !diags.has_errors()).map(|c| (c, sources))
}

fn setup(a: &PlanArgs, kind: Kind) -> Result<Ctx, u8> {
    let color = !a.no_color && std::env::var_os("NO_COLOR").is_none();
    if a.json {
        uijson::print_version();
    }
    let state_ahead = common::read_state_ahead();
    let loaded = if a.json {
        load_json()
    } else {
        common::load(color)
    };
    let Some((config, sources)) = loaded else {
        return Err(1);
    };
    let (backend, ws) = common::backend().map_err(|e| e.report())?;
    let rt = common::runtime().map_err(|e| {
        error(a.json, "Failed to start", e);
        1u8
    })?;
    let destroying = a.destroy || kind == Kind::Destroy;
    if config.module.sources.is_empty() && !destroying {
        let verb = if kind == Kind::Plan { "Plan" } else { "Apply" };
        let gerund = if kind == Kind::Plan {
            "Planning"
        } else {
            "Applying"
        };
        error(a.json,
            "No configuration files",
            format!("{verb} requires configuration to be present. {gerund} without a configuration would mark everything for destruction, which is normally not what is desired. If you would like to destroy everything, run '{}' with the -destroy option. Otherwise, create a terrane configuration file (.tf file) and try again.", if kind == Kind::Plan { "terrane plan" } else { "terrane apply" }),
        );
        return Err(1);
    }
    Ok(Ctx {
        config,
        sources,
        backend,
        ws,
        rt,
        color,
        state_ahead,
    })
}

fn plan_options(
    a: &PlanArgs,
    kind: Kind,
    ctx: &Ctx,
    diags: &mut Diagnostics,
) -> Option<PlanOptions> {
    let inputs = match common::var_inputs(a) {
        Ok(i) => i,
        Err(d) => {
            diags.extend(d);
            return None;
        }
    };
    let sources = terrane_core::sources::Sources::new(&ctx.config);
    let (variables, vd) = terrane_core::vars::root_variables(&ctx.config, &inputs, &sources);
    diags.extend(vd);
    let mut targets = Vec::new();
    for t in &a.targets {
        match t.parse::<Target>() {
            Ok(t) => targets.push(t),
            Err(e) => diags.push(Diagnostic::error("Invalid target address", e.to_string())),
        }
    }
    let mut excludes = Vec::new();
    for t in &a.excludes {
        match t.parse::<Target>() {
            Ok(t) => excludes.push(t),
            Err(e) => diags.push(Diagnostic::error("Invalid exclude address", e.to_string())),
        }
    }
    if diags.has_errors() {
        return None;
    }
    let mode = if a.destroy || kind == Kind::Destroy {
        PlanMode::Destroy
    } else if a.refresh_only || kind == Kind::Refresh {
        PlanMode::RefreshOnly
    } else {
        PlanMode::Normal
    };
    Some(PlanOptions {
        mode,
        refresh: a.refresh,
        targets,
        excludes,
        replace: a.replace.clone(),
        variables,
        workspace: ctx.ws.clone(),
        cwd: common::cwd(),
    })
}

/// Prints root outputs the way `apply` ends.
pub fn print_outputs(outputs: &BTreeMap<String, (terrane_value::Value, bool)>) {
    if outputs.is_empty() {
        return;
    }
    println!("\nOutputs:\n");
    for (k, (v, sensitive)) in outputs {
        if *sensitive {
            println!("{k} = <sensitive>");
        } else {
            println!("{k} = {}", format_value(v));
        }
    }
}

/// Prints diagnostics as the UI does: human text, or `diagnostic` lines
/// with `-json`.
fn report(diags: &Diagnostics, ctx: &Ctx, json: bool) {
    let sources = with_var_files(diags, &ctx.sources);
    if json {
        uijson::print_diags(diags, &sources);
    } else {
        print_diags(diags, &sources, ctx.color);
    }
}

/// `sources` plus the files outside the configuration (variables files)
/// that diagnostics point into, read from disk for their snippets.
fn with_var_files<'s>(
    diags: &Diagnostics,
    sources: &'s SourceMap,
) -> std::borrow::Cow<'s, SourceMap> {
    let mut out = std::borrow::Cow::Borrowed(sources);
    for d in diags.iter() {
        let Some(name) = d.subject.as_ref().map(|r| r.filename.clone()) else {
            continue;
        };
        if out.get(&name).is_some() {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&*name) {
            out.to_mut().insert(name, text);
        }
    }
    out
}

/// Plans. Errors are reported at once; the warnings of a successful plan
/// are returned to be shown after the plan, where Terraform shows them.
fn make_plan(
    a: &PlanArgs,
    kind: Kind,
    ctx: &Ctx,
    state: &StateFile,
) -> Result<(Plan, Diagnostics), u8> {
    let mut diags = Diagnostics::new();
    let Some(opts) = plan_options(a, kind, ctx, &mut diags) else {
        report(&diags, ctx, a.json);
        return Err(1);
    };
    let ui = HumanHooks(UiHooks { show_refresh: true });
    let json_hooks = uijson::JsonHooks::default();
    let hooks: &dyn terrane_core::Hooks = if a.json { &json_hooks } else { &ui };
    let (plan, pd) = ctx.rt.block_on(terrane_core::make_plan(
        &ctx.config,
        state,
        &common::providers(),
        &opts,
        hooks,
    ));
    diags.extend(pd);
    if a.json {
        // Terraform reports the plan's diagnostics after its changes.
        if kind != Kind::Refresh && !plan.errored && !diags.has_errors() {
            uijson::print_plan(&plan);
        }
    }
    if plan.errored || diags.has_errors() {
        report(&diags, ctx, a.json);
        return Err(1);
    }
    Ok((plan, diags))
}

/// True for diagnostics of `check` blocks: their assertions and their
/// scoped data sources (which Terraform's apply re-evaluates, so the plan's
/// are not shown again).
fn from_check_block(d: &Diagnostic, config: &Config) -> bool {
    if d.summary.starts_with("Check block assertion") {
        return true;
    }
    let Some(Ok(Target::Instance(a))) = d.address.as_deref().map(str::parse::<Target>) else {
        return false;
    };
    terrane_core::checks::is_nested_data(config, &a.module.to_path(), &a.resource.resource)
}

/// Warnings after a plan, separated from it by a blank line.
fn print_warnings(warnings: &Diagnostics, ctx: &Ctx, json: bool) {
    if json {
        uijson::print_diags(warnings, &ctx.sources);
    } else if !warnings.is_empty() {
        println!();
        print_diags(warnings, &ctx.sources, ctx.color);
    }
}

/// `terrane plan`.
pub fn plan(a: PlanArgs) -> u8 {
    let mut ctx = match setup(&a, Kind::Plan) {
        Ok(c) => c,
        Err(c) => return c,
    };
    let _lock = match common::lock(
        &ctx.backend,
        &ctx.ws,
        "OperationTypePlan",
        a.lock,
        &a.lock_timeout,
    ) {
        Ok(l) => l,
        Err(e) => {
            error(a.json, "Error acquiring the state lock", e);
            return 1;
        }
    };
    let ahead = ctx.state_ahead.take();
    let (state, _) = match common::read_state_with(&ctx.backend, &ctx.ws, &ctx.rt, ahead) {
        Ok(s) => s,
        Err(e) => {
            error(a.json, "Failed to load state", e);
            return 1;
        }
    };
    let (plan, warnings) = match make_plan(&a, Kind::Plan, &ctx, &state) {
        Ok(p) => p,
        Err(c) => return c,
    };
    if !a.json {
        print!("{}", planview::render(&plan, ctx.color));
    }
    print_warnings(&warnings, &ctx, a.json);
    if let Some(out) = &a.out {
        if let Err(e) = std::fs::write(out, terrane_core::planfile::to_bytes(&plan)) {
            error(
                a.json,
                "Failed to write plan file",
                format!("{}: {e}", out.display()),
            );
            return 1;
        }
    }
    if !a.json {
        let t = planview::trailer(
            &plan,
            a.out.as_ref().map(|p| p.display().to_string()).as_deref(),
            ctx.color,
        );
        if !t.is_empty() {
            print!("{t}");
        }
    }
    let code = if a.detailed_exitcode && plan.has_changes() {
        2
    } else {
        0
    };
    // The command ends here: the plan and the prior state are large trees
    // the process exit frees at once, where dropping them walks every value
    // (~6% of a 1,000-resource no-op plan). The lock is still released.
    std::mem::forget(plan);
    std::mem::forget(state);
    code
}

/// `terrane apply`, `destroy` and `refresh`.
pub fn apply(a: ApplyArgs, kind: Kind) -> u8 {
    let pa = a.plan.clone();
    let mut ctx = match setup(&pa, kind) {
        Ok(c) => c,
        Err(c) => return c,
    };
    let json = pa.json;
    if json && a.plan_file.is_none() && !pa.auto_approve {
        error(true, "Plan file or auto-approve required", "terrane cannot ask for interactive approval when -json is set. You can either apply a saved plan file, or enable the -auto-approve option.");
        return 1;
    }
    let _lock = match common::lock(
        &ctx.backend,
        &ctx.ws,
        "OperationTypeApply",
        pa.lock,
        &pa.lock_timeout,
    ) {
        Ok(l) => l,
        Err(e) => {
            error(json, "Error acquiring the state lock", e);
            return 1;
        }
    };
    let ahead = ctx.state_ahead.take();
    let (mut state, found) = match common::read_state_with(&ctx.backend, &ctx.ws, &ctx.rt, ahead) {
        Ok(s) => s,
        Err(e) => {
            error(json, "Failed to load state", e);
            return 1;
        }
    };
    // Plan warnings are shown with the apply's own diagnostics (once each).
    let mut plan_warnings = Diagnostics::new();
    let plan = match &a.plan_file {
        Some(f) => {
            let bytes = match std::fs::read(f) {
                Ok(b) => b,
                Err(e) => {
                    error(
                        json,
                        "Failed to read plan file",
                        format!("{}: {e}", f.display()),
                    );
                    return 1;
                }
            };
            match terrane_core::planfile::from_bytes(&bytes) {
                Ok(p) => {
                    if !found && state.serial == 0 && p.prior_serial == 0 {
                        state.lineage = p.prior_lineage.clone();
                    }
                    if json {
                        uijson::print_planned_changes(&p, &uijson::now());
                    }
                    p
                }
                Err(e) => {
                    error(json, "Failed to load the saved plan", e.to_string());
                    return 1;
                }
            }
        }
        None => {
            let (plan, warnings) = match make_plan(&pa, kind, &ctx, &state) {
                Ok(p) => p,
                Err(c) => return c,
            };
            if kind != Kind::Refresh && !json {
                print!("{}", planview::render(&plan, ctx.color));
            }
            if pa.auto_approve || kind == Kind::Refresh {
                // Apply evaluates the checks again and reports them then.
                plan_warnings = warnings
                    .into_vec()
                    .into_iter()
                    .filter(|d| !from_check_block(d, &ctx.config))
                    .collect();
            } else {
                print_warnings(&warnings, &ctx, json);
            }
            if json {
                // The plan part is already in the stream.
            } else if kind != Kind::Refresh && !plan.has_changes() {
                // Nothing to do; still record refreshed values.
            } else if !pa.auto_approve {
                let (q, d) = if plan.mode == PlanMode::Destroy {
                    ("Do you really want to destroy all resources?", "terrane will destroy all your managed infrastructure, as shown above.\n  There is no undo.")
                } else {
                    (
                        "Do you want to perform these actions?",
                        "terrane will perform the actions described above.",
                    )
                };
                println!();
                if !common::confirm(q, d) {
                    println!("Apply cancelled.");
                    return 1;
                }
            }
            // With -auto-approve Terraform goes straight from the plan to
            // the apply's progress lines.
            plan
        }
    };
    let jpath = match ctx.backend.journal_path(&ctx.ws) {
        Ok(p) => p,
        Err(e) => {
            error(json, "Failed to open the state journal", e.to_string());
            return 1;
        }
    };
    let mut journal = match Journal::open(&jpath) {
        Ok(j) => j,
        Err(e) => {
            error(json, "Failed to open the state journal", e.to_string());
            return 1;
        }
    };
    if let Err(e) = journal.begin(&state) {
        error(json, "Failed to start the state journal", e.to_string());
        return 1;
    }
    let opts = ApplyOptions {
        parallelism: pa.parallelism.max(1),
        workspace: ctx.ws.clone(),
        cwd: common::cwd(),
        ..ApplyOptions::default()
    };
    let cancel = opts.cancel.clone();
    let ui = HumanHooks(UiHooks {
        show_refresh: false,
    });
    let json_hooks = uijson::JsonHooks::default();
    let hooks: &dyn terrane_core::Hooks = if json { &json_hooks } else { &ui };
    let before = state.clone();
    let (mut outcome, diags) = ctx.rt.block_on(async {
        let c2 = cancel.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\nInterrupt received.\nPlease wait for terrane to exit or data loss may occur.\nGracefully shutting down...");
                c2.store(true, Ordering::SeqCst);
            }
        });
        let r = terrane_core::apply(&ctx.config, state, &plan, &common::providers(), &opts, &mut journal, hooks).await;
        watcher.abort();
        r
    });
    let changed = outcome.state.resources != before.resources
        || outcome.state.outputs != before.outputs
        || outcome.state.check_results != before.check_results
        || !found;
    if changed {
        let b = &ctx.backend;
        let ws = ctx.ws.clone();
        if let Err(e) = journal.checkpoint(&mut outcome.state, |s| b.write(&ws, s, false)) {
            error(json, "Failed to save state", e.to_string());
            return 1;
        }
    } else if let Err(e) = journal.begin(&before) {
        error(json, "Failed to reset the state journal", e.to_string());
    }
    // Plan warnings the apply repeated are shown once.
    let mut all: Diagnostics = plan_warnings
        .into_vec()
        .into_iter()
        .filter(|p| !diags.iter().any(|d| d == p))
        .collect();
    all.extend(diags);
    let diags = all;
    report(&diags, &ctx, json);
    if diags.has_errors() || cancel.load(Ordering::SeqCst) {
        return 1;
    }
    if json {
        if kind != Kind::Refresh {
            uijson::print_applied(
                plan.mode == PlanMode::Destroy,
                uijson::Applied {
                    imported: outcome.imported,
                    added: outcome.added,
                    changed: outcome.changed,
                    destroyed: outcome.destroyed,
                },
            );
        }
        if plan.mode != PlanMode::Destroy {
            uijson::print_outputs(&outcome.outputs);
        }
        return 0;
    }
    if kind == Kind::Refresh {
        print_outputs(&outcome.outputs);
        return 0;
    }
    let what = if plan.mode == PlanMode::Destroy {
        "Destroy complete! Resources"
    } else {
        "Apply complete! Resources"
    };
    if plan.mode == PlanMode::Destroy {
        println!("\n{what}: {} destroyed.", outcome.destroyed);
    } else {
        let imported = if outcome.imported > 0 {
            format!("{} imported, ", outcome.imported)
        } else {
            String::new()
        };
        println!(
            "\n{what}: {imported}{} added, {} changed, {} destroyed.",
            outcome.added, outcome.changed, outcome.destroyed
        );
        print_outputs(&outcome.outputs);
    }
    let _ = Arc::strong_count(&cancel);
    0
}
