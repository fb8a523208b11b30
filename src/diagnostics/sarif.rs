//! SARIF 2.1.0, as GitHub code scanning reads it: one run, every registry code as a rule (so
//! `ruleIndex` is stable), results with regions in Unicode code points.

use super::{Code, Diagnostic, LineIndex, Severity, SourceFile, Span};
use serde_json::{json, Value};

/// A SARIF log for the diagnostics of several files.
pub fn render_sarif(files: &[(SourceFile, &[Diagnostic])]) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": rule_name(c.title()),
                "shortDescription": { "text": c.title() },
                "fullDescription": { "text": c.explanation() },
                "help": { "text": c.explanation() },
                "defaultConfiguration": { "level": level(c.severity()) },
            })
        })
        .collect();
    let mut results = Vec::new();
    for (file, diags) in files {
        let index = LineIndex::new(file.text);
        let uri = uri(file.name);
        let region = |s: Span| {
            let (a, b) = (index.line_col(s.start), index.line_col(s.end));
            json!({
                "startLine": a.line, "startColumn": a.column, "endLine": b.line, "endColumn": b.column,
                "charOffset": index.code_points(s.start),
                "charLength": index.code_points(s.end) - index.code_points(s.start),
            })
        };
        for d in diags.iter() {
            let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str(&format!(" ({h})"));
            }
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(d.severity()),
                "message": { "text": message },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region(d.span) } }],
            });
            if let Some(p) = &d.pointer {
                result["locations"][0]["logicalLocations"] = json!([{ "fullyQualifiedName": if p.is_empty() { "/" } else { p }, "kind": "element" }]);
            }
            if !d.secondary.is_empty() {
                result["relatedLocations"] = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i,
                            "message": { "text": l.message },
                            "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region(l.span) },
                        })
                    })
                    .collect();
            }
            if let Some(f) = &d.fix {
                result["fixes"] = json!([{
                    "description": { "text": f.message },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri },
                        "replacements": [{ "deletedRegion": region(f.span), "insertedContent": { "text": f.replacement } }],
                    }],
                }]);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "aslc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/aslc-dev/aslc",
                "rules": rules,
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `operands of a comparison have different types` → `OperandsOfAComparisonHaveDifferentTypes`.
fn rule_name(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative path stays relative (GitHub resolves it against the repository); spaces and other
/// reserved characters are percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}
