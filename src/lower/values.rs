//! Values in payload templates: literals stay literal, run-time values become `.$` keys with a
//! path or a `States.Format` call.

use super::paths;
use crate::asl::model::Payload;
use crate::check::{TPart, Val};
use serde_json::Value as Json;

/// Insert `key` (or `key.$`) for a value.
pub fn put(map: &mut Payload, key: &str, v: &Val) {
    match v {
        Val::Lit(j) => {
            map.insert(key.to_string(), j.clone());
        }
        Val::Ref(r) => {
            map.insert(format!("{key}.$"), Json::String(paths::of(r)));
        }
        Val::Template(parts) => {
            map.insert(format!("{key}.$"), Json::String(format_call(parts)));
        }
    }
}

pub fn put_str(map: &mut Payload, key: &str, s: &str) {
    map.insert(key.to_string(), Json::String(s.to_string()));
}

/// An intrinsic argument for a value: a quoted string, a path, or a nested `States.Format`.
pub fn arg(v: &Val) -> String {
    match v {
        Val::Lit(Json::String(s)) => quote(s),
        Val::Lit(other) => other.to_string(),
        Val::Ref(r) => paths::of(r),
        Val::Template(parts) => format_call(parts),
    }
}

/// `States.Format('s3://b/{}/', $.params.DataDate)`.
pub fn format_call(parts: &[TPart]) -> String {
    let mut template = String::new();
    let mut args = Vec::new();
    for p in parts {
        match p {
            TPart::Text(t) => template.push_str(&escape(t)),
            TPart::Ref(r) => {
                template.push_str("{}");
                args.push(paths::of(r));
            }
        }
    }
    let mut out = format!("States.Format('{template}'");
    for a in args {
        out.push_str(", ");
        out.push_str(&a);
    }
    out.push(')');
    out
}

/// A string literal argument of an intrinsic function.
pub fn quote(s: &str) -> String {
    format!("'{}'", escape(s))
}

/// Intrinsic string arguments reserve `'`, `{`, `}` and `\`.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\'' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_become_format_calls_with_escapes() {
        let parts = vec![
            TPart::Text("s3://b/{x}'/".into()),
            TPart::Ref(crate::check::Ref::Param("D".into())),
            TPart::Text("/".into()),
        ];
        assert_eq!(
            format_call(&parts),
            r"States.Format('s3://b/\{x\}\'/{}/', $.params.D)"
        );
    }
}
