//! `time_sleep`: waits a duration at create and/or destroy.

use super::{at_least_one_of, triggers};
use crate::framework::{Resource, Spec, Specs};
use crate::util::{err, errs, format_rfc3339, is_simple_duration, now, parse_go_duration, s, Obj};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::time::Duration;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

pub(crate) struct TimeSleep {
    specs: Specs,
}

impl TimeSleep {
    pub fn new() -> Self {
        TimeSleep {
            specs: Specs::new(
                "Manages a resource that delays creation and/or destruction, typically for further resources.",
                vec![
                    Spec::optional("create_duration", Type::String)
                        .describe("Time duration to delay resource creation. For example, `30s` for 30 seconds or `5m` for 5 minutes."),
                    Spec::optional("destroy_duration", Type::String)
                        .describe("Time duration to delay resource destroy. For example, `30s` for 30 seconds or `5m` for 5 minutes."),
                    triggers(),
                    Spec::computed("id", Type::String).keep().describe("RFC3339 format of the creation timestamp."),
                ],
            ),
        }
    }
}

/// Sleeps for a Go-syntax duration; empty or negative durations return at
/// once. The wait runs on its own thread so it needs no timer driver from
/// whichever async runtime polls it.
async fn sleep_for(text: &str, summary: &str) -> Result<(), Diagnostics> {
    if text.is_empty() {
        return Ok(());
    }
    let nanos = parse_go_duration(text).map_err(|e| {
        errs(
            summary,
            format!("The duration cannot be parsed\n\nOriginal Error: {e}"),
        )
    })?;
    if nanos <= 0 {
        return Ok(());
    }
    let d = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new()
        .name("time_sleep".into())
        .spawn(move || {
            std::thread::sleep(d);
            let _ = tx.send(());
        })
        .map_err(|e| errs(summary, format!("could not start the sleep: {e}")))?;
    rx.await
        .map_err(|_| errs(summary, "the sleep was interrupted"))
}

#[async_trait]
impl Resource for TimeSleep {
    fn name(&self) -> &'static str {
        "time_sleep"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        at_least_one_of(config, &["create_duration", "destroy_duration"], diags);
        for attr in ["create_duration", "destroy_duration"] {
            if let Some(text) = config.str(attr) {
                if !is_simple_duration(text) {
                    diags.push(err(
                        "Invalid Attribute Value Match",
                        format!("Attribute {attr} must be a number immediately followed by ms (milliseconds), s (seconds), m (minutes), or h (hours). For example, \"30s\" for 30 seconds., got: {text}"),
                    ));
                }
            }
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        sleep_for(
            &planned.string_or_empty("create_duration"),
            "Create time sleep error",
        )
        .await?;
        planned.set("id", s(format_rfc3339(&now())));
        Ok(planned)
    }

    async fn delete(&self, prior: Obj) -> Diagnostics {
        match sleep_for(
            &prior.string_or_empty("destroy_duration"),
            "Delete time sleep error",
        )
        .await
        {
            Ok(()) => Diagnostics::new(),
            Err(d) => d,
        }
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 2 || (parts[0].is_empty() && parts[1].is_empty()) {
            return Err(errs(
                "Unexpected Format of ID",
                format!("Unexpected format of ID ({id:?}), expected CREATEDURATION,DESTROYDURATION where at least one value is non-empty"),
            ));
        }
        let mut o = self.specs.object(vec![
            ("id", s(format_rfc3339(&now()))),
            ("triggers", Value::map(Type::String, BTreeMap::new())),
        ]);
        for (attr, text) in [
            ("create_duration", parts[0]),
            ("destroy_duration", parts[1]),
        ] {
            if text.is_empty() {
                continue;
            }
            parse_go_duration(text).map_err(|e| {
                errs(
                    "Import time sleep error",
                    format!("The {attr} cannot be parsed\n\nOriginal Error: {e}"),
                )
            })?;
            o.set(attr, s(text));
        }
        Ok(o)
    }
}
