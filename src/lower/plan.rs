//! The lowering's account of what it decided, for every consumer after it: which states each
//! step became, the job-name prefixes, what the state data keeps, the lineage each step records
//! and the IAM grants of everything the state machine calls. The sidecar (`lineage::sidecar`),
//! the IAM policy (`iam::policy`) and the language server read this; none of them repeats a
//! lowering rule.

use crate::check::Ref;
use crate::diagnostics::Span;
use crate::steps::{Artifact, Grant};
use crate::syntax::ast::StepKind;
use serde_json::Value as Json;

#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Every step, nested ones included, in source order.
    pub steps: Vec<StepPlan>,
    /// The lineage recorder the state machine starts, when it starts one.
    pub recorder: Option<Recorder>,
    /// Every Task state with its resource, in the order they were emitted.
    pub tasks: Vec<(String, String)>,
    /// The IAM statements the state machine's role needs, merged by `sid`.
    pub grants: Vec<Grant>,
}

#[derive(Clone, Debug)]
pub struct StepPlan {
    pub name: String,
    pub kind: StepKind,
    pub span: Span,
    /// The state that runs it: its Task, Choice, Parallel or Fail.
    pub state: String,
    /// Every state it lowers to: cache lookups, property-file reads, the retry loop, lineage.
    pub states: Vec<String>,
    /// The prefix of the job (or model) names it creates.
    pub job_prefix: Option<String>,
    /// Output → where the state data keeps it (only what later steps or lineage read).
    pub kept: Vec<(String, String)>,
    /// What it reads and writes, when it records lineage.
    pub lineage: Option<StepLineage>,
    /// `cache <duration>` in seconds, when the step is cached.
    pub cached: Option<u64>,
    /// Conditions: the property files read first, and the state reading each.
    pub reads: Vec<FileRead>,
    /// Conditions: the values compared.
    pub compares: Vec<Ref>,
    /// Steps that run only when this condition decides so.
    pub gates: Vec<String>,
    /// Facts for the sidecar's node (image, hyperparameters, function, …).
    pub attributes: serde_json::Map<String, Json>,
    /// Parameters its request uses.
    pub params: Vec<String>,
    /// The steps it waits for: those it uses (data or `depends_on`), the `when` or `fail`
    /// before it, the `when` it is inside. The edges of the DAG the schedule follows.
    pub after: Vec<String>,
}

/// The second state machine that records lineage (`lineage::recorder`).
#[derive(Clone, Debug)]
pub struct Recorder {
    /// Its state machine name.
    pub name: String,
    /// The IAM statements its role needs.
    pub grants: Vec<Grant>,
}

#[derive(Clone, Debug)]
pub struct FileRead {
    pub step: String,
    pub file: String,
    pub state: String,
}

#[derive(Clone, Debug)]
pub struct StepLineage {
    /// The SageMaker Action type.
    pub action: &'static str,
    /// Only the artifacts that exist: an unpinned payload value that names neither an S3
    /// location nor another step's artifact is left out.
    pub artifacts: Vec<Artifact>,
    /// The state that starts the recording at run time (`<Step>.Lineage`), when lineage wiring
    /// is on.
    pub recorder: Option<String>,
}

impl Plan {
    pub fn step(&self, name: &str) -> Option<&StepPlan> {
        self.steps.iter().find(|s| s.name == name)
    }

    /// Add a statement, merging it into one with the same `sid`.
    pub fn grant(&mut self, g: Grant) {
        match self.grants.iter_mut().find(|x| x.sid == g.sid) {
            Some(x) => {
                for r in g.resources {
                    if !x.resources.contains(&r) {
                        x.resources.push(r);
                    }
                }
            }
            None => self.grants.push(g),
        }
    }

    /// The step (and the kind of artifact) that produces output `output` of `step`, when it is
    /// a recorded artifact.
    pub fn artifact_of(&self, r: &Ref) -> Option<&Artifact> {
        let Ref::Output { step, output } = r else {
            return None;
        };
        self.step(step)?
            .lineage
            .as_ref()?
            .artifacts
            .iter()
            .find(|a| a.output.as_deref() == Some(output))
    }
}
