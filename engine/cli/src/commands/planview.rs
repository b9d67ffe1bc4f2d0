//! Terminal text for plans, through `terrane-render` with the providers'
//! schemas.

use std::collections::BTreeMap;
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

/// The plan as terminal text.
pub fn render(plan: &Plan, color: bool) -> String {
    terrane_render::render_plan(plan, &schemas(), &options(color))
}

/// The rule and note printed after a plan (`saved_to` = the `-out` file).
pub fn trailer(plan: &Plan, saved_to: Option<&str>, color: bool) -> String {
    plan_text::plan_trailer(plan, saved_to, &options(color))
}
