//! No built-in panics, whatever it is given: every function is called with
//! many argument combinations (wrong types, nulls, unknowns, marks, odd
//! numbers and strings), and each call must return a value or an error.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use terrane_functions::{call, names, FuncContext};
use terrane_value::{Number, Type, Value};

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize].clone()
    }
}

fn num(s: &str) -> Value {
    Value::number(Number::parse(s).unwrap())
}

fn scalars() -> Vec<Value> {
    let mut v: Vec<Value> = [
        "",
        "a",
        "hello world",
        "é😀e\u{301}",
        "10.0.0.0/8",
        "fd00::/56",
        "2020-01-01T00:00:00Z",
        "%d %s %[2]v %",
        "[",
        "/a(b)/",
        "YYYY-MM-DD hh:mm",
        "1h30m",
        "~/x",
        "**/*.txt",
        "aGVsbG8=",
        "a,b\n1,2",
        "{\"a\":[1,2]}",
        "a: [1, 2]",
        "UTF-16LE",
        "dns",
        "-1",
        "1e400",
        "true",
    ]
    .iter()
    .map(|s| Value::string(*s))
    .collect();
    for n in [
        "0",
        "-1",
        "1",
        "2.5",
        "-7",
        "32",
        "129",
        "1e30",
        "-1e30",
        "0.000001",
        "9223372036854775808",
    ] {
        v.push(num(n));
    }
    v.push(Value::bool(true));
    v.push(Value::null(Type::String));
    v.push(Value::dynamic_null());
    v.push(Value::unknown(Type::String));
    v.push(Value::unknown(Type::Dynamic));
    v.push(Value::string("s").mark_sensitive());
    v
}

fn value(r: &mut Rng, depth: u32) -> Value {
    let base = scalars();
    match r.next() % 6 {
        0..=2 if depth < 2 => {
            let n = (r.next() % 4) as usize;
            let items: Vec<Value> = (0..n).map(|_| value(r, depth + 1)).collect();
            match r.next() % 3 {
                0 => Value::tuple(items),
                1 => Value::list(
                    Type::String,
                    (0..n).map(|i| Value::string(i.to_string())).collect(),
                ),
                _ => Value::set(
                    Type::Number,
                    (0..n).map(|i| Value::number(i as i64)).collect(),
                ),
            }
        }
        3 if depth < 2 => {
            let n = (r.next() % 3) as usize;
            let m: BTreeMap<String, Value> = (0..n)
                .map(|i| (format!("k{i}"), value(r, depth + 1)))
                .collect();
            if r.next().is_multiple_of(2) {
                Value::object(m)
            } else {
                Value::map(
                    Type::String,
                    (0..n)
                        .map(|i| (format!("k{i}"), Value::string("v")))
                        .collect(),
                )
            }
        }
        _ => r.pick(&base),
    }
}

#[test]
fn no_function_panics() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let ctx = FuncContext::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fixtures"));
    let mut calls = 0;
    for name in names() {
        // bcrypt's cost can legitimately take minutes.
        if name == "bcrypt" {
            continue;
        }
        for _ in 0..300 {
            let n = (r.next() % 4) as usize;
            let args: Vec<Value> = (0..n).map(|_| value(&mut r, 0)).collect();
            let _ = call(name, args, &ctx);
            calls += 1;
        }
    }
    assert!(calls > 30_000);
}
