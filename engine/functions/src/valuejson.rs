//! JSON encoding and decoding of values with Terraform's exact output.
//!
//! This belongs with the value model (`terrane-value`), whose owner plans a
//! shared version; until then `jsonencode`, `jsondecode` and `format("%#v")`
//! use this one.

use std::collections::BTreeMap;
use terrane_value::{Kind, Number, Value};

/// Encodes a wholly known value as Terraform's `jsonencode` does (keys
/// sorted, `<`, `>` and `&` escaped as Go does).
pub fn json_encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    encode(v, &mut out)?;
    Ok(out)
}

fn encode(v: &Value, out: &mut String) -> Result<(), String> {
    match &v.kind {
        Kind::Null(_) => out.push_str("null"),
        Kind::Unknown(_) => return Err("value is not known".into()),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Number(n) => out.push_str(&n.to_string()),
        Kind::String(s) => quote_into(s, out),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(x, out)?;
            }
            out.push(']');
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote_into(k, out);
                out.push(':');
                encode(x, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Writes `s` as a JSON string the way Go's encoding/json does.
pub(crate) fn quote_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Decodes JSON text into a value of the implied type (objects, tuples,
/// numbers, strings, bools, untyped nulls), as Terraform's `jsondecode`.
pub fn json_decode(s: &str) -> Result<Value, String> {
    let mut p = Parser {
        b: s.as_bytes(),
        i: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.b.len() {
        return Err("extraneous data after JSON object".into());
    }
    Ok(v)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn invalid(&self, ctx: &str) -> String {
        let s = std::str::from_utf8(&self.b[self.i..]).unwrap_or("");
        match s.chars().next() {
            Some(c) => format!("invalid character {} {ctx}", quote_char(c)),
            None => "EOF".into(),
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        match self.peek() {
            None => Err("EOF".into()),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => Ok(Value::string(self.string()?)),
            Some(b't') => self.word("true", Value::bool(true)),
            Some(b'f') => self.word("false", Value::bool(false)),
            Some(b'n') => self.word("null", Value::dynamic_null()),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, String> {
        for (k, expected) in w.bytes().enumerate() {
            match self.b.get(self.i + k) {
                None => return Err("EOF".into()),
                Some(c) if *c == expected => {}
                Some(_) => {
                    self.i += k;
                    return Err(self.invalid(&format!("in literal {w} (expecting {})", quote_char(expected as char))));
                }
            }
        }
        self.i += w.len();
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E') {
                self.i += 1;
            } else {
                break;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("");
        Number::parse(text)
            .map(Value::number)
            .map_err(|_| format!("invalid number literal {text:?}"))
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let rest = std::str::from_utf8(&self.b[self.i..]).unwrap_or("");
            let mut chars = rest.char_indices();
            let Some((_, c)) = chars.next() else {
                return Err("EOF".into());
            };
            self.i += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return Err("EOF".into());
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                                    continue;
                                }
                                self.i = save;
                            }
                            out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    self.i -= 1;
                    return Err(self.invalid("in string literal"));
                }
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.b.get(self.i..self.i + 4).ok_or("EOF")?;
        let s = std::str::from_utf8(h).map_err(|_| "invalid character in \\u hexadecimal character escape".to_string())?;
        let v = u32::from_str_radix(s, 16)
            .map_err(|_| "invalid character in \\u hexadecimal character escape".to_string())?;
        self.i += 4;
        Ok(v)
    }

    fn array(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::tuple(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::tuple(items));
                }
                None => return Err("EOF".into()),
                Some(_) => return Err(self.invalid("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut attrs = BTreeMap::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::object(attrs));
        }
        loop {
            self.ws();
            match self.peek() {
                Some(b'"') => {}
                None => return Err("EOF".into()),
                Some(_) => return Err(self.invalid("looking for beginning of object key string")),
            }
            let key = self.string()?;
            self.ws();
            match self.peek() {
                Some(b':') => self.i += 1,
                None => return Err("EOF".into()),
                Some(_) => return Err(self.invalid("after object key")),
            }
            self.ws();
            let v = self.value()?;
            if attrs.contains_key(&key) {
                return Err(format!("duplicate {key:?} property in JSON object"));
            }
            attrs.insert(key, v);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::object(attrs));
                }
                None => return Err("EOF".into()),
                Some(_) => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '\n' => "'\\n'".into(),
        '\t' => "'\\t'".into(),
        '\r' => "'\\r'".into(),
        c => format!("'{c}'"),
    }
}

