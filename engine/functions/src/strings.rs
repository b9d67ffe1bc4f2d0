//! String functions: chomp, endswith, indent, join, lower, regex, regexall,
//! replace, split, startswith, strcontains, strrev, substr, title, trim,
//! trimprefix, trimspace, trimsuffix, upper (`format` and `formatlist` are
//! in `format.rs`).

use crate::numeric::{int_of, string};
use crate::registry::{arg_err, call_err, p, Fail, FuncContext, Registry, Ret, R};
use crate::text::graphemes;
use terrane_value::{Type, Value};

/// A string value, NFC-normalised as Terraform keeps every string
/// ([`Value::string`] normalises).
pub(crate) fn sv(s: impl Into<String>) -> Value {
    Value::string(s)
}

pub(crate) fn register(r: &mut Registry) {
    let s = Ret::Static(Type::String);
    let b = Ret::Static(Type::Bool);
    let st = || p("str", Type::String);
    r.func("chomp", vec![st()], s.clone(), |a, _| {
        Ok(sv(string(&a[0]).trim_end_matches(['\r', '\n'])))
    });
    r.func("lower", vec![st()], s.clone(), |a, _| {
        Ok(sv(simple_case(string(&a[0]), false)))
    });
    r.func("upper", vec![st()], s.clone(), |a, _| {
        Ok(sv(simple_case(string(&a[0]), true)))
    });
    r.func("title", vec![st()], s.clone(), |a, _| {
        Ok(sv(title(string(&a[0]))))
    });
    r.func("strrev", vec![st()], s.clone(), |a, _| {
        let mut g: Vec<&str> = graphemes(string(&a[0])).collect();
        g.reverse();
        Ok(sv(g.concat()))
    });
    r.func("trimspace", vec![st()], s.clone(), |a, _| {
        Ok(sv(string(&a[0]).trim()))
    });
    r.func(
        "trim",
        vec![st(), p("cutset", Type::String)],
        s.clone(),
        |a, _| {
            let cut: Vec<char> = string(&a[1]).chars().collect();
            Ok(sv(string(&a[0]).trim_matches(cut.as_slice())))
        },
    );
    r.func(
        "trimprefix",
        vec![st(), p("prefix", Type::String)],
        s.clone(),
        |a, _| {
            let (x, pre) = (string(&a[0]), string(&a[1]));
            Ok(sv(x.strip_prefix(pre).unwrap_or(x)))
        },
    );
    r.func(
        "trimsuffix",
        vec![st(), p("suffix", Type::String)],
        s.clone(),
        |a, _| {
            let (x, suf) = (string(&a[0]), string(&a[1]));
            Ok(sv(x.strip_suffix(suf).unwrap_or(x)))
        },
    );
    r.func(
        "startswith",
        vec![st(), p("prefix", Type::String)],
        b.clone(),
        |a, _| Ok(Value::bool(string(&a[0]).starts_with(string(&a[1])))),
    );
    r.func(
        "endswith",
        vec![st(), p("suffix", Type::String)],
        b.clone(),
        |a, _| Ok(Value::bool(string(&a[0]).ends_with(string(&a[1])))),
    );
    r.func(
        "strcontains",
        vec![st(), p("substr", Type::String)],
        b,
        |a, _| Ok(Value::bool(string(&a[0]).contains(string(&a[1])))),
    );
    r.func(
        "indent",
        vec![p("spaces", Type::Number), st()],
        s.clone(),
        |a, _| {
            let n = int_of(&a[0]).map_err(call_err)?;
            if n < 0 {
                return Err(Fail::Panic("strings: negative Repeat count".into()));
            }
            if n > 1 << 30 {
                // Go would try to allocate this much and crash.
                return Err(Fail::Panic("strings: Repeat output length overflow".into()));
            }
            let pad = format!("\n{}", " ".repeat(n as usize));
            Ok(sv(string(&a[1]).replace('\n', &pad)))
        },
    );
    r.func("join", vec![p("separator", Type::String)], s.clone(), join)
        .variadic(p("lists", Type::list(Type::String)));
    r.func(
        "split",
        vec![p("separator", Type::String), st()],
        Ret::Static(Type::list(Type::String)),
        |a, _| {
            let (sep, x) = (string(&a[0]), string(&a[1]));
            let parts: Vec<Value> = if sep.is_empty() {
                x.chars().map(|c| sv(c.to_string())).collect()
            } else {
                x.split(sep).map(sv).collect()
            };
            Ok(Value::list(Type::String, parts))
        },
    );
    r.func(
        "substr",
        vec![st(), p("offset", Type::Number), p("length", Type::Number)],
        s.clone(),
        substr,
    );
    r.func(
        "replace",
        vec![st(), p("substr", Type::String), p("replace", Type::String)],
        s,
        replace,
    );
    crate::regexes::register(r);
}

/// Go's `strings.ToUpper`/`ToLower`: per-character simple case mapping
/// (characters whose mapping is several characters, like ß, stay).
fn simple_case(s: &str, upper: bool) -> String {
    s.chars().map(|c| map_char(c, upper)).collect()
}

fn map_char(c: char, upper: bool) -> char {
    if c.is_ascii() {
        return if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        };
    }
    // Go maps by UnicodeData's simple mappings; the only common letter whose
    // simple mapping differs from the first character of Rust's full
    // mapping is U+0130 (dotted capital I).
    if c == '\u{130}' && !upper {
        return 'i';
    }
    let mut it: Box<dyn Iterator<Item = char>> = if upper {
        Box::new(c.to_uppercase())
    } else {
        Box::new(c.to_lowercase())
    };
    match (it.next(), it.next()) {
        (Some(m), None) => m,
        _ => c,
    }
}

/// Go's `strings.Title`: upper-cases the first letter of each word.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        out.push(if prev_sep { title_char(c) } else { c });
        prev_sep = is_separator(c);
    }
    out
}

/// Unicode title case: upper case except for the four digraph letters,
/// which have a distinct title-case form.
fn title_char(c: char) -> char {
    match c {
        '\u{1c4}'..='\u{1c6}' => '\u{1c5}',
        '\u{1c7}'..='\u{1c9}' => '\u{1c8}',
        '\u{1ca}'..='\u{1cc}' => '\u{1cb}',
        '\u{1f1}'..='\u{1f3}' => '\u{1f2}',
        c => map_char(c, true),
    }
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

fn join(a: Vec<Value>, _: &FuncContext) -> R {
    let sep = string(&a[0]);
    if a.len() < 2 {
        return Err(call_err("at least one list is required"));
    }
    let mut parts = Vec::new();
    let lists = &a[1..];
    for (li, list) in lists.iter().enumerate() {
        for (ei, x) in list.as_seq().unwrap_or_default().iter().enumerate() {
            match x.as_str() {
                Some(s) => parts.push(s),
                None if lists.len() > 1 => {
                    return Err(arg_err(
                        li + 1,
                        format!(
                            "element {ei} of list {} is null; cannot concatenate null values",
                            li + 1
                        ),
                    ))
                }
                None => {
                    return Err(arg_err(
                        li + 1,
                        format!("element {ei} is null; cannot concatenate null values"),
                    ))
                }
            }
        }
    }
    Ok(sv(parts.join(sep)))
}

fn substr(a: Vec<Value>, _: &FuncContext) -> R {
    let s = string(&a[0]);
    let offset = int_of(&a[1]).map_err(call_err)?;
    let length = int_of(&a[2]).map_err(call_err)?;
    if s.is_ascii() && !s.contains('\r') {
        // One byte per cluster: cut the string directly.
        return Ok(sv(ascii_substr(s, offset, length)));
    }
    Ok(sv(cluster_substr(s, offset, length)))
}

/// `substr` by grapheme clusters.
fn cluster_substr(s: &str, mut offset: i64, length: i64) -> String {
    let g: Vec<&str> = graphemes(s).collect();
    if offset < 0 {
        offset += g.len() as i64;
    } else if length == 0 {
        return String::new();
    }
    // As cty: an offset still negative starts at the beginning; a zero
    // length after a negative offset takes the rest.
    let start = if offset > 0 { offset as usize } else { 0 };
    if start >= g.len() {
        return String::new();
    }
    let rest = &g[start..];
    let take = if length <= 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    rest[..take].concat()
}

/// `substr` of a string whose every byte is a grapheme cluster (the same
/// rules as [`cluster_substr`]).
fn ascii_substr(s: &str, offset: i64, length: i64) -> &str {
    let n = s.len() as i64;
    let offset = if offset < 0 {
        offset + n
    } else if length == 0 {
        return "";
    } else {
        offset
    };
    let start = offset.max(0);
    if start >= n {
        return "";
    }
    let rest = n - start;
    let take = if length <= 0 { rest } else { length.min(rest) };
    s.get(start as usize..(start + take) as usize)
        .unwrap_or_default()
}

fn replace(a: Vec<Value>, _: &FuncContext) -> R {
    let (s, sub, rep) = (string(&a[0]), string(&a[1]), string(&a[2]));
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let pat = &sub[1..sub.len() - 1];
        let re = crate::regexes::compile(pat)
            .map_err(|e| call_err(format!("error parsing regexp: {}: `{}`", e.code, e.expr)))?;
        return Ok(sv(re.regex.replace_all(s, rep).into_owned()));
    }
    Ok(sv(s.replace(sub, rep)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_substr_matches_cluster_substr() {
        let bounds = [
            i64::MIN,
            -100,
            -9,
            -8,
            -7,
            -3,
            -1,
            0,
            1,
            2,
            7,
            8,
            9,
            100,
            i64::MAX,
        ];
        for s in ["", "a", "abcdefgh", "hello world"] {
            for offset in bounds {
                for length in bounds {
                    assert_eq!(
                        ascii_substr(s, offset, length),
                        cluster_substr(s, offset, length),
                        "substr({s:?}, {offset}, {length})"
                    );
                }
            }
        }
    }
}
