//! `random_string` and `random_password`: the same generator, the password
//! marking its result sensitive and adding a bcrypt hash.

use super::keepers;
use crate::framework::{Planned, Replace, Resource, Spec, Specs};
use crate::util::{err, errs, n, s, secure_below, Obj};
use async_trait::async_trait;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

const NUMERIC: &str = "0123456789";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL: &str = "!@#$%&*()-_=+[]{}<>:?";

/// Go's bcrypt.DefaultCost, which the real provider uses.
const BCRYPT_COST: u32 = 10;

pub(crate) struct RandomString {
    password: bool,
    specs: Specs,
}

impl RandomString {
    pub fn new(password: bool) -> Self {
        let flag = |name: &'static str, what: &str| {
            Spec::optional_computed(name, Type::Bool)
                .default(Value::bool(true))
                .force_new()
                .describe(&format!(
                    "Include {what} in the result. Default value is `true`."
                ))
        };
        let min = |name: &'static str, what: &str| {
            Spec::optional_computed(name, Type::Number)
                .default(Value::number(0))
                .force_new()
                .describe(&format!(
                    "Minimum number of {what} in the result. Default value is `0`."
                ))
        };
        let mut result = Spec::computed("result", Type::String)
            .keep()
            .describe("The generated random string.");
        if password {
            result = result.sensitive();
        }
        let mut attrs = vec![
            keepers(),
            Spec::required("length", Type::Number)
                .force_new()
                .describe("The length of the string desired."),
            flag("special", "special characters"),
            flag("upper", "uppercase alphabet characters"),
            flag("lower", "lowercase alphabet characters"),
            Spec::optional_computed("number", Type::Bool)
                .force_new()
                .deprecated("**NOTE**: This is deprecated, use `numeric` instead.")
                .describe("Include numeric characters in the result. Default value is `true`. **NOTE**: This is deprecated, use `numeric` instead."),
            Spec::optional_computed("numeric", Type::Bool)
                .force_new()
                .describe("Include numeric characters in the result. Default value is `true`."),
            min("min_numeric", "numeric characters"),
            min("min_upper", "uppercase alphabet characters"),
            min("min_lower", "lowercase alphabet characters"),
            min("min_special", "special characters"),
            Spec::optional("override_special", Type::String)
                .replace(Replace::UnlessEmptyStringToNull)
                .describe("Supply your own list of special characters to use for string generation."),
            result,
            Spec::computed("id", Type::String).keep(),
        ];
        let (description, version) = if password {
            attrs.push(
                Spec::computed("bcrypt_hash", Type::String)
                    .keep()
                    .sensitive()
                    .describe("A bcrypt hash of the generated random string."),
            );
            ("Identical to random_string with the exception that the result is treated as sensitive.", 3)
        } else {
            ("Generates a random permutation of alphanumeric characters and optionally special characters.", 2)
        };
        RandomString {
            password,
            specs: Specs::new(description, attrs).version(version),
        }
    }
}

/// The resolved value of `number`/`numeric` from configuration: either one,
/// or `true` when neither is set; unknown when a set one is unknown.
fn numeric_setting(config: &Obj, diags: &mut Diagnostics) -> Value {
    let (a, b) = (config.get("number"), config.get("numeric"));
    if !a.is_known() || !b.is_known() {
        return Value::unknown(Type::Bool);
    }
    match (a.as_bool(), b.as_bool()) {
        (Some(x), Some(y)) if x != y => {
            diags.push(err(
                "Number and numeric are both configured with different values",
                "Number is deprecated, use numeric instead",
            ));
            Value::bool(x)
        }
        (Some(x), _) | (None, Some(x)) => Value::bool(x),
        (None, None) => Value::bool(true),
    }
}

#[async_trait]
impl Resource for RandomString {
    fn name(&self) -> &'static str {
        if self.password {
            "random_password"
        } else {
            "random_string"
        }
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        let length = config.get("length");
        if length.as_number().is_some() {
            match config.int("length") {
                Some(l) if l < 1 => diags.push(err(
                    "Invalid Attribute Value",
                    format!("Attribute length value must be at least 1, got: {l}"),
                )),
                Some(l) => {
                    let mins = ["min_upper", "min_lower", "min_numeric", "min_special"];
                    if mins.iter().all(|m| config.is_known(m)) {
                        let sum: i64 = mins.iter().filter_map(|m| config.int(m)).sum();
                        if l < sum {
                            diags.push(err(
                                "Invalid Attribute Value",
                                format!(
                                    "Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: {l}"
                                ),
                            ));
                        }
                    }
                }
                None => diags.push(err(
                    "Invalid Attribute Value",
                    "Attribute length must be a whole number.",
                )),
            }
        }
        for m in ["min_upper", "min_lower", "min_numeric", "min_special"] {
            if let Some(v) = config.int(m) {
                if v < 0 {
                    diags.push(err(
                        "Invalid Attribute Value",
                        format!("Attribute {m} must not be negative, got: {v}"),
                    ));
                }
            }
        }
        for flag in ["number", "numeric"] {
            if config.bool(flag) == Some(false) {
                let others = ["special", "upper", "lower"];
                let any_true_or_unset = others.iter().any(|o| {
                    !config.is_known(o) || config.is_null(o) || config.bool(o) == Some(true)
                });
                if !any_true_or_unset {
                    diags.push(err(
                        "Invalid Attribute Combination",
                        format!("Attribute \"{flag}\" At least one attribute out of [special,upper,lower,{flag}] must be specified as true"),
                    ));
                }
            }
        }
        numeric_setting(config, diags);
    }

    fn modify_plan(&self, plan: &mut Planned, diags: &mut Diagnostics) {
        let v = numeric_setting(&plan.config, diags);
        plan.planned.set("number", v.clone());
        plan.planned.set("numeric", v);
        if !plan.is_create() {
            for attr in ["number", "numeric"] {
                if plan.changed(attr) {
                    plan.require_replace(attr);
                }
            }
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let params = Params::from_obj(&planned)?;
        let result = params.generate()?;
        if self.password {
            planned.set("bcrypt_hash", s(bcrypt_hash(&result)?));
            planned.set("id", s("none"));
        } else {
            planned.set("id", s(result.clone()));
        }
        planned.set("result", s(result));
        Ok(planned)
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let mut o = self.specs.object(vec![
            ("result", s(id)),
            ("length", n(id.len() as i64)),
            ("special", Value::bool(true)),
            ("upper", Value::bool(true)),
            ("lower", Value::bool(true)),
            ("number", Value::bool(true)),
            ("numeric", Value::bool(true)),
            ("min_special", n(0)),
            ("min_upper", n(0)),
            ("min_lower", n(0)),
            ("min_numeric", n(0)),
        ]);
        if self.password {
            o.set("id", s("none"));
            o.set("bcrypt_hash", s(bcrypt_hash(id)?));
        } else {
            o.set("id", s(id));
        }
        Ok(o)
    }
}

/// bcrypt of the first 72 bytes, in Go's `$2a$` form at Go's default cost.
fn bcrypt_hash(text: &str) -> Result<String, Diagnostics> {
    let bytes = text.as_bytes();
    let bytes = &bytes[..bytes.len().min(72)];
    bcrypt::hash_with_result(bytes, BCRYPT_COST)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .map_err(|e| {
            errs(
                "Hash Generation Error",
                format!("There was an error generating the bcrypt hash.\n\nOriginal Error: {e}"),
            )
        })
}

/// What the generator needs.
struct Params {
    length: i64,
    upper: bool,
    lower: bool,
    numeric: bool,
    special: bool,
    min_upper: i64,
    min_lower: i64,
    min_numeric: i64,
    min_special: i64,
    override_special: String,
}

impl Params {
    fn from_obj(o: &Obj) -> Result<Params, Diagnostics> {
        let int = |k: &str| {
            o.int(k).ok_or_else(|| {
                errs(
                    "Create Random String Error",
                    format!("{k} must be a known whole number."),
                )
            })
        };
        let flag = |k: &str| {
            o.bool(k).ok_or_else(|| {
                errs(
                    "Create Random String Error",
                    format!("{k} must be a known bool."),
                )
            })
        };
        Ok(Params {
            length: int("length")?,
            upper: flag("upper")?,
            lower: flag("lower")?,
            numeric: flag("numeric")?,
            special: flag("special")?,
            min_upper: int("min_upper")?,
            min_lower: int("min_lower")?,
            min_numeric: int("min_numeric")?,
            min_special: int("min_special")?,
            override_special: o.string_or_empty("override_special"),
        })
    }

    /// The provider's algorithm: the minimum counts from each class, the
    /// rest from the union of enabled classes, then a random shuffle.
    fn generate(&self) -> Result<String, Diagnostics> {
        let special: Vec<char> = if self.override_special.is_empty() {
            SPECIAL.chars().collect()
        } else {
            self.override_special.chars().collect()
        };
        let mut all: Vec<char> = Vec::new();
        if self.upper {
            all.extend(UPPER.chars());
        }
        if self.lower {
            all.extend(LOWER.chars());
        }
        if self.numeric {
            all.extend(NUMERIC.chars());
        }
        if self.special {
            all.extend(special.iter().copied());
        }
        if all.is_empty() {
            return Err(errs(
                "Random Read Error",
                "There was an error during random string generation.\n\nOriginal Error: the character set specified is empty",
            ));
        }
        let limit = 1 << 20;
        let mins = [
            self.min_numeric,
            self.min_lower,
            self.min_upper,
            self.min_special,
        ];
        if self.length > limit || mins.iter().any(|m| *m > limit) {
            return Err(errs(
                "Random Read Error",
                format!("length and minimum counts must be at most {limit}"),
            ));
        }
        let numeric: Vec<char> = NUMERIC.chars().collect();
        let lower: Vec<char> = LOWER.chars().collect();
        let upper: Vec<char> = UPPER.chars().collect();
        let mut out: Vec<char> = Vec::new();
        for (set, count) in [
            (&numeric, self.min_numeric),
            (&lower, self.min_lower),
            (&upper, self.min_upper),
            (&special, self.min_special),
        ] {
            pick(set, count, &mut out)?;
        }
        let rest = self.length.saturating_sub(out.len() as i64);
        pick(&all, rest, &mut out)?;
        for i in (1..out.len()).rev() {
            let j = secure_below(i as u64 + 1) as usize;
            out.swap(i, j);
        }
        Ok(out.into_iter().collect())
    }
}

fn pick(set: &[char], count: i64, out: &mut Vec<char>) -> Result<(), Diagnostics> {
    if count <= 0 {
        return Ok(());
    }
    if set.is_empty() {
        return Err(errs(
            "Random Read Error",
            "There was an error during random string generation.\n\nOriginal Error: charSet is empty",
        ));
    }
    for _ in 0..count {
        out.push(set[secure_below(set.len() as u64) as usize]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn params() -> Params {
        Params {
            length: 20,
            upper: true,
            lower: true,
            numeric: true,
            special: true,
            min_upper: 0,
            min_lower: 0,
            min_numeric: 0,
            min_special: 0,
            override_special: String::new(),
        }
    }

    #[test]
    fn honours_minimums_and_classes() {
        let p = Params {
            length: 12,
            min_upper: 3,
            min_numeric: 4,
            special: false,
            ..params()
        };
        for _ in 0..50 {
            let r = p.generate().unwrap();
            assert_eq!(r.chars().count(), 12);
            assert!(r.chars().filter(char::is_ascii_uppercase).count() >= 3);
            assert!(r.chars().filter(char::is_ascii_digit).count() >= 4);
            assert!(r.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn override_special_only() {
        let p = Params {
            upper: false,
            lower: false,
            numeric: false,
            override_special: "#!".into(),
            ..params()
        };
        let r = p.generate().unwrap();
        assert!(r.chars().all(|c| c == '#' || c == '!'), "{r}");
    }

    #[test]
    fn empty_character_set_is_an_error() {
        let p = Params {
            upper: false,
            lower: false,
            numeric: false,
            special: false,
            ..params()
        };
        assert!(p.generate().is_err());
    }

    #[test]
    fn bcrypt_hash_verifies() {
        let h = bcrypt_hash("secret").unwrap();
        assert!(h.starts_with("$2a$10$"));
        assert!(bcrypt::verify("secret", &h).unwrap());
    }
}
