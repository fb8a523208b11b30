//! `aslc lineage`: provenance questions answered offline from a sidecar, optionally resolved
//! against one execution's output ("which dataset produced model package v47?").

use super::{Edge, Node, Sidecar};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet, VecDeque};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Direction {
    /// What a node came from.
    Upstream,
    /// What a node fed.
    Downstream,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QueryFormat {
    Tree,
    Json,
    Mermaid,
    Dot,
}

pub struct Query<'a> {
    pub sidecar: &'a Sidecar,
    /// A node id (`step:TrainXGB`) or a name (`TrainXGB`, `Featurise.train`, `DataDate`);
    /// `None` for the whole graph.
    pub start: Option<&'a str>,
    pub direction: Direction,
    /// The state data of one execution (its output), to resolve templates into concrete values.
    pub execution: Option<&'a Value>,
}

/// Answer a query. The error is a message for the user (an unknown node).
pub fn query(q: &Query, format: QueryFormat) -> Result<String, String> {
    // A sidecar is a file a person may edit: refuse one whose edges name missing nodes.
    let ids: HashSet<&str> = q.sidecar.nodes.iter().map(|n| n.id.as_str()).collect();
    if let Some(e) = q
        .sidecar
        .edges
        .iter()
        .find(|e| !ids.contains(e.from.as_str()) || !ids.contains(e.to.as_str()))
    {
        return Err(format!(
            "the lineage graph is inconsistent: edge {} -> {} names a node it does not define",
            e.from, e.to
        ));
    }
    let graph = Graph::new(q.sidecar);
    let start = match q.start {
        Some(s) => Some(graph.find(s)?),
        None => None,
    };
    let hops = graph.walk(start, q.direction);
    let values: HashMap<&str, String> = q
        .sidecar
        .nodes
        .iter()
        .filter_map(|n| resolve(n, q.execution).map(|v| (n.id.as_str(), v)))
        .collect();
    let edges: Vec<&Edge> = q
        .sidecar
        .edges
        .iter()
        .filter(|e| hops.contains_key(e.from.as_str()) && hops.contains_key(e.to.as_str()))
        .collect();
    Ok(match format {
        QueryFormat::Json => {
            let nodes: Vec<Value> = q
                .sidecar
                .nodes
                .iter()
                .filter(|n| hops.contains_key(n.id.as_str()))
                .map(|n| {
                    let mut v = serde_json::to_value(n).unwrap_or_default();
                    v["hops"] = json!(hops[n.id.as_str()]);
                    if let Some(val) = values.get(n.id.as_str()) {
                        v["value"] = json!(val);
                    }
                    v
                })
                .collect();
            let out = json!({
                "pipeline": q.sidecar.pipeline,
                "start": start,
                "direction": match q.direction { Direction::Upstream => "upstream", Direction::Downstream => "downstream" },
                "nodes": nodes,
                "edges": edges,
            });
            format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            )
        }
        QueryFormat::Mermaid => mermaid(&graph, &hops, &edges, &values),
        QueryFormat::Dot => dot(&graph, &hops, &edges, &values),
        QueryFormat::Tree => match start {
            Some(s) => {
                let mut out = String::new();
                let mut seen = HashSet::new();
                out.push_str(&label(graph.node(s), &values));
                out.push('\n');
                tree(&graph, s, q.direction, &values, "", &mut seen, &mut out);
                out
            }
            None => {
                let mut out = String::new();
                for n in &q.sidecar.nodes {
                    out.push_str(&label(n, &values));
                    out.push('\n');
                }
                out
            }
        },
    })
}

struct Graph<'a> {
    nodes: HashMap<&'a str, &'a Node>,
    order: Vec<&'a str>,
    into: HashMap<&'a str, Vec<&'a Edge>>,
    out_of: HashMap<&'a str, Vec<&'a Edge>>,
}

impl<'a> Graph<'a> {
    fn new(s: &'a Sidecar) -> Graph<'a> {
        let mut g = Graph {
            nodes: HashMap::new(),
            order: Vec::new(),
            into: HashMap::new(),
            out_of: HashMap::new(),
        };
        for n in &s.nodes {
            g.nodes.insert(&n.id, n);
            g.order.push(&n.id);
        }
        for e in &s.edges {
            g.into.entry(&e.to).or_default().push(e);
            g.out_of.entry(&e.from).or_default().push(e);
        }
        g
    }

    fn node(&self, id: &str) -> &'a Node {
        self.nodes[id]
    }

    /// A node by id, or by name: a step, then its model package, an S3 output, a parameter.
    fn find(&self, name: &str) -> Result<&'a str, String> {
        if let Some((k, _)) = self.nodes.get_key_value(name) {
            return Ok(k);
        }
        for prefix in ["model_package:", "step:", "s3:", "param:", "model:"] {
            if let Some((k, _)) = self.nodes.get_key_value(format!("{prefix}{name}").as_str()) {
                return Ok(k);
            }
        }
        let names = self
            .order
            .iter()
            .map(|id| id.split_once(':').map(|(_, n)| n).unwrap_or(id));
        Err(match crate::diagnostics::did_you_mean(name, names) {
            Some(g) => format!("no node `{name}` in the lineage graph; did you mean `{g}`?"),
            None => format!("no node `{name}` in the lineage graph"),
        })
    }

    /// Nodes reachable from `start` (all nodes when `None`), with their distance in edges.
    fn walk(&self, start: Option<&'a str>, direction: Direction) -> HashMap<&'a str, usize> {
        let Some(start) = start else {
            return self.order.iter().map(|id| (*id, 0)).collect();
        };
        let mut hops = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let d = hops[n];
            for next in self.neighbours(n, direction) {
                if !hops.contains_key(next) {
                    hops.insert(next, d + 1);
                    queue.push_back(next);
                }
            }
        }
        hops
    }

    fn neighbours(&self, n: &str, direction: Direction) -> Vec<&'a str> {
        match direction {
            Direction::Upstream => self
                .into
                .get(n)
                .into_iter()
                .flatten()
                .map(|e| e.from.as_str())
                .collect(),
            Direction::Downstream => self
                .out_of
                .get(n)
                .into_iter()
                .flatten()
                .map(|e| e.to.as_str())
                .collect(),
        }
    }
}

/// The concrete value of a node in one execution: what its state path holds, or its URI
/// template with the execution's parameters and step outputs filled in.
fn resolve(n: &Node, state: Option<&Value>) -> Option<String> {
    let state = state?;
    let lookup = |path: &str| -> Option<String> {
        let pointer = format!("/{}", path.strip_prefix("$.")?.replace('.', "/"));
        state.pointer(&pointer).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    if let Some(v) = n.state_path.as_deref().and_then(lookup) {
        return Some(v);
    }
    if n.kind == "step" {
        if let Some(v) =
            n.id.strip_prefix("step:")
                .and_then(|s| lookup(&crate::lower::paths::output(s, "job_arn")))
        {
            return Some(v);
        }
    }
    let template = n.uri.as_deref()?;
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c)?;
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let path = match name.split_once('.') {
            Some((step, output)) => crate::lower::paths::output(step, output),
            None => crate::lower::paths::param(name),
        };
        out.push_str(&lookup(&path).unwrap_or_else(|| format!("{{{name}}}")));
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn label(n: &Node, values: &HashMap<&str, String>) -> String {
    let mut s = n.id.clone();
    if let Some(d) = &n.detail {
        s.push_str(&format!(" ({d})"));
    }
    match (values.get(n.id.as_str()), &n.uri) {
        (Some(v), _) => s.push_str(&format!(" = {v}")),
        (None, Some(u)) if !n.id.ends_with(u.as_str()) => s.push_str(&format!(" {u}")),
        _ => {}
    }
    if let Some(Value::Object(hp)) = n.attributes.get("hyperparameters") {
        let list: Vec<String> = hp
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
            .collect();
        s.push_str(&format!(" hyperparameters: {}", list.join(", ")));
    }
    s
}

fn tree(
    g: &Graph,
    n: &str,
    direction: Direction,
    values: &HashMap<&str, String>,
    indent: &str,
    seen: &mut HashSet<String>,
    out: &mut String,
) {
    seen.insert(n.to_string());
    let edges: Vec<&Edge> = match direction {
        Direction::Upstream => g.into.get(n).cloned().unwrap_or_default(),
        Direction::Downstream => g.out_of.get(n).cloned().unwrap_or_default(),
    };
    for (i, e) in edges.iter().enumerate() {
        let last = i + 1 == edges.len();
        let (branch, cont) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        let next = if direction == Direction::Upstream {
            e.from.as_str()
        } else {
            e.to.as_str()
        };
        let relation = match (direction, e.kind.as_str()) {
            (Direction::Upstream, "Produced") => "produced by".to_string(),
            (Direction::Upstream, "AssociatedWith") => "gated by".to_string(),
            (Direction::Upstream, _) => "from".to_string(),
            (Direction::Downstream, "Produced") => "produced".to_string(),
            (Direction::Downstream, "AssociatedWith") => "gates".to_string(),
            (Direction::Downstream, _) => "feeds".to_string(),
        };
        let again = seen.contains(next);
        out.push_str(&format!(
            "{indent}{branch}{relation} {}  [{}, state {}]{}\n",
            label(g.node(next), values),
            e.kind,
            e.state,
            if again { " (shown above)" } else { "" }
        ));
        if !again {
            tree(
                g,
                next,
                direction,
                values,
                &format!("{indent}{cont}"),
                seen,
                out,
            );
        }
    }
}

fn mermaid(
    g: &Graph,
    hops: &HashMap<&str, usize>,
    edges: &[&Edge],
    values: &HashMap<&str, String>,
) -> String {
    let ids: HashMap<&str, usize> = g
        .order
        .iter()
        .filter(|n| hops.contains_key(*n))
        .enumerate()
        .map(|(i, n)| (*n, i))
        .collect();
    let mut out = String::from("flowchart LR\n");
    for n in g.order.iter().filter(|n| hops.contains_key(*n)) {
        let text = label(g.node(n), values).replace('"', "#quot;");
        out.push_str(&format!("  n{}[\"{text}\"]\n", ids[n]));
    }
    for e in edges {
        out.push_str(&format!(
            "  n{} -->|{}| n{}\n",
            ids[e.from.as_str()],
            e.kind,
            ids[e.to.as_str()]
        ));
    }
    out
}

fn dot(
    g: &Graph,
    hops: &HashMap<&str, usize>,
    edges: &[&Edge],
    values: &HashMap<&str, String>,
) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::from("digraph lineage {\n  rankdir=LR;\n  node [shape=box];\n");
    for n in g.order.iter().filter(|n| hops.contains_key(*n)) {
        out.push_str(&format!(
            "  \"{}\" [label=\"{}\"];\n",
            esc(n),
            esc(&label(g.node(n), values))
        ));
    }
    for e in edges {
        out.push_str(&format!(
            "  \"{}\" -> \"{}\" [label=\"{} ({})\"];\n",
            esc(&e.from),
            esc(&e.to),
            e.kind,
            esc(&e.state)
        ));
    }
    out.push_str("}\n");
    out
}
