//! `time_static`: a timestamp fixed at create.

use super::{check_rfc3339, time_parts, triggers};
use crate::framework::{Planned, Resource, Spec, Specs};
use crate::util::{err, errs, format_rfc3339, now, parse_rfc3339, s, set_time_parts, Obj};
use async_trait::async_trait;
use std::collections::BTreeMap;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

pub(crate) struct TimeStatic {
    specs: Specs,
}

impl TimeStatic {
    pub fn new() -> Self {
        let mut attrs = time_parts();
        attrs.push(triggers());
        attrs.push(
            Spec::optional_computed("rfc3339", Type::String)
                .force_new()
                .describe("Base timestamp in RFC3339 format. Defaults to the current time."),
        );
        attrs.push(Spec::computed("id", Type::String).keep());
        TimeStatic {
            specs: Specs::new("Manages a static time resource, which keeps a locally sourced UTC timestamp stored in the Terraform state.", attrs),
        }
    }
}

#[async_trait]
impl Resource for TimeStatic {
    fn name(&self) -> &'static str {
        "time_static"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        check_rfc3339(config, "rfc3339", diags);
    }

    fn modify_plan(&self, plan: &mut Planned, diags: &mut Diagnostics) {
        if !plan.is_create() {
            return;
        }
        if let Some(text) = plan.planned.str("rfc3339").map(str::to_string) {
            match parse_rfc3339(&text) {
                Ok(t) => {
                    set_time_parts(&mut plan.planned, &t);
                    plan.planned.set("id", s(text));
                }
                Err(e) => diags.push(err("Invalid RFC3339 String Value", e)),
            }
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        // A configured timestamp is kept as written; otherwise now, in UTC.
        let (t, text) = match planned.str("rfc3339") {
            Some(text) => (
                parse_rfc3339(text).map_err(|e| errs("Create time static error", e))?,
                text.to_string(),
            ),
            None => {
                let t = now();
                (t, format_rfc3339(&t))
            }
        };
        set_time_parts(&mut planned, &t);
        planned.set("rfc3339", s(text.clone()));
        planned.set("id", s(text));
        Ok(planned)
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let t = parse_rfc3339(id).map_err(|e| {
            errs(
                "Import time static error",
                format!("The id that was supplied could not be parsed as RFC3339.\n\nOriginal Error: {e}"),
            )
        })?;
        let mut o = self.specs.object(vec![
            ("rfc3339", s(format_rfc3339(&t))),
            ("id", s(format_rfc3339(&t))),
            ("triggers", Value::map(Type::String, BTreeMap::new())),
        ]);
        set_time_parts(&mut o, &t);
        Ok(o)
    }
}
