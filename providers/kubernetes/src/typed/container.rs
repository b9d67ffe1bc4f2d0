//! The `container` / `init_container` blocks of a pod spec: ports, env,
//! resources, probes, lifecycle hooks, security context, volume mounts —
//! with the names, defaults and server-filled values of Terraform's
//! `schema_container.go`.

use super::fields::{f, many, one, Field, Ty};
use terrane_value::Value;

fn s(v: &str) -> Value {
    Value::string(v)
}

fn n(v: i64) -> Value {
    Value::number(v)
}

fn no() -> Value {
    Value::bool(false)
}

fn http_get() -> Field {
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
    )
}

fn exec() -> Field {
    one("exec", "exec", vec![f("command", "command", Ty::ListStr)])
}

fn tcp_socket() -> Field {
    one(
        "tcp_socket",
        "tcpSocket",
        vec![f("port", "port", Ty::IntStr).req()],
    )
}

fn probe(tf: &'static str, json: &'static str) -> Field {
    one(
        tf,
        json,
        vec![
            exec(),
            f("failure_threshold", "failureThreshold", Ty::Int).default(n(3)),
            one(
                "grpc",
                "grpc",
                vec![
                    f("port", "port", Ty::Int).req(),
                    f("service", "service", Ty::Str),
                ],
            )
            .unbounded(),
            http_get(),
            f("initial_delay_seconds", "initialDelaySeconds", Ty::Int),
            f("period_seconds", "periodSeconds", Ty::Int).default(n(10)),
            f("success_threshold", "successThreshold", Ty::Int).default(n(1)),
            tcp_socket().unbounded(),
            f("timeout_seconds", "timeoutSeconds", Ty::Int).default(n(1)),
        ],
    )
}

/// A lifecycle hook (`post_start`, `pre_stop`): a list block in
/// Terraform's schema, one handler object in the API.
fn handler(tf: &'static str, json: &'static str) -> Field {
    one(tf, json, vec![exec(), http_get(), tcp_socket().unbounded()]).unbounded()
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

/// `seccomp_profile` of a pod or container security context.
pub fn seccomp_profile() -> Field {
    one(
        "seccomp_profile",
        "seccompProfile",
        vec![
            f("localhost_profile", "localhostProfile", Ty::Str).default(s("")),
            f("type", "type", Ty::Str).default(s("Unconfined")),
        ],
    )
}

/// `se_linux_options` of a pod or container security context.
pub fn se_linux_options() -> Field {
    one(
        "se_linux_options",
        "seLinuxOptions",
        vec![
            f("level", "level", Ty::Str),
            f("role", "role", Ty::Str),
            f("type", "type", Ty::Str),
            f("user", "user", Ty::Str),
        ],
    )
}

fn security_context() -> Field {
    one(
        "security_context",
        "securityContext",
        vec![
            f(
                "allow_privilege_escalation",
                "allowPrivilegeEscalation",
                Ty::Bool,
            )
            .default(Value::bool(true)),
            one(
                "capabilities",
                "capabilities",
                vec![f("add", "add", Ty::ListStr), f("drop", "drop", Ty::ListStr)],
            ),
            f("privileged", "privileged", Ty::Bool).default(no()),
            f(
                "read_only_root_filesystem",
                "readOnlyRootFilesystem",
                Ty::Bool,
            )
            .default(no()),
            f("run_as_group", "runAsGroup", Ty::IntStr),
            f("run_as_non_root", "runAsNonRoot", Ty::Bool),
            f("run_as_user", "runAsUser", Ty::IntStr),
            se_linux_options(),
            seccomp_profile(),
        ],
    )
}

/// `field_ref` of an env var or a downward API volume item.
pub fn field_ref() -> Field {
    one(
        "field_ref",
        "fieldRef",
        vec![
            f("api_version", "apiVersion", Ty::Str).default(s("v1")),
            f("field_path", "fieldPath", Ty::Str),
        ],
    )
}

/// `resource_field_ref` of an env var or a downward API volume item
/// (whose `container_name` differs: optional for env, required there).
pub fn resource_field_ref(container_name: Field) -> Field {
    one(
        "resource_field_ref",
        "resourceFieldRef",
        vec![
            container_name,
            f("divisor", "divisor", Ty::Quantity).default(s("1")),
            f("resource", "resource", Ty::Str).req(),
        ],
    )
}

fn env() -> Field {
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
                    field_ref(),
                    resource_field_ref(f("container_name", "containerName", Ty::Str)),
                    key_ref("secret_key_ref", "secretKeyRef"),
                ],
            ),
        ],
    )
}

fn env_from() -> Field {
    let source = |tf, json| {
        one(
            tf,
            json,
            vec![
                f("name", "name", Ty::Str).req(),
                f("optional", "optional", Ty::Bool),
            ],
        )
    };
    many(
        "env_from",
        "envFrom",
        vec![
            source("config_map_ref", "configMapRef"),
            f("prefix", "prefix", Ty::Str),
            source("secret_ref", "secretRef"),
        ],
    )
}

/// The fields of one container.
pub fn container_fields() -> Vec<Field> {
    vec![
        f("args", "args", Ty::ListStr),
        f("command", "command", Ty::ListStr),
        env(),
        env_from(),
        f("image", "image", Ty::Str),
        f("image_pull_policy", "imagePullPolicy", Ty::Str).oc(),
        one(
            "lifecycle",
            "lifecycle",
            vec![
                handler("post_start", "postStart"),
                handler("pre_stop", "preStop"),
            ],
        ),
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
        security_context(),
        probe("startup_probe", "startupProbe"),
        f("stdin", "stdin", Ty::Bool).default(no()),
        f("stdin_once", "stdinOnce", Ty::Bool).default(no()),
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
        f("tty", "tty", Ty::Bool).default(no()),
        many(
            "volume_device",
            "volumeDevices",
            vec![
                f("device_path", "devicePath", Ty::Str).req(),
                f("name", "name", Ty::Str).req(),
            ],
        ),
        many(
            "volume_mount",
            "volumeMounts",
            vec![
                f("mount_path", "mountPath", Ty::Str).req(),
                f("mount_propagation", "mountPropagation", Ty::Str).default(s("None")),
                f("name", "name", Ty::Str).req(),
                f("read_only", "readOnly", Ty::Bool).default(no()),
                f("sub_path", "subPath", Ty::Str),
                f("sub_path_expr", "subPathExpr", Ty::Str),
            ],
        ),
        f("working_dir", "workingDir", Ty::Str),
    ]
}
