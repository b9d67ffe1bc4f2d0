//! The pod template's scheduling, DNS, security and volume blocks and the
//! HPA's `behavior` and metric sources, against a real kube-apiserver (skipped without one):
//! create, read back, no-op re-plan, update in place, import, an external
//! change, delete — through the shared [`common::lifecycle`].

#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::{json, Value as J};
use terrane_value::Value;

/// A Deployment using every pod-spec block the Terraform provider has and
/// the 1.20 API server serves; `variant` changes some of them in place.
fn deployment(ns: &str, variant: u8) -> J {
    let weight = 10 + i64::from(variant);
    json!({
        "metadata": {"name": "full", "namespace": ns},
        "spec": {
            "replicas": 1,
            "selector": {"match_labels": {"app": "full"}},
            "template": {
                "metadata": {"labels": {"app": "full"}},
                "spec": {
                    "affinity": {
                        "node_affinity": {
                            "required_during_scheduling_ignored_during_execution": {
                                "node_selector_term": [{"match_expressions": [
                                    {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}
                                ]}]
                            },
                            "preferred_during_scheduling_ignored_during_execution": [{
                                "weight": weight,
                                "preference": {"match_expressions": [
                                    {"key": "disk", "operator": "In", "values": ["ssd", "nvme"]}
                                ]}
                            }]
                        },
                        "pod_affinity": {
                            "preferred_during_scheduling_ignored_during_execution": [{
                                "weight": 50,
                                "pod_affinity_term": {
                                    "label_selector": [{"match_labels": {"app": "cache"}}],
                                    "topology_key": "kubernetes.io/hostname"
                                }
                            }]
                        },
                        "pod_anti_affinity": {
                            "required_during_scheduling_ignored_during_execution": [{
                                "label_selector": [{"match_expressions": [
                                    {"key": "app", "operator": "In", "values": ["full"]}
                                ]}],
                                "namespaces": [ns],
                                "topology_key": "kubernetes.io/hostname"
                            }]
                        }
                    },
                    "toleration": [
                        {"key": "dedicated", "value": "web", "effect": "NoSchedule"},
                        {"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                         "effect": "NoExecute", "toleration_seconds": "60"}
                    ],
                    "topology_spread_constraint": [{
                        "max_skew": 1 + i64::from(variant),
                        "topology_key": "topology.kubernetes.io/zone",
                        "when_unsatisfiable": "ScheduleAnyway",
                        "label_selector": [{"match_labels": {"app": "full"}}]
                    }],
                    "dns_policy": "None",
                    "dns_config": {
                        "nameservers": ["1.1.1.1", "8.8.8.8"],
                        "searches": ["svc.cluster.local"],
                        "option": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]
                    },
                    "host_aliases": [{"ip": "10.1.2.3", "hostnames": ["db.local", "cache.local"]}],
                    "readiness_gate": [{"condition_type": "example.com/ready"}],
                    "security_context": {
                        "run_as_user": "1000",
                        "run_as_group": "3000",
                        "run_as_non_root": true,
                        "fs_group": "2000",
                        "fs_group_change_policy": "OnRootMismatch",
                        "supplemental_groups": [4000, 5000],
                        "seccomp_profile": {"type": "RuntimeDefault"},
                        "se_linux_options": {"level": "s0:c123,c456"},
                        "sysctl": [{"name": "net.ipv4.ip_local_port_range", "value": "1024 65000"}]
                    },
                    "container": [{
                        "name": "app",
                        "image": if variant == 0 { "nginx:1.25" } else { "nginx:1.26" },
                        "lifecycle": {
                            "post_start": [{"exec": {"command": ["/bin/sh", "-c", "echo started"]}}],
                            "pre_stop": [{"http_get": {"path": "/drain", "port": "8080",
                                "http_header": [{"name": "X-Drain", "value": "1"}]}}]
                        },
                        "liveness_probe": {"tcp_socket": [{"port": "8080"}], "period_seconds": 20},
                        "security_context": {
                            "allow_privilege_escalation": false,
                            "read_only_root_filesystem": true,
                            "run_as_user": "1001",
                            "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
                            "seccomp_profile": {"type": "RuntimeDefault"}
                        },
                        "volume_mount": [
                            {"name": "scratch", "mount_path": "/scratch"},
                            {"name": "config", "mount_path": "/etc/app", "read_only": true},
                            {"name": "creds", "mount_path": "/etc/creds", "read_only": true},
                            {"name": "bundle", "mount_path": "/etc/bundle"},
                            {"name": "info", "mount_path": "/etc/info"},
                            {"name": "shared", "mount_path": "/shared"},
                            {"name": "csi", "mount_path": "/csi"}
                        ]
                    }],
                    "volume": [
                        {"name": "scratch", "empty_dir": {"medium": "Memory",
                            "size_limit": if variant == 0 { "1Gi" } else { "512Mi" }}},
                        {"name": "config", "config_map": {"name": "app-config", "default_mode": "0640",
                            "items": [{"key": "app.yaml", "path": "app.yaml", "mode": "0600"}]}},
                        {"name": "creds", "secret": {"secret_name": "app-creds", "optional": true,
                            "items": [{"key": "token", "path": "token"}]}},
                        {"name": "bundle", "projected": [{"default_mode": "0440", "sources": [
                            {"config_map": [{"name": "app-config", "items": [{"key": "a", "path": "a"}]}]},
                            {"secret": [{"name": "app-creds", "optional": true}]},
                            {"service_account_token": {"path": "token", "audience": "vault"}},
                            {"downward_api": {"items": [{"path": "labels",
                                "field_ref": {"field_path": "metadata.labels"}}]}}
                        ]}]},
                        {"name": "info", "downward_api": {"items": [{"path": "cpu",
                            "resource_field_ref": {"container_name": "app", "resource": "limits.cpu", "divisor": "1m"}}]}},
                        {"name": "shared", "nfs": {"server": "nfs.example.com", "path": "/exports/shared", "read_only": true}},
                        {"name": "csi", "csi": {"driver": "secrets-store.csi.k8s.io", "read_only": true,
                            "volume_attributes": {"secretProviderClass": "app"},
                            "node_publish_secret_ref": {"name": "csi-creds"}}}
                    ]
                }
            }
        },
        "wait_for_rollout": false
    })
}

#[tokio::test]
async fn deployment_with_every_pod_spec_block() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-podspec";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_deployment_v1",
            create: deployment(ns, 0),
            update: deployment(ns, 1),
            replace: None,
            import_id: format!("{ns}/full"),
            external: (
                "apps/v1",
                "Deployment",
                Some(ns),
                "full",
                json!({"spec": {"template": {"spec": {"dnsConfig": {"searches": ["edited.local"]}}}}}),
            ),
            external_check: (
                vec![
                    "spec", "0", "template", "0", "spec", "0", "dns_config", "0", "searches",
                ],
                Value::list(
                    terrane_value::Type::String,
                    vec![Value::string("edited.local")],
                ),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

/// What the server stored for the blocks the state cannot show directly
/// (modes are integers, quantities canonical, sets arrays).
#[tokio::test]
async fn pod_spec_request_body_as_the_api_has_it() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-podspec-body";
    let nsv = namespace(&c, &p, ns).await;
    let ty = "kubernetes_deployment_v1";
    let config = cfg(&p, ty, deployment(ns, 0));
    let state = plan_apply(&c, ty, &Value::dynamic_null(), &config).await;
    let t = c.kube.resolve("apps/v1", "Deployment").await.unwrap();
    let j = c.kube.get(&t, Some(ns), "full").await.unwrap().unwrap();
    let spec = &j["spec"]["template"]["spec"];
    let vols = spec["volumes"].as_array().unwrap();
    assert_eq!(vols[1]["configMap"]["defaultMode"], 0o640);
    assert_eq!(vols[1]["configMap"]["items"][0]["mode"], 0o600);
    assert_eq!(vols[2]["secret"]["defaultMode"], 0o644);
    assert_eq!(vols[3]["projected"]["defaultMode"], 0o440);
    assert_eq!(
        vols[3]["projected"]["sources"][2]["serviceAccountToken"]["expirationSeconds"],
        3600
    );
    assert_eq!(vols[0]["emptyDir"]["sizeLimit"], "1Gi");
    assert_eq!(
        spec["securityContext"]["supplementalGroups"],
        json!([4000, 5000])
    );
    assert_eq!(
        spec["affinity"]["nodeAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0]
            ["preference"]["matchExpressions"][0]["values"],
        json!(["nvme", "ssd"])
    );
    assert_eq!(
        spec["containers"][0]["lifecycle"]["preStop"]["httpGet"]["port"],
        8080
    );
    assert_eq!(spec["tolerations"][1]["tolerationSeconds"], 60);
    assert_eq!(spec["dnsConfig"]["options"][1], json!({"name": "edns0"}));
    // The state reads the modes back in Terraform's octal form.
    let vol_state = at(
        &state,
        &["spec", "0", "template", "0", "spec", "0", "volume"],
    );
    assert_eq!(
        at(vol_state, &["2", "secret", "0", "default_mode"]),
        &Value::string("0644")
    );
    destroy(&c, ty, &state).await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

#[tokio::test]
async fn horizontal_pod_autoscaler_v2_behavior() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-hpa-behavior";
    let nsv = namespace(&c, &p, ns).await;
    let hpa = |window: i64| {
        json!({
            "metadata": {"name": "web", "namespace": ns},
            "spec": {
                "max_replicas": 10,
                "min_replicas": 2,
                "scale_target_ref": {"api_version": "apps/v1", "kind": "Deployment", "name": "web"},
                // 1.20 stores HPAs as autoscaling/v1 (CPU target in the
                // spec, other metrics in an annotation) and reads the CPU
                // metric back last: it is written last here.
                "metric": [
                    {"type": "Pods", "pods": {"metric": {"name": "rps"},
                        "target": {"type": "AverageValue", "average_value": "100"}}},
                    {"type": "Object", "object": {
                        "described_object": {"api_version": "networking.k8s.io/v1", "kind": "Ingress", "name": "web"},
                        "metric": {"name": "hits"},
                        "target": {"type": "Value", "value": "2k"}}},
                    {"type": "External", "external": {
                        "metric": {"name": "queue_depth", "selector": [{"match_labels": {"queue": "jobs"}}]},
                        "target": {"type": "AverageValue", "average_value": "30"}}},
                    {"type": "Resource", "resource": {"name": "cpu",
                        "target": {"type": "Utilization", "average_utilization": 70}}}
                ],
                "behavior": {
                    "scale_down": [{
                        "stabilization_window_seconds": window,
                        "select_policy": "Min",
                        "policy": [
                            {"type": "Percent", "value": 50, "period_seconds": 60},
                            {"type": "Pods", "value": 2, "period_seconds": 60}
                        ]
                    }]
                }
            }
        })
    };
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_horizontal_pod_autoscaler_v2",
            create: hpa(300),
            update: hpa(120),
            replace: None,
            import_id: format!("{ns}/web"),
            external: (
                "autoscaling/v2beta2",
                "HorizontalPodAutoscaler",
                Some(ns),
                "web",
                json!({"spec": {"behavior": {"scaleDown": {"selectPolicy": "Max"}}}}),
            ),
            external_check: (
                vec![
                    "spec",
                    "0",
                    "behavior",
                    "0",
                    "scale_down",
                    "0",
                    "select_policy",
                ],
                Value::string("Max"),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}

/// A Deployment with every cloud, network and legacy volume source (the
/// API server validates them; with no nodes nothing mounts them).
fn storage_deployment(ns: &str, variant: u8) -> J {
    let mounts: Vec<J> = (0..16)
        .map(|i| json!({"name": format!("v{i}"), "mount_path": format!("/v{i}")}))
        .collect();
    json!({
        "metadata": {"name": "storage", "namespace": ns},
        "spec": {
            "replicas": 1,
            "selector": {"match_labels": {"app": "storage"}},
            "template": {
                "metadata": {"labels": {"app": "storage"}},
                "spec": {
                    "container": [{"name": "app", "image": "busybox", "volume_mount": mounts}],
                    "volume": [
                        {"name": "v0", "aws_elastic_block_store": {"volume_id": "vol-123", "fs_type": "ext4", "partition": 1}},
                        {"name": "v1", "azure_disk": {"caching_mode": "None", "data_disk_uri": "https://disks/d1", "disk_name": "d1"}},
                        {"name": "v2", "azure_file": {"secret_name": "az", "share_name": "share", "read_only": true}},
                        {"name": "v3", "ceph_fs": {"monitors": ["10.0.0.2:6789", "10.0.0.1:6789"], "path": "/",
                            "user": "admin", "secret_ref": {"name": "ceph"}}},
                        {"name": "v4", "cinder": {"volume_id": "c-1"}},
                        {"name": "v5", "fc": {"lun": 2, "target_ww_ns": ["500a0982991b8dc5"]}},
                        {"name": "v6", "flex_volume": {"driver": "example.com/lvm", "options": {"size": "1G"}}},
                        {"name": "v7", "flocker": {"dataset_name": "data"}},
                        {"name": "v8", "gce_persistent_disk": {"pd_name": "disk-1", "read_only": true}},
                        {"name": "v9", "git_repo": {"repository": "https://example.com/repo.git",
                            "revision": if variant == 0 { "main" } else { "v2" }}},
                        {"name": "v10", "glusterfs": {"endpoints_name": "gluster", "path": "vol"}},
                        {"name": "v11", "iscsi": {"iqn": "iqn.2001-04.com.example:storage", "target_portal": "10.0.0.3:3260", "lun": 0}},
                        {"name": "v12", "photon_persistent_disk": {"pd_id": "p-1"}},
                        {"name": "v13", "quobyte": {"registry": "q:7861", "volume": "vol"}},
                        {"name": "v14", "rbd": {"ceph_monitors": ["10.0.0.4:6789"], "rbd_image": "img"}},
                        {"name": "v15", "vsphere_volume": {"volume_path": "[ds] volumes/v"}}
                    ]
                }
            }
        },
        "wait_for_rollout": false
    })
}

#[tokio::test]
async fn deployment_with_storage_volume_sources() {
    let Some((p, c)) = provider().await else {
        return;
    };
    let ns = "tt-podspec-storage";
    let nsv = namespace(&c, &p, ns).await;
    lifecycle(
        &p,
        &c,
        Case {
            ty: "kubernetes_deployment_v1",
            create: storage_deployment(ns, 0),
            update: storage_deployment(ns, 1),
            replace: None,
            import_id: format!("{ns}/storage"),
            external: (
                "apps/v1",
                "Deployment",
                Some(ns),
                "storage",
                json!({"metadata": {"labels": {"edited": "yes"}}}),
            ),
            external_check: (
                vec!["metadata", "0", "labels", "edited"],
                Value::string("yes"),
            ),
        },
    )
    .await;
    destroy(&c, "kubernetes_namespace_v1", &nsv).await;
}
