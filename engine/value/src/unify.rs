//! Type unification as cty's `convert.UnifyUnsafe`: the type that every one
//! of a list of types converts to, used for conditional results, collection
//! constructors and list/set/map conversions.

use crate::convert::type_convertible;
use crate::Type;
use std::collections::BTreeMap;

/// Finds the one type that all of `types` can convert to, as Terraform does
/// for conditional results and collection literals; `None` when there is
/// none. An empty input unifies to `Dynamic`.
pub fn unify(types: &[Type]) -> Option<Type> {
    if types.is_empty() {
        return Some(Type::Dynamic);
    }
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(|t| matches!(t, Type::Map(_)));
    let lists = count(|t| matches!(t, Type::List(_)));
    let sets = count(|t| matches!(t, Type::Set(_)));
    let objects = count(|t| matches!(t, Type::Object { .. }));
    let tuples = count(|t| matches!(t, Type::Tuple(_)));
    let dynamics = count(|t| *t == Type::Dynamic);
    let n = types.len();
    if maps > 0 && maps + dynamics == n {
        return collection(Type::map, types, dynamics > 0);
    }
    if maps > 0 && maps + objects + dynamics == n {
        if let Some(t @ Type::Map(_)) = objects_as_map(types) {
            return Some(t);
        }
    } else if lists > 0 && lists + dynamics == n {
        return collection(Type::list, types, dynamics > 0);
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(t @ Type::List(_)) = tuples_as_list(types) {
            return Some(t);
        }
    } else if sets > 0 && sets + dynamics == n {
        return collection(Type::set, types, dynamics > 0);
    } else if objects > 0 && objects + dynamics == n {
        return object_types(types, dynamics > 0);
    } else if tuples > 0 && tuples + dynamics == n {
        return tuple_types(types, dynamics > 0);
    } else if objects > 0 && tuples > 0 {
        return None;
    }
    // Fall back to the most general of the given types that all convert to.
    for want in preference_order(types) {
        if types.iter().all(|t| t == want || type_convertible(t, want)) {
            return Some(want.clone());
        }
    }
    None
}

fn collection(make: fn(Type) -> Type, types: &[Type], has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    unify(&elems).map(make)
}

/// Maps with objects: the objects unify to a map first, then with the maps.
fn objects_as_map(types: &[Type]) -> Option<Type> {
    let objects: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Object { .. }))
        .cloned()
        .collect();
    let as_map = objects_to_map(&objects)?;
    let replaced: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Object { .. }) {
                as_map.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    unify(&replaced).filter(|t| matches!(t, Type::Map(_)))
}

/// Lists with tuples: the tuples unify to a list first, then with the lists.
fn tuples_as_list(types: &[Type]) -> Option<Type> {
    let tuples: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Tuple(_)))
        .cloned()
        .collect();
    let as_list = tuples_to_list(&tuples)?;
    let replaced: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Tuple(_)) {
                as_list.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    unify(&replaced).filter(|t| matches!(t, Type::List(_)))
}

fn objects_to_map(types: &[Type]) -> Option<Type> {
    let mut elems = Vec::new();
    for t in types {
        if let Type::Object { attrs, .. } = t {
            elems.extend(attrs.values().cloned());
        }
    }
    unify(&elems).map(Type::map)
}

fn tuples_to_list(types: &[Type]) -> Option<Type> {
    let mut elems = Vec::new();
    for t in types {
        if let Type::Tuple(es) = t {
            elems.extend(es.iter().cloned());
        }
    }
    unify(&elems).map(Type::list)
}

fn object_types(types: &[Type], has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let attr_maps: Vec<&BTreeMap<String, Type>> = types
        .iter()
        .filter_map(|t| match t {
            Type::Object { attrs, .. } => Some(attrs),
            _ => None,
        })
        .collect();
    let first = attr_maps[0];
    let same_names = attr_maps
        .iter()
        .all(|a| a.len() == first.len() && a.keys().eq(first.keys()));
    if !same_names {
        return objects_to_map(types);
    }
    let mut out = BTreeMap::new();
    for name in first.keys() {
        let across: Vec<Type> = attr_maps
            .iter()
            .filter_map(|a| a.get(name).cloned())
            .collect();
        out.insert(name.clone(), unify(&across)?);
    }
    Some(Type::object(out))
}

fn tuple_types(types: &[Type], has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elem_lists: Vec<&Vec<Type>> = types
        .iter()
        .filter_map(|t| match t {
            Type::Tuple(es) => Some(es),
            _ => None,
        })
        .collect();
    let len = elem_lists[0].len();
    if elem_lists.iter().any(|e| e.len() != len) {
        return tuples_to_list(types);
    }
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let across: Vec<Type> = elem_lists.iter().map(|e| e[i].clone()).collect();
        out.push(unify(&across)?);
    }
    Some(Type::Tuple(out))
}

/// cty's `compareTypes`: negative when `a` is more general than `b`.
fn compare(a: &Type, b: &Type) -> i32 {
    if *a == Type::Dynamic || *b == Type::Dynamic {
        return match (*a == Type::Dynamic, *b == Type::Dynamic) {
            (false, true) => -1,
            (true, false) => 1,
            _ => 0,
        };
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => return compare(x, y),
        _ => {}
    }
    let swap_needed = matches!(
        (a, b),
        (Type::Tuple(_), Type::List(_))
            | (Type::Object { .. }, Type::Map(_))
            | (Type::Set(_), Type::Tuple(_))
            | (Type::Set(_), Type::List(_))
    );
    let (a, b, swap) = if swap_needed { (b, a, -1) } else { (a, b, 1) };
    if matches!(b, Type::Set(_)) && matches!(a, Type::Tuple(_) | Type::List(_)) {
        return -swap;
    }
    if matches!(a, Type::List(_)) && matches!(b, Type::Tuple(_)) {
        return -swap;
    }
    if matches!(a, Type::Map(_)) && matches!(b, Type::Object { .. }) {
        return -swap;
    }
    match (a, b) {
        (Type::Object { attrs: x, .. }, Type::Object { attrs: y, .. }) => {
            if x.len() != y.len() {
                return 0;
            }
            let (mut a_super, mut b_super) = (false, false);
            for (k, xt) in x {
                let Some(yt) = y.get(k) else { return 0 };
                match compare(xt, yt) {
                    c if c < 0 => a_super = true,
                    c if c > 0 => b_super = true,
                    _ => {}
                }
            }
            supers(a_super, b_super, swap)
        }
        (Type::Tuple(x), Type::Tuple(y)) => {
            if x.len() != y.len() {
                return 0;
            }
            let (mut a_super, mut b_super) = (false, false);
            for (xt, yt) in x.iter().zip(y) {
                match compare(xt, yt) {
                    c if c < 0 => a_super = true,
                    c if c > 0 => b_super = true,
                    _ => {}
                }
            }
            supers(a_super, b_super, swap)
        }
        _ => 0,
    }
}

fn supers(a_super: bool, b_super: bool, swap: i32) -> i32 {
    match (a_super, b_super) {
        (true, true) | (false, false) => 0,
        (true, false) => -swap,
        (false, true) => swap,
    }
}

/// The types ordered most general first (a topological sort of
/// "more general than", stable for incomparable types).
fn preference_order(types: &[Type]) -> Vec<&Type> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indeg = vec![0usize; n];
    for i in 0..n {
        for j in i + 1..n {
            match compare(&types[i], &types[j]) {
                c if c < 0 => {
                    edges[i].push(j);
                    indeg[j] += 1;
                }
                c if c > 0 => {
                    edges[j].push(i);
                    indeg[i] += 1;
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::with_capacity(n);
    let mut done = vec![false; n];
    while out.len() < n {
        let next = (0..n)
            .find(|&i| !done[i] && indeg[i] == 0)
            .or_else(|| (0..n).find(|&i| !done[i]));
        let Some(i) = next else { break };
        done[i] = true;
        out.push(&types[i]);
        for &j in &edges[i] {
            indeg[j] = indeg[j].saturating_sub(1);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn list_and_set_unify_to_list() {
        let t = unify(&[Type::list(Type::Number), Type::set(Type::Number)]);
        assert_eq!(t, Some(Type::list(Type::Number)));
    }

    #[test]
    fn tuple_and_list_unify_to_list() {
        let t = unify(&[Type::list(Type::String), Type::Tuple(vec![Type::Number])]);
        assert_eq!(t, Some(Type::list(Type::String)));
        assert_eq!(unify(&[Type::Tuple(vec![]), Type::empty_object()]), None);
        // Tuples of different lengths unify as a list (terraform console:
        // type(true ? [1] : [1, 2]) is list(number)).
        let t = unify(&[
            Type::Tuple(vec![Type::Number]),
            Type::Tuple(vec![Type::Number, Type::Number]),
        ]);
        assert_eq!(t, Some(Type::list(Type::Number)));
    }
}
