//! JSON text handling that matches Go's `encoding/json` byte for byte.
//!
//! Terraform writes state with `json.MarshalIndent(v, "", "  ")`. Two details
//! of Go's encoder matter for byte-identical output and differ from
//! `serde_json`:
//!
//! * Go escapes `<`, `>`, `&`, U+2028 and U+2029 inside strings as `\u003c`,
//!   `\u003e`, `\u0026`, `\u2028` and `\u2029` (HTML-safe output), including
//!   inside embedded `json.RawMessage` values.
//! * Numbers are embedded as raw text (cty numbers have arbitrary precision,
//!   e.g. `1/3` is written with 155 digits), so they must never pass through
//!   `f64`.
//!
//! [`RawJson`] keeps a JSON value as compact text so numbers survive a round
//! trip exactly; [`go_indent`] and [`go_compact`] re-format serde's compact
//! output the way Go would.

use std::fmt;
use std::sync::OnceLock;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::value::RawValue;

/// A JSON value kept as JSON text, compared and written in compact form.
///
/// Used for everything Terraform stores as `json.RawMessage` (resource
/// attributes, output values and types, identities, index-step keys). The text
/// is compared and written in the canonical form Go writes (compact, `<`, `>`,
/// `&`, U+2028 and U+2029 escaped), so a value compares equal to itself after
/// a trip through a state file; equality is textual. Convert to a
/// [`serde_json::Value`] with [`RawJson::to_value`] when the content is
/// needed; note that `serde_json::Value` holds numbers as `f64`/`i64`/`u64`,
/// so numbers beyond `f64` precision are rounded by that conversion (the
/// engine should parse [`RawJson::text`] itself when it needs exact numbers).
///
/// The canonical form is made on first use ([`RawJson::get`], comparing,
/// writing): a state file is pretty-printed, and a plan that only decodes
/// the attributes (through [`RawJson::text`]) never needs it.
///
/// Deserialising a `RawJson` works only from `serde_json`'s own deserialiser
/// (JSON text), not from a `serde_json::Value` or another format.
#[derive(Clone)]
pub struct RawJson {
    /// The text as read or built: valid JSON, in any layout.
    raw: Box<RawValue>,
    /// The canonical form, once made; `None` inside when `raw` already is.
    canonical: OnceLock<Option<Box<RawValue>>>,
}

impl RawJson {
    /// Parses JSON text (any formatting); compared and written compact.
    pub fn parse(text: &str) -> Result<RawJson, serde_json::Error> {
        let raw: Box<RawValue> = serde_json::from_str(text)?;
        Ok(RawJson::from_raw(raw))
    }

    /// Serialises a [`serde_json::Value`] into compact JSON text. Floats are
    /// written in plain decimal notation as Terraform writes numbers
    /// (`100000000000000000000`, `0.0000001`, never `1e20`).
    pub fn from_value(value: &serde_json::Value) -> RawJson {
        // Serialising a `Value` cannot fail: its map keys are always strings.
        RawJson::from_serialize(value).unwrap_or_else(|_| RawJson::null())
    }

    /// Serialises any serialisable value into compact JSON text (floats as in
    /// [`RawJson::from_value`]).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<RawJson, serde_json::Error> {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, GoNumbers);
        value.serialize(&mut ser)?;
        let text = String::from_utf8(out).map_err(|e| serde::ser::Error::custom(e.to_string()))?;
        RawValue::from_string(text).map(RawJson::from_raw)
    }

    /// The JSON literal `null`.
    pub fn null() -> RawJson {
        RawJson::literal("null")
    }

    /// An empty JSON object, `{}`.
    pub fn empty_object() -> RawJson {
        RawJson::literal("{}")
    }

    /// A JSON string literal holding `s`.
    pub fn string(s: &str) -> RawJson {
        RawJson::from_value(&serde_json::Value::String(s.to_owned()))
    }

    fn literal(text: &'static str) -> RawJson {
        match RawValue::from_string(text.to_owned()) {
            Ok(raw) => RawJson::from_raw(raw),
            // Unreachable: the literals passed here are valid JSON.
            Err(_) => RawJson::from_value(&serde_json::Value::Null),
        }
    }

    fn from_raw(raw: Box<RawValue>) -> RawJson {
        RawJson {
            raw,
            canonical: OnceLock::new(),
        }
    }

    /// The canonical form of `raw`, `None` when it already is.
    fn canonicalize(raw: &RawValue) -> Option<Box<RawValue>> {
        let text = raw.get();
        if is_compact(text) && !needs_html_escape(text) {
            return None;
        }
        let compact = go_compact(text.as_bytes(), true);
        // `compact` holds the same tokens as the already-validated input, so
        // it is valid JSON; fall back to the original text defensively.
        match String::from_utf8(compact).map(RawValue::from_string) {
            Ok(Ok(c)) => Some(c),
            _ => None,
        }
    }

    fn canonical(&self) -> &RawValue {
        match self
            .canonical
            .get_or_init(|| RawJson::canonicalize(&self.raw))
        {
            Some(c) => c,
            None => &self.raw,
        }
    }

    /// The compact JSON text.
    pub fn get(&self) -> &str {
        self.canonical().get()
    }

    /// The JSON text as read or built, in any layout (not necessarily
    /// compact): for reading the value, which does not need the canonical
    /// form made.
    pub fn text(&self) -> &str {
        self.raw.get()
    }

    /// Parses the text into a [`serde_json::Value`] (numbers beyond `f64`
    /// precision are rounded, see the type documentation).
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.text())
    }

    /// Deserialises the text into any type.
    pub fn deserialize_into<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.text())
    }

    /// True for the literal `null`.
    pub fn is_null(&self) -> bool {
        self.text() == "null"
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &RawJson) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawJson({})", self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl From<serde_json::Value> for RawJson {
    fn from(value: serde_json::Value) -> RawJson {
        RawJson::from_value(&value)
    }
}

impl From<&serde_json::Value> for RawJson {
    fn from(value: &serde_json::Value) -> RawJson {
        RawJson::from_value(value)
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.canonical().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawJson, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Ok(RawJson::from_raw(raw))
    }
}

/// Compact JSON with floats in plain decimal notation (what cty's
/// `big.Float.Text('f', -1)` gives for the same value).
struct GoNumbers;

impl serde_json::ser::Formatter for GoNumbers {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        if value.is_finite() {
            // Rust's `Display` for floats is the shortest round-trip digits
            // without an exponent.
            write!(writer, "{value}")
        } else {
            writer.write_all(b"null")
        }
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        self.write_f64(writer, f64::from(value))
    }
}

/// True when `text` holds a character Go escapes for HTML safety (these can
/// only occur inside string literals of valid JSON).
fn needs_html_escape(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&')) || text.contains(['\u{2028}', '\u{2029}'])
}

/// True when `text` has no whitespace outside string literals.
fn is_compact(text: &str) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            return false;
        }
    }
    true
}

/// True for the bytes [`copy_string`] must look at: the end of the string,
/// an escape, and the starts of what Go escapes for HTML safety (`<`, `>`,
/// `&`, and 0xE2, the first byte of U+2028 and U+2029).
fn string_special(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&' | 0xE2)
}

/// Copies one string literal starting at `src[start]` (the opening quote) to
/// `out`, applying Go's HTML-safe escaping when `escape_html` is set. Returns
/// the index just past the closing quote. Runs of ordinary bytes are copied
/// whole.
fn copy_string(src: &[u8], start: usize, out: &mut Vec<u8>, escape_html: bool) -> usize {
    out.push(b'"');
    let mut i = start + 1;
    while i < src.len() {
        let run = src[i..]
            .iter()
            .position(|&b| string_special(b))
            .unwrap_or(src.len() - i);
        out.extend_from_slice(&src[i..i + run]);
        i += run;
        let Some(&b) = src.get(i) else {
            break;
        };
        match b {
            b'\\' => {
                out.push(b);
                if let Some(&next) = src.get(i + 1) {
                    out.push(next);
                }
                i += 2;
                continue;
            }
            b'"' => {
                out.push(b);
                return i + 1;
            }
            b'<' if escape_html => out.extend_from_slice(b"\\u003c"),
            b'>' if escape_html => out.extend_from_slice(b"\\u003e"),
            b'&' if escape_html => out.extend_from_slice(b"\\u0026"),
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
            0xE2 if escape_html
                && src.get(i + 1) == Some(&0x80)
                && matches!(src.get(i + 2), Some(0xA8) | Some(0xA9)) =>
            {
                if src[i + 2] == 0xA8 {
                    out.extend_from_slice(b"\\u2028");
                } else {
                    out.extend_from_slice(b"\\u2029");
                }
                i += 3;
                continue;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    i
}

/// Removes insignificant whitespace from valid JSON text, optionally applying
/// Go's HTML-safe string escaping (what Go's `json.Marshal` produces).
pub fn go_compact(src: &[u8], escape_html: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len());
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'"' => {
                i = copy_string(src, i, &mut out, escape_html);
                continue;
            }
            b' ' | b'\n' | b'\r' | b'\t' => {}
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Re-formats valid JSON text the way Go's `json.MarshalIndent(v, "", indent)`
/// does: one element per line, `": "` after keys, empty containers as `{}` /
/// `[]`, HTML-safe string escaping. No trailing newline is added.
pub fn go_indent(src: &[u8], indent: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() * 2);
    let mut depth: usize = 0;
    let mut i = 0;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(indent.as_bytes());
        }
    };
    while i < src.len() {
        let b = src[i];
        match b {
            b'"' => {
                i = copy_string(src, i, &mut out, true);
                continue;
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let mut j = i + 1;
                while j < src.len() && matches!(src[j], b' ' | b'\n' | b'\r' | b'\t') {
                    j += 1;
                }
                out.push(b);
                if src.get(j) == Some(&close) {
                    out.push(close);
                    i = j + 1;
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

/// Serialises `value` as Terraform does for state files: Go-style two-space
/// indentation, HTML-safe escaping and a trailing newline.
pub fn to_go_pretty<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let compact = serde_json::to_vec(value)?;
    let mut out = go_indent(&compact, "  ");
    out.push(b'\n');
    Ok(out)
}

/// Serialises `value` as Go's `json.Marshal` does: compact, HTML-safe.
pub fn to_go_compact<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let compact = serde_json::to_vec(value)?;
    Ok(go_compact(&compact, true))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn raw_json_is_compacted_and_keeps_number_text() {
        let raw = RawJson::parse("{ \"a\" : [ 1 , 0.33333333333333333333333333333335, 100000000000000000000 ], \"b c\": \"x y\" }").unwrap();
        assert_eq!(
            raw.get(),
            r#"{"a":[1,0.33333333333333333333333333333335,100000000000000000000],"b c":"x y"}"#
        );
    }

    #[test]
    fn raw_json_uses_gos_canonical_escaping() {
        let a = RawJson::from_value(&serde_json::json!({"s": "<&>\u{2028}"}));
        assert_eq!(a.get(), r#"{"s":"\u003c\u0026\u003e\u2028"}"#);
        assert_eq!(
            a,
            RawJson::parse(r#"{"s": "\u003c\u0026\u003e\u2028"}"#).unwrap()
        );
        assert_eq!(a.to_value().unwrap()["s"], "<&>\u{2028}");
    }

    #[test]
    fn floats_are_written_without_exponents() {
        let v = serde_json::json!([1e20, 1e-7, 1.5, 1.0, -0.25, 12345678901234567890u64, -3]);
        assert_eq!(
            RawJson::from_value(&v).get(),
            "[100000000000000000000,0.0000001,1.5,1,-0.25,12345678901234567890,-3]"
        );
    }

    #[test]
    fn go_indent_matches_go_layout() {
        let src = br#"{"a":[],"b":{},"c":[1,{"d":"<&>"}],"e":"\u2028 "}"#;
        let got = String::from_utf8(go_indent(src, "  ")).unwrap();
        let want = "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": \"\\u003c\\u0026\\u003e\"\n    }\n  ],\n  \"e\": \"\\u2028 \"\n}";
        assert_eq!(got, want);
    }

    #[test]
    fn go_compact_escapes_literal_line_separators() {
        let src = "[\"a\u{2028}b\u{2029}c\", \"\\\"<\"]";
        let got = String::from_utf8(go_compact(src.as_bytes(), true)).unwrap();
        assert_eq!(got, r#"["a\u2028b\u2029c","\"\u003c"]"#);
    }

    #[test]
    fn escaped_quote_does_not_end_string() {
        let src = br#"{"k":"a\"b , : { [","n":2}"#;
        let got = String::from_utf8(go_indent(src, " ")).unwrap();
        assert_eq!(got, "{\n \"k\": \"a\\\"b , : { [\",\n \"n\": 2\n}");
    }

    #[test]
    fn compact_copies_other_characters_and_keeps_escapes() {
        let src = "{ \"a\" : [ \"\u{20ac} \u{2027}\\\\\\\"x\" , 1 ,\n\t\"<\" ] ,\"\" : \"\" }";
        let got = String::from_utf8(go_compact(src.as_bytes(), true)).unwrap();
        assert_eq!(
            got,
            "{\"a\":[\"\u{20ac} \u{2027}\\\\\\\"x\",1,\"\\u003c\"],\"\":\"\"}"
        );
        let kept = String::from_utf8(go_compact(src.as_bytes(), false)).unwrap();
        assert_eq!(
            kept,
            "{\"a\":[\"\u{20ac} \u{2027}\\\\\\\"x\",1,\"<\"],\"\":\"\"}"
        );
    }

    #[test]
    fn raw_json_keeps_its_text_and_compares_and_writes_canonically() {
        let pretty = RawJson::parse("{\n  \"a\": \"<x>\",\n  \"b\": [1, 2]\n}").unwrap();
        assert_eq!(pretty.text(), "{\n  \"a\": \"<x>\",\n  \"b\": [1, 2]\n}");
        let compact = RawJson::parse(r#"{"a":"\u003cx\u003e","b":[1,2]}"#).unwrap();
        assert_eq!(pretty, compact);
        assert_eq!(pretty.get(), compact.text());
        assert_eq!(serde_json::to_string(&pretty).unwrap(), compact.text());
        assert_eq!(pretty.clone().get(), compact.get());
        assert_eq!(pretty.to_value().unwrap(), compact.to_value().unwrap());
        assert!(RawJson::parse(" null ").unwrap().is_null());
    }
}
