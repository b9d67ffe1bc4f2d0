//! Static pieces of the language the loader needs before any evaluation:
//! type constraints (`list(object({ a = optional(string, "x") }))`), constant
//! values (variable defaults, literal meta-arguments) and version constraints.
//!
//! `terrane-lang` will own the full evaluator; this module only handles
//! expressions whose value is known without a scope, which is exactly what
//! Terraform itself requires in these positions.

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::template::Element;
use hcl_edit::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use terrane_value::{Number, Type, Value};

/// A type constraint could not be parsed: summary, detail and span.
#[derive(Debug)]
pub struct TypeError {
    pub summary: &'static str,
    pub detail: String,
    pub span: Option<Range<usize>>,
}

fn type_err(summary: &'static str, detail: impl Into<String>, e: &Expression) -> TypeError {
    TypeError {
        summary,
        detail: detail.into(),
        span: e.span(),
    }
}

/// Optional-attribute defaults found in a type constraint, by attribute path.
pub type TypeDefaults = BTreeMap<String, Expression>;

/// Parses a variable's `type` expression.
pub fn parse_type(e: &Expression) -> Result<Type, TypeError> {
    parse_type_inner(e, false)
}

fn keyword(e: &Expression) -> Option<&str> {
    match e {
        Expression::Variable(v) => Some(v.as_str()),
        _ => None,
    }
}

fn parse_type_inner(e: &Expression, in_object: bool) -> Result<Type, TypeError> {
    if let Expression::String(_) | Expression::StringTemplate(_) = e {
        return Err(type_err(
            "Invalid quoted type constraints",
            "Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around this type constraint.",
            e,
        ));
    }
    if let Some(k) = keyword(e) {
        return match k {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Dynamic),
            "list" => Ok(Type::list(Type::Dynamic)),
            "map" => Ok(Type::map(Type::Dynamic)),
            "set" => Ok(Type::set(Type::Dynamic)),
            "object" | "tuple" => Err(type_err(
                "Invalid type specification",
                format!("The {k} type constructor requires one argument specifying the element types as a list."),
                e,
            )),
            other => Err(type_err(
                "Invalid type specification",
                format!("The keyword {other:?} is not a valid type specification."),
                e,
            )),
        };
    }
    let Expression::FuncCall(call) = e else {
        return Err(type_err(
            "Invalid type specification",
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).",
            e,
        ));
    };
    let name = call.name.name.as_str();
    let args: Vec<&Expression> = call.args.iter().collect();
    let one = |what: &str| -> Result<&Expression, TypeError> {
        match args.as_slice() {
            [a] => Ok(*a),
            _ => Err(type_err(
                "Invalid type specification",
                format!("The {name} type constructor requires one argument specifying {what}."),
                e,
            )),
        }
    };
    match name {
        "list" => Ok(Type::list(parse_type_inner(
            one("the element type")?,
            false,
        )?)),
        "set" => Ok(Type::set(parse_type_inner(
            one("the element type")?,
            false,
        )?)),
        "map" => Ok(Type::map(parse_type_inner(
            one("the element type")?,
            false,
        )?)),
        "tuple" => {
            let Expression::Array(items) = one("the element types as a list")? else {
                return Err(type_err(
                    "Invalid type specification",
                    "The tuple type constructor requires a list of element types.",
                    e,
                ));
            };
            Ok(Type::Tuple(
                items
                    .iter()
                    .map(|i| parse_type_inner(i, false))
                    .collect::<Result<_, _>>()?,
            ))
        }
        "object" => {
            let Expression::Object(obj) = one("the attribute types as an object")? else {
                return Err(type_err(
                    "Invalid type specification",
                    "The object type constructor requires one argument specifying the attribute types as a map.",
                    e,
                ));
            };
            let mut attrs = BTreeMap::new();
            let mut optional = BTreeSet::new();
            for (k, v) in obj.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                    ObjectKey::Expression(Expression::Variable(s)) => s.as_str().to_string(),
                    ObjectKey::Expression(other) => {
                        return Err(type_err(
                            "Invalid type specification",
                            "Object constructor map keys must be attribute names.",
                            other,
                        ))
                    }
                };
                let ve = v.expr();
                if let Expression::FuncCall(c) = ve {
                    if c.name.name.as_str() == "optional" {
                        let a: Vec<&Expression> = c.args.iter().collect();
                        let Some(inner) = a.first() else {
                            return Err(type_err(
                                "Invalid type specification",
                                "Optional attribute modifier requires the attribute type as its argument.",
                                ve,
                            ));
                        };
                        if a.len() > 2 {
                            return Err(type_err(
                                "Invalid type specification",
                                "Optional attribute modifier expects at most two arguments: the attribute type, and a default value.",
                                ve,
                            ));
                        }
                        attrs.insert(key.clone(), parse_type_inner(inner, true)?);
                        optional.insert(key);
                        continue;
                    }
                }
                attrs.insert(key, parse_type_inner(ve, true)?);
            }
            Ok(Type::Object { attrs, optional })
        }
        "optional" => Err(type_err(
            "Invalid type specification",
            if in_object {
                "Optional attribute modifier is only for attribute type constraints."
            } else {
                "Keyword \"optional\" is valid only as a modifier for object type attributes."
            },
            e,
        )),
        other => Err(type_err(
            "Invalid type specification",
            format!("Keyword {other:?} is not a valid type constructor."),
            e,
        )),
    }
}

/// The value of an expression that needs no scope: literals, collections of
/// literals, templates without interpolation, negation and parentheses.
/// `None` when the expression refers to anything or calls a function.
pub fn const_value(e: &Expression) -> Option<Value> {
    Some(match e {
        Expression::Null(_) => Value::dynamic_null(),
        Expression::Bool(b) => Value::bool(*b.value()),
        Expression::Number(n) => Value::number(Number::parse(&n.value().to_string()).ok()?),
        Expression::String(s) => Value::string(s.value().as_str()),
        Expression::StringTemplate(t) => {
            let mut s = String::new();
            for el in t.iter() {
                match el {
                    Element::Literal(l) => s.push_str(l.value()),
                    _ => return None,
                }
            }
            Value::string(s)
        }
        Expression::HeredocTemplate(h) => {
            let mut h = h.as_ref().clone();
            h.dedent();
            let mut s = String::new();
            for el in h.template.iter() {
                match el {
                    Element::Literal(l) => s.push_str(l.value()),
                    _ => return None,
                }
            }
            Value::string(s)
        }
        Expression::Parenthesis(p) => const_value(p.inner())?,
        Expression::UnaryOp(u) => {
            let v = const_value(&u.expr)?;
            match u.operator.value() {
                UnaryOperator::Neg => Value::number(v.as_number()?.neg()),
                UnaryOperator::Not => Value::bool(!v.as_bool()?),
            }
        }
        Expression::Array(a) => Value::tuple(a.iter().map(const_value).collect::<Option<_>>()?),
        Expression::Object(o) => {
            let mut attrs = BTreeMap::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                    ObjectKey::Expression(k) => const_value(k)?.as_str()?.to_string(),
                };
                attrs.insert(key, const_value(v.expr())?);
            }
            Value::object(attrs)
        }
        _ => return None,
    })
}

/// Attributes of an object constructor in a default value that the type
/// constraint does not declare (Terraform warns: "Object attribute is ignored").
/// Returns (attribute name, span of the object item, path in the value).
pub fn ignored_attributes(
    ty: &Type,
    e: &Expression,
    path: &str,
    out: &mut Vec<(String, Range<usize>, String)>,
) {
    match (ty, e) {
        (Type::Object { attrs, .. }, Expression::Object(o)) => {
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                    _ => continue,
                };
                let key_span = match k {
                    ObjectKey::Ident(i) => i.span(),
                    ObjectKey::Expression(x) => x.span(),
                };
                match attrs.get(&key) {
                    Some(t) => ignored_attributes(t, v.expr(), &format!("{path}.{key}"), out),
                    None => {
                        let start = key_span.map(|s| s.start).unwrap_or(0);
                        let end = v.expr().span().map(|s| s.end).unwrap_or(start);
                        out.push((key, start..end, path.to_string()));
                    }
                }
            }
        }
        (Type::Map(t), Expression::Object(o)) => {
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(x) => x.to_string().trim().trim_matches('"').to_string(),
                };
                ignored_attributes(t, v.expr(), &format!("{path}[{key:?}]"), out);
            }
        }
        (Type::List(t) | Type::Set(t), Expression::Array(a)) => {
            for (i, v) in a.iter().enumerate() {
                ignored_attributes(t, v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A version number (`1.2.3`, `1.2.3-beta1`): parts, and pre-release.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    parts: [u64; 3],
    pre: Option<String>,
}

impl Version {
    /// Parses `1`, `1.2`, `1.2.3`, with an optional `-pre` suffix (and a `v` prefix).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        let (nums, pre) = match s.split_once('-') {
            Some((n, p)) => (n, Some(p.to_string())),
            None => (s.split('+').next().unwrap_or(s), None),
        };
        let mut parts = [0u64; 3];
        let mut count = 0;
        for (i, p) in nums.split('.').enumerate() {
            if i >= 3 {
                return None;
            }
            parts[i] = p.parse().ok()?;
            count += 1;
        }
        (count > 0).then_some(Version { parts, pre })
    }
}

/// One `OP VERSION` term of a constraint.
#[derive(Debug, Clone)]
struct Term {
    op: &'static str,
    version: Version,
    precision: usize,
}

/// A version constraint: comma-separated terms, all of which must hold.
#[derive(Debug, Clone)]
pub struct VersionConstraint {
    terms: Vec<Term>,
}

impl VersionConstraint {
    /// Parses `">= 1.2, < 2.0"`, `"~> 1.0"`, `"1.2.3"`.
    pub fn parse(s: &str) -> Option<VersionConstraint> {
        let mut terms = Vec::new();
        for raw in s.split(',') {
            let t = raw.trim();
            let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
                .iter()
                .find_map(|op| t.strip_prefix(op).map(|r| (*op, r)))
                .unwrap_or(("=", t));
            let rest = rest.trim();
            let precision = rest.split('-').next().unwrap_or(rest).split('.').count();
            terms.push(Term {
                op,
                version: Version::parse(rest)?,
                precision,
            });
        }
        (!terms.is_empty()).then_some(VersionConstraint { terms })
    }

    /// True when `v` satisfies every term.
    pub fn allows(&self, v: &Version) -> bool {
        self.terms.iter().all(|t| {
            let c = &t.version;
            if v.pre.is_some() && (c.pre.is_none() || c.parts != v.parts) {
                return false;
            }
            match t.op {
                "=" => v == c,
                "!=" => v != c,
                ">" => v > c,
                ">=" => v >= c,
                "<" => v < c,
                "<=" => v <= c,
                _ => {
                    // ~> allows the rightmost given part to increase.
                    let keep = t.precision.saturating_sub(1).max(1);
                    v >= c && v.parts[..keep] == c.parts[..keep]
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn ty(s: &str) -> Result<Type, TypeError> {
        parse_type(&hcl_edit::parser::parse_expr(s).unwrap())
    }

    #[test]
    fn type_constraints() {
        assert_eq!(ty("list(string)").unwrap(), Type::list(Type::String));
        assert_eq!(ty("map").unwrap(), Type::map(Type::Dynamic));
        let o = ty("object({ a = optional(string, \"x\"), b = number })").unwrap();
        let Type::Object { optional, .. } = o else {
            panic!("not an object")
        };
        assert!(optional.contains("a"));
        assert_eq!(
            ty("\"string\"").unwrap_err().summary,
            "Invalid quoted type constraints"
        );
        assert_eq!(
            ty("notatype").unwrap_err().summary,
            "Invalid type specification"
        );
    }

    #[test]
    fn version_constraints() {
        let v = Version::parse("1.11.4").unwrap();
        for (c, ok) in [
            (">= 1.0", true),
            ("~> 1.11.0", true),
            ("~> 1.10.0", false),
            ("~> 1.0", true),
            ("< 1.11", false),
            ("999.9", false),
            (">= 1.2, < 2.0.0", true),
            ("!= 1.11.4", false),
        ] {
            assert_eq!(VersionConstraint::parse(c).unwrap().allows(&v), ok, "{c}");
        }
        assert!(VersionConstraint::parse("banana").is_none());
    }

    #[test]
    fn constants() {
        let e = hcl_edit::parser::parse_expr("{ a = [1, -2, \"x\"], b = null }").unwrap();
        assert!(const_value(&e).is_some());
        let e = hcl_edit::parser::parse_expr("{ a = var.x }").unwrap();
        assert!(const_value(&e).is_none());
    }
}
