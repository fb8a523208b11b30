//! `run_pipeline`: start another compiled pipeline and wait for it. With `use "x.sfn"` the
//! arguments are checked against the called pipeline's declared parameters: every name is one
//! of them, every value has its type, every parameter without a default is given.

use super::props::PropSet;
use super::{Callee, Checker, Named, RunPipeline, StepIr, Ty};
use crate::diagnostics::{did_you_mean, Code, Span};
use crate::syntax::ast::{Expr, ExprKind, PropValue};

impl Checker {
    pub(super) fn run_pipeline(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let callee = set.one("use").and_then(|p| self.callee(p));
        let state_machine = match set.one("state_machine") {
            Some(p) => match self.prop_string(p)?.as_str() {
                Some(s) => s.to_string(),
                None => {
                    self.err(
                        Code::E018,
                        p.value.span(p.span),
                        "a state machine's name or ARN cannot be interpolated",
                    );
                    return None;
                }
            },
            None => match &callee {
                Some((c, _)) => c.name.clone(),
                // `use` named a pipeline that could not be read: E051 said so.
                None if set.one("use").is_some() => return None,
                None => {
                    set.required(self, "state_machine", "run_pipeline step without `use`", at);
                    return None;
                }
            },
        };
        let params = self.arguments(set, callee.as_ref().map(|(c, _)| c), at);
        Some(StepIr::RunPipeline(RunPipeline {
            state_machine,
            params,
            source: callee.map(|(_, path)| path),
        }))
    }

    /// The pipeline `use "x.sfn"` names, as the driver read it (E051 when it could not).
    fn callee(&mut self, p: &crate::syntax::ast::Prop) -> Option<(Callee, String)> {
        let span = p.value.span(p.span);
        let path = self.prop_string(p)?.as_str()?.to_string();
        match self.callees.get(&path).cloned() {
            Some(Ok(c)) => Some((c, path)),
            Some(Err(why)) => {
                self.err(Code::E051, span, format!("cannot use `{path}`: {why}"));
                None
            }
            None => {
                self.err(Code::E051, span, format!("cannot use `{path}`: called pipelines are read when a file is compiled from disk"));
                None
            }
        }
    }

    /// `params { Name = value }`, checked against the callee's parameters when it is known.
    fn arguments(&mut self, set: &PropSet, callee: Option<&Callee>, at: Span) -> Vec<Named> {
        let mut out = Vec::new();
        let bindings = match set.one("params").map(|p| &p.value) {
            Some(PropValue::Map(b)) => b.clone(),
            _ => Vec::new(),
        };
        for b in &bindings {
            let Some((value, ty)) = self.typed_value(&b.value) else {
                continue;
            };
            if let Some(c) = callee {
                match c.params.iter().find(|(n, _, _)| *n == b.key.name) {
                    None => {
                        let names = c.params.iter().map(|(n, _, _)| n.as_str());
                        let guess = did_you_mean(&b.key.name, names).map(str::to_string);
                        let d = self.err(
                            Code::E052,
                            b.key.span,
                            format!("pipeline `{}` has no parameter `{}`", c.name, b.key.name),
                        );
                        if let Some(g) = guess {
                            d.help = Some(format!("did you mean `{g}`?"));
                        }
                        continue;
                    }
                    Some((name, want, _)) if !fits(ty, *want) => {
                        self.err(
                            Code::E052,
                            b.value.span,
                            format!(
                                "`{name}` of pipeline `{}` is {}, but this is {}",
                                c.name,
                                want.name(),
                                ty.name()
                            ),
                        );
                        continue;
                    }
                    Some(_) => {}
                }
            }
            out.push(Named {
                name: b.key.name.clone(),
                value,
            });
        }
        if let Some(c) = callee {
            let missing: Vec<&str> = c
                .params
                .iter()
                .filter(|(n, _, has_default)| {
                    !has_default && !bindings.iter().any(|b| b.key.name == *n)
                })
                .map(|(n, _, _)| n.as_str())
                .collect();
            if !missing.is_empty() {
                let span = set.one("params").map_or(at, |p| p.key.span);
                self.err(
                    Code::E052,
                    span,
                    format!(
                        "pipeline `{}` needs {}",
                        c.name,
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                .set_help("give every parameter without a default in `params { … }`");
            }
        }
        out
    }

    /// A value and its type: literals, references, and text built from them.
    fn typed_value(&mut self, e: &Expr) -> Option<(super::Val, Ty)> {
        let ty = match &e.kind {
            ExprKind::Ref(_) => return self.resolve(e).map(|(v, t, _)| (v, t)),
            ExprKind::Call { name, .. } if matches!(name.name.as_str(), "str" | "join") => {
                Ty::String
            }
            _ => super::literal_ty(e).unwrap_or(Ty::Json),
        };
        self.any_val(e).map(|v| (v, ty))
    }
}

/// Can a value of type `have` be passed for a parameter of type `want`? S3 URIs and ARNs are
/// strings; an int is a float; a JSON value is checked by the called pipeline at run time.
fn fits(have: Ty, want: Ty) -> bool {
    have == want
        || matches!(have, Ty::Json | Ty::Error)
        || matches!(want, Ty::Error | Ty::Json)
        || (want == Ty::String && matches!(have, Ty::S3Uri | Ty::Arn))
        || (want == Ty::Float && have == Ty::Int)
}
