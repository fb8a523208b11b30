//! Resolving references: parameters, and step outputs that have certainly been produced by the
//! time the referencing step runs.

use super::{Checker, Read, Ref, Ty, Val};
use crate::diagnostics::{did_you_mean, Code, Span};
use crate::syntax::ast::{Expr, ExprKind, StepKind};

impl Checker {
    /// Resolve `Name` or `Step.output`. Returns the typed reference, the type, and the span that
    /// declared the type (for "declared as ... here" labels).
    pub fn resolve(&mut self, e: &Expr) -> Option<(Val, Ty, Option<Span>)> {
        let ExprKind::Ref(parts) = &e.kind else {
            return None;
        };
        let head = &parts[0];
        if let Some(item) = self
            .items
            .iter()
            .rev()
            .find(|i| i.name == head.name)
            .cloned()
        {
            return self.item_ref(&item, parts);
        }
        if let Some(p) = self.params.get(&head.name) {
            let (ty, decl) = (p.def.ty, p.ty_span);
            self.resolved(head.span, &head.name);
            self.used_params.insert(head.name.clone());
            if parts.len() > 1 {
                self.err(
                    Code::E013,
                    parts[1].span,
                    format!("parameter `{}` has no fields", head.name),
                );
                return None;
            }
            return Some((Val::Ref(Ref::Param(head.name.clone())), ty, Some(decl)));
        }
        if !self.steps.contains_key(&head.name)
            && matches!(head.name.as_str(), "execution" | "pipeline")
        {
            return self.execution_variable(parts);
        }
        let Some(info) = self.steps.get(&head.name) else {
            let mut names: Vec<&str> = self.params.keys().map(String::as_str).collect();
            names.extend(self.steps.keys().map(String::as_str));
            names.sort_unstable();
            let guess = did_you_mean(&head.name, names).map(str::to_string);
            let d = self.err(
                Code::E012,
                head.span,
                format!("unknown name `{}`", head.name),
            );
            d.label = Some("not a parameter or a step".into());
            if let Some(g) = guess {
                d.help = Some(format!("did you mean `{g}`?"));
                d.fix = Some(crate::diagnostics::Fix {
                    message: format!("use `{g}`"),
                    span: head.span,
                    replacement: g,
                });
            }
            return None;
        };
        let outputs: Vec<String> = info.outputs.keys().cloned().collect();
        let step_span = info.span;
        let found = parts
            .get(1)
            .and_then(|out| info.outputs.get(&out.name).copied());
        self.resolved(head.span, &head.name);
        if parts.len() == 1 {
            let d = self.err(
                Code::E013,
                head.span,
                format!("`{}` is a step; name one of its outputs", head.name),
            );
            d.help = Some(if outputs.is_empty() {
                format!("step `{}` has no outputs", head.name)
            } else {
                format!(
                    "outputs: {}",
                    outputs
                        .iter()
                        .map(|o| format!("{}.{o}", head.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            return None;
        }
        let out = &parts[1];
        if found.is_some() {
            self.resolved(out.span, &format!("{}.{}", head.name, out.name));
        }
        let Some((ty, decl)) = found else {
            let guess =
                did_you_mean(&out.name, outputs.iter().map(String::as_str)).map(str::to_string);
            let d = self.err(
                Code::E013,
                out.span,
                format!("step `{}` has no output `{}`", head.name, out.name),
            );
            d.secondary.push(crate::diagnostics::Label {
                span: step_span,
                message: "step defined here".into(),
            });
            d.help = Some(match &guess {
                Some(g) => format!("did you mean `{g}`?"),
                None if outputs.is_empty() => format!("step `{}` has no outputs", head.name),
                None => format!("outputs: {}", outputs.join(", ")),
            });
            if let Some(g) = guess {
                d.fix = Some(crate::diagnostics::Fix {
                    message: format!("use `{g}`"),
                    span: out.span,
                    replacement: g,
                });
            }
            return None;
        };
        if parts.len() > 2 {
            self.err(
                Code::E013,
                parts[2].span.to(parts[parts.len() - 1].span),
                format!(
                    "`{}.{}` has no fields; use `json(...)` to read inside JSON",
                    head.name, out.name
                ),
            );
            return None;
        }
        if !self.visible(&head.name, head.span.to(out.span)) {
            return None;
        }
        let read = if self.reading_json {
            Read::Fields(vec![])
        } else {
            Read::Whole
        };
        self.mark_read(&head.name, &out.name, read);
        Some((Val::Ref(Ref::output(&head.name, &out.name)), ty, Some(decl)))
    }

    /// `execution.id`, `pipeline.name`, …: what the execution knows of itself.
    fn execution_variable(
        &mut self,
        parts: &[crate::syntax::ast::Ident],
    ) -> Option<(Val, Ty, Option<Span>)> {
        let full: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        let name = full.join(".");
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        if name == "pipeline.name" {
            return Some((Val::str(self.pipeline_name.clone()), Ty::String, None));
        }
        if let Some((_, v)) = crate::check::ExecVar::ALL.iter().find(|(n, _)| *n == name) {
            let ty = match v {
                crate::check::ExecVar::Arn | crate::check::ExecVar::PipelineArn => Ty::Arn,
                _ => Ty::String,
            };
            return Some((Val::Ref(Ref::Exec(*v)), ty, None));
        }
        let mut known: Vec<&str> = crate::check::ExecVar::ALL.iter().map(|(n, _)| *n).collect();
        known.push("pipeline.name");
        let guess = did_you_mean(&name, known.iter().copied()).map(str::to_string);
        self.err(
            Code::E012,
            span,
            format!("unknown execution variable `{name}`"),
        )
        .set_help(match guess {
            Some(g) => format!("did you mean `{g}`?"),
            None => format!("execution variables: {}", known.join(", ")),
        });
        None
    }

    /// Resolve a bare step name (`model TrainXGB`) to a step of one of the given kinds.
    pub fn step_ref(&mut self, e: &Expr, kinds: &[StepKind], what: &str) -> Option<String> {
        let name = match &e.kind {
            ExprKind::Ref(parts) if parts.len() == 1 => &parts[0],
            _ => {
                self.err(Code::E037, e.span, format!("expected the name of {what}"));
                return None;
            }
        };
        let Some(info) = self.steps.get(&name.name) else {
            let names: Vec<&str> = self
                .steps
                .iter()
                .filter(|(_, i)| kinds.contains(&i.kind))
                .map(|(n, _)| n.as_str())
                .collect();
            let guess = did_you_mean(&name.name, names).map(str::to_string);
            let d = self.err(
                Code::E012,
                name.span,
                format!("unknown step `{}`", name.name),
            );
            if let Some(g) = guess {
                d.help = Some(format!("did you mean `{g}`?"));
            }
            return None;
        };
        let (kind, span) = (info.kind, info.span);
        self.resolved(name.span, &name.name);
        if !kinds.contains(&kind) {
            let kind = kind.keyword();
            self.err(
                Code::E037,
                name.span,
                format!("`{}` is a {kind} step, but this needs {what}", name.name),
            )
            .add_secondary(span, "defined here");
            return None;
        }
        if !self.visible(&name.name, name.span) {
            return None;
        }
        Some(name.name.clone())
    }

    /// Record what a name in the source resolved to.
    pub fn resolved(&mut self, span: Span, target: &str) {
        self.names.push(crate::check::Resolution {
            span,
            target: target.to_string(),
        });
    }

    /// Mark an output as used by a later step (for outputs read implicitly, such as the model
    /// artifacts a register step packages).
    pub fn use_output(&mut self, step: &str, output: &str) -> Val {
        self.mark_read(step, output, Read::Whole);
        Val::Ref(Ref::output(step, output))
    }

    /// Record how a later step reads an output: whole wins over fields.
    pub fn mark_read(&mut self, step: &str, output: &str, read: Read) {
        self.note_use(step);
        let entry = self
            .used_outputs
            .entry(step.to_string())
            .or_default()
            .entry(output.to_string())
            .or_insert(Read::Fields(vec![]));
        match (entry, read) {
            (e @ Read::Fields(_), Read::Whole) => *e = Read::Whole,
            (Read::Fields(list), Read::Fields(more)) => {
                for keys in more {
                    if !list.contains(&keys) {
                        list.push(keys);
                    }
                }
            }
            (Read::Whole, _) => {}
        }
    }

    /// The current step uses `step`: an edge of the DAG.
    /// The step being checked (the `when` whose condition this is).
    pub(super) fn current_step(&self) -> String {
        self.current
            .as_ref()
            .map(|c| c.0.clone())
            .unwrap_or_default()
    }

    fn note_use(&mut self, step: &str) {
        let Some((current, ..)) = &self.current else {
            return;
        };
        if current == step {
            return;
        }
        let uses = self.uses.entry(current.clone()).or_default();
        if !uses.iter().any(|u| u == step) {
            uses.push(step.to_string());
        }
    }

    /// Has `step` certainly run before the current step? Reports E014/E015 when not.
    fn visible(&mut self, step: &str, at: Span) -> bool {
        self.note_use(step);
        if self.ran.contains(step) {
            return true;
        }
        let Some((current, order, enclosing)) = self.current.clone() else {
            return true;
        };
        let Some(info) = self.steps.get(step) else {
            return false;
        };
        let defined = info.span;
        let (target_order, target_enclosing) = (info.order, info.enclosing.clone());
        if step == current {
            self.err(
                Code::E014,
                at,
                format!("step `{step}` cannot use its own outputs"),
            );
        } else if target_order > order && !target_enclosing.iter().any(|e| e.step == current) {
            self.err(
                Code::E014,
                at,
                format!("step `{step}` has not run yet: it runs after `{current}`"),
            )
            .add_secondary(defined, "defined here, later in the pipeline")
            .set_help(format!("move `{step}` above `{current}`"));
        } else if let Some(f) = target_enclosing
            .iter()
            .find(|t| t.foreach && !enclosing.iter().any(|c| c.step == t.step))
        {
            self.err(
                Code::E053,
                at,
                format!("step `{step}` runs once for each item of `{}`; outside it, its results are `{}.results`", f.step, f.step),
            )
            .add_secondary(defined, "defined here, inside the foreach");
        } else if target_order > order {
            self.err(
                Code::E014,
                at,
                format!("step `{step}` runs inside `{current}`, after its condition is evaluated"),
            )
            .add_secondary(defined, "defined here");
        } else {
            // The target ran earlier in file order, so a `when` or `parallel` separates the two.
            let sibling = target_enclosing.iter().find(|t| {
                t.parallel
                    && enclosing
                        .iter()
                        .any(|c| c.step == t.step && c.branch != t.branch)
            });
            if let Some(p) = sibling {
                self.err(Code::E015, at, format!("step `{step}` runs in another branch of `{}`, at the same time as this one", p.step))
                    .add_secondary(defined, "defined here");
            } else {
                let gate = target_enclosing
                    .iter()
                    .rev()
                    .find(|t| !t.parallel && !enclosing.contains(t));
                let d = self.err(Code::E015, at, format!("step `{step}` may not have run"));
                d.secondary.push(crate::diagnostics::Label {
                    span: defined,
                    message: "defined here".into(),
                });
                if let Some(g) = gate {
                    d.secondary.push(crate::diagnostics::Label {
                        span: g.span,
                        message: "inside this `when`, whose branch may not be taken".to_string(),
                    });
                }
                d.help = Some("reference it from inside the same branch, or from a step that always runs after it".into());
            }
        }
        false
    }
}
