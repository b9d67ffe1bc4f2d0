//! Root module input variables: `-var`, `-var-file`, `terraform.tfvars`,
//! `*.auto.tfvars`, `TF_VAR_*` and defaults, with Terraform's precedence,
//! type conversion, sensitivity and `validation` rules.

use crate::sources::Sources;
use hcl_edit::Span;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use terrane_config::{Config, Variable};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_lang::{EvalContext, Source};
use terrane_value::{Type, Value};

/// Where a raw variable value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarOrigin {
    /// `TF_VAR_name`.
    Env,
    /// A `-var` option.
    Cli,
    /// A variables file.
    File,
}

/// One variable value given from outside the configuration.
#[derive(Debug, Clone)]
pub struct VarInput {
    /// The variable name.
    pub name: String,
    /// The value: raw text (`-var`, env) to be interpreted with the
    /// variable's type, or an already evaluated value (files).
    pub value: RawVar,
    /// Where it came from.
    pub origin: VarOrigin,
}

/// A raw or evaluated variable value.
#[derive(Debug, Clone)]
pub enum RawVar {
    /// Text: taken literally for primitive types, else parsed as an expression.
    Text(String),
    /// An evaluated value.
    Value(Value),
    /// A value from a variables file, with the range of its expression
    /// there (where an unsuitable value is reported).
    Located(Value, SourceRange),
}

/// The name a variables file is shown by: relative to the working
/// directory when it is inside it, as Terraform names it.
fn display_name(path: &Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    rel.as_deref().unwrap_or(path).display().to_string()
}

/// Reads a `.tfvars` file (native syntax) or `.tfvars.json` file.
pub fn read_var_file(path: &Path) -> Result<Vec<VarInput>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let detail = if e.kind() == std::io::ErrorKind::NotFound {
                format!("Given variables file {} does not exist.", path.display())
            } else {
                format!("Error while reading {}: {e}.", path.display())
            };
            diags.push(Diagnostic::error("Failed to read variables file", detail));
            return Err(diags);
        }
    };
    let name = display_name(path);
    if name.ends_with(".json") {
        let at = json_value_ranges(&name, &text);
        return match Value::from_json_str(&text) {
            Ok(v) => Ok(v
                .as_entries()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| VarInput {
                            name: k.clone(),
                            value: match at.get(k) {
                                Some(r) => RawVar::Located(v.clone(), r.clone()),
                                None => RawVar::Value(v.clone()),
                            },
                            origin: VarOrigin::File,
                        })
                        .collect()
                })
                .unwrap_or_default()),
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Invalid JSON in variables file",
                    format!("{name}: {e}"),
                ));
                Err(diags)
            }
        };
    }
    let body = match hcl_edit::parser::parse_body(&text) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Invalid variables file",
                format!("{name}: {e}"),
            ));
            return Err(diags);
        }
    };
    let src = Source::new(
        Arc::<str>::from(name.as_str()),
        Arc::<str>::from(text.as_str()),
    );
    let ctx = EvalContext::default();
    let mut out = Vec::new();
    for a in body.attributes() {
        match terrane_lang::eval(&a.value, &ctx, &src) {
            Ok(v) => out.push(VarInput {
                name: a.key.as_str().to_string(),
                value: match a.value.span() {
                    Some(span) => RawVar::Located(v, src.range(span.start, span.end)),
                    None => RawVar::Value(v),
                },
                origin: VarOrigin::File,
            }),
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// Where each top-level property's value is in a `.tfvars.json` file (a
/// JSON object is also an HCL object expression, whose items keep their
/// spans); empty when the text does not parse.
fn json_value_ranges(name: &str, text: &str) -> BTreeMap<String, SourceRange> {
    let mut out = BTreeMap::new();
    let Ok(hcl_edit::expr::Expression::Object(obj)) = hcl_edit::parser::parse_expr(text.trim_end())
    else {
        return out;
    };
    let src = Source::new(Arc::<str>::from(name), Arc::<str>::from(text));
    for (k, v) in obj.iter() {
        let key = match k {
            hcl_edit::expr::ObjectKey::Expression(hcl_edit::expr::Expression::String(s)) => {
                s.value().to_string()
            }
            _ => continue,
        };
        if let Some(span) = v.expr().span() {
            out.insert(key, src.range(span.start, span.end));
        }
    }
    out
}

/// The variable files Terraform loads automatically from `dir`, in order:
/// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)`
/// by name.
pub fn auto_var_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for n in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(n);
        if p.is_file() {
            out.push(p);
        }
    }
    let mut autos: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| {
                    let n = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    out.extend(autos);
    out
}

/// `TF_VAR_*` environment variables as inputs.
pub fn env_vars() -> Vec<VarInput> {
    std::env::vars()
        .filter_map(|(k, v)| {
            k.strip_prefix("TF_VAR_").map(|n| VarInput {
                name: n.to_string(),
                value: RawVar::Text(v),
                origin: VarOrigin::Env,
            })
        })
        .collect()
}

fn raw_to_value(raw: &RawVar, var: &Variable) -> Result<Value, Diagnostics> {
    match raw {
        RawVar::Value(v) | RawVar::Located(v, _) => Ok(v.clone()),
        RawVar::Text(t) => {
            // As Terraform: taken literally unless the declared type
            // constraint is a collection or structural type.
            if var.ty.is_primitive() || var.type_expr.is_none() {
                return Ok(Value::string(t.clone()));
            }
            let src = Source::new(
                Arc::<str>::from("<value for var.".to_string() + &var.name + ">"),
                Arc::<str>::from(t.as_str()),
            );
            terrane_lang::eval_source(&src, &EvalContext::default())
        }
    }
}

/// Resolves every root variable: later inputs override earlier ones
/// (pass them in Terraform's precedence order), defaults fill the rest.
pub fn root_variables(
    config: &Config,
    inputs: &[VarInput],
    sources: &Sources,
) -> (BTreeMap<String, Value>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let module = &config.module;
    let mut given: BTreeMap<String, &VarInput> = BTreeMap::new();
    // As Terraform: the first two undeclared values from files are named,
    // the rest only counted.
    let mut undeclared_in_files = 0;
    for i in inputs {
        if !module.variables.contains_key(&i.name) {
            match i.origin {
                VarOrigin::Env => {}
                VarOrigin::Cli => diags.push(Diagnostic::error(
                    "Value for undeclared variable",
                    format!("A variable named \"{}\" was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration.", i.name),
                )),
                VarOrigin::File => {
                    undeclared_in_files += 1;
                    if undeclared_in_files <= 2 {
                        let file = match &i.value {
                            RawVar::Located(_, r) => r.filename.to_string(),
                            _ => String::new(),
                        };
                        diags.push(Diagnostic::warning(
                            "Value for undeclared variable",
                            format!("The root module does not declare a variable named {:?} but a value was found in file {file:?}. If you meant to use this value, add a \"variable\" block to the configuration.\n\nTo silence these warnings, use TF_VAR_... environment variables to provide certain \"global\" settings to all configurations in your organization. To reduce the verbosity of these warnings, use the -compact-warnings option.", i.name),
                        ));
                    }
                }
            }
            continue;
        }
        given.insert(i.name.clone(), i);
    }
    if undeclared_in_files > 2 {
        diags.push(Diagnostic::warning(
            "Values for undeclared variables",
            format!("In addition to the other similar warnings shown, {} other variable(s) defined without being declared.", undeclared_in_files - 2),
        ));
    }
    let mut out = BTreeMap::new();
    for (name, var) in &module.variables {
        let (v, set_by) = match given.get(name) {
            Some(i) => match raw_to_value(&i.value, var) {
                Ok(v) => (Some(v), SetBy::of(i)),
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            },
            None => (None, SetBy::Declaration),
        };
        let v = finalize_set_by(var, v, set_by, sources, &mut diags);
        out.insert(name.clone(), v);
    }
    (out, diags)
}

/// Where a variable's value was set: what an unsuitable value's error
/// names and points at.
#[derive(Clone, Copy)]
enum SetBy<'a> {
    /// A module call argument or the default: the declaration.
    Declaration,
    /// A variables file: the value's expression there.
    File(&'a SourceRange),
    /// `-var NAME=...`.
    Cli,
    /// `TF_VAR_NAME`.
    Env,
}

impl<'a> SetBy<'a> {
    fn of(i: &'a VarInput) -> SetBy<'a> {
        match (&i.value, i.origin) {
            (RawVar::Located(_, r), _) => SetBy::File(r),
            (_, VarOrigin::Cli) => SetBy::Cli,
            (_, VarOrigin::Env) => SetBy::Env,
            (_, VarOrigin::File) => SetBy::Declaration,
        }
    }

    /// Terraform's "Invalid value for input variable" for conversion
    /// error `e` of `var`'s value.
    fn unsuitable(self, var: &Variable, e: &dyn std::fmt::Display) -> Diagnostic {
        let r = &var.decl_range;
        let declared = || {
            format!(
                "The given value is not suitable for var.{} declared at {}:{},{}-{}: {e}.",
                var.name, r.filename, r.start.line, r.start.column, r.end.column
            )
        };
        let (detail, subject) = match self {
            SetBy::Declaration => (declared(), r),
            SetBy::File(at) => (declared(), at),
            SetBy::Cli => (
                format!(
                    "Unsuitable value for var.{} set using -var=\"{}=...\": {e}.",
                    var.name, var.name
                ),
                r,
            ),
            SetBy::Env => (
                format!(
                    "Unsuitable value for var.{} set using the TF_VAR_{} environment variable: {e}.",
                    var.name, var.name
                ),
                r,
            ),
        };
        Diagnostic::error("Invalid value for input variable", detail).with_subject(subject.clone())
    }
}

/// Applies a variable's default, type constraint, nullability, sensitivity
/// and validations to a given value (`None` when not set).
pub fn finalize_variable(
    var: &Variable,
    given: Option<Value>,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Value {
    finalize_set_by(var, given, SetBy::Declaration, sources, diags)
}

fn finalize_set_by(
    var: &Variable,
    given: Option<Value>,
    set_by: SetBy<'_>,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Value {
    let given = given.filter(|v| !v.is_null() || var.nullable);
    let (ty, defaults) = match &var.type_expr {
        Some(e) => match terrane_lang::parse_type_constraint(&e.expr, &sources.get(&e.src)) {
            Ok((t, d)) => (t, d),
            Err(_) => (var.ty.clone(), None),
        },
        None => (var.ty.clone(), None),
    };
    let (raw, set_by) = match given {
        Some(v) => (v, set_by),
        None => (
            match (&var.default_value, &var.default) {
                (Some(v), _) => v.clone(),
                (None, Some(e)) => {
                    match terrane_lang::eval(&e.expr, &EvalContext::default(), &sources.get(&e.src))
                    {
                        Ok(v) => v,
                        Err(d) => {
                            diags.extend(d);
                            return Value::unknown(ty);
                        }
                    }
                }
                (None, None) => {
                    diags.push(
                    Diagnostic::error(
                        "No value for required variable",
                        format!("The root module input variable \"{}\" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.", var.name),
                    )
                    .with_subject(var.decl_range.clone()),
                );
                    return Value::unknown(ty);
                }
            },
            SetBy::Declaration,
        ),
    };
    let raw = match &defaults {
        Some(d) => terrane_lang::apply_defaults(&raw, d),
        None => raw,
    };
    let mut v = match terrane_value::convert(&raw, &ty) {
        Ok(v) => v,
        Err(e) => {
            diags.push(set_by.unsuitable(var, &e));
            return Value::unknown(ty);
        }
    };
    if v.is_null() && !var.nullable {
        diags.push(
            Diagnostic::error(
                "Required variable not set",
                format!(
                    "Unsupported null value for non-nullable variable \"{}\".",
                    var.name
                ),
            )
            .with_subject(var.decl_range.clone()),
        );
    }
    if var.sensitive {
        v = v.mark_sensitive();
    }
    for rule in &var.validations {
        let mut ctx = EvalContext::default();
        let mut vars = BTreeMap::new();
        vars.insert(var.name.clone(), v.clone());
        ctx.set("var", Value::object(vars));
        let src = sources.get(&rule.condition.src);
        match terrane_lang::eval(&rule.condition.expr, &ctx, &src) {
            Ok(c) if c.as_bool() == Some(false) => {
                let msg = terrane_lang::eval(
                    &rule.error_message.expr,
                    &ctx,
                    &sources.get(&rule.error_message.src),
                )
                .ok()
                .and_then(|m| m.as_str().map(String::from))
                .unwrap_or_default();
                diags.push(
                    Diagnostic::error(
                        "Invalid value for variable",
                        format!(
                            "{msg}\n\nThis was checked by the validation rule at {}:{},{}-{}.",
                            rule.decl_range.filename,
                            rule.decl_range.start.line,
                            rule.decl_range.start.column,
                            rule.decl_range.end.column
                        ),
                    )
                    .with_subject(rule.condition.range()),
                );
            }
            Ok(_) => {}
            Err(d) => diags.extend(d),
        }
    }
    let _ = Type::Dynamic;
    v
}
