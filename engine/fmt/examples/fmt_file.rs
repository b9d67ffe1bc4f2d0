//! Formats each file named on the command line to standard output (a
//! development aid for comparing against `terraform fmt`).

use std::io::Write;

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
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        }
    }
}
