//! Transitions within a scope: targets exist in the same scope, every state is reachable, the
//! scope can end, and loops have a way out.

use super::pointer::Ptr;
use super::value::{Map, Value};
use super::{field, member, Finding, Walker};
use crate::diagnostics::{did_you_mean, Code};

/// The states reachable from `from` along `edges` (by position).
fn walk(edges: &[Vec<usize>], from: impl IntoIterator<Item = usize>) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut stack: Vec<usize> = from.into_iter().collect();
    while let Some(n) = stack.pop() {
        if !std::mem::replace(&mut seen[n], true) {
            stack.extend(edges[n].iter().copied());
        }
    }
    seen
}

/// The field of a state that names a transition target.
#[derive(Clone, Copy)]
pub enum Via {
    Next,
    Default,
    Choice(usize),
    Catch(usize),
}

impl Via {
    pub fn pointer(self, state: &str) -> String {
        match self {
            Via::Next => format!("{state}/Next"),
            Via::Default => format!("{state}/Default"),
            Via::Choice(i) => format!("{state}/Choices/{i}/Next"),
            Via::Catch(i) => format!("{state}/Catch/{i}/Next"),
        }
    }
}

/// The transitions out of a state: (target, the field naming it).
pub fn transitions<'v>(state: &'v Value<'v>) -> Vec<(&'v str, Via)> {
    let mut out = Vec::new();
    for (key, via) in [("Next", Via::Next), ("Default", Via::Default)] {
        if let Some(t) = member(state, key).and_then(Value::as_str) {
            out.push((t, via));
        }
    }
    for (key, make) in [
        ("Choices", Via::Choice as fn(usize) -> Via),
        ("Catch", Via::Catch),
    ] {
        if let Some(items) = member(state, key).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                if let Some(t) = member(item, "Next").and_then(Value::as_str) {
                    out.push((t, make(i)));
                }
            }
        }
    }
    out
}

fn is_terminal(state: &Value) -> bool {
    matches!(member(state, "Type").and_then(Value::as_str), Some("Succeed" | "Fail"))
        || member(state, "End") == Some(&Value::Bool(true))
        // Without a Default, a Choice that matches nothing fails the execution: a way out.
        || (member(state, "Type").and_then(Value::as_str) == Some("Choice") && member(state, "Default").is_none())
}

impl Walker<'_, '_> {
    pub fn graph(&mut self, scope: &Map, states: &Map, pointer: &Ptr) {
        let names: Vec<&str> = states.keys().collect();
        let state_ptr = |name: &str| format!("{pointer}/States/{}", super::json::escape(name));
        let start = field(scope, "StartAt").and_then(Value::as_str);
        if let Some(s) = start {
            self.target(s, &pointer.key("StartAt"), states, &names);
        }
        // States by their position in the scope: the walks below index vectors, not hash maps
        // (this is the validator's hot path).
        let mut sorted: Vec<(&str, usize)> = names.iter().copied().zip(0..).collect();
        sorted.sort_unstable();
        let index_of = |t: &str| {
            sorted
                .binary_search_by(|(n, _)| (*n).cmp(t))
                .ok()
                .map(|k| sorted[k].1)
        };
        let mut broken = false;
        let mut edges: Vec<Vec<usize>> = Vec::with_capacity(states.len());
        for (name, state) in states {
            let mut to = Vec::new();
            for (t, via) in transitions(state) {
                match index_of(t) {
                    Some(i) => to.push(i),
                    None => {
                        broken = true;
                        let at = via.pointer(&state_ptr(name));
                        self.target(t, &Ptr::Text(&at), states, &names);
                    }
                }
            }
            edges.push(to);
        }
        let terminal: Vec<bool> = states.values().map(is_terminal).collect();
        let endless = !terminal.contains(&true);
        if endless && !states.is_empty() {
            let mut f = Finding::new(
                Code::E114,
                pointer.key("States"),
                "no state ends this scope: add `\"End\": true`, a Succeed or a Fail state",
            );
            f.on_key = true;
            self.out.push(f);
        }
        let Some(start_at) = start.and_then(index_of) else {
            return;
        };
        let reached = walk(&edges, [start_at]);
        for (i, name) in names.iter().enumerate() {
            if !reached[i] {
                let mut f = Finding::new(
                    Code::E113,
                    state_ptr(name),
                    format!(
                        "state `{name}` is unreachable: no transition from `{}` leads to it",
                        names[start_at]
                    ),
                );
                f.on_key = true;
                self.out.push(f);
            }
        }
        if broken || endless {
            // A dangling transition or a scope without an end already explains why a state
            // cannot end.
            return;
        }
        // States from which a terminal state can be reached: a walk backwards from the terminals.
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); states.len()];
        for (n, ts) in edges.iter().enumerate() {
            for &t in ts {
                preds[t].push(n);
            }
        }
        let can_end = walk(&preds, (0..states.len()).filter(|&i| terminal[i]));
        if let Some(stuck) = (0..names.len()).find(|&i| reached[i] && !can_end[i]) {
            let stuck = names[stuck];
            let mut f = Finding::new(
                Code::W101,
                state_ptr(stuck),
                format!("state `{stuck}` is in a loop that never reaches an end state"),
            );
            f.on_key = true;
            f.help = Some("add a Choice rule that leaves the loop, or a TimeoutSeconds".into());
            self.out.push(f);
        }
    }

    fn target(&mut self, target: &str, pointer: &Ptr, states: &Map, names: &[&str]) {
        if states.contains_key(target) {
            return;
        }
        if let Some(&scope) = self.names.get(target) {
            let mut f = Finding::new(Code::E112, pointer, format!("`{target}` is in another scope: transitions cannot enter or leave a Parallel branch or a Map processor"));
            f.secondary
                .push((self.defined_at(target, scope), true, "defined here".into()));
            self.out.push(f);
            return;
        }
        let mut f = Finding::new(
            Code::E111,
            pointer,
            format!("no state named `{target}` in this scope"),
        );
        if let Some(g) = did_you_mean(target, names.iter().copied()) {
            f.help = Some(format!("did you mean `{g}`?"));
            f.fix = Some(format!("\"{g}\""));
        }
        self.out.push(f);
    }
}
