//! `kubernetes_persistent_volume_claim_v1` and the claim spec StatefulSet
//! volume claim templates share, with the Terraform provider's names
//! (`schema_persistent_volume_claim.go`).

use super::defs::{metadata, selector};
use super::fields::{f, one, Field, Ty};
use super::{Def, Wait};
use terrane_value::Value;

/// A claim's `spec`: only the requested storage can change in place.
pub fn pvc_spec() -> Field {
    one(
        "spec",
        "spec",
        vec![
            f("access_modes", "accessModes", Ty::SetStr)
                .req()
                .force_new(),
            one(
                "resources",
                "resources",
                vec![
                    f("limits", "limits", Ty::Quantities).force_new(),
                    f("requests", "requests", Ty::Quantities),
                ],
            )
            .req(),
            selector("selector", "selector").force_new(),
            f("storage_class_name", "storageClassName", Ty::Str)
                .oc()
                .force_new(),
            f("volume_mode", "volumeMode", Ty::Str).oc().force_new(),
            f("volume_name", "volumeName", Ty::Str).oc().force_new(),
        ],
    )
    .req()
}

/// `kubernetes_persistent_volume_claim_v1`: `wait_until_bound` (default
/// true, and true after an import, as in Terraform's provider).
pub fn persistent_volume_claim() -> Def {
    Def {
        name: "kubernetes_persistent_volume_claim_v1",
        api_versions: &["v1"],
        kind: "PersistentVolumeClaim",
        fields: vec![
            metadata(true),
            pvc_spec(),
            f("wait_until_bound", "", Ty::Bool)
                .default(Value::bool(true))
                .imported_default(),
        ],
        timeouts: &["create"],
        wait: Wait::Bound,
    }
}
