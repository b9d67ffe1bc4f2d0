//! The traversals an expression reads: what the engine builds graph edges
//! from and what configuration validation checks.

use crate::context::Source;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span;
use std::ops::Range;
use terrane_diagnostics::SourceRange;

/// One step after the root name of a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefStep {
    /// `.name`
    Attr(String),
    /// `["key"]` with a literal string key.
    Key(String),
    /// `[0]` or legacy `.0` with a literal number.
    Index(u64),
}

/// A traversal an expression reads: `var.name`, `aws_instance.web[0].id`.
/// Steps stop at the first index that is not a literal and at splats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The root name (`var`, `local`, `aws_instance`, ...).
    pub root: String,
    /// The literal steps after the root.
    pub steps: Vec<RefStep>,
    /// Byte offsets of the traversal (root through the last step kept).
    pub span: Option<Range<usize>>,
    /// The same as a source range, when computed with a [`Source`].
    pub range: Option<SourceRange>,
}

impl Reference {
    /// The first attribute name after the root, if any (`name` in `var.name`).
    pub fn first_attr(&self) -> Option<&str> {
        match self.steps.first() {
            Some(RefStep::Attr(a)) => Some(a),
            _ => None,
        }
    }
}

/// Every reference `expr` makes, in source order, excluding names bound by
/// enclosing `for` expressions and template `for` directives.
pub fn references(expr: &Expression) -> Vec<Reference> {
    let mut w = Walker::default();
    w.expr(expr);
    w.out
}

/// The same, with source ranges filled in from `src`.
pub fn references_with_source(expr: &Expression, src: &Source) -> Vec<Reference> {
    let mut refs = references(expr);
    for r in &mut refs {
        r.range = r.span.clone().map(|s| src.range(s.start, s.end));
    }
    refs
}

/// The references a standalone template makes (for `templatefile`).
pub(crate) fn references_in_template(t: &Template, src: &Source) -> Vec<Reference> {
    let mut w = Walker::default();
    w.template(t);
    let mut refs = w.out;
    for r in &mut refs {
        r.range = r.span.clone().map(|s| src.range(s.start, s.end));
    }
    refs
}

#[derive(Default)]
struct Walker {
    bound: Vec<String>,
    out: Vec<Reference>,
}

impl Walker {
    fn is_bound(&self, name: &str) -> bool {
        self.bound.iter().any(|b| b == name)
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
                    if let ObjectKey::Expression(ke) = k {
                        if !matches!(ke, Expression::Variable(_)) {
                            self.expr(ke);
                        }
                    }
                    self.expr(v.expr());
                }
            }
            Expression::StringTemplate(t) => self.template(t),
            Expression::HeredocTemplate(h) => self.template(&h.template),
            Expression::Parenthesis(p) => self.expr(p.inner()),
            Expression::Variable(v) => {
                let name = v.value().as_str();
                if !self.is_bound(name) {
                    self.out.push(Reference {
                        root: name.to_string(),
                        steps: Vec::new(),
                        span: v.span(),
                        range: None,
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
                let mut kept = true;
                let mut reference = match &t.expr {
                    Expression::Variable(v) if !self.is_bound(v.value().as_str()) => {
                        Some(Reference {
                            root: v.value().as_str().to_string(),
                            steps: Vec::new(),
                            span: v.span(),
                            range: None,
                        })
                    }
                    Expression::Variable(_) => {
                        kept = false;
                        None
                    }
                    other => {
                        self.expr(other);
                        kept = false;
                        None
                    }
                };
                for op in &t.operators {
                    let step = match op.value() {
                        TraversalOperator::GetAttr(a) => {
                            Some(RefStep::Attr(a.value().as_str().to_string()))
                        }
                        TraversalOperator::LegacyIndex(n) => Some(RefStep::Index(*n.value())),
                        TraversalOperator::Index(ix) => {
                            let lit = match ix {
                                Expression::String(s) => Some(RefStep::Key(s.value().to_string())),
                                Expression::Number(n) => n.value().as_u64().map(RefStep::Index),
                                _ => None,
                            };
                            if lit.is_none() {
                                self.expr(ix);
                            }
                            lit
                        }
                        TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => None,
                    };
                    match (kept, step, reference.as_mut()) {
                        (true, Some(s), Some(r)) => {
                            r.steps.push(s);
                            if let (Some(a), Some(b)) = (r.span.clone(), op.span()) {
                                r.span = Some(a.start..b.end.max(a.end));
                            }
                        }
                        _ => kept = false,
                    }
                }
                if let Some(r) = reference {
                    self.out.push(r);
                }
            }
            Expression::UnaryOp(u) => self.expr(&u.expr),
            Expression::BinaryOp(b) => {
                self.expr(&b.lhs_expr);
                self.expr(&b.rhs_expr);
            }
            Expression::ForExpr(f) => {
                self.expr(&f.intro.collection_expr);
                let n = self.bound.len();
                if let Some(k) = &f.intro.key_var {
                    self.bound.push(k.value().as_str().to_string());
                }
                self.bound
                    .push(f.intro.value_var.value().as_str().to_string());
                if let Some(k) = &f.key_expr {
                    self.expr(k);
                }
                self.expr(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.expr(&c.expr);
                }
                self.bound.truncate(n);
            }
        }
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
                        let n = self.bound.len();
                        if let Some(k) = &fe.key_var {
                            self.bound.push(k.value().as_str().to_string());
                        }
                        self.bound.push(fe.value_var.value().as_str().to_string());
                        self.template(&fe.template);
                        self.bound.truncate(n);
                    }
                },
            }
        }
    }
}
