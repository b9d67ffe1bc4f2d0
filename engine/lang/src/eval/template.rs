//! String templates, heredocs and template directives.

use super::{push_nfc, EResult, Evaluator};
use crate::context::Source;
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, HeredocTemplate, StringTemplate, Template};
use hcl_edit::Span;
use std::borrow::Cow;
use std::collections::BTreeMap;
use terrane_value::{convert, Kind, Marks, Number, Type, Value};

/// Whitespace to strip at the edges of a template body, from the `~`
/// markers of the directives around it.
#[derive(Clone, Copy, Default)]
struct Edges {
    leading: bool,
    trailing: bool,
}

/// The rendered pieces of a template: text so far, marks, and whether an
/// unknown value made the result unknown.
struct Out {
    text: String,
    marks: Marks,
    unknown: bool,
}

impl Evaluator<'_> {
    pub(super) fn string_template(&mut self, t: &StringTemplate) -> EResult {
        self.template_value_mode(t, false)
    }

    pub(super) fn heredoc(&mut self, h: &HeredocTemplate) -> EResult {
        // hcl-edit removes `<<-` indentation from top-level literals only;
        // HCL counts every line, including those inside directives. Re-read
        // the heredoc without `-` and dedent while rendering.
        if let Some((raw, snippet, diag_text, base)) = self.raw_flush_heredoc(h) {
            let dedent = Dedent::compute(&raw.template);
            let saved = self.dedent.replace(dedent);
            let r = self.with_source(snippet, diag_text, base, |ev| {
                ev.template_value_mode(&raw.template, true)
            });
            self.dedent = saved;
            return r;
        }
        let saved = self.dedent.take();
        let r = self.template_value_mode(&h.template, true);
        self.dedent = saved;
        r
    }

    /// The `<<-` heredoc parsed as a plain `<<` one, the snippet it was
    /// parsed from, the text with the `-` removed (for diagnostics) and
    /// the snippet's offset in it.
    fn raw_flush_heredoc(
        &self,
        h: &HeredocTemplate,
    ) -> Option<(HeredocTemplate, Source, Source, usize)> {
        let text: &str = &self.src.text;
        let delim = h.delimiter.as_str();
        let (start, end) = match h.template.span() {
            Some(r) => {
                let start = text.get(..r.start)?.rfind("<<-")?;
                let after = text.get(r.end..)?;
                let close = after.find(delim)? + delim.len();
                (start, r.end + close)
            }
            None => {
                // An empty body has no span: find `<<-DELIM` and the
                // closing line directly.
                let start = text.find(&format!("<<-{delim}"))?;
                let body = start + 3 + delim.len();
                let close = text.get(body..)?.find(delim)? + delim.len();
                (start, body + close)
            }
        };
        let snippet = format!("<<{}", text.get(start + 3..end)?);
        let raw = match hcl_edit::parser::parse_expr(&snippet) {
            Ok(Expression::HeredocTemplate(raw)) => *raw,
            _ => return None,
        };
        let diag_full: &str = &self.diag_src.text;
        let abs = start + self.diag_base;
        let diag_text = format!("{}<<{}", diag_full.get(..abs)?, diag_full.get(abs + 3..)?);
        let name = self.src.filename.clone();
        Some((
            raw,
            Source::new(name.clone(), snippet),
            Source::new(name, diag_text),
            abs,
        ))
    }

    /// Evaluates a standalone template (a `templatefile` file).
    pub(crate) fn template_value(&mut self, t: &Template) -> EResult {
        self.template_value_mode(t, false)
    }

    /// Evaluates a whole template. A template made of exactly one
    /// interpolation yields that value unconverted, as in HCL.
    ///
    /// In heredocs HCL scans each line as its own literal token, so a strip
    /// marker removes whitespace from the adjacent line only.
    fn template_value_mode(&mut self, t: &Template, heredoc: bool) -> EResult {
        if let (1, Some(Element::Interpolation(i))) = (t.len(), t.get(0)) {
            return self.eval(&i.expr);
        }
        let mut out = Out {
            text: String::new(),
            marks: Marks::NONE,
            unknown: false,
        };
        self.render(t, Edges::default(), &mut out, heredoc)?;
        let v = if out.unknown {
            Value::unknown(Type::String)
        } else {
            Value::string(out.text)
        };
        Ok(v.with_marks(out.marks))
    }

    fn render(
        &mut self,
        t: &Template,
        edges: Edges,
        out: &mut Out,
        heredoc: bool,
    ) -> Result<(), terrane_diagnostics::Diagnostics> {
        let n = t.len();
        // By index: hcl-edit's `iter()` boxes its iterator.
        for (i, el) in (0..n).filter_map(|i| Some((i, t.get(i)?))) {
            match el {
                Element::Literal(s) => {
                    let strip_lead = match i.checked_sub(1).and_then(|j| t.get(j)) {
                        Some(prev) => strips_after(prev),
                        None => edges.leading,
                    };
                    let strip_trail = match t.get(i + 1) {
                        Some(next) if i + 1 < n => strips_before(next),
                        _ => edges.trailing,
                    };
                    let dedented;
                    let value: &str = match &self.dedent {
                        Some(d) if heredoc => {
                            let at_line_start =
                                s.span().is_some_and(|r| d.line_start.contains(&r.start));
                            dedented = d.apply(s.value(), at_line_start);
                            &dedented
                        }
                        _ => s.value(),
                    };
                    let text = strip_literal(value, strip_lead, strip_trail, heredoc);
                    push_nfc(&mut out.text, &text);
                }
                Element::Interpolation(interp) => match self.plain_ref(&interp.expr) {
                    Some(v) => self.append_value(v, &interp.expr, out)?,
                    None => {
                        let v = self.eval(&interp.expr)?;
                        self.append_value(&v, &interp.expr, out)?;
                    }
                },
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let cond = self.eval_cow(&ifd.if_expr.cond_expr)?;
                        let span = ifd.if_expr.cond_expr.span();
                        if cond.is_null() {
                            return Err(self.fail(
                                "Null condition",
                                "The condition value is null. Conditions must either be true or false.",
                                span,
                            ));
                        }
                        out.marks = out.marks.union(cond.marks);
                        let c = convert(&cond.as_ref().clone().unmarked(), &Type::Bool).map_err(
                            |_| {
                                self.fail(
                                    "Incorrect condition type",
                                    "The condition expression must be of type bool.",
                                    span.clone(),
                                )
                            },
                        )?;
                        let if_edges = Edges {
                            leading: ifd.if_expr.strip.strip_end(),
                            trailing: match &ifd.else_expr {
                                Some(e) => e.strip.strip_start(),
                                None => ifd.endif_expr.strip.strip_start(),
                            },
                        };
                        match c.as_bool() {
                            None => {
                                out.unknown = true;
                            }
                            Some(true) => {
                                self.render(&ifd.if_expr.template, if_edges, out, heredoc)?
                            }
                            Some(false) => {
                                if let Some(e) = &ifd.else_expr {
                                    let else_edges = Edges {
                                        leading: e.strip.strip_end(),
                                        trailing: ifd.endif_expr.strip.strip_start(),
                                    };
                                    self.render(&e.template, else_edges, out, heredoc)?;
                                }
                            }
                        }
                    }
                    Directive::For(ford) => {
                        let fe = &ford.for_expr;
                        let coll = self.eval_cow(&fe.collection_expr)?;
                        let span = fe.collection_expr.span();
                        let key_var = fe.key_var.as_ref().map(|k| k.value().as_str());
                        let items = self.iteration_items(&coll, span, key_var.is_some())?;
                        out.marks = out.marks.union(coll.marks);
                        let Some(items) = items else {
                            out.unknown = true;
                            continue;
                        };
                        let body_edges = Edges {
                            leading: fe.strip.strip_end(),
                            trailing: ford.endfor_expr.strip.strip_start(),
                        };
                        let value_var = fe.value_var.value().as_str();
                        self.for_each_item(key_var, value_var, items, |ev| {
                            ev.render(&fe.template, body_edges, out, heredoc)
                        })?;
                    }
                },
            }
        }
        Ok(())
    }

    fn append_value(
        &self,
        v: &Value,
        expr: &Expression,
        out: &mut Out,
    ) -> Result<(), terrane_diagnostics::Diagnostics> {
        out.marks = out.marks.union(v.marks);
        // Strings and numbers convert to their text (the general path below
        // gives the same, after copying the value).
        match &v.kind {
            Kind::String(s) => {
                out.text.push_str(s);
                return Ok(());
            }
            Kind::Number(n) => {
                n.push_text(&mut out.text);
                return Ok(());
            }
            _ => {}
        }
        if v.is_null() {
            return Err(self.fail(
                "Invalid template interpolation value",
                "The expression result is null. Cannot include a null value in a string template.",
                expr.span(),
            ));
        }
        let s = convert(&v.clone().unmarked(), &Type::String).map_err(|e| {
            self.fail(
                "Invalid template interpolation value",
                format!(
                    "Cannot include the given value in a string template: {}.",
                    e.message
                ),
                expr.span(),
            )
        })?;
        match &s.kind {
            Kind::String(text) => out.text.push_str(text),
            _ => out.unknown = true,
        }
        Ok(())
    }

    /// The (key, value) pairs a `for` iterates over; `None` when the
    /// collection is unknown. Without `keys` (no key variable) every key
    /// is an untyped null, which nothing reads.
    pub(crate) fn iteration_items(
        &self,
        coll: &Value,
        span: Option<std::ops::Range<usize>>,
        keys: bool,
    ) -> Result<Option<Vec<(Value, Value)>>, terrane_diagnostics::Diagnostics> {
        if coll.is_null() {
            return Err(self.fail(
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
                span,
            ));
        }
        let ty = coll.ty();
        let iterable = matches!(
            ty,
            Type::List(_)
                | Type::Set(_)
                | Type::Map(_)
                | Type::Tuple(_)
                | Type::Object { .. }
                | Type::Dynamic
        );
        if !iterable {
            return Err(self.fail(
                "Iteration over non-iterable value",
                format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    ty.friendly_name()
                ),
                span,
            ));
        }
        let key = |k: &dyn Fn() -> Value| if keys { k() } else { Value::dynamic_null() };
        Ok(match &coll.kind {
            Kind::Unknown(_) => None,
            Kind::List(_, xs) | Kind::Tuple(xs) => Some(
                xs.iter()
                    .enumerate()
                    .map(|(i, x)| (key(&|| Value::number(Number::from(i))), x.clone()))
                    .collect(),
            ),
            Kind::Set(_, xs) => Some(xs.iter().map(|x| (key(&|| x.clone()), x.clone())).collect()),
            Kind::Map(_, m) | Kind::Object(m) => Some(
                m.iter()
                    .map(|(k, x)| (key(&|| Value::string(k.clone())), x.clone()))
                    .collect(),
            ),
            _ => None,
        })
    }

    /// Runs `body` once per item with the iteration variables bound to its
    /// key and value: one scope for the whole loop, rebound in place per
    /// item. Stops at the first error.
    pub(crate) fn for_each_item(
        &mut self,
        key_var: Option<&str>,
        value_var: &str,
        items: Vec<(Value, Value)>,
        mut body: impl FnMut(&mut Self) -> Result<(), terrane_diagnostics::Diagnostics>,
    ) -> Result<(), terrane_diagnostics::Diagnostics> {
        self.push_scope(BTreeMap::new());
        let mut result = Ok(());
        for (k, v) in items {
            if let Some(kv) = key_var {
                self.bind(kv, k);
            }
            self.bind(value_var, v);
            result = body(self);
            if result.is_err() {
                break;
            }
        }
        self.pop_scope();
        result
    }
}

/// HCL's `<<-` indentation removal: the smallest leading whitespace over
/// every line that starts with a literal (blank lines excepted; a line
/// starting with an interpolation or directive counts as zero).
pub(crate) struct Dedent {
    spaces: usize,
    /// Span starts of literals that begin at the start of a line.
    line_start: std::collections::BTreeSet<usize>,
}

impl Dedent {
    fn compute(t: &Template) -> Dedent {
        let mut d = Dedent {
            spaces: usize::MAX,
            line_start: Default::default(),
        };
        let mut newline = true;
        d.walk(t, &mut newline);
        if d.spaces == usize::MAX {
            d.spaces = 0;
        }
        d
    }

    fn walk(&mut self, t: &Template, newline: &mut bool) {
        for el in t.iter() {
            match el {
                Element::Literal(s) => {
                    let text: &str = s.value();
                    for (i, line) in text.split_inclusive('\n').enumerate() {
                        if *newline {
                            if i == 0 {
                                if let Some(r) = s.span() {
                                    self.line_start.insert(r.start);
                                }
                            }
                            let trimmed = line.trim_start();
                            if !(trimmed.is_empty() && line.ends_with('\n')) {
                                let n = line.chars().count() - trimmed.chars().count();
                                self.spaces = self.spaces.min(n);
                            }
                        }
                        *newline = line.ends_with('\n');
                    }
                }
                Element::Interpolation(_) => {
                    if *newline {
                        self.spaces = 0;
                    }
                    *newline = false;
                }
                Element::Directive(dir) => {
                    if *newline {
                        self.spaces = 0;
                    }
                    *newline = false;
                    match dir.as_ref() {
                        Directive::If(i) => {
                            self.walk(&i.if_expr.template, newline);
                            if let Some(e) = &i.else_expr {
                                if *newline {
                                    self.spaces = 0;
                                }
                                *newline = false;
                                self.walk(&e.template, newline);
                            }
                            if *newline {
                                self.spaces = 0;
                            }
                            *newline = false;
                        }
                        Directive::For(f) => {
                            self.walk(&f.for_expr.template, newline);
                            if *newline {
                                self.spaces = 0;
                            }
                            *newline = false;
                        }
                    }
                }
            }
        }
    }

    /// Removes the indentation from each line of a literal that starts a
    /// line; blank lines are left alone, as in HCL.
    fn apply(&self, text: &str, at_line_start: bool) -> String {
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let starts_line = i > 0 || at_line_start;
            let trimmed = line.trim_start();
            if starts_line && !(trimmed.is_empty() && line.ends_with('\n')) {
                out.extend(line.chars().skip(self.spaces));
            } else {
                out.push_str(line);
            }
        }
        out
    }
}

/// Applies strip markers to one literal. In heredocs only the first line
/// (leading) and the last line (trailing) are affected.
fn strip_literal(text: &str, lead: bool, trail: bool, heredoc: bool) -> Cow<'_, str> {
    if !heredoc {
        let mut t = text;
        if lead {
            t = t.trim_start();
        }
        if trail {
            t = t.trim_end();
        }
        return Cow::Borrowed(t);
    }
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lead {
        if let Some(first) = lines.first_mut() {
            *first = first.trim_start().to_string();
        }
    }
    if trail {
        if let Some(last) = lines.last_mut() {
            *last = last.trim_end().to_string();
        }
    }
    Cow::Owned(lines.concat())
}

/// Whether this element strips whitespace from the literal after it.
fn strips_after(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(i) => i.endif_expr.strip.strip_end(),
            Directive::For(f) => f.endfor_expr.strip.strip_end(),
        },
    }
}

/// Whether this element strips whitespace from the literal before it.
fn strips_before(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match d.as_ref() {
            Directive::If(i) => i.if_expr.strip.strip_start(),
            Directive::For(f) => f.for_expr.strip.strip_start(),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::{eval_source, EvalContext, Source};

    #[test]
    fn flush_heredoc_counts_lines_inside_directives() {
        let src = Source::new(
            "t",
            "<<-EOT\n    %{ if true }\n    yes\n    %{ endif }\n    EOT\n",
        );
        let v = eval_source(&src, &EvalContext::default()).unwrap();
        assert_eq!(v.as_str(), Some("\nyes\n\n"));
    }
}
