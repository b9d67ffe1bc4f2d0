//! `terrane fmt`: canonical formatting, identical to `terraform fmt`.

use crate::args::FmtArgs;
use std::io::{Read, Write};
use std::path::PathBuf;
use terrane_fmt::{FmtError, FmtOptions, FmtOutcome};

pub fn run(a: FmtArgs) -> u8 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let opts = FmtOptions {
        check: a.check,
        diff: a.diff,
        write: a.write && !a.check,
        list: a.list,
        recursive: a.recursive,
    };
    let result = if a.paths.len() == 1 && a.paths[0].as_os_str() == "-" {
        let mut src = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut src) {
            eprintln!("Error: failed to read standard input: {e}");
            return 2;
        }
        terrane_fmt::run_stdin(&src, &opts, &mut out)
    } else {
        let paths = if a.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            a.paths.clone()
        };
        terrane_fmt::run(&paths, &opts, &mut out)
    };
    let _ = out.flush();
    exit_code(result, a.check)
}

fn exit_code(result: Result<FmtOutcome, FmtError>, check: bool) -> u8 {
    match result {
        Ok(outcome) => outcome.exit_code(check) as u8,
        Err(e) => {
            eprintln!("Error: {e}");
            2
        }
    }
}
