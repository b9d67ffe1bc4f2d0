//! Diagnostics: the values every stage of terrane reports problems with.
//!
//! A [`Diagnostic`] is data, not an error: a severity, a short fixed summary
//! ("Unsupported argument"), a detail sentence, the source range it is about,
//! an optional object address and an optional `help:` hint. Stages collect them
//! in [`Diagnostics`] and pass the collection upward, so warnings are never lost
//! and one run reports every problem it can find. Rendering to a terminal
//! (with source snippets) and to Terraform's `validate -json` shape lives here
//! too, so every command prints diagnostics the same way.
//!
//! Source files are indexed once ([`SourceFile`] keeps line starts), so
//! turning byte spans into line/column positions is O(log n) even for
//! configurations with tens of thousands of blocks.
//!
//! This crate sits at the bottom of the engine: it depends only on
//! `terrane-addrs` and serde, never on the parser, evaluator, CLI or
//! `miette::Report` (the binary may adapt diagnostics to miette at its edge).

mod json;
mod offsets;
mod range;
mod render;
mod source;

pub use json::{JsonDiagnostic, JsonPos, JsonRange, JsonSnippet, ValidateOutput};
pub use offsets::OffsetMap;
pub use range::{Pos, SourceRange};
pub use render::{consolidate_warnings, render_diagnostic, render_diagnostics, RenderOptions};
pub use source::{SourceFile, SourceMap};

use std::fmt;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The operation cannot go on.
    Error,
    /// Worth reading; the operation goes on.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short, fixed summary, as Terraform words it ("Unsupported argument").
    pub summary: String,
    /// The full explanation for this occurrence.
    pub detail: String,
    /// The source range the problem is about, when there is one.
    pub subject: Option<SourceRange>,
    /// The wider range (e.g. the whole expression) around `subject`.
    pub context: Option<SourceRange>,
    /// The object the problem is about (e.g. `aws_instance.web[0]`).
    pub address: Option<String>,
    /// What to do about it, where that is obvious ("did you mean `aws_subnet`?").
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new error with a summary and detail and no source range.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(Severity::Error, summary, detail)
    }

    /// A new warning with a summary and detail and no source range.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(Severity::Warning, summary, detail)
    }

    fn new(severity: Severity, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            summary: summary.into(),
            detail: detail.into(),
            subject: None,
            context: None,
            address: None,
            help: None,
        }
    }

    /// Attaches the source range the diagnostic is about.
    pub fn with_subject(mut self, range: SourceRange) -> Self {
        self.subject = Some(range);
        self
    }

    /// Attaches the wider context range.
    pub fn with_context(mut self, range: SourceRange) -> Self {
        self.context = Some(range);
        self
    }

    /// Attaches the address of the object concerned.
    pub fn with_address(mut self, address: impl Into<String>) -> Self {
        self.address = Some(address.into());
        self
    }

    /// Attaches a `help:` hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.summary)?;
        if let Some(r) = &self.subject {
            write!(f, " ({r})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// An ordered collection of diagnostics, passed upward through every stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all diagnostics of another collection.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// True when there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates in insertion order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Consumes the collection into a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}
