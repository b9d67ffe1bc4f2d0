//! Filesystem functions: abspath, basename, dirname, pathexpand, file,
//! fileexists, fileset, filebase64 (hash-of-file functions are in
//! `crypto.rs` and share [`read_for_hash`]). Relative paths resolve against
//! [`FuncContext::base_dir`].

use crate::numeric::string;
use crate::registry::{arg_err, call_err, p, Fail, FuncContext, Registry, Ret, R};
use crate::strings::sv;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::path::{Path, PathBuf};
use terrane_value::{Marks, Type, Value};

pub(crate) fn register(r: &mut Registry) {
    let s = Ret::Static(Type::String);
    let path = || p("path", Type::String);
    r.func("abspath", vec![path()], s.clone(), |a, _| {
        let given = string(&a[0]);
        let full = if given.starts_with('/') {
            given.to_string()
        } else {
            let cwd = std::env::current_dir().map_err(|e| call_err(e.to_string()))?;
            format!("{}/{given}", cwd.display())
        };
        Ok(sv(clean(&full)))
    });
    r.func("basename", vec![path()], s.clone(), |a, _| {
        Ok(sv(basename(string(&a[0]))))
    });
    r.func("dirname", vec![path()], s.clone(), |a, _| {
        Ok(sv(dirname(string(&a[0]))))
    });
    r.func("pathexpand", vec![path()], s.clone(), |a, ctx| {
        let given = string(&a[0]);
        if given.starts_with('~') && !(given == "~" || given.starts_with("~/")) {
            return Err(call_err("cannot expand user-specific home dir"));
        }
        Ok(sv(expand_home(given, ctx)))
    });
    // These see the path's marks: a sensitive path is redacted in messages
    // and marks the result, as Terraform does.
    r.func("file", vec![path().marked()], s.clone(), |a, ctx| {
        let (given, shown, marks) = marked_path(&a[0]);
        let bytes = read_config_file(&given, &shown, ctx)?;
        String::from_utf8(bytes)
            .map(|t| sv(t).with_marks(marks))
            .map_err(|_| {
                call_err(format!(
                    "contents of {shown} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
                ))
            })
    });
    r.func("filebase64", vec![path().marked()], s, |a, ctx| {
        let (given, shown, marks) = marked_path(&a[0]);
        let bytes = read_config_file(&given, &shown, ctx)?;
        Ok(sv(STANDARD.encode(bytes)).with_marks(marks))
    });
    r.func(
        "fileexists",
        vec![path().marked()],
        Ret::Static(Type::Bool),
        |a, ctx| {
            let (raw, _, marks) = marked_path(&a[0]);
            let given = expand_home(&raw, ctx);
            let full = resolve(&given, ctx);
            let shown = if marks.is_sensitive() {
                "(sensitive value)".to_string()
            } else {
                format!("{:?}", clean(&given))
            };
            match std::fs::metadata(&full) {
                Ok(m) if m.is_file() => Ok(Value::bool(true).with_marks(marks)),
                Ok(_) => Err(call_err(format!("{shown} is a directory, not a file"))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Ok(Value::bool(false).with_marks(marks))
                }
                Err(e) => Err(call_err(format!(
                    "failed to stat {given:?}: {}",
                    io_text(&e)
                ))),
            }
        },
    );
    r.func(
        "fileset",
        vec![path(), p("pattern", Type::String)],
        Ret::Static(Type::set(Type::String)),
        fileset,
    );
}

/// Go's `filepath.Clean` for slash-separated paths.
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(p) if *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn basename(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

fn dirname(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..=i]),
        None => ".".into(),
    }
}

fn expand_home(path: &str, ctx: &FuncContext) -> String {
    let rest = match path.strip_prefix('~') {
        Some(r) if r.is_empty() || r.starts_with('/') => r,
        _ => return path.to_string(),
    };
    let home = ctx
        .home_dir
        .clone()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .unwrap_or_default();
    format!("{}{rest}", home.display())
}

fn resolve(path: &str, ctx: &FuncContext) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        ctx.base_dir.join(p)
    }
}

/// Go's wording for common I/O errors.
pub(crate) fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a directory".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// A path argument that may be marked: its text, how messages show it, and
/// its marks.
fn marked_path(v: &Value) -> (String, String, Marks) {
    let (u, marks) = v.clone().unmark_deep();
    let given = string(&u).to_string();
    let shown = if marks.is_sensitive() {
        "(sensitive value)".to_string()
    } else {
        format!("{given:?}")
    };
    (given, shown, marks)
}

/// Reads a file for `file`/`filebase64`, with Terraform's messages for
/// missing and unreadable files (`shown` is the path as messages quote it).
pub(crate) fn read_config_file(
    given: &str,
    shown: &str,
    ctx: &FuncContext,
) -> Result<Vec<u8>, Fail> {
    let expanded = expand_home(given, ctx);
    let full = resolve(&expanded, ctx);
    match std::fs::read(&full) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(arg_err(
            0,
            format!("no file exists at {shown}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"),
        )),
        Err(e) => {
            let op = if full.is_dir() { "read" } else { "open" };
            Err(arg_err(
                0,
                format!("failed to read file: {op} {expanded}: {}", io_text(&e)),
            ))
        }
    }
}

/// Reads a file for the file-hash functions, with their (plainer) messages.
pub(crate) fn read_for_hash(given: &str, ctx: &FuncContext) -> Result<Vec<u8>, Fail> {
    let expanded = expand_home(given, ctx);
    let full = resolve(&expanded, ctx);
    std::fs::read(&full).map_err(|e| {
        let op = if full.is_dir() { "read" } else { "open" };
        call_err(format!("{op} {expanded}: {}", io_text(&e)))
    })
}

fn fileset(a: Vec<Value>, ctx: &FuncContext) -> R {
    let (dir, pattern) = (string(&a[0]), string(&a[1]));
    // Terraform joins the pattern to the directory with filepath.Join,
    // which cleans it ("./*" is "*", "a/./b" is "a/b").
    let cleaned = clean(pattern);
    let pats = expand_braces(&cleaned);
    let mut compiled = Vec::new();
    for pat in &pats {
        let segs: Vec<&str> = pat.split('/').filter(|s| !s.is_empty()).collect();
        for s in &segs {
            if !valid_segment(s) {
                return Err(call_err(format!(
                    "failed to glob pattern {pattern:?}: syntax error in pattern"
                )));
            }
        }
        compiled.push(segs.into_iter().map(str::to_string).collect::<Vec<_>>());
    }
    let root = resolve(&expand_home(dir, ctx), ctx);
    let mut files = Vec::new();
    walk(&root, "", &mut files);
    let out: Vec<Value> = files
        .into_iter()
        .filter(|f| {
            let parts: Vec<&str> = f.split('/').collect();
            compiled.iter().any(|segs| match_segments(segs, &parts))
        })
        .map(sv)
        .collect();
    Ok(Value::set(Type::String, out))
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().to_string();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = e.path();
        if path.is_dir() {
            walk(&path, &rel, out);
        } else if path.is_file() {
            out.push(rel);
        }
    }
}

fn expand_braces(p: &str) -> Vec<String> {
    let chars: Vec<char> = p.chars().collect();
    let mut depth = 0;
    let mut start = None;
    for (i, c) in chars.iter().enumerate() {
        match c {
            '{' => {
                if depth == 0 {
                    start = Some(i);
                }
                depth += 1;
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let s = start.unwrap_or(0);
                    let pre: String = chars[..s].iter().collect();
                    let post: String = chars[i + 1..].iter().collect();
                    let inner: String = chars[s + 1..i].iter().collect();
                    let mut alts = Vec::new();
                    let mut d = 0;
                    let mut cur = String::new();
                    for c in inner.chars() {
                        match c {
                            '{' => {
                                d += 1;
                                cur.push(c)
                            }
                            '}' => {
                                d -= 1;
                                cur.push(c)
                            }
                            ',' if d == 0 => alts.push(std::mem::take(&mut cur)),
                            c => cur.push(c),
                        }
                    }
                    alts.push(cur);
                    return alts
                        .iter()
                        .flat_map(|a| expand_braces(&format!("{pre}{a}{post}")))
                        .collect();
                }
            }
            _ => {}
        }
    }
    vec![p.to_string()]
}

fn valid_segment(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '[' => match class_end(&c, i) {
                Some(e) => i = e + 1,
                None => return false,
            },
            _ => i += 1,
        }
    }
    true
}

fn class_end(c: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if c.get(i) == Some(&'^') {
        i += 1;
    }
    let first = i;
    while i < c.len() {
        match c[i] {
            ']' if i > first => return Some(i),
            '\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

fn match_segments(pat: &[String], path: &[&str]) -> bool {
    match pat.first() {
        None => path.is_empty(),
        Some(p) if p == "**" => (0..=path.len()).any(|k| match_segments(&pat[1..], &path[k..])),
        Some(p) => match path.first() {
            Some(s) => {
                let pc: Vec<char> = p.chars().collect();
                let sc: Vec<char> = s.chars().collect();
                match_glob(&pc, &sc) && match_segments(&pat[1..], &path[1..])
            }
            None => false,
        },
    }
}

fn match_glob(p: &[char], s: &[char]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some('*') => (0..=s.len()).any(|k| match_glob(&p[1..], &s[k..])),
        Some('?') => !s.is_empty() && match_glob(&p[1..], &s[1..]),
        Some('[') => {
            let Some(end) = class_end(p, 0) else {
                return false;
            };
            let Some(&ch) = s.first() else {
                return false;
            };
            let mut i = 1;
            let negate = p.get(1) == Some(&'^');
            if negate {
                i += 1;
            }
            let mut hit = false;
            while i < end {
                let mut lo = p[i];
                if lo == '\\' {
                    i += 1;
                    lo = p.get(i).copied().unwrap_or('\\');
                }
                let mut hi = lo;
                if p.get(i + 1) == Some(&'-') && i + 2 < end {
                    hi = p[i + 2];
                    i += 2;
                }
                if lo <= ch && ch <= hi {
                    hit = true;
                }
                i += 1;
            }
            hit != negate && match_glob(&p[end + 1..], &s[1..])
        }
        Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && match_glob(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && match_glob(&p[1..], &s[1..]),
    }
}
