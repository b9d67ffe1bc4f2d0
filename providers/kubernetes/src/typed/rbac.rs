//! RBAC: `kubernetes_role_v1`, `kubernetes_cluster_role_v1`,
//! `kubernetes_role_binding_v1`, `kubernetes_cluster_role_binding_v1`, with
//! the Terraform provider's block names (`schema_rbac.go` and the
//! resources' files were read for names, defaults and force-new flags).

use super::defs::{metadata, selector_fields};
use super::fields::{f, many, one, Field, Ty};
use super::{Def, Wait};
use terrane_value::Value;

const API: &[&str] = &["rbac.authorization.k8s.io/v1"];

fn def(name: &'static str, kind: &'static str, fields: Vec<Field>) -> Def {
    Def {
        name,
        api_versions: API,
        kind,
        fields,
        timeouts: &[],
        wait: Wait::None,
    }
}

/// `kubernetes_role_v1`: its rules' lists are sets.
pub fn role() -> Def {
    def(
        "kubernetes_role_v1",
        "Role",
        vec![
            metadata(true),
            many(
                "rule",
                "rules",
                vec![
                    f("api_groups", "apiGroups", Ty::SetStr).req(),
                    f("resource_names", "resourceNames", Ty::SetStr),
                    f("resources", "resources", Ty::SetStr).req(),
                    f("verbs", "verbs", Ty::SetStr).req(),
                ],
            )
            .req(),
        ],
    )
}

/// `kubernetes_cluster_role_v1`: rules as lists; an aggregated role's
/// rules are filled in by the controller.
pub fn cluster_role() -> Def {
    def(
        "kubernetes_cluster_role_v1",
        "ClusterRole",
        vec![
            metadata(false),
            one(
                "aggregation_rule",
                "aggregationRule",
                vec![many(
                    "cluster_role_selectors",
                    "clusterRoleSelectors",
                    selector_fields(),
                )],
            ),
            many(
                "rule",
                "rules",
                vec![
                    f("api_groups", "apiGroups", Ty::ListStr),
                    f("non_resource_urls", "nonResourceURLs", Ty::ListStr),
                    f("resource_names", "resourceNames", Ty::ListStr),
                    f("resources", "resources", Ty::ListStr),
                    f("verbs", "verbs", Ty::ListStr).req(),
                ],
            )
            .server_block(),
        ],
    )
}

fn binding(name: &'static str, kind: &'static str, namespaced: bool) -> Def {
    def(
        name,
        kind,
        vec![
            metadata(namespaced),
            one(
                "role_ref",
                "roleRef",
                vec![
                    f("api_group", "apiGroup", Ty::Str).req(),
                    f("kind", "kind", Ty::Str).req(),
                    f("name", "name", Ty::Str).req(),
                ],
            )
            .req()
            .force_new(),
            many(
                "subject",
                "subjects",
                vec![
                    // The API server fills in rbac.authorization.k8s.io for
                    // users and groups.
                    f("api_group", "apiGroup", Ty::Str).oc(),
                    f("kind", "kind", Ty::Str).req(),
                    f("name", "name", Ty::Str).req(),
                    f("namespace", "namespace", Ty::Str).default(Value::string("default")),
                ],
            )
            .req(),
        ],
    )
}

/// `kubernetes_role_binding_v1`.
pub fn role_binding() -> Def {
    binding("kubernetes_role_binding_v1", "RoleBinding", true)
}

/// `kubernetes_cluster_role_binding_v1`.
pub fn cluster_role_binding() -> Def {
    binding(
        "kubernetes_cluster_role_binding_v1",
        "ClusterRoleBinding",
        false,
    )
}
