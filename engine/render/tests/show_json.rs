//! `show -json` golden tests: terrane's JSON for plans Terraform made,
//! compared byte for byte with Terraform's `terraform show -json` (section
//! by section, so a difference names its section), plus state `show -json`
//! and `output -json`.
#![allow(clippy::unwrap_used)]

mod common;

use serde_json::Value as J;
use terrane_render::config_json::Configuration;
use terrane_render::gojson;
use terrane_render::show_json::{
    output_json_text, plan_json, render_state, state_json, PlanJsonInput,
};
use terrane_state::StateFile;
use terrane_value::Path;

fn relevant(doc: &J) -> Vec<(String, Path)> {
    doc.get("relevant_attributes")
        .and_then(J::as_array)
        .map(|xs| {
            xs.iter()
                .map(|x| {
                    let mut p = Path::root();
                    for s in x["attribute"].as_array().unwrap() {
                        p = match s {
                            J::String(a) => p.attr(a.clone()),
                            J::Number(n) => p.index(n.as_u64().unwrap()),
                            _ => p,
                        };
                    }
                    (x["resource"].as_str().unwrap().to_string(), p)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn plan_json_matches_terraform() {
    let schemas = common::schemas();
    let mut failures = Vec::new();
    let names = common::case_names();
    for case in &names {
        let text = common::read(case, "plan.json").unwrap();
        let doc: J = serde_json::from_str(&text).unwrap();
        let plan = common::load_case(case);
        let mut prior = common::read(case, "prior.tfstate").map(|s| {
            let mut st = StateFile::from_slice(s.as_bytes(), "prior.tfstate").unwrap();
            common::apply_moves(&mut st, &plan);
            st
        });
        if plan.changes.iter().any(|c| c.importing.is_some()) {
            let st = prior.get_or_insert_with(|| StateFile::new("1.11.4"));
            common::add_imports(st, &plan);
        }
        let config: Option<Configuration> = doc
            .get("configuration")
            .map(|c| serde_json::from_value(c.clone()).unwrap());
        let rel = relevant(&doc);
        let input = PlanJsonInput {
            plan: &plan,
            schemas: &schemas,
            terraform_version: doc["terraform_version"].as_str().unwrap(),
            timestamp: doc["timestamp"].as_str().unwrap(),
            prior_state: prior.as_ref(),
            configuration: config.as_ref(),
            relevant_attributes: &rel,
        };
        let got = plan_json(&input).unwrap();
        let want_keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        let got_keys: Vec<&String> = got.as_object().unwrap().keys().collect();
        if want_keys != got_keys {
            failures.push(format!("{case}: keys {got_keys:?} != {want_keys:?}"));
            continue;
        }
        for k in want_keys {
            let (w, g) = (gojson::to_string(&doc[k]), gojson::to_string(&got[k]));
            if w != g {
                failures.push(format!("{case}: {k}\n  want {w}\n  got  {g}"));
            }
        }
        // Whole document, byte for byte, newline included.
        let whole = format!("{}\n", gojson::to_string(&got));
        if failures.is_empty() && whole != text {
            failures.push(format!("{case}: whole document differs"));
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    assert!(failures.is_empty(), "{} differences", failures.len());
    eprintln!(
        "show -json: {}/{} plans match byte for byte",
        names.len(),
        names.len()
    );
}

#[test]
fn state_and_output_json_match_terraform() {
    let mut checked = 0;
    for case in common::case_names() {
        let Some(state_text) = common::read(&case, "applied.tfstate") else {
            continue;
        };
        let state = StateFile::from_slice(state_text.as_bytes(), "t.tfstate").unwrap();
        let want = common::read(&case, "state.json").unwrap();
        let doc: J = serde_json::from_str(&want).unwrap();
        let got = state_json(
            &state,
            doc["terraform_version"].as_str().unwrap(),
            &common::schemas(),
        )
        .unwrap();
        assert_eq!(format!("{}\n", gojson::to_string(&got)), want, "{case}");
        assert_eq!(
            output_json_text(&state).unwrap(),
            common::read(&case, "output.json").unwrap(),
            "{case}"
        );
        if let Some(want) = common::read(&case, "state.txt") {
            let got = render_state(&state, &common::schemas(), Default::default()).unwrap();
            assert_eq!(got, want, "{case}: terraform show");
        }
        checked += 1;
    }
    assert!(checked >= 3);
}
