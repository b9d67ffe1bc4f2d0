//! Source positions and ranges, as Terraform reports them.

use std::fmt;
use std::sync::Arc;

/// A position in a source file: 1-based line and column (in characters), and
/// the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// 0-based byte offset into the file.
    pub byte: usize,
}

impl Pos {
    /// Computes the position of a byte offset within `src`.
    pub fn from_byte(src: &str, byte: usize) -> Pos {
        let byte = byte.min(src.len());
        let before = src.get(..byte).unwrap_or(src);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before
            .get(line_start..)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Pos { line, column, byte }
    }
}

/// A range within one named source file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRange {
    /// The file name as the user should see it (relative to the working dir).
    pub filename: Arc<str>,
    /// Start position (inclusive).
    pub start: Pos,
    /// End position (exclusive).
    pub end: Pos,
}

impl SourceRange {
    /// Builds a range from byte offsets within `src`.
    pub fn from_bytes(filename: Arc<str>, src: &str, start: usize, end: usize) -> Self {
        SourceRange {
            filename,
            start: Pos::from_byte(src, start),
            end: Pos::from_byte(src, end),
        }
    }
}

impl fmt::Display for SourceRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.filename, self.start.line, self.start.column
        )
    }
}
