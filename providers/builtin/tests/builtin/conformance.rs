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
        let mut problems = check_schema(p.as_ref());
        // The test-kit asks every resource for an `id`, but the real
        // random_bytes has none (Terraform has not required one since the
        // plugin framework); keeping Terraform's schema wins.
        problems.retain(|m| m != "resource random_bytes: has no \"id\" attribute");
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
            "random_bytes",
            "random_id",
            "random_integer",
            "random_password",
            "random_pet",
            "random_shuffle",
            "random_string",
            "random_uuid",
            "random_uuid4",
            "random_uuid7"
        ]
    );
    assert_eq!(
        names(terrane_provider_builtin::local()),
        (
            vec!["local_file".into(), "local_sensitive_file".into()],
            vec![
                "local_command".into(),
                "local_file".into(),
                "local_sensitive_file".into()
            ]
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
    lifecycle("random_uuid4", vec![], Some(vec![("keepers", smap(&[]))])).await;
    lifecycle("random_uuid7", vec![], None).await;
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

/// Attribute names and flags as the real providers declare them (read from
/// their sources: terraform `internal/builtin/providers/terraform`,
/// terraform-provider-null/random/local/time `internal/provider`).
/// R required, O optional, C computed, OC optional+computed, S sensitive.
#[test]
fn attribute_sets_match_the_real_providers() {
    let expected: &[(&str, &str, &str)] = &[
        ("terraform", "terraform_data", "id:C input:O output:C triggers_replace:O"),
        ("null", "null_resource", "id:C triggers:O"),
        ("random", "random_id", "b64_std:C b64_url:C byte_length:R dec:C hex:C id:C keepers:O prefix:O"),
        ("random", "random_integer", "id:C keepers:O max:R min:R result:C seed:O"),
        ("random", "random_uuid", "id:C keepers:O result:C"),
        ("random", "random_bytes", "base64:CS hex:CS keepers:O length:R"),
        ("random", "random_uuid4", "id:C keepers:O result:C"),
        ("random", "random_uuid7", "id:C keepers:O result:C"),
        ("random", "random_pet", "id:C keepers:O length:OC prefix:O separator:OC"),
        ("random", "random_shuffle", "id:C input:R keepers:O result:C result_count:O seed:O"),
        (
            "random",
            "random_string",
            "id:C keepers:O length:R lower:OC min_lower:OC min_numeric:OC min_special:OC min_upper:OC number:OC numeric:OC override_special:O result:C special:OC upper:OC",
        ),
        (
            "random",
            "random_password",
            "bcrypt_hash:CS id:C keepers:O length:R lower:OC min_lower:OC min_numeric:OC min_special:OC min_upper:OC number:OC numeric:OC override_special:O result:CS special:OC upper:OC",
        ),
        (
            "local",
            "local_file",
            "content:O content_base64:O content_base64sha256:C content_base64sha512:C content_md5:C content_sha1:C content_sha256:C content_sha512:C directory_permission:OC file_permission:OC filename:R id:C sensitive_content:OS source:O",
        ),
        (
            "local",
            "local_sensitive_file",
            "content:OS content_base64:OS content_base64sha256:C content_base64sha512:C content_md5:C content_sha1:C content_sha256:C content_sha512:C directory_permission:OC file_permission:OC filename:R id:C source:O",
        ),
        ("time", "time_static", "day:C hour:C id:C minute:C month:C rfc3339:OC second:C triggers:O unix:C year:C"),
        ("time", "time_sleep", "create_duration:O destroy_duration:O id:C triggers:O"),
        (
            "time",
            "time_rotating",
            "day:C hour:C id:C minute:C month:C rfc3339:OC rotation_days:O rotation_hours:O rotation_minutes:O rotation_months:O rotation_rfc3339:OC rotation_years:O second:C triggers:O unix:C year:C",
        ),
        (
            "time",
            "time_offset",
            "base_rfc3339:OC day:C hour:C id:C minute:C month:C offset_days:O offset_hours:O offset_minutes:O offset_months:O offset_seconds:O offset_years:O rfc3339:C second:C triggers:O unix:C year:C",
        ),
    ];
    let describe = |block: &terrane_provider::Block| {
        block
            .attributes
            .iter()
            .map(|(name, a)| {
                let mut flags = String::new();
                if a.required {
                    flags.push('R');
                }
                if a.optional {
                    flags.push('O');
                }
                if a.computed {
                    flags.push('C');
                }
                if a.sensitive {
                    flags.push('S');
                }
                format!("{name}:{flags}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (provider, ty, attrs) in expected {
        let p = provider_for(&format!("{provider}_x"));
        assert_eq!(p.name(), *provider);
        let schema = &p.schema().resources[*ty];
        assert_eq!(describe(&schema.block), *attrs, "{ty}");
    }
    let data: &[(&str, &str, &str)] = &[
        (
            "local",
            "local_command",
            "allow_non_zero_exit_code:O arguments:O command:R exit_code:C stderr:C stdin:O stdout:C working_directory:O",
        ),
        ("null", "null_data_source", "has_computed_default:OC id:C inputs:O outputs:C random:C"),
        (
            "local",
            "local_file",
            "content:C content_base64:C content_base64sha256:C content_base64sha512:C content_md5:C content_sha1:C content_sha256:C content_sha512:C filename:R id:C",
        ),
        (
            "local",
            "local_sensitive_file",
            "content:CS content_base64:CS content_base64sha256:C content_base64sha512:C content_md5:C content_sha1:C content_sha256:C content_sha512:C filename:R id:C",
        ),
        ("terraform", "terraform_remote_state", "backend:R config:O defaults:O outputs:C workspace:O"),
    ];
    for (provider, ty, attrs) in data {
        let p = provider_for(&format!("{provider}_x"));
        assert_eq!(
            describe(&p.schema().data_sources[*ty].block),
            *attrs,
            "data {ty}"
        );
    }
}
