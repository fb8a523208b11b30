//! What the formatter needs of the raw text beyond the tree: where the comments are, which line
//! an offset is on, and whitespace normalised outside string literals.

/// A `// …` or `/* … */` comment.
#[derive(Clone, Debug)]
pub struct Comment {
    pub start: usize,
    pub end: usize,
}

pub struct Source<'a> {
    pub text: &'a str,
    line_starts: Vec<usize>,
    pub comments: Vec<Comment>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str) -> Source<'a> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut s = Source {
            text,
            line_starts,
            comments: Vec::new(),
        };
        s.comments = s.scan();
        s
    }

    pub fn line(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Is there an empty line between `from` and `to`?
    pub fn blank_between(&self, from: usize, to: usize) -> bool {
        let gap = self.text.get(from..to).unwrap_or("");
        gap.split('\n')
            .skip(1)
            .take(gap.matches('\n').count().saturating_sub(1))
            .any(|l| l.trim().is_empty())
    }

    /// The indices of the comments that start in `from..to` (comments are in text order).
    pub fn comments_in(&self, from: usize, to: usize) -> std::ops::Range<usize> {
        let a = self.comments.partition_point(|c| c.start < from);
        let b = self.comments.partition_point(|c| c.start < to);
        a..b.max(a)
    }

    /// The comment that holds offset `at`, if any.
    fn comment_at(&self, at: usize) -> Option<&Comment> {
        let k = self.comments.partition_point(|c| c.start <= at);
        self.comments[..k].last().filter(|c| at < c.end)
    }

    /// The first `ch` at or after `from` that is code (not in a comment).
    pub fn find_code(&self, from: usize, ch: u8) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            if let Some(c) = self.comment_at(i) {
                i = c.end;
                continue;
            }
            if bytes[i] == ch {
                return Some(i);
            }
            i += 1;
        }
        None
    }

    fn scan(&self) -> Vec<Comment> {
        let bytes = self.text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => i = string_end(bytes, i),
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let end = self.text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                    out.push(self.comment(i, end));
                    i = end;
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    let end = self.text[i + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |n| i + 2 + n + 2);
                    out.push(self.comment(i, end));
                    i = end;
                }
                _ => i += 1,
            }
        }
        out
    }

    fn comment(&self, start: usize, end: usize) -> Comment {
        Comment { start, end }
    }

    /// The last `ch` that is code (not in a comment).
    pub fn last_code(&self, ch: char) -> Option<usize> {
        self.text
            .match_indices(ch)
            .map(|(i, _)| i)
            .rev()
            .find(|&i| self.comment_at(i).is_none())
    }
}

/// The offset after a string literal starting at `i` (strings end at an unescaped `"` or the
/// end of the line).
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Source text with whitespace outside strings normalised: runs become one space, none just
/// inside brackets or before commas, one after each comma.
pub fn normalise(code: &str) -> String {
    let bytes = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    let mut space = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' {
            let end = string_end(bytes, i);
            flush_space(&mut out, &mut space, c);
            out.push_str(&code[i..end]);
            i = end;
            continue;
        }
        if c.is_ascii_whitespace() {
            space = true;
            i += 1;
            continue;
        }
        flush_space(&mut out, &mut space, c);
        let ch = code[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        if c == b',' {
            space = true;
        }
        i += ch.len_utf8();
    }
    out
}

fn flush_space(out: &mut String, space: &mut bool, next: u8) {
    let after_open = out.ends_with(['(', '[']);
    if *space && !out.is_empty() && !after_open && !matches!(next, b')' | b']' | b',') {
        out.push(' ');
    }
    *space = false;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_keeps_strings_and_spaces_punctuation() {
        assert_eq!(
            normalise("json( A.b ,  \"x  y\" )   as  float>=  1"),
            "json(A.b, \"x  y\") as float>= 1"
        );
        assert_eq!(normalise("[ \"a\",\"b\" ]"), "[\"a\", \"b\"]");
    }

    #[test]
    fn comments_are_found_outside_strings() {
        let s = Source::new("a \"// no\" // yes\n  /* b */ c");
        let found: Vec<&str> = s.comments.iter().map(|c| &s.text[c.start..c.end]).collect();
        assert_eq!(found, ["// yes", "/* b */"]);
    }
}
