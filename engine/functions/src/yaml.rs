//! YAML encoding and decoding as Terraform's `yamlencode`/`yamldecode`
//! (go-yaml v2 semantics: strings double-quoted or literal blocks, block
//! collections, `...` after a plain top-level scalar).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{FixedOffset, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use terrane_value::{Kind, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

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
    // go-yaml keeps ("+") trailing breaks when there are several, or when
    // the whole value is one break.
    match trailing {
        0 => out.push('-'),
        1 if s.len() > 1 => {}
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

/// Decodes one YAML document into a value of the implied type, resolving
/// plain scalars as Terraform's YAML decoder (go-yaml v2 via cty-yaml)
/// does: YAML 1.1 booleans (`yes`, `on`, ...), decimal, `0x` and `0o`
/// numbers, timestamps as RFC 3339 strings; quoted scalars stay strings.
pub(crate) fn decode(src: &str) -> Result<Value, String> {
    let mut parser = Parser::new_from_str(src);
    let mut b = Builder::default();
    loop {
        let (ev, mark) = parser
            .next_token()
            .map_err(|e| parse_error(src, e.info(), b.marks.first().copied()))?;
        let at = (mark.line(), mark.col() + 1);
        match ev {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart => {
                if b.root.is_some() {
                    return Err(format!(
                        "on line {}, column 1: unexpected extra content after value",
                        mark.line().saturating_sub(1).max(1)
                    ));
                }
            }
            Event::Alias(id) => {
                let v = b
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "reference to undefined anchor".to_string())?;
                b.push(v, false, at)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let plain = matches!(style, TScalarStyle::Plain);
                let v = resolve(&text, plain, tag.as_ref())?;
                if anchor > 0 {
                    b.anchors.insert(anchor, v.clone());
                }
                b.push(v, plain && text == "<<", at)?;
            }
            Event::SequenceStart(anchor, _) => {
                b.stack.push(Frame::Seq(anchor, Vec::new()));
                b.marks.push(at);
            }
            Event::MappingStart(anchor, _) => {
                b.stack.push(Frame::Map(anchor, BTreeMap::new(), None));
                b.marks.push(at);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                b.marks.pop();
                let (anchor, v) = match b.stack.pop() {
                    Some(Frame::Seq(a, items)) => (a, Value::tuple(items)),
                    Some(Frame::Map(a, m, _)) => (a, Value::object(m)),
                    None => return Err("unbalanced YAML collection".into()),
                };
                if anchor > 0 {
                    b.anchors.insert(anchor, v.clone());
                }
                b.push(v, false, at)?;
            }
        }
    }
    b.root
        .ok_or_else(|| "on line 1, column 1: missing start of document".into())
}

/// go-yaml's wording for a parse error: "while parsing X, expected Y"
/// becomes "on line L, column C: did not find expected Y", positioned (as
/// Terraform reports it) at the document's top-level collection.
fn parse_error(src: &str, info: &str, context: Option<(usize, usize)>) -> String {
    if info.contains("unknown anchor") {
        return match undefined_alias(src) {
            Some(name) => format!("reference to undefined anchor {name:?}"),
            None => "reference to undefined anchor".into(),
        };
    }
    let Some((_, rest)) = info
        .strip_prefix("while parsing")
        .and_then(|r| r.split_once(", "))
    else {
        return info.to_string();
    };
    let what = match rest.strip_prefix("expected ") {
        Some(e) => format!("did not find expected {e}"),
        None => rest.to_string(),
    };
    let line = context.map(|c| c.0).unwrap_or(1);
    format!("on line {line}, column 1: {what}")
}

/// The first `*alias` in the text that no `&anchor` defines.
fn undefined_alias(src: &str) -> Option<String> {
    let name_at = |s: &str| -> String {
        s.chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
            .collect()
    };
    let defined: Vec<String> = src
        .match_indices('&')
        .map(|(i, _)| name_at(&src[i + 1..]))
        .collect();
    src.match_indices('*')
        .map(|(i, _)| name_at(&src[i + 1..]))
        .find(|n| !n.is_empty() && !defined.contains(n))
}

enum Frame {
    Seq(usize, Vec<Value>),
    /// Anchor, entries, and the pending key (with whether it is `<<`, and
    /// where it is).
    Map(
        usize,
        BTreeMap<String, Value>,
        Option<(String, bool, (usize, usize))>,
    ),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    marks: Vec<(usize, usize)>,
    anchors: HashMap<usize, Value>,
    root: Option<Value>,
}

impl Builder {
    fn push(&mut self, v: Value, merge_key: bool, at: (usize, usize)) -> Result<(), String> {
        match self.stack.last_mut() {
            None => {
                if self.root.is_some() {
                    return Err("unexpected extra content after value".into());
                }
                self.root = Some(v);
            }
            Some(Frame::Seq(_, items)) => items.push(v),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => {
                    let key = match &v.kind {
                        Kind::String(s) => s.clone(),
                        Kind::Number(n) => n.to_string(),
                        Kind::Bool(b) => b.to_string(),
                        _ => return Err("only strings are allowed as mapping keys".into()),
                    };
                    *pending = Some((key, merge_key, at));
                }
                Some((_, true, (line, col))) => match &v.kind {
                    Kind::Object(m) => {
                        for (k, x) in m {
                            entries.entry(k.clone()).or_insert_with(|| x.clone());
                        }
                    }
                    _ => {
                        return Err(format!(
                            "on line {}, column {col}: cannot merge {} into mapping",
                            line.saturating_sub(1),
                            v.ty().friendly_name()
                        ))
                    }
                },
                Some((key, false, _)) => {
                    entries.insert(key, v);
                }
            },
        }
        Ok(())
    }
}

const CORE_TAG: &str = "tag:yaml.org,2002:";

/// The core-schema name of a tag (`str`, `int`, ...), or its full text.
fn tag_name(t: &Tag) -> Result<String, String> {
    let full = format!("{}{}", t.handle, t.suffix);
    if t.handle == "!!" || t.handle == CORE_TAG {
        return Ok(t.suffix.clone());
    }
    if let Some(rest) = full.strip_prefix(CORE_TAG) {
        return Ok(rest.to_string());
    }
    Err(format!("unsupported tag {full:?}"))
}

fn resolve(text: &str, plain: bool, tag: Option<&Tag>) -> Result<Value, String> {
    let tag = match tag {
        Some(t) => Some(tag_name(t)?),
        None => None,
    };
    if !plain {
        if let Some(t) = &tag {
            if t == "binary" && STANDARD.decode(text.replace('\n', "")).is_err() {
                return Err(format!(
                    "cannot parse {text:?} as !!binary: not valid base64"
                ));
            }
        }
        return Ok(Value::string(text));
    }
    match tag.as_deref() {
        None => Ok(resolve_plain(text)?.unwrap_or_else(|| Value::string(text))),
        Some("str") => Ok(Value::string(text)),
        Some("binary") => {
            STANDARD
                .decode(text.replace('\n', ""))
                .map_err(|_| format!("cannot parse {text:?} as !!binary: not valid base64"))?;
            Ok(Value::string(text))
        }
        Some("null") => Ok(Value::dynamic_null()),
        Some("bool") => match bool_word(text) {
            Some(b) => Ok(Value::bool(b)),
            None => Err(format!("cannot parse {text:?} as !!bool")),
        },
        Some(t @ ("int" | "float")) => number_word(&text.replace('_', ""))
            .map(Value::number)
            .ok_or_else(|| format!("cannot parse {text:?} as !!{t}")),
        Some("timestamp") => timestamp(text)
            .map(Value::string)
            .ok_or_else(|| format!("cannot parse {text:?} as !!timestamp")),
        Some(other) => Err(format!("unsupported tag \"!!{other}\"")),
    }
}

fn bool_word(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// Resolves an untagged plain scalar; `None` means it is a string.
fn resolve_plain(s: &str) -> Result<Option<Value>, String> {
    if let Some(b) = bool_word(s) {
        return Ok(Some(Value::bool(b)));
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Some(Value::dynamic_null())),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Ok(Some(Value::number(Number::infinity(false))))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Ok(Some(Value::number(Number::infinity(true)))),
        ".nan" | ".NaN" | ".NAN" => return Err("floating point NaN is not supported".into()),
        _ => {}
    }
    let first = s.chars().next().unwrap_or(' ');
    if first.is_ascii_digit() || first == '+' || first == '-' {
        if let Some(t) = timestamp(s) {
            return Ok(Some(Value::string(t)));
        }
    }
    if first.is_ascii_digit() || matches!(first, '+' | '-' | '.') {
        if let Some(n) = number_word(s) {
            return Ok(Some(Value::number(n)));
        }
    }
    Ok(None)
}

/// Decimal numbers (YAML float syntax), and unsigned `0x`/`0o` integers.
fn number_word(s: &str) -> Option<Number> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits_before = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += digits_before;
    let mut digits_after = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        digits_after = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += digits_after;
    }
    let mantissa_ok = digits_before > 0 || digits_after > 0;
    if mantissa_ok && matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = b[j..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits > 0 {
            i = j + exp_digits;
        }
    }
    if mantissa_ok && i == b.len() {
        return Number::parse(s).ok();
    }
    let radix = |prefix: &str, r: u32| -> Option<Number> {
        let digits = s.strip_prefix(prefix)?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(r)) {
            return None;
        }
        let n = num_bigint::BigInt::parse_bytes(digits.as_bytes(), r)?;
        Some(Number::from_big_int(&n))
    };
    radix("0x", 16).or_else(|| radix("0o", 8))
}

/// YAML timestamps Terraform accepts, as RFC 3339 text.
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut i = 0usize;
    let num = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let n = b[*i..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n < min {
            return None;
        }
        let v = s[*i..*i + n].parse().ok()?;
        *i += n;
        Some(v)
    };
    let expect = |i: &mut usize, c: u8| -> Option<()> { (b.get(*i) == Some(&c)).then(|| *i += 1) };
    let year = num(&mut i, 4, 4)?;
    expect(&mut i, b'-')?;
    let month = num(&mut i, 1, 2)?;
    expect(&mut i, b'-')?;
    let day = num(&mut i, 1, 2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    if i == b.len() {
        let t = date.and_hms_opt(0, 0, 0)?.and_utc().fixed_offset();
        return Some(crate::datetime::rfc3339(&t));
    }
    let zoned = matches!(b.get(i), Some(b'T' | b't'));
    if !zoned && b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let hour = num(&mut i, 1, 2)?;
    expect(&mut i, b':')?;
    let minute = num(&mut i, 1, 2)?;
    expect(&mut i, b':')?;
    let second = num(&mut i, 1, 2)?;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = format!("{:0<9}", &s[i..i + n]).parse().ok()?;
        i += n;
    }
    let naive = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    let offset = if zoned {
        match b.get(i) {
            Some(b'Z') => {
                i += 1;
                0
            }
            Some(b'+' | b'-') => {
                let neg = b[i] == b'-';
                i += 1;
                let h = num(&mut i, 2, 2)?;
                expect(&mut i, b':')?;
                let m = num(&mut i, 2, 2)?;
                let secs = (h * 3600 + m * 60) as i32;
                if neg {
                    -secs
                } else {
                    secs
                }
            }
            _ => return None,
        }
    } else {
        0
    };
    if i != b.len() {
        return None;
    }
    let tz = FixedOffset::east_opt(offset)?;
    let t = naive.and_local_timezone(tz).single()?;
    Some(crate::datetime::rfc3339(&t))
}
