//! Values as JSON: the state file's cty encoding (with a schema type, where
//! `dynamic` attributes are wrapped as `{"value":…,"type":…}`), cty's type
//! JSON, and the lossless tagged encoding plan files use (unknowns, marks and
//! exact numbers included).

use crate::CoreError;
use std::collections::BTreeMap;
use terrane_value::{Kind, Marks, Number, Type, Value};

mod fast;

/// cty's JSON form of a type: `"string"`, `["list","string"]`,
/// `["object",{"a":"number"}]`, `["tuple",["bool"]]`, `"dynamic"`.
pub fn type_to_json(t: &Type) -> serde_json::Value {
    use serde_json::Value as J;
    match t {
        Type::String => J::from("string"),
        Type::Number => J::from("number"),
        Type::Bool => J::from("bool"),
        Type::Dynamic => J::from("dynamic"),
        Type::List(e) => J::Array(vec![J::from("list"), type_to_json(e)]),
        Type::Set(e) => J::Array(vec![J::from("set"), type_to_json(e)]),
        Type::Map(e) => J::Array(vec![J::from("map"), type_to_json(e)]),
        Type::Object { attrs, optional } => {
            let m: serde_json::Map<String, J> = attrs
                .iter()
                .map(|(k, v)| (k.clone(), type_to_json(v)))
                .collect();
            let mut arr = vec![J::from("object"), J::Object(m)];
            if !optional.is_empty() {
                arr.push(J::Array(
                    optional.iter().map(|o| J::from(o.as_str())).collect(),
                ));
            }
            J::Array(arr)
        }
        Type::Tuple(es) => J::Array(vec![
            J::from("tuple"),
            J::Array(es.iter().map(type_to_json).collect()),
        ]),
    }
}

/// Parses cty's JSON form of a type.
pub fn type_from_json(j: &serde_json::Value) -> Result<Type, CoreError> {
    let v = Value::from_json_str(&j.to_string())
        .map_err(|_| CoreError::Decode(format!("invalid type JSON: {j}")))?;
    type_from_decoded(&v)
}

/// [`type_from_json`] for type JSON already decoded into a value (strings,
/// tuples and objects), without writing it out and parsing it again.
fn type_from_decoded(v: &Value) -> Result<Type, CoreError> {
    let bad = || {
        let text = v.to_json_string().unwrap_or_default();
        CoreError::Decode(format!("invalid type JSON: {text}"))
    };
    match &v.kind {
        Kind::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            _ => Err(bad()),
        },
        Kind::Tuple(a) | Kind::List(_, a) => {
            let kind = a.first().and_then(Value::as_str).ok_or_else(bad)?;
            let arg = a.get(1).ok_or_else(bad)?;
            match kind {
                "list" => Ok(Type::list(type_from_decoded(arg)?)),
                "set" => Ok(Type::set(type_from_decoded(arg)?)),
                "map" => Ok(Type::map(type_from_decoded(arg)?)),
                "object" => {
                    let m = match &arg.kind {
                        Kind::Object(m) | Kind::Map(_, m) => m,
                        _ => return Err(bad()),
                    };
                    let mut attrs = BTreeMap::new();
                    for (k, t) in m {
                        attrs.insert(k.clone(), type_from_decoded(t)?);
                    }
                    let optional = a
                        .get(2)
                        .and_then(Value::as_seq)
                        .map(|o| {
                            o.iter()
                                .filter_map(|x| x.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    Ok(Type::Object { attrs, optional })
                }
                "tuple" => {
                    let es = arg.as_seq().ok_or_else(bad)?;
                    Ok(Type::Tuple(
                        es.iter().map(type_from_decoded).collect::<Result<_, _>>()?,
                    ))
                }
                _ => Err(bad()),
            }
        }
        _ => Err(bad()),
    }
}

/// Writes `v` as state JSON for schema type `ty` (marks are dropped; the
/// caller records sensitive paths separately). Unknown values are an error:
/// they never belong in state.
pub fn to_state_json(v: &Value, ty: &Type) -> Result<String, CoreError> {
    let mut out = String::new();
    write_state(v, ty, &mut out)?;
    Ok(out)
}

fn write_state(v: &Value, ty: &Type, out: &mut String) -> Result<(), CoreError> {
    if let Kind::Unknown(_) = v.kind {
        return Err(CoreError::Decode(
            "an unknown value cannot be stored in state".into(),
        ));
    }
    if *ty == Type::Dynamic {
        if v.is_null() {
            out.push_str("null");
            return Ok(());
        }
        out.push_str("{\"value\":");
        write_state(v, &v.ty(), out)?;
        out.push_str(",\"type\":");
        out.push_str(&type_to_json(&v.ty()).to_string());
        out.push('}');
        return Ok(());
    }
    match (&v.kind, ty) {
        (Kind::Null(_), _) => out.push_str("null"),
        (Kind::List(_, xs) | Kind::Set(_, xs), Type::List(e) | Type::Set(e)) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_state(x, e, out)?;
            }
            out.push(']');
        }
        (Kind::Tuple(xs), Type::Tuple(ts)) => {
            out.push('[');
            for (i, (x, t)) in xs.iter().zip(ts).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_state(x, t, out)?;
            }
            out.push(']');
        }
        (Kind::Map(_, m) | Kind::Object(m), Type::Map(e)) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                terrane_value::json::write_json_string(k, out);
                out.push(':');
                write_state(x, e, out)?;
            }
            out.push('}');
        }
        (Kind::Object(m) | Kind::Map(_, m), Type::Object { attrs, .. }) => {
            out.push('{');
            for (i, (k, t)) in attrs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                terrane_value::json::write_json_string(k, out);
                out.push(':');
                match m.get(k) {
                    Some(x) => write_state(x, t, out)?,
                    None => out.push_str("null"),
                }
            }
            out.push('}');
        }
        _ => {
            let text = v
                .clone()
                .unmark_deep()
                .0
                .to_json_string()
                .map_err(|e| CoreError::Decode(e.to_string()))?;
            out.push_str(&text);
        }
    }
    Ok(())
}

/// Reads state JSON text as a value of schema type `ty`.
///
/// The text is read once, straight into the typed value (see
/// [`fast::read_typed`]); text that reader does not take (anything beyond
/// well-formed JSON of exactly the schema's shape) is decoded untyped and
/// then interpreted with [`typed`], which also words the errors.
pub fn from_state_json(text: &str, ty: &Type) -> Result<Value, CoreError> {
    if let Some(v) = fast::read_typed(text, ty) {
        return Ok(v);
    }
    from_state_json_general(text, ty)
}

/// [`from_state_json`] by the general path: untyped decoding, then [`typed`].
fn from_state_json_general(text: &str, ty: &Type) -> Result<Value, CoreError> {
    let raw = Value::from_json_str(text).map_err(|e| CoreError::Decode(e.to_string()))?;
    typed(raw, ty)
}

/// Interprets an untyped decoded JSON value (objects, tuples) as type `ty`.
/// The value is taken apart, not copied: each part is moved into the result.
pub fn typed(v: Value, ty: &Type) -> Result<Value, CoreError> {
    if v.is_null() {
        return Ok(Value::null(ty.clone()));
    }
    let conv = |v: &Value, t: &Type| {
        terrane_value::convert(v, t).map_err(|e| CoreError::Decode(e.to_string()))
    };
    let marks = v.marks;
    match (ty, v.kind) {
        (Type::Dynamic, Kind::Object(mut m) | Kind::Map(_, mut m)) => {
            let (Some(val), Some(tj)) = (m.remove("value"), m.remove("type")) else {
                return Err(CoreError::Decode("dynamic value without value/type".into()));
            };
            let t = type_from_decoded(&tj)?;
            typed(val, &t)
        }
        (Type::Dynamic, _) => Err(CoreError::Decode("dynamic value without value/type".into())),
        (Type::List(e) | Type::Set(e), Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs)) => {
            let items = xs
                .into_iter()
                .map(|x| typed(x, e))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::List(_)) {
                Value::list((**e).clone(), items)
            } else {
                Value::set((**e).clone(), items)
            })
        }
        (Type::Map(e), Kind::Map(_, m) | Kind::Object(m)) => {
            let mut out = BTreeMap::new();
            for (k, x) in m {
                out.insert(k, typed(x, e)?);
            }
            Ok(Value::map((**e).clone(), out))
        }
        (Type::Object { attrs, .. }, Kind::Map(_, mut m) | Kind::Object(mut m)) => {
            let mut out = BTreeMap::new();
            for (k, t) in attrs {
                let x = m.remove(k).unwrap_or_else(|| Value::null(t.clone()));
                out.insert(k.clone(), typed(x, t)?);
            }
            Ok(Value::object(out))
        }
        (Type::Tuple(ts), Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs)) => {
            let items = xs
                .into_iter()
                .zip(ts)
                .map(|(x, t)| typed(x, t))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::tuple(items))
        }
        (_, kind) => conv(&Value { kind, marks }, ty),
    }
}

/// Lossless tagged JSON for plan files.
pub fn encode_value(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    let mut o = serde_json::Map::new();
    match &v.kind {
        Kind::Null(t) => {
            o.insert("null".into(), type_to_json(t));
        }
        Kind::Unknown(t) => {
            o.insert("unk".into(), type_to_json(t));
        }
        Kind::Bool(b) => {
            o.insert("b".into(), J::Bool(*b));
        }
        Kind::Number(n) => {
            o.insert("n".into(), J::from(n.to_string()));
        }
        Kind::String(s) => {
            o.insert("s".into(), J::from(s.as_str()));
        }
        Kind::List(t, xs) => {
            o.insert(
                "l".into(),
                J::Array(vec![
                    type_to_json(t),
                    J::Array(xs.iter().map(encode_value).collect()),
                ]),
            );
        }
        Kind::Set(t, xs) => {
            o.insert(
                "set".into(),
                J::Array(vec![
                    type_to_json(t),
                    J::Array(xs.iter().map(encode_value).collect()),
                ]),
            );
        }
        Kind::Map(t, m) => {
            let mm: serde_json::Map<String, J> = m
                .iter()
                .map(|(k, x)| (k.clone(), encode_value(x)))
                .collect();
            o.insert("m".into(), J::Array(vec![type_to_json(t), J::Object(mm)]));
        }
        Kind::Tuple(xs) => {
            o.insert(
                "tup".into(),
                J::Array(xs.iter().map(encode_value).collect()),
            );
        }
        Kind::Object(m) => {
            let mm: serde_json::Map<String, J> = m
                .iter()
                .map(|(k, x)| (k.clone(), encode_value(x)))
                .collect();
            o.insert("o".into(), J::Object(mm));
        }
    }
    let mut bits = 0u8;
    if v.marks.is_sensitive() {
        bits |= 1;
    }
    if v.marks.contains(Marks::EPHEMERAL) {
        bits |= 2;
    }
    if bits != 0 {
        o.insert("mk".into(), J::from(bits));
    }
    J::Object(o)
}

/// Decodes [`encode_value`]'s output.
pub fn decode_value(j: &serde_json::Value) -> Result<Value, CoreError> {
    let bad = || CoreError::Decode(format!("invalid encoded value: {j}"));
    let o = j.as_object().ok_or_else(bad)?;
    let pair = |k: &str| -> Result<(Type, &serde_json::Value), CoreError> {
        let a = o.get(k).and_then(|x| x.as_array()).ok_or_else(bad)?;
        let t = type_from_json(a.first().ok_or_else(bad)?)?;
        Ok((t, a.get(1).ok_or_else(bad)?))
    };
    let seq = |x: &serde_json::Value| -> Result<Vec<Value>, CoreError> {
        x.as_array()
            .ok_or_else(bad)?
            .iter()
            .map(decode_value)
            .collect()
    };
    let map = |x: &serde_json::Value| -> Result<BTreeMap<String, Value>, CoreError> {
        let m = x.as_object().ok_or_else(bad)?;
        m.iter()
            .map(|(k, v)| Ok((k.clone(), decode_value(v)?)))
            .collect()
    };
    let mut v = if let Some(t) = o.get("null") {
        Value::null(type_from_json(t)?)
    } else if let Some(t) = o.get("unk") {
        Value::unknown(type_from_json(t)?)
    } else if let Some(b) = o.get("b") {
        Value::bool(b.as_bool().ok_or_else(bad)?)
    } else if let Some(n) = o.get("n") {
        let n = Number::parse(n.as_str().ok_or_else(bad)?).map_err(|_| bad())?;
        Value::number(n)
    } else if let Some(s) = o.get("s") {
        Value::string(s.as_str().ok_or_else(bad)?)
    } else if o.contains_key("l") {
        let (t, xs) = pair("l")?;
        Value::list(t, seq(xs)?)
    } else if o.contains_key("set") {
        let (t, xs) = pair("set")?;
        Value::set(t, seq(xs)?)
    } else if o.contains_key("m") {
        let (t, m) = pair("m")?;
        Value::map(t, map(m)?)
    } else if let Some(xs) = o.get("tup") {
        Value::tuple(seq(xs)?)
    } else if let Some(m) = o.get("o") {
        Value::object(map(m)?)
    } else {
        return Err(bad());
    };
    if let Some(bits) = o.get("mk").and_then(|b| b.as_u64()) {
        if bits & 1 != 0 {
            v = v.with_marks(Marks::SENSITIVE);
        }
        if bits & 2 != 0 {
            v = v.with_marks(Marks::EPHEMERAL);
        }
    }
    Ok(v)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn state_json_round_trips_dynamic_values_of_every_type_shape() {
        let text = r#"{"value":{"a":["x","y"],"m":{"k":1},"o":null,"s":[true],"t":["q",2]},"type":["object",{"a":["list","string"],"m":["map","number"],"o":["object",{"z":"dynamic"}],"s":["set","bool"],"t":["tuple",["string","number"]]}]}"#;
        let v = from_state_json(text, &Type::Dynamic).unwrap();
        let want = type_from_json(&serde_json::from_str(
            r#"["object",{"a":["list","string"],"m":["map","number"],"s":["set","bool"],"t":["tuple",["string","number"]],"o":["object",{"z":"dynamic"}]}]"#,
        ).unwrap())
        .unwrap();
        assert_eq!(v.ty(), want);
        assert_eq!(to_state_json(&v, &Type::Dynamic).unwrap(), text);
        for bad in [
            r#"{"value":1,"type":"strin"}"#,
            r#"{"value":1}"#,
            r#"{"value":[1],"type":["lst","number"]}"#,
        ] {
            assert!(from_state_json(bad, &Type::Dynamic).is_err(), "{bad}");
        }
    }

    #[test]
    fn dynamic_attribute_round_trips_through_state_json() {
        let ty = Type::object(
            [
                ("id".to_string(), Type::String),
                ("input".to_string(), Type::Dynamic),
            ]
            .into_iter()
            .collect(),
        );
        let text = r#"{"id":"x","input":{"value":["v1"],"type":["tuple",["string"]]}}"#;
        let v = from_state_json(text, &ty).unwrap();
        assert_eq!(
            v.get_attr("input").unwrap().ty(),
            Type::Tuple(vec![Type::String])
        );
        assert_eq!(to_state_json(&v, &ty).unwrap(), text);
    }

    #[test]
    fn tagged_codec_keeps_unknowns_and_marks() {
        let v = Value::object(
            [
                ("a".to_string(), Value::unknown(Type::String)),
                ("b".to_string(), Value::string("s").mark_sensitive()),
                (
                    "c".to_string(),
                    Value::set(Type::Number, vec![Value::number(Number::from_i64(3))]),
                ),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(decode_value(&encode_value(&v)).unwrap(), v);
    }
}
