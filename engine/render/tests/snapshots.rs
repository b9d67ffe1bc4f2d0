//! insta snapshots of terrane-worded output (the product name is
//! "terrane"), of Markdown PR comments, and of coloured terminal output.
#![allow(clippy::unwrap_used)]

mod common;

use terrane_render::markdown::render_markdown;
use terrane_render::plan_text::{plan_trailer, render_plan, RenderOptions};
use terrane_render::Colors;

fn terrane_text(case: &str) -> String {
    let plan = common::load_case(case);
    let o = RenderOptions::default();
    let mut s = render_plan(&plan, &common::schemas(), &o);
    s.push_str(&plan_trailer(&plan, None, &o));
    s
}

#[test]
fn terrane_wording() {
    for case in ["cbd", "noop", "refresh_only", "sensitive", "outputs_only"] {
        insta::assert_snapshot!(format!("terrane_{case}"), terrane_text(case));
    }
}

#[test]
fn terrane_wording_replaces_only_the_product() {
    let text = terrane_text("cbd");
    assert!(text.contains("terrane used the selected providers"));
    assert!(text.contains("terrane will perform the following actions:"));
    assert!(text.contains("\"terrane apply\""));
    assert!(!text.contains("Terraform"));
}

#[test]
fn markdown_comments() {
    for case in ["cbd", "sensitive", "noop", "heredoc"] {
        let plan = common::load_case(case);
        insta::assert_snapshot!(
            format!("markdown_{case}"),
            render_markdown(&plan, &common::schemas(), "terrane plan", "terrane")
        );
    }
}

#[test]
fn markdown_hides_sensitive_values() {
    let plan = common::load_case("sensitive");
    let md = render_markdown(&plan, &common::schemas(), "plan", "terrane");
    assert!(md.contains("(sensitive value)"));
    assert!(!md.contains("n3w"));
}

#[test]
fn coloured_output() {
    let plan = common::load_case("tainted");
    let o = RenderOptions {
        colors: Colors::new(true),
        ..RenderOptions::terraform()
    };
    let text = render_plan(&plan, &common::schemas(), &o);
    assert!(text.contains("\u{1b}[31m"));
    insta::assert_snapshot!("coloured_tainted", text.replace('\u{1b}', "<ESC>"));
}
