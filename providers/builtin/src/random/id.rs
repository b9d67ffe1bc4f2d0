//! `random_id`, `random_integer` and `random_uuid`.

use super::keepers;
use crate::framework::{Resource, Spec, Specs};
use crate::util::{errs, format_uuid, go_uuid, n, parse_uuid, random_bytes, s, Obj, SeededRng};
use async_trait::async_trait;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use num_like::decimal_of_bytes;
use terrane_diagnostics::Diagnostics;
use terrane_value::Type;

/// The largest `byte_length` accepted (the real provider has no limit;
/// this one refuses sizes that would exhaust memory).
const MAX_BYTES: i64 = 1 << 16;

pub(crate) struct RandomId {
    specs: Specs,
}

impl RandomId {
    pub fn new() -> Self {
        RandomId {
            specs: Specs::new(
                "Generates random numbers that are intended to be used as unique identifiers for other resources.",
                vec![
                    keepers(),
                    Spec::required("byte_length", Type::Number)
                        .force_new()
                        .describe("The number of random bytes to produce."),
                    Spec::optional("prefix", Type::String)
                        .force_new()
                        .describe("Arbitrary string to prefix the output value with."),
                    Spec::computed("b64_url", Type::String).keep(),
                    Spec::computed("b64_std", Type::String).keep(),
                    Spec::computed("hex", Type::String).keep(),
                    Spec::computed("dec", Type::String).keep(),
                    Spec::computed("id", Type::String).keep(),
                ],
            ),
        }
    }

    fn fill(&self, o: &mut Obj, bytes: &[u8], prefix: &str) {
        let id = URL_SAFE_NO_PAD.encode(bytes);
        o.set("b64_url", s(format!("{prefix}{id}")));
        o.set("b64_std", s(format!("{prefix}{}", STANDARD.encode(bytes))));
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        o.set("hex", s(format!("{prefix}{hex}")));
        o.set("dec", s(format!("{prefix}{}", decimal_of_bytes(bytes))));
        o.set("id", s(id));
    }
}

#[async_trait]
impl Resource for RandomId {
    fn name(&self) -> &'static str {
        "random_id"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        if let Some(len) = config.int("byte_length") {
            if !(0..=MAX_BYTES).contains(&len) {
                diags.extend(errs(
                    "Invalid Attribute Value",
                    format!("Attribute byte_length must be between 0 and {MAX_BYTES}, got: {len}"),
                ));
            }
        } else if config.get("byte_length").as_number().is_some() {
            diags.extend(errs(
                "Invalid Attribute Value",
                "Attribute byte_length must be a whole number.",
            ));
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let len = planned
            .int("byte_length")
            .filter(|l| *l <= MAX_BYTES)
            .and_then(|l| usize::try_from(l).ok())
            .ok_or_else(|| {
                errs(
                    "Create Random ID Error",
                    "byte_length must be a known whole number between 0 and 65536.",
                )
            })?;
        let bytes = random_bytes(len);
        let prefix = planned.string_or_empty("prefix");
        self.fill(&mut planned, &bytes, &prefix);
        Ok(planned)
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let (prefix, id) = match id.rfind(',') {
            Some(i) => (&id[..i], &id[i + 1..]),
            None => ("", id),
        };
        let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|e| {
            errs(
                "Import Random ID Error",
                format!("While attempting to import a random id there was a decoding error.\n\nOriginal Error: {e}"),
            )
        })?;
        let mut o = self
            .specs
            .object(vec![("byte_length", n(bytes.len() as i64))]);
        if !prefix.is_empty() {
            o.set("prefix", s(prefix));
        }
        self.fill(&mut o, &bytes, prefix);
        Ok(o)
    }
}

/// Big-endian bytes as an unsigned decimal string, without a big-integer
/// dependency: base-2^32 limbs divided repeatedly by 10^9.
mod num_like {
    pub(super) fn decimal_of_bytes(bytes: &[u8]) -> String {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        if trimmed.is_empty() {
            return "0".into();
        }
        let pad = (4 - trimmed.len() % 4) % 4;
        let mut padded = vec![0u8; pad];
        padded.extend(trimmed);
        let mut limbs: Vec<u32> = padded
            .chunks(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let mut chunks: Vec<u32> = Vec::new();
        while !limbs.is_empty() {
            let mut rem: u64 = 0;
            for limb in limbs.iter_mut() {
                let cur = (rem << 32) | u64::from(*limb);
                *limb = (cur / 1_000_000_000) as u32;
                rem = cur % 1_000_000_000;
            }
            chunks.push(rem as u32);
            let lead = limbs.iter().take_while(|l| **l == 0).count();
            limbs.drain(..lead);
        }
        let mut out = String::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                out.push_str(&c.to_string());
            } else {
                out.push_str(&format!("{c:09}"));
            }
        }
        out
    }
}

pub(crate) struct RandomInteger {
    specs: Specs,
}

impl RandomInteger {
    pub fn new() -> Self {
        RandomInteger {
            specs: Specs::new(
                "Generates a random integer within a range.",
                vec![
                    keepers(),
                    Spec::required("min", Type::Number)
                        .force_new()
                        .describe("The minimum inclusive value of the range."),
                    Spec::required("max", Type::Number)
                        .force_new()
                        .describe("The maximum inclusive value of the range."),
                    Spec::optional("seed", Type::String)
                        .force_new()
                        .describe("A custom seed to always produce the same value."),
                    Spec::computed("result", Type::Number)
                        .keep()
                        .describe("The random integer result."),
                    Spec::computed("id", Type::String).keep(),
                ],
            ),
        }
    }
}

#[async_trait]
impl Resource for RandomInteger {
    fn name(&self) -> &'static str {
        "random_integer"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        for attr in ["min", "max"] {
            if config.get(attr).as_number().is_some() && config.int(attr).is_none() {
                diags.extend(errs(
                    "Invalid Attribute Value",
                    format!("Attribute {attr} must be a whole number that fits in 64 bits."),
                ));
            }
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let (Some(min), Some(max)) = (planned.int("min"), planned.int("max")) else {
            return Err(errs(
                "Create Random Integer Error",
                "min and max must be known whole numbers.",
            ));
        };
        if max < min {
            return Err(errs(
                "Create Random Integer Error",
                "The minimum (min) value needs to be smaller than or equal to maximum (max) value.",
            ));
        }
        let span = (i128::from(max) - i128::from(min) + 1) as u128;
        let mut rng = SeededRng::new(&planned.string_or_empty("seed"));
        let offset = if span > u128::from(u64::MAX) {
            u128::from(rng.next_u64())
        } else {
            u128::from(rng.below(span as u64))
        };
        let value = (i128::from(min) + offset as i128) as i64;
        planned.set("result", n(value));
        planned.set("id", s(value.to_string()));
        if planned.str("seed") == Some("") {
            planned.set("seed", terrane_value::Value::null(Type::String));
        }
        Ok(planned)
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 3 && parts.len() != 4 {
            return Err(errs(
                "Import Random Integer Error",
                "Invalid import usage: expecting {result},{min},{max} or {result},{min},{max},{seed}",
            ));
        }
        let parse = |text: &str, what: &str| {
            text.parse::<i64>().map_err(|e| {
                errs(
                    "Import Random Integer Error",
                    format!("The {what} supplied could not be parsed as an integer.\n\nOriginal Error: {e}"),
                )
            })
        };
        let result = parse(parts[0], "value")?;
        let min = parse(parts[1], "min value")?;
        let max = parse(parts[2], "max value")?;
        let mut o = self.specs.object(vec![
            ("id", s(parts[0])),
            ("result", n(result)),
            ("min", n(min)),
            ("max", n(max)),
        ]);
        if let Some(seed) = parts.get(3) {
            o.set("seed", s(*seed));
        }
        Ok(o)
    }
}

/// Which UUIDs a `random_uuid*` resource makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UuidKind {
    /// `random_uuid`: 16 random bytes, no version bits (hashicorp/go-uuid).
    Raw,
    /// `random_uuid4`: RFC 9562 version 4.
    V4,
    /// `random_uuid7`: RFC 9562 version 7 (Unix milliseconds + random).
    V7,
}

pub(crate) struct RandomUuid {
    kind: UuidKind,
    specs: Specs,
}

impl RandomUuid {
    pub fn new(kind: UuidKind) -> Self {
        RandomUuid {
            kind,
            specs: Specs::new(
                "Generates a random UUID-formatted string.",
                vec![
                    keepers(),
                    Spec::computed("result", Type::String)
                        .keep()
                        .describe("The generated uuid presented in string format."),
                    Spec::computed("id", Type::String).keep(),
                ],
            ),
        }
    }

    fn generate(&self) -> String {
        match self.kind {
            UuidKind::Raw => go_uuid(),
            UuidKind::V4 => {
                let mut b = random_bytes(16);
                b[6] = (b[6] & 0x0f) | 0x40;
                b[8] = (b[8] & 0x3f) | 0x80;
                format_uuid(&b)
            }
            UuidKind::V7 => {
                let mut b = random_bytes(16);
                let ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or(0);
                b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
                b[6] = (b[6] & 0x0f) | 0x70;
                b[8] = (b[8] & 0x3f) | 0x80;
                format_uuid(&b)
            }
        }
    }
}

/// Parses the UUID forms Go's uuid packages accept: 8-4-4-4-12 hex, with
/// an optional `urn:uuid:` prefix or braces, or 32 bare hex digits.
fn parse_any_uuid(text: &str) -> Result<Vec<u8>, String> {
    let t = text.strip_prefix("urn:uuid:").unwrap_or(text);
    let t = t
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(t);
    if t.len() == 32 && t.chars().all(|c| c.is_ascii_hexdigit()) {
        return (0..16)
            .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
            .collect();
    }
    parse_uuid(t)
}

#[async_trait]
impl Resource for RandomUuid {
    fn name(&self) -> &'static str {
        match self.kind {
            UuidKind::Raw => "random_uuid",
            UuidKind::V4 => "random_uuid4",
            UuidKind::V7 => "random_uuid7",
        }
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let u = self.generate();
        planned.set("id", s(u.clone()));
        planned.set("result", s(u));
        Ok(planned)
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let parsed = if self.kind == UuidKind::Raw {
            parse_uuid(id)
        } else {
            parse_any_uuid(id)
        };
        let bytes = parsed.map_err(|e| {
            errs(
                "Import Random UUID Error",
                format!(
                    "There was an error during the parsing of the UUID.\n\nOriginal Error: {e}"
                ),
            )
        })?;
        let u = format_uuid(&bytes);
        Ok(self
            .specs
            .object(vec![("id", s(u.clone())), ("result", s(u))]))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::num_like::decimal_of_bytes;

    #[test]
    fn uuid_versions() {
        use super::{RandomUuid, UuidKind};
        let v4 = RandomUuid::new(UuidKind::V4).generate();
        assert_eq!(&v4[14..15], "4");
        assert!(matches!(&v4[19..20], "8" | "9" | "a" | "b"));
        let v7 = RandomUuid::new(UuidKind::V7).generate();
        assert_eq!(&v7[14..15], "7");
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let stamp = u64::from_str_radix(&v7[..13].replace('-', ""), 16).unwrap();
        assert!(ms.abs_diff(stamp) < 60_000, "{v7}");
        assert_eq!(
            super::parse_any_uuid("{6B3C2D0E1F2A4B5C8D9E0F1A2B3C4D5E}")
                .unwrap()
                .len(),
            16
        );
    }

    #[test]
    fn decimal_conversion() {
        assert_eq!(decimal_of_bytes(&[]), "0");
        assert_eq!(decimal_of_bytes(&[0, 0]), "0");
        assert_eq!(decimal_of_bytes(&[1, 0]), "256");
        assert_eq!(decimal_of_bytes(&[0xff; 8]), u64::MAX.to_string());
        assert_eq!(decimal_of_bytes(&[0xff; 16]), u128::MAX.to_string());
    }
}
