//! Strict JSON with spans. The checks run on the validator's own value (`value.rs`, fast, noting
//! duplicate keys as it goes); only when there is something to report is the text parsed again
//! here with jsonc-parser (comments, trailing commas and other JSON5 extensions off) into an AST
//! that keeps spans, to locate each finding. Most documents are valid and never pay for spans.

use crate::diagnostics::Span;
use jsonc_parser::ast;
use jsonc_parser::{CollectOptions, ParseOptions};
use serde_json::Value;

pub struct Doc<'a> {
    pub ast: ast::Value<'a>,
}

pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub too_deep: bool,
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// The span-keeping parse.
pub fn parse(text: &str) -> Result<Option<Doc<'_>>, SyntaxError> {
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict()).map_err(|e| {
            let r = e.range();
            let too_deep = matches!(
                e.kind(),
                jsonc_parser::errors::ParseErrorKind::NestingDepthExceeded
            );
            SyntaxError {
                span: Span::new(r.start, r.end.max(r.start)),
                message: e.kind().to_string(),
                too_deep,
            }
        })?;
    Ok(parsed.value.map(|ast| Doc { ast }))
}

/// The document as a `serde_json::Value`: for text only this parser takes (a lone surrogate,
/// nesting past `serde_json`'s limit), which the validator then checks all the same.
pub fn to_value(v: &ast::Value) -> Value {
    match v {
        ast::Value::StringLit(s) => Value::String(s.value.to_string()),
        ast::Value::NumberLit(n) => serde_json::from_str(n.value).unwrap_or(Value::Null),
        ast::Value::BooleanLit(b) => Value::Bool(b.value),
        ast::Value::NullKeyword(_) => Value::Null,
        ast::Value::Array(a) => Value::Array(a.elements.iter().map(to_value).collect()),
        ast::Value::Object(o) => Value::Object(
            o.properties
                .iter()
                .map(|p| (p.name.as_str().to_string(), to_value(&p.value)))
                .collect(),
        ),
    }
}

pub fn range(v: &ast::Value) -> Span {
    let r = match v {
        ast::Value::StringLit(s) => s.range,
        ast::Value::NumberLit(n) => n.range,
        ast::Value::BooleanLit(b) => b.range,
        ast::Value::NullKeyword(n) => n.range,
        ast::Value::Array(a) => a.range,
        ast::Value::Object(o) => o.range,
    };
    Span::new(r.start, r.end)
}

pub fn name_range(p: &ast::ObjectProp) -> Span {
    let r = match &p.name {
        ast::ObjectPropName::String(s) => s.range,
        ast::ObjectPropName::Word(w) => w.range,
    };
    Span::new(r.start, r.end)
}

/// Each repeated key: (pointer of the object, key, first span, repeated span).
pub fn duplicate_keys(
    v: &ast::Value,
    pointer: &mut String,
    out: &mut Vec<(String, String, Span, Span)>,
) {
    match v {
        ast::Value::Object(o) => {
            let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
            for p in &o.properties {
                let name = p.name.as_str();
                let span = name_range(p);
                if let Some(first) = seen.get(name) {
                    out.push((pointer.clone(), name.to_string(), *first, span));
                } else {
                    seen.insert(name, span);
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape(name));
                duplicate_keys(&p.value, pointer, out);
                pointer.truncate(len);
            }
        }
        ast::Value::Array(a) => {
            for (i, e) in a.elements.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                duplicate_keys(e, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// RFC 6901 escaping of one segment.
pub fn escape(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The span of the value at `pointer`, and of its key when it is an object member. Returns
/// the deepest location that exists when the pointer runs past the document.
pub fn locate(root: &ast::Value, pointer: &str) -> (Option<Span>, Span) {
    let mut cur = root;
    let mut key = None;
    if pointer.is_empty() {
        return (None, range(root));
    }
    for seg in pointer.split('/').skip(1) {
        let seg = unescape(seg);
        let next = match cur {
            ast::Value::Object(o) => o
                .properties
                .iter()
                .rev()
                .find(|p| p.name.as_str() == seg)
                .map(|p| (Some(name_range(p)), &p.value)),
            ast::Value::Array(a) => seg
                .parse::<usize>()
                .ok()
                .and_then(|i| a.elements.get(i))
                .map(|v| (None, v)),
            _ => None,
        };
        match next {
            Some((k, v)) => {
                key = k;
                cur = v;
            }
            None => break,
        }
    }
    (key, range(cur))
}
