//! The pod spec every workload's template shares (`template { spec { … } }`):
//! scheduling (affinity, tolerations, topology spread), DNS, security
//! context, volumes — with the names, defaults and server-filled values of
//! Terraform's `schema_pod_spec.go`, `schema_affinity_spec.go` and
//! `schema_volume_source.go`.

use super::container::{
    container_fields, field_ref, resource_field_ref, se_linux_options, seccomp_profile,
};
use super::defs::selector;
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

/// A label selector whose `values` is a set, in a list block Terraform
/// leaves unbounded (affinity terms, topology spread constraints).
fn label_selector(tf: &'static str, json: &'static str) -> Field {
    selector(tf, json).unbounded()
}

fn node_selector_requirements() -> Vec<Field> {
    let requirement = || {
        vec![
            f("key", "key", Ty::Str),
            f("operator", "operator", Ty::Str),
            f("values", "values", Ty::SetStr),
        ]
    };
    vec![
        many("match_expressions", "matchExpressions", requirement()),
        many("match_fields", "matchFields", requirement()).force_new(),
    ]
}

fn node_affinity() -> Field {
    one(
        "node_affinity",
        "nodeAffinity",
        vec![
            many(
                "preferred_during_scheduling_ignored_during_execution",
                "preferredDuringSchedulingIgnoredDuringExecution",
                vec![
                    one("preference", "preference", node_selector_requirements()).req(),
                    f("weight", "weight", Ty::Int).req(),
                ],
            ),
            one(
                "required_during_scheduling_ignored_during_execution",
                "requiredDuringSchedulingIgnoredDuringExecution",
                vec![many(
                    "node_selector_term",
                    "nodeSelectorTerms",
                    node_selector_requirements(),
                )],
            ),
        ],
    )
}

fn pod_affinity_term() -> Vec<Field> {
    vec![
        label_selector("label_selector", "labelSelector"),
        label_selector("namespace_selector", "namespaceSelector"),
        f("namespaces", "namespaces", Ty::SetStr),
        f("topology_key", "topologyKey", Ty::Str).req(),
    ]
}

fn pod_affinity(tf: &'static str, json: &'static str) -> Field {
    one(
        tf,
        json,
        vec![
            many(
                "preferred_during_scheduling_ignored_during_execution",
                "preferredDuringSchedulingIgnoredDuringExecution",
                vec![
                    one("pod_affinity_term", "podAffinityTerm", pod_affinity_term()).req(),
                    f("weight", "weight", Ty::Int).req(),
                ],
            ),
            many(
                "required_during_scheduling_ignored_during_execution",
                "requiredDuringSchedulingIgnoredDuringExecution",
                pod_affinity_term(),
            ),
        ],
    )
}

fn affinity() -> Field {
    one(
        "affinity",
        "affinity",
        vec![
            node_affinity(),
            pod_affinity("pod_affinity", "podAffinity"),
            pod_affinity("pod_anti_affinity", "podAntiAffinity"),
        ],
    )
}

fn dns_config() -> Field {
    one(
        "dns_config",
        "dnsConfig",
        vec![
            f("nameservers", "nameservers", Ty::ListStr),
            many(
                "option",
                "options",
                vec![
                    f("name", "name", Ty::Str).req(),
                    f("value", "value", Ty::Str),
                ],
            ),
            f("searches", "searches", Ty::ListStr),
        ],
    )
}

fn security_context() -> Field {
    one(
        "security_context",
        "securityContext",
        vec![
            f("fs_group", "fsGroup", Ty::IntStr),
            f("fs_group_change_policy", "fsGroupChangePolicy", Ty::Str),
            f("run_as_group", "runAsGroup", Ty::IntStr),
            f("run_as_non_root", "runAsNonRoot", Ty::Bool),
            f("run_as_user", "runAsUser", Ty::IntStr),
            se_linux_options(),
            seccomp_profile(),
            f("supplemental_groups", "supplementalGroups", Ty::SetInt),
            many(
                "sysctl",
                "sysctls",
                vec![
                    f("name", "name", Ty::Str).req(),
                    f("value", "value", Ty::Str).req(),
                ],
            ),
            one(
                "windows_options",
                "windowsOptions",
                vec![
                    f("gmsa_credential_spec", "gmsaCredentialSpec", Ty::Str),
                    f(
                        "gmsa_credential_spec_name",
                        "gmsaCredentialSpecName",
                        Ty::Str,
                    ),
                    f("host_process", "hostProcess", Ty::Bool).default(no()),
                    f("run_as_username", "runAsUserName", Ty::Str),
                ],
            ),
        ],
    )
}

fn toleration() -> Field {
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
    )
}

fn topology_spread_constraint() -> Field {
    many(
        "topology_spread_constraint",
        "topologySpreadConstraints",
        vec![
            label_selector("label_selector", "labelSelector"),
            f("match_label_keys", "matchLabelKeys", Ty::SetStr),
            f("max_skew", "maxSkew", Ty::Int).default(n(1)),
            f("min_domains", "minDomains", Ty::Int),
            f("node_affinity_policy", "nodeAffinityPolicy", Ty::Str),
            f("node_taints_policy", "nodeTaintsPolicy", Ty::Str),
            f("topology_key", "topologyKey", Ty::Str),
            f("when_unsatisfiable", "whenUnsatisfiable", Ty::Str).default(s("DoNotSchedule")),
        ],
    )
}

/// `items` of a config map, secret or projected source.
fn key_paths() -> Field {
    many(
        "items",
        "items",
        vec![
            f("key", "key", Ty::Str),
            f("mode", "mode", Ty::Mode),
            f("path", "path", Ty::Str),
        ],
    )
}

fn default_mode() -> Field {
    f("default_mode", "defaultMode", Ty::Mode).default(s("0644"))
}

fn downward_api_items() -> Field {
    many(
        "items",
        "items",
        vec![
            field_ref(),
            f("mode", "mode", Ty::Mode),
            f("path", "path", Ty::Str).req(),
            resource_field_ref(f("container_name", "containerName", Ty::Str).req()),
        ],
    )
}

fn projected() -> Field {
    let object_source = |tf, json| {
        one(
            tf,
            json,
            vec![
                key_paths(),
                f("name", "name", Ty::Str),
                f("optional", "optional", Ty::Bool),
            ],
        )
        .unbounded()
    };
    one(
        "projected",
        "projected",
        vec![
            default_mode(),
            many(
                "sources",
                "sources",
                vec![
                    object_source("config_map", "configMap"),
                    one("downward_api", "downwardAPI", vec![downward_api_items()]),
                    object_source("secret", "secret"),
                    one(
                        "service_account_token",
                        "serviceAccountToken",
                        vec![
                            f("audience", "audience", Ty::Str),
                            f("expiration_seconds", "expirationSeconds", Ty::Int).default(n(3600)),
                            f("path", "path", Ty::Str).req(),
                        ],
                    ),
                ],
            )
            .req(),
        ],
    )
    .unbounded()
}

fn volume() -> Field {
    let mut sources = vec![
        one(
            "config_map",
            "configMap",
            vec![
                default_mode(),
                key_paths(),
                f("name", "name", Ty::Str),
                f("optional", "optional", Ty::Bool),
            ],
        ),
        one(
            "csi",
            "csi",
            vec![
                f("driver", "driver", Ty::Str).req(),
                f("fs_type", "fsType", Ty::Str),
                one(
                    "node_publish_secret_ref",
                    "nodePublishSecretRef",
                    vec![f("name", "name", Ty::Str)],
                ),
                f("read_only", "readOnly", Ty::Bool),
                f("volume_attributes", "volumeAttributes", Ty::MapStr),
            ],
        ),
        one(
            "downward_api",
            "downwardAPI",
            vec![default_mode(), downward_api_items()],
        ),
        one(
            "empty_dir",
            "emptyDir",
            vec![
                f("medium", "medium", Ty::Str).default(s("")),
                f("size_limit", "sizeLimit", Ty::Quantity),
            ],
        ),
        one(
            "host_path",
            "hostPath",
            vec![
                f("path", "path", Ty::Str),
                // The API server fills in "" (unset).
                f("type", "type", Ty::Str).default(s("")),
            ],
        ),
        f("name", "name", Ty::Str),
        one(
            "nfs",
            "nfs",
            vec![
                f("path", "path", Ty::Str).req(),
                f("read_only", "readOnly", Ty::Bool),
                f("server", "server", Ty::Str).req(),
            ],
        ),
        one(
            "persistent_volume_claim",
            "persistentVolumeClaim",
            vec![
                f("claim_name", "claimName", Ty::Str),
                f("read_only", "readOnly", Ty::Bool).default(no()),
            ],
        ),
        projected(),
        one(
            "secret",
            "secret",
            vec![
                default_mode(),
                key_paths(),
                f("optional", "optional", Ty::Bool),
                f("secret_name", "secretName", Ty::Str),
            ],
        ),
    ];
    sources.extend(super::volumes::other_sources());
    many("volume", "volumes", sources)
}

/// The pod spec of a template (`restart_policy` defaulting to `Always`).
pub fn pod_spec() -> Field {
    pod_spec_restarting("Always")
}

/// The pod spec of a template whose `restart_policy` defaults to
/// `restart` (Jobs: `Never`).
pub fn pod_spec_restarting(restart: &'static str) -> Field {
    one(
        "spec",
        "spec",
        vec![
            f("active_deadline_seconds", "activeDeadlineSeconds", Ty::Int),
            affinity(),
            f(
                "automount_service_account_token",
                "automountServiceAccountToken",
                Ty::Bool,
            )
            .default(Value::bool(true)),
            many("container", "containers", container_fields()),
            dns_config(),
            f("dns_policy", "dnsPolicy", Ty::Str).default(s("ClusterFirst")),
            f("enable_service_links", "enableServiceLinks", Ty::Bool).default(Value::bool(true)),
            many(
                "host_aliases",
                "hostAliases",
                vec![
                    f("hostnames", "hostnames", Ty::ListStr).req(),
                    f("ip", "ip", Ty::Str).req(),
                ],
            ),
            f("host_ipc", "hostIPC", Ty::Bool).default(no()),
            f("host_network", "hostNetwork", Ty::Bool).default(no()),
            f("host_pid", "hostPID", Ty::Bool).default(no()),
            f("hostname", "hostname", Ty::Str).oc(),
            many(
                "image_pull_secrets",
                "imagePullSecrets",
                vec![f("name", "name", Ty::Str).req()],
            ),
            many("init_container", "initContainers", container_fields()),
            f("node_name", "nodeName", Ty::Str).oc(),
            f("node_selector", "nodeSelector", Ty::MapStr),
            one("os", "os", vec![f("name", "name", Ty::Str).req()]),
            f("priority_class_name", "priorityClassName", Ty::Str).oc(),
            many(
                "readiness_gate",
                "readinessGates",
                vec![f("condition_type", "conditionType", Ty::Str).req()],
            ),
            f("restart_policy", "restartPolicy", Ty::Str).default(s(restart)),
            f("runtime_class_name", "runtimeClassName", Ty::Str),
            f("scheduler_name", "schedulerName", Ty::Str).oc(),
            security_context(),
            f("service_account_name", "serviceAccountName", Ty::Str).oc(),
            f("share_process_namespace", "shareProcessNamespace", Ty::Bool).default(no()),
            f("subdomain", "subdomain", Ty::Str),
            f(
                "termination_grace_period_seconds",
                "terminationGracePeriodSeconds",
                Ty::Int,
            )
            .default(n(30)),
            toleration(),
            topology_spread_constraint(),
            volume(),
        ],
    )
    .req()
}
