//! OpenTofu's extra functions (`base64gunzip`, `cidrcontains`,
//! `urldecode`), against the results OpenTofu's own tests expect
//! (`data/opentofu_only.jsonl`); Terraform does not have them, so they are
//! only callable with `FuncContext::opentofu_extras`.

#![allow(clippy::unwrap_used)]

use terrane_functions::{call, FuncContext};
use terrane_value::Value;

#[test]
fn extras_match_opentofu() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/opentofu_only.jsonl"
    ))
    .unwrap();
    let ctx = FuncContext {
        opentofu_extras: true,
        ..FuncContext::default()
    };
    let mut n = 0;
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let expr = case["expr"].as_str().unwrap();
        let (name, rest) = expr.split_once('(').unwrap();
        let args: Vec<Value> = rest
            .trim_end_matches(')')
            .split(", ")
            .map(|a| Value::string(a.trim_matches('"')))
            .collect();
        let got = call(name, args.clone(), &ctx).unwrap();
        let want = &case["want"];
        match want {
            serde_json::Value::Bool(b) => assert_eq!(got.as_bool(), Some(*b), "{expr}"),
            other => assert_eq!(got.as_str(), other.as_str(), "{expr}"),
        }
        assert!(
            call(name, args, &FuncContext::default()).is_err(),
            "{name} without extras"
        );
        n += 1;
    }
    assert_eq!(n, 3);
}
