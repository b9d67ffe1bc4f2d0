//! Finding the references an expression makes (`var.x`, `aws_instance.web.id`,
//! `module.vpc.subnet_ids`), with their byte spans, for static validation.
//!
//! This is a private walker until `terrane-lang` exposes its own
//! `references()`; it honours `for` expression and template `for` scopes so
//! iteration variables are not mistaken for references.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use std::ops::Range;

/// One step after a reference's root name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefStep {
    /// `.name`
    Attr(String),
    /// `[0]` or `["k"]` with a literal key.
    Key(String),
    /// `[0]` with a literal number.
    Index(i64),
    /// An index by a non-literal expression, or a splat: the end of the static part.
    Dynamic,
}

/// A traversal an expression reads: a root name and the static steps after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The root variable (`var`, `aws_instance`, `each`).
    pub root: String,
    /// The steps after the root, up to the first dynamic step (included).
    pub steps: Vec<RefStep>,
    /// Byte span of the root.
    pub root_span: Range<usize>,
    /// Byte spans ending after each step (`step_ends[i]` = end of step `i`).
    pub step_ends: Vec<usize>,
}

impl Reference {
    /// The span covering the root and the first `n` steps.
    pub fn span_through(&self, n: usize) -> Range<usize> {
        let end = if n == 0 {
            self.root_span.end
        } else {
            self.step_ends
                .get(n - 1)
                .or(self.step_ends.last())
                .copied()
                .unwrap_or(self.root_span.end)
        };
        self.root_span.start..end
    }

    /// The attribute name of step `i`, if it is an attribute step.
    pub fn attr(&self, i: usize) -> Option<&str> {
        match self.steps.get(i) {
            Some(RefStep::Attr(a)) => Some(a),
            _ => None,
        }
    }
}

/// Every reference `expr` makes, in source order.
pub fn references(expr: &Expression) -> Vec<Reference> {
    let mut w = Walker::default();
    w.expr(expr);
    w.out
}

#[derive(Default)]
struct Walker {
    out: Vec<Reference>,
    scopes: Vec<String>,
}

impl Walker {
    fn bound(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s == name)
    }

    fn expr(&mut self, e: &Expression) {
        match e {
            Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_) => {}
            Expression::Array(a) => a.iter().for_each(|x| self.expr(x)),
            Expression::Object(o) => {
                for (k, v) in o.iter() {
                    if let ObjectKey::Expression(k) = k {
                        // A bare name as a key is a literal (`{ a = 1 }` and
                        // `{ (a) = 1 }` differ); only non-variables are read.
                        if !matches!(k, Expression::Variable(_)) {
                            self.expr(k);
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => {
                if !self.bound(v.as_str()) {
                    let span = v.span().unwrap_or(0..0);
                    self.out.push(Reference {
                        root: v.as_str().to_string(),
                        steps: Vec::new(),
                        root_span: span,
                        step_ends: Vec::new(),
                    });
                }
            }
            Expression::Conditional(c) => {
                self.expr(&c.cond_expr);
                self.expr(&c.true_expr);
                self.expr(&c.false_expr);
            }
            Expression::FuncCall(f) => f.args.iter().for_each(|a| self.expr(a)),
            Expression::Traversal(t) => {
                if let Expression::Variable(v) = &t.expr {
                    let mut steps = Vec::new();
                    let mut ends = Vec::new();
                    let mut dynamic = false;
                    for op in &t.operators {
                        if !dynamic {
                            let step = match op.value() {
                                TraversalOperator::GetAttr(a) => RefStep::Attr(a.as_str().into()),
                                TraversalOperator::LegacyIndex(i) => {
                                    RefStep::Index(*i.value() as i64)
                                }
                                TraversalOperator::Index(Expression::Number(n)) => {
                                    match n.value().as_i64() {
                                        Some(i) => RefStep::Index(i),
                                        None => RefStep::Dynamic,
                                    }
                                }
                                TraversalOperator::Index(Expression::String(s)) => {
                                    RefStep::Key(s.value().to_string())
                                }
                                _ => RefStep::Dynamic,
                            };
                            dynamic = step == RefStep::Dynamic;
                            steps.push(step);
                            ends.push(op.span().map(|s| s.end).unwrap_or(0));
                        }
                        if let TraversalOperator::Index(i) = op.value() {
                            self.expr(i);
                        }
                    }
                    if !self.bound(v.as_str()) {
                        self.out.push(Reference {
                            root: v.as_str().to_string(),
                            steps,
                            root_span: v.span().unwrap_or(0..0),
                            step_ends: ends,
                        });
                    }
                } else {
                    self.expr(&t.expr);
                    for op in &t.operators {
                        if let TraversalOperator::Index(i) = op.value() {
                            self.expr(i);
                        }
                    }
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr);
                let n = self.push_scope(f.intro.key_var.as_deref(), &f.intro.value_var);
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr);
                }
                self.scopes.truncate(self.scopes.len() - n);
            }
        }
    }

    fn push_scope(
        &mut self,
        key: Option<&hcl_edit::Ident>,
        value: &hcl_edit::Decorated<hcl_edit::Ident>,
    ) -> usize {
        let mut n = 1;
        if let Some(k) = key {
            self.scopes.push(k.as_str().to_string());
            n += 1;
        }
        self.scopes.push(value.as_str().to_string());
        n
    }

    fn template(&mut self, t: &Template) {
        for el in t.iter() {
            match el {
                Element::Literal(_) => {}
                Element::Interpolation(i) => self.expr(&i.expr),
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(i) => {
                        self.expr(&i.if_expr.cond_expr);
                        self.template(&i.if_expr.template);
                        if let Some(e) = &i.else_expr {
                            self.template(&e.template);
                        }
                    }
                    Directive::For(f) => {
                        let fe = &f.for_expr;
                        self.expr(&fe.collection_expr);
                        let n = self.push_scope(fe.key_var.as_deref(), &fe.value_var);
                        self.template(&fe.template);
                        self.scopes.truncate(self.scopes.len() - n);
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn roots(src: &str) -> Vec<String> {
        let e = hcl_edit::parser::parse_expr(src).unwrap();
        references(&e)
            .into_iter()
            .map(|r| {
                let mut s = r.root.clone();
                for st in &r.steps {
                    match st {
                        RefStep::Attr(a) => s.push_str(&format!(".{a}")),
                        RefStep::Key(k) => s.push_str(&format!("[{k:?}]")),
                        RefStep::Index(i) => s.push_str(&format!("[{i}]")),
                        RefStep::Dynamic => s.push_str("[*]"),
                    }
                }
                s
            })
            .collect()
    }

    #[test]
    fn finds_references_and_respects_scopes() {
        assert_eq!(
            roots("[for k, v in var.m : \"${k}-${v.x}-${local.y}\" if v != aws_instance.a[0].id]"),
            ["var.m", "local.y", "aws_instance.a[0].id"]
        );
        assert_eq!(roots("module.a.b[var.i].c"), ["var.i", "module.a.b[*]"]);
        assert_eq!(roots("{ a = 1, (local.k) = 2 }"), ["local.k"]);
        assert_eq!(roots("\"%{for x in var.l}${x}%{endfor}\""), ["var.l"]);
        assert_eq!(roots("foo(data.a.b.c)[0]"), ["data.a.b.c"]);
    }
}

/// A function call an expression makes: the name (with `::` namespaces) and
/// the span Terraform reports for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCall {
    /// Namespace parts (`provider`, `aws`), empty for built-ins.
    pub namespace: Vec<String>,
    /// The function name.
    pub name: String,
    /// From the first namespace part (or the name) to the end of the name.
    pub span: Range<usize>,
}

struct Calls(Vec<FunctionCall>);

impl hcl_edit::visit::Visit for Calls {
    fn visit_func_call(&mut self, node: &hcl_edit::expr::FuncCall) {
        let n = &node.name;
        let end = n.name.span().map(|s| s.end).unwrap_or(0);
        let start = n
            .namespace
            .first()
            .and_then(|x| x.span())
            .or_else(|| n.name.span())
            .map(|s| s.start)
            .unwrap_or(0);
        self.0.push(FunctionCall {
            namespace: n.namespace.iter().map(|x| x.as_str().to_string()).collect(),
            name: n.name.as_str().to_string(),
            span: start..end,
        });
        hcl_edit::visit::visit_func_call(self, node);
    }
}

/// Every function call in `expr`, outermost first.
pub fn function_calls(expr: &Expression) -> Vec<FunctionCall> {
    let mut c = Calls(Vec::new());
    hcl_edit::visit::Visit::visit_expr(&mut c, expr);
    c.0
}
