//! String and number literal rules: decoding quoted-string escapes (to
//! validate them and to read block labels), re-escaping a label the way the
//! canonical writer does, and checking number literal syntax.

use std::sync::OnceLock;

use regex::Regex;

use crate::parser::SyntaxError;

fn escape_error(detail: String, start: usize) -> SyntaxError {
    SyntaxError {
        summary: "Invalid escape sequence".into(),
        detail,
        start,
        at: None,
    }
}

/// Decodes the text of a quoted-template literal token: backslash escapes
/// and the doubled template introducers `$${` and `%%{`.
pub(crate) fn decode_quoted_literal(text: &str, start: usize) -> Result<String, SyntaxError> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let at = start + i;
                let Some((_, sel)) = chars.next() else {
                    return Err(escape_error(
                        "Backslash must be followed by an escape sequence selector character."
                            .into(),
                        at,
                    ));
                };
                match sel {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    'u' | 'U' => {
                        let want = if sel == 'u' { 4 } else { 8 };
                        let mut hex = String::new();
                        while hex.len() < want {
                            match chars.peek() {
                                Some((_, h)) if h.is_ascii_hexdigit() => {
                                    hex.push(*h);
                                    chars.next();
                                }
                                _ => break,
                            }
                        }
                        if hex.len() != want {
                            return Err(escape_error(
                                format!(
                                    "The \\{sel} escape sequence must be followed by {} hexadecimal digits.",
                                    if want == 4 { "four" } else { "eight" }
                                ),
                                at,
                            ));
                        }
                        let code = u32::from_str_radix(&hex, 16).unwrap_or(u32::MAX);
                        match char::from_u32(code) {
                            Some(ch) => out.push(ch),
                            None => {
                                return Err(escape_error(
                                    format!("Cannot encode character U+{code:04x} in UTF-8."),
                                    at,
                                ))
                            }
                        }
                    }
                    other => {
                        return Err(escape_error(
                            format!(
                                "The symbol \"{other}\" is not a valid escape sequence selector."
                            ),
                            at,
                        ))
                    }
                }
            }
            '$' | '%' => {
                let rest = &text[i + 1..];
                if rest.starts_with(c) && rest[1..].starts_with('{') {
                    out.push(c);
                    out.push('{');
                    chars.next();
                    chars.next();
                } else {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// How many literal tokens the reference scanner makes of quoted-string
/// text: it ends a run of text at every `$` or `%`, and each of those starts
/// a token of its own (`$`, or a whole escaped introducer such as `$${`).
pub(crate) fn reference_literal_pieces(text: &str) -> usize {
    let b = text.as_bytes();
    let mut pieces = 0;
    let mut i = 0;
    while i < b.len() {
        pieces += 1;
        let c = b[i];
        if c == b'$' || c == b'%' {
            if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
                i += if b.get(i + 3) == Some(&b'~') { 4 } else { 3 };
            } else {
                i += 1;
            }
            continue;
        }
        while i < b.len() && b[i] != b'$' && b[i] != b'%' {
            i += if b[i] == b'\\' { 2 } else { 1 };
        }
    }
    pieces
}

/// Whether a character counts as printable in the sense of Go's
/// `unicode.IsPrint` (which the canonical writer uses to decide what to
/// escape): letters, marks, numbers, punctuation, symbols and the ASCII
/// space.
fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return c == ' ' || c.is_ascii_graphic();
    }
    static GRAPHIC: OnceLock<Option<Regex>> = OnceLock::new();
    let graphic = GRAPHIC.get_or_init(|| Regex::new(r"^[\p{L}\p{M}\p{N}\p{P}\p{S}]$").ok());
    match graphic {
        Some(re) => {
            let mut buf = [0u8; 4];
            re.is_match(c.encode_utf8(&mut buf))
        }
        None => !c.is_control() && !c.is_whitespace(),
    }
}

/// Writes a label value as the body of a quoted string, escaping what the
/// canonical writer escapes.
pub(crate) fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if !is_print(c) => {
                let cp = c as u32;
                if cp < 0x10000 {
                    out.push_str(&format!("\\u{cp:04x}"));
                } else {
                    out.push_str(&format!("\\U{cp:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether a number literal token is a valid number: digits with at most one
/// decimal point, then optionally an exponent with an optional sign.
pub(crate) fn valid_number(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let dots = mantissa.matches('.').count();
    let mantissa_ok = dots <= 1
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.chars().any(|c| c.is_ascii_digit());
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        }
    };
    mantissa_ok && exponent_ok
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes() {
        assert_eq!(
            decode_quoted_literal(r"a\n\u00e9$${x}\\", 0).unwrap(),
            "a\né${x}\\"
        );
        assert!(decode_quoted_literal(r"\q", 0).is_err());
        assert!(decode_quoted_literal(r"\u12", 0).is_err());
        assert!(decode_quoted_literal(r"\ud800", 0).is_err());
    }

    #[test]
    fn escapes_labels() {
        assert_eq!(escape_label("a\"b\\c\u{1}${"), "a\\\"b\\\\c\\u0001$${");
        assert_eq!(escape_label("\u{a0}\u{378}é😀"), "\\u00a0\\u0378é😀");
    }

    #[test]
    fn literal_pieces() {
        assert_eq!(reference_literal_pieces("abc"), 1);
        assert_eq!(reference_literal_pieces("$"), 1);
        assert_eq!(reference_literal_pieces("$${"), 1);
        assert_eq!(reference_literal_pieces("a$"), 2);
        assert_eq!(reference_literal_pieces("$$"), 2);
        assert_eq!(reference_literal_pieces("100%"), 2);
    }

    #[test]
    fn numbers() {
        assert!(valid_number("1"));
        assert!(valid_number("1.5e-3"));
        assert!(!valid_number("1..2"));
        assert!(!valid_number("1e5e5"));
    }
}
