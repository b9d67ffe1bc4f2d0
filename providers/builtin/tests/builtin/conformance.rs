//! The conformance test-kit for every provider and resource type.

use crate::support::*;
use terrane_provider::testkit::{check_lifecycle, check_schema};
use terrane_provider::Provider;
use terrane_provider_builtin::{all, BuiltinProvider};
use terrane_value::Value;

#[test]
fn every_provider_passes_check_schema() {
    let providers = all();
    assert_eq!(providers.len(), 5);
    for p in &providers {
        let problems = check_schema(p.as_ref());
        assert!(problems.is_empty(), "{}: {problems:?}", p.name());
    }
    let sources: Vec<&str> = providers.iter().map(|p| p.source()).collect();
    assert_eq!(
        sources,
        vec![
            "terraform.io/builtin/terraform",
            "registry.terraform.io/hashicorp/null",
            "registry.terraform.io/hashicorp/random",
            "registry.terraform.io/hashicorp/local",
            "registry.terraform.io/hashicorp/time",
        ]
    );
}

#[test]
fn resource_and_data_source_names() {
    let names = |p: BuiltinProvider| {
        let s = p.schema();
        (
            s.resources.keys().cloned().collect::<Vec<_>>(),
            s.data_sources.keys().cloned().collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        names(terrane_provider_builtin::terraform()).0,
        vec!["terraform_data"]
    );
    assert_eq!(
        names(terrane_provider_builtin::null()),
        (
            vec!["null_resource".into()],
            vec!["null_data_source".into()]
        )
    );
    assert_eq!(
        names(terrane_provider_builtin::random()).0,
        vec![
            "random_id",
            "random_integer",
            "random_password",
            "random_pet",
            "random_shuffle",
            "random_string",
            "random_uuid"
        ]
    );
    assert_eq!(
        names(terrane_provider_builtin::local()),
        (
            vec!["local_file".into(), "local_sensitive_file".into()],
            vec!["local_file".into(), "local_sensitive_file".into()]
        )
    );
    assert_eq!(
        names(terrane_provider_builtin::time()).0,
        vec!["time_offset", "time_rotating", "time_sleep", "time_static"]
    );
}

async fn lifecycle(type_name: &str, first: Vec<(&str, Value)>, second: Option<Vec<(&str, Value)>>) {
    let cp = configured(&provider_for(type_name)).await;
    let problems = check_lifecycle(
        cp.as_ref(),
        type_name,
        config(type_name, first),
        second.map(|a| config(type_name, a)),
    )
    .await;
    assert!(problems.is_empty(), "{type_name}: {problems:?}");
}

#[tokio::test]
async fn lifecycle_terraform_data() {
    lifecycle(
        "terraform_data",
        vec![("input", s("a"))],
        Some(vec![("input", s("b"))]),
    )
    .await;
    lifecycle(
        "terraform_data",
        vec![],
        Some(vec![("triggers_replace", n(1))]),
    )
    .await;
}

#[tokio::test]
async fn lifecycle_null_resource() {
    lifecycle(
        "null_resource",
        vec![("triggers", smap(&[("a", "1")]))],
        Some(vec![("triggers", smap(&[("a", "2")]))]),
    )
    .await;
    lifecycle("null_resource", vec![], Some(vec![("triggers", smap(&[]))])).await;
}

#[tokio::test]
async fn lifecycle_random() {
    lifecycle(
        "random_id",
        vec![("byte_length", n(8))],
        Some(vec![("byte_length", n(8)), ("keepers", smap(&[]))]),
    )
    .await;
    lifecycle(
        "random_integer",
        vec![("min", n(1)), ("max", n(6))],
        Some(vec![("min", n(1)), ("max", n(7))]),
    )
    .await;
    lifecycle(
        "random_uuid",
        vec![],
        Some(vec![("keepers", smap(&[("k", "v")]))]),
    )
    .await;
    lifecycle(
        "random_string",
        vec![("length", n(16))],
        Some(vec![("length", n(16)), ("keepers", smap(&[]))]),
    )
    .await;
    lifecycle(
        "random_password",
        vec![("length", n(16)), ("override_special", s("_%@"))],
        None,
    )
    .await;
    lifecycle("random_pet", vec![], Some(vec![("keepers", smap(&[]))])).await;
    lifecycle(
        "random_shuffle",
        vec![("input", slist(&["a", "b", "c"]))],
        Some(vec![("input", slist(&["a", "b"]))]),
    )
    .await;
}

#[tokio::test]
async fn lifecycle_local() {
    let dir = tempfile::tempdir().unwrap();
    let f1 = dir
        .path()
        .join("a/b/one.txt")
        .to_string_lossy()
        .into_owned();
    let f2 = dir.path().join("two.txt").to_string_lossy().into_owned();
    lifecycle(
        "local_file",
        vec![("filename", s(&f1)), ("content", s("hello\n"))],
        Some(vec![("filename", s(&f1)), ("content", s("bye\n"))]),
    )
    .await;
    assert!(
        !std::path::Path::new(&f1).exists(),
        "delete removes the file"
    );
    lifecycle(
        "local_sensitive_file",
        vec![("filename", s(&f2)), ("content", s("secret"))],
        None,
    )
    .await;
    assert!(!std::path::Path::new(&f2).exists());
}

#[tokio::test]
async fn lifecycle_time() {
    lifecycle(
        "time_static",
        vec![],
        Some(vec![("triggers", smap(&[("a", "b")]))]),
    )
    .await;
    lifecycle(
        "time_static",
        vec![("rfc3339", s("2024-02-29T10:20:30Z"))],
        None,
    )
    .await;
    lifecycle(
        "time_sleep",
        vec![("create_duration", s("10ms"))],
        Some(vec![("create_duration", s("20ms"))]),
    )
    .await;
    lifecycle(
        "time_rotating",
        vec![("rotation_days", n(1))],
        Some(vec![("rotation_days", n(2))]),
    )
    .await;
    lifecycle(
        "time_offset",
        vec![("offset_days", n(1))],
        Some(vec![("offset_days", n(2))]),
    )
    .await;
}
