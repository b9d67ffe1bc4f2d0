//! The loader never panics: every fixture, cut at many points and with
//! bytes changed, only ever produces diagnostics.

use std::path::Path;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.to_string_lossy().ends_with(".tf") || p.to_string_lossy().ends_with(".tf.json")
        {
            out.push(p);
        }
    }
}

#[test]
fn truncated_and_mutated_files_never_panic() {
    let mut all = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        &mut all,
    );
    all.sort();
    assert!(all.len() > 50);
    let mut runs = 0;
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let step = (text.len() / 40).max(1);
        for cut in (0..text.len()).step_by(step) {
            if !text.is_char_boundary(cut) {
                continue;
            }
            let _ = terrane_config::check_file(&name, text[..cut].to_string());
            // Replace one byte with each of a few troublesome characters.
            for ch in ['{', '}', '"', '[', '$', '\n', '='] {
                let mut m = text.clone();
                if cut < m.len() && m.is_char_boundary(cut + 1) {
                    m.replace_range(cut..cut + 1, &ch.to_string());
                    let (module, _) =
                        terrane_config::load_module_from_sources(vec![(name.clone(), m)]);
                    if let Some(module) = module {
                        let config = terrane_config::Config {
                            path: terrane_addrs::ModulePath::root(),
                            module,
                            children: Default::default(),
                        };
                        let _ = terrane_config::validate(&config);
                    }
                    runs += 1;
                }
            }
        }
    }
    println!("{runs} mutated loads");
}
