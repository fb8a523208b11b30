//! Concurrency from data flow: a block of steps, written in file order, becomes a schedule in
//! which no step waits for a step it does not depend on, where the DAG allows it.
//!
//! A step depends on the steps it uses (outputs, property files, JSON, `depends_on`; recorded by
//! the checker) and on every `when` and `fail` written before it in the same block; a `fail`
//! waits for every step before it. Control flow keeps its place. The schedule is a series-parallel decomposition of that DAG:
//!
//! - steps in separate connected components run in one `Parallel` state, one branch each;
//! - in one component, the steps every other step is ordered with (before or after) are
//!   "cuts": they run in sequence, and the steps between two cuts are scheduled the same way;
//! - a component with no cut is not series-parallel (A → C, B → C, B → D): it runs level by
//!   level (the steps at the same longest distance from the start together), which can make a
//!   step wait for a step of the level before that it does not use. That is the one limit.
//!
//! For series-parallel pipelines (chains, diamonds, independent chains: every fixture) the
//! critical path of the state machine equals the DAG's; `tests/dag.rs` checks it.

use crate::check::{StepDef, StepIr};
use crate::syntax::ast::StepKind;

/// Above this many steps in one block the schedule keeps file order (the definition would be
/// over the size limit long before).
const MAX_STEPS: usize = 200;

/// The name of a `Parallel` state the schedule adds: `Together A and B`. Step names have no
/// spaces, so these never clash with a step or one of its states; letters, digits and spaces
/// are what AWS's own sample state names use, so every interpreter reads them.
fn fork_name(branches: &[Vec<StepDef>]) -> String {
    let firsts: Vec<&str> = branches
        .iter()
        .filter_map(|b| b.first())
        .map(first_leaf)
        .collect();
    let all = format!("Together {}", firsts.join(" and "));
    // `.Join` follows the name of the state that joins the branches.
    if all.chars().count() <= 75 {
        return all;
    }
    // Counting every step inside keeps a fork and the fork it starts with apart.
    let mut steps = 0;
    for st in branches.iter().flatten() {
        each_step(st, &mut |x| steps += usize::from(!is_fork(x)));
    }
    let head: String = firsts[0].chars().take(45).collect();
    format!("Together {head} and {} more", steps - 1)
}

fn first_leaf(s: &StepDef) -> &str {
    match &s.body {
        StepIr::Parallel { branches } if is_fork(s) => branches
            .first()
            .and_then(|b| b.first())
            .map(first_leaf)
            .unwrap_or(&s.name),
        _ => &s.name,
    }
}

/// Is this a `Parallel` the schedule added (not a step the author wrote)?
pub fn is_fork(s: &StepDef) -> bool {
    s.kind == StepKind::Parallel && s.name.starts_with("Together ")
}

/// The block, scheduled; blocks nested in `when` and `parallel` steps are scheduled too.
pub fn schedule(block: &[StepDef]) -> Vec<StepDef> {
    let mut block: Vec<StepDef> = block.iter().map(nested).collect();
    if block.len() < 2 || block.len() > MAX_STEPS {
        return block;
    }
    let (g, direct) = Graph::new(&block);
    // Control edges join the data edges, so the plan (and the sidecar) has every edge. A step
    // after a `when` waits for the steps inside it too: its branches continue into the step.
    for (i, preds) in direct.iter().enumerate() {
        let mut names = Vec::new();
        for &j in preds {
            each_step(&block[j], &mut |x| {
                if x.name == block[j].name || (block[j].kind == StepKind::When && !is_fork(x)) {
                    names.push(x.name.clone());
                }
            });
        }
        for name in names {
            if !block[i].uses.contains(&name) {
                block[i].uses.push(name);
            }
        }
    }
    let all: Vec<usize> = (0..block.len()).collect();
    let order = g.seq(&all);
    materialise(&order, &block)
}

fn nested(s: &StepDef) -> StepDef {
    let mut s = s.clone();
    match &mut s.body {
        StepIr::When {
            then, otherwise, ..
        } => {
            for inner in then.iter_mut().chain(otherwise.iter_mut()) {
                inner.uses.push(s.name.clone());
            }
            *then = schedule(then);
            *otherwise = schedule(otherwise);
        }
        StepIr::Parallel { branches } => {
            for b in branches.iter_mut() {
                *b = schedule(b);
            }
            s.uses = join_uses(&s);
        }
        StepIr::Foreach(f) => {
            f.steps = schedule(&f.steps);
            s.uses = join_uses(&s);
        }
        _ => {}
    }
    s
}

/// A `parallel` the author wrote stands, in the DAG, for its join: it comes after the steps
/// its branches use from outside and after every step inside it, and the steps after it wait
/// for all of its branches.
fn join_uses(s: &StepDef) -> Vec<String> {
    let mut inside = Vec::new();
    each_step(s, &mut |x| {
        if !is_fork(x) {
            inside.push(x.name.clone());
        }
    });
    let mut out: Vec<String> = Vec::new();
    each_step(s, &mut |x| {
        for u in &x.uses {
            if !inside.contains(u) && !out.contains(u) {
                out.push(u.clone());
            }
        }
    });
    out.extend(inside.into_iter().skip(1));
    out
}

enum Item {
    Step(usize),
    Fork(Vec<Vec<Item>>),
}

fn materialise(items: &[Item], block: &[StepDef]) -> Vec<StepDef> {
    items
        .iter()
        .map(|item| match item {
            Item::Step(i) => block[*i].clone(),
            Item::Fork(branches) => {
                let branches: Vec<Vec<StepDef>> =
                    branches.iter().map(|b| materialise(b, block)).collect();
                let first = &branches[0][0];
                StepDef {
                    name: fork_name(&branches),
                    span: first.span,
                    kind: StepKind::Parallel,
                    retry: vec![],
                    cache: None,
                    uses: vec![],
                    body: StepIr::Parallel { branches },
                }
            }
        })
        .collect()
}

/// The DAG of one block: `before[i][j]` when step `j` must finish before step `i` starts
/// (transitively).
struct Graph {
    before: Vec<Vec<bool>>,
}

impl Graph {
    /// The graph, and each step's direct predecessors in the block.
    fn new(block: &[StepDef]) -> (Self, Vec<Vec<usize>>) {
        let n = block.len();
        // Which block step each step name (nested ones included) belongs to.
        let mut owner = std::collections::HashMap::new();
        for (i, s) in block.iter().enumerate() {
            each_step(s, &mut |inner| {
                owner.insert(inner.name.as_str(), i);
            });
        }
        let mut before = vec![vec![false; n]; n];
        let mut direct_all = vec![Vec::new(); n];
        let mut barrier: Option<usize> = None;
        for (i, s) in block.iter().enumerate() {
            let mut direct = Vec::new();
            each_step(s, &mut |inner| {
                direct.extend(inner.uses.iter().filter_map(|u| owner.get(u.as_str())));
            });
            direct.extend(barrier);
            if s.kind == StepKind::Fail {
                direct.extend(0..i);
            }
            direct.sort_unstable();
            direct.dedup();
            for j in direct.into_iter().filter(|&j| j < i) {
                direct_all[i].push(j);
                before[i][j] = true;
                let (done, rest) = before.split_at_mut(i);
                for (to, &from) in rest[0].iter_mut().zip(&done[j]) {
                    *to |= from;
                }
            }
            if matches!(s.kind, StepKind::When | StepKind::Fail) {
                barrier = Some(i);
            }
        }
        (Graph { before }, direct_all)
    }

    fn ordered(&self, a: usize, b: usize) -> bool {
        self.before[a][b] || self.before[b][a]
    }

    /// The schedule of `nodes` (in file order, which is a topological order).
    fn seq(&self, nodes: &[usize]) -> Vec<Item> {
        if nodes.len() == 1 {
            return vec![Item::Step(nodes[0])];
        }
        let parts = self.components(nodes);
        if parts.len() > 1 {
            return vec![Item::Fork(parts.iter().map(|p| self.seq(p)).collect())];
        }
        let cuts: Vec<usize> = nodes
            .iter()
            .copied()
            .filter(|&c| nodes.iter().all(|&n| n == c || self.ordered(c, n)))
            .collect();
        if cuts.is_empty() {
            return self.levels(nodes);
        }
        // Between two cuts: the steps after exactly `k` of them.
        let mut gaps: Vec<Vec<usize>> = vec![Vec::new(); cuts.len() + 1];
        for &n in nodes.iter().filter(|n| !cuts.contains(n)) {
            let k = cuts.iter().filter(|&&c| self.before[n][c]).count();
            gaps[k].push(n);
        }
        let mut out = Vec::new();
        for (k, gap) in gaps.iter().enumerate() {
            if !gap.is_empty() {
                out.extend(self.seq(gap));
            }
            if let Some(&c) = cuts.get(k) {
                out.push(Item::Step(c));
            }
        }
        out
    }

    /// Weakly connected components of `nodes`, each in file order.
    fn components(&self, nodes: &[usize]) -> Vec<Vec<usize>> {
        let mut part: Vec<Option<usize>> = vec![None; nodes.len()];
        let mut count = 0;
        for start in 0..nodes.len() {
            if part[start].is_some() {
                continue;
            }
            part[start] = Some(count);
            let mut stack = vec![start];
            while let Some(a) = stack.pop() {
                for b in 0..nodes.len() {
                    if part[b].is_none() && self.ordered(nodes[a], nodes[b]) {
                        part[b] = Some(count);
                        stack.push(b);
                    }
                }
            }
            count += 1;
        }
        (0..count)
            .map(|c| {
                (0..nodes.len())
                    .filter(|&i| part[i] == Some(c))
                    .map(|i| nodes[i])
                    .collect()
            })
            .collect()
    }

    /// The fallback for a component that is not series-parallel: level by level.
    fn levels(&self, nodes: &[usize]) -> Vec<Item> {
        let mut level = vec![0usize; nodes.len()];
        for i in 0..nodes.len() {
            level[i] = (0..i)
                .filter(|&j| self.before[nodes[i]][nodes[j]])
                .map(|j| level[j] + 1)
                .max()
                .unwrap_or(0);
        }
        let depth = level.iter().max().copied().unwrap_or(0);
        (0..=depth)
            .map(|l| {
                let at: Vec<usize> = (0..nodes.len())
                    .filter(|&i| level[i] == l)
                    .map(|i| nodes[i])
                    .collect();
                match at.as_slice() {
                    [one] => Item::Step(*one),
                    _ => Item::Fork(at.iter().map(|&n| vec![Item::Step(n)]).collect()),
                }
            })
            .collect()
    }
}

/// A step and every step nested in it.
fn each_step<'a>(s: &'a StepDef, f: &mut dyn FnMut(&'a StepDef)) {
    f(s);
    match &s.body {
        StepIr::When {
            then, otherwise, ..
        } => then.iter().chain(otherwise).for_each(|x| each_step(x, f)),
        StepIr::Parallel { branches } => branches.iter().flatten().for_each(|x| each_step(x, f)),
        StepIr::Foreach(fe) => fe.steps.iter().for_each(|x| each_step(x, f)),
        _ => {}
    }
}
