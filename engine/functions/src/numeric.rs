//! Numeric functions: abs, ceil, floor, log, max, min, parseint, pow,
//! signum, sum; plus the small argument helpers every family uses.

use crate::registry::{arg_err, call_err, p, Fail, FuncContext, Registry, Ret, R};
use num_bigint::BigInt;
use num_traits::Zero;
use std::cmp::Ordering;
use terrane_value::{convert, Kind, Number, Type, Value};

pub(crate) fn register(r: &mut Registry) {
    let num = || p("num", Type::Number);
    let n = Ret::Static(Type::Number);
    r.func("abs", vec![num()], n.clone(), |a, _| {
        Ok(Value::number(number(&a[0]).abs()))
    });
    r.func("ceil", vec![num()], n.clone(), |a, _| {
        Ok(Value::number(integral(number(&a[0]).ceil())))
    });
    r.func("floor", vec![num()], n.clone(), |a, _| {
        Ok(Value::number(integral(number(&a[0]).floor())))
    });
    r.func(
        "log",
        vec![num(), p("base", Type::Number)],
        n.clone(),
        |a, _| {
            let x = crate::gomath::log(number(&a[0]).to_f64())
                / crate::gomath::log(number(&a[1]).to_f64());
            float_result(x)
        },
    );
    r.func(
        "pow",
        vec![num(), p("power", Type::Number)],
        n.clone(),
        |a, _| {
            float_result(crate::gomath::pow(
                number(&a[0]).to_f64(),
                number(&a[1]).to_f64(),
            ))
        },
    );
    r.func("signum", vec![num()], n.clone(), |a, _| {
        let n = int_of(&a[0]).map_err(call_err)?;
        Ok(Value::number(n.signum()))
    });
    r.func("max", vec![], n.clone(), |a, _| {
        extreme(a, Ordering::Greater)
    })
    .variadic(p("numbers", Type::Number));
    r.func("min", vec![], n.clone(), |a, _| extreme(a, Ordering::Less))
        .variadic(p("numbers", Type::Number));
    r.func(
        "parseint",
        vec![p("number", Type::Dynamic), p("base", Type::Number)],
        n.clone(),
        parseint,
    );
    r.func("sum", vec![p("list", Type::Dynamic)], n, sum);
}

/// The number of a converted number argument (zero if somehow absent).
pub(crate) fn number(v: &Value) -> Number {
    v.as_number().cloned().unwrap_or_else(|| Number::from(0))
}

/// The string of a converted string argument.
pub(crate) fn string(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// The whole number in `v`, with cty's message when it is not one.
pub(crate) fn int_of(v: &Value) -> Result<i64, String> {
    number(v).to_i64().ok_or_else(|| {
        "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
            .to_string()
    })
}

/// A number from an f64 (infinities included), with Terraform's failure
/// for NaN.
pub(crate) fn float_result(x: f64) -> R {
    if x.is_nan() {
        return Err(Fail::Panic("Float.SetFloat64(NaN)".into()));
    }
    Number::from_f64(x)
        .map(Value::number)
        .map_err(|e| call_err(e.to_string()))
}

/// Terraform returns ceil/floor results as integers, which have no
/// negative zero.
fn integral(n: Number) -> Number {
    if n.is_zero() {
        Number::from(0)
    } else {
        n
    }
}

fn extreme(args: Vec<Value>, want: Ordering) -> R {
    let mut best: Option<Number> = None;
    for v in &args {
        let x = number(v);
        best = match best {
            Some(b) if x.cmp_value(&b) != want => Some(b),
            _ => Some(x),
        };
    }
    best.map(Value::number)
        .ok_or_else(|| call_err("must pass at least one number"))
}

fn parseint(a: Vec<Value>, _: &FuncContext) -> R {
    let s = match &a[0].kind {
        Kind::String(s) => s.clone(),
        _ => {
            return Err(arg_err(
                0,
                format!(
                    "first argument must be a string, not {}",
                    a[0].ty().friendly_name()
                ),
            ))
        }
    };
    let base = match int_of(&a[1]).map_err(|m| arg_err(1, m))? {
        b if (2..=62).contains(&b) => b as u32,
        _ => {
            return Err(arg_err(
                1,
                "base must be a whole number between 2 and 62 inclusive",
            ))
        }
    };
    let bad = || arg_err(0, format!("cannot parse {s:?} as a base {base} integer"));
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return Err(bad());
    }
    let mut acc = BigInt::zero();
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return Err(bad()),
        };
        if d >= base {
            return Err(bad());
        }
        acc = acc * base + d;
    }
    if neg {
        acc = -acc;
    }
    Ok(Value::number(Number::from_big_int(&acc)))
}

fn sum(a: Vec<Value>, _: &FuncContext) -> R {
    let v = &a[0];
    let ty = v.ty();
    let items: Vec<&Value> = match &v.kind {
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => xs.iter().collect(),
        Kind::Map(_, m) | Kind::Object(m) => m.values().collect(),
        _ => return Err(arg_err(0, "cannot sum noniterable")),
    };
    if items.is_empty() {
        return Err(arg_err(0, "cannot sum an empty list"));
    }
    if !matches!(ty, Type::List(_) | Type::Set(_) | Type::Tuple(_)) {
        return Err(arg_err(
            0,
            format!(
                "argument must be list, set, or tuple. Received {}",
                ty.friendly_name()
            ),
        ));
    }
    let not_numbers = || arg_err(0, "argument must be list, set, or tuple of number values");
    let mut total = Number::from(0);
    for x in items {
        if x.is_null() {
            return Err(not_numbers());
        }
        let n = convert(x, &Type::Number).map_err(|_| not_numbers())?;
        total = total.add(&number(&n));
    }
    Ok(Value::number(total))
}
