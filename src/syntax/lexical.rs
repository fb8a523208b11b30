//! Tokens read directly from the text with nom: whitespace and comments, words, string
//! literals with interpolation, numbers and durations. Also the parser's error type.

use super::ast::{Ident, StrLit, StrPart};
use crate::diagnostics::{Code, Diagnostic, Span};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, InputTake, Slice};
use nom_locate::LocatedSpan;
use std::cell::{Cell, RefCell};

/// Parser state shared by every position: the collected diagnostics and the nesting depth.
#[derive(Default)]
pub struct State {
    pub errors: RefCell<Vec<PErr>>,
    pub depth: Cell<u32>,
}

pub type In<'a> = LocatedSpan<&'a str, &'a State>;
pub type PResult<'a, T> = IResult<In<'a>, T, PErr>;

/// Limit on nesting of steps and expressions (the parser's `nested` guard): deep enough for any real pipeline,
/// shallow enough that recursion cannot exhaust the stack.
pub const MAX_DEPTH: u32 = 64;

/// What the parser expected. Every failed alternative builds one, so it holds static text and
/// is only formatted when it becomes a diagnostic.
#[derive(Clone, Copy, Debug)]
pub enum Expected {
    /// A description: "a value", "a step or a declaration".
    Phrase(&'static str),
    /// A keyword or punctuation, shown in backticks.
    Token(&'static str),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Phrase(p) => f.write_str(p),
            Expected::Token(t) => write!(f, "`{t}`"),
        }
    }
}

/// The parser's error: where, what was expected, and optionally a code and a secondary label.
#[derive(Clone, Debug)]
pub struct PErr {
    pub offset: usize,
    pub len: usize,
    pub expected: Expected,
    pub code: Code,
    pub secondary: Option<(Span, String)>,
    /// A complete message that replaces "expected X, found Y".
    pub message: Option<String>,
}

impl PErr {
    pub fn at(i: &In, expected: &'static str) -> PErr {
        PErr::expecting(i, Expected::Phrase(expected))
    }

    pub fn expecting(i: &In, expected: Expected) -> PErr {
        PErr {
            offset: i.location_offset(),
            len: 0,
            expected,
            code: Code::E001,
            secondary: None,
            message: None,
        }
    }

    pub fn custom(span: Span, code: Code, message: impl Into<String>) -> PErr {
        PErr {
            offset: span.start as usize,
            len: span.len(),
            expected: Expected::Phrase(""),
            code,
            secondary: None,
            message: Some(message.into()),
        }
    }

    /// Turn into a diagnostic, naming the token found at the error position.
    pub fn into_diagnostic(self, src: &str) -> Diagnostic {
        let (found, found_len) = token_at(src, self.offset);
        // A giant token (a 10 MB word) is marked by its start; the message already names it.
        let len = if self.len > 0 { self.len } else { found_len }.min(64);
        let span = Span::new(self.offset, (self.offset + len).min(src.len()));
        let message = self
            .message
            .unwrap_or_else(|| format!("expected {}, found {}", self.expected, found));
        let mut d = Diagnostic::new(self.code, span, message);
        if let Some((s, m)) = self.secondary {
            d = d.with_secondary(s, m);
        }
        d
    }
}

/// A short description of the token at `offset` and its length in bytes.
fn token_at(src: &str, offset: usize) -> (String, usize) {
    let rest = src.get(offset..).unwrap_or("");
    match rest.chars().next() {
        None => ("end of file".to_string(), 0),
        Some(c) if is_word_char(c) => {
            let len = rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len());
            let shown: String = rest[..len].chars().take(40).collect();
            let ellipsis = if len > shown.len() { "…" } else { "" };
            (format!("`{shown}{ellipsis}`"), len)
        }
        Some('\n') => ("end of line".to_string(), 0),
        Some(c) => (format!("`{}`", c.escape_default()), c.len_utf8()),
    }
}

impl<'a> ParseError<In<'a>> for PErr {
    fn from_error_kind(input: In<'a>, _kind: ErrorKind) -> Self {
        PErr::at(&input, "a valid token")
    }

    fn append(_input: In<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two failed alternatives, the one that got further names the real problem.
    fn or(self, other: Self) -> Self {
        if other.offset >= self.offset {
            other
        } else {
            self
        }
    }
}

pub fn fail<T>(i: &In, expected: &'static str) -> PResult<'static, T> {
    Err(nom::Err::Error(PErr::at(i, expected)))
}

fn fail_token<T>(i: &In, token: &'static str) -> PResult<'static, T> {
    Err(nom::Err::Error(PErr::expecting(i, Expected::Token(token))))
}

pub fn span_between(start: &In, end: &In) -> Span {
    Span::new(start.location_offset(), end.location_offset())
}

pub fn advance<'a>(i: In<'a>, n: usize) -> In<'a> {
    i.slice(n..)
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Names may also hold hyphens inside (`Train-Model`, as SageMaker step names do), never at
/// the end: `Step-` stops before the hyphen.
fn is_name_char(c: char) -> bool {
    is_word_char(c) || c == '-'
}

/// Skip whitespace and comments (`// …` to the end of the line, `/* … */`).
pub fn ws(mut i: In) -> PResult<()> {
    loop {
        let s = *i.fragment();
        let trimmed = s.trim_start();
        i = advance(i, s.len() - trimmed.len());
        if trimmed.starts_with("//") {
            let end = trimmed.find('\n').unwrap_or(trimmed.len());
            i = advance(i, end);
        } else if let Some(body) = trimmed.strip_prefix("/*") {
            match body.find("*/") {
                Some(end) => i = advance(i, end + 4),
                None => {
                    let span = Span::new(i.location_offset(), i.location_offset() + 2);
                    return Err(nom::Err::Failure(PErr::custom(
                        span,
                        Code::E001,
                        "unterminated block comment",
                    )));
                }
            }
        } else {
            return Ok((i, ()));
        }
    }
}

/// An identifier after optional whitespace.
pub fn word(i: In) -> PResult<Ident> {
    let (i, _) = ws(i)?;
    let s = *i.fragment();
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if is_word_start(c) => {}
        _ => return fail(&i, "a name"),
    }
    let len = s
        .char_indices()
        .find(|(_, c)| !is_name_char(*c))
        .map(|(n, _)| n)
        .unwrap_or(s.len());
    let len = s[..len].trim_end_matches('-').len();
    let (rest, taken) = i.take_split(len);
    Ok((
        rest,
        Ident {
            name: taken.fragment().to_string(),
            span: span_between(&taken, &rest),
        },
    ))
}

/// A given keyword (not a prefix of a longer word).
pub fn keyword<'a>(kw: &'static str) -> impl Fn(In<'a>) -> PResult<'a, Ident> {
    move |i: In<'a>| {
        let start = i;
        match word(i) {
            Ok((rest, w)) if w.name == kw => Ok((rest, w)),
            _ => {
                let (at, _) = ws(start)?;
                fail_token(&at, kw)
            }
        }
    }
}

/// A punctuation token after optional whitespace; returns its span.
pub fn sym<'a>(s: &'static str) -> impl Fn(In<'a>) -> PResult<'a, Span> {
    move |i: In<'a>| {
        let (i, _) = ws(i)?;
        if i.fragment().starts_with(s) {
            let (rest, taken) = i.take_split(s.len());
            Ok((rest, span_between(&taken, &rest)))
        } else {
            fail_token(&i, s)
        }
    }
}

pub fn peek_sym(i: In, s: &str) -> bool {
    match ws(i) {
        Ok((i, _)) => i.fragment().starts_with(s),
        Err(_) => false,
    }
}

pub fn at_end(i: In) -> bool {
    match ws(i) {
        Ok((i, _)) => i.fragment().is_empty(),
        Err(_) => false,
    }
}

/// A double-quoted string with escapes and `{Name}` / `{Step.output}` interpolations.
pub fn string_lit(i: In) -> PResult<StrLit> {
    let (i, _) = ws(i)?;
    let s = *i.fragment();
    if !s.starts_with('"') {
        return fail(&i, "a string");
    }
    let base = i.location_offset();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((n, c)) = chars.next() {
        match c {
            '"' => {
                if !text.is_empty() || parts.is_empty() {
                    parts.push(StrPart::Text(text));
                }
                let rest = advance(i, n + 1);
                return Ok((
                    rest,
                    StrLit {
                        parts,
                        span: Span::new(base, base + n + 1),
                    },
                ));
            }
            '\n' => break,
            '\\' => {
                let Some((m, e)) = chars.next() else { break };
                let ch = match e {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '{' => '{',
                    '}' => '}',
                    _ => {
                        let span = Span::new(base + n, base + m + e.len_utf8());
                        return Err(nom::Err::Failure(PErr::custom(
                            span,
                            Code::E003,
                            format!(
                                "unknown escape `\\{}` (use \\\\, \\\", \\n, \\t, \\{{ or \\}})",
                                e.escape_default()
                            ),
                        )));
                    }
                };
                text.push(ch);
            }
            '{' => {
                let close = s[n..].find(['}', '"', '\n']).map(|k| n + k);
                let Some(close) = close.filter(|k| s.as_bytes()[*k] == b'}') else {
                    let span = Span::new(base + n, base + n + 1);
                    return Err(nom::Err::Failure(PErr::custom(
                        span,
                        Code::E003,
                        "unclosed interpolation: expected `}` (write `\\{` for a literal brace)",
                    )));
                };
                let inner = &s[n + 1..close];
                let span = Span::new(base + n, base + close + 1);
                let segs: Vec<&str> = inner.split('.').collect();
                let valid = !inner.is_empty()
                    && segs.iter().all(|seg| {
                        seg.chars().next().is_some_and(is_word_start)
                            && seg.chars().all(is_name_char)
                            && !seg.ends_with('-')
                    });
                if !valid {
                    return Err(nom::Err::Failure(PErr::custom(
                        span,
                        Code::E003,
                        format!("invalid interpolation `{{{inner}}}`: expected `{{Name}}` or `{{Step.output}}`"),
                    )));
                }
                if !text.is_empty() {
                    parts.push(StrPart::Text(std::mem::take(&mut text)));
                }
                let mut off = base + n + 1;
                let idents = segs
                    .iter()
                    .map(|seg| {
                        let id = Ident {
                            name: seg.to_string(),
                            span: Span::new(off, off + seg.len()),
                        };
                        off += seg.len() + 1;
                        id
                    })
                    .collect();
                parts.push(StrPart::Interp(idents, span));
                while chars.peek().is_some_and(|(k, _)| *k <= close) {
                    chars.next();
                }
            }
            _ => text.push(c),
        }
    }
    let end = s.find('\n').unwrap_or(s.len());
    Err(nom::Err::Failure(PErr::custom(
        Span::new(base, base + end),
        Code::E002,
        "unterminated string: expected `\"` before the end of the line",
    )))
}

pub enum Number {
    Int(i64),
    Float(f64),
    Duration(u64),
}

/// An integer, a float, or a duration (`60s`, `90m`, `2h`, `30d`).
pub fn number(i: In) -> PResult<(Number, Span)> {
    let (i, _) = ws(i)?;
    let s = *i.fragment();
    let bytes = s.as_bytes();
    let mut n = 0;
    if bytes.first() == Some(&b'-') {
        n = 1;
    }
    let digits_start = n;
    while n < bytes.len() && bytes[n].is_ascii_digit() {
        n += 1;
    }
    if n == digits_start {
        return fail(&i, "a number");
    }
    let mut is_float = false;
    if n + 1 < bytes.len() && bytes[n] == b'.' && bytes[n + 1].is_ascii_digit() {
        is_float = true;
        n += 1;
        while n < bytes.len() && bytes[n].is_ascii_digit() {
            n += 1;
        }
    }
    let text = &s[..n];
    let base = i.location_offset();
    // A unit letter right after the digits makes a duration; any other word character is a typo.
    let word_len = s[n..]
        .chars()
        .take_while(|c| is_word_char(*c))
        .map(char::len_utf8)
        .sum::<usize>();
    let span = Span::new(base, base + n + word_len);
    let invalid = |msg: String| Err(nom::Err::Failure(PErr::custom(span, Code::E003, msg)));
    let value = if word_len > 0 {
        let unit = &s[n..n + word_len];
        let scale = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return invalid(format!("invalid duration unit `{unit}`: use s, m, h or d")),
        };
        if is_float || digits_start == 1 {
            return invalid(format!(
                "invalid duration `{}`: use a whole, non-negative number",
                &s[..n + word_len]
            ));
        }
        match text.parse::<u64>().ok().and_then(|v| v.checked_mul(scale)) {
            Some(v) => Number::Duration(v),
            None => return invalid(format!("duration `{}` is too large", &s[..n + word_len])),
        }
    } else if is_float {
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Number::Float(v),
            _ => return invalid(format!("invalid number `{text}`")),
        }
    } else {
        match text.parse::<i64>() {
            Ok(v) => Number::Int(v),
            Err(_) => return invalid(format!("integer `{text}` is too large")),
        }
    };
    Ok((advance(i, n + word_len), (value, span)))
}
