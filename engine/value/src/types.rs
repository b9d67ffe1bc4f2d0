//! Types of values, and type constraints.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A Terraform type. `Dynamic` is the "any type" placeholder used in type
/// constraints and as the type of untyped null and unknown values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// A Unicode string.
    String,
    /// An arbitrary-precision number.
    Number,
    /// true or false.
    Bool,
    /// An ordered sequence of one element type.
    List(Box<Type>),
    /// An unordered set of one element type.
    Set(Box<Type>),
    /// String keys to values of one element type.
    Map(Box<Type>),
    /// Named attributes, each of its own type. `optional` names the attributes
    /// that may be omitted when converting to this type (type constraints only).
    Object {
        /// Attribute names and types, sorted by name.
        attrs: BTreeMap<String, Type>,
        /// Attributes declared with `optional(...)`.
        optional: BTreeSet<String>,
    },
    /// A fixed-length sequence, each element of its own type.
    Tuple(Vec<Type>),
    /// Any type (`any` in constraints; the type of untyped null/unknown).
    Dynamic,
}

impl Type {
    /// `list(elem)`.
    pub fn list(elem: Type) -> Type {
        Type::List(Box::new(elem))
    }

    /// `set(elem)`.
    pub fn set(elem: Type) -> Type {
        Type::Set(Box::new(elem))
    }

    /// `map(elem)`.
    pub fn map(elem: Type) -> Type {
        Type::Map(Box::new(elem))
    }

    /// An object type with no optional attributes.
    pub fn object(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object {
            attrs,
            optional: BTreeSet::new(),
        }
    }

    /// The empty object type `object({})`.
    pub fn empty_object() -> Type {
        Type::object(BTreeMap::new())
    }

    /// True for string, number and bool.
    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }

    /// True for list, set and map.
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// True for object and tuple.
    pub fn is_structural(&self) -> bool {
        matches!(self, Type::Object { .. } | Type::Tuple(_))
    }

    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(e) | Type::Set(e) | Type::Map(e) => Some(e),
            _ => None,
        }
    }

    /// True when the type is or contains `Dynamic` anywhere.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.has_dynamic(),
            Type::Object { attrs, .. } => attrs.values().any(Type::has_dynamic),
            Type::Tuple(es) => es.iter().any(Type::has_dynamic),
            _ => false,
        }
    }

    /// The short name used in error messages: "string", "list of string",
    /// "object", "tuple", "dynamic" (Terraform's "friendly name").
    pub fn friendly_name(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::List(e) => format!("list of {}", e.friendly_name()),
            Type::Set(e) => format!("set of {}", e.friendly_name()),
            Type::Map(e) => format!("map of {}", e.friendly_name()),
            Type::Object { .. } => "object".into(),
            Type::Tuple(_) => "tuple".into(),
            Type::Dynamic => "dynamic".into(),
        }
    }

    /// The type written in Terraform's type-constraint syntax on one line,
    /// e.g. `list(string)` or `object({a=number})`; `Dynamic` is `any`.
    pub fn to_constraint_string(&self) -> String {
        let mut s = String::new();
        write_constraint(self, &mut s);
        s
    }
}

fn write_constraint(t: &Type, s: &mut String) {
    match t {
        Type::String => s.push_str("string"),
        Type::Number => s.push_str("number"),
        Type::Bool => s.push_str("bool"),
        Type::Dynamic => s.push_str("any"),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            s.push_str(match t {
                Type::List(_) => "list(",
                Type::Set(_) => "set(",
                _ => "map(",
            });
            write_constraint(e, s);
            s.push(')');
        }
        Type::Object { attrs, optional } => {
            s.push_str("object({");
            for (i, (k, v)) in attrs.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(k);
                s.push('=');
                if optional.contains(k) {
                    s.push_str("optional(");
                    write_constraint(v, s);
                    s.push(')');
                } else {
                    write_constraint(v, s);
                }
            }
            s.push_str("})");
        }
        Type::Tuple(es) => {
            s.push_str("tuple([");
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_constraint(e, s);
            }
            s.push_str("])");
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_constraint_string())
    }
}
