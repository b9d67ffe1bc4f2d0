//! Formats each file named on the command line to standard output (a
//! development aid for comparing against `terraform fmt`). Errors are
//! reported on standard error with the file name as `fmt` shows it.

use std::io::Write;
use std::path::PathBuf;

fn main() {
    for path in std::env::args().skip(1) {
        let src = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        };
        match terrane_fmt::format_source(&src) {
            Ok(out) => {
                let _ = std::io::stdout().write_all(out.as_bytes());
            }
            Err(_) => {
                let opts = terrane_fmt::FmtOptions {
                    check: true,
                    ..Default::default()
                };
                if let Err(e) = terrane_fmt::run(&[PathBuf::from(&path)], &opts, &mut Vec::new()) {
                    eprintln!("{e}");
                }
                std::process::exit(2);
            }
        }
    }
}
