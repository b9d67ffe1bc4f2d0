//! Renders a [`Diff`] tree as Terraform's human-readable diff text: action
//! symbols, aligned attribute names, `(known after apply)`,
//! `(sensitive value)`, `# forces replacement`, hidden-unchanged counts,
//! heredoc line diffs and `jsonencode(...)` diffs.
//!
//! Everything is appended to one output buffer ([`write`]): the fixed
//! pieces (symbols, `-> null`, `# forces replacement`, arrows) are
//! constants already coloured (or not), so a large plan costs one pass over
//! its tree and no per-line temporary strings.

use crate::color::Colors;
use crate::diff::{Act, BlockGroup, Blocks, Diff, DiffKind};
use serde_json::Value as J;
use std::collections::BTreeMap;
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

/// The action symbol column (`  +`, `  -`, `  ~`, `-/+`, ...), coloured:
/// `Colors::paint` of Terraform's templates, precomputed.
pub(crate) fn symbol(action: SymbolAction, c: Colors) -> &'static str {
    if c.enabled {
        match action {
            SymbolAction::DeleteThenCreate => "\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m\x1b[0m",
            SymbolAction::CreateThenDelete => "\x1b[32m+\x1b[0m/\x1b[31m-\x1b[0m\x1b[0m",
            SymbolAction::Create => "  \x1b[32m+\x1b[0m\x1b[0m",
            SymbolAction::Delete => "  \x1b[31m-\x1b[0m\x1b[0m",
            SymbolAction::Forget => " \x1b[31m.\x1b[0m\x1b[0m",
            SymbolAction::Read => " \x1b[36m<=\x1b[0m\x1b[0m",
            SymbolAction::Update => "  \x1b[33m~\x1b[0m\x1b[0m",
            SymbolAction::NoOp => "   ",
        }
    } else {
        match action {
            SymbolAction::DeleteThenCreate => "-/+",
            SymbolAction::CreateThenDelete => "+/-",
            SymbolAction::Create => "  +",
            SymbolAction::Delete => "  -",
            SymbolAction::Forget => " .",
            SymbolAction::Read => " <=",
            SymbolAction::Update => "  ~",
            SymbolAction::NoOp => "   ",
        }
    }
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

/// The symbol and its following space (nothing when symbols are hidden).
fn sym(out: &mut String, action: Act, o: Opts) {
    if !o.hide_symbols {
        out.push_str(symbol(action.into(), o.colors));
        out.push(' ');
    }
}

/// Indentation then symbol: how most lines start.
fn lead(out: &mut String, ind: usize, action: Act, o: Opts) {
    indent(out, ind);
    sym(out, action, o);
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("    ");
    }
}

fn null_suffix(out: &mut String, action: Act, o: Opts) {
    if !o.override_null_suffix && action == Act::Delete {
        out.push_str(if o.colors.enabled {
            " \x1b[90m-> null\x1b[0m\x1b[0m"
        } else {
            " -> null"
        });
    }
}

fn forces(out: &mut String, replace: bool, o: Opts) {
    if (replace || o.force_replace) && !o.forbid_replace {
        out.push_str(if o.colors.enabled {
            " \x1b[31m# forces replacement\x1b[0m\x1b[0m"
        } else {
            " # forces replacement"
        });
    }
}

/// `# (N unchanged <keyword>s hidden)` in grey.
fn unchanged(out: &mut String, keyword: &str, count: usize, o: Opts) {
    let plural = if count == 1 { "" } else { "s" };
    let mut text = String::with_capacity(40);
    let _ = write!(text, "# ({count} unchanged {keyword}{plural} hidden)");
    o.colors.gray_into(out, &text);
}

/// A hidden-unchanged line of its own, ending in a newline.
fn unchanged_line(out: &mut String, keyword: &str, count: usize, ind: usize, o: Opts) {
    lead(out, ind, Act::NoOp, o);
    unchanged(out, keyword, count, o);
    out.push('\n');
}

fn arrow(out: &mut String, o: Opts) {
    out.push_str(if o.colors.enabled {
        "\x1b[33m->\x1b[0m\x1b[0m"
    } else {
        "->"
    });
}

/// Go's `%q` of a string.
pub(crate) fn quote(s: &str) -> String {
    terrane_value::display::go_quote(s)
}

fn quote_into(out: &mut String, s: &str) {
    terrane_value::display::go_quote_into(out, s);
}

fn is_identifier(name: &str) -> bool {
    // ASCII names (nearly all) by table: 1 = may start a name, 2 = may
    // continue one.
    const CLASS: [u8; 128] = {
        let mut t = [0u8; 128];
        let mut i = 0;
        while i < 128 {
            let c = i as u8;
            if c.is_ascii_alphabetic() || c == b'_' {
                t[i] = 3;
            } else if c.is_ascii_digit() || c == b'-' {
                t[i] = 2;
            }
            i += 1;
        }
        t
    };
    let bytes = name.as_bytes();
    if let Some((&first, rest)) = bytes.split_first() {
        if bytes.is_ascii() {
            return CLASS[usize::from(first)] & 1 != 0
                && rest.iter().all(|&b| CLASS[usize::from(b)] & 2 != 0);
        }
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {
            chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        }
        _ => false,
    }
}

/// An attribute name as written: bare when it is a valid identifier.
pub(crate) fn attr_name(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        quote(name)
    }
}

/// [`attr_name`] appended to `out`.
fn attr_name_into(out: &mut String, name: &str) {
    if is_identifier(name) {
        out.push_str(name);
    } else {
        quote_into(out, name);
    }
}

/// The byte length of a quoted string, without building it when it is
/// plain printable ASCII.
fn quoted_len(s: &str) -> usize {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        s.len() + 2
    } else {
        quote(s).len()
    }
}

/// The byte length of [`attr_name`] (alignment widths are byte lengths,
/// as Terraform's are).
pub(crate) fn attr_name_len(name: &str) -> usize {
    if is_identifier(name) {
        name.len()
    } else {
        quoted_len(name)
    }
}

/// Pads what was written since `start` with spaces to `width` characters,
/// as `{:<width$}` does.
fn pad_from(out: &mut String, start: usize, width: usize) {
    let written = out.get(start..).map_or(0, |s| s.chars().count());
    for _ in written..width {
        out.push(' ');
    }
}

/// An attribute name padded to `width`.
pub(crate) fn padded_attr_name(out: &mut String, name: &str, width: usize) {
    let start = out.len();
    attr_name_into(out, name);
    pad_from(out, start, width);
}

const IMPORTANT: [&str; 3] = ["id", "name", "tags"];

/// Renders a diff node at an indentation level.
pub(crate) fn render(d: &Diff, ind: usize, o: Opts) -> String {
    let mut out = String::new();
    write(&mut out, d, ind, o);
    out
}

/// [`render`] appended to `out`.
pub(crate) fn write(out: &mut String, d: &Diff, ind: usize, o: Opts) {
    match &d.kind {
        DiffKind::Primitive { before, after, .. } => write_primitive(out, d, before, after, o),
        DiffKind::MultilineString { lines } => {
            out.push_str("<<-EOT");
            forces(out, d.replace, o);
            out.push('\n');
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                lead(out, ind + 1, l.action, o);
                out.push_str(&l.text);
            }
            out.push('\n');
            lead(out, ind, Act::NoOp, o);
            out.push_str("EOT");
            null_suffix(out, d.action, o);
        }
        DiffKind::JsonString {
            inner,
            whitespace_only,
        } => write_json_string(out, d, inner, *whitespace_only, ind, o),
        DiffKind::Object { attrs, nested } => write_object(out, d, attrs, *nested, ind, o),
        DiffKind::Map { elems, nested } => write_map(out, d, elems, *nested, ind, o),
        DiffKind::List { elems, context } => write_list(out, d, elems, *context, ind, o),
        DiffKind::Set { elems, nested } => write_set(out, d, elems, *nested, ind, o),
        DiffKind::Block { attrs, blocks } => write_block(out, d, attrs, blocks, ind, o),
        DiffKind::Unknown { before } => {
            if let Some(b) = before.as_deref().filter(|_| d.action != Act::Create) {
                let mut bo = o.child();
                bo.override_null_suffix = true;
                if d.replace {
                    bo.forbid_replace = true;
                }
                write(out, b, ind, bo);
                out.push_str(" -> ");
            }
            out.push_str("(known after apply)");
            forces(out, d.replace, o);
        }
        DiffKind::Sensitive { .. } => empty(out, "(sensitive value)", d, d.replace, o),
        DiffKind::SensitiveBlock { .. } => {
            open(out, '{', d.replace, o);
            for text in [
                "  # At least one attribute in this block is (or was) sensitive,\n",
                "  # so its contents will not be displayed.\n",
                "}",
            ] {
                lead(out, ind, Act::NoOp, o);
                out.push_str(text);
            }
        }
        DiffKind::TypeChange { before, after } => {
            let mut to = o;
            to.override_null_suffix = true;
            write(out, before, ind, to);
            out.push(' ');
            arrow(out, o);
            out.push(' ');
            write(out, after, ind, to);
        }
    }
}

/// Warning lines Terraform prints above an attribute whose sensitivity
/// changes, each on its own line.
fn write_warnings(out: &mut String, d: &Diff, ind: usize, o: Opts) {
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
        _ => return,
    };
    if before == after || inner.action == Act::Create || inner.action == Act::Delete {
        return;
    }
    indent(out, ind);
    let mut template = String::with_capacity(160);
    if before {
        template.push_str("  # [yellow]Warning[reset]: this ");
        template.push_str(what);
        template.push_str(" will no longer be marked as sensitive\n");
        indent(&mut template, ind);
        template.push_str("  # after applying this change.");
    } else {
        template.push_str("  # [yellow]Warning[reset]: this ");
        template.push_str(what);
        template.push_str(" will be marked as sensitive and will not\n");
        indent(&mut template, ind);
        template.push_str("  # display in UI output after applying this change.");
    }
    o.colors.paint_into(out, &template);
    if what == "attribute value" && inner.action == Act::NoOp {
        out.push_str(" The value is unchanged.");
    }
    out.push('\n');
}

fn prim_text(out: &mut String, v: &J, o: Opts) {
    match v {
        J::Null => o.colors.gray_into(out, "null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => {
            let _ = write!(out, "{n}");
        }
        J::String(s) => quote_into(out, s),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

fn write_primitive(out: &mut String, d: &Diff, before: &J, after: &J, o: Opts) {
    match d.action {
        Act::Create => prim_text(out, after, o),
        Act::Delete => {
            prim_text(out, before, o);
            null_suffix(out, d.action, o);
        }
        Act::NoOp => prim_text(out, before, o),
        Act::Update => {
            prim_text(out, before, o);
            out.push(' ');
            arrow(out, o);
            out.push(' ');
            prim_text(out, after, o);
        }
    }
    forces(out, d.replace, o);
}

fn write_json_string(out: &mut String, d: &Diff, inner: &Diff, ws: bool, ind: usize, o: Opts) {
    let mut jo = o.child();
    jo.override_null_suffix = true;
    let mut action = d.action;
    let mut whitespace = "";
    if ws {
        whitespace = if d.replace {
            " # whitespace changes force replacement"
        } else {
            " # whitespace changes"
        };
        jo.show_unchanged = true;
        action = Act::NoOp;
    }
    // Whether the inner text spans lines decides the layout around it.
    let mut rendered = String::with_capacity(256);
    write(&mut rendered, inner, ind + 1, jo);
    if matches!(d.action, Act::Create | Act::Delete) {
        action = Act::NoOp;
    }
    out.push_str("jsonencode(");
    if rendered.contains('\n') {
        out.push_str(whitespace);
        out.push('\n');
        lead(out, ind + 1, action, o);
        out.push_str(&rendered);
        if !ws {
            forces(out, d.replace, o);
        }
        out.push('\n');
        lead(out, ind, Act::NoOp, o);
        out.push(')');
        null_suffix(out, d.action, o);
    } else {
        out.push_str(&rendered);
        out.push(')');
        out.push_str(whitespace);
        if !ws {
            forces(out, d.replace, o);
        }
    }
}

/// A value shown as fixed text (an empty collection, `(sensitive value)`)
/// with its suffixes.
fn empty(out: &mut String, text: &str, d: &Diff, replace: bool, o: Opts) {
    out.push_str(text);
    null_suffix(out, d.action, o);
    forces(out, replace, o);
}

/// The opening bracket of a collection and its line end.
fn open(out: &mut String, bracket: char, replace: bool, o: Opts) {
    out.push(bracket);
    forces(out, replace, o);
    out.push('\n');
}

/// `<symbol> name = value` with any warnings above it.
fn attr_line(out: &mut String, name: &str, width: usize, a: &Diff, ind: usize, o: Opts) {
    write_warnings(out, a, ind, o);
    lead(out, ind, a.action, o);
    padded_attr_name(out, name, width);
    out.push_str(" = ");
    write(out, a, ind, o);
    out.push('\n');
}

fn write_object(
    out: &mut String,
    d: &Diff,
    attrs: &BTreeMap<String, Diff>,
    nested: bool,
    ind: usize,
    o: Opts,
) {
    if attrs.is_empty() {
        return empty(out, "{}", d, d.replace, o);
    }
    let mut ao = o.child();
    ao.override_null_suffix = !nested;
    let width = attrs.keys().map(|k| attr_name_len(k)).max().unwrap_or(0);
    open(out, '{', d.replace, o);
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
        attr_line(out, k, width, a, ind + 1, eo);
    }
    if hidden > 0 {
        unchanged_line(out, "attribute", hidden, ind + 1, o);
    }
    lead(out, ind, Act::NoOp, o);
    out.push('}');
    null_suffix(out, d.action, o);
}

fn write_map(
    out: &mut String,
    d: &Diff,
    elems: &BTreeMap<String, Diff>,
    nested: bool,
    ind: usize,
    o: Opts,
) {
    let self_replace = d.replace && !nested;
    let child_replace = d.replace && nested;
    if elems.is_empty() {
        return empty(out, "{}", d, self_replace, o);
    }
    let width = elems.keys().map(|k| quoted_len(k)).max().unwrap_or(0);
    let mut eo = o.child();
    eo.override_null_suffix = d.action == Act::Delete || nested;
    eo.force_replace = child_replace;
    open(out, '{', self_replace, o);
    let mut hidden = 0;
    for (k, e) in elems {
        if e.action == Act::NoOp && !o.show_unchanged {
            hidden += 1;
            continue;
        }
        write_warnings(out, e, ind + 1, o);
        lead(out, ind + 1, e.action, eo);
        let start = out.len();
        quote_into(out, k);
        if !nested {
            pad_from(out, start, width);
        }
        out.push_str(" = ");
        write(out, e, ind + 1, eo);
        if matches!(e.kind, DiffKind::Object { .. }) {
            out.push(',');
        }
        out.push('\n');
    }
    close_elements(out, hidden, '}', d, ind, o);
}

/// One element line of a list or set: symbol, value and a comma.
fn element_line(out: &mut String, e: &Diff, ind: usize, o: Opts) {
    lead(out, ind, e.action, o);
    write(out, e, ind, o);
    out.push_str(",\n");
}

fn write_list(out: &mut String, d: &Diff, elems: &[Diff], context: bool, ind: usize, o: Opts) {
    if elems.is_empty() {
        return empty(out, "[]", d, d.replace, o);
    }
    let mut eo = o.child();
    eo.override_null_suffix = true;
    let mut uo = o.child();
    uo.show_unchanged = true;
    let mut pending: Vec<&Diff> = Vec::new();
    let mut render_next = false;
    open(out, '[', d.replace, o);
    for e in elems {
        if e.action == Act::NoOp && !render_next && !o.show_unchanged {
            pending.push(e);
            continue;
        }
        render_next = false;
        let mut lo = eo;
        if context {
            if pending.len() > 1 {
                unchanged_line(out, "element", pending.len() - 1, ind + 1, lo);
            }
            if let Some(last) = pending.last() {
                element_line(out, last, ind + 1, uo);
            }
            pending.clear();
            if e.action == Act::NoOp {
                lo = uo;
            } else {
                render_next = true;
            }
        }
        write_warnings(out, e, ind + 1, lo);
        element_line(out, e, ind + 1, lo);
    }
    if !pending.is_empty() {
        unchanged_line(out, "element", pending.len(), ind + 1, o);
    }
    lead(out, ind, Act::NoOp, o);
    out.push(']');
    null_suffix(out, d.action, o);
}

fn write_set(out: &mut String, d: &Diff, elems: &[Diff], nested: bool, ind: usize, o: Opts) {
    let self_replace = d.replace && !nested;
    let child_replace = d.replace && nested;
    if elems.is_empty() {
        return empty(out, "[]", d, self_replace, o);
    }
    let mut eo = o.child();
    eo.override_null_suffix = true;
    eo.force_replace = child_replace;
    let mut hidden = 0;
    open(out, '[', self_replace, o);
    for e in elems {
        if e.action == Act::NoOp && !o.show_unchanged {
            hidden += 1;
            continue;
        }
        write_warnings(out, e, ind + 1, o);
        element_line(out, e, ind + 1, eo);
    }
    close_elements(out, hidden, ']', d, ind, o);
}

fn write_block(
    out: &mut String,
    d: &Diff,
    attrs: &BTreeMap<String, Diff>,
    blocks: &BTreeMap<String, Blocks>,
    ind: usize,
    o: Opts,
) {
    if attrs.is_empty() && blocks.is_empty() {
        out.push_str("{}");
        forces(out, d.replace, o);
        return;
    }
    let width = attrs.keys().map(|k| attr_name_len(k)).max().unwrap_or(0);
    let mut io = o.child();
    io.show_unchanged = true;
    let ao = o.child();
    open(out, '{', d.replace, o);
    let mut hidden_attrs = 0;
    for (k, a) in attrs {
        // The important attributes are always shown (and are identifiers,
        // so written bare).
        let eo = if IMPORTANT.contains(&k.as_str()) {
            io
        } else if a.action == Act::NoOp && !o.show_unchanged {
            hidden_attrs += 1;
            continue;
        } else {
            ao
        };
        attr_line(out, k, width, a, ind + 1, eo);
    }
    if hidden_attrs > 0 {
        unchanged_line(out, "attribute", hidden_attrs, ind + 1, o);
    }
    let mut hidden_blocks = 0;
    for (key, b) in blocks {
        let mut nb = NestedBlocks {
            out: &mut *out,
            key,
            group: b,
            ind,
            first: !attrs.is_empty(),
            hidden: 0,
        };
        let unknown = Diff::new(DiffKind::Unknown { before: None }, d.action, false);
        match &b.group {
            BlockGroup::Single(x) => nb.one(x, None, o),
            BlockGroup::Map(m) => {
                if b.unknown {
                    nb.one(&unknown, None, o);
                }
                for (k, x) in m {
                    nb.one(x, Some(k), o);
                }
            }
            BlockGroup::Set(xs) | BlockGroup::List(xs) => {
                if b.unknown {
                    nb.one(&unknown, None, o);
                }
                for x in xs {
                    nb.one(x, None, o);
                }
            }
        }
        hidden_blocks += nb.hidden;
    }
    if hidden_blocks > 0 {
        out.push('\n');
        unchanged_line(out, "block", hidden_blocks, ind + 1, o);
    }
    lead(out, ind, Act::NoOp, o);
    out.push('}');
}

/// The blocks of one nested block type being written.
struct NestedBlocks<'a> {
    out: &'a mut String,
    key: &'a str,
    group: &'a Blocks,
    ind: usize,
    /// A blank line goes before the first shown block when attributes
    /// were written.
    first: bool,
    hidden: usize,
}

impl NestedBlocks<'_> {
    /// Writes one block (`map_key` = its label in a map of blocks), shown
    /// as sensitive when the group is.
    fn one(&mut self, diff: &Diff, map_key: Option<&str>, bo: Opts) {
        let b = self.group;
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
            self.hidden += 1;
            return;
        }
        let out = &mut *self.out;
        if self.first {
            out.push('\n');
            self.first = false;
        }
        let mut blk = bo.child();
        blk.force_replace = b.replace;
        write_warnings(out, diff, self.ind + 1, blk);
        lead(out, self.ind + 1, diff.action, blk);
        attr_name_into(out, self.key);
        if let Some(k) = map_key {
            out.push(' ');
            quote_into(out, k);
        }
        out.push(' ');
        write(out, diff, self.ind + 1, blk);
        out.push('\n');
    }
}

/// Ends a rendered collection: the count of hidden unchanged elements, then
/// the closing bracket with the null suffix of a removed value.
fn close_elements(out: &mut String, hidden: usize, close: char, d: &Diff, ind: usize, o: Opts) {
    if hidden > 0 {
        unchanged_line(out, "element", hidden, ind + 1, o);
    }
    lead(out, ind, Act::NoOp, o);
    out.push(close);
    null_suffix(out, d.action, o);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_painted_templates() {
        let templates = [
            (
                SymbolAction::DeleteThenCreate,
                "[red]-[reset]/[green]+[reset]",
            ),
            (
                SymbolAction::CreateThenDelete,
                "[green]+[reset]/[red]-[reset]",
            ),
            (SymbolAction::Create, "  [green]+[reset]"),
            (SymbolAction::Delete, "  [red]-[reset]"),
            (SymbolAction::Forget, " [red].[reset]"),
            (SymbolAction::Read, " [cyan]<=[reset]"),
            (SymbolAction::Update, "  [yellow]~[reset]"),
            (SymbolAction::NoOp, "   "),
        ];
        for c in [Colors::new(true), Colors::new(false)] {
            for (a, t) in templates {
                assert_eq!(symbol(a, c), c.paint(t), "{a:?}");
            }
            let o = Opts::new(c);
            let mut s = String::new();
            null_suffix(&mut s, Act::Delete, o);
            assert_eq!(s, c.paint(" [dark_gray]-> null[reset]"));
            s.clear();
            forces(&mut s, true, o);
            assert_eq!(s, c.paint(" [red]# forces replacement[reset]"));
            s.clear();
            arrow(&mut s, o);
            assert_eq!(s, c.paint("[yellow]->[reset]"));
            s.clear();
            unchanged(&mut s, "element", 2, o);
            assert_eq!(s, c.gray("# (2 unchanged elements hidden)"));
        }
    }

    #[test]
    fn identifiers_are_written_bare() {
        for (name, bare) in [
            ("id", true),
            ("_x-1", true),
            ("ünïcode", true),
            ("1a", false),
            ("-a", false),
            ("a b", false),
            ("a.b", false),
            ("", false),
        ] {
            assert_eq!(is_identifier(name), bare, "{name:?}");
            assert_eq!(attr_name(name) == name, bare, "{name:?}");
        }
    }

    #[test]
    fn names_pad_by_characters_and_align_by_bytes() {
        assert_eq!(attr_name_len("abc"), 3);
        assert_eq!(attr_name_len("a b"), 5);
        assert_eq!(attr_name_len("ü"), 2);
        assert_eq!(quoted_len("a\"b"), quote("a\"b").len());
        let mut s = String::from(">");
        padded_attr_name(&mut s, "ü", 3);
        assert_eq!(s, ">ü  ");
        s.clear();
        padded_attr_name(&mut s, "x y", 4);
        assert_eq!(s, "\"x y\"");
    }
}
