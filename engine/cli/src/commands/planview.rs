//! Terminal text for plans, through `terrane-render` with the providers'
//! schemas.

use std::collections::BTreeMap;
use std::fmt;
use terrane_core::plan::Plan;
use terrane_provider::ProviderSchema;
use terrane_render::{plan_text, Colors, RenderOptions};

/// Every built-in provider's schemas by source address.
pub fn schemas() -> BTreeMap<String, ProviderSchema> {
    super::common::providers()
        .iter()
        .map(|p| (p.source().to_string(), p.schema().clone()))
        .collect()
}

fn options(color: bool) -> RenderOptions {
    RenderOptions {
        colors: Colors::new(color),
        ..RenderOptions::default()
    }
}

/// The plan as terminal text, rendered while it is printed (`print!("{}",
/// render(..))`): a large plan is written in pieces instead of being built
/// as one string first.
pub fn render(plan: &Plan, color: bool) -> PlanText<'_> {
    PlanText {
        plan,
        schemas: schemas(),
        options: options(color),
    }
}

/// A plan's terminal text, produced when formatted.
pub struct PlanText<'a> {
    plan: &'a Plan,
    schemas: BTreeMap<String, ProviderSchema>,
    options: RenderOptions,
}

impl fmt::Display for PlanText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        plan_text::write_plan_with_relevant(f, self.plan, &self.schemas, None, &self.options)
    }
}

/// The rule and note printed after a plan (`saved_to` = the `-out` file).
pub fn trailer(plan: &Plan, saved_to: Option<&str>, color: bool) -> String {
    plan_text::plan_trailer(plan, saved_to, &options(color))
}
