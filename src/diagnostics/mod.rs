//! One diagnostic model for every phase.
//!
//! The parser, the checker, the lowering and the ASL validator all produce [`Diagnostic`]; the
//! terminal (miette), JSON, SARIF and the language server are renderers of this one type. Spans
//! are byte ranges into the file's text; line/column (and UTF-16 for LSP) are computed only at
//! the edge, from a [`LineIndex`].

mod codes;
#[cfg(feature = "fancy")]
mod human;
mod json;
mod line_index;
mod sarif;

pub use codes::{Code, Removed, REMOVED};
#[cfg(feature = "fancy")]
pub use human::render_human;
pub use json::{render_json, JsonReport};
pub use line_index::{LineCol, LineIndex};
pub use sarif::render_sarif;

use serde::Serialize;

/// A byte range into one source text. `u32` keeps spans small; inputs over 4 GiB are refused
/// before parsing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location: "defined here", "declared as float here".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A machine-applicable edit: replace `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    pub message: String,
    pub span: Span,
    pub replacement: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    /// The smallest span that shows the problem.
    pub span: Span,
    /// Text shown at the primary span; defaults to the message.
    pub label: Option<String>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// For diagnostics on JSON documents: the RFC 6901 pointer of the offending value.
    pub pointer: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            help: None,
            fix: None,
            pointer: None,
        }
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(
        mut self,
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.fix = Some(Fix {
            message: message.into(),
            span,
            replacement: replacement.into(),
        });
        self
    }

    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Diagnostic {
        self.pointer = Some(pointer.into());
        self
    }
}

/// In-place variants of the builders, for diagnostics already pushed to a list.
impl Diagnostic {
    pub fn set_label(&mut self, label: impl Into<String>) -> &mut Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn add_secondary(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn set_help(&mut self, help: impl Into<String>) -> &mut Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn set_fix(
        &mut self,
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> &mut Diagnostic {
        self.fix = Some(Fix {
            message: message.into(),
            span,
            replacement: replacement.into(),
        });
        self
    }
}

/// A source text with its name, as the renderers need it.
pub struct SourceFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Sort diagnostics by position so every renderer prints them in file order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code.as_str()).cmp(&(
            b.span.start,
            b.span.end,
            b.code.as_str(),
        ))
    });
}

/// Suggest the candidate closest to `name`: optimal string alignment distance (a swap of
/// neighbours counts as one edit) of at most a third of its length.
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let len = name.chars().count();
    // Names this long are not typos of a keyword; skip the quadratic comparison.
    if len > 64 {
        return None;
    }
    let limit = (len / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name && c.chars().count().abs_diff(len) <= limit)
        .map(|c| {
            (
                strsim::osa_distance(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_names() {
        assert_eq!(
            did_you_mean("Featurize", ["Featurise", "TrainXGB"]),
            Some("Featurise")
        );
        assert_eq!(did_you_mean("Zzz", ["Featurise", "TrainXGB"]), None);
        assert_eq!(did_you_mean("imgae", ["image", "instance"]), Some("image"));
        assert_eq!(
            did_you_mean("aucthreshold", ["AucThreshold"]),
            Some("AucThreshold")
        );
    }
}
