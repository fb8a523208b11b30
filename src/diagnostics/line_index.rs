//! Byte offsets to line/column, computed once per file at the rendering edge.

use serde::Serialize;

/// 1-based line and column; `column` counts Unicode scalar values, `column_utf16` UTF-16 code
/// units (what LSP and SARIF consumers expect).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    pub column_utf16: u32,
}

pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::borrow::Cow<'a, [usize]>,
    /// Code points before each line start, computed the first time a consumer (SARIF) asks.
    chars_before: std::cell::OnceCell<Vec<u32>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            starts: std::borrow::Cow::Owned(Self::line_starts(text)),
            chars_before: std::cell::OnceCell::new(),
        }
    }

    /// The byte offset of every line start, for a caller that keeps them (the language
    /// server, per document version) and builds indexes with [`LineIndex::with_starts`].
    pub fn line_starts(text: &str) -> Vec<usize> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        starts
    }

    /// An index over `text` from line starts computed earlier for that same text.
    pub fn with_starts(text: &'a str, starts: &'a [usize]) -> LineIndex<'a> {
        LineIndex {
            text,
            starts: std::borrow::Cow::Borrowed(starts),
            chars_before: std::cell::OnceCell::new(),
        }
    }

    /// The number of Unicode code points before a byte offset (SARIF's `charOffset` when the
    /// run declares `columnKind: unicodeCodePoints`).
    pub fn code_points(&self, offset: u32) -> u32 {
        let before = self.chars_before.get_or_init(|| {
            let mut out = Vec::with_capacity(self.starts.len());
            let mut count = 0u32;
            let mut prev = 0;
            for &s in self.starts.iter() {
                count += self.text[prev..s].chars().count() as u32;
                out.push(count);
                prev = s;
            }
            out
        });
        let lc = self.line_col(offset);
        before[lc.line as usize - 1] + lc.column - 1
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let offset = (offset as usize).min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &self.text[start..end];
        LineCol {
            line: line as u32 + 1,
            column: prefix.chars().count() as u32 + 1,
            column_utf16: prefix.encode_utf16().count() as u32 + 1,
        }
    }

    /// Inverse of [`line_col`] for 0-based line and UTF-16 character (LSP positions).
    pub fn offset_utf16(&self, line: u32, character: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else {
            return self.text.len();
        };
        let next = self
            .starts
            .get(line as usize + 1)
            .copied()
            .unwrap_or(self.text.len());
        // A position past the end of a line means the end of that line, before its newline.
        let end = start + self.text[start..next].trim_end_matches(['\n', '\r']).len();
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16() as u32;
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let idx = LineIndex::new("ab\n€𝄞x");
        assert_eq!(idx.line_col(1).column, 2);
        let x = "ab\n€𝄞".len() as u32;
        let lc = idx.line_col(x);
        assert_eq!((lc.line, lc.column, lc.column_utf16), (2, 3, 4));
        assert_eq!(idx.offset_utf16(1, 3), x as usize);
        assert_eq!(idx.offset_utf16(0, 99), 2, "clamped before the newline");
        assert_eq!(idx.offset_utf16(9, 0), idx.text.len());
        assert_eq!(idx.code_points(x), 5, "a, b, newline, €, 𝄞");
        assert_eq!(idx.code_points(0), 0);
    }
}
