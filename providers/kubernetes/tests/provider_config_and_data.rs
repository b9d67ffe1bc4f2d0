//! Provider configuration, data sources and functions against a real
//! kube-apiserver (skipped without one).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use terrane_provider::{CallFunctionRequest, ConfiguredProvider, Provider, ReadDataSourceRequest};
use terrane_provider_kubernetes::{Configured, KubernetesProvider};
use terrane_value::Value;

async fn connect(p: &KubernetesProvider, j: serde_json::Value) -> Result<Configured, String> {
    p.connect(&typed(&p.schema().provider.block, &j))
        .await
        .map_err(|d| format!("{} {}", d.summary, d.detail))
}

async fn data(
    c: &Configured,
    p: &KubernetesProvider,
    ty: &str,
    j: serde_json::Value,
) -> Result<Value, String> {
    let config = typed(&p.schema().data_sources[ty].block, &j);
    let r = c
        .read_data_source(ReadDataSourceRequest {
            type_name: ty.into(),
            config,
        })
        .await;
    if r.diagnostics.has_errors() {
        return Err(format!("{:?}", r.diagnostics));
    }
    Ok(r.state)
}

fn server_files() -> Option<(String, String, String)> {
    Some((
        std::env::var("TERRANE_KUBE_ENDPOINT").ok()?,
        std::fs::read_to_string(std::env::var("TERRANE_KUBE_TOKEN_FILE").ok()?).ok()?,
        std::fs::read_to_string(std::env::var("TERRANE_KUBE_CA_FILE").ok()?).ok()?,
    ))
}

#[tokio::test]
async fn host_token_ca_insecure_and_errors() {
    let Some((p, _)) = provider().await else {
        return;
    };
    let (host, token, ca) = server_files().expect("TERRANE_KUBE_* variables");
    let probe = json!({"metadata": {"name": "default"}});

    let c = connect(
        &p,
        json!({"host": host, "token": token.trim(), "cluster_ca_certificate": ca}),
    )
    .await
    .unwrap();
    let ns = data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .unwrap();
    assert_eq!(at(&ns, &["id"]), &Value::string("default"));

    let c = connect(
        &p,
        json!({"host": host, "token": token.trim(), "insecure": true}),
    )
    .await
    .unwrap();
    assert!(data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .is_ok());

    // Without the CA the self-signed serving certificate is refused.
    let c = connect(&p, json!({"host": host, "token": token.trim()}))
        .await
        .unwrap();
    let err = data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .unwrap_err();
    assert!(err.to_lowercase().contains("certificate"), "{err}");

    // A wrong token: the API server's own message comes through.
    let c = connect(
        &p,
        json!({"host": host, "token": "wrong", "cluster_ca_certificate": ca}),
    )
    .await
    .unwrap();
    let err = data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .unwrap_err();
    assert!(err.contains("Unauthorized") && err.contains("401"), "{err}");

    let err = connect(&p, json!({"config_path": "/nonexistent/kubeconfig"}))
        .await
        .err()
        .unwrap();
    assert!(err.contains("/nonexistent/kubeconfig"), "{err}");
    let path = std::env::var("TERRANE_KUBECONFIG").unwrap();
    let err = connect(&p, json!({"config_path": path, "config_context": "nope"}))
        .await
        .err()
        .unwrap();
    assert!(err.contains("nope"), "{err}");
    let c = connect(
        &p,
        json!({"config_path": path, "config_context": "terrane"}),
    )
    .await
    .unwrap();
    assert!(data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .is_ok());

    // A credential plugin prints an ExecCredential with the token.
    let cred = format!(
        r#"{{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{{"token":"{}"}}}}"#,
        token.trim()
    );
    let exec = json!({"api_version": "client.authentication.k8s.io/v1beta1", "command": "sh",
        "args": ["-c", "printf '%s' \"$CRED\""], "env": {"CRED": cred}});
    let c = connect(
        &p,
        json!({"host": host, "cluster_ca_certificate": ca, "exec": exec}),
    )
    .await
    .unwrap();
    let ns = data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .unwrap();
    assert_eq!(at(&ns, &["id"]), &Value::string("default"));
    // Without credentials the server refuses (so the plugin above did work).
    let c = connect(&p, json!({"host": host, "cluster_ca_certificate": ca}))
        .await
        .unwrap();
    let err = data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .unwrap_err();
    assert!(err.contains("403") || err.contains("401"), "{err}");
}

#[tokio::test]
async fn data_sources() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-data";
    let nsv = namespace(&c, &p, ns).await;
    let null = Value::dynamic_null();
    let cm = plan_apply(
        &c,
        "kubernetes_config_map_v1",
        &null,
        &cfg(
            &p,
            "kubernetes_config_map_v1",
            json!({"metadata": {"name": "c", "namespace": ns}, "data": {"k": "v"}}),
        ),
    )
    .await;
    let sec = plan_apply(
        &c,
        "kubernetes_secret_v1",
        &null,
        &cfg(
            &p,
            "kubernetes_secret_v1",
            json!({"metadata": {"name": "s", "namespace": ns}, "data": {"pw": "hunter2"}}),
        ),
    )
    .await;
    let svc = plan_apply(
        &c,
        "kubernetes_service_v1",
        &null,
        &cfg(
            &p,
            "kubernetes_service_v1",
            json!({"metadata": {"name": "web", "namespace": ns},
            "spec": {"selector": {"app": "web"}, "port": [{"port": 80}]}}),
        ),
    )
    .await;

    let meta = |n: &str| json!({"metadata": {"name": n, "namespace": ns}});
    let d = data(&c, &p, "kubernetes_config_map_v1", meta("c"))
        .await
        .unwrap();
    assert_eq!(at(&d, &["data", "k"]), &Value::string("v"));
    let d = data(&c, &p, "kubernetes_config_map", meta("c"))
        .await
        .unwrap();
    assert_eq!(at(&d, &["id"]), &Value::string(format!("{ns}/c")));
    let d = data(&c, &p, "kubernetes_secret_v1", meta("s"))
        .await
        .unwrap();
    assert_eq!(at(&d, &["data", "pw"]), &Value::string("hunter2"));
    assert!(
        p.schema().data_sources["kubernetes_secret_v1"]
            .block
            .attributes["data"]
            .sensitive
    );
    let d = data(&c, &p, "kubernetes_service_v1", meta("web"))
        .await
        .unwrap();
    let ip = at(&d, &["spec", "0", "cluster_ip"])
        .as_str()
        .unwrap()
        .to_string();
    assert!(ip.starts_with("10.96."), "{ip}");
    let d = data(
        &c,
        &p,
        "kubernetes_namespace_v1",
        json!({"metadata": {"name": ns}}),
    )
    .await
    .unwrap();
    assert_eq!(at(&d, &["metadata", "0", "name"]), &Value::string(ns));
    let d = data(
        &c,
        &p,
        "kubernetes_resource",
        json!({"api_version": "v1", "kind": "ConfigMap", "metadata": meta("c")["metadata"]}),
    )
    .await
    .unwrap();
    assert_eq!(at(&d, &["object", "data", "k"]), &Value::string("v"));
    let err = data(&c, &p, "kubernetes_config_map_v1", meta("missing"))
        .await
        .unwrap_err();
    assert!(err.contains("not found"), "{err}");

    for (ty, s) in [
        ("kubernetes_service_v1", svc),
        ("kubernetes_secret_v1", sec),
        ("kubernetes_config_map_v1", cm),
    ] {
        destroy(&c, ty, &s).await;
    }
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[test]
fn functions_through_the_provider() {
    let p = KubernetesProvider::new();
    assert_eq!(
        p.schema().functions.keys().collect::<Vec<_>>(),
        vec![
            "manifest_decode",
            "manifest_decode_multi",
            "manifest_encode"
        ]
    );
    let yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels:\n    a: \"1\"\n";
    let r = p.call_function(CallFunctionRequest {
        name: "manifest_decode".into(),
        args: vec![Value::string(yaml)],
    });
    assert!(r.error.is_none(), "{:?}", r.error);
    assert_eq!(
        at(&r.result, &["metadata", "labels", "a"]),
        &Value::string("1")
    );
    let enc = p.call_function(CallFunctionRequest {
        name: "manifest_encode".into(),
        args: vec![r.result],
    });
    // Keys sorted, as sigs.k8s.io/yaml writes them; decoding gives back the object.
    let text = enc.result.as_str().unwrap().to_string();
    assert!(
        text.starts_with("apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n"),
        "{text}"
    );
    let back = p.call_function(CallFunctionRequest {
        name: "manifest_decode".into(),
        args: vec![Value::string(text)],
    });
    assert_eq!(
        at(&back.result, &["metadata", "labels", "a"]),
        &Value::string("1")
    );
    let r = p.call_function(CallFunctionRequest {
        name: "nope".into(),
        args: vec![],
    });
    assert!(r.error.is_some());
}

#[test]
fn static_validation() {
    use terrane_provider::{ConfigKind, ValidateRequest};
    let p = KubernetesProvider::new();
    let v = |kind, ty: &str, j| {
        let block = match kind {
            ConfigKind::Provider => p.schema().provider.block.clone(),
            _ => p.schema().resources[ty].block.clone(),
        };
        p.validate(ValidateRequest {
            kind,
            type_name: ty.into(),
            config: typed(&block, &j),
        })
        .diagnostics
        .errors()
        .map(|d| d.detail.clone())
        .collect::<Vec<_>>()
    };
    assert_eq!(
        v(ConfigKind::Provider, "", json!({"client_certificate": "x"})).len(),
        1
    );
    assert!(v(
        ConfigKind::Provider,
        "",
        json!({"client_certificate": "x", "client_key": "y"})
    )
    .is_empty());
    let errs = v(
        ConfigKind::Resource,
        "kubernetes_manifest",
        json!({"manifest": {"kind": "ConfigMap", "metadata": {}}}),
    );
    assert_eq!(
        errs,
        vec!["The manifest must have a top-level \"apiVersion\" attribute.".to_string()]
    );
    assert!(v(
        ConfigKind::Resource,
        "kubernetes_manifest",
        json!({"manifest": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}})
    )
    .is_empty());
}

#[tokio::test]
async fn conformance_test_kit() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-testkit";
    let nsv = namespace(&c, &p, ns).await;
    let ty = "kubernetes_config_map_v1";
    let problems = terrane_provider::testkit::check_lifecycle(
        &c,
        ty,
        cfg(
            &p,
            ty,
            json!({"metadata": {"name": "kit", "namespace": ns}, "data": {"a": "1"}}),
        ),
        Some(cfg(
            &p,
            ty,
            json!({"metadata": {"name": "kit", "namespace": ns}, "data": {"a": "2"}}),
        )),
    )
    .await;
    assert!(problems.is_empty(), "{problems:#?}");
    let ty = "kubernetes_manifest";
    let problems = terrane_provider::testkit::check_lifecycle(
        &c,
        ty,
        cfg(&p, ty, json!({"manifest": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "kit", "namespace": ns}, "stringData": {"a": "1"}}})),
        Some(cfg(&p, ty, json!({"manifest": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "kit", "namespace": ns}, "stringData": {"a": "2"}}}))),
    )
    .await;
    assert!(problems.is_empty(), "{problems:#?}");
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}
