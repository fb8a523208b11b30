//! aslc: a compiler from a compact ML pipeline language (`.sfn`) to AWS Step Functions ASL, and a
//! validator for any ASL document.
//!
//! The phases are modules with one entry function each, and data flows one way:
//! text → [`syntax::parse`] → AST → [`check::check`] → checked pipeline → [`lower::lower`] →
//! ASL model and [`lower::Plan`] → JSON, which [`asl::validate`] checks before it is written.
//! The plan is what later consumers read: [`lineage::sidecar`] (the static lineage graph),
//! [`iam::policy`], the language server. [`steps`] holds one module per step kind. Every phase
//! reports [`diagnostics::Diagnostic`]s.

pub mod asl;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod deploy;
pub mod diagnostics;
pub mod driver;
pub mod fmt;
pub mod graph;
pub mod iam;
pub mod import;
pub mod lineage;
pub mod lower;
#[cfg(feature = "lsp")]
pub mod lsp;
pub mod report;
pub mod run;
pub mod schedule;
pub mod steps;
pub mod syntax;
