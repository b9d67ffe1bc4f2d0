//! Unary and binary operators with Terraform's type rules.

use super::{EResult, Evaluator};
use hcl_edit::expr::{BinaryOp, BinaryOperator, Expression, UnaryOp, UnaryOperator};
use hcl_edit::Span;
use std::borrow::Cow;
use terrane_diagnostics::Diagnostics;
use terrane_value::{convert, Kind, Type, Value};

impl Evaluator<'_> {
    pub(super) fn unary(&mut self, u: &UnaryOp) -> EResult {
        let v = self.eval_cow(&u.expr)?;
        let span = u.expr.span();
        let want = match u.operator.value() {
            UnaryOperator::Neg => Type::Number,
            UnaryOperator::Not => Type::Bool,
        };
        let marks = v.marks;
        let cv = convert(&v, &want).map_err(|e| {
            self.fail(
                "Invalid operand",
                format!("Unsuitable value for unary operand: {}.", e.message),
                span.clone(),
            )
        })?;
        if cv.is_null() {
            return Err(self.fail(
                "Operation failed",
                "Error during operation: argument must not be null.",
                span,
            ));
        }
        let out = match (&cv.kind, u.operator.value()) {
            (Kind::Unknown(_), _) => Value::unknown(want),
            (Kind::Number(n), UnaryOperator::Neg) => Value::number(n.neg()),
            (Kind::Bool(b), UnaryOperator::Not) => Value::bool(!b),
            _ => Value::unknown(want),
        };
        Ok(out.with_marks(marks))
    }

    pub(super) fn binary(&mut self, b: &BinaryOp) -> EResult {
        let op = *b.operator.value();
        let lhs = self.eval_cow(&b.lhs_expr);
        let rhs = self.eval_cow(&b.rhs_expr);
        let lhs = lhs?;
        let rhs = rhs?;
        let marks = lhs.marks_deep().union(rhs.marks_deep());
        match op {
            BinaryOperator::Eq | BinaryOperator::NotEq => {
                let eq = equals(&lhs, &rhs);
                let out = match eq {
                    Some(e) => Value::bool(if op == BinaryOperator::Eq { e } else { !e }),
                    None => Value::unknown(Type::Bool),
                };
                return Ok(out.with_marks(marks));
            }
            _ => {}
        }
        let want = match op {
            BinaryOperator::And | BinaryOperator::Or => Type::Bool,
            _ => Type::Number,
        };
        let l = self.operand(&lhs, &want, "left", &b.lhs_expr)?;
        let r = self.operand(&rhs, &want, "right", &b.rhs_expr)?;
        // Spans are looked up only for a diagnostic.
        let span = || {
            b.lhs_expr
                .span()
                .zip(b.rhs_expr.span())
                .map(|(a, c)| a.start..c.end)
        };
        if l.is_null() || r.is_null() {
            return Err(self.fail(
                "Operation failed",
                "Error during operation: argument must not be null.",
                span(),
            ));
        }
        let result_ty = match op {
            BinaryOperator::Plus
            | BinaryOperator::Minus
            | BinaryOperator::Mul
            | BinaryOperator::Div
            | BinaryOperator::Mod => Type::Number,
            _ => Type::Bool,
        };
        if !l.is_known() || !r.is_known() {
            return Ok(Value::unknown(result_ty).with_marks(marks));
        }
        let out = match (&l.kind, &r.kind) {
            (Kind::Number(x), Kind::Number(y)) => {
                let res = match op {
                    BinaryOperator::Plus => x.checked_add(y),
                    BinaryOperator::Minus => x.checked_sub(y),
                    BinaryOperator::Mul => x.checked_mul(y),
                    BinaryOperator::Div => x.div(y),
                    BinaryOperator::Mod => x.rem(y),
                    BinaryOperator::Less => {
                        return Ok(Value::bool(x.cmp_value(y).is_lt()).with_marks(marks))
                    }
                    BinaryOperator::LessEq => {
                        return Ok(Value::bool(x.cmp_value(y).is_le()).with_marks(marks))
                    }
                    BinaryOperator::Greater => {
                        return Ok(Value::bool(x.cmp_value(y).is_gt()).with_marks(marks))
                    }
                    BinaryOperator::GreaterEq => {
                        return Ok(Value::bool(x.cmp_value(y).is_ge()).with_marks(marks))
                    }
                    _ => return Ok(Value::unknown(result_ty)),
                };
                match res {
                    Ok(n) => Value::number(n),
                    Err(e) => {
                        return Err(self.fail(
                            "Operation failed",
                            format!("Error during operation: {e}."),
                            span(),
                        ))
                    }
                }
            }
            (Kind::Bool(x), Kind::Bool(y)) => match op {
                BinaryOperator::And => Value::bool(*x && *y),
                BinaryOperator::Or => Value::bool(*x || *y),
                _ => Value::unknown(result_ty),
            },
            _ => Value::unknown(result_ty),
        };
        Ok(out.with_marks(marks))
    }

    fn operand<'v>(
        &self,
        v: &'v Value,
        want: &Type,
        side: &str,
        expr: &Expression,
    ) -> Result<Cow<'v, Value>, Diagnostics> {
        // An unmarked number or bool (or its null or unknown) is already
        // what conversion would return: use it without copying.
        if v.marks.is_empty() && want.is_primitive() && v.has_type(want) {
            return Ok(Cow::Borrowed(v));
        }
        let (inner, _) = v.clone().unmark_deep();
        convert(&inner, want).map(Cow::Owned).map_err(|e| {
            self.fail(
                "Invalid operand",
                format!("Unsuitable value for {side} operand: {}.", e.message),
                expr.span(),
            )
        })
    }
}

/// cty's `Equals`: `None` when the answer depends on unknown values.
pub(crate) fn equals(a: &Value, b: &Value) -> Option<bool> {
    if !a.is_known() || !b.is_known() {
        return None;
    }
    match (a.is_null(), b.is_null()) {
        (true, true) => return Some(true),
        (true, false) | (false, true) => return Some(false),
        _ => {}
    }
    let (ta, tb) = (a.ty(), b.ty());
    if ta.has_dynamic() || tb.has_dynamic() {
        // Nested dynamic types come from nulls/unknowns without a type;
        // compare structurally below only when the shapes agree.
        if !same_shape(&ta, &tb) {
            return Some(false);
        }
    } else if ta != tb {
        return Some(false);
    }
    match (&a.kind, &b.kind) {
        (Kind::Number(x), Kind::Number(y)) => Some(x.text_eq(y)),
        (Kind::String(x), Kind::String(y)) => Some(x == y),
        (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
        (Kind::List(_, xs), Kind::List(_, ys)) | (Kind::Tuple(xs), Kind::Tuple(ys)) => {
            seq_equals(xs, ys)
        }
        (Kind::Set(_, xs), Kind::Set(_, ys)) => {
            if xs.iter().chain(ys).any(|v| !v.is_wholly_known()) {
                return None;
            }
            if xs.len() != ys.len() {
                return Some(false);
            }
            Some(
                xs.iter()
                    .all(|x| ys.iter().any(|y| equals(x, y) == Some(true))),
            )
        }
        (Kind::Map(_, xs), Kind::Map(_, ys)) | (Kind::Object(xs), Kind::Object(ys)) => {
            if xs.len() != ys.len() || xs.keys().ne(ys.keys()) {
                return Some(false);
            }
            let mut unknown = false;
            for (x, y) in xs.values().zip(ys.values()) {
                match equals(x, y) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown {
                None
            } else {
                Some(true)
            }
        }
        _ => Some(false),
    }
}

fn seq_equals(xs: &[Value], ys: &[Value]) -> Option<bool> {
    if xs.len() != ys.len() {
        return Some(false);
    }
    let mut unknown = false;
    for (x, y) in xs.iter().zip(ys) {
        match equals(x, y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

fn same_shape(a: &Type, b: &Type) -> bool {
    match (a, b) {
        (Type::Dynamic, _) | (_, Type::Dynamic) => true,
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => same_shape(x, y),
        (Type::Tuple(xs), Type::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_shape(x, y))
        }
        (Type::Object { attrs: x, .. }, Type::Object { attrs: y, .. }) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, t1), (k2, t2))| k1 == k2 && same_shape(t1, t2))
        }
        _ => a == b,
    }
}
