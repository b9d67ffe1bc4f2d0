//! Set functions: setintersection, setproduct, setsubtract, setunion.

use crate::collections::{elem_type, same, seq, unify_all};
use crate::registry::{call_err, dynamic_ret, p, FuncContext, Registry, Ret, R};
use terrane_value::{convert, unify, Kind, Type, Value};

pub(crate) fn register(r: &mut Registry) {
    let set = |n| p(n, Type::set(Type::Dynamic));
    r.func(
        "setunion",
        vec![set("first_set").nested_unknown()],
        Ret::Computed(set_ret),
        |a, _| {
            combine(a, |acc, s| {
                for x in s {
                    if !acc.iter().any(|y| same(x, y)) {
                        acc.push(x.clone());
                    }
                }
            })
        },
    )
    .variadic(set("other_sets").nested_unknown());
    r.func(
        "setintersection",
        vec![set("first_set")],
        Ret::Computed(set_ret),
        |a, _| combine(a, |acc, s| acc.retain(|x| s.iter().any(|y| same(x, y)))),
    )
    .variadic(set("other_sets"));
    r.func(
        "setsubtract",
        vec![set("a"), set("b")],
        Ret::Computed(set_ret),
        |a, _| combine(a, |acc, s| acc.retain(|x| !s.iter().any(|y| same(x, y)))),
    );
    r.func("setproduct", vec![], Ret::Computed(dynamic_ret), setproduct)
        .variadic(p("sets", Type::Dynamic).nested_unknown());
}

fn set_ret(a: &[Value]) -> Type {
    let tys: Vec<Type> = a.iter().map(elem_type).collect();
    Type::set(unify(&tys).unwrap_or(Type::Dynamic))
}

/// Converts every set to the unified element type, then folds them.
fn combine(a: Vec<Value>, f: impl Fn(&mut Vec<Value>, &[Value])) -> R {
    let tys: Vec<Type> = a.iter().map(elem_type).collect();
    let et =
        unify(&tys).ok_or_else(|| call_err("given sets must all have compatible element types"))?;
    let mut sets = Vec::with_capacity(a.len());
    for v in &a {
        let items: Result<Vec<Value>, _> = seq(v).iter().map(|x| convert(x, &et)).collect();
        sets.push(items.map_err(|e| call_err(e.message))?);
    }
    let mut acc = sets.first().cloned().unwrap_or_default();
    for s in &sets[1..] {
        f(&mut acc, s);
    }
    Ok(Value::set(et, acc))
}

fn setproduct(a: Vec<Value>, _: &FuncContext) -> R {
    if a.len() < 2 {
        return Err(call_err("at least two arguments are required"));
    }
    let mut any_set = false;
    let mut elem_tys = Vec::with_capacity(a.len());
    let mut lists: Vec<Vec<Value>> = Vec::with_capacity(a.len());
    for (i, v) in a.iter().enumerate() {
        let (et, items) = match &v.kind {
            Kind::Set(t, xs) => {
                any_set = true;
                (t.clone(), xs.clone())
            }
            Kind::List(t, xs) => (t.clone(), xs.clone()),
            Kind::Tuple(xs) => {
                let tys: Vec<Type> = xs.iter().map(Value::ty).collect();
                let et = unify_all(&tys).unwrap_or(Type::Dynamic);
                let conv: Result<Vec<Value>, _> = xs.iter().map(|x| convert(x, &et)).collect();
                (et, conv.map_err(|e| call_err(e.message))?)
            }
            _ => return Err(crate::registry::arg_err(i, "a set or a list is required")),
        };
        elem_tys.push(et);
        lists.push(items);
    }
    let tuple_ty = Type::Tuple(elem_tys);
    let mut rows: Vec<Vec<Value>> = vec![Vec::new()];
    for items in &lists {
        let mut next = Vec::with_capacity(rows.len() * items.len());
        for row in &rows {
            for x in items {
                let mut r = row.clone();
                r.push(x.clone());
                next.push(r);
            }
        }
        rows = next;
    }
    let out: Vec<Value> = rows.into_iter().map(Value::tuple).collect();
    Ok(if any_set {
        Value::set(tuple_ty, out)
    } else {
        Value::list(tuple_ty, out)
    })
}
