#![allow(clippy::unwrap_used)]
//! A saved plan keeps its check statuses: `show -json PLANFILE` reports
//! them from the file, and apply starts from the plan's objects.

use std::collections::BTreeMap;
use terrane_core::plan::{Plan, PlanMode};
use terrane_core::planfile::{from_bytes, to_bytes};
use terrane_state::{CheckObjectResult, CheckResult};

fn plan(checks: Option<Vec<CheckResult>>) -> Plan {
    Plan {
        mode: PlanMode::Normal,
        variables: BTreeMap::new(),
        changes: Vec::new(),
        drift: Vec::new(),
        outputs: BTreeMap::new(),
        prior_serial: 3,
        prior_lineage: "l".into(),
        targets: Vec::new(),
        errored: false,
        checks,
    }
}

fn object(addr: &str, status: &str, messages: &[&str]) -> CheckObjectResult {
    CheckObjectResult {
        object_addr: addr.into(),
        status: status.into(),
        failure_messages: messages.iter().map(|m| m.to_string()).collect(),
        extra: Default::default(),
    }
}

#[test]
fn check_statuses_survive_the_plan_file() {
    let checks = vec![
        CheckResult {
            object_kind: "check".into(),
            config_addr: "check.c".into(),
            status: "fail".into(),
            objects: Some(vec![object("check.c", "fail", &["went wrong"])]),
            extra: Default::default(),
        },
        CheckResult {
            object_kind: "resource".into(),
            config_addr: "terraform_data.none".into(),
            status: "pass".into(),
            objects: None,
            extra: Default::default(),
        },
        CheckResult {
            object_kind: "resource".into(),
            config_addr: "module.m.terraform_data.r".into(),
            status: "unknown".into(),
            objects: Some(vec![
                object("module.m[0].terraform_data.r[0]", "unknown", &[]),
                object("module.m[1].terraform_data.r[0]", "pass", &[]),
            ]),
            extra: Default::default(),
        },
    ];
    let p = plan(Some(checks));
    assert_eq!(from_bytes(&to_bytes(&p)).unwrap(), p);
    let none = plan(None);
    assert_eq!(from_bytes(&to_bytes(&none)).unwrap(), none);
}

#[test]
fn malformed_checks_are_refused() {
    let mut j: serde_json::Value = serde_json::from_slice(&to_bytes(&plan(None))).unwrap();
    j["checks"] = serde_json::json!([{"object_kind": 3}]);
    let err = from_bytes(j.to_string().as_bytes()).unwrap_err();
    assert!(err.to_string().contains("checks"), "{err}");
}
