//! Reads a state file with terrane-state and writes it back, reporting
//! whether the bytes are identical and how long each step took.
//!
//! ```text
//! cargo run -p terrane-state --example rewrite -- IN.tfstate [OUT.tfstate] [--bump-serial]
//! ```
//!
//! Used to check compatibility against real Terraform states (write with
//! `--bump-serial` into a Terraform working directory, then run
//! `terraform plan`: it must read the state and report no changes).

use std::process::ExitCode;
use std::time::Instant;

use terrane_state::StateFile;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let bump = args.iter().any(|a| a == "--bump-serial");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let Some(input) = paths.first() else {
        eprintln!("usage: rewrite IN.tfstate [OUT.tfstate] [--bump-serial]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let t = Instant::now();
    let mut state = match StateFile::from_slice(&bytes, input) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let parsed = t.elapsed();
    if bump {
        state.serial += 1;
    }
    let t = Instant::now();
    let out = match state.to_bytes() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let written = t.elapsed();
    let objects: usize = state.resources.iter().map(|r| r.instances.len()).sum();
    eprintln!(
        "{} bytes, {} resources, {objects} objects: parse {parsed:?}, serialise {written:?}, identical: {}",
        bytes.len(),
        state.resources.len(),
        out == bytes
    );
    if let Some(output) = paths.get(1) {
        if let Err(e) =
            terrane_state::local::atomic_write(std::path::Path::new(output.as_str()), &out)
        {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
