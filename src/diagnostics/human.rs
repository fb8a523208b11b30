//! The terminal renderer of [`Diagnostic`] (miette's graphical report). Behind the `fancy`
//! feature: library users who only need diagnostics as data do not compile it.

use super::{Diagnostic, Severity, SourceFile, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// Render diagnostics for a terminal. `color` picks the themed or the plain renderer, so tests
/// and pipes get stable text.
pub fn render_human(file: &SourceFile, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let source = NamedText {
        name: file.name,
        text: file.text,
    };
    let mut out = String::new();
    for d in diagnostics {
        let shown = Shown {
            d,
            source: &source,
            text_len: file.text.len(),
        };
        // Writing into a String cannot fail; a miette error here would be a renderer bug, and
        // the plain line below still tells the user what is wrong.
        if handler.render_report(&mut out, &shown).is_err() {
            out.push_str(&format!(
                "{}[{}]: {}\n",
                severity_word(d.severity()),
                d.code.as_str(),
                d.message
            ));
        }
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

struct NamedText<'a> {
    name: &'a str,
    text: &'a str,
}

/// Lines longer than this (minified JSON, generated sources) are shown as a window around the
/// span instead of whole.
const LONG_LINE: usize = 240;
const WINDOW: usize = 80;

impl SourceCode for NamedText<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (start + span.len()).min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map(|n| n + 1).unwrap_or(0);
        let line_end = self.text[end..]
            .find('\n')
            .map(|n| end + n)
            .unwrap_or(self.text.len());
        if line_end - line_start > LONG_LINE {
            let mut from = start.saturating_sub(WINDOW).max(line_start);
            let mut to = (end + WINDOW).min(line_end);
            while !self.text.is_char_boundary(from) {
                from -= 1;
            }
            while !self.text.is_char_boundary(to) {
                to += 1;
            }
            let line = self.text[..line_start].matches('\n').count();
            let column = self.text[line_start..from].chars().count();
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                &self.text.as_bytes()[from..to],
                (from, to - from).into(),
                line,
                column,
                1,
            )));
        }
        let c = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            c.data(),
            *c.span(),
            c.line(),
            c.column(),
            c.line_count(),
        )))
    }
}

struct Shown<'a> {
    d: &'a Diagnostic,
    source: &'a NamedText<'a>,
    text_len: usize,
}

impl Shown<'_> {
    fn source_span(&self, span: Span) -> SourceSpan {
        let start = (span.start as usize).min(self.text_len);
        let end = (span.end as usize).min(self.text_len);
        (start, end - start).into()
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.d, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)?;
        if let Some(p) = &self.d.pointer {
            write!(f, " (at {})", if p.is_empty() { "/" } else { p })?;
        }
        Ok(())
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.d.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        match (&self.d.help, &self.d.fix) {
            (Some(h), _) => Some(Box::new(h)),
            (None, Some(fix)) => Some(Box::new(&fix.message)),
            _ => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(
                self.d
                    .label
                    .clone()
                    .unwrap_or_else(|| self.d.code.title().to_string()),
            ),
            self.source_span(self.d.span),
        );
        let secondary =
            self.d.secondary.iter().map(|l| {
                LabeledSpan::new_with_span(Some(l.message.clone()), self.source_span(l.span))
            });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
