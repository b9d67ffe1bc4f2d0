//! One-pass reading of state JSON into a value of a schema type.
//!
//! The general path decodes the text into an untyped value (objects,
//! tuples, dynamic wrappers and their type JSON all built as values) and
//! then takes that apart again into the schema's shape. Reading a large
//! state spends most of its decoding time there, so this reader walks the
//! text once, guided by the type, and builds only the final value.
//!
//! It takes only what it can read with exactly the general path's result:
//! well-formed JSON whose shape is the schema's (no unknown or repeated
//! attributes, tuples of the right length, primitives of their own JSON
//! kind, dynamic values as `{"value":…,"type":…}` with plain type JSON).
//! Anything else returns `None`, and the caller takes the general path,
//! which also words the errors.

use std::borrow::Cow;
use std::collections::BTreeMap;
use terrane_value::{Number, Type, Value};

/// Reads `text` as a value of type `ty`, or `None` when the general path
/// must decide (see the module documentation).
pub(super) fn read_typed(text: &str, ty: &Type) -> Option<Value> {
    let mut r = Reader {
        s: text.as_bytes(),
        src: text,
        i: 0,
    };
    let v = r.typed(ty)?;
    r.at_end().then_some(v)
}

struct Reader<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.i).copied()
    }

    /// Consumes `b` (after whitespace), or fails.
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.i += 1)
    }

    fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.s.len()
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.s[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    fn typed(&mut self, ty: &Type) -> Option<Value> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(Value::null(ty.clone()));
        }
        match ty {
            Type::String => Some(Value::string(self.string()?.into_owned())),
            Type::Number => self.number(),
            Type::Bool => match self.peek()? {
                b't' => self.literal(b"true").map(|()| Value::bool(true)),
                b'f' => self.literal(b"false").map(|()| Value::bool(false)),
                _ => None,
            },
            Type::Dynamic => self.dynamic(),
            Type::List(e) => Some(Value::list((**e).clone(), self.array(|r| r.typed(e))?)),
            Type::Set(e) => Some(Value::set((**e).clone(), self.array(|r| r.typed(e))?)),
            Type::Tuple(ts) => {
                let mut at = 0;
                let items = self.array(|r| {
                    let t = ts.get(at)?;
                    at += 1;
                    r.typed(t)
                })?;
                (items.len() == ts.len()).then(|| Value::tuple(items))
            }
            Type::Map(e) => {
                let mut out = BTreeMap::new();
                self.object(|r, k| {
                    let v = r.typed(e)?;
                    out.insert(k.into_owned(), v).is_none().then_some(())
                })?;
                Some(Value::map((**e).clone(), out))
            }
            Type::Object { attrs, .. } => {
                let mut out = BTreeMap::new();
                self.object(|r, k| {
                    let (name, t) = attrs.get_key_value(k.as_ref())?;
                    let v = r.typed(t)?;
                    out.insert(name.clone(), v).is_none().then_some(())
                })?;
                if out.len() < attrs.len() {
                    for (k, t) in attrs {
                        out.entry(k.clone())
                            .or_insert_with(|| Value::null(t.clone()));
                    }
                }
                Some(Value::object(out))
            }
        }
    }

    /// A dynamic value: `{"value":…,"type":…}` (either order). The value
    /// is read once its type is known.
    fn dynamic(&mut self) -> Option<Value> {
        let mut span = None;
        let mut ty = None;
        self.object(|r, k| match k.as_ref() {
            "value" if span.is_none() => {
                r.ws();
                let start = r.i;
                r.skip()?;
                span = Some((start, r.i));
                Some(())
            }
            "type" if ty.is_none() => {
                ty = Some(r.type_json()?);
                Some(())
            }
            _ => None,
        })?;
        let ((start, end), ty) = (span?, ty?);
        let mut sub = Reader {
            s: &self.s[..end],
            src: self.src.get(..end)?,
            i: start,
        };
        let v = sub.typed(&ty)?;
        sub.at_end().then_some(v)
    }

    /// cty's type JSON, in the plain forms `type_to_json` writes (no
    /// optional-attribute list).
    fn type_json(&mut self) -> Option<Type> {
        if self.peek()? == b'"' {
            return match self.string()?.as_ref() {
                "string" => Some(Type::String),
                "number" => Some(Type::Number),
                "bool" => Some(Type::Bool),
                "dynamic" => Some(Type::Dynamic),
                _ => None,
            };
        }
        self.eat(b'[')?;
        let kind = self.string()?;
        self.eat(b',')?;
        let t = match kind.as_ref() {
            "list" => Type::list(self.type_json()?),
            "set" => Type::set(self.type_json()?),
            "map" => Type::map(self.type_json()?),
            "object" => {
                let mut attrs = BTreeMap::new();
                self.object(|r, k| {
                    let t = r.type_json()?;
                    attrs.insert(k.into_owned(), t).is_none().then_some(())
                })?;
                Type::object(attrs)
            }
            "tuple" => Type::Tuple(self.array(Reader::type_json)?),
            _ => return None,
        };
        self.eat(b']')?;
        Some(t)
    }

    /// `[` items `]`, each read by `item`.
    fn array<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.eat(b'[')?;
        let mut out = Vec::new();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(out);
        }
        loop {
            out.push(item(self)?);
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(out);
                }
                _ => return None,
            }
        }
    }

    /// `{` members `}`; `member` reads each value given its key.
    fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string literal, unescaped as the general decoder does (a lone
    /// surrogate escape becomes U+FFFD); borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.eat(b'"')?;
        let src: &'a str = self.src;
        let start = self.i;
        let mut out: Option<String> = None;
        loop {
            let run = self.s[self.i..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
            // The bytes searched for are ASCII, so both ends are character
            // boundaries.
            let chunk = src.get(self.i..self.i + run)?;
            self.i += run;
            match self.s[self.i] {
                b'"' => {
                    self.i += 1;
                    return Some(match out {
                        None => Cow::Borrowed(src.get(start..self.i - 1)?),
                        Some(mut o) => {
                            o.push_str(chunk);
                            Cow::Owned(o)
                        }
                    });
                }
                b'\\' => {
                    self.i += 1;
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return None,
                    };
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(chunk);
                    o.push(c);
                }
                _ => return None,
            }
        }
    }

    /// The character of a `\u` escape (the `\u` consumed), joining a
    /// surrogate pair.
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s[self.i..].starts_with(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Some(char::from_u32(cp).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
            return Some('\u{FFFD}');
        }
        Some(char::from_u32(hi).unwrap_or('\u{FFFD}'))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.i..self.i + 4)?;
        let mut n = 0u32;
        for &d in digits {
            n = n * 16 + (d as char).to_digit(16)?;
        }
        self.i += 4;
        Some(n)
    }

    /// A number literal (JSON's grammar), exact.
    fn number(&mut self) -> Option<Value> {
        self.ws();
        let start = self.i;
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.s.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.s.get(self.i) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        let n = Number::parse(self.src.get(start..self.i)?).ok()?;
        Some(Value::number(n))
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    /// Steps over one value without reading it: strings, bracket nesting
    /// and scalar characters only (its content is checked when it is
    /// read).
    fn skip(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    loop {
                        let run = self.s[self.i..]
                            .iter()
                            .position(|&b| b == b'"' || b == b'\\')?;
                        self.i += run + 1;
                        if self.s[self.i - 1] == b'"' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                    continue;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => {
                    self.i += 1;
                    continue;
                }
                _ => {
                    let run = self.s[self.i..]
                        .iter()
                        .position(|&b| {
                            matches!(
                                b,
                                b',' | b':'
                                    | b'{'
                                    | b'}'
                                    | b'['
                                    | b']'
                                    | b'"'
                                    | b' '
                                    | b'\t'
                                    | b'\n'
                                    | b'\r'
                            )
                        })
                        .unwrap_or(self.s.len() - self.i);
                    if run == 0 {
                        return None;
                    }
                    self.i += run;
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn obj(attrs: &[(&str, Type)]) -> Type {
        Type::object(
            attrs
                .iter()
                .map(|(k, t)| (k.to_string(), t.clone()))
                .collect(),
        )
    }

    /// Whatever the one-pass reader takes, it reads as the general path
    /// does; and it leaves the general path every text that path refuses.
    #[test]
    fn reads_what_the_general_path_reads() {
        let data = obj(&[
            ("id", Type::String),
            ("input", Type::Dynamic),
            ("output", Type::Dynamic),
            ("triggers_replace", Type::Dynamic),
        ]);
        let rich = obj(&[
            ("n", Type::Number),
            ("b", Type::Bool),
            ("l", Type::list(Type::String)),
            ("s", Type::set(Type::Number)),
            ("m", Type::map(Type::Bool)),
            ("t", Type::Tuple(vec![Type::String, Type::Number])),
            ("o", obj(&[("x", Type::String)])),
        ]);
        let cases: &[(&str, &Type)] = &[
            (
                r#"{"id":"a","input":{"value":"v","type":"string"},"output":{"value":"v","type":"string"},"triggers_replace":null}"#,
                &data,
            ),
            (
                r#"{"id":"a","input":{"type":["object",{"a":["list","number"],"b":["tuple",["bool","dynamic"]]}],"value":{"a":[1,2.5e3],"b":[true,{"value":null,"type":"string"}]}},"output":null,"triggers_replace":null}"#,
                &data,
            ),
            (
                r#"{"id":"a","input":{"value":{"k":"x"},"type":["map","string"]},"output":{"value":[3,1,3],"type":["set","number"]},"triggers_replace":{"value":[],"type":["tuple",[]]}}"#,
                &data,
            ),
            (r#"{"id":"a"}"#, &data),
            (
                r#"{ "id" : "a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00\ud800x\u0041" , "input" : null }"#,
                &data,
            ),
            (r#"{"id":"\ud800\u0041"}"#, &data),
            (
                r#"{"n":-0.5,"b":false,"l":["x","y"],"s":[2,1,2],"m":{"a":true,"b":null},"t":["q",7],"o":{"x":"<&>"}}"#,
                &rich,
            ),
            (
                r#"{"n":1e400,"b":true,"l":[],"s":[],"m":{},"t":["q",1],"o":{}}"#,
                &rich,
            ),
            (r#"{"n":12345678901234567890123456789.123456789}"#, &rich),
            ("null", &rich),
            ("{}", &rich),
            // Refused by the fast reader; the general path decides.
            (r#"{"n":"5"}"#, &rich),
            (r#"{"b":"true"}"#, &rich),
            (r#"{"t":["q"]}"#, &rich),
            (r#"{"t":["q",1,2]}"#, &rich),
            (r#"{"x":1}"#, &rich),
            (r#"{"n":1,"n":2}"#, &rich),
            (r#"{"m":{"a":true,"a":false}}"#, &rich),
            (r#"{"l":{"a":"x"}}"#, &rich),
            (r#"{"n":01}"#, &rich),
            (r#"{"n":1.}"#, &rich),
            (r#"{"n":-}"#, &rich),
            (r#"{"l":["a\x"]}"#, &rich),
            (r#"{"l":["a"] } x"#, &rich),
            (r#"{"l":["a"]"#, &rich),
            (r#"{"id":"a","input":{"value":"v"}}"#, &data),
            (r#"{"id":"a","input":{"value":"v","type":"strin"}}"#, &data),
            (
                r#"{"id":"a","input":{"value":[1],"type":["list","number"],"x":1}}"#,
                &data,
            ),
            (
                r#"{"id":"a","input":{"value":[1],"type":["list","number","x"]}}"#,
                &data,
            ),
            (
                r#"{"id":"a","input":{"value":1,"type":["object",{}],"type":"number"}}"#,
                &data,
            ),
            (
                r#"{"id":"a","input":{"value":{"a":1},"type":["object",{"a":"number"},["a"]]}}"#,
                &data,
            ),
            (r#"{"id":"a","input":{"value":"x","type":"number"}}"#, &data),
            (
                r#"{"id":"a","input":{"value":[1,{]],"type":["list","number"]}}"#,
                &data,
            ),
            (r#"{"id":"a","input":"plain"}"#, &data),
            (r#"{"id":"a\u00"}"#, &data),
            ("", &data),
            ("[", &data),
        ];
        let mut taken = 0;
        for (text, ty) in cases {
            let general = super::super::from_state_json_general(text, ty);
            match read_typed(text, ty) {
                Some(v) => {
                    taken += 1;
                    let want =
                        general.unwrap_or_else(|e| panic!("{text}: general path refused: {e}"));
                    assert_eq!(v, want, "{text}");
                    assert_eq!(v.ty(), want.ty(), "{text}");
                }
                None => {
                    let via = super::super::from_state_json(text, ty);
                    assert_eq!(format!("{via:?}"), format!("{general:?}"), "{text}");
                }
            }
        }
        assert_eq!(
            taken, 11,
            "the fast reader took a different number of cases"
        );
    }
}
