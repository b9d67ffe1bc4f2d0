//! Type conversion and unification, following Terraform's (cty's) rules.

use crate::unify::unify;
use crate::{Kind, Number, Type, Value};
use std::collections::BTreeMap;
use std::fmt;

/// A value could not be converted to a type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConvertError {
    /// Where inside the value the problem is, in Terraform path syntax
    /// (e.g. `.tags["a"]` or `[0]`), empty for the value itself.
    pub path: String,
    /// What is wrong, as Terraform words it ("a number is required").
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Where inside the converted value a conversion is, kept as links to the
/// enclosing steps and rendered (`.tags["a"][0]`) only for an error, so a
/// successful conversion formats no path text.
#[derive(Clone, Copy)]
enum At<'a> {
    Root,
    Index(&'a At<'a>, usize),
    Key(&'a At<'a>, &'a str),
    Attr(&'a At<'a>, &'a str),
}

impl At<'_> {
    fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    fn render_into(&self, out: &mut String) {
        use std::fmt::Write;
        match self {
            At::Root => {}
            At::Index(up, i) => {
                up.render_into(out);
                let _ = write!(out, "[{i}]");
            }
            At::Key(up, k) => {
                up.render_into(out);
                let _ = write!(out, "[{k:?}]");
            }
            At::Attr(up, name) => {
                up.render_into(out);
                out.push('.');
                out.push_str(name);
            }
        }
    }
}

fn err(path: &At<'_>, message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.render(),
        message: message.into(),
    }
}

/// Converts `v` to type `want`, as Terraform does for variables, function
/// arguments and `to*` functions. Marks are kept; nulls and unknowns become
/// nulls and unknowns of the wanted type.
pub fn convert(v: &Value, want: &Type) -> Result<Value, ConvertError> {
    convert_at(v, want, &At::Root)
}

/// [`convert`] of a value the caller owns: returned as it is when the
/// conversion would only copy it (any type wanted, or a primitive already
/// of the wanted type), so evaluated attributes are not copied again.
pub fn convert_owned(v: Value, want: &Type) -> Result<Value, ConvertError> {
    if *want == Type::Dynamic || (want.is_primitive() && v.has_type(want)) {
        return Ok(v);
    }
    convert(&v, want)
}

fn convert_at(v: &Value, want: &Type, path: &At<'_>) -> Result<Value, ConvertError> {
    let out = convert_kind(v, want, path)?;
    Ok(out.with_marks(v.marks))
}

fn convert_kind(v: &Value, want: &Type, path: &At<'_>) -> Result<Value, ConvertError> {
    // A primitive already of the wanted type (the common case for
    // function arguments and template interpolations) needs no type
    // comparison.
    match (&v.kind, want) {
        (Kind::Number(n), Type::Number) => return Ok(Value::number(n.clone())),
        (Kind::Bool(b), Type::Bool) => return Ok(Value::bool(*b)),
        (Kind::String(s), Type::String) => return Ok(Value::string(s.clone())),
        (_, Type::Dynamic) => return Ok(v.clone().unmarked()),
        _ => {}
    }
    if !v.has_type(want) {
        let have = v.ty();
        if !type_convertible(&have, want) {
            return Err(err(path, mismatch_message(&have, want)));
        }
    }
    match &v.kind {
        Kind::Null(t) => {
            check_convertible_type(t, want, path)?;
            return Ok(Value::null(want.clone()));
        }
        Kind::Unknown(t) => {
            check_convertible_type(t, want, path)?;
            return Ok(Value::unknown(want.clone()));
        }
        _ => {}
    }
    match want {
        Type::String => match &v.kind {
            Kind::String(s) => Ok(Value::string(s.clone())),
            Kind::Number(n) => {
                let mut text = String::new();
                n.push_text(&mut text);
                Ok(Value::string(text))
            }
            Kind::Bool(b) => Ok(Value::string(if *b { "true" } else { "false" })),
            _ => Err(err(path, "string required")),
        },
        Type::Number => match &v.kind {
            Kind::Number(n) => Ok(Value::number(n.clone())),
            Kind::String(s) => Number::parse(s)
                .map(Value::number)
                .map_err(|_| err(path, "a number is required")),
            _ => Err(err(path, "number required")),
        },
        Type::Bool => match &v.kind {
            Kind::Bool(b) => Ok(Value::bool(*b)),
            Kind::String(s) if s == "true" => Ok(Value::bool(true)),
            Kind::String(s) if s == "false" => Ok(Value::bool(false)),
            Kind::String(s) if s.eq_ignore_ascii_case("true") => Err(err(
                path,
                "a bool is required; to convert from string, use lowercase \"true\"",
            )),
            Kind::String(s) if s.eq_ignore_ascii_case("false") => Err(err(
                path,
                "a bool is required; to convert from string, use lowercase \"false\"",
            )),
            Kind::String(_) => Err(err(path, "a bool is required")),
            _ => Err(err(path, "bool required")),
        },
        Type::List(et) | Type::Set(et) => {
            let items = match &v.kind {
                Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => xs,
                _ => return Err(err(path, format!("{} required", want.friendly_name()))),
            };
            let elem = if **et == Type::Dynamic {
                let tys: Vec<Type> = items.iter().map(Value::ty).collect();
                match &v.kind {
                    Kind::List(t, _) | Kind::Set(t, _) => t.clone(),
                    _ => unify(&tys)
                        .ok_or_else(|| err(path, "all list elements must have the same type"))?,
                }
            } else {
                (**et).clone()
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, x) in items.iter().enumerate() {
                out.push(convert_at(x, &elem, &At::Index(path, i))?);
            }
            Ok(if matches!(want, Type::List(_)) {
                Value::list(elem, out)
            } else {
                Value::set(elem, out)
            })
        }
        Type::Map(et) => {
            let entries = match &v.kind {
                Kind::Map(_, m) | Kind::Object(m) => m,
                _ => return Err(err(path, format!("{} required", want.friendly_name()))),
            };
            let elem = if **et == Type::Dynamic {
                match &v.kind {
                    Kind::Map(t, _) => t.clone(),
                    _ => {
                        let tys: Vec<Type> = entries.values().map(Value::ty).collect();
                        unify(&tys)
                            .ok_or_else(|| err(path, "all map elements must have the same type"))?
                    }
                }
            } else {
                (**et).clone()
            };
            let mut out = BTreeMap::new();
            for (k, x) in entries {
                out.insert(k.clone(), convert_at(x, &elem, &At::Key(path, k))?);
            }
            Ok(Value::map(elem, out))
        }
        Type::Object { attrs, optional } => {
            let entries = match &v.kind {
                Kind::Map(_, m) | Kind::Object(m) => m,
                _ => return Err(err(path, "object required")),
            };
            let mut out = BTreeMap::new();
            for (name, aty) in attrs {
                match entries.get(name) {
                    Some(x) => {
                        out.insert(name.clone(), convert_at(x, aty, &At::Attr(path, name))?);
                    }
                    None if optional.contains(name) => {
                        out.insert(name.clone(), Value::null(aty.clone()));
                    }
                    None => {
                        return Err(err(path, format!("attribute {name:?} is required")));
                    }
                }
            }
            if let Kind::Map(_, _) = v.kind {
                if let Some(extra) = entries.keys().find(|k| !attrs.contains_key(*k)) {
                    return Err(err(path, format!("unexpected attribute {extra:?}")));
                }
            }
            Ok(Value::object(out))
        }
        Type::Tuple(ets) => {
            let items = match &v.kind {
                Kind::List(_, xs) | Kind::Tuple(xs) => xs,
                _ => return Err(err(path, "tuple required")),
            };
            if items.len() != ets.len() {
                return Err(err(
                    path,
                    format!("tuple required with exactly {} elements", ets.len()),
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (x, t)) in items.iter().zip(ets).enumerate() {
                out.push(convert_at(x, t, &At::Index(path, i))?);
            }
            Ok(Value::tuple(out))
        }
        Type::Dynamic => Ok(v.clone()),
    }
}

/// cty's `MismatchMessage`: why no value of type `got` converts to `want`.
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    match (got, want) {
        (
            Type::Object { attrs: ga, .. },
            Type::Object {
                attrs: wa,
                optional,
            },
        ) => {
            let mut missing: Vec<&String> = wa
                .keys()
                .filter(|k| !ga.contains_key(*k) && !optional.contains(*k))
                .collect();
            missing.sort();
            match missing.len() {
                0 => {}
                1 => return format!("attribute {:?} is required", missing[0]),
                2 => {
                    return format!(
                        "attributes {:?} and {:?} are required",
                        missing[0], missing[1]
                    )
                }
                n => {
                    let head: Vec<String> =
                        missing[..n - 1].iter().map(|m| format!("{m:?}")).collect();
                    return format!(
                        "attributes {}, and {:?} are required",
                        head.join(", "),
                        missing[n - 1]
                    );
                }
            }
            for (name, wt) in wa {
                if let Some(gt) = ga.get(name) {
                    if gt != wt && !type_convertible(gt, wt) {
                        return format!("attribute {name:?}: {}", mismatch_message(gt, wt));
                    }
                }
            }
            "incorrect object attributes".to_string()
        }
        (Type::Tuple(_), Type::List(e)) if **e == Type::Dynamic => {
            "all list elements must have the same type".to_string()
        }
        (Type::Tuple(_), Type::Set(e)) if **e == Type::Dynamic => {
            "all set elements must have the same type".to_string()
        }
        (Type::Object { .. }, Type::Map(e)) if **e == Type::Dynamic => {
            "all map elements must have the same type".to_string()
        }
        (Type::Tuple(es), Type::List(e) | Type::Set(e)) => {
            for (i, g) in es.iter().enumerate() {
                if g != &**e && !type_convertible(g, e) {
                    return format!("element {i}: {}", mismatch_message(g, e));
                }
            }
            format!("all elements must be {}", constraint_name(e))
        }
        (Type::Object { attrs, .. }, Type::Map(e)) => {
            for (name, g) in attrs {
                if g != &**e && !type_convertible(g, e) {
                    return format!("element {name:?}: {}", mismatch_message(g, e));
                }
            }
            format!("all elements must be {}", constraint_name(e))
        }
        (Type::List(g) | Type::Set(g), Type::List(e) | Type::Set(e))
        | (Type::Map(g), Type::Map(e)) => {
            let noun = match want {
                Type::List(_) => "list element type",
                Type::Set(_) => "set element type",
                _ => "map element type",
            };
            format!("incorrect {noun}: {}", mismatch_message(g, e))
        }
        _ => format!("{} required", constraint_name(want)),
    }
}

/// cty's `FriendlyNameForConstraint`.
pub fn constraint_name(t: &Type) -> String {
    match t {
        Type::Dynamic => "any type".into(),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            let inner = if **e == Type::Dynamic {
                "any single type".to_string()
            } else {
                constraint_name(e)
            };
            let kind = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            format!("{kind} of {inner}")
        }
        other => other.friendly_name(),
    }
}

/// Whether a value of type `have` could in principle convert to `want`
/// (used for nulls and unknowns, whose content cannot be inspected).
fn check_convertible_type(have: &Type, want: &Type, path: &At<'_>) -> Result<(), ConvertError> {
    if type_convertible(have, want) {
        Ok(())
    } else {
        Err(err(path, format!("{} required", want.friendly_name())))
    }
}

/// True when some value of type `have` may convert to `want`.
pub(crate) fn type_convertible(have: &Type, want: &Type) -> bool {
    match (have, want) {
        (Type::Dynamic, _) | (_, Type::Dynamic) => true,
        (a, b) if a == b => true,
        (a, b) if a.is_primitive() && b.is_primitive() => !matches!(
            (a, b),
            (Type::Number, Type::Bool) | (Type::Bool, Type::Number)
        ),
        (Type::List(a) | Type::Set(a), Type::List(b) | Type::Set(b)) => type_convertible(a, b),
        (Type::Tuple(es), Type::List(b) | Type::Set(b)) if **b == Type::Dynamic => {
            unify(es).is_some()
        }
        (Type::Tuple(es), Type::List(b) | Type::Set(b)) => {
            es.iter().all(|e| type_convertible(e, b))
        }
        (Type::Object { attrs, .. }, Type::Map(b)) if **b == Type::Dynamic => {
            let tys: Vec<Type> = attrs.values().cloned().collect();
            unify(&tys).is_some()
        }
        (Type::List(a), Type::Tuple(bs)) => bs.iter().all(|b| type_convertible(a, b)),
        (Type::Tuple(a), Type::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| type_convertible(x, y))
        }
        (Type::Map(a), Type::Map(b)) => type_convertible(a, b),
        (Type::Object { attrs, .. }, Type::Map(b)) => {
            attrs.values().all(|t| type_convertible(t, b))
        }
        (Type::Map(a), Type::Object { attrs, .. }) => {
            attrs.values().all(|t| type_convertible(a, t))
        }
        (Type::Object { attrs: a, .. }, Type::Object { attrs: b, optional }) => {
            b.iter().all(|(k, t)| match a.get(k) {
                Some(x) => type_convertible(x, t),
                None => optional.contains(k),
            })
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn string_to_number_and_back() {
        let v = convert(&Value::string("12.50"), &Type::Number).unwrap();
        assert_eq!(v.as_number().unwrap().to_string(), "12.5");
        let s = convert(&v, &Type::String).unwrap();
        assert_eq!(s.as_str(), Some("12.5"));
        let e = convert(&Value::string("x"), &Type::Number).unwrap_err();
        assert_eq!(e.message, "a number is required");
    }

    #[test]
    fn tuple_to_list_unifies_elements() {
        let t = Value::tuple(vec![Value::number(1), Value::string("a")]);
        let l = convert(&t, &Type::list(Type::Dynamic)).unwrap();
        assert_eq!(l.ty(), Type::list(Type::String));
    }

    #[test]
    fn optional_attributes_become_null() {
        let want = Type::Object {
            attrs: [
                ("a".to_string(), Type::String),
                ("b".to_string(), Type::Number),
            ]
            .into_iter()
            .collect(),
            optional: ["b".to_string()].into_iter().collect(),
        };
        let v = Value::object(
            [("a".to_string(), Value::string("x"))]
                .into_iter()
                .collect(),
        );
        let out = convert(&v, &want).unwrap();
        assert!(out.get_attr("b").unwrap().is_null());
        let missing = convert(&Value::empty_object(), &want).unwrap_err();
        assert_eq!(missing.message, "attribute \"a\" is required");
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn errors_read_as_terraform_writes_them() {
        // Recorded from Terraform v1.11.4 variable default validation.
        let want = Type::object(
            [
                ("a".to_string(), Type::String),
                ("b".to_string(), Type::Number),
            ]
            .into_iter()
            .collect(),
        );
        let e = convert(&Value::empty_object(), &want).unwrap_err();
        assert_eq!(e.to_string(), "attributes \"a\" and \"b\" are required");
        let e = convert(
            &Value::tuple(vec![Value::string("a")]),
            &Type::list(Type::Number),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "[0]: a number is required");
        let v = obj(&[("a", Value::tuple(vec![Value::number(1)]))]);
        let e = convert(&v, &Type::map(Type::String)).unwrap_err();
        assert_eq!(e.to_string(), "element \"a\": string required");
        let e = convert(&Value::string("TRUE"), &Type::Bool).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a bool is required; to convert from string, use lowercase \"true\""
        );
        let e = convert(
            &Value::tuple(vec![Value::number(1), Value::bool(true)]),
            &Type::list(Type::Dynamic),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "all list elements must have the same type");
    }

    #[test]
    fn owned_conversion_matches_conversion() {
        let values = [
            Value::string("x"),
            Value::string("x").mark_sensitive(),
            Value::number(3),
            Value::bool(true),
            Value::null(Type::String),
            Value::unknown(Type::Number),
            Value::dynamic_null(),
            obj(&[("a", Value::number(1).mark_sensitive())]).mark_sensitive(),
            Value::tuple(vec![Value::string("a"), Value::number(2)]),
        ];
        let types = [
            Type::Dynamic,
            Type::String,
            Type::Number,
            Type::Bool,
            Type::list(Type::String),
            Type::map(Type::Number),
        ];
        for v in &values {
            for t in &types {
                assert_eq!(convert_owned(v.clone(), t), convert(v, t), "{v:?} to {t:?}");
            }
        }
    }

    #[test]
    fn marks_survive_conversion() {
        let v = Value::number(3).mark_sensitive();
        assert!(convert(&v, &Type::String).unwrap().is_sensitive());
    }

    #[test]
    fn unify_primitives_and_objects() {
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        let a = Type::object([("x".to_string(), Type::Number)].into_iter().collect());
        let b = Type::object([("y".to_string(), Type::String)].into_iter().collect());
        assert_eq!(unify(&[a, b]), Some(Type::map(Type::String)));
    }
}
