//! Small helpers shared by every built-in provider: object access,
//! randomness, seeded generators, Go duration syntax and RFC 3339 times.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, SecondsFormat, TimeDelta, Timelike};
use rand::RngCore;
use std::collections::BTreeMap;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_value::{Kind, Marks, Type, Value};

static NULL: Value = Value {
    kind: Kind::Null(Type::Dynamic),
    marks: Marks::NONE,
};

/// An object value's attributes, with typed accessors. Missing attributes
/// read as null.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Obj(pub BTreeMap<String, Value>);

impl Obj {
    /// The attributes of a known, non-null object; `None` otherwise.
    pub fn from_value(v: &Value) -> Option<Obj> {
        match &v.kind {
            Kind::Object(m) => Some(Obj(m.clone())),
            _ => None,
        }
    }

    /// The attribute (null when absent).
    pub fn get(&self, name: &str) -> &Value {
        self.0.get(name).unwrap_or(&NULL)
    }

    /// Sets an attribute.
    pub fn set(&mut self, name: &str, v: Value) {
        self.0.insert(name.to_string(), v);
    }

    /// The attribute as a known string.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).as_str()
    }

    /// The attribute as a known string, or "" when null or unknown (Go's
    /// `ValueString()`).
    pub fn string_or_empty(&self, name: &str) -> String {
        self.str(name).unwrap_or_default().to_string()
    }

    /// The attribute as a known integer.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).as_number().and_then(|n| n.to_i64())
    }

    /// The attribute as a known bool.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).as_bool()
    }

    /// True when the attribute is null or absent.
    pub fn is_null(&self, name: &str) -> bool {
        self.get(name).is_null()
    }

    /// True when the attribute is known (null counts as known).
    pub fn is_known(&self, name: &str) -> bool {
        self.get(name).is_known()
    }

    /// The object as a value.
    pub fn into_value(self) -> Value {
        Value::object(self.0)
    }
}

/// True when two values are equal once marks are ignored.
pub(crate) fn same(a: &Value, b: &Value) -> bool {
    a.eq_ignoring_marks(b)
}

/// A string value.
pub(crate) fn s(v: impl Into<String>) -> Value {
    Value::string(v)
}

/// An integer value.
pub(crate) fn n(v: i64) -> Value {
    Value::number(v)
}

/// An error diagnostic.
pub(crate) fn err(summary: &str, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error(summary, detail)
}

/// A collection holding one error.
pub(crate) fn errs(summary: &str, detail: impl Into<String>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(err(summary, detail));
    d
}

/// Cryptographically secure random bytes (the thread-local CSPRNG, seeded
/// from the operating system).
pub(crate) fn random_bytes(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    rand::rng().fill_bytes(&mut out);
    out
}

/// A random non-negative 63-bit integer, as Go's `rand.Int()`.
pub(crate) fn random_u63() -> u64 {
    rand::rng().next_u64() >> 1
}

/// A UUID-formatted string of 16 random bytes with no version or variant
/// bits set, as hashicorp/go-uuid's `GenerateUUID` (used by terraform_data
/// and random_uuid).
pub(crate) fn go_uuid() -> String {
    let b = random_bytes(16);
    format_uuid(&b)
}

/// Formats 16 bytes as 8-4-4-4-12 lowercase hex.
pub(crate) fn format_uuid(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if hex.len() != 32 {
        return hex;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Parses a UUID in 8-4-4-4-12 hex form (either case) to its 16 bytes.
pub(crate) fn parse_uuid(text: &str) -> Result<Vec<u8>, String> {
    if text.len() != 36 {
        return Err(format!(
            "uuid string is wrong length: expected 36, got {}",
            text.len()
        ));
    }
    if !text.is_ascii() {
        return Err("uuid contains a non-hexadecimal character".into());
    }
    let bytes = text.as_bytes();
    for i in [8usize, 13, 18, 23] {
        if bytes[i] != b'-' {
            return Err("uuid is improperly formatted".into());
        }
    }
    let hex: String = text.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 {
        return Err("uuid is improperly formatted".into());
    }
    (0..16)
        .map(|i| {
            u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
                .map_err(|_| "uuid contains a non-hexadecimal character".to_string())
        })
        .collect()
}

/// CRC-64 with the ISO polynomial (reflected), as Go's
/// `crc64.Checksum(data, crc64.MakeTable(crc64.ISO))`.
pub(crate) fn crc64_iso(data: &[u8]) -> u64 {
    const POLY: u64 = 0xD800_0000_0000_0000;
    let mut crc: u64 = !0;
    for &b in data {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small deterministic generator (SplitMix64-seeded xoshiro256**) used
/// where the real provider takes a `seed`: the same seed always gives the
/// same result. (The sequence differs from Go's `math/rand`, so a seeded
/// result is stable across terrane runs but not equal to Terraform's.)
pub(crate) struct SeededRng {
    s: [u64; 4],
}

impl SeededRng {
    /// Seeded from the CRC-64 of `seed`, or randomly when `seed` is empty.
    pub fn new(seed: &str) -> SeededRng {
        let mut x = if seed.is_empty() {
            rand::rng().next_u64()
        } else {
            crc64_iso(seed.as_bytes())
        };
        let mut s = [0u64; 4];
        for slot in &mut s {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *slot = z ^ (z >> 31);
        }
        SeededRng { s }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform integer in `[0, bound)`; `bound` must be positive.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound <= 1 {
            return 0;
        }
        let zone = u64::MAX - (u64::MAX % bound);
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % bound;
            }
        }
    }

    /// A random permutation of `0..len`.
    pub fn perm(&mut self, len: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..len).collect();
        for i in (1..len).rev() {
            let j = self.below(i as u64 + 1) as usize;
            p.swap(i, j);
        }
        p
    }
}

/// A uniform index in `[0, bound)` from the thread CSPRNG.
pub(crate) fn secure_below(bound: u64) -> u64 {
    if bound <= 1 {
        return 0;
    }
    let zone = u64::MAX - (u64::MAX % bound);
    let mut r = rand::rng();
    loop {
        let v = r.next_u64();
        if v < zone {
            return v % bound;
        }
    }
}

/// Parses Go's `time.ParseDuration` syntax ("300ms", "-1.5h", "2h45m")
/// into nanoseconds, with Go's integer arithmetic and range limits.
pub(crate) fn parse_go_duration(text: &str) -> Result<i64, String> {
    let bad = || format!("time: invalid duration {text:?}");
    let mut rest = text;
    let mut neg = false;
    if let Some(r) = rest.strip_prefix('-') {
        neg = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let int_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (int_part, after) = rest.split_at(int_len);
        let mut value: u64 = 0;
        for c in int_part.bytes() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(c - b'0')))
                .filter(|v| *v <= 1 << 63)
                .ok_or_else(bad)?;
        }
        rest = after;
        let mut frac: u64 = 0;
        let mut scale: f64 = 1.0;
        let mut frac_digits = 0;
        if let Some(r) = rest.strip_prefix('.') {
            let frac_len = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            let (frac_part, after) = r.split_at(frac_len);
            frac_digits = frac_part.len();
            let mut overflow = false;
            for c in frac_part.bytes() {
                if overflow {
                    continue;
                }
                match frac
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(c - b'0')))
                {
                    Some(v) if v <= 1 << 63 => {
                        frac = v;
                        scale *= 10.0;
                    }
                    _ => overflow = true,
                }
            }
            rest = after;
        }
        if int_part.is_empty() && frac_digits == 0 {
            return Err(bad());
        }
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let (unit, after) = rest.split_at(unit_len);
        rest = after;
        let unit_ns: u64 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {text:?}")),
            other => return Err(format!("time: unknown unit {other:?} in duration {text:?}")),
        };
        let mut v = value
            .checked_mul(unit_ns)
            .filter(|v| *v <= 1 << 63)
            .ok_or_else(bad)?;
        if frac > 0 {
            v = v
                .checked_add((frac as f64 * (unit_ns as f64 / scale)) as u64)
                .filter(|v| *v <= 1 << 63)
                .ok_or_else(bad)?;
        }
        total = total
            .checked_add(v)
            .filter(|v| *v <= 1 << 63)
            .ok_or_else(bad)?;
    }
    if neg {
        Ok(0i64.wrapping_sub_unsigned(total))
    } else if total > i64::MAX as u64 {
        Err(bad())
    } else {
        Ok(total as i64)
    }
}

/// True when `text` matches the time provider's duration validator,
/// `^[0-9]+(\.[0-9]+)?(ms|s|m|h)$`.
pub(crate) fn is_simple_duration(text: &str) -> bool {
    let unit_start = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (num, unit) = text.split_at(unit_start);
    if !matches!(unit, "ms" | "s" | "m" | "h") {
        return false;
    }
    let mut parts = num.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// A time with its UTC offset.
pub(crate) type Time = DateTime<FixedOffset>;

/// Parses an RFC 3339 timestamp, as Go's `time.Parse(time.RFC3339, …)`.
pub(crate) fn parse_rfc3339(text: &str) -> Result<Time, String> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("parsing time {text:?} as \"2006-01-02T15:04:05Z07:00\": {e}"))
}

/// Formats as Go's `time.RFC3339`: whole seconds, `Z` for a zero offset.
pub(crate) fn format_rfc3339(t: &Time) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The current time in UTC.
pub(crate) fn now() -> Time {
    chrono::Utc::now().fixed_offset()
}

/// Go's `Time.AddDate`: adds years, months and days to the calendar date and
/// normalises overflow (October 31 + 1 month = December 1), keeping the
/// time of day and offset.
pub(crate) fn add_date(t: &Time, years: i64, months: i64, days: i64) -> Option<Time> {
    let local = t.naive_local();
    let month0 = i64::from(local.month0()) + months;
    let year = i64::from(local.year()) + years + month0.div_euclid(12);
    let month = month0.rem_euclid(12) as u32 + 1;
    let first = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, 1)?;
    let date = first.checked_add_signed(TimeDelta::try_days(i64::from(local.day()) - 1 + days)?)?;
    let naive = date.and_hms_nano_opt(
        local.hour(),
        local.minute(),
        local.second(),
        local.nanosecond(),
    )?;
    naive.and_local_timezone(*t.offset()).single()
}

/// Adds a number of seconds.
pub(crate) fn add_seconds(t: &Time, secs: i64) -> Option<Time> {
    t.checked_add_signed(TimeDelta::try_seconds(secs)?)
}

/// Sets year, month, day, hour, minute, second and unix of `t` on `o`.
pub(crate) fn set_time_parts(o: &mut Obj, t: &Time) {
    o.set("year", n(i64::from(t.year())));
    o.set("month", n(i64::from(t.month())));
    o.set("day", n(i64::from(t.day())));
    o.set("hour", n(i64::from(t.hour())));
    o.set("minute", n(i64::from(t.minute())));
    o.set("second", n(i64::from(t.second())));
    o.set("unix", n(t.timestamp()));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn crc64_iso_matches_known_vector() {
        // CRC-64/GO-ISO check value for "123456789".
        assert_eq!(crc64_iso(b"123456789"), 0xB909_56C7_75A4_1001);
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("300ms"), Ok(300_000_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_go_duration("2h45m"), Ok(9_900_000_000_000));
        assert_eq!(parse_go_duration("-1s"), Ok(-1_000_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("10us"), Ok(10_000));
        assert!(parse_go_duration("").is_err());
        assert!(parse_go_duration("1").is_err());
        assert!(parse_go_duration("1x").is_err());
        assert!(parse_go_duration("h").is_err());
        assert!(parse_go_duration("1..2s").is_err());
        assert_eq!(parse_go_duration(".5s"), Ok(500_000_000));
        assert_eq!(parse_go_duration("9223372036854775807ns"), Ok(i64::MAX));
        assert_eq!(parse_go_duration("-9223372036854775808ns"), Ok(i64::MIN));
        assert!(parse_go_duration("9223372036854775808ns").is_err());
        assert!(parse_go_duration("3000000h").is_err());
        assert_eq!(parse_go_duration("1h1m1.5s"), Ok(3_661_500_000_000));
    }

    #[test]
    fn simple_duration_validator() {
        assert!(is_simple_duration("30s"));
        assert!(is_simple_duration("1.5m"));
        assert!(is_simple_duration("10ms"));
        assert!(!is_simple_duration("1h30m"));
        assert!(!is_simple_duration("-1s"));
        assert!(!is_simple_duration(".5s"));
        assert!(!is_simple_duration("5."));
        assert!(!is_simple_duration("5us"));
    }

    #[test]
    fn add_date_normalises_like_go() {
        let t = parse_rfc3339("2020-10-31T12:00:00Z").unwrap();
        assert_eq!(
            format_rfc3339(&add_date(&t, 0, 1, 0).unwrap()),
            "2020-12-01T12:00:00Z"
        );
        let t = parse_rfc3339("2020-02-29T00:00:00+02:00").unwrap();
        assert_eq!(
            format_rfc3339(&add_date(&t, 1, 0, 0).unwrap()),
            "2021-03-01T00:00:00+02:00"
        );
        assert_eq!(
            format_rfc3339(&add_date(&t, 0, -3, 1).unwrap()),
            "2019-11-30T00:00:00+02:00"
        );
    }

    #[test]
    fn uuid_round_trip() {
        let u = go_uuid();
        assert_eq!(u.len(), 36);
        let b = parse_uuid(&u).unwrap();
        assert_eq!(format_uuid(&b), u);
        assert!(parse_uuid("not-a-uuid").is_err());
        assert!(parse_uuid("ééééééééé-ééé-ééé-ééé-ééééééééééé").is_err());
    }

    #[test]
    fn seeded_rng_is_deterministic() {
        let mut a = SeededRng::new("seed");
        let mut b = SeededRng::new("seed");
        assert_eq!(a.perm(10), b.perm(10));
        let p = SeededRng::new("x").perm(5);
        let mut sorted = p.clone();
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
    }
}
