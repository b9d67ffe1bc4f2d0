//! Command semantics of `fmt`: which files are processed, what is printed
//! and what the outcome says. The live test replays each scenario with the
//! real terraform (when installed) in the same directory and compares
//! standard output, exit status and the files left on disk.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use terrane_fmt::{run, run_stdin, FmtError, FmtOptions};

const UNFORMATTED: &str = "resource \"a\" \"b\" {\nx=1\n  yy = [1,2]\n}\n\nlocals {\n  a = 1\n  b = 2\n  c = 3\n  d = 4\n  e = 5\n  f = 6\n  g = 7\n  h = 8\n  i = 9\n  j   =   10\n}\n";
const FORMATTED: &str = "a = 1\n";

/// The files of the scenario tree, relative to its root.
fn tree() -> Vec<(&'static str, &'static str)> {
    vec![
        ("main.tf", UNFORMATTED),
        ("ok.tf", FORMATTED),
        ("vars.tfvars", "x=1\n"),
        ("test.tftest.hcl", "run \"x\" {\ncommand=plan\n}\n"),
        ("notes.txt", "x=1\n"),
        (".hidden.tf", "x=1\n"),
        ("backup.tf~", "x=1\n"),
        ("sub/nested.tf", "y=2\n"),
        ("sub/deeper/more.tf", "z  =  3"),
        (".terraform/modules/m.tf", "w=4\n"),
    ]
}

fn populate(root: &Path) {
    if root.exists() {
        std::fs::remove_dir_all(root).unwrap();
    }
    for (rel, text) in tree() {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn snapshot(root: &Path) -> BTreeMap<String, String> {
    tree()
        .into_iter()
        .map(|(rel, _)| {
            let text = std::fs::read_to_string(root.join(rel)).unwrap();
            (rel.to_string(), text)
        })
        .collect()
}

fn opts(flags: &[&str]) -> FmtOptions {
    let mut o = FmtOptions::default();
    for f in flags {
        match *f {
            "-check" => o.check = true,
            "-diff" => o.diff = true,
            "-write=false" => o.write = false,
            "-list=false" => o.list = false,
            "-recursive" => o.recursive = true,
            other => panic!("unknown flag {other}"),
        }
    }
    o
}

fn ours(flags: &[&str], paths: &[PathBuf]) -> (String, i32) {
    let o = opts(flags);
    let mut out = Vec::new();
    let code = match run(paths, &o, &mut out) {
        Ok(outcome) => outcome.exit_code(o.check),
        Err(FmtError::Failed { .. }) => 2,
        Err(e) => panic!("run failed: {e}"),
    };
    (String::from_utf8(out).unwrap(), code)
}

#[test]
fn check_lists_only_unformatted_supported_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cfg");
    populate(&root);
    let (out, code) = ours(&["-check"], std::slice::from_ref(&root));
    assert_eq!(code, 3);
    let names: Vec<&str> = out.lines().map(|l| l.rsplit('/').next().unwrap()).collect();
    assert_eq!(names, vec!["main.tf", "test.tftest.hcl", "vars.tfvars"]);
    // -check never writes.
    assert_eq!(
        std::fs::read_to_string(root.join("main.tf")).unwrap(),
        UNFORMATTED
    );
}

#[test]
fn recursive_write_formats_everything_but_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cfg");
    populate(&root);
    let (_, code) = ours(&["-recursive"], std::slice::from_ref(&root));
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(root.join("sub/nested.tf")).unwrap(),
        "y = 2\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sub/deeper/more.tf")).unwrap(),
        "z = 3"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".hidden.tf")).unwrap(),
        "x=1\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join(".terraform/modules/m.tf")).unwrap(),
        "w=4\n"
    );
    // A second run finds nothing to do.
    let (out, code) = ours(&["-check", "-recursive"], &[root]);
    assert_eq!((out.as_str(), code), ("", 0));
}

#[test]
fn errors_are_reported_and_processing_continues() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.tf");
    let good = dir.path().join("good.tf");
    std::fs::write(&bad, "a = \n").unwrap();
    std::fs::write(&good, "b=1\n").unwrap();
    let txt = dir.path().join("x.txt");
    std::fs::write(&txt, "").unwrap();
    let o = opts(&["-check"]);
    let mut out = Vec::new();
    let Err(FmtError::Failed { errors, changed }) = run(&[bad, txt, good], &o, &mut out) else {
        panic!("expected errors");
    };
    assert_eq!(errors.len(), 2);
    assert!(matches!(errors[0], FmtError::Syntax { line: 1, .. }));
    assert!(errors[0].to_string().ends_with("bad.tf:1,5: Invalid expression: Expected the start of an expression, but found an invalid expression token."));
    assert!(matches!(errors[1], FmtError::UnsupportedFile(_)));
    // The good file was still checked.
    assert_eq!(changed.len(), 1);
    // With errors, -check prints nothing.
    assert!(out.is_empty());

    let missing = dir.path().join("missing");
    let Err(FmtError::Failed { errors, .. }) = run(&[missing], &o, &mut Vec::new()) else {
        panic!("expected errors");
    };
    assert!(matches!(errors[..], [FmtError::NotFound(_)]));
}

#[test]
fn stdin_prints_result_or_diff() {
    let mut out = Vec::new();
    run_stdin(b"a=1", &FmtOptions::default(), &mut out).unwrap();
    assert_eq!(out, b"a = 1\n");
    let mut out = Vec::new();
    let o = opts(&["-diff"]);
    run_stdin(b"a=1\n", &o, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "--- old/<stdin>\n+++ new/<stdin>\n@@ -1 +1 @@\n-a=1\n+a = 1\n"
    );
    let mut out = Vec::new();
    let outcome = run_stdin(b"a=1\n", &opts(&["-check"]), &mut out).unwrap();
    assert!(out.is_empty());
    assert_eq!(outcome.exit_code(true), 3);
    let Err(FmtError::Failed { errors, .. }) = run_stdin(b"a =\n", &opts(&[]), &mut Vec::new())
    else {
        panic!("expected a syntax error");
    };
    assert!(errors[0]
        .to_string()
        .starts_with("<stdin>:1,4: Invalid expression"));
}

const TERRAFORM: &str = "/usr/local/bin/terraform";

fn theirs(flags: &[&str], paths: &[PathBuf], rc: &Path) -> (String, i32) {
    let out = Command::new(TERRAFORM)
        .arg("fmt")
        .arg("-no-color")
        .args(flags)
        .args(paths)
        .env("TF_CLI_CONFIG_FILE", rc)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn live_scenarios_match_terraform() {
    if !Path::new(TERRAFORM).exists() {
        eprintln!("skipping: {TERRAFORM} is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join("empty.tfrc");
    std::fs::write(&rc, "").unwrap();
    let root = dir.path().join("cfg");
    let scenarios: Vec<(Vec<&str>, Vec<PathBuf>)> = vec![
        (vec![], vec![root.clone()]),
        (vec!["-check"], vec![root.clone()]),
        (vec!["-check", "-diff"], vec![root.clone()]),
        (vec!["-check", "-list=false"], vec![root.clone()]),
        (vec!["-diff"], vec![root.clone()]),
        (vec!["-diff", "-write=false"], vec![root.clone()]),
        (vec!["-write=false", "-list=false"], vec![root.clone()]),
        (vec!["-recursive"], vec![root.clone()]),
        (vec!["-check", "-recursive", "-diff"], vec![root.clone()]),
        (vec![], vec![root.join("main.tf"), root.join("sub")]),
        (
            vec!["-check"],
            vec![root.join("notes.txt"), root.join("ok.tf")],
        ),
        (vec![], vec![root.join("nope"), root.join("main.tf")]),
    ];
    let mut failures = Vec::new();
    for (flags, paths) in &scenarios {
        populate(&root);
        let want = theirs(flags, paths, &rc);
        let want_files = snapshot(&root);
        populate(&root);
        let got = ours(flags, paths);
        let got_files = snapshot(&root);
        if want != got || want_files != got_files {
            failures.push(format!(
                "fmt {flags:?}: terraform {want:?}\nours {got:?}\nfiles equal: {}",
                want_files == got_files
            ));
        }
    }
    println!(
        "live: {} of {} fmt scenarios match terraform",
        scenarios.len() - failures.len(),
        scenarios.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn live_stdin_matches_terraform() {
    if !Path::new(TERRAFORM).exists() {
        eprintln!("skipping: {TERRAFORM} is not installed");
        return;
    }
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join("empty.tfrc");
    std::fs::write(&rc, "").unwrap();
    let inputs = [UNFORMATTED, FORMATTED, "a=1", "", "bad =\n"];
    let flag_sets: [&[&str]; 4] = [&[], &["-diff"], &["-check"], &["-check", "-diff"]];
    let mut failures = Vec::new();
    for input in inputs {
        for flags in flag_sets {
            let mut child = Command::new(TERRAFORM)
                .arg("fmt")
                .arg("-no-color")
                .args(flags)
                .arg("-")
                .env("TF_CLI_CONFIG_FILE", &rc)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            let done = child.wait_with_output().unwrap();
            let want = (
                String::from_utf8(done.stdout).unwrap(),
                done.status.code().unwrap_or(-1),
            );
            let o = opts(flags);
            let mut out = Vec::new();
            let code = match run_stdin(input.as_bytes(), &o, &mut out) {
                Ok(outcome) => outcome.exit_code(o.check),
                Err(_) => 2,
            };
            let got = (String::from_utf8(out).unwrap(), code);
            if want != got {
                failures.push(format!(
                    "{flags:?} {input:?}: terraform {want:?}, ours {got:?}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
