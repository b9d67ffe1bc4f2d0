//! `terrane fmt`: canonical formatting of Terraform-language source,
//! byte-for-byte identical to `terraform fmt`.
//!
//! This crate owns the whole of `fmt`: a scanner for the HCL native syntax
//! (`lexer`), a validating parser that refuses invalid files with the same
//! first error Terraform reports (`parser`), Terraform's pre-format rewrites
//! (unwrapping `"${x}"`, modernising legacy `variable` types, quoting block
//! labels; `rewrite`), the layout pass (`layout`), unified diffs (`diff`)
//! and the command semantics (`-check`, `-diff`, `-list`, `-write`,
//! `-recursive`; [`run`], [`run_stdin`]).
//!
//! It depends on no other terrane crate and on no HCL library: Terraform's
//! formatter is defined on the flat token stream (indentation counts
//! brackets per line, spacing is a table over adjacent token kinds,
//! alignment pads cells of consecutive lines), and an AST-based parser such
//! as `hcl-edit` neither exposes every token nor keeps the exact token
//! boundaries those rules are written against. Owning the lexer is what makes
//! exact compatibility possible; the parser exists only to validate and to
//! say which token ranges are attribute values and block labels.
//!
//! Terraform's quirks are reproduced on purpose, because the goal is
//! byte-identical output: comments between a block's type and its labels
//! are dropped; a quoted label the reference scanner splits into several
//! literal tokens (any label containing `$` or `%` besides a lone `$`/`%`
//! or an escaped `$${`/`%%{`) is dropped; one level of `"${...}"` is
//! unwrapped per run; and the first error reported is the one Terraform
//! lists first (its diagnostics are sorted by position).

mod diff;
mod error;
mod layout;
mod lexer;
mod parser;
mod rewrite;
mod run;
mod strlit;
mod token;

pub use error::FmtError;
pub use run::{run, run_stdin, FmtOptions, FmtOutcome};

/// Formats `src` canonically, as `terraform fmt` would.
///
/// Returns an [`FmtError::Syntax`] (with an empty file name) if `src` is not
/// valid native syntax; like Terraform, invalid input is never reformatted.
pub fn format_source(src: &str) -> Result<String, FmtError> {
    format_source_named(src, "")
}

/// [`format_source`] for a file shown to the user as `name` (for example
/// `main.tf` or `<stdin>`): syntax errors carry that file name, and error
/// details that refer to another place in the file name it as Terraform
/// does ("already set at main.tf:1,1-2").
pub fn format_source_named(src: &str, name: &str) -> Result<String, FmtError> {
    let tokens = lexer::lex(src);
    let body = parser::parse(src, &tokens).map_err(|e| {
        // The error covers the token it points at, if it points at one.
        let end = tokens
            .binary_search_by_key(&e.start, |t| t.start)
            .map_or(e.start, |i| tokens[i].end);
        let at = match e.at {
            Some((from, to)) if !name.is_empty() => {
                let (l1, c1) = error::line_column(src, from);
                let (l2, c2) = error::line_column(src, to);
                if l1 == l2 {
                    format!(" at {name}:{l1},{c1}-{c2}")
                } else {
                    format!(" at {name}:{l1},{c1}-{l2},{c2}")
                }
            }
            _ => String::new(),
        };
        let detail = e.detail.replace(parser::AT, &at);
        FmtError::syntax_at(src, e.start, end, e.summary, detail).in_file(name)
    })?;
    let mut laid = rewrite::rewrite(src, &tokens, &body);
    layout::layout(&mut laid);
    Ok(layout::render(&laid))
}

/// Whether `name` has an extension `terraform fmt` processes.
pub fn is_supported_file(name: &str) -> bool {
    run::SUPPORTED_EXTS.iter().any(|ext| name.ends_with(ext))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::format_source;

    #[test]
    fn aligns_and_spaces() {
        let out = format_source("a=1\nbbb   =  [1,2]\n").unwrap();
        assert_eq!(out, "a   = 1\nbbb = [1, 2]\n");
    }

    #[test]
    fn indents_blocks() {
        let out = format_source("resource \"a\" \"b\" {\nx=1\n  nested {\n y = 2\n}\n}\n").unwrap();
        assert_eq!(
            out,
            "resource \"a\" \"b\" {\n  x = 1\n  nested {\n    y = 2\n  }\n}\n"
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_a_crash() {
        let ok = format!("a = {}1{}\n", "[".repeat(150), "]".repeat(150));
        assert!(format_source(&ok).is_ok());
        for open in ["[", "(", "{a = ", "-", "!", "f("] {
            let src = format!("a = {}1\n", open.repeat(100_000));
            assert!(format_source(&src).is_err());
        }
        let blocks = format!("{}\n", "b {\n".repeat(100_000));
        assert!(format_source(&blocks).is_err());
        let templates = format!("a = {}\n", "\"${".repeat(100_000));
        assert!(format_source(&templates).is_err());
    }

    #[test]
    fn refuses_invalid() {
        assert!(format_source("a = \n").is_err());
        assert!(format_source("a = 1 b = 2\n").is_err());
        assert!(format_source("a = 1\na = 2\n").is_err());
    }

    // Found by fuzzing (fuzz/, target fmt): the output of this input does
    // not parse again. Terraform v1.11.4's `fmt` does exactly the same
    // (spacing glues the legacy index `.8` to the number before it), so
    // the output is kept byte-identical and the second run's error is the
    // one Terraform gives.
    #[test]
    fn legacy_index_after_number_is_glued_as_terraform_does() {
        assert_eq!(format_source("m =8 .8 .7\n").unwrap(), "m = 8.8.7\n");
        let err = format_source("m = 8.8.7\n").unwrap_err().to_string();
        assert!(err.contains("Invalid number literal"), "{err}");
    }
}
