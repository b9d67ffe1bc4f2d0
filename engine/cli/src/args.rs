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
    /// Prepare the working directory: resolve modules and providers.
    Init(InitArgs),
    /// Check whether the configuration is valid.
    Validate(ValidateArgs),
    /// Show the changes required by the current configuration.
    Plan(PlanArgs),
    /// Create or update infrastructure.
    Apply(ApplyArgs),
    /// Destroy previously-created infrastructure.
    Destroy(PlanArgs),
    /// Update the state to match remote systems.
    Refresh(PlanArgs),
    /// Show output values from the state.
    Output(OutputArgs),
    /// Show the current state or a saved plan.
    Show(ShowArgs),
    /// Advanced state management.
    #[command(subcommand)]
    State(StateCommand),
    /// Associate existing infrastructure with a resource.
    Import(ImportArgs),
    /// Mark a resource instance as not fully functional.
    Taint(TaintArgs),
    /// Remove the 'tainted' state from a resource instance.
    Untaint(TaintArgs),
    /// Generate a Graphviz graph of the steps in an operation.
    Graph(GraphArgs),
    /// Workspace management.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Show the providers required for this configuration.
    Providers(NoArgs),
    /// Release a stuck lock on the current workspace.
    ForceUnlock(ForceUnlockArgs),
    /// Try terrane expressions at an interactive command prompt.
    Console(ConsoleArgs),
}

/// Flags shared by plan, apply, destroy and refresh.
#[derive(Debug, Args, Clone, Default)]
pub struct PlanArgs {
    /// Set a value for one of the input variables (NAME=VALUE).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Load variable values from the given file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Limit planning to the given resource addresses.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    /// Leave the given resources (and what depends on them) out of the plan.
    #[arg(long = "exclude", value_name = "ADDRESS")]
    pub excludes: Vec<String>,
    /// Force replacement of the given resource instance.
    #[arg(long = "replace", value_name = "ADDRESS")]
    pub replace: Vec<String>,
    /// Plan to destroy all objects.
    #[arg(long)]
    pub destroy: bool,
    /// Only update state to match remote objects.
    #[arg(long)]
    pub refresh_only: bool,
    /// Refresh prior state first (default true).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub refresh: bool,
    /// Write the plan to the given file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Most concurrent operations (default 10).
    #[arg(long, default_value = "10")]
    pub parallelism: usize,
    /// Exit 2 when there are changes, 0 when none, 1 on errors.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Lock the state (default true).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    /// How long to retry a lock.
    #[arg(long, default_value = "0s")]
    pub lock_timeout: String,
    /// Ask for input (default true).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub input: bool,
    /// Skip interactive approval.
    #[arg(long)]
    pub auto_approve: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Compact warnings.
    #[arg(long)]
    pub compact_warnings: bool,
}

/// `terrane apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Plan flags.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// A saved plan file to apply.
    pub plan_file: Option<PathBuf>,
}

/// `terrane init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Ask for input (ignored).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub input: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Upgrade modules and providers (no-op: all are local or built in).
    #[arg(long)]
    pub upgrade: bool,
    /// Configure the backend (`-backend=false` skips it).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub backend: bool,
    /// Backend configuration: `KEY=VALUE`, or a file of `key = value` lines.
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
    /// Use the configured backend as is, without migrating any state.
    #[arg(long)]
    pub reconfigure: bool,
    /// Copy the state of the previously configured backend into the new one.
    #[arg(long)]
    pub migrate_state: bool,
    /// Copy state when migrating without asking.
    #[arg(long)]
    pub force_copy: bool,
    /// Lock the state while migrating it (default true).
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    /// How long to retry a lock.
    #[arg(long, default_value = "0s")]
    pub lock_timeout: String,
}

/// `terrane validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
}

/// `terrane output`.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// Print a string output's raw value.
    #[arg(long)]
    pub raw: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// Path to a state file to read.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// One output's name.
    pub name: Option<String>,
}

/// `terrane show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// Disable colour.
    #[arg(long)]
    pub no_color: bool,
    /// A saved plan (or state) file.
    pub path: Option<PathBuf>,
}

/// `terrane state ...`.
#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// List resources in the state.
    List(StateListArgs),
    /// Show a resource in the state.
    Show(StateAddrArgs),
    /// Move an item in the state.
    Mv(StateMvArgs),
    /// Remove instances from the state.
    Rm(StateRmArgs),
    /// Print the state.
    Pull(NoArgs),
    /// Replace the state with a local file.
    Push(StatePushArgs),
}

/// `state list`.
#[derive(Debug, Args)]
pub struct StateListArgs {
    /// Path to a state file.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Filter by resource ID.
    #[arg(long)]
    pub id: Option<String>,
    /// Address prefixes to list.
    pub addresses: Vec<String>,
}

/// An address argument.
#[derive(Debug, Args)]
pub struct StateAddrArgs {
    /// Path to a state file.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// The address.
    pub address: String,
}

/// `state mv`.
#[derive(Debug, Args)]
pub struct StateMvArgs {
    /// Show what would move.
    #[arg(long)]
    pub dry_run: bool,
    /// Lock the state.
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    /// Source address.
    pub source: String,
    /// Destination address.
    pub destination: String,
}

/// `state rm`.
#[derive(Debug, Args)]
pub struct StateRmArgs {
    /// Show what would be removed.
    #[arg(long)]
    pub dry_run: bool,
    /// Lock the state.
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    /// Addresses to remove.
    #[arg(required = true)]
    pub addresses: Vec<String>,
}

/// `state push`.
#[derive(Debug, Args)]
pub struct StatePushArgs {
    /// Write even if lineage or serial disagree.
    #[arg(long)]
    pub force: bool,
    /// The state file (`-` for stdin).
    pub path: PathBuf,
}

/// `terrane import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Plan flags (variables).
    #[command(flatten)]
    pub plan: PlanArgs,
    /// The resource address to import into.
    pub address: String,
    /// The provider-specific ID.
    pub id: String,
}

/// `taint` / `untaint`.
#[derive(Debug, Args)]
pub struct TaintArgs {
    /// Succeed even if the resource is missing.
    #[arg(long)]
    pub allow_missing: bool,
    /// Lock the state.
    #[arg(long, value_name = "BOOL", default_value = "true", num_args = 0..=1, default_missing_value = "true")]
    pub lock: bool,
    /// The instance address.
    pub address: String,
}

/// `terrane graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// plan, plan-destroy, apply, ...
    #[arg(long = "type")]
    pub graph_type: Option<String>,
    /// Draw cycles.
    #[arg(long)]
    pub draw_cycles: bool,
}

/// `terrane workspace ...`.
#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace.
    New(NameArg),
    /// Select a workspace.
    Select(NameArg),
    /// List workspaces.
    List(NoArgs),
    /// Delete a workspace.
    Delete(NameArg),
    /// Show the selected workspace.
    Show(NoArgs),
}

/// A name argument.
#[derive(Debug, Args)]
pub struct NameArg {
    /// Delete even if not empty.
    #[arg(long)]
    pub force: bool,
    /// The name.
    pub name: String,
}

/// No arguments.
#[derive(Debug, Args)]
pub struct NoArgs {}

/// `force-unlock`.
#[derive(Debug, Args)]
pub struct ForceUnlockArgs {
    /// Don't ask for confirmation.
    #[arg(long)]
    pub force: bool,
    /// The lock ID.
    pub lock_id: String,
}

/// `terrane console`.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Set a variable (NAME=VALUE).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Load variables from a file.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
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
            norm(&[
                "terrane",
                "apply",
                "-auto-approve",
                "-var=a=1",
                "--lock=false",
                "-",
                "-1"
            ]),
            [
                "terrane",
                "apply",
                "--auto-approve",
                "--var=a=1",
                "--lock=false",
                "-",
                "-1"
            ]
        );
    }

    #[test]
    fn after_double_dash_nothing_is_rewritten() {
        assert_eq!(norm(&["terrane", "--", "-x"]), ["terrane", "--", "-x"]);
    }
}
