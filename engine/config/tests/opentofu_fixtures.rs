//! OpenTofu's configuration-loader fixtures (tests/data/opentofu-configs,
//! MPL-2.0, see its LICENSE and README.md), run against terrane's loader.
//!
//! Contract per kind (from the fixtures' README):
//! - valid-files / valid-modules: zero diagnostics;
//! - invalid-files / invalid-modules: at least one error;
//! - error-files: errors exactly on the marked lines, with those summaries;
//! - warning-files: no errors, warnings exactly on the marked lines.
//!
//! Fixtures that cannot pass for a stated reason are listed in [`EXPECTED_FAILURES`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use terrane_diagnostics::{Diagnostics, Severity};

/// Fixtures expected to fail, with the reason.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

/// Raise this as the loader improves.
const MIN_PASSING: usize = 128;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/opentofu-configs")
}

fn read(path: &Path) -> (String, String) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (name, std::fs::read_to_string(path).unwrap_or_default())
}

/// The file on its own (Terraform's / OpenTofu's single-file loader).
fn load_file(path: &Path) -> Diagnostics {
    let (name, text) = read(path);
    terrane_config::check_file(&name, text)
}

/// The file as a one-file module.
fn load_as_module(path: &Path) -> Diagnostics {
    let (name, text) = read(path);
    terrane_config::load_module_from_sources(vec![(name, text)]).1
}

fn lines_of(diags: &Diagnostics, sev: Severity) -> BTreeSet<(usize, String)> {
    diags
        .iter()
        .filter(|d| d.severity == sev)
        .map(|d| {
            (
                d.subject.as_ref().map(|s| s.start.line).unwrap_or(0),
                d.summary.clone(),
            )
        })
        .collect()
}

fn check(entry: &serde_json::Value) -> Result<(), String> {
    let rel = entry["path"].as_str().unwrap_or_default();
    let kind = entry["kind"].as_str().unwrap_or_default();
    let path = data_dir().join(rel);
    let diags = match kind {
        "valid-modules" | "invalid-modules" => terrane_config::load_module(&path).1,
        _ => load_file(&path),
    };
    let show = || {
        diags
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match kind {
        "valid-files" | "valid-modules" => {
            if !diags.is_empty() {
                return Err(format!("expected no diagnostics, got:\n{}", show()));
            }
            if kind == "valid-files" && load_as_module(&path).has_errors() {
                return Err("errors when loaded as a one-file module".into());
            }
        }
        "invalid-files" | "invalid-modules" => {
            if !diags.has_errors() {
                return Err(format!("expected an error, got:\n{}", show()));
            }
            if kind == "invalid-files" && !load_as_module(&path).has_errors() {
                return Err("no error when loaded as a one-file module".into());
            }
        }
        "error-files" | "warning-files" => {
            let want: BTreeSet<(usize, String)> = entry["expected_by_line"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(l, s)| {
                            (
                                l.parse().unwrap_or(0),
                                s.as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let (sev, other) = if kind == "error-files" {
                (Severity::Error, None)
            } else {
                (Severity::Warning, Some(Severity::Error))
            };
            let got = lines_of(&diags, sev);
            if got != want {
                return Err(format!("want {want:?}\n got {got:?}\n{}", show()));
            }
            if let Some(o) = other {
                if !lines_of(&diags, o).is_empty() {
                    return Err(format!("unexpected errors:\n{}", show()));
                }
            }
        }
        other => return Err(format!("unknown kind {other}")),
    }
    Ok(())
}

#[test]
fn opentofu_loader_fixtures() {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(data_dir().join("manifest.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let entries = manifest.as_array().cloned().unwrap_or_default();
    assert!(entries.len() > 100, "manifest not found or empty");
    let mut passed = 0;
    let mut failures = Vec::new();
    let mut unexpected_passes = Vec::new();
    for e in &entries {
        let rel = e["path"].as_str().unwrap_or_default().to_string();
        let expected_fail = EXPECTED_FAILURES.iter().find(|(p, _)| *p == rel);
        match (check(e), expected_fail) {
            (Ok(()), None) => passed += 1,
            (Ok(()), Some(_)) => unexpected_passes.push(rel),
            (Err(msg), None) => failures.push(format!("{rel}: {msg}")),
            (Err(_), Some(_)) => {}
        }
    }
    println!(
        "opentofu fixtures: {passed} passed, {} listed as expected failures, of {}",
        EXPECTED_FAILURES.len(),
        entries.len()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        unexpected_passes.is_empty(),
        "now passing, remove from EXPECTED_FAILURES: {unexpected_passes:?}"
    );
    assert!(
        failures.is_empty(),
        "{} unexpected failures",
        failures.len()
    );
    assert!(
        passed >= MIN_PASSING,
        "only {passed} fixtures pass (minimum {MIN_PASSING})"
    );
}
