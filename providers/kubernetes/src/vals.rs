//! Small helpers to read and build `terrane_value::Value` objects.

use std::collections::BTreeMap;
use terrane_value::{Kind, Type, Value};

/// A resource or block value as a map of attributes.
pub type Obj = BTreeMap<String, Value>;

/// The attributes of an object value (empty for null/unknown/non-objects).
pub fn obj(v: &Value) -> Obj {
    match &v.kind {
        Kind::Object(m) => m.clone(),
        _ => Obj::new(),
    }
}

/// A known, non-null string attribute.
pub fn get_s(o: &Obj, k: &str) -> Option<String> {
    o.get(k).and_then(|v| v.as_str()).map(str::to_string)
}

/// A known bool attribute.
pub fn get_b(o: &Obj, k: &str) -> Option<bool> {
    o.get(k).and_then(Value::as_bool)
}

/// Strings of a known list or set attribute (empty when null).
pub fn get_strs(o: &Obj, k: &str) -> Vec<String> {
    o.get(k)
        .and_then(Value::as_seq)
        .map(|xs| {
            xs.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The first object of a list block (max one), if any.
pub fn first_block(o: &Obj, k: &str) -> Option<Obj> {
    o.get(k)
        .and_then(Value::as_seq)
        .and_then(|xs| xs.first())
        .map(obj)
}

/// A string value.
pub fn vs(s: impl Into<String>) -> Value {
    Value::string(s)
}

/// An object value.
pub fn vobj(o: Obj) -> Value {
    Value::object(o)
}

/// True for null, zero, false, "" and empty collections: what Kubernetes
/// leaves out of its JSON (`omitempty`).
pub fn is_zero(v: &Value) -> bool {
    match &v.kind {
        Kind::Null(_) => true,
        Kind::Bool(b) => !b,
        Kind::Number(n) => n.is_zero(),
        Kind::String(s) => s.is_empty(),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => xs.is_empty(),
        Kind::Map(_, m) | Kind::Object(m) => m.is_empty(),
        Kind::Unknown(_) => false,
    }
}

/// A map of strings.
pub fn vmap(m: BTreeMap<String, String>) -> Value {
    Value::map(
        Type::String,
        m.into_iter().map(|(k, v)| (k, Value::string(v))).collect(),
    )
}
