//! The stable JSON report of `--format json`.

use super::{Diagnostic, LineCol, LineIndex, Severity, SourceFile, Span};
use serde::Serialize;

/// The `--format json` report: one document for all files of a run. Its shape is described by
/// `schemas/diagnostics.schema.json` and only grows by new optional fields.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub files: Vec<JsonFile<'a>>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct JsonFile<'a> {
    pub path: &'a str,
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize, Default)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    code: &'static str,
    severity: Severity,
    title: &'static str,
    message: &'a str,
    span: Span,
    start: LineCol,
    end: LineCol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    span: Span,
    start: LineCol,
    end: LineCol,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    message: &'a str,
    span: Span,
    replacement: &'a str,
}

impl<'a> JsonReport<'a> {
    pub fn new() -> JsonReport<'a> {
        JsonReport {
            version: 1,
            files: Vec::new(),
            summary: Summary::default(),
        }
    }

    pub fn add(&mut self, file: &SourceFile<'a>, diagnostics: &'a [Diagnostic]) {
        let index = LineIndex::new(file.text);
        let diagnostics = diagnostics
            .iter()
            .map(|d| {
                match d.severity() {
                    Severity::Error => self.summary.errors += 1,
                    Severity::Warning => self.summary.warnings += 1,
                }
                JsonDiagnostic {
                    code: d.code.as_str(),
                    severity: d.severity(),
                    title: d.code.title(),
                    message: &d.message,
                    span: d.span,
                    start: index.line_col(d.span.start),
                    end: index.line_col(d.span.end),
                    pointer: d.pointer.as_deref(),
                    labels: d
                        .secondary
                        .iter()
                        .map(|l| JsonLabel {
                            message: &l.message,
                            span: l.span,
                            start: index.line_col(l.span.start),
                            end: index.line_col(l.span.end),
                        })
                        .collect(),
                    help: d.help.as_deref(),
                    fix: d.fix.as_ref().map(|f| JsonFix {
                        message: &f.message,
                        span: f.span,
                        replacement: &f.replacement,
                    }),
                }
            })
            .collect();
        self.files.push(JsonFile {
            path: file.name,
            diagnostics,
        });
    }
}

impl Default for JsonReport<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// Render one file's diagnostics as a JSON report (convenience for tests and single files).
pub fn render_json(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let mut report = JsonReport::new();
    report.add(file, diagnostics);
    serde_json::to_string_pretty(&report).unwrap_or_default()
}
