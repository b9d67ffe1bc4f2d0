//! The `time` provider (`registry.terraform.io/hashicorp/time`):
//! `time_static`, `time_sleep`, `time_rotating` and `time_offset`, and
//! the functions `duration_parse`, `rfc3339_parse` and
//! `unix_timestamp_parse`.
//! Timestamps are RFC 3339 strings as Go formats them (whole seconds, `Z`
//! for UTC); calendar arithmetic normalises overflow as Go's `AddDate`.

mod functions;
mod offset;
mod rotating;
mod sleep;
mod static_;

use crate::framework::{BuiltinProvider, Spec};
use crate::util::{err, parse_rfc3339, Obj};
use terrane_diagnostics::Diagnostics;
use terrane_value::Type;

/// The `time` provider.
pub fn provider() -> BuiltinProvider {
    BuiltinProvider::new(
        "time",
        "registry.terraform.io/hashicorp/time",
        vec![
            Box::new(offset::TimeOffset::new()),
            Box::new(rotating::TimeRotating::new()),
            Box::new(sleep::TimeSleep::new()),
            Box::new(static_::TimeStatic::new()),
        ],
        Vec::new(),
    )
    .with_functions(vec![
        Box::new(functions::DurationParse),
        Box::new(functions::Rfc3339Parse),
        Box::new(functions::UnixTimestampParse),
    ])
}

/// `triggers`: any change replaces.
fn triggers() -> Spec {
    Spec::optional("triggers", Type::map(Type::String))
        .force_new()
        .describe("Arbitrary map of values that, when changed, will trigger a new resource to be created.")
}

/// The computed calendar parts every time resource exposes.
fn time_parts() -> Vec<Spec> {
    ["year", "month", "day", "hour", "minute", "second", "unix"]
        .into_iter()
        .map(|name| Spec::computed(name, Type::Number))
        .collect()
}

/// Reports an attribute that is set and known but not RFC 3339.
fn check_rfc3339(config: &Obj, attr: &str, diags: &mut Diagnostics) {
    if let Some(text) = config.str(attr) {
        if let Err(e) = parse_rfc3339(text) {
            diags.push(err(
                "Invalid RFC3339 String Value",
                format!("A string value was provided that is not valid RFC3339 string format.\n\nPath: {attr}\nGiven Value: {text}\nError: {e}"),
            ));
        }
    }
}

/// Reports when none of `attrs` is configured.
fn at_least_one_of(config: &Obj, attrs: &[&str], diags: &mut Diagnostics) {
    if attrs.iter().all(|a| config.is_null(a)) {
        diags.push(err(
            "Missing Attribute Configuration",
            format!(
                "At least one attribute out of [{}] must be specified",
                attrs.join(",")
            ),
        ));
    }
}
