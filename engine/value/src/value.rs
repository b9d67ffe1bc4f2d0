//! Values: known, null or unknown, with marks.

use crate::{Number, Type};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Marks that travel with a value through every operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Marks(u8);

impl Marks {
    /// No marks.
    pub const NONE: Marks = Marks(0);
    /// The value is sensitive: never shown, only `(sensitive value)`.
    pub const SENSITIVE: Marks = Marks(1);
    /// The value is ephemeral: never persisted to state or plan.
    pub const EPHEMERAL: Marks = Marks(2);
    /// The value came from the console-only `type()` function (Terraform's
    /// `TypeType` mark); the console refuses to show anything derived
    /// from it except the type itself.
    pub const TYPE: Marks = Marks(4);

    /// True when every mark in `other` is set here.
    pub fn contains(self, other: Marks) -> bool {
        self.0 & other.0 == other.0
    }

    /// The union of two mark sets.
    pub fn union(self, other: Marks) -> Marks {
        Marks(self.0 | other.0)
    }

    /// These marks less `other`.
    pub fn without(self, other: Marks) -> Marks {
        Marks(self.0 & !other.0)
    }

    /// True when no mark is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// True when the sensitive mark is set.
    pub fn is_sensitive(self) -> bool {
        self.contains(Marks::SENSITIVE)
    }
}

/// The content of a value.
///
/// Invariants kept by the constructors on [`Value`]: a `Set`'s elements are
/// distinct and in canonical order; collection element types are the
/// collection's declared element type (or convertible to it exactly).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A null of the given type.
    Null(Type),
    /// A value not known until apply, of the given type.
    Unknown(Type),
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string (NFC-normalised by the evaluator).
    String(String),
    /// A list: element type and elements.
    List(Type, Vec<Value>),
    /// A set: element type and distinct elements in canonical order.
    Set(Type, Vec<Value>),
    /// A map: element type and entries sorted by key.
    Map(Type, BTreeMap<String, Value>),
    /// A tuple.
    Tuple(Vec<Value>),
    /// An object: attributes sorted by name.
    Object(BTreeMap<String, Value>),
}

/// A value with its marks.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The content.
    pub kind: Kind,
    /// Marks on this value itself (nested values carry their own).
    pub marks: Marks,
}

impl From<Kind> for Value {
    fn from(kind: Kind) -> Self {
        Value {
            kind,
            marks: Marks::NONE,
        }
    }
}

impl Value {
    /// A string, NFC-normalised as every cty string is (`cty.StringVal`).
    pub fn string(s: impl Into<String>) -> Value {
        use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
        let s: String = s.into();
        // ASCII text is always in NFC; checking that is a word-at-a-time
        // scan, far cheaper than the Unicode quick check.
        if s.is_ascii() {
            return Kind::String(s).into();
        }
        let s = match is_nfc_quick(s.chars()) {
            IsNormalized::Yes => s,
            _ => s.nfc().collect(),
        };
        Kind::String(s).into()
    }

    /// A number.
    pub fn number(n: impl Into<Number>) -> Value {
        Kind::Number(n.into()).into()
    }

    /// A boolean.
    pub fn bool(b: bool) -> Value {
        Kind::Bool(b).into()
    }

    /// A typed null.
    pub fn null(ty: Type) -> Value {
        Kind::Null(ty).into()
    }

    /// The untyped null (`null` literal).
    pub fn dynamic_null() -> Value {
        Value::null(Type::Dynamic)
    }

    /// An unknown value of a type.
    pub fn unknown(ty: Type) -> Value {
        Kind::Unknown(ty).into()
    }

    /// A list with a declared element type.
    pub fn list(elem: Type, items: Vec<Value>) -> Value {
        Kind::List(elem, items).into()
    }

    /// A set with a declared element type; sorts and removes duplicates
    /// (values that are not wholly known are never merged, as in cty).
    pub fn set(elem: Type, mut items: Vec<Value>) -> Value {
        items.sort_by(set_order);
        items.dedup_by(|a, b| a == b && a.is_wholly_known());
        Kind::Set(elem, items).into()
    }

    /// A map with a declared element type.
    pub fn map(elem: Type, items: BTreeMap<String, Value>) -> Value {
        Kind::Map(elem, items).into()
    }

    /// A tuple.
    pub fn tuple(items: Vec<Value>) -> Value {
        Kind::Tuple(items).into()
    }

    /// An object.
    pub fn object(attrs: BTreeMap<String, Value>) -> Value {
        Kind::Object(attrs).into()
    }

    /// The empty object `{}`.
    pub fn empty_object() -> Value {
        Value::object(BTreeMap::new())
    }

    /// The empty tuple `[]`.
    pub fn empty_tuple() -> Value {
        Value::tuple(Vec::new())
    }

    /// The value's type.
    pub fn ty(&self) -> Type {
        match &self.kind {
            Kind::Null(t) | Kind::Unknown(t) => t.clone(),
            Kind::Bool(_) => Type::Bool,
            Kind::Number(_) => Type::Number,
            Kind::String(_) => Type::String,
            Kind::List(e, _) => Type::list(e.clone()),
            Kind::Set(e, _) => Type::set(e.clone()),
            Kind::Map(e, _) => Type::map(e.clone()),
            Kind::Tuple(items) => Type::Tuple(items.iter().map(Value::ty).collect()),
            Kind::Object(attrs) => {
                Type::object(attrs.iter().map(|(k, v)| (k.clone(), v.ty())).collect())
            }
        }
    }

    /// True when [`Value::ty`] would be `Type::Dynamic` (an untyped null or
    /// unknown), without building the type.
    pub fn is_dynamically_typed(&self) -> bool {
        matches!(
            self.kind,
            Kind::Null(Type::Dynamic) | Kind::Unknown(Type::Dynamic)
        )
    }

    /// True when [`Value::ty`] equals `t`, without building the type (which
    /// for a collection or structure copies every element type).
    pub fn has_type(&self, t: &Type) -> bool {
        match (&self.kind, t) {
            (Kind::Null(a) | Kind::Unknown(a), t) => a == t,
            (Kind::Bool(_), Type::Bool)
            | (Kind::Number(_), Type::Number)
            | (Kind::String(_), Type::String) => true,
            (Kind::List(e, _), Type::List(w))
            | (Kind::Set(e, _), Type::Set(w))
            | (Kind::Map(e, _), Type::Map(w)) => e == &**w,
            (Kind::Tuple(xs), Type::Tuple(ts)) => {
                xs.len() == ts.len() && xs.iter().zip(ts).all(|(x, t)| x.has_type(t))
            }
            (Kind::Object(m), Type::Object { attrs, optional }) => {
                optional.is_empty()
                    && m.len() == attrs.len()
                    && m.iter()
                        .zip(attrs)
                        .all(|((k, v), (n, t))| k == n && v.has_type(t))
            }
            _ => false,
        }
    }

    /// True for a null of any type.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null(_))
    }

    /// True unless this value itself is unknown (elements may still be).
    pub fn is_known(&self) -> bool {
        !matches!(self.kind, Kind::Unknown(_))
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match &self.kind {
            Kind::Unknown(_) => false,
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
                xs.iter().all(Value::is_wholly_known)
            }
            Kind::Map(_, m) | Kind::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// True when this value is marked sensitive.
    pub fn is_sensitive(&self) -> bool {
        self.marks.is_sensitive()
    }

    /// True when this value or anything inside it is marked sensitive.
    pub fn has_sensitive_deep(&self) -> bool {
        self.is_sensitive() || self.children().any(Value::has_sensitive_deep)
    }

    /// Adds marks to this value.
    pub fn with_marks(mut self, marks: Marks) -> Value {
        self.marks = self.marks.union(marks);
        self
    }

    /// Marks this value sensitive.
    pub fn mark_sensitive(self) -> Value {
        self.with_marks(Marks::SENSITIVE)
    }

    /// Removes all marks from this value (not from nested values).
    pub fn unmarked(mut self) -> Value {
        self.marks = Marks::NONE;
        self
    }

    /// Removes marks here and everywhere inside, returning the union of
    /// every mark removed.
    pub fn unmark_deep(mut self) -> (Value, Marks) {
        let marks = self.clear_marks_deep();
        (self, marks)
    }

    /// Clears every mark in place (no collection is rebuilt) and returns
    /// their union: [`Value::unmark_deep`] without moving the value.
    pub fn clear_marks_deep(&mut self) -> Marks {
        let mut marks = std::mem::take(&mut self.marks);
        match &mut self.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
                for x in xs {
                    marks = marks.union(x.clear_marks_deep());
                }
            }
            Kind::Map(_, m) | Kind::Object(m) => {
                for x in m.values_mut() {
                    marks = marks.union(x.clear_marks_deep());
                }
            }
            _ => {}
        }
        marks
    }

    /// Equality with every mark ignored, at any depth: the same answer as
    /// comparing both values after [`Value::unmark_deep`], without copying
    /// them.
    pub fn eq_ignoring_marks(&self, o: &Value) -> bool {
        fn seq(a: &[Value], b: &[Value]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignoring_marks(y))
        }
        fn map(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> bool {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| ka == kb && va.eq_ignoring_marks(vb))
        }
        match (&self.kind, &o.kind) {
            (Kind::List(t, a), Kind::List(u, b)) | (Kind::Set(t, a), Kind::Set(u, b)) => {
                t == u && seq(a, b)
            }
            (Kind::Tuple(a), Kind::Tuple(b)) => seq(a, b),
            (Kind::Map(t, a), Kind::Map(u, b)) => t == u && map(a, b),
            (Kind::Object(a), Kind::Object(b)) => map(a, b),
            (a, b) => a == b,
        }
    }

    /// Directly nested values (elements or attributes), in order.
    pub fn children(&self) -> impl Iterator<Item = &Value> + '_ {
        let (seq, entries) = match &self.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => (xs.as_slice(), None),
            Kind::Map(_, m) | Kind::Object(m) => (&[][..], Some(m.values())),
            _ => (&[][..], None),
        };
        seq.iter().chain(entries.into_iter().flatten())
    }

    /// The union of the marks on this value and everything inside it.
    pub fn marks_deep(&self) -> Marks {
        match &self.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
                xs.iter().fold(self.marks, |m, c| m.union(c.marks_deep()))
            }
            Kind::Map(_, m) | Kind::Object(m) => m
                .values()
                .fold(self.marks, |acc, c| acc.union(c.marks_deep())),
            _ => self.marks,
        }
    }

    /// The string content, when this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, when this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match &self.kind {
            Kind::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The boolean, when this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements of a known list, set or tuple.
    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => Some(xs),
            _ => None,
        }
    }

    /// The entries of a known map or object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match &self.kind {
            Kind::Map(_, m) | Kind::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Number of elements of a known collection or structure.
    pub fn len(&self) -> Option<usize> {
        match &self.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => Some(xs.len()),
            Kind::Map(_, m) | Kind::Object(m) => Some(m.len()),
            Kind::String(s) => Some(s.chars().count()),
            _ => None,
        }
    }

    /// True when [`Value::len`] is `Some(0)`.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The attribute of a known object, or the entry of a known map.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        self.as_entries().and_then(|m| m.get(name))
    }
}

/// The order cty iterates set elements in: nulls and unknowns last;
/// strings lexically, numbers by value, false before true; any other type
/// by the bytes of cty's set hash string.
pub(crate) fn set_order(a: &Value, b: &Value) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => return Ordering::Equal,
        (false, true) => return Ordering::Less,
        (true, false) => return Ordering::Greater,
        _ => {}
    }
    match (a.is_known(), b.is_known()) {
        (false, false) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        _ => {}
    }
    match (&a.kind, &b.kind) {
        (Kind::String(x), Kind::String(y)) => x.cmp(y),
        (Kind::Number(x), Kind::Number(y)) => x.cmp_value(y),
        (Kind::Bool(x), Kind::Bool(y)) => x.cmp(y),
        _ => set_hash_string(a).cmp(&set_hash_string(b)),
    }
}

/// cty's set hash string of a value (marks ignored).
pub fn set_hash_string(v: &Value) -> String {
    let mut out = String::new();
    append_hash(v, &mut out);
    out
}

fn append_hash(v: &Value, out: &mut String) {
    match &v.kind {
        Kind::Unknown(_) => out.push('?'),
        Kind::Null(_) => out.push('~'),
        Kind::Number(n) => out.push_str(&n.to_go_string()),
        Kind::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Kind::String(s) => out.push_str(&crate::display::go_quote(s)),
        Kind::Map(_, m) => {
            out.push('{');
            for (k, x) in m {
                out.push_str(&crate::display::go_quote(k));
                out.push(':');
                append_hash(x, out);
                out.push(';');
            }
            out.push('}');
        }
        Kind::List(_, xs) | Kind::Set(_, xs) => {
            out.push('[');
            for x in xs {
                append_hash(x, out);
                out.push(';');
            }
            out.push(']');
        }
        Kind::Object(m) => {
            out.push('<');
            for x in m.values() {
                append_hash(x, out);
                out.push(';');
            }
            out.push('>');
        }
        Kind::Tuple(xs) => {
            out.push('<');
            for x in xs {
                append_hash(x, out);
                out.push(';');
            }
            out.push('>');
        }
    }
}

impl Default for Value {
    /// The untyped null.
    fn default() -> Self {
        Value::dynamic_null()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn obj(n: i64) -> Value {
        Value::object([("a".to_string(), Value::number(n))].into_iter().collect())
    }

    #[test]
    fn eq_ignoring_marks_matches_unmarked_comparison() {
        let sens = |v: Value| v.mark_sensitive();
        let nested = |inner: Value| {
            Value::object(
                [
                    ("a".to_string(), inner),
                    (
                        "b".to_string(),
                        Value::list(Type::Number, vec![Value::number(1)]),
                    ),
                ]
                .into_iter()
                .collect(),
            )
        };
        let values = [
            obj(1),
            sens(obj(1)),
            obj(2),
            nested(Value::string("x")),
            nested(sens(Value::string("x"))),
            sens(nested(Value::string("y"))),
            Value::tuple(vec![Value::number(1)]),
            Value::list(Type::Number, vec![sens(Value::number(1))]),
            Value::set(Type::Number, vec![Value::number(1)]),
            Value::map(
                Type::Number,
                [("a".to_string(), Value::number(1))].into_iter().collect(),
            ),
            Value::null(Type::String),
            Value::unknown(Type::String),
            Value::string("x"),
        ];
        for a in &values {
            for b in &values {
                let slow = a.clone().unmark_deep().0 == b.clone().unmark_deep().0;
                assert_eq!(a.eq_ignoring_marks(b), slow, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn set_order_matches_terraform() {
        // terraform console: jsonencode(toset([{a=2},{a=10},{a=1}]))
        let t = Type::object([("a".to_string(), Type::Number)].into_iter().collect());
        let s = Value::set(t, vec![obj(2), obj(10), obj(1)]);
        assert_eq!(s.to_json_string().unwrap(), r#"[{"a":10},{"a":1},{"a":2}]"#);
        // jsonencode(toset([null, "b", "a"]))
        let s = Value::set(
            Type::String,
            vec![
                Value::null(Type::String),
                Value::string("b"),
                Value::string("a"),
            ],
        );
        assert_eq!(s.to_json_string().unwrap(), r#"["a","b",null]"#);
    }

    #[test]
    fn strings_are_nfc() {
        // terraform console: "e\u0301" is "é" (one character).
        assert_eq!(Value::string("e\u{301}").as_str(), Some("\u{e9}"));
        // The ASCII fast path and the Unicode path agree.
        for s in [
            "",
            "plain ascii",
            "caf\u{e9}",
            "e\u{301}",
            "\u{212b}",
            "a\r\nb",
        ] {
            use unicode_normalization::UnicodeNormalization;
            let want: String = s.nfc().collect();
            assert_eq!(Value::string(s).as_str(), Some(want.as_str()), "{s:?}");
        }
    }

    #[test]
    fn has_type_agrees_with_ty() {
        let obj_ty = |pairs: &[(&str, Type)]| {
            Type::object(
                pairs
                    .iter()
                    .map(|(k, t)| (k.to_string(), t.clone()))
                    .collect(),
            )
        };
        let values = [
            Value::string("x"),
            Value::number(1),
            Value::bool(true),
            Value::null(Type::String),
            Value::dynamic_null(),
            Value::unknown(Type::Dynamic),
            Value::unknown(Type::list(Type::String)),
            Value::list(Type::String, vec![Value::string("a")]),
            Value::set(Type::Number, vec![Value::number(1)]),
            Value::map(Type::Bool, BTreeMap::new()),
            Value::tuple(vec![Value::string("a"), Value::number(2)]),
            Value::tuple(vec![Value::string("a")]),
            obj(1),
            Value::object(
                [("a".to_string(), Value::string("s"))]
                    .into_iter()
                    .collect(),
            ),
            Value::empty_object(),
        ];
        let types = [
            Type::String,
            Type::Number,
            Type::Bool,
            Type::Dynamic,
            Type::list(Type::String),
            Type::list(Type::Dynamic),
            Type::set(Type::Number),
            Type::map(Type::Bool),
            Type::Tuple(vec![Type::String, Type::Number]),
            Type::Tuple(vec![Type::String]),
            obj_ty(&[("a", Type::Number)]),
            obj_ty(&[("a", Type::String)]),
            obj_ty(&[]),
            Type::Object {
                attrs: [("a".to_string(), Type::Number)].into_iter().collect(),
                optional: ["a".to_string()].into_iter().collect(),
            },
        ];
        for v in &values {
            assert_eq!(v.is_dynamically_typed(), v.ty() == Type::Dynamic, "{v:?}");
            for t in &types {
                assert_eq!(v.has_type(t), v.ty() == *t, "{v:?} as {t:?}");
            }
        }
    }

    #[test]
    fn unknown_set_elements_are_not_merged() {
        let s = Value::set(
            Type::String,
            vec![Value::unknown(Type::String), Value::unknown(Type::String)],
        );
        assert_eq!(s.len(), Some(2));
    }
}
