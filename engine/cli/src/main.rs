//! The `terrane` command line: argument parsing, wiring of providers and
//! backends, rendering of diagnostics, exit codes. This is the only crate that
//! depends on clap and miette; everything below it returns data.

mod args;
mod backend;
mod commands;

use std::process::ExitCode;

/// mimalloc instead of the system allocator: plans build and drop many small
/// values, and glibc's malloc/free were over a third of a plan's
/// instructions.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit status a shell reports for a process ended by SIGPIPE.
const BROKEN_PIPE_EXIT: u8 = 141;

/// True for the panic `print!` raises when stdout or stderr is a closed
/// pipe (`terrane show | head`).
fn is_broken_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let msg = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    msg.starts_with("failed printing to std") && msg.contains("Broken pipe")
}

fn main() -> ExitCode {
    // A reader that stops reading (`| head`) ends the command quietly, as
    // SIGPIPE ends Terraform, but by unwinding: locks and files are released.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_broken_pipe(info.payload()) {
            default_hook(info);
        }
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(payload) if is_broken_pipe(payload.as_ref()) => ExitCode::from(BROKEN_PIPE_EXIT),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

fn run() -> ExitCode {
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
