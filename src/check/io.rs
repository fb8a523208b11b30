//! Inputs, outputs and channels of jobs: `input raw = <s3> [at "/path"] [{ options }]`, and an
//! output with no destination, which goes where SageMaker puts it: under the pipeline's
//! `default_bucket`, at `s3://<bucket>/<pipeline>/<execution id>/<step>/output/<name>`.

use super::props::PropSet;
use super::words;

/// Where SageMaker mounts processing data: a path under `/opt/ml/processing/`.
pub(crate) fn is_processing_path(path: &str) -> bool {
    path.strip_prefix("/opt/ml/processing/")
        .is_some_and(|rest| !rest.is_empty())
}
use super::{Checker, ExecVar, Io, IoOptions, Ref, TPart, Val};
use crate::diagnostics::Code;
use crate::syntax::ast::{Prop, PropValue};
use std::collections::HashSet;

/// Which options an input, output or channel takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum IoKind {
    ProcessingInput,
    ProcessingOutput,
    Channel,
    /// A training output, a transform input or output: a location, no options here.
    Plain,
}

impl IoKind {
    fn options(self) -> &'static [&'static str] {
        match self {
            IoKind::ProcessingInput => &["input_mode", "distribution", "data_type", "compression"],
            IoKind::ProcessingOutput => &["upload_mode"],
            IoKind::Channel => &[
                "content_type",
                "input_mode",
                "distribution",
                "data_type",
                "compression",
            ],
            IoKind::Plain => &[],
        }
    }

    fn is_output(self) -> bool {
        matches!(self, IoKind::ProcessingOutput | IoKind::Plain)
    }
}

impl Checker {
    /// The `key name …` properties of a step, with unique names (E039).
    pub(super) fn ios(
        &mut self,
        step: &str,
        set: &PropSet,
        key: &str,
        seen: &mut HashSet<String>,
        kind: IoKind,
    ) -> Vec<Io> {
        let mut out = Vec::new();
        for p in set.many(key) {
            let Some(label) = &p.label else { continue };
            if !seen.insert(label.name.clone()) {
                let d = self.err(
                    Code::E039,
                    label.span,
                    format!(
                        "`{}` is already used by another input or output of this step",
                        label.name
                    ),
                );
                if label.name == "code" && key == "input" {
                    d.message = "`code` is the input that `code \"s3://…\"` creates".into();
                    d.help = Some(
                        "name this input otherwise, or drop `code` and mount the script yourself"
                            .into(),
                    );
                }
                continue;
            }
            if let Some(io) = self.io(step, p, &label.name, key, kind) {
                out.push(io);
            }
        }
        out
    }

    fn io(&mut self, step: &str, p: &Prop, name: &str, key: &str, kind: IoKind) -> Option<Io> {
        let (value, default_location) = match &p.value {
            PropValue::Expr(e) => (self.s3_val(e), false),
            PropValue::Absent(span) if kind.is_output() && key == "output" => {
                (self.default_location(step, name, *span), true)
            }
            PropValue::Absent(span) => {
                self.err(
                    Code::E031,
                    *span,
                    format!("`{key} {name}` needs a location: `{key} {name} = \"s3://...\"`"),
                );
                (None, false)
            }
            _ => (None, false),
        };
        let local = match &p.at {
            Some(path) if matches!(kind, IoKind::ProcessingInput | IoKind::ProcessingOutput) => {
                self.local_path(path)
            }
            Some(path) => {
                self.err(
                    Code::E030,
                    path.span,
                    format!("only processing inputs and outputs take `at`; a {key} is mounted by SageMaker"),
                );
                None
            }
            None => None,
        };
        let options = self.io_options(&p.options, kind, key);
        Some(Io {
            name: name.to_string(),
            value: value?,
            local,
            options,
            default_location,
        })
    }

    /// `s3://<default_bucket>/<pipeline>/<execution id>/<step>/output/<name>`: where SageMaker
    /// Pipelines writes an output given no destination, unique per execution.
    fn default_location(
        &mut self,
        step: &str,
        name: &str,
        at: crate::diagnostics::Span,
    ) -> Option<Val> {
        let Some(bucket) = self.default_bucket.clone() else {
            self.err(
                Code::E031,
                at,
                format!("output `{name}` has no destination, and the pipeline names no `default_bucket`"),
            )
            .set_help("add `default_bucket \"<bucket>\"` to the pipeline (outputs then go under it), or give the output one: `= \"s3://...\"`");
            return None;
        };
        Some(Val::Template(vec![
            TPart::Text(format!("s3://{bucket}/{}/", self.pipeline_name)),
            TPart::Ref(Ref::Exec(ExecVar::Id)),
            TPart::Text(format!("/{step}/output/{name}")),
        ]))
    }

    /// `at "/opt/ml/processing/..."`: an absolute path inside the container.
    fn local_path(&mut self, path: &crate::syntax::ast::StrLit) -> Option<String> {
        let Some(text) = path.as_plain() else {
            self.err(Code::E018, path.span, "a mount path cannot be interpolated");
            return None;
        };
        if !is_processing_path(&text) {
            self.err(
                Code::E046,
                path.span,
                format!("`{text}` is not under `/opt/ml/processing/`, where SageMaker mounts processing data"),
            )
            .set_help("write a path such as \"/opt/ml/processing/input/raw\"");
            return None;
        }
        Some(text)
    }

    fn io_options(&mut self, props: &[Prop], kind: IoKind, key: &str) -> IoOptions {
        let mut o = IoOptions::default();
        let mut seen = HashSet::new();
        for p in props {
            let k = p.key.name.as_str();
            if !kind.options().contains(&k) {
                let allowed = kind.options();
                let d = self.err(
                    Code::E030,
                    p.key.span,
                    format!("a {key} has no option `{k}`"),
                );
                d.help = Some(
                    match crate::diagnostics::did_you_mean(k, allowed.iter().copied()) {
                        Some(g) => format!("did you mean `{g}`?"),
                        None if allowed.is_empty() => format!("this {key} takes no options"),
                        None => format!("options: {}", allowed.join(", ")),
                    },
                );
                continue;
            }
            if !seen.insert(k) {
                self.err(Code::E032, p.key.span, format!("`{k}` is set twice"));
                continue;
            }
            match k {
                "content_type" => o.content_type = self.prop_string(p),
                "distribution" => o.distribution = self.prop_word(p, words::DISTRIBUTIONS),
                "input_mode" => {
                    let modes = if kind == IoKind::Channel {
                        words::CHANNEL_INPUT_MODES
                    } else {
                        words::PROCESSING_INPUT_MODES
                    };
                    o.input_mode = self.prop_word(p, modes)
                }
                "data_type" => o.data_type = self.prop_word(p, words::DATA_TYPES),
                "compression" => o.compression = self.prop_word(p, words::COMPRESSIONS),
                "upload_mode" => o.upload_mode = self.prop_word(p, words::UPLOAD_MODES),
                _ => {}
            }
        }
        o
    }
}
