//! How functions treat unknown values, checked against what
//! `terraform plan` (v1.11.4) showed for the same calls with an unknown
//! string (`terraform_data.u.id`): some functions pass unknown elements
//! through and stay known, others become wholly unknown.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use terrane_functions::{call, FuncContext};
use terrane_value::{Kind, Type, Value};

fn u() -> Value {
    Value::unknown(Type::String)
}
fn s(x: &str) -> Value {
    Value::string(x)
}
fn t(xs: Vec<Value>) -> Value {
    Value::tuple(xs)
}
fn o(kv: Vec<(&str, Value)>) -> Value {
    Value::object(
        kv.into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A compact rendering: `?` for unknown, JSON-like otherwise.
fn render(v: &Value) -> String {
    match &v.kind {
        Kind::Unknown(_) => "?".into(),
        Kind::Null(_) => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(n) => n.to_string(),
        Kind::String(x) => format!("{x:?}"),
        Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
            format!("[{}]", xs.iter().map(render).collect::<Vec<_>>().join(","))
        }
        Kind::Map(_, m) | Kind::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{k}={}", render(x)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

fn check(name: &str, args: Vec<Value>, want: &str) {
    let got = call(name, args, &FuncContext::default()).unwrap();
    assert_eq!(render(&got), want, "{name}");
}

#[test]
fn unknown_elements_match_terraform_plan() {
    let ub = || Value::unknown(Type::Bool);
    check(
        "merge",
        vec![o(vec![("a", u())]), o(vec![("b", Value::number(1))])],
        "{a=?,b=1}",
    );
    check(
        "element",
        vec![t(vec![u(), s("x")]), Value::number(1)],
        "\"x\"",
    );
    check("concat", vec![t(vec![u()]), t(vec![s("x")])], "[?,\"x\"]");
    check("keys", vec![o(vec![("a", u())])], "[\"a\"]");
    check(
        "values",
        vec![o(vec![("a", u()), ("b", s("x"))])],
        "[?,\"x\"]",
    );
    check(
        "lookup",
        vec![o(vec![("a", u()), ("b", s("x"))]), s("b")],
        "\"x\"",
    );
    check("lookup", vec![o(vec![("a", u())]), s("b"), s("d")], "\"d\"");
    check("length", vec![t(vec![u(), s("x")])], "2");
    let set = call("toset", vec![t(vec![u(), s("x")])], &FuncContext::default()).unwrap();
    check("length", vec![set.clone()], "?");
    check("sort", vec![set], "?");
    check(
        "flatten",
        vec![t(vec![t(vec![u()]), t(vec![s("x")])])],
        "[?,\"x\"]",
    );
    check("join", vec![s(","), t(vec![u(), s("x")])], "?");
    check("upper", vec![u()], "?");
    check("format", vec![s("%s-%s"), u(), s("x")], "?");
    check(
        "formatlist",
        vec![s("%s!"), t(vec![u(), s("x")])],
        "[?,\"x!\"]",
    );
    check("coalesce", vec![u(), s("x")], "?");
    check("coalesce", vec![s("x"), u()], "\"x\"");
    check("jsonencode", vec![o(vec![("a", u())])], "?");
    check("tolist", vec![t(vec![u(), s("x")])], "[?,\"x\"]");
    check("contains", vec![t(vec![u(), s("x")]), s("x")], "true");
    check("contains", vec![t(vec![u(), s("x")]), s("y")], "?");
    check("distinct", vec![t(vec![u(), s("x")])], "?");
    check("compact", vec![t(vec![u(), s("")])], "?");
    check(
        "zipmap",
        vec![t(vec![s("a"), s("b")]), t(vec![u(), s("x")])],
        "{a=?,b=\"x\"}",
    );
    check("one", vec![t(vec![u()])], "?");
    check(
        "slice",
        vec![
            t(vec![u(), s("x"), s("y")]),
            Value::number(1),
            Value::number(3),
        ],
        "[\"x\",\"y\"]",
    );
    check("reverse", vec![t(vec![u(), s("x")])], "[\"x\",?]");
    check(
        "chunklist",
        vec![t(vec![u(), s("x"), s("y")]), Value::number(2)],
        "[[?,\"x\"],[\"y\"]]",
    );
    check("chunklist", vec![t(vec![u()]), Value::number(0)], "[[?]]");
    check("sort", vec![t(vec![u(), s("x")])], "[?,?]");
    check("setunion", vec![t(vec![u()]), t(vec![s("x")])], "[\"x\",?]");
    check(
        "setintersection",
        vec![t(vec![u(), s("x")]), t(vec![s("x")])],
        "?",
    );
    check(
        "setsubtract",
        vec![t(vec![u(), s("x")]), t(vec![s("x")])],
        "?",
    );
    check(
        "setproduct",
        vec![t(vec![u()]), t(vec![s("x")])],
        "[[?,\"x\"]]",
    );
    check("index", vec![t(vec![u(), s("x")]), s("x")], "?");
    check("alltrue", vec![t(vec![ub(), Value::bool(false)])], "?");
    check("anytrue", vec![t(vec![ub(), Value::bool(true)])], "true");
    check("transpose", vec![o(vec![("a", t(vec![u()]))])], "?");
    check(
        "matchkeys",
        vec![
            t(vec![s("a"), s("b")]),
            t(vec![u(), s("x")]),
            t(vec![s("x")]),
        ],
        "?",
    );
    check("tomap", vec![o(vec![("a", u())])], "{a=?}");
}
