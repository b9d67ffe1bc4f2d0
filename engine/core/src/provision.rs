//! Provisioners: `local-exec`, run after an object is created (or before
//! it is destroyed, with `when = destroy`), as Terraform runs them.
//!
//! A provisioner's arguments may refer to `self`, which is known only once
//! the provider has answered, so the evaluation context (everything else
//! the arguments refer to) is built by the walker when the change is
//! prepared and `self` is added right before the provisioners run. Output
//! is streamed line by line through the [`Hooks`].

use crate::sources::Sources;
use crate::Hooks;
use std::collections::BTreeMap;
use std::process::Stdio;
use terrane_config::{OnFailure, Provisioner, ProvisionerWhen, ResourceBlock};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::EvalContext;
use terrane_value::{Kind, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// Provisioners of one instance, ready to run once `self` is known.
#[derive(Clone)]
pub(crate) struct Provisioning {
    ctx: EvalContext,
    provisioners: Vec<Provisioner>,
    sources: Sources,
}

/// The provisioners of `rb` that run at `when`.
pub(crate) fn provisioners_for(rb: &ResourceBlock, when: ProvisionerWhen) -> Vec<Provisioner> {
    rb.provisioners
        .iter()
        .filter(|p| p.when == when)
        .cloned()
        .collect()
}

/// What the provisioners' arguments refer to (besides `self`).
pub(crate) fn references(provisioners: &[Provisioner]) -> Vec<terrane_lang::Reference> {
    provisioners
        .iter()
        .flat_map(|p| crate::graph::body_references(&p.body))
        .collect()
}

impl Provisioning {
    /// Provisioners with the context their arguments are evaluated in.
    pub(crate) fn new(ctx: EvalContext, provisioners: Vec<Provisioner>, sources: &Sources) -> Self {
        Provisioning {
            ctx,
            provisioners,
            sources: sources.clone(),
        }
    }

    /// Runs every provisioner in order for the object `self_value` at
    /// `address`. A failure stops the rest unless its `on_failure` is
    /// `continue`; the error diagnostics are returned.
    pub(crate) async fn run(
        &self,
        self_value: &Value,
        address: &str,
        hooks: &dyn Hooks,
    ) -> Result<(), Diagnostics> {
        let mut ctx = self.ctx.clone();
        ctx.set("self", self_value.clone());
        for p in &self.provisioners {
            hooks.provision_start(address, &p.type_name);
            let result = match evaluate(p, &ctx, &self.sources) {
                Ok(exec) => exec.run(address, hooks).await,
                Err(d) => Err(d),
            };
            match result {
                Ok(()) => hooks.provision_done(address, &p.type_name, true),
                Err(d) => {
                    hooks.provision_done(address, &p.type_name, false);
                    if p.on_failure == OnFailure::Continue {
                        continue;
                    }
                    let d: Vec<Diagnostic> = d
                        .into_vec()
                        .into_iter()
                        .map(|x| {
                            let x = if x.address.is_none() {
                                x.with_address(address)
                            } else {
                                x
                            };
                            if x.subject.is_none() {
                                x.with_subject(p.decl_range.clone())
                            } else {
                                x
                            }
                        })
                        .collect();
                    let mut out = Diagnostics::new();
                    out.extend(d);
                    return Err(out);
                }
            }
        }
        Ok(())
    }
}

/// A `local-exec` provisioner's evaluated arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LocalExec {
    command: String,
    interpreter: Vec<String>,
    environment: BTreeMap<String, String>,
    working_dir: Option<String>,
    quiet: bool,
}

fn eval_attr(
    p: &Provisioner,
    name: &str,
    ctx: &EvalContext,
    sources: &Sources,
) -> Result<Option<Value>, Diagnostics> {
    let Some((src, attr)) = p.body.attribute(name) else {
        return Ok(None);
    };
    let v = crate::decode::eval_expr(&attr.value, src, ctx, sources)?;
    let v = v.unmark_deep().0;
    Ok((!v.is_null()).then_some(v))
}

fn invalid(p: &Provisioner, what: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(
        Diagnostic::error(
            "Invalid provisioner argument",
            format!("The local-exec provisioner's {what}."),
        )
        .with_subject(p.decl_range.clone()),
    );
    d
}

fn string_of(v: &Value) -> Option<String> {
    match &v.kind {
        Kind::String(s) => Some(s.clone()),
        Kind::Number(_) | Kind::Bool(_) => terrane_value::convert(v, &terrane_value::Type::String)
            .ok()
            .and_then(|s| s.as_str().map(String::from)),
        _ => None,
    }
}

fn evaluate(
    p: &Provisioner,
    ctx: &EvalContext,
    sources: &Sources,
) -> Result<LocalExec, Diagnostics> {
    if p.type_name != "local-exec" {
        let mut d = Diagnostics::new();
        d.push(
            Diagnostic::error(
                "Unsupported provisioner",
                format!(
                    "terrane runs the \"local-exec\" provisioner only, not {:?}.",
                    p.type_name
                ),
            )
            .with_subject(p.decl_range.clone()),
        );
        return Err(d);
    }
    let command = eval_attr(p, "command", ctx, sources)?
        .as_ref()
        .and_then(string_of)
        .ok_or_else(|| invalid(p, "command must be a string"))?;
    let interpreter = match eval_attr(p, "interpreter", ctx, sources)? {
        None => vec!["/bin/sh".to_string(), "-c".to_string()],
        Some(v) => match &v.kind {
            Kind::List(_, els) | Kind::Tuple(els) | Kind::Set(_, els) if !els.is_empty() => {
                els.iter().filter_map(string_of).collect()
            }
            _ => return Err(invalid(p, "interpreter must be a list of strings")),
        },
    };
    let mut environment = BTreeMap::new();
    if let Some(v) = eval_attr(p, "environment", ctx, sources)? {
        let attrs = match &v.kind {
            Kind::Map(_, m) | Kind::Object(m) => m,
            _ => return Err(invalid(p, "environment must be a map of strings")),
        };
        for (k, x) in attrs {
            if let Some(s) = string_of(x) {
                environment.insert(k.clone(), s);
            }
        }
    }
    let working_dir = eval_attr(p, "working_dir", ctx, sources)?
        .as_ref()
        .and_then(string_of)
        .filter(|s| !s.is_empty());
    let quiet = eval_attr(p, "quiet", ctx, sources)?
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    Ok(LocalExec {
        command,
        interpreter,
        environment,
        working_dir,
        quiet,
    })
}

/// Go's `%q` of a string (what Terraform prints the command line with).
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Forwards each line of `r` to the hooks and keeps the text.
async fn pump<R: AsyncRead + Unpin>(
    r: R,
    address: &str,
    hooks: &dyn Hooks,
    out: &tokio::sync::Mutex<String>,
) {
    let mut lines = BufReader::new(r).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        hooks.provision_output(address, "local-exec", line.trim_end_matches('\r'));
        let mut o = out.lock().await;
        o.push_str(&line);
        o.push('\n');
    }
}

impl LocalExec {
    async fn run(&self, address: &str, hooks: &dyn Hooks) -> Result<(), Diagnostics> {
        let mut argv = self.interpreter.clone();
        argv.push(self.command.clone());
        if !self.quiet {
            let shown: Vec<String> = argv.iter().map(|a| go_quote(a)).collect();
            hooks.provision_output(
                address,
                "local-exec",
                &format!("Executing: [{}]", shown.join(" ")),
            );
        }
        let fail = |detail: String| {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error("local-exec provisioner error", detail));
            d
        };
        let mut cmd = tokio::process::Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .envs(&self.environment)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(d) = &self.working_dir {
            cmd.current_dir(d);
        }
        let mut child = cmd.spawn().map_err(|e| {
            fail(format!(
                "Error running command '{}': {e}. Output: ",
                self.command
            ))
        })?;
        let output = tokio::sync::Mutex::new(String::new());
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let out_task = async {
            if let Some(s) = stdout {
                pump(s, address, hooks, &output).await;
            }
        };
        let err_task = async {
            if let Some(s) = stderr {
                pump(s, address, hooks, &output).await;
            }
        };
        futures::join!(out_task, err_task);
        let status = child.wait().await.map_err(|e| {
            fail(format!(
                "Error running command '{}': {e}. Output: ",
                self.command
            ))
        })?;
        if status.success() {
            return Ok(());
        }
        let why = match status.code() {
            Some(c) => format!("exit status {c}"),
            None => "signal: killed".to_string(),
        };
        Err(fail(format!(
            "Error running command '{}': {why}. Output: {}",
            self.command,
            output.into_inner()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_shown_as_go_quotes_them() {
        assert_eq!(go_quote("echo \"hi\"\n"), "\"echo \\\"hi\\\"\\n\"");
        assert_eq!(go_quote("/bin/sh"), "\"/bin/sh\"");
    }

    #[derive(Default)]
    struct Lines(std::sync::Mutex<Vec<String>>);

    impl Hooks for Lines {
        fn provision_output(&self, _addr: &str, _ty: &str, line: &str) {
            self.0.lock().unwrap().push(line.to_string());
        }
    }

    fn exec(command: &str) -> LocalExec {
        LocalExec {
            command: command.into(),
            interpreter: vec!["/bin/sh".into(), "-c".into()],
            environment: [("GREETING".to_string(), "hi".to_string())].into(),
            working_dir: None,
            quiet: false,
        }
    }

    #[tokio::test]
    async fn output_is_streamed_and_failures_carry_it() {
        let hooks = Lines::default();
        exec("echo $GREETING there")
            .run("a.b", &hooks)
            .await
            .unwrap();
        assert_eq!(
            *hooks.0.lock().unwrap(),
            vec![
                "Executing: [\"/bin/sh\" \"-c\" \"echo $GREETING there\"]".to_string(),
                "hi there".to_string()
            ]
        );
        let err = exec("echo oops; exit 3")
            .run("a.b", &hooks)
            .await
            .unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.summary, "local-exec provisioner error");
        assert_eq!(
            d.detail,
            "Error running command 'echo oops; exit 3': exit status 3. Output: oops\n"
        );
    }
}
