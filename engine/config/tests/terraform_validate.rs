//! terrane's validate output against `terraform validate -json` (Terraform
//! v1.11.4) on small broken configurations (tests/data/terraform-validate).
//!
//! Every diagnostic Terraform reports must be reported by terrane with the
//! same severity, summary, range, detail and snippet (except the evaluated
//! `values`, which static validation cannot know); terrane may report
//! more only where listed in [`KNOWN_EXTRAS`], and details may differ only
//! where listed in [`KNOWN_DETAIL_DIFFERENCES`].

use serde_json::Value;
use std::path::Path;
use terrane_diagnostics::ValidateOutput;

/// (case, summary): diagnostics terrane reports that Terraform does not.
const KNOWN_EXTRAS: &[(&str, &str, &str)] = &[
    ("selfref", "Object attribute is ignored", "terrane (like OpenTofu) warns about default attributes the type drops; Terraform drops them silently"),
    ("selfref", "Self-referential block", "Terraform stops after the local value's cycle error; the reference is wrong either way"),
    ("modargs", "Unsupported attribute", "Terraform skips output checks of a module call whose arguments are wrong"),
    ("misc3", "HCP Terraform is not supported", "terrane-specific: the cloud block is ignored, so it says so"),
    ("misc3", "Provisioner not supported yet", "terrane-specific: only local-exec provisioners run so far"),
    ("syn4", "Invalid block definition", "hcl-edit's report of the unterminated string (see KNOWN_MISSES)"),
];

/// (case, summary): diagnostics Terraform reports that need a provider or
/// function signatures (the engine's and evaluator's job, not static validation).
const KNOWN_MISSES: &[(&str, &str, &str)] = &[
    (
        "misc8b",
        "Invalid use of ephemeral value",
        "needs the provider schema to know which attributes are write-only",
    ),
    (
        "fn1",
        "Too many function arguments",
        "function signatures belong to the evaluator (terrane-lang)",
    ),
    (
        "fn1",
        "Unknown provider function",
        "provider-defined functions need the provider",
    ),
    (
        "syn4",
        "Invalid multi-line string",
        "hcl-edit does not recover from an unterminated string; terrane reports one syntax error there",
    ),
    (
        "syn4",
        "Unterminated template string",
        "as above",
    ),
    (
        "ctx",
        "Reference to undeclared input variable",
        "Terraform's spurious second error for a bare `var` (empty name, line 0)",
    ),
];

/// (case, summary): the detail text differs.
const KNOWN_DETAIL_DIFFERENCES: &[(&str, &str, &str)] = &[];

fn key(d: &Value) -> String {
    format!(
        "{} {} {}:{}:{}-{}:{}",
        d["severity"].as_str().unwrap_or(""),
        d["summary"].as_str().unwrap_or(""),
        d["range"]["filename"].as_str().unwrap_or(""),
        d["range"]["start"]["line"],
        d["range"]["start"]["column"],
        d["range"]["end"]["line"],
        d["range"]["end"]["column"]
    )
}

fn compare(case: &str, dir: &Path) -> Vec<String> {
    let want: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("terraform-validate.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let (config, diags) = terrane_config::load_and_validate(dir);
    let sources = config.map(|c| c.sources()).unwrap_or_default();
    let got = serde_json::to_value(ValidateOutput::new(&diags, &sources)).unwrap_or_default();
    let empty = Vec::new();
    let want_d = want["diagnostics"].as_array().unwrap_or(&empty);
    let got_d = got["diagnostics"].as_array().unwrap_or(&empty);
    let mut problems = Vec::new();
    for w in want_d {
        let Some(g) = got_d.iter().find(|g| key(g) == key(w)) else {
            let summary = w["summary"].as_str().unwrap_or("");
            if !KNOWN_MISSES
                .iter()
                .any(|(c, s, _)| *c == case && *s == summary)
            {
                problems.push(format!("{case}: missing {}", key(w)));
            }
            continue;
        };
        let summary = w["summary"].as_str().unwrap_or("");
        let detail_exempt = KNOWN_DETAIL_DIFFERENCES
            .iter()
            .any(|(c, s, _)| *c == case && *s == summary);
        if !detail_exempt && g["detail"] != w["detail"] {
            problems.push(format!(
                "{case}: detail of {}:\n  terraform: {}\n  terrane:   {}",
                key(w),
                w["detail"],
                g["detail"]
            ));
        }
        if g["range"]["start"]["byte"] != w["range"]["start"]["byte"]
            || g["range"]["end"]["byte"] != w["range"]["end"]["byte"]
        {
            problems.push(format!("{case}: byte range of {}", key(w)));
        }
        // `values` lists evaluated expression values; static validation has none.
        let strip = |v: &Value| {
            let mut v = v.clone();
            if let Some(o) = v.as_object_mut() {
                o.remove("values");
            }
            v
        };
        if strip(&g["snippet"]) != strip(&w["snippet"]) {
            problems.push(format!(
                "{case}: snippet of {}:\n  terraform: {}\n  terrane:   {}",
                key(w),
                w["snippet"],
                g["snippet"]
            ));
        }
    }
    for g in got_d {
        let summary = g["summary"].as_str().unwrap_or("");
        if !want_d.iter().any(|w| key(w) == key(g))
            && !KNOWN_EXTRAS
                .iter()
                .any(|(c, s, _)| *c == case && *s == summary)
        {
            problems.push(format!("{case}: extra {}", key(g)));
        }
    }
    if got["valid"] != want["valid"] {
        problems.push(format!(
            "{case}: valid {} vs {}",
            got["valid"], want["valid"]
        ));
    }
    problems
}

#[test]
fn same_diagnostics_as_terraform_validate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/terraform-validate");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    cases.sort();
    assert!(cases.len() >= 8, "cases not found in {}", root.display());
    let mut problems = Vec::new();
    for dir in &cases {
        let case = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        problems.extend(compare(&case, dir));
    }
    println!(
        "compared {} cases with terraform validate -json",
        cases.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
