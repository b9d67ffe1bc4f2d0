//! `time_offset`: a timestamp offset from a base time.

use super::{at_least_one_of, check_rfc3339, time_parts, triggers};
use crate::framework::{Planned, Resource, Spec, Specs};
use crate::util::{
    add_date, add_seconds, err, errs, format_rfc3339, n, now, parse_rfc3339, s, set_time_parts,
    Obj, Time,
};
use async_trait::async_trait;
use std::collections::BTreeMap;
use terrane_diagnostics::Diagnostics;
use terrane_value::{Type, Value};

const OFFSETS: [&str; 6] = [
    "offset_seconds",
    "offset_minutes",
    "offset_hours",
    "offset_days",
    "offset_months",
    "offset_years",
];

pub(crate) struct TimeOffset {
    specs: Specs,
}

impl TimeOffset {
    pub fn new() -> Self {
        let mut attrs = vec![Spec::optional_computed("base_rfc3339", Type::String)
            .keep()
            .describe("Base timestamp in RFC3339 format. Defaults to the current time.")];
        attrs.extend(time_parts());
        attrs.push(triggers());
        for name in OFFSETS {
            attrs.push(Spec::optional(name, Type::Number));
        }
        attrs.push(
            Spec::computed("rfc3339", Type::String)
                .describe("RFC3339 format of the offset timestamp."),
        );
        attrs.push(Spec::computed("id", Type::String));
        TimeOffset {
            specs: Specs::new("Manages an offset time resource, which keeps an UTC timestamp stored in the Terraform state that is offset from a locally sourced base timestamp.", attrs),
        }
    }
}

/// Applies the offsets in the real provider's order (days, hours, minutes,
/// months, seconds, years), each on top of the last.
fn offset_time(base: &Time, o: &Obj) -> Result<Time, String> {
    let overflow = || "offset time is out of range".to_string();
    let get = |k: &str| o.int(k).filter(|v| *v != 0);
    let mut t = *base;
    if let Some(d) = get("offset_days") {
        t = add_date(&t, 0, 0, d).ok_or_else(overflow)?;
    }
    if let Some(h) = get("offset_hours") {
        t = add_seconds(&t, h.checked_mul(3600).ok_or_else(overflow)?).ok_or_else(overflow)?;
    }
    if let Some(m) = get("offset_minutes") {
        t = add_seconds(&t, m.checked_mul(60).ok_or_else(overflow)?).ok_or_else(overflow)?;
    }
    if let Some(m) = get("offset_months") {
        t = add_date(&t, 0, m, 0).ok_or_else(overflow)?;
    }
    if let Some(sec) = get("offset_seconds") {
        t = add_seconds(&t, sec).ok_or_else(overflow)?;
    }
    if let Some(y) = get("offset_years") {
        t = add_date(&t, y, 0, 0).ok_or_else(overflow)?;
    }
    Ok(t)
}

fn set_offset(o: &mut Obj, base: &Time) -> Result<(), String> {
    let t = offset_time(base, o)?;
    o.set("base_rfc3339", s(format_rfc3339(base)));
    set_time_parts(o, &t);
    o.set("unix", n(t.timestamp()));
    o.set("rfc3339", s(format_rfc3339(&t)));
    o.set("id", s(format_rfc3339(base)));
    Ok(())
}

#[async_trait]
impl Resource for TimeOffset {
    fn name(&self) -> &'static str {
        "time_offset"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        at_least_one_of(config, &OFFSETS, diags);
        check_rfc3339(config, "base_rfc3339", diags);
    }

    fn modify_plan(&self, plan: &mut Planned, diags: &mut Diagnostics) {
        if plan.is_create() || !plan.requires_replace.is_empty() {
            return;
        }
        let changed = OFFSETS.iter().any(|k| plan.changed(k)) || plan.changed("base_rfc3339");
        if !changed || !OFFSETS.iter().all(|k| plan.planned.is_known(k)) {
            return;
        }
        let Some(base) = plan
            .planned
            .str("base_rfc3339")
            .and_then(|t| parse_rfc3339(t).ok())
        else {
            return;
        };
        if let Err(e) = set_offset(&mut plan.planned, &base) {
            diags.push(err("Invalid offset", e));
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let base = match planned.str("base_rfc3339") {
            Some(text) => parse_rfc3339(text).map_err(|e| errs("Create time offset error", e))?,
            None => now(),
        };
        set_offset(&mut planned, &base).map_err(|e| errs("Create time offset error", e))?;
        Ok(planned)
    }

    async fn update(&self, _prior: Obj, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let base = planned
            .str("base_rfc3339")
            .and_then(|t| parse_rfc3339(t).ok())
            .ok_or_else(|| {
                errs(
                    "Update time offset error",
                    "base_rfc3339 is not a known RFC3339 timestamp",
                )
            })?;
        set_offset(&mut planned, &base).map_err(|e| errs("Update time offset error", e))?;
        Ok(planned)
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        if parts.len() != 7 {
            return Err(errs(
                "Unexpected Format of ID",
                format!("Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS"),
            ));
        }
        if parts[0].is_empty() || parts[1..].iter().all(|p| p.is_empty()) {
            return Err(errs(
                "Unexpected Format of ID",
                format!("Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES,SECONDS where at least one offset value is non-empty"),
            ));
        }
        let mut o = self.specs.object(vec![(
            "triggers",
            Value::map(Type::String, BTreeMap::new()),
        )]);
        for (name, text) in [
            "offset_years",
            "offset_months",
            "offset_days",
            "offset_hours",
            "offset_minutes",
            "offset_seconds",
        ]
        .into_iter()
        .zip(&parts[1..])
        {
            if text.is_empty() {
                continue;
            }
            let v: i64 = text.parse().map_err(|e| {
                errs(
                    "Import time offset error",
                    format!("The {name} parameter that was supplied could not be parsed as Int64.\n\nOriginal Error: {e}"),
                )
            })?;
            o.set(name, n(v));
        }
        let base = parse_rfc3339(parts[0]).map_err(|e| {
            errs(
                "Create time offset error",
                format!("The base_rfc3339 timestamp that was supplied could not be parsed as RFC3339.\n\nOriginal Error: {e}"),
            )
        })?;
        set_offset(&mut o, &base).map_err(|e| errs("Import time offset error", e))?;
        Ok(o)
    }
}
