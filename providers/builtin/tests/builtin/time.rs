//! The time provider and its functions.

use crate::support::*;
use std::collections::BTreeMap;
use terrane_provider::{ApplyChangeRequest, ConfigKind, ImportRequest, Provider, ValidateRequest};
use terrane_value::{Type, Value};

#[tokio::test]
async fn time_sleep_really_waits() {
    let start = std::time::Instant::now();
    let (cp, _, st) = create(
        "time_sleep",
        vec![
            ("create_duration", s("300ms")),
            ("destroy_duration", s("0.2s")),
        ],
    )
    .await;
    assert!(
        start.elapsed() >= std::time::Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    assert!(chrono::DateTime::parse_from_rfc3339(text(&st, "id")).is_ok());
    let start = std::time::Instant::now();
    apply(
        cp.as_ref(),
        "time_sleep",
        &st,
        &Value::dynamic_null(),
        &Value::dynamic_null(),
    )
    .await;
    assert!(start.elapsed() >= std::time::Duration::from_millis(200));
    // Changing the duration alone is an in-place update that keeps the id.
    let cfg = config("time_sleep", vec![("create_duration", s("1s"))]);
    let p = plan(cp.as_ref(), "time_sleep", &st, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert_eq!(attr(&p.planned_state, "id"), attr(&st, "id"));
    let bad = terrane_provider_builtin::time().validate(ValidateRequest {
        kind: ConfigKind::Resource,
        type_name: "time_sleep".into(),
        config: config("time_sleep", vec![]),
    });
    assert!(bad.diagnostics.has_errors());
    let bad = terrane_provider_builtin::time().validate(ValidateRequest {
        kind: ConfigKind::Resource,
        type_name: "time_sleep".into(),
        config: config("time_sleep", vec![("create_duration", s("1h30m"))]),
    });
    assert!(bad.diagnostics.has_errors());
    let imp = cp
        .import(ImportRequest {
            type_name: "time_sleep".into(),
            id: "1s,".into(),
        })
        .await;
    assert_eq!(text(&imp.imported[0].state, "create_duration"), "1s");
    assert!(attr(&imp.imported[0].state, "destroy_duration").is_null());
}

#[tokio::test]
async fn time_static_known_at_plan_when_configured() {
    let cp = configured(&terrane_provider_builtin::time()).await;
    let cfg = config(
        "time_static",
        vec![("rfc3339", s("2021-03-04T05:06:07+02:00"))],
    );
    let p = plan(cp.as_ref(), "time_static", &Value::dynamic_null(), &cfg).await;
    assert!(p.planned_state.is_wholly_known(), "{:?}", p.planned_state);
    assert_eq!(attr(&p.planned_state, "hour"), &n(5));
    assert_eq!(attr(&p.planned_state, "unix"), &n(1_614_827_167));
    let (_, _, st) = create("time_static", vec![]).await;
    let t = text(&st, "rfc3339");
    assert!(t.ends_with('Z') && t.len() == 20, "{t}");
    assert_eq!(text(&st, "id"), t);
    let imp = cp
        .import(ImportRequest {
            type_name: "time_static".into(),
            id: "2020-01-02T03:04:05Z".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(attr(st, "year"), &n(2020));
    assert_eq!(
        attr(st, "triggers"),
        &Value::map(Type::String, BTreeMap::new())
    );
}

#[tokio::test]
async fn time_rotating_expires_and_updates() {
    let (cp, _, st) = create(
        "time_rotating",
        vec![
            ("rfc3339", s("2020-01-31T00:00:00Z")),
            ("rotation_months", n(1)),
        ],
    )
    .await;
    assert_eq!(
        text(&st, "rotation_rfc3339"),
        "2020-03-02T00:00:00Z",
        "Go AddDate normalisation"
    );
    assert_eq!(attr(&st, "month"), &n(3));
    assert_eq!(text(&st, "id"), "2020-01-31T00:00:00Z");
    // Past its rotation time: read says gone, plan says replace.
    assert!(read(cp.as_ref(), "time_rotating", &st).await.is_null());
    let cfg = config(
        "time_rotating",
        vec![
            ("rfc3339", s("2020-01-31T00:00:00Z")),
            ("rotation_months", n(1)),
        ],
    );
    let p = plan(cp.as_ref(), "time_rotating", &st, &cfg).await;
    assert_eq!(replaced(&p), vec!["rotation_rfc3339"]);
    // A fresh one far from rotation: read keeps it; changing the rotation
    // period is an update with the new rotation time known at plan.
    let (cp, _, st) = create("time_rotating", vec![("rotation_years", n(5))]).await;
    assert_eq!(read(cp.as_ref(), "time_rotating", &st).await, st);
    let cfg = config("time_rotating", vec![("rotation_years", n(6))]);
    let p = plan(cp.as_ref(), "time_rotating", &st, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert!(p.planned_state.is_wholly_known());
    assert_eq!(attr(&p.planned_state, "id"), attr(&st, "id"));
    let year = attr(&st, "year").as_number().unwrap().to_i64().unwrap();
    assert_eq!(attr(&p.planned_state, "year"), &n(year + 1));
    let imp = cp
        .import(ImportRequest {
            type_name: "time_rotating".into(),
            id: "2020-01-01T00:00:00Z,,,7,,".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "rotation_rfc3339"),
        "2020-01-08T00:00:00Z"
    );
    let imp = cp
        .import(ImportRequest {
            type_name: "time_rotating".into(),
            id: "2020-01-01T00:00:00Z,2021-01-01T00:00:00Z".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "rotation_rfc3339"),
        "2021-01-01T00:00:00Z"
    );
}

#[tokio::test]
async fn time_offset_values() {
    let (cp, _, st) = create(
        "time_offset",
        vec![
            ("base_rfc3339", s("2020-12-31T23:00:00Z")),
            ("offset_hours", n(2)),
            ("offset_days", n(1)),
        ],
    )
    .await;
    assert_eq!(text(&st, "rfc3339"), "2021-01-02T01:00:00Z");
    assert_eq!(text(&st, "id"), "2020-12-31T23:00:00Z");
    let cfg = config(
        "time_offset",
        vec![
            ("base_rfc3339", s("2020-12-31T23:00:00Z")),
            ("offset_hours", n(3)),
            ("offset_days", n(1)),
        ],
    );
    let p = plan(cp.as_ref(), "time_offset", &st, &cfg).await;
    assert!(p.requires_replace.is_empty());
    assert_eq!(text(&p.planned_state, "rfc3339"), "2021-01-02T02:00:00Z");
    let imp = cp
        .import(ImportRequest {
            type_name: "time_offset".into(),
            id: "2020-01-01T00:00:00Z,1,,,,,30".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "rfc3339"),
        "2021-01-01T00:00:30Z"
    );
}

#[test]
fn provider_functions() {
    use terrane_provider::CallFunctionRequest;
    let time = terrane_provider_builtin::time();
    let names: Vec<&String> = time.schema().functions.keys().collect();
    assert_eq!(
        names,
        vec!["duration_parse", "rfc3339_parse", "unix_timestamp_parse"]
    );
    let r = time.call_function(CallFunctionRequest {
        name: "rfc3339_parse".into(),
        args: vec![s("2024-02-29T12:34:56+01:00")],
    });
    assert!(r.error.is_none());
    assert_eq!(attr(&r.result, "hour"), &n(12));
    assert_eq!(attr(&r.result, "weekday_name"), &s("Thursday"));
    let r = time.call_function(CallFunctionRequest {
        name: "duration_parse".into(),
        args: vec![s("nope")],
    });
    assert_eq!(r.error.unwrap().1, Some(0));
    let r = time.call_function(CallFunctionRequest {
        name: "duration_parse".into(),
        args: vec![Value::unknown(Type::String)],
    });
    assert!(r.error.is_none() && !r.result.is_known());
    let r = time.call_function(CallFunctionRequest {
        name: "duration_parse".into(),
        args: vec![],
    });
    assert!(r.error.is_some());
    let r = time.call_function(CallFunctionRequest {
        name: "missing".into(),
        args: vec![],
    });
    assert!(r.error.is_some());

    let local = terrane_provider_builtin::local();
    let dir = tempfile::tempdir().unwrap();
    let call = |p: &str| {
        local.call_function(CallFunctionRequest {
            name: "direxists".into(),
            args: vec![s(p)],
        })
    };
    assert_eq!(
        call(&dir.path().to_string_lossy()).result,
        Value::bool(true)
    );
    assert_eq!(
        call(&dir.path().join("nope").to_string_lossy()).result,
        Value::bool(false)
    );
    let file = dir.path().join("f");
    std::fs::write(&file, "x").unwrap();
    assert!(call(&file.to_string_lossy()).error.is_some());
}

/// Configuration values arrive converted to the schema's types, as
/// Terraform converts them: an object literal for a map, a numeric string
/// for a number.
#[tokio::test]
async fn config_is_converted_to_schema_types() {
    let cp = configured(&terrane_provider_builtin::random()).await;
    let keepers = Value::object(BTreeMap::from([("a".to_string(), s("1"))]));
    let cfg = config(
        "random_string",
        vec![("length", s("8")), ("keepers", keepers)],
    );
    let p = plan(cp.as_ref(), "random_string", &Value::dynamic_null(), &cfg).await;
    assert!(!p.diagnostics.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(attr(&p.planned_state, "length"), &n(8));
    assert_eq!(attr(&p.planned_state, "keepers"), &smap(&[("a", "1")]));
    let st = apply(
        cp.as_ref(),
        "random_string",
        &Value::dynamic_null(),
        &p.planned_state,
        &cfg,
    )
    .await;
    assert_eq!(text(&st, "result").len(), 8);
    let bad = config("random_string", vec![("length", s("eight"))]);
    let p = plan(cp.as_ref(), "random_string", &Value::dynamic_null(), &bad).await;
    assert!(p.diagnostics.has_errors());
}

/// Absurd sizes are refused with diagnostics instead of exhausting memory.
#[tokio::test]
async fn absurd_sizes_are_refused() {
    let cp = configured(&terrane_provider_builtin::random()).await;
    for (ty, attrs) in [
        ("random_id", vec![("byte_length", n(i64::MAX))]),
        (
            "random_string",
            vec![("length", n(10)), ("min_upper", n(i64::MAX))],
        ),
        ("random_string", vec![("length", n(i64::MAX))]),
        ("random_pet", vec![("length", n(i64::MAX))]),
        (
            "random_shuffle",
            vec![("input", slist(&["a"])), ("result_count", n(i64::MAX))],
        ),
    ] {
        let cfg = config(ty, attrs);
        let p = plan(cp.as_ref(), ty, &Value::dynamic_null(), &cfg).await;
        let r = cp
            .apply_change(ApplyChangeRequest {
                type_name: ty.into(),
                prior_state: Value::dynamic_null(),
                planned_state: p.planned_state.clone(),
                config: cfg,
                planned_private: Vec::new(),
            })
            .await;
        assert!(
            p.diagnostics.has_errors() || r.diagnostics.has_errors(),
            "{ty}"
        );
    }
    // A negative pet length still makes a name, as Go's petname does.
    let (_, _, st) = create("random_pet", vec![("length", n(-5))]).await;
    assert_eq!(text(&st, "id").split('-').count(), 2);
}
