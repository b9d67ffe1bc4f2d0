//! The Terraform 1.15.5 reference outputs shipped with the project
//! (tests/golden/reference-1.15.5, copied from /work/shared/reference):
//! plan text and `show -json` of a fresh plan and a change plan, state
//! `show -json` and `output -json`, compared byte for byte.
#![allow(clippy::unwrap_used)]

mod common;

use serde_json::Value as J;
use std::path::PathBuf;
use terrane_core::plan::PlanMode;
use terrane_render::config_json::Configuration;
use terrane_render::gojson;
use terrane_render::plan_text::{plan_trailer, render_plan, RenderOptions};
use terrane_render::show_json::{output_json_text, plan_json, state_json, PlanJsonInput};
use terrane_state::StateFile;
use terrane_value::Path;

fn read(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/reference-1.15.5")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn strip_refresh(text: &str) -> String {
    text.split_inclusive('\n')
        .skip_while(|l| l.contains(": Refreshing state..."))
        .collect()
}

#[test]
fn reference_plans_match() {
    for (name, saved, prior) in [
        ("plan_fresh", "fresh.tfplan", None),
        ("plan_change", "change.tfplan", Some("terraform.tfstate")),
    ] {
        let json_text = read(&format!("{name}.show.json"));
        let doc: J = serde_json::from_str(&json_text).unwrap();
        let plan = common::plan_from_show_json(&doc, PlanMode::Normal);
        let o = RenderOptions::terraform();
        let mut text = render_plan(&plan, &common::schemas(), &o);
        text.push_str(&plan_trailer(&plan, Some(saved), &o));
        assert_eq!(
            text,
            strip_refresh(&read(&format!("{name}.txt"))),
            "{name} text"
        );

        let prior = prior.map(|p| StateFile::from_slice(read(p).as_bytes(), p).unwrap());
        let config: Configuration = serde_json::from_value(doc["configuration"].clone()).unwrap();
        let rel: Vec<(String, Path)> = doc["relevant_attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let mut p = Path::root();
                for s in x["attribute"].as_array().unwrap() {
                    if let Some(a) = s.as_str() {
                        p = p.attr(a);
                    }
                }
                (x["resource"].as_str().unwrap().to_string(), p)
            })
            .collect();
        let input = PlanJsonInput {
            plan: &plan,
            schemas: &common::schemas(),
            terraform_version: "1.15.5",
            timestamp: doc["timestamp"].as_str().unwrap(),
            prior_state: prior.as_ref(),
            configuration: Some(&config),
            relevant_attributes: &rel,
        };
        let got = plan_json(&input).unwrap();
        for k in doc.as_object().unwrap().keys() {
            assert_eq!(
                gojson::to_string(&got[k]),
                gojson::to_string(&doc[k]),
                "{name}: {k}"
            );
        }
        assert_eq!(
            format!("{}\n", gojson::to_string(&got)),
            json_text,
            "{name}"
        );
    }
}

#[test]
fn reference_state_and_outputs_match() {
    let state = StateFile::from_slice(read("terraform.tfstate").as_bytes(), "s").unwrap();
    let got = state_json(&state, "1.15.5", &common::schemas()).unwrap();
    assert_eq!(
        format!("{}\n", gojson::to_string(&got)),
        read("state.show.json")
    );
    assert_eq!(output_json_text(&state).unwrap(), read("output.json"));
}

#[test]
fn reference_ui_stream_matches() {
    use terrane_render::ui_json::{self, Operation, UiFormat};
    let want = read("plan_fresh.ui.jsonl");
    let doc: J = serde_json::from_str(&read("plan_fresh.show.json")).unwrap();
    let plan = common::plan_from_show_json(&doc, PlanMode::Normal);
    let lines: Vec<&str> = want.lines().collect();
    let ts = |i: usize| -> String {
        let v: J = serde_json::from_str(lines[i]).unwrap();
        v["@timestamp"].as_str().unwrap().to_string()
    };
    // Terraform reported the planned changes in dependency order.
    let order = [
        "terraform_data.network",
        "terraform_data.db",
        "terraform_data.app[0]",
        "terraform_data.app[1]",
        "terraform_data.lb",
    ];
    let mut got = vec![ui_json::version(
        "Terraform",
        "1.15.5",
        UiFormat::V1_3,
        &ts(0),
    )];
    for (i, addr) in order.iter().enumerate() {
        let rc = plan.changes.iter().find(|c| c.address == *addr).unwrap();
        got.push(ui_json::planned_change(rc, false, &ts(i + 1)).unwrap());
    }
    let (add, change, remove) = plan.summary_counts();
    got.push(ui_json::change_summary(
        UiFormat::V1_3,
        Operation::Plan,
        add,
        change,
        0,
        remove,
        &ts(6),
    ));
    got.push(ui_json::planned_outputs(&plan.outputs, &ts(7)).unwrap());
    assert_eq!(got.join("\n") + "\n", want);
}

#[test]
fn reference_show_of_plan_matches() {
    // `terraform show PLAN` prints the plan text without the trailer.
    let doc: J = serde_json::from_str(&read("plan_fresh.show.json")).unwrap();
    let plan = common::plan_from_show_json(&doc, PlanMode::Normal);
    let text = render_plan(&plan, &common::schemas(), &RenderOptions::terraform());
    assert_eq!(text, read("plan_fresh.show.txt"));
}

#[test]
fn reference_configuration_matches() {
    let text = read("main.tf");
    let (module, _) = terrane_config::load_module_from_sources(vec![("main.tf".into(), text)]);
    let config = terrane_config::Config {
        path: terrane_addrs::ModulePath::root(),
        module: module.unwrap(),
        children: Default::default(),
    };
    let got = terrane_render::config_build::configuration(&config, &common::schemas());
    let doc: J = serde_json::from_str(&read("plan_fresh.show.json")).unwrap();
    assert_eq!(
        gojson::to_string(&serde_json::to_value(got).unwrap()),
        gojson::to_string(&doc["configuration"])
    );
}
