//! Date and time functions: formatdate, plantimestamp, timeadd, timecmp,
//! timestamp. Timestamps are RFC 3339 strings, parsed with the messages
//! Terraform gives.

use crate::numeric::string;
use crate::registry::{arg_err, call_err, p, FuncContext, Registry, Ret};
use crate::strings::sv;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, Timelike, Utc};
use terrane_value::{Type, Value};

pub(crate) fn register(r: &mut Registry) {
    let s = Ret::Static(Type::String);
    r.func("timestamp", vec![], s.clone(), |_, _| {
        Ok(sv(rfc3339(&Utc::now().fixed_offset())))
    })
    .impure();
    r.func("plantimestamp", vec![], s.clone(), |_, ctx| {
        match &ctx.plan_timestamp {
            Some(t) => Ok(sv(t.clone())),
            None => Ok(Value::unknown(Type::String)),
        }
    });
    r.func(
        "formatdate",
        vec![p("format", Type::String), p("time", Type::String)],
        s.clone(),
        |a, _| {
            let t = parse_rfc3339(string(&a[1])).map_err(|m| arg_err(1, m))?;
            formatdate(string(&a[0]), &t)
                .map(sv)
                .map_err(|m| arg_err(0, m))
        },
    );
    r.func(
        "timeadd",
        vec![p("timestamp", Type::String), p("duration", Type::String)],
        s,
        |a, _| {
            let t = parse_rfc3339(string(&a[0])).map_err(call_err)?;
            let nanos = parse_duration(string(&a[1])).map_err(call_err)?;
            let out = t
                .checked_add_signed(TimeDelta::nanoseconds(nanos))
                .ok_or_else(|| call_err("time out of range"))?;
            Ok(sv(rfc3339(&out)))
        },
    );
    r.func(
        "timecmp",
        vec![
            p("timestamp_a", Type::String),
            p("timestamp_b", Type::String),
        ],
        Ret::Static(Type::Number),
        |a, _: &FuncContext| {
            let x = parse_rfc3339_go(string(&a[0])).map_err(|m| arg_err(0, m))?;
            let y = parse_rfc3339_go(string(&a[1])).map_err(|m| arg_err(1, m))?;
            Ok(Value::number(match x.cmp(&y) {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }))
        },
    );
}

/// Go's `time.RFC3339` layout: no fraction, `Z` for UTC.
pub(crate) fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    let off = t.offset().local_minus_utc();
    let zone = if off == 0 {
        "Z".to_string()
    } else {
        offset_text(off, true)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn offset_text(secs: i32, colon: bool) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    let (h, m) = (a / 3600, (a % 3600) / 60);
    if colon {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}")
    }
}

/// A failure of Go's layout-driven `time.Parse`, with the pieces
/// Terraform rewords.
struct GoParseError {
    layout_elem: &'static str,
    value_elem: String,
    message: String,
}

fn perr(layout_elem: &'static str, value_elem: &str, message: impl Into<String>) -> GoParseError {
    GoParseError {
        layout_elem,
        value_elem: value_elem.to_string(),
        message: message.into(),
    }
}

/// Go's `getnum`: one or two leading digits (`fixed` requires two).
fn getnum(s: &str, fixed: bool) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    let d0 = b.first().filter(|c| c.is_ascii_digit())?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        Some(d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &s[2..])),
        None if fixed => None,
        None => Some((u32::from(d0 - b'0'), &s[1..])),
    }
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn build(
    ymd: (i32, u32, u32),
    hms: (u32, u32, u32),
    nanos: u32,
    offset: i32,
) -> Option<DateTime<FixedOffset>> {
    let date = NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2)?;
    let naive = date.and_hms_nano_opt(hms.0, hms.1, hms.2, nanos)?;
    naive
        .and_local_timezone(FixedOffset::east_opt(offset)?)
        .single()
}

fn nanos_of(frac: &str) -> u32 {
    let digits: String = frac.chars().take(9).collect();
    format!("{digits:0<9}").parse().unwrap_or(0)
}

/// Go's general `time.Parse` with the RFC 3339 layout (lenient: a one-digit
/// hour is accepted), reporting failures as Go's `ParseError`.
fn go_parse(s: &str) -> Result<DateTime<FixedOffset>, GoParseError> {
    let skip = |v: &'_ str, lit: &'static str| -> Result<usize, GoParseError> {
        if v.starts_with(lit) {
            Ok(lit.len())
        } else {
            Err(perr(lit, v, ""))
        }
    };
    let mut v = s;
    if v.len() < 4 || !v.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(perr("2006", v, ""));
    }
    let year: i32 = v[..4].parse().unwrap_or(0);
    v = &v[4..];
    v = &v[skip(v, "-")?..];
    let (month, rest) = getnum(v, true).ok_or_else(|| perr("01", v, ""))?;
    v = rest;
    if !(1..=12).contains(&month) {
        return Err(perr("01", v, ": month out of range"));
    }
    v = &v[skip(v, "-")?..];
    let (day, rest) = getnum(v, true).ok_or_else(|| perr("02", v, ""))?;
    v = rest;
    v = &v[skip(v, "T")?..];
    let (hour, rest) = getnum(v, false).ok_or_else(|| perr("15", v, ""))?;
    v = rest;
    if hour >= 24 {
        return Err(perr("15", v, ": hour out of range"));
    }
    v = &v[skip(v, ":")?..];
    let (minute, rest) = getnum(v, true).ok_or_else(|| perr("04", v, ""))?;
    v = rest;
    if minute >= 60 {
        return Err(perr("04", v, ": minute out of range"));
    }
    v = &v[skip(v, ":")?..];
    let (second, rest) = getnum(v, true).ok_or_else(|| perr("05", v, ""))?;
    v = rest;
    if second >= 60 {
        return Err(perr("05", v, ": second out of range"));
    }
    let mut nanos = 0;
    let vb = v.as_bytes();
    if vb.len() >= 2 && matches!(vb[0], b'.' | b',') && vb[1].is_ascii_digit() {
        let n = 1 + vb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        nanos = nanos_of(&v[1..n]);
        v = &v[n..];
    }
    let offset = if let Some(rest) = v.strip_prefix('Z') {
        v = rest;
        0
    } else {
        let hold = v;
        let vb = v.as_bytes();
        let digit = |i: usize| vb.get(i).is_some_and(u8::is_ascii_digit);
        if vb.len() < 6
            || vb[3] != b':'
            || !matches!(vb[0], b'+' | b'-')
            || !(digit(1) && digit(2) && digit(4) && digit(5))
        {
            return Err(perr("Z07:00", hold, ""));
        }
        let two = |i: usize| u32::from(vb[i] - b'0') * 10 + u32::from(vb[i + 1] - b'0');
        let (hh, mm) = (two(1), two(4));
        v = &v[6..];
        if hh > 24 {
            return Err(perr("Z07:00", v, ": time zone offset hour out of range"));
        }
        if mm > 60 {
            return Err(perr("Z07:00", v, ": time zone offset minute out of range"));
        }
        let secs = (hh * 3600 + mm * 60) as i32;
        if vb[0] == b'-' {
            -secs
        } else {
            secs
        }
    };
    if !v.is_empty() {
        return Err(perr("", v, format!(": extra text: {v:?}")));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(perr("", v, ": day out of range"));
    }
    build((year, month, day), (hour, minute, second), nanos, offset)
        .ok_or_else(|| perr("", "", ": time out of range"))
}

/// The strict RFC 3339 parser Go and cty try first.
fn strict_parse(s: &str) -> Option<DateTime<FixedOffset>> {
    let b = s.as_bytes();
    if b.len() < 19 || !s.is_char_boundary(19) {
        return None;
    }
    let num = |r: std::ops::Range<usize>, min: u32, max: u32| -> Option<u32> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let x = part
            .iter()
            .fold(0u32, |acc, c| acc * 10 + u32::from(c - b'0'));
        (min..=max).contains(&x).then_some(x)
    };
    let year = num(0..4, 0, 9999)? as i32;
    let month = num(5..7, 1, 12)?;
    let day = num(8..10, 1, days_in(month, year))?;
    let hour = num(11..13, 0, 23)?;
    let minute = num(14..16, 0, 59)?;
    let second = num(17..19, 0, 59)?;
    if !(b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':') {
        return None;
    }
    let mut rest = &s[19..];
    let mut nanos = 0;
    let rb = rest.as_bytes();
    if rb.len() >= 2 && rb[0] == b'.' && rb[1].is_ascii_digit() {
        let n = 1 + rb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        nanos = nanos_of(&rest[1..n]);
        rest = &rest[n..];
    }
    let offset = if rest == "Z" {
        0
    } else {
        let rb = rest.as_bytes();
        if rb.len() != 6 || !matches!(rb[0], b'+' | b'-') || rb[3] != b':' {
            return None;
        }
        let two = |i: usize| -> Option<u32> {
            let d = &rb[i..i + 2];
            d.iter()
                .all(u8::is_ascii_digit)
                .then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
        };
        let (hh, mm) = (two(1).filter(|h| *h <= 23)?, two(4).filter(|m| *m <= 59)?);
        let secs = (hh * 3600 + mm * 60) as i32;
        if rb[0] == b'-' {
            -secs
        } else {
            secs
        }
    };
    build((year, month, day), (hour, minute, second), nanos, offset)
}

/// Terraform's rewording of a Go parse error; `cty` adds the hour and
/// minute special cases cty's own parser has.
fn reword(e: GoParseError, cty: bool) -> String {
    let base = "not a valid RFC3339 timestamp";
    if e.layout_elem.is_empty() && e.value_elem.is_empty() && !e.message.is_empty() {
        return format!("{base}{}", e.message);
    }
    let what = match e.layout_elem {
        "2006" => "year",
        "01" => "month",
        "02" => "day of month",
        "15" => "hour",
        "04" => "minute",
        "05" => "second",
        "Z07:00" => "UTC offset",
        "T" => return format!("{base}: missing required time introducer 'T'"),
        ":" | "-" if e.value_elem.is_empty() => {
            return format!(
                "{base}: end of string where {:?} is expected",
                e.layout_elem
            )
        }
        ":" | "-" => {
            return format!(
                "{base}: found {:?} where {:?} is expected",
                e.value_elem, e.layout_elem
            )
        }
        _ => "timestamp segment",
    };
    if e.value_elem.is_empty() {
        return format!("{base}: end of string before {what}");
    }
    if cty && what == "hour" && e.value_elem.contains(':') {
        return format!("{base}: hour must be between 0 and 23 inclusive");
    }
    if cty && what == "hour" && e.value_elem.len() != 2 {
        return format!("{base}: hour must have exactly two digits");
    }
    if cty && what == "minute" && e.value_elem.len() != 2 {
        return format!("{base}: minute must have exactly two digits");
    }
    format!("{base}: cannot use {:?} as {what}", e.value_elem)
}

/// cty's strict RFC 3339 parsing (formatdate, timeadd).
pub(crate) fn parse_rfc3339(s: &str) -> Result<DateTime<FixedOffset>, String> {
    if let Some(t) = strict_parse(s) {
        return Ok(t);
    }
    let e = match go_parse(s) {
        Err(e) => e,
        Ok(_) => {
            // Go's layout parser accepted what RFC 3339 forbids.
            let b = s.as_bytes();
            let num2 = |i: usize| -> u32 {
                b.get(i..i + 2)
                    .map(|d| {
                        u32::from(d[0].wrapping_sub(b'0')) * 10 + u32::from(d[1].wrapping_sub(b'0'))
                    })
                    .unwrap_or(0)
            };
            if b.get(12) == Some(&b':') {
                perr("15", &s[11..12], ": hour must have two digits")
            } else if b.get(19) == Some(&b',') {
                perr(".", ",", ": sub-second separator must be a period")
            } else if !s.ends_with('Z') && s.len() >= 6 && num2(s.len() - 5) >= 24 {
                perr("Z07:00", &s[s.len() - 6..], ": timezone hour out of range")
            } else if !s.ends_with('Z') && s.len() >= 6 && num2(s.len() - 2) >= 60 {
                perr(
                    "Z07:00",
                    &s[s.len() - 6..],
                    ": timezone minute out of range",
                )
            } else {
                perr("", s, "")
            }
        }
    };
    Err(reword(e, true))
}

/// Terraform's own RFC 3339 parsing (timecmp): Go's `time.Parse`, lenient.
fn parse_rfc3339_go(s: &str) -> Result<DateTime<FixedOffset>, String> {
    if let Some(t) = strict_parse(s) {
        return Ok(t);
    }
    go_parse(s).map_err(|e| reword(e, false))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn formatdate(spec: &str, t: &DateTime<FixedOffset>) -> Result<String, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => return Err("unterminated literal '".into()),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(ch) => {
                        out.push(*ch);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j) == Some(&c) {
            j += 1;
        }
        let tok: String = chars[i..j].iter().collect();
        i = j;
        let hour12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let off = t.offset().local_minus_utc();
        let piece = match tok.as_str() {
            "YYYY" => format!("{:04}", t.year()),
            "YY" => format!("{:02}", t.year().rem_euclid(100)),
            "MMMM" => MONTHS[t.month0() as usize].to_string(),
            "MMM" => MONTHS[t.month0() as usize][..3].to_string(),
            "MM" => format!("{:02}", t.month()),
            "M" => t.month().to_string(),
            "DD" => format!("{:02}", t.day()),
            "D" => t.day().to_string(),
            "EEEE" => DAYS[t.weekday().num_days_from_monday() as usize].to_string(),
            "EEE" => DAYS[t.weekday().num_days_from_monday() as usize][..3].to_string(),
            "hh" => format!("{:02}", t.hour()),
            "h" => t.hour().to_string(),
            "HH" => format!("{hour12:02}"),
            "H" => hour12.to_string(),
            "AA" => (if t.hour() < 12 { "AM" } else { "PM" }).to_string(),
            "aa" => (if t.hour() < 12 { "am" } else { "pm" }).to_string(),
            "mm" => format!("{:02}", t.minute()),
            "m" => t.minute().to_string(),
            "ss" => format!("{:02}", t.second()),
            "s" => t.second().to_string(),
            "ZZZZZ" => offset_text(off, true),
            "ZZZZ" => offset_text(off, false),
            "ZZZ" if off == 0 => "UTC".to_string(),
            "ZZZ" => offset_text(off, false),
            "Z" if off == 0 => "Z".to_string(),
            "Z" => offset_text(off, true),
            _ => return Err(verb_error(&tok)),
        };
        out.push_str(&piece);
    }
    Ok(out)
}

/// cty's message for a letter sequence that is not a date format verb.
fn verb_error(tok: &str) -> String {
    let first = tok.chars().next().unwrap_or(' ');
    let why = match first {
        'Y' => "year must either be \"YY\" or \"YYYY\"".to_string(),
        'M' => "month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"".to_string(),
        'D' => "day of month must either be \"D\" or \"DD\"".to_string(),
        'E' => "day of week must either be \"EEE\" or \"EEEE\"".to_string(),
        'h' => "24-hour must either be \"h\" or \"hh\"".to_string(),
        'H' => "12-hour must either be \"H\" or \"HH\"".to_string(),
        'A' | 'a' => format!("must be \"{first}{first}\""),
        'm' => "minute must either be \"m\" or \"mm\"".to_string(),
        's' => "second must either be \"s\" or \"ss\"".to_string(),
        'Z' => "timezone must be Z, ZZZZ, or ZZZZZ".to_string(),
        _ => return format!("invalid date format verb {tok:?}"),
    };
    format!("invalid date format verb {tok:?}: {why}")
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(text: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {text:?}");
    let mut s = text;
    let mut neg = false;
    if let Some(r) = s.strip_prefix('-') {
        neg = true;
        s = r;
    } else if let Some(r) = s.strip_prefix('+') {
        s = r;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    while !s.is_empty() {
        let int_len = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let mut num_len = int_len;
        if s[int_len..].starts_with('.') {
            num_len += 1 + s[int_len + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(s.len() - int_len - 1);
        }
        let num = &s[..num_len];
        if num.is_empty() || num == "." {
            return Err(invalid());
        }
        let value: f64 = num.parse().map_err(|_| invalid())?;
        s = &s[num_len..];
        let unit_len = s
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(s.len());
        let unit = &s[..unit_len];
        s = &s[unit_len..];
        let scale = match unit {
            "" => return Err(format!("time: missing unit in duration {text:?}")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            u => return Err(format!("time: unknown unit {u:?} in duration {text:?}")),
        };
        total += value * scale;
    }
    if total > i64::MAX as f64 {
        return Err(invalid());
    }
    let n = total.round() as i64;
    Ok(if neg { -n } else { n })
}
