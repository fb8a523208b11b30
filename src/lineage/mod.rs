//! Phase 5: the static lineage graph the compiler knows, written as `X.lineage.json`.
//!
//! Step Functions records no ML lineage by itself. The sidecar records, for every edge, the ASL
//! state that realises it, so a provenance question ("which dataset produced this model?") can
//! be answered offline. Schema: `schemas/lineage.schema.json`; documented in README.md.

use crate::check::{fmt_duration, Checked, Ref, Val};
use crate::lower::{paths, Plan, StepPlan};
use crate::steps::{ArtifactKind, Role};
use crate::syntax::ast::StepKind;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::HashMap;

pub const VERSION: u32 = 1;

mod query;
pub use query::{query, Direction, Query, QueryFormat};

#[derive(Serialize, Deserialize, Debug)]
pub struct Sidecar {
    pub version: u32,
    pub pipeline: String,
    pub source: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Node {
    pub id: String,
    pub kind: String,
    /// Step nodes: the step kind; S3 nodes: `dataset`, `model_artifacts` or `property_file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// S3 nodes: the URI with `{Param}` / `{Step.output}` placeholders resolved per execution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Step nodes: the state that runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Step nodes: every state the step lowers to (cache lookups, retry loop, lineage
    /// states), so that a report over execution histories can fold them into the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub states: Vec<String>,
    /// Where the value is kept in the execution's state data, when it is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_path: Option<String>,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub attributes: serde_json::Map<String, Json>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// A SageMaker association type: ContributedTo, Produced, AssociatedWith.
    #[serde(rename = "type")]
    pub kind: String,
    /// The ASL state whose execution establishes the edge.
    pub state: String,
}

impl Sidecar {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Build the sidecar of a lowered pipeline: parameters from the checked pipeline, everything
/// about steps (their states, what they read and write, the state that records each edge)
/// from the lowering's plan, so the sidecar and the recording states cannot disagree.
pub fn sidecar(c: &Checked, plan: &Plan, source: &str) -> Sidecar {
    let mut g = Graph::default();
    for p in &c.params {
        let mut attributes = serde_json::Map::new();
        attributes.insert("type".into(), Json::String(p.ty.param_name().into()));
        if let Some(d) = &p.default {
            attributes.insert("default".into(), d.clone());
        }
        g.node(Node {
            id: format!("param:{}", p.name),
            kind: "parameter".into(),
            detail: None,
            uri: None,
            state: None,
            states: Vec::new(),
            state_path: Some(paths::param(&p.name)),
            attributes,
        });
    }
    let gated_by: HashMap<&str, &str> = plan
        .steps
        .iter()
        .flat_map(|w| w.gates.iter().map(move |g| (g.as_str(), w.name.as_str())))
        .collect();
    for step in &plan.steps {
        g.step(step);
        if let Some(when) = gated_by.get(step.name.as_str()) {
            // The gate decided that this step ran.
            g.edge(
                &format!("step:{when}"),
                &format!("step:{}", step.name),
                "AssociatedWith",
                when,
            );
        }
    }
    Sidecar {
        version: VERSION,
        pipeline: c.name.clone(),
        source: source.to_string(),
        nodes: g.nodes,
        edges: g.edges,
    }
}

#[derive(Default)]
struct Graph {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    /// Step outputs to the node that holds them.
    by_ref: HashMap<Ref, String>,
    /// S3 URI templates to their node.
    by_uri: HashMap<String, String>,
}

impl Graph {
    fn node(&mut self, n: Node) -> String {
        let id = n.id.clone();
        if !self.nodes.iter().any(|m| m.id == id) {
            if let Some(u) = &n.uri {
                self.by_uri.entry(u.clone()).or_insert_with(|| id.clone());
            }
            self.nodes.push(n);
        }
        id
    }

    fn edge(&mut self, from: &str, to: &str, kind: &'static str, state: &str) {
        let e = Edge {
            from: from.into(),
            to: to.into(),
            kind: kind.into(),
            state: state.into(),
        };
        if !self.edges.contains(&e) {
            self.edges.push(e);
        }
    }

    /// The nodes a consumed value comes from: earlier steps' outputs, or an S3 location.
    fn sources(&mut self, v: &Val, kind: ArtifactKind) -> Vec<String> {
        let mut out: Vec<String> = v
            .refs()
            .into_iter()
            .filter_map(|r| self.by_ref.get(r).cloned())
            .collect();
        if matches!(v, Val::Ref(_)) && !out.is_empty() {
            return out;
        }
        // An S3 location written out, or one a parameter holds (`"{InputData}"`): a node with
        // its URI template, as the recording states record it.
        let uri = v.template_text();
        if uri.starts_with("s3://") || (matches!(v, Val::Ref(_)) && out.is_empty()) {
            let id = match self.by_uri.get(&uri) {
                Some(id) => id.clone(),
                None => self.node(s3_node(
                    format!("s3:{uri}"),
                    detail(kind),
                    uri.clone(),
                    None,
                )),
            };
            out.push(id);
        }
        out
    }

    fn step(&mut self, s: &StepPlan) {
        let id = format!("step:{}", s.name);
        let kind = match s.kind {
            StepKind::Fail => return,
            StepKind::When => "condition",
            // A `parallel` the author wrote: the steps after it wait for all its branches.
            StepKind::Parallel => "parallel",
            // Its steps run once per item; the steps after it wait for all of them.
            StepKind::Foreach => "foreach",
            _ => "step",
        };
        let mut attributes = s.attributes.clone();
        if let Some(p) = &s.job_prefix {
            // Job and model names are `<prefix>-<uuid>`: how to find this step's jobs.
            attributes.insert("job_prefix".into(), Json::String(p.clone()));
        }
        if !s.after.is_empty() {
            attributes.insert("after".into(), serde_json::json!(s.after));
        }
        if let Some(seconds) = s.cached {
            // A reused result keeps the job ARN of the run that produced it.
            attributes.insert("cache".into(), Json::from(fmt_duration(seconds)));
        }
        self.node(Node {
            id: id.clone(),
            kind: kind.into(),
            detail: (kind == "step").then(|| s.kind.keyword().to_string()),
            uri: None,
            state: Some(s.state.clone()),
            states: s.states.clone(),
            state_path: None,
            attributes,
        });
        for r in &s.reads {
            let file = format!("s3:{}.{}", r.step, r.file);
            self.edge(&file, &id, "ContributedTo", &r.state);
        }
        for r in &s.compares {
            let source = match r {
                Ref::Param(p) => Some(format!("param:{p}")),
                // Property files are read by the states above; the execution is not a node.
                Ref::File { .. } | Ref::Exec(_) | Ref::Item { .. } => None,
                Ref::Output { step, output } | Ref::Json { step, output, .. } => {
                    self.by_ref.get(&Ref::output(step, output)).cloned()
                }
            };
            if let Some(src) = source {
                self.edge(&src, &id, "ContributedTo", &s.state);
            }
        }
        if let Some(l) = &s.lineage {
            let writer = l.recorder.clone().unwrap_or_else(|| s.state.clone());
            for a in &l.artifacts {
                match a.role {
                    Role::Input => {
                        for src in self.sources(&a.value, a.kind) {
                            self.edge(&src, &id, "ContributedTo", &writer);
                        }
                    }
                    Role::Output => {
                        let out = self.output(s, a);
                        self.edge(&id, &out, "Produced", &writer);
                    }
                }
            }
        }
        for p in &s.params {
            self.edge(&format!("param:{p}"), &id, "ContributedTo", &s.state);
        }
    }

    /// The node of an artifact a step produces.
    fn output(&mut self, s: &StepPlan, a: &crate::steps::Artifact) -> String {
        let name = a.output.clone().unwrap_or_default();
        let kept = s
            .kept
            .iter()
            .find(|(o, _)| *o == name)
            .map(|(_, p)| p.clone());
        let node = match a.kind {
            ArtifactKind::ModelPackage => entity("model_package", &s.name, kept),
            ArtifactKind::Model if name == "model_arn" => entity("model", &s.name, kept),
            // A property file's location is not in the state data (its parsed content may be).
            ArtifactKind::Metrics => s3_node(
                format!("s3:{}.{name}", s.name),
                detail(a.kind),
                a.declared.clone().unwrap_or_default(),
                None,
            ),
            _ => s3_node(
                format!("s3:{}.{name}", s.name),
                detail(a.kind),
                a.declared.clone().unwrap_or_default(),
                kept,
            ),
        };
        let id = self.node(node);
        self.by_ref
            .entry(Ref::output(&s.name, &name))
            .or_insert_with(|| id.clone());
        id
    }
}

/// What the sidecar calls an artifact kind.
fn detail(kind: ArtifactKind) -> &'static str {
    match kind {
        ArtifactKind::DataSet | ArtifactKind::ModelPackage => "dataset",
        ArtifactKind::Code => "code",
        ArtifactKind::Model => "model_artifacts",
        ArtifactKind::Metrics => "property_file",
    }
}

/// A model or model package a step creates, found in the state data at `state_path`.
fn entity(kind: &str, step: &str, state_path: Option<String>) -> Node {
    Node {
        id: format!("{kind}:{step}"),
        kind: kind.into(),
        detail: None,
        uri: None,
        state: None,
        states: Vec::new(),
        state_path,
        attributes: Default::default(),
    }
}

fn s3_node(id: String, detail: &str, uri: String, state_path: Option<String>) -> Node {
    Node {
        id,
        kind: "s3".into(),
        detail: Some(detail.into()),
        uri: Some(uri),
        state: None,
        states: Vec::new(),
        state_path,
        attributes: Default::default(),
    }
}
