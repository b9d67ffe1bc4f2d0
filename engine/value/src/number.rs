//! Arbitrary-precision numbers, as Terraform's.

use bigdecimal::{BigDecimal, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Decimal digits kept by inexact operations such as division. Terraform
/// computes with 512-bit binary floats, which is about 155 decimal digits.
pub const PRECISION_DIGITS: u64 = 155;

/// A Terraform number: arbitrary precision decimal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(BigDecimal);

/// A number could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// The text is not a number in Terraform's syntax.
    #[error("cannot parse {0:?} as a number")]
    Parse(String),
    /// Division or modulo by zero.
    #[error("divide by zero")]
    DivideByZero,
}

impl Number {
    /// Wraps a `BigDecimal`.
    pub fn from_big(d: BigDecimal) -> Self {
        Number(d)
    }

    /// The underlying decimal.
    pub fn as_big(&self) -> &BigDecimal {
        &self.0
    }

    /// Parses Terraform number syntax (decimal, optional fraction and exponent).
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        let t = s.trim();
        let ok = !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
        if !ok {
            return Err(NumberError::Parse(s.to_string()));
        }
        BigDecimal::from_str(t)
            .map(Number)
            .map_err(|_| NumberError::Parse(s.to_string()))
    }

    /// The number as an `i64`, when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.to_i64()
        } else {
            None
        }
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// True when the number has no fractional part.
    pub fn is_integer(&self) -> bool {
        self.0.is_integer()
    }

    /// True for zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Sum.
    pub fn add(&self, o: &Number) -> Number {
        Number(&self.0 + &o.0)
    }

    /// Difference.
    pub fn sub(&self, o: &Number) -> Number {
        Number(&self.0 - &o.0)
    }

    /// Product.
    pub fn mul(&self, o: &Number) -> Number {
        Number(&self.0 * &o.0)
    }

    /// Quotient, rounded to [`PRECISION_DIGITS`] significant digits.
    pub fn div(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Err(NumberError::DivideByZero);
        }
        let q = (&self.0 / &o.0).with_prec(PRECISION_DIGITS);
        Ok(Number(q.normalized()))
    }

    /// Remainder with the sign of the dividend (Terraform's `%`).
    pub fn rem(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Err(NumberError::DivideByZero);
        }
        Ok(Number(&self.0 % &o.0))
    }

    /// Negation.
    pub fn neg(&self) -> Number {
        Number(-&self.0)
    }

    /// Compares two numbers by value.
    pub fn cmp_value(&self, o: &Number) -> Ordering {
        self.0.cmp(&o.0)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number(BigDecimal::from(v))
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Self {
        Number(BigDecimal::from(v))
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Self {
        Number(BigDecimal::from(v))
    }
}

impl From<usize> for Number {
    fn from(v: usize) -> Self {
        Number(BigDecimal::from(v as u64))
    }
}

impl TryFrom<f64> for Number {
    type Error = NumberError;
    fn try_from(v: f64) -> Result<Self, NumberError> {
        if !v.is_finite() {
            return Err(NumberError::Parse(v.to_string()));
        }
        // Shortest decimal that round-trips the f64, as Go's strconv does.
        Number::parse(&format!("{v:?}"))
    }
}

impl fmt::Display for Number {
    /// Plain decimal notation without exponent or trailing zeros, as
    /// Terraform prints numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.normalized();
        let (digits, scale) = n.as_bigint_and_exponent();
        let neg = digits.sign() == bigdecimal::num_bigint::Sign::Minus;
        let mut s = digits.magnitude().to_string();
        if scale <= 0 {
            s.extend(std::iter::repeat_n('0', (-scale) as usize));
        } else {
            let scale = scale as usize;
            if s.len() <= scale {
                let pad = scale - s.len();
                s = format!("0.{}{}", "0".repeat(pad), s);
            } else {
                s.insert(s.len() - scale, '.');
            }
        }
        if neg && s != "0" {
            f.write_str("-")?;
        }
        f.write_str(&s)
    }
}
