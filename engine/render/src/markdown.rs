//! Markdown for pull-request comments: a summary table of the counts, then
//! one collapsible `<details>` section per changed resource holding its
//! diff in a ```` ```diff ```` block (the action symbol moved to the first
//! column so code hosts colour the lines), and the output changes.
//! Sensitive values are hidden exactly as in the terminal text; the output
//! is deterministic (plan order, no timestamps).

use crate::color::Colors;
use crate::plan_text::{render_output_changes, render_resource_change, RenderOptions, Schemas};
use terrane_core::plan::{Action, Mode, Plan};

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Moves a diff line's action symbol to column 0 (`+`, `-`, `~`; `~` for
/// replacements, `<` for reads), keeping every other column in place.
fn diff_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    for (marker, sym) in [
        ("-/+ ", '~'),
        ("+/- ", '~'),
        ("<= ", '<'),
        ("+ ", '+'),
        ("- ", '-'),
        ("~ ", '~'),
    ] {
        if let Some(rest) = trimmed.strip_prefix(marker) {
            return format!(
                "{sym}{}{marker_pad}{rest}",
                " ".repeat(indent),
                marker_pad = " ".repeat(marker.len() - 1)
            );
        }
    }
    if trimmed.is_empty() {
        return String::new();
    }
    if line.starts_with(' ') {
        // Column 0 is already blank: positions stay where they were.
        return line.to_string();
    }
    format!(" {line}")
}

fn what(action: Action) -> &'static str {
    match action {
        Action::Create => "will be created",
        Action::Update => "will be updated in-place",
        Action::DeleteThenCreate | Action::CreateThenDelete => "must be replaced",
        Action::Delete => "will be destroyed",
        Action::Read => "will be read during apply",
        Action::Forget => "will be removed from state",
        Action::NoOp => "has moved",
    }
}

/// The whole PR comment. `title` heads it (e.g. "terrane plan for
/// `prod`").
pub fn render_markdown(plan: &Plan, schemas: &dyn Schemas, title: &str, product: &str) -> String {
    let o = RenderOptions {
        product: product.to_string(),
        command: product.to_lowercase(),
        colors: Colors::new(false),
        width: 78,
    };
    let (add, change, destroy) = plan.summary_counts();
    let mut out = format!("### {title}\n\n");
    if !plan.has_changes() {
        out.push_str("**No changes.** Your infrastructure matches the configuration.\n");
        return out;
    }
    out.push_str("| Add | Change | Destroy |\n|----:|-------:|--------:|\n");
    out.push_str(&format!("| {add} | {change} | {destroy} |\n"));
    for rc in crate::order::sorted(&plan.changes) {
        let moved = rc
            .previous_address
            .as_deref()
            .is_some_and(|p| p != rc.address);
        if rc.action == Action::NoOp && !moved && rc.importing.is_none() {
            continue;
        }
        if rc.action == Action::Delete && rc.mode != Mode::Managed {
            continue;
        }
        let text = render_resource_change(rc, schemas, &o);
        let body: Vec<String> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with('#') || l.starts_with("    "))
            .map(diff_line)
            .collect();
        out.push_str(&format!(
            "\n<details><summary><code>{}</code> {}</summary>\n\n```diff\n{}\n```\n\n</details>\n",
            html_escape(&rc.address),
            what(rc.action),
            body.join("\n")
        ));
    }
    let outputs = render_output_changes(plan, &o);
    if !outputs.is_empty() {
        let body: Vec<String> = outputs.lines().map(diff_line).collect();
        out.push_str(&format!(
            "\n<details><summary>Changes to Outputs</summary>\n\n```diff\n{}\n```\n\n</details>\n",
            body.join("\n")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_move_to_column_zero() {
        assert_eq!(diff_line("      + id = 1"), "+       id = 1");
        assert_eq!(
            diff_line("  ~ resource \"a\" \"b\" {"),
            "~   resource \"a\" \"b\" {"
        );
        assert_eq!(
            diff_line("-/+ resource \"a\" \"b\" {"),
            "~   resource \"a\" \"b\" {"
        );
        assert_eq!(diff_line("        id = 1"), "        id = 1");
        assert_eq!(diff_line("    }"), "    }");
    }
}
