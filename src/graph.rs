//! `aslc graph`: the pipeline's DAG (its steps, conditions and the edges the schedule follows,
//! read from the lineage sidecar, which the lowering plan writes) or the compiled state
//! machine's graph, as Mermaid or Graphviz DOT for READMEs and reviews.

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

/// A graph to draw: nodes (id, label, shape), edges (from, to, label, dashed), clusters.
#[derive(Default)]
struct Drawing {
    nodes: Vec<(String, String, Shape)>,
    edges: Vec<(String, String, String, bool)>,
    /// Nested groups of node ids (Parallel branches), with a title.
    clusters: Vec<(String, Vec<String>)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Box,
    Diamond,
    Round,
}

/// The pipeline's DAG from its lineage sidecar: every step, condition and `parallel`, and an
/// edge from each step it waits for (`after`).
pub fn pipeline(sidecar: &Value, format: GraphFormat) -> String {
    let mut d = Drawing::default();
    for n in sidecar["nodes"].as_array().into_iter().flatten() {
        let Some(name) = n["id"].as_str().and_then(|i| i.strip_prefix("step:")) else {
            continue;
        };
        let (label, shape) = match n["kind"].as_str() {
            Some("condition") => (format!("{name}?"), Shape::Diamond),
            Some("parallel") => (format!("{name} (parallel)"), Shape::Round),
            Some("foreach") => (format!("{name} (foreach)"), Shape::Round),
            _ => (
                format!("{name}\n{}", n["detail"].as_str().unwrap_or("step")),
                Shape::Box,
            ),
        };
        d.nodes.push((name.to_string(), label, shape));
        for a in n["attributes"]["after"].as_array().into_iter().flatten() {
            if let Some(a) = a.as_str() {
                d.edges
                    .push((a.to_string(), name.to_string(), String::new(), false));
            }
        }
    }
    // A `fail` step has no node; edges into the graph only.
    let known: Vec<String> = d.nodes.iter().map(|n| n.0.clone()).collect();
    d.edges.retain(|e| known.contains(&e.0));
    render(&d, format)
}

/// The state machine's graph: every state, its transitions (`Next`, `Default`, Choice rules),
/// its `Catch` targets (dashed), and each Parallel branch as a cluster.
pub fn machine(asl: &Value, format: GraphFormat) -> String {
    let mut d = Drawing::default();
    scope(asl, &mut d);
    // Several Choice rules to one state (the parameter checks to `Pipeline.Failed`) draw one edge.
    let mut seen = std::collections::HashSet::new();
    d.edges.retain(|e| seen.insert(e.clone()));
    render(&d, format)
}

fn scope(s: &Value, d: &mut Drawing) {
    let Some(states) = s["States"].as_object() else {
        return;
    };
    for (name, st) in states {
        let ty = st["Type"].as_str().unwrap_or("");
        let shape = match ty {
            "Choice" => Shape::Diamond,
            "Succeed" | "Fail" | "Parallel" | "Map" => Shape::Round,
            _ => Shape::Box,
        };
        d.nodes.push((name.clone(), name.clone(), shape));
        let mut edge = |to: &Value, label: &str, dashed: bool| {
            if let Some(to) = to.as_str() {
                d.edges
                    .push((name.clone(), to.to_string(), label.to_string(), dashed));
            }
        };
        edge(&st["Next"], "", false);
        edge(&st["Default"], "default", false);
        for c in st["Choices"].as_array().into_iter().flatten() {
            edge(&c["Next"], "", false);
        }
        for c in st["Catch"].as_array().into_iter().flatten() {
            edge(&c["Next"], "catch", true);
        }
        let inner: Vec<&Value> = st["Branches"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(Some(&st["ItemProcessor"]).filter(|p| p.is_object()))
            .collect();
        for (i, b) in inner.into_iter().enumerate() {
            let before = d.nodes.len();
            scope(b, d);
            let members = d.nodes[before..].iter().map(|n| n.0.clone()).collect();
            d.clusters.push((format!("{name} #{}", i + 1), members));
            if let Some(start) = b["StartAt"].as_str() {
                d.edges
                    .push((name.clone(), start.to_string(), String::new(), true));
            }
        }
    }
}

fn render(d: &Drawing, format: GraphFormat) -> String {
    let ids: std::collections::HashMap<&str, String> = d
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.0.as_str(), format!("n{i}")))
        .collect();
    let id = |name: &str| ids.get(name).cloned().unwrap_or_else(|| "missing".into());
    match format {
        GraphFormat::Mermaid => mermaid(d, &id),
        GraphFormat::Dot => dot(d, &id),
    }
}

fn mermaid(d: &Drawing, id: &dyn Fn(&str) -> String) -> String {
    let text = |s: &str| s.replace('"', "#quot;").replace('\n', "<br/>");
    let mut out = String::from("flowchart TD\n");
    for (name, label, shape) in &d.nodes {
        let (open, close) = match shape {
            Shape::Box => ("[\"", "\"]"),
            Shape::Diamond => ("{\"", "\"}"),
            Shape::Round => ("([\"", "\"])"),
        };
        out.push_str(&format!("  {}{open}{}{close}\n", id(name), text(label)));
    }
    for (i, (title, members)) in d.clusters.iter().enumerate() {
        out.push_str(&format!("  subgraph c{i}[\"{}\"]\n", text(title)));
        for m in members {
            out.push_str(&format!("    {}\n", id(m)));
        }
        out.push_str("  end\n");
    }
    for (from, to, label, dashed) in &d.edges {
        let arrow = if *dashed { "-.->" } else { "-->" };
        let label = if label.is_empty() {
            String::new()
        } else {
            format!("|{}|", text(label))
        };
        out.push_str(&format!("  {} {arrow}{label} {}\n", id(from), id(to)));
    }
    out
}

fn dot(d: &Drawing, id: &dyn Fn(&str) -> String) -> String {
    let esc = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    };
    let mut out = String::from("digraph pipeline {\n  node [shape=box];\n");
    for (name, label, shape) in &d.nodes {
        let shape = match shape {
            Shape::Box => "box",
            Shape::Diamond => "diamond",
            Shape::Round => "oval",
        };
        out.push_str(&format!(
            "  {} [label=\"{}\", shape={shape}];\n",
            id(name),
            esc(label)
        ));
    }
    for (i, (title, members)) in d.clusters.iter().enumerate() {
        out.push_str(&format!(
            "  subgraph cluster_{i} {{\n    label=\"{}\";\n",
            esc(title)
        ));
        for m in members {
            out.push_str(&format!("    {};\n", id(m)));
        }
        out.push_str("  }\n");
    }
    for (from, to, label, dashed) in &d.edges {
        let mut attrs = Vec::new();
        if !label.is_empty() {
            attrs.push(format!("label=\"{}\"", esc(label)));
        }
        if *dashed {
            attrs.push("style=dashed".to_string());
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        out.push_str(&format!("  {} -> {}{attrs};\n", id(from), id(to)));
    }
    out.push_str("}\n");
    out
}
