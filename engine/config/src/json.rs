//! JSON configuration syntax (`.tf.json`): parsed with spans and translated
//! into equivalent native syntax, which is then parsed by `hcl-edit` like any
//! `.tf` file. An offset map turns spans in the generated text back into
//! spans in the JSON file, so diagnostics point at the JSON source.
//!
//! JSON is ambiguous without a schema (an object can be a block or an object
//! value), so the translation knows the nesting of the blocks Terraform itself
//! defines; everything else (e.g. a resource's provider-defined arguments)
//! becomes attributes, and the engine's schema-based decoder reinterprets
//! them as nested blocks where the schema says so ([`crate::RawBody::json`]).

use std::ops::Range;

/// A JSON value with its byte span.
#[derive(Debug)]
enum J {
    Obj(Vec<(Range<usize>, J)>, Range<usize>),
    Arr(Vec<J>, Range<usize>),
    /// A string; the span includes the quotes.
    Str(Range<usize>),
    /// A number, `true`, `false` or `null`, copied verbatim.
    Lit(Range<usize>),
}

impl J {
    fn span(&self) -> Range<usize> {
        match self {
            J::Obj(_, s) | J::Arr(_, s) | J::Str(s) | J::Lit(s) => s.clone(),
        }
    }
}

/// A JSON syntax error: its byte span and Terraform's summary and detail.
#[derive(Debug)]
pub struct JsonError {
    pub span: Range<usize>,
    pub summary: &'static str,
    pub detail: String,
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }
    /// An error at the current byte.
    fn err<T>(&self, summary: &'static str, detail: impl Into<String>) -> Result<T, JsonError> {
        self.err_at(self.i..self.i + 1, summary, detail)
    }

    fn err_at<T>(
        &self,
        span: Range<usize>,
        summary: &'static str,
        detail: impl Into<String>,
    ) -> Result<T, JsonError> {
        let end = span.end.min(self.s.len()).max(span.start);
        Err(JsonError {
            span: span.start..end,
            summary,
            detail: detail.into(),
        })
    }

    /// The "value expected" error at the current byte (or at the end).
    fn missing_value<T>(&self) -> Result<T, JsonError> {
        if self.i >= self.s.len() {
            let end = self.s.len();
            return self.err_at(end..end, "Missing value", "The JSON data ends prematurely.");
        }
        self.err(
            "Invalid start of value",
            "A JSON value must start with a brace, a bracket, a number, a string, or a keyword.",
        )
    }
    fn value(&mut self, depth: usize) -> Result<J, JsonError> {
        if depth > 200 {
            return self.err(
                "Nesting too deep",
                "JSON values may be nested at most 200 levels deep.",
            );
        }
        self.ws();
        let start = self.i;
        match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(J::Obj(items, start..self.i));
                }
                loop {
                    self.ws();
                    let k = match self.value(depth + 1)? {
                        J::Str(k) => k,
                        other => {
                            return self.err_at(
                                other.span(),
                                "Invalid object property name",
                                "A JSON object property name must be a string",
                            )
                        }
                    };
                    self.ws();
                    if self.s.get(self.i) != Some(&b':') {
                        return self.err(
                            "Missing property value colon",
                            "A colon must appear between an object property's name and its value.",
                        );
                    }
                    self.i += 1;
                    let v = self.value(depth + 1)?;
                    items.push((k, v));
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(J::Obj(items, start..self.i));
                        }
                        None => return self.unclosed(start, "object", "brace"),
                        _ => return self.err(
                            "Missing attribute seperator comma",
                            "A comma must appear between each property definition in an object.",
                        ),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(J::Arr(items, start..self.i));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(J::Arr(items, start..self.i));
                        }
                        None => return self.unclosed(start, "array", "bracket"),
                        _ => {
                            return self.err(
                                "Missing attribute seperator comma",
                                "A comma must appear between each value in an array.",
                            )
                        }
                    }
                }
            }
            Some(b'"') => {
                self.i += 1;
                loop {
                    match self.s.get(self.i) {
                        Some(b'"') => {
                            self.i += 1;
                            return Ok(J::Str(start..self.i));
                        }
                        Some(b'\\') => self.i += 2,
                        Some(b'\n') | None => {
                            return self.err_at(
                                self.i.min(self.s.len().saturating_sub(1))..self.i + 1,
                                "Invalid JSON string",
                                "There is a syntax error in the given JSON string.",
                            )
                        }
                        Some(_) => self.i += 1,
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || *c == b'-' || c.is_ascii_alphabetic() => {
                while self.i < self.s.len()
                    && (self.s[self.i].is_ascii_alphanumeric()
                        || matches!(self.s[self.i], b'-' | b'+' | b'.'))
                {
                    self.i += 1;
                }
                let word = &self.s[start..self.i];
                if word == b"true" || word == b"false" || word == b"null" {
                    Ok(J::Lit(start..self.i))
                } else if word[0].is_ascii_digit() || word[0] == b'-' {
                    if valid_number(word) {
                        Ok(J::Lit(start..self.i))
                    } else {
                        self.err_at(
                            start..self.i,
                            "Invalid JSON number",
                            "There is a syntax error in the given JSON number.",
                        )
                    }
                } else {
                    self.err_at(
                        start..self.i,
                        "Invalid JSON keyword",
                        format!(
                            "{:?} is not a valid JSON keyword.",
                            String::from_utf8_lossy(word)
                        ),
                    )
                }
            }
            _ => self.missing_value(),
        }
    }
}

impl P<'_> {
    /// The error for an object or array the data ends inside.
    fn unclosed<T>(&self, open: usize, what: &str, closer: &str) -> Result<T, JsonError> {
        let summary = if what == "object" {
            "Unclosed object"
        } else {
            "Unclosed array"
        };
        self.err_at(
            open..open + 1,
            summary,
            format!("No closing {closer} was found for this JSON {what}."),
        )
    }
}

/// True for a number in JSON's grammar (`-`? int frac? exp?; no leading
/// zeros, digits after `.` and in the exponent).
fn valid_number(w: &[u8]) -> bool {
    let mut i = usize::from(w.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let s = *i;
        while w.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s
    };
    let int_start = i;
    let n = digits(&mut i);
    if n == 0 || (n > 1 && w[int_start] == b'0') {
        return false;
    }
    if w.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(w.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(w.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == w.len()
}

/// The translation of a JSON file: native-syntax text and an offset map.
pub struct Translated {
    pub text: String,
    /// `(generated offset, json offset)`, sorted by generated offset.
    pub map: Vec<(usize, usize)>,
}

struct Out<'a> {
    src: &'a str,
    text: String,
    map: Vec<(usize, usize)>,
}

/// Block nesting Terraform defines: (parent block type, child type, labels).
const NESTED: &[(&str, &str, usize)] = &[
    ("resource", "lifecycle", 0),
    ("resource", "provisioner", 1),
    ("resource", "connection", 0),
    ("data", "lifecycle", 0),
    ("ephemeral", "lifecycle", 0),
    ("lifecycle", "precondition", 0),
    ("lifecycle", "postcondition", 0),
    ("provisioner", "connection", 0),
    ("variable", "validation", 0),
    ("output", "precondition", 0),
    ("check", "data", 2),
    ("check", "assert", 0),
    ("terraform", "required_providers", 0),
    ("terraform", "backend", 1),
    ("terraform", "cloud", 0),
    ("terraform", "provider_meta", 1),
    ("language", "compatible_with", 0),
    ("removed", "lifecycle", 0),
    ("removed", "provisioner", 1),
];

const TOP: &[(&str, usize)] = &[
    ("resource", 2),
    ("data", 2),
    ("ephemeral", 2),
    ("variable", 1),
    ("output", 1),
    ("module", 1),
    ("provider", 1),
    ("check", 1),
    ("terraform", 0),
    ("locals", 0),
    ("moved", 0),
    ("import", 0),
    ("removed", 0),
    ("language", 0),
];

/// Attributes whose JSON strings are expressions, not templates.
fn keyword_attr(block: &str, attr: &str) -> bool {
    matches!(
        (block, attr),
        ("variable", "type")
            | (_, "depends_on")
            | (_, "provider")
            | ("lifecycle", "ignore_changes")
            | ("lifecycle", "replace_triggered_by")
            | ("moved", "from" | "to")
            | ("removed", "from")
            | ("import", "to")
            | ("module", "providers")
            | ("provisioner", "when" | "on_failure")
            | ("language", "edition" | "experiments")
            | ("terraform", "experiments")
            | ("required_providers", "configuration_aliases")
    )
}

/// Translates a JSON configuration file.
pub fn translate(src: &str) -> Result<Translated, JsonError> {
    let mut p = P {
        s: src.as_bytes(),
        i: 0,
    };
    let root = p.value(0)?;
    p.ws();
    if p.i != src.len() {
        return p.err(
            "Extraneous data after value",
            "Extra characters appear after the JSON value.",
        );
    }
    let mut o = Out {
        src,
        text: String::with_capacity(src.len()),
        map: Vec::new(),
    };
    // The root is an object, or an array of objects read one after another.
    let roots: Vec<&J> = match &root {
        J::Arr(items, _) => items.iter().collect(),
        other => vec![other],
    };
    for r in roots {
        let J::Obj(items, _) = r else {
            return p.err_at(
                r.span().start..r.span().start + 1,
                "Root value must be object",
                "The root value in a JSON-based configuration must be either a JSON object or a JSON array of objects.",
            );
        };
        for (k, v) in items {
            let key = o.key(k);
            if key == "//" {
                continue;
            }
            let labels = TOP
                .iter()
                .find(|(n, _)| *n == key)
                .map(|(_, l)| *l)
                .unwrap_or(0);
            o.blocks(&key, k, labels, v, &mut Vec::new());
        }
    }
    Ok(Translated {
        text: o.text,
        map: o.map,
    })
}

impl Out<'_> {
    fn mark(&mut self, json: usize) {
        self.map.push((self.text.len(), json));
    }

    /// The decoded content of a JSON string span.
    fn key(&self, span: &Range<usize>) -> String {
        let raw = self.src.get(span.start + 1..span.end - 1).unwrap_or("");
        unescape(raw)
    }

    /// Emits one or more blocks of type `ty` with `labels` labels from `v`.
    fn blocks(
        &mut self,
        ty: &str,
        key: &Range<usize>,
        labels: usize,
        v: &J,
        got: &mut Vec<Range<usize>>,
    ) {
        if got.len() < labels {
            match v {
                J::Obj(items, _) => {
                    for (k, inner) in items {
                        got.push(k.clone());
                        self.blocks(ty, key, labels, inner, got);
                        got.pop();
                    }
                }
                J::Arr(items, _) => {
                    for inner in items {
                        self.blocks(ty, key, labels, inner, got);
                    }
                }
                other => {
                    // Not an object: emit an attribute so decoding reports it.
                    self.mark(key.start);
                    self.text.push_str(ty);
                    self.text.push_str(" = ");
                    self.expr(other, false);
                    self.text.push('\n');
                }
            }
            return;
        }
        match v {
            J::Arr(items, _)
                if items.iter().all(|i| matches!(i, J::Obj(..))) && !items.is_empty() =>
            {
                for inner in items {
                    self.blocks(ty, key, labels, inner, got);
                }
            }
            J::Obj(items, span) => {
                self.mark(key.start);
                self.text.push_str(ty);
                for l in got.iter() {
                    self.text.push(' ');
                    self.string(l, false);
                }
                self.text.push(' ');
                self.mark(span.start);
                self.text.push_str("{\n");
                self.body(ty, items);
                self.mark(span.end.saturating_sub(1));
                self.text.push_str("}\n");
            }
            other => {
                self.mark(key.start);
                self.text.push_str(ty);
                self.text.push_str(" = ");
                self.expr(other, false);
                self.text.push('\n');
            }
        }
    }

    fn body(&mut self, block: &str, items: &[(Range<usize>, J)]) {
        for (k, v) in items {
            let name = self.key(k);
            if name == "//" {
                continue;
            }
            if let Some((_, _, labels)) = NESTED.iter().find(|(p, c, _)| *p == block && *c == name)
            {
                self.blocks(&name, k, *labels, v, &mut Vec::new());
                continue;
            }
            if block == "locals" && name.is_empty() {
                continue;
            }
            self.mark(k.start + 1);
            self.text.push_str(&name);
            self.text.push_str(" = ");
            self.expr(v, keyword_attr(block, &name));
            self.text.push('\n');
        }
    }

    fn expr(&mut self, v: &J, keyword: bool) {
        match v {
            J::Lit(s) => {
                self.mark(s.start);
                let t = self.src.get(s.clone()).unwrap_or("null");
                self.text.push_str(t);
            }
            J::Str(s) => self.string(s, keyword),
            J::Arr(items, span) => {
                self.mark(span.start);
                self.text.push('[');
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    self.expr(it, keyword);
                }
                self.mark(span.end.saturating_sub(1));
                self.text.push(']');
            }
            J::Obj(items, span) => {
                self.mark(span.start);
                self.text.push_str("{\n");
                for (k, it) in items {
                    if keyword {
                        self.string(k, true);
                    } else {
                        self.string(k, false);
                    }
                    self.text.push_str(" = ");
                    self.expr(it, keyword);
                    self.text.push('\n');
                }
                self.mark(span.end.saturating_sub(1));
                self.text.push('}');
            }
        }
    }

    /// Emits a JSON string as a native quoted template (or, for keywords and
    /// references, as the bare expression text it contains).
    fn string(&mut self, span: &Range<usize>, raw: bool) {
        let content = self.src.get(span.start + 1..span.end - 1).unwrap_or("");
        if raw {
            self.mark(span.start + 1);
            let text = unescape(content);
            self.text
                .push_str(if text.is_empty() { "\"\"" } else { &text });
            return;
        }
        self.mark(span.start);
        self.text.push('"');
        let decoded = decode_with_offsets(content, span.start + 1);
        let mut stack: Vec<Mode> = vec![Mode::Literal];
        let mut i = 0;
        while let Some(&(c, at)) = decoded.get(i) {
            self.align(at);
            let next = decoded.get(i + 1).map(|d| d.0);
            let after = decoded.get(i + 2).map(|d| d.0);
            let top = stack.last().copied().unwrap_or(Mode::Literal);
            match top {
                Mode::Literal | Mode::Quoted => {
                    let opens = matches!(c, '$' | '%') && next == Some('{');
                    let escaped_open =
                        matches!(c, '$' | '%') && next == Some(c) && after == Some('{');
                    if escaped_open {
                        // `$${` / `%%{` stay literal in both syntaxes.
                        self.text.push(c);
                        self.text.push(c);
                        i += 2;
                        continue;
                    }
                    if opens {
                        self.text.push(c);
                        self.text.push('{');
                        stack.push(Mode::Expr(0));
                        i += 2;
                        continue;
                    }
                    if top == Mode::Quoted {
                        // A string literal inside an interpolation: already
                        // native syntax once the JSON escapes are decoded.
                        if c == '\\' {
                            self.text.push(c);
                            if let Some(n) = next {
                                self.text.push(n);
                            }
                            i += 2;
                            continue;
                        }
                        if c == '"' {
                            stack.pop();
                        }
                        self.text.push(c);
                    } else {
                        push_template_char(&mut self.text, c);
                    }
                }
                Mode::Expr(depth) => {
                    match c {
                        '{' => {
                            stack.pop();
                            stack.push(Mode::Expr(depth + 1));
                        }
                        '}' if depth == 0 => {
                            stack.pop();
                        }
                        '}' => {
                            stack.pop();
                            stack.push(Mode::Expr(depth - 1));
                        }
                        '"' => stack.push(Mode::Quoted),
                        _ => {}
                    }
                    self.text.push(c);
                }
            }
            i += 1;
        }
        if let Some(end) = span.end.checked_sub(1) {
            self.align(end);
        }
        self.text.push('"');
    }

    /// Adds an anchor when the generated text and the JSON no longer advance
    /// one for one (after an escape sequence was decoded or re-encoded).
    fn align(&mut self, json: usize) {
        let in_step = self.map.last().is_some_and(|(g, j)| {
            self.text.len() >= *g && json >= *j && self.text.len() - g == json - j
        });
        if !in_step {
            self.mark(json);
        }
    }
}

/// Where the translation of a JSON string is: template text, inside a
/// `${...}`/`%{...}` sequence (with its open-brace depth), or inside a quoted
/// string within such a sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Literal,
    Expr(usize),
    Quoted,
}

/// Appends one character of template text to a native quoted template.
fn push_template_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

/// The characters of a JSON string's content with escapes decoded, each with
/// the byte offset in the JSON text where it starts (`base` is the offset of
/// the content).
fn decode_with_offsets(raw: &str, base: usize) -> Vec<(char, usize)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        let at = base + i;
        if c != '\\' {
            out.push((c, at));
            continue;
        }
        let decoded = match chars.next().map(|(_, e)| e) {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('u') => {
                let hex: String = chars.by_ref().take(4).map(|(_, h)| h).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => ch,
                    None => continue,
                }
            }
            Some(other) => other,
            None => continue,
        };
        out.push((decoded, at));
    }
    out
}

/// Decodes JSON string escapes.
fn unescape(raw: &str) -> String {
    decode_with_offsets(raw, 0)
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn translates_blocks_and_keywords() {
        let src = r#"{"resource": {"aws_instance": {"web": {"ami": "ami-${var.x}", "count": 2,
            "lifecycle": {"ignore_changes": "all"}, "depends_on": ["aws_vpc.a"],
            "tags": {"Name": "x"}}}}, "variable": {"v": {"type": "list(string)"}}}"#;
        let t = translate(src).unwrap();
        let body = hcl_edit::parser::parse_body(&t.text).unwrap();
        let res = body.get_blocks("resource").next().unwrap();
        assert_eq!(res.labels.len(), 2);
        assert!(t.text.contains("ignore_changes = all"), "{}", t.text);
        assert!(t.text.contains("depends_on = [aws_vpc.a]"), "{}", t.text);
        assert!(t.text.contains("type = list(string)"), "{}", t.text);
        assert!(t.text.contains("ami = \"ami-${var.x}\""), "{}", t.text);
    }

    #[test]
    fn decodes_escapes_inside_interpolations() {
        let src = r#"{"locals": {"a": "q\"${upper(\"x\")}\\n", "b": "$${x} %%{y}", "c": "${ {\"k\" = \"}\"}[\"k\"] }"}}"#;
        let t = translate(src).unwrap();
        assert!(
            t.text.contains(r#"a = "q\"${upper("x")}\\n""#),
            "{}",
            t.text
        );
        assert!(t.text.contains(r#"b = "$${x} %%{y}""#), "{}", t.text);
        assert!(
            t.text.contains(r#"c = "${ {"k" = "}"}["k"] }""#),
            "{}",
            t.text
        );
        hcl_edit::parser::parse_body(&t.text).unwrap();
    }

    #[test]
    fn offsets_map_back_after_escapes() {
        let src = r#"{"locals": {"a": "\"\"${x}"}}"#;
        let t = translate(src).unwrap();
        let map = terrane_diagnostics::OffsetMap::new(t.map);
        let gen = t.text.find("x}").unwrap();
        assert_eq!(map.offset(gen), src.find("x}").unwrap());
    }

    /// Summaries and ranges as Terraform 1.11.4's `validate -json` reports
    /// them for the same files (its first diagnostic).
    #[test]
    fn syntax_errors_as_terraform_reports_them() {
        let cases: &[(&str, &str, Range<usize>)] = &[
            (
                r#"{"locals":{"a" 1}}"#,
                "Missing property value colon",
                15..16,
            ),
            (r#"{"locals":{"a":nope}}"#, "Invalid JSON keyword", 15..19),
            (r#"{"locals":{}} x"#, "Extraneous data after value", 14..15),
            (
                r#"{"locals":{1:2}}"#,
                "Invalid object property name",
                11..12,
            ),
            (r#"{"locals":{"a":-}}"#, "Invalid JSON number", 15..16),
            (r#"{"locals":{"a":01}}"#, "Invalid JSON number", 15..17),
            (r#"{"locals":{"a":1.}}"#, "Invalid JSON number", 15..17),
            (r#"{"locals":{"a":@}}"#, "Invalid start of value", 15..16),
            (r#"{"locals":{"a":"#, "Missing value", 15..15),
            (
                r#"{"locals":{"a":[1 2]}}"#,
                "Missing attribute seperator comma",
                18..19,
            ),
        ];
        for (src, summary, span) in cases {
            let e = translate(src).err().unwrap();
            assert_eq!(
                (e.summary, e.span.clone()),
                (*summary, span.clone()),
                "{src}"
            );
        }
        assert!(translate(r#"{"a":1e5, "b":-0.5E-3}"#).is_ok());
    }

    #[test]
    fn root_array_of_objects() {
        let t = translate(r#"[{"locals":{"a":1}},{"locals":{"b":2}}]"#).unwrap();
        assert_eq!(
            hcl_edit::parser::parse_body(&t.text)
                .unwrap()
                .get_blocks("locals")
                .count(),
            2
        );
        assert_eq!(
            translate("[1]").err().unwrap().summary,
            "Root value must be object"
        );
    }

    #[test]
    fn rejects_native_syntax() {
        assert!(translate("terraform {\n}\n").is_err());
        assert!(translate("").is_err());
    }
}
