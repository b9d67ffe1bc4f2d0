//! The whole `terraform plan` text: drift notes, the symbol legend, one
//! diff per changed resource instance, the `Plan:` summary, output changes,
//! the no-changes messages and the trailer.

use crate::color::Colors;
use crate::diff::{self, Diff};
use crate::human::{self, Opts, SymbolAction};
use crate::wrap::{horizontal_rule, word_wrap};
use crate::PlanChange;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use terrane_core::plan::{Action, ActionReason, InstanceKey, Mode, Plan, PlanMode, ResourceChange};
use terrane_provider::{Block, ProviderSchema, Schema};
use terrane_value::{Kind, Path, Type};

/// Where the renderer finds resource schemas (shared with the thread that
/// renders half of a large plan, hence `Sync`).
pub trait Schemas: Sync {
    /// The schema of a resource type (`mode` managed or data) of a provider
    /// (by source address, e.g. `terraform.io/builtin/terraform`).
    fn schema(&self, provider: &str, mode: Mode, type_name: &str) -> Option<&Schema>;
}

impl Schemas for BTreeMap<String, ProviderSchema> {
    fn schema(&self, provider: &str, mode: Mode, type_name: &str) -> Option<&Schema> {
        let p = self.get(provider)?;
        match mode {
            Mode::Managed => p.resources.get(type_name),
            Mode::Data => p.data_sources.get(type_name),
        }
    }
}

/// No schemas: every attribute is shown as a dynamic value.
impl Schemas for () {
    fn schema(&self, _: &str, _: Mode, _: &str) -> Option<&Schema> {
        None
    }
}

/// Presentation options.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// The product name in sentences ("Terraform used the selected
    /// providers..."): `terrane` normally, `Terraform` to compare with
    /// Terraform's own output.
    pub product: String,
    /// The command name in suggested commands (`terrane apply`).
    pub command: String,
    /// ANSI colours.
    pub colors: Colors,
    /// Terminal width used for word wrapping (Terraform uses 78 when not
    /// writing to a terminal).
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            product: "terrane".into(),
            command: "terrane".into(),
            colors: Colors::default(),
            width: 78,
        }
    }
}

impl RenderOptions {
    /// Terraform's own wording, no colour: for byte-for-byte comparisons.
    pub fn terraform() -> Self {
        RenderOptions {
            product: "Terraform".into(),
            command: "terraform".into(),
            ..RenderOptions::default()
        }
    }

    fn wrap(&self, text: &str) -> String {
        let text = text
            .replace("terraform apply", &format!("{} apply", self.command))
            .replace("Terraform", &self.product);
        word_wrap(&text, self.width)
    }
}

/// Why a change is shown: planned, or detected outside (drift).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    Proposed,
    Drift,
}

/// The schema block for a change, or one inferred from its values (every
/// attribute dynamic) when the schema is unknown.
pub(crate) fn block_for<'a>(rc: &ResourceChange, schemas: &'a dyn Schemas) -> Cow<'a, Block> {
    if let Some(s) = schemas.schema(&rc.provider_name, rc.mode, &rc.type_name) {
        return Cow::Borrowed(&s.block);
    }
    let mut block = Block::default();
    for v in [&rc.before, &rc.after] {
        if let Kind::Object(attrs) = &v.kind {
            for name in attrs.keys() {
                block
                    .attributes
                    .entry(name.clone())
                    .or_insert_with(|| terrane_provider::Attribute::optional(Type::Dynamic));
            }
        }
    }
    Cow::Owned(block)
}

/// True when the block or a nested block declares a sensitive attribute.
fn declares_sensitive(block: &Block) -> bool {
    block.attributes.values().any(|a| a.sensitive)
        || block
            .blocks
            .values()
            .any(|nb| declares_sensitive(&nb.block))
}

/// The plan-JSON change of a resource instance (schema sensitivity
/// applied).
pub fn resource_plan_change(rc: &ResourceChange, block: &Block) -> PlanChange {
    plan_change_with(rc, block, PlanChange::from_values)
}

/// [`resource_plan_change`] built by `build` (the full plan JSON, or the
/// differ's cheaper version).
fn plan_change_with(
    rc: &ResourceChange,
    block: &Block,
    build: fn(&terrane_value::Value, &terrane_value::Value, &[Path]) -> PlanChange,
) -> PlanChange {
    // Marking nothing would only copy the values.
    if !declares_sensitive(block) {
        return build(&rc.before, &rc.after, &rc.replace_paths);
    }
    let before = crate::json::apply_schema_sensitivity(&rc.before, block);
    let after = crate::json::apply_schema_sensitivity(&rc.after, block);
    build(&before, &after, &rc.replace_paths)
}

/// The structured diff of one resource change.
pub fn resource_diff(rc: &ResourceChange, schemas: &dyn Schemas) -> Diff {
    let block = block_for(rc, schemas);
    let pc = plan_change_with(rc, &block, PlanChange::for_diff);
    if rc.action == Action::Forget {
        let noop = PlanChange {
            after: pc.before.clone(),
            after_unknown: serde_json::Value::Null,
            after_sensitive: pc.before_sensitive.clone(),
            ..pc
        };
        return diff::diff_block(&noop, &block);
    }
    diff::diff_block(&pc, &block)
}

pub(crate) fn symbol_action(a: Action) -> SymbolAction {
    match a {
        Action::NoOp => SymbolAction::NoOp,
        Action::Create => SymbolAction::Create,
        Action::Read => SymbolAction::Read,
        Action::Update => SymbolAction::Update,
        Action::DeleteThenCreate => SymbolAction::DeleteThenCreate,
        Action::CreateThenDelete => SymbolAction::CreateThenDelete,
        Action::Delete => SymbolAction::Delete,
        Action::Forget => SymbolAction::Forget,
    }
}

fn moved(rc: &ResourceChange) -> bool {
    rc.previous_address
        .as_deref()
        .is_some_and(|p| p != rc.address)
}

/// True when a planned change gets a block in the plan text: it does
/// something, moved or is imported (and is not the removal of a data
/// source).
pub(crate) fn shown(rc: &ResourceChange) -> bool {
    let idle = rc.action == Action::NoOp && !moved(rc) && rc.importing.is_none();
    let data_removal = rc.action == Action::Delete && rc.mode != Mode::Managed;
    !idle && !data_removal
}

fn index_text(k: &InstanceKey) -> String {
    match k {
        InstanceKey::None => String::new(),
        InstanceKey::Int(i) => i.to_string(),
        InstanceKey::Str(s) => human::quote(s),
    }
}

/// The `# address will be ...` comment lines above a resource diff.
fn write_change_comment(out: &mut String, rc: &ResourceChange, cause: Cause, o: &RenderOptions) {
    let (b, x, r) = ("[bold]", "[reset]", "[red]");
    let product = &o.product;
    let addr: Cow<str> = match &rc.deposed {
        Some(d) => Cow::Owned(format!("{} (deposed object {d})", rc.address)),
        None => Cow::Borrowed(&rc.address),
    };
    let mut buf = String::with_capacity(addr.len() + 64);
    // `[bold]  # <addr>[reset]<tail>`: the first line of most comments.
    let head = |buf: &mut String, tail: &str| {
        buf.push_str("[bold]  # ");
        buf.push_str(&addr);
        buf.push_str("[reset]");
        buf.push_str(tail);
    };
    let mut printed_moved = false;
    let mut printed_imported = false;
    match rc.action {
        Action::Create => head(&mut buf, " will be created"),
        Action::Read => {
            head(&mut buf, " will be read during apply");
            match rc.reason {
                Some(ActionReason::ReadBecauseConfigUnknown) => {
                    buf.push_str("\n  # (config refers to values not yet known)")
                }
                Some(ActionReason::ReadBecauseDependencyPending) => {
                    buf.push_str("\n  # (depends on a resource or a module with changes pending)")
                }
                Some(ActionReason::ReadBecauseCheckNested) => {
                    buf.push_str("\n  # (config will be reloaded to verify a check block)")
                }
                _ => {}
            }
        }
        Action::Update => match cause {
            Cause::Proposed => head(&mut buf, " will be updated in-place"),
            Cause::Drift => head(&mut buf, " has changed"),
        },
        Action::DeleteThenCreate | Action::CreateThenDelete => match rc.reason {
            Some(ActionReason::ReplaceBecauseTainted) => buf.push_str(&format!(
                "{b}  # {addr}{x} is tainted, so must be {b}{r}replaced{x}"
            )),
            Some(ActionReason::ReplaceByRequest) => buf.push_str(&format!(
                "{b}  # {addr}{x} will be {b}{r}replaced{x}, as requested"
            )),
            Some(ActionReason::ReplaceByTriggers) => buf.push_str(&format!(
                "{b}  # {addr}{x} will be {b}{r}replaced{x} due to changes in replace_triggered_by"
            )),
            _ => head(&mut buf, " must be [bold][red]replaced[reset]"),
        },
        Action::Forget => {
            if rc.deposed.is_some() {
                buf.push_str(&format!(
                    "{b} # {addr}{x} will be removed from {product} state, but {b}{r}will not be destroyed{x}\n{b} # (left over from a partially-failed replacement of this instance)"
                ));
            } else {
                buf.push_str(&format!(
                    "{b} # {addr}{x} will no longer be managed by {product}, but {b}{r}will not be destroyed{x}"
                ));
            }
            buf.push_str("\n # (destroy = false is set in the configuration)");
        }
        Action::Delete => {
            match cause {
                Cause::Proposed => head(&mut buf, " will be [bold][red]destroyed[reset]"),
                Cause::Drift => head(&mut buf, " has been deleted"),
            }
            match rc.reason {
                Some(ActionReason::DeleteBecauseNoResourceConfig) => buf.push_str(&format!(
                    "\n  # (because {}.{} is not in configuration)",
                    rc.type_name, rc.name
                )),
                Some(ActionReason::DeleteBecauseNoMoveTarget) => buf.push_str(&format!(
                    "\n  # (because {} was moved to {}, which is not in configuration)",
                    rc.previous_address.as_deref().unwrap_or(""),
                    rc.address
                )),
                Some(ActionReason::DeleteBecauseNoModule) => buf.push_str(&format!(
                    "\n  # (because {} is not in configuration)",
                    rc.module_address
                )),
                Some(ActionReason::DeleteBecauseWrongRepetition) => buf.push_str(match rc.index {
                    InstanceKey::None => "\n  # (because resource uses count or for_each)",
                    InstanceKey::Int(_) => "\n  # (because resource does not use count)",
                    InstanceKey::Str(_) => "\n  # (because resource does not use for_each)",
                }),
                Some(ActionReason::DeleteBecauseCountIndex) => buf.push_str(&format!(
                    "\n  # (because index [{}] is out of range for count)",
                    index_text(&rc.index)
                )),
                Some(ActionReason::DeleteBecauseEachKey) => buf.push_str(&format!(
                    "\n  # (because key [{}] is not in for_each map)",
                    index_text(&rc.index)
                )),
                _ => {}
            }
            if rc.deposed.is_some() {
                buf.push_str(
                    "\n  # (left over from a partially-failed replacement of this instance)",
                );
            }
        }
        Action::NoOp => {
            if moved(rc) {
                buf.push_str(&format!(
                    "{b}  # {}{x} has moved to {b}{addr}{x}",
                    rc.previous_address.as_deref().unwrap_or("")
                ));
                printed_moved = true;
            } else if rc.importing.is_some() {
                buf.push_str(&format!("{b}  # {addr}{x} will be imported"));
                printed_imported = true;
            } else {
                buf.push_str(&format!(
                    "{addr} has an action the plan renderer doesn't support (this is a bug)"
                ));
            }
        }
    }
    buf.push('\n');
    if moved(rc) && !printed_moved {
        buf.push_str(&format!(
            "  # {x}(moved from {})\n",
            rc.previous_address.as_deref().unwrap_or("")
        ));
    }
    if let Some(id) = &rc.importing {
        if !printed_imported {
            if id.is_empty() {
                buf.push_str(&format!("  # {x}(will be imported first)\n"));
            } else {
                buf.push_str(&format!("  # {x}(imported from \"{id}\")\n"));
            }
        }
        if rc.action.is_replace() {
            buf.push_str(&format!(
                "  # {x}[yellow]Warning: this will destroy the imported resource{x}\n"
            ));
        }
    }
    o.colors.paint_into(out, &buf);
}

/// One resource change as Terraform prints it: comment lines, then the
/// `resource "type" "name" { ... }` diff.
pub fn render_resource_change(
    rc: &ResourceChange,
    schemas: &dyn Schemas,
    o: &RenderOptions,
) -> String {
    let mut out = String::new();
    write_resource_change(&mut out, rc, schemas, o);
    out
}

/// [`render_resource_change`] appended to `out`.
fn write_resource_change(
    out: &mut String,
    rc: &ResourceChange,
    schemas: &dyn Schemas,
    o: &RenderOptions,
) {
    write_change(out, rc, &resource_diff(rc, schemas), Cause::Proposed, o);
}

/// A change's comment lines and its diff, appended to `out`.
fn write_change(out: &mut String, rc: &ResourceChange, d: &Diff, cause: Cause, o: &RenderOptions) {
    let mut opts = Opts::new(o.colors);
    opts.show_unchanged = rc.importing.is_some();
    let mode = match rc.mode {
        Mode::Managed => "resource",
        Mode::Data => "data",
    };
    write_change_comment(out, rc, cause, o);
    out.push_str(human::symbol(symbol_action(rc.action), o.colors));
    out.push(' ');
    out.push_str(mode);
    out.push_str(" \"");
    out.push_str(&rc.type_name);
    out.push_str("\" \"");
    out.push_str(&rc.name);
    out.push_str("\" ");
    human::write(out, d, 0, opts);
}

/// The output-changes block (`  + name = value` lines), empty when no
/// output changes.
pub fn render_output_changes(plan: &Plan, o: &RenderOptions) -> String {
    let diffs: Vec<(String, Diff)> = plan
        .outputs
        .iter()
        .map(|(k, oc)| {
            let pc = PlanChange::from_output(&oc.before, &oc.after, oc.sensitive);
            (k.clone(), diff::diff_output(&pc))
        })
        .collect();
    let width = diffs
        .iter()
        .map(|(k, _)| human::attr_name(k).len())
        .max()
        .unwrap_or(0);
    let mut lines = Vec::new();
    for (k, d) in &diffs {
        if d.action == diff::Act::NoOp {
            continue;
        }
        lines.push(format!(
            "{} {:<width$} = {}",
            human::symbol(d.action.into(), o.colors),
            human::attr_name(k),
            human::render(d, 0, Opts::new(o.colors))
        ));
    }
    lines.join("\n")
}

fn legend(a: SymbolAction, c: Colors) -> String {
    c.paint(match a {
        SymbolAction::Create => "  [green]+[reset] create",
        SymbolAction::Delete => "  [red]-[reset] destroy",
        SymbolAction::Update => "  [yellow]~[reset] update in-place",
        SymbolAction::CreateThenDelete => {
            "[green]+[reset]/[red]-[reset] create replacement and then destroy"
        }
        SymbolAction::DeleteThenCreate => {
            "[red]-[reset]/[green]+[reset] destroy and then create replacement"
        }
        SymbolAction::Read => " [cyan]<=[reset] read (data resources)",
        SymbolAction::Forget | SymbolAction::NoOp => "",
    })
}

/// The drift section ("Objects have changed outside of Terraform"), or
/// `None` when there is nothing to show. With `relevant` attributes (a
/// normal plan), only drift on attributes that contributed to the plan is
/// shown, as Terraform does; without, every drifted attribute is.
fn render_drift(
    plan: &Plan,
    schemas: &dyn Schemas,
    relevant: Option<&[(String, Path)]>,
    o: &RenderOptions,
) -> Option<String> {
    let mut drs: Vec<(&ResourceChange, Diff)> = Vec::new();
    for d in crate::order::sorted(&plan.drift) {
        let block = block_for(d, schemas);
        let pc = plan_change_with(d, &block, PlanChange::for_diff);
        let diff = match (plan.mode, relevant) {
            (PlanMode::RefreshOnly, _) | (_, None) => diff::diff_block(&pc, &block),
            (_, Some(rel)) => {
                let paths: Vec<Vec<serde_json::Value>> = rel
                    .iter()
                    .filter(|(r, _)| r.is_empty() || *r == d.address)
                    .map(|(_, p)| crate::path_json(p))
                    .collect();
                if paths.is_empty() {
                    continue;
                }
                diff::diff_block_relevant(&pc, &block, &paths)
            }
        };
        if plan.mode == PlanMode::RefreshOnly || diff.action != diff::Act::NoOp {
            drs.push((d, diff));
        }
    }
    if drs.is_empty() {
        return None;
    }
    let empty = !plan
        .changes
        .iter()
        .any(|c| c.action != Action::NoOp || moved(c))
        && !plan.outputs.values().any(|x| x.action != Action::NoOp);
    if empty && plan.mode != PlanMode::RefreshOnly {
        return None;
    }
    let p = &o.product;
    let mut buf = o.colors.paint(&format!(
        "\n[bold][cyan]Note:[reset][bold] Objects have changed outside of {p}\n"
    ));
    buf.push('\n');
    buf.push_str(&o.wrap(
        "Terraform detected the following changes made outside of Terraform since the last \"terraform apply\" which may have affected this plan:\n",
    ));
    for (d, diff) in drs {
        if d.action == Action::NoOp && !moved(d) && d.importing.is_none() {
            continue;
        }
        buf.push('\n');
        write_change(&mut buf, d, &diff, Cause::Drift, o);
        buf.push('\n');
    }
    let tail = match plan.mode {
        PlanMode::RefreshOnly => "\n\nThis is a refresh-only plan, so Terraform will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the Terraform state without changing any remote objects.",
        _ => "\n\nUnless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes.",
    };
    buf.push_str(&o.wrap(tail));
    buf.push('\n');
    Some(buf)
}

/// The whole plan text as `terraform plan` prints it after the refresh
/// lines (without the trailer; see [`plan_trailer`]). Drift is shown in
/// full; see [`render_plan_with_relevant`] to filter it as Terraform does.
pub fn render_plan(plan: &Plan, schemas: &dyn Schemas, o: &RenderOptions) -> String {
    render_plan_with_relevant(plan, schemas, None, o)
}

/// [`render_plan`] with the plan's relevant attributes (resource address,
/// or empty for any, and attribute path): in a normal plan only drift on
/// those attributes is shown.
pub fn render_plan_with_relevant(
    plan: &Plan,
    schemas: &dyn Schemas,
    relevant: Option<&[(String, Path)]>,
    o: &RenderOptions,
) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_plan_with_relevant(&mut out, plan, schemas, relevant, o);
    out
}

/// [`render_plan_with_relevant`] written to `w` piece by piece, so a large
/// plan is never held as one string (pass a `Formatter` or stdout adapter
/// to stream it). The resource changes of a large plan are rendered on two
/// threads in contiguous batches and written in plan order, so the text is
/// byte for byte the same as rendering on one.
pub fn write_plan_with_relevant(
    w: &mut dyn fmt::Write,
    plan: &Plan,
    schemas: &dyn Schemas,
    relevant: Option<&[(String, Path)]>,
    o: &RenderOptions,
) -> fmt::Result {
    let c = o.colors;
    let mut out = String::new();
    let drift = render_drift(plan, schemas, relevant, o);
    let have_drift = drift.is_some();
    if let Some(d) = drift {
        out.push_str(&d);
    }
    let mut counts: BTreeMap<Action, usize> = BTreeMap::new();
    let mut importing = 0;
    let mut changes = Vec::new();
    for rc in crate::order::sorted(&plan.changes) {
        if !shown(rc) {
            continue;
        }
        if rc.importing.is_some() {
            importing += 1;
        }
        if rc.action != Action::NoOp {
            *counts.entry(rc.action).or_default() += 1;
        }
        changes.push(rc);
    }
    let outputs = render_output_changes(plan, o);
    let rule = c.paint(&format!("[dark_gray]{}", horizontal_rule(o.width)));
    if changes.is_empty() && outputs.is_empty() {
        if plan.errored {
            if have_drift {
                out.push_str(&rule);
                out.push('\n');
            }
            out.push_str(&c.paint(&format!(
                "\n[reset][bold][red]Planning failed.[reset][bold] {} encountered an error while generating this plan.[reset]\n\n",
                o.product
            )));
        } else {
            match plan.mode {
                PlanMode::RefreshOnly => {
                    if have_drift {
                        return w.write_str(&out);
                    }
                    out.push_str(&c.paint("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure still matches the configuration.[reset]\n\n"));
                    out.push_str(&o.wrap("Terraform has checked that the real remote objects still match the result of your most recent changes, and found no differences."));
                    out.push('\n');
                }
                PlanMode::Destroy => {
                    if have_drift {
                        out.push_str(&rule);
                        out.push('\n');
                    }
                    out.push_str(&c.paint(
                        "\n[reset][bold][green]No changes.[reset][bold] No objects need to be destroyed.[reset]\n\n",
                    ));
                    out.push_str(&o.wrap("Either you have not created any objects yet or the existing objects were already deleted outside of Terraform."));
                    out.push('\n');
                }
                PlanMode::Normal => {
                    if have_drift {
                        out.push_str(&rule);
                        out.push('\n');
                    }
                    out.push_str(&c.paint("\n[reset][bold][green]No changes.[reset][bold] Your infrastructure matches the configuration.[reset]\n\n"));
                    if have_drift {
                        out.push_str(&o.wrap("Your configuration already matches the changes detected above, so applying this plan will only update the state to include the changes detected above and won't change any real infrastructure."));
                        out.push('\n');
                        return w.write_str(&out);
                    }
                    out.push_str(&o.wrap("Terraform has compared your real infrastructure against your configuration and found no differences, so no changes are needed."));
                    out.push('\n');
                }
            }
        }
        return w.write_str(&out);
    }
    if have_drift {
        out.push_str(&rule);
        out.push('\n');
    }
    if !counts.is_empty() {
        out.push_str(&o.wrap("\nTerraform used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:"));
        out.push('\n');
        for a in [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::DeleteThenCreate,
            Action::CreateThenDelete,
            Action::Read,
        ] {
            if counts.get(&a).copied().unwrap_or(0) > 0 {
                out.push_str(&legend(symbol_action(a), c));
                out.push('\n');
            }
        }
    }
    if !changes.is_empty() {
        if plan.errored {
            out.push_str(&format!(
                "\n{} planned the following actions, but then encountered a problem:\n",
                o.product
            ));
        } else {
            out.push_str(&format!(
                "\n{} will perform the following actions:\n",
                o.product
            ));
        }
        w.write_str(&out)?;
        out.clear();
        write_changes(w, &changes, schemas, o)?;
        let n = |a: Action| counts.get(&a).copied().unwrap_or(0);
        let imports = if importing > 0 {
            format!("{importing} to import, ")
        } else {
            String::new()
        };
        out.push_str(&c.paint(&format!(
            "\n[bold]Plan:[reset] {imports}{} to add, {} to change, {} to destroy.\n",
            n(Action::Create) + n(Action::DeleteThenCreate) + n(Action::CreateThenDelete),
            n(Action::Update),
            n(Action::Delete) + n(Action::DeleteThenCreate) + n(Action::CreateThenDelete)
        )));
    }
    if !outputs.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        out.push_str(&outputs);
        out.push('\n');
        if counts.is_empty() {
            out.push_str(&o.wrap("\nYou can apply this plan to save these new output values to the Terraform state, without changing any real infrastructure."));
            out.push('\n');
        }
    }
    w.write_str(&out)
}

/// Changes per piece of output: large enough that a piece is worth a
/// hand-over between threads, small enough that pieces stay far below the
/// size of the whole text.
const BATCH: usize = 32;

/// Below this many changes one thread renders everything: starting a
/// second costs more than it saves.
const PARALLEL_MIN: usize = 64;

/// The blank-line-separated change blocks of `changes`, as one piece.
fn render_batch(changes: &[&ResourceChange], schemas: &dyn Schemas, o: &RenderOptions) -> String {
    let mut out = String::new();
    for (i, rc) in changes.iter().enumerate() {
        out.push('\n');
        write_resource_change(&mut out, rc, schemas, o);
        out.push('\n');
        if i == 0 {
            // Changes of one batch are usually alike: room for the rest at
            // once instead of growing (and copying) step by step.
            out.reserve((out.len() + out.len() / 4) * (changes.len() - 1));
        }
    }
    out
}

/// Writes every change block in order (see [`write_batches`]).
fn write_changes(
    w: &mut dyn fmt::Write,
    changes: &[&ResourceChange],
    schemas: &dyn Schemas,
    o: &RenderOptions,
) -> fmt::Result {
    write_batches(w, changes, &|batch| render_batch(batch, schemas, o))
}

/// Writes `render` of every batch of changes, in order. With many changes
/// a helper thread renders the odd-numbered batches while this one renders
/// the even ones and writes all of them in sequence; if the helper cannot
/// start or stops, this thread renders its batches too. `render` must
/// depend only on the changes it is given.
pub(crate) fn write_batches(
    w: &mut dyn fmt::Write,
    changes: &[&ResourceChange],
    render: &(dyn Fn(&[&ResourceChange]) -> String + Sync),
) -> fmt::Result {
    if changes.len() < PARALLEL_MIN {
        for batch in changes.chunks(BATCH) {
            w.write_str(&render(batch))?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<String>(2);
        let helper = std::thread::Builder::new()
            .name("render".into())
            .spawn_scoped(scope, move || {
                for batch in changes.chunks(BATCH).skip(1).step_by(2) {
                    if tx.send(render(batch)).is_err() {
                        return;
                    }
                }
            });
        let mut helping = helper.is_ok();
        let mut result = Ok(());
        for (i, batch) in changes.chunks(BATCH).enumerate() {
            let received = if helping && i % 2 == 1 {
                rx.recv().ok()
            } else {
                None
            };
            helping = helping && (i % 2 == 0 || received.is_some());
            let text = received.unwrap_or_else(|| render(batch));
            result = w.write_str(&text);
            if result.is_err() {
                break;
            }
        }
        // The helper stops at its next send once nobody receives.
        drop(rx);
        if let Ok(h) = helper {
            // A helper that panicked rendered nothing that was used.
            let _ = h.join();
        }
        result
    })
}

/// What follows the plan: the rule and either where the plan was saved or
/// the note about not using `-out`. Empty when the plan has no changes.
pub fn plan_trailer(plan: &Plan, saved_to: Option<&str>, o: &RenderOptions) -> String {
    if !plan.has_changes() {
        return String::new();
    }
    let rule = o
        .colors
        .paint(&format!("[dark_gray]{}", horizontal_rule(o.width)));
    match saved_to {
        Some(p) => format!(
            "{rule}\n\nSaved the plan to: {p}\n\nTo perform exactly these actions, run the following command to apply:\n    {} apply \"{p}\"\n",
            o.command
        ),
        None => format!(
            "{rule}\n\n{}\n",
            o.wrap("Note: You didn't use the -out option to save this plan, so Terraform can't guarantee to take exactly these actions if you run \"terraform apply\" now.")
        ),
    }
}

/// `addr: Refreshing state... [id=...]`.
pub fn refreshing_line(address: &str, id: Option<&str>, o: &RenderOptions) -> String {
    let suffix = match id {
        Some(id) if !id.is_empty() => format!(" [id={id}]"),
        _ => String::new(),
    };
    // Terraform colours the template, then fills in the address and id.
    let template = o
        .colors
        .paint("[reset][bold]\u{0}: Refreshing state...\u{1}");
    template.replace('\u{0}', address).replace('\u{1}', &suffix)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A plan of `n` terraform_data changes of several kinds and shapes,
    /// read from plan JSON.
    fn many_changes(n: usize) -> Plan {
        terraform_data_plan(n, |i| match i % 4 {
            0 => (
                json!(["create"]),
                json!(null),
                json!({"input": format!("v-{i}")}),
            ),
            1 => (
                json!(["update"]),
                json!({"id": "x", "input": {"a": i, "b": "old\nline"}}),
                json!({"id": "x", "input": {"a": i + 1, "b": "new\nline"}}),
            ),
            2 => (
                json!(["delete"]),
                json!({"id": "y", "input": [1, 2, i]}),
                json!(null),
            ),
            _ => (
                json!(["delete", "create"]),
                json!({"id": "z", "input": "{\"k\": 1}"}),
                json!({"input": format!("{{\"k\": {i}}}")}),
            ),
        })
    }

    /// A plan of `n` changes `terraform_data.r[i]` with the actions, before
    /// and after values `change(i)` (`id` and `output` unknown after).
    pub(crate) fn terraform_data_plan(
        n: usize,
        change: impl Fn(usize) -> (serde_json::Value, serde_json::Value, serde_json::Value),
    ) -> Plan {
        let changes: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                let (actions, before, after) = change(i);
                json!({
                    "address": format!("terraform_data.r[{i}]"),
                    "mode": "managed",
                    "type": "terraform_data",
                    "name": "r",
                    "index": i,
                    "provider_name": "terraform.io/builtin/terraform",
                    "change": {
                        "actions": actions,
                        "before": before,
                        "after": after,
                        "after_unknown": {"id": true, "output": true},
                        "before_sensitive": {},
                        "after_sensitive": {},
                    },
                })
            })
            .collect();
        crate::load::plan_from_json(&json!({ "resource_changes": changes }), PlanMode::Normal)
            .unwrap()
    }

    /// The terraform_data schema.
    pub(crate) fn schemas() -> BTreeMap<String, ProviderSchema> {
        use terrane_provider::Attribute;
        let block = Block::default()
            .attr("id", Attribute::computed(Type::String))
            .attr("input", Attribute::optional(Type::Dynamic))
            .attr("output", Attribute::computed(Type::Dynamic));
        let mut p = ProviderSchema::default();
        p.resources
            .insert("terraform_data".into(), Schema { version: 0, block });
        [("terraform.io/builtin/terraform".to_string(), p)]
            .into_iter()
            .collect()
    }

    #[test]
    fn two_threads_write_what_one_renders() {
        let schemas = schemas();
        for colors in [false, true] {
            let o = RenderOptions {
                colors: Colors::new(colors),
                ..RenderOptions::default()
            };
            for n in [PARALLEL_MIN - 1, PARALLEL_MIN, 2 * BATCH + 1, 301] {
                let plan = many_changes(n);
                let sorted = crate::order::sorted(&plan.changes);
                let mut streamed = String::new();
                write_changes(&mut streamed, &sorted, &schemas, &o).unwrap();
                let one: String = sorted
                    .iter()
                    .map(|rc| format!("\n{}\n", render_resource_change(rc, &schemas, &o)))
                    .collect();
                assert_eq!(streamed, one, "n = {n}");
                let whole = render_plan(&plan, &schemas, &o);
                assert!(whole.contains(&one), "n = {n}");
                assert!(whole.contains("to add,"), "n = {n}");
            }
        }
    }

    #[test]
    fn diffs_need_no_sensitive_masks_without_sensitive_values() {
        let schemas = schemas();
        let plan = many_changes(8);
        for rc in &plan.changes {
            let block = block_for(rc, &schemas);
            let full = diff::diff_block(&resource_plan_change(rc, &block), &block);
            assert_eq!(resource_diff(rc, &schemas), full, "{}", rc.address);
        }
    }

    /// A writer that fails after some pieces, as a closed pipe does.
    struct FailAfter(usize, String);

    impl fmt::Write for FailAfter {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            if self.0 == 0 {
                return Err(fmt::Error);
            }
            self.0 -= 1;
            self.1.push_str(s);
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_stops_both_threads() {
        let schemas = schemas();
        let plan = many_changes(400);
        let sorted = crate::order::sorted(&plan.changes);
        let mut w = FailAfter(3, String::new());
        let o = RenderOptions::default();
        assert!(write_changes(&mut w, &sorted, &schemas, &o).is_err());
        assert!(w
            .1
            .starts_with("\n  # terraform_data.r[0] will be created\n"));
        assert_eq!(w.1.matches("\n  # terraform_data.r[").count(), 3 * BATCH);
    }
}
