//! Source files and the map from file names to their text, used to turn byte
//! offsets into positions and to show source snippets in diagnostics.

use crate::{Pos, SourceRange};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

/// One source file: its name, text, a line index for O(log n) position
/// lookups, and the headers of its top-level blocks (for the `in resource
/// "x" "y"` context Terraform prints).
#[derive(Debug, Clone)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    line_starts: Vec<usize>,
    blocks: Vec<(Range<usize>, String)>,
}

impl SourceFile {
    /// Indexes a file's text.
    pub fn new(name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            blocks: Vec::new(),
        }
    }

    /// The file name as shown to users.
    pub fn name(&self) -> &Arc<str> {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The whole text, shared.
    pub fn text_arc(&self) -> Arc<str> {
        self.text.clone()
    }

    /// Records the byte range and header (`resource "a" "b"`) of a top-level
    /// block. Blocks must be added in source order.
    pub fn add_block(&mut self, range: Range<usize>, header: String) {
        self.blocks.push((range, header));
    }

    /// The position of a byte offset (clamped to the text).
    pub fn pos(&self, byte: usize) -> Pos {
        let byte = byte.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..byte)
            .map(|s| s.chars().count())
            .unwrap_or(byte - start)
            + 1;
        Pos {
            line: line_idx + 1,
            column,
            byte,
        }
    }

    /// A range from byte offsets.
    pub fn range(&self, span: Range<usize>) -> SourceRange {
        SourceRange {
            filename: self.name.clone(),
            start: self.pos(span.start),
            end: self.pos(span.end.max(span.start)),
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map(|e| e.saturating_sub(1))
            .unwrap_or(self.text.len());
        self.text
            .get(start..end.max(start))
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    /// The header of the top-level block around `byte`, when `byte` is inside
    /// it but not at its very start (Terraform's snippet "context").
    pub fn context_at(&self, byte: usize) -> Option<&str> {
        let idx = self.blocks.partition_point(|(r, _)| r.start <= byte);
        let (r, header) = self.blocks.get(idx.checked_sub(1)?)?;
        (byte > r.start && byte < r.end).then_some(header.as_str())
    }
}

/// File name to source file, for rendering diagnostics with snippets.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: BTreeMap<Arc<str>, Arc<SourceFile>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file by name and text.
    pub fn insert(&mut self, name: impl Into<Arc<str>>, text: impl Into<Arc<str>>) {
        let file = SourceFile::new(name, text);
        self.files.insert(file.name.clone(), Arc::new(file));
    }

    /// Adds (or replaces) an indexed file.
    pub fn insert_file(&mut self, file: Arc<SourceFile>) {
        self.files.insert(file.name.clone(), file);
    }

    /// Adds every file of another map.
    pub fn extend(&mut self, other: &SourceMap) {
        for (k, v) in &other.files {
            self.files.insert(k.clone(), v.clone());
        }
    }

    /// Looks up a file.
    pub fn get(&self, name: &str) -> Option<&Arc<SourceFile>> {
        self.files.get(name)
    }

    /// The file contents for a name.
    pub fn contents(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|f| f.text())
    }

    /// Iterates files in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<SourceFile>> {
        self.files.values()
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_match_the_slow_path() {
        let text = "a = 1\nbé = \"x\"\r\n\nlast";
        let f = SourceFile::new("m.tf", text);
        for b in 0..=text.len() {
            if text.is_char_boundary(b) {
                assert_eq!(f.pos(b), Pos::from_byte(text, b), "byte {b}");
            }
        }
        assert_eq!(f.line(2), Some("bé = \"x\""));
        assert_eq!(f.line(4), Some("last"));
        assert_eq!(f.line(5), None);
    }

    #[test]
    fn context_is_the_enclosing_block() {
        let mut f = SourceFile::new("m.tf", "resource \"a\" \"b\" {\n  x = 1\n}\n");
        f.add_block(0..29, "resource \"a\" \"b\"".into());
        assert_eq!(f.context_at(22), Some("resource \"a\" \"b\""));
        assert_eq!(f.context_at(0), None);
        assert_eq!(f.context_at(29), None);
    }
}
