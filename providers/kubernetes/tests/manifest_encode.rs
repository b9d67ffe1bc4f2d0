//! `provider::kubernetes::manifest_encode` writes the same YAML as
//! Terraform's provider: `tests/data/manifest_encode/expected.yaml` is what
//! `sigs.k8s.io/yaml` v1.4.0 `Marshal` (the library the provider calls)
//! wrote for each object of `cases.jsonl`, read as Go reads JSON (numbers
//! as float64). See that directory's README.

#![allow(clippy::unwrap_used)]

use terrane_provider_kubernetes::{functions, jsonval, yaml};
use terrane_value::Value;

const CASES: &str = include_str!("data/manifest_encode/cases.jsonl");
const EXPECTED: &str = include_str!("data/manifest_encode/expected.yaml");

fn cases() -> Vec<(serde_json::Value, &'static str)> {
    let inputs: Vec<serde_json::Value> = CASES
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let outputs: Vec<&str> = EXPECTED.split_terminator("=====\n").collect();
    assert_eq!(inputs.len(), outputs.len());
    inputs.into_iter().zip(outputs).collect()
}

#[test]
fn yaml_matches_sigs_k8s_io_yaml() {
    for (i, (input, want)) in cases().into_iter().enumerate() {
        let got = yaml::to_yaml(&input);
        if got != want {
            let first = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "case {i}: first difference at line {first}:\n got: {:?}\nwant: {:?}\n\nfull output:\n{got}",
                got.lines().nth(first),
                want.lines().nth(first)
            );
        }
    }
}

#[test]
fn manifest_encode_single_and_multiple() {
    let all = cases();
    let (one, want) = &all[all.len() - 1];
    let v = jsonval::from_json(one);
    let r = functions::call("manifest_encode", std::slice::from_ref(&v));
    assert!(r.error.is_none(), "{:?}", r.error);
    // Terraform's provider test expects exactly this for the same object.
    assert_eq!(
        r.result.as_str().unwrap(),
        "apiVersion: v1\ndata:\n  test: test\nkind: ConfigMap\nmetadata:\n  name: test\n  namespace: null\n"
    );
    assert_eq!(r.result.as_str().unwrap(), *want);
    // A list of objects: every document starts with `---`.
    let (two, want2) = &all[0];
    let list = Value::tuple(vec![v.clone(), jsonval::from_json(two)]);
    let r = functions::call("manifest_encode", &[list]);
    assert_eq!(
        r.result.as_str().unwrap(),
        format!("---\n{want}---\n{want2}")
    );
}
