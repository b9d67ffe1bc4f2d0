//! Golden corpus: every `*.in` under `tests/fixtures/{golden,opentofu}` is
//! formatted and compared with the output real `terraform fmt` produced
//! (`*.out`), or must be refused with the same first error (`*.err`:
//! summary, line and detail).
//! When Terraform is installed at /usr/local/bin/terraform, a second test
//! compares against it live.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use terrane_fmt::{format_source, format_source_named, FmtError};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn inputs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            inputs(&p, out);
        } else if p.extension().is_some_and(|e| e == "in") {
            out.push(p);
        }
    }
}

fn all_inputs(sub: &str) -> Vec<PathBuf> {
    let mut v = Vec::new();
    inputs(&fixtures().join(sub), &mut v);
    v
}

fn sibling(input: &Path, ext: &str) -> PathBuf {
    input.with_extension(ext)
}

/// Checks one input against its recorded expectation; returns a failure
/// description, if any.
fn check(input: &Path) -> Option<String> {
    let src = std::fs::read_to_string(input).unwrap();
    let out_path = sibling(input, "out");
    let err_path = sibling(input, "err");
    let file_name = input.file_stem().unwrap().to_string_lossy().into_owned();
    let ext = file_name.split_once('.').map_or("tf", |(_, e)| e);
    let got = format_source_named(&src, &format!("case.{ext}"));
    if out_path.exists() {
        let want = std::fs::read_to_string(&out_path).unwrap();
        match got {
            Ok(text) if text == want => {
                // The output must itself be valid. (It need not be a fixed
                // point: Terraform unwraps one `"${...}"` level per run.)
                if format_source(&text).is_err() {
                    return Some(format!("{}: output does not parse", input.display()));
                }
                None
            }
            Ok(text) => Some(format!(
                "{}: output differs\n--- want\n{want}\n--- got\n{text}",
                input.display()
            )),
            Err(e) => Some(format!("{}: unexpected error {e}", input.display())),
        }
    } else if err_path.exists() {
        let want = std::fs::read_to_string(&err_path).unwrap();
        let (first, detail) = want
            .trim_end()
            .split_once('\n')
            .unwrap_or((want.trim_end(), ""));
        let (summary, line) = first.rsplit_once('@').unwrap();
        match got {
            Err(FmtError::Syntax {
                summary: s,
                line: l,
                detail: d,
                ..
            }) => {
                let d = d.split_whitespace().collect::<Vec<_>>().join(" ");
                if s == summary && l.to_string() == line && d == detail {
                    None
                } else {
                    Some(format!(
                        "{}: error {s}@{l} ({d}), terraform says {summary}@{line} ({detail})",
                        input.display()
                    ))
                }
            }
            Err(e) => Some(format!("{}: unexpected error kind {e}", input.display())),
            Ok(_) => Some(format!(
                "{}: accepted, terraform refuses it",
                input.display()
            )),
        }
    } else {
        Some(format!("{}: no .out or .err expectation", input.display()))
    }
}

fn run_corpus(sub: &str, minimum: usize) {
    let inputs = all_inputs(sub);
    assert!(
        inputs.len() >= minimum,
        "expected at least {minimum} cases in {sub}, found {}",
        inputs.len()
    );
    let failures: Vec<String> = inputs.iter().filter_map(|i| check(i)).collect();
    println!(
        "{sub}: {} of {} cases match terraform fmt",
        inputs.len() - failures.len(),
        inputs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn golden_corpus_matches_terraform() {
    run_corpus("golden", 60);
}

#[test]
fn opentofu_corpus_matches_terraform() {
    run_corpus("opentofu", 150);
}

const TERRAFORM: &str = "/usr/local/bin/terraform";

/// Formats `src` with the real terraform under the file name `name`;
/// `None` if terraform refused it.
fn terraform_fmt(src: &str, name: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join("empty.tfrc");
    std::fs::write(&rc, "").unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, src).unwrap();
    let status = Command::new(TERRAFORM)
        .arg("fmt")
        .arg("-no-color")
        .arg(name)
        .current_dir(dir.path())
        .env("TF_CLI_CONFIG_FILE", &rc)
        .output()
        .unwrap()
        .status;
    status
        .success()
        .then(|| std::fs::read_to_string(&file).unwrap())
}

#[test]
fn live_against_installed_terraform() {
    if !Path::new(TERRAFORM).exists() {
        eprintln!("skipping: {TERRAFORM} is not installed");
        return;
    }
    let mut inputs = all_inputs("opentofu");
    inputs.extend(all_inputs("golden"));
    let mut failures = Vec::new();
    for input in &inputs {
        let src = std::fs::read_to_string(input).unwrap();
        let file_name = input.file_stem().unwrap().to_string_lossy().into_owned();
        let ext = file_name
            .split_once('.')
            .map_or("tf".to_string(), |(_, e)| e.to_string());
        let want = terraform_fmt(&src, &format!("case.{ext}"));
        let got = format_source(&src).ok();
        if want != got {
            failures.push(format!(
                "{}: terraform {:?}\nours {:?}",
                input.display(),
                want,
                got
            ));
        }
    }
    println!(
        "live: {} of {} files formatted identically to {TERRAFORM}",
        inputs.len() - failures.len(),
        inputs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
