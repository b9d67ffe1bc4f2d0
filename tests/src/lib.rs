//! terrane-tests: end-to-end tests of the `terrane` binary (in `tests/`),
//! and the small helpers they share: building the binary once, copying
//! fixtures into temporary directories and running commands there.
//!
//! It depends on no terrane crate: the tests drive the command line only,
//! exactly as users do, so they check what users see.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `terrane` binary, built once per test process. `TERRANE_BIN` names
/// an already built binary instead (`.ci/test` sets it after its workspace
/// build: building `-p terrane` alone resolves dependency features
/// differently and would recompile the AWS SDKs).
pub fn terrane_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("TERRANE_BIN") {
            return PathBuf::from(bin);
        }
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "-q", "-p", "terrane"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo build -p terrane");
        assert!(status.success(), "building terrane failed");
        let target = std::env::var("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| workspace_root().join("target"));
        target.join("debug").join("terrane")
    })
    .clone()
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("dir entry");
        let p = e.path();
        let name = e.file_name();
        let n = name.to_string_lossy();
        if n.starts_with("terraform.tfstate")
            || n == ".terraform"
            || n == "out"
            || n.starts_with(".terraform.")
        {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            std::fs::copy(&p, to.join(&name)).expect("copy file");
        }
    }
}

/// A temporary copy of a directory of the repository.
pub fn temp_copy(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&workspace_root().join(rel), dir.path());
    dir
}

/// Runs `terrane ARGS` in `dir`.
pub fn terrane(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(terrane_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE")
        .output()
        .expect("run terrane")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The state file of `dir` as JSON.
pub fn state_json(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("terraform.tfstate")).expect("state file");
    serde_json::from_str(&text).expect("state JSON")
}
