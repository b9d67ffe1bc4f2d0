//! The workload resources (`kubernetes_deployment_v1` …) on the shared pod
//! template ([`super::pod::pod_spec`]).

use super::defs::{metadata, selector};
use super::fields::{f, many, one, Field, Ty};
use super::pod::{pod_spec, pod_spec_restarting};
use super::storage::pvc_spec;
use super::{Def, Wait};
use terrane_value::Value;

fn n(v: i64) -> Value {
    Value::number(v)
}

fn s(v: &str) -> Value {
    Value::string(v)
}

fn template_metadata() -> Field {
    template_metadata_with(&[])
}

/// The pod template's metadata; `generated` names labels the controller
/// adds to it.
fn template_metadata_with(generated: &'static [&'static str]) -> Field {
    one(
        "metadata",
        "metadata",
        vec![
            f("annotations", "annotations", Ty::Meta),
            f("generate_name", "generateName", Ty::Str),
            f("labels", "labels", Ty::Meta).generated_keys(generated),
            f("name", "name", Ty::Str),
        ],
    )
    .req()
}

fn template() -> Field {
    one(
        "template",
        "template",
        vec![template_metadata(), pod_spec()],
    )
    .req()
}

/// An apps/v1 workload: metadata, `spec`, `wait_for_rollout`.
fn rollout_workload(
    name: &'static str,
    kind: &'static str,
    timeouts: &'static [&'static str],
    spec: Vec<Field>,
) -> Def {
    Def {
        name,
        api_versions: &["apps/v1"],
        kind,
        fields: vec![
            metadata(true),
            one("spec", "spec", spec).req(),
            wait_for("wait_for_rollout"),
        ],
        timeouts,
        wait: Wait::Rollout,
    }
}

fn wait_for(attr: &'static str) -> Field {
    f(attr, "", Ty::Bool).default(Value::bool(true))
}

/// `kubernetes_deployment_v1`.
pub fn deployment() -> Def {
    rollout_workload(
        "kubernetes_deployment_v1",
        "Deployment",
        &["create", "update", "delete"],
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
            template(),
        ],
    )
}

/// A StatefulSet's `volume_claim_template`: a PersistentVolumeClaim.
fn volume_claim_template() -> Field {
    many(
        "volume_claim_template",
        "volumeClaimTemplates",
        vec![metadata(true), pvc_spec()],
    )
    .force_new()
}

/// `kubernetes_stateful_set_v1`.
pub fn stateful_set() -> Def {
    rollout_workload(
        "kubernetes_stateful_set_v1",
        "StatefulSet",
        &["create", "read", "update", "delete"],
        vec![
            f("min_ready_seconds", "minReadySeconds", Ty::Int).default(n(0)),
            // Served from Kubernetes 1.23 (dropped by older servers).
            many(
                "persistent_volume_claim_retention_policy",
                "persistentVolumeClaimRetentionPolicy",
                vec![
                    f("when_deleted", "whenDeleted", Ty::Str).default(s("Retain")),
                    f("when_scaled", "whenScaled", Ty::Str).default(s("Retain")),
                ],
            )
            .server_block(),
            f("pod_management_policy", "podManagementPolicy", Ty::Str)
                .oc()
                .force_new(),
            f("replicas", "replicas", Ty::IntStr).oc(),
            f("revision_history_limit", "revisionHistoryLimit", Ty::Int)
                .oc()
                .force_new(),
            selector("selector", "selector").req().force_new(),
            f("service_name", "serviceName", Ty::Str).req().force_new(),
            template(),
            one(
                "update_strategy",
                "updateStrategy",
                vec![
                    one(
                        "rolling_update",
                        "rollingUpdate",
                        vec![f("partition", "partition", Ty::Int).default(n(0))],
                    )
                    .unbounded(),
                    f("type", "type", Ty::Str).default(s("RollingUpdate")),
                ],
            )
            .unbounded()
            .server_block(),
            volume_claim_template(),
        ],
    )
}

/// `kubernetes_daemon_set_v1`.
pub fn daemon_set() -> Def {
    rollout_workload(
        "kubernetes_daemon_set_v1",
        "DaemonSet",
        &["create", "update", "delete"],
        vec![
            f("min_ready_seconds", "minReadySeconds", Ty::Int).default(n(0)),
            f("revision_history_limit", "revisionHistoryLimit", Ty::Int).default(n(10)),
            selector("selector", "selector").force_new(),
            one(
                "strategy",
                "updateStrategy",
                vec![
                    one(
                        "rolling_update",
                        "rollingUpdate",
                        vec![
                            // Served from Kubernetes 1.21.
                            f("max_surge", "maxSurge", Ty::IntStr).oc(),
                            f("max_unavailable", "maxUnavailable", Ty::IntStr).default(s("1")),
                        ],
                    )
                    .server_block(),
                    f("type", "type", Ty::Str).default(s("RollingUpdate")),
                ],
            )
            .server_block(),
            template(),
        ],
    )
}

/// Labels the Job controller adds to a Job's pod template (and selector).
const JOB_LABELS: &[&str] = &[
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "job-name",
];

/// `kubernetes_job_v1`.
pub fn job() -> Def {
    let mut meta = metadata(true);
    if let Ty::Block(fs, _) = &mut meta.ty {
        // A Job without labels gets its template's.
        for fl in fs.iter_mut().filter(|fl| fl.tf == "labels") {
            *fl = f("labels", "labels", Ty::Meta).oc();
        }
    }
    Def {
        name: "kubernetes_job_v1",
        api_versions: &["batch/v1"],
        kind: "Job",
        fields: vec![
            meta,
            one(
                "spec",
                "spec",
                vec![
                    f("active_deadline_seconds", "activeDeadlineSeconds", Ty::Int),
                    f("backoff_limit", "backoffLimit", Ty::Int).default(n(6)),
                    f("completion_mode", "completionMode", Ty::Str)
                        .oc()
                        .force_new(),
                    f("completions", "completions", Ty::Int)
                        .default(n(1))
                        .force_new(),
                    f("manual_selector", "manualSelector", Ty::Bool),
                    f("parallelism", "parallelism", Ty::Int).default(n(1)),
                    // The controller fills in `controller-uid`.
                    selector("selector", "selector").force_new().server_block(),
                    one(
                        "template",
                        "template",
                        vec![
                            template_metadata_with(JOB_LABELS),
                            pod_spec_restarting("Never"),
                        ],
                    )
                    .req()
                    .force_new(),
                    f(
                        "ttl_seconds_after_finished",
                        "ttlSecondsAfterFinished",
                        Ty::IntStr,
                    ),
                ],
            )
            .req(),
            wait_for("wait_for_completion"),
        ],
        timeouts: &["create", "update", "delete"],
        wait: Wait::Completion,
    }
}
