//! Reading tfvars text for Terraform's `decode_tfvars`: a body of
//! `name = value` attributes whose values are literal expressions
//! (strings, heredocs, numbers, bools, null, tuples and objects).
//! References, function calls, operators and template interpolation are
//! not evaluated here and are reported as errors.

use std::collections::BTreeMap;
use terrane_value::{Number, Value};

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

type Res<T> = Result<T, String>;

/// Decodes tfvars text to an object of its attributes.
pub(crate) fn decode_tfvars(src: &str) -> Res<Value> {
    let mut p = Parser { src, pos: 0 };
    let mut attrs = BTreeMap::new();
    loop {
        p.skip_space(true);
        if p.at_end() {
            break;
        }
        let line = p.line();
        let name = p
            .identifier()
            .ok_or_else(|| format!("invalid tfvars syntax: <decode_tfvars argument>:{line}: Argument or block definition required; An argument or block definition is required here."))?;
        p.skip_space(false);
        if !p.eat('=') {
            return Err(format!(
                "invalid tfvars content: <decode_tfvars argument>:{line}: Unexpected {name:?} block; Blocks are not allowed here."
            ));
        }
        let v = p.expr()?;
        if attrs.insert(name.clone(), v).is_some() {
            return Err(format!(
                "invalid tfvars content: <decode_tfvars argument>:{line}: Attribute redefined; The argument {name:?} was already set."
            ));
        }
        p.skip_space(false);
        if !(p.at_end() || p.eat('\n')) {
            return Err(format!(
                "invalid tfvars syntax: <decode_tfvars argument>:{}: Missing newline after argument; An argument definition must end with a newline.",
                p.line()
            ));
        }
    }
    Ok(Value::object(attrs))
}

impl<'a> Parser<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn line(&self) -> usize {
        self.src[..self.pos].matches('\n').count() + 1
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn error<T>(&self, what: &str) -> Res<T> {
        Err(format!(
            "invalid tfvars syntax: <decode_tfvars argument>:{}: {what}",
            self.line()
        ))
    }

    /// Skips blanks and comments; newlines too when `newlines`.
    fn skip_space(&mut self, newlines: bool) {
        loop {
            let r = self.rest();
            if r.starts_with('#') || r.starts_with("//") {
                let end = r.find('\n').unwrap_or(r.len());
                self.pos += end;
            } else if r.starts_with("/*") {
                let end = r.find("*/").map(|e| e + 2).unwrap_or(r.len());
                self.pos += end;
            } else if let Some(c) = self.peek() {
                if c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n') {
                    self.pos += c.len_utf8();
                } else {
                    return;
                }
            } else {
                return;
            }
        }
    }

    fn identifier(&mut self) -> Option<String> {
        let r = self.rest();
        let mut end = 0;
        for (i, c) in r.char_indices() {
            let ok = if i == 0 {
                c.is_alphabetic() || c == '_'
            } else {
                c.is_alphanumeric() || c == '_' || c == '-'
            };
            if !ok {
                break;
            }
            end = i + c.len_utf8();
        }
        if end == 0 {
            return None;
        }
        self.pos += end;
        Some(r[..end].to_string())
    }

    fn expr(&mut self) -> Res<Value> {
        self.skip_space(false);
        let Some(c) = self.peek() else {
            return self.error("Missing expression; Expected the start of an expression, but found the end of the file.");
        };
        match c {
            '"' => self.quoted().map(Value::string),
            '[' => self.tuple(),
            '{' => self.object(),
            '<' if self.rest().starts_with("<<") => self.heredoc(),
            '-' | '0'..='9' => self.number(),
            _ => match self.identifier().as_deref() {
                Some("true") => Ok(Value::bool(true)),
                Some("false") => Ok(Value::bool(false)),
                Some("null") => Ok(Value::dynamic_null()),
                Some(name) => self.error(&format!(
                    "Variables not allowed; Variables may not be used here (found {name:?})."
                )),
                None => self.error(&format!(
                    "Invalid expression; Expected the start of an expression, but found {c:?}."
                )),
            },
        }
    }

    fn number(&mut self) -> Res<Value> {
        let r = self.rest();
        let mut end = 0;
        for (i, c) in r.char_indices() {
            let prev = r[..i].chars().last();
            let ok = c.is_ascii_digit()
                || c == '.'
                || c == 'e'
                || c == 'E'
                || (i == 0 && c == '-')
                || ((c == '+' || c == '-') && matches!(prev, Some('e' | 'E')));
            if !ok {
                break;
            }
            end = i + c.len_utf8();
        }
        let text = &r[..end];
        self.pos += end;
        Number::parse(text)
            .map(Value::number)
            .or_else(|_| self.error(&format!("Invalid number literal {text:?}.")))
    }

    fn quoted(&mut self) -> Res<String> {
        self.eat('"');
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.error(
                    "Unterminated template string; No closing marker was found for the string.",
                );
            };
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\n' => return self.error("Invalid multi-line string; Quoted strings may not be split over multiple lines."),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return self.error("Invalid escape sequence.");
                    };
                    self.pos += e.len_utf8();
                    match e {
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        'u' | 'U' => {
                            let len = if e == 'u' { 4 } else { 8 };
                            let hex = self.rest().get(..len).unwrap_or_default().to_string();
                            let ch = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                            match ch {
                                Some(ch) if hex.len() == len => {
                                    out.push(ch);
                                    self.pos += len;
                                }
                                _ => return self.error("Invalid escape sequence; The \\u and \\U escapes need hexadecimal digits of a Unicode code point."),
                            }
                        }
                        other => {
                            return self.error(&format!(
                                "Invalid escape sequence; The symbol {other:?} is not a valid escape sequence selector."
                            ))
                        }
                    }
                }
                '$' | '%' if self.rest().starts_with(&format!("{c}{{")) => {
                    // `$${` and `%%{` are literal `${` and `%{`.
                    self.pos += 1;
                    out.push(c);
                    out.push('{');
                    self.pos += 1;
                }
                '$' | '%' if self.peek() == Some('{') => {
                    return self.error("Template interpolation is not supported in decode_tfvars values.");
                }
                c => out.push(c),
            }
        }
    }

    fn heredoc(&mut self) -> Res<Value> {
        self.pos += 2;
        let strip = self.eat('-');
        let marker = self
            .identifier()
            .ok_or_else(|| "invalid tfvars syntax: invalid heredoc marker".to_string())?;
        self.skip_space(false);
        if !self.eat('\n') {
            return self.error("Invalid heredoc; A heredoc marker must be followed by a newline.");
        }
        let mut lines: Vec<&str> = Vec::new();
        loop {
            if self.at_end() {
                return self.error(&format!("Unterminated template string; No closing marker was found for the heredoc {marker:?}."));
            }
            let r = self.rest();
            let end = r.find('\n').unwrap_or(r.len());
            let line = &r[..end];
            self.pos += end;
            let closes = line.trim() == marker;
            if closes {
                break;
            }
            self.eat('\n');
            lines.push(line);
        }
        let indent = if strip {
            lines
                .iter()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
                .min()
                .unwrap_or(0)
        } else {
            0
        };
        let mut out = String::new();
        for l in lines {
            out.push_str(l.get(indent..).unwrap_or_else(|| l.trim_start()));
            out.push('\n');
        }
        if out.contains("${") || out.contains("%{") {
            return self.error("Template interpolation is not supported in decode_tfvars values.");
        }
        Ok(Value::string(out))
    }

    fn tuple(&mut self) -> Res<Value> {
        self.eat('[');
        let mut items = Vec::new();
        loop {
            self.skip_space(true);
            if self.eat(']') {
                return Ok(Value::tuple(items));
            }
            items.push(self.expr()?);
            self.skip_space(true);
            if self.eat(',') {
                continue;
            }
            if self.eat(']') {
                return Ok(Value::tuple(items));
            }
            return self.error(
                "Missing item separator; Expected a comma to mark the beginning of the next item.",
            );
        }
    }

    fn object(&mut self) -> Res<Value> {
        self.eat('{');
        let mut attrs = BTreeMap::new();
        loop {
            self.skip_space(true);
            if self.eat('}') {
                return Ok(Value::object(attrs));
            }
            let key = if self.peek() == Some('"') {
                self.quoted()?
            } else if let Some(k) = self.identifier() {
                k
            } else if matches!(self.peek(), Some('0'..='9' | '-')) {
                match self.number()?.as_number() {
                    Some(n) => n.to_string(),
                    None => return self.error("Invalid object key."),
                }
            } else {
                return self.error("Invalid object constructor; Expected an attribute name.");
            };
            self.skip_space(false);
            if !(self.eat('=') || self.eat(':')) {
                return self.error("Missing key/value separator; Expected an equals sign (\"=\") to mark the beginning of the attribute value.");
            }
            let v = self.expr()?;
            attrs.insert(key, v);
            self.skip_space(false);
            if self.eat(',') || self.eat('\n') {
                continue;
            }
            self.skip_space(true);
            if self.eat('}') {
                return Ok(Value::object(attrs));
            }
            return self.error("Missing attribute separator; Expected a newline or comma to mark the beginning of the next attribute.");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::hclwrite::encode_tfvars;

    #[test]
    fn decodes_literals() {
        let v = decode_tfvars("a = 1\nb = [\"x\"]\n").unwrap();
        assert_eq!(v.get_attr("a"), Some(&Value::number(1)));
        assert_eq!(
            v.get_attr("b"),
            Some(&Value::tuple(vec![Value::string("x")]))
        );
        let src = "# comment\nname = \"a\\\"b\\n$${x}\\u00e9\" // trailing\nn = -1.5e2\nflag = true\nnothing = null\nobj = {\n  k1 = [1, 2,]\n  \"k 2\": { nested = false }, k3 = \"v\"\n}\ndoc = <<-EOT\n    hello\n      world\n    EOT\nempty = {}\n";
        let v = decode_tfvars(src).unwrap();
        assert_eq!(v.get_attr("name"), Some(&Value::string("a\"b\n${x}é")));
        assert_eq!(v.get_attr("n"), Some(&Value::number(-150)));
        assert_eq!(v.get_attr("flag"), Some(&Value::bool(true)));
        assert!(v.get_attr("nothing").unwrap().is_null());
        let obj = v.get_attr("obj").unwrap();
        assert_eq!(obj.len(), Some(3));
        assert_eq!(
            obj.get_attr("k 2").unwrap().get_attr("nested"),
            Some(&Value::bool(false))
        );
        assert_eq!(v.get_attr("doc"), Some(&Value::string("hello\n  world\n")));
        assert_eq!(v.get_attr("empty"), Some(&Value::empty_object()));
        assert_eq!(decode_tfvars("").unwrap(), Value::empty_object());
    }

    #[test]
    fn round_trips_encode_tfvars() {
        let v = decode_tfvars("a = {\n  b = [1, { c = \"d\" }]\n}\nx = \"${\"\n").err();
        assert!(v.is_some(), "interpolation is refused");
        let v = decode_tfvars("a = {\n  b = [1, { c = \"d\" }]\n}\nx = \"$${\"\n").unwrap();
        let text = encode_tfvars(&v).unwrap();
        assert_eq!(decode_tfvars(&text).unwrap(), v);
    }

    /// `decode_tfvars(encode_tfvars(v))` and one hand-written source, as
    /// Terraform v1.11.4 decoded them (`tests/data/encode_cases.tfstate`).
    #[test]
    fn matches_terraform_on_recorded_cases() {
        let outputs =
            crate::remote_state::state_outputs(include_str!("../tests/data/encode_cases.tfstate"))
                .unwrap();
        let mut checked = 0;
        for (name, want) in &outputs {
            let Some(i) = name.strip_prefix('d').filter(|i| i.len() == 3) else {
                continue;
            };
            let Some(text) = outputs[&format!("t{i}")].as_str().filter(|t| *t != "ERROR") else {
                continue;
            };
            assert_eq!(&decode_tfvars(text).unwrap(), want, "case {i}");
            checked += 1;
        }
        assert!(checked > 20, "{checked}");
        let src = "# c\nname = \"a\\\"b\\n$$${x}\\u00e9\" // t\nn = -1.5e2\nobj = {\n  k1 = [1, 2,]\n  \"k 2\": { nested = false }, k3 = \"v\"\n}\ndoc = <<-EOT\n    hello\n      world\n    EOT\n";
        assert_eq!(&decode_tfvars(src).unwrap(), &outputs["dx1"]);
    }

    #[test]
    fn rejects_what_tfvars_cannot_hold() {
        for bad in [
            "a = var.x",
            "a = 1 b = 2",
            "a 1",
            "block {\n}",
            "a = \"unterminated",
            "a = [1 2]",
            "a = 1\na = 2",
            "a = \"\\q\"",
            "= 1",
            "a = <<EOT\nno end",
            "a = {b}",
        ] {
            assert!(decode_tfvars(bad).is_err(), "{bad:?}");
        }
    }
}
