//! Opt-in check against well-known public modules (not vendored here):
//! `TERRANE_PUBLIC_MODULES=/path/to/checkouts cargo test -p terrane-config
//! --test public_modules -- --ignored`. Every directory with `.tf` files under
//! that path must load and validate with no diagnostics, except that module
//! calls with registry or remote sources are reported as not supported yet,
//! and directories named `_templates` (code generators' inputs) are skipped.

use std::path::{Path, PathBuf};

fn module_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    let mut has_tf = false;
    let mut subdirs = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                subdirs.push(p);
            }
        } else if p.extension().is_some_and(|x| x == "tf") {
            has_tf = true;
        }
    }
    if has_tf && !root.ends_with("_templates") {
        out.push(root.to_path_buf());
    }
    subdirs.sort();
    for s in subdirs {
        module_dirs(&s, out);
    }
}

#[test]
#[ignore = "needs TERRANE_PUBLIC_MODULES pointing at checked-out public modules"]
fn public_modules_load_and_validate_cleanly() {
    let Ok(root) = std::env::var("TERRANE_PUBLIC_MODULES") else {
        panic!("set TERRANE_PUBLIC_MODULES");
    };
    let mut dirs = Vec::new();
    module_dirs(Path::new(&root), &mut dirs);
    assert!(!dirs.is_empty(), "no module directories under {root}");
    let mut problems = Vec::new();
    let mut clean = 0;
    for d in &dirs {
        let (_, diags) = terrane_config::load_and_validate(d);
        let other: Vec<String> = diags
            .iter()
            .filter(|x| x.summary != "Module source not supported yet")
            .map(|x| format!("{}: {x}", d.display()))
            .collect();
        if diags.is_empty() {
            clean += 1;
        }
        problems.extend(other);
    }
    println!(
        "{} module directories, {clean} with no diagnostics at all",
        dirs.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
