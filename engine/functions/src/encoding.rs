//! Encoding functions: base64decode, base64encode, base64gzip, csvdecode,
//! jsondecode, jsonencode, textdecodebase64, textencodebase64, urlencode,
//! yamldecode, yamlencode; OpenTofu's base64gunzip and urldecode.

use crate::numeric::string;
use crate::registry::{arg_err, call_err, p, FuncContext, Registry, Ret, R};
use crate::strings::sv;
use crate::valuejson::{json_decode, json_encode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::collections::BTreeMap;
use std::io::Read;
use terrane_value::{Type, Value};

pub(crate) fn register(r: &mut Registry) {
    let s = Ret::Static(Type::String);
    let st = || p("str", Type::String);
    r.func("base64encode", vec![st()], s.clone(), |a, _| {
        Ok(sv(STANDARD.encode(string(&a[0]))))
    });
    r.func("base64decode", vec![st().marked()], s.clone(), |a, _| {
        // Terraform redacts a sensitive argument in its message.
        let (v, marks) = a[0].clone().unmark_deep();
        let src = string(&v);
        let bytes = b64_decode(src).map_err(|_| {
            let shown = if marks.is_sensitive() {
                "(sensitive value)".to_string()
            } else {
                format!("{src:?}")
            };
            call_err(format!("failed to decode base64 data {shown}"))
        })?;
        String::from_utf8(bytes)
            .map(|t| sv(t).with_marks(marks))
            .map_err(|_| call_err("the result of decoding the provided string is not valid UTF-8"))
    });
    r.func("base64gzip", vec![st()], s.clone(), |a, _| {
        Ok(sv(
            STANDARD.encode(crate::gozip::gzip(string(&a[0]).as_bytes()))
        ))
    });
    r.extra("base64gunzip", vec![st()], s.clone(), |a, _| {
        let src = string(&a[0]);
        let bytes = b64_decode(src)
            .map_err(|_| call_err(format!("failed to decode base64 data {src:?}")))?;
        let mut out = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_string(&mut out)
            .map_err(|e| call_err(format!("failed to gunzip bytestream: {e}")))?;
        Ok(sv(out))
    });
    r.func("urlencode", vec![st()], s.clone(), |a, _| {
        Ok(sv(query_escape(string(&a[0]))))
    });
    r.extra("urldecode", vec![st()], s.clone(), |a, _| {
        query_unescape(string(&a[0])).map(sv).map_err(call_err)
    });
    r.func(
        "csvdecode",
        vec![st()],
        Ret::Computed(crate::registry::dynamic_ret),
        |a, _| csvdecode(string(&a[0])),
    );
    r.func(
        "jsonencode",
        vec![p("val", Type::Dynamic).null().dynamic()],
        s.clone(),
        |a, _| json_encode(&a[0]).map(sv).map_err(call_err),
    );
    r.func(
        "jsondecode",
        vec![st()],
        Ret::Static(Type::Dynamic),
        |a, _| json_decode(string(&a[0])).map_err(call_err),
    );
    r.func(
        "yamlencode",
        vec![p("value", Type::Dynamic).null().dynamic()],
        s.clone(),
        |a, _| Ok(sv(crate::yaml::encode(&a[0]))),
    );
    r.func(
        "yamldecode",
        vec![p("src", Type::String)],
        Ret::Static(Type::Dynamic),
        |a, _| crate::yaml::decode(string(&a[0])).map_err(call_err),
    );
    r.func(
        "textencodebase64",
        vec![p("string", Type::String), p("encoding", Type::String)],
        s.clone(),
        text_encode,
    );
    r.func(
        "textdecodebase64",
        vec![p("source", Type::String), p("encoding", Type::String)],
        s,
        text_decode,
    );
}

/// Standard base64 decoding as Go's `DecodeString`, which skips line
/// breaks.
pub(crate) fn b64_decode(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    if s.contains(['\r', '\n']) {
        STANDARD.decode(s.replace(['\r', '\n'], ""))
    } else {
        STANDARD.decode(s)
    }
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Go's `url.QueryUnescape`.
fn query_unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => out.push(v),
                    None => {
                        let bad: String = s[i..].chars().take(3).collect();
                        return Err(format!("invalid URL escape {bad:?}"));
                    }
                }
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "the result is not valid UTF-8".to_string())
}

fn csvdecode(src: &str) -> R {
    let (rows, bad) = parse_csv(src);
    let mut it = rows.into_iter();
    let header = match it.next() {
        Some(h) => h,
        None => {
            return Err(call_err(
                bad.unwrap_or_else(|| "missing header line".into()),
            ))
        }
    };
    for (i, h) in header.iter().enumerate() {
        if header[..i].contains(h) {
            return Err(call_err(format!("duplicate column name {h:?}")));
        }
    }
    if let Some(e) = bad {
        return Err(call_err(e));
    }
    let ty = Type::object(header.iter().map(|h| (h.clone(), Type::String)).collect());
    let mut out = Vec::new();
    for row in it {
        let m: BTreeMap<String, Value> = header
            .iter()
            .cloned()
            .zip(row.into_iter().map(sv))
            .collect();
        out.push(Value::object(m));
    }
    Ok(Value::list(ty, out))
}

/// Go's encoding/csv reader with default settings: every record must have
/// as many fields as the first. Returns the records read before the first
/// error, and that error (Terraform reads the header before the rest).
fn parse_csv(src: &str) -> (Vec<Vec<String>>, Option<String>) {
    let mut rows = Vec::new();
    let bad = parse_csv_into(src, &mut rows).err();
    (rows, bad)
}

fn parse_csv_into(src: &str, rows: &mut Vec<Vec<String>>) -> Result<(), String> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut line = 1;
    let err = |line: usize, m: &str| format!("CSV parse error on line {line}: {m}");
    while i < chars.len() {
        // Skip empty lines.
        if chars[i] == '\n' {
            i += 1;
            line += 1;
            continue;
        }
        if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
            i += 2;
            line += 1;
            continue;
        }
        let rec_line = line;
        let mut rec = Vec::new();
        loop {
            let mut field = String::new();
            if chars.get(i) == Some(&'"') {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(line, "extraneous or missing \" in quoted-field")),
                        Some('"') if chars.get(i + 1) == Some(&'"') => {
                            field.push('"');
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(c) => {
                            if *c == '\n' {
                                line += 1;
                            }
                            field.push(*c);
                            i += 1;
                        }
                    }
                }
                match chars.get(i) {
                    None | Some(',') | Some('\n') => {}
                    Some('\r') if chars.get(i + 1) == Some(&'\n') => {}
                    Some(_) => return Err(err(line, "extraneous or missing \" in quoted-field")),
                }
            } else {
                while let Some(c) = chars.get(i) {
                    match c {
                        ',' | '\n' => break,
                        '\r' if chars.get(i + 1) == Some(&'\n') => break,
                        '"' => return Err(err(line, "bare \" in non-quoted-field")),
                        c => field.push(*c),
                    }
                    i += 1;
                }
            }
            rec.push(field);
            match chars.get(i) {
                Some(',') => i += 1,
                Some('\r') => {
                    i += 2;
                    line += 1;
                    break;
                }
                Some('\n') => {
                    i += 1;
                    line += 1;
                    break;
                }
                _ => break,
            }
        }
        if let Some(first) = rows.first() {
            if first.len() != rec.len() {
                return Err(err(rec_line, "wrong number of fields"));
            }
        }
        rows.push(rec);
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Enc {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf16Bom,
    Latin1,
    Windows1252,
    Ascii,
}

/// windows-1252 code points for bytes 0x80..=0x9F (undefined bytes map to
/// the same C1 code point, as Go's charmap does).
const CP1252: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
];

fn cp1252_decode(b: u8) -> char {
    let cp = if (0x80..0xa0).contains(&b) {
        CP1252[usize::from(b - 0x80)]
    } else {
        u32::from(b)
    };
    char::from_u32(cp).unwrap_or('\u{fffd}')
}

fn cp1252_encode(c: char) -> Option<u8> {
    let cp = c as u32;
    if cp < 0x80 || (0xa0..=0xff).contains(&cp) {
        return Some(cp as u8);
    }
    CP1252.iter().position(|x| *x == cp).map(|i| 0x80 + i as u8)
}

fn encoding_of(name: &str) -> Option<(Enc, &'static str)> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "utf-8" | "utf8" | "csutf8" => (Enc::Utf8, "UTF-8"),
        "utf-16le" | "csutf16le" => (Enc::Utf16Le, "UTF-16LE"),
        "utf-16be" | "csutf16be" => (Enc::Utf16Be, "UTF-16BE"),
        "utf-16" | "csutf16" => (Enc::Utf16Bom, "UTF-16"),
        "windows-1252" | "cswindows1252" => (Enc::Windows1252, "windows-1252"),
        "iso-8859-1" | "iso_8859-1" | "iso_8859-1:1987" | "iso-ir-100" | "latin1" | "l1"
        | "ibm819" | "cp819" | "csisolatin1" => (Enc::Latin1, "ISO_8859-1:1987"),
        "us-ascii" | "ansi_x3.4-1968" | "iso646-us" | "us" | "ibm367" | "cp367" | "csascii" => {
            (Enc::Ascii, "US-ASCII")
        }
        _ => return None,
    })
}

fn unsupported(name: &str) -> crate::registry::Fail {
    arg_err(
        1,
        format!(
            "{name:?} is not a supported IANA encoding name or alias in this Terraform version"
        ),
    )
}

fn text_encode(a: Vec<Value>, _: &FuncContext) -> R {
    let (s, name) = (string(&a[0]), string(&a[1]));
    let (enc, canon) = encoding_of(name).ok_or_else(|| unsupported(name))?;
    let cannot = || {
        arg_err(
            0,
            format!("the given string contains characters that cannot be represented in {canon}"),
        )
    };
    let bytes: Vec<u8> = match enc {
        Enc::Utf8 => s.as_bytes().to_vec(),
        Enc::Utf16Le => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Enc::Utf16Be => s.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Enc::Utf16Bom => [0xfe, 0xff]
            .into_iter()
            .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        Enc::Windows1252 => s
            .chars()
            .map(cp1252_encode)
            .collect::<Option<Vec<u8>>>()
            .ok_or_else(cannot)?,
        Enc::Latin1 | Enc::Ascii => {
            let max = if matches!(enc, Enc::Latin1) {
                0xff
            } else {
                0x7f
            };
            let mut out = Vec::with_capacity(s.len());
            for c in s.chars() {
                if c as u32 > max {
                    return Err(cannot());
                }
                out.push(c as u32 as u8);
            }
            out
        }
    };
    Ok(sv(STANDARD.encode(bytes)))
}

fn text_decode(a: Vec<Value>, _: &FuncContext) -> R {
    let (src, name) = (string(&a[0]), string(&a[1]));
    let (enc, canon) = encoding_of(name).ok_or_else(|| unsupported(name))?;
    let bytes = b64_decode(src).map_err(|e| {
        let off = match e {
            base64::DecodeError::InvalidByte(o, _) => o,
            base64::DecodeError::InvalidLastSymbol(o, _) => o,
            // Go reports a truncated final quantum at its start.
            _ => src.trim_end_matches('=').len() / 4 * 4,
        };
        arg_err(
            0,
            format!("the given value is has an invalid base64 symbol at offset {off}"),
        )
    })?;
    let bad = || {
        arg_err(
            0,
            format!("the given string contains symbols that are not defined for {canon}"),
        )
    };
    let s: String = match enc {
        Enc::Utf8 => String::from_utf8(bytes).map_err(|_| bad())?,
        Enc::Utf16Le | Enc::Utf16Be | Enc::Utf16Bom => {
            if bytes.len() % 2 != 0 {
                return Err(bad());
            }
            let mut little = matches!(enc, Enc::Utf16Le);
            let mut body = bytes.as_slice();
            if matches!(enc, Enc::Utf16Bom) {
                match body {
                    [0xff, 0xfe, rest @ ..] => {
                        little = true;
                        body = rest;
                    }
                    [0xfe, 0xff, rest @ ..] => body = rest,
                    _ => {}
                }
            }
            let units: Vec<u16> = body
                .chunks(2)
                .map(|c| {
                    if little {
                        u16::from_le_bytes([c[0], c[1]])
                    } else {
                        u16::from_be_bytes([c[0], c[1]])
                    }
                })
                .collect();
            char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{fffd}'))
                .collect()
        }
        Enc::Latin1 => bytes.iter().map(|b| *b as char).collect(),
        Enc::Windows1252 => bytes.iter().map(|b| cp1252_decode(*b)).collect(),
        Enc::Ascii => bytes
            .iter()
            .map(|b| if *b < 0x80 { *b as char } else { '\u{fffd}' })
            .collect(),
    };
    Ok(sv(s))
}
