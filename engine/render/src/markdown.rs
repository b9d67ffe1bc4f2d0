//! Markdown for pull-request comments: a summary table of the counts, then
//! one collapsible `<details>` section per changed resource holding its
//! diff in a ```` ```diff ```` block (the action symbol moved to the first
//! column so code hosts colour the lines), and the output changes.
//! Sensitive values are hidden exactly as in the terminal text; the output
//! is deterministic (plan order, no timestamps).

use crate::color::Colors;
use crate::plan_text::{
    render_output_changes, render_resource_change, shown, write_batches, RenderOptions, Schemas,
};
use terrane_core::plan::{Action, Plan, ResourceChange};

fn html_escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

/// Moves a diff line's action symbol to column 0 (`+`, `-`, `~`; `~` for
/// replacements, `<` for reads), keeping every other column in place, and
/// appends the line to `out`.
fn push_diff_line(out: &mut String, line: &str) {
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
            out.push(sym);
            push_spaces(out, indent + marker.len() - 1);
            out.push_str(rest);
            return;
        }
    }
    if trimmed.is_empty() {
        return;
    }
    if !line.starts_with(' ') {
        // Column 0 must stay free for symbols.
        out.push(' ');
    }
    out.push_str(line);
}

fn push_spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// The lines of `text` as diff lines, one per line, without a final line
/// end.
fn push_diff_lines<'a>(out: &mut String, lines: impl Iterator<Item = &'a str>) {
    for (i, line) in lines.enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_diff_line(out, line);
    }
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
    let changes: Vec<&ResourceChange> = crate::order::sorted(&plan.changes)
        .into_iter()
        .filter(|rc| shown(rc))
        .collect();
    let sections = |batch: &[&ResourceChange]| {
        let mut out = String::new();
        for rc in batch {
            write_section(&mut out, rc, schemas, &o);
        }
        out
    };
    // Writing to a String cannot fail.
    let _ = write_batches(&mut out, &changes, &sections);
    let outputs = render_output_changes(plan, &o);
    if !outputs.is_empty() {
        out.push_str("\n<details><summary>Changes to Outputs</summary>\n\n```diff\n");
        push_diff_lines(&mut out, outputs.lines());
        out.push_str("\n```\n\n</details>\n");
    }
    out
}

/// One change's collapsible section.
fn write_section(out: &mut String, rc: &ResourceChange, schemas: &dyn Schemas, o: &RenderOptions) {
    let text = render_resource_change(rc, schemas, o);
    out.push_str("\n<details><summary><code>");
    html_escape_into(out, &rc.address);
    out.push_str("</code> ");
    out.push_str(what(rc.action));
    out.push_str("</summary>\n\n```diff\n");
    let body = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') || l.starts_with("    "));
    push_diff_lines(out, body);
    out.push_str("\n```\n\n</details>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff_line(line: &str) -> String {
        let mut out = String::new();
        push_diff_line(&mut out, line);
        out
    }

    #[test]
    fn large_plans_keep_plan_order() {
        let n = 150;
        let plan = crate::plan_text::tests::terraform_data_plan(n, |i| {
            let after = serde_json::json!({ "input": format!("<v{i}>") });
            (
                serde_json::json!(["create"]),
                serde_json::Value::Null,
                after,
            )
        });
        let schemas = crate::plan_text::tests::schemas();
        let md = render_markdown(&plan, &schemas, "plan", "terrane");
        let mut want = String::from(
            "### plan\n\n| Add | Change | Destroy |\n|----:|-------:|--------:|\n| 150 | 0 | 0 |\n",
        );
        for i in 0..n {
            want.push_str(&format!(
                "\n<details><summary><code>terraform_data.r[{i}]</code> will be created</summary>\n\n```diff\n+   resource \"terraform_data\" \"r\" {{\n+       id     = (known after apply)\n+       input  = \"<v{i}>\"\n+       output = (known after apply)\n    }}\n```\n\n</details>\n"
            ));
        }
        assert_eq!(md, want);
    }

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
