//! The `configuration` section of `show -json`, built from terrane's own
//! loaded configuration and compared with Terraform's for every golden
//! case's `v2.tf`.
#![allow(clippy::unwrap_used)]

mod common;

use serde_json::Value as J;
use terrane_addrs::ModulePath;
use terrane_config::{load_module_from_sources, Config};
use terrane_render::config_build::configuration;
use terrane_render::gojson;

#[test]
fn configuration_matches_terraform() {
    let mut failures = Vec::new();
    let names = common::case_names();
    for case in &names {
        let text = common::read(case, "v2.tf").unwrap();
        let (module, diags) = load_module_from_sources(vec![("main.tf".into(), text)]);
        let module = module.unwrap_or_else(|| panic!("{case}: {diags:?}"));
        let config = Config {
            path: ModulePath::root(),
            module,
            children: Default::default(),
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
