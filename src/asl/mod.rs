//! The ASL model the compiler emits, and the validator for any ASL document.

pub mod jsonata;
pub mod model;
mod template;
mod validate;
mod yaml;
pub use validate::{is_timestamp, json, phases, MAX_DEFINITION_CHARS, SCHEMA_TEXT};

use crate::diagnostics::Diagnostic;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Validate as an EXPRESS state machine (no `.sync`, no `.waitForTaskToken`).
    pub express: bool,
}

/// Validate an ASL document given as text.
pub fn validate(text: &str, options: &Options) -> Vec<Diagnostic> {
    validate::validate(text, options)
}

/// An ASL document written in YAML, as JSON (`None` when it is not YAML ASL).
pub fn yaml_value(text: &str) -> Option<serde_json::Value> {
    let converted = yaml::to_json(text, false).ok()?;
    serde_json::from_str(&converted.json).ok()
}

/// Validate an ASL document written in YAML; locations are in the YAML text.
pub fn validate_yaml(text: &str, options: &Options) -> Vec<Diagnostic> {
    yaml::validate(text, options)
}

/// Validate a file that holds ASL: a JSON or YAML definition, or a CloudFormation/SAM
/// template (JSON or YAML) whose state machines are validated where they are written.
pub fn validate_file(path: &std::path::Path, text: &str, options: &Options) -> Vec<Diagnostic> {
    let yaml = is_yaml(path);
    if let Some(diagnostics) = template::validate(text, yaml, options) {
        diagnostics
    } else if yaml {
        validate_yaml(text, options)
    } else {
        validate(text, options)
    }
}

/// Is this file YAML, by its name (`.yaml`, `.yml`, `.asl.yaml`)?
pub fn is_yaml(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}
