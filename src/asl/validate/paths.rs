//! JSONPath paths, reference paths and intrinsic functions (ASL spec §"Paths", Appendix B).

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// Any JSONPath (InputPath, OutputPath, `.$` values, Choice `Variable`).
    Path,
    /// A path that selects exactly one node (ResultPath, ItemsPath, `*Path` fields).
    Reference,
}

/// Check a path; returns why it is invalid.
pub fn check_path(s: &str, kind: PathKind) -> Result<(), String> {
    let Some(rest) = s.strip_prefix('$') else {
        return Err("a path starts with `$`".into());
    };
    let rest = if let Some(r) = rest.strip_prefix('$') {
        r
    } else if rest.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        // A workflow variable: `$name`, then segments.
        let n = rest.find(['.', '[']).unwrap_or(rest.len());
        let name = &rest[..n];
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("`${name}` is not a variable name"));
        }
        &rest[n..]
    } else {
        rest
    };
    segments(rest, kind)
}

fn segments(mut s: &str, kind: PathKind) -> Result<(), String> {
    let single = |what: &str| -> Result<(), String> {
        if kind == PathKind::Reference {
            Err(format!(
                "a reference path selects one node, so it cannot use {what}"
            ))
        } else {
            Ok(())
        }
    };
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix("..") {
            single("`..`")?;
            s = r;
            if s.starts_with('[') {
                continue;
            }
            let n = s.find(['.', '[']).unwrap_or(s.len());
            if n == 0 {
                return Err("expected a name after `..`".into());
            }
            s = &s[n..];
        } else if let Some(r) = s.strip_prefix('.') {
            // Jayway, which Step Functions uses, also reads `$.[0]` and `$.['a']`.
            if r.starts_with('[') {
                s = r;
                continue;
            }
            let n = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..n];
            if name.is_empty() {
                return Err("expected a name after `.`".into());
            }
            if name == "*" {
                single("`*`")?;
            } else if name.ends_with(')') {
                single("functions")?;
            } else if name
                .chars()
                .any(|c| c.is_whitespace() || matches!(c, ']' | '\'' | '"'))
            {
                return Err(format!("`{name}` needs bracket notation: `['{name}']`"));
            }
            s = &r[n..];
        } else if s.starts_with('[') {
            let close = matching_bracket(s).ok_or("`[` is not closed")?;
            let inner = s[1..close].trim();
            s = &s[close + 1..];
            if inner.is_empty() {
                return Err("empty `[]`".into());
            }
            if is_quoted(inner) {
                continue;
            }
            if inner.parse::<i64>().is_ok_and(|i| i >= 0) {
                continue;
            }
            if inner == "*" {
                single("`[*]`")?;
            } else if inner.starts_with('?') {
                single("filters")?;
            } else if inner.contains(':') {
                single("slices")?;
            } else if inner.contains(',') {
                single("unions")?;
            } else if inner.parse::<i64>().is_ok() {
                single("negative indexes")?;
            } else {
                return Err(format!(
                    "`[{inner}]` is not an index, a quoted name, a wildcard, a slice or a filter"
                ));
            }
        } else {
            return Err(format!("unexpected `{}`", s.chars().next().unwrap_or(' ')));
        }
    }
    Ok(())
}

/// A quoted name: `'a'` or `"a"`, where a backslash escapes the next character (Jayway reads
/// `['it\'s']` as the key `it's`), and the other quote character needs no escape.
fn is_quoted(s: &str) -> bool {
    let Some(q) = s.chars().next().filter(|c| matches!(c, '\'' | '"')) else {
        return false;
    };
    let mut chars = s[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.next().is_none() => return false,
            '\\' => {}
            c if c == q => return chars.as_str().is_empty(),
            _ => {}
        }
    }
    false
}

/// Index of the `]` closing the `[` at 0, skipping quoted text and nested brackets.
fn matching_bracket(s: &str) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(_), '\\') => escaped = !escaped,
            (Some(q), c) if c == q && !escaped => quote = None,
            (Some(_), _) => escaped = false,
            (None, '\'' | '"') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The intrinsic functions and how many arguments each takes.
const INTRINSICS: &[(&str, usize, usize)] = &[
    ("States.Format", 1, usize::MAX),
    ("States.StringToJson", 1, 1),
    ("States.JsonToString", 1, 1),
    ("States.Array", 0, usize::MAX),
    ("States.ArrayPartition", 2, 2),
    ("States.ArrayContains", 2, 2),
    ("States.ArrayRange", 3, 3),
    ("States.ArrayGetItem", 2, 2),
    ("States.ArrayLength", 1, 1),
    ("States.ArrayUnique", 1, 1),
    ("States.Base64Encode", 1, 1),
    ("States.Base64Decode", 1, 1),
    ("States.Hash", 2, 2),
    ("States.JsonMerge", 3, 3),
    ("States.MathRandom", 2, 3),
    ("States.MathAdd", 2, 2),
    ("States.StringSplit", 2, 2),
    ("States.UUID", 0, 0),
];

enum Arg {
    Str(String),
    Other(String),
}

/// Check an intrinsic function call such as `States.Format('{}-{}', $.a, States.UUID())`.
pub fn check_intrinsic(s: &str) -> Result<(), String> {
    let mut p = Cursor { s, i: 0 };
    p.call()?;
    p.ws();
    if p.i != s.len() {
        return Err(format!("unexpected `{}` after the call", &s[p.i..]));
    }
    Ok(())
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }

    fn ws(&mut self) {
        let r = self.rest();
        self.i += r.len() - r.trim_start().len();
    }

    fn call(&mut self) -> Result<(), String> {
        self.ws();
        let r = self.rest();
        let n = r
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(r.len());
        let name = &r[..n];
        let Some(&(_, min, max)) = INTRINSICS.iter().find(|(f, _, _)| *f == name) else {
            let names = INTRINSICS.iter().map(|(f, _, _)| *f);
            return Err(match crate::diagnostics::did_you_mean(name, names) {
                Some(g) => format!("unknown intrinsic function `{name}`; did you mean `{g}`?"),
                None => format!("unknown intrinsic function `{name}`"),
            });
        };
        self.i += n;
        self.ws();
        if !self.rest().starts_with('(') {
            return Err(format!("expected `(` after `{name}`"));
        }
        self.i += 1;
        let mut args = Vec::new();
        self.ws();
        if self.rest().starts_with(')') {
            self.i += 1;
        } else {
            loop {
                args.push(self.arg()?);
                self.ws();
                match self.rest().chars().next() {
                    Some(',') => self.i += 1,
                    Some(')') => {
                        self.i += 1;
                        break;
                    }
                    _ => return Err(format!("expected `,` or `)` in the arguments of `{name}`")),
                }
            }
        }
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                min.to_string()
            } else if max == usize::MAX {
                format!("at least {min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(format!(
                "`{name}` takes {expected} argument{}, found {}",
                if expected == "1" { "" } else { "s" },
                args.len()
            ));
        }
        if name == "States.Format" {
            if let Some(Arg::Str(t)) = args.first() {
                let holes = t.matches("{}").count();
                if holes != args.len() - 1 {
                    return Err(format!(
                        "the template of `States.Format` has {holes} `{{}}` but {} values follow",
                        args.len() - 1
                    ));
                }
            }
        }
        if name == "States.JsonMerge" {
            if let Some(Arg::Other(third)) = args.get(2) {
                if third != "false" {
                    return Err("the third argument of `States.JsonMerge` must be `false` (deep merge is not supported)".into());
                }
            }
        }
        Ok(())
    }

    fn arg(&mut self) -> Result<Arg, String> {
        self.ws();
        let r = self.rest();
        if r.starts_with('\'') {
            // Escapes: \' \{ \} \\ ; the text is returned with escaped braces removed so that
            // only real `{}` placeholders are counted.
            let mut text = String::new();
            let mut chars = r.char_indices().skip(1);
            while let Some((k, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, '\'' | '{' | '}' | '\\')) => text.push('_'),
                        Some((_, other)) => return Err(format!("`\\{other}` is not an escape in an intrinsic string (use \\', \\{{, \\}} or \\\\)")),
                        None => return Err("unterminated string argument".into()),
                    },
                    '\'' => {
                        self.i += k + 1;
                        return Ok(Arg::Str(text));
                    }
                    c => text.push(c),
                }
            }
            return Err("unterminated string argument".into());
        }
        if r.starts_with("States.") {
            let start = self.i;
            self.call()?;
            return Ok(Arg::Other(self.s[start..self.i].to_string()));
        }
        // A path, a number or a literal word: up to the next `,` or `)` outside brackets.
        let mut depth = 0i32;
        let mut quote = None;
        let mut end = r.len();
        for (k, c) in r.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[' | '(') => depth += 1,
                (None, ']') => depth -= 1,
                (None, ')') if depth > 0 => depth -= 1,
                (None, ',' | ')') if depth == 0 => {
                    end = k;
                    break;
                }
                _ => {}
            }
        }
        let token = r[..end].trim();
        self.i += end;
        if token.is_empty() {
            return Err("missing argument".into());
        }
        if token.starts_with('$') {
            check_path(token, PathKind::Path)
                .map_err(|e| format!("invalid path `{token}`: {e}"))?;
        } else if !(token == "null"
            || token == "true"
            || token == "false"
            || token.parse::<f64>().is_ok())
        {
            return Err(format!(
                "`{token}` is not a string, number, path or intrinsic call"
            ));
        }
        Ok(Arg::Other(token.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for ok in [
            "$",
            "$.[0]",
            "$.[?(@.OU > 0)]",
            "$.a.b",
            "$$.Execution.Id",
            "$['a b'][0]",
            "$.a[*].b",
            "$..x",
            "$.a[?(@.x > 1)]",
            "$var.x",
            "$.a.length()",
            "$.detail.s3-bucket",
            r#"$['Test"Name']"#,
            r"$['it\'s']",
            r#"$["a\"b"]"#,
            r"$['back\\']",
        ] {
            assert!(check_path(ok, PathKind::Path).is_ok(), "{ok}");
        }
        for bad in ["a.b", "$.", "$.a[", "$.a b", "$[]", r"$['a\']", "$['a'b']"] {
            assert!(check_path(bad, PathKind::Path).is_err(), "{bad}");
        }
        assert!(check_path("$.a[0].b", PathKind::Reference).is_ok());
        for bad in ["$.a[*]", "$..a", "$.a[1:2]", "$.a[?(@.x)]", "$.a[0,1]"] {
            assert!(check_path(bad, PathKind::Reference).is_err(), "{bad}");
        }
    }

    #[test]
    fn intrinsics() {
        for ok in [
            "States.Format('{}-{}', $.a, States.UUID())",
            "States.Format('x \\{ \\} {}', $.a)",
            "States.JsonMerge($.a, $.b, false)",
            "States.ArrayGetItem(States.StringSplit($.s, '/'), 1)",
            "States.MathRandom(1, 10)",
            "States.Array()",
            "States.Hash($.x, 'MD5')",
        ] {
            assert!(
                check_intrinsic(ok).is_ok(),
                "{ok}: {:?}",
                check_intrinsic(ok)
            );
        }
        for bad in [
            "States.Format('{}-{}', $.a)",
            "States.UUID(1)",
            "States.Nope($.a)",
            "States.Format('x', $.a",
            "States.JsonMerge($.a, $.b, true)",
            "States.Format('unterminated)",
            "States.Format(hello)",
        ] {
            assert!(check_intrinsic(bad).is_err(), "{bad}");
        }
    }
}
