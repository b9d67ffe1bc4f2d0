//! Errors reported by the formatter. Their messages follow the wording of
//! `terraform fmt` where it has one.

use unicode_segmentation::UnicodeSegmentation;

/// Everything that can go wrong while formatting.
#[derive(Debug, thiserror::Error)]
pub enum FmtError {
    /// The source is not valid native syntax, so it is left alone.
    #[error("{}", located(file, *line, *column, summary, detail))]
    Syntax {
        /// File name as displayed (`<stdin>`, a path, or empty for a string).
        file: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// Byte offset where the offending source starts.
        byte: usize,
        /// Byte offset where the offending source ends (exclusive).
        end_byte: usize,
        /// Short summary, as Terraform words it ("Invalid expression").
        summary: String,
        /// One-sentence explanation.
        detail: String,
    },
    /// A path given on the command line does not exist.
    #[error("No file or directory at {0}")]
    NotFound(String),
    /// A file path given on the command line has an extension fmt ignores.
    #[error("Only .tf, .tfvars, and .tftest.hcl files can be processed with terraform fmt")]
    UnsupportedFile(String),
    /// A file could not be read.
    #[error("Failed to read file {path}")]
    Read {
        /// Displayed path.
        path: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A directory could not be listed.
    #[error("Cannot read directory {path}")]
    ReadDir {
        /// Displayed path.
        path: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A formatted file could not be written back.
    #[error("Failed to write {path}")]
    Write {
        /// Displayed path.
        path: String,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing to the output stream failed.
    #[error("Failed to write result")]
    Output(#[source] std::io::Error),
    /// The current directory could not be determined.
    #[error("Cannot determine the working directory")]
    WorkingDir(#[source] std::io::Error),
    /// A run reported errors (each already carries its file); the files
    /// without errors were still processed. Exit status 2.
    #[error("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Failed {
        /// Every error, in the order they were found.
        errors: Vec<FmtError>,
        /// Files whose formatting differs, among those processed.
        changed: Vec<String>,
    },
}

/// The 1-based line and column (in characters) of byte `offset` of `src`.
pub(crate) fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let before = src.get(..offset.min(src.len())).unwrap_or("");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before
        .get(line_start..)
        .map_or(0, |s| s.graphemes(true).count())
        + 1;
    (line, column)
}

fn located(file: &str, line: usize, column: usize, summary: &str, detail: &str) -> String {
    if file.is_empty() {
        format!("line {line}, column {column}: {summary}: {detail}")
    } else {
        format!("{file}:{line},{column}: {summary}: {detail}")
    }
}

impl FmtError {
    /// Builds a syntax error located at byte `offset` of `src`.
    pub(crate) fn syntax_at(
        src: &str,
        offset: usize,
        end: usize,
        summary: String,
        detail: String,
    ) -> Self {
        let offset = offset.min(src.len());
        let (line, column) = line_column(src, offset);
        FmtError::Syntax {
            file: String::new(),
            line,
            column,
            byte: offset,
            end_byte: end.clamp(offset, src.len()),
            summary,
            detail,
        }
    }

    /// Attaches a file name to a syntax error.
    pub(crate) fn in_file(self, name: &str) -> Self {
        match self {
            FmtError::Syntax {
                line,
                column,
                byte,
                end_byte,
                summary,
                detail,
                ..
            } => FmtError::Syntax {
                file: name.to_string(),
                line,
                column,
                byte,
                end_byte,
                summary,
                detail,
            },
            other => other,
        }
    }
}
