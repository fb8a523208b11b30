//! Concurrency from data flow: for every fixture, the longest chain of steps an execution of
//! the compiled state machine must wait through equals the longest chain of the pipeline's
//! DAG (the `after` edges of the sidecar). Two computations that share no code: one walks the
//! ASL, the other the sidecar.

use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = vec![root.join("nightly_fraud_retrain.sfn")];
    for dir in ["steps", "dag", "real"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("fixtures dir")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sfn"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

fn compile(path: &Path) -> (Value, Value) {
    let text = std::fs::read_to_string(path).expect("read");
    let out = aslc::driver::compile_source(&text, "x.sfn", &Default::default());
    let parse = |s: Option<String>| serde_json::from_str(&s.expect("artefact")).expect("json");
    (parse(out.asl), parse(out.lineage))
}

/// Step nodes of the sidecar: name → (weight, after).
fn dag(sidecar: &Value) -> BTreeMap<String, (usize, Vec<String>)> {
    let mut out = BTreeMap::new();
    for n in sidecar["nodes"].as_array().expect("nodes") {
        let id = n["id"].as_str().unwrap_or_default();
        let Some(name) = id.strip_prefix("step:") else {
            continue;
        };
        let weight = usize::from(n["kind"] == "step");
        let after = n["attributes"]["after"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        out.insert(name.to_string(), (weight, after));
    }
    out
}

/// The states that run a step (not a condition or a join).
fn step_states(g: &BTreeMap<String, (usize, Vec<String>)>) -> HashSet<String> {
    g.iter()
        .filter(|(_, (w, _))| *w == 1)
        .map(|(n, _)| n.clone())
        .collect()
}

/// Every state, nested ones included: (name, type).
fn every_state(scope: &Value, out: &mut Vec<(String, String)>) {
    for (name, s) in scope["States"].as_object().into_iter().flatten() {
        out.push((name.clone(), s["Type"].as_str().unwrap_or("").to_string()));
        for b in s["Branches"].as_array().into_iter().flatten() {
            every_state(b, out);
        }
    }
}

fn dag_critical(g: &BTreeMap<String, (usize, Vec<String>)>) -> usize {
    fn longest(g: &BTreeMap<String, (usize, Vec<String>)>, n: &str) -> usize {
        let Some((w, after)) = g.get(n) else {
            return 0;
        };
        w + after.iter().map(|a| longest(g, a)).max().unwrap_or(0)
    }
    g.keys().map(|n| longest(g, n)).max().unwrap_or(0)
}

/// The longest chain of step states from `start`, following `Next`, `Default` and `Choices`
/// (not `Catch`: failure paths), through Parallel branches (the slowest one); loops back to a
/// state on the path (job-level retries) are not followed.
fn asl_critical(scope: &Value, steps: &HashSet<String>) -> usize {
    let start = scope["StartAt"].as_str().unwrap_or_default();
    walk(scope, start, steps, &mut Vec::new())
}

fn walk(scope: &Value, name: &str, steps: &HashSet<String>, path: &mut Vec<String>) -> usize {
    if path.iter().any(|p| p == name) {
        return 0;
    }
    let s = &scope["States"][name];
    let mut here = usize::from(steps.contains(name));
    if s["Type"] == "Parallel" {
        here += s["Branches"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| asl_critical(b, steps))
            .max()
            .unwrap_or(0);
    }
    let mut next: Vec<&str> = vec![];
    next.extend(s["Next"].as_str());
    next.extend(s["Default"].as_str());
    for c in s["Choices"].as_array().into_iter().flatten() {
        next.extend(c["Next"].as_str());
    }
    path.push(name.to_string());
    let rest = next
        .into_iter()
        .map(|n| walk(scope, n, steps, path))
        .max()
        .unwrap_or(0);
    path.pop();
    here + rest
}

#[test]
fn the_state_machine_waits_no_longer_than_the_dag() {
    let mut checked = 0;
    for path in fixtures() {
        let (asl, sidecar) = compile(&path);
        let g = dag(&sidecar);
        // Every edge names a step: a node of the sidecar, or a `fail` (which has no node).
        let mut all = Vec::new();
        every_state(&asl, &mut all);
        for (name, (_, after)) in &g {
            for a in after {
                let fail = all.iter().any(|(n, t)| n == a && t == "Fail");
                assert!(
                    g.contains_key(a) || fail,
                    "{}: {name} after {a}",
                    path.display()
                );
            }
        }
        assert_eq!(
            asl_critical(&asl, &step_states(&g)),
            dag_critical(&g),
            "{}: the state machine's critical path differs from the DAG's",
            path.display()
        );
        checked += 1;
    }
    assert!(checked > 20, "only {checked} fixtures");
}

#[test]
fn a_diamond_runs_its_middle_steps_together() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (asl, sidecar) = compile(&root.join("fixtures/dag/diamond.sfn"));
    let g = dag(&sidecar);
    assert_eq!(g["D"].1, ["B", "C"]);
    assert_eq!(dag_critical(&g), 3);
    let fork = &asl["States"]["Together B and C"];
    assert_eq!(fork["Type"], "Parallel");
    let starts: Vec<&str> = fork["Branches"]
        .as_array()
        .expect("branches")
        .iter()
        .filter_map(|b| b["StartAt"].as_str())
        .collect();
    assert_eq!(starts, ["B", "C"]);
    assert_eq!(fork["Next"], "Together B and C.Join");
    assert_eq!(asl["States"]["Together B and C.Join"]["Next"], "D");
}

#[test]
fn independent_chains_run_side_by_side() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (asl, sidecar) = compile(&root.join("fixtures/dag/two_chains.sfn"));
    let g = dag(&sidecar);
    assert_eq!(g["Report"].1, ["Use1", "Use2"]);
    // Five steps, three deep: Prep → Use → Report.
    assert_eq!(dag_critical(&g), 3);
    assert_eq!(asl_critical(&asl, &step_states(&g)), 3);
}

#[test]
fn a_graph_that_is_not_series_parallel_runs_level_by_level() {
    // A → C, B → C, B → D: no fork/join nesting expresses it exactly.
    let src = r#"pipeline "n" {
  lambda A { function "a" }
  lambda B { function "b" }
  lambda C { function "c" payload { X = A.payload, Y = B.payload } }
  lambda D { function "d" payload { Y = B.payload } }
}"#;
    let out = aslc::driver::compile_source(src, "n.sfn", &Default::default());
    let asl: Value = serde_json::from_str(&out.asl.expect("asl")).expect("json");
    let first = &asl["States"]["Together A and B"];
    assert_eq!(first["Next"], "Together A and B.Join");
    assert_eq!(
        asl["States"]["Together A and B.Join"]["Next"],
        "Together C and D"
    );
    let steps: HashSet<String> = ["A", "B", "C", "D"].map(String::from).into();
    assert_eq!(asl_critical(&asl, &steps), 2);
}

#[test]
fn control_flow_keeps_its_place() {
    // Notify uses nothing, but it is written after the gate: it runs after the gate's branch.
    let src = r#"pipeline "g" {
  lambda Score { function "s" }
  lambda Side { function "x" }
  when Gate: json(Score.payload, "ok") as bool == true {
    lambda Promote { function "p" }
  }
  lambda Notify { function "n" }
}"#;
    let out = aslc::driver::compile_source(src, "g.sfn", &Default::default());
    let sidecar: Value = serde_json::from_str(&out.lineage.expect("lineage")).expect("json");
    let g = dag(&sidecar);
    assert_eq!(g["Notify"].1, ["Gate", "Promote"]);
    assert_eq!(g["Promote"].1, ["Gate"]);
    let asl: Value = serde_json::from_str(&out.asl.expect("asl")).expect("json");
    // Score and Side are independent; the gate waits for Score only, but Notify waits for it.
    assert_eq!(asl["States"]["Together Score and Side"]["Type"], "Parallel");
    assert_eq!(asl_critical(&asl, &step_states(&g)), 3);
}

#[test]
fn long_step_names_give_distinct_fork_names() {
    // Two independent groups, the first starting with two independent steps, all with long
    // names: both fork names are shortened, and must not collide.
    let long = "Prepare-The-Training-Dataset-For-The-Nightly-Model";
    let src = format!(
        r#"pipeline "long" {{
  lambda {long}-A {{ function "a" }}
  lambda {long}-B {{ function "b" }}
  lambda Join-Them {{ function "j" payload {{ A = {long}-A.payload, B = {long}-B.payload }} }}
  lambda {long}-C {{ function "c" }}
}}"#
    );
    let out = aslc::driver::compile_source(&src, "long.sfn", &Default::default());
    let errors: Vec<_> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let asl: Value = serde_json::from_str(&out.asl.expect("asl")).expect("json");
    let mut names = Vec::new();
    fn collect(scope: &Value, names: &mut Vec<String>) {
        for (name, s) in scope["States"].as_object().into_iter().flatten() {
            names.push(name.clone());
            for b in s["Branches"].as_array().into_iter().flatten() {
                collect(b, names);
            }
        }
    }
    collect(&asl, &mut names);
    let forks: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("Together "))
        .collect();
    assert!(forks.len() >= 4, "{forks:?}");
    let unique: HashSet<&String> = forks.iter().copied().collect();
    assert_eq!(unique.len(), forks.len(), "{forks:?}");
    assert!(forks.iter().all(|n| n.chars().count() <= 80), "{forks:?}");
}

#[test]
fn steps_inside_a_gate_run_together_and_edges_name_steps_only() {
    let src = r#"pipeline "g2" {
  lambda Score { function "s" }
  when Gate: json(Score.payload, "ok") as bool == true {
    lambda Register { function "r" }
    lambda Announce { function "a" }
  }
  lambda Notify { function "n" }
}"#;
    let out = aslc::driver::compile_source(src, "g2.sfn", &Default::default());
    let asl: Value = serde_json::from_str(&out.asl.expect("asl")).expect("json");
    let sidecar: Value = serde_json::from_str(&out.lineage.expect("lineage")).expect("json");
    let g = dag(&sidecar);
    assert_eq!(g["Notify"].1, ["Gate", "Register", "Announce"]);
    assert_eq!(
        asl["States"]["Gate"]["Choices"]
            .as_array()
            .and_then(|c| c.last())
            .map(|rule| rule["Next"].clone()),
        Some(Value::from("Together Register and Announce"))
    );
    assert_eq!(asl_critical(&asl, &step_states(&g)), 3);
}
