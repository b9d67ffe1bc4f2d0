//! The `configuration` section of `show -json`, built from terrane's own
//! loaded configuration and compared with Terraform's for every golden
//! case's `v2.tf`.
#![allow(clippy::unwrap_used)]

mod common;

use serde_json::Value as J;
use terrane_addrs::ModulePath;
use terrane_config::{load_config, load_module_from_sources, Config};
use terrane_render::config_build::configuration;
use terrane_render::gojson;

#[test]
fn configuration_matches_terraform() {
    let mut failures = Vec::new();
    let names = common::case_names();
    for case in &names {
        let text = common::read(case, "v2.tf").unwrap();
        let modules = common::cases_dir().join(case).join("modules");
        let config = if modules.is_dir() {
            // Child modules: load the whole tree from a copy on disk.
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("main.tf"), &text).unwrap();
            copy_dir(&modules, &dir.path().join("modules"));
            let (config, diags) = load_config(dir.path());
            config.unwrap_or_else(|| panic!("{case}: {diags:?}"))
        } else {
            let (module, diags) = load_module_from_sources(vec![("main.tf".into(), text)]);
            let module = module.unwrap_or_else(|| panic!("{case}: {diags:?}"));
            Config {
                path: ModulePath::root(),
                module,
                children: Default::default(),
            }
        };
        let got = serde_json::to_value(configuration(&config, &common::schemas())).unwrap();
        let doc: J = serde_json::from_str(&common::read(case, "plan.json").unwrap()).unwrap();
        let (w, g) = (
            gojson::to_string(&doc["configuration"]),
            gojson::to_string(&got),
        );
        if w != g {
            failures.push(format!("{case}\n  want {w}\n  got  {g}"));
        }
    }
    for f in &failures {
        eprintln!("{f}");
    }
    eprintln!(
        "configuration: {}/{} cases match byte for byte",
        names.len() - failures.len(),
        names.len()
    );
    assert!(failures.is_empty());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
