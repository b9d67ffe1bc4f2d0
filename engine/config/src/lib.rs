//! terrane-config: loading Terraform configurations into a typed model, and
//! the static validation `terraform validate` performs before providers are
//! involved.
//!
//! A module is a directory of `*.tf`, `*.tf.json`, `*.tofu` and `*.tofu.json`
//! files (a `.tofu` file hides the `.tf` of the same stem), read in name
//! order, with `override.tf` / `*_override.tf` files merged last by
//! Terraform's override rules. Native syntax is parsed with `hcl-edit`, which
//! keeps byte spans, so every diagnostic points at source; JSON syntax is
//! translated into equivalent native text (with an offset map back to the
//! JSON) and parsed the same way, so the rest of the crate sees one model.
//! Duplicate keys in object constructors, which Terraform accepts and
//! `hcl-edit` rejects, are tolerated (the last wins). Blocks Terraform defines
//! become typed structs ([`Module`], [`ResourceBlock`], [`Variable`], ...);
//! provider- and backend-specific arguments stay raw ([`RawBody`]) for the
//! engine to decode against schemas. [`load_config`] follows local module
//! sources into a [`Config`] tree (registry and remote sources are reported
//! as not supported yet); [`validate`] then checks references, `count`/
//! `each`/`self` usage, module arguments, function names and the core
//! version constraint ([`TERRAFORM_COMPATIBILITY_VERSION`]).
//!
//! Diagnostics follow Terraform's summaries, details and ranges; the tests
//! compare them with `terraform validate -json` output and run OpenTofu's
//! loader fixtures. OpenTofu's own language additions that those fixtures
//! use are accepted: the `language` block, `required_version` in `.tofu`
//! files (checked against [`OPENTOFU_COMPATIBILITY_VERSION`]), `deprecated`
//! and `const` on variables/outputs, `for_each` on providers.
//!
//! Design: loading never stops at the first problem and never panics on
//! input; files of a module are parsed and decoded in parallel and merged in
//! file order, so results are deterministic. Depends on `terrane-addrs`,
//! `terrane-diagnostics`, `terrane-value` (type constraints, constant
//! defaults) and `terrane-functions` (function names), never on the planner,
//! providers or CLI. Reference extraction is private here until
//! `terrane-lang` is the single owner of it.

mod checks;
mod decode;
mod dupkeys;
mod json;
mod model;
mod module;
mod providers;
pub mod refs;
mod source;
pub mod types;
mod validate;

pub use decode::OPENTOFU_COMPATIBILITY_VERSION;
pub use model::*;
pub use source::{module_files, Src};
pub use validate::TERRAFORM_COMPATIBILITY_VERSION;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use terrane_addrs::ModulePath;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceMap};

/// A configuration: a module and the modules it calls, recursively.
#[derive(Debug, Clone)]
pub struct Config {
    /// This node's path from the root (`module.a.module.b`).
    pub path: ModulePath,
    /// The module itself.
    pub module: Module,
    /// Child modules by call name (only those whose source could be loaded).
    pub children: BTreeMap<String, Config>,
}

impl Config {
    /// Every source file of the tree, for rendering diagnostics.
    pub fn sources(&self) -> SourceMap {
        let mut map = self.module.sources.clone();
        for c in self.children.values() {
            map.extend(&c.sources());
        }
        map
    }

    /// The node at a module path, if loaded.
    pub fn descendant(&self, path: &ModulePath) -> Option<&Config> {
        let mut node = self;
        for name in &path.0 {
            node = node.children.get(name)?;
        }
        Some(node)
    }

    /// Every node, depth first, root first.
    pub fn walk(&self) -> Vec<&Config> {
        let mut out = vec![self];
        for c in self.children.values() {
            out.extend(c.walk());
        }
        out
    }
}

/// Loads one module directory (no children). The module is returned even
/// when there are errors, as far as it could be decoded.
pub fn load_module(dir: &Path) -> (Option<Module>, Diagnostics) {
    load_module_as(dir, "")
}

fn load_module_as(dir: &Path, display: &str) -> (Option<Module>, Diagnostics) {
    let (m, mut diags) = module::load_dir(dir, display);
    if let Some(m) = &m {
        checks::check_variables(m, &mut diags);
    }
    (m, diags)
}

/// Parses and decodes one configuration file on its own (no module-level
/// checks such as duplicate names), returning its diagnostics.
pub fn check_file(name: &str, text: String) -> Diagnostics {
    module::file_diagnostics(name, text)
}

/// Loads a module from in-memory files: `(file name, text)` pairs. File
/// order and override handling follow the names, as for a directory.
pub fn load_module_from_sources(files: Vec<(String, String)>) -> (Option<Module>, Diagnostics) {
    let mut files = files;
    files.sort_by(|a, b| {
        let ov = |n: &str| {
            let stem = n.split('.').next().unwrap_or(n);
            stem == "override" || stem.ends_with("_override")
        };
        (ov(&a.0), &a.0).cmp(&(ov(&b.0), &b.0))
    });
    let (m, mut diags) = module::load_sources(Path::new("."), files);
    if let Some(m) = &m {
        checks::check_variables(m, &mut diags);
    }
    (m, diags)
}

/// Loads the root module at `root` and, recursively, every module it calls
/// with a local source (`./x`, `../x`). Registry and remote sources are not
/// installed yet: each gives an error naming the source.
pub fn load_config(root: &Path) -> (Option<Config>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let (m, d) = load_module_as(root, "");
    diags.extend(d);
    let Some(m) = m else { return (None, diags) };
    let config = load_children(m, root, "", ModulePath::root(), 0, &mut diags);
    (Some(config), diags)
}

const MAX_DEPTH: usize = 64;

fn load_children(
    module: Module,
    dir: &Path,
    display: &str,
    path: ModulePath,
    depth: usize,
    diags: &mut Diagnostics,
) -> Config {
    let mut children = BTreeMap::new();
    for (name, call) in &module.module_calls {
        let range = call
            .source_expr
            .as_ref()
            .map(|e| e.range())
            .unwrap_or_else(|| call.decl_range.clone());
        match &call.source {
            Some(ModuleSource::Local(rel)) => {
                if depth >= MAX_DEPTH {
                    diags.push(Diagnostic::error("Module tree too deep", format!("Module calls are nested more than {MAX_DEPTH} levels deep; this usually means a module calls itself.")).with_subject(range));
                    continue;
                }
                let child_dir = dir.join(rel);
                let child_display = normalize(&if display.is_empty() {
                    rel.clone()
                } else {
                    format!("{display}/{rel}")
                });
                if !child_dir.is_dir() {
                    diags.push(
                        Diagnostic::error("Unreadable module directory", format!("The directory {child_display} does not exist or cannot be read."))
                            .with_subject(range)
                            .with_help("check the module's source path, relative to the calling module's directory"),
                    );
                    continue;
                }
                let (m, d) = load_module_as(&child_dir, &child_display);
                diags.extend(d);
                if let Some(m) = m {
                    let child = load_children(
                        m,
                        &child_dir,
                        &child_display,
                        path.child(name.clone()),
                        depth + 1,
                        diags,
                    );
                    children.insert(name.clone(), child);
                }
            }
            Some(ModuleSource::Registry(s)) | Some(ModuleSource::Remote(s)) => {
                diags.push(
                    Diagnostic::error("Module source not supported yet", format!("Module {name:?} uses the source {s:?}. terrane can load only modules with local paths (starting with \"./\" or \"../\") so far."))
                        .with_subject(range)
                        .with_help("download the module into the repository and use a local path as its source"),
                );
            }
            None => {}
        }
    }
    Config {
        path,
        module,
        children,
    }
}

/// Normalises `a/./b/../c` to `a/c` for display.
fn normalize(p: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for c in PathBuf::from(p).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if out.last().is_some_and(|l| l != "..") {
                    out.pop();
                } else {
                    out.push("..".into());
                }
            }
            other => out.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if out.is_empty() {
        ".".into()
    } else {
        out.join("/")
    }
}

/// Validates a loaded configuration: references, meta-argument usage,
/// module arguments and the Terraform core version constraint.
pub fn validate(config: &Config) -> Diagnostics {
    let mut diags = Diagnostics::new();
    validate::check_core_version(config, &mut diags);
    if diags.has_errors() {
        return diags;
    }
    validate::validate_tree(config, &mut diags);
    diags
}

/// Loads and validates in one step, as `terrane validate` does.
pub fn load_and_validate(root: &Path) -> (Option<Config>, Diagnostics) {
    let (config, mut diags) = load_config(root);
    if let Some(c) = &config {
        if !diags.has_errors() {
            diags.extend(validate(c));
        }
    }
    (config, diags)
}
