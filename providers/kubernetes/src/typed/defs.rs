//! The typed resource definitions with the Terraform kubernetes provider's
//! attribute and block names (its `schema_*.go` / `resource_kubernetes_*_v1.go`
//! sources were read for the names, defaults and force-new flags).

use super::fields::{f, many, one, Field, Ty};
use super::{Def, Wait};
use terrane_value::Value;

fn s(v: &str) -> Value {
    Value::string(v)
}

fn n(v: i64) -> Value {
    Value::number(v)
}

/// The `metadata` block of a top-level object.
pub fn metadata(namespaced: bool) -> Field {
    let mut fs = vec![
        f("annotations", "annotations", Ty::Meta),
        f("generate_name", "generateName", Ty::Str).force_new(),
        f("generation", "generation", Ty::Int).comp(),
        f("labels", "labels", Ty::Meta),
        f("name", "name", Ty::Str).oc().force_new(),
        f("resource_version", "resourceVersion", Ty::Str).comp(),
        f("uid", "uid", Ty::Str).comp(),
    ];
    if namespaced {
        fs.push(
            f("namespace", "namespace", Ty::Str)
                .force_new()
                .default(s("default")),
        );
    }
    one("metadata", "metadata", fs).req()
}

/// A label selector (`match_labels`, `match_expressions`).
pub fn selector(tf: &'static str, json: &'static str) -> Field {
    one(tf, json, selector_fields())
}

/// The fields of a label selector.
pub fn selector_fields() -> Vec<Field> {
    vec![
        f("match_labels", "matchLabels", Ty::MapStr),
        many(
            "match_expressions",
            "matchExpressions",
            vec![
                f("key", "key", Ty::Str),
                f("operator", "operator", Ty::Str),
                f("values", "values", Ty::SetStr),
            ],
        ),
    ]
}

fn namespace() -> Def {
    Def {
        name: "kubernetes_namespace_v1",
        api_versions: &["v1"],
        kind: "Namespace",
        fields: vec![
            metadata(false),
            f("wait_for_default_service_account", "", Ty::Bool).default(Value::bool(false)),
        ],
        timeouts: &["delete"],
        wait: Wait::None,
    }
}

fn config_map() -> Def {
    Def {
        name: "kubernetes_config_map_v1",
        api_versions: &["v1"],
        kind: "ConfigMap",
        fields: vec![
            metadata(true),
            f("binary_data", "binaryData", Ty::MapStr),
            f("data", "data", Ty::MapStr),
            f("immutable", "immutable", Ty::Bool),
        ],
        timeouts: &[],
        wait: Wait::None,
    }
}

fn secret() -> Def {
    Def {
        name: "kubernetes_secret_v1",
        api_versions: &["v1"],
        kind: "Secret",
        fields: vec![
            metadata(true),
            f("binary_data", "binaryData", Ty::MapStr).sensitive(),
            f("data", "data", Ty::B64Map).sensitive(),
            f("immutable", "immutable", Ty::Bool),
            f("type", "type", Ty::Str).force_new().default(s("Opaque")),
        ],
        timeouts: &[],
        wait: Wait::None,
    }
}

fn service_account() -> Def {
    Def {
        name: "kubernetes_service_account_v1",
        api_versions: &["v1"],
        kind: "ServiceAccount",
        fields: vec![
            metadata(true),
            f(
                "automount_service_account_token",
                "automountServiceAccountToken",
                Ty::Bool,
            )
            .default(Value::bool(true)),
            many(
                "image_pull_secret",
                "imagePullSecrets",
                vec![f("name", "name", Ty::Str)],
            ),
            many("secret", "secrets", vec![f("name", "name", Ty::Str)]).server_block(),
        ],
        timeouts: &["create"],
        wait: Wait::None,
    }
}

fn service_port() -> Field {
    many(
        "port",
        "ports",
        vec![
            f("app_protocol", "appProtocol", Ty::Str),
            f("name", "name", Ty::Str),
            f("node_port", "nodePort", Ty::Int).oc(),
            f("port", "port", Ty::Int).req(),
            f("protocol", "protocol", Ty::Str).default(s("TCP")),
            f("target_port", "targetPort", Ty::IntStr).oc(),
        ],
    )
}

/// `status { load_balancer { ingress { … } } }` of a Service or Ingress:
/// computed, always one `load_balancer`, `ip`/`hostname` "" when unset.
fn load_balancer_status(service: bool) -> Field {
    let mut ingress = vec![
        f("hostname", "hostname", Ty::Str).default(s("")),
        f("ip", "ip", Ty::Str).default(s("")),
    ];
    if service {
        ingress.push(f("ip_mode", "ipMode", Ty::Str));
    }
    one(
        "status",
        "status",
        vec![one(
            "load_balancer",
            "loadBalancer",
            vec![many("ingress", "ingress", ingress)],
        )
        .comp()],
    )
    .comp()
}

fn service() -> Def {
    Def {
        name: "kubernetes_service_v1",
        api_versions: &["v1"],
        kind: "Service",
        fields: vec![
            metadata(true),
            one(
                "spec",
                "spec",
                vec![
                    f("cluster_ip", "clusterIP", Ty::Str).oc().force_new(),
                    f("external_ips", "externalIPs", Ty::ListStr),
                    f("external_name", "externalName", Ty::Str),
                    f("external_traffic_policy", "externalTrafficPolicy", Ty::Str).oc(),
                    f("health_check_node_port", "healthCheckNodePort", Ty::Int).oc(),
                    f("load_balancer_ip", "loadBalancerIP", Ty::Str),
                    f(
                        "load_balancer_source_ranges",
                        "loadBalancerSourceRanges",
                        Ty::ListStr,
                    ),
                    service_port(),
                    f(
                        "publish_not_ready_addresses",
                        "publishNotReadyAddresses",
                        Ty::Bool,
                    )
                    .default(Value::bool(false)),
                    f("selector", "selector", Ty::MapStr),
                    f("session_affinity", "sessionAffinity", Ty::Str).default(s("None")),
                    f("type", "type", Ty::Str).default(s("ClusterIP")),
                ],
            )
            .req(),
            load_balancer_status(true),
            f("wait_for_load_balancer", "", Ty::Bool).default(Value::bool(true)),
        ],
        timeouts: &["create"],
        wait: Wait::None,
    }
}

fn backend() -> Vec<Field> {
    vec![
        one(
            "resource",
            "resource",
            vec![
                f("api_group", "apiGroup", Ty::Str),
                f("kind", "kind", Ty::Str).req(),
                f("name", "name", Ty::Str).req(),
            ],
        ),
        one(
            "service",
            "service",
            vec![
                f("name", "name", Ty::Str).req(),
                one(
                    "port",
                    "port",
                    vec![f("name", "name", Ty::Str), f("number", "number", Ty::Int)],
                )
                .req(),
            ],
        ),
    ]
}

fn ingress() -> Def {
    Def {
        name: "kubernetes_ingress_v1",
        api_versions: &["networking.k8s.io/v1"],
        kind: "Ingress",
        fields: vec![
            metadata(true),
            one(
                "spec",
                "spec",
                vec![
                    one("default_backend", "defaultBackend", backend()),
                    f("ingress_class_name", "ingressClassName", Ty::Str),
                    many(
                        "rule",
                        "rules",
                        vec![
                            f("host", "host", Ty::Str),
                            one(
                                "http",
                                "http",
                                vec![many(
                                    "path",
                                    "paths",
                                    vec![
                                        one("backend", "backend", backend()),
                                        f("path", "path", Ty::Str),
                                        f("path_type", "pathType", Ty::Str)
                                            .default(s("ImplementationSpecific")),
                                    ],
                                )
                                .req()],
                            ),
                        ],
                    ),
                    many(
                        "tls",
                        "tls",
                        vec![
                            f("hosts", "hosts", Ty::ListStr),
                            f("secret_name", "secretName", Ty::Str),
                        ],
                    ),
                ],
            )
            .req(),
            load_balancer_status(false),
            f("wait_for_load_balancer", "", Ty::Bool).default(Value::bool(false)),
        ],
        timeouts: &["create", "delete"],
        wait: Wait::None,
    }
}

fn peer(tf: &'static str, json: &'static str) -> Field {
    many(
        tf,
        json,
        vec![
            one(
                "ip_block",
                "ipBlock",
                vec![
                    f("cidr", "cidr", Ty::Str),
                    f("except", "except", Ty::ListStr),
                ],
            ),
            selector("namespace_selector", "namespaceSelector"),
            selector("pod_selector", "podSelector"),
        ],
    )
}

fn np_ports() -> Field {
    many(
        "ports",
        "ports",
        vec![
            f("end_port", "endPort", Ty::Int),
            f("port", "port", Ty::IntStr),
            f("protocol", "protocol", Ty::Str).default(s("TCP")),
        ],
    )
}

fn network_policy() -> Def {
    Def {
        name: "kubernetes_network_policy_v1",
        api_versions: &["networking.k8s.io/v1"],
        kind: "NetworkPolicy",
        fields: vec![
            metadata(true),
            one(
                "spec",
                "spec",
                vec![
                    many("egress", "egress", vec![np_ports(), peer("to", "to")]),
                    many("ingress", "ingress", vec![peer("from", "from"), np_ports()]),
                    selector("pod_selector", "podSelector").req(),
                    f("policy_types", "policyTypes", Ty::ListStr).req(),
                ],
            )
            .req(),
        ],
        timeouts: &[],
        wait: Wait::None,
    }
}

fn metric_target() -> Field {
    one(
        "target",
        "target",
        vec![
            f("average_utilization", "averageUtilization", Ty::Int),
            f("average_value", "averageValue", Ty::Str),
            f("type", "type", Ty::Str).req(),
            f("value", "value", Ty::Str),
        ],
    )
}

/// The `metric` of a pods, object or external metric source.
fn metric_identifier() -> Field {
    one(
        "metric",
        "metric",
        vec![
            f("name", "name", Ty::Str).req(),
            selector("selector", "selector").unbounded(),
        ],
    )
    .req()
}

/// `scale_up` / `scale_down` of an HPA's `behavior`: list blocks in
/// Terraform's schema, objects in the API, filled in by the server when
/// `behavior` is set without them.
fn scaling_rules(tf: &'static str, json: &'static str) -> Field {
    one(
        tf,
        json,
        vec![
            many(
                "policy",
                "policies",
                vec![
                    f("period_seconds", "periodSeconds", Ty::Int).req(),
                    f("type", "type", Ty::Str).req(),
                    f("value", "value", Ty::Int).req(),
                ],
            )
            .req(),
            f("select_policy", "selectPolicy", Ty::Str).oc(),
            f(
                "stabilization_window_seconds",
                "stabilizationWindowSeconds",
                Ty::Int,
            )
            .oc(),
        ],
    )
    .unbounded()
    .server_block()
}

fn hpa() -> Def {
    Def {
        name: "kubernetes_horizontal_pod_autoscaler_v2",
        // autoscaling/v2 is served from Kubernetes 1.23; older servers
        // (such as 1.20) serve the same shape as autoscaling/v2beta2.
        api_versions: &["autoscaling/v2", "autoscaling/v2beta2"],
        kind: "HorizontalPodAutoscaler",
        fields: vec![
            metadata(true),
            one(
                "spec",
                "spec",
                vec![
                    one(
                        "behavior",
                        "behavior",
                        vec![
                            scaling_rules("scale_down", "scaleDown"),
                            scaling_rules("scale_up", "scaleUp"),
                        ],
                    )
                    .server_block(),
                    f("max_replicas", "maxReplicas", Ty::Int).req(),
                    many(
                        "metric",
                        "metrics",
                        vec![
                            one(
                                "container_resource",
                                "containerResource",
                                vec![
                                    f("container", "container", Ty::Str).req(),
                                    f("name", "name", Ty::Str).req(),
                                    metric_target(),
                                ],
                            ),
                            one(
                                "external",
                                "external",
                                vec![metric_identifier(), metric_target()],
                            ),
                            one(
                                "object",
                                "object",
                                vec![
                                    one(
                                        "described_object",
                                        "describedObject",
                                        vec![
                                            f("api_version", "apiVersion", Ty::Str).req(),
                                            f("kind", "kind", Ty::Str).req(),
                                            f("name", "name", Ty::Str).req(),
                                        ],
                                    )
                                    .req(),
                                    metric_identifier(),
                                    metric_target(),
                                ],
                            ),
                            one("pods", "pods", vec![metric_identifier(), metric_target()]),
                            one(
                                "resource",
                                "resource",
                                vec![f("name", "name", Ty::Str).req(), metric_target()],
                            ),
                            f("type", "type", Ty::Str).req(),
                        ],
                    ),
                    f("min_replicas", "minReplicas", Ty::Int).default(n(1)),
                    one(
                        "scale_target_ref",
                        "scaleTargetRef",
                        vec![
                            f("api_version", "apiVersion", Ty::Str),
                            f("kind", "kind", Ty::Str).req(),
                            f("name", "name", Ty::Str).req(),
                        ],
                    )
                    .req(),
                ],
            )
            .req(),
        ],
        timeouts: &[],
        wait: Wait::None,
    }
}

/// Every typed resource, with the un-suffixed aliases older configurations
/// use (`kubernetes_deployment` …).
pub fn all() -> Vec<Def> {
    let base = vec![
        namespace(),
        config_map(),
        secret(),
        service_account(),
        service(),
        ingress(),
        network_policy(),
        hpa(),
        super::workloads::deployment(),
        super::workloads::stateful_set(),
        super::workloads::daemon_set(),
        super::workloads::job(),
        super::storage::persistent_volume_claim(),
        super::rbac::role(),
        super::rbac::cluster_role(),
        super::rbac::role_binding(),
        super::rbac::cluster_role_binding(),
    ];
    let mut out = Vec::new();
    for d in base {
        // `kubernetes_ingress` (extensions/v1beta1) and
        // `kubernetes_horizontal_pod_autoscaler` (autoscaling/v1) have other
        // schemas in Terraform's provider, so they get no alias here.
        let alias = match d.name {
            // Terraform's older name has no underscore.
            "kubernetes_daemon_set_v1" => Some("kubernetes_daemonset"),
            n => n.strip_suffix("_v1").filter(|a| *a != "kubernetes_ingress"),
        };
        if let Some(a) = alias {
            let mut copy = d.clone();
            copy.name = a;
            out.push(copy);
        }
        out.push(d);
    }
    out
}
