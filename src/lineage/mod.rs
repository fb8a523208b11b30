//! Phase 5: the static lineage graph the compiler knows, written as `X.lineage.json`.
//!
//! Step Functions records no ML lineage by itself. The sidecar records, for every edge, the ASL
//! state that realises it, so a provenance question ("which dataset produced this model?") can
//! be answered offline. Schema: `schemas/lineage.schema.json`; documented in README.md.

use crate::check::{Checked, Cond, FileRead, Operand, StepDef, StepIr, TPart, Val};
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

/// Build the sidecar for a checked pipeline.
/// `wired`: the ASL records lineage at run time (`--no-lineage-states` not given), so an edge
/// SageMaker records is written by the step's `<Step>.Lineage.Artifacts` state.
pub fn sidecar(c: &Checked, source: &str, wired: bool) -> Sidecar {
    let mut g = Graph {
        wired,
        ..Graph::default()
    };
    for p in &c.params {
        let mut attributes = serde_json::Map::new();
        attributes.insert("type".into(), Json::String(p.ty.name().into()));
        if let Some(d) = &p.default {
            attributes.insert("default".into(), d.clone());
        }
        g.node(Node {
            id: format!("param:{}", p.name),
            kind: "parameter".into(),
            detail: None,
            uri: None,
            state: None,
            state_path: Some(crate::check::param_path(&p.name)),
            attributes,
        });
    }
    g.kept = c.used_outputs.clone();
    g.steps(&c.steps);
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
    /// State paths and URIs to the node that holds them.
    by_key: HashMap<String, String>,
    /// The outputs each step's ResultSelector keeps in the state data.
    kept: indexmap::IndexMap<String, Vec<String>>,
    wired: bool,
    /// Steps whose lineage states record their edges.
    recording: std::collections::HashSet<String>,
}

/// `{DataDate}` for a parameter, `{Step.output}` for a step output.
fn placeholder(path: &str) -> String {
    let p = path
        .trim_start_matches("$.params.")
        .trim_start_matches("$.steps.");
    format!("{{{p}}}")
}

fn uri_of(v: &Val) -> String {
    match v {
        Val::Lit(Json::String(s)) => s.clone(),
        Val::Lit(other) => other.to_string(),
        Val::Path(p) => placeholder(p),
        Val::Template(parts) => parts
            .iter()
            .map(|p| match p {
                TPart::Text(t) => t.clone(),
                TPart::Path(p) => placeholder(p),
            })
            .collect(),
    }
}

impl Graph {
    fn node(&mut self, n: Node) -> String {
        let id = n.id.clone();
        if !self.nodes.iter().any(|m| m.id == id) {
            if let Some(p) = &n.state_path {
                self.by_key.insert(p.clone(), id.clone());
            }
            if let Some(u) = &n.uri {
                self.by_key.entry(u.clone()).or_insert_with(|| id.clone());
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

    /// The node a consumed value comes from: a known output, a parameter, or a new S3 location.
    fn source(&mut self, v: &Val, detail: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Val::Path(p) = v {
            if let Some(id) = self.by_key.get(p) {
                return vec![id.clone()];
            }
        }
        if let Val::Template(parts) = v {
            for p in parts {
                if let TPart::Path(path) = p {
                    if path.starts_with("$.steps.") {
                        if let Some(id) = self.by_key.get(path) {
                            out.push(id.clone());
                        }
                    }
                }
            }
        }
        let uri = uri_of(v);
        if uri.starts_with("s3://") {
            let id = match self.by_key.get(&uri) {
                Some(id) => id.clone(),
                None => self.node(s3_node(format!("s3:{uri}"), detail, uri.clone(), None)),
            };
            out.push(id);
        }
        out
    }

    /// The state that writes a step's artifact edges: its lineage states when they exist.
    fn writer(&self, step: &str) -> String {
        if self.recording.contains(step) {
            format!("{step}.Lineage.Artifacts")
        } else {
            step.to_string()
        }
    }

    fn consume(&mut self, step: &str, v: &Val, detail: &str) {
        let writer = self.writer(step);
        for id in self.source(v, detail) {
            self.edge(&id, &format!("step:{step}"), "ContributedTo", &writer);
        }
        self.params(step, v);
    }

    /// Parameters a step's request uses (in an input, an output location, a hyperparameter).
    fn params(&mut self, step: &str, v: &Val) {
        for path in param_paths(v) {
            let id = format!("param:{}", path.trim_start_matches("$.params."));
            self.edge(&id, &format!("step:{step}"), "ContributedTo", step);
        }
    }

    fn produce(&mut self, step: &str, output: &str, uri: Option<String>, detail: &str) {
        // A property file's state path holds its parsed content, not its location; other
        // outputs are in the state data only when a later step reads them.
        let kept = detail != "property_file"
            && self
                .kept
                .get(step)
                .is_some_and(|o| o.iter().any(|x| x == output));
        let path = kept.then(|| crate::check::step_path(step, output));
        let id = self.node(s3_node(
            format!("s3:{step}.{output}"),
            detail,
            uri.unwrap_or_else(|| format!("{{{step}.{output}}}")),
            path,
        ));
        // Consumers name an output by its state path even when the output is not kept.
        self.by_key
            .entry(crate::check::step_path(step, output))
            .or_insert_with(|| id.clone());
        let writer = self.writer(step);
        self.edge(&format!("step:{step}"), &id, "Produced", &writer);
    }

    fn steps(&mut self, steps: &[StepDef]) {
        for s in steps {
            self.step(s);
        }
    }

    fn step(&mut self, s: &StepDef) {
        let name = s.name.as_str();
        if self.wired && crate::lower::records_lineage(s) {
            self.recording.insert(name.to_string());
        }
        let id = format!("step:{name}");
        let (kind, detail) = match s.body {
            StepIr::When { .. } => ("condition", None),
            _ => ("step", Some(s.kind.keyword().to_string())),
        };
        if !matches!(s.body, StepIr::Fail { .. } | StepIr::Parallel { .. }) {
            self.node(Node {
                id: id.clone(),
                kind: kind.into(),
                detail,
                uri: None,
                state: Some(name.to_string()),
                state_path: None,
                attributes: attributes(&s.body),
            });
            if let Some(seconds) = s.cache.filter(|_| crate::lower::is_cached(s)) {
                // A reused result keeps the job ARN of the run that produced it.
                let node = self
                    .nodes
                    .iter_mut()
                    .find(|n| n.id == id)
                    .expect("just added");
                node.attributes.insert(
                    "cache".into(),
                    Json::from(crate::check::fmt_duration(seconds)),
                );
            }
        }
        match &s.body {
            StepIr::Processing {
                inputs,
                outputs,
                property_files,
                code,
                ..
            } => {
                for i in inputs {
                    self.consume(name, &i.value, "dataset");
                }
                if let Some(c) = code {
                    self.consume(name, c, "code");
                }
                for o in outputs {
                    self.params(name, &o.value);
                    self.produce(name, &o.name, Some(uri_of(&o.value)), "dataset");
                }
                for f in property_files {
                    self.produce(name, &f.name, Some(uri_of(&f.uri)), "property_file");
                }
            }
            StepIr::Training(t) | StepIr::Tuning { training: t, .. } => {
                for c in &t.channels {
                    self.consume(name, &c.value, "dataset");
                }
                for (_, v) in &t.hyperparameters {
                    self.params(name, v);
                }
                self.params(name, &t.output.value);
                let prefix = uri_of(&t.output.value);
                let artifacts = format!(
                    "{}/{{{name}.job_name}}/output/model.tar.gz",
                    prefix.trim_end_matches('/')
                );
                self.produce(name, "model_artifacts", Some(artifacts), "model_artifacts");
            }
            StepIr::Transform {
                model,
                input,
                output,
                ..
            } => {
                self.edge(&format!("model:{model}"), &id, "ContributedTo", name);
                self.consume(name, &input.value, "dataset");
                self.params(name, &output.value);
                self.produce(name, &output.name, Some(uri_of(&output.value)), "dataset");
            }
            StepIr::CreateModel { model_data, .. } => {
                self.consume(name, model_data, "model_artifacts");
                let model = self.entity("model", name, "model_arn");
                self.edge(&id, &model, "Produced", name);
            }
            StepIr::Register {
                model_data,
                metrics,
                ..
            } => {
                self.consume(name, model_data, "model_artifacts");
                if let Some(m) = metrics {
                    self.consume(name, m, "property_file");
                }
                let pkg = self.entity("model_package", name, "model_package_arn");
                let writer = self.writer(name);
                self.edge(&id, &pkg, "Produced", &writer);
            }
            StepIr::Lambda {
                payload: values, ..
            }
            | StepIr::Callback {
                message: values, ..
            } => {
                for p in values {
                    self.consume(name, &p.value, "dataset");
                }
            }
            StepIr::Emr { args, .. } => {
                for a in args {
                    self.consume(name, a, "dataset");
                }
            }
            StepIr::Fail { .. } => {}
            StepIr::When {
                reads,
                cond,
                then,
                otherwise,
            } => {
                for r in reads {
                    self.read(name, r);
                }
                for path in cond_paths(cond) {
                    if let Some(src) = self.by_key.get(&path).cloned() {
                        self.edge(&src, &id, "ContributedTo", name);
                    } else if let Some(p) = path.strip_prefix("$.params.") {
                        self.edge(&format!("param:{p}"), &id, "ContributedTo", name);
                    }
                }
                for s in then.iter().chain(otherwise) {
                    self.step(s);
                    // The gate decided that these steps ran.
                    self.edge(&id, &format!("step:{}", s.name), "AssociatedWith", name);
                }
            }
            StepIr::Parallel { branches } => {
                for b in branches {
                    self.steps(b);
                }
            }
        }
    }

    /// A model or model package a step creates, found in the state data under `output`.
    fn entity(&mut self, kind: &'static str, step: &str, output: &str) -> String {
        self.node(Node {
            id: format!("{kind}:{step}"),
            kind: kind.into(),
            detail: None,
            uri: None,
            state: None,
            state_path: Some(crate::check::step_path(step, output)),
            attributes: Default::default(),
        })
    }

    /// A property file read for a condition.
    fn read(&mut self, when: &str, r: &FileRead) {
        let file = format!("s3:{}.{}", r.step, r.file);
        let state = format!("{when}.Read.{}.{}", r.step, r.file);
        self.edge(&file, &format!("step:{when}"), "ContributedTo", &state);
    }
}

/// Facts about a step worth keeping with its node: image, hyperparameters, function, group.
fn attributes(body: &StepIr) -> serde_json::Map<String, Json> {
    let mut a = serde_json::Map::new();
    let mut put = |k: &str, v: Json| {
        a.insert(k.into(), v);
    };
    let text = |v: &Val| Json::String(uri_of(v));
    match body {
        StepIr::Processing { image, .. } | StepIr::CreateModel { image, .. } => {
            put("image", text(image))
        }
        StepIr::Training(t) | StepIr::Tuning { training: t, .. } => {
            put("image", text(&t.image));
            let hp = t
                .hyperparameters
                .iter()
                .map(|(k, v)| (k.clone(), text(v)))
                .collect();
            put("hyperparameters", Json::Object(hp));
        }
        StepIr::Register {
            group,
            approval,
            image,
            ..
        } => {
            put("model_package_group", text(group));
            put("approval", Json::String((*approval).into()));
            put("image", text(image));
        }
        StepIr::Lambda { function, .. } => put("function", text(function)),
        _ => {}
    }
    a
}

fn s3_node(id: String, detail: &str, uri: String, state_path: Option<String>) -> Node {
    Node {
        id,
        kind: "s3".into(),
        detail: Some(detail.into()),
        uri: Some(uri),
        state: None,
        state_path,
        attributes: Default::default(),
    }
}

fn param_paths(v: &Val) -> Vec<String> {
    match v {
        Val::Path(p) if p.starts_with("$.params.") => vec![p.clone()],
        Val::Template(parts) => parts
            .iter()
            .filter_map(|p| match p {
                TPart::Path(p) if p.starts_with("$.params.") => Some(p.clone()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    }
}

fn cond_paths(c: &Cond) -> Vec<String> {
    match c {
        Cond::And(v) | Cond::Or(v) => v.iter().flat_map(cond_paths).collect(),
        Cond::Not(x) => cond_paths(x),
        Cond::Exists(p) | Cond::Matches(p, _) => vec![p.clone()],
        Cond::Compare { lhs, rhs, .. } => [lhs, rhs]
            .into_iter()
            .filter_map(|o| match o {
                Operand::Path(p) if !p.contains(&format!(".{}.", crate::check::FILE_CONTENT)) => {
                    Some(p.clone())
                }
                _ => None,
            })
            .collect(),
    }
}
