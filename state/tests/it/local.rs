use std::path::Path;

use terrane_state::testkit;
use terrane_state::{LocalBackend, StateError, StateFile};

use crate::data;

fn reference(rel: &str) -> Vec<u8> {
    std::fs::read(data(rel)).unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn missing_and_empty_state_files_mean_no_state() {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::new(dir.path());
    assert!(b.read("default").unwrap().is_none());
    // Terraform leaves an empty terraform.tfstate behind while locking.
    std::fs::write(dir.path().join("terraform.tfstate"), b"").unwrap();
    assert!(b.read("default").unwrap().is_none());
}

#[test]
fn corrupt_state_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let mut corrupt = reference("terraform-1.15.5/terraform.tfstate");
    corrupt.truncate(corrupt.len() / 2);
    std::fs::write(&path, &corrupt).unwrap();
    let b = LocalBackend::new(dir.path());

    let err = b.read("default").unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, StateError::Parse { .. }), "{msg}");
    assert!(
        msg.contains("terraform.tfstate") && msg.contains("line ") && msg.contains("column "),
        "{msg}"
    );
    assert!(msg.contains("neither read nor overwrite"), "{msg}");

    let mut s = StateFile::new("1.15.5");
    s.serial = 100;
    let err = b.write("default", &s, false).unwrap_err();
    assert!(matches!(err, StateError::Parse { .. }), "{err}");
    let err = b.write("default", &s, true).unwrap_err();
    assert!(
        matches!(err, StateError::Parse { .. }),
        "forced write must also refuse: {err}"
    );

    assert_eq!(std::fs::read(&path).unwrap(), corrupt);
    assert_eq!(
        files_in(dir.path()),
        ["terraform.tfstate"],
        "no backup or temp files"
    );
}

#[test]
fn lineage_and_serial_rules() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("terraform.tfstate");
    let original = reference("terraform-1.15.5/terraform.tfstate");
    std::fs::write(&path, &original).unwrap();
    let b = LocalBackend::new(dir.path());
    let s = b.read("default").unwrap().unwrap();
    assert_eq!(s.serial, 6);

    let mut older = s.clone();
    older.serial = 5;
    let err = b.write("default", &older, false).unwrap_err();
    assert!(
        matches!(
            err,
            StateError::SerialRegression {
                existing: 6,
                new: 5,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("-force"), "{err}");

    let mut stranger = s.clone();
    stranger.lineage = "00000000-0000-4000-8000-000000000000".into();
    stranger.serial = 99;
    let err = b.write("default", &stranger, false).unwrap_err();
    assert!(matches!(err, StateError::LineageMismatch { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("b968e3d9-a3e2-15c1-f848-4c14d87a79ce"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "refused writes leave the file"
    );

    // Equal serial is accepted (as Terraform's state push does).
    b.write("default", &s, false).unwrap();
    // Forced writes ignore both rules.
    b.write("default", &older, true).unwrap();
    assert_eq!(b.read("default").unwrap().unwrap().serial, 5);
    b.write("default", &stranger, true).unwrap();
    assert_eq!(
        b.read("default").unwrap().unwrap().lineage,
        stranger.lineage
    );
}

#[test]
fn backup_keeps_the_state_from_before_the_first_write_like_terraform() {
    // Terraform's reference: after an apply that wrote state many times
    // (serial 6 -> 13), terraform.tfstate.backup equals the state before it.
    let dir = tempfile::tempdir().unwrap();
    let before = reference("terraform-1.15.5/terraform.tfstate");
    let after = reference("terraform-1.15.5/terraform.after_change.tfstate");
    std::fs::write(dir.path().join("terraform.tfstate"), &before).unwrap();

    let b = LocalBackend::new(dir.path());
    let target = StateFile::from_slice(&after, "after").unwrap();
    let mut s = b.read("default").unwrap().unwrap();
    for serial in 7..=13 {
        s.serial = serial;
        if serial == 13 {
            s = target.clone();
        }
        b.write("default", &s, false).unwrap();
    }
    assert_eq!(
        std::fs::read(dir.path().join("terraform.tfstate")).unwrap(),
        after
    );
    assert_eq!(
        std::fs::read(dir.path().join("terraform.tfstate.backup")).unwrap(),
        reference("terraform-1.15.5/terraform.after_change.tfstate.backup")
    );

    // A new backend value (the next command) backs up the latest snapshot.
    let b2 = LocalBackend::new(dir.path());
    let mut s = b2.read("default").unwrap().unwrap();
    s.serial = 14;
    b2.write("default", &s, false).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("terraform.tfstate.backup")).unwrap(),
        after
    );
    assert_eq!(
        files_in(dir.path()),
        ["terraform.tfstate", "terraform.tfstate.backup"]
    );
}

#[test]
fn first_write_creates_no_backup_and_uses_terraform_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::new(dir.path());
    let s = StateFile::new("1.15.5");
    b.write("default", &s, false).unwrap();
    assert_eq!(files_in(dir.path()), ["terraform.tfstate"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("terraform.tfstate"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644);
        // An existing file's mode is kept across atomic replacement.
        std::fs::set_permissions(
            dir.path().join("terraform.tfstate"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        b.write("default", &s, false).unwrap();
        let mode = std::fs::metadata(dir.path().join("terraform.tfstate"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(b.read("default").unwrap().unwrap(), s);
}

#[test]
fn workspaces_use_terraform_layout() {
    let dir = tempfile::tempdir().unwrap();
    let b = LocalBackend::new(dir.path());
    assert_eq!(b.list_workspaces().unwrap(), ["default"]);
    assert_eq!(b.selected_workspace().unwrap(), "default");

    let mut s = StateFile::new("1.15.5");
    s.serial = 3;
    b.write("prod", &s, false).unwrap();
    b.create_workspace("dev").unwrap();
    assert!(dir
        .path()
        .join("terraform.tfstate.d/prod/terraform.tfstate")
        .is_file());
    assert!(dir.path().join("terraform.tfstate.d/dev").is_dir());
    assert!(!dir.path().join("terraform.tfstate").exists());
    assert_eq!(b.list_workspaces().unwrap(), ["default", "dev", "prod"]);
    assert_eq!(b.read("prod").unwrap().unwrap(), s);
    assert!(b.read("dev").unwrap().is_none());
    assert_eq!(
        b.lock_path("prod").unwrap(),
        dir.path()
            .join("terraform.tfstate.d/prod/.terraform.tfstate.lock.info")
    );
    assert_eq!(
        b.journal_path("default").unwrap(),
        dir.path().join(".terraform.tfstate.journal")
    );

    b.select_workspace("prod").unwrap();
    assert_eq!(
        std::fs::read(dir.path().join(".terraform/environment")).unwrap(),
        b"prod"
    );
    assert_eq!(b.selected_workspace().unwrap(), "prod");

    for bad in ["", "a/b", "..", "x\ny", "a\\b"] {
        assert!(
            matches!(b.state_path(bad), Err(StateError::InvalidWorkspaceName(_))),
            "{bad:?}"
        );
    }
    assert!(matches!(
        b.remove_workspace("default"),
        Err(StateError::CannotDeleteDefault)
    ));
    assert!(matches!(
        b.remove_workspace("nope"),
        Err(StateError::NoSuchWorkspace(_))
    ));

    // A locked workspace cannot be deleted.
    let holder = LocalBackend::new(dir.path());
    let id = holder
        .acquire_lock("prod", terrane_state::LockInfo::new("OperationTypeApply"))
        .unwrap();
    assert!(matches!(
        b.remove_workspace("prod"),
        Err(StateError::Locked { .. })
    ));
    holder.release_lock("prod", &id).unwrap();
    b.remove_workspace("prod").unwrap();
    assert_eq!(b.list_workspaces().unwrap(), ["default", "dev"]);
}

#[test]
fn reads_workspaces_created_by_terraform() {
    // Layout as `terraform workspace new foo` leaves it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("terraform.tfstate.d/foo")).unwrap();
    std::fs::create_dir_all(dir.path().join(".terraform")).unwrap();
    std::fs::write(dir.path().join(".terraform/environment"), b"foo").unwrap();
    std::fs::write(
        dir.path().join("terraform.tfstate.d/foo/terraform.tfstate"),
        reference("terraform-1.11.4-rich/terraform.tfstate"),
    )
    .unwrap();
    let b = LocalBackend::new(dir.path());
    assert_eq!(b.selected_workspace().unwrap(), "foo");
    assert_eq!(b.list_workspaces().unwrap(), ["default", "foo"]);
    assert_eq!(b.read("foo").unwrap().unwrap().terraform_version, "1.11.4");
}

#[test]
fn custom_state_path() {
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("states/prod.tfstate");
    let b = LocalBackend::with_state_path(dir.path(), &custom);
    b.write("default", &StateFile::new("1.15.5"), false)
        .unwrap();
    assert!(custom.is_file());
    assert_eq!(
        b.lock_path("default").unwrap(),
        dir.path().join("states/.prod.tfstate.lock.info")
    );
    assert_eq!(
        b.backup_path("default").unwrap(),
        dir.path().join("states/prod.tfstate.backup")
    );
}

#[tokio::test]
async fn local_backend_passes_the_conformance_testkit() {
    let dir = tempfile::tempdir().unwrap();
    let a = LocalBackend::new(dir.path());
    let b = LocalBackend::new(dir.path());
    let report = testkit::test_backend(&a, &b).await.unwrap();
    eprintln!("testkit: {} checks passed", report.checks);
    assert!(report.checks >= 50, "{}", report.checks);
}

#[tokio::test]
async fn testkit_detects_a_backend_that_ignores_serials() {
    // A deliberately broken backend must fail the kit: proof the kit checks.
    struct Careless(LocalBackend);
    #[async_trait::async_trait]
    impl terrane_state::Backend for Careless {
        async fn load(&self, ws: &str) -> Result<Option<StateFile>, StateError> {
            self.0.read(ws)
        }
        async fn persist(
            &self,
            ws: &str,
            state: &StateFile,
            _: terrane_state::PersistOptions,
        ) -> Result<(), StateError> {
            self.0.write(ws, state, true)
        }
        async fn lock(
            &self,
            ws: &str,
            info: &terrane_state::LockInfo,
        ) -> Result<String, StateError> {
            self.0.acquire_lock(ws, info.clone())
        }
        async fn unlock(&self, ws: &str, id: &str) -> Result<(), StateError> {
            self.0.release_lock(ws, id)
        }
        async fn workspaces(&self) -> Result<Vec<String>, StateError> {
            self.0.list_workspaces()
        }
        async fn delete_workspace(&self, ws: &str) -> Result<(), StateError> {
            self.0.remove_workspace(ws)
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let a = Careless(LocalBackend::new(dir.path()));
    let b = Careless(LocalBackend::new(dir.path()));
    let failure = testkit::test_backend(&a, &b).await.unwrap_err();
    assert_eq!(failure.check, "lower serial refused");
}

#[cfg(unix)]
#[test]
fn writes_through_a_symlinked_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("shared/real.tfstate");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(&real, reference("terraform-1.15.5/terraform.tfstate")).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("terraform.tfstate")).unwrap();
    let b = LocalBackend::new(dir.path());
    let mut s = b.read("default").unwrap().unwrap();
    s.serial += 1;
    b.write("default", &s, false).unwrap();
    let link = std::fs::symlink_metadata(dir.path().join("terraform.tfstate")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    assert_eq!(
        StateFile::from_slice(&std::fs::read(&real).unwrap(), "real")
            .unwrap()
            .serial,
        7
    );
}
