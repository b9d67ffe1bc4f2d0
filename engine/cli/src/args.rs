//! Command-line arguments, accepted in Terraform's style.
//!
//! Terraform uses Go's flag package, where `-auto-approve` and
//! `--auto-approve` are the same flag and values may follow `=` or a space.
//! clap only knows `--long`, so single-dash long flags are rewritten to the
//! double-dash form before parsing.

use clap::{Args, Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

/// terrane: the Terraform language, planned and applied fast.
#[derive(Debug, Parser)]
#[command(name = "terrane", version, about, disable_help_subcommand = true)]
pub struct Cli {
    /// Switch to this directory before running the command (as Terraform's -chdir).
    #[arg(long, global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rewrite configuration files to the canonical format and style.
    Fmt(FmtArgs),
    /// Show terrane's version.
    Version(VersionArgs),
}

/// `terrane fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Check whether the input is formatted; exit 3 when it is not.
    #[arg(long)]
    pub check: bool,
    /// Display diffs of formatting changes.
    #[arg(long)]
    pub diff: bool,
    /// Also process files in subdirectories.
    #[arg(long)]
    pub recursive: bool,
    /// Write the result to the source files (default true).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub write: bool,
    /// List files whose formatting differs (default true).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub list: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Files or directories (default: the current directory); `-` reads stdin.
    pub paths: Vec<PathBuf>,
}

/// `terrane version`.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Rewrites `-flag` / `-flag=value` (Go style) to `--flag` / `--flag=value`.
/// A lone `-` (stdin) and negative numbers are left alone, as is everything
/// after `--`.
pub fn normalize(argv: Vec<OsString>) -> Vec<OsString> {
    let mut out = Vec::with_capacity(argv.len());
    let mut passthrough = false;
    for (i, arg) in argv.into_iter().enumerate() {
        if i == 0 || passthrough {
            out.push(arg);
            continue;
        }
        let rewritten = match arg.to_str() {
            Some("--") => {
                passthrough = true;
                None
            }
            Some(s) if is_single_dash_long(s) => Some(OsString::from(format!("-{s}"))),
            _ => None,
        };
        out.push(rewritten.unwrap_or(arg));
    }
    out
}

fn is_single_dash_long(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let name = rest.split('=').next().unwrap_or("");
    !rest.starts_with('-')
        && name.len() > 1
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// Parses normalised arguments.
pub fn parse(argv: Vec<OsString>) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(argv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize(args.iter().map(OsString::from).collect())
            .into_iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn single_dash_long_flags_become_double_dash() {
        assert_eq!(
            norm(&["terrane", "apply", "-auto-approve", "-var=a=1", "--lock=false", "-", "-1"]),
            ["terrane", "apply", "--auto-approve", "--var=a=1", "--lock=false", "-", "-1"]
        );
    }

    #[test]
    fn after_double_dash_nothing_is_rewritten() {
        assert_eq!(norm(&["terrane", "--", "-x"]), ["terrane", "--", "-x"]);
    }
}
