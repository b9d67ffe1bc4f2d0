//! Attribute access, indexing and splats.

use super::{EResult, Evaluator};
use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::{Decorated, Span};
use std::ops::Range;
use terrane_value::{convert, unify, Kind, Marks, Number, Type, Value};

/// Follows the leading steps that cannot fail or need conversion (present
/// attributes and keys, in-range literal indexes of known values), by
/// reference. Returns the value reached, the marks collected on the way
/// (each step adds its container's marks, as the general path does) and
/// how many operators were followed.
fn walk_plain<'v>(
    mut v: &'v Value,
    ops: &[Decorated<TraversalOperator>],
) -> (&'v Value, Marks, usize) {
    let mut marks = Marks::NONE;
    let mut taken = 0;
    for op in ops {
        let next = match (op.value(), &v.kind) {
            (TraversalOperator::GetAttr(name), Kind::Object(m) | Kind::Map(_, m)) => {
                m.get(name.value().as_str())
            }
            (TraversalOperator::LegacyIndex(n), Kind::List(_, xs) | Kind::Tuple(xs)) => {
                usize::try_from(*n.value()).ok().and_then(|i| xs.get(i))
            }
            (
                TraversalOperator::Index(Expression::Number(n)),
                Kind::List(_, xs) | Kind::Tuple(xs),
            ) => n
                .value()
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| xs.get(i)),
            (
                TraversalOperator::Index(Expression::String(k)),
                Kind::Object(m) | Kind::Map(_, m),
            ) => m.get(k.value().as_str()),
            _ => None,
        };
        let Some(next) = next else { break };
        marks = marks.union(v.marks);
        v = next;
        taken += 1;
    }
    (v, marks, taken)
}

/// The root name and steps of a reference expression.
fn reference_parts(expr: &Expression) -> Option<(&str, &[Decorated<TraversalOperator>])> {
    match expr {
        Expression::Variable(v) => Some((v.value().as_str(), &[])),
        Expression::Traversal(t) => match &t.expr {
            Expression::Variable(v) => Some((v.value().as_str(), &t.operators)),
            _ => None,
        },
        _ => None,
    }
}

/// The value at the end of `ops` when [`walk_plain`] follows every step
/// and no container on the way adds marks (so it is exactly what
/// evaluating the traversal returns).
fn walk_whole<'v>(base: &'v Value, ops: &[Decorated<TraversalOperator>]) -> Option<&'v Value> {
    let (v, marks, taken) = walk_plain(base, ops);
    (taken == ops.len() && marks.is_empty()).then_some(v)
}

impl<'a> Evaluator<'a> {
    /// The value of `expr` by reference, when it is a root variable of the
    /// context (not shadowed by a `for` variable) or a traversal from one
    /// whose every step [`walk_plain`] follows through unmarked containers:
    /// exactly the value evaluation would return, without copying it.
    pub(crate) fn ctx_ref(&self, expr: &Expression) -> Option<&'a Value> {
        let (root, ops) = reference_parts(expr)?;
        if self.scopes.iter().any(|s| s.contains_key(root)) {
            return None;
        }
        let ctx: &'a crate::context::EvalContext = self.ctx;
        walk_whole(ctx.get(root)?, ops)
    }

    /// Like [`Evaluator::ctx_ref`], for `for` variables too (borrowing the
    /// evaluator).
    pub(crate) fn plain_ref(&self, expr: &Expression) -> Option<&Value> {
        let (root, ops) = reference_parts(expr)?;
        walk_whole(self.lookup(root)?, ops)
    }

    pub(super) fn traversal(&mut self, t: &Traversal) -> EResult {
        if let Expression::Variable(root) = &t.expr {
            // Walk plain steps by reference so that `aws_instance.web[0].id`
            // does not copy every instance of `aws_instance`.
            if let Some(base) = self.lookup(root.value().as_str()) {
                let (v, marks, taken) = walk_plain(base, &t.operators);
                if taken > 0 {
                    let v = v.clone().with_marks(marks);
                    return self.apply_ops(v, &t.operators[taken..]);
                }
            }
        }
        let base = self.eval(&t.expr)?;
        self.apply_ops(base, &t.operators)
    }

    fn apply_ops(&mut self, mut v: Value, ops: &[Decorated<TraversalOperator>]) -> EResult {
        let mut i = 0;
        while i < ops.len() {
            let op = &ops[i];
            match op.value() {
                TraversalOperator::GetAttr(name) => {
                    v = self.get_attr(&v, name.value().as_str(), op.span())?;
                }
                TraversalOperator::Index(e) => {
                    let key = self.eval(e)?;
                    v = self.index(&v, &key, op.span().or_else(|| e.span()))?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    let key = Value::number(Number::from(*n.value()));
                    v = self.index(&v, &key, op.span())?;
                }
                TraversalOperator::FullSplat(_) => {
                    return self.splat(v, &ops[i + 1..]);
                }
                TraversalOperator::AttrSplat(_) => {
                    let mut j = i + 1;
                    while j < ops.len()
                        && matches!(
                            ops[j].value(),
                            TraversalOperator::GetAttr(_) | TraversalOperator::LegacyIndex(_)
                        )
                    {
                        j += 1;
                    }
                    v = self.splat(v, &ops[i + 1..j])?;
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn splat(&mut self, src: Value, rest: &[Decorated<TraversalOperator>]) -> EResult {
        let marks = src.marks;
        let src = src.unmarked();
        if src.is_null() {
            return Ok(Value::empty_tuple().with_marks(marks));
        }
        if !src.is_known() {
            // A list or set of known element type gives a list whose element
            // type is what the rest of the traversal yields for one element.
            if let Type::List(e) | Type::Set(e) = src.ty() {
                let one = self.apply_ops(Value::unknown((*e).clone()), rest)?;
                return Ok(Value::unknown(Type::list(one.ty())).with_marks(marks));
            }
            return Ok(Value::unknown(Type::Dynamic).with_marks(marks));
        }
        let (items, as_list) = match &src.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) => (xs.clone(), true),
            Kind::Tuple(xs) => (xs.clone(), false),
            _ => (vec![src.clone()], false),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(self.apply_ops(item, rest)?);
        }
        let result = if as_list {
            let tys: Vec<Type> = out.iter().map(Value::ty).collect();
            if out.is_empty() {
                Value::list(Type::Dynamic, out)
            } else if let Some(et) = unify(&tys) {
                let conv: Result<Vec<Value>, _> = out.iter().map(|x| convert(x, &et)).collect();
                match conv {
                    Ok(xs) => Value::list(et, xs),
                    Err(_) => Value::tuple(out),
                }
            } else {
                Value::tuple(out)
            }
        } else {
            Value::tuple(out)
        };
        Ok(result.with_marks(marks))
    }

    pub(crate) fn get_attr(&self, v: &Value, name: &str, span: Option<Range<usize>>) -> EResult {
        let marks = v.marks;
        match &v.kind {
            Kind::Null(_) => Err(self.fail(
                "Attempt to get attribute from null value",
                "This value is null, so it does not have any attributes.",
                span,
            )),
            Kind::Unknown(t) => {
                let at = match t {
                    Type::Object { attrs, .. } => match attrs.get(name) {
                        Some(a) => a.clone(),
                        None => {
                            return Err(self.fail(
                                "Unsupported attribute",
                                format!("This object does not have an attribute named \"{name}\"."),
                                span,
                            ))
                        }
                    },
                    Type::Map(e) => (**e).clone(),
                    _ => Type::Dynamic,
                };
                Ok(Value::unknown(at).with_marks(marks))
            }
            Kind::Object(attrs) => match attrs.get(name) {
                Some(a) => Ok(a.clone().with_marks(marks)),
                None => Err(self.fail(
                    "Unsupported attribute",
                    format!("This object does not have an attribute named \"{name}\"."),
                    span,
                )),
            },
            Kind::Map(_, m) => match m.get(name) {
                Some(a) => Ok(a.clone().with_marks(marks)),
                None => Err(self.fail(
                    "Missing map element",
                    format!("This map does not have an element with the key \"{name}\"."),
                    span,
                )),
            },
            Kind::List(_, xs) => {
                let of_objects =
                    !xs.is_empty() && xs.iter().all(|x| matches!(x.ty(), Type::Object { .. }));
                let detail = if of_objects {
                    format!(
                        "Can't access attributes on a list of objects. Did you mean to access attribute \"{name}\" for a specific element of the list, or across all elements of the list?"
                    )
                } else {
                    "Can't access attributes on a list. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?".to_string()
                };
                Err(self.fail("Unsupported attribute", detail, span))
            }
            Kind::Set(..) | Kind::Tuple(_) => Err(self.fail(
                "Unsupported attribute",
                "This value does not have any attributes.",
                span,
            )),
            _ => Err(self.fail(
                "Unsupported attribute",
                format!(
                    "Can't access attributes on a primitive-typed value ({}).",
                    v.ty().friendly_name()
                ),
                span,
            )),
        }
    }

    pub(crate) fn index(&self, coll: &Value, key: &Value, span: Option<Range<usize>>) -> EResult {
        let marks = coll.marks.union(key.marks);
        let invalid = |detail: &str| self.fail("Invalid index", detail, span.clone());
        if key.is_null() {
            return Err(invalid("Can't use a null value as an indexing key."));
        }
        if coll.is_null() {
            return Err(self.fail(
                "Attempt to index null value",
                "This value is null, so it does not have any indices.",
                span,
            ));
        }
        // As hcl.Index: a key or collection of unknown type gives an
        // unknown of unknown type, carrying only the collection's marks.
        if key.ty() == Type::Dynamic || coll.ty() == Type::Dynamic {
            return Ok(Value::unknown(Type::Dynamic).with_marks(coll.marks));
        }
        // The type of an unknown result: lists and maps know their element
        // type, an object its attribute's; a tuple element is not known
        // without a known index.
        let elem_ty = |t: &Type, k: &Value| -> Type {
            match t {
                Type::List(e) | Type::Map(e) => (**e).clone(),
                Type::Object { attrs, .. } => k
                    .as_str()
                    .and_then(|s| attrs.get(s).cloned())
                    .unwrap_or(Type::Dynamic),
                _ => Type::Dynamic,
            }
        };
        if let Kind::Set(..) = coll.kind {
            return Err(invalid("Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set."));
        }
        if let Kind::Unknown(t) = &coll.kind {
            if matches!(t, Type::Set(_)) {
                return Err(invalid("Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set."));
            }
            return Ok(Value::unknown(elem_ty(t, key)).with_marks(marks));
        }
        let key_plain = key.clone().unmarked();
        match &coll.kind {
            Kind::List(_, xs) | Kind::Tuple(xs) => {
                let k = convert(&key_plain, &Type::Number).map_err(|e| {
                    invalid(&format!(
                        "The given key does not identify an element in this collection value: {}.",
                        e.message
                    ))
                })?;
                let Some(n) = k.as_number() else {
                    return Ok(Value::unknown(elem_ty(&coll.ty(), key)).with_marks(marks));
                };
                if !n.is_integer() {
                    return Err(invalid("The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part."));
                }
                if n.is_sign_negative() && !n.is_zero() {
                    return Err(invalid("The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence."));
                }
                let idx = n.to_i64().and_then(|i| usize::try_from(i).ok());
                match idx.and_then(|i| xs.get(i)) {
                    Some(x) => Ok(x.clone().with_marks(marks)),
                    // As HCL: the specific reasons only when the index is
                    // exactly the length.
                    None if idx == Some(xs.len()) && xs.is_empty() => Err(invalid(
                        "The given key does not identify an element in this collection value: the collection has no elements.",
                    )),
                    None if idx == Some(xs.len()) => Err(invalid(
                        "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.",
                    )),
                    None => Err(invalid(
                        "The given key does not identify an element in this collection value.",
                    )),
                }
            }
            Kind::Map(_, m) | Kind::Object(m) => {
                let k = convert(&key_plain, &Type::String).map_err(|e| {
                    invalid(&format!(
                        "The given key does not identify an element in this collection value: {}.",
                        e.message
                    ))
                })?;
                let Some(s) = k.as_str() else {
                    return Ok(Value::unknown(elem_ty(&coll.ty(), key)).with_marks(marks));
                };
                let was_number = matches!(key_plain.kind, Kind::Number(_));
                // HCL unmarks the key before looking up an object attribute,
                // so only the object's own marks carry over.
                let marks = if matches!(coll.kind, Kind::Object(_)) {
                    coll.marks
                } else {
                    marks
                };
                match m.get(s) {
                    Some(x) => Ok(x.clone().with_marks(marks)),
                    None if was_number && matches!(coll.kind, Kind::Object(_)) => Err(invalid(
                        "The given key does not identify an element in this collection value. An object only supports looking up attributes by name, not by numeric index.",
                    )),
                    None => Err(invalid(
                        "The given key does not identify an element in this collection value.",
                    )),
                }
            }
            _ => Err(invalid("This value does not have any indices.")),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::eval::Evaluator;
    use crate::{parse_expression, EvalContext, Source};
    use terrane_functions::FuncContext;
    use terrane_value::{Type, Value};

    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    fn ctx() -> EvalContext {
        let mut c = EvalContext::new(FuncContext::default());
        let words = Value::tuple(vec![Value::string("alpha"), Value::string("beta")]);
        c.set(
            "local",
            obj(vec![
                ("a", Value::string("x")),
                ("n", Value::number(3)),
                ("words", words),
                ("m", obj(vec![("k", Value::string("v"))]).mark_sensitive()),
                ("s", Value::string("hidden").mark_sensitive()),
                ("u", Value::unknown(Type::String)),
            ]),
        );
        c.set("count", obj(vec![("index", Value::number(5))]));
        c
    }

    /// Where `ctx_ref` borrows a value, it is the value evaluation gives.
    #[test]
    fn context_references_borrow_what_evaluation_returns() {
        let c = ctx();
        let cases = [
            ("local.a", true),
            ("local.n", true),
            ("local.words", true),
            ("local.words[1]", true),
            ("local[\"a\"]", true),
            ("local.s", true),
            ("local.u", true),
            ("count.index", true),
            ("local", true),
            // A marked container adds its marks: evaluated, not borrowed.
            ("local.m.k", false),
            ("local.m", true),
            ("local.words[9]", false),
            ("local.words[count.index]", false),
            ("local.nope", false),
            ("nope", false),
            ("\"literal\"", false),
        ];
        for (text, borrowed) in cases {
            let src = Source::new("t.tf", text);
            let expr = parse_expression(&src).unwrap();
            let mut ev = Evaluator::new(&c, &src);
            let got = ev.ctx_ref(&expr).cloned();
            assert_eq!(got.is_some(), borrowed, "{text}");
            assert_eq!(ev.plain_ref(&expr).cloned(), got, "{text}");
            let evaluated = ev.eval(&expr);
            if let Some(v) = got {
                assert_eq!(Ok(v), evaluated.map_err(|_| ()), "{text}");
            }
            let cow = ev.eval_cow(&expr).map(|v| v.into_owned());
            assert_eq!(cow.is_ok(), ev.eval(&expr).is_ok(), "{text}");
            if let (Ok(a), Ok(b)) = (cow, ev.eval(&expr)) {
                assert_eq!(a, b, "{text}");
            }
        }
    }

    /// `plain_ref` borrows `for` variables; `ctx_ref` does not.
    #[test]
    fn plain_references_include_for_variables() {
        let c = ctx();
        let src = Source::new("t.tf", "w");
        let expr = parse_expression(&src).unwrap();
        let mut ev = Evaluator::new(&c, &src);
        ev.push_scope(Default::default());
        ev.bind("w", Value::string("alpha"));
        assert_eq!(ev.plain_ref(&expr), Some(&Value::string("alpha")));
        assert_eq!(ev.ctx_ref(&expr), None);
        ev.bind("local", Value::number(1));
        let src = Source::new("t.tf", "local");
        let expr = parse_expression(&src).unwrap();
        assert_eq!(ev.plain_ref(&expr), Some(&Value::number(1)));
        assert_eq!(ev.ctx_ref(&expr), None);
    }

    /// A `for` variable shadows a context root of the same name.
    #[test]
    fn for_variables_shadow_context_references() {
        let c = ctx();
        let text = "[for local in [1, 2] : local + count.index]";
        let src = Source::new("t.tf", text);
        let expr = parse_expression(&src).unwrap();
        let v = Evaluator::new(&c, &src).eval(&expr).unwrap();
        assert_eq!(v, Value::tuple(vec![Value::number(6), Value::number(7)]));
        let text = "[for w in local.words : \"${w}-${count.index}\" if w != local.a]";
        let src = Source::new("t.tf", text);
        let expr = parse_expression(&src).unwrap();
        let v = Evaluator::new(&c, &src).eval(&expr).unwrap();
        let want = Value::tuple(vec![Value::string("alpha-5"), Value::string("beta-5")]);
        assert_eq!(v, want);
    }
}
