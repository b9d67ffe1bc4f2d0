//! Collection functions: alltrue, anytrue, chunklist, coalesce,
//! coalescelist, compact, concat, contains, distinct, element, flatten,
//! index, keys, length, list/map (removed), lookup, matchkeys, merge, one,
//! range, reverse, slice, sort, transpose, values, zipmap.

use crate::numeric::{int_of, number, string};
use crate::registry::{arg_err, call_err, dynamic_ret, p, Fail, FuncContext, Registry, Ret, R};
use crate::strings::sv;
use std::collections::BTreeMap;
use terrane_value::{convert, unify, Kind, Number, Type, Value};

pub(crate) fn register(r: &mut Registry) {
    let b = Ret::Static(Type::Bool);
    let lb = || p("list", Type::list(Type::Bool));
    r.func("alltrue", vec![lb().nested_unknown()], b.clone(), |a, _| {
        let xs = seq(&a[0]);
        if xs.iter().any(|x| !x.is_known()) {
            return Ok(Value::unknown(Type::Bool));
        }
        Ok(Value::bool(xs.iter().all(|x| x.as_bool() == Some(true))))
    });
    r.func("anytrue", vec![lb().nested_unknown()], b, |a, _| {
        let xs = seq(&a[0]);
        if xs.iter().any(|x| x.as_bool() == Some(true)) {
            return Ok(Value::bool(true));
        }
        if xs.iter().any(|x| !x.is_known()) {
            return Ok(Value::unknown(Type::Bool));
        }
        Ok(Value::bool(false))
    });
    r.func(
        "chunklist",
        vec![
            p("list", Type::list(Type::Dynamic)).passthrough(),
            p("size", Type::Number),
        ],
        Ret::Computed(|a| Type::list(a.first().map(Value::ty).unwrap_or(Type::Dynamic))),
        chunklist,
    );
    r.func(
        "coalesce",
        vec![],
        Ret::Computed(|a| unify_all(&types(a)).unwrap_or(Type::Dynamic)),
        coalesce,
    )
    .variadic(p("vals", Type::Dynamic).any());
    r.func(
        "coalescelist",
        vec![],
        Ret::Computed(dynamic_ret),
        coalescelist,
    )
    .variadic(p("vals", Type::Dynamic).any());
    r.func(
        "compact",
        vec![p("list", Type::list(Type::String))],
        Ret::Static(Type::list(Type::String)),
        |a, _| {
            let items: Vec<Value> = seq(&a[0])
                .iter()
                .filter(|x| !matches!(x.as_str(), Some("") | None))
                .cloned()
                .collect();
            Ok(Value::list(Type::String, items))
        },
    );
    r.func("concat", vec![], Ret::Computed(concat_ret), concat)
        .variadic(p("seqs", Type::Dynamic).passthrough());
    r.func(
        "contains",
        vec![
            p("list", Type::Dynamic).nested_unknown(),
            p("value", Type::Dynamic),
        ],
        Ret::Static(Type::Bool),
        |a, _| match &a[0].kind {
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => {
                let xs = seq(&a[0]);
                if xs.iter().any(|x| x.is_wholly_known() && same(x, &a[1])) {
                    Ok(Value::bool(true))
                } else if xs.iter().any(|x| !x.is_wholly_known()) {
                    Ok(Value::unknown(Type::Bool))
                } else {
                    Ok(Value::bool(false))
                }
            }
            _ => Err(call_err("argument must be list, tuple, or set")),
        },
    );
    r.func(
        "distinct",
        vec![p("list", Type::list(Type::Dynamic))],
        Ret::Computed(|a| a.first().map(Value::ty).unwrap_or(Type::Dynamic)),
        |a, _| {
            let mut out: Vec<Value> = Vec::new();
            for x in seq(&a[0]) {
                if !out.iter().any(|y| same(x, y)) {
                    out.push(x.clone());
                }
            }
            Ok(Value::list(elem_type(&a[0]), out))
        },
    );
    r.func(
        "element",
        vec![
            p("list", Type::Dynamic).passthrough(),
            p("index", Type::Number),
        ],
        Ret::Computed(element_ret),
        element,
    );
    r.func(
        "flatten",
        vec![p("list", Type::Dynamic).passthrough()],
        Ret::Computed(dynamic_ret),
        |a, _| {
            if !matches!(a[0].kind, Kind::List(..) | Kind::Set(..) | Kind::Tuple(_)) {
                return Err(call_err("can only flatten lists, sets and tuples"));
            }
            let mut out = Vec::new();
            flatten_into(&a[0], &mut out);
            Ok(Value::tuple(out))
        },
    );
    r.func(
        "index",
        vec![p("list", Type::Dynamic), p("value", Type::Dynamic)],
        Ret::Static(Type::Number),
        |a, _| {
            if !matches!(a[0].kind, Kind::List(..) | Kind::Tuple(_)) {
                return Err(call_err("argument must be a list or tuple"));
            }
            let xs = seq(&a[0]);
            if xs.is_empty() {
                return Err(call_err("cannot search an empty list"));
            }
            match xs.iter().position(|x| same(x, &a[1])) {
                Some(i) => Ok(Value::number(i)),
                None => Err(call_err("item not found")),
            }
        },
    );
    r.func(
        "keys",
        vec![p("inputMap", Type::Dynamic).passthrough()],
        Ret::Computed(keys_ret),
        |a, _| match &a[0].kind {
            Kind::Map(_, m) => Ok(Value::list(Type::String, m.keys().map(sv).collect())),
            Kind::Object(m) => Ok(Value::tuple(m.keys().map(sv).collect())),
            _ => Err(arg_err(0, "must have map or object type")),
        },
    );
    r.func(
        "values",
        vec![p("mapping", Type::Dynamic).passthrough()],
        Ret::Computed(values_ret),
        |a, _| match &a[0].kind {
            Kind::Map(t, m) => Ok(Value::list(t.clone(), m.values().cloned().collect())),
            Kind::Object(m) => Ok(Value::tuple(m.values().cloned().collect())),
            _ => Err(call_err("values() requires a map as the first argument")),
        },
    );
    r.func(
        "length",
        vec![p("value", Type::Dynamic).unknown().dynamic().passthrough()],
        Ret::Static(Type::Number),
        length,
    );
    r.func("list", vec![], Ret::Static(Type::Dynamic), |_, _| {
        Err(call_err("the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list"))
    })
    .variadic(p("vals", Type::Dynamic).any());
    r.func("map", vec![], Ret::Static(Type::Dynamic), |_, _| {
        Err(call_err("the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map"))
    })
    .variadic(p("vals", Type::Dynamic).any());
    r.func(
        "lookup",
        vec![
            p("inputMap", Type::Dynamic).passthrough(),
            p("key", Type::String),
        ],
        Ret::Computed(lookup_ret),
        lookup,
    )
    .variadic(p("default", Type::Dynamic).any());
    r.func(
        "matchkeys",
        vec![
            p("values", Type::list(Type::Dynamic)),
            p("keys", Type::list(Type::Dynamic)),
            p("searchset", Type::list(Type::Dynamic)),
        ],
        Ret::Computed(|a| a.first().map(Value::ty).unwrap_or(Type::Dynamic)),
        matchkeys,
    );
    r.func("merge", vec![], Ret::Computed(merge_ret), merge)
        .variadic(p("maps", Type::Dynamic).null().dynamic().passthrough());
    r.func(
        "one",
        vec![p("list", Type::Dynamic).passthrough()],
        Ret::Computed(element_ret),
        one,
    );
    r.func(
        "range",
        vec![],
        Ret::Static(Type::list(Type::Number)),
        range,
    )
    .variadic(p("params", Type::Number));
    r.func(
        "reverse",
        vec![p("list", Type::Dynamic).passthrough()],
        Ret::Computed(same_ret),
        |a, _| match &a[0].kind {
            Kind::List(t, xs) | Kind::Set(t, xs) => {
                Ok(Value::list(t.clone(), xs.iter().rev().cloned().collect()))
            }
            Kind::Tuple(xs) => Ok(Value::tuple(xs.iter().rev().cloned().collect())),
            _ => Err(arg_err(
                0,
                format!(
                    "can only reverse list or tuple values, not {}",
                    a[0].ty().friendly_name()
                ),
            )),
        },
    );
    r.func(
        "slice",
        vec![
            p("list", Type::Dynamic).passthrough(),
            p("start_index", Type::Number),
            p("end_index", Type::Number),
        ],
        Ret::Computed(same_ret),
        slice,
    );
    r.func(
        "sort",
        vec![p("list", Type::list(Type::String)).nested_unknown()],
        Ret::Static(Type::list(Type::String)),
        |a, _| {
            let xs = seq(&a[0]);
            if xs.iter().any(|x| !x.is_known()) {
                // The order is not known yet, but the length is.
                let unknowns = vec![Value::unknown(Type::String); xs.len()];
                return Ok(Value::list(Type::String, unknowns));
            }
            let mut out = Vec::with_capacity(xs.len());
            for (i, x) in xs.iter().enumerate() {
                match x.as_str() {
                    Some(s) => out.push(s.to_string()),
                    None => {
                        return Err(call_err(format!(
                            "given list element {i} is null; a null string cannot be sorted"
                        )))
                    }
                }
            }
            out.sort();
            Ok(Value::list(Type::String, out.into_iter().map(sv).collect()))
        },
    );
    r.func(
        "transpose",
        vec![p("values", Type::map(Type::list(Type::String)))],
        Ret::Static(Type::map(Type::list(Type::String))),
        transpose,
    );
    r.func(
        "zipmap",
        vec![
            p("keys", Type::list(Type::String)),
            p("values", Type::Dynamic).passthrough(),
        ],
        Ret::Computed(zipmap_ret),
        zipmap,
    );
}

/// The elements of a list, set or tuple argument (empty otherwise).
pub(crate) fn seq(v: &Value) -> &[Value] {
    v.as_seq().unwrap_or_default()
}

/// The element type of a list, set or map value.
pub(crate) fn elem_type(v: &Value) -> Type {
    v.ty().element_type().cloned().unwrap_or(Type::Dynamic)
}

fn types(a: &[Value]) -> Vec<Type> {
    a.iter().map(Value::ty).collect()
}

/// Terraform's type unification, also turning tuples of different lengths
/// into lists.
pub(crate) fn unify_all(tys: &[Type]) -> Option<Type> {
    if tys.is_empty() {
        return None;
    }
    if let Some(t) = unify(tys) {
        return Some(t);
    }
    let seqish = tys
        .iter()
        .all(|t| matches!(t, Type::Tuple(_) | Type::List(_) | Type::Dynamic));
    if seqish {
        let elems: Vec<Type> = tys
            .iter()
            .flat_map(|t| match t {
                Type::Tuple(es) => es.clone(),
                Type::List(e) => vec![(**e).clone()],
                _ => Vec::new(),
            })
            .collect();
        return unify(&elems).map(Type::list);
    }
    None
}

/// cty's `Equals` for two wholly known, unmarked values: same type and
/// same content (numbers by value).
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    a.ty() == b.ty() && a == b
}

fn chunklist(a: Vec<Value>, _: &FuncContext) -> R {
    let size = int_of(&a[1]).map_err(|m| call_err(format!("invalid size: {m}")))?;
    if size < 0 {
        return Err(call_err("the size argument must be positive"));
    }
    let et = elem_type(&a[0]);
    let xs = seq(&a[0]);
    let chunks: Vec<Value> = if size == 0 {
        if xs.is_empty() {
            Vec::new()
        } else {
            vec![Value::list(et.clone(), xs.to_vec())]
        }
    } else {
        xs.chunks(size as usize)
            .map(|c| Value::list(et.clone(), c.to_vec()))
            .collect()
    };
    Ok(Value::list(Type::list(et), chunks))
}

fn coalesce(a: Vec<Value>, _: &FuncContext) -> R {
    let ty =
        unify_all(&types(&a)).ok_or_else(|| call_err("all arguments must have the same type"))?;
    for v in &a {
        let v = convert(v, &ty).map_err(|e| call_err(e.message))?;
        if !v.is_known() {
            return Ok(Value::unknown(ty));
        }
        if v.is_null() || v.as_str() == Some("") {
            continue;
        }
        return Ok(v);
    }
    Err(call_err("no non-null, non-empty-string arguments"))
}

fn coalescelist(a: Vec<Value>, _: &FuncContext) -> R {
    if a.is_empty() {
        return Err(call_err("at least one argument is required"));
    }
    for v in &a {
        if !matches!(v.ty(), Type::List(_) | Type::Tuple(_)) || v.is_null() {
            return Err(call_err("coalescelist arguments must be lists or tuples"));
        }
        if !v.is_known() {
            return Ok(Value::unknown(Type::Dynamic));
        }
        if !v.is_empty() {
            return Ok(v.clone());
        }
    }
    Err(call_err("no non-null arguments"))
}

fn concat(a: Vec<Value>, _: &FuncContext) -> R {
    if a.is_empty() {
        return Err(call_err("at least one argument is required"));
    }
    let mut all_lists = true;
    for (i, v) in a.iter().enumerate() {
        match v.ty() {
            Type::List(_) => {}
            Type::Tuple(_) => all_lists = false,
            t => {
                return Err(arg_err(
                    i,
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        t.friendly_name()
                    ),
                ))
            }
        }
    }
    let items: Vec<Value> = a.iter().flat_map(|v| seq(v).iter().cloned()).collect();
    if all_lists {
        let tys: Vec<Type> = a.iter().map(elem_type).collect();
        if let Some(et) = unify(&tys) {
            let conv: Result<Vec<Value>, _> = items.iter().map(|x| convert(x, &et)).collect();
            return Ok(Value::list(et, conv.map_err(|e| call_err(e.message))?));
        }
    }
    Ok(Value::tuple(items))
}

fn element(a: Vec<Value>, _: &FuncContext) -> R {
    let xs = match &a[0].kind {
        Kind::List(_, xs) | Kind::Tuple(xs) => xs,
        _ => {
            return Err(call_err(format!(
                "cannot read elements from {}",
                a[0].ty().friendly_name()
            )))
        }
    };
    let i = int_of(&a[1]).map_err(|m| call_err(format!("invalid index: {m}")))?;
    if xs.is_empty() {
        return Err(call_err("cannot use element function with an empty list"));
    }
    if i < 0 {
        return Err(Fail::Panic(format!(
            "runtime error: index out of range [{i}]"
        )));
    }
    Ok(xs[(i as usize) % xs.len()].clone())
}

/// Flattens nested sequences into `out`; false when an unknown value
/// might be a sequence (so the shape of the result is not known).
fn flatten_into(v: &Value, out: &mut Vec<Value>) -> bool {
    for x in seq(v) {
        match &x.kind {
            Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => {
                if !flatten_into(x, out) {
                    return false;
                }
            }
            Kind::Unknown(t) if !t.is_primitive() => return false,
            _ => out.push(x.clone()),
        }
    }
    true
}

/// cty's `concat` result type: a list when every argument is a list of
/// unifiable element types, otherwise a tuple (unknown lists make it
/// dynamic).
fn concat_ret(a: &[Value]) -> Type {
    let tys: Vec<Type> = a.iter().map(Value::ty).collect();
    if tys.iter().all(|t| matches!(t, Type::List(_))) && !tys.is_empty() {
        if let Some(t) = unify(&tys) {
            return t;
        }
    }
    let mut elems = Vec::new();
    for v in a {
        match v.ty() {
            Type::Tuple(es) => elems.extend(es),
            Type::List(e) if v.is_known() => {
                elems.extend(std::iter::repeat_n(*e, v.len().unwrap_or(0)))
            }
            _ => return Type::Dynamic,
        }
    }
    Type::Tuple(elems)
}

/// cty's `merge` result type: the arguments' type when they all match,
/// otherwise an object of every known attribute.
fn merge_ret(a: &[Value]) -> Type {
    let Some(first) = a.first().map(Value::ty) else {
        return Type::empty_object();
    };
    let mut attrs = std::collections::BTreeMap::new();
    let mut all_known = true;
    for v in a {
        match v.ty() {
            Type::Dynamic => return Type::Dynamic,
            Type::Object { attrs: at, .. } if !v.is_null() => attrs.extend(at),
            Type::Map(e) if !v.is_null() => match v.as_entries() {
                Some(m) => attrs.extend(m.keys().map(|k| (k.clone(), (*e).clone()))),
                None => all_known = false,
            },
            _ => {}
        }
    }
    if a.iter().all(|v| v.ty() == first) {
        first
    } else if all_known {
        Type::object(attrs)
    } else {
        Type::Dynamic
    }
}

fn values_ret(a: &[Value]) -> Type {
    match a.first().map(Value::ty) {
        Some(Type::Map(e)) => Type::List(e),
        Some(Type::Object { attrs, .. }) => Type::Tuple(attrs.into_values().collect()),
        _ => Type::Dynamic,
    }
}

fn zipmap_ret(a: &[Value]) -> Type {
    match (a.first(), a.get(1).map(Value::ty)) {
        (_, Some(Type::List(e))) => Type::Map(e),
        (Some(keys), Some(Type::Tuple(es))) => match keys.as_seq() {
            Some(ks) if ks.len() == es.len() && ks.iter().all(|k| k.as_str().is_some()) => {
                Type::object(
                    ks.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .zip(es)
                        .collect(),
                )
            }
            _ => Type::Dynamic,
        },
        _ => Type::Dynamic,
    }
}

/// The element type of a list or set argument (for unknown results).
fn element_ret(a: &[Value]) -> Type {
    a.first()
        .and_then(|v| match v.ty() {
            Type::List(e) | Type::Set(e) => Some(*e),
            _ => None,
        })
        .unwrap_or(Type::Dynamic)
}

/// The type of the first argument (for unknown results).
fn same_ret(a: &[Value]) -> Type {
    match a.first().map(Value::ty) {
        Some(Type::Set(e)) => Type::List(e),
        Some(t) => t,
        None => Type::Dynamic,
    }
}

fn keys_ret(a: &[Value]) -> Type {
    match a.first().map(Value::ty) {
        Some(Type::Map(_)) => Type::list(Type::String),
        Some(Type::Object { attrs, .. }) => Type::Tuple(vec![Type::String; attrs.len()]),
        _ => Type::Dynamic,
    }
}

fn lookup_ret(a: &[Value]) -> Type {
    match (a.first().map(Value::ty), a.get(1).and_then(Value::as_str)) {
        (Some(Type::Map(e)), _) => *e,
        (Some(Type::Object { attrs, .. }), Some(k)) => {
            attrs.get(k).cloned().unwrap_or(Type::Dynamic)
        }
        _ => Type::Dynamic,
    }
}

fn length(a: Vec<Value>, _: &FuncContext) -> R {
    let v = &a[0];
    match &v.kind {
        Kind::Unknown(t) => match t {
            Type::Tuple(es) => Ok(Value::number(es.len())),
            Type::Object { attrs, .. } => Ok(Value::number(attrs.len())),
            Type::String | Type::Dynamic | Type::List(_) | Type::Set(_) | Type::Map(_) => {
                Ok(Value::unknown(Type::Number))
            }
            _ => Err(call_err(
                "argument must be a string, a collection type, or a structural type",
            )),
        },
        Kind::Null(_) => Err(arg_err(0, "argument must not be null")),
        Kind::String(s) => Ok(Value::number(crate::text::grapheme_count(s))),
        Kind::Set(_, xs) if xs.iter().any(|x| !x.is_known()) => Ok(Value::unknown(Type::Number)),
        _ => match v.len() {
            Some(n) if !matches!(v.kind, Kind::Bool(_) | Kind::Number(_)) => Ok(Value::number(n)),
            _ => Err(call_err(
                "argument must be a string, a collection type, or a structural type",
            )),
        },
    }
}

fn lookup(a: Vec<Value>, _: &FuncContext) -> R {
    if a.len() > 3 {
        return Err(call_err(format!(
            "lookup() takes two or three arguments, got {}",
            a.len()
        )));
    }
    let key = string(&a[1]);
    let default = a.get(2);
    match &a[0].kind {
        Kind::Object(m) => match (m.get(key), default) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(d)) => Ok(d.clone()),
            (None, None) => Err(arg_err(
                0,
                format!("the given object has no attribute {key:?}"),
            )),
        },
        Kind::Map(t, m) => match (m.get(key), default) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(d)) if d.is_null() => Ok(Value::null(t.clone())),
            (None, Some(d)) => convert(d, t).map_err(|_| {
                arg_err(
                    2,
                    "the default value must have the same type as the map elements",
                )
            }),
            (None, None) => Err(call_err(format!("lookup failed to find key {key:?}"))),
        },
        _ => Err(arg_err(0, "lookup() requires a map as the first argument")),
    }
}

fn matchkeys(a: Vec<Value>, _: &FuncContext) -> R {
    let (vals, keys, search) = (seq(&a[0]), seq(&a[1]), seq(&a[2]));
    if vals.len() != keys.len() {
        return Err(call_err("length of keys and values should be equal"));
    }
    let vt = elem_type(&a[0]);
    if vals.is_empty() {
        return Ok(Value::list(vt, Vec::new()));
    }
    let kt = elem_type(&a[1]);
    let st = elem_type(&a[2]);
    let ty =
        unify(&[kt, st]).ok_or_else(|| call_err("keys and searchset must be of the same type"))?;
    let conv = |x: &Value| convert(x, &ty).map_err(|e| call_err(e.message));
    let search: Vec<Value> = search.iter().map(conv).collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (v, k) in vals.iter().zip(keys) {
        let k = conv(k)?;
        if search.iter().any(|s| same(s, &k)) {
            out.push(v.clone());
        }
    }
    Ok(Value::list(vt, out))
}

fn merge(a: Vec<Value>, _: &FuncContext) -> R {
    let mut all_maps = true;
    let mut any = false;
    for v in &a {
        // The kind of the argument's type, without building the type.
        let is_map = match &v.kind {
            Kind::Map(..) | Kind::Null(Type::Map(_)) | Kind::Unknown(Type::Map(_)) => Some(true),
            Kind::Object(_)
            | Kind::Null(Type::Object { .. })
            | Kind::Unknown(Type::Object { .. }) => Some(false),
            _ => None,
        };
        match is_map {
            Some(true) => any = true,
            Some(false) => {
                any = true;
                all_maps = false
            }
            None if v.is_null() && v.is_dynamically_typed() => {}
            None => {
                return Err(call_err(format!(
                    "arguments must be maps or objects, got {:?}",
                    v.ty().friendly_name()
                )))
            }
        }
    }
    let map_type = if all_maps && any {
        let tys: Vec<Type> = a.iter().filter(|v| !v.is_null()).map(elem_type).collect();
        unify(&tys).filter(|et| tys.iter().all(|t| t == et))
    } else {
        None
    };
    // The arguments are ours: move their entries instead of copying them.
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for v in a {
        if let Kind::Map(_, m) | Kind::Object(m) = v.kind {
            if out.is_empty() {
                out = m;
            } else {
                out.extend(m);
            }
        }
    }
    Ok(match map_type {
        Some(et) => Value::map(et, out),
        None => Value::object(out),
    })
}

fn one(a: Vec<Value>, _: &FuncContext) -> R {
    let bad = || {
        arg_err(
            0,
            "must be a list, set, or tuple value with either zero or one elements",
        )
    };
    let v = &a[0];
    let xs = match &v.kind {
        Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => seq(v),
        _ => return Err(bad()),
    };
    match xs {
        [] => Ok(Value::null(elem_type(v))),
        [x] => Ok(x.clone()),
        _ => Err(bad()),
    }
}

fn range(a: Vec<Value>, _: &FuncContext) -> R {
    let (start, end, step) = match a.as_slice() {
        [e] => {
            let e = number(e);
            let step = if e.cmp_value(&Number::from(0)).is_lt() {
                -1
            } else {
                1
            };
            (Number::from(0), e, Number::from(step))
        }
        [s, e] => {
            let (s, e) = (number(s), number(e));
            let step = if e.cmp_value(&s).is_lt() { -1 } else { 1 };
            (s, e, Number::from(step))
        }
        [s, e, st] => (number(s), number(e), number(st)),
        _ => return Err(call_err("must have one, two, or three arguments")),
    };
    let zero = Number::from(0);
    if step.cmp_value(&zero).is_lt() && start.cmp_value(&end).is_lt() {
        return Err(arg_err(
            0,
            "end must be less than start when step is negative",
        ));
    }
    if step.cmp_value(&zero).is_gt() && end.cmp_value(&start).is_lt() {
        return Err(arg_err(
            0,
            "end must be greater than start when step is positive",
        ));
    }
    let mut out = Vec::new();
    let mut x = start;
    let up = !step.cmp_value(&zero).is_lt();
    while if up {
        x.cmp_value(&end).is_lt()
    } else {
        x.cmp_value(&end).is_gt()
    } {
        if out.len() >= 1024 {
            return Err(call_err("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step"));
        }
        out.push(Value::number(x.clone()));
        x = x.add(&step);
    }
    Ok(Value::list(Type::Number, out))
}

fn slice(a: Vec<Value>, _: &FuncContext) -> R {
    let xs = match &a[0].kind {
        Kind::List(..) | Kind::Tuple(_) => seq(&a[0]),
        _ => return Err(arg_err(0, "must be a list or tuple value")),
    };
    let start = int_of(&a[1]).map_err(|m| arg_err(1, format!("invalid start index: {m}")))?;
    let end = int_of(&a[2]).map_err(|m| arg_err(2, format!("invalid end index: {m}")))?;
    if start < 0 {
        return Err(arg_err(1, "start index must not be less than zero"));
    }
    if end > xs.len() as i64 {
        return Err(arg_err(
            2,
            "end index must not be greater than the length of the list",
        ));
    }
    if start > end {
        return Err(arg_err(1, "start index must not be greater than end index"));
    }
    let part = xs[start as usize..end as usize].to_vec();
    match &a[0].kind {
        Kind::List(t, _) => Ok(Value::list(t.clone(), part)),
        _ => Ok(Value::tuple(part)),
    }
}

fn transpose(a: Vec<Value>, _: &FuncContext) -> R {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, list) in a[0].as_entries().into_iter().flatten() {
        for x in seq(list) {
            match x.as_str() {
                Some(s) => out.entry(s.to_string()).or_default().push(sv(k.as_str())),
                None => return Err(call_err("input list must not contain null string")),
            }
        }
    }
    let m = out
        .into_iter()
        .map(|(k, v)| (k, Value::list(Type::String, v)))
        .collect();
    Ok(Value::map(Type::list(Type::String), m))
}

fn zipmap(a: Vec<Value>, _: &FuncContext) -> R {
    let keys = seq(&a[0]);
    let (vals, list_ty) = match &a[1].kind {
        Kind::List(t, xs) => (xs, Some(t.clone())),
        Kind::Tuple(xs) => (xs, None),
        _ => return Err(call_err("values argument must be a list or tuple value")),
    };
    if keys.len() != vals.len() {
        return Err(call_err(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            vals.len()
        )));
    }
    let mut m = BTreeMap::new();
    for (k, v) in keys.iter().zip(vals) {
        match k.as_str() {
            Some(k) => {
                m.insert(k.to_string(), v.clone());
            }
            None => {
                return Err(call_err(format!(
                    "keys list has null value at index {}",
                    m.len()
                )))
            }
        }
    }
    Ok(match list_ty {
        Some(t) => Value::map(t, m),
        None => Value::object(m),
    })
}
