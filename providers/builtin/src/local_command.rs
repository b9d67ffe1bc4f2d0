//! The `local_command` data source: runs a program and returns its exit
//! code, standard output and standard error.

use crate::framework::{DataSource, Spec, Specs};
use crate::util::{errs, n, s, Obj};
use async_trait::async_trait;
use std::io::Write;
use std::process::{Command, Stdio};
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

pub(crate) struct LocalCommand {
    specs: Specs,
}

impl LocalCommand {
    pub fn new() -> Self {
        LocalCommand {
            specs: Specs::new(
                "Runs an executable on the local machine and returns the exit code, standard output data, and standard error data.",
                vec![
                    Spec::required("command", Type::String).describe(
                        "Executable name to be discovered on the PATH or absolute path to executable.",
                    ),
                    Spec::optional("arguments", Type::list(Type::String))
                        .describe("Arguments to be passed to the given command."),
                    Spec::optional("stdin", Type::String)
                        .describe("Data to be passed to the given command's standard input as a UTF-8 string."),
                    Spec::optional("working_directory", Type::String).describe(
                        "The directory path where the command should be executed. If not provided, defaults to the working directory.",
                    ),
                    Spec::optional("allow_non_zero_exit_code", Type::Bool)
                        .describe("Indicates that the command returning a non-zero exit code should be treated as a successful execution."),
                    Spec::computed("exit_code", Type::Number)
                        .describe("The exit code returned by the command."),
                    Spec::computed("stdout", Type::String)
                        .describe("Data returned from the command's standard output stream."),
                    Spec::computed("stderr", Type::String)
                        .describe("Data returned from the command's standard error stream."),
                ],
            ),
        }
    }
}

/// What running the command gave.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(
    command: &str,
    args: &[String],
    stdin: Option<String>,
    dir: Option<String>,
) -> std::io::Result<Ran> {
    let mut cmd = Command::new(command);
    cmd.args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
    if let Some(d) = dir.filter(|d| !d.is_empty()) {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn()?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // Feed stdin from its own thread so a command that writes a lot
        // before reading cannot deadlock against us.
        std::thread::spawn(move || {
            let _ = pipe.write_all(text.as_bytes());
        });
    }
    let out = child.wait_with_output()?;
    Ok(Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[async_trait]
impl DataSource for LocalCommand {
    fn name(&self) -> &'static str {
        "local_command"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    async fn read(&self, mut config: Obj) -> Result<(Obj, Diagnostics), Diagnostics> {
        let command = config.string_or_empty("command");
        let args: Vec<String> = config
            .get("arguments")
            .as_seq()
            .map(|xs| {
                xs.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let stdin = config.str("stdin").map(str::to_string);
        let dir = config.str("working_directory").map(str::to_string);
        let shown = std::iter::once(command.clone())
            .chain(args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let (tx, rx) = tokio::sync::oneshot::channel();
        let cmd = command.clone();
        std::thread::Builder::new()
            .name("local_command".into())
            .spawn(move || {
                let _ = tx.send(run(&cmd, &args, stdin, dir));
            })
            .map_err(|e| errs("Command Execution Failed", format!("could not start: {e}")))?;
        let ran = rx
            .await
            .map_err(|_| errs("Command Execution Failed", "the command runner stopped"))?
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    errs(
                        "Command Lookup Failed",
                        format!(
                            "The data source received an unexpected error while attempting to find the command.\n\nThe command must be accessible according to the platform where terrane is running.\n\nPlatform: {}\nCommand: {command}\nError: {e}",
                            std::env::consts::OS
                        ),
                    )
                } else {
                    errs(
                        "Command Execution Failed",
                        format!("The data source received an unexpected error while attempting to execute the command.\n\nCommand: {shown}\nState: {e}"),
                    )
                }
            })?;
        let text_or_null = |t: &str| {
            if t.is_empty() {
                Value::null(Type::String)
            } else {
                s(t)
            }
        };
        config.set("stdout", text_or_null(&ran.stdout));
        config.set("stderr", text_or_null(&ran.stderr));
        config.set("exit_code", n(i64::from(ran.code.unwrap_or(-1))));
        if ran.code != Some(0) && config.bool("allow_non_zero_exit_code") != Some(true) {
            return Err(errs(
                "Command Execution Failed",
                format!(
                    "The data source executed the command but received a non-zero exit code. If a non-zero exit code is expected and can be handled in configuration, set \"allow_non_zero_exit_code\" to true.\n\nCommand: {shown}\nCommand Error: {}\nState: exit status {}",
                    ran.stderr,
                    ran.code.unwrap_or(-1)
                ),
            ));
        }
        Ok((config, Diagnostics::new()))
    }
}
