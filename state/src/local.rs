//! The local file backend, laid out as Terraform lays it out:
//!
//! ```text
//! terraform.tfstate                     default workspace
//! terraform.tfstate.backup              snapshot before this session's first write
//! .terraform.tfstate.lock.info          lock of the default workspace
//! .terraform.tfstate.journal            apply journal of the default workspace
//! terraform.tfstate.d/NAME/terraform.tfstate   workspace NAME (and its .backup,
//!                                              lock info and journal beside it)
//! .terraform/environment                the selected workspace's name
//! ```
//!
//! Writes are atomic: a temp file in the same directory is written and
//! fsynced, renamed over the target, and the directory is fsynced. As in
//! Terraform, the backup holds the state as it was before the *first* write
//! made through one [`LocalBackend`] value (one terrane command), not before
//! every write, so it keeps the last state of the previous run.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::lock::{self, LockInfo, StateLock};
use crate::model::StateFile;
use crate::{io_err, StateError, DEFAULT_WORKSPACE};

/// File name of the default state file.
pub const DEFAULT_STATE_FILE: &str = "terraform.tfstate";
/// Directory holding non-default workspaces.
pub const WORKSPACE_DIR: &str = "terraform.tfstate.d";
/// Suffix of the backup file.
pub const BACKUP_SUFFIX: &str = ".backup";

/// The local state backend rooted at a working directory.
#[derive(Debug)]
pub struct LocalBackend {
    root: PathBuf,
    default_state: PathBuf,
    workspace_dir: PathBuf,
    backups_written: Mutex<HashSet<PathBuf>>,
    held: Mutex<HashMap<(String, String), StateLock>>,
}

impl LocalBackend {
    /// A backend for working directory `root` with Terraform's default
    /// layout.
    pub fn new(root: impl Into<PathBuf>) -> LocalBackend {
        let root = root.into();
        LocalBackend {
            default_state: root.join(DEFAULT_STATE_FILE),
            workspace_dir: root.join(WORKSPACE_DIR),
            root,
            backups_written: Mutex::new(HashSet::new()),
            held: Mutex::new(HashMap::new()),
        }
    }

    /// A backend whose default workspace lives at `state_path` (Terraform's
    /// `-state=PATH` / `backend "local" { path = ... }`); other workspaces
    /// stay under `root/terraform.tfstate.d`.
    pub fn with_state_path(
        root: impl Into<PathBuf>,
        state_path: impl Into<PathBuf>,
    ) -> LocalBackend {
        let mut b = LocalBackend::new(root);
        b.default_state = state_path.into();
        b
    }

    /// The same backend with non-default workspaces under `dir` instead of
    /// `root/terraform.tfstate.d` (`backend "local" { workspace_dir = ... }`).
    pub fn with_workspace_dir(mut self, dir: impl Into<PathBuf>) -> LocalBackend {
        self.workspace_dir = dir.into();
        self
    }

    /// The working directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The state file of `workspace`.
    pub fn state_path(&self, workspace: &str) -> Result<PathBuf, StateError> {
        validate_workspace_name(workspace)?;
        if workspace == DEFAULT_WORKSPACE {
            Ok(self.default_state.clone())
        } else {
            Ok(self.workspace_dir.join(workspace).join(DEFAULT_STATE_FILE))
        }
    }

    /// The backup file of `workspace` (`<state>.backup`).
    pub fn backup_path(&self, workspace: &str) -> Result<PathBuf, StateError> {
        Ok(with_suffix(&self.state_path(workspace)?, BACKUP_SUFFIX))
    }

    /// The lock info file of `workspace` (`.<state file name>.lock.info`).
    pub fn lock_path(&self, workspace: &str) -> Result<PathBuf, StateError> {
        Ok(sibling_dotfile(&self.state_path(workspace)?, ".lock.info"))
    }

    /// The journal of `workspace` (`.<state file name>.journal`).
    pub fn journal_path(&self, workspace: &str) -> Result<PathBuf, StateError> {
        Ok(sibling_dotfile(&self.state_path(workspace)?, ".journal"))
    }

    /// Reads the state of `workspace`; `None` if there is no state yet (no
    /// file, or an empty file as Terraform leaves while locking).
    pub fn read(&self, workspace: &str) -> Result<Option<StateFile>, StateError> {
        read_state_file(&self.state_path(workspace)?)
    }

    /// [`LocalBackend::read`], taking the parse from `ahead` when it read
    /// the same file with the same content (compared byte for byte, so a
    /// file changed since is parsed again).
    pub fn read_reusing(
        &self,
        workspace: &str,
        ahead: ReadAhead,
    ) -> Result<Option<StateFile>, StateError> {
        let path = self.state_path(workspace)?;
        let bytes = read_bytes(&path)?;
        if ahead.path == path && ahead.bytes == bytes {
            return ahead.parsed;
        }
        parse_state_bytes(&path, bytes.as_deref())
    }

    /// Writes the state of `workspace` atomically, keeping a backup of the
    /// previous snapshot. Refuses (leaving every file untouched) if the
    /// stored file does not parse, or, unless `force`, if the stored state has
    /// another lineage or a higher serial.
    ///
    /// The check and the rename are not one atomic step: hold the
    /// workspace's lock while writing, as every state-changing command does.
    pub fn write(&self, workspace: &str, state: &StateFile, force: bool) -> Result<(), StateError> {
        let path = self.state_path(workspace)?;
        let name = path.display().to_string();
        let existing = read_bytes(&path)?;
        let existing = existing.filter(|b| !is_blank(b));
        if let Some(bytes) = &existing {
            let stored = StateFile::from_slice(bytes, &name)?;
            if !force {
                check_successor(&name, &stored, state)?;
            }
        }
        let new_bytes = state.to_bytes()?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io_err("create directory", dir))?;
        }
        if let Some(bytes) = &existing {
            let mut written = self
                .backups_written
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if !written.contains(&path) {
                atomic_write(&with_suffix(&path, BACKUP_SUFFIX), bytes)?;
                written.insert(path.clone());
            }
        }
        atomic_write(&path, &new_bytes)
    }

    /// All workspaces: `default` first, then the others sorted by name.
    pub fn list_workspaces(&self) -> Result<Vec<String>, StateError> {
        let mut names = Vec::new();
        match std::fs::read_dir(&self.workspace_dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.map_err(io_err("list", &self.workspace_dir))?;
                    let is_dir = entry
                        .file_type()
                        .map_err(io_err("inspect", entry.path()))?
                        .is_dir();
                    if let (true, Some(name)) = (is_dir, entry.file_name().to_str()) {
                        if validate_workspace_name(name).is_ok() && name != DEFAULT_WORKSPACE {
                            names.push(name.to_owned());
                        }
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("list", &self.workspace_dir)(e)),
        }
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        Ok(names)
    }

    /// Creates workspace `name` (an empty directory, as `terraform workspace
    /// new` does before the first write).
    pub fn create_workspace(&self, name: &str) -> Result<(), StateError> {
        validate_workspace_name(name)?;
        if name == DEFAULT_WORKSPACE {
            return Ok(());
        }
        let dir = self.workspace_dir.join(name);
        std::fs::create_dir_all(&dir).map_err(io_err("create directory", &dir))
    }

    /// Deletes workspace `name` and everything in its directory. Refuses the
    /// default workspace and a workspace whose lock is held.
    pub fn remove_workspace(&self, name: &str) -> Result<(), StateError> {
        validate_workspace_name(name)?;
        if name == DEFAULT_WORKSPACE {
            return Err(StateError::CannotDeleteDefault);
        }
        let dir = self.workspace_dir.join(name);
        if !dir.is_dir() {
            return Err(StateError::NoSuchWorkspace(name.to_owned()));
        }
        let guard = StateLock::try_acquire(
            &self.lock_path(name)?,
            LockInfo::new("OperationTypeInvalid"),
        )?;
        std::fs::remove_dir_all(&dir).map_err(io_err("remove directory", &dir))?;
        drop(guard);
        Ok(())
    }

    /// The selected workspace (`.terraform/environment`, `default` if absent).
    pub fn selected_workspace(&self) -> Result<String, StateError> {
        let path = self.root.join(".terraform").join("environment");
        match std::fs::read_to_string(&path) {
            Ok(s) => {
                let name = s.trim().to_owned();
                if name.is_empty() {
                    Ok(DEFAULT_WORKSPACE.to_owned())
                } else {
                    validate_workspace_name(&name)?;
                    Ok(name)
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DEFAULT_WORKSPACE.to_owned()),
            Err(e) => Err(io_err("read", &path)(e)),
        }
    }

    /// Records `name` as the selected workspace (written without a newline,
    /// as Terraform does).
    pub fn select_workspace(&self, name: &str) -> Result<(), StateError> {
        validate_workspace_name(name)?;
        let dir = self.root.join(".terraform");
        std::fs::create_dir_all(&dir).map_err(io_err("create directory", &dir))?;
        atomic_write(&dir.join("environment"), name.as_bytes())
    }

    /// Locks `workspace` once (no waiting), returning the held lock. The
    /// lock info's `Path` is set to the state file's path.
    pub fn lock_workspace(
        &self,
        workspace: &str,
        mut info: LockInfo,
    ) -> Result<StateLock, StateError> {
        info.path = self.state_path(workspace)?.display().to_string();
        StateLock::try_acquire(&self.lock_path(workspace)?, info)
    }

    /// Takes the lock and keeps it inside this backend until
    /// [`LocalBackend::release_lock`] (the trait's `lock`). Returns the ID.
    pub fn acquire_lock(&self, workspace: &str, mut info: LockInfo) -> Result<String, StateError> {
        if info.id.is_empty() {
            info.id = uuid::Uuid::new_v4().to_string();
        }
        let guard = self.lock_workspace(workspace, info)?;
        let id = guard.id().to_owned();
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert((workspace.to_owned(), id.clone()), guard);
        Ok(id)
    }

    /// Releases a lock taken by [`LocalBackend::acquire_lock`]; for an ID
    /// this backend does not hold, removes the lock if the ID matches the
    /// holder's (force-unlock).
    pub fn release_lock(&self, workspace: &str, id: &str) -> Result<(), StateError> {
        let held = self
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(workspace.to_owned(), id.to_owned()));
        match held {
            Some(guard) => guard.release(),
            None => lock::force_unlock(&self.lock_path(workspace)?, id),
        }
    }

    /// Who holds the lock of `workspace`, if anyone wrote lock info.
    pub fn lock_info(&self, workspace: &str) -> Result<Option<LockInfo>, StateError> {
        lock::read_lock_info(&self.lock_path(workspace)?)
    }
}

/// Checks that `new` may replace `stored`: same lineage, serial not lower.
pub fn check_successor(name: &str, stored: &StateFile, new: &StateFile) -> Result<(), StateError> {
    if stored.lineage != new.lineage {
        return Err(StateError::LineageMismatch {
            file: name.to_owned(),
            existing: stored.lineage.clone(),
            new: new.lineage.clone(),
        });
    }
    if new.serial < stored.serial {
        return Err(StateError::SerialRegression {
            file: name.to_owned(),
            existing: stored.serial,
            new: new.serial,
        });
    }
    Ok(())
}

/// Reads and parses a state file; `None` if it does not exist or is empty.
pub fn read_state_file(path: &Path) -> Result<Option<StateFile>, StateError> {
    parse_state_bytes(path, read_bytes(path)?.as_deref())
}

/// Parses the content of state file `path` (`None`: no file).
fn parse_state_bytes(path: &Path, bytes: Option<&[u8]>) -> Result<Option<StateFile>, StateError> {
    match bytes {
        Some(bytes) if !is_blank(bytes) => {
            StateFile::from_slice(bytes, &path.display().to_string()).map(Some)
        }
        _ => Ok(None),
    }
}

/// A state file read and parsed ahead of time, without a lock (typically
/// on another thread while the configuration loads). Only
/// [`LocalBackend::read_reusing`] uses it, and only if the file still
/// holds the same bytes when read under the lock.
#[derive(Debug)]
pub struct ReadAhead {
    path: PathBuf,
    bytes: Option<Vec<u8>>,
    parsed: Result<Option<StateFile>, StateError>,
}

impl ReadAhead {
    /// Reads and parses `path` now. A parse error is kept for
    /// [`LocalBackend::read_reusing`] to report if the file is unchanged;
    /// a file that cannot be read counts as absent here (`parsed` is always
    /// what `bytes` parse to, and the read under the lock reports the error
    /// if it persists).
    pub fn read(path: PathBuf) -> ReadAhead {
        let bytes = read_bytes(&path).unwrap_or(None);
        let parsed = parse_state_bytes(&path, bytes.as_deref());
        ReadAhead {
            path,
            bytes,
            parsed,
        }
    }
}

/// Rejects names that cannot be a single directory name.
pub fn validate_workspace_name(name: &str) -> Result<(), StateError> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        Err(StateError::InvalidWorkspaceName(name.to_owned()))
    } else {
        Ok(())
    }
}

/// Writes `bytes` to `path` atomically: temp file in the same directory,
/// fsync, rename over `path`, fsync the directory. An existing file's
/// permissions are kept; new files get 0644 (what Terraform creates). If
/// `path` is a symlink, its target is replaced.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), StateError> {
    // Replace the target of a symlink, not the link (Terraform writes in
    // place, so a symlinked terraform.tfstate keeps working).
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            resolved = std::fs::canonicalize(path).map_err(io_err("resolve symlink", path))?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}.tmp"))
        .tempfile_in(&dir)
        .map_err(io_err("create temporary file in", &dir))?;
    tmp.write_all(bytes)
        .map_err(io_err("write", tmp.path().to_owned()))?;
    let perms = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(p) = perms {
        tmp.as_file()
            .set_permissions(p)
            .map_err(io_err("set permissions of", tmp.path().to_owned()))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(io_err("sync", tmp.path().to_owned()))?;
    tmp.persist(path).map_err(|e| StateError::Io {
        action: "rename into place",
        path: path.to_owned(),
        source: e.error,
    })?;
    sync_dir(&dir)
}

#[cfg(unix)]
fn default_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<std::fs::Permissions> {
    None
}

/// fsyncs a directory so a rename in it is durable.
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StateError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("sync directory", dir))
}

#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> Result<(), StateError> {
    Ok(())
}

fn read_bytes(path: &Path) -> Result<Option<Vec<u8>>, StateError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("read", path)(e)),
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `dir/.<file name><suffix>`, Terraform's naming for lock info files.
fn sibling_dotfile(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| DEFAULT_STATE_FILE.to_owned());
    let file = format!(".{name}{suffix}");
    match path.parent() {
        Some(d) => d.join(file),
        None => PathBuf::from(file),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn state_text(serial: u64) -> String {
        format!(
            "{{\"version\": 4, \"terraform_version\": \"1.11.4\", \"serial\": {serial}, \"lineage\": \"l\", \"outputs\": {{}}, \"resources\": [], \"check_results\": null}}\n"
        )
    }

    /// A read-ahead parse is used only while the file holds the same bytes;
    /// otherwise the file is read and parsed again, errors included.
    #[test]
    fn read_ahead_is_reused_only_for_unchanged_content() {
        let dir = tempfile::tempdir().unwrap();
        let b = LocalBackend::new(dir.path());
        let path = b.state_path(DEFAULT_WORKSPACE).unwrap();
        let other = dir.path().join("other.tfstate");

        // No file: nothing either way.
        let ahead = ReadAhead::read(path.clone());
        assert_eq!(b.read_reusing(DEFAULT_WORKSPACE, ahead).unwrap(), None);

        std::fs::write(&path, state_text(1)).unwrap();
        let ahead = ReadAhead::read(path.clone());
        let got = b.read_reusing(DEFAULT_WORKSPACE, ahead).unwrap().unwrap();
        assert_eq!(got.serial, 1);

        // Changed after the read-ahead: the new content counts.
        let ahead = ReadAhead::read(path.clone());
        std::fs::write(&path, state_text(2)).unwrap();
        let got = b.read_reusing(DEFAULT_WORKSPACE, ahead).unwrap().unwrap();
        assert_eq!(got.serial, 2);

        // Another file read ahead: not used.
        std::fs::write(&other, state_text(7)).unwrap();
        let got = b
            .read_reusing(DEFAULT_WORKSPACE, ReadAhead::read(other.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(got.serial, 2);

        // A corrupt file is refused as a direct read refuses it.
        std::fs::write(&path, "{\"version\": 4, \"serial\": }").unwrap();
        let direct = b.read(DEFAULT_WORKSPACE).unwrap_err().to_string();
        let ahead = ReadAhead::read(path.clone());
        let reused = b
            .read_reusing(DEFAULT_WORKSPACE, ahead)
            .unwrap_err()
            .to_string();
        assert_eq!(direct, reused);

        // Corrupt when read ahead, repaired since: read again.
        let ahead = ReadAhead::read(path.clone());
        std::fs::write(&path, state_text(3)).unwrap();
        let got = b.read_reusing(DEFAULT_WORKSPACE, ahead).unwrap().unwrap();
        assert_eq!(got.serial, 3);
    }
}
