//! `format` and `formatlist`: Terraform's printf-like verbs (%v %#v %s %q
//! %t %d %b %o %x %X %e %E %f %F %g %G %%) with flags, width, precision and
//! explicit argument indexes, as cty's formatter applies them.

use crate::numeric::string;
use crate::registry::{arg_err, call_err, p, FuncContext, Registry, Ret, R};
use crate::strings::sv;
use crate::valuejson::json_encode;
use num_bigint::{BigInt, Sign};
use num_traits::{Signed, Zero};
use terrane_value::{Kind, Number, Type, Value};

pub(crate) fn register(r: &mut Registry) {
    r.func(
        "format",
        vec![p("format", Type::String)],
        Ret::Static(Type::String),
        |a, _| {
            let f = string(&a[0]).to_string();
            format_str(&f, &a[1..]).map(sv).map_err(call_err)
        },
    )
    .variadic(p("args", Type::Dynamic).null());
    r.func(
        "formatlist",
        vec![p("format", Type::String)],
        Ret::Static(Type::list(Type::String)),
        formatlist,
    )
    .variadic(p("args", Type::Dynamic).null().nested_unknown());
}

/// Widths and precisions beyond this are refused rather than allocated
/// (Go's fmt treats values over a million as invalid too).
const MAX_WIDTH: usize = 1_000_000;

#[derive(Default, Clone)]
struct Verb {
    raw: String,
    offset: usize,
    arg: usize,
    minus: bool,
    plus: bool,
    space: bool,
    sharp: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
    mode: char,
}

/// Formats `args` by `fmt` as Terraform's `format` does.
pub(crate) fn format_str(fmt: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let bytes: Vec<(usize, char)> = fmt.char_indices().collect();
    let mut i = 0;
    let mut next_arg = 1usize;
    while i < bytes.len() {
        let (start, c) = bytes[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let eof = || format!("invalid format string starting at offset {}", fmt.len());
        let bad = |at: usize, ch: char| {
            format!(
                "unrecognized format character {} at offset {at}",
                go_quote_rune(ch)
            )
        };
        let Some(&(_, c1)) = bytes.get(i) else {
            return Err(eof());
        };
        if c1 == '%' {
            out.push('%');
            i += 1;
            continue;
        }
        let mut v = Verb {
            offset: start,
            ..Verb::default()
        };
        while let Some(&(_, c)) = bytes.get(i) {
            match c {
                ' ' => v.space = true,
                '#' => v.sharp = true,
                '+' => v.plus = true,
                '-' => v.minus = true,
                '0' => v.zero = true,
                _ => break,
            }
            i += 1;
        }
        if let Some(&(_, '[')) = bytes.get(i) {
            i += 1;
            let mut n = 0usize;
            let mut digits = 0;
            loop {
                let Some(&(at, c)) = bytes.get(i) else {
                    return Err(eof());
                };
                match c {
                    '1'..='9' => {}
                    '0' if digits > 0 => {}
                    ']' if digits > 0 => break,
                    _ => return Err(bad(at, c)),
                }
                n = n
                    .saturating_mul(10)
                    .saturating_add(c as usize - '0' as usize);
                digits += 1;
                i += 1;
            }
            i += 1;
            next_arg = n;
        }
        let mut width = None;
        while let Some(&(_, c @ '0'..='9')) = bytes.get(i) {
            width = Some(width.unwrap_or(0usize).saturating_mul(10) + (c as usize - '0' as usize));
            i += 1;
        }
        if width.is_some_and(|w| w > MAX_WIDTH) {
            return Err(format!(
                "width too large in {:?} at offset {start}",
                &fmt[start..]
            ));
        }
        v.width = width;
        if let Some(&(_, '.')) = bytes.get(i) {
            i += 1;
            let mut prec = 0usize;
            while let Some(&(_, c @ '0'..='9')) = bytes.get(i) {
                prec = prec.saturating_mul(10) + (c as usize - '0' as usize);
                i += 1;
            }
            if prec > MAX_WIDTH {
                return Err(format!(
                    "precision too large in {:?} at offset {start}",
                    &fmt[start..]
                ));
            }
            v.prec = Some(prec);
        }
        let Some(&(at, mode)) = bytes.get(i) else {
            return Err(eof());
        };
        if !mode.is_ascii_alphabetic() {
            return Err(bad(at, mode));
        }
        i += 1;
        v.mode = mode;
        v.arg = next_arg;
        next_arg += 1;
        let end = bytes.get(i).map(|(b, _)| *b).unwrap_or(fmt.len());
        v.raw = fmt[start..end].to_string();
        append(&v, &mut out, args)?;
    }
    Ok(out)
}

fn append(v: &Verb, out: &mut String, args: &[Value]) -> Result<(), String> {
    if !"vstqdboxXeEfgG".contains(v.mode) {
        return Err(format!(
            "unsupported format verb {} in {:?} at offset {}",
            go_quote_rune(v.mode),
            v.raw,
            v.offset
        ));
    }
    let Some(arg) = args.get(v.arg - 1) else {
        return Err(format!(
            "not enough arguments for {:?} at {}: need index {} but have {} total",
            v.raw,
            v.offset,
            v.arg,
            args.len()
        ));
    };
    let unsupported = |m: &str| format!("unsupported value for {:?} at {}: {m}", v.raw, v.offset);
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported("null value cannot be formatted"));
    }
    let as_type = |t: &Type| -> Result<Value, String> {
        crate::conversion::coerce(arg.clone(), t).map_err(|m| unsupported(&m))
    };
    match v.mode {
        'v' => {
            if v.sharp || arg.is_null() {
                out.push_str(&pad_str(v, &json_of(arg)));
                return Ok(());
            }
            match &arg.kind {
                Kind::String(s) => out.push_str(&pad_str(v, s)),
                Kind::Number(n) => {
                    let plain = Verb {
                        mode: 'v',
                        ..Verb::default()
                    };
                    out.push_str(&pad_str(v, &format_float(&plain, 'g', n)));
                }
                _ => out.push_str(&pad_str(v, &json_of(arg))),
            }
        }
        's' => {
            let s = as_type(&Type::String)?;
            out.push_str(&pad_str(v, &truncate(v, string(&s))));
        }
        'q' => {
            let s = as_type(&Type::String)?;
            let quoted = json_of(&Value::string(truncate(v, string(&s))));
            out.push_str(&pad_str(v, &quoted));
        }
        't' => {
            let b = as_type(&Type::Bool)?;
            out.push_str(if b.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            });
        }
        'd' | 'b' | 'o' | 'x' | 'X' => {
            let n = as_type(&Type::Number)?;
            let n = n.as_number().cloned().unwrap_or_else(|| 0.into());
            if !n.is_integer() {
                return Err(unsupported("an integer is required"));
            }
            let int = n.to_big_int().unwrap_or_default();
            out.push_str(&format_int(v, &int));
        }
        _ => {
            let n = as_type(&Type::Number)?;
            let n = n.as_number().cloned().unwrap_or_else(|| 0.into());
            out.push_str(&format_float(v, v.mode, &n));
        }
    }
    Ok(())
}

fn json_of(v: &Value) -> String {
    json_encode(v).unwrap_or_else(|_| "null".into())
}

/// A string cut to the precision, in grapheme clusters (only when the
/// precision is positive, as cty does).
fn truncate(v: &Verb, s: &str) -> String {
    match v.prec {
        Some(p) if p > 0 => crate::text::graphemes(s).take(p).collect(),
        _ => s.to_string(),
    }
}

/// Pads to the width in grapheme clusters, with zeros under the `0` flag
/// (on the right too, under `-`, as cty does).
fn pad_str(v: &Verb, s: &str) -> String {
    let len = crate::text::grapheme_count(s);
    match v.width {
        Some(w) if w > len => {
            let pad = if v.zero { "0" } else { " " }.repeat(w - len);
            if v.minus {
                format!("{s}{pad}")
            } else {
                format!("{pad}{s}")
            }
        }
        _ => s.to_string(),
    }
}

/// Lays out sign, prefix and digits in a field, as Go's number formatting.
/// Integers (`zero_ok` false when a precision is given) let `-` win over
/// `0`; floats (`zero_first`) let `0` win, as Go's big.Float does.
fn pad_number(v: &Verb, neg: bool, prefix: &str, body: &str, zero_ok: bool) -> String {
    pad_number_with(v, neg, prefix, body, zero_ok, false)
}

fn pad_number_with(
    v: &Verb,
    neg: bool,
    prefix: &str,
    body: &str,
    zero_ok: bool,
    zero_first: bool,
) -> String {
    let sign = if neg {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + prefix.len() + body.chars().count();
    let (mut left, mut zeros, mut right) = (0, 0, 0);
    if let Some(w) = v.width {
        if w > len {
            let d = w - len;
            if zero_first && v.zero && zero_ok {
                zeros = d;
            } else if v.minus {
                right = d;
            } else if v.zero && zero_ok {
                zeros = d;
            } else {
                left = d;
            }
        }
    }
    format!(
        "{}{sign}{prefix}{}{body}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

fn format_int(v: &Verb, n: &BigInt) -> String {
    let mag = n.abs();
    let (radix, prefix) = match v.mode {
        'b' => (2, "0b"),
        'o' => (8, "0"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = mag.to_str_radix(radix);
    if v.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let prefix = if v.sharp { prefix } else { "" };
    if let Some(p) = v.prec {
        if p == 0 && mag.is_zero() {
            // Go prints nothing at all for zero with zero precision.
            return String::new();
        } else if digits.len() < p {
            digits = format!("{}{digits}", "0".repeat(p - digits.len()));
        }
    }
    pad_number(
        v,
        n.sign() == Sign::Minus,
        prefix,
        &digits,
        v.prec.is_none(),
    )
}

/// A decimal as digits and a point position: value = 0.DIGITS × 10^exp.
struct Digits {
    mant: Vec<u8>,
    exp: i64,
}

fn digits_from_text(text: &str) -> Digits {
    let t = text.trim_start_matches('-');
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let lead = all.iter().take_while(|d| **d == 0).count();
    let mut mant = all[lead..].to_vec();
    while mant.last() == Some(&0) {
        mant.pop();
    }
    let exp = if mant.is_empty() {
        0
    } else {
        int.len() as i64 - lead as i64
    };
    Digits { mant, exp }
}

/// The digits of `n`: the shortest that round-trip when `shortest`, else
/// the exact decimal expansion of its binary value.
fn digits_of(n: &Number, shortest: bool) -> Digits {
    if shortest {
        return digits_from_text(&n.to_string());
    }
    let d = n.as_big();
    let (int, scale) = d.normalized().into_bigint_and_exponent();
    if int.is_zero() {
        return Digits {
            mant: Vec::new(),
            exp: 0,
        };
    }
    let mant: Vec<u8> = int.abs().to_string().bytes().map(|b| b - b'0').collect();
    let exp = mant.len() as i64 - scale;
    Digits { mant, exp }
}

impl Digits {
    /// Rounds to `n` significant digits, half to even (the digits are
    /// exact, so a tie is a real tie).
    fn round(&mut self, n: i64) {
        if n < 0 || n as usize >= self.mant.len() {
            return;
        }
        let n = n as usize;
        let up = match self.mant[n] {
            d if d > 5 => true,
            d if d < 5 => false,
            _ => {
                let tie = self.mant[n + 1..].iter().all(|d| *d == 0);
                if tie {
                    n > 0 && self.mant[n - 1] % 2 == 1
                } else {
                    true
                }
            }
        };
        self.mant.truncate(n);
        if up {
            let mut i = n;
            loop {
                if i == 0 {
                    self.mant.insert(0, 1);
                    self.exp += 1;
                    break;
                }
                i -= 1;
                if self.mant[i] == 9 {
                    self.mant[i] = 0;
                } else {
                    self.mant[i] += 1;
                    break;
                }
            }
        }
        while self.mant.last() == Some(&0) {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    fn digit(&self, i: i64) -> char {
        if i < 0 {
            return '0';
        }
        self.mant
            .get(i as usize)
            .map(|d| (b'0' + d) as char)
            .unwrap_or('0')
    }

    fn fmt_e(&self, prec: usize, upper: bool) -> String {
        let mut s = String::new();
        s.push(self.digit(0));
        if prec > 0 {
            s.push('.');
            for i in 1..=prec {
                s.push(self.digit(i as i64));
            }
        }
        s.push(if upper { 'E' } else { 'e' });
        let exp = if self.mant.is_empty() {
            0
        } else {
            self.exp - 1
        };
        s.push(if exp < 0 { '-' } else { '+' });
        s.push_str(&format!("{:02}", exp.abs()));
        s
    }

    fn fmt_f(&self, prec: usize) -> String {
        let mut s = String::new();
        if self.exp > 0 {
            for i in 0..self.exp {
                s.push(self.digit(i));
            }
        } else {
            s.push('0');
        }
        if prec > 0 {
            s.push('.');
            for i in 0..prec as i64 {
                s.push(self.digit(self.exp + i));
            }
        }
        s
    }
}

/// Go's `big.Float` formatting for %e %E %f %F %g %G (and %v as %g).
fn format_float(v: &Verb, mode: char, n: &Number) -> String {
    let neg = n.is_sign_negative();
    if n.is_infinite() {
        let body = if neg { "Inf" } else { "+Inf" };
        let v2 = Verb {
            plus: false,
            ..v.clone()
        };
        return pad_number(&v2, neg, "", body, false);
    }
    let shortest = matches!(mode, 'g' | 'G') && (v.prec.is_none() || v.mode == 'v');
    let mut ds = digits_of(n, shortest);
    let upper = mode.is_ascii_uppercase();
    let body = match mode.to_ascii_lowercase() {
        'e' => {
            let prec = v.prec.unwrap_or(6);
            ds.round(1 + prec as i64);
            ds.fmt_e(prec, upper)
        }
        'f' => {
            let prec = v.prec.unwrap_or(6);
            ds.round(ds.exp + prec as i64);
            ds.fmt_f(prec)
        }
        _ => {
            let mut prec = if shortest {
                ds.mant.len() as i64
            } else {
                v.prec.map(|p| p.max(1) as i64).unwrap_or(1)
            };
            if !shortest {
                ds.round(prec);
            }
            let mlen = ds.mant.len() as i64;
            let mut eprec = prec;
            if eprec > mlen && mlen >= ds.exp {
                eprec = mlen;
            }
            if shortest {
                eprec = 6;
            }
            let exp = ds.exp - 1;
            if ds.mant.is_empty() {
                "0".to_string()
            } else if exp < -4 || exp >= eprec {
                if prec > mlen {
                    prec = mlen;
                }
                ds.fmt_e((prec - 1).max(0) as usize, upper)
            } else {
                if prec > ds.exp {
                    prec = mlen;
                }
                ds.fmt_f((prec - ds.exp).max(0) as usize)
            }
        }
    };
    pad_number_with(v, neg, "", &body, true, true)
}

fn go_quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        c => format!("'{c}'"),
    }
}

fn formatlist(a: Vec<Value>, _: &FuncContext) -> R {
    let fmt = string(&a[0]).to_string();
    let args = &a[1..];
    let set_with_unknowns = args
        .iter()
        .any(|x| matches!(&x.kind, Kind::Set(_, xs) if xs.iter().any(|e| !e.is_known())));
    if set_with_unknowns {
        return Ok(Value::unknown(Type::list(Type::String)));
    }
    let mut len: Option<(usize, usize)> = None;
    for (i, x) in args.iter().enumerate() {
        let n = match &x.kind {
            Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => xs.len(),
            _ => continue,
        };
        match len {
            None => len = Some((n, i)),
            Some((m, j)) if m != n => {
                return Err(arg_err(
                    i + 1,
                    format!(
                        "argument {} has length {n}, which is inconsistent with argument {} of length {m}",
                        i + 1,
                        j + 1
                    ),
                ))
            }
            _ => {}
        }
    }
    let n = len.map(|(n, _)| n).unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for it in 0..n {
        let row: Vec<Value> = args
            .iter()
            .map(|x| match x.as_seq() {
                Some(xs) => xs.get(it).cloned().unwrap_or_default(),
                None => x.clone(),
            })
            .collect();
        if !row.iter().all(Value::is_wholly_known) {
            out.push(Value::unknown(Type::String));
            continue;
        }
        let s = format_str(&fmt, &row)
            .map_err(|m| call_err(format!("error on format iteration {it}: {m}")))?;
        out.push(sv(s));
    }
    Ok(Value::list(Type::String, out))
}
