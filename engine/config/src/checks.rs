//! Checks on a merged module that Terraform makes while loading: variable
//! defaults against their type constraints.

use crate::model::{Module, Variable};
use crate::types;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_value::convert;

/// Checks every variable's default against its type and `nullable`.
pub fn check_variables(m: &Module, diags: &mut Diagnostics) {
    for v in m.variables.values() {
        check_variable(v, diags);
    }
}

/// Checks one variable's default against its type and `nullable`.
pub fn check_variable(v: &Variable, diags: &mut Diagnostics) {
    {
        let Some(def) = &v.default else { return };
        let Some(value) = &v.default_value else {
            return;
        };
        if value.is_null() {
            if !v.nullable {
                diags.push(
                    Diagnostic::error(
                        "Invalid default value for variable",
                        "A null default value is not valid when nullable=false.",
                    )
                    .with_subject(def.range()),
                );
            }
            return;
        }
        if let Err(e) = convert(value, &v.ty) {
            let mut detail = String::from(
                "This default value is not compatible with the variable's type constraint: ",
            );
            if !e.path.is_empty() {
                detail.push_str(e.path.trim_start_matches('.'));
                detail.push_str(": ");
            }
            detail.push_str(&e.message);
            detail.push('.');
            diags.push(
                Diagnostic::error("Invalid default value for variable", detail)
                    .with_subject(def.range()),
            );
            return;
        }
        let mut ignored = Vec::new();
        types::ignored_attributes(&v.ty, &def.expr, "", &mut ignored);
        for (name, span, path) in ignored {
            let at = if path.is_empty() {
                String::new()
            } else {
                format!(" at {}", path.trim_start_matches('.'))
            };
            diags.push(
                Diagnostic::warning(
                    "Object attribute is ignored",
                    format!("The object type for input variable {:?} does not include an attribute named {name:?}{at}, so this definition is unused. Did you mean to set attribute {name:?} somewhere else?", v.name),
                )
                .with_subject(def.range_of(span)),
            );
        }
    }
}
