//! Between byte spans and LSP positions (UTF-16, as the protocol requires), and from our
//! diagnostics to LSP's.

use crate::diagnostics::{Diagnostic, LineIndex, Severity, Span};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range,
    Uri,
};

pub fn position(index: &LineIndex, offset: u32) -> Position {
    let lc = index.line_col(offset);
    Position {
        line: lc.line - 1,
        character: lc.column_utf16 - 1,
    }
}

pub fn range(index: &LineIndex, span: Span) -> Range {
    Range {
        start: position(index, span.start),
        end: position(index, span.end),
    }
}

pub fn offset(index: &LineIndex, p: Position) -> usize {
    index.offset_utf16(p.line, p.character)
}

pub fn diagnostic(index: &LineIndex, uri: &Uri, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(h) = &d.help {
        message.push_str(&format!("\nhelp: {h}"));
    }
    if let Some(p) = &d.pointer {
        message.push_str(&format!("\nat {}", if p.is_empty() { "/" } else { p }));
    }
    lsp_types::Diagnostic {
        range: range(index, d.span),
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("aslc".into()),
        message,
        related_information: (!d.secondary.is_empty()).then(|| {
            d.secondary
                .iter()
                .map(|l| DiagnosticRelatedInformation {
                    location: Location {
                        uri: uri.clone(),
                        range: range(index, l.span),
                    },
                    message: l.message.clone(),
                })
                .collect()
        }),
        ..Default::default()
    }
}
