//! Phase 3: checked pipeline → ASL model, and the [`Plan`] that says what became of each step.
//!
//! The state-data layout is `paths`'; the request of each step kind is its module's in
//! `src/steps/`; this module orders the states and wraps job steps in caching, job-level
//! retries and lineage recording.

mod cache;
pub use cache::TTL_ATTRIBUTE as CACHE_TTL_ATTRIBUTE;
mod choice;
pub mod dag;
mod emr;
mod foreach;
mod hub;
mod job_retry;
mod keep;
mod lineage;
mod params;
pub mod paths;
pub mod plan;
pub(crate) mod retry;
mod top;
pub(crate) mod values;

pub use plan::{Plan, StepLineage, StepPlan};

use crate::asl::model::*;
use crate::check::{Checked, Policy, StepDef, StepIr};
use crate::steps::{self, Artifact, Cx, Grant, Lineage};
use indexmap::IndexMap;
use serde_json::{json, Value as Json};
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Options {
    /// Start the lineage recorder after each step that records lineage, and make the recorder
    /// (`--no-lineage-states` turns both off; the sidecar is written either way).
    pub lineage_states: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lineage_states: true,
        }
    }
}

/// A lowered pipeline: the state machine and what the lowering decided.
pub struct Lowered {
    pub machine: StateMachine,
    /// The lineage recorder the machine starts, when lineage wiring is on and a step records.
    pub recorder: Option<StateMachine>,
    pub plan: Plan,
}

/// Lower a checked pipeline to a state machine and its plan.
pub fn lower(c: &Checked, options: &Options) -> Lowered {
    let role = c.role.clone().unwrap_or_default();
    let account = role
        .split(':')
        .nth(4)
        .filter(|a| !a.is_empty())
        .unwrap_or("*")
        .to_string();
    let mut l = Lowerer {
        c,
        cx: Cx {
            role: &role,
            account: &account,
        },
        wired: options.lineage_states,
        lineage: false,
        records: HashMap::new(),
        retry_counters: Default::default(),
        caching: false,
        foreachs: Vec::new(),
        depth: 0,
        hub: hub::Hub::default(),
        top_cache_seconds: Default::default(),
        plan: Plan::default(),
    };
    let steps = dag::schedule(&c.steps);
    l.collect(&steps, 0);
    l.lineage = l.wired && !l.records.is_empty();
    let first = match steps.first() {
        Some(s) => Cont::Next(entry(s)),
        None => Cont::End,
    };
    // The steps first: the parameter states start the variables the shared states use.
    let mut body = IndexMap::new();
    l.block(&steps, &Cont::End, &mut body);
    let mut states = IndexMap::new();
    let start_at = l.init(first, &mut states);
    states.extend(body);
    std::mem::take(&mut l.hub).states(&mut states);
    let replaced = hub::share_done(&mut states);
    for step in &mut l.plan.steps {
        step.states.retain(|n| !replaced.contains(n));
    }
    l.finish(&states);
    let recorder = l.lineage.then(|| lineage::recorder(&c.name));
    if recorder.is_some() {
        l.plan.recorder = Some(plan::Recorder {
            name: lineage::recorder_name(&c.name),
            grants: lineage::recorder_grants(&account),
        });
    }
    Lowered {
        machine: StateMachine {
            comment: Some(format!("Pipeline {} (compiled by aslc)", c.name)),
            start_at,
            states,
        },
        recorder,
        plan: l.plan,
    }
}

#[derive(Clone, Debug)]
enum Cont {
    Next(String),
    End,
}

impl Cont {
    fn transition(&self) -> Option<Transition> {
        Some(match self {
            Cont::Next(n) => Transition::Next(n.clone()),
            Cont::End => Transition::End(true),
        })
    }
}

/// The first state a step lowers to.
fn entry(s: &StepDef) -> String {
    if let Some(e) = cache::entry(s) {
        return e;
    }
    match &s.body {
        StepIr::When { reads, .. } | StepIr::Fail { reads, .. } if !reads.is_empty() => {
            read_state(&s.name, &reads[0].step, &reads[0].file)
        }
        StepIr::When {
            checks, numbers, ..
        } if choice::checked_apart(checks, numbers) => choice::check_state(&s.name),
        StepIr::When { numbers, .. } if !numbers.is_empty() => choice::numbers_state(&s.name),
        StepIr::Foreach(f) if foreach::has_setup(f) => paths::foreach_state(&s.name, "Setup"),
        _ if emr::config(s).is_some() => emr::create_state(&s.name),
        _ => s.name.clone(),
    }
}

/// A Fail's `Error` or `Cause`: literal text, or a path or `States.Format` call for the
/// `…Path` field.
fn message(v: &crate::check::Val) -> (Option<String>, Option<String>) {
    match v.as_str() {
        Some(text) => (Some(text.to_string()), None),
        None => (None, Some(values::arg(v))),
    }
}

use paths::read_state;

struct Lowerer<'a> {
    c: &'a Checked,
    cx: Cx<'a>,
    /// Lineage wiring was asked for.
    wired: bool,
    /// Lineage wiring is on and some step records: `$.lineage` exists.
    lineage: bool,
    /// What each step records, its artifacts filtered to those that exist.
    records: HashMap<String, Lineage>,
    /// `$.retry`: attempt counters of the steps with job-level retries.
    retry_counters: serde_json::Map<String, Json>,
    /// Some step is cached: `$.cache` holds its key while it runs.
    caching: bool,
    /// The `foreach` steps around the states being lowered, outermost first.
    foreachs: Vec<String>,
    /// How many Parallel branches and Map iterations the states being lowered are inside.
    depth: usize,
    /// The top level's shared failure and retry states.
    hub: hub::Hub,
    /// The cache durations of the top level's cached steps: their expiry is computed once,
    /// into variables, by the first state.
    top_cache_seconds: std::collections::BTreeSet<u64>,
    plan: Plan,
}

impl<'a> Lowerer<'a> {
    fn policies(&self, s: &StepDef) -> Vec<&'a Policy> {
        s.retry
            .iter()
            .filter_map(|n| self.c.policies.get(n))
            .collect()
    }

    /// The slots of the state data besides `params` and `steps`, as this machine has them.
    fn state_keys(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.lineage {
            out.push("lineage");
        }
        if !self.retry_counters.is_empty() {
            out.push("retry");
        }
        if self.caching {
            out.push("cache");
        }
        out
    }

    /// What the whole machine needs to know before its first state: retry counters, caching,
    /// and which steps record lineage (in source order, so a payload value is known to be an
    /// artifact when an earlier step produced it).
    fn collect(&mut self, steps: &[StepDef], depth: usize) {
        for s in steps {
            self.caching |= cache::applies(s);
            if let Some(seconds) = s.cache.filter(|_| depth == 0 && cache::applies(s)) {
                self.top_cache_seconds.insert(seconds);
            }
            // The top level's counters are variables (`hub.rs`).
            if let Some(plan) = job_retry::plan(s, &self.policies(s)).filter(|_| depth > 0) {
                self.retry_counters
                    .insert(paths::key(&s.name), plan.counters());
            }
            if let Some(k) = steps::kind(&s.body) {
                let mut record = k.lineage(&s.name);
                record.artifacts.retain(|a| self.exists(a));
                // One association per artifact and role: a report that is also a baseline
                // is recorded once (a second AddAssociation would fail).
                let mut seen = Vec::new();
                record.artifacts.retain(|a| {
                    let key = (a.value.clone(), a.role);
                    let new = !seen.contains(&key);
                    seen.push(key);
                    new
                });
                if !record.artifacts.is_empty() {
                    self.records.insert(s.name.clone(), record);
                }
            }
            match &s.body {
                StepIr::When {
                    then, otherwise, ..
                } => {
                    self.collect(then, depth);
                    self.collect(otherwise, depth);
                }
                StepIr::Parallel { branches } => {
                    branches.iter().for_each(|b| self.collect(b, depth + 1))
                }
                StepIr::Foreach(f) => self.collect(&f.steps, depth + 1),
                _ => {}
            }
        }
    }

    /// Whether an artifact a step names exists: a value typed as S3 (or a model) does; a
    /// payload value does when it is an S3 location or another step's recorded artifact.
    fn exists(&self, a: &Artifact) -> bool {
        if !a.maybe {
            return true;
        }
        if a.value.template_text().starts_with("s3://") {
            return true;
        }
        matches!(&a.value, crate::check::Val::Ref(crate::check::Ref::Output { step, output })
            if self.records.get(step).is_some_and(|r| r.artifacts.iter().any(|x| x.output.as_deref() == Some(output))))
    }

    /// Record a step in the plan, with the states inserted since `before`.
    fn record(
        &mut self,
        s: &StepDef,
        mut step: StepPlan,
        out: &IndexMap<String, State>,
        before: usize,
    ) {
        step.states = out.keys().skip(before).cloned().collect();
        step.cached = s.cache.filter(|_| cache::applies(s));
        self.plan.steps.push(step);
    }

    fn new_plan(&self, s: &StepDef) -> StepPlan {
        StepPlan {
            name: s.name.clone(),
            kind: s.kind,
            span: s.span,
            state: s.name.clone(),
            states: vec![],
            job_prefix: None,
            kept: vec![],
            lineage: None,
            cached: None,
            reads: vec![],
            compares: vec![],
            gates: vec![],
            attributes: Default::default(),
            params: vec![],
            after: s.uses.clone(),
        }
    }

    /// Everything after the states exist: the Task resources and the grants they need that no
    /// step kind owns (property-file reads, the cache table, lineage).
    fn finish(&mut self, states: &IndexMap<String, State>) {
        let mut tasks = Vec::new();
        collect_tasks(states, &mut tasks);
        self.plan.tasks = tasks;
        if let Some(table) = self.c.cache_table.as_ref().filter(|_| self.caching) {
            self.plan.grant(Grant::new(
                "StepCache",
                &["dynamodb:GetItem", "dynamodb:PutItem"],
                vec![format!(
                    "arn:aws:dynamodb:*:{}:table/{table}",
                    self.cx.account
                )],
            ));
        }
        if self.lineage {
            self.plan
                .grant(lineage::start_grant(&self.c.name, self.cx.account));
        }
    }
}

/// Every Task state, nested ones included, with its resource.
fn collect_tasks(states: &IndexMap<String, State>, out: &mut Vec<(String, String)>) {
    for (name, state) in states {
        match state {
            State::Task(t) => out.push((name.clone(), t.resource.clone())),
            State::Parallel(p) => p
                .branches
                .iter()
                .for_each(|b| collect_tasks(&b.states, out)),
            State::Map(m) => collect_tasks(&m.item_processor.states, out),
            _ => {}
        }
    }
}

impl Lowerer<'_> {
    fn block(&mut self, steps: &[StepDef], cont: &Cont, out: &mut IndexMap<String, State>) {
        for (i, s) in steps.iter().enumerate() {
            let next = match steps.get(i + 1) {
                Some(n) => Cont::Next(entry(n)),
                None => cont.clone(),
            };
            self.step(s, &next, out);
        }
    }

    fn step(&mut self, s: &StepDef, next: &Cont, out: &mut IndexMap<String, State>) {
        let before = out.len();
        let mut plan = self.new_plan(s);
        match &s.body {
            StepIr::Fail {
                error,
                cause,
                reads,
            } => {
                self.reads(s, reads, &s.name, &mut plan, out);
                let (error, error_path) = message(error);
                let (cause, cause_path) = cause.as_ref().map(message).unwrap_or_default();
                out.insert(
                    s.name.clone(),
                    State::Fail(Fail {
                        query_language: None,
                        comment: None,
                        error,
                        cause,
                        error_path,
                        cause_path,
                    }),
                );
                self.record(s, plan, out, before);
            }
            StepIr::When {
                reads,
                cond,
                then,
                otherwise,
                ..
            } => {
                self.when(s, reads, cond, next, &mut plan, out);
                plan.gates = then
                    .iter()
                    .chain(otherwise)
                    .map(|x| x.name.clone())
                    .collect();
                self.record(s, plan, out, before);
                self.block(then, next, out);
                self.block(otherwise, next, out);
            }
            StepIr::Parallel { branches } => {
                // The Parallel comes first in the plan; its branches' steps follow it.
                let at = self.plan.steps.len();
                let join = paths::join_state(&s.name);
                let (state, joined) = self.parallel(branches, &join, next);
                out.insert(s.name.clone(), state);
                out.insert(join.clone(), joined);
                plan.states = vec![s.name.clone(), join];
                // A Parallel the schedule added is not a step of the pipeline.
                if !dag::is_fork(s) {
                    self.plan.steps.insert(at, plan);
                }
            }
            StepIr::Foreach(f) => {
                // The foreach comes first in the plan; its steps follow it.
                let at = self.plan.steps.len();
                self.foreach(s, f, next, &mut plan, out);
                self.plan.steps.insert(at, plan);
            }
            body => {
                if let Some(kind) = steps::kind(body) {
                    self.task(s, kind, next, &mut plan, out);
                    self.record(s, plan, out, before);
                }
            }
        }
    }

    /// Property-file reads, then the Choice.
    fn when(
        &mut self,
        s: &StepDef,
        reads: &[crate::check::FileRead],
        cond: &crate::check::Cond,
        next: &Cont,
        plan: &mut StepPlan,
        out: &mut IndexMap<String, State>,
    ) {
        let StepIr::When {
            then,
            otherwise,
            checks,
            numbers,
            ..
        } = &s.body
        else {
            return;
        };
        let choice_entry = if numbers.is_empty() {
            s.name.clone()
        } else {
            choice::numbers_state(&s.name)
        };
        let apart = choice::checked_apart(checks, numbers);
        let first = if apart {
            choice::check_state(&s.name)
        } else {
            choice_entry.clone()
        };
        self.reads(s, reads, &first, plan, out);
        let mut rules = choice::checks(&s.name, checks, |name, error, cause| {
            self.fail_route(name, error, cause, out)
        });
        if apart {
            let checked = choice::check_choice(&s.name, std::mem::take(&mut rules), &choice_entry);
            out.insert(first, checked);
        }
        choice::numbers(&s.name, numbers, &s.name, out);
        // What the condition compares: `number(x)` compares `x`, read into the `when`'s results.
        plan.compares = cond
            .refs()
            .into_iter()
            .filter(|r| r.step() != Some(s.name.as_str()))
            .chain(numbers)
            .cloned()
            .collect();
        let (then_target, then_succeed) = target(then, next, &format!("{}.Then", s.name));
        let (else_target, else_succeed) = target(otherwise, next, &format!("{}.Else", s.name));
        let succeeds = [
            (then_succeed, then_target.clone()),
            (else_succeed, else_target.clone()),
        ];
        // A later step reads `When.outcome`: each branch starts by noting which one ran.
        let read = self.c.used_outputs.get(&s.name);
        let (then_target, else_target) = if read.is_some_and(|m| m.contains_key("outcome")) {
            (
                outcome(&s.name, true, then_target, out),
                outcome(&s.name, false, else_target, out),
            )
        } else {
            (then_target, else_target)
        };
        let mut rule = choice::rule(cond);
        if let Json::Object(m) = &mut rule {
            m.insert("Next".into(), Json::String(then_target.clone()));
        }
        // The checks still due come first: the first rule that matches wins.
        let comment = (!rules.is_empty()).then(|| {
            format!(
                "The values {} compares must be there, of their type; then the condition",
                s.name
            )
        });
        rules.push(rule);
        out.insert(
            s.name.clone(),
            State::Choice(Choice {
                query_language: None,
                comment,
                choices: rules,
                default: Some(else_target.clone()),
            }),
        );
        for (needed, name) in succeeds {
            if needed && !out.contains_key(&name) {
                out.insert(name, State::Succeed(Succeed::default()));
            }
        }
    }

    /// Property files a condition or a fail message reads: one `getObject` each, parsed into
    /// the state data, before the step's own state.
    fn reads(
        &mut self,
        s: &StepDef,
        reads: &[crate::check::FileRead],
        then: &str,
        plan: &mut StepPlan,
        out: &mut IndexMap<String, State>,
    ) {
        for (i, r) in reads.iter().enumerate() {
            let after = match reads.get(i + 1) {
                Some(n) => read_state(&s.name, &n.step, &n.file),
                None => then.to_string(),
            };
            let state = read_state(&s.name, &r.step, &r.file);
            let (caught, fail) = self.unreadable(s, r, i, reads.len());
            let mut p = Payload::new();
            values::put_str(&mut p, "Bucket", &r.bucket);
            values::put(&mut p, "Key", &r.key);
            let mut sel = Payload::new();
            sel.insert(
                format!("{}.$", paths::FILE_CONTENT),
                json!("States.StringToJson($.Body)"),
            );
            out.insert(
                state.clone(),
                State::Task(Task {
                    comment: Some(format!(
                        "Read {} for {}",
                        crate::check::describe_file(&r.step, &r.file),
                        s.name
                    )),
                    resource: "arn:aws:states:::aws-sdk:s3:getObject".into(),
                    parameters: p,
                    result_selector: Some(sel),
                    result_path: Json::String(paths::output(&r.step, &r.file)),
                    catch: vec![caught],
                    transition: Some(Transition::Next(after)),
                    ..Task::default()
                }),
            );
            out.insert(fail.0, fail.1);
            self.plan.grant(Grant::new(
                "ReadPropertyFiles",
                &["s3:GetObject"],
                vec![format!(
                    "arn:aws:s3:::{}/{}",
                    r.bucket,
                    crate::steps::pattern(&r.key)
                )],
            ));
            plan.reads.push(plan::FileRead {
                step: r.step.clone(),
                file: r.file.clone(),
                state,
            });
        }
    }

    /// Where a failure with a literal error and cause goes: the top level's shared Fail, or
    /// a Fail state of its own named `name` inside a branch.
    fn fail_route(
        &mut self,
        name: String,
        error: &str,
        cause: &str,
        out: &mut IndexMap<String, State>,
    ) -> hub::Route {
        if self.depth == 0 {
            return self.hub.fail(error, cause);
        }
        out.insert(
            name.clone(),
            State::Fail(Fail {
                query_language: None,
                comment: None,
                error: Some(error.into()),
                cause: Some(cause.into()),
                error_path: None,
                cause_path: None,
            }),
        );
        hub::Route {
            next: name,
            assign: None,
        }
    }

    /// A file that is missing or not JSON fails the step, as SageMaker's JsonGet does, saying
    /// which file and why: the catcher of its read, and the Fail state it goes to. (Not the
    /// top level's shared Fail: a catcher's `Assign` reads the error output, where the file's
    /// resolved key is not.)
    fn unreadable(
        &self,
        s: &StepDef,
        r: &crate::check::FileRead,
        i: usize,
        count: usize,
    ) -> (Catcher, (String, State)) {
        const ERROR: &str = "aslc.PropertyFileUnreadable";
        let file = crate::check::describe_file(&r.step, &r.file);
        let caught_at = paths::output(&r.step, &r.file);
        let fail = paths::unreadable_state(&s.name, i, count);
        let cause = format!(
            "States.Format('{file} (s3://{}/{{}}) could not be read as JSON: {{}}', {}, {caught_at}.Cause)",
            r.bucket,
            values::arg(&r.key),
        );
        let state = State::Fail(Fail {
            query_language: None,
            comment: None,
            error: Some(ERROR.into()),
            cause: None,
            error_path: None,
            cause_path: Some(cause),
        });
        let catcher = Catcher {
            error_equals: vec!["States.ALL".into()],
            result_path: Json::String(caught_at),
            next: fail.clone(),
            ..Catcher::default()
        };
        (catcher, (fail, state))
    }

    /// The Parallel state and the Pass after it that joins its branches' state data.
    fn parallel(&mut self, branches: &[Vec<StepDef>], join: &str, next: &Cont) -> (State, State) {
        let mut scopes = Vec::new();
        for b in branches {
            let mut states = IndexMap::new();
            self.depth += 1;
            self.block(b, &Cont::End, &mut states);
            self.depth -= 1;
            scopes.push(Scope {
                start_at: b.first().map(entry).unwrap_or_default(),
                states,
            });
        }
        // Each branch returns the whole state data. The branches are named first (`$[1]`),
        // then their step results are folded back into one `$.steps`: a path that indexes and
        // then selects (`$[1].steps`) is an object on AWS but a one-element list on moto's
        // interpreter, while `$[1]` alone and `$.b1.steps` are the same everywhere.
        let mut sel = Payload::new();
        for i in 0..branches.len() {
            sel.insert(format!("b{i}.$"), Json::String(format!("$[{i}]")));
        }
        let mut merged = "$.b0.steps".to_string();
        for i in 1..branches.len() {
            merged = format!("States.JsonMerge({merged}, $.b{i}.steps, false)");
        }
        let mut p = Payload::new();
        p.insert("params.$".into(), json!("$.b0.params"));
        p.insert("steps.$".into(), Json::String(merged));
        // Lineage ARNs and failures of the first branch; see README (limits).
        for key in self.state_keys() {
            p.insert(format!("{key}.$"), json!(format!("$.b0.{key}")));
        }
        let parallel = State::Parallel(Parallel {
            branches: scopes,
            result_selector: sel,
            transition: Some(Transition::Next(join.to_string())),
        });
        let joined = State::Pass(Pass {
            parameters: Some(p),
            transition: next.transition(),
            ..Pass::default()
        });
        (parallel, joined)
    }

    /// A step that runs a Task: its request, wrapped in caching, retries and lineage.
    fn task(
        &mut self,
        s: &StepDef,
        kind: &dyn steps::Kind,
        next: &Cont,
        plan: &mut StepPlan,
        out: &mut IndexMap<String, State>,
    ) {
        let req = kind.request(&s.name, &self.cx);
        for g in kind.grants(&s.name, &self.cx) {
            self.plan.grant(g);
        }
        let record = self.records.get(&s.name).cloned();
        let recording = self.lineage && record.is_some();
        let used = self.c.used_outputs.get(&s.name);
        // The lineage start passes the step's own outputs that its record names.
        let recorded: Vec<&str> = match (&record, recording) {
            (Some(r), true) => r
                .artifacts
                .iter()
                .map(|a| &a.value)
                .chain([&r.source])
                .flat_map(|v| v.refs())
                .filter_map(|r| match r {
                    crate::check::Ref::Output { step, output } if *step == s.name => {
                        Some(output.as_str())
                    }
                    _ => None,
                })
                .collect(),
            _ => vec![],
        };
        let sel = keep::selector(&req, used, &recorded);
        plan.kept = sel
            .keys()
            .map(|k| {
                let n = k.trim_end_matches(".$");
                (n.to_string(), paths::output(&s.name, n))
            })
            .collect();
        plan.job_prefix = kind.name_prefix(&s.name);
        plan.attributes = kind.attributes();
        plan.params = kind.params();
        let (selector, result_path) = if sel.is_empty() {
            (None, Json::Null)
        } else {
            (Some(sel), Json::String(paths::results(&s.name)))
        };
        let policies = self.policies(s);
        let job_retry = job_retry::plan(s, &policies);
        let lineage_entry = recording.then(|| lineage::entry(&s.name));
        // Where the step continues once its result is in: its lineage start, or the next step.
        let mut then = match &lineage_entry {
            Some(e) => Cont::Next(e.clone()),
            None => next.clone(),
        };
        if let Some(ranks) = self.c.top_models.get(&s.name) {
            then = Cont::Next(top::states(s, ranks, &then, out));
            self.plan.grant(Grant::new(
                "RankTuningJobs",
                &["sagemaker:ListTrainingJobsForHyperParameterTuningJob"],
                vec![format!(
                    "arn:aws:sagemaker:*:{}:hyper-parameter-tuning-job/*",
                    self.cx.account
                )],
            ));
        }
        // A cluster created for the step is terminated after it, and when it fails.
        let cluster = emr::config(s);
        let top = self.depth == 0;
        let mut catch: Vec<Catcher> = match &job_retry {
            Some(p) if top => vec![p.join(&mut self.hub)],
            Some(p) => vec![p.catcher()],
            None => vec![],
        };
        if cluster.is_some() {
            then = Cont::Next(emr::terminate(s, &then, out));
            catch.push(emr::catcher(s, out));
        }
        let cached = cache::applies(s);
        let table = self.c.cache_table.clone().unwrap_or_default();
        let kept: Vec<String> = plan.kept.iter().map(|(n, _)| n.clone()).collect();
        let entry = cached.then(|| cache::Cached::new(s, &table, &req.parameters, &kept));
        if let Some(entry) = &entry {
            cache::before(entry, &then, out);
        }
        out.insert(
            s.name.clone(),
            State::Task(Task {
                comment: None,
                resource: req.resource,
                parameters: req.parameters,
                result_selector: selector,
                result_path,
                timeout_seconds: req.timeout,
                heartbeat_seconds: req.heartbeat,
                retry: retry::retriers(policies.iter().copied(), req.integration),
                catch,
                transition: if cached {
                    Some(Transition::Next(cache::after_job(s, top)))
                } else {
                    then.transition()
                },
            }),
        );
        if let Some(entry) = &entry {
            cache::after(entry, top, &then, out);
        }
        if let Some(config) = cluster {
            let retry = retry::retriers(policies.iter().copied(), req.integration);
            emr::create(s, config, retry, out);
        }
        if let Some(p) = job_retry.as_ref().filter(|_| !top) {
            p.states(out);
        }
        if let Some(record) = record {
            let recorder =
                recording.then(|| lineage::after_step(&self.c.name, &s.name, &record, next, out));
            plan.lineage = Some(StepLineage {
                action: record.action,
                artifacts: record.artifacts,
                recorder,
            });
        }
    }
}

/// `<When>.Outcome.True` / `.False`: keeps `{"outcome": held}` as the `when`'s result, then
/// goes on to the branch.
fn outcome(when: &str, held: bool, then: String, out: &mut IndexMap<String, State>) -> String {
    let name = format!("{when}.Outcome.{}", if held { "True" } else { "False" });
    out.insert(
        name.clone(),
        State::Pass(Pass {
            result: Some(serde_json::json!({ "outcome": held })),
            result_path: Some(Json::String(paths::results(when))),
            transition: Some(Transition::Next(then)),
            ..Pass::default()
        }),
    );
    name
}

/// Where a branch starts: its first step, or (when empty) the continuation, or a Succeed
/// state, to be added, when the branch ends the execution.
fn target(steps: &[StepDef], next: &Cont, succeed: &str) -> (String, bool) {
    match (steps.first(), next) {
        (Some(first), _) => (entry(first), false),
        (None, Cont::Next(n)) => (n.clone(), false),
        (None, Cont::End) => (succeed.to_string(), true),
    }
}
