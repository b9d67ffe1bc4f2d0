//! Values in the JSON shapes Terraform's plan format uses: the value itself
//! with unknowns omitted (objects) or null (sequences), and the parallel
//! "unknown" and "sensitive" mask trees (`after_unknown`,
//! `before_sensitive`, ...). The structured diff and `show -json` both start
//! from these, so the terminal diff and the JSON can never disagree.

use serde_json::{Map, Number as JsonNumber, Value as J};
use terrane_provider::{Block, Nesting};
use terrane_value::{Kind, Type, Value};

/// A value as plan JSON writes it: unknown object attributes and map
/// entries are left out, unknown sequence elements become `null`, marks are
/// dropped (the masks carry them).
pub fn value_json(v: &Value) -> J {
    match &v.kind {
        Kind::Null(_) | Kind::Unknown(_) => J::Null,
        Kind::Bool(b) => J::Bool(*b),
        Kind::Number(n) => number_json(&n.to_string()),
        Kind::String(s) => J::String(s.clone()),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            J::Array(xs.iter().map(value_json).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                if x.is_known() {
                    out.insert(k.clone(), value_json(x));
                }
            }
            J::Object(out)
        }
    }
}

/// A JSON number from decimal text; text serde cannot hold exactly falls
/// back to its nearest float, and non-finite text to `null`.
pub fn number_json(text: &str) -> J {
    if let Ok(i) = text.parse::<i64>() {
        return J::Number(i.into());
    }
    if let Ok(u) = text.parse::<u64>() {
        return J::Number(u.into());
    }
    match text.parse::<f64>().ok().and_then(JsonNumber::from_f64) {
        Some(n) => J::Number(n),
        None => J::Null,
    }
}

/// The unknown mask (`after_unknown`): `true` for an unknown value, `false`
/// for a known primitive or null, an array per sequence element, and an
/// object listing only the entries that are not `false`.
pub fn unknown_mask(v: &Value) -> J {
    match &v.kind {
        Kind::Unknown(_) => J::Bool(true),
        Kind::Null(_) | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) => J::Bool(false),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            J::Array(xs.iter().map(unknown_mask).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let mask = unknown_mask(x);
                if mask != J::Bool(false) {
                    out.insert(k.clone(), mask);
                }
            }
            J::Object(out)
        }
    }
}

/// The sensitive mask (`before_sensitive`/`after_sensitive`,
/// `sensitive_values`): `true` for a value marked sensitive, otherwise the
/// same shape rules as [`unknown_mask`]; unknown collections give empty
/// masks.
pub fn sensitive_mask(v: &Value) -> J {
    if v.is_sensitive() {
        return J::Bool(true);
    }
    match &v.kind {
        Kind::Unknown(t) => match t {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => J::Array(Vec::new()),
            Type::Map(_) | Type::Object { .. } => J::Object(Map::new()),
            _ => J::Bool(false),
        },
        Kind::Null(_) | Kind::Bool(_) | Kind::Number(_) | Kind::String(_) => J::Bool(false),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            J::Array(xs.iter().map(sensitive_mask).collect())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let mask = sensitive_mask(x);
                if mask != J::Bool(false) {
                    out.insert(k.clone(), mask);
                }
            }
            J::Object(out)
        }
    }
}

/// Marks the attributes a schema declares sensitive (at any block depth) on
/// a resource object value, as Terraform does before writing plan JSON.
pub fn apply_schema_sensitivity(v: &Value, block: &Block) -> Value {
    let Kind::Object(attrs) = &v.kind else {
        return v.clone();
    };
    let mut out = attrs.clone();
    for (name, a) in &block.attributes {
        if a.sensitive {
            if let Some(x) = out.get_mut(name) {
                *x = x.clone().mark_sensitive();
            }
        }
    }
    for (name, nb) in &block.blocks {
        let Some(x) = out.get_mut(name) else { continue };
        let inner = &nb.block;
        let updated = match (&x.kind, nb.nesting) {
            (Kind::Object(_), Nesting::Single | Nesting::Group) => {
                apply_schema_sensitivity(x, inner)
            }
            (Kind::List(t, xs), _) => Value {
                kind: Kind::List(
                    t.clone(),
                    xs.iter()
                        .map(|e| apply_schema_sensitivity(e, inner))
                        .collect(),
                ),
                marks: x.marks,
            },
            (Kind::Set(t, xs), _) => Value {
                kind: Kind::Set(
                    t.clone(),
                    xs.iter()
                        .map(|e| apply_schema_sensitivity(e, inner))
                        .collect(),
                ),
                marks: x.marks,
            },
            (Kind::Tuple(xs), _) => Value {
                kind: Kind::Tuple(
                    xs.iter()
                        .map(|e| apply_schema_sensitivity(e, inner))
                        .collect(),
                ),
                marks: x.marks,
            },
            (Kind::Map(t, m), _) => Value {
                kind: Kind::Map(
                    t.clone(),
                    m.iter()
                        .map(|(k, e)| (k.clone(), apply_schema_sensitivity(e, inner)))
                        .collect(),
                ),
                marks: x.marks,
            },
            _ => x.clone(),
        };
        *x = updated;
    }
    Value {
        kind: Kind::Object(out),
        marks: v.marks,
    }
}

/// A type in cty's JSON type syntax (`"string"`, `["list","string"]`,
/// `["object",{...}]`, `"dynamic"`), as `show -json` writes output types.
pub fn type_json(t: &Type) -> J {
    match t {
        Type::String => J::String("string".into()),
        Type::Number => J::String("number".into()),
        Type::Bool => J::String("bool".into()),
        Type::Dynamic => J::String("dynamic".into()),
        Type::List(e) => J::Array(vec![J::String("list".into()), type_json(e)]),
        Type::Set(e) => J::Array(vec![J::String("set".into()), type_json(e)]),
        Type::Map(e) => J::Array(vec![J::String("map".into()), type_json(e)]),
        Type::Tuple(es) => J::Array(vec![
            J::String("tuple".into()),
            J::Array(es.iter().map(type_json).collect()),
        ]),
        Type::Object { attrs, optional } => {
            let mut m = Map::new();
            for (k, v) in attrs {
                m.insert(k.clone(), type_json(v));
            }
            let mut parts = vec![J::String("object".into()), J::Object(m)];
            if !optional.is_empty() {
                parts.push(J::Array(
                    optional.iter().map(|o| J::String(o.clone())).collect(),
                ));
            }
            J::Array(parts)
        }
    }
}

/// Rebuilds a value from plan JSON and its masks (the inverse of
/// [`value_json`] + [`unknown_mask`] + [`sensitive_mask`]): objects become
/// objects, arrays tuples, so types are JSON-shaped. Used to load plans
/// written by Terraform (and by tests).
pub fn value_from_json(v: &J, unknown: &J, sensitive: &J) -> Value {
    let value = if unknown == &J::Bool(true) {
        // The sensitive mask's shape tells a collection's unknown apart.
        match sensitive {
            J::Array(_) => Value::unknown(Type::Tuple(Vec::new())),
            J::Object(_) => Value::unknown(Type::empty_object()),
            _ => Value::unknown(Type::Dynamic),
        }
    } else {
        match v {
            J::Null => Value::dynamic_null(),
            J::Bool(b) => Value::bool(*b),
            J::Number(n) => match terrane_value::Number::parse(&n.to_string()) {
                Ok(num) => Value::number(num),
                Err(_) => Value::dynamic_null(),
            },
            J::String(s) => Value::string(s.clone()),
            J::Array(xs) => {
                let n = xs.len().max(unknown.as_array().map_or(0, Vec::len));
                Value::tuple(
                    (0..n)
                        .map(|i| {
                            value_from_json(
                                xs.get(i).unwrap_or(&J::Null),
                                unknown.get(i).unwrap_or(&J::Null),
                                sensitive.get(i).unwrap_or(&J::Null),
                            )
                        })
                        .collect(),
                )
            }
            J::Object(m) => {
                let mut attrs = std::collections::BTreeMap::new();
                for (k, x) in m {
                    attrs.insert(
                        k.clone(),
                        value_from_json(
                            x,
                            unknown.get(k).unwrap_or(&J::Null),
                            sensitive.get(k).unwrap_or(&J::Null),
                        ),
                    );
                }
                if let Some(um) = unknown.as_object() {
                    for (k, u) in um {
                        if u == &J::Bool(true) && !attrs.contains_key(k) {
                            let s = sensitive.get(k).unwrap_or(&J::Null);
                            attrs.insert(k.clone(), value_from_json(&J::Null, u, s));
                        }
                    }
                }
                Value::object(attrs)
            }
        }
    };
    if sensitive == &J::Bool(true) {
        value.mark_sensitive()
    } else {
        value
    }
}
