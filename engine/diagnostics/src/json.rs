//! Terraform's `validate -json` output shape, with serde.

use crate::{Diagnostic, Diagnostics, Severity, SourceMap, SourceRange};
use serde::{Deserialize, Serialize};

/// The whole `validate -json` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidateOutput {
    /// Always `"1.0"`.
    pub format_version: String,
    /// True when there are no errors.
    pub valid: bool,
    /// Number of errors.
    pub error_count: usize,
    /// Number of warnings.
    pub warning_count: usize,
    /// Every diagnostic.
    pub diagnostics: Vec<JsonDiagnostic>,
}

impl ValidateOutput {
    /// Builds the document from diagnostics and the sources they point into.
    pub fn new(diags: &Diagnostics, sources: &SourceMap) -> Self {
        let error_count = diags.errors().count();
        ValidateOutput {
            format_version: "1.0".to_string(),
            valid: error_count == 0,
            error_count,
            warning_count: diags.len() - error_count,
            diagnostics: diags
                .iter()
                .map(|d| JsonDiagnostic::new(d, sources))
                .collect(),
        }
    }

    /// Pretty JSON, as `terraform validate -json` prints it.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// One diagnostic in Terraform's JSON shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonDiagnostic {
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// The fixed summary.
    pub summary: String,
    /// The detail text.
    pub detail: String,
    /// The object the diagnostic is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<String>,
    /// The subject range, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub range: Option<JsonRange>,
    /// The source snippet, if the source is known.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub snippet: Option<JsonSnippet>,
}

/// A range in JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonRange {
    /// File name.
    pub filename: String,
    /// Start position.
    pub start: JsonPos,
    /// End position.
    pub end: JsonPos,
}

/// A position in JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonPos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// 0-based byte offset.
    pub byte: usize,
}

/// The snippet Terraform attaches to a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonSnippet {
    /// The enclosing top-level block header, or null.
    pub context: Option<String>,
    /// The source lines shown.
    pub code: String,
    /// The line number of the first line of `code`.
    pub start_line: usize,
    /// Byte offset in `code` where the subject starts.
    pub highlight_start_offset: usize,
    /// Byte offset in `code` where the subject ends.
    pub highlight_end_offset: usize,
    /// Expression values (terrane does not report them yet: always empty).
    pub values: Vec<serde_json::Value>,
}

fn pos(p: crate::Pos) -> JsonPos {
    JsonPos {
        line: p.line,
        column: p.column,
        byte: p.byte,
    }
}

impl JsonDiagnostic {
    /// Converts one diagnostic.
    pub fn new(d: &Diagnostic, sources: &SourceMap) -> Self {
        JsonDiagnostic {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            }
            .to_string(),
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            address: d.address.clone(),
            range: d.subject.as_ref().map(|r| JsonRange {
                filename: r.filename.to_string(),
                start: pos(r.start),
                end: pos(r.end),
            }),
            snippet: d
                .subject
                .as_ref()
                .and_then(|s| snippet(s, d.context.as_ref(), sources)),
        }
    }
}

fn snippet(
    subject: &SourceRange,
    context: Option<&SourceRange>,
    sources: &SourceMap,
) -> Option<JsonSnippet> {
    let file = sources.get(&subject.filename)?;
    let range = context.unwrap_or(subject);
    let first = range.start.line.min(subject.start.line);
    let last = range.end.line.max(subject.end.line).max(first);
    let mut code = String::new();
    for n in first..=last {
        let Some(l) = file.line(n) else { break };
        if n > first {
            code.push('\n');
        }
        code.push_str(l);
    }
    let code_start = line_start_byte(file.text(), first);
    let hs = subject
        .start
        .byte
        .saturating_sub(code_start)
        .min(code.len());
    let he = subject
        .end
        .byte
        .saturating_sub(code_start)
        .min(code.len())
        .max(hs);
    Some(JsonSnippet {
        context: file.context_at(subject.start.byte).map(str::to_string),
        code,
        start_line: first,
        highlight_start_offset: hs,
        highlight_end_offset: he,
        values: Vec::new(),
    })
}

fn line_start_byte(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map(|(i, _)| i + 1)
        .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use std::sync::Arc;

    #[test]
    fn matches_terraform_shape() {
        let text = "provider \"aws\" {}\nprovider \"aws\" {}\n";
        let f = SourceFile::new("main.tf", text);
        let subject = f.range(18..32);
        let mut map = SourceMap::new();
        map.insert_file(Arc::new(f));
        let d =
            Diagnostic::error("Duplicate provider configuration", "detail").with_subject(subject);
        let out = ValidateOutput::new(&Diagnostics::from(d), &map);
        let v: serde_json::Value = serde_json::from_str(&out.to_json_pretty()).unwrap_or_default();
        let want = serde_json::json!({
            "format_version": "1.0", "valid": false, "error_count": 1, "warning_count": 0,
            "diagnostics": [{
                "severity": "error", "summary": "Duplicate provider configuration", "detail": "detail",
                "range": {"filename": "main.tf",
                          "start": {"line": 2, "column": 1, "byte": 18},
                          "end": {"line": 2, "column": 15, "byte": 32}},
                "snippet": {"context": null, "code": "provider \"aws\" {}", "start_line": 2,
                            "highlight_start_offset": 0, "highlight_end_offset": 14, "values": []}
            }]
        });
        assert_eq!(v, want);
    }

    #[test]
    fn valid_when_empty() {
        let out = ValidateOutput::new(&Diagnostics::new(), &SourceMap::new());
        assert_eq!(
            out.to_json_pretty(),
            "{\n  \"format_version\": \"1.0\",\n  \"valid\": true,\n  \"error_count\": 0,\n  \"warning_count\": 0,\n  \"diagnostics\": []\n}"
        );
    }
}
