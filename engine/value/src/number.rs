//! Terraform numbers: binary floating point with 512 bits of mantissa by
//! default, exactly as Go's `math/big.Float` that cty uses.
//!
//! Terraform parses number literals and numeric strings with
//! `big.ParseFloat(s, 10, 512, ToNearestEven)`, computes `+ - * /` with the
//! larger precision of the operands (rounding to nearest, ties to even), and
//! prints numbers with `Text('f', -1)`: the shortest decimal that reads back
//! to the same float. That is why `1/3` prints with 155 digits ending in 5,
//! and why `0.1 + 0.2 == 0.3`. Integers made by functions (`length`) have 64
//! bits of precision and float64 results (`pow`, `log`) 53, as in Go, which
//! changes how they print; [`Number`] therefore carries its precision.

use bigdecimal::BigDecimal;
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::OnceLock;

/// Bits of mantissa of parsed numbers (Terraform's precision).
pub const PRECISION_BITS: u32 = 512;

/// Decimal digits kept by inexact operations, about 512 bits.
pub const PRECISION_DIGITS: u64 = 155;

/// Decimal exponents up to this size are applied exactly (5^100000 has
/// about 232,000 bits); larger ones through a rounded power of five.
const EXACT_POW5_LIMIT: u64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Zero,
    Finite,
    Inf,
}

/// A Terraform number. Value = (-1)^neg × mant × 2^exp, `mant` odd for
/// finite non-zero numbers.
#[derive(Debug, Clone)]
pub struct Number {
    neg: bool,
    class: Class,
    mant: BigUint,
    exp: i64,
    prec: u32,
    dec: OnceLock<BigDecimal>,
}

/// A number could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    /// The text is not a number in Terraform's syntax.
    #[error("cannot parse {0:?} as a number")]
    Parse(String),
    /// Division or modulo by zero (only `0/0` and `inf/inf` fail in Terraform).
    #[error("can't divide zero by zero or infinity by infinity")]
    DivideByZero,
    /// An operation on infinities has no result; the text is cty's
    /// ("can't compute sum of opposing infinities", ...).
    #[error("{0}")]
    NaN(&'static str),
}

impl PartialEq for Number {
    fn eq(&self, o: &Self) -> bool {
        self.cmp_value(o) == Ordering::Equal
    }
}

impl Eq for Number {}

impl PartialOrd for Number {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Number {
    fn cmp(&self, o: &Self) -> Ordering {
        self.cmp_value(o)
    }
}

impl Hash for Number {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.class.hash(h);
        if self.class != Class::Zero {
            self.neg.hash(h);
            self.mant.hash(h);
            self.exp.hash(h);
        }
    }
}

impl Number {
    fn make(neg: bool, class: Class, mant: BigUint, exp: i64, prec: u32) -> Number {
        Number {
            neg,
            class,
            mant,
            exp,
            prec,
            dec: OnceLock::new(),
        }
    }

    fn zero(neg: bool, prec: u32) -> Number {
        Number::make(neg, Class::Zero, BigUint::zero(), 0, prec)
    }

    /// Positive or negative infinity (the result of dividing by zero).
    pub fn infinity(neg: bool) -> Number {
        Number::make(neg, Class::Inf, BigUint::zero(), 0, PRECISION_BITS)
    }

    /// Rounds `m × 2^e` (plus a sticky non-zero remainder below it) to
    /// `prec` bits, ties to even.
    fn rounded(neg: bool, m: BigUint, e: i64, sticky: bool, prec: u32) -> Number {
        if m.is_zero() {
            return Number::zero(neg, prec);
        }
        let bits = m.bits() as i64;
        if bits <= i64::from(prec) {
            if let Some(x) = m.to_u64() {
                // Exact already: only the trailing zeros move into the
                // exponent, in u64 arithmetic instead of a shifted copy.
                let tz = x.trailing_zeros();
                let mant = if tz == 0 { m } else { BigUint::from(x >> tz) };
                return Number::make(neg, Class::Finite, mant, e + i64::from(tz), prec);
            }
        }
        let (mut mant, mut exp) = if bits > prec as i64 {
            let drop = (bits - prec as i64) as u64;
            let kept = &m >> drop;
            let half = BigUint::one() << (drop - 1);
            let low = &m - (&kept << drop);
            let up = match low.cmp(&half) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => sticky || kept.is_odd(),
            };
            let kept = if up { kept + 1u32 } else { kept };
            (kept, e + drop as i64)
        } else {
            (m, e)
        };
        if let Some(tz) = mant.trailing_zeros() {
            if tz > 0 {
                mant >>= tz;
                exp += tz as i64;
            }
        }
        Number::make(neg, Class::Finite, mant, exp, prec)
    }

    /// Rounds the positive rational `p / q × 2^e` to `prec` bits.
    fn from_ratio(neg: bool, p: BigUint, q: BigUint, e: i64, prec: u32) -> Number {
        if p.is_zero() {
            return Number::zero(neg, prec);
        }
        // Scale so the integer quotient has at least prec + 2 bits.
        let shift = prec as i64 + 2 - (p.bits() as i64 - q.bits() as i64);
        let (num, den) = if shift >= 0 {
            (p << shift as u64, q)
        } else {
            (p, q << (-shift) as u64)
        };
        let (quo, rem) = num.div_rem(&den);
        Number::rounded(neg, quo, e - shift, !rem.is_zero(), prec)
    }

    /// Wraps a decimal, rounded to 512 bits as Terraform parses numbers.
    pub fn from_big(d: BigDecimal) -> Self {
        let (digits, scale) = d.as_bigint_and_exponent();
        let neg = digits.sign() == Sign::Minus;
        let mag = digits.magnitude().clone();
        Number::from_decimal_parts(neg, mag, -scale, PRECISION_BITS)
    }

    /// `mag × 10^exp10`, rounded to `prec` bits.
    fn from_decimal_parts(neg: bool, mag: BigUint, exp10: i64, prec: u32) -> Number {
        if mag.is_zero() {
            return Number::zero(neg, prec);
        }
        if exp10.unsigned_abs() > EXACT_POW5_LIMIT {
            // 5^n exactly would take minutes and gigabytes for `1e100000000`;
            // Go's big.Float (Terraform's parser) rounds it the same way.
            let (five, e5) = Number::pow5_rounded(exp10.unsigned_abs(), prec + 64);
            let n = if exp10 >= 0 {
                Number::rounded(neg, mag * five, exp10 + e5, false, prec)
            } else {
                Number::from_ratio(neg, mag, five, exp10 - e5, prec)
            };
            // Go's exponent is an int32: beyond it a value overflows to
            // infinity (`tostring(1e999999999)` is "+Inf") or underflows
            // to zero.
            let top = n.exp.saturating_add(n.mant.bits() as i64);
            return if top > i64::from(i32::MAX) {
                Number::infinity(neg)
            } else if top < i64::from(i32::MIN) {
                Number::zero(neg, prec)
            } else {
                n
            };
        }
        if exp10 >= 0 {
            let five = num_traits::pow(BigUint::from(5u32), exp10 as usize);
            Number::rounded(neg, mag * five, exp10, false, prec)
        } else {
            let five = num_traits::pow(BigUint::from(5u32), (-exp10) as usize);
            Number::from_ratio(neg, mag, five, exp10, prec)
        }
    }

    /// `5^n` as `m × 2^e`, by repeated squaring with every product rounded
    /// to `prec` bits (Go's `big.Float.pow5`, used by `big.ParseFloat`).
    fn pow5_rounded(n: u64, prec: u32) -> (BigUint, i64) {
        let round = |m: BigUint, e: i64| {
            let r = Number::rounded(false, m, e, false, prec);
            (r.mant, r.exp)
        };
        let (mut z, mut ze) = (BigUint::from(5u32).pow(27), 0i64);
        let (mut f, mut fe) = (BigUint::from(5u32), 0i64);
        let mut n = n.saturating_sub(27);
        while n > 0 {
            if n & 1 == 1 {
                (z, ze) = round(&z * &f, ze + fe);
            }
            (f, fe) = round(&f * &f, fe + fe);
            n >>= 1;
        }
        (z, ze)
    }

    /// The exact decimal value (zero for infinities).
    pub fn as_big(&self) -> &BigDecimal {
        self.dec.get_or_init(|| match self.class {
            Class::Zero | Class::Inf => BigDecimal::zero(),
            Class::Finite => {
                let sign = if self.neg { Sign::Minus } else { Sign::Plus };
                if self.exp >= 0 {
                    let m = &self.mant << self.exp as u64;
                    BigDecimal::new(BigInt::from_biguint(sign, m), 0)
                } else {
                    let k = -self.exp;
                    let five = num_traits::pow(BigUint::from(5u32), k as usize);
                    BigDecimal::new(BigInt::from_biguint(sign, &self.mant * five), k)
                }
            }
        })
    }

    /// Parses Terraform number syntax (decimal, optional sign, fraction and
    /// exponent), rounding to 512 bits as `big.ParseFloat` does.
    pub fn parse(s: &str) -> Result<Number, NumberError> {
        let bad = || NumberError::Parse(s.to_string());
        let (neg, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        if body == "Inf" || body == "inf" {
            return Ok(Number::infinity(neg));
        }
        // A plain integer of up to 19 digits (every literal like `7` or
        // `8080`) fits a u64: the same value `from_decimal_parts` rounds,
        // without the decimal machinery.
        if !body.is_empty() && body.len() <= 19 && body.bytes().all(|b| b.is_ascii_digit()) {
            let mag = body
                .bytes()
                .fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0'));
            return Ok(Number::rounded(
                neg,
                BigUint::from(mag),
                0,
                false,
                PRECISION_BITS,
            ));
        }
        let (mantissa, exp_part) = match body.find(['e', 'E']) {
            Some(i) => (&body[..i], Some(&body[i + 1..])),
            None => (body, None),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(bad());
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let mut exp10: i64 = match exp_part {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                e.parse::<i64>().map_err(|_| bad())?
            }
        };
        exp10 = exp10.checked_sub(frac_part.len() as i64).ok_or_else(bad)?;
        let all = format!("{int_part}{frac_part}");
        let mag = BigUint::from_str(&all).map_err(|_| bad())?;
        // Go's big.ParseFloat refuses a binary exponent outside int32
        // ("exponent overflow"); HCL then reports the literal as invalid.
        let exp2 = (mag.bits() as i64).saturating_add(exp10);
        if !mag.is_zero() && i32::try_from(exp2).is_err() {
            return Err(bad());
        }
        Ok(Number::from_decimal_parts(neg, mag, exp10, PRECISION_BITS))
    }

    /// An integer with the precision Go gives `SetInt64` (64 bits).
    pub fn from_i64(v: i64) -> Number {
        let neg = v < 0;
        let m = BigUint::from(v.unsigned_abs());
        Number::rounded(neg, m, 0, false, 64)
    }

    /// An arbitrary integer (precision: its bit length, at least 64).
    pub fn from_big_int(v: &BigInt) -> Number {
        let prec = (v.bits() as u32).max(64);
        Number::rounded(
            v.sign() == Sign::Minus,
            v.magnitude().clone(),
            0,
            false,
            prec,
        )
    }

    /// The float64 value exactly, with precision 53 (Go's `SetFloat64`).
    pub fn from_f64(v: f64) -> Result<Number, NumberError> {
        if v.is_nan() {
            return Err(NumberError::Parse("NaN".into()));
        }
        if v.is_infinite() {
            return Ok(Number::infinity(v < 0.0));
        }
        let neg = v.is_sign_negative();
        if v == 0.0 {
            return Ok(Number::zero(neg, 53));
        }
        let bits = v.abs().to_bits();
        let raw_exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e) = if raw_exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), raw_exp - 1075)
        };
        Ok(Number::rounded(neg, BigUint::from(m), e, false, 53))
    }

    /// This number's precision in bits.
    pub fn precision(&self) -> u32 {
        self.prec
    }

    /// The value as an `i64` when it is a finite non-zero integer of at
    /// most 53 bits (so sums, products and quotients of two such values
    /// are exact in `i128`/`f64`-free integer arithmetic): the operand
    /// test of the integer fast paths below. Results are still built by
    /// [`Number::rounded`] at the precision the general path uses, so
    /// both paths give identical numbers.
    fn small_int(&self) -> Option<i64> {
        if self.class != Class::Finite || self.exp < 0 || self.mant.bits() + self.exp as u64 > 53 {
            return None;
        }
        let mag = self.mant.to_u64()? << self.exp;
        let v = i64::try_from(mag).ok()?;
        Some(if self.neg { -v } else { v })
    }

    /// A finite integer from an `i128` (zero is `+0`), rounded to `prec`.
    fn from_i128(v: i128, prec: u32) -> Number {
        Number::rounded(v < 0, BigUint::from(v.unsigned_abs()), 0, false, prec)
    }

    /// The number as an `i64`, when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        if self.class == Class::Finite && self.mant.bits() + (self.exp as u64) < 64 {
            let mag = self.mant.to_u64()? << self.exp;
            let v = mag as i64;
            return Some(if self.neg { -v } else { v });
        }
        self.to_big_int().and_then(|b| b.to_i64())
    }

    /// The integer part (truncated toward zero), `None` for infinities.
    pub fn to_big_int(&self) -> Option<BigInt> {
        match self.class {
            Class::Zero => Some(BigInt::zero()),
            Class::Inf => None,
            Class::Finite => {
                let mag = if self.exp >= 0 {
                    &self.mant << self.exp as u64
                } else {
                    &self.mant >> (-self.exp) as u64
                };
                let sign = if self.neg { Sign::Minus } else { Sign::Plus };
                Some(BigInt::from_biguint(sign, mag))
            }
        }
    }

    /// The nearest `f64`.
    pub fn to_f64(&self) -> f64 {
        match self.class {
            Class::Zero => {
                if self.neg {
                    -0.0
                } else {
                    0.0
                }
            }
            Class::Inf => {
                if self.neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                }
            }
            Class::Finite => self.as_big().to_string().parse().unwrap_or(f64::NAN),
        }
    }

    /// True when the number is finite and has no fractional part.
    pub fn is_integer(&self) -> bool {
        match self.class {
            Class::Zero => true,
            Class::Inf => false,
            Class::Finite => self.exp >= 0,
        }
    }

    /// True for zero (either sign).
    pub fn is_zero(&self) -> bool {
        self.class == Class::Zero
    }

    /// True for positive or negative infinity.
    pub fn is_infinite(&self) -> bool {
        self.class == Class::Inf
    }

    /// True when the sign bit is set (including `-0`).
    pub fn is_sign_negative(&self) -> bool {
        self.neg
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match (self.class, self.neg) {
            (Class::Zero, _) => 0,
            (_, true) => -1,
            (_, false) => 1,
        }
    }

    /// Absolute value.
    pub fn abs(&self) -> Number {
        let mut n = self.clone();
        n.neg = false;
        n.dec = OnceLock::new();
        n
    }

    fn with_prec(&self, prec: u32) -> Number {
        match self.class {
            Class::Finite => Number::rounded(self.neg, self.mant.clone(), self.exp, false, prec),
            _ => {
                let mut n = self.clone();
                n.prec = prec;
                n
            }
        }
    }

    /// Sum, rounded to the larger precision of the operands.
    pub fn add(&self, o: &Number) -> Number {
        self.try_add(o, false)
            .unwrap_or_else(|_| Number::zero(false, PRECISION_BITS))
    }

    /// Sum, failing for `inf + -inf`.
    pub fn checked_add(&self, o: &Number) -> Result<Number, NumberError> {
        self.try_add(o, false)
    }

    /// Difference, failing for `inf - inf`.
    pub fn checked_sub(&self, o: &Number) -> Result<Number, NumberError> {
        self.try_add(o, true)
    }

    fn try_add(&self, o: &Number, negate_o: bool) -> Result<Number, NumberError> {
        if let (Some(a), Some(b)) = (self.small_int(), o.small_int()) {
            let b = if negate_o {
                -i128::from(b)
            } else {
                i128::from(b)
            };
            // The general path's exact sum, rounded once; a zero sum is +0.
            return Ok(Number::from_i128(i128::from(a) + b, self.prec.max(o.prec)));
        }
        self.try_add_general(o, negate_o)
    }

    fn try_add_general(&self, o: &Number, negate_o: bool) -> Result<Number, NumberError> {
        let prec = self.prec.max(o.prec);
        let oneg = o.neg != negate_o;
        match (self.class, o.class) {
            (Class::Inf, Class::Inf) => {
                if self.neg == oneg {
                    Ok(Number::infinity(self.neg))
                } else if negate_o {
                    Err(NumberError::NaN("can't subtract infinity from itself"))
                } else {
                    Err(NumberError::NaN("can't compute sum of opposing infinities"))
                }
            }
            (Class::Inf, _) => Ok(Number::infinity(self.neg)),
            (_, Class::Inf) => Ok(Number::infinity(oneg)),
            (Class::Zero, Class::Zero) => Ok(Number::zero(self.neg && oneg, prec)),
            (Class::Zero, _) => {
                let mut r = o.with_prec(prec);
                r.neg = oneg;
                Ok(r)
            }
            (_, Class::Zero) => Ok(self.with_prec(prec)),
            _ => {
                let e = self.exp.min(o.exp);
                let a = BigInt::from_biguint(
                    if self.neg { Sign::Minus } else { Sign::Plus },
                    &self.mant << (self.exp - e) as u64,
                );
                let b = BigInt::from_biguint(
                    if oneg { Sign::Minus } else { Sign::Plus },
                    &o.mant << (o.exp - e) as u64,
                );
                let s = a + b;
                if s.is_zero() {
                    return Ok(Number::zero(false, prec));
                }
                Ok(Number::rounded(
                    s.sign() == Sign::Minus,
                    s.magnitude().clone(),
                    e,
                    false,
                    prec,
                ))
            }
        }
    }

    /// Difference.
    pub fn sub(&self, o: &Number) -> Number {
        self.try_add(o, true)
            .unwrap_or_else(|_| Number::zero(false, PRECISION_BITS))
    }

    /// Product, failing for zero times infinity.
    pub fn checked_mul(&self, o: &Number) -> Result<Number, NumberError> {
        match (self.class, o.class) {
            (Class::Inf, Class::Zero) | (Class::Zero, Class::Inf) => {
                Err(NumberError::NaN("can't multiply zero by infinity"))
            }
            _ => Ok(self.mul(o)),
        }
    }

    /// Product (zero times infinity gives zero; see [`Number::checked_mul`]).
    pub fn mul(&self, o: &Number) -> Number {
        if let (Some(a), Some(b)) = (self.small_int(), o.small_int()) {
            return Number::from_i128(i128::from(a) * i128::from(b), self.prec.max(o.prec));
        }
        self.mul_general(o)
    }

    fn mul_general(&self, o: &Number) -> Number {
        let prec = self.prec.max(o.prec);
        let neg = self.neg != o.neg;
        match (self.class, o.class) {
            (Class::Zero, _) | (_, Class::Zero) => Number::zero(neg, prec),
            (Class::Inf, _) | (_, Class::Inf) => Number::infinity(neg),
            _ => Number::rounded(neg, &self.mant * &o.mant, self.exp + o.exp, false, prec),
        }
    }

    /// Quotient, rounded to the larger precision of the operands. Dividing a
    /// non-zero number by zero gives an infinity, as in Terraform; `0/0` and
    /// `inf/inf` fail.
    pub fn div(&self, o: &Number) -> Result<Number, NumberError> {
        let prec = self.prec.max(o.prec);
        let neg = self.neg != o.neg;
        match (self.class, o.class) {
            (Class::Zero, Class::Zero) | (Class::Inf, Class::Inf) => Err(NumberError::DivideByZero),
            (Class::Inf, _) => Ok(Number::infinity(neg)),
            (_, Class::Inf) => Ok(Number::zero(neg, prec)),
            (_, Class::Zero) => Ok(Number::infinity(neg)),
            (Class::Zero, _) => Ok(Number::zero(neg, prec)),
            _ => Ok(Number::from_ratio(
                neg,
                self.mant.clone(),
                o.mant.clone(),
                self.exp - o.exp,
                prec,
            )),
        }
    }

    /// Terraform's `%`: `a - b * trunc(a / b)`; `a % 0` is `a`.
    pub fn rem(&self, o: &Number) -> Result<Number, NumberError> {
        if let (Some(a), Some(b)) = (self.small_int(), o.small_int()) {
            if self.prec >= 53 && o.prec >= 53 && b != 0 {
                // Both below 2^53 and quotients rounded to at least 53
                // bits: trunc(a / b) is exact (rounding cannot reach the
                // next integer, which is 1/|b| away, unless |a| >= 2^53),
                // and so is every later step; the result is the truncated
                // remainder at this number's precision, +0 when it is zero.
                return Ok(Number::from_i128(i128::from(a % b), self.prec));
            }
        }
        self.rem_general(o)
    }

    fn rem_general(&self, o: &Number) -> Result<Number, NumberError> {
        if o.is_zero() {
            return Ok(self.clone());
        }
        if self.is_infinite() || o.is_infinite() {
            if self.is_zero() || o.is_zero() {
                return Err(NumberError::NaN("can't use modulo with zero and infinity"));
            }
            return Ok(self.mul(o));
        }
        let q = self.div(o)?;
        // Go goes through big.Int here, which has no negative zero.
        let t = match q.to_big_int() {
            Some(i) => Number::rounded(
                i.sign() == Sign::Minus,
                i.magnitude().clone(),
                0,
                false,
                self.prec,
            ),
            None => q,
        };
        let p = o.mul(&t).with_prec(self.prec);
        Ok(self.sub(&p).with_prec(self.prec))
    }

    /// The integer part, rounding toward zero.
    pub fn trunc(&self) -> Number {
        match self.class {
            Class::Finite if self.exp < 0 => {
                let m = &self.mant >> (-self.exp) as u64;
                if m.is_zero() {
                    Number::zero(self.neg, self.prec)
                } else {
                    Number::rounded(self.neg, m, 0, false, self.prec)
                }
            }
            _ => self.clone(),
        }
    }

    /// The largest integer not above this number.
    pub fn floor(&self) -> Number {
        let t = self.trunc();
        if self.neg && t != *self {
            t.sub(&Number::from_i64(1)).with_prec(self.prec)
        } else {
            t
        }
    }

    /// The smallest integer not below this number.
    pub fn ceil(&self) -> Number {
        let t = self.trunc();
        if !self.neg && t != *self {
            t.add(&Number::from_i64(1)).with_prec(self.prec)
        } else {
            t
        }
    }

    /// Negation.
    pub fn neg(&self) -> Number {
        let mut n = self.clone();
        n.neg = !n.neg;
        n.dec = OnceLock::new();
        n
    }

    /// Compares two numbers by value (`-0 == 0`).
    pub fn cmp_value(&self, o: &Number) -> Ordering {
        let rank = |n: &Number| -> i32 {
            match (n.class, n.neg) {
                (Class::Inf, true) => -2,
                (Class::Finite, true) => -1,
                (Class::Zero, _) => 0,
                (Class::Finite, false) => 1,
                (Class::Inf, false) => 2,
            }
        };
        let (ra, rb) = (rank(self), rank(o));
        if ra != rb || ra.abs() != 1 {
            return ra.cmp(&rb);
        }
        if let (Some(a), Some(b)) = (self.small_int(), o.small_int()) {
            return a.cmp(&b);
        }
        self.cmp_general(o)
    }

    fn cmp_general(&self, o: &Number) -> Ordering {
        let e = self.exp.min(o.exp);
        let a = &self.mant << (self.exp - e) as u64;
        let b = &o.mant << (o.exp - e) as u64;
        let c = a.cmp(&b);
        if self.neg {
            c.reverse()
        } else {
            c
        }
    }

    /// Equality as cty defines it for `==`: the same shortest decimal text
    /// (so precision matters), with `-0` equal to `0`.
    pub fn text_eq(&self, o: &Number) -> bool {
        if self.is_zero() && o.is_zero() {
            return true;
        }
        self.to_string() == o.to_string()
    }
}

/// Exact decimal digits of `m × 2^e`, without trailing zeros, and the
/// decimal point position: value = 0.d1d2... × 10^point.
fn decimal_of(m: &BigUint, e: i64) -> (Vec<u8>, i64) {
    if m.is_zero() {
        return (Vec::new(), 0);
    }
    let (digits, frac) = if e >= 0 {
        ((m << e as u64).to_string(), 0i64)
    } else {
        let k = -e;
        let five = num_traits::pow(BigUint::from(5u32), k as usize);
        ((m * five).to_string(), k)
    };
    let mut d: Vec<u8> = digits.into_bytes();
    let point = d.len() as i64 - frac;
    while d.last() == Some(&b'0') {
        d.pop();
    }
    (d, point)
}

struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn at(&self, i: usize) -> u8 {
        self.mant.get(i).copied().unwrap_or(b'0')
    }

    fn round(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        let up = if self.mant[n] == b'5' && n + 1 == self.mant.len() {
            n > 0 && (self.mant[n - 1] - b'0') & 1 != 0
        } else {
            self.mant[n] >= b'5'
        };
        if up {
            self.round_up(n);
        } else {
            self.round_down(n);
        }
    }

    fn round_up(&mut self, mut n: usize) {
        if n >= self.mant.len() {
            return;
        }
        while n > 0 && self.mant[n - 1] >= b'9' {
            n -= 1;
        }
        if n == 0 {
            self.mant.clear();
            self.mant.push(b'1');
            self.exp += 1;
            return;
        }
        self.mant[n - 1] += 1;
        self.mant.truncate(n);
    }

    fn round_down(&mut self, n: usize) {
        if n >= self.mant.len() {
            return;
        }
        self.mant.truncate(n);
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
    }
}

impl Number {
    /// The magnitude as a `u64` when this is a finite integer whose bits
    /// all fit in its precision. Then the rounding interval is at most one
    /// unit wide (half an ulp ≤ ½ on each side), no other integer and no
    /// shorter decimal lies in it, so the shortest decimal is the integer
    /// itself: `count.index` and `length(...)` print without big-number
    /// arithmetic.
    fn exact_small_integer(&self) -> Option<u64> {
        if self.class != Class::Finite || self.exp < 0 {
            return None;
        }
        let bits = self.mant.bits().checked_add(self.exp as u64)?;
        if bits > u64::from(self.prec).min(64) {
            return None;
        }
        self.mant.to_u64()?.checked_shl(self.exp as u32)
    }

    /// The shortest decimal that rounds back to this number at its
    /// precision (Go's `roundShortest`).
    fn shortest_decimal(&self) -> Decimal {
        let (mant, exp) = decimal_of(&self.mant, self.exp);
        let mut d = Decimal { mant, exp };
        if d.mant.is_empty() {
            return d;
        }
        let bits = self.mant.bits() as i64;
        let s = self.prec as i64 + 1 - bits;
        let m2 = &self.mant << s as u64;
        let e2 = self.exp - s;
        let (lm, le) = decimal_of(&(&m2 - 1u32), e2);
        let lower = Decimal { mant: lm, exp: le };
        let (um, ue) = decimal_of(&(&m2 + 1u32), e2);
        let upper = Decimal { mant: um, exp: ue };
        let inclusive = !m2.bit(1);
        for i in 0..d.mant.len() {
            let m = d.mant[i];
            let l = lower.at(i);
            let u = upper.at(i);
            let okdown = l != m || inclusive && i + 1 == lower.mant.len();
            let okup = m != u && (inclusive || m + 1 < u || i + 1 < upper.mant.len());
            match (okdown, okup) {
                (true, true) => {
                    d.round(i + 1);
                    return d;
                }
                (true, false) => {
                    d.round_down(i + 1);
                    return d;
                }
                (false, true) => {
                    d.round_up(i + 1);
                    return d;
                }
                _ => {}
            }
        }
        d
    }
}

impl Number {
    /// Go's `big.Float.String()` (`Text('g', 10)`), used in cty's set
    /// hash strings.
    pub fn to_go_string(&self) -> String {
        let sign = if self.neg { "-" } else { "" };
        match self.class {
            Class::Inf => return format!("{}Inf", if self.neg { "-" } else { "+" }),
            Class::Zero => return format!("{sign}0"),
            Class::Finite => {}
        }
        let (mant, exp) = decimal_of(&self.mant, self.exp);
        let mut d = Decimal { mant, exp };
        d.round(10);
        let prec = 10usize;
        let mut eprec = prec;
        if eprec > d.mant.len() && d.mant.len() as i64 >= d.exp {
            eprec = d.mant.len();
        }
        let x = d.exp - 1;
        let mut s = String::from(sign);
        if x < -4 || x >= eprec as i64 {
            let p = prec.min(d.mant.len());
            s.push(d.at(0) as char);
            if p > 1 {
                s.push('.');
                for i in 1..p {
                    s.push(d.at(i) as char);
                }
            }
            s.push('e');
            s.push(if x < 0 { '-' } else { '+' });
            let ax = x.unsigned_abs();
            if ax < 10 {
                s.push('0');
            }
            s.push_str(&ax.to_string());
            return s;
        }
        let p = if prec as i64 > d.exp {
            d.mant.len()
        } else {
            prec
        };
        let frac = (p as i64 - d.exp).max(0);
        if d.exp > 0 {
            let n = (d.exp as usize).min(d.mant.len());
            s.push_str(std::str::from_utf8(&d.mant[..n]).unwrap_or("0"));
            for _ in n..d.exp as usize {
                s.push('0');
            }
        } else {
            s.push('0');
        }
        if frac > 0 {
            s.push('.');
            for i in 0..frac {
                s.push(d.at((d.exp + i) as usize) as char);
            }
        }
        s
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number::from_i64(v)
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Self {
        Number::rounded(false, BigUint::from(v), 0, false, 64)
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Self {
        Number::from_i64(v.into())
    }
}

impl From<usize> for Number {
    fn from(v: usize) -> Self {
        Number::from(v as u64)
    }
}

impl TryFrom<f64> for Number {
    type Error = NumberError;
    fn try_from(v: f64) -> Result<Self, NumberError> {
        Number::from_f64(v)
    }
}

impl fmt::Display for Number {
    /// Go's `Text('f', -1)`: plain decimal, shortest round-trip digits,
    /// `-0` and `+Inf`/`-Inf` as Terraform prints them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.neg { "-" } else { "" };
        match self.class {
            Class::Inf => return f.write_str(if self.neg { "-Inf" } else { "+Inf" }),
            Class::Zero => return write!(f, "{sign}0"),
            Class::Finite => {}
        }
        if let Some(v) = self.exact_small_integer() {
            f.write_str(sign)?;
            return write!(f, "{v}");
        }
        f.write_str(&self.shortest_text())
    }
}

impl Number {
    /// Appends [`fmt::Display`]'s text to `out`; integers such as
    /// `count.index` are written digit by digit, without the formatting
    /// machinery.
    pub fn push_text(&self, out: &mut String) {
        match self.exact_small_integer() {
            Some(mut v) => {
                if self.neg {
                    out.push('-');
                }
                let mut digits = [0u8; 20];
                let mut at = digits.len();
                loop {
                    at -= 1;
                    digits[at] = b'0' + (v % 10) as u8;
                    v /= 10;
                    if v == 0 {
                        break;
                    }
                }
                // ASCII digits: never the empty fallback.
                out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
            }
            None => {
                use std::fmt::Write;
                let _ = write!(out, "{self}");
            }
        }
    }

    /// [`fmt::Display`]'s text of a finite non-zero number, from the
    /// shortest round-trip decimal (the general path).
    fn shortest_text(&self) -> String {
        let sign = if self.neg { "-" } else { "" };
        let d = self.shortest_decimal();
        let mut s = String::from(sign);
        if d.exp > 0 {
            let n = (d.exp as usize).min(d.mant.len());
            s.push_str(std::str::from_utf8(&d.mant[..n]).unwrap_or("0"));
            for _ in n..d.exp as usize {
                s.push('0');
            }
        } else {
            s.push('0');
        }
        let frac = (d.mant.len() as i64 - d.exp).max(0);
        if frac > 0 {
            s.push('.');
            for i in 0..frac {
                s.push(d.at((d.exp + i) as usize) as char);
            }
        }
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn one_third_has_155_digits() {
        let q = p("1").div(&p("3")).unwrap();
        let s = q.to_string();
        assert_eq!(s.len(), 157);
        assert!(s.ends_with("335"));
    }

    #[test]
    fn decimal_sums_print_short() {
        assert_eq!(p("0.1").add(&p("0.2")).to_string(), "0.3");
        assert_eq!(p("1e3").to_string(), "1000");
        assert_eq!(p("1.5e-3").to_string(), "0.0015");
        assert_eq!(p("123456789.123456789").to_string(), "123456789.123456789");
        assert_eq!(p("0").mul(&p("-1")).to_string(), "-0");
        assert_eq!(p("1e400").to_string().len(), 401);
    }

    #[test]
    fn modulo_follows_terraform() {
        assert_eq!(p("-7").rem(&p("2")).unwrap().to_string(), "-1");
        assert_eq!(p("7").rem(&p("2.5")).unwrap().to_string(), "2");
        assert_eq!(p("1").rem(&p("0")).unwrap().to_string(), "1");
        assert_eq!(p("5.5").rem(&p("2")).unwrap().to_string(), "1.5");
        // terraform console: -0 % 5 is -0.
        assert_eq!(p("0").neg().rem(&p("5")).unwrap().to_string(), "-0");
    }

    #[test]
    fn go_string_form() {
        assert_eq!(p("1").to_go_string(), "1");
        assert_eq!(p("1.5").to_go_string(), "1.5");
        assert_eq!(p("1e21").to_go_string(), "1e+21");
        assert_eq!(p("0.00001").to_go_string(), "1e-05");
        assert_eq!(p("12345678901").to_go_string(), "1.23456789e+10");
        assert_eq!(p("0.0001").to_go_string(), "0.0001");
    }

    #[test]
    fn integer_fast_path_matches_shortest_decimal() {
        let mut values: Vec<i64> = (-1100..1100).collect();
        for k in 0..63 {
            let b = 1i64 << k;
            values.extend([b, b - 1, b + 1, -b, 10i64.pow(k % 19) * 7]);
        }
        values.extend([i64::MAX, i64::MIN + 1, 9_007_199_254_740_993]);
        for v in values {
            let cases = [
                Number::from_i64(v),
                Number::from_f64(v as f64).unwrap(),
                p(&v.to_string()),
                p(&v.to_string()).mul(&p("3")),
            ];
            for n in cases {
                if n.is_zero() {
                    continue;
                }
                assert_eq!(n.to_string(), n.shortest_text(), "{v} at {} bits", n.prec);
            }
        }
        // 2^60 at float64 precision keeps its shortest form, not all digits.
        let big = Number::from_f64(2f64.powi(60)).unwrap();
        assert_eq!(big.exact_small_integer(), None);
        assert_eq!(big.to_string(), "1152921504606847000");
        assert_eq!(Number::from_i64(1 << 60).to_string(), "1152921504606846976");
        for v in [0, 1, -1, 7, -4096, i64::MAX, i64::MIN, 1 << 62, -(1 << 62)] {
            assert_eq!(Number::from_i64(v).to_i64(), Some(v));
        }
        assert_eq!(p("9223372036854775808").to_i64(), None);
        assert_eq!(p("2.5").to_i64(), None);
    }

    /// Equal in every field the representation keeps, precision included.
    fn assert_same(a: &Number, b: &Number, what: &str) {
        assert_eq!(
            (a.neg, a.class, &a.mant, a.exp, a.prec),
            (b.neg, b.class, &b.mant, b.exp, b.prec),
            "{what}"
        );
    }

    fn fast_path_operands() -> Vec<Number> {
        let mut out = Vec::new();
        let ints: Vec<i64> = (-40..40)
            .chain([
                1000,
                -999,
                (1 << 52) - 1,
                1 << 52,
                (1 << 53) - 1,
                -(1 << 53) + 1,
                1 << 53,
                (1 << 53) + 1,
                1 << 60,
                i64::MAX,
                i64::MIN,
            ])
            .collect();
        for v in ints {
            out.push(Number::from_i64(v));
            out.push(p(&v.to_string()));
            out.push(Number::from_f64(v as f64).unwrap());
        }
        for s in [
            "0.5",
            "-2.5",
            "1e30",
            "-0",
            "1e-3",
            "123456789012345678901234567890",
        ] {
            out.push(p(s));
        }
        out.push(Number::infinity(false));
        out.push(Number::infinity(true));
        out
    }

    #[test]
    fn integer_fast_paths_match_general_arithmetic() {
        let xs = fast_path_operands();
        for a in &xs {
            for b in &xs {
                let what = format!("{a} ({} bits) and {b} ({} bits)", a.prec, b.prec);
                match (a.checked_add(b), a.try_add_general(b, false)) {
                    (Ok(x), Ok(y)) => assert_same(&x, &y, &format!("sum of {what}")),
                    (x, y) => assert_eq!(x.is_err(), y.is_err(), "sum of {what}"),
                }
                match (a.checked_sub(b), a.try_add_general(b, true)) {
                    (Ok(x), Ok(y)) => assert_same(&x, &y, &format!("difference of {what}")),
                    (x, y) => assert_eq!(x.is_err(), y.is_err(), "difference of {what}"),
                }
                assert_same(&a.mul(b), &a.mul_general(b), &format!("product of {what}"));
                match (a.rem(b), a.rem_general(b)) {
                    (Ok(x), Ok(y)) => assert_same(&x, &y, &format!("remainder of {what}")),
                    (x, y) => assert_eq!(x.is_err(), y.is_err(), "remainder of {what}"),
                }
                if !a.is_zero() && !b.is_zero() && !a.is_infinite() && !b.is_infinite() {
                    let ord = if a.neg == b.neg {
                        a.cmp_general(b)
                    } else if a.neg {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    };
                    assert_eq!(a.cmp_value(b), ord, "comparison of {what}");
                }
            }
        }
        // terraform console: 7 * 7 % 13 is 10, -7 % 3 is -1, 6 % 3 is 0.
        assert_eq!(p("49").rem(&p("13")).unwrap().to_string(), "10");
        assert_eq!(p("-7").rem(&p("3")).unwrap().to_string(), "-1");
        assert_eq!(p("6").neg().rem(&p("3")).unwrap().to_string(), "0");
    }

    #[test]
    fn rounding_small_mantissas_matches_the_big_path() {
        let ms = [
            1u64,
            3,
            8,
            12,
            1000,
            (1 << 53) - 1,
            1 << 53,
            1 << 63,
            u64::MAX,
            0x00ff_0000,
        ];
        for m in ms {
            for prec in [24, 53, 64, 512] {
                for e in [-70, -1, 0, 5] {
                    for neg in [false, true] {
                        let fast = Number::rounded(neg, BigUint::from(m), e, false, prec);
                        // The same value with a mantissa beyond u64.
                        let big =
                            Number::rounded(neg, BigUint::from(m) << 64u32, e - 64, false, prec);
                        assert_same(&fast, &big, &format!("{m} x 2^{e} at {prec} bits"));
                    }
                }
            }
        }
    }

    #[test]
    fn push_text_matches_display() {
        let mut xs = fast_path_operands();
        xs.extend([
            Number::from(u64::MAX),
            Number::from_i64(i64::MIN),
            p("-0"),
            p("0"),
        ]);
        for n in xs {
            let mut out = String::from("x");
            n.push_text(&mut out);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn integer_literal_fast_path_matches_decimal_parsing() {
        let cases = [
            "0",
            "7",
            "007",
            "13",
            "8080",
            "9007199254740993",
            "18446744073709551615",
            "9999999999999999999",
            "99999999999999999999",
            "123456789012345678901234567890",
        ];
        for s in cases {
            for neg in [false, true] {
                let text = if neg { format!("-{s}") } else { s.to_string() };
                let mag = BigUint::from_str(s).unwrap();
                let general = Number::from_decimal_parts(neg, mag, 0, PRECISION_BITS);
                assert_same(&p(&text), &general, &text);
            }
        }
    }

    #[test]
    fn float64_values_print_at_their_precision() {
        assert_eq!(Number::from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(
            Number::from_f64(1e21).unwrap().to_string(),
            "1000000000000000000000"
        );
        assert_eq!(p("-1").div(&p("0")).unwrap().to_string(), "-Inf");
    }

    // Found by fuzzing (fuzz/, target lang_eval): `1 - 1e400000000003`
    // ran for minutes computing 5^400000000003 exactly. Go's ParseFloat
    // (so Terraform) refuses binary exponents beyond int32.
    #[test]
    fn huge_exponents_are_refused_not_computed() {
        assert!(Number::parse("1e400000000003").is_err());
        assert!(Number::parse("-10.000e400000000003").is_err());
        assert!(Number::parse("1e-400000000003").is_err());
        assert!(Number::parse("1.5e-9223372036854775808").is_err());
        assert!(Number::parse("0e400000000003").is_ok());
        // Within Go's parse range but beyond its exponent: +Inf and 0, as
        // `terraform console` shows for these literals.
        assert_eq!(p("1e999999999").to_string(), p("Inf").to_string());
        assert_eq!(p("-1e646456993").to_string(), p("-Inf").to_string());
        assert_eq!(p("1e-646457000").to_string(), "0");
        assert!(p("1e-646456992") > p("0"));
    }

    #[test]
    fn large_exponents_are_rounded_quickly() {
        let started = std::time::Instant::now();
        let big = p("1e40000000");
        let small = p("1e-40000000");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert!(big > p("1"));
        assert!(small < p("1") && small > p("0"));
        // Just past the exact limit the rounded power of five gives the
        // same 512-bit result as exact arithmetic.
        for n in [100_001i64, 100_003, -100_001, -100_003] {
            let mag = BigUint::from(7u32);
            let rounded = Number::from_decimal_parts(false, mag.clone(), n, PRECISION_BITS);
            let five = num_traits::pow(BigUint::from(5u32), n.unsigned_abs() as usize);
            let exact = if n >= 0 {
                Number::rounded(false, mag * five, n, false, PRECISION_BITS)
            } else {
                Number::from_ratio(false, mag, five, n, PRECISION_BITS)
            };
            assert_eq!(rounded, exact, "7e{n}");
        }
    }
}
