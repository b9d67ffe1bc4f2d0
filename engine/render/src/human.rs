//! Renders a [`Diff`] tree as Terraform's human-readable diff text: action
//! symbols, aligned attribute names, `(known after apply)`,
//! `(sensitive value)`, `# forces replacement`, hidden-unchanged counts,
//! heredoc line diffs and `jsonencode(...)` diffs.

use crate::color::Colors;
use crate::diff::{Act, BlockGroup, Blocks, Diff, DiffKind, Prim};
use serde_json::Value as J;
use std::fmt::Write as _;

/// Rendering options passed down the tree.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Opts {
    pub colors: Colors,
    pub override_null_suffix: bool,
    pub force_replace: bool,
    pub forbid_replace: bool,
    pub show_unchanged: bool,
    pub hide_symbols: bool,
}

impl Opts {
    pub(crate) fn new(colors: Colors) -> Opts {
        Opts {
            colors,
            ..Opts::default()
        }
    }

    /// A copy for children: replace overrides never pass down.
    fn child(self) -> Opts {
        Opts {
            force_replace: false,
            forbid_replace: false,
            ..self
        }
    }
}

/// The action symbol column (`  +`, `  -`, `  ~`, `-/+`, ...), coloured.
pub(crate) fn symbol(action: SymbolAction, c: Colors) -> String {
    c.paint(match action {
        SymbolAction::DeleteThenCreate => "[red]-[reset]/[green]+[reset]",
        SymbolAction::CreateThenDelete => "[green]+[reset]/[red]-[reset]",
        SymbolAction::Create => "  [green]+[reset]",
        SymbolAction::Delete => "  [red]-[reset]",
        SymbolAction::Forget => " [red].[reset]",
        SymbolAction::Read => " [cyan]<=[reset]",
        SymbolAction::Update => "  [yellow]~[reset]",
        SymbolAction::NoOp => "   ",
    })
}

/// Every action a symbol can stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SymbolAction {
    NoOp,
    Create,
    Read,
    Update,
    DeleteThenCreate,
    CreateThenDelete,
    Delete,
    Forget,
}

impl From<Act> for SymbolAction {
    fn from(a: Act) -> Self {
        match a {
            Act::NoOp => SymbolAction::NoOp,
            Act::Create => SymbolAction::Create,
            Act::Update => SymbolAction::Update,
            Act::Delete => SymbolAction::Delete,
        }
    }
}

fn sym(action: Act, o: Opts) -> String {
    if o.hide_symbols {
        return String::new();
    }
    format!("{} ", symbol(action.into(), o.colors))
}

fn indent(n: usize) -> String {
    "    ".repeat(n)
}

fn null_suffix(action: Act, o: Opts) -> String {
    if !o.override_null_suffix && action == Act::Delete {
        o.colors.paint(" [dark_gray]-> null[reset]")
    } else {
        String::new()
    }
}

fn forces(replace: bool, o: Opts) -> String {
    if (replace || o.force_replace) && !o.forbid_replace {
        o.colors.paint(" [red]# forces replacement[reset]")
    } else {
        String::new()
    }
}

fn unchanged(keyword: &str, count: usize, o: Opts) -> String {
    let plural = if count == 1 { "" } else { "s" };
    o.colors
        .gray(&format!("# ({count} unchanged {keyword}{plural} hidden)"))
}

fn arrow(o: Opts) -> String {
    o.colors.paint("[yellow]->[reset]")
}

/// Go's `%q` of a string.
pub(crate) fn quote(s: &str) -> String {
    terrane_value::display::go_quote(s)
}

/// An attribute name as written: bare when it is a valid identifier.
pub(crate) fn attr_name(name: &str) -> String {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {
            chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        }
        _ => false,
    };
    if valid {
        name.to_string()
    } else {
        quote(name)
    }
}

const IMPORTANT: [&str; 3] = ["id", "name", "tags"];

/// Renders a diff node at an indentation level.
pub(crate) fn render(d: &Diff, ind: usize, o: Opts) -> String {
    match &d.kind {
        DiffKind::Primitive {
            before,
            after,
            prim,
        } => render_primitive(d, before, after, *prim, o),
        DiffKind::MultilineString { lines } => {
            let mut body = Vec::new();
            for l in lines {
                body.push(format!("{}{}{}", indent(ind + 1), sym(l.action, o), l.text));
            }
            format!(
                "<<-EOT{}\n{}\n{}{}EOT{}",
                forces(d.replace, o),
                body.join("\n"),
                indent(ind),
                sym(Act::NoOp, o),
                null_suffix(d.action, o)
            )
        }
        DiffKind::JsonString {
            inner,
            whitespace_only,
        } => render_json_string(d, inner, *whitespace_only, ind, o),
        DiffKind::Object { attrs, nested } => {
            if attrs.is_empty() {
                return format!("{{}}{}{}", null_suffix(d.action, o), forces(d.replace, o));
            }
            let mut ao = o.child();
            ao.override_null_suffix = !nested;
            let width = attrs.keys().map(|k| attr_name(k).len()).max().unwrap_or(0);
            let mut buf = format!("{{{}\n", forces(d.replace, o));
            let mut hidden = 0;
            for (k, a) in attrs {
                let mut eo = ao;
                if IMPORTANT.contains(&k.as_str()) {
                    eo = ao.child();
                    eo.show_unchanged = true;
                } else if a.action == Act::NoOp && !o.show_unchanged {
                    hidden += 1;
                    continue;
                }
                write_warnings(&mut buf, a, ind + 1, eo);
                let _ = writeln!(
                    buf,
                    "{}{}{:<width$} = {}",
                    indent(ind + 1),
                    sym(a.action, eo),
                    attr_name(k),
                    render(a, ind + 1, eo)
                );
            }
            if hidden > 0 {
                let _ = writeln!(
                    buf,
                    "{}{}{}",
                    indent(ind + 1),
                    sym(Act::NoOp, o),
                    unchanged("attribute", hidden, o)
                );
            }
            let _ = write!(
                buf,
                "{}{}}}{}",
                indent(ind),
                sym(Act::NoOp, o),
                null_suffix(d.action, o)
            );
            buf
        }
        DiffKind::Map { elems, nested } => render_map(d, elems, *nested, ind, o),
        DiffKind::List { elems, context } => render_list(d, elems, *context, ind, o),
        DiffKind::Set { elems, nested } => render_set(d, elems, *nested, ind, o),
        DiffKind::Block { attrs, blocks } => render_block(d, attrs, blocks, ind, o),
        DiffKind::Unknown { before } => match before {
            Some(b) if d.action != Act::Create => {
                let mut bo = o.child();
                bo.override_null_suffix = true;
                if d.replace {
                    bo.forbid_replace = true;
                }
                format!(
                    "{} -> (known after apply){}",
                    render(b, ind, bo),
                    forces(d.replace, o)
                )
            }
            _ => format!("(known after apply){}", forces(d.replace, o)),
        },
        DiffKind::Sensitive { .. } => format!(
            "(sensitive value){}{}",
            null_suffix(d.action, o),
            forces(d.replace, o)
        ),
        DiffKind::SensitiveBlock { .. } => {
            let prefix = format!("{}{}", indent(ind), sym(Act::NoOp, o));
            format!(
                "{{{}\n{prefix}  # At least one attribute in this block is (or was) sensitive,\n{prefix}  # so its contents will not be displayed.\n{prefix}}}",
                forces(d.replace, o)
            )
        }
        DiffKind::TypeChange { before, after } => {
            let mut to = o;
            to.override_null_suffix = true;
            format!(
                "{} {} {}",
                render(before, ind, to),
                arrow(o),
                render(after, ind, to)
            )
        }
    }
}

/// Warning lines Terraform prints above an attribute whose sensitivity
/// changes.
pub(crate) fn warnings(d: &Diff, ind: usize, o: Opts) -> Vec<String> {
    let (inner, before, after, what) = match &d.kind {
        DiffKind::Sensitive {
            inner,
            before,
            after,
        } => (inner, *before, *after, "attribute value"),
        DiffKind::SensitiveBlock {
            inner,
            before,
            after,
        } => (inner, *before, *after, "block"),
        _ => return Vec::new(),
    };
    if before == after || inner.action == Act::Create || inner.action == Act::Delete {
        return Vec::new();
    }
    let mut w = if before {
        o.colors.paint(&format!(
            "  # [yellow]Warning[reset]: this {what} will no longer be marked as sensitive\n{}  # after applying this change.",
            indent(ind)
        ))
    } else {
        o.colors.paint(&format!(
            "  # [yellow]Warning[reset]: this {what} will be marked as sensitive and will not\n{}  # display in UI output after applying this change.",
            indent(ind)
        ))
    };
    if what == "attribute value" && inner.action == Act::NoOp {
        w.push_str(" The value is unchanged.");
    }
    vec![w]
}

fn write_warnings(buf: &mut String, d: &Diff, ind: usize, o: Opts) {
    for w in warnings(d, ind, o) {
        let _ = writeln!(buf, "{}{}", indent(ind), w);
    }
}

fn prim_text(v: &J, o: Opts) -> String {
    match v {
        J::Null => o.colors.gray("null"),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => quote(s),
        other => other.to_string(),
    }
}

fn render_primitive(d: &Diff, before: &J, after: &J, _prim: Prim, o: Opts) -> String {
    let (b, a) = (prim_text(before, o), prim_text(after, o));
    let f = forces(d.replace, o);
    match d.action {
        Act::Create => format!("{a}{f}"),
        Act::Delete => format!("{b}{}{f}", null_suffix(d.action, o)),
        Act::NoOp => format!("{b}{f}"),
        Act::Update => format!("{b} {} {a}{f}", arrow(o)),
    }
}

fn render_json_string(d: &Diff, inner: &Diff, ws: bool, ind: usize, o: Opts) -> String {
    let mut jo = o.child();
    jo.override_null_suffix = true;
    let mut action = d.action;
    let (mut whitespace, mut replace) = (String::new(), String::new());
    if ws {
        whitespace = if d.replace {
            " # whitespace changes force replacement".into()
        } else {
            " # whitespace changes".into()
        };
        jo.show_unchanged = true;
        action = Act::NoOp;
    } else {
        replace = forces(d.replace, o);
    }
    let rendered = render(inner, ind + 1, jo);
    if matches!(d.action, Act::Create | Act::Delete) {
        action = Act::NoOp;
    }
    if rendered.contains('\n') {
        format!(
            "jsonencode({whitespace}\n{}{}{rendered}{replace}\n{}{}){}",
            indent(ind + 1),
            sym(action, o),
            indent(ind),
            sym(Act::NoOp, o),
            null_suffix(d.action, o)
        )
    } else {
        format!("jsonencode({rendered}){whitespace}{replace}")
    }
}

fn render_map(
    d: &Diff,
    elems: &std::collections::BTreeMap<String, Diff>,
    nested: bool,
    ind: usize,
    o: Opts,
) -> String {
    let self_replace = d.replace && !nested;
    let child_replace = d.replace && nested;
    if elems.is_empty() {
        return format!(
            "{{}}{}{}",
            null_suffix(d.action, o),
            forces(self_replace, o)
        );
    }
    let width = elems.keys().map(|k| quote(k).len()).max().unwrap_or(0);
    let mut eo = o.child();
    eo.override_null_suffix = d.action == Act::Delete || nested;
    eo.force_replace = child_replace;
    let mut buf = format!("{{{}\n", forces(self_replace, o));
    let mut hidden = 0;
    for (k, e) in elems {
        if e.action == Act::NoOp && !o.show_unchanged {
            hidden += 1;
            continue;
        }
        write_warnings(&mut buf, e, ind + 1, o);
        let comma = if matches!(e.kind, DiffKind::Object { .. }) {
            ","
        } else {
            ""
        };
        let key = quote(k);
        if nested {
            let _ = writeln!(
                buf,
                "{}{}{} = {}{comma}",
                indent(ind + 1),
                sym(e.action, eo),
                key,
                render(e, ind + 1, eo)
            );
        } else {
            let _ = writeln!(
                buf,
                "{}{}{:<width$} = {}{comma}",
                indent(ind + 1),
                sym(e.action, eo),
                key,
                render(e, ind + 1, eo)
            );
        }
    }
    close_elements(&mut buf, hidden, '}', d, ind, o);
    buf
}

fn render_list(d: &Diff, elems: &[Diff], context: bool, ind: usize, o: Opts) -> String {
    if elems.is_empty() {
        return format!("[]{}{}", null_suffix(d.action, o), forces(d.replace, o));
    }
    let mut eo = o.child();
    eo.override_null_suffix = true;
    let mut uo = o.child();
    uo.show_unchanged = true;
    let mut pending: Vec<&Diff> = Vec::new();
    let mut render_next = false;
    let mut buf = format!("[{}\n", forces(d.replace, o));
    for e in elems {
        if e.action == Act::NoOp && !render_next && !o.show_unchanged {
            pending.push(e);
            continue;
        }
        render_next = false;
        let mut lo = eo;
        if context {
            if pending.len() > 1 {
                let _ = writeln!(
                    buf,
                    "{}{}{}",
                    indent(ind + 1),
                    sym(Act::NoOp, lo),
                    unchanged("element", pending.len() - 1, lo)
                );
            }
            if let Some(last) = pending.last() {
                let _ = writeln!(
                    buf,
                    "{}{}{},",
                    indent(ind + 1),
                    sym(last.action, uo),
                    render(last, ind + 1, uo)
                );
            }
            pending.clear();
            if e.action == Act::NoOp {
                lo = uo;
            } else {
                render_next = true;
            }
        }
        write_warnings(&mut buf, e, ind + 1, lo);
        let _ = writeln!(
            buf,
            "{}{}{},",
            indent(ind + 1),
            sym(e.action, lo),
            render(e, ind + 1, lo)
        );
    }
    if !pending.is_empty() {
        let _ = writeln!(
            buf,
            "{}{}{}",
            indent(ind + 1),
            sym(Act::NoOp, o),
            unchanged("element", pending.len(), o)
        );
    }
    let _ = write!(
        buf,
        "{}{}]{}",
        indent(ind),
        sym(Act::NoOp, o),
        null_suffix(d.action, o)
    );
    buf
}

fn render_set(d: &Diff, elems: &[Diff], nested: bool, ind: usize, o: Opts) -> String {
    let self_replace = d.replace && !nested;
    let child_replace = d.replace && nested;
    if elems.is_empty() {
        return format!("[]{}{}", null_suffix(d.action, o), forces(self_replace, o));
    }
    let mut eo = o.child();
    eo.override_null_suffix = true;
    eo.force_replace = child_replace;
    let mut hidden = 0;
    let mut buf = format!("[{}\n", forces(self_replace, o));
    for e in elems {
        if e.action == Act::NoOp && !o.show_unchanged {
            hidden += 1;
            continue;
        }
        write_warnings(&mut buf, e, ind + 1, o);
        let _ = writeln!(
            buf,
            "{}{}{},",
            indent(ind + 1),
            sym(e.action, eo),
            render(e, ind + 1, eo)
        );
    }
    close_elements(&mut buf, hidden, ']', d, ind, o);
    buf
}

fn render_block(
    d: &Diff,
    attrs: &std::collections::BTreeMap<String, Diff>,
    blocks: &std::collections::BTreeMap<String, Blocks>,
    ind: usize,
    o: Opts,
) -> String {
    if attrs.is_empty() && blocks.is_empty() {
        return format!("{{}}{}", forces(d.replace, o));
    }
    let width = attrs.keys().map(|k| attr_name(k).len()).max().unwrap_or(0);
    let mut io = o.child();
    io.show_unchanged = true;
    let ao = o.child();
    let mut buf = format!("{{{}\n", forces(d.replace, o));
    let mut hidden_attrs = 0;
    for (k, a) in attrs {
        let (eo, name) = if IMPORTANT.contains(&k.as_str()) {
            (io, k.clone())
        } else {
            if a.action == Act::NoOp && !o.show_unchanged {
                hidden_attrs += 1;
                continue;
            }
            (ao, attr_name(k))
        };
        write_warnings(&mut buf, a, ind + 1, eo);
        let _ = writeln!(
            buf,
            "{}{}{:<width$} = {}",
            indent(ind + 1),
            sym(a.action, eo),
            name,
            render(a, ind + 1, eo)
        );
    }
    if hidden_attrs > 0 {
        let _ = writeln!(
            buf,
            "{}{}{}",
            indent(ind + 1),
            sym(Act::NoOp, o),
            unchanged("attribute", hidden_attrs, o)
        );
    }
    let mut hidden_blocks = 0;
    for (key, b) in blocks {
        let mut found_changed = false;
        let mut render_one = |diff: &Diff, map_key: &str, bo: Opts, buf: &mut String| {
            let creating = diff.action == Act::Create && b.after_sensitive;
            let deleting = diff.action == Act::Delete && b.before_sensitive;
            let modifying = matches!(diff.action, Act::Update | Act::NoOp)
                && (b.after_sensitive || b.before_sensitive);
            let wrapped;
            let diff = if creating || deleting || modifying {
                let mut action = diff.action;
                if action == Act::NoOp && b.before_sensitive != b.after_sensitive {
                    action = Act::Update;
                }
                wrapped = Diff::new(
                    DiffKind::SensitiveBlock {
                        inner: Box::new(diff.clone()),
                        before: b.before_sensitive,
                        after: b.after_sensitive,
                    },
                    action,
                    diff.replace,
                );
                &wrapped
            } else {
                diff
            };
            if diff.action == Act::NoOp && !bo.show_unchanged {
                hidden_blocks += 1;
                return;
            }
            if !found_changed && !attrs.is_empty() {
                buf.push('\n');
                found_changed = true;
            }
            let mut blk = bo.child();
            blk.force_replace = b.replace;
            write_warnings(buf, diff, ind + 1, blk);
            let _ = writeln!(
                buf,
                "{}{}{}{} {}",
                indent(ind + 1),
                sym(diff.action, blk),
                attr_name(key),
                map_key,
                render(diff, ind + 1, blk)
            );
        };
        let unknown = Diff::new(DiffKind::Unknown { before: None }, d.action, false);
        match &b.group {
            BlockGroup::Single(x) => render_one(x, "", o, &mut buf),
            BlockGroup::Map(m) => {
                if b.unknown {
                    render_one(&unknown, "", o, &mut buf);
                }
                for (k, x) in m {
                    render_one(x, &format!(" {}", quote(k)), o, &mut buf);
                }
            }
            BlockGroup::Set(xs) | BlockGroup::List(xs) => {
                if b.unknown {
                    render_one(&unknown, "", o, &mut buf);
                }
                for x in xs {
                    render_one(x, "", o, &mut buf);
                }
            }
        }
    }
    if hidden_blocks > 0 {
        let _ = writeln!(
            buf,
            "\n{}{}{}",
            indent(ind + 1),
            sym(Act::NoOp, o),
            unchanged("block", hidden_blocks, o)
        );
    }
    let _ = write!(buf, "{}{}}}", indent(ind), sym(Act::NoOp, o));
    buf
}

/// Ends a rendered collection: the count of hidden unchanged elements, then
/// the closing bracket with the null suffix of a removed value.
fn close_elements(buf: &mut String, hidden: usize, close: char, d: &Diff, ind: usize, o: Opts) {
    if hidden > 0 {
        let _ = writeln!(
            buf,
            "{}{}{}",
            indent(ind + 1),
            sym(Act::NoOp, o),
            unchanged("element", hidden, o)
        );
    }
    let _ = write!(
        buf,
        "{}{}{close}{}",
        indent(ind),
        sym(Act::NoOp, o),
        null_suffix(d.action, o)
    );
}
