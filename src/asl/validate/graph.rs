//! Transitions within a scope: targets exist in the same scope, every state is reachable, the
//! scope can end, and loops have a way out.

use super::{field, member, Finding, Walker};
use crate::diagnostics::{did_you_mean, Code};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

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
pub fn transitions(state: &Value) -> Vec<(&str, Via)> {
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

impl Walker<'_> {
    pub fn graph(
        &mut self,
        scope: &Map<String, Value>,
        states: &Map<String, Value>,
        pointer: &str,
    ) {
        let names: Vec<&str> = states.keys().map(String::as_str).collect();
        let state_ptr = |name: &str| format!("{pointer}/States/{}", super::json::escape(name));
        let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
        let start = field(scope, "StartAt").and_then(Value::as_str);
        if let Some(s) = start {
            self.target(s, &format!("{pointer}/StartAt"), states, &names);
        }
        let mut broken = false;
        for (name, state) in states {
            let list = transitions(state);
            for (t, via) in &list {
                if !states.contains_key(*t) {
                    broken = true;
                    self.target(t, &via.pointer(&state_ptr(name)), states, &names);
                }
            }
            edges.insert(name.as_str(), list.into_iter().map(|(t, _)| t).collect());
        }
        let endless = !states.values().any(is_terminal);
        if endless && !states.is_empty() {
            let mut f = Finding::new(
                Code::E114,
                &format!("{pointer}/States"),
                "no state ends this scope: add `\"End\": true`, a Succeed or a Fail state",
            );
            f.on_key = true;
            self.out.push(f);
        }
        let Some(start) = start.filter(|s| states.contains_key(*s)) else {
            return;
        };
        let mut reached: HashSet<&str> = HashSet::new();
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            if !reached.insert(n) {
                continue;
            }
            for t in edges.get(n).into_iter().flatten() {
                if let Some((k, _)) = states.get_key_value(*t) {
                    queue.push_back(k.as_str());
                }
            }
        }
        for name in states.keys() {
            if !reached.contains(name.as_str()) {
                let mut f = Finding::new(
                    Code::E113,
                    &state_ptr(name),
                    format!(
                        "state `{name}` is unreachable: no transition from `{start}` leads to it"
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
        let mut preds: HashMap<&str, Vec<&str>> = HashMap::new();
        for (n, ts) in &edges {
            for t in ts {
                preds.entry(t).or_default().push(n);
            }
        }
        let mut can_end: HashSet<&str> = HashSet::new();
        let mut queue: VecDeque<&str> = states
            .iter()
            .filter(|(_, s)| is_terminal(s))
            .map(|(k, _)| k.as_str())
            .collect();
        while let Some(n) = queue.pop_front() {
            if can_end.insert(n) {
                queue.extend(preds.get(n).into_iter().flatten().copied());
            }
        }
        if let Some(stuck) = names
            .iter()
            .find(|n| reached.contains(*n) && !can_end.contains(*n))
        {
            let mut f = Finding::new(
                Code::W101,
                &state_ptr(stuck),
                format!("state `{stuck}` is in a loop that never reaches an end state"),
            );
            f.on_key = true;
            f.help = Some("add a Choice rule that leaves the loop, or a TimeoutSeconds".into());
            self.out.push(f);
        }
    }

    fn target(&mut self, target: &str, pointer: &str, states: &Map<String, Value>, names: &[&str]) {
        if states.contains_key(target) {
            return;
        }
        if let Some(elsewhere) = self.names.get(target) {
            let mut f = Finding::new(Code::E112, pointer, format!("`{target}` is in another scope: transitions cannot enter or leave a Parallel branch or a Map processor"));
            f.secondary
                .push((elsewhere.clone(), true, "defined here".into()));
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
