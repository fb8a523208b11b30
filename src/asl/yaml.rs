//! ASL written in YAML (Workflow Studio exports it; the AWS Toolkit reads it). The document is
//! converted to JSON text, remembering where each value came from, and validated as JSON; every
//! diagnostic is then moved back onto the YAML text, so locations are in the file the user has.
//!
//! YAML is read with saphyr-parser: a maintained, pure-Rust YAML 1.2 parser whose events carry
//! their spans (the fork of yaml-rust that the yaml-rust2 maintainers joined). Scalars follow the
//! YAML 1.2 core schema (`true`, `~`, `12`, `1.5e3`; quoted text is always a string).

use super::Options;
use crate::diagnostics::{Code, Diagnostic, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Validate an ASL document written in YAML; spans are byte offsets in `yaml`.
pub fn validate(yaml: &str, options: &Options) -> Vec<Diagnostic> {
    match to_json(yaml, false) {
        Ok(doc) => super::validate(&doc.json, options)
            .into_iter()
            .map(|d| doc.relocate(d))
            .collect(),
        Err(d) => vec![*d],
    }
}

/// A value of the JSON text and where it came from.
struct Origin {
    json: (usize, usize),
    yaml: (usize, usize),
}

pub(super) struct Converted<'a> {
    pub json: String,
    /// In the order the values start in the JSON text.
    origins: Vec<Origin>,
    /// The YAML text the origins point into.
    yaml: &'a str,
}

/// An open mapping or sequence; `wrapped` is the origin of the `{"Fn::…": …}` object a
/// CloudFormation tag put around it.
enum Frame {
    Map {
        origin: usize,
        entries: usize,
        wrapped: Option<usize>,
    },
    Seq {
        origin: usize,
        items: usize,
        wrapped: Option<usize>,
    },
}

/// The JSON key of a CloudFormation short-form tag (`!Sub` is `Fn::Sub`, `!Ref` is `Ref`), or
/// why the tag is refused.
fn intrinsic(tag: &saphyr_parser::Tag, allowed: bool) -> Result<String, String> {
    if !allowed {
        return Err(format!(
            "YAML tag `{}{}` is not ASL (CloudFormation intrinsics are read only in templates)",
            tag.handle, tag.suffix
        ));
    }
    match (tag.handle.as_str(), tag.suffix.as_str()) {
        ("!", name @ ("Ref" | "Condition")) => Ok(name.to_string()),
        ("!", name) => Ok(format!("Fn::{name}")),
        _ => Err(format!(
            "YAML tag `{}{}` is not a CloudFormation intrinsic function",
            tag.handle, tag.suffix
        )),
    }
}

fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// YAML as JSON text. With `intrinsics`, CloudFormation's short forms become their JSON forms
/// (`!Sub x` is `{"Fn::Sub": "x"}`); without, a tag is refused.
pub(super) fn to_json(yaml: &str, intrinsics: bool) -> Result<Converted<'_>, Box<Diagnostic>> {
    let bytes: Vec<usize> = yaml
        .char_indices()
        .map(|(b, _)| b)
        .chain([yaml.len()])
        .collect();
    let at = |char_index: usize| bytes[char_index.min(bytes.len() - 1)];
    let mut out = Converted {
        json: String::new(),
        origins: Vec::new(),
        yaml,
    };
    let mut stack: Vec<Frame> = Vec::new();
    let mut documents = 0;
    for item in Parser::new_from_str(yaml) {
        let (event, span) = item.map_err(|e| {
            let m = e.marker();
            let pos = at(m.index());
            Box::new(Diagnostic::new(
                Code::E136,
                Span::new(pos, pos),
                format!("not valid YAML: {}", e.info()),
            ))
        })?;
        let (start, end) = (at(span.start.index()), at(span.end.index()));
        let refuse =
            |msg: String| Box::new(Diagnostic::new(Code::E136, Span::new(start, end), msg));
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(refuse(
                        "a state machine is one YAML document; this file has more".into(),
                    ));
                }
            }
            Event::Alias(_) => {
                return Err(refuse(
                    "YAML aliases (`*name`) are not read: write the value out".into(),
                ))
            }
            Event::Scalar(value, style, _, tag) => {
                let key =
                    matches!(stack.last(), Some(Frame::Map { entries, .. }) if entries % 2 == 0);
                separator(&mut out.json, &mut stack);
                let json_start = out.json.len();
                let wrapper = match tag {
                    Some(tag) => Some(intrinsic(&tag, intrinsics).map_err(refuse)?),
                    None => None,
                };
                if let Some(name) = &wrapper {
                    out.json.push_str(&format!("{{{}:", quoted(name)));
                }
                let inner_start = out.json.len();
                out.json.push_str(&if key || wrapper.is_some() {
                    quoted(&value)
                } else {
                    scalar(&value, style)
                });
                out.origins.push(Origin {
                    json: (inner_start, out.json.len()),
                    yaml: (start, end.max(start)),
                });
                if wrapper.is_some() {
                    out.json.push('}');
                    out.origins.push(Origin {
                        json: (json_start, out.json.len()),
                        yaml: (start, end.max(start)),
                    });
                }
            }
            Event::MappingStart(_, ref tag) | Event::SequenceStart(_, ref tag) => {
                let map = matches!(event, Event::MappingStart(..));
                separator(&mut out.json, &mut stack);
                let wrapped = match tag {
                    Some(tag) => {
                        let name = intrinsic(tag, intrinsics).map_err(refuse)?;
                        out.origins.push(Origin {
                            json: (out.json.len(), out.json.len()),
                            yaml: (start, start),
                        });
                        out.json.push_str(&format!("{{{}:", quoted(&name)));
                        Some(out.origins.len() - 1)
                    }
                    None => None,
                };
                out.origins.push(Origin {
                    json: (out.json.len(), out.json.len()),
                    yaml: (start, start),
                });
                out.json.push(if map { '{' } else { '[' });
                let origin = out.origins.len() - 1;
                stack.push(if map {
                    Frame::Map {
                        origin,
                        entries: 0,
                        wrapped,
                    }
                } else {
                    Frame::Seq {
                        origin,
                        items: 0,
                        wrapped,
                    }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let (origin, close, wrapped) = match stack.pop() {
                    Some(Frame::Map {
                        origin, wrapped, ..
                    }) => (origin, '}', wrapped),
                    Some(Frame::Seq {
                        origin, wrapped, ..
                    }) => (origin, ']', wrapped),
                    None => continue,
                };
                out.json.push(close);
                for at in [Some(origin), wrapped].into_iter().flatten() {
                    if Some(at) == wrapped {
                        out.json.push('}');
                    }
                    let o = &mut out.origins[at];
                    o.json.1 = out.json.len();
                    o.yaml.1 = end.max(o.yaml.0);
                }
            }
            _ => {}
        }
    }
    if out.json.is_empty() {
        out.json.push_str("null");
    }
    // A tag's wrapper is recorded after the value it wraps: sort for the lookups.
    out.origins
        .sort_by_key(|o| (o.json.0, std::cmp::Reverse(o.json.1)));
    Ok(out)
}

/// The `,` or `:` before the next value, and the count of the container it goes in.
fn separator(json: &mut String, stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { entries, .. }) => {
            if *entries % 2 == 1 {
                json.push(':');
            } else if *entries > 0 {
                json.push(',');
            }
            *entries += 1;
        }
        Some(Frame::Seq { items, .. }) => {
            if *items > 0 {
                json.push(',');
            }
            *items += 1;
        }
        None => {}
    }
}

/// A value scalar as JSON, by the YAML 1.2 core schema.
fn scalar(value: &str, style: ScalarStyle) -> String {
    let string = || serde_json::Value::String(value.to_string()).to_string();
    if style != ScalarStyle::Plain {
        return string();
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return "null".into(),
        "true" | "True" | "TRUE" => return "true".into(),
        "false" | "False" | "FALSE" => return "false".into(),
        _ => {}
    }
    let numeric = value.trim_start_matches(['-', '+']);
    if numeric.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        if let Ok(n) = value.parse::<i64>() {
            return n.to_string();
        }
        if let Ok(x) = value.parse::<f64>() {
            if x.is_finite() {
                if let Some(n) = serde_json::Number::from_f64(x) {
                    return n.to_string();
                }
            }
        }
    }
    string()
}

impl Converted<'_> {
    /// The innermost value of the JSON text that holds `offset`.
    /// Origins are sorted by start (the longer first at one start), so the innermost value
    /// holding `offset` is the first one holding it, going back from the last that starts at or
    /// before it: a lookup is a binary search, not a scan of the document.
    fn origin(&self, offset: usize) -> Option<&Origin> {
        let after = self.origins.partition_point(|o| o.json.0 <= offset);
        self.origins[..after]
            .iter()
            .rev()
            .find(|o| offset <= o.json.1.max(o.json.0 + 1))
    }

    /// The whole YAML text of the innermost value that holds JSON offset `offset`.
    pub(super) fn yaml_range(&self, offset: usize) -> (usize, usize) {
        self.origin(offset).map_or((0, 0), |o| o.yaml)
    }

    /// A span of the JSON text as a span of the YAML text: the value it falls in (a mapping or
    /// sequence: its first line).
    fn span(&self, s: Span) -> Span {
        let Some(o) = self.origin(s.start as usize) else {
            return Span::new(0, 0);
        };
        let (start, end) = o.yaml;
        let line_end = self.yaml[start..end].find('\n').map_or(end, |n| start + n);
        Span::new(start, line_end)
    }

    fn relocate(&self, mut d: Diagnostic) -> Diagnostic {
        d.span = self.span(d.span);
        for l in &mut d.secondary {
            l.span = self.span(l.span);
        }
        // A fix edits JSON text; it does not apply to the YAML file.
        d.fix = None;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(yaml: &str) -> serde_json::Value {
        serde_json::from_str(&to_json(yaml, false).map_err(|d| d.message).unwrap().json).unwrap()
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = json("a: 1\nb: 1.5\nc: true\nd: ~\ne: '12'\nf: text\ng: [x, 2]\nh: {}\n");
        assert_eq!(
            v,
            serde_json::json!({"a": 1, "b": 1.5, "c": true, "d": null, "e": "12", "f": "text", "g": ["x", 2], "h": {}})
        );
    }

    #[test]
    fn keys_are_strings_and_duplicates_survive_for_the_validator() {
        let doc = to_json("1: a\n1: b\n", false)
            .map_err(|d| d.message)
            .unwrap();
        assert_eq!(doc.json, r#"{"1":"a","1":"b"}"#);
    }

    #[test]
    fn aliases_tags_and_broken_yaml_are_refused_with_a_location() {
        for bad in [
            "a: &x 1\nb: *x\n",
            "a: !Sub x\n",
            "a: [1,\n",
            "a: 1\n---\nb: 2\n",
        ] {
            let d = to_json(bad, false).err().expect(bad);
            assert_eq!(d.code, Code::E136, "{bad}");
        }
    }
}
