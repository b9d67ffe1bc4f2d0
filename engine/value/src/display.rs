//! How `terraform console` prints values and types.
//!
//! [`format_value`] is the console's rendering of a value (`tolist([...])`,
//! `tomap({...})`, heredocs for multi-line strings, `(sensitive value)`,
//! `(known after apply)`); [`format_type`] is what the console's `type()`
//! function prints (structural types over several lines, 4-space indents).

use crate::{Kind, Type, Value};

/// The console rendering of a value.
pub fn format_value(v: &Value) -> String {
    format_at(v, 0)
}

fn format_at(v: &Value, indent: usize) -> String {
    if !v.is_known() {
        return "(known after apply)".into();
    }
    if v.is_sensitive() {
        return "(sensitive value)".into();
    }
    match &v.kind {
        Kind::Null(t) => match t {
            Type::Dynamic => "null".into(),
            Type::String => "tostring(null)".into(),
            Type::Number => "tonumber(null)".into(),
            Type::Bool => "tobool(null)".into(),
            Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
            Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
            Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
            other => format!("null /* {} */", other.friendly_name()),
        },
        Kind::Unknown(_) => "(known after apply)".into(),
        Kind::Bool(b) => if *b { "true" } else { "false" }.into(),
        Kind::Number(n) => n.to_string(),
        Kind::String(s) => match format_multiline(s, indent) {
            Some(h) => h,
            None => go_quote(s),
        },
        Kind::Tuple(xs) => format_seq(xs, indent),
        Kind::List(_, xs) => format!("tolist({})", format_seq(xs, indent)),
        Kind::Set(_, xs) => format!("toset({})", format_seq(xs, indent)),
        Kind::Object(m) => format_map(m, indent),
        Kind::Map(_, m) => format!("tomap({})", format_map(m, indent)),
    }
}

fn format_multiline(s: &str, indent: usize) -> Option<String> {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return None;
    }
    let op = if indent > 0 { "<<-" } else { "<<" };
    let mut delim = String::from("EOT");
    while lines.iter().any(|l| l.trim() == delim) {
        delim.push('_');
    }
    let pad = " ".repeat(indent);
    let mut out = format!("{op}{delim}");
    for l in &lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(l);
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str(&delim);
    Some(out)
}

fn format_seq(xs: &[Value], indent: usize) -> String {
    let mut out = String::from("[");
    let inner = indent + 2;
    for x in xs {
        out.push('\n');
        out.push_str(&" ".repeat(inner));
        out.push_str(&format_at(x, inner));
        out.push(',');
    }
    if !xs.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
    out
}

fn format_map(m: &std::collections::BTreeMap<String, Value>, indent: usize) -> String {
    let mut out = String::from("{");
    let inner = indent + 2;
    for (k, x) in m {
        out.push('\n');
        out.push_str(&" ".repeat(inner));
        out.push_str(&go_quote(k));
        out.push_str(" = ");
        out.push_str(&format_at(x, inner));
    }
    if !m.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
    out
}

/// A string quoted as Go's `strconv.Quote` does: printable characters kept,
/// others escaped.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    go_quote_into(&mut out, s);
    out
}

/// [`go_quote`] appended to `out`. Plain printable ASCII (the usual case)
/// is copied in runs without looking at characters one by one.
pub fn go_quote_into(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut rest = s;
    while !rest.is_empty() {
        let plain = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        let Some(c) = rest.chars().next() else { break };
        rest = &rest[c.len_utf8()..];
        push_quoted_char(out, c);
    }
    out.push('"');
}

/// One character that is not plain printable ASCII, as `strconv.Quote`
/// writes it.
fn push_quoted_char(out: &mut String, c: char) {
    use std::fmt::Write as _;
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if !is_go_printable(c) => {
            if (c as u32) < 0x10000 {
                let _ = write!(out, "\\u{:04x}", c as u32);
            } else {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
        c => out.push(c),
    }
}

/// Approximates Go's `strconv.IsPrint`: letters, marks, numbers,
/// punctuation, symbols and the ASCII space are printable.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let n = c as u32;
    // Format characters, surrogates, private use and noncharacters.
    !matches!(n,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xE000..=0xF8FF | 0xFFFE | 0xFFFF | 0xF0000..=0x10FFFF | 0xE0001 | 0xE0020..=0xE007F)
}

/// What the console's `type()` function prints for a type.
pub fn format_type(t: &Type) -> String {
    let mut out = String::new();
    write_type(t, &mut out, 0);
    out
}

fn write_type(t: &Type, out: &mut String, indent: usize) {
    let indent = indent + 1;
    match t {
        Type::String => out.push_str("string"),
        Type::Number => out.push_str("number"),
        Type::Bool => out.push_str("bool"),
        Type::Dynamic => out.push_str("dynamic"),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            out.push_str(match t {
                Type::List(_) => "list(",
                Type::Set(_) => "set(",
                _ => "map(",
            });
            let structural = e.is_structural();
            if structural {
                out.push('\n');
                out.push_str(&"    ".repeat(indent));
            }
            write_type(e, out, indent);
            if structural {
                out.push_str(",\n");
                out.push_str(&"    ".repeat(indent - 1));
            }
            out.push(')');
        }
        Type::Object { attrs, optional } => {
            if attrs.is_empty() {
                out.push_str("object({})");
                return;
            }
            out.push_str("object({\n");
            for (k, a) in attrs {
                out.push_str(&"    ".repeat(indent));
                out.push_str(k);
                out.push_str(": ");
                if optional.contains(k) {
                    out.push_str("optional(");
                    write_type(a, out, indent);
                    out.push(')');
                } else {
                    write_type(a, out, indent);
                }
                out.push_str(",\n");
            }
            out.push_str(&"    ".repeat(indent - 1));
            out.push_str("})");
        }
        Type::Tuple(es) => {
            if es.is_empty() {
                out.push_str("tuple([])");
                return;
            }
            out.push_str("tuple([\n");
            for e in es {
                out.push_str(&"    ".repeat(indent));
                write_type(e, out, indent);
                out.push_str(",\n");
            }
            out.push_str(&"    ".repeat(indent - 1));
            out.push_str("])");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn types_render_like_the_console() {
        let t = Type::list(Type::Tuple(vec![Type::String, Type::String]));
        assert_eq!(
            format_type(&t),
            "list(\n    tuple([\n        string,\n        string,\n    ]),\n)"
        );
        assert_eq!(format_type(&Type::list(Type::Dynamic)), "list(dynamic)");
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("plain text"), "\"plain text\"");
        assert_eq!(
            go_quote("a\"b\\c\nd\u{1}\u{7f}é\u{200B}x\u{F0000}"),
            "\"a\\\"b\\\\c\\nd\\x01\\x7fé\\u200bx\\U000f0000\""
        );
        let mut out = String::from("k=");
        go_quote_into(&mut out, "");
        assert_eq!(out, "k=\"\"");
    }

    #[test]
    fn values_render_like_the_console() {
        let v = Value::list(Type::Number, vec![Value::number(1)]);
        assert_eq!(format_value(&v), "tolist([\n  1,\n])");
        assert_eq!(format_value(&Value::string("a\nb")), "<<EOT\na\nb\nEOT");
        assert_eq!(
            format_value(&Value::number(1).mark_sensitive()),
            "(sensitive value)"
        );
    }
}
