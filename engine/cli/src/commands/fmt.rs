//! `terrane fmt`: canonical formatting, identical to `terraform fmt`.

use crate::args::FmtArgs;
use std::io::{Read, Write};
use std::path::PathBuf;
use terrane_fmt::{format_source, FmtOptions};

pub fn run(a: FmtArgs) -> u8 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.paths.len() == 1 && a.paths[0].as_os_str() == "-" {
        return stdin(&a, &mut out);
    }
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        a.paths.clone()
    };
    let opts = FmtOptions {
        check: a.check,
        diff: a.diff,
        write: a.write && !a.check,
        list: a.list,
        recursive: a.recursive,
    };
    match terrane_fmt::run(&paths, &opts, &mut out) {
        Ok(outcome) if a.check && outcome.any_changed() => 3,
        Ok(_) => 0,
        Err(e) => {
            let _ = out.flush();
            eprintln!("Error: {e}");
            2
        }
    }
}

fn stdin(a: &FmtArgs, out: &mut dyn Write) -> u8 {
    let mut src = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut src) {
        eprintln!("Error: failed to read standard input: {e}");
        return 2;
    }
    match format_source(&src) {
        Ok(formatted) => {
            if a.check {
                return if formatted == src { 0 } else { 3 };
            }
            let _ = out.write_all(formatted.as_bytes());
            0
        }
        Err(e) => {
            eprintln!("Error: {e}");
            2
        }
    }
}
