//! The semantics of `terraform fmt [-check] [-diff] [-write=false]
//! [-list=false] [-recursive] [path...]`: which files are processed, what
//! is printed, and what is reported back so the CLI can choose its exit
//! status (2 when any error was reported, 3 when `-check` found changes).

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::diff::unified;
use crate::error::FmtError;
use crate::format_source_named;

/// File name suffixes `terraform fmt` processes.
pub(crate) const SUPPORTED_EXTS: [&str; 4] = [".tf", ".tfvars", ".tftest.hcl", ".tfmock.hcl"];

/// Command-line options of `fmt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FmtOptions {
    /// `-check`: only report; implies `write = false`; with `list` (the
    /// default) prints the names of files that need formatting.
    pub check: bool,
    /// `-diff`: print a unified diff of each change.
    pub diff: bool,
    /// `-write` (default true): rewrite changed files in place.
    pub write: bool,
    /// `-list` (default true): print the names of changed files.
    pub list: bool,
    /// `-recursive`: descend into subdirectories.
    pub recursive: bool,
}

impl Default for FmtOptions {
    fn default() -> Self {
        FmtOptions {
            check: false,
            diff: false,
            write: true,
            list: true,
            recursive: false,
        }
    }
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct FmtOutcome {
    /// Files whose formatting differs (display paths), in processing order.
    pub changed: Vec<String>,
}

impl FmtOutcome {
    /// Whether any file was (or, with `-check`/`-write=false`, would be)
    /// changed.
    pub fn any_changed(&self) -> bool {
        !self.changed.is_empty()
    }

    /// The exit status `terraform fmt` uses after a run without errors: 3
    /// when `check` is set and something needs formatting, else 0. (A run
    /// with errors returns [`FmtError::Failed`], exit status 2.)
    pub fn exit_code(&self, check: bool) -> i32 {
        if check && self.any_changed() {
            3
        } else {
            0
        }
    }
}

/// Terraform prints through a line-oriented UI: each write loses one
/// trailing newline and gains exactly one.
fn ui_write(out: &mut dyn Write, bytes: &[u8]) -> std::io::Result<()> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    out.write_all(body)?;
    out.write_all(b"\n")
}

struct Runner<'o> {
    list: bool,
    write: bool,
    diff: bool,
    recursive: bool,
    cwd: PathBuf,
    out: &'o mut dyn Write,
    outcome: FmtOutcome,
    /// Errors reported along the way; processing goes on past most of them.
    errors: Vec<FmtError>,
}

/// The result of a run: its outcome, or every error it reported.
fn finish(outcome: FmtOutcome, errors: Vec<FmtError>) -> Result<FmtOutcome, FmtError> {
    if errors.is_empty() {
        Ok(outcome)
    } else {
        Err(FmtError::Failed {
            errors,
            changed: outcome.changed,
        })
    }
}

/// Runs `fmt` over `paths` (the current directory if empty), printing to
/// `out` exactly what `terraform fmt` prints on standard output.
///
/// Like Terraform, processing goes on past errors in individual files (only
/// a path that does not exist stops it); if there were any, the result is
/// [`FmtError::Failed`] listing them all (exit status 2), and with `check`
/// nothing is printed. Otherwise the outcome says what changed.
pub fn run(
    paths: &[PathBuf],
    opts: &FmtOptions,
    out: &mut dyn Write,
) -> Result<FmtOutcome, FmtError> {
    let cwd = std::env::current_dir().map_err(FmtError::WorkingDir)?;
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };

    let mut buffer = Vec::new();
    let (outcome, errors) = {
        let sink: &mut dyn Write = if opts.check { &mut buffer } else { &mut *out };
        let mut runner = Runner {
            list: opts.list || opts.check,
            write: opts.write && !opts.check,
            diff: opts.diff,
            recursive: opts.recursive,
            cwd,
            out: sink,
            outcome: FmtOutcome::default(),
            errors: Vec::new(),
        };
        for path in paths {
            if !runner.process_path(path)? {
                break;
            }
        }
        (runner.outcome, runner.errors)
    };
    if opts.check && errors.is_empty() && opts.list && !buffer.is_empty() {
        ui_write(out, &buffer).map_err(FmtError::Output)?;
    }
    finish(outcome, errors)
}

/// Runs `fmt -` on `src` read from standard input: prints the formatted
/// text (or, with `-diff`, the diff labelled `<stdin>`). Never lists or
/// writes files; with `-check` prints nothing and only reports. A syntax
/// error is returned as [`FmtError::Failed`].
pub fn run_stdin(
    src: &[u8],
    opts: &FmtOptions,
    out: &mut dyn Write,
) -> Result<FmtOutcome, FmtError> {
    let mut buffer = Vec::new();
    let mut runner = Runner {
        list: opts.check,
        write: false,
        diff: opts.diff,
        recursive: false,
        cwd: PathBuf::new(),
        out: if opts.check { &mut buffer } else { out },
        outcome: FmtOutcome::default(),
        errors: Vec::new(),
    };
    runner.process_source("<stdin>", None, src)?;
    finish(runner.outcome, runner.errors)
}

impl Runner<'_> {
    /// Processes one command-line path. Returns false when processing must
    /// stop (a missing path ends the run, as in Terraform).
    fn process_path(&mut self, path: &Path) -> Result<bool, FmtError> {
        let shown = self.display(path);
        let Ok(meta) = std::fs::metadata(path) else {
            self.errors.push(FmtError::NotFound(shown));
            return Ok(false);
        };
        if meta.is_dir() {
            self.process_dir(path)?;
        } else if SUPPORTED_EXTS.iter().any(|ext| shown.ends_with(ext)) {
            self.process_file(path)?;
        } else {
            self.errors.push(FmtError::UnsupportedFile(shown));
        }
        Ok(true)
    }

    fn process_dir(&mut self, dir: &Path) -> Result<(), FmtError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(source) => {
                let path = self.display(dir);
                let err = if source.kind() == std::io::ErrorKind::NotFound {
                    FmtError::NotFound(path)
                } else {
                    FmtError::ReadDir { path, source }
                };
                self.errors.push(err);
                return Ok(());
            }
        };
        let mut names: Vec<(String, bool)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| FmtError::ReadDir {
                path: self.display(dir),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            names.push((name, is_dir));
        }
        names.sort();
        for (name, is_dir) in names {
            if is_ignored(&name) {
                continue;
            }
            let sub = join_clean(dir, &name);
            if is_dir {
                if self.recursive {
                    self.process_dir(&sub)?;
                }
                continue;
            }
            if SUPPORTED_EXTS.iter().any(|ext| name.ends_with(ext)) {
                self.process_file(&sub)?;
            }
        }
        Ok(())
    }

    fn process_file(&mut self, path: &Path) -> Result<(), FmtError> {
        let shown = self.display(path);
        match std::fs::read(path) {
            Ok(src) => self.process_source(&shown, Some(path), &src),
            Err(source) => {
                self.errors.push(FmtError::Read {
                    path: shown,
                    source,
                });
                Ok(())
            }
        }
    }

    fn process_source(
        &mut self,
        shown: &str,
        path: Option<&Path>,
        src: &[u8],
    ) -> Result<(), FmtError> {
        let text = match std::str::from_utf8(src) {
            Ok(t) => t,
            Err(e) => {
                let valid = String::from_utf8_lossy(&src[..e.valid_up_to()]).into_owned();
                let err = FmtError::syntax_at(
                    &valid,
                    valid.len(),
                    valid.len(),
                    "Invalid character encoding".into(),
                    "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.".into(),
                );
                self.errors.push(err.in_file(shown));
                return Ok(());
            }
        };
        let result = match format_source_named(text, shown) {
            Ok(r) => r,
            Err(e) => {
                self.errors.push(e);
                return Ok(());
            }
        };
        if result != text {
            self.outcome.changed.push(shown.to_string());
            if self.list {
                ui_write(self.out, format!("{shown}\n").as_bytes()).map_err(FmtError::Output)?;
            }
            if self.write {
                if let Some(p) = path {
                    if let Err(source) = std::fs::write(p, &result) {
                        self.errors.push(FmtError::Write {
                            path: shown.to_string(),
                            source,
                        });
                        return Ok(());
                    }
                }
            }
            if self.diff {
                let d = unified(text, &result, shown);
                ui_write(self.out, d.as_bytes()).map_err(FmtError::Output)?;
            }
        }
        if !self.list && !self.write && !self.diff {
            ui_write(self.out, result.as_bytes()).map_err(FmtError::Output)?;
        }
        Ok(())
    }

    /// The path as Terraform shows it: relative to the working directory.
    fn display(&self, path: &Path) -> String {
        let abs = if path.is_absolute() {
            clean(path)
        } else {
            clean(&self.cwd.join(path))
        };
        relative(&clean(&self.cwd), &abs)
            .to_string_lossy()
            .into_owned()
    }
}

/// Hidden files, editor backups and emacs lock files are skipped.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}

fn join_clean(dir: &Path, name: &str) -> PathBuf {
    let joined = dir.join(name);
    let cleaned = clean(&joined);
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// Lexically cleans a path: drops `.` components and resolves `..` where
/// possible.
fn clean(path: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(c),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

/// `target` relative to `base` (both absolute and clean), like Go's
/// `filepath.Rel`.
fn relative(base: &Path, target: &Path) -> PathBuf {
    let b: Vec<Component> = base.components().collect();
    let t: Vec<Component> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let base = Path::new("/a/b");
        assert_eq!(
            relative(base, Path::new("/a/b/c.tf")),
            PathBuf::from("c.tf")
        );
        assert_eq!(
            relative(base, Path::new("/a/x.tf")),
            PathBuf::from("../x.tf")
        );
        assert_eq!(relative(base, Path::new("/a/b")), PathBuf::from("."));
        assert_eq!(clean(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }

    #[test]
    fn ignored_names() {
        assert!(is_ignored(".terraform"));
        assert!(is_ignored("main.tf~"));
        assert!(is_ignored("#main.tf#"));
        assert!(!is_ignored("main.tf"));
    }
}
