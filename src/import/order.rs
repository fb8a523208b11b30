//! The order steps are written in. A SageMaker definition lists steps in any order and runs them
//! as a DAG; the language reads a block in order, and a step written after a `when` or a `fail`
//! waits for it. So each block is written in a topological order of its steps' dependencies,
//! with conditions and failures as late as their dependants allow: a step never waits for a
//! condition it does not depend on. A step inside a condition's branch that reads a step listed
//! after the condition makes the condition depend on that step.

use super::reader::Findings;
use crate::diagnostics::Code;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// A step as listed: its name, pointer, type, the steps it depends on (data references and
/// `DependsOn`, its branches' included for a condition) and its nested steps.
pub struct Node<'a> {
    pub name: &'a str,
    pub ptr: String,
    pub ty: &'a str,
    pub value: &'a Value,
    pub deps: BTreeSet<String>,
    pub branches: [Vec<Node<'a>>; 2],
}

/// Every step name a value refers to: `{"Get": "Steps.X…"}` anywhere inside, and
/// `DependsOn`.
pub fn references(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(s)) = m.get("Get") {
                if let Some(name) = step_of(s) {
                    out.insert(name.to_string());
                }
            }
            for (k, x) in m {
                if k == "IfSteps" || k == "ElseSteps" {
                    continue;
                }
                references(x, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

/// `Steps.Train.ModelArtifacts…` → `Train`.
pub fn step_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("Steps.")?;
    Some(rest.split(['.', '[']).next().unwrap_or(rest))
}

/// Sort each block: dependencies first, then file order; a condition or failure only when no
/// other step is ready. A cycle is E204, naming its steps.
pub fn sort<'a>(mut nodes: Vec<Node<'a>>, f: &mut Findings) -> Vec<Node<'a>> {
    for n in &mut nodes {
        for b in &mut n.branches {
            *b = sort(std::mem::take(b), f);
        }
    }
    let here: HashMap<String, usize> = nodes
        .iter()
        .enumerate()
        .flat_map(|(i, n)| names(n).into_iter().map(move |x| (x, i)))
        .collect();
    // Local dependencies: the nodes of this block that a node (or anything inside it) reads.
    let local: Vec<BTreeSet<usize>> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            all_deps(n)
                .iter()
                .filter_map(|d| here.get(d).copied())
                .filter(|&j| j != i)
                .collect()
        })
        .collect();
    let mut done = vec![false; nodes.len()];
    let mut order = Vec::new();
    while order.len() < nodes.len() {
        let ready = |i: &usize| !done[*i] && local[*i].iter().all(|&d| done[d]);
        let pick = (0..nodes.len())
            .filter(ready)
            .find(|&i| !is_control(nodes[i].ty))
            .or_else(|| (0..nodes.len()).find(ready));
        let Some(i) = pick else {
            let stuck: Vec<&str> = (0..nodes.len())
                .filter(|&i| !done[i])
                .map(|i| nodes[i].name)
                .collect();
            let first = (0..nodes.len()).find(|&i| !done[i]).unwrap_or(0);
            let node = &nodes[first];
            let at = match node.value.get("DependsOn") {
                Some(_) => format!("{}/DependsOn", node.ptr),
                None => node.ptr.clone(),
            };
            f.push(
                Code::E204,
                &at,
                format!(
                    "these steps depend on each other in a cycle: {}",
                    stuck.join(" → ")
                ),
            );
            break;
        };
        done[i] = true;
        order.push(i);
    }
    let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
    order.into_iter().filter_map(|i| slots[i].take()).collect()
}

fn is_control(ty: &str) -> bool {
    ty == "Condition" || ty == "Fail"
}

/// The names a node stands for in its block: itself and every step inside it.
fn names(n: &Node) -> Vec<String> {
    let mut out = vec![n.name.to_string()];
    for b in &n.branches {
        b.iter().for_each(|x| out.extend(names(x)));
    }
    out
}

fn all_deps(n: &Node) -> BTreeSet<String> {
    let mut out = n.deps.clone();
    for b in &n.branches {
        b.iter().for_each(|x| out.extend(all_deps(x)));
    }
    out
}
