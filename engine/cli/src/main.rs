//! The `terrane` command line: argument parsing, wiring of providers and
//! backends, rendering of diagnostics, exit codes. This is the only crate that
//! depends on clap and miette; everything below it returns data.

mod args;
mod backend;
mod commands;

use std::process::ExitCode;

fn main() -> ExitCode {
    let argv = args::normalize(std::env::args_os().collect());
    let cli = match args::parse(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(commands::run(cli))
}
