//! `regex` and `regexall`, and the RE2 pattern handling `replace` shares.
//!
//! Terraform's patterns are RE2 (Go's regexp). Rust's `regex` crate is close
//! but differs in a few places, so patterns are translated first: `\d`,
//! `\w`, `\s` and `\b` are ASCII-only in RE2; `[`, `&&` and `~~` inside a
//! class are literals in RE2; a `{` that does not start a repetition is a
//! literal; nested repetitions (`a**`) are errors; duplicate group names
//! are allowed (the last group of a name wins).

use crate::numeric::string;
use crate::registry::{arg_err, call_err, p, Registry, Ret, R};
use crate::strings::sv;
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use terrane_value::{Type, Value};

pub(crate) fn register(r: &mut Registry) {
    r.func(
        "regex",
        vec![p("pattern", Type::String), p("string", Type::String)],
        Ret::Computed(|a| regex_ret(a, false)),
        |a, _| regex_fn(a, false),
    );
    r.func(
        "regexall",
        vec![p("pattern", Type::String), p("string", Type::String)],
        Ret::Computed(|a| regex_ret(a, true)),
        |a, _| regex_fn(a, true),
    );
}

/// A regular-expression syntax error in Go's terms.
pub(crate) struct ReError {
    pub code: String,
    pub expr: String,
}

/// A compiled pattern and the RE2 name of each capture group (renamed
/// duplicates mapped back).
pub(crate) struct Compiled {
    pub regex: Regex,
    names: Vec<Option<String>>,
}

const DUP_MARK: &str = "__terrane_dup";

/// Distinct patterns kept compiled. A configuration uses a handful of
/// literal patterns, each evaluated once per resource instance; building a
/// regex (its prefilters and automata) costs far more than matching, so
/// `replace(x, "/re/", y)` over 10,000 instances must compile once. When the
/// cache is full (patterns built from data) it is emptied and refilled.
const CACHE_LIMIT: usize = 64;

type Cache = HashMap<String, Arc<Compiled>>;

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Compiles an RE2 pattern, reporting errors as Go's regexp package would.
/// Successful compilations are shared through a small cache (errors are
/// rare and recomputed).
pub(crate) fn compile(pat: &str) -> Result<Arc<Compiled>, ReError> {
    if let Ok(c) = cache().lock() {
        if let Some(hit) = c.get(pat) {
            return Ok(hit.clone());
        }
    }
    let compiled = Arc::new(compile_uncached(pat)?);
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(pat.to_string(), compiled.clone());
    }
    Ok(compiled)
}

fn compile_uncached(pat: &str) -> Result<Compiled, ReError> {
    let translated = translate(pat)?;
    let regex = Regex::new(&translated).map_err(|e| go_error(pat, &e.to_string()))?;
    let names = regex
        .capture_names()
        .skip(1)
        .map(|n| n.map(|n| n.split(DUP_MARK).next().unwrap_or(n).to_string()))
        .collect();
    Ok(Compiled { regex, names })
}

fn is_quantifier_start(c: &[char], i: usize) -> Option<usize> {
    match c.get(i) {
        Some('*' | '+' | '?') => Some(i + 1),
        Some('{') => repetition_end(c, i),
        _ => None,
    }
}

/// The index after a valid `{n}`, `{n,}` or `{n,m}` starting at `i`.
fn repetition_end(c: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let start = j;
    while c.get(j).is_some_and(char::is_ascii_digit) {
        j += 1;
    }
    if j == start {
        return None;
    }
    if c.get(j) == Some(&',') {
        j += 1;
        while c.get(j).is_some_and(char::is_ascii_digit) {
            j += 1;
        }
    }
    (c.get(j) == Some(&'}')).then_some(j + 1)
}

fn translate(pat: &str) -> Result<String, ReError> {
    let c: Vec<char> = pat.chars().collect();
    let mut out = String::with_capacity(pat.len() + 16);
    let mut seen: Vec<String> = Vec::new();
    let mut dups = 0usize;
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '\\' => {
                let Some(&e) = c.get(i + 1) else {
                    out.push('\\');
                    i += 1;
                    continue;
                };
                match e {
                    'd' => out.push_str("[0-9]"),
                    'D' => out.push_str("[^0-9]"),
                    'w' => out.push_str("[0-9A-Za-z_]"),
                    'W' => out.push_str("[^0-9A-Za-z_]"),
                    's' => out.push_str("[\\t\\n\\x0C\\r ]"),
                    'S' => out.push_str("[^\\t\\n\\x0C\\r ]"),
                    'b' => out.push_str("(?-u:\\b)"),
                    'B' => out.push_str("(?-u:\\B)"),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
                i += 2;
                i = check_quantifier(&c, i, &mut out, pat)?;
            }
            '[' => {
                i = translate_class(&c, i, &mut out);
                i = check_quantifier(&c, i, &mut out, pat)?;
            }
            '(' => {
                let named = if c.get(i + 1) == Some(&'?')
                    && c.get(i + 2) == Some(&'P')
                    && c.get(i + 3) == Some(&'<')
                {
                    Some(i + 4)
                } else if c.get(i + 1) == Some(&'?') && c.get(i + 2) == Some(&'<') {
                    Some(i + 3)
                } else {
                    None
                };
                match named.and_then(|s| c[s..].iter().position(|x| *x == '>').map(|e| (s, s + e)))
                {
                    Some((s, e)) => {
                        let name: String = c[s..e].iter().collect();
                        let name = if seen.contains(&name) {
                            dups += 1;
                            format!("{name}{DUP_MARK}{dups}")
                        } else {
                            seen.push(name.clone());
                            name
                        };
                        out.push_str("(?P<");
                        out.push_str(&name);
                        out.push('>');
                        i = e + 1;
                    }
                    None => {
                        out.push('(');
                        i += 1;
                    }
                }
            }
            '{' if repetition_end(&c, i).is_none() => {
                out.push_str("\\{");
                i += 1;
            }
            _ => {
                let start = i;
                if let Some(end) = is_quantifier_start(&c, i) {
                    out.extend(&c[start..end]);
                    i = end;
                    if c.get(i) == Some(&'?') {
                        out.push('?');
                        i += 1;
                    }
                    if let Some(end2) = is_quantifier_start(&c, i) {
                        return Err(ReError {
                            code: "invalid nested repetition operator".into(),
                            expr: c[start..end2].iter().collect(),
                        });
                    }
                } else {
                    out.push(c[i]);
                    i += 1;
                }
            }
        }
    }
    Ok(out)
}

/// After an atom, passes a following quantifier through (checking for a
/// nested one).
fn check_quantifier(c: &[char], i: usize, out: &mut String, _pat: &str) -> Result<usize, ReError> {
    let Some(end) = is_quantifier_start(c, i) else {
        return Ok(i);
    };
    out.extend(&c[i..end]);
    let mut j = end;
    if c.get(j) == Some(&'?') {
        out.push('?');
        j += 1;
    }
    if let Some(end2) = is_quantifier_start(c, j) {
        return Err(ReError {
            code: "invalid nested repetition operator".into(),
            expr: c[i..end2].iter().collect(),
        });
    }
    Ok(j)
}

/// Copies a bracketed class starting at `open`, making RE2 literals
/// literal for Rust; returns the index after it (or the end, leaving an
/// unclosed class for the compiler to report).
fn translate_class(c: &[char], open: usize, out: &mut String) -> usize {
    let mut i = open + 1;
    out.push('[');
    if c.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    if c.get(i) == Some(&']') {
        out.push_str("\\]");
        i += 1;
    }
    while i < c.len() {
        match c[i] {
            ']' => {
                out.push(']');
                return i + 1;
            }
            '[' if c.get(i + 1) == Some(&':') => {
                let end = c[i + 2..]
                    .windows(2)
                    .position(|w| w == [':', ']'])
                    .map(|p| i + 2 + p + 2);
                match end {
                    Some(e) => {
                        out.extend(&c[i..e]);
                        i = e;
                    }
                    None => {
                        out.push_str("\\[");
                        i += 1;
                    }
                }
            }
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c[i]);
                i += 1;
            }
            '\\' => match c.get(i + 1) {
                Some('d') => {
                    out.push_str("0-9");
                    i += 2;
                }
                Some('w') => {
                    out.push_str("0-9A-Za-z_");
                    i += 2;
                }
                Some('s') => {
                    out.push_str("\\t\\n\\x0C\\r ");
                    i += 2;
                }
                Some(&e) => {
                    out.push('\\');
                    out.push(e);
                    i += 2;
                }
                None => {
                    out.push('\\');
                    i += 1;
                }
            },
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    i
}

fn go_error(pat: &str, msg: &str) -> ReError {
    let lines: Vec<&str> = msg.lines().collect();
    let col = lines
        .get(2)
        .and_then(|l| l.find('^'))
        .map(|c| c.saturating_sub(4))
        .unwrap_or(0);
    let at: String = pat.chars().skip(col).collect();
    let what = lines
        .iter()
        .find_map(|l| l.strip_prefix("error: "))
        .unwrap_or(msg);
    let (code, expr) = if what.contains("unclosed character class") {
        (
            "missing closing ]",
            pat.chars()
                .skip(pat.chars().position(|c| c == '[').unwrap_or(0))
                .collect(),
        )
    } else if what.contains("unclosed group") {
        ("missing closing )", pat.to_string())
    } else if what.contains("unopened group") {
        ("unexpected )", pat.to_string())
    } else if what.contains("repetition operator missing expression") {
        (
            "missing argument to repetition operator",
            at.chars().take(1).collect(),
        )
    } else if what.contains("unrecognized escape sequence") {
        ("invalid escape sequence", at.chars().take(2).collect())
    } else if what.contains("repetition quantifier") || what.contains("counted repetition") {
        ("invalid repeat count", at)
    } else {
        return ReError {
            code: what.to_string(),
            expr: pat.to_string(),
        };
    };
    ReError {
        code: code.to_string(),
        expr,
    }
}

/// The capture-group shape of a pattern: none, named or positional.
enum Shape {
    Whole,
    Named(Vec<String>),
    Positional(usize),
}

fn shape(re: &Compiled) -> Result<Shape, String> {
    if re.names.is_empty() {
        return Ok(Shape::Whole);
    }
    let named = re.names.iter().filter(|n| n.is_some()).count();
    if named == 0 {
        return Ok(Shape::Positional(re.names.len()));
    }
    if named != re.names.len() {
        return Err(
            "invalid regexp pattern: cannot mix both named and unnamed capture groups".into(),
        );
    }
    let mut names: Vec<String> = Vec::new();
    for n in re.names.iter().flatten() {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    Ok(Shape::Named(names))
}

fn shape_type(s: &Shape) -> Type {
    match s {
        Shape::Whole => Type::String,
        Shape::Named(ns) => Type::object(ns.iter().map(|n| (n.clone(), Type::String)).collect()),
        Shape::Positional(n) => Type::Tuple(vec![Type::String; *n]),
    }
}

fn regex_ret(a: &[Value], all: bool) -> Type {
    let t = a
        .first()
        .and_then(Value::as_str)
        .and_then(|p| compile(p).ok())
        .and_then(|re| shape(&re).ok())
        .map(|s| shape_type(&s))
        .unwrap_or(Type::Dynamic);
    if all {
        Type::list(t)
    } else {
        t
    }
}

fn regex_fn(a: Vec<Value>, all: bool) -> R {
    let re = compile(string(&a[0])).map_err(|e| {
        arg_err(
            0,
            format!("invalid regexp pattern: {} in {}", e.code, e.expr),
        )
    })?;
    let sh = shape(&re).map_err(|m| arg_err(0, m))?;
    let text = string(&a[1]);
    let one = |caps: &regex::Captures| -> Value {
        let group = |i: usize| match caps.get(i) {
            Some(m) => sv(m.as_str()),
            None => Value::null(Type::String),
        };
        match &sh {
            Shape::Whole => group(0),
            Shape::Positional(n) => Value::tuple((1..=*n).map(group).collect()),
            Shape::Named(_) => {
                let mut m: BTreeMap<String, Value> = BTreeMap::new();
                for (i, n) in re.names.iter().enumerate() {
                    if let Some(n) = n {
                        m.insert(n.clone(), group(i + 1));
                    }
                }
                Value::object(m)
            }
        }
    };
    if all {
        let items: Vec<Value> = re.regex.captures_iter(text).map(|c| one(&c)).collect();
        return Ok(Value::list(shape_type(&sh), items));
    }
    match re.regex.captures(text) {
        Some(c) => Ok(one(&c)),
        None => Err(call_err(
            "pattern did not match any part of the given string",
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn compiled_patterns_are_shared_and_errors_are_not_cached() {
        let a = compile("[aeiou]+x").ok().unwrap();
        let b = compile("[aeiou]+x").ok().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.regex.replace_all("baux", "_"), "b_");
        for _ in 0..2 {
            let e = compile("a**").err().unwrap();
            assert_eq!(e.code, "invalid nested repetition operator");
        }
        // Past the limit the cache starts over; results stay correct.
        for i in 0..(CACHE_LIMIT * 2) {
            let p = format!("n{i}");
            assert!(compile(&p).ok().unwrap().regex.is_match(&p));
        }
        assert!(cache().lock().unwrap().len() <= CACHE_LIMIT);
    }
}
