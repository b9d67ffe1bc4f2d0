//! `kubernetes_manifest`'s `object` has the OpenAPI shape Terraform's
//! provider gives it (every property of the kind present, null when unset;
//! maps for `additionalProperties`; int-or-string as strings; no `status`),
//! for built-in kinds from `/openapi/v2` and for custom resources from their
//! CRD, against a real kube-apiserver (skipped without one).

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;
use terrane_provider::{ConfiguredProvider, Provider};
use terrane_value::{Kind, Type, Value};

const TY: &str = "kubernetes_manifest";

fn is_map(v: &Value) -> bool {
    matches!(v.kind, Kind::Map(..))
}

#[tokio::test]
async fn built_in_kinds_have_their_openapi_shape() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-shape";
    let nsv = namespace(&c, &p, ns).await;
    let null = Value::dynamic_null();

    let cm = cfg(
        &p,
        TY,
        json!({"manifest": {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "shape", "namespace": ns}, "data": {"a": "1"}}}),
    );
    let state = plan_apply(&c, TY, &null, &cm).await;
    let obj = at(&state, &["object"]);
    assert!(at(obj, &["immutable"]).is_null());
    assert!(at(obj, &["binaryData"]).is_null());
    assert!(is_map(at(obj, &["data"])), "{}", show(obj));
    assert!(at(obj, &["metadata", "labels"]).is_null());
    assert!(at(obj, &["metadata", "generateName"]).is_null());
    assert!(at(obj, &["metadata", "deletionTimestamp"]).is_null());
    assert_eq!(at(obj, &["metadata", "name"]), &Value::string("shape"));
    assert!(obj.get_attr("status").is_none());
    // Read, import and a re-plan give the same shape.
    let r = read(&c, TY, &state).await;
    assert_eq!(at(&r, &["object"]), obj);
    let pl = plan(&c, TY, &r, &cm).await;
    assert_eq!(at(&pl.planned_state, &["object"]), obj);
    let imported = import(
        &c,
        TY,
        &format!("apiVersion=v1,kind=ConfigMap,namespace={ns},name=shape"),
    )
    .await;
    assert_eq!(at(&imported, &["object"]), obj);
    // The manifest of an import stays what the server has, without nulls.
    assert!(at(&imported, &["manifest"]).get_attr("immutable").is_none());
    destroy(&c, TY, &state).await;

    let svc = cfg(
        &p,
        TY,
        json!({"manifest": {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "shape", "namespace": ns},
            "spec": {"selector": {"app": "x"}, "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]}}}),
    );
    let pl = plan(&c, TY, &null, &svc).await;
    assert!(!pl.diagnostics.has_errors(), "{:?}", pl.diagnostics);
    let planned = at(&pl.planned_state, &["object"]);
    // Allocated on create: unknown, typed as the schema says.
    assert_eq!(
        at(planned, &["spec", "clusterIP"]),
        &Value::unknown(Type::String)
    );
    let state = plan_apply(&c, TY, &null, &svc).await;
    let obj = at(&state, &["object"]);
    // int-or-string is a string, as in Terraform's provider.
    assert_eq!(
        at(obj, &["spec", "ports", "0", "targetPort"]),
        &Value::string("8080")
    );
    assert_eq!(at(obj, &["spec", "ports", "0", "port"]), &Value::number(80));
    assert!(at(obj, &["spec", "ports", "0", "nodePort"]).is_null());
    assert!(at(obj, &["spec", "loadBalancerIP"]).is_null());
    assert!(matches!(at(obj, &["spec", "ports"]).kind, Kind::List(..)));
    destroy(&c, TY, &state).await;

    // The data source keeps `status`, as Terraform's does.
    let data = c
        .read_data_source(terrane_provider::ReadDataSourceRequest {
            type_name: "kubernetes_resource".into(),
            config: typed(
                &p.schema().data_sources["kubernetes_resource"].block,
                &json!({"api_version": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            ),
        })
        .await;
    assert!(!data.diagnostics.has_errors(), "{:?}", data.diagnostics);
    let o = at(&data.state, &["object"]);
    assert_eq!(at(o, &["status", "phase"]), &Value::string("Active"));
    assert!(at(o, &["spec", "finalizers"]).as_seq().is_some());
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn custom_resources_take_their_crd_schema() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-man-crshape";
    let nsv = namespace(&c, &p, ns).await;
    let null = Value::dynamic_null();
    let crd = cfg(
        &p,
        TY,
        json!({"manifest": {
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "gadgets.shape.terrane.dev"},
            "spec": {"group": "shape.terrane.dev", "scope": "Namespaced",
                "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                        "spec": {"type": "object", "properties": {
                            "size": {"type": "integer"},
                            "color": {"type": "string"},
                            "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                        }}
                    }}}}]}
        }}),
    );
    let crd_state = plan_apply(&c, TY, &null, &crd).await;
    // The CRD itself: its schema (JSONSchemaProps, recursive) is dynamic,
    // so it holds just what the server has, no nulls.
    let schema = at(
        &crd_state,
        &[
            "object",
            "spec",
            "versions",
            "0",
            "schema",
            "openAPIV3Schema",
        ],
    );
    assert_eq!(at(schema, &["type"]), &Value::string("object"));
    assert!(schema.get_attr("description").is_none());
    let cr = cfg(
        &p,
        TY,
        json!({"manifest": {"apiVersion": "shape.terrane.dev/v1", "kind": "Gadget",
            "metadata": {"name": "g", "namespace": ns},
            "spec": {"size": 3, "tags": {"a": "b"}, "extra": {"free": ["form"]}}}}),
    );
    // The API server may take a moment to serve a new CRD.
    let mut state = Value::dynamic_null();
    for _ in 0..20 {
        let pl = plan(&c, TY, &null, &cr).await;
        if !pl.diagnostics.has_errors()
            && pl
                .planned_state
                .get_attr("object")
                .is_some_and(Value::is_known)
        {
            state = plan_apply(&c, TY, &null, &cr).await;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(!state.is_null(), "the custom resource could not be planned");
    let obj = at(&state, &["object"]);
    assert_eq!(at(obj, &["spec", "size"]), &Value::number(3));
    assert!(at(obj, &["spec", "color"]).is_null());
    assert!(is_map(at(obj, &["spec", "tags"])));
    assert_eq!(
        at(obj, &["spec", "extra", "free", "0"]),
        &Value::string("form")
    );
    assert!(at(obj, &["metadata", "labels"]).is_null());
    let r = read(&c, TY, &state).await;
    assert_eq!(at(&r, &["object"]), obj);
    destroy(&c, TY, &state).await;
    destroy(&c, TY, &crd_state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}
