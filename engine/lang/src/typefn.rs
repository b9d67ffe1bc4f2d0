//! The console-only `type()` function.
//!
//! Terraform's `type(x)` returns a capsule holding x's type, marked with a
//! `TypeType` mark; the console prints a marked result as a type when it is
//! such a capsule and refuses anything else derived from one ("Invalid use
//! of type function"). terrane's value model has no capsules, so a type
//! value is a string holding the console rendering of the type behind a
//! sentinel prefix, marked [`Marks::TYPE`]; strings derived from it (say by
//! `jsonencode`) keep the mark but lose the prefix position, so they are
//! told apart from type values.

use terrane_value::display::format_type;
use terrane_value::{Kind, Marks, Type, Value};

const SENTINEL: &str = "\u{0}terrane-type:";

/// The type value `type(v)` returns.
pub(crate) fn type_value(v: &Value) -> Value {
    Value::string(format!("{SENTINEL}{}", render(v, 0))).with_marks(Marks::TYPE)
}

/// The rendered type, when `v` is a type value.
pub(crate) fn as_type_text(v: &Value) -> Option<&str> {
    if !v.marks.contains(Marks::TYPE) {
        return None;
    }
    v.as_str().and_then(|s| s.strip_prefix(SENTINEL))
}

/// True when `v` is, or contains, the type of a type value.
pub(crate) fn holds_type_of_type(v: &Value) -> bool {
    as_type_text(v) == Some("type") || v.children().any(holds_type_of_type)
}

/// True when `v` or anything inside it came from `type()`.
pub(crate) fn has_type_mark(v: &Value) -> bool {
    v.marks.contains(Marks::TYPE) || v.children().any(has_type_mark)
}

/// The console rendering of the type of `v`, where type values have the
/// type `type`.
fn render(v: &Value, indent: usize) -> String {
    if as_type_text(v).is_some() {
        return "type".into();
    }
    let pad = |n: usize| "    ".repeat(n);
    match &v.kind {
        Kind::Tuple(xs) if !xs.is_empty() && xs.iter().any(has_type_mark) => {
            let mut out = String::from("tuple([\n");
            for x in xs {
                out.push_str(&pad(indent + 1));
                out.push_str(&render(x, indent + 1));
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push_str("])");
            out
        }
        Kind::Object(m) if !m.is_empty() && m.values().any(has_type_mark) => {
            let mut out = String::from("object({\n");
            for (k, x) in m {
                out.push_str(&pad(indent + 1));
                out.push_str(k);
                out.push_str(": ");
                out.push_str(&render(x, indent + 1));
                out.push_str(",\n");
            }
            out.push_str(&pad(indent));
            out.push_str("})");
            out
        }
        _ => indent_type(&v.ty(), indent),
    }
}

/// `format_type` for a type nested `indent` levels deep.
fn indent_type(t: &Type, indent: usize) -> String {
    let text = format_type(t);
    if indent == 0 {
        return text;
    }
    let pad = "    ".repeat(indent);
    text.replace('\n', &format!("\n{pad}"))
}
