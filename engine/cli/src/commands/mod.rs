//! One module per command; each returns the process exit code.

mod common;
mod fmt;
mod graphview;
mod hooks;
mod misc;
mod outputs;
mod planview;
mod run;
mod stateops;
mod uijson;

use crate::args::{ApplyArgs, Cli, Command};

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
        Command::Init(a) => misc::init(a),
        Command::Validate(a) => misc::validate(a),
        Command::Plan(a) => run::plan(a),
        Command::Apply(a) => run::apply(a, run::Kind::Apply),
        Command::Destroy(a) => run::apply(
            ApplyArgs {
                plan: a,
                plan_file: None,
            },
            run::Kind::Destroy,
        ),
        Command::Refresh(mut a) => {
            a.auto_approve = true;
            run::apply(
                ApplyArgs {
                    plan: a,
                    plan_file: None,
                },
                run::Kind::Refresh,
            )
        }
        Command::Output(a) => outputs::run(a),
        Command::Show(a) => stateops::show(a),
        Command::State(c) => stateops::state(c),
        Command::Import(a) => misc::import(a),
        Command::Taint(a) => stateops::taint(a, true),
        Command::Untaint(a) => stateops::taint(a, false),
        Command::Graph(a) => misc::graph(a),
        Command::Workspace(c) => stateops::workspace(c),
        Command::Providers(_) => misc::providers(),
        Command::ForceUnlock(a) => stateops::force_unlock(a),
        Command::Console(a) => misc::console(a),
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
        println!(
            "terrane v{v}\non {}_{}",
            std::env::consts::OS,
            std::env::consts::ARCH
        );
    }
    0
}
