//! The cloud, network and legacy volume sources of a pod's `volume` block
//! (Terraform's `commonVolumeSources` and `git_repo`), with its names,
//! required fields and the values the API server fills in.

use super::fields::{f, one, Field, Ty};
use terrane_value::Value;

/// `secret_ref` of the volume sources that take one (`namespace` is
/// Terraform's; a pod's reference has only a name).
fn secret_ref() -> Field {
    one(
        "secret_ref",
        "secretRef",
        vec![
            f("name", "name", Ty::Str),
            f("namespace", "namespace", Ty::Str).oc(),
        ],
    )
}

fn fs_type() -> Field {
    f("fs_type", "fsType", Ty::Str)
}

fn read_only() -> Field {
    f("read_only", "readOnly", Ty::Bool)
}

/// The sources besides the common ones in [`super::pod`].
pub fn other_sources() -> Vec<Field> {
    let req = |tf, json, ty| f(tf, json, ty).req();
    vec![
        one(
            "aws_elastic_block_store",
            "awsElasticBlockStore",
            vec![
                fs_type(),
                f("partition", "partition", Ty::Int),
                read_only(),
                req("volume_id", "volumeID", Ty::Str),
            ],
        ),
        one(
            "azure_disk",
            "azureDisk",
            vec![
                req("caching_mode", "cachingMode", Ty::Str),
                req("data_disk_uri", "diskURI", Ty::Str),
                req("disk_name", "diskName", Ty::Str),
                // The API server fills in ext4 and Shared.
                fs_type().oc(),
                f("kind", "kind", Ty::Str).oc(),
                read_only().default(Value::bool(false)),
            ],
        ),
        one(
            "azure_file",
            "azureFile",
            vec![
                read_only(),
                req("secret_name", "secretName", Ty::Str),
                f("secret_namespace", "secretNamespace", Ty::Str).force_new(),
                req("share_name", "shareName", Ty::Str),
            ],
        ),
        one(
            "ceph_fs",
            "cephfs",
            vec![
                req("monitors", "monitors", Ty::SetStr),
                f("path", "path", Ty::Str),
                read_only(),
                f("secret_file", "secretFile", Ty::Str),
                secret_ref(),
                f("user", "user", Ty::Str),
            ],
        ),
        one(
            "cinder",
            "cinder",
            vec![
                fs_type(),
                read_only(),
                req("volume_id", "volumeID", Ty::Str),
            ],
        ),
        one(
            "fc",
            "fc",
            vec![
                fs_type(),
                req("lun", "lun", Ty::Int),
                read_only(),
                req("target_ww_ns", "targetWWNs", Ty::SetStr),
            ],
        ),
        one(
            "flex_volume",
            "flexVolume",
            vec![
                req("driver", "driver", Ty::Str),
                fs_type(),
                f("options", "options", Ty::MapStr),
                read_only(),
                secret_ref(),
            ],
        ),
        one(
            "flocker",
            "flocker",
            vec![
                f("dataset_name", "datasetName", Ty::Str),
                f("dataset_uuid", "datasetUUID", Ty::Str),
            ],
        ),
        one(
            "gce_persistent_disk",
            "gcePersistentDisk",
            vec![
                fs_type(),
                f("partition", "partition", Ty::Int),
                req("pd_name", "pdName", Ty::Str),
                read_only(),
            ],
        ),
        one(
            "git_repo",
            "gitRepo",
            vec![
                f("directory", "directory", Ty::Str),
                f("repository", "repository", Ty::Str),
                f("revision", "revision", Ty::Str),
            ],
        ),
        one(
            "glusterfs",
            "glusterfs",
            vec![
                req("endpoints_name", "endpoints", Ty::Str),
                req("path", "path", Ty::Str),
                read_only(),
            ],
        ),
        one(
            "iscsi",
            "iscsi",
            vec![
                fs_type(),
                req("iqn", "iqn", Ty::Str),
                f("iscsi_interface", "iscsiInterface", Ty::Str).default(Value::string("default")),
                f("lun", "lun", Ty::Int),
                read_only(),
                req("target_portal", "targetPortal", Ty::Str),
            ],
        ),
        one(
            "photon_persistent_disk",
            "photonPersistentDisk",
            vec![fs_type(), req("pd_id", "pdID", Ty::Str)],
        ),
        one(
            "quobyte",
            "quobyte",
            vec![
                f("group", "group", Ty::Str),
                read_only(),
                req("registry", "registry", Ty::Str),
                f("user", "user", Ty::Str),
                req("volume", "volume", Ty::Str),
            ],
        ),
        one(
            "rbd",
            "rbd",
            vec![
                req("ceph_monitors", "monitors", Ty::SetStr),
                fs_type(),
                // The API server fills in /etc/ceph/keyring.
                f("keyring", "keyring", Ty::Str).oc(),
                f("rados_user", "user", Ty::Str).default(Value::string("admin")),
                req("rbd_image", "image", Ty::Str),
                f("rbd_pool", "pool", Ty::Str).default(Value::string("rbd")),
                read_only().default(Value::bool(false)),
                secret_ref(),
            ],
        ),
        one(
            "vsphere_volume",
            "vsphereVolume",
            vec![fs_type(), req("volume_path", "volumePath", Ty::Str)],
        ),
    ]
}
