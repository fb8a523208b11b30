//! JSONPath as ASL uses it: reference paths (`$.a.b[0]['c d']`) for `ResultPath` and
//! `Variable`, and paths with `[*]`, `..` and slices (`$.items[*].id`, `$[1:]`) for selecting
//! (`InputPath`, `.$` fields, `ItemsPath`). A path that matches nothing is `States.Runtime`
//! for the caller to raise, as AWS does.

use serde_json::{Map, Value};

#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Field(String),
    Index(i64),
    /// `[*]` or `.*`
    All,
    /// `..name`
    Deep(String),
    /// `[a:b]`
    Slice(Option<i64>, Option<i64>),
}

/// Split `$.a[0]['b c'][*]` into segments; `None` for a path this reader does not take.
fn parse(path: &str) -> Option<Vec<Seg>> {
    let rest = path.strip_prefix('$')?;
    let b = rest.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        match b[i] {
            b'.' if b.get(i + 1) == Some(&b'.') => {
                let start = i + 2;
                let end = name_end(b, start);
                out.push(Seg::Deep(rest[start..end].to_string()));
                i = end;
            }
            b'.' if b.get(i + 1) == Some(&b'*') => {
                out.push(Seg::All);
                i += 2;
            }
            b'.' => {
                let start = i + 1;
                let end = name_end(b, start);
                if end == start {
                    return None;
                }
                out.push(Seg::Field(rest[start..end].to_string()));
                i = end;
            }
            b'[' => {
                let close = find_close(rest, i)?;
                let inner = rest[i + 1..close].trim();
                out.push(bracket(inner)?);
                i = close + 1;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn name_end(b: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < b.len() && b[end] != b'.' && b[end] != b'[' {
        end += 1;
    }
    end
}

/// The `]` closing the bracket at `open`, skipping quoted names.
fn find_close(s: &str, open: usize) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (k, c) in s[open + 1..].char_indices() {
        let at = open + 1 + k;
        match (quote, c) {
            (Some(_), '\\') if !escaped => escaped = true,
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, ']') => return Some(at),
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    None
}

fn bracket(inner: &str) -> Option<Seg> {
    if inner == "*" {
        return Some(Seg::All);
    }
    if let Some(q) = inner
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
    {
        return Some(Seg::Field(q.replace("\\'", "'").replace("\\\"", "\"")));
    }
    if let Some((a, b)) = inner.split_once(':') {
        let num = |s: &str| -> Option<Option<i64>> {
            let s = s.trim();
            if s.is_empty() {
                Some(None)
            } else {
                s.parse().ok().map(Some)
            }
        };
        return Some(Seg::Slice(num(a)?, num(b)?));
    }
    inner.parse().ok().map(Seg::Index)
}

/// Whether the path selects one value (no wildcard, deep scan or slice): AWS returns that value,
/// not a list.
fn definite(segs: &[Seg]) -> bool {
    segs.iter()
        .all(|s| matches!(s, Seg::Field(_) | Seg::Index(_)))
}

/// The value a path selects: one value for a definite path, the list of matches otherwise.
/// `None` when a definite path matches nothing (or the path is not one this reader takes).
/// A reference path of a JSONPath state: `$$…` reads the context object, `$name…` the workflow
/// variable `name`, anything else the input.
pub fn resolve(
    path: &str,
    input: &Value,
    context: &Value,
    vars: &serde_json::Map<String, Value>,
) -> Option<Value> {
    if let Some(ctx) = path.strip_prefix('$').filter(|r| r.starts_with('$')) {
        return select(ctx, context);
    }
    if let Some((name, rest)) = variable(path) {
        return select(&format!("${rest}"), vars.get(name)?);
    }
    select(path, input)
}

/// `$name.rest` → (`name`, `.rest`): a variable reference (a name starts with a letter or `_`).
pub fn variable(path: &str) -> Option<(&str, &str)> {
    let body = path.strip_prefix('$')?;
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let name = &body[..end];
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        .then(|| (name, &body[end..]))
}

pub fn select(path: &str, root: &Value) -> Option<Value> {
    let segs = parse(path)?;
    let mut current: Vec<&Value> = vec![root];
    for seg in &segs {
        let mut next = Vec::new();
        for v in current {
            step(seg, v, &mut next);
        }
        current = next;
    }
    if definite(&segs) {
        current.first().map(|v| (*v).clone())
    } else {
        Some(Value::Array(current.into_iter().cloned().collect()))
    }
}

fn step<'v>(seg: &Seg, v: &'v Value, out: &mut Vec<&'v Value>) {
    match (seg, v) {
        (Seg::Field(f), Value::Object(m)) => out.extend(m.get(f)),
        (Seg::Index(i), Value::Array(a)) => {
            let k = if *i < 0 { a.len() as i64 + i } else { *i };
            out.extend(usize::try_from(k).ok().and_then(|k| a.get(k)));
        }
        (Seg::All, Value::Array(a)) => out.extend(a.iter()),
        (Seg::All, Value::Object(m)) => out.extend(m.values()),
        (Seg::Slice(a, b), Value::Array(items)) => {
            let n = items.len() as i64;
            let fix = |x: i64| if x < 0 { (n + x).max(0) } else { x.min(n) };
            let (a, b) = (fix(a.unwrap_or(0)), fix(b.unwrap_or(n)));
            if a < b {
                out.extend(items[a as usize..b as usize].iter());
            }
        }
        (Seg::Deep(name), _) => deep(name, v, out),
        _ => {}
    }
}

fn deep<'v>(name: &str, v: &'v Value, out: &mut Vec<&'v Value>) {
    match v {
        Value::Object(m) => {
            if let Some(x) = m.get(name) {
                out.push(x);
            }
            m.values().for_each(|x| deep(name, x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| deep(name, x, out)),
        _ => {}
    }
}

/// Put `value` at a reference path in `root` (`ResultPath`), making the objects on the way.
/// `None` when the path cannot be written (a field of a non-object, an index past a list).
pub fn put(path: &str, root: Value, value: Value) -> Option<Value> {
    let segs = parse(path)?;
    if !definite(&segs) {
        return None;
    }
    if segs.is_empty() {
        return Some(value);
    }
    let mut root = root;
    let mut cur = &mut root;
    for (k, seg) in segs.iter().enumerate() {
        let last = k + 1 == segs.len();
        match seg {
            Seg::Field(f) => {
                if !cur.is_object() {
                    if cur.is_null() {
                        *cur = Value::Object(Map::new());
                    } else {
                        return None;
                    }
                }
                let m = cur.as_object_mut()?;
                if last {
                    m.insert(f.clone(), value);
                    return Some(root);
                }
                cur = m.entry(f.clone()).or_insert(Value::Object(Map::new()));
            }
            Seg::Index(i) => {
                let a = cur.as_array_mut()?;
                let slot = a.get_mut(usize::try_from(*i).ok()?)?;
                if last {
                    *slot = value;
                    return Some(root);
                }
                cur = slot;
            }
            _ => return None,
        }
    }
    Some(root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selects_as_aws_does() {
        let v = json!({"a": {"b": [1, 2, 3]}, "c d": 5, "items": [{"id": 1}, {"id": 2}]});
        assert_eq!(select("$", &v), Some(v.clone()));
        assert_eq!(select("$.a.b[1]", &v), Some(json!(2)));
        assert_eq!(select("$['c d']", &v), Some(json!(5)));
        assert_eq!(select("$.items[*].id", &v), Some(json!([1, 2])));
        assert_eq!(select("$.a.b[1:]", &v), Some(json!([2, 3])));
        assert_eq!(select("$..id", &v), Some(json!([1, 2])));
        assert_eq!(select("$.nope", &v), None);
        assert_eq!(select("$.a.b[-1]", &v), Some(json!(3)));
    }

    #[test]
    fn puts_and_makes_the_way() {
        let v = json!({"a": 1});
        assert_eq!(
            put("$.b.c", v.clone(), json!(2)),
            Some(json!({"a": 1, "b": {"c": 2}}))
        );
        assert_eq!(put("$", v.clone(), json!(3)), Some(json!(3)));
        assert_eq!(put("$.a.b", v, json!(3)), None);
    }
}
