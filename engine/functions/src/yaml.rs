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
            let (text, plain) = scalar(v, 0, 2);
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
/// `col` is the column it starts at; `content_indent` the indentation of
/// continuation lines.
fn scalar(v: &Value, col: usize, content_indent: usize) -> (String, bool) {
    match &v.kind {
        Kind::Null(_) | Kind::Unknown(_) => ("null".into(), true),
        Kind::Bool(b) => ((if *b { "true" } else { "false" }).into(), true),
        Kind::Number(n) => (n.to_string(), true),
        Kind::String(s) => (string(s, col, content_indent), false),
        Kind::List(..) | Kind::Set(..) | Kind::Tuple(_) => ("[]".into(), false),
        Kind::Map(..) | Kind::Object(_) => ("{}".into(), false),
    }
}

fn printable(c: char) -> bool {
    c == '\n'
        || (' '..='~').contains(&c)
        || ('\u{a0}'..='\u{d7ff}').contains(&c)
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
        || ('\u{10000}'..='\u{10ffff}').contains(&c)
}

fn string(s: &str, col: usize, indent: usize) -> String {
    let literal_ok =
        s.contains('\n') && s.chars().all(printable) && !s.contains(" \n") && !s.ends_with(' ');
    if !literal_ok {
        return folded_double_quoted(s, col, indent);
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

/// The emitter's preferred line width for double-quoted scalars.
const BEST_WIDTH: usize = 80;

/// A double-quoted scalar starting at column `col`, folded as go-yaml
/// does: past column 80, a space (not first or last, not after another
/// space) becomes a line break plus `indent` spaces.
fn folded_double_quoted(s: &str, col: usize, indent: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::from("\"");
    let mut column = col + 1;
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            if !spaces && column > BEST_WIDTH && i != 0 && i != chars.len() - 1 {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                column = indent;
                if chars.get(i + 1) == Some(&' ') {
                    out.push('\\');
                    column += 1;
                }
            } else {
                out.push(' ');
                column += 1;
            }
            spaces = true;
        } else {
            let piece = escape_char(c);
            column += piece.chars().count();
            out.push_str(&piece);
            spaces = false;
        }
    }
    out.push('"');
    out
}

fn escape_char(c: char) -> String {
    let mut out = String::new();
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
        '\u{2028}' => out.push_str("\\L"),
        '\u{2029}' => out.push_str("\\P"),
        c if printable(c) => out.push(c),
        c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02X}", c as u32)),
        c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
        c => out.push_str(&format!("\\U{:08X}", c as u32)),
    }
    out
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        out.push_str(&escape_char(c));
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
            out.push_str(&scalar(x, indent, indent).0);
            out.push('\n');
        }
    }
}

fn map(m: &BTreeMap<String, Value>, indent: usize, newline_first: bool, out: &mut String) {
    for (i, (k, x)) in m.iter().enumerate() {
        if i > 0 || newline_first {
            out.push_str(&" ".repeat(indent));
        }
        let key = double_quoted(k);
        let key_width = key.chars().count();
        out.push_str(&key);
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
            out.push_str(&scalar(x, indent + key_width + 2, indent + 2).0);
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
    let doc: Node = serde_yaml_ng::from_str(src).map_err(|e| {
        let msg = e.to_string();
        match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        }
    })?;
    doc.into_value()
}

/// A YAML node as the deserializer resolves it; mappings keep duplicate
/// keys (the last wins, as in go-yaml).
enum Node {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl<'de> serde::Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML node")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Int(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Node, E> {
        i128::try_from(v).map(Node::Int).map_err(E::custom)
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(x) = a.next_element::<Node>()? {
            items.push(x);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some((k, v)) = a.next_entry::<Node, Node>()? {
            items.push((k, v));
        }
        Ok(Node::Map(items))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, a: A) -> Result<Node, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, v): (String, A::Variant) = a.variant()?;
        v.newtype_variant::<Node>()
    }
}

impl Node {
    fn into_value(self) -> Result<Value, String> {
        Ok(match self {
            Node::Null => Value::dynamic_null(),
            Node::Bool(b) => Value::bool(b),
            Node::Int(i) => {
                Value::number(Number::parse(&i.to_string()).map_err(|e| e.to_string())?)
            }
            Node::Float(f) => Value::number(Number::try_from(f).map_err(|e| e.to_string())?),
            Node::Str(s) => Value::string(s),
            Node::Seq(xs) => Value::tuple(
                xs.into_iter()
                    .map(Node::into_value)
                    .collect::<Result<_, _>>()?,
            ),
            Node::Map(entries) => {
                let mut attrs = BTreeMap::new();
                for (k, x) in entries {
                    let key = match k {
                        Node::Str(s) => s,
                        Node::Bool(b) => b.to_string(),
                        Node::Int(i) => i.to_string(),
                        Node::Float(f) => Number::try_from(f)
                            .map(|n| n.to_string())
                            .map_err(|e| e.to_string())?,
                        Node::Null => "null".into(),
                        _ => return Err("only strings are allowed as mapping keys".into()),
                    };
                    attrs.insert(key, x.into_value()?);
                }
                Value::object(attrs)
            }
        })
    }
}
