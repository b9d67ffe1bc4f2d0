//! Odd inputs, type conversion and size limits.

use crate::support::*;
use std::collections::BTreeMap;
use terrane_provider::{
    ApplyChangeRequest, ConfigKind, ConfigureRequest, ImportRequest, PlanChangeRequest,
    ReadRequest, ValidateRequest,
};
use terrane_provider_builtin::all;
use terrane_value::{Kind, Type, Value};

/// No input shape makes a provider panic: every verb answers with
/// diagnostics instead.
#[tokio::test]
async fn odd_inputs_give_diagnostics_not_panics() {
    let odd = vec![
        Value::dynamic_null(),
        Value::unknown(Type::Dynamic),
        s("not an object"),
        Value::empty_object(),
        Value::object(BTreeMap::from([
            ("length".to_string(), s("x")),
            ("byte_length".to_string(), n(-1)),
        ])),
    ];
    for p in all() {
        let cp = p
            .configure(ConfigureRequest {
                config: Value::dynamic_null(),
                terrane_version: "t".into(),
            })
            .await
            .provider
            .unwrap();
        let mut types: Vec<String> = p.schema().resources.keys().cloned().collect();
        types.push("no_such_type".into());
        for ty in &types {
            for v in &odd {
                for prior in &odd {
                    let _ = p.validate(ValidateRequest {
                        kind: ConfigKind::Resource,
                        type_name: ty.clone(),
                        config: v.clone(),
                    });
                    let _ = cp
                        .plan_change(PlanChangeRequest {
                            type_name: ty.clone(),
                            prior_state: prior.clone(),
                            proposed_new_state: v.clone(),
                            config: v.clone(),
                            prior_private: Vec::new(),
                        })
                        .await;
                    if ty != "time_sleep" {
                        let _ = cp
                            .apply_change(ApplyChangeRequest {
                                type_name: ty.clone(),
                                prior_state: prior.clone(),
                                planned_state: v.clone(),
                                config: v.clone(),
                                planned_private: Vec::new(),
                            })
                            .await;
                    }
                    let _ = cp
                        .read(ReadRequest {
                            type_name: ty.clone(),
                            current_state: v.clone(),
                            private: Vec::new(),
                        })
                        .await;
                }
            }
            for id in [
                "",
                ",",
                "a,b,c,d,e,f,g,h",
                "-1,x,y",
                "2020-01-01T00:00:00Z,,,,,,",
            ] {
                let _ = cp
                    .import(ImportRequest {
                        type_name: ty.clone(),
                        id: id.into(),
                    })
                    .await;
            }
        }
        for ty in p.schema().data_sources.keys() {
            for v in &odd {
                let _ = p.validate(ValidateRequest {
                    kind: ConfigKind::DataSource,
                    type_name: ty.clone(),
                    config: v.clone(),
                });
                let r = cp
                    .read_data_source(terrane_provider::ReadDataSourceRequest {
                        type_name: ty.clone(),
                        config: v.clone(),
                    })
                    .await;
                if !v.is_known() || !matches!(v.kind, Kind::Object(_)) {
                    assert!(r.diagnostics.has_errors(), "{ty} with {v:?}");
                }
            }
        }
        let unknown = cp.plan_change(PlanChangeRequest {
            type_name: "no_such_type".into(),
            prior_state: Value::dynamic_null(),
            proposed_new_state: Value::empty_object(),
            config: Value::empty_object(),
            prior_private: Vec::new(),
        });
        assert!(unknown.await.diagnostics.has_errors());
    }
    // An unknown length plans unknown results rather than failing.
    let cp = configured(&terrane_provider_builtin::random()).await;
    let cfg = config(
        "random_string",
        vec![("length", Value::unknown(Type::Number))],
    );
    let p = plan(cp.as_ref(), "random_string", &Value::dynamic_null(), &cfg).await;
    assert!(!p.diagnostics.has_errors());
    assert!(matches!(
        attr(&p.planned_state, "result").kind,
        Kind::Unknown(_)
    ));
}
