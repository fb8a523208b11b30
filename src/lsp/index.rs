//! What the editor features need to know about a pipeline source: every definition (parameter,
//! step, step output, retry policy) from the tree, and every reference to one as the checker
//! resolved it (one resolver for compiler and editor).

use crate::check::{declared_outputs, Resolution, Ty};
use crate::diagnostics::Span;
use crate::lower::plan::{Plan, StepPlan};
use crate::syntax::ast::{self, Item};

#[derive(Clone, Debug)]
pub struct Def {
    /// `DataDate`, `Featurise`, `Featurise.train`, `retry transient`.
    pub name: String,
    pub span: Span,
    pub kind: DefKind,
    /// Markdown shown on hover.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DefKind {
    Param,
    Step { nested: bool },
    Output,
    Policy,
}

#[derive(Default, Debug)]
pub struct Index {
    pub defs: Vec<Def>,
    pub refs: Vec<Resolution>,
    /// Steps in document order, with their nested steps, for the outline.
    pub outline: Vec<Outline>,
}

#[derive(Debug)]
pub struct Outline {
    pub name: String,
    pub kind: &'static str,
    pub span: Span,
    pub name_span: Span,
    pub children: Vec<Outline>,
}

impl Index {
    /// Definitions and outline from the tree; references as the checker resolved them.
    pub fn build(p: &ast::Pipeline, names: &[Resolution], plan: Option<&Plan>) -> Index {
        let mut ix = Index {
            refs: names.to_vec(),
            ..Index::default()
        };
        for item in &p.items {
            match item {
                Item::Param(param) => {
                    let default = param
                        .default
                        .as_ref()
                        .map(|_| " (has a default)")
                        .unwrap_or(" (required)");
                    ix.defs.push(Def {
                        name: param.name.name.clone(),
                        span: param.name.span,
                        kind: DefKind::Param,
                        detail: format!(
                            "```sfn\nparam {}: {}\n```\npipeline parameter{default}",
                            param.name.name, param.ty.name
                        ),
                    });
                    ix.outline.push(Outline {
                        name: param.name.name.clone(),
                        kind: "param",
                        span: param.span,
                        name_span: param.name.span,
                        children: vec![],
                    });
                }
                Item::Retry(r) => {
                    ix.defs.push(Def {
                        name: format!("retry {}", r.name.name),
                        span: r.name.span,
                        kind: DefKind::Policy,
                        detail: format!("```sfn\nretry {}\n```\nretry policy", r.name.name),
                    });
                    ix.outline.push(Outline {
                        name: r.name.name.clone(),
                        kind: "retry",
                        span: r.span,
                        name_span: r.name.span,
                        children: vec![],
                    });
                }
                Item::Schedule(_) | Item::Trigger(_) | Item::Setting(_) => {}
                Item::Step(s) => {
                    let o = ix.step(s, false, plan);
                    ix.outline.push(o);
                }
            }
        }
        ix
    }

    fn step(&mut self, s: &ast::Step, nested: bool, plan: Option<&Plan>) -> Outline {
        let kind = s.kind.keyword();
        let lowered = plan
            .and_then(|p| p.steps.iter().find(|x| x.name == s.name.name))
            .map(lowered)
            .unwrap_or_default();
        self.defs.push(Def {
            name: s.name.name.clone(),
            span: s.name.span,
            kind: DefKind::Step { nested },
            detail: format!("```sfn\n{kind} {}\n```\n{kind} step{lowered}", s.name.name),
        });
        for (out, (ty, span)) in declared_outputs(s) {
            self.defs.push(Def {
                name: format!("{}.{out}", s.name.name),
                span,
                kind: DefKind::Output,
                detail: format!(
                    "```sfn\n{}.{out}: {}\n```\noutput of {kind} step `{}`",
                    s.name.name,
                    type_name(ty),
                    s.name.name
                ),
            });
        }
        if let ast::StepBody::Foreach(f) = &s.body {
            // The item: what `Partition` means inside the foreach.
            self.defs.push(Def {
                name: f.item.name.clone(),
                span: f.item.span,
                kind: DefKind::Param,
                detail: format!(
                    "```sfn\nforeach {}: {} in …\n```\nthe item of `{}`, one per iteration",
                    s.name.name, f.item.name, s.name.name
                ),
            });
        }
        let mut children = Vec::new();
        for st in s.body.inner_steps() {
            let o = self.step(st, true, plan);
            children.push(o);
        }
        Outline {
            name: s.name.name.clone(),
            kind,
            span: s.span,
            name_span: s.name.span,
            children,
        }
    }

    pub fn def(&self, name: &str) -> Option<&Def> {
        self.defs.iter().find(|d| d.name == name)
    }

    /// The definition named at `offset`, by a reference or by the definition itself.
    pub fn at(&self, offset: usize) -> Option<(Span, &Def)> {
        let inside = |s: Span| (s.start as usize) <= offset && offset <= (s.end as usize);
        if let Some(r) = self
            .refs
            .iter()
            .filter(|r| inside(r.span))
            .min_by_key(|r| r.span.len())
        {
            return self.def(&r.target).map(|d| (r.span, d));
        }
        self.defs
            .iter()
            .filter(|d| inside(d.span))
            .min_by_key(|d| d.span.len())
            .map(|d| (d.span, d))
    }
}

fn type_name(ty: Ty) -> &'static str {
    ty.name()
}

/// What the lowering plan says of a step, for its hover: the states it becomes (the first one
/// runs it) and how its jobs are named.
fn lowered(p: &StepPlan) -> String {
    let mut out = format!(", run by the state `{}`", p.state);
    if p.states.len() > 1 {
        out.push_str(&format!(
            " ({} states: `{}`)",
            p.states.len(),
            p.states.join("`, `")
        ));
    }
    if let Some(prefix) = &p.job_prefix {
        out.push_str(&format!("\n\njobs are named `{prefix}-<uuid>`"));
    }
    out
}
