//! Parsing expressions and templates with `hcl-edit`, reporting syntax
//! errors with Terraform's summaries.
//!
//! hcl-edit's errors say what token was expected; Terraform's (HCL's) name
//! the construct that is malformed. [`classify`] maps one to the other by
//! looking at the source around the error.

use crate::context::Source;
use hcl_edit::expr::Expression;
use hcl_edit::template::Template;
use terrane_diagnostics::Diagnostic;

/// Parses a standalone expression.
pub fn parse_expression(src: &Source) -> Result<Expression, Diagnostic> {
    if let Some(d) = lexical_check(src, false) {
        return Err(d);
    }
    hcl_edit::parser::parse_expr(&src.text).map_err(|e| classify(src, &e, false))
}

/// Parses a standalone template (a `templatefile` file).
pub fn parse_template(src: &Source) -> Result<Template, Diagnostic> {
    if let Some(d) = lexical_check(src, true) {
        return Err(d);
    }
    hcl_edit::parser::parse_template(&src.text).map_err(|e| classify(src, &e, true))
}

fn at(src: &Source, start: usize, end: usize, summary: &str, detail: &str) -> Diagnostic {
    Diagnostic::error(summary, detail).with_subject(src.range(start, end))
}

/// Checks HCL reports before parsing proper: unbalanced template
/// directives, single quotes, bad escapes.
fn lexical_check(src: &Source, template_mode: bool) -> Option<Diagnostic> {
    let text: &str = &src.text;
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut in_string = template_mode;
    // Stack of open directives: ("if"|"for", start, end, saw_else).
    let mut stack: Vec<(&str, usize, usize, bool)> = Vec::new();
    let mut heredoc_end: Option<String> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(delim) = heredoc_end.clone() {
            // Inside heredoc body: look for the closing line.
            let line_end = text[i..].find('\n').map(|p| i + p).unwrap_or(text.len());
            if text[i..line_end].trim() == delim {
                heredoc_end = None;
                in_string = false;
                i = line_end;
                continue;
            }
            if let Some(d) = scan_directives(src, i, line_end, &mut stack) {
                return Some(d);
            }
            i = line_end + 1;
            continue;
        }
        if !in_string {
            match c {
                b'"' => in_string = true,
                b'\'' => {
                    return Some(at(
                        src,
                        i,
                        i + 1,
                        "Invalid character",
                        "Single quotes are not valid. Use double quotes (\") to enclose strings.",
                    ));
                }
                b'<' if text[i..].starts_with("<<") => {
                    let rest = &text[i + 2..];
                    let rest = rest.strip_prefix('-').unwrap_or(rest);
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        if let Some(nl) = text[i..].find('\n') {
                            heredoc_end = Some(name);
                            in_string = true;
                            i += nl + 1;
                            continue;
                        }
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        // In a quoted string.
        match c {
            b'"' if !template_mode => {
                in_string = false;
                i += 1;
            }
            b'\\' if !template_mode => {
                let next = text[i + 1..].chars().next();
                match next {
                    Some('n' | 't' | 'r' | '"' | '\\' | 'u' | 'U') => i += 2,
                    Some(ch) => {
                        return Some(at(
                            src,
                            i,
                            i + 1 + ch.len_utf8(),
                            "Invalid escape sequence",
                            &format!(
                                "The symbol \"{ch}\" is not a valid escape sequence selector."
                            ),
                        ));
                    }
                    None => i += 1,
                }
            }
            b'$' | b'%' if text[i..].starts_with("$${") || text[i..].starts_with("%%{") => i += 3,
            b'$' if text[i..].starts_with("${") => {
                i = skip_interpolation(text, i + 2);
            }
            b'%' if text[i..].starts_with("%{") => {
                let end = skip_interpolation(text, i + 2);
                if let Some(d) = directive(src, i, end, &mut stack) {
                    return Some(d);
                }
                i = end;
            }
            b'\n' if !template_mode => {
                return Some(at(
                    src,
                    i,
                    i,
                    "Unterminated template string",
                    "No closing marker was found for the string.",
                ));
            }
            _ => i += 1,
        }
    }
    if in_string && !template_mode && heredoc_end.is_none() {
        return Some(at(
            src,
            text.len(),
            text.len(),
            "Unterminated template string",
            "No closing marker was found for the string.",
        ));
    }
    None
}

fn scan_directives(
    src: &Source,
    start: usize,
    end: usize,
    stack: &mut Vec<(&'static str, usize, usize, bool)>,
) -> Option<Diagnostic> {
    let text: &str = &src.text;
    let mut i = start;
    while i < end {
        if text[i..].starts_with("$${") || text[i..].starts_with("%%{") {
            i += 3;
        } else if text[i..].starts_with("${") {
            i = skip_interpolation(text, i + 2);
        } else if text[i..].starts_with("%{") {
            let e = skip_interpolation(text, i + 2);
            if let Some(d) = directive(src, i, e, stack) {
                return Some(d);
            }
            i = e;
        } else {
            i += text[i..].chars().next().map(char::len_utf8).unwrap_or(1);
        }
    }
    None
}

/// Index just after the `}` closing an interpolation or directive opened
/// before `i`, skipping nested braces and strings.
fn skip_interpolation(text: &str, mut i: usize) -> usize {
    let b = text.as_bytes();
    let mut depth = 1;
    let mut in_str = false;
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'{' if !in_str => depth += 1,
            b'}' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

fn directive(
    src: &Source,
    start: usize,
    end: usize,
    stack: &mut Vec<(&'static str, usize, usize, bool)>,
) -> Option<Diagnostic> {
    let inner = src.text.get(start + 2..end.saturating_sub(1)).unwrap_or("");
    let inner = inner.trim_start_matches('~').trim_end_matches('~').trim();
    let word: String = inner.chars().take_while(|c| c.is_alphanumeric()).collect();
    match word.as_str() {
        "if" => stack.push(("if", start, end, false)),
        "for" => stack.push(("for", start, end, false)),
        "else" => match stack.last_mut() {
            Some(("if", s, e, saw)) => {
                if *saw {
                    let (s, e) = (*s, *e);
                    let r = src.range(s, e);
                    return Some(at(
                        src,
                        start,
                        end,
                        "Unexpected else directive",
                        &format!(
                            "Already in the else clause for the if started at {}:{},{}-{}.",
                            r.filename, r.start.line, r.start.column, r.end.column
                        ),
                    ));
                }
                *saw = true;
            }
            Some(("for", ..)) => {
                return Some(at(
                    src,
                    start,
                    end,
                    "Unexpected else directive",
                    "An else clause is not expected for a for directive.",
                ));
            }
            _ => {
                return Some(at(
                    src,
                    start,
                    end,
                    "Unexpected else directive",
                    "The control directives within this template are unbalanced.",
                ));
            }
        },
        "endif" | "endfor" => {
            let want = if word == "endif" { "if" } else { "for" };
            match stack.pop() {
                Some((k, ..)) if k == want => {}
                _ => {
                    return Some(at(
                        src,
                        start,
                        end,
                        &format!("Unexpected {word} directive"),
                        "The control directives within this template are unbalanced.",
                    ));
                }
            }
        }
        _ => {}
    }
    None
}

/// Maps an hcl-edit syntax error to Terraform's summary and detail.
fn classify(src: &Source, e: &hcl_edit::parser::Error, _template: bool) -> Diagnostic {
    let text: &str = &src.text;
    let off = e.location().offset().min(text.len());
    let before = text[..off].trim_end();
    let after = text[off..].trim_start();
    let d = |summary: &str, detail: &str| at(src, off, off, summary, detail);
    let in_for = {
        let t = before.trim_start_matches(['[', '{']).trim_start();
        t.starts_with("for ") || t.starts_with("for\t")
    };
    if in_for {
        if !before.contains(" in ") && !before.contains(" : ") {
            return d(
                "Invalid 'for' expression",
                "For expression requires the 'in' keyword after its name declarations.",
            );
        }
        if after.starts_with("if") {
            return d(
                "Invalid 'for' expression",
                "Extra characters after the end of the 'for' expression.",
            );
        }
    }
    if before.contains('?') && !after.starts_with(':') && after.is_empty() {
        let q = before.rfind('?').unwrap_or(0);
        if !before[q..].contains(':') {
            return d(
                "Missing false expression in conditional",
                "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
            );
        }
    }
    if after.is_empty() && before.ends_with(['+', '-', '*', '/', '%', '<', '>', '=', '&', '|', '!'])
    {
        return d(
            "Missing expression",
            "Expected the start of an expression, but found the end of the file.",
        );
    }
    let open = innermost_open(before);
    match open {
        Some('{') if !after.starts_with('}') && !after.is_empty() && !after.starts_with(',') => {
            if before.ends_with('=') {
                return d(
                    "Invalid expression",
                    "Expected the start of an expression, but found an invalid expression token.",
                );
            }
            return d(
                "Missing attribute separator",
                "Expected a newline or comma to mark the beginning of the next attribute.",
            );
        }
        Some('[')
            if !after.starts_with(']')
                && !after.is_empty()
                && !after.starts_with(',')
                && !before.ends_with('[')
                && !before.ends_with(',') =>
        {
            return d(
                "Missing item separator",
                "Expected a comma to mark the beginning of the next item.",
            );
        }
        Some('(')
            if !after.is_empty()
                && !after.starts_with(')')
                && !before.ends_with('(')
                && !before.ends_with(',')
                && !after.starts_with('.') =>
        {
            return d(
                "Missing argument separator",
                "A comma is required to separate each function argument from the next.",
            );
        }
        _ => {}
    }
    if off > 0
        && !before.is_empty()
        && !after.is_empty()
        && open.is_none()
        && is_value_end(before)
        && !after.starts_with('.')
    {
        return d(
            "Extra characters after expression",
            "An expression was successfully parsed, but extra characters were found after it.",
        );
    }
    d(
        "Invalid expression",
        "Expected the start of an expression, but found an invalid expression token.",
    )
}

fn is_value_end(s: &str) -> bool {
    s.ends_with(|c: char| c.is_alphanumeric() || matches!(c, ')' | ']' | '}' | '"' | '_'))
}

/// The innermost unclosed bracket before the error, ignoring strings.
fn innermost_open(s: &str) -> Option<char> {
    let mut stack = Vec::new();
    let mut in_str = false;
    let mut prev = ' ';
    for c in s.chars() {
        if in_str {
            if c == '"' && prev != '\\' {
                in_str = false;
            }
        } else {
            match c {
                '"' => in_str = true,
                '(' | '[' | '{' => stack.push(c),
                ')' | ']' | '}' => {
                    stack.pop();
                }
                _ => {}
            }
        }
        prev = c;
    }
    stack.pop()
}
