//! Small helpers to read and build `terrane_value::Value` objects shaped by a
//! resource schema, so resource code reads like the API it calls.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use terrane_provider::{Block, NestedBlock, Nesting};
use terrane_value::{Kind, Type, Value};

/// A resource or block value as a map of attributes.
pub type Obj = BTreeMap<String, Value>;

/// The attributes of an object value (empty for null/unknown/non-objects).
pub fn obj(v: &Value) -> Obj {
    match &v.kind {
        Kind::Object(m) => m.clone(),
        _ => Obj::new(),
    }
}

/// A known, non-null string attribute.
pub fn get_s(o: &Obj, k: &str) -> Option<String> {
    o.get(k).and_then(|v| v.as_str()).map(str::to_string)
}

/// A known, non-null, non-empty string attribute.
pub fn get_ne(o: &Obj, k: &str) -> Option<String> {
    get_s(o, k).filter(|s| !s.is_empty())
}

/// A known bool attribute.
pub fn get_b(o: &Obj, k: &str) -> Option<bool> {
    o.get(k).and_then(Value::as_bool)
}

/// A known integer attribute.
pub fn get_i(o: &Obj, k: &str) -> Option<i64> {
    o.get(k)
        .and_then(|v| v.as_number())
        .and_then(|n| n.to_i64())
}

/// Strings of a known list or set attribute (empty when null).
pub fn get_strs(o: &Obj, k: &str) -> Vec<String> {
    strs(o.get(k))
}

/// Strings of a known list or set value.
pub fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_seq)
        .map(|xs| {
            xs.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A known map of strings (empty when null).
pub fn get_map(o: &Obj, k: &str) -> BTreeMap<String, String> {
    o.get(k)
        .and_then(Value::as_entries)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// Objects of a nested block (list or set), as attribute maps.
pub fn get_blocks(o: &Obj, k: &str) -> Vec<Obj> {
    o.get(k)
        .and_then(Value::as_seq)
        .map(|xs| xs.iter().map(obj).collect())
        .unwrap_or_default()
}

/// The first object of a nested block, if any (single or list max 1).
pub fn get_block(o: &Obj, k: &str) -> Option<Obj> {
    let v = o.get(k)?;
    match &v.kind {
        Kind::Object(m) => Some(m.clone()),
        Kind::List(_, xs) | Kind::Set(_, xs) => xs.first().map(obj),
        _ => None,
    }
}

/// True when the attribute is present and not wholly known.
pub fn is_unknown(o: &Obj, k: &str) -> bool {
    o.get(k).is_some_and(|v| !v.is_wholly_known())
}

/// A string value.
pub fn vs(s: impl Into<String>) -> Value {
    Value::string(s)
}

/// A string value, or a null string.
pub fn vso(s: Option<impl Into<String>>) -> Value {
    match s {
        Some(s) => Value::string(s),
        None => Value::null(Type::String),
    }
}

/// A number value from an integer.
pub fn vi(n: i64) -> Value {
    Value::number(n)
}

/// A number value, or a null number.
pub fn vio(n: Option<i64>) -> Value {
    n.map(vi).unwrap_or(Value::null(Type::Number))
}

/// A bool value.
pub fn vb(b: bool) -> Value {
    Value::bool(b)
}

/// A set of strings.
pub fn vset(items: impl IntoIterator<Item = String>) -> Value {
    Value::set(Type::String, items.into_iter().map(Value::string).collect())
}

/// A list of strings.
pub fn vlist(items: impl IntoIterator<Item = String>) -> Value {
    Value::list(Type::String, items.into_iter().map(Value::string).collect())
}

/// A map of strings.
pub fn vmap(m: &BTreeMap<String, String>) -> Value {
    Value::map(
        Type::String,
        m.iter()
            .map(|(k, v)| (k.clone(), Value::string(v.clone())))
            .collect(),
    )
}

/// An object value.
pub fn vobj(o: Obj) -> Value {
    Value::object(o)
}

/// The zero value Terraform's SDK stores for an unset optional attribute
/// inside a nested block: "", 0, false, empty collections.
pub fn zero(ty: &Type) -> Value {
    match ty {
        Type::String => vs(""),
        Type::Number => vi(0),
        Type::Bool => vb(false),
        Type::List(e) => Value::list((**e).clone(), vec![]),
        Type::Set(e) => Value::set((**e).clone(), vec![]),
        Type::Map(e) => Value::map((**e).clone(), BTreeMap::new()),
        other => Value::null(other.clone()),
    }
}

/// An object of the block's type with every attribute null and every
/// repeated nested block empty.
pub fn blank(block: &Block) -> Obj {
    let mut o = Obj::new();
    for (name, a) in &block.attributes {
        o.insert(name.clone(), Value::null(a.ty.clone()));
    }
    for (name, nb) in &block.blocks {
        o.insert(name.clone(), empty_block(nb));
    }
    o
}

/// The value of an absent nested block: null (single), all-null (group) or
/// an empty collection.
pub fn empty_block(nb: &NestedBlock) -> Value {
    let inner = nb.block.implied_type();
    match nb.nesting {
        Nesting::Single => Value::null(inner),
        Nesting::Group => vobj(blank(&nb.block)),
        Nesting::List => Value::list(inner, vec![]),
        Nesting::Set => Value::set(inner, vec![]),
        Nesting::Map => Value::map(inner, BTreeMap::new()),
    }
}

/// A nested-block object: `blank(block)` with null optional attributes set
/// to their zero value, then `fields` laid over it.
pub fn nested(block: &Block, fields: Obj) -> Value {
    let mut o = blank(block);
    for (name, a) in &block.attributes {
        if !a.computed {
            o.insert(name.clone(), zero(&a.ty));
        }
    }
    for (k, v) in fields {
        o.insert(k, v);
    }
    vobj(o)
}

/// Normalises a configured nested-block object as the SDK would store it:
/// null non-computed attributes become zero values, recursively.
pub fn normalize_nested(block: &Block, v: &Value) -> Value {
    let Kind::Object(m) = &v.kind else {
        return v.clone();
    };
    let mut o = m.clone();
    for (name, a) in &block.attributes {
        let cur = o.get(name).cloned().unwrap_or(Value::null(a.ty.clone()));
        if cur.is_null() && !a.computed {
            o.insert(name.clone(), zero(&a.ty));
        }
    }
    for (name, nb) in &block.blocks {
        if let Some(cur) = o.get(name).cloned() {
            o.insert(name.clone(), normalize_blocks(&nb.block, nb.nesting, &cur));
        }
    }
    vobj(o)
}

/// Normalises every element of a nested-block value.
pub fn normalize_blocks(block: &Block, nesting: Nesting, v: &Value) -> Value {
    let inner = block.implied_type();
    match &v.kind {
        Kind::List(_, xs) => Value::list(
            inner,
            xs.iter().map(|x| normalize_nested(block, x)).collect(),
        ),
        Kind::Set(_, xs) => Value::set(
            inner,
            xs.iter().map(|x| normalize_nested(block, x)).collect(),
        ),
        Kind::Object(_) if matches!(nesting, Nesting::Single | Nesting::Group) => {
            normalize_nested(block, v)
        }
        _ => v.clone(),
    }
}

/// Parses a Terraform duration such as "10m", "1h30m" or "45s".
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let mut total = 0f64;
    let mut num = String::new();
    let mut any = false;
    let mut chars = s.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let unit = if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            0.001
        } else {
            match c {
                'h' => 3600.0,
                'm' => 60.0,
                's' => 1.0,
                _ => return None,
            }
        };
        total += num.parse::<f64>().ok()? * unit;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(std::time::Duration::from_secs_f64(total))
}

/// CRC-32 (IEEE) of a string as a non-negative int, as the SDK hashes.
pub fn string_hashcode(s: &str) -> i64 {
    let mut crc: u32 = 0xFFFF_FFFF;
    for &b in s.as_bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    // Go's int(uint32) on 64-bit platforms is never negative.
    i64::from(!crc)
}

static UNIQUE: AtomicU64 = AtomicU64::new(0);

/// A unique name like Terraform's `id.PrefixedUniqueId`: prefix + UTC
/// timestamp + a counter (26 characters after the prefix).
pub fn unique_name(prefix: &str) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let n = UNIQUE.fetch_add(1, Ordering::SeqCst) + 1;
    format!(
        "{prefix}{y:04}{mo:02}{d:02}{:02}{:02}{:02}{:04}{n:08x}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        now.subsec_micros() / 100
    )
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The name to create an object with: the planned `name_attr` when known,
/// else a unique name from the planned `prefix_attr` (or `default_prefix`),
/// cut to `max_len` — Terraform generates these names at create time, so
/// plans show them as "known after apply".
pub fn name_or_generated(
    p: &Obj,
    name_attr: &str,
    prefix_attr: &str,
    default_prefix: &str,
    max_len: usize,
) -> String {
    if let Some(n) = get_ne(p, name_attr) {
        return n;
    }
    let prefix = get_ne(p, prefix_attr).unwrap_or_else(|| default_prefix.to_string());
    let mut n = unique_name(&prefix);
    n.truncate(max_len);
    n
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m").map(|d| d.as_secs()), Some(600));
        assert_eq!(parse_duration("1h30m").map(|d| d.as_secs()), Some(5400));
        assert_eq!(parse_duration("45s").map(|d| d.as_secs()), Some(45));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("x"), None);
    }

    #[test]
    fn hashcode_matches_crc32() {
        // crc32("hello") = 0x3610a686
        assert_eq!(string_hashcode("hello"), 0x3610_a686);
        assert_eq!(string_hashcode(""), 0);
    }

    #[test]
    fn unique_names() {
        let a = unique_name("terraform-");
        let b = unique_name("terraform-");
        assert_ne!(a, b);
        assert_eq!(a.len(), "terraform-".len() + 26, "{a}");
    }

    #[test]
    fn zero_values() {
        assert_eq!(zero(&Type::String), vs(""));
        assert_eq!(zero(&Type::Bool), vb(false));
        assert!(zero(&Type::set(Type::String)).is_empty());
    }
}
