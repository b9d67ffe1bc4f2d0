//! The expression evaluator: `hcl_edit` syntax in, terrane values out.

mod call;
mod forexpr;
mod ops;
mod template;
mod traversal;

use crate::context::{EvalContext, Source};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_value::{convert, Kind, Marks, Number, Type, Value};
use unicode_normalization::UnicodeNormalization;

pub(crate) type EResult = Result<Value, Diagnostics>;

/// Evaluates expressions of one source against one context.
pub(crate) struct Evaluator<'a> {
    pub ctx: &'a EvalContext,
    /// The text spans in the syntax tree refer to.
    pub src: Source,
    /// The text diagnostics' ranges are computed in, and the offset of
    /// `src` within it (they differ while rendering a re-read `<<-`
    /// heredoc).
    diag_src: Source,
    diag_base: usize,
    _ctx_lifetime: std::marker::PhantomData<&'a ()>,
    /// Names bound by enclosing `for` expressions and template `for`
    /// directives, innermost last.
    scopes: Vec<BTreeMap<String, Value>>,
    /// The indentation removal of the `<<-` heredoc being rendered.
    pub(crate) dedent: Option<template::Dedent>,
    /// True while rendering a template for `templatefile` or
    /// `templatestring`, which may not call themselves again.
    pub(crate) in_template_function: bool,
}

/// NFC-normalises a string, as HCL does for every literal. ASCII text
/// (and text the Unicode quick check finds normalised) is copied as it is.
pub fn nfc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_nfc(&mut out, s);
    out
}

/// Appends the NFC form of `s` to `out` (see [`nfc`]).
pub(crate) fn push_nfc(out: &mut String, s: &str) {
    use unicode_normalization::{is_nfc_quick, IsNormalized};
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        out.push_str(s);
    } else {
        out.extend(s.nfc());
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(ctx: &'a EvalContext, src: &'a Source) -> Self {
        Evaluator {
            ctx,
            src: src.clone(),
            diag_src: src.clone(),
            diag_base: 0,
            _ctx_lifetime: std::marker::PhantomData,
            scopes: Vec::new(),
            dedent: None,
            in_template_function: false,
        }
    }

    /// A diagnostic about the given byte range.
    pub fn diag(
        &self,
        summary: &str,
        detail: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Diagnostic {
        let d = Diagnostic::error(summary, detail);
        match span {
            Some(r) => d.with_subject(self.range(r)),
            None => d,
        }
    }

    /// The source range of a span of the syntax tree.
    pub fn range(&self, r: Range<usize>) -> terrane_diagnostics::SourceRange {
        self.diag_src
            .range(r.start + self.diag_base, r.end + self.diag_base)
    }

    /// Evaluates `f` with spans referring to `text`, which starts at byte
    /// `base` of `diag_text` (the text diagnostics are reported in).
    pub(crate) fn with_source<T>(
        &mut self,
        text: Source,
        diag_text: Source,
        base: usize,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let saved = (
            std::mem::replace(&mut self.src, text),
            std::mem::replace(&mut self.diag_src, diag_text),
            std::mem::replace(&mut self.diag_base, base),
        );
        let r = f(self);
        self.src = saved.0;
        self.diag_src = saved.1;
        self.diag_base = saved.2;
        r
    }

    /// The same, as a one-element collection.
    pub fn fail(
        &self,
        summary: &str,
        detail: impl Into<String>,
        span: Option<Range<usize>>,
    ) -> Diagnostics {
        self.diag(summary, detail, span).into()
    }

    pub fn push_scope(&mut self, vars: BTreeMap<String, Value>) {
        self.scopes.push(vars);
    }

    pub fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    /// Sets `name` in the innermost scope (reusing its slot when bound).
    pub(crate) fn bind(&mut self, name: &str, value: Value) {
        if let Some(scope) = self.scopes.last_mut() {
            match scope.get_mut(name) {
                Some(slot) => *slot = value,
                None => {
                    scope.insert(name.to_string(), value);
                }
            }
        }
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<&Value> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .or_else(|| self.ctx.get(name))
    }

    /// Evaluates `expr`, borrowing the value instead of copying it when
    /// the expression is a reference into the context (see
    /// [`Evaluator::ctx_ref`]).
    pub(crate) fn eval_cow(&mut self, expr: &Expression) -> Result<Cow<'a, Value>, Diagnostics> {
        match self.ctx_ref(expr) {
            Some(v) => Ok(Cow::Borrowed(v)),
            None => self.eval(expr).map(Cow::Owned),
        }
    }

    pub fn eval(&mut self, expr: &Expression) -> EResult {
        match expr {
            Expression::Null(_) => Ok(Value::dynamic_null()),
            Expression::Bool(b) => Ok(Value::bool(*b.value())),
            Expression::Number(n) => self.number_literal(n),
            Expression::String(s) => Ok(Value::string(nfc(s.value()))),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                // By index: hcl-edit's `iter()` boxes its iterator.
                for item in (0..items.len()).filter_map(|i| items.get(i)) {
                    out.push(self.eval(item)?);
                }
                Ok(Value::tuple(out))
            }
            Expression::Object(obj) => self.object(obj),
            Expression::StringTemplate(t) => self.string_template(t),
            Expression::HeredocTemplate(h) => self.heredoc(h),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => self.variable(v.value().as_str(), v.span()),
            Expression::Conditional(c) => self.conditional(c),
            Expression::FuncCall(f) => self.func_call(f),
            Expression::Traversal(t) => self.traversal(t),
            Expression::UnaryOp(u) => self.unary(u),
            Expression::BinaryOp(b) => self.binary(b),
            Expression::ForExpr(f) => self.for_expr(f),
        }
    }

    fn number_literal(&self, n: &hcl_edit::Formatted<hcl_edit::Number>) -> EResult {
        let shown;
        let text = match n.span().and_then(|r| self.src.text.get(r)) {
            Some(t) => t,
            None => {
                shown = n.value().to_string();
                &shown
            }
        };
        Number::parse(text.trim())
            .map(Value::number)
            .map_err(|e| self.fail("Invalid number literal", e.to_string(), n.span()))
    }

    fn variable(&self, name: &str, span: Option<Range<usize>>) -> EResult {
        match self.lookup(name) {
            Some(v) => Ok(v.clone()),
            None => Err(self.fail(
                "Unknown variable",
                format!("There is no variable named \"{name}\"."),
                span,
            )),
        }
    }

    fn object(&mut self, obj: &hcl_edit::expr::Object) -> EResult {
        let mut attrs = BTreeMap::new();
        let mut marks = Marks::NONE;
        let mut unknown = false;
        for (key, value) in obj.iter() {
            let k = match key {
                // A repeated key the parser saw under a placeholder name.
                ObjectKey::Ident(id)
                    if self.rewritten(id.span(), id.value().as_str()).is_some() =>
                {
                    let original = self
                        .rewritten(id.span(), id.value().as_str())
                        .unwrap_or_default();
                    let kv = self.original_key(&original)?;
                    marks = marks.union(kv.marks);
                    match kv.as_str() {
                        Some(s) => s.to_string(),
                        None => {
                            unknown = true;
                            continue;
                        }
                    }
                }
                ObjectKey::Ident(id) => nfc(id.value().as_str()),
                ObjectKey::Expression(e) => {
                    let kv = match e {
                        // A bare name as a key is a literal string.
                        Expression::Variable(v) => Value::string(v.value().as_str()),
                        _ => self.eval(e)?,
                    };
                    if kv.is_null() {
                        return Err(self.fail(
                            "Null value as key",
                            "Can't use a null value as a key.",
                            e.span(),
                        ));
                    }
                    marks = marks.union(kv.marks);
                    let kv = convert(&kv, &Type::String).map_err(|err| {
                        self.fail(
                            "Incorrect key type",
                            format!("Can't use this value as a key: {}.", err.message),
                            e.span(),
                        )
                    })?;
                    match kv.as_str() {
                        Some(s) => s.to_string(),
                        None => {
                            unknown = true;
                            continue;
                        }
                    }
                }
            };
            let v = self.eval(value.expr())?;
            attrs.insert(k, v);
        }
        if unknown {
            return Ok(Value::unknown(Type::Dynamic).with_marks(marks));
        }
        Ok(Value::object(attrs).with_marks(marks))
    }

    /// The original source text of an identifier the parser saw under a
    /// different name (see `parse::unique_keys`).
    fn rewritten(&self, span: Option<Range<usize>>, name: &str) -> Option<String> {
        let text = self.src.text.get(span?)?;
        (text != name).then(|| text.to_string())
    }

    /// Evaluates an object key from its original text, as a string.
    fn original_key(&mut self, text: &str) -> EResult {
        let expr = hcl_edit::parser::parse_expr(text)
            .map_err(|e| self.fail("Invalid object key", e.message().to_string(), None))?;
        let v = match &expr {
            Expression::Variable(v) => Value::string(v.value().as_str()),
            _ => {
                let src = crate::context::Source::new(self.src.filename.clone(), text);
                let saved = std::mem::replace(&mut self.src, src);
                let r = self.eval(&expr);
                self.src = saved;
                r?
            }
        };
        if v.is_null() {
            return Err(self.fail(
                "Null value as key",
                "Can't use a null value as a key.",
                None,
            ));
        }
        let marks = v.marks;
        convert(&v.unmarked(), &Type::String)
            .map(|s| s.with_marks(marks))
            .map_err(|e| {
                self.fail(
                    "Incorrect key type",
                    format!("Can't use this value as a key: {}.", e.message),
                    None,
                )
            })
    }

    fn conditional(&mut self, c: &hcl_edit::expr::Conditional) -> EResult {
        let cond = self.eval_cow(&c.cond_expr)?;
        let t = self.eval(&c.true_expr);
        let f = self.eval(&c.false_expr);
        let cond_span = c.cond_expr.span();
        if cond.is_null() {
            return Err(self.fail(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                cond_span,
            ));
        }
        let cond_marks = cond.marks;
        let cond = match cond.kind {
            Kind::Bool(b) => Value::bool(b),
            _ => convert(&cond, &Type::Bool).map_err(|_| {
                self.fail(
                    "Incorrect condition type",
                    "The condition expression must be of type bool.",
                    cond_span.clone(),
                )
            })?,
        };
        // Types of both results decide the result type, even for the branch
        // not taken; errors are reported for the taken branch only.
        let (tv, fv) = match (t, f) {
            (Ok(tv), Ok(fv)) => (tv, fv),
            (t, f) => match cond.as_bool() {
                Some(true) => return t.map(|v| v.with_marks(cond_marks)),
                Some(false) => return f.map(|v| v.with_marks(cond_marks)),
                None => {
                    t?;
                    f?;
                    return Ok(Value::unknown(Type::Dynamic));
                }
            },
        };
        let null_dyn = |v: &Value| v.marks.is_empty() && v.kind == Kind::Null(Type::Dynamic);
        let (tt, ft) = (tv.ty(), fv.ty());
        let result_ty = if null_dyn(&tv) {
            ft.clone()
        } else if null_dyn(&fv) {
            tt.clone()
        } else if tt == Type::Dynamic || ft == Type::Dynamic {
            Type::Dynamic
        } else if tt.is_primitive() && tt == ft {
            tt.clone()
        } else {
            match terrane_value::unify(&[tt.clone(), ft.clone()]) {
                Some(t) => t,
                None => {
                    return Err(self.fail(
                        "Inconsistent conditional result types",
                        format!(
                            "The true and false result expressions must have consistent types. {}",
                            describe_mismatch(&tt, &ft)
                        ),
                        c.true_expr
                            .span()
                            .zip(c.false_expr.span())
                            .map(|(a, b)| a.start..b.end),
                    ))
                }
            }
        };
        // HCL marks the result with the marks of the condition and of both
        // results, whichever is chosen.
        let cond_marks = cond_marks.union(tv.marks).union(fv.marks);
        let chosen = match cond.as_bool() {
            Some(true) => (tv, c.true_expr.span(), "true"),
            Some(false) => (fv, c.false_expr.span(), "false"),
            // Either result could be the value: keep the marks of both.
            None => return Ok(Value::unknown(result_ty).with_marks(cond_marks)),
        };
        let out = if result_ty == Type::Dynamic
            || (result_ty.is_primitive() && chosen.0.has_type(&result_ty))
        {
            // Converting a primitive to its own type changes nothing.
            chosen.0
        } else {
            convert(&chosen.0, &result_ty).map_err(|e| {
                self.fail(
                    "Inconsistent conditional result types",
                    format!(
                        "The {} result value is not compatible with the result type: {e}.",
                        chosen.2
                    ),
                    chosen.1.clone(),
                )
            })?
        };
        Ok(out.with_marks(cond_marks))
    }
}

/// The sentence Terraform adds when conditional result types differ.
fn describe_mismatch(t: &Type, f: &Type) -> String {
    match (t, f) {
        (Type::Object { attrs: a, .. }, Type::Object { attrs: b, .. }) => {
            if let Some(k) = a.keys().find(|k| !b.contains_key(*k)) {
                return format!(
                    "The 'true' value includes object attribute \"{k}\", which is absent in the 'false' value."
                );
            }
            if let Some(k) = b.keys().find(|k| !a.contains_key(*k)) {
                return format!(
                    "The 'false' value includes object attribute \"{k}\", which is absent in the 'true' value."
                );
            }
            for (k, at) in a {
                if let Some(bt) = b.get(k) {
                    if terrane_value::unify(&[at.clone(), bt.clone()]).is_none() {
                        return format!(
                            "Type mismatch for object attribute \"{k}\": {}",
                            describe_mismatch(at, bt)
                        );
                    }
                }
            }
        }
        (Type::Tuple(a), Type::Tuple(b)) => {
            if a.len() != b.len() {
                return format!(
                    "The 'true' tuple has length {}, but the 'false' tuple has length {}.",
                    a.len(),
                    b.len()
                );
            }
            for (i, (at, bt)) in a.iter().zip(b).enumerate() {
                if terrane_value::unify(&[at.clone(), bt.clone()]).is_none() {
                    return format!(
                        "Type mismatch for tuple element {i}: {}",
                        describe_mismatch(at, bt)
                    );
                }
            }
        }
        _ => {}
    }
    format!(
        "The 'true' value is {}, but the 'false' value is {}.",
        t.friendly_name(),
        f.friendly_name()
    )
}
