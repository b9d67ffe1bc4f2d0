//! `.terraform/terraform.tfstate`: the backend `terrane init` configured, in
//! Terraform's format (version 3, the full configuration object and the
//! hash of the literal block), so Terraform and terrane read each other's.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use super::settings::Settings;

/// The backend recorded by the last `init`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    /// The configuration in effect (block plus `-backend-config`).
    pub settings: Settings,
    /// Terraform's hash of the literal block.
    pub hash: u64,
}

/// The file's path under the working directory.
pub fn path(cwd: &Path) -> PathBuf {
    cwd.join(".terraform").join("terraform.tfstate")
}

/// Reads the recorded backend; `Ok(None)` when there is no file or it
/// records no backend.
pub fn read(cwd: &Path) -> Result<Option<Cached>, String> {
    let p = path(cwd);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", p.display())),
    };
    let doc: Json = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not valid JSON: {e}; run terrane init -reconfigure to rewrite it",
            p.display()
        )
    })?;
    let Some(b) = doc.get("backend").filter(|b| !b.is_null()) else {
        return Ok(None);
    };
    let type_name = b.get("type").and_then(Json::as_str).unwrap_or_default();
    if type_name.is_empty() {
        return Ok(None);
    }
    let settings = Settings::from_json(type_name, b.get("config").unwrap_or(&Json::Null))
        .map_err(|d| format!("{}: {}: {}", p.display(), d.summary, d.detail))?;
    let hash = b.get("hash").and_then(Json::as_u64).unwrap_or_default();
    Ok(Some(Cached { settings, hash }))
}

/// Records `cached` (creating `.terraform`).
pub fn write(cwd: &Path, cached: &Cached) -> Result<(), String> {
    let doc = serde_json::json!({
        "version": 3,
        "terraform_version": terrane_config::TERRAFORM_COMPATIBILITY_VERSION,
        "backend": {
            "type": cached.settings.type_name,
            "config": cached.settings.to_json(),
            "hash": cached.hash,
        }
    });
    let mut bytes = terrane_state::json::to_go_pretty(&doc).map_err(|e| e.to_string())?;
    // Terraform writes this file without a trailing newline.
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    let p = path(cwd);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    terrane_state::local::atomic_write(&p, &bytes).map_err(|e| e.to_string())
}

/// Forgets the recorded backend (the configuration has none any more).
pub fn remove(cwd: &Path) -> Result<(), String> {
    let p = path(cwd);
    match std::fs::remove_file(&p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot remove {}: {e}", p.display())),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn writes_terraforms_bytes_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::empty("local").unwrap();
        settings
            .apply_overrides(&["path=x.tfstate".to_owned()], dir.path())
            .unwrap();
        let cached = Cached {
            hash: u64::from(settings.hash()),
            settings,
        };
        write(dir.path(), &cached).unwrap();
        let text = std::fs::read_to_string(path(dir.path())).unwrap();
        // Byte for byte what Terraform v1.11.4 wrote for
        // `backend "local" { path = "x.tfstate" }`.
        assert_eq!(
            text,
            "{\n  \"version\": 3,\n  \"terraform_version\": \"1.11.4\",\n  \"backend\": {\n    \"type\": \"local\",\n    \"config\": {\n      \"path\": \"x.tfstate\",\n      \"workspace_dir\": null\n    },\n    \"hash\": 2326359980\n  }\n}"
        );
        assert_eq!(read(dir.path()).unwrap(), Some(cached));
        remove(dir.path()).unwrap();
        assert_eq!(read(dir.path()).unwrap(), None);
    }
}
