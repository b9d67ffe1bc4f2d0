//! Conversions between Kubernetes JSON (`serde_json::Value`) and terrane
//! values: JSON objects become object values, arrays tuples, numbers exact
//! numbers, the way Terraform's `jsondecode` maps them (so a manifest's
//! `object` is shaped like the HCL object the user wrote), and YAML documents
//! for the manifest functions.

use serde_json::Value as J;
use std::collections::BTreeMap;
use terrane_value::{Kind, Number, Type, Value};

/// Why a value cannot be sent to the API server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvError {
    /// The value contains an unknown (not decided until apply).
    #[error("the value is not known yet")]
    Unknown,
    /// A number that JSON cannot hold.
    #[error("number {0} cannot be represented in JSON")]
    BadNumber(String),
}

/// A terrane value as JSON (null and empty values kept as JSON null/empty).
pub fn to_json(v: &Value) -> Result<J, ConvError> {
    Ok(match &v.kind {
        Kind::Null(_) => J::Null,
        Kind::Unknown(_) => return Err(ConvError::Unknown),
        Kind::Bool(b) => J::Bool(*b),
        Kind::String(s) => J::String(s.clone()),
        Kind::Number(n) => number_json(n)?,
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            J::Array(xs.iter().map(to_json).collect::<Result<_, _>>()?)
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            let mut o = serde_json::Map::new();
            for (k, x) in m {
                o.insert(k.clone(), to_json(x)?);
            }
            J::Object(o)
        }
    })
}

/// A number as JSON: integers exactly, others as floats.
pub fn number_json(n: &Number) -> Result<J, ConvError> {
    if let Some(i) = n.to_i64() {
        return Ok(J::from(i));
    }
    serde_json::Number::from_f64(n.to_f64())
        .map(J::Number)
        .ok_or_else(|| ConvError::BadNumber(n.to_string()))
}

/// JSON as a terrane value (objects → objects, arrays → tuples).
pub fn from_json(j: &J) -> Value {
    match j {
        J::Null => Value::dynamic_null(),
        J::Bool(b) => Value::bool(*b),
        J::String(s) => Value::string(s.clone()),
        J::Number(n) => Value::number(json_number(n)),
        J::Array(xs) => Value::tuple(xs.iter().map(from_json).collect()),
        J::Object(m) => Value::object(
            m.iter()
                .map(|(k, x)| (k.clone(), from_json(x)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

/// A JSON number as an exact terrane number.
pub fn json_number(n: &serde_json::Number) -> Number {
    if let Some(i) = n.as_i64() {
        return Number::from_i64(i);
    }
    Number::parse(&n.to_string()).unwrap_or_else(|_| Number::from_i64(0))
}

/// A YAML document as JSON (YAML tags dropped, keys as strings).
pub fn yaml_to_json(y: serde_yaml_ng::Value) -> J {
    use serde_yaml_ng::Value as Y;
    match y {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map(J::Number)
                    .unwrap_or(J::Null)
            }
        }
        Y::String(s) => J::String(s),
        Y::Sequence(xs) => J::Array(xs.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => {
            let mut o = serde_json::Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    other => serde_yaml_ng::to_string(&other)
                        .map(|s| s.trim_end().to_string())
                        .unwrap_or_default(),
                };
                o.insert(key, yaml_to_json(v));
            }
            J::Object(o)
        }
        Y::Tagged(t) => yaml_to_json(t.value),
    }
}

/// Follows a dotted path (`metadata.labels`, `spec.containers.0.image`,
/// `metadata.annotations["a.b/c"]`) into a JSON value.
pub fn get_path<'a>(j: &'a J, path: &str) -> Option<&'a J> {
    let mut cur = j;
    for step in split_path(path) {
        cur = match cur {
            J::Object(m) => m.get(&step)?,
            J::Array(xs) => xs.get(step.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The steps of a dotted path with optional `["key"]` / `[0]` subscripts.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                let mut key = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    key.push(d);
                }
                out.push(key.trim_matches('"').to_string());
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Sets a dotted path in a terrane object value to `v` (no-op when the path
/// does not exist).
pub fn set_value_path(root: &mut Value, steps: &[String], v: Value) {
    let Some((first, rest)) = steps.split_first() else {
        *root = typed_like(root, v);
        return;
    };
    match &mut root.kind {
        Kind::Object(m) | Kind::Map(_, m) => {
            if let Some(child) = m.get_mut(first) {
                set_value_path(child, rest, v);
            }
        }
        Kind::Tuple(xs) | Kind::List(_, xs) => {
            if let Some(child) = first.parse::<usize>().ok().and_then(|i| xs.get_mut(i)) {
                set_value_path(child, rest, v);
            }
        }
        _ => {}
    }
}

/// An unknown of no particular type takes the type of the value it
/// replaces (a typed `object` keeps its attribute types).
fn typed_like(old: &Value, v: Value) -> Value {
    match &v.kind {
        Kind::Unknown(Type::Dynamic) => Value::unknown(old.ty()),
        _ => v,
    }
}

/// Like [`set_value_path`], but the last step is added to an object when
/// missing.
pub fn insert_value_path(root: &mut Value, steps: &[String], v: Value) {
    match steps {
        [] => *root = v,
        [last] => {
            if let Kind::Object(m) = &mut root.kind {
                let v = match m.get(last) {
                    Some(old) => typed_like(old, v),
                    None => v,
                };
                m.insert(last.clone(), v);
            } else {
                set_value_path(root, steps, v);
            }
        }
        [first, rest @ ..] => match &mut root.kind {
            Kind::Object(m) | Kind::Map(_, m) => {
                if let Some(child) = m.get_mut(first) {
                    insert_value_path(child, rest, v);
                }
            }
            Kind::Tuple(xs) | Kind::List(_, xs) => {
                if let Some(child) = first.parse::<usize>().ok().and_then(|i| xs.get_mut(i)) {
                    insert_value_path(child, rest, v);
                }
            }
            _ => {}
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_keeps_shapes() {
        let j: J = serde_json::json!({"a": [1, "x", true], "b": {"c": null}, "n": 1.5});
        let v = from_json(&j);
        assert_eq!(to_json(&v).unwrap(), j);
    }

    #[test]
    fn unknown_is_refused() {
        let v = Value::unknown(terrane_value::Type::String);
        assert_eq!(to_json(&v), Err(ConvError::Unknown));
    }

    #[test]
    fn paths_split_and_follow() {
        assert_eq!(
            split_path(r#"metadata.annotations["a.b/c"]"#),
            vec!["metadata", "annotations", "a.b/c"]
        );
        let j = serde_json::json!({"spec": {"containers": [{"image": "nginx"}]}});
        assert_eq!(
            get_path(&j, "spec.containers.0.image"),
            Some(&J::String("nginx".into()))
        );
        assert_eq!(get_path(&j, "spec.missing"), None);
    }

    #[test]
    fn yaml_maps_to_json() {
        let y: serde_yaml_ng::Value = serde_yaml_ng::from_str("a: 1\nb: [x, 2.5]\n").unwrap();
        assert_eq!(
            yaml_to_json(y),
            serde_json::json!({"a": 1, "b": ["x", 2.5]})
        );
    }
}
