//! JSON encoding and decoding of values, byte for byte as Terraform's
//! `jsonencode`/`jsondecode` (cty's JSON mapping and Go's `encoding/json`
//! string escaping).

use crate::{Kind, Number, Type, Value};
use std::collections::BTreeMap;

/// A value could not be encoded as JSON, or JSON text could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The value contains an unknown value somewhere: the caller should
    /// produce an unknown result instead of text.
    #[error("value is not yet known")]
    Unknown,
    /// An infinite number cannot be written as JSON.
    #[error("cannot serialize infinity as JSON")]
    Infinity,
    /// The JSON text is malformed; the message is Go's wording.
    #[error("{0}")]
    Syntax(String),
}

impl Value {
    /// The value as compact JSON text, exactly as Terraform's `jsonencode`
    /// writes it: object keys sorted, sets in cty's order, `<`, `>`, `&`,
    /// U+2028 and U+2029 escaped as `\u003c` etc., numbers in plain
    /// decimal. Marks are ignored (the caller carries them over).
    pub fn to_json_string(&self) -> Result<String, JsonError> {
        let mut out = String::new();
        write_json(self, &mut out)?;
        Ok(out)
    }

    /// Decodes JSON text as Terraform's `jsondecode` does: objects become
    /// object values, arrays tuples, numbers exact, `null` the untyped null.
    pub fn from_json_str(text: &str) -> Result<Value, JsonError> {
        let mut p = Parser {
            s: text.as_bytes(),
            src: text,
            i: 0,
        };
        p.ws();
        if p.i >= p.s.len() {
            return Err(JsonError::Syntax("unexpected end of JSON input".into()));
        }
        let v = p.value()?;
        p.ws();
        if p.i < p.s.len() {
            // cty reads one value with a streaming decoder, then rejects
            // anything after it with this message.
            return Err(JsonError::Syntax(
                "extraneous data after JSON object".into(),
            ));
        }
        Ok(v)
    }
}

fn write_json(v: &Value, out: &mut String) -> Result<(), JsonError> {
    match &v.kind {
        Kind::Unknown(_) => Err(JsonError::Unknown),
        Kind::Null(_) => {
            out.push_str("null");
            Ok(())
        }
        Kind::Bool(b) => {
            out.push_str(if *b { "true" } else { "false" });
            Ok(())
        }
        Kind::Number(n) => {
            if n.is_infinite() {
                return Err(JsonError::Infinity);
            }
            out.push_str(&n.to_string());
            Ok(())
        }
        Kind::String(s) => {
            write_json_string(s, out);
            Ok(())
        }
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out)?;
            }
            out.push(']');
            Ok(())
        }
        Kind::Map(_, m) | Kind::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(k, out);
                out.push(':');
                write_json(x, out)?;
            }
            out.push('}');
            Ok(())
        }
    }
}

/// Writes a JSON string literal with Go's `encoding/json` escaping (HTML
/// characters escaped).
pub fn write_json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
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
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\u{0}'..='\u{1f}' => {
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if c.is_control() => format!("'\\x{:02x}'", c as u32),
        c => format!("'{c}'"),
    }
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eof(&self) -> JsonError {
        JsonError::Syntax("unexpected end of JSON input".into())
    }

    fn bad(&self, context: &str) -> JsonError {
        match self.src.get(self.i..).and_then(|r| r.chars().next()) {
            None => self.eof(),
            Some(c) => JsonError::Syntax(format!("invalid character {} {context}", quote_char(c))),
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.eof());
        };
        match c {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => Ok(Value::string(self.string()?)),
            b't' => self.word("true", Value::bool(true)),
            b'f' => self.word("false", Value::bool(false)),
            b'n' => self.word("null", Value::dynamic_null()),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.bad("looking for beginning of value")),
        }
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, JsonError> {
        for (k, b) in w.bytes().enumerate() {
            match self.s.get(self.i) {
                None => return Err(self.eof()),
                Some(&x) if x == b => self.i += 1,
                Some(_) => {
                    let ctx = format!("in literal {w} (expecting '{}')", &w[k..=k]);
                    return Err(self.bad(&ctx));
                }
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let st = p.i;
            while p.i < p.s.len() && p.s[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - st
        };
        match self.s.get(self.i) {
            None => return Err(self.eof()),
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            Some(_) => return Err(self.bad("in numeric literal")),
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if digits(self) == 0 {
                return Err(if self.i >= self.s.len() {
                    self.eof()
                } else {
                    self.bad("after decimal point in numeric literal")
                });
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return Err(if self.i >= self.s.len() {
                    self.eof()
                } else {
                    self.bad("in exponent of numeric literal")
                });
            }
        }
        let text = &self.src[start..self.i];
        Number::parse(text)
            .map(Value::number)
            .map_err(|e| JsonError::Syntax(e.to_string()))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(self.eof());
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.s.get(self.i) else {
                        return Err(self.eof());
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
                                && self.s.get(self.i) == Some(&b'\\')
                                && self.s.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                                } else {
                                    out.push('\u{FFFD}');
                                    self.i = save;
                                }
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.bad("in string escape code"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.bad("in string literal")),
                _ => {
                    let rest = &self.src[self.i..];
                    let end = rest.find(['"', '\\']).unwrap_or(rest.len());
                    let chunk = &rest[..end];
                    if let Some(pos) = chunk.bytes().position(|b| b < 0x20) {
                        out.push_str(&chunk[..pos]);
                        self.i += pos;
                        continue;
                    }
                    out.push_str(chunk);
                    self.i += end;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let Some(&c) = self.s.get(self.i) else {
                return Err(self.eof());
            };
            let d = (c as char)
                .to_digit(16)
                .ok_or_else(|| self.bad("in \\u hexadecimal character escape"))?;
            n = n * 16 + d;
            self.i += 1;
        }
        Ok(n)
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.s.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(Value::tuple(items));
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.s.get(self.i) {
                None => return Err(self.eof()),
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(Value::tuple(items));
                }
                Some(_) => return Err(self.bad("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.i += 1;
        let mut attrs = BTreeMap::new();
        self.ws();
        if self.s.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(Value::object(attrs));
        }
        loop {
            self.ws();
            match self.s.get(self.i) {
                None => return Err(self.eof()),
                Some(b'"') => {}
                Some(_) => return Err(self.bad("looking for beginning of object key string")),
            }
            let k = self.string()?;
            self.ws();
            match self.s.get(self.i) {
                None => return Err(self.eof()),
                Some(b':') => self.i += 1,
                Some(_) => return Err(self.bad("after object key")),
            }
            let v = self.value()?;
            attrs.insert(k, v);
            self.ws();
            match self.s.get(self.i) {
                None => return Err(self.eof()),
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(Value::object(attrs));
                }
                Some(_) => return Err(self.bad("after object key:value pair")),
            }
        }
    }
}

/// The type `jsondecode` gives a JSON document without decoding it fully:
/// used where only the type is needed.
pub fn implied_type(text: &str) -> Result<Type, JsonError> {
    Value::from_json_str(text).map(|v| v.ty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_go() {
        let v = Value::string("<a>&\u{1}é\t");
        assert_eq!(
            v.to_json_string().unwrap(),
            "\"\\u003ca\\u003e\\u0026\\u0001é\\t\""
        );
    }

    #[test]
    fn decodes_structures() {
        let v = Value::from_json_str("{\"b\":1,\"a\":[true,null,{}]}").unwrap();
        assert_eq!(
            v.to_json_string().unwrap(),
            "{\"a\":[true,null,{}],\"b\":1}"
        );
        assert!(Value::from_json_str("{").is_err());
        assert!(Value::from_json_str("").is_err());
    }
}
