//! The time provider's functions: `duration_parse`, `rfc3339_parse` and
//! `unix_timestamp_parse`.

use crate::framework::Function;
use crate::util::{format_rfc3339, n, parse_go_duration, parse_rfc3339, s, Time};
use chrono::{Datelike, Timelike};
use std::collections::BTreeMap;
use terrane_provider::FunctionSignature;
use terrane_value::{Number, Type, Value};

type Fields = Vec<(&'static str, Type)>;

fn object_type(fields: &Fields) -> Type {
    Type::object(
        fields
            .iter()
            .map(|(k, t)| (k.to_string(), t.clone()))
            .collect(),
    )
}

fn calendar_fields() -> Fields {
    vec![
        ("year", Type::Number),
        ("year_day", Type::Number),
        ("day", Type::Number),
        ("month", Type::Number),
        ("month_name", Type::String),
        ("weekday", Type::Number),
        ("weekday_name", Type::String),
        ("hour", Type::Number),
        ("minute", Type::Number),
        ("second", Type::Number),
        ("iso_year", Type::Number),
        ("iso_week", Type::Number),
    ]
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

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// The calendar breakdown Go's `time.Time` accessors give.
fn calendar(t: &Time) -> BTreeMap<String, Value> {
    let weekday = t.weekday().num_days_from_sunday() as usize;
    let iso = t.iso_week();
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("year", n(i64::from(t.year())));
    put("year_day", n(i64::from(t.ordinal())));
    put("day", n(i64::from(t.day())));
    put("month", n(i64::from(t.month())));
    put("month_name", s(MONTHS[t.month0() as usize % 12]));
    put("weekday", n(weekday as i64));
    put("weekday_name", s(WEEKDAYS[weekday % 7]));
    put("hour", n(i64::from(t.hour())));
    put("minute", n(i64::from(t.minute())));
    put("second", n(i64::from(t.second())));
    put("iso_year", n(i64::from(iso.year())));
    put("iso_week", n(i64::from(iso.week())));
    m
}

pub(crate) struct DurationParse;

fn duration_fields() -> Fields {
    vec![
        ("hours", Type::Number),
        ("minutes", Type::Number),
        ("seconds", Type::Number),
        ("milliseconds", Type::Number),
        ("microseconds", Type::Number),
        ("nanoseconds", Type::Number),
    ]
}

/// Go's `Duration.Hours()`-style float: whole units plus the remainder.
fn float_of(nanos: i64, unit: i64) -> Value {
    let whole = nanos / unit;
    let rest = nanos % unit;
    let f = whole as f64 + rest as f64 / unit as f64;
    Number::try_from(f)
        .map(Value::number)
        .unwrap_or_else(|_| Value::null(Type::Number))
}

impl Function for DurationParse {
    fn name(&self) -> &'static str {
        "duration_parse"
    }

    fn signature(&self) -> FunctionSignature {
        FunctionSignature {
            params: vec![("duration".into(), Type::String)],
            variadic: None,
            result: object_type(&duration_fields()),
            description: "Parse a Go duration string into an object".into(),
        }
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let text = args.first().and_then(Value::as_str).unwrap_or_default();
        let nanos = parse_go_duration(text).map_err(|_| {
            (
                format!("Error parsing duration string: {text:?} is not a valid duration string"),
                Some(0),
            )
        })?;
        let mut m = BTreeMap::new();
        m.insert("hours".to_string(), float_of(nanos, 3_600_000_000_000));
        m.insert("minutes".to_string(), float_of(nanos, 60_000_000_000));
        m.insert("seconds".to_string(), float_of(nanos, 1_000_000_000));
        m.insert("milliseconds".to_string(), n(nanos / 1_000_000));
        m.insert("microseconds".to_string(), n(nanos / 1_000));
        m.insert("nanoseconds".to_string(), n(nanos));
        Ok(Value::object(m))
    }
}

pub(crate) struct Rfc3339Parse;

impl Function for Rfc3339Parse {
    fn name(&self) -> &'static str {
        "rfc3339_parse"
    }

    fn signature(&self) -> FunctionSignature {
        let mut fields = calendar_fields();
        fields.push(("unix", Type::Number));
        FunctionSignature {
            params: vec![("timestamp".into(), Type::String)],
            variadic: None,
            result: object_type(&fields),
            description: "Parse an RFC3339 timestamp string into an object".into(),
        }
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let text = args.first().and_then(Value::as_str).unwrap_or_default();
        let t = parse_rfc3339(text).map_err(|_| {
            (
                format!(
                    "Error parsing RFC3339 timestamp: {text:?} is not a valid RFC3339 timestamp"
                ),
                Some(0),
            )
        })?;
        let mut m = calendar(&t);
        m.insert("unix".to_string(), n(t.timestamp()));
        Ok(Value::object(m))
    }
}

pub(crate) struct UnixTimestampParse;

impl Function for UnixTimestampParse {
    fn name(&self) -> &'static str {
        "unix_timestamp_parse"
    }

    fn signature(&self) -> FunctionSignature {
        let mut fields = calendar_fields();
        fields.push(("rfc3339", Type::String));
        FunctionSignature {
            params: vec![("unix_timestamp".into(), Type::Number)],
            variadic: None,
            result: object_type(&fields),
            description: "Parse a unix timestamp integer into an object".into(),
        }
    }

    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)> {
        let secs = args
            .first()
            .and_then(Value::as_number)
            .and_then(Number::to_i64)
            .ok_or_else(|| ("unix_timestamp must be a whole number".to_string(), Some(0)))?;
        let t = chrono::DateTime::from_timestamp(secs, 0)
            .map(|t| t.fixed_offset())
            .ok_or_else(|| (format!("unix timestamp {secs} is out of range"), Some(0)))?;
        let mut m = calendar(&t);
        m.insert("rfc3339".to_string(), s(format_rfc3339(&t)));
        Ok(Value::object(m))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn get(v: &Value, k: &str) -> Value {
        v.get_attr(k).unwrap().clone()
    }

    #[test]
    fn parses_durations() {
        let v = DurationParse.call(&[s("1h30m")]).unwrap();
        assert_eq!(
            get(&v, "hours"),
            Value::number(Number::parse("1.5").unwrap())
        );
        assert_eq!(get(&v, "minutes"), n(90));
        assert_eq!(get(&v, "milliseconds"), n(5_400_000));
        assert!(DurationParse.call(&[s("bogus")]).is_err());
    }

    #[test]
    fn parses_timestamps() {
        let v = Rfc3339Parse.call(&[s("2023-01-01T00:00:00Z")]).unwrap();
        assert_eq!(get(&v, "weekday_name"), s("Sunday"));
        assert_eq!(get(&v, "weekday"), n(0));
        assert_eq!(get(&v, "iso_year"), n(2022));
        assert_eq!(get(&v, "iso_week"), n(52));
        assert_eq!(get(&v, "month_name"), s("January"));
        assert_eq!(get(&v, "unix"), n(1_672_531_200));
        let u = UnixTimestampParse.call(&[n(1_690_328_596)]).unwrap();
        assert_eq!(get(&u, "rfc3339"), s("2023-07-25T23:43:16Z"));
        assert_eq!(get(&u, "year_day"), n(206));
    }
}
