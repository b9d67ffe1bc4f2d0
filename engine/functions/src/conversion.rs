//! Argument conversion with Terraform's messages, and the type conversion
//! functions (`tobool`, `tonumber`, `tostring`, `tolist`, `toset`, `tomap`)
//! and mark functions (`sensitive`, `nonsensitive`, `issensitive`,
//! `ephemeralasnull`).

use crate::registry::{arg_err, p, Registry, Ret, R};
use terrane_value::{convert, unify, Kind, Marks, Type, Value};

/// Converts an argument to its parameter type, failing with the message
/// Terraform gives for that mismatch (without the trailing period).
pub(crate) fn coerce(v: Value, want: &Type) -> Result<Value, String> {
    if *want == Type::Dynamic || v.has_type(want) {
        return Ok(v);
    }
    let v = match primitive_tuple_to_collection(v, want) {
        Ok(done) => return Ok(done),
        Err(v) => v,
    };
    let have = v.ty();
    if !convertible(&have, want) {
        return Err(mismatch_message(&have, want));
    }
    if let Some(u) = uncertain_set_to_list(&v, want) {
        return Ok(u);
    }
    convert(&v, &concrete_target(&have, want)).map_err(|e| e.message)
}

/// A tuple whose elements all have the primitive element type of the
/// wanted list or set becomes that collection by moving its elements (the
/// general conversion copies each one to the same value). Anything else
/// is handed back.
fn primitive_tuple_to_collection(v: Value, want: &Type) -> Result<Value, Value> {
    let (Type::List(e) | Type::Set(e)) = want else {
        return Err(v);
    };
    if !e.is_primitive() {
        return Err(v);
    }
    match v.kind {
        Kind::Tuple(xs) if xs.iter().all(|x| x.has_type(e)) => {
            let elem = (**e).clone();
            let out = if matches!(want, Type::List(_)) {
                Value::list(elem, xs)
            } else {
                Value::set(elem, xs)
            };
            Ok(out.with_marks(v.marks))
        }
        kind => Err(Value {
            kind,
            marks: v.marks,
        }),
    }
}

/// For a structure converted to a collection of "any single type", the
/// element type cty picks: the unification of the element types (untyped
/// nulls adopt it).
fn concrete_target(have: &Type, want: &Type) -> Type {
    let elems: Vec<Type> = match (have, want) {
        (Type::Tuple(es), Type::List(e) | Type::Set(e)) if **e == Type::Dynamic => es.clone(),
        (Type::Object { attrs, .. }, Type::Map(e)) if **e == Type::Dynamic => {
            // cty's object-to-map conversion leaves untyped nulls out of
            // the unification.
            attrs
                .values()
                .filter(|t| **t != Type::Dynamic)
                .cloned()
                .collect()
        }
        _ => return want.clone(),
    };
    match unify(&elems) {
        Some(et) if et != Type::Dynamic => match want {
            Type::List(_) => Type::list(et),
            Type::Set(_) => Type::set(et),
            _ => Type::map(et),
        },
        _ => want.clone(),
    }
}

/// cty turns a set holding unknown elements (and more than one element)
/// into an unknown list: the unknowns may turn out equal to other elements,
/// so neither the length nor the order is known.
fn uncertain_set_to_list(v: &Value, want: &Type) -> Option<Value> {
    match (&v.kind, want) {
        (Kind::Set(_, xs), Type::List(_) | Type::Tuple(_))
            if xs.len() > 1 && xs.iter().any(|x| !x.is_wholly_known()) =>
        {
            Some(Value::unknown(want.clone()).with_marks(v.marks))
        }
        _ => None,
    }
}

/// True when some value of type `have` may convert to `want` (Terraform's
/// "unsafe" conversions included: string to number or bool).
pub(crate) fn convertible(have: &Type, want: &Type) -> bool {
    match (have, want) {
        (_, Type::Dynamic) | (Type::Dynamic, _) => true,
        (a, b) if a == b => true,
        (a, b) if a.is_primitive() && b.is_primitive() => !matches!(
            (a, b),
            (Type::Number, Type::Bool) | (Type::Bool, Type::Number)
        ),
        (Type::List(a) | Type::Set(a), Type::List(b) | Type::Set(b)) => convertible(a, b),
        (Type::Tuple(es), Type::List(b) | Type::Set(b)) => {
            if **b == Type::Dynamic {
                !dynamic_with_structures(es) && unify(es).is_some()
            } else {
                es.iter().all(|e| convertible(e, b))
            }
        }
        (Type::Map(a), Type::Map(b)) => convertible(a, b),
        (Type::Object { attrs, .. }, Type::Map(b)) => {
            if **b == Type::Dynamic {
                let tys: Vec<Type> = attrs.values().cloned().collect();
                unify(&tys).is_some()
            } else {
                attrs.values().all(|t| convertible(t, b))
            }
        }
        (Type::Map(a), Type::Object { attrs, .. }) => attrs.values().all(|t| convertible(a, t)),
        (Type::Object { attrs: a, .. }, Type::Object { attrs: b, optional }) => {
            b.iter().all(|(k, t)| match a.get(k) {
                Some(x) => convertible(x, t),
                None => optional.contains(k),
            })
        }
        (Type::List(a), Type::Tuple(bs)) => bs.iter().all(|b| convertible(a, b)),
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| convertible(x, y))
        }
        _ => false,
    }
}

/// cty cannot find one element type for a tuple mixing untyped nulls (or
/// unknowns) with collections or structures: its unification yields
/// "dynamic", which a list or set conversion rejects.
fn dynamic_with_structures(es: &[Type]) -> bool {
    es.contains(&Type::Dynamic) && es.iter().any(|t| t.is_collection() || t.is_structural())
}

/// A type's name as Terraform says it in "... required" messages.
pub(crate) fn constraint_name(t: &Type) -> String {
    match t {
        Type::Dynamic => "any single type".into(),
        Type::List(e) => format!("list of {}", constraint_name(e)),
        Type::Set(e) => format!("set of {}", constraint_name(e)),
        Type::Map(e) => format!("map of {}", constraint_name(e)),
        other => other.friendly_name(),
    }
}

/// Terraform's (cty's) explanation of why `have` cannot become `want`.
pub(crate) fn mismatch_message(have: &Type, want: &Type) -> String {
    let dyn_elem = want.element_type() == Some(&Type::Dynamic);
    match (have, want) {
        (Type::Object { .. }, Type::Object { attrs, .. }) => {
            let mut missing: Vec<&String> = attrs
                .keys()
                .filter(|k| match have {
                    Type::Object { attrs: h, .. } => !h.contains_key(*k),
                    _ => false,
                })
                .collect();
            missing.sort();
            match missing.as_slice() {
                [] => format!("{} required", constraint_name(want)),
                [a] => format!("attribute {a:?} is required"),
                [a, b] => format!("attributes {a:?} and {b:?} are required"),
                [init @ .., last] => {
                    let list: Vec<String> = init.iter().map(|a| format!("{a:?}")).collect();
                    format!("attributes {}, and {last:?} are required", list.join(", "))
                }
            }
        }
        (Type::Tuple(_), Type::List(_)) if dyn_elem => {
            "all list elements must have the same type".into()
        }
        (Type::Tuple(_), Type::Set(_)) if dyn_elem => {
            "all set elements must have the same type".into()
        }
        (Type::Object { .. }, Type::Map(_)) if dyn_elem => {
            "all map elements must have the same type".into()
        }
        (Type::Tuple(es), Type::List(w) | Type::Set(w)) => {
            for (i, e) in es.iter().enumerate() {
                if !convertible(e, w) {
                    return format!("element {i}: {}", mismatch_message(e, w));
                }
            }
            format!("all elements must be {}", constraint_name(w))
        }
        (Type::Object { attrs, .. }, Type::Map(w)) => {
            for (k, e) in attrs {
                if !convertible(e, w) {
                    return format!("element {k:?}: {}", mismatch_message(e, w));
                }
            }
            format!("all elements must be {}", constraint_name(w))
        }
        (Type::List(h) | Type::Set(h), Type::List(w) | Type::Set(w)) => {
            let noun = if matches!(want, Type::List(_)) {
                "list"
            } else {
                "set"
            };
            format!("incorrect {noun} element type: {}", mismatch_message(h, w))
        }
        (Type::Map(h), Type::Map(w)) => {
            format!("incorrect map element type: {}", mismatch_message(h, w))
        }
        _ => format!("{} required", constraint_name(want)),
    }
}

pub(crate) fn register(r: &mut Registry) {
    let v = || p("v", Type::Dynamic).any().marked();
    r.func("tobool", vec![v()], Ret::Static(Type::Bool), |a, _| {
        to_type(a, Type::Bool)
    });
    r.func("tonumber", vec![v()], Ret::Static(Type::Number), |a, _| {
        to_type(a, Type::Number)
    });
    r.func("tostring", vec![v()], Ret::Static(Type::String), |a, _| {
        to_type(a, Type::String)
    });
    r.func(
        "tolist",
        vec![v()],
        Ret::Static(Type::list(Type::Dynamic)),
        |a, _| to_type(a, Type::list(Type::Dynamic)),
    );
    r.func(
        "toset",
        vec![v()],
        Ret::Static(Type::set(Type::Dynamic)),
        |a, _| to_type(a, Type::set(Type::Dynamic)),
    );
    r.func(
        "tomap",
        vec![v()],
        Ret::Static(Type::map(Type::Dynamic)),
        |a, _| to_type(a, Type::map(Type::Dynamic)),
    );
    let value = || p("value", Type::Dynamic).any().marked();
    r.func(
        "sensitive",
        vec![value()],
        Ret::Static(Type::Dynamic),
        |a, _| Ok(first(a).mark_sensitive()),
    );
    r.func(
        "nonsensitive",
        vec![value()],
        Ret::Static(Type::Dynamic),
        |a, _| {
            let v = first(a);
            let marks = v.marks.without(Marks::SENSITIVE);
            Ok(Value {
                kind: v.kind,
                marks,
            })
        },
    );
    r.func(
        "issensitive",
        vec![value()],
        Ret::Static(Type::Bool),
        |a, _| Ok(Value::bool(first(a).is_sensitive())),
    );
    r.func(
        "ephemeralasnull",
        vec![value()],
        Ret::Static(Type::Dynamic),
        |a, _| Ok(ephemeral_as_null(first(a))),
    );
}

/// The first argument (the machinery guarantees the count).
pub(crate) fn first(args: Vec<Value>) -> Value {
    args.into_iter().next().unwrap_or_default()
}

fn to_type(args: Vec<Value>, want: Type) -> R {
    let v = first(args);
    let have = v.ty();
    if have == want {
        return Ok(v);
    }
    let cannot = || {
        arg_err(
            0,
            format!(
                "cannot convert {} to {}",
                have.friendly_name(),
                constraint_name(&want)
            ),
        )
    };
    if !convertible(&have, &want) {
        return Err(cannot());
    }
    if let Some(u) = uncertain_set_to_list(&v, &want) {
        return Ok(u);
    }
    match convert(&v, &concrete_target(&have, &want)) {
        Ok(out) => Ok(out),
        Err(_) if v.is_sensitive() && matches!(v.kind, Kind::String(_)) => Err(arg_err(
            0,
            format!(
                "cannot convert this sensitive string to {}",
                want.friendly_name()
            ),
        )),
        Err(_) => match (&v.kind, &want) {
            (Kind::String(s), Type::Bool) => Err(arg_err(
                0,
                format!(
                    "cannot convert {s:?} to bool; only the strings \"true\" or \"false\" are allowed"
                ),
            )),
            (Kind::String(s), Type::Number) => Err(arg_err(
                0,
                format!(
                    "cannot convert {s:?} to number; given string must be a decimal representation of a number"
                ),
            )),
            _ => Err(cannot()),
        },
    }
}

fn ephemeral_as_null(v: Value) -> Value {
    if v.marks.contains(Marks::EPHEMERAL) {
        let marks = v.marks.without(Marks::EPHEMERAL);
        return Value::null(v.ty()).with_marks(marks);
    }
    let marks = v.marks;
    let kind = match v.kind {
        Kind::List(t, xs) => Kind::List(t, xs.into_iter().map(ephemeral_as_null).collect()),
        Kind::Set(t, xs) => Kind::Set(t, xs.into_iter().map(ephemeral_as_null).collect()),
        Kind::Tuple(xs) => Kind::Tuple(xs.into_iter().map(ephemeral_as_null).collect()),
        Kind::Map(t, m) => Kind::Map(
            t,
            m.into_iter()
                .map(|(k, x)| (k, ephemeral_as_null(x)))
                .collect(),
        ),
        Kind::Object(m) => Kind::Object(
            m.into_iter()
                .map(|(k, x)| (k, ephemeral_as_null(x)))
                .collect(),
        ),
        other => other,
    };
    Value { kind, marks }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tuple_fast_path_matches_general_conversion() {
        let s = |x: &str| Value::string(x);
        let tuples = [
            Value::tuple(vec![]),
            Value::tuple(vec![s("b"), s("a"), s("b")]),
            Value::tuple(vec![s("a"), Value::null(Type::String)]),
            Value::tuple(vec![s("a"), Value::unknown(Type::String), s("a")]),
            Value::tuple(vec![s("a").mark_sensitive(), s("c")]),
            Value::tuple(vec![s("a"), s("c")]).mark_sensitive(),
            Value::tuple(vec![Value::number(2), Value::number(1)]),
            Value::tuple(vec![Value::bool(true), Value::bool(false)]),
        ];
        let wants = [
            Type::list(Type::String),
            Type::set(Type::String),
            Type::list(Type::Number),
            Type::set(Type::Bool),
        ];
        for v in &tuples {
            for want in &wants {
                let general = convert(v, &concrete_target(&v.ty(), want)).map_err(|e| e.message);
                let fast = primitive_tuple_to_collection(v.clone(), want);
                if let Ok(fast) = &fast {
                    assert_eq!(Ok(fast), general.as_ref(), "{v:?} to {want:?}");
                }
                assert_eq!(coerce(v.clone(), want), general, "{v:?} to {want:?}");
            }
        }
        // Only tuples of exactly the element type take the fast path.
        let mixed = Value::tuple(vec![s("a"), Value::number(1)]);
        assert!(primitive_tuple_to_collection(mixed, &Type::list(Type::String)).is_err());
    }
}
