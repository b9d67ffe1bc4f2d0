//! Apply output golden tests: progress lines, the summary and the Outputs
//! block, rebuilt from the plan and the applied state and compared with
//! what `terraform apply` printed (progress lines as a multiset, since
//! their order depends on concurrency; the tail byte for byte).
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;
use terrane_core::plan::Action;
use terrane_render::apply::{
    apply_summary, outputs_block, post_apply_line, pre_apply_line, state_outputs, ApplyCounts,
    ApplyOp,
};
use terrane_render::plan_text::RenderOptions;
use terrane_state::StateFile;
use terrane_value::Value;

fn id_object(id: &str) -> Value {
    Value::object(
        [("id".to_string(), Value::string(id))]
            .into_iter()
            .collect(),
    )
}

#[test]
fn apply_output_matches_terraform() {
    let mut checked = 0;
    for case in common::case_names() {
        let Some(text) = common::read(&case, "apply.txt") else {
            continue;
        };
        let o = RenderOptions {
            colors: terrane_render::Colors::new(common::read(&case, "color").is_some()),
            ..RenderOptions::terraform()
        };
        let plan = common::load_case(&case);
        let state_text = common::read(&case, "applied.tfstate").unwrap();
        let state = StateFile::from_slice(state_text.as_bytes(), "s").unwrap();
        // New ids by address, from the applied state.
        let mut ids = BTreeMap::new();
        for r in &state.resources {
            for inst in &r.instances {
                let v = inst.attributes_value().unwrap();
                let key = match &inst.index_key {
                    Some(terrane_state::InstanceKey::Int(i)) => format!("[{i}]"),
                    Some(terrane_state::InstanceKey::Str(s)) => format!("[{s:?}]"),
                    None => String::new(),
                };
                let addr = format!("{}.{}{key}", r.resource_type, r.name);
                ids.insert(addr, v["id"].as_str().unwrap().to_string());
            }
        }
        let deposed_of = |addr: &str| -> String {
            let marker = format!("{addr} (deposed object ");
            let line = text.lines().find(|l| l.starts_with(&marker)).unwrap();
            line[marker.len()..marker.len() + 8].to_string()
        };
        let mut want = Vec::new();
        let mut counts = ApplyCounts::default();
        let zero = Duration::from_secs(0);
        for rc in &plan.changes {
            let new = id_object(ids.get(&rc.address).map_or("", String::as_str));
            let create = |want: &mut Vec<String>| {
                want.push(pre_apply_line(
                    &rc.address,
                    None,
                    ApplyOp::Create,
                    &Value::dynamic_null(),
                    &o,
                ));
                want.push(post_apply_line(
                    &rc.address,
                    None,
                    ApplyOp::Create,
                    zero,
                    &new,
                    &o,
                ));
            };
            match rc.action {
                Action::Create => {
                    counts.added += 1;
                    create(&mut want);
                }
                Action::Update => {
                    counts.changed += 1;
                    want.push(pre_apply_line(
                        &rc.address,
                        None,
                        ApplyOp::Update,
                        &rc.before,
                        &o,
                    ));
                    want.push(post_apply_line(
                        &rc.address,
                        None,
                        ApplyOp::Update,
                        zero,
                        &new,
                        &o,
                    ));
                }
                Action::CreateThenDelete => {
                    counts.added += 1;
                    counts.destroyed += 1;
                    create(&mut want);
                    let dk = deposed_of(&rc.address);
                    want.push(pre_apply_line(
                        &rc.address,
                        Some(&dk),
                        ApplyOp::Delete,
                        &rc.before,
                        &o,
                    ));
                    want.push(post_apply_line(
                        &rc.address,
                        None,
                        ApplyOp::Delete,
                        zero,
                        &Value::dynamic_null(),
                        &o,
                    ));
                }
                Action::NoOp => {}
                other => panic!("unexpected action {other:?} in apply case"),
            }
        }
        let outputs = state_outputs(&state).unwrap();
        let expected_tail = format!(
            "{}{}",
            apply_summary(counts, false, &o),
            outputs_block(&outputs, &o)
        );
        assert!(
            text.ends_with(&expected_tail),
            "{case}: summary and outputs\n--- want\n{expected_tail:?}\n--- text\n{text:?}"
        );
        let progress = &text[..text.len() - expected_tail.len()];
        let mut got: Vec<String> = progress.lines().map(String::from).collect();
        got.sort();
        want.sort();
        assert_eq!(want, got, "{case}: progress lines");
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn destroy_summary() {
    let o = RenderOptions::terraform();
    let c = ApplyCounts {
        destroyed: 6,
        ..ApplyCounts::default()
    };
    assert_eq!(
        apply_summary(c, true, &o),
        "\nDestroy complete! Resources: 6 destroyed.\n"
    );
}
