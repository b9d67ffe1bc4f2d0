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
            let x = parse_rfc3339(string(&a[0])).map_err(|m| arg_err(0, m))?;
            let y = parse_rfc3339(string(&a[1])).map_err(|m| arg_err(1, m))?;
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

fn bad(msg: impl std::fmt::Display) -> String {
    format!("not a valid RFC3339 timestamp: {msg}")
}

/// Parses an RFC 3339 timestamp as Go's `time.Parse(time.RFC3339, ...)`,
/// with Terraform's rewording of its errors.
pub(crate) fn parse_rfc3339(s: &str) -> Result<DateTime<FixedOffset>, String> {
    let b = s.as_bytes();
    let mut i = 0usize;
    let num = |i: &mut usize, n: usize, what: &str| -> Result<u32, String> {
        let rest = &s[*i..];
        if rest.is_empty() {
            return Err(bad(format!("end of string before {what}")));
        }
        let digits = b
            .get(*i..*i + n)
            .filter(|d| d.iter().all(u8::is_ascii_digit));
        match digits {
            Some(d) => {
                *i += n;
                Ok(d.iter().fold(0, |acc, c| acc * 10 + u32::from(c - b'0')))
            }
            None => Err(bad(format!("cannot use {rest:?} as {what}"))),
        }
    };
    let sep = |i: &mut usize, c: u8| -> Result<(), String> {
        match b.get(*i) {
            Some(x) if *x == c => {
                *i += 1;
                Ok(())
            }
            None if c == b'T' => Err(bad("missing required time introducer 'T'")),
            Some(_) if c == b'T' => Err(bad("missing required time introducer 'T'")),
            None => Err(bad(format!(
                "end of string where {:?} is expected",
                c as char
            ))),
            Some(_) => Err(bad(format!(
                "found {:?} where {:?} is expected",
                &s[*i..],
                c as char
            ))),
        }
    };
    let year = num(&mut i, 4, "year")?;
    sep(&mut i, b'-')?;
    let month = num(&mut i, 2, "month")?;
    sep(&mut i, b'-')?;
    let day = num(&mut i, 2, "day of month")?;
    sep(&mut i, b'T')?;
    let hour = num(&mut i, 2, "hour")?;
    sep(&mut i, b':')?;
    let minute = num(&mut i, 2, "minute")?;
    sep(&mut i, b':')?;
    let second = num(&mut i, 2, "second")?;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let frac = &s[start..i];
        let mut padded = frac.chars().take(9).collect::<String>();
        while padded.len() < 9 {
            padded.push('0');
        }
        nanos = padded.parse().unwrap_or(0);
    }
    let offset = match b.get(i) {
        Some(b'Z') => {
            i += 1;
            0
        }
        Some(b'+' | b'-') => {
            let neg = b[i] == b'-';
            let rest = &s[i..];
            let ok = rest.len() >= 6
                && rest.as_bytes()[3] == b':'
                && rest[1..3].bytes().all(|c| c.is_ascii_digit())
                && rest[4..6].bytes().all(|c| c.is_ascii_digit());
            if !ok {
                return Err(bad(format!("cannot use {rest:?} as UTC offset")));
            }
            let h: i32 = rest[1..3].parse().unwrap_or(0);
            let m: i32 = rest[4..6].parse().unwrap_or(0);
            i += 6;
            let secs = h * 3600 + m * 60;
            if neg {
                -secs
            } else {
                secs
            }
        }
        None => return Err(bad("end of string before UTC offset")),
        Some(_) => return Err(bad(format!("cannot use {:?} as UTC offset", &s[i..]))),
    };
    if i < b.len() {
        return Err(bad(format!("extra text: {:?}", &s[i..])));
    }
    if !(1..=12).contains(&month) {
        return Err(bad("month out of range"));
    }
    if hour > 23 {
        return Err(bad("hour out of range"));
    }
    if minute > 59 {
        return Err(bad("minute out of range"));
    }
    if second > 59 {
        return Err(bad("second out of range"));
    }
    let date =
        NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| bad("day out of range"))?;
    let naive = date
        .and_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| bad("second out of range"))?;
    let tz = FixedOffset::east_opt(offset).ok_or_else(|| bad("UTC offset out of range"))?;
    naive
        .and_local_timezone(tz)
        .single()
        .ok_or_else(|| bad("invalid time"))
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
            _ => return Err(format!("invalid date format verb {tok:?}")),
        };
        out.push_str(&piece);
    }
    Ok(out)
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
        let num_len = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(s.len());
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
