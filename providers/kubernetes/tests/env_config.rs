//! Kubeconfig paths from the environment (its own test binary: it changes
//! process environment variables other tests would see).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use terrane_provider::{ConfiguredProvider, Provider, ReadDataSourceRequest};
use terrane_provider_kubernetes::{Configured, KubernetesProvider};

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
) -> Result<(), String> {
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
    Ok(())
}

#[tokio::test]
async fn kubeconfig_from_the_environment() {
    let Some((p, _)) = provider().await else {
        return;
    };
    let path = std::env::var("TERRANE_KUBECONFIG").unwrap();
    let probe = json!({"metadata": {"name": "default"}});
    // Only this test touches these variables.
    std::env::remove_var("KUBE_CONFIG_PATH");
    std::env::set_var("KUBECONFIG", &path);
    let c = connect(&p, json!({})).await.unwrap();
    assert!(data(&c, &p, "kubernetes_namespace_v1", probe.clone())
        .await
        .is_ok());
    std::env::set_var("KUBECONFIG", "/nonexistent/a");
    std::env::set_var("KUBE_CONFIG_PATH", &path);
    let c = connect(&p, json!({})).await.unwrap();
    assert!(data(&c, &p, "kubernetes_namespace_v1", probe).await.is_ok());
    std::env::remove_var("KUBE_CONFIG_PATH");
    std::env::remove_var("KUBECONFIG");
    let err = connect(&p, json!({})).await.err().unwrap();
    assert!(err.contains("no cluster configured"), "{err}");
}
