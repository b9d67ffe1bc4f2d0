//! The workload resources (`kubernetes_deployment_v1` …) on the shared pod
//! template ([`super::pod::pod_spec`]).

use super::defs::{metadata, selector};
use super::fields::{f, one, Field, Ty};
use super::pod::pod_spec;
use super::Def;
use terrane_value::Value;

fn n(v: i64) -> Value {
    Value::number(v)
}

fn template_metadata() -> Field {
    one(
        "metadata",
        "metadata",
        vec![
            f("annotations", "annotations", Ty::Meta),
            f("generate_name", "generateName", Ty::Str),
            f("labels", "labels", Ty::Meta),
            f("name", "name", Ty::Str),
        ],
    )
    .req()
}

/// `kubernetes_deployment_v1`.
pub fn deployment() -> Def {
    Def {
        name: "kubernetes_deployment_v1",
        api_versions: &["apps/v1"],
        kind: "Deployment",
        fields: vec![
            metadata(true),
            one(
                "spec",
                "spec",
                vec![
                    f("min_ready_seconds", "minReadySeconds", Ty::Int).default(n(0)),
                    f("paused", "paused", Ty::Bool).default(Value::bool(false)),
                    f(
                        "progress_deadline_seconds",
                        "progressDeadlineSeconds",
                        Ty::Int,
                    )
                    .default(n(600)),
                    f("replicas", "replicas", Ty::IntStr).oc(),
                    f("revision_history_limit", "revisionHistoryLimit", Ty::Int).default(n(10)),
                    selector("selector", "selector").req().force_new(),
                    one(
                        "strategy",
                        "strategy",
                        vec![
                            one(
                                "rolling_update",
                                "rollingUpdate",
                                vec![
                                    f("max_surge", "maxSurge", Ty::IntStr).oc(),
                                    f("max_unavailable", "maxUnavailable", Ty::IntStr).oc(),
                                ],
                            ),
                            f("type", "type", Ty::Str).oc(),
                        ],
                    )
                    .server_block(),
                    one(
                        "template",
                        "template",
                        vec![template_metadata(), pod_spec()],
                    )
                    .req(),
                ],
            )
            .req(),
            f("wait_for_rollout", "", Ty::Bool).default(Value::bool(true)),
        ],
        timeouts: &["create", "update", "delete"],
        rollout: true,
    }
}
