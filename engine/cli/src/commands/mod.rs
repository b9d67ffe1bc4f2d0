//! One module per command; each returns the process exit code.

mod fmt;

use crate::args::{Cli, Command};

/// Runs the parsed command line and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    if let Some(dir) = &cli.chdir {
        if let Err(e) = std::env::set_current_dir(dir) {
            eprintln!("Error: cannot change to directory {}: {e}", dir.display());
            return 1;
        }
    }
    match cli.command {
        Command::Fmt(a) => fmt::run(a),
        Command::Version(a) => version(a.json),
    }
}

fn version(json: bool) -> u8 {
    let v = env!("CARGO_PKG_VERSION");
    if json {
        println!(
            "{{\n  \"terrane_version\": \"{v}\",\n  \"terraform_compatible_version\": \"1.11.4\",\n  \"platform\": \"{}_{}\"\n}}",
            std::env::consts::OS,
            std::env::consts::ARCH
        );
    } else {
        println!("terrane v{v}\non {}_{}", std::env::consts::OS, std::env::consts::ARCH);
    }
    0
}
