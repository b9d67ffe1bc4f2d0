//! Generates a configuration with N resources (default 10,000) in a temporary
//! directory, then times loading and validating it:
//! `cargo run --release -p terrane-config --example load_bench -- [N]`.

use std::fmt::Write;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    // Ten files, each with a tenth of the resources, variables and outputs.
    let files = 10;
    for f in 0..files {
        let mut text = String::new();
        let _ = writeln!(
            text,
            "variable \"prefix_{f}\" {{\n  type    = string\n  default = \"x\"\n}}\n"
        );
        let _ = writeln!(
            text,
            "locals {{\n  tags_{f} = {{ Name = var.prefix_{f}, Index = {f} }}\n}}\n"
        );
        for i in (f..n).step_by(files) {
            let prev = if i >= files {
                format!("terraform_data.r{}.id", i - files)
            } else {
                "null".into()
            };
            let _ = writeln!(
                text,
                "resource \"terraform_data\" \"r{i}\" {{\n  count = {c}\n  input = {{\n    name = \"${{var.prefix_{f}}}-{i}\"\n    tags = local.tags_{f}\n    prev = {prev}\n    list = [for x in range(3) : x * {i}]\n  }}\n  lifecycle {{\n    create_before_destroy = true\n    ignore_changes        = [input]\n  }}\n}}\n",
                c = if i % 2 == 0 { "1" } else { "null" },
                prev = if i % 2 == 0 && i >= files { format!("{prev}[0]") } else { prev.replace("terraform_data.r", "null # ") },
            );
        }
        let _ = writeln!(text, "output \"out_{f}\" {{\n  value = local.tags_{f}\n}}");
        std::fs::write(dir.path().join(format!("file_{f:02}.tf")), text)?;
    }
    // The floor: reading and parsing alone, with hcl-edit.
    let parse_start = Instant::now();
    for f in 0..files {
        let text = std::fs::read_to_string(dir.path().join(format!("file_{f:02}.tf")))?;
        if hcl_edit::parser::parse_body(&text).is_err() {
            eprintln!("generated file {f} does not parse");
        }
    }
    let parse_only = parse_start.elapsed();
    let start = Instant::now();
    let (config, load_diags) = terrane_config::load_config(dir.path());
    let loaded = start.elapsed();
    let Some(config) = config else {
        eprintln!("load failed: {load_diags:?}");
        std::process::exit(1);
    };
    let v_start = Instant::now();
    let diags = terrane_config::validate(&config);
    let validated = v_start.elapsed();
    println!(
        "{} resources: load {:.1} ms (of which hcl-edit parsing alone takes {:.1} ms), validate {:.1} ms, total {:.1} ms ({} diagnostics)",
        config.module.resources.len(),
        loaded.as_secs_f64() * 1000.0,
        parse_only.as_secs_f64() * 1000.0,
        validated.as_secs_f64() * 1000.0,
        start.elapsed().as_secs_f64() * 1000.0,
        load_diags.len() + diags.len()
    );
    for d in load_diags.iter().chain(diags.iter()).take(5) {
        println!("  {d}");
    }
    Ok(())
}
