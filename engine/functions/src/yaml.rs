//! YAML encoding and decoding as Terraform's `yamlencode`/`yamldecode`
//! (go-yaml v2 semantics: strings double-quoted or literal blocks, block
//! collections, `...` after a plain top-level scalar).

use std::collections::BTreeMap;
use terrane_value::{Kind, Number, Value};

/// Encodes a wholly known value as YAML text.
pub(crate) fn encode(v: &Value) -> String {
    let mut out = String::new();
    match &v.kind {
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) if !xs.is_empty() => {
            seq(xs, 0, false, &mut out)
        }
        Kind::Map(_, m) | Kind::Object(m) if !m.is_empty() => map(m, 0, false, &mut out),
        _ => {
            let (text, plain) = scalar(v, 2);
            out.push_str(&text);
            out.push('\n');
            if plain {
                out.push_str("...\n");
            }
        }
    }
    out
}

fn is_block(v: &Value) -> bool {
    match &v.kind {
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => !xs.is_empty(),
        Kind::Map(_, m) | Kind::Object(m) => !m.is_empty(),
        _ => false,
    }
}

/// A scalar (or empty collection) as text, and whether it is plain.
fn scalar(v: &Value, content_indent: usize) -> (String, bool) {
    match &v.kind {
        Kind::Null(_) | Kind::Unknown(_) => ("null".into(), true),
        Kind::Bool(b) => ((if *b { "true" } else { "false" }).into(), true),
        Kind::Number(n) => (n.to_string(), true),
        Kind::String(s) => (string(s, content_indent), false),
        Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => ("[]".into(), false),
        Kind::Map(..) | Kind::Object(_) => ("{}".into(), false),
    }
}

fn printable(c: char) -> bool {
    matches!(c, '\n' | '\u{85}')
        || (' '..='~').contains(&c)
        || ('\u{a0}'..='\u{d7ff}').contains(&c)
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
        || ('\u{10000}'..='\u{10ffff}').contains(&c)
}

fn string(s: &str, indent: usize) -> String {
    let literal_ok = s.contains('\n')
        && s.chars().all(printable)
        && !s.contains(" \n")
        && !s.ends_with(' ');
    if !literal_ok {
        return double_quoted(s);
    }
    let mut out = String::from("|");
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push('2');
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    let pad = " ".repeat(indent);
    let mut lines: Vec<&str> = body.split('\n').collect();
    if trailing > 1 {
        lines.extend(std::iter::repeat_n("", trailing - 1));
    }
    for l in lines {
        out.push('\n');
        if !l.is_empty() {
            out.push_str(&pad);
            out.push_str(l);
        }
    }
    out
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02X}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Writes a block sequence whose items start at column `indent`; the
/// first item's prefix is already positioned unless `newline_first`.
fn seq(xs: &[Value], indent: usize, newline_first: bool, out: &mut String) {
    for (i, x) in xs.iter().enumerate() {
        if i > 0 || newline_first {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        item(x, indent + 2, out);
    }
}

/// Writes a node that follows "- " at content column `indent`.
fn item(x: &Value, indent: usize, out: &mut String) {
    match &x.kind {
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) if !xs.is_empty() => {
            seq(xs, indent, false, out)
        }
        Kind::Map(_, m) | Kind::Object(m) if !m.is_empty() => map(m, indent, false, out),
        _ => {
            out.push_str(&scalar(x, indent).0);
            out.push('\n');
        }
    }
}

fn map(m: &BTreeMap<String, Value>, indent: usize, newline_first: bool, out: &mut String) {
    for (i, (k, x)) in m.iter().enumerate() {
        if i > 0 || newline_first {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&double_quoted(k));
        out.push(':');
        if is_block(x) {
            out.push('\n');
            match &x.kind {
                Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
                    seq(xs, indent, true, out)
                }
                Kind::Map(_, mm) | Kind::Object(mm) => map(mm, indent + 2, true, out),
                _ => {}
            }
        } else {
            out.push(' ');
            out.push_str(&scalar(x, indent + 2).0);
            out.push('\n');
        }
    }
}

/// Decodes one YAML document into a value of the implied type.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let meaningful = src
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    if !meaningful {
        return Err("on line 1, column 1: missing start of document".into());
    }
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(src).map_err(|e| {
        let msg = e.to_string();
        match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        }
    })?;
    from_yaml(doc)
}

fn from_yaml(v: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match v {
        Y::Null => Value::dynamic_null(),
        Y::Bool(b) => Value::bool(b),
        Y::Number(n) => {
            let text = n.to_string();
            if let Some(f) = n.as_f64().filter(|_| !(n.is_i64() || n.is_u64())) {
                if !f.is_finite() {
                    return Err(format!("cannot represent {text} as a number"));
                }
                Value::number(Number::try_from(f).map_err(|e| e.to_string())?)
            } else {
                Value::number(Number::parse(&text).map_err(|e| e.to_string())?)
            }
        }
        Y::String(s) => Value::string(s),
        Y::Sequence(xs) => Value::tuple(xs.into_iter().map(from_yaml).collect::<Result<_, _>>()?),
        Y::Mapping(m) => {
            let mut attrs = BTreeMap::new();
            for (k, x) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".into(),
                    _ => return Err("only strings are allowed as mapping keys".into()),
                };
                attrs.insert(key, from_yaml(x)?);
            }
            Value::object(attrs)
        }
        Y::Tagged(t) => from_yaml(t.value)?,
    })
}
