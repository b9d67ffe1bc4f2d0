#![allow(clippy::unwrap_used)]
//! Independent resources are planned on several threads, but a plan's
//! output — the "Refreshing state..." lines included — comes out in the
//! same order every time (graph order), as from a one-core run.

use terrane_tests::*;

#[test]
fn parallel_batches_print_in_a_fixed_order() {
    let dir = tempfile::tempdir().unwrap();
    // Enough independent resources for a parallel batch (32 or more).
    let main: String = (0..80)
        .map(|i| format!("resource \"terraform_data\" \"r{i}\" {{\n  input = \"v{i}\"\n}}\n"))
        .collect();
    std::fs::write(dir.path().join("main.tf"), main).unwrap();
    let out = terrane(dir.path(), &["apply", "-auto-approve", "-no-color"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plans: Vec<String> = (0..5)
        .map(|_| {
            let out = terrane(dir.path(), &["plan", "-no-color", "-detailed-exitcode"]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            stdout(&out)
        })
        .collect();
    let refreshing = plans[0]
        .lines()
        .filter(|l| l.contains("Refreshing state..."))
        .count();
    assert_eq!(refreshing, 80, "{}", plans[0]);
    for p in &plans[1..] {
        assert_eq!(p, &plans[0]);
    }
}
