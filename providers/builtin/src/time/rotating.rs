//! `time_rotating`: a timestamp that is replaced once its rotation time
//! has passed.

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

const ROTATIONS: [&str; 6] = [
    "rotation_minutes",
    "rotation_hours",
    "rotation_days",
    "rotation_months",
    "rotation_years",
    "rotation_rfc3339",
];

const COUNTS: [&str; 5] = [
    "rotation_days",
    "rotation_hours",
    "rotation_minutes",
    "rotation_months",
    "rotation_years",
];

pub(crate) struct TimeRotating {
    specs: Specs,
}

impl TimeRotating {
    pub fn new() -> Self {
        let mut attrs = time_parts();
        for name in COUNTS {
            attrs.push(Spec::optional(name, Type::Number));
        }
        attrs.push(
            Spec::optional_computed("rotation_rfc3339", Type::String).describe(
                "Configure the rotation timestamp with an RFC3339 format of the offset timestamp.",
            ),
        );
        attrs.push(triggers());
        attrs.push(
            Spec::optional_computed("rfc3339", Type::String)
                .force_new()
                .describe("Base timestamp in RFC3339 format. Defaults to the current time."),
        );
        attrs.push(Spec::computed("id", Type::String));
        TimeRotating {
            specs: Specs::new(
                "Manages a rotating time resource, which keeps a rotating UTC timestamp stored in the Terraform state and proposes resource recreation when the locally sourced current time is beyond the rotation time.",
                attrs,
            ),
        }
    }
}

/// The rotation time from the base time, as the real provider computes it:
/// each configured rotation in turn (days, hours, minutes, months, an
/// explicit timestamp, years) and the last one wins.
fn rotation_time(base: &Time, o: &Obj, explicit: Option<&str>) -> Result<Time, String> {
    let overflow = || "rotation time is out of range".to_string();
    let positive = |k: &str| o.int(k).filter(|v| *v != 0);
    let mut out: Option<Time> = None;
    if let Some(d) = positive("rotation_days") {
        out = Some(add_date(base, 0, 0, d).ok_or_else(overflow)?);
    }
    if let Some(h) = positive("rotation_hours") {
        out = Some(
            add_seconds(base, h.checked_mul(3600).ok_or_else(overflow)?).ok_or_else(overflow)?,
        );
    }
    if let Some(m) = positive("rotation_minutes") {
        out =
            Some(add_seconds(base, m.checked_mul(60).ok_or_else(overflow)?).ok_or_else(overflow)?);
    }
    if let Some(m) = positive("rotation_months") {
        out = Some(add_date(base, 0, m, 0).ok_or_else(overflow)?);
    }
    if let Some(text) = explicit.filter(|t| !t.is_empty()) {
        out = Some(parse_rfc3339(text)?);
    }
    if let Some(y) = positive("rotation_years") {
        out = Some(add_date(base, y, 0, 0).ok_or_else(overflow)?);
    }
    out.ok_or_else(|| "at least one rotation_ argument must be configured".to_string())
}

/// Sets every computed attribute from the base time.
fn set_rotation(o: &mut Obj, base: &Time, explicit: Option<&str>) -> Result<(), String> {
    let rotation = rotation_time(base, o, explicit)?;
    o.set("rotation_rfc3339", s(format_rfc3339(&rotation)));
    set_time_parts(o, &rotation);
    o.set("unix", n(rotation.timestamp()));
    o.set("rfc3339", s(format_rfc3339(base)));
    o.set("id", s(format_rfc3339(base)));
    Ok(())
}

/// True once `now` is past the stored rotation time.
fn outdated(o: &Obj) -> bool {
    o.str("rotation_rfc3339")
        .and_then(|t| parse_rfc3339(t).ok())
        .is_some_and(|t| now() > t)
}

#[async_trait]
impl Resource for TimeRotating {
    fn name(&self) -> &'static str {
        "time_rotating"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        at_least_one_of(config, &ROTATIONS, diags);
        for name in COUNTS {
            if let Some(v) = config.int(name) {
                if v < 1 {
                    diags.push(err(
                        "Invalid Attribute Value",
                        format!("Attribute {name} value must be at least 1, got: {v}"),
                    ));
                }
            }
        }
        check_rfc3339(config, "rfc3339", diags);
        check_rfc3339(config, "rotation_rfc3339", diags);
    }

    fn modify_plan(&self, plan: &mut Planned, diags: &mut Diagnostics) {
        let Some(prior) = plan.prior.clone() else {
            return;
        };
        if outdated(&prior) {
            plan.require_replace("rotation_rfc3339");
        }
        let rotation_changed = COUNTS
            .iter()
            .any(|k| !crate::util::same(prior.get(k), plan.config.get(k)))
            || (!plan.config.is_null("rotation_rfc3339")
                && !crate::util::same(
                    prior.get("rotation_rfc3339"),
                    plan.config.get("rotation_rfc3339"),
                ));
        if !rotation_changed || !plan.requires_replace.is_empty() {
            return;
        }
        let explicit = plan.config.str("rotation_rfc3339").map(str::to_string);
        let inputs_known = COUNTS.iter().all(|k| plan.config.is_known(k))
            && plan.config.is_known("rotation_rfc3339");
        let Some(base) = plan
            .planned
            .str("rfc3339")
            .and_then(|t| parse_rfc3339(t).ok())
        else {
            return;
        };
        if !inputs_known {
            return;
        }
        if let Err(e) = set_rotation(&mut plan.planned, &base, explicit.as_deref()) {
            diags.push(err("Invalid rotation", e));
        }
    }

    async fn create(&self, mut planned: Obj) -> Result<Obj, Diagnostics> {
        let base = match planned.str("rfc3339") {
            Some(text) => parse_rfc3339(text).map_err(|e| errs("Create time rotating error", e))?,
            None => now(),
        };
        let explicit = planned.str("rotation_rfc3339").map(str::to_string);
        set_rotation(&mut planned, &base, explicit.as_deref())
            .map_err(|e| errs("Create time rotating error", e))?;
        Ok(planned)
    }

    async fn update(&self, _prior: Obj, mut planned: Obj) -> Result<Obj, Diagnostics> {
        if planned.clone().into_value().is_wholly_known() {
            return Ok(planned);
        }
        let base = planned
            .str("id")
            .or(planned.str("rfc3339"))
            .and_then(|t| parse_rfc3339(t).ok())
            .ok_or_else(|| {
                errs(
                    "Update time rotating error",
                    "the base timestamp is not known",
                )
            })?;
        let explicit = planned.str("rotation_rfc3339").map(str::to_string);
        set_rotation(&mut planned, &base, explicit.as_deref())
            .map_err(|e| errs("Update time rotating error", e))?;
        Ok(planned)
    }

    fn read(&self, current: Obj) -> Result<Option<Obj>, Diagnostics> {
        if outdated(&current) {
            return Ok(None);
        }
        Ok(Some(current))
    }

    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let parts: Vec<&str> = id.split(',').collect();
        let bad = |detail: String| errs("Unexpected Format of ID", detail);
        let mut o = self.specs.object(vec![(
            "triggers",
            Value::map(Type::String, BTreeMap::new()),
        )]);
        let parse = |t: &str| {
            parse_rfc3339(t).map_err(|e| {
                errs(
                    "Import time rotating error",
                    format!("The timestamp that was supplied could not be parsed as RFC3339.\n\nOriginal Error: {e}"),
                )
            })
        };
        match parts.len() {
            2 => {
                if parts[0].is_empty() || parts[1].is_empty() {
                    return Err(bad(format!("Unexpected format of ID ({id:?}), expected BASETIMESTAMP,ROTATIONTIMESTAMP")));
                }
                let base = parse(parts[0])?;
                parse(parts[1])?;
                set_rotation(&mut o, &base, Some(parts[1]))
                    .map_err(|e| errs("Import time rotating error", e))?;
            }
            6 => {
                if parts[0].is_empty() || parts[1..].iter().all(|p| p.is_empty()) {
                    return Err(bad(format!("Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES where at least one rotation value is non-empty")));
                }
                for (name, text) in [
                    "rotation_years",
                    "rotation_months",
                    "rotation_days",
                    "rotation_hours",
                    "rotation_minutes",
                ]
                .into_iter()
                .zip(&parts[1..])
                {
                    if text.is_empty() {
                        continue;
                    }
                    let v: i64 = text.parse().map_err(|e| {
                        errs(
                            "Import time rotating error",
                            format!("The parameter that was supplied could not be parsed.\n\nOriginal Error: could not parse rotation ({text:?}) as int: {e}"),
                        )
                    })?;
                    o.set(name, n(v));
                }
                let base = parse(parts[0])?;
                set_rotation(&mut o, &base, None)
                    .map_err(|e| errs("Import time rotating error", e))?;
            }
            _ => {
                return Err(bad(format!("Unexpected format of ID ({id:?}), expected BASETIMESTAMP,YEARS,MONTHS,DAYS,HOURS,MINUTES or BASETIMESTAMP,ROTATIONTIMESTAMP")));
            }
        }
        Ok(o)
    }
}
