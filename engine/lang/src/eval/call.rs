//! Function calls: built-ins via `terrane-functions`, the functions that
//! need the evaluator (`try`, `can`, `templatefile`, `templatestring`,
//! `type`), and provider functions.

use super::{EResult, Evaluator};
use crate::context::{EvalContext, Source};
use crate::references::references_in_template;
use hcl_edit::expr::{Expression, FuncCall};
use hcl_edit::template::Element;
use hcl_edit::Span;
use std::ops::Range;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_value::{convert, Kind, Type, Value};

/// `file:line,col-endcol` as HCL prints ranges inside messages.
pub(crate) fn hcl_range(r: &SourceRange) -> String {
    if r.start.line == r.end.line {
        format!(
            "{}:{},{}-{}",
            r.filename, r.start.line, r.start.column, r.end.column
        )
    } else {
        format!(
            "{}:{},{}-{},{}",
            r.filename, r.start.line, r.start.column, r.end.line, r.end.column
        )
    }
}

impl Evaluator<'_> {
    pub(super) fn func_call(&mut self, f: &FuncCall) -> EResult {
        let name = f.name.name.value().as_str();
        let span = f.span();
        let args = || f.args.iter().collect::<Vec<&Expression>>();
        if !f.name.namespace.is_empty() {
            let ns: Vec<&str> = f
                .name
                .namespace
                .iter()
                .map(|n| n.value().as_str())
                .collect();
            if ns.len() == 2 && ns[0] == "provider" {
                return self.provider_call(ns[1], name, f, span);
            }
            if ns != ["core"] || !terrane_functions::exists(name) {
                return Err(self.fail(
                    "Unknown provider function",
                    format!(
                        "The function namespace \"{}\" is not valid. Provider function calls must use the \"provider::\" namespace prefix.",
                        ns.join("::")
                    ),
                    span,
                ));
            }
        } else {
            match name {
                "try" => return self.call_try(&args(), span),
                "can" => return self.call_can(&args(), span),
                "templatefile" | "templatestring" if self.in_template_function => {
                    // As Terraform: the range runs from the name through `(`.
                    let at = f
                        .name
                        .name
                        .span()
                        .map(|r| r.start..r.start + name.len() + 1)
                        .or(span);
                    return Err(self.fail(
                        "Error in function call",
                        format!("Call to function \"{name}\" failed: cannot recursively call {name} from inside another template function."),
                        at,
                    ));
                }
                "templatefile" => return self.call_templatefile(f, span),
                "templatestring" => return self.call_templatestring(&args(), span),
                "type" if self.ctx.console => return self.call_type(&args(), span),
                _ => {}
            }
        }
        let func = terrane_functions::lookup(name, &self.ctx.functions);
        if func.is_none() {
            if let Err(e) = terrane_functions::call(name, Vec::new(), &self.ctx.functions) {
                if e.summary == "Call to unknown function" {
                    return Err(self.fail(&e.summary, e.detail, f.name.name.span().or(span)));
                }
            }
        }
        let Some((values, spans)) = self.call_args(f)? else {
            return Ok(Value::unknown(Type::Dynamic));
        };
        if name == "jsonencode" && values.iter().any(crate::typefn::holds_type_of_type) {
            // cty cannot marshal the type of a type value.
            return Err(self.fail(
                "Error in function call",
                "Call to function \"jsonencode\" failed: json: error calling MarshalJSON for type *cty.Type: type not allowed: type.",
                span,
            ));
        }
        let result = match func {
            Some(func) => func.call(values, &self.ctx.functions),
            None => terrane_functions::call(name, values, &self.ctx.functions),
        };
        result.map_err(|e| {
            let at = e
                .arg_index
                .and_then(|i| spans.get(i).and_then(|e| e.span()))
                .or(span);
            self.fail(&e.summary, e.detail, at)
        })
    }

    /// Evaluates call arguments, expanding a final `...` argument, with
    /// the expression each value came from (for diagnostics' ranges).
    /// `None` when an expanded final argument is unknown (the call's result
    /// is then unknown).
    #[allow(clippy::type_complexity)]
    fn call_args<'f>(
        &mut self,
        f: &'f FuncCall,
    ) -> Result<Option<(Vec<Value>, Vec<&'f Expression>)>, Diagnostics> {
        let n = f.args.len();
        let mut values = Vec::with_capacity(n);
        let mut spans = Vec::with_capacity(n);
        // By index: hcl-edit's `iter()` boxes its iterator.
        for (i, a) in (0..n).filter_map(|i| Some((i, f.args.get(i)?))) {
            let v = self.eval(a)?;
            if f.args.expand_final() && i + 1 == n {
                if v.is_null() {
                    return Err(self.fail(
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must not be null.",
                        a.span(),
                    ));
                }
                let marks = v.marks;
                match &v.kind {
                    Kind::List(_, xs) | Kind::Set(_, xs) | Kind::Tuple(xs) => {
                        for x in xs {
                            values.push(x.clone().with_marks(marks));
                            spans.push(a);
                        }
                    }
                    Kind::Unknown(_) => return Ok(None),
                    _ => {
                        return Err(self.fail(
                            "Invalid expanding argument value",
                            "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                            a.span(),
                        ))
                    }
                }
            } else {
                values.push(v);
                spans.push(a);
            }
        }
        Ok(Some((values, spans)))
    }

    fn provider_call(
        &mut self,
        provider: &str,
        name: &str,
        f: &FuncCall,
        span: Option<Range<usize>>,
    ) -> EResult {
        let Some(cb) = self.ctx.provider_functions.clone() else {
            return Err(self.fail(
                "Unknown provider function",
                format!("There is no function named \"provider::{provider}::{name}\"."),
                span,
            ));
        };
        let Some((values, _)) = self.call_args(f)? else {
            return Ok(Value::unknown(Type::Dynamic));
        };
        cb(provider, name, values).map_err(|d| {
            let d = match (d.subject.is_none(), span) {
                (true, Some(r)) => d.with_subject(self.range(r)),
                _ => d,
            };
            Diagnostics::from(d)
        })
    }

    fn arity(
        &self,
        func: &str,
        params: &[&str],
        got: usize,
        span: Option<Range<usize>>,
    ) -> Result<(), Diagnostics> {
        if got < params.len() {
            return Err(self.fail(
                "Not enough function arguments",
                format!(
                    "Function \"{func}\" expects {} argument(s). Missing value for \"{}\".",
                    params.len(),
                    params[got]
                ),
                span,
            ));
        }
        if got > params.len() {
            return Err(self.fail(
                "Too many function arguments",
                format!(
                    "Function \"{func}\" expects only {} argument(s).",
                    params.len()
                ),
                span,
            ));
        }
        Ok(())
    }

    /// The console's `type(value)`: a type value (see [`crate::typefn`]).
    fn call_type(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> EResult {
        self.arity("type", &["value"], args.len(), span)?;
        let v = self.eval(args[0])?;
        Ok(crate::typefn::type_value(&v))
    }

    fn call_try(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> EResult {
        if args.is_empty() {
            return Err(self.fail(
                "Error in function call",
                "Call to function \"try\" failed: at least one argument is required.",
                span,
            ));
        }
        let mut errors = Vec::new();
        for a in args {
            match self.eval(a) {
                Ok(v) if !v.is_wholly_known() => return Ok(Value::unknown(Type::Dynamic)),
                Ok(v) => return Ok(v),
                Err(d) => errors.extend(d),
            }
        }
        let mut detail = String::from("Call to function \"try\" failed: no expression succeeded:");
        for d in &errors {
            let at = d.subject.as_ref().map(hcl_range).unwrap_or_default();
            detail.push_str(&format!("\n- {} (at {at})\n  {}", d.summary, d.detail));
        }
        detail.push_str("\n\nAt least one expression must produce a successful result.");
        Err(self.fail("Error in function call", detail, span))
    }

    fn call_can(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> EResult {
        self.arity("can", &["expression"], args.len(), span)?;
        match self.eval(args[0]) {
            Ok(v) if !v.is_wholly_known() => Ok(Value::unknown(Type::Bool)),
            Ok(_) => Ok(Value::bool(true)),
            Err(_) => Ok(Value::bool(false)),
        }
    }

    fn call_templatefile(&mut self, f: &FuncCall, span: Option<Range<usize>>) -> EResult {
        let nargs = f.args.iter().count();
        self.arity("templatefile", &["path", "vars"], nargs, span.clone())?;
        let Some((values, spans)) = self.call_args(f)? else {
            return Ok(Value::unknown(Type::Dynamic));
        };
        let invalid = |ev: &Self, param: &str, msg: String, i: usize| {
            ev.fail(
                "Invalid function argument",
                format!("Invalid value for \"{param}\" parameter: {msg}."),
                spans.get(i).and_then(|e| e.span()),
            )
        };
        let path = &values[0];
        let vars = &values[1];
        if path.is_null() {
            return Err(invalid(self, "path", "argument must not be null".into(), 0));
        }
        let path_s =
            convert(path, &Type::String).map_err(|e| invalid(self, "path", e.message, 0))?;
        let Some(path_str) = path_s.as_str() else {
            return Ok(Value::unknown(Type::Dynamic));
        };
        if vars.is_null() {
            return Err(invalid(self, "vars", "argument must not be null".into(), 1));
        }
        let full = self.ctx.functions.base_dir.join(path_str);
        let text = match std::fs::read_to_string(&full) {
            Ok(t) => t,
            Err(_) => {
                return Err(invalid(
                    self,
                    "path",
                    format!("no file exists at \"{path_str}\"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource"),
                    0,
                ))
            }
        };
        self.render_template_text("templatefile", path_str, &text, vars, |ev, msg| {
            invalid(ev, "vars", msg, 1)
        })
        .map(|v| v.with_marks(path.marks))
    }

    fn call_templatestring(&mut self, args: &[&Expression], span: Option<Range<usize>>) -> EResult {
        self.arity("templatestring", &["template", "vars"], args.len(), span)?;
        let invalid_tpl = |ev: &Self, msg: &str| {
            ev.fail(
                "Invalid function argument",
                format!(
                    "Invalid value for \"template\" parameter: invalid template expression: {msg}."
                ),
                args[0].span(),
            )
        };
        let mut inner = args[0];
        while let Expression::Parenthesis(p) = inner {
            inner = p.inner();
        }
        match inner {
            Expression::String(_) => {
                return Err(invalid_tpl(self, "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead"));
            }
            Expression::StringTemplate(t) => {
                let literal = t.iter().all(|e| matches!(e, Element::Literal(_)));
                return Err(invalid_tpl(
                    self,
                    if literal {
                        "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead"
                    } else {
                        "templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression"
                    },
                ));
            }
            Expression::HeredocTemplate(h) => {
                let literal = h.template.iter().all(|e| matches!(e, Element::Literal(_)));
                return Err(invalid_tpl(
                    self,
                    if literal {
                        "templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead"
                    } else {
                        "templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression"
                    },
                ));
            }
            Expression::Variable(_) | Expression::Traversal(_) => {}
            _ => {
                return Err(invalid_tpl(self, "must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax"));
            }
        }
        let tpl = self.eval(args[0])?;
        let vars = self.eval(args[1])?;
        let invalid = |ev: &Self, param: &str, msg: String, i: usize| {
            ev.fail(
                "Invalid function argument",
                format!("Invalid value for \"{param}\" parameter: {msg}."),
                args[i].span(),
            )
        };
        if tpl.is_null() {
            return Err(invalid(
                self,
                "template",
                "argument must not be null".into(),
                0,
            ));
        }
        if vars.is_null() {
            return Err(invalid(self, "vars", "argument must not be null".into(), 1));
        }
        let t =
            convert(&tpl, &Type::String).map_err(|e| invalid(self, "template", e.message, 0))?;
        let Some(text) = t.as_str() else {
            return Ok(Value::unknown(Type::Dynamic));
        };
        let text = text.to_string();
        self.render_template_text(
            "templatestring",
            "<templatestring argument>",
            &text,
            &vars,
            |ev, msg| invalid(ev, "vars", msg, 1),
        )
        .map(|v| v.with_marks(tpl.marks))
    }

    /// Parses and renders a template read from a file or a string, with
    /// only `vars` (and functions) in scope.
    fn render_template_text(
        &mut self,
        func: &str,
        filename: &str,
        text: &str,
        vars: &Value,
        vars_error: impl Fn(&Self, String) -> Diagnostics,
    ) -> EResult {
        let fail_call = |ev: &Self, d: &Diagnostic| {
            let at = d
                .subject
                .as_ref()
                .map(|r| format!("{}: ", hcl_range(r)))
                .unwrap_or_default();
            ev.fail(
                "Error in function call",
                format!(
                    "Call to function \"{func}\" failed: {at}{}; {}.",
                    d.summary, d.detail
                ),
                None,
            )
        };
        let src = Source::new(filename, text);
        let template = match crate::parse::parse_template(&src) {
            Ok(t) => t,
            Err(d) => return Err(fail_call(self, &d)),
        };
        let entries = match &vars.kind {
            Kind::Map(_, m) | Kind::Object(m) => m.clone(),
            Kind::Unknown(_) => return Ok(Value::unknown(Type::Dynamic)),
            _ => {
                return Err(vars_error(
                    self,
                    "invalid vars value: must be a map".to_string(),
                ))
            }
        };
        for r in references_in_template(&template, &src) {
            if !entries.contains_key(&r.root) {
                let at = r.range.as_ref().map(hcl_range).unwrap_or_default();
                return Err(vars_error(
                    self,
                    format!(
                        "vars map does not contain key \"{}\", referenced at {at}",
                        r.root
                    ),
                ));
            }
        }
        let mut ctx = EvalContext::new(self.ctx.functions.clone());
        ctx.variables = entries;
        ctx.provider_functions = self.ctx.provider_functions.clone();
        let mut ev = Evaluator::new(&ctx, &src);
        ev.in_template_function = true;
        let v = match ev.template_value(&template) {
            Ok(v) => v,
            Err(ds) => {
                let first = ds
                    .iter()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| Diagnostic::error("Error", ""));
                return Err(fail_call(self, &first));
            }
        };
        // Like a string template, a template that is one interpolation
        // yields that value as it is (Terraform's result type follows it).
        Ok(v)
    }
}
