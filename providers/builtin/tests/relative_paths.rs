//! Relative `local_file` names resolve against the process working
//! directory, as in Terraform. (Its own test binary: it changes the
//! working directory of the whole process.)

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use terrane_provider::{ApplyChangeRequest, ConfigureRequest, PlanChangeRequest, ReadRequest};
use terrane_value::{Type, Value};

#[tokio::test]
async fn relative_filenames_use_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_current_dir(dir.path()).unwrap();
    let local = terrane_provider_builtin::by_source("hashicorp/local").unwrap();
    let cp = local
        .configure(ConfigureRequest {
            config: Value::empty_object(),
            terrane_version: "t".into(),
        })
        .await
        .provider
        .unwrap();
    let schema = &local.schema().resources["local_file"];
    let mut m: BTreeMap<String, Value> = schema
        .block
        .attributes
        .iter()
        .map(|(k, a)| (k.clone(), Value::null(a.ty.clone())))
        .collect();
    m.insert("filename".into(), Value::string("out/rel.txt"));
    m.insert("content".into(), Value::string("relative"));
    let cfg = Value::object(m);
    let plan = cp
        .plan_change(PlanChangeRequest {
            type_name: "local_file".into(),
            prior_state: Value::null(Type::Dynamic),
            proposed_new_state: cfg.clone(),
            config: cfg.clone(),
            prior_private: Vec::new(),
        })
        .await;
    let applied = cp
        .apply_change(ApplyChangeRequest {
            type_name: "local_file".into(),
            prior_state: Value::dynamic_null(),
            planned_state: plan.planned_state,
            config: cfg,
            planned_private: Vec::new(),
        })
        .await;
    assert!(
        !applied.diagnostics.has_errors(),
        "{:?}",
        applied.diagnostics
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/rel.txt")).unwrap(),
        "relative"
    );
    let read = cp
        .read(ReadRequest {
            type_name: "local_file".into(),
            current_state: applied.new_state.clone(),
            private: Vec::new(),
        })
        .await;
    assert_eq!(read.new_state, applied.new_state);
    assert!(terrane_provider_builtin::by_source("registry.terraform.io/hashicorp/time").is_some());
    assert!(terrane_provider_builtin::by_source("terraform.io/builtin/terraform").is_some());
    assert!(terrane_provider_builtin::by_source("hashicorp/aws").is_none());
}
