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
    // Trailing whitespace after an expression is not an error (trimming the
    // end keeps every byte offset).
    let input = widen_numbers(src.text.trim_end());
    let input = unique_keys(input, |t| hcl_edit::parser::parse_expr(t).map(|_| ()));
    match hcl_edit::parser::parse_expr(&input) {
        Ok(e) => Ok(e),
        Err(e) => {
            // HCL lets an expression continue over newlines after an
            // operator; hcl-edit does not. Retry with newlines as spaces
            // (same byte offsets) when that cannot change the meaning.
            let t = &input;
            if t.contains('\n') && !t.contains("<<") && !t.contains('#') && !t.contains("//") {
                if let Ok(ex) = hcl_edit::parser::parse_expr(&t.replace('\n', " ")) {
                    return Ok(ex);
                }
            }
            Err(classify(src, &e, false))
        }
    }
}

/// hcl-edit rejects an object constructor that repeats a key; HCL keeps
/// the last value. Each repeated key is replaced in the parser's input by
/// an identifier of the same length that is not yet used; the evaluator
/// notices the difference from the original text (by span) and evaluates
/// the original key instead (see `eval::Evaluator::object`).
fn unique_keys(
    mut input: String,
    parse: impl Fn(&str) -> Result<(), hcl_edit::parser::Error>,
) -> String {
    for attempt in 0..256u32 {
        let e = match parse(&input) {
            Ok(()) => return input,
            Err(e) => e,
        };
        if !e.message().contains("redefined object key") {
            return input;
        }
        let off = e.location().offset();
        let Some(len) = key_len(input.get(off..).unwrap_or("")) else {
            return input;
        };
        let placeholder = placeholder_ident(len, attempt);
        if input.get(off..off + len).is_none() || placeholder.len() != len {
            return input;
        }
        input.replace_range(off..off + len, &placeholder);
    }
    input
}

/// An identifier of exactly `len` bytes, different for each `n`.
fn placeholder_ident(len: usize, n: u32) -> String {
    const FIRST: &[u8] = b"_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const REST: &[u8] = b"_0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = String::with_capacity(len);
    let mut k = n as usize;
    out.push(FIRST[k % FIRST.len()] as char);
    k /= FIRST.len();
    for _ in 1..len {
        out.push(REST[k % REST.len()] as char);
        k /= REST.len();
    }
    out
}

/// The byte length of the object key at the start of `s`: an identifier, a
/// quoted string or a parenthesised expression.
fn key_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    match b.first()? {
        b'"' => {
            let mut i = 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return Some(i + 1),
                    _ => i += 1,
                }
            }
            None
        }
        b'(' => {
            let mut depth = 0;
            let mut in_str = false;
            let mut i = 0;
            while i < b.len() {
                match b[i] {
                    b'\\' if in_str => i += 1,
                    b'"' => in_str = !in_str,
                    b'(' if !in_str => depth += 1,
                    b')' if !in_str => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let n = s
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
                .map(|(i, _)| i)
                .unwrap_or(s.len());
            (n > 0).then_some(n)
        }
    }
}

/// hcl-edit reads number literals as f64 and rejects those beyond its
/// range; Terraform's are arbitrary precision. The evaluator re-reads every
/// literal from the original text by span, so here each digit of an
/// out-of-range literal becomes `0`: same length, parses.
fn widen_numbers(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_str = true;
            i += 1;
            continue;
        }
        let prev_ident =
            i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.');
        if c.is_ascii_digit() && !prev_ident {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let lit = &text[start..i];
            if lit.parse::<f64>().map(f64::is_infinite).unwrap_or(false) {
                for x in out.iter_mut().take(i).skip(start) {
                    if x.is_ascii_digit() {
                        *x = b'0';
                    }
                }
            }
            continue;
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Parses a configuration file body. Number literals beyond f64 range are
/// accepted (the evaluator re-reads every literal from `src` by span).
pub fn parse_body(src: &Source) -> Result<hcl_edit::structure::Body, Diagnostic> {
    let input = widen_numbers(&src.text);
    let input = unique_keys(input, |t| hcl_edit::parser::parse_body(t).map(|_| ()));
    hcl_edit::parser::parse_body(&input).map_err(|e| classify(src, &e, false))
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
            Some(("if", s, _, saw)) => {
                if *saw {
                    // HCL reports the first else's range as running up to
                    // the opening of the next directive.
                    let r = src.range(*s, start + 2);
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
                *s = start;
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
    let mut off = e.location().offset().min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
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
        if after.starts_with("...") && before.trim_start().starts_with('[') {
            return d(
                "Invalid 'for' expression",
                "Grouping ellipsis (...) cannot be used when building a tuple.",
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
    if after.starts_with('?') && !after.contains(':') || dangling_question(text) {
        return d(
            "Missing false expression in conditional",
            "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
        );
    }
    let is_op = |s: &str| {
        [
            "+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "&&", "||",
        ]
        .contains(&s)
    };
    let ends_op = before.ends_with(['+', '-', '*', '/', '%', '<', '>', '=', '&', '|', '!']);
    if is_op(after) || (after.is_empty() && ends_op) {
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

/// True when the text has a `?` outside brackets and strings with no `:`
/// after it.
fn dangling_question(text: &str) -> bool {
    let mut depth = 0i32;
    let mut in_str = false;
    let mut prev = ' ';
    let mut open_q = 0;
    for c in text.chars() {
        if in_str {
            if c == '"' && prev != '\\' {
                in_str = false;
            }
        } else {
            match c {
                '"' => in_str = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                '?' if depth == 0 => open_q += 1,
                ':' if depth == 0 && open_q > 0 => open_q -= 1,
                _ => {}
            }
        }
        prev = c;
    }
    open_q > 0
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn summary(text: &str) -> String {
        let src = Source::new("t", text);
        parse_expression(&src)
            .err()
            .map(|d| d.summary)
            .unwrap_or_default()
    }

    #[test]
    fn syntax_errors_use_terraform_summaries() {
        assert_eq!(summary("1 +"), "Missing expression");
        assert_eq!(
            summary("true ? 1"),
            "Missing false expression in conditional"
        );
        assert_eq!(summary("[1 2]"), "Missing item separator");
        assert_eq!(summary("{a = 1 b = 2}"), "Missing attribute separator");
    }
}
