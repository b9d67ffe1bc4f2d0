//! Terminal rendering of diagnostics, in the layout Terraform prints:
//!
//! ```text
//! ╷
//! │ Error: Unsupported argument
//! │
//! │   on main.tf line 5, in resource "terraform_data" "r":
//! │    5:     bogus = 1
//! │
//! │ An argument named "bogus" is not expected here.
//! │ help: remove the argument
//! ╵
//! ```
//!
//! The `help:` line is terrane's addition. Output is deterministic: colour and
//! wrapping width are explicit options (the CLI decides them, honouring
//! `NO_COLOR` and the terminal size).

use crate::{Diagnostic, Severity, SourceMap};
use std::fmt::Write;

/// How to render diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours, bold and underline.
    pub color: bool,
    /// Draw the `╷ │ ╵` rule down the left side.
    pub boxed: bool,
    /// Wrap the detail text to this many columns (`None`: no wrapping).
    pub width: Option<usize>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            boxed: true,
            width: Some(78),
        }
    }
}

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const UNDERLINE: &str = "\x1b[4m";
const RESET: &str = "\x1b[0m";

/// Renders one diagnostic, ending with a newline.
pub fn render_diagnostic(diag: &Diagnostic, sources: &SourceMap, opts: RenderOptions) -> String {
    let mut lines: Vec<String> = Vec::new();
    let label = match diag.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    if opts.color {
        let colour = if diag.is_error() { RED } else { YELLOW };
        lines.push(format!(
            "{BOLD}{colour}{label}: {RESET}{BOLD}{}{RESET}",
            diag.summary
        ));
    } else {
        lines.push(format!("{label}: {}", diag.summary));
    }
    if let Some(subject) = &diag.subject {
        lines.push(String::new());
        if let Some(addr) = &diag.address {
            lines.push(format!("  with {addr},"));
        }
        let file = sources.get(&subject.filename);
        let context = file.and_then(|f| f.context_at(subject.start.byte));
        let mut head = format!("  on {} line {}", subject.filename, subject.start.line);
        if let Some(c) = context {
            let _ = write!(head, ", in {c}");
        }
        head.push(':');
        lines.push(head);
        if let Some(file) = file {
            let snippet = diag.context.as_ref().unwrap_or(subject);
            let first = snippet.start.line.min(subject.start.line);
            let last = snippet.end.line.max(subject.end.line).max(first);
            for n in first..=last {
                let Some(text) = file.line(n) else { break };
                let code = if opts.color {
                    underline(text, n, subject)
                } else {
                    text.to_string()
                };
                lines.push(format!("{n:>4}: {code}"));
            }
        }
    }
    if !diag.detail.is_empty() {
        lines.push(String::new());
        let avail = opts
            .width
            .map(|w| if opts.boxed { w.saturating_sub(2) } else { w });
        for para in diag.detail.split('\n') {
            match avail {
                Some(w) if w > 10 => lines.extend(wrap(para, w)),
                _ => lines.push(para.to_string()),
            }
        }
    }
    if let Some(help) = &diag.help {
        if diag.detail.is_empty() {
            lines.push(String::new());
        }
        if opts.color {
            lines.push(format!("{BOLD}help:{RESET} {help}"));
        } else {
            lines.push(format!("help: {help}"));
        }
    }
    let mut out = String::new();
    if opts.boxed {
        let rule = |s: &str| {
            if opts.color {
                let colour = if diag.is_error() { RED } else { YELLOW };
                format!("{colour}{s}{RESET}")
            } else {
                s.to_string()
            }
        };
        out.push_str(&rule("╷"));
        out.push('\n');
        for l in &lines {
            out.push_str(&rule("│"));
            out.push(' ');
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&rule("╵"));
        out.push('\n');
    } else {
        out.push('\n');
        for l in &lines {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// Renders every diagnostic, in order.
pub fn render_diagnostics<'a>(
    diags: impl IntoIterator<Item = &'a Diagnostic>,
    sources: &SourceMap,
    opts: RenderOptions,
) -> String {
    diags
        .into_iter()
        .map(|d| render_diagnostic(d, sources, opts))
        .collect()
}

/// Groups warnings with the same summary, as Terraform's human output does:
/// the first of each group is kept, with "(and N more similar warnings
/// elsewhere)" added to its detail. Errors are never grouped. Use before
/// [`render_diagnostics`]; the JSON output lists every diagnostic.
pub fn consolidate_warnings(diags: &crate::Diagnostics) -> crate::Diagnostics {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    for d in diags {
        if !d.is_error() {
            if let Some(i) = out
                .iter()
                .position(|o| !o.is_error() && o.summary == d.summary)
            {
                counts[i] += 1;
                continue;
            }
        }
        out.push(d.clone());
        counts.push(0);
    }
    for (d, n) in out.iter_mut().zip(counts) {
        if n > 0 {
            let more = if n == 1 {
                "(and one more similar warning elsewhere)".to_string()
            } else {
                format!("(and {n} more similar warnings elsewhere)")
            };
            if !d.detail.is_empty() {
                d.detail.push_str("\n\n");
            }
            d.detail.push_str(&more);
        }
    }
    out.into()
}

fn underline(text: &str, line: usize, subject: &crate::SourceRange) -> String {
    if line < subject.start.line || line > subject.end.line {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let from = if line == subject.start.line {
        subject.start.column.saturating_sub(1)
    } else {
        0
    };
    let to = if line == subject.end.line {
        subject.end.column.saturating_sub(1)
    } else {
        chars.len()
    };
    let (from, to) = (
        from.min(chars.len()),
        to.min(chars.len()).max(from.min(chars.len())),
    );
    let before: String = chars[..from].iter().collect();
    let mid: String = chars[from..to].iter().collect();
    let after: String = chars[to..].iter().collect();
    format!("{before}{UNDERLINE}{mid}{RESET}{after}")
}

/// Greedy word wrap, as Terraform wraps diagnostic details.
fn wrap(para: &str, width: usize) -> Vec<String> {
    if para.is_empty() {
        return vec![String::new()];
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in para.split(' ') {
        let cur_len = cur.chars().count();
        if cur_len > 0 && cur_len + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use std::sync::Arc;

    fn sample() -> (Diagnostic, SourceMap) {
        let text = "resource \"terraform_data\" \"r\" {\n  lifecycle {\n    bogus = 1\n  }\n}\n";
        let mut f = SourceFile::new("main.tf", text);
        f.add_block(
            0..text.len() - 1,
            "resource \"terraform_data\" \"r\"".into(),
        );
        let start = text.find("bogus").unwrap_or(0);
        let subject = f.range(start..start + 5);
        let mut map = SourceMap::new();
        map.insert_file(Arc::new(f));
        let d = Diagnostic::error(
            "Unsupported argument",
            "An argument named \"bogus\" is not expected here.",
        )
        .with_subject(subject)
        .with_help("remove it, or check the spelling");
        (d, map)
    }

    #[test]
    fn boxed_plain() {
        let (d, map) = sample();
        let out = render_diagnostic(&d, &map, RenderOptions::default());
        let want = "╷\n\
│ Error: Unsupported argument\n\
│ \n\
│   on main.tf line 3, in resource \"terraform_data\" \"r\":\n\
│    3:     bogus = 1\n\
│ \n\
│ An argument named \"bogus\" is not expected here.\n\
│ help: remove it, or check the spelling\n\
╵\n";
        assert_eq!(out, want);
    }

    #[test]
    fn colour_underlines_the_subject() {
        let (d, map) = sample();
        let opts = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        let out = render_diagnostic(&d, &map, opts);
        assert!(out.contains("    \x1b[4mbogus\x1b[0m = 1"), "{out}");
        assert!(out.contains("\x1b[1m\x1b[31mError: \x1b[0m"), "{out}");
    }

    #[test]
    fn address_line_before_location() {
        let (d, map) = sample();
        let d = d.with_address("terraform_data.r");
        let out = render_diagnostic(&d, &map, RenderOptions::default());
        assert!(
            out.contains("│   with terraform_data.r,\n│   on main.tf line 3, in resource"),
            "{out}"
        );
    }

    #[test]
    fn consolidates_warnings_with_the_same_summary() {
        let mut diags = crate::Diagnostics::new();
        for _ in 0..3 {
            diags.push(Diagnostic::warning("Quoted references are deprecated", "x"));
        }
        diags.push(Diagnostic::error("E", ""));
        diags.push(Diagnostic::error("E", ""));
        let c = consolidate_warnings(&diags);
        assert_eq!(c.len(), 3);
        let first = c
            .iter()
            .next()
            .map(|d| d.detail.clone())
            .unwrap_or_default();
        assert_eq!(first, "x\n\n(and 2 more similar warnings elsewhere)");
    }

    #[test]
    fn wraps_detail() {
        let d = Diagnostic::error("S", "word ".repeat(30).trim_end().to_string());
        let out = render_diagnostic(
            &d,
            &SourceMap::new(),
            RenderOptions {
                color: false,
                boxed: false,
                width: Some(20),
            },
        );
        assert!(out.lines().all(|l| l.chars().count() <= 20), "{out}");
        assert!(
            out.starts_with("\nError: S\n\nword word word word\n"),
            "{out}"
        );
    }
}
