//! Compatibility checked against the real `terraform` binary, when one is on
//! PATH (it works offline for the built-in `terraform_data` resource).

use std::path::Path;
use std::process::{Command, Output};

use terrane_state::{
    InstanceAddr, InstanceKey, InstanceObject, LocalBackend, OutputValue, RawJson, StateFile,
};

fn terraform(dir: &Path, args: &[&str]) -> Option<Output> {
    Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .ok()
}

fn data_object(id: &str, value: &str) -> InstanceObject {
    let v = RawJson::from_value(&serde_json::json!({ "value": value, "type": "string" }));
    let attrs = format!(
        "{{\"id\":{},\"input\":{v},\"output\":{v},\"triggers_replace\":null}}",
        RawJson::string(id)
    );
    InstanceObject::new(0, RawJson::parse(&attrs).unwrap())
}

#[test]
fn terraform_plans_no_changes_for_a_state_written_by_terrane() {
    let dir = tempfile::tempdir().unwrap();
    let Some(version) = terraform(dir.path(), &["version"]) else {
        eprintln!("terraform not on PATH: skipping the oracle check");
        return;
    };
    assert!(version.status.success());
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
resource "terraform_data" "a" {
  input = "x <&> y"
}

resource "terraform_data" "b" {
  count = 2
  input = "b-${count.index}"
  depends_on = [terraform_data.a]
}

output "o" {
  value = terraform_data.a.output
}
"#,
    )
    .unwrap();

    let provider = "provider[\"terraform.io/builtin/terraform\"]";
    let mut state = StateFile::new("1.0.0");
    state.serial = 1;
    state.upsert_object(
        &InstanceAddr::managed("terraform_data", "a", None),
        provider,
        data_object("3f1c2c36-0000-4000-8000-000000000001", "x <&> y"),
    );
    for i in 0..2 {
        let mut obj = data_object(
            &format!("3f1c2c36-0000-4000-8000-00000000001{i}"),
            &format!("b-{i}"),
        );
        obj.dependencies = vec!["terraform_data.a".into()];
        state.upsert_object(
            &InstanceAddr::managed("terraform_data", "b", Some(InstanceKey::Int(i))),
            provider,
            obj,
        );
    }
    state.outputs.insert(
        "o".into(),
        OutputValue {
            value: RawJson::string("x <&> y"),
            value_type: RawJson::string("string"),
            sensitive: false,
            extra: Default::default(),
        },
    );
    LocalBackend::new(dir.path())
        .write("default", &state, false)
        .unwrap();

    let init = terraform(dir.path(), &["init", "-input=false", "-no-color"]).unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let plan = terraform(
        dir.path(),
        &["plan", "-input=false", "-no-color", "-detailed-exitcode"],
    )
    .unwrap();
    let out = String::from_utf8_lossy(&plan.stdout);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "terraform must read our state and see no changes:\n{out}\n{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let list = terraform(dir.path(), &["state", "list"]).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&list.stdout),
        "terraform_data.a\nterraform_data.b[0]\nterraform_data.b[1]\n"
    );

    // Terraform writes (apply after a change); terrane reads its result and
    // writes it back byte for byte. Terraform keeps the lineage and raises the serial.
    let tf = std::fs::read_to_string(dir.path().join("main.tf")).unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        tf.replace("b-${count.index}", "c-${count.index}"),
    )
    .unwrap();
    let apply = terraform(
        dir.path(),
        &["apply", "-input=false", "-no-color", "-auto-approve"],
    )
    .unwrap();
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let bytes = std::fs::read(dir.path().join("terraform.tfstate")).unwrap();
    let back = StateFile::from_slice(&bytes, "terraform.tfstate").unwrap();
    assert_eq!(back.lineage, state.lineage);
    assert!(back.serial > state.serial);
    assert!(
        back.to_bytes().unwrap() == bytes,
        "terrane must rewrite Terraform's state byte for byte"
    );
    // Terraform's backup is its own re-serialisation of what terrane wrote
    // (Terraform < 1.12 drops identity_schema_version and stamps its version).
    let backup = std::fs::read(dir.path().join("terraform.tfstate.backup")).unwrap();
    let backup = StateFile::from_slice(&backup, "terraform.tfstate.backup").unwrap();
    assert_eq!(
        (backup.lineage.as_str(), backup.serial),
        (state.lineage.as_str(), state.serial)
    );
    assert_eq!(backup.resources.len(), state.resources.len());
    assert_eq!(backup.outputs, state.outputs);
}
