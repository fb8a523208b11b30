//! Source text as the importer builds it: lines, indented by block. `aslc fmt` gives it the
//! canonical layout afterwards.

#[derive(Default)]
pub struct Out {
    lines: Vec<String>,
    depth: usize,
}

impl Out {
    pub fn line(&mut self, text: &str) {
        self.lines
            .push(format!("{}{text}", "  ".repeat(self.depth)));
    }

    /// `// text`, one line per line of the text.
    pub fn comment(&mut self, text: &str) {
        for l in text.lines().filter(|l| !l.trim().is_empty()) {
            self.line(&format!("// {}", l.trim()));
        }
    }

    pub fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    /// `header {`, and what follows is inside.
    pub fn open(&mut self, header: &str) {
        self.line(&format!("{header} {{"));
        self.depth += 1;
    }

    /// `} else {`: close a block and open the next at the same depth.
    pub fn reopen(&mut self, text: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(text);
        self.depth += 1;
    }

    pub fn close(&mut self) {
        while self.lines.last().is_some_and(String::is_empty) {
            self.lines.pop();
        }
        self.depth = self.depth.saturating_sub(1);
        self.line("}");
    }

    /// Append another block's lines at this depth.
    pub fn extend(&mut self, other: Out) {
        for l in other.lines {
            if l.is_empty() {
                self.blank();
            } else {
                self.line(&l);
            }
        }
    }

    pub fn text(self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

/// A string literal of the language: `"…"`, with `\`, `"`, braces and control characters
/// escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A parameter or map key the language can write bare: letters, digits and `_`.
pub fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A step or output name: an identifier that may also hold `-` inside.
pub fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_what_the_lexer_reads_specially() {
        assert_eq!(quote(r#"a "b" {c} \d"#), r#""a \"b\" \{c\} \\d""#);
        assert_eq!(quote("x\ny"), r#""x\ny""#);
    }

    #[test]
    fn names() {
        assert!(is_name("CreateModel-CreateModel"));
        assert!(!is_name("1step"));
        assert!(!is_name("step-"));
        assert!(is_identifier("Instance_Count"));
        assert!(!is_identifier("a-b"));
    }
}
