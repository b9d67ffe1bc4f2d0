//! Every built-in's parameters (names, types, nullability, variadic
//! parameter) match what `terraform metadata functions -json` (v1.11.4)
//! declares: the names appear in Terraform's error messages and the types
//! drive argument conversion.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use terrane_functions::{names, signature, ParamInfo};
use terrane_value::Type;

fn ty(j: &serde_json::Value) -> Type {
    match j {
        serde_json::Value::String(s) => match s.as_str() {
            "string" => Type::String,
            "number" => Type::Number,
            "bool" => Type::Bool,
            _ => Type::Dynamic,
        },
        serde_json::Value::Array(a) => {
            let kind = a[0].as_str().unwrap();
            match kind {
                "list" => Type::list(ty(&a[1])),
                "set" => Type::set(ty(&a[1])),
                "map" => Type::map(ty(&a[1])),
                "tuple" => Type::Tuple(a[1].as_array().unwrap().iter().map(ty).collect()),
                _ => Type::object(
                    a[1].as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), ty(v)))
                        .collect::<BTreeMap<_, _>>(),
                ),
            }
        }
        _ => Type::Dynamic,
    }
}

fn check_param(
    func: &str,
    mine: &ParamInfo,
    theirs: &serde_json::Value,
    problems: &mut Vec<String>,
) {
    let name = theirs["name"].as_str().unwrap();
    if mine.name != name {
        problems.push(format!(
            "{func}: parameter {:?}, Terraform calls it {name:?}",
            mine.name
        ));
    }
    let want = ty(&theirs["type"]);
    if mine.ty != want {
        problems.push(format!(
            "{func}.{name}: type {}, Terraform {}",
            mine.ty, want
        ));
    }
    let nullable = theirs["is_nullable"].as_bool().unwrap_or(false);
    if mine.nullable != nullable {
        problems.push(format!(
            "{func}.{name}: nullable {}, Terraform {nullable}",
            mine.nullable
        ));
    }
}

#[test]
fn parameters_match_terraform_metadata() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/terraform_functions_metadata.json"
    );
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sigs = meta["function_signatures"].as_object().unwrap();
    let mut problems = Vec::new();
    let evaluator_owned = ["can", "try", "templatefile", "templatestring"];
    let mut compared = 0;
    for (func, s) in sigs {
        if func.contains("::") || evaluator_owned.contains(&func.as_str()) {
            continue;
        }
        let Some(mine) = signature(func) else {
            problems.push(format!("{func}: missing"));
            continue;
        };
        compared += 1;
        let params = s["parameters"].as_array().cloned().unwrap_or_default();
        if params.len() != mine.params.len() {
            problems.push(format!(
                "{func}: {} parameters, Terraform {}",
                mine.params.len(),
                params.len()
            ));
            continue;
        }
        for (m, t) in mine.params.iter().zip(&params) {
            check_param(func, m, t, &mut problems);
        }
        match (&mine.variadic, s.get("variadic_parameter")) {
            (Some(m), Some(t)) => check_param(func, m, t, &mut problems),
            (None, None) => {}
            (m, t) => problems.push(format!(
                "{func}: variadic {:?} vs Terraform {:?}",
                m.as_ref().map(|p| p.name),
                t.map(|t| &t["name"])
            )),
        }
    }
    for n in names() {
        if !sigs.contains_key(n) && !["list", "map"].contains(&n) {
            problems.push(format!("{n}: not a Terraform 1.11 function"));
        }
    }
    assert_eq!(
        compared, 114,
        "every Terraform built-in but the evaluator's four"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
