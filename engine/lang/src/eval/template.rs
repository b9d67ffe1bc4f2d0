//! String templates, heredocs and template directives.

use super::{nfc, EResult, Evaluator};
use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, HeredocTemplate, StringTemplate, Template};
use hcl_edit::Span;
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
        self.template_value_mode(&h.template, true)
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
        let elems: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elems.as_slice() {
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
        let elems: Vec<&Element> = t.iter().collect();
        for (i, el) in elems.iter().enumerate() {
            match el {
                Element::Literal(s) => {
                    let strip_lead = if i == 0 {
                        edges.leading
                    } else {
                        strips_after(elems[i - 1])
                    };
                    let strip_trail = if i + 1 == elems.len() {
                        edges.trailing
                    } else {
                        strips_before(elems[i + 1])
                    };
                    let text = strip_literal(s.value(), strip_lead, strip_trail, heredoc);
                    out.text.push_str(&nfc(&text));
                }
                Element::Interpolation(interp) => {
                    let v = self.eval(&interp.expr)?;
                    self.append_value(&v, &interp.expr, out)?;
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(ifd) => {
                        let cond = self.eval(&ifd.if_expr.cond_expr)?;
                        let span = ifd.if_expr.cond_expr.span();
                        if cond.is_null() {
                            return Err(self.fail(
                                "Null condition",
                                "The condition value is null. Conditions must either be true or false.",
                                span,
                            ));
                        }
                        out.marks = out.marks.union(cond.marks);
                        let c = convert(&cond.clone().unmarked(), &Type::Bool).map_err(|_| {
                            self.fail(
                                "Incorrect condition type",
                                "The condition expression must be of type bool.",
                                span.clone(),
                            )
                        })?;
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
                        let coll = self.eval(&fe.collection_expr)?;
                        let span = fe.collection_expr.span();
                        let items = self.iteration_items(&coll, span)?;
                        out.marks = out.marks.union(coll.marks);
                        let Some(items) = items else {
                            out.unknown = true;
                            continue;
                        };
                        let body_edges = Edges {
                            leading: fe.strip.strip_end(),
                            trailing: ford.endfor_expr.strip.strip_start(),
                        };
                        for (k, v) in items {
                            let mut scope = BTreeMap::new();
                            if let Some(kv) = &fe.key_var {
                                scope.insert(kv.value().as_str().to_string(), k);
                            }
                            scope.insert(fe.value_var.value().as_str().to_string(), v);
                            self.push_scope(scope);
                            let r = self.render(&fe.template, body_edges, out, heredoc);
                            self.pop_scope();
                            r?;
                        }
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
    /// collection is unknown.
    pub(crate) fn iteration_items(
        &self,
        coll: &Value,
        span: Option<std::ops::Range<usize>>,
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
        Ok(match &coll.kind {
            Kind::Unknown(_) => None,
            Kind::List(_, xs) | Kind::Tuple(xs) => Some(
                xs.iter()
                    .enumerate()
                    .map(|(i, x)| (Value::number(Number::from(i)), x.clone()))
                    .collect(),
            ),
            Kind::Set(_, xs) => Some(xs.iter().map(|x| (x.clone(), x.clone())).collect()),
            Kind::Map(_, m) | Kind::Object(m) => Some(
                m.iter()
                    .map(|(k, x)| (Value::string(k.clone()), x.clone()))
                    .collect(),
            ),
            _ => None,
        })
    }
}

/// Applies strip markers to one literal. In heredocs only the first line
/// (leading) and the last line (trailing) are affected.
fn strip_literal(text: &str, lead: bool, trail: bool, heredoc: bool) -> String {
    if !heredoc {
        let mut t = text;
        if lead {
            t = t.trim_start();
        }
        if trail {
            t = t.trim_end();
        }
        return t.to_string();
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
    lines.concat()
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
