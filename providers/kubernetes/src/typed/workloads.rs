//! `kubernetes_deployment_v1` and the pod template it shares with other
//! workloads (containers, ports, env, resources, probes, volumes).

use super::defs::{metadata, selector};
use super::fields::{f, many, one, Field, Ty};
use super::Def;
use terrane_value::Value;

fn s(v: &str) -> Value {
    Value::string(v)
}

fn n(v: i64) -> Value {
    Value::number(v)
}

fn probe(tf: &'static str, json: &'static str) -> Field {
    one(
        tf,
        json,
        vec![
            one("exec", "exec", vec![f("command", "command", Ty::ListStr)]),
            f("failure_threshold", "failureThreshold", Ty::Int).default(n(3)),
            one(
                "http_get",
                "httpGet",
                vec![
                    f("host", "host", Ty::Str),
                    many(
                        "http_header",
                        "httpHeaders",
                        vec![f("name", "name", Ty::Str), f("value", "value", Ty::Str)],
                    ),
                    f("path", "path", Ty::Str),
                    f("port", "port", Ty::IntStr),
                    f("scheme", "scheme", Ty::Str).default(s("HTTP")),
                ],
            ),
            f("initial_delay_seconds", "initialDelaySeconds", Ty::Int),
            f("period_seconds", "periodSeconds", Ty::Int).default(n(10)),
            f("success_threshold", "successThreshold", Ty::Int).default(n(1)),
            one(
                "tcp_socket",
                "tcpSocket",
                vec![f("port", "port", Ty::IntStr).req()],
            ),
            f("timeout_seconds", "timeoutSeconds", Ty::Int).default(n(1)),
        ],
    )
}

fn key_ref(tf: &'static str, json: &'static str) -> Field {
    one(
        tf,
        json,
        vec![
            f("key", "key", Ty::Str),
            f("name", "name", Ty::Str),
            f("optional", "optional", Ty::Bool),
        ],
    )
}

fn container_security_context() -> Field {
    one(
        "security_context",
        "securityContext",
        vec![
            f(
                "allow_privilege_escalation",
                "allowPrivilegeEscalation",
                Ty::Bool,
            ),
            one(
                "capabilities",
                "capabilities",
                vec![f("add", "add", Ty::ListStr), f("drop", "drop", Ty::ListStr)],
            ),
            f("privileged", "privileged", Ty::Bool),
            f(
                "read_only_root_filesystem",
                "readOnlyRootFilesystem",
                Ty::Bool,
            ),
            f("run_as_group", "runAsGroup", Ty::IntStr),
            f("run_as_non_root", "runAsNonRoot", Ty::Bool),
            f("run_as_user", "runAsUser", Ty::IntStr),
        ],
    )
}

fn pod_security_context() -> Field {
    one(
        "security_context",
        "securityContext",
        vec![
            f("fs_group", "fsGroup", Ty::IntStr),
            f("run_as_group", "runAsGroup", Ty::IntStr),
            f("run_as_non_root", "runAsNonRoot", Ty::Bool),
            f("run_as_user", "runAsUser", Ty::IntStr),
        ],
    )
}

fn container_fields() -> Vec<Field> {
    vec![
        f("args", "args", Ty::ListStr),
        f("command", "command", Ty::ListStr),
        many(
            "env",
            "env",
            vec![
                f("name", "name", Ty::Str).req(),
                f("value", "value", Ty::Str),
                one(
                    "value_from",
                    "valueFrom",
                    vec![
                        key_ref("config_map_key_ref", "configMapKeyRef"),
                        one(
                            "field_ref",
                            "fieldRef",
                            vec![
                                f("api_version", "apiVersion", Ty::Str).default(s("v1")),
                                f("field_path", "fieldPath", Ty::Str),
                            ],
                        ),
                        one(
                            "resource_field_ref",
                            "resourceFieldRef",
                            vec![
                                f("container_name", "containerName", Ty::Str),
                                f("divisor", "divisor", Ty::Str).oc(),
                                f("resource", "resource", Ty::Str).req(),
                            ],
                        ),
                        key_ref("secret_key_ref", "secretKeyRef"),
                    ],
                ),
            ],
        ),
        many(
            "env_from",
            "envFrom",
            vec![
                one(
                    "config_map_ref",
                    "configMapRef",
                    vec![
                        f("name", "name", Ty::Str).req(),
                        f("optional", "optional", Ty::Bool),
                    ],
                ),
                f("prefix", "prefix", Ty::Str),
                one(
                    "secret_ref",
                    "secretRef",
                    vec![
                        f("name", "name", Ty::Str).req(),
                        f("optional", "optional", Ty::Bool),
                    ],
                ),
            ],
        ),
        f("image", "image", Ty::Str),
        f("image_pull_policy", "imagePullPolicy", Ty::Str).oc(),
        probe("liveness_probe", "livenessProbe"),
        f("name", "name", Ty::Str).req(),
        many(
            "port",
            "ports",
            vec![
                f("container_port", "containerPort", Ty::Int).req(),
                f("host_ip", "hostIP", Ty::Str),
                f("host_port", "hostPort", Ty::Int),
                f("name", "name", Ty::Str),
                f("protocol", "protocol", Ty::Str).default(s("TCP")),
            ],
        ),
        probe("readiness_probe", "readinessProbe"),
        one(
            "resources",
            "resources",
            vec![
                f("limits", "limits", Ty::Quantities).oc(),
                f("requests", "requests", Ty::Quantities).oc(),
            ],
        ),
        container_security_context(),
        probe("startup_probe", "startupProbe"),
        f("stdin", "stdin", Ty::Bool),
        f(
            "termination_message_path",
            "terminationMessagePath",
            Ty::Str,
        )
        .default(s("/dev/termination-log")),
        f(
            "termination_message_policy",
            "terminationMessagePolicy",
            Ty::Str,
        )
        .oc(),
        f("tty", "tty", Ty::Bool),
        many(
            "volume_mount",
            "volumeMounts",
            vec![
                f("mount_path", "mountPath", Ty::Str).req(),
                f("mount_propagation", "mountPropagation", Ty::Str).oc(),
                f("name", "name", Ty::Str).req(),
                f("read_only", "readOnly", Ty::Bool).default(Value::bool(false)),
                f("sub_path", "subPath", Ty::Str),
            ],
        ),
        f("working_dir", "workingDir", Ty::Str),
    ]
}

fn key_paths() -> Field {
    many(
        "items",
        "items",
        vec![f("key", "key", Ty::Str), f("path", "path", Ty::Str)],
    )
}

fn volume() -> Field {
    many(
        "volume",
        "volumes",
        vec![
            one(
                "config_map",
                "configMap",
                vec![
                    key_paths(),
                    f("name", "name", Ty::Str),
                    f("optional", "optional", Ty::Bool),
                ],
            ),
            one(
                "host_path",
                "hostPath",
                vec![f("path", "path", Ty::Str), f("type", "type", Ty::Str)],
            ),
            one(
                "empty_dir",
                "emptyDir",
                vec![
                    f("medium", "medium", Ty::Str),
                    f("size_limit", "sizeLimit", Ty::Str),
                ],
            ),
            f("name", "name", Ty::Str),
            one(
                "persistent_volume_claim",
                "persistentVolumeClaim",
                vec![
                    f("claim_name", "claimName", Ty::Str),
                    f("read_only", "readOnly", Ty::Bool),
                ],
            ),
            one(
                "secret",
                "secret",
                vec![
                    key_paths(),
                    f("optional", "optional", Ty::Bool),
                    f("secret_name", "secretName", Ty::Str),
                ],
            ),
        ],
    )
}

/// The pod spec of a template.
pub fn pod_spec() -> Field {
    one(
        "spec",
        "spec",
        vec![
            f("active_deadline_seconds", "activeDeadlineSeconds", Ty::Int),
            f(
                "automount_service_account_token",
                "automountServiceAccountToken",
                Ty::Bool,
            ),
            many("container", "containers", container_fields()),
            f("dns_policy", "dnsPolicy", Ty::Str).default(s("ClusterFirst")),
            f("host_network", "hostNetwork", Ty::Bool).default(Value::bool(false)),
            f("hostname", "hostname", Ty::Str),
            many(
                "image_pull_secrets",
                "imagePullSecrets",
                vec![f("name", "name", Ty::Str).req()],
            ),
            many("init_container", "initContainers", container_fields()),
            f("node_name", "nodeName", Ty::Str).oc(),
            f("node_selector", "nodeSelector", Ty::MapStr),
            f("priority_class_name", "priorityClassName", Ty::Str).oc(),
            f("restart_policy", "restartPolicy", Ty::Str).default(s("Always")),
            f("scheduler_name", "schedulerName", Ty::Str).oc(),
            pod_security_context(),
            f("service_account_name", "serviceAccountName", Ty::Str).oc(),
            f("subdomain", "subdomain", Ty::Str),
            f(
                "termination_grace_period_seconds",
                "terminationGracePeriodSeconds",
                Ty::Int,
            )
            .default(n(30)),
            many(
                "toleration",
                "tolerations",
                vec![
                    f("effect", "effect", Ty::Str),
                    f("key", "key", Ty::Str),
                    f("operator", "operator", Ty::Str).default(s("Equal")),
                    f("toleration_seconds", "tolerationSeconds", Ty::IntStr),
                    f("value", "value", Ty::Str),
                ],
            ),
            volume(),
        ],
    )
    .req()
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
