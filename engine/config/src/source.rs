//! Finding a module's files, reading and parsing them (native syntax with
//! `hcl-edit`, JSON through [`crate::json`]), and mapping spans to ranges.

use crate::json;
use hcl_edit::structure::Body;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use terrane_diagnostics::{Diagnostic, OffsetMap, SourceFile, SourceRange};

/// A parsed source file: the file as users see it and, for JSON files, the
/// generated native text and the map from its positions back to the JSON.
#[derive(Debug)]
pub struct Src {
    /// The file (name and text) diagnostics point into.
    pub file: Arc<SourceFile>,
    json: Option<JsonText>,
}

/// The native-syntax translation of a `.tf.json` file.
#[derive(Debug)]
struct JsonText {
    map: Arc<OffsetMap>,
    /// The evaluator's source: the generated native text the parsed syntax
    /// tree's spans refer to, mapped back to the JSON for diagnostics.
    eval: terrane_lang::Source,
}

impl Src {
    /// True for `.tf.json` / `.tofu.json` files.
    pub fn is_json(&self) -> bool {
        self.json.is_some()
    }

    /// The file name.
    pub fn name(&self) -> &Arc<str> {
        self.file.name()
    }

    /// The source range of a byte span of the parsed text.
    pub fn range(&self, span: Range<usize>) -> SourceRange {
        match &self.json {
            Some(j) => self.file.range(j.map.span(span)),
            None => self.file.range(span),
        }
    }

    /// The range of anything with a span (a zero-width range at the file
    /// start if it has none).
    pub fn range_of(&self, item: &impl hcl_edit::Span) -> SourceRange {
        self.range(item.span().unwrap_or(0..0))
    }

    /// The evaluator's view of this file: the text the syntax tree's spans
    /// refer to (for JSON, the generated native text) with diagnostics
    /// mapped back into the file users wrote.
    pub fn eval_source(&self) -> terrane_lang::Source {
        match &self.json {
            Some(j) => j.eval.clone(),
            None => terrane_lang::Source::new(self.name().clone(), self.file.text_arc()),
        }
    }
}

/// A file of a module, parsed.
pub struct ParsedFile {
    pub src: Arc<Src>,
    pub body: Body,
    pub is_override: bool,
    /// `.tofu` / `.tofu.json`: OpenTofu-specific semantics (e.g. `required_version`).
    pub is_tofu: bool,
    /// Problems found while parsing that did not stop it.
    pub problems: Vec<Diagnostic>,
}

/// The configuration files of a directory, in the order Terraform reads them:
/// primary files sorted by name, then override files sorted by name. A `.tofu`
/// file hides the `.tf` file of the same stem (and `.tofu.json` the `.tf.json`).
pub fn module_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut names: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry
            .file_type()
            .map(|t| t.is_file() || t.is_symlink())
            .unwrap_or(false)
        {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || name.ends_with('~')
            || (name.starts_with('#') && name.ends_with('#'))
        {
            continue;
        }
        if stem_and_ext(&name).is_some() {
            names.push(name);
        }
    }
    names.sort();
    let has = |n: &str| names.iter().any(|x| x == n);
    let mut primary = Vec::new();
    let mut overrides = Vec::new();
    for name in &names {
        let Some((stem, ext)) = stem_and_ext(name) else {
            continue;
        };
        let hidden = match ext {
            ".tf" => has(&format!("{stem}.tofu")),
            ".tf.json" => has(&format!("{stem}.tofu.json")),
            _ => false,
        };
        if hidden {
            continue;
        }
        if stem == "override" || stem.ends_with("_override") {
            overrides.push(dir.join(name));
        } else {
            primary.push(dir.join(name));
        }
    }
    primary.extend(overrides);
    Ok(primary)
}

fn stem_and_ext(name: &str) -> Option<(&str, &'static str)> {
    for ext in [".tf.json", ".tofu.json", ".tf", ".tofu"] {
        if let Some(stem) = name.strip_suffix(ext) {
            return Some((stem, ext));
        }
    }
    None
}

/// Parses one file's text. `display` is the name diagnostics show.
pub fn parse_file(display: &str, text: String) -> Result<ParsedFile, Box<Diagnostic>> {
    let base = display.rsplit(['/', '\\']).next().unwrap_or(display);
    let (stem, ext) = stem_and_ext(base).unwrap_or((base, ".tf"));
    let is_override = stem == "override" || stem.ends_with("_override");
    let is_tofu = ext.starts_with(".tofu");
    let file = Arc::new(SourceFile::new(display, text));
    if ext.ends_with(".json") {
        let t = json::translate(file.text()).map_err(|e| {
            Box::new(Diagnostic::error(e.summary, e.detail).with_subject(file.range(e.span)))
        })?;
        let map = Arc::new(OffsetMap::new(t.map));
        let src = Arc::new(Src {
            file: file.clone(),
            json: Some(JsonText {
                eval: terrane_lang::Source::generated(
                    file.name().clone(),
                    Arc::from(t.text.as_str()),
                    file.text_arc(),
                    map.clone(),
                ),
                map,
            }),
        });
        let body = parse_native(&t.text).map_err(|(msg, off)| {
            Diagnostic::error("Invalid JSON configuration", msg)
                .with_subject(src.range(off..off + 1))
        })?;
        return Ok(ParsedFile {
            src,
            body,
            is_override,
            is_tofu,
            problems: Vec::new(),
        });
    }
    let src = Arc::new(Src {
        file: file.clone(),
        json: None,
    });
    let parsed = match parse_halves(file.text()) {
        Some(body) => Ok((body, Vec::new())),
        None => parse_native_tolerant(file.text()),
    };
    let (body, redefined) = parsed.map_err(|(msg, off)| {
        let (summary, detail, span) = syntax_error(file.text(), &msg, off);
        let mut d = Diagnostic::error(summary, detail).with_subject(file.range(span.clone()));
        if summary == "Missing item separator" {
            // Terraform shows the whole unfinished list as context.
            if let Some(open) =
                last_unclosed(file.text().get(..span.start).unwrap_or(""), b'[', b']')
            {
                d = d.with_context(file.range(open..span.end));
            }
        }
        Box::new(d)
    })?;
    let problems = redefined
        .into_iter()
        .map(|(second, first, name)| {
            let first = file.range(first);
            Diagnostic::error(
                "Attribute redefined",
                format!(
                    "The argument {name:?} was already set at {}. Each argument may be set only once.",
                    crate::decode::short(&first)
                ),
            )
            .with_subject(file.range(second))
        })
        .collect();
    Ok(ParsedFile {
        src,
        body,
        is_override,
        is_tofu,
        problems,
    })
}

/// Translates an `hcl-edit` parse error into the summary, detail and range
/// Terraform's parser reports for the same mistake, where it is recognisable;
/// otherwise keeps hcl-edit's message.
fn syntax_error(text: &str, msg: &str, off: usize) -> (&'static str, String, Range<usize>) {
    let off = off.min(text.len());
    let one_char = |at: usize| {
        let end = text
            .get(at..)
            .and_then(|t| t.chars().next())
            .map(|c| at + c.len_utf8())
            .unwrap_or(at);
        at..end
    };
    // The identifier at `at`, or just before it.
    let ident_at = |at: usize| {
        let is_id = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        let before = text.get(..at).unwrap_or("");
        let start = before.trim_end_matches(is_id).len();
        let after = text.get(at..).unwrap_or("");
        let end = at + (after.len() - after.trim_start_matches(is_id).len());
        if start < end {
            start..end
        } else {
            one_char(at)
        }
    };
    if msg.contains("redefined attribute") {
        return ("Attribute redefined", msg.to_string(), ident_at(off));
    }
    if msg.starts_with("invalid expression") {
        return (
            "Invalid expression",
            "Expected the start of an expression, but found an invalid expression token.".into(),
            one_char(off),
        );
    }
    if msg.starts_with("invalid block body") {
        if text.get(off..).is_some_and(|t| t.trim().is_empty()) {
            if let Some(open) = last_unclosed(text, b'{', b'}') {
                return (
                    "Unclosed configuration block",
                    "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.".into(),
                    open..open + 1,
                );
            }
        }
        let line_start = text
            .get(..off)
            .and_then(|t| t.rfind('\n'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let line_prefix = text.get(line_start..off).unwrap_or("");
        if line_prefix.contains('{') && line_prefix.contains('=') {
            return (
                "Invalid single-argument block definition",
                "A single-line block definition must end with a closing brace immediately after its single argument definition.".into(),
                ident_at(off),
            );
        }
    }
    if msg.starts_with("invalid structure") {
        let before = text.get(..off).unwrap_or("").trim_end();
        return (
            "Argument or block definition required",
            "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.".into(),
            ident_at(before.len()),
        );
    }
    if msg.starts_with("invalid object item") {
        return (
            "Missing attribute separator",
            "Expected a newline or comma to mark the beginning of the next attribute.".into(),
            one_char(off),
        );
    }
    if msg.starts_with("expected `]`") && text.get(off..).is_some_and(|t| t.starts_with("...")) {
        return (
            "Invalid 'for' expression",
            "Grouping ellipsis (...) cannot be used when building a tuple.".into(),
            off..off + 3,
        );
    }
    if msg.starts_with("expected `]`") {
        return (
            "Missing item separator",
            "Expected a comma to mark the beginning of the next item.".into(),
            one_char(off),
        );
    }
    let summary = if msg.contains("block") {
        "Invalid block definition"
    } else if msg.contains("expression") {
        "Invalid expression"
    } else {
        "Invalid syntax"
    };
    (summary, msg.to_string(), one_char(off))
}

/// The byte offset of the last `open` left unclosed at the end of `text`,
/// skipping strings and comments.
fn last_unclosed(text: &str, open: u8, close: u8) -> Option<usize> {
    let mut stack = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            c if c == open => stack.push(i),
            c if c == close => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

/// An argument set twice in one body: (span of the second name, span of the
/// first name, the name).
pub type Redefined = (Range<usize>, Range<usize>, String);

/// Parses native syntax. Terraform accepts duplicate keys in object
/// constructors (the last one wins) but `hcl-edit` rejects them, so a
/// duplicate key is renamed to a same-length placeholder, the text reparsed,
/// and after parsing the earlier entry is dropped and the key restored.
/// An argument set twice in a body is an error in Terraform too, but not one
/// that stops parsing: the second is renamed, parsed, removed and reported.
pub fn parse_native(text: &str) -> Result<Body, (String, usize)> {
    parse_native_tolerant(text).map(|(b, _)| b)
}

/// Files at least this large are parsed in two halves on two threads
/// (see [`parse_halves`]).
const SPLIT_MIN_BYTES: usize = 32 * 1024;

/// Parses a large native file as two halves of whole top-level blocks, one
/// on another thread: parsing is most of loading a configuration, and a
/// module of many blocks is often one file. The second half is parsed
/// behind spaces standing for the first, so its spans are the file's.
///
/// `None` (and the caller parses the file whole) unless both halves parse
/// cleanly and hold only blocks: the split point is found by a textual
/// guess (see [`split_point`]), and a guess inside a heredoc, comment or
/// block leaves a half unterminated, so it does not parse. Blocks do not
/// depend on one another in the grammar, so two clean halves hold exactly
/// the blocks the whole file does; top-level attributes (which would be
/// checked for redefinition across the halves) are left to the whole-file
/// parse, as are all errors.
fn parse_halves(text: &str) -> Option<Body> {
    if text.len() < SPLIT_MIN_BYTES
        || std::thread::available_parallelism().map_or(1, usize::from) < 2
    {
        return None;
    }
    let split = split_point(text)?;
    let (head, rest) = (text.get(..split)?, text.get(split..)?);
    let mut padded = String::with_capacity(text.len());
    padded.extend(std::iter::repeat_n(' ', split));
    padded.push_str(rest);
    let (head, tail) = std::thread::scope(|scope| {
        let tail = scope.spawn(|| hcl_edit::parser::parse_body(&padded));
        let head = hcl_edit::parser::parse_body(head);
        (head, tail.join())
    });
    let (Ok(mut body), Ok(Ok(tail))) = (head, tail) else {
        return None;
    };
    if body.attributes().next().is_some() || tail.attributes().next().is_some() {
        return None;
    }
    for structure in tail {
        body.push(structure);
    }
    Some(body)
}

/// A guess at where a file splits into two runs of whole top-level blocks:
/// the first line after the middle that starts a name right after a line
/// holding only `}` (and any blank lines).
fn split_point(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = text.len() / 2;
    loop {
        let at = from + text.get(from..)?.find("\n}\n")?;
        let mut start = at + 3;
        while let Some(end) = blank_line_end(bytes, start) {
            start = end;
        }
        if bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            return Some(start);
        }
        from = at + 1;
    }
}

/// The start of the next line when the line at `start` is blank.
fn blank_line_end(bytes: &[u8], start: usize) -> Option<usize> {
    let rest = bytes.get(start..)?;
    let n = rest.iter().position(|&b| b != b' ' && b != b'\t')?;
    (rest[n] == b'\n').then_some(start + n + 1)
}

/// [`parse_native`], also returning the redefined arguments it dropped.
pub fn parse_native_tolerant(text: &str) -> Result<(Body, Vec<Redefined>), (String, usize)> {
    let mut owned: Option<String> = None;
    let mut renamed: Vec<(usize, String)> = Vec::new();
    let mut redefined: Vec<(usize, String)> = Vec::new();
    let mut attempts = 0usize;
    loop {
        let input = owned.as_deref().unwrap_or(text);
        match hcl_edit::parser::parse_body(input) {
            Ok(mut body) => {
                if !renamed.is_empty() {
                    crate::dupkeys::restore(&mut body, &renamed);
                }
                let dropped = if redefined.is_empty() {
                    Vec::new()
                } else {
                    crate::dupkeys::drop_redefined(&mut body, &redefined)
                };
                return Ok((body, dropped));
            }
            Err(e) => {
                let off = e.location().offset();
                let msg = e.message().to_string();
                let object_key = msg.contains("redefined object key");
                let attribute = msg.contains("redefined attribute");
                if (object_key || attribute) && attempts < 2000 {
                    attempts += 1;
                    let mut s = owned.take().unwrap_or_else(|| text.to_string());
                    if let Some((start, orig)) = crate::dupkeys::rename_at(&mut s, off, attempts) {
                        // A placeholder that itself collided is renamed again;
                        // the original text stays the first one recorded.
                        let list = if object_key {
                            &mut renamed
                        } else {
                            &mut redefined
                        };
                        if !list.iter().any(|(o, _)| *o == start) {
                            list.push((start, orig));
                        }
                        owned = Some(s);
                        continue;
                    }
                }
                return Err((format!("{msg}."), off));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use hcl_edit::structure::Structure;
    use hcl_edit::Span as _;

    fn block(i: usize) -> String {
        match i % 4 {
            0 => format!("resource \"terraform_data\" \"r{i}\" {{\n  input = \"value-{i}\"\n}}\n\n"),
            1 => format!(
                "# comment {i}\nresource \"terraform_data\" \"r{i}\" {{\n  input = <<EOT\nline\n}}\nresource \"x\" \"y\" {{\nEOT\n  lifecycle {{\n    create_before_destroy = true\n  }}\n}}\n"
            ),
            2 => format!("locals {{\n  l{i} = {{ a = [1, 2], b = \"${{upper(\"x\")}}\" }}\n}}\n\n"),
            _ => format!("/* c\n}}\nresource\n*/\nvariable \"v{i}\" {{\n  default = {i}\n}}\n"),
        }
    }

    fn same_structures(a: Body, b: Body) {
        let (a, b): (Vec<Structure>, Vec<Structure>) =
            (a.into_iter().collect(), b.into_iter().collect());
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            let (Structure::Block(x), Structure::Block(y)) = (x, y) else {
                panic!("top-level attribute");
            };
            assert_eq!(x.span(), y.span());
            assert_eq!(x.ident.as_str(), y.ident.as_str());
            let labels = |b: &hcl_edit::structure::Block| {
                b.labels
                    .iter()
                    .map(|l| l.as_str().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(labels(x), labels(y));
            assert_eq!(x.body.to_string(), y.body.to_string());
        }
    }

    /// Two halves parse into the blocks (spans included) the whole file
    /// parses into; a guessed split inside a heredoc or comment, a file
    /// with top-level attributes or with errors is left to the whole parse.
    #[test]
    fn halves_parse_as_the_whole_file() {
        for offset in 0..8 {
            let text: String = (offset..offset + 600).map(block).collect();
            assert!(text.len() >= SPLIT_MIN_BYTES);
            let whole = parse_native_tolerant(&text).unwrap().0;
            if std::thread::available_parallelism().map_or(1, usize::from) < 2 {
                assert!(parse_halves(&text).is_none());
                continue;
            }
            // Splits land after a block ending with `}` at column 0.
            if let Some(halves) = parse_halves(&text) {
                same_structures(halves, whole);
            }
        }
        let plain: String = (0..1200).map(|i| block(i * 4)).collect();
        if std::thread::available_parallelism().map_or(1, usize::from) >= 2 {
            let halves = parse_halves(&plain).expect("a file of plain blocks splits");
            same_structures(halves, parse_native_tolerant(&plain).unwrap().0);
        }
        // A guess inside a heredoc: the first half does not parse.
        let some: String = (0..300).map(|i| block(i * 4)).collect();
        let heredoc = format!(
            "{some}locals {{\n  h = <<EOT\n{}EOT\n}}\n{some}",
            "}\nresource x\n".repeat(2000)
        );
        let mid = heredoc.len() / 2;
        assert!(heredoc[..mid].contains("<<EOT") && heredoc[mid..].contains("\nEOT\n"));
        assert!(parse_native_tolerant(&heredoc).is_ok());
        assert!(parse_halves(&heredoc).is_none());
        // Top-level attributes and errors: the whole parse decides.
        let attrs = format!("a = 1\n{plain}a = 2\n");
        assert!(parse_halves(&attrs).is_none());
        let broken = format!("{plain}resource \"x\" {{\n");
        assert!(parse_halves(&broken).is_none());
    }
}
