//! A small tokenizer for address strings (`module.a["x"].aws_instance.b[0]`).

use crate::{AddrError, InstanceKey};

/// One step of an address traversal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A name: `module`, `aws_instance`, `this`.
    Name(String),
    /// An index: `[0]` or `["key"]`.
    Index(InstanceKey),
}

/// Splits an address string into names and index keys.
pub(crate) fn steps(input: &str) -> Result<Vec<Step>, AddrError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    let mut expect_name = true;
    while let Some(&(i, c)) = chars.peek() {
        if c == '[' {
            chars.next();
            let key = match chars.peek() {
                Some(&(_, '"')) => {
                    chars.next();
                    let mut s = String::new();
                    loop {
                        match chars.next() {
                            Some((_, '"')) => break,
                            Some((_, '\\')) => match chars.next() {
                                Some((_, 'n')) => s.push('\n'),
                                Some((_, 't')) => s.push('\t'),
                                Some((_, 'r')) => s.push('\r'),
                                Some((_, c)) => s.push(c),
                                None => return Err(err(input, "Index brackets must contain either a literal number or a literal string.")),
                            },
                            Some((_, c)) => s.push(c),
                            None => return Err(err(input, "Index brackets must contain either a literal number or a literal string.")),
                        }
                    }
                    InstanceKey::String(s)
                }
                _ => {
                    let mut digits = String::new();
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_ascii_digit() || (c == '-' && digits.is_empty()) {
                            digits.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    let n: i64 = digits.parse().map_err(|_| {
                        err(input, "Index brackets must contain either a literal number or a literal string.")
                    })?;
                    InstanceKey::Int(n)
                }
            };
            match chars.next() {
                Some((_, ']')) => {}
                _ => {
                    return Err(err(
                        input,
                        "Index brackets must contain either a literal number or a literal string.",
                    ))
                }
            }
            out.push(Step::Index(key));
            expect_name = false;
        } else if c == '.' {
            if expect_name {
                let _ = i;
                return Err(err(input, "Dot must be followed by attribute name."));
            }
            chars.next();
            expect_name = true;
        } else if expect_name {
            let mut name = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    name.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            if name.is_empty() {
                return Err(err(input, &format!("unexpected {c:?} at offset {i}")));
            }
            out.push(Step::Name(name));
            expect_name = false;
        } else {
            return Err(err(input, &format!("unexpected {c:?} at offset {i}")));
        }
    }
    if expect_name {
        return Err(err(
            input,
            if input.is_empty() {
                "The address is empty."
            } else {
                "Dot must be followed by attribute name."
            },
        ));
    }
    Ok(out)
}

fn err(input: &str, why: &str) -> AddrError {
    AddrError::Syntax {
        input: input.to_string(),
        reason: why.to_string(),
    }
}

/// True for a valid Terraform identifier (letters, digits, `_`, `-`; not
/// starting with a digit or dash).
pub fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}
