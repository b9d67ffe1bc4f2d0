//! Writing values as HCL expressions and tfvars files, laid out as
//! Terraform's `hclwrite` formats them: objects one attribute per line with
//! the `=` signs of neighbouring one-line attributes aligned, sequences on
//! one line, two-space indents that grow by one level per line that opens
//! brackets.

use terrane_value::{Kind, Value};

/// One token and the spaces written before it on its line.
#[derive(Debug, Clone)]
struct Tok {
    text: String,
    space: usize,
    /// +1 for `[`/`{`, -1 for `]`/`}`.
    bracket: i32,
    is_eq: bool,
}

fn tok(text: impl Into<String>, space: usize) -> Tok {
    let text = text.into();
    let bracket = match text.as_str() {
        "[" | "{" => 1,
        "]" | "}" => -1,
        _ => 0,
    };
    Tok {
        is_eq: text == "=",
        text,
        space,
        bracket,
    }
}

/// A token stream; `None` marks a line break.
type Stream = Vec<Option<Tok>>;

/// True for an HCL identifier (letters, digits, `_` and `-`, not starting
/// with a digit or `-`).
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// Go's `unicode.IsPrint`, approximated without Unicode tables: controls,
/// spaces other than U+0020, and invisible format characters are not.
fn is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c,
        '\u{00ad}' | '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}')
}

/// A quoted HCL string literal: escapes as hclwrite writes them, with
/// `${` and `%{` doubled so they stay literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if !is_print(c) => {
                let v = c as u32;
                if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn key_text(k: &str) -> String {
    if is_identifier(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

/// Appends the tokens of `v`; its first token gets `space` spaces.
fn value_tokens(v: &Value, space: usize, out: &mut Stream) {
    match &v.kind {
        Kind::Null(_) | Kind::Unknown(_) => out.push(Some(tok("null", space))),
        Kind::Bool(b) => out.push(Some(tok(b.to_string(), space))),
        Kind::Number(n) => out.push(Some(tok(n.to_string(), space))),
        Kind::String(s) => out.push(Some(tok(quote(s), space))),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            out.push(Some(tok("[", space)));
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(Some(tok(",", 0)));
                }
                value_tokens(x, usize::from(i > 0), out);
            }
            out.push(Some(tok("]", 0)));
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push(Some(tok("{", space)));
            if m.is_empty() {
                out.push(Some(tok("}", 0)));
                return;
            }
            out.push(None);
            for (k, x) in m {
                attribute_tokens(k, x, out);
            }
            out.push(Some(tok("}", 0)));
        }
    }
}

/// `key = value` and a line break.
fn attribute_tokens(key: &str, v: &Value, out: &mut Stream) {
    out.push(Some(tok(key_text(key), 0)));
    out.push(Some(tok("=", 1)));
    value_tokens(v, 1, out);
    out.push(None);
}

/// Lays a token stream out as text: hclwrite's indentation and alignment.
fn layout(stream: Stream) -> String {
    let mut lines: Vec<Vec<Tok>> = vec![Vec::new()];
    for t in stream {
        match t {
            Some(t) => {
                if let Some(line) = lines.last_mut() {
                    line.push(t);
                }
            }
            None => lines.push(Vec::new()),
        }
    }
    // Split each line at an `=` whose right-hand side closes every bracket
    // it opens: only such lines take part in alignment.
    let assign_at: Vec<Option<usize>> = lines
        .iter()
        .map(|l| {
            let i = l.iter().skip(1).position(|t| t.is_eq)? + 1;
            let net: i32 = l[i..].iter().map(|t| t.bracket).sum();
            (net == 0).then_some(i)
        })
        .collect();
    // Indentation: a line with a net opening raises the level by one for
    // the lines after it; closings pop remembered openings.
    let mut indents: Vec<i32> = Vec::new();
    let mut indent_of = vec![0usize; lines.len()];
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            continue;
        }
        let net: i32 = l.iter().map(|t| t.bracket).sum();
        if net > 0 {
            indent_of[i] = 2 * indents.len();
            indents.push(net);
        } else if net < 0 {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed >= *top {
                    closed -= *top;
                    indents.pop();
                } else {
                    *top -= closed;
                    closed = 0;
                }
            }
            indent_of[i] = 2 * indents.len();
        } else {
            indent_of[i] = 2 * indents.len();
        }
    }
    // Alignment: runs of consecutive lines with an assignment pad their
    // leads to the widest.
    let lead_width = |i: usize, at: usize| -> usize {
        indent_of[i]
            + lines[i][..at]
                .iter()
                .enumerate()
                .map(|(k, t)| t.text.chars().count() + if k == 0 { 0 } else { t.space })
                .sum::<usize>()
    };
    let mut eq_space = vec![1usize; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if assign_at[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < lines.len() && assign_at[i].is_some() {
            i += 1;
        }
        let widths: Vec<usize> = (start..i)
            .map(|j| lead_width(j, assign_at[j].unwrap_or(0)))
            .collect();
        let max = widths.iter().copied().max().unwrap_or(0);
        for (j, w) in (start..i).zip(widths) {
            eq_space[j] = max - w + 1;
        }
    }
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if l.is_empty() {
            if i + 1 < lines.len() {
                out.push('\n');
            }
            continue;
        }
        for (k, t) in l.iter().enumerate() {
            let space = if k == 0 {
                indent_of[i]
            } else if Some(k) == assign_at[i] {
                eq_space[i]
            } else {
                t.space
            };
            out.extend(std::iter::repeat_n(' ', space));
            out.push_str(&t.text);
        }
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    out
}

/// `v` as one HCL expression (Terraform's `encode_expr`).
pub(crate) fn encode_expr(v: &Value) -> String {
    let mut stream = Stream::new();
    value_tokens(v, 0, &mut stream);
    layout(stream).trim().to_string()
}

/// The attributes of an object or map as a tfvars file (Terraform's
/// `encode_tfvars`); an error names a key that is not an identifier.
pub(crate) fn encode_tfvars(v: &Value) -> Result<String, String> {
    let entries = match &v.kind {
        Kind::Map(_, m) | Kind::Object(m) => m,
        _ => {
            return Err(
                "invalid value to encode: must be an object whose attribute names will become the encoded variable names"
                    .into(),
            )
        }
    };
    let mut stream = Stream::new();
    for (k, x) in entries {
        if !is_identifier(k) {
            return Err(format!(
                "invalid variable name {k:?}: must be a valid identifier, per Terraform's rules for input variable declarations"
            ));
        }
        attribute_tokens(k, x, &mut stream);
    }
    Ok(layout(stream))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::BTreeMap;
    use terrane_value::{Number, Type};

    fn obj(entries: Vec<(&str, Value)>) -> Value {
        Value::object(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    fn n(v: i64) -> Value {
        Value::number(v)
    }

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    // Expected texts below are what Terraform v1.11.4's
    // `provider::terraform::encode_expr` / `encode_tfvars` returned.

    #[test]
    fn scalars_and_sequences() {
        assert_eq!(
            encode_expr(&s("a\"b\n${1}%{x}é\t")),
            r#""a\"b\n$${1}%%{x}é\t""#
        );
        assert_eq!(encode_expr(&s("\u{1}\r\\é€𝄞")), r#""\u0001\r\\é€𝄞""#);
        assert_eq!(encode_expr(&Value::list(Type::String, vec![])), "[]");
        assert_eq!(
            encode_expr(&Value::set(Type::String, vec![s("b"), s("a")])),
            r#"["a", "b"]"#
        );
        assert_eq!(
            encode_expr(&Value::number(Number::parse("1.5e30").unwrap())),
            "1500000000000000000000000000000"
        );
        assert_eq!(
            encode_expr(&Value::number(Number::parse("-0.5").unwrap())),
            "-0.5"
        );
        let nested = Value::tuple(vec![
            Value::tuple(vec![n(1), n(2)]),
            Value::empty_tuple(),
            Value::tuple(vec![Value::empty_object()]),
        ]);
        assert_eq!(encode_expr(&nested), "[[1, 2], [], [{}]]");
    }

    #[test]
    fn objects() {
        let v = obj(vec![
            ("a", n(1)),
            (
                "b-c",
                Value::tuple(vec![n(1), s("x"), Value::bool(true), Value::dynamic_null()]),
            ),
            ("d", Value::empty_object()),
        ]);
        assert_eq!(
            encode_expr(&v),
            "{\n  a   = 1\n  b-c = [1, \"x\", true, null]\n  d   = {}\n}"
        );
        let v = obj(vec![
            ("z", obj(vec![("x", n(1))])),
            ("b", n(1)),
            ("cc", n(2)),
            ("with space", n(3)),
            ("1x", n(4)),
        ]);
        assert_eq!(
            encode_expr(&v),
            "{\n  \"1x\"         = 4\n  b            = 1\n  cc           = 2\n  \"with space\" = 3\n  z = {\n    x = 1\n  }\n}"
        );
        let v = Value::tuple(vec![
            obj(vec![("a", n(1))]),
            obj(vec![("a", n(2)), ("bb", n(3))]),
        ]);
        assert_eq!(
            encode_expr(&v),
            "[{\n  a = 1\n  }, {\n  a  = 2\n  bb = 3\n}]"
        );
        let v = obj(vec![
            ("a", Value::tuple(vec![n(1), obj(vec![("b", n(2))])])),
            ("c", s("x")),
        ]);
        assert_eq!(
            encode_expr(&v),
            "{\n  a = [1, {\n    b = 2\n  }]\n  c = \"x\"\n}"
        );
        let v = obj(vec![(
            "a",
            obj(vec![("b", Value::tuple(vec![obj(vec![("c", n(1))])]))]),
        )]);
        assert_eq!(
            encode_expr(&v),
            "{\n  a = {\n    b = [{\n      c = 1\n    }]\n  }\n}"
        );
        let m = Value::map(Type::String, BTreeMap::from([("x".to_string(), s("1"))]));
        assert_eq!(encode_expr(&m), "{\n  x = \"1\"\n}");
        let v = obj(vec![
            (
                "a",
                Value::list(Type::Dynamic, vec![obj(vec![("x", n(1))])]),
            ),
            ("bbb", n(2)),
        ]);
        assert_eq!(
            encode_expr(&v),
            "{\n  a = [{\n    x = 1\n  }]\n  bbb = 2\n}"
        );
    }

    /// 80 generated values (`tests/data/encode_cases.tf`) with the
    /// `encode_expr` and `encode_tfvars` results Terraform v1.11.4 stored
    /// for them as outputs (`tests/data/encode_cases.tfstate`).
    #[test]
    fn matches_terraform_on_generated_cases() {
        let outputs =
            crate::remote_state::state_outputs(include_str!("../tests/data/encode_cases.tfstate"))
                .unwrap();
        let mut checked = 0;
        for (name, v) in &outputs {
            let Some(i) = name.strip_prefix('v') else {
                continue;
            };
            let expr = outputs[&format!("e{i}")].as_str().unwrap();
            if expr != "NULL" {
                assert_eq!(encode_expr(v), expr, "encode_expr case {i}");
                checked += 1;
            }
            match outputs[&format!("t{i}")].as_str().unwrap() {
                "ERROR" => assert!(encode_tfvars(v).is_err(), "encode_tfvars case {i}"),
                text => {
                    assert_eq!(encode_tfvars(v).unwrap(), text, "encode_tfvars case {i}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn tfvars() {
        let v = obj(vec![
            ("a", n(1)),
            ("bb", Value::tuple(vec![n(1), n(2)])),
            ("c", obj(vec![("x", s("y")), ("long", n(2))])),
        ]);
        assert_eq!(
            encode_tfvars(&v).unwrap(),
            "a  = 1\nbb = [1, 2]\nc = {\n  long = 2\n  x    = \"y\"\n}\n"
        );
        let v = obj(vec![
            ("a", Value::empty_object()),
            ("b", Value::empty_tuple()),
            ("c", Value::dynamic_null()),
        ]);
        assert_eq!(encode_tfvars(&v).unwrap(), "a = {}\nb = []\nc = null\n");
        assert_eq!(encode_tfvars(&Value::empty_object()).unwrap(), "");
        assert!(encode_tfvars(&obj(vec![("not ok", n(1))])).is_err());
        assert!(encode_tfvars(&n(1)).is_err());
    }
}
