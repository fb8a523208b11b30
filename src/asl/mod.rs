//! The ASL model the compiler emits, and the validator for any ASL document.

pub mod jsonata;
pub mod model;
mod validate;
pub use validate::{is_timestamp, json, MAX_DEFINITION_CHARS, SCHEMA_TEXT};

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
