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
    let (body, redefined) = parse_native_tolerant(file.text()).map_err(|(msg, off)| {
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
