//! Phase 1: text → AST. The parser always returns a tree and reports every syntax error it
//! recovers from.

pub mod ast;
mod lexical;
mod parser;

use crate::diagnostics::Diagnostic;
pub use lexical::MAX_DEPTH;
use lexical::{In, State};

/// Parse a pipeline source. The tree is partial where errors were recovered from.
pub fn parse(src: &str) -> (ast::Pipeline, Vec<Diagnostic>) {
    let state = State::default();
    let input = In::new_extra(src, &state);
    let (pipeline, _) = parser::pipeline(input);
    let diagnostics = state
        .errors
        .into_inner()
        .into_iter()
        .map(|e| e.into_diagnostic(src))
        .collect();
    (pipeline, diagnostics)
}

#[cfg(test)]
mod tests;
