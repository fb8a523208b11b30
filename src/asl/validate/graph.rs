//! Transitions within a scope: targets exist in the same scope, every state is reachable, the
//! scope can end, and loops have a way out.

use super::{Finding, Walker};
use crate::diagnostics::{did_you_mean, Code};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet, VecDeque};

/// (target, pointer of the field naming it) for each transition out of a state.
pub fn transitions(state: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |v: Option<&Value>, p: String| {
        if let Some(s) = v.and_then(Value::as_str) {
            out.push((s.to_string(), p));
        }
    };
    add(state.get("Next"), format!("{pointer}/Next"));
    add(state.get("Default"), format!("{pointer}/Default"));
    for (key, list) in [
        ("Choices", state.get("Choices")),
        ("Catch", state.get("Catch")),
    ] {
        if let Some(items) = list.and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                add(item.get("Next"), format!("{pointer}/{key}/{i}/Next"));
            }
        }
    }
    out
}

fn is_terminal(state: &Value) -> bool {
    matches!(state.get("Type").and_then(Value::as_str), Some("Succeed" | "Fail"))
        || state.get("End") == Some(&Value::Bool(true))
        // Without a Default, a Choice that matches nothing fails the execution: a way out.
        || (state.get("Type").and_then(Value::as_str) == Some("Choice") && state.get("Default").is_none())
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
        let mut edges: HashMap<&str, Vec<String>> = HashMap::new();
        let start = scope.get("StartAt").and_then(Value::as_str);
        if let Some(s) = start {
            self.target(s, &format!("{pointer}/StartAt"), states, &names);
        }
        let mut broken = false;
        for (name, state) in states {
            let list = transitions(state, &state_ptr(name));
            for (t, p) in &list {
                broken |= !states.contains_key(t.as_str());
                self.target(t, p, states, &names);
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
                if let Some((k, _)) = states.get_key_value(t.as_str()) {
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
        // States from which a terminal state can be reached, walking edges backwards.
        let mut can_end: HashSet<&str> = states
            .iter()
            .filter(|(_, s)| is_terminal(s))
            .map(|(k, _)| k.as_str())
            .collect();
        loop {
            let before = can_end.len();
            for (n, ts) in &edges {
                if ts.iter().any(|t| can_end.contains(t.as_str())) {
                    can_end.insert(n);
                }
            }
            if can_end.len() == before {
                break;
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
