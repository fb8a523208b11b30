//! Structure: the ASL JSON Schema (`schemas/asl.schema.json`) applied with the `jsonschema`
//! crate, its errors translated into one clear finding per problem.

use super::represent::Borrowed;
use super::value;
use super::Finding;
use crate::diagnostics::{did_you_mean, Code};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;
use std::sync::OnceLock;

pub const SCHEMA_TEXT: &str = include_str!("../../../schemas/asl.schema.json");

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    // The schema ships inside the binary and is tested; failing to parse it is a build defect.
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null))
}

/// The schema compiled for the validator's own value: the check every document pays.
fn in_place() -> Option<&'static jsonschema::Validator<Borrowed>> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator<Borrowed>>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::options_for::<Borrowed>().build(schema()).ok())
        .as_ref()
}

/// The schema compiled for `serde_json`'s value, whose errors this module translates: only
/// documents that fail the check above are converted and checked again here.
fn explaining() -> Option<&'static jsonschema::Validator> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| jsonschema::validator_for(schema()).ok())
        .as_ref()
}

pub fn check(doc: &value::Value, out: &mut Vec<Finding>) {
    let (Some(fast), Some(v)) = (in_place(), explaining()) else {
        out.push(Finding::new(
            Code::E900,
            "",
            "the bundled ASL schema failed to compile",
        ));
        return;
    };
    // Most documents are valid: the boolean check is much cheaper than collecting errors.
    if fast.is_valid(doc) {
        return;
    }
    let doc = &doc.to_serde();
    let mut seen = std::collections::HashSet::new();
    for e in v.iter_errors(doc) {
        let pointer = e.instance_path().as_str().to_string();
        let instance = doc.pointer(&pointer).unwrap_or(&Value::Null);
        let what = describe(&pointer, instance);
        let field = last_segment(&pointer);
        let mut found = match e.kind() {
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let mut f = Finding::new(Code::E105, &pointer, format!("{what} needs `{name}`"));
                f.on_key = true;
                vec![f]
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                .iter()
                .map(|key| {
                    let p = format!("{pointer}/{}", super::json::escape(key));
                    let mut f =
                        Finding::new(Code::E106, &p, format!("`{key}` is not allowed in {what}"));
                    f.on_key = true;
                    let allowed = allowed_fields(&pointer, instance);
                    if let Some(g) = did_you_mean(key, allowed.iter().map(String::as_str)) {
                        f.help = Some(format!(
                            "did you mean `{g}`? (field names are case-sensitive)"
                        ));
                    }
                    f
                })
                .collect(),
            ValidationErrorKind::Type { .. } | ValidationErrorKind::Pattern { .. } => {
                let expected = expected_type(&pointer);
                vec![Finding::new(
                    Code::E107,
                    &pointer,
                    format!("`{field}` must be {expected}"),
                )]
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<&str> = options
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut f = Finding::new(
                    Code::E108,
                    &pointer,
                    format!(
                        "`{field}` must be one of {}",
                        opts.iter()
                            .map(|o| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                if let Some(g) = instance
                    .as_str()
                    .and_then(|s| did_you_mean(s, opts.iter().copied()))
                {
                    f.help = Some(format!("did you mean `{g}`?"));
                }
                vec![f]
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit } => {
                vec![Finding::new(
                    Code::E109,
                    &pointer,
                    format!("`{field}` must be at least {limit}"),
                )]
            }
            ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => {
                vec![Finding::new(
                    Code::E109,
                    &pointer,
                    format!("`{field}` must be at most {limit}"),
                )]
            }
            ValidationErrorKind::MinItems { .. } => vec![Finding::new(
                Code::E110,
                &pointer,
                format!("`{field}` must not be empty"),
            )],
            ValidationErrorKind::MinProperties { .. } => vec![Finding::new(
                Code::E110,
                &pointer,
                format!("`{field}` must not be empty"),
            )],
            _ => vec![Finding::new(Code::E110, &pointer, e.to_string())],
        };
        found.retain(|f| seen.insert((f.code, f.pointer.clone(), f.message.clone())));
        out.extend(found);
    }
}

fn last_segment(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

fn parent_segment(pointer: &str) -> String {
    let mut it = pointer.rsplit('/');
    it.next();
    it.next().unwrap_or_default().to_string()
}

/// The schema definition that describes the object at `pointer`.
fn def_name(pointer: &str, instance: &Value) -> Option<String> {
    if pointer.is_empty() {
        return None;
    }
    if let Some(t) = instance.get("Type").and_then(Value::as_str) {
        if parent_segment(pointer) != "Retry" && parent_segment(pointer) != "Catch" {
            return Some(t.to_string());
        }
    }
    let last = last_segment(pointer);
    Some(match (parent_segment(pointer).as_str(), last.as_str()) {
        ("Retry", _) => "Retrier".into(),
        ("Catch", _) => "Catcher".into(),
        ("Branches", _) | (_, "Iterator") => "Scope".into(),
        (_, "ItemProcessor" | "ItemReader" | "ItemBatcher" | "ResultWriter") => last,
        _ => return None,
    })
}

fn allowed_fields(pointer: &str, instance: &Value) -> Vec<String> {
    let props = match def_name(pointer, instance) {
        None if pointer.is_empty() => schema().get("properties"),
        None => None,
        Some(d) => schema().pointer(&format!("/$defs/{d}/properties")),
    };
    props
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// "a Task state", "a retrier", "the state machine": for messages.
fn describe(pointer: &str, instance: &Value) -> String {
    if pointer.is_empty() {
        return "the state machine".into();
    }
    match def_name(pointer, instance).as_deref() {
        Some("Retrier") => "a retrier".into(),
        Some("Catcher") => "a catcher".into(),
        Some("Scope") => "a branch".into(),
        Some(d @ ("ItemProcessor" | "ItemReader" | "ItemBatcher" | "ResultWriter")) => {
            format!("`{d}`")
        }
        Some(t) => format!("a {t} state"),
        None => format!("`{}`", last_segment(pointer)),
    }
}

fn expected_type(pointer: &str) -> &'static str {
    match last_segment(pointer).as_str() {
        "TimeoutSeconds"
        | "HeartbeatSeconds"
        | "Seconds"
        | "MaxConcurrency"
        | "ToleratedFailureCount"
        | "MaxItems"
        | "MaxItemsPerBatch"
        | "MaxInputBytesPerBatch" => "an integer (or, in JSONata states, a `{% ... %}` expression)",
        "ToleratedFailurePercentage" => {
            "a number (or, in JSONata states, a `{% ... %}` expression)"
        }
        "IntervalSeconds" | "MaxAttempts" | "MaxDelaySeconds" => "an integer",
        "BackoffRate" => "a number",
        "End" => "a boolean",
        "InputPath" | "OutputPath" | "ResultPath" | "ItemsPath" => "a path string or null",
        "Parameters" | "ResultSelector" | "Assign" | "Credentials" | "States" => "an object",
        "Branches" | "Choices" | "Retry" | "Catch" | "ErrorEquals" | "CSVHeaders" => "an array",
        "Arguments" => "an object or a `{% ... %}` expression",
        "Items" => "an array or a `{% ... %}` expression",
        _ => "of another type (see `aslc explain E107`)",
    }
}
