//! terrane-lang: the Terraform expression language over terrane's value
//! model.
//!
//! It owns evaluation of `hcl_edit` expressions ([`eval`]) against an
//! [`EvalContext`] of root variables, with Terraform's operators,
//! templates, `for` expressions, splats, conversions, unknown and
//! sensitive propagation and diagnostics; the functions that need the
//! evaluator (`try`, `can`, `templatefile`, `templatestring`, console
//! `type`, see [`eval_console`]); the references an expression makes
//! ([`references`]) and Terraform's diagnostics for malformed or undeclared
//! ones ([`DeclaredNames`]); type constraints with `optional()` defaults
//! ([`parse_type_constraint`]); and parsing with Terraform's syntax-error
//! summaries ([`parse_expression`], [`parse_body`]). Every other built-in
//! function lives in `terrane-functions`.
//!
//! Behaviour is pinned by `tests/expressions.rs`, which replays every case
//! Terraform v1.11.4's console recorded in the conformance corpus.
//!
//! It depends only on the value model, diagnostics, the function library
//! and `hcl-edit`, never on configuration loading or the engine: those
//! build the [`EvalContext`] and decide what names exist. Evaluation walks
//! `hcl-edit`'s syntax tree directly (keeping its byte spans for
//! diagnostics) rather than lowering to another IR, so every diagnostic
//! points at the source the user wrote.
//!
//! Plans evaluate the same expressions once per instance, so evaluation
//! avoids copies: references into the context are borrowed wherever the
//! value is only read (operators, template interpolations, conditions,
//! `for` collections) and copied only where a value must be owned
//! (function arguments, results), and [`EvalContext::shared`] lets many
//! contexts share their instance-independent roots.

// Parse and type-constraint errors are single `Diagnostic`s by contract with
// the config crate; they are built once per failure, so their size is moot.
#![allow(clippy::result_large_err)]

mod context;
mod eval;
mod parse;
mod references;
mod scope;
mod typeexpr;
mod typefn;

pub use context::{EvalContext, Origin, ProviderFunctionCallback, Source};
pub use eval::nfc;
pub use parse::{parse_body, parse_expression, parse_template};
pub use references::{references, references_with_source, RefStep, Reference};
pub use scope::DeclaredNames;
pub use typeexpr::{apply_defaults, parse_type_constraint, TypeDefaults};

use hcl_edit::expr::Expression;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_value::Value;

/// Evaluates an expression parsed from `src`.
pub fn eval(expr: &Expression, ctx: &EvalContext, src: &Source) -> Result<Value, Diagnostics> {
    eval::Evaluator::new(ctx, src).eval(expr)
}

/// Parses and evaluates the whole of `src` as one expression.
pub fn eval_source(src: &Source, ctx: &EvalContext) -> Result<Value, Diagnostics> {
    let expr = parse_expression(src).map_err(Diagnostics::from)?;
    eval(&expr, ctx, src)
}

/// What `terraform console` shows for an expression: a value, or a type
/// when the expression is a `type(...)` call.
#[derive(Debug, Clone, PartialEq)]
pub enum ConsoleResult {
    /// An ordinary value.
    Value(Value),
    /// The console rendering of a type, from `type(...)`.
    Type(String),
}

impl ConsoleResult {
    /// The console's text for this result.
    pub fn display(&self) -> String {
        match self {
            ConsoleResult::Value(v) => terrane_value::display::format_value(v),
            ConsoleResult::Type(t) => t.clone(),
        }
    }
}

/// Evaluates as `terraform console` does: the console-only `type()`
/// function is available, a result that is a type prints as that type, and
/// any other result derived from `type()` is refused ("Invalid use of type
/// function").
pub fn eval_console(
    expr: &Expression,
    ctx: &EvalContext,
    src: &Source,
) -> Result<ConsoleResult, Diagnostics> {
    let v = if ctx.console {
        eval(expr, ctx, src)?
    } else {
        let mut console = ctx.clone();
        console.console = true;
        eval(expr, &console, src)?
    };
    if let Some(t) = typefn::as_type_text(&v) {
        return Ok(ConsoleResult::Type(t.to_string()));
    }
    if typefn::has_type_mark(&v) {
        return Err(Diagnostic::error(
            "Invalid use of type function",
            "The console-only \"type\" function cannot be used as part of an expression.",
        )
        .into());
    }
    Ok(ConsoleResult::Value(v))
}
