//! Loads and validates a configuration directory and prints the result in
//! Terraform's `validate -json` shape (or rendered, with `--human`):
//! `cargo run -p terrane-config --example validate_json -- DIR [--human]`.

use terrane_diagnostics::{render_diagnostics, RenderOptions, ValidateOutput};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().cloned().unwrap_or_else(|| ".".into());
    let human = args.iter().any(|a| a == "--human");
    let root = std::path::Path::new(&dir);
    // Diagnostics name files relative to the directory, as Terraform does when run inside it.
    let (config, diags) = terrane_config::load_and_validate(root);
    let sources = config.map(|c| c.sources()).unwrap_or_default();
    if human {
        print!(
            "{}",
            render_diagnostics(&diags, &sources, RenderOptions::default())
        );
    } else {
        println!("{}", ValidateOutput::new(&diags, &sources).to_json_pretty());
    }
}
