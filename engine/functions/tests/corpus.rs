//! Data-driven conformance test: every function-call case of the Terraform
//! expression corpus (`data/functions.jsonl`) and of terrane's own recorded
//! cases (`data/terraform_extra.jsonl`), all results produced by Terraform
//! v1.11.4, whose expression uses only literals, function calls,
//! unary minus and arithmetic is evaluated through `terrane_functions::call`
//! and compared with Terraform's `jsonencode` text, `type()` text, or error
//! summary and detail. Cases listed in `data/known_failures.txt` may fail (they are
//! reported); any other failure fails the test, as does a listed case that
//! now passes (so the list only shrinks).

#![allow(clippy::unwrap_used)]

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, UnaryOperator};
use hcl_edit::Span;
use std::cell::RefCell;

thread_local! {
    static SRC: RefCell<String> = const { RefCell::new(String::new()) };
}
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use terrane_functions::{call, FuncContext};
use terrane_value::{Kind, Number, Type, Value};

enum Eval {
    Value(Value),
    Error(String, String),
    Unsupported(String),
}

fn eval(e: &Expression, ctx: &FuncContext) -> Eval {
    use Eval::*;
    match e {
        Expression::Null(_) => Value(terrane_value::Value::dynamic_null()),
        Expression::Bool(b) => Value(terrane_value::Value::bool(*b.value())),
        Expression::Number(n) => {
            let text = n
                .span()
                .and_then(|r| SRC.with(|s| s.borrow().get(r).map(str::to_string)))
                .unwrap_or_else(|| n.value().to_string());
            match Number::parse(&text) {
                Ok(x) => Value(terrane_value::Value::number(x)),
                Err(_) => Unsupported(format!("number {text}")),
            }
        }
        Expression::String(s) => Value(terrane_value::Value::string(s.value().clone())),
        Expression::StringTemplate(t) => {
            let mut out = String::new();
            for el in t.iter() {
                match el {
                    hcl_edit::template::Element::Literal(l) => out.push_str(l.value()),
                    _ => return Unsupported("template".into()),
                }
            }
            Value(terrane_value::Value::string(out))
        }
        Expression::Parenthesis(p) => eval(p.inner(), ctx),
        Expression::Array(a) => {
            let mut items = Vec::new();
            for x in a.iter() {
                match eval(x, ctx) {
                    Value(v) => items.push(v),
                    other => return other,
                }
            }
            Value(terrane_value::Value::tuple(items))
        }
        Expression::Object(o) => {
            let mut m = BTreeMap::new();
            for (k, v) in o.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.value().as_str().to_string(),
                    ObjectKey::Expression(x) => match eval(x, ctx) {
                        Value(v) => match &v.kind {
                            Kind::String(s) => s.clone(),
                            Kind::Number(n) => n.to_string(),
                            _ => return Unsupported("object key".into()),
                        },
                        other => return other,
                    },
                };
                match eval(v.expr(), ctx) {
                    Value(x) => {
                        m.insert(key, x);
                    }
                    other => return other,
                }
            }
            Value(terrane_value::Value::object(m))
        }
        Expression::UnaryOp(u) if *u.operator.value() == UnaryOperator::Neg => {
            match eval(&u.expr, ctx) {
                Value(v) => match v.as_number() {
                    Some(n) => Value(terrane_value::Value::number(n.neg())),
                    None => Unsupported("negation".into()),
                },
                other => other,
            }
        }
        Expression::BinaryOp(b) => {
            let (l, r) = match (eval(&b.lhs_expr, ctx), eval(&b.rhs_expr, ctx)) {
                (Value(l), Value(r)) => (l, r),
                _ => return Unsupported("operand".into()),
            };
            let (Some(l), Some(r)) = (l.as_number(), r.as_number()) else {
                return Unsupported("operation".into());
            };
            let out = match b.operator.value() {
                BinaryOperator::Plus => l.add(r),
                BinaryOperator::Minus => l.sub(r),
                BinaryOperator::Mul => l.mul(r),
                BinaryOperator::Div => match l.div(r) {
                    Ok(x) => x,
                    Err(_) => return Unsupported("division".into()),
                },
                _ => return Unsupported("operator".into()),
            };
            Value(terrane_value::Value::number(out))
        }
        Expression::FuncCall(f) => {
            let ns: Vec<&str> = f
                .name
                .namespace
                .iter()
                .map(|i| i.value().as_str())
                .collect();
            if !(ns.is_empty() || ns == ["core"]) {
                return Unsupported("namespace".into());
            }
            let name = f.name.name.value().as_str().to_string();
            if name == "can" || name == "try" {
                return Unsupported("evaluator function".into());
            }
            if ns == ["core"] && !terrane_functions::exists(&name) {
                return Error("Unknown provider function".into(), String::new());
            }
            let mut args = Vec::new();
            let n = f.args.len();
            for (i, x) in f.args.iter().enumerate() {
                let v = match eval(x, ctx) {
                    Value(v) => v,
                    other => return other,
                };
                if i + 1 == n && f.args.expand_final() {
                    match v.as_seq() {
                        Some(xs) => args.extend(xs.iter().cloned()),
                        None => return Unsupported("expansion".into()),
                    }
                } else {
                    args.push(v);
                }
            }
            match call(&name, args, ctx) {
                Ok(v) => Value(v),
                Err(e) => Error(e.summary, e.detail),
            }
        }
        _ => Unsupported("expression kind".into()),
    }
}

/// Terraform console's rendering of a type (`type()` output).
fn type_string(t: &Type, indent: usize) -> String {
    let pad = |n: usize| "    ".repeat(n);
    let simple = |t: &Type| !has_structure(t);
    match t {
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::Dynamic => "dynamic".into(),
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            let kw = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            if simple(e) {
                format!("{kw}({})", type_string(e, indent))
            } else {
                format!(
                    "{kw}(\n{}{},\n{})",
                    pad(indent + 1),
                    type_string(e, indent + 1),
                    pad(indent)
                )
            }
        }
        Type::Object { attrs, .. } => {
            if attrs.is_empty() {
                return "object({})".into();
            }
            let mut s = "object({\n".to_string();
            for (k, v) in attrs {
                s.push_str(&format!(
                    "{}{k}: {},\n",
                    pad(indent + 1),
                    type_string(v, indent + 1)
                ));
            }
            s.push_str(&format!("{}}})", pad(indent)));
            s
        }
        Type::Tuple(es) => {
            if es.is_empty() {
                return "tuple([])".into();
            }
            let mut s = "tuple([\n".to_string();
            for v in es {
                s.push_str(&format!(
                    "{}{},\n",
                    pad(indent + 1),
                    type_string(v, indent + 1)
                ));
            }
            s.push_str(&format!("{}])", pad(indent)));
            s
        }
    }
}

fn has_structure(t: &Type) -> bool {
    match t {
        Type::Object { attrs, .. } => !attrs.is_empty(),
        Type::Tuple(es) => !es.is_empty(),
        Type::List(e) | Type::Set(e) | Type::Map(e) => has_structure(e),
        _ => false,
    }
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn check(case: &serde_json::Value, ctx: &FuncContext) -> Result<(), String> {
    let expr_text = case["expr"].as_str().unwrap_or_default();
    let expr: Expression = expr_text.parse().map_err(|e| format!("SKIP parse: {e}"))?;
    SRC.with(|s| *s.borrow_mut() = expr_text.to_string());
    let want_err = case["error"].as_str();
    match eval(&expr, ctx) {
        Eval::Unsupported(what) => Err(format!("SKIP {what}")),
        Eval::Error(summary, detail) => match want_err {
            Some(w) if w == summary => {
                let want_detail = case["error_detail"].as_str().unwrap_or_default();
                // A Go stack trace follows panic messages; it cannot match.
                let want_detail = want_detail.split(" goroutine ").next().unwrap_or_default();
                if detail == want_detail || detail.is_empty() || want_detail.is_empty() {
                    Ok(())
                } else {
                    Err(format!("DETAIL {detail:?}, want {want_detail:?}"))
                }
            }
            Some(w) => Err(format!("error {summary:?} ({detail}), want {w:?}")),
            None => Err(format!("error {summary}: {detail}")),
        },
        Eval::Value(v) => {
            if let Some(w) = want_err {
                // The corpus evaluates jsonencode(EXPR): a value JSON cannot
                // hold (an infinity) fails there.
                if w == "Error in function call" && v.to_json_string().is_err() {
                    return Ok(());
                }
                return Err(format!("got a value, want error {w:?}"));
            }
            let want_ty = case["type"].as_str().unwrap_or_default();
            let got_ty = type_string(&v.ty(), 0);
            if let Some(top) = case["top_sensitive"].as_bool() {
                if v.is_sensitive() != top {
                    return Err(format!(
                        "top-level sensitive {}, want {top}",
                        v.is_sensitive()
                    ));
                }
            }
            if case["sensitive"].as_bool() == Some(true) {
                if !v.has_sensitive_deep() {
                    return Err("result not sensitive".into());
                }
            } else if case["unknown"].as_bool() == Some(true) {
                if v.is_wholly_known() {
                    return Err("result not unknown".into());
                }
            } else {
                let json = v.to_json_string().map_err(|e| format!("jsonencode: {e}"))?;
                let want_json = case["json_text"].as_str().unwrap_or_default();
                if json != want_json {
                    return Err(format!("json {json}, want {want_json}"));
                }
            }
            if got_ty != want_ty {
                return Err(format!("type {got_ty:?}, want {want_ty:?}"));
            }
            Ok(())
        }
    }
}

#[test]
fn terraform_function_corpus() {
    let dir = data_dir();
    let mut text = std::fs::read_to_string(dir.join("functions.jsonl")).unwrap();
    text.push_str(&std::fs::read_to_string(dir.join("terraform_extra.jsonl")).unwrap());
    let known: BTreeSet<String> = std::fs::read_to_string(dir.join("known_failures.txt"))
        .unwrap_or_default()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let mut ctx = FuncContext::new(dir.join("fixtures"));
    ctx.home_dir = Some(PathBuf::from("/home/tfconformance"));
    let mut groups: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = case["id"].as_str().unwrap_or_default().to_string();
        let group = case["group"].as_str().unwrap_or_default().to_string();
        let entry = groups.entry(group).or_default();
        match check(&case, &ctx) {
            Ok(()) => {
                entry.0 += 1;
                if known.contains(&id) {
                    fixed.push(id);
                }
            }
            Err(m) if m.starts_with("SKIP") => {
                println!("SKIP {id}: {m}");
                entry.2 += 1
            }
            Err(m) if m.starts_with("DETAIL") => {
                entry.1 += 1;
                println!("DETAIL {id}: {m}");
                if !known.contains(&id) {
                    unexpected.push(format!("{id}: {m}"));
                }
            }
            Err(m) => {
                entry.1 += 1;
                let line = format!("{id}: {} => {m}", case["expr"].as_str().unwrap_or_default());
                println!("FAIL {line}");
                if !known.contains(&id) {
                    unexpected.push(line);
                }
            }
        }
    }
    let (mut p, mut f, mut s) = (0, 0, 0);
    for (g, (gp, gf, gs)) in &groups {
        println!("{g:20} pass {gp:3} fail {gf:3} skip {gs:3}");
        p += gp;
        f += gf;
        s += gs;
    }
    println!("TOTAL pass {p} fail {f} skip {s}");
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        unexpected.join("\n")
    );
    assert!(
        fixed.is_empty(),
        "now passing, remove from known_failures.txt: {fixed:?}"
    );
}
