//! Phase 3: checked pipeline → ASL model.
//!
//! State data layout: `$.params` holds the parameters merged with their defaults, and
//! `$.steps.<Step>` what each step's ResultSelector kept (only what later steps read, plus job
//! ARNs), so the state stays far below the 256 KiB limit whatever the jobs return.

mod cache;
mod choice;
mod job_retry;
mod lineage;
mod requests;
mod retry;
mod values;

use crate::asl::model::*;
use crate::check::{param_path, Checked, ParamDef, Policy, StepDef, StepIr, Ty, FILE_CONTENT};
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

/// Whether a step's result may be reused from the cache.
pub fn is_cached(s: &StepDef) -> bool {
    cache::applies(s)
}

/// Whether a step's lineage is recorded by wiring states (when they are on).
pub fn records_lineage(s: &StepDef) -> bool {
    lineage::entry(s).is_some()
}

#[derive(Clone, Debug)]
pub struct Options {
    /// Emit the states that record lineage in SageMaker ML Lineage Tracking as the execution
    /// runs (`--no-lineage-states` turns them off; the sidecar is written either way).
    pub lineage_states: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lineage_states: true,
        }
    }
}

/// Lower a checked pipeline to a state machine.
pub fn lower(c: &Checked, options: &Options) -> StateMachine {
    let mut l = Lowerer {
        c,
        role: c.role.clone().unwrap_or_default(),
        lineage: options.lineage_states && lineage::any(&c.steps),
        retry_counters: Default::default(),
        caching: false,
    };
    l.collect_counters(&c.steps);
    let mut states = IndexMap::new();
    let first = match c.steps.first() {
        Some(s) => Cont::Next(entry(s)),
        None => Cont::End,
    };
    let start_at = if l.lineage {
        let start_at = l.init(Cont::Next(lineage::CONTEXT.into()), &mut states);
        lineage::context(&c.name, &first, &mut states);
        start_at
    } else {
        l.init(first, &mut states)
    };
    l.block(&c.steps, &Cont::End, &mut states);
    StateMachine {
        comment: Some(format!("Pipeline {} (compiled by aslc)", c.name)),
        start_at,
        states,
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
        StepIr::When { reads, .. } if !reads.is_empty() => {
            read_state(&s.name, &reads[0].step, &reads[0].file)
        }
        _ => s.name.clone(),
    }
}

fn read_state(when: &str, step: &str, file: &str) -> String {
    format!("{when}.Read.{step}.{file}")
}

struct Lowerer<'a> {
    c: &'a Checked,
    role: String,
    lineage: bool,
    /// `$.retry`: attempt counters of the steps with job-level retries.
    retry_counters: serde_json::Map<String, Json>,
    /// Some step is cached: `$.cache` holds its key while it runs.
    caching: bool,
}

impl<'a> Lowerer<'a> {
    fn policies(&self, s: &StepDef) -> Vec<&'a Policy> {
        s.retry
            .iter()
            .filter_map(|n| self.c.policies.get(n))
            .collect()
    }

    fn collect_counters(&mut self, steps: &[StepDef]) {
        for s in steps {
            self.caching |= cache::applies(s);
            if let Some(plan) = job_retry::plan(s, &self.policies(s)) {
                self.retry_counters.insert(s.name.clone(), plan.counters());
            }
            match &s.body {
                StepIr::When {
                    then, otherwise, ..
                } => {
                    self.collect_counters(then);
                    self.collect_counters(otherwise);
                }
                StepIr::Parallel { branches } => {
                    branches.iter().for_each(|b| self.collect_counters(b))
                }
                _ => {}
            }
        }
    }
}

const MERGE: &str = "Parameters.Merge";
const SCHEDULED: &str = "Parameters.Scheduled";
const DEFAULTS: &str = "Parameters.Defaults";
const VALIDATE: &str = "Parameters.Validate";

impl Lowerer<'_> {
    /// Merge the execution input over the defaults and check every parameter's presence and
    /// type before any job starts.
    fn init(&self, first: Cont, out: &mut IndexMap<String, State>) -> String {
        let computed = self
            .c
            .schedule
            .as_ref()
            .map(|s| s.computed.as_slice())
            .unwrap_or_default();
        if computed.is_empty() {
            return self.init_parameters(first, out);
        }
        // JSONPath intrinsics cannot do date arithmetic: a JSONata state fills in the dates a
        // schedule computes (`yesterday()`), unless the execution input gives them.
        let fields: Vec<String> = computed
            .iter()
            .map(|(name, days)| {
                let start = "$toMillis($states.context.Execution.StartTime)";
                let at = match days {
                    0 => start.to_string(),
                    n => format!("{start} - {}", u64::from(*n) * 86_400_000),
                };
                format!("'{name}': $fromMillis({at}, '[Y0001]-[M01]-[D01]')")
            })
            .collect();
        let output = format!("{{% $merge([{{{}}}, $states.input]) %}}", fields.join(", "));
        let mut state = IndexMap::new();
        let start = self.init_parameters(first, &mut state);
        out.insert(
            SCHEDULED.into(),
            State::Pass(Pass {
                comment: Some("Dates the schedule computes from the execution's start time, unless the input gives them".into()),
                query_language: Some("JSONata"),
                output: Some(Json::String(output)),
                transition: Some(Transition::Next(start)),
                ..Pass::default()
            }),
        );
        out.extend(state);
        SCHEDULED.into()
    }

    fn init_parameters(&self, first: Cont, out: &mut IndexMap<String, State>) -> String {
        let params = &self.c.params;
        // The state data every later state relies on: parameters, step results, lineage.
        let merge = |params: Json, next: Option<Transition>| {
            let mut p = Payload::new();
            p.insert(
                if params.is_string() {
                    "params.$"
                } else {
                    "params"
                }
                .into(),
                params,
            );
            p.insert("steps".into(), json!({}));
            if self.lineage {
                p.insert("lineage".into(), json!({ "failures": {} }));
            }
            if !self.retry_counters.is_empty() {
                p.insert("retry".into(), Json::Object(self.retry_counters.clone()));
            }
            if self.caching {
                p.insert("cache".into(), json!({}));
            }
            State::Pass(Pass {
                parameters: Some(p),
                transition: next,
                ..Pass::default()
            })
        };
        if params.is_empty() {
            out.insert(MERGE.into(), merge(json!({}), first.transition()));
            return MERGE.into();
        }
        let defaults: serde_json::Map<String, Json> = params
            .iter()
            .filter_map(|p| p.default.clone().map(|d| (p.name.clone(), d)))
            .collect();
        let mut p = Payload::new();
        p.insert("defaults".into(), Json::Object(defaults));
        p.insert("input.$".into(), json!("$"));
        out.insert(
            DEFAULTS.into(),
            State::Pass(Pass {
                comment: Some(
                    "Parameter defaults, and the execution input that overrides them".into(),
                ),
                parameters: Some(p),
                transition: Some(Transition::Next(MERGE.into())),
                ..Pass::default()
            }),
        );
        out.insert(
            MERGE.into(),
            merge(
                json!("States.JsonMerge($.defaults, $.input, false)"),
                Some(Transition::Next(VALIDATE.into())),
            ),
        );
        let mut rules = Vec::new();
        let mut fails = Vec::new();
        for param in params {
            let fail = format!("Parameters.Invalid.{}", param.name);
            let path = param_path(&param.name);
            if param.default.is_none() {
                rules.push(json!({"Not": {"Variable": path, "IsPresent": true}, "Next": fail}));
            }
            let test = match param.ty {
                Ty::Int | Ty::Float => "IsNumeric",
                Ty::Bool => "IsBoolean",
                _ => "IsString",
            };
            rules.push(json!({"Not": {"Variable": path, test: true}, "Next": fail}));
            fails.push((fail, param));
        }
        let default = match &first {
            Cont::Next(n) => n.clone(),
            Cont::End => {
                out.insert("Done".into(), State::Succeed(Succeed::default()));
                "Done".into()
            }
        };
        out.insert(
            VALIDATE.into(),
            State::Choice(Choice {
                comment: None,
                choices: rules,
                default: Some(default),
            }),
        );
        for (name, param) in fails {
            out.insert(name, State::Fail(invalid_param(param)));
        }
        DEFAULTS.into()
    }

    fn block(&self, steps: &[StepDef], cont: &Cont, out: &mut IndexMap<String, State>) {
        for (i, s) in steps.iter().enumerate() {
            let next = match steps.get(i + 1) {
                Some(n) => Cont::Next(entry(n)),
                None => cont.clone(),
            };
            self.step(s, &next, out);
        }
    }

    fn step(&self, s: &StepDef, next: &Cont, out: &mut IndexMap<String, State>) {
        match &s.body {
            StepIr::Fail { error, cause } => {
                out.insert(
                    s.name.clone(),
                    State::Fail(Fail {
                        comment: None,
                        error: Some(error.clone()),
                        cause: cause.clone(),
                        error_path: None,
                        cause_path: None,
                    }),
                );
            }
            StepIr::When {
                reads,
                cond,
                then,
                otherwise,
            } => {
                for (i, r) in reads.iter().enumerate() {
                    let after = match reads.get(i + 1) {
                        Some(n) => read_state(&s.name, &n.step, &n.file),
                        None => s.name.clone(),
                    };
                    let mut p = Payload::new();
                    values::put_str(&mut p, "Bucket", &r.bucket);
                    values::put(&mut p, "Key", &r.key);
                    let mut sel = Payload::new();
                    sel.insert(
                        format!("{FILE_CONTENT}.$"),
                        json!("States.StringToJson($.Body)"),
                    );
                    out.insert(
                        read_state(&s.name, &r.step, &r.file),
                        State::Task(Task {
                            comment: Some(format!(
                                "Read property file {}.{} for the condition of {}",
                                r.step, r.file, s.name
                            )),
                            resource: "arn:aws:states:::aws-sdk:s3:getObject".into(),
                            parameters: p,
                            result_selector: Some(sel),
                            result_path: Json::String(r.path.clone()),
                            transition: Some(Transition::Next(after)),
                            ..Task::default()
                        }),
                    );
                }
                let (then_target, then_succeed) = target(then, next, &format!("{}.Then", s.name));
                let (else_target, else_succeed) =
                    target(otherwise, next, &format!("{}.Else", s.name));
                let mut rule = choice::rule(cond);
                if let Json::Object(m) = &mut rule {
                    m.insert("Next".into(), Json::String(then_target.clone()));
                }
                let choice = Choice {
                    comment: None,
                    choices: vec![rule],
                    default: Some(else_target.clone()),
                };
                out.insert(s.name.clone(), State::Choice(choice));
                for (needed, name) in [(then_succeed, then_target), (else_succeed, else_target)] {
                    if needed && !out.contains_key(&name) {
                        out.insert(name, State::Succeed(Succeed::default()));
                    }
                }
                self.block(then, next, out);
                self.block(otherwise, next, out);
            }
            StepIr::Parallel { branches } => {
                let scopes: Vec<Scope> = branches
                    .iter()
                    .map(|b| {
                        let mut states = IndexMap::new();
                        self.block(b, &Cont::End, &mut states);
                        Scope {
                            start_at: b.first().map(entry).unwrap_or_default(),
                            states,
                        }
                    })
                    .collect();
                // Each branch returns the whole state; fold the branches' step results back
                // into one `$.steps` so later steps find them where they always are.
                let mut merged = "$[0].steps".to_string();
                for i in 1..branches.len() {
                    merged = format!("States.JsonMerge({merged}, $[{i}].steps, false)");
                }
                let mut sel = Payload::new();
                sel.insert("params.$".into(), json!("$[0].params"));
                sel.insert("steps.$".into(), Json::String(merged));
                if self.lineage {
                    // Lineage ARNs and failures of the first branch; see README (limits).
                    sel.insert("lineage.$".into(), json!("$[0].lineage"));
                }
                if !self.retry_counters.is_empty() {
                    sel.insert("retry.$".into(), json!("$[0].retry"));
                }
                if self.caching {
                    sel.insert("cache.$".into(), json!("$[0].cache"));
                }
                out.insert(
                    s.name.clone(),
                    State::Parallel(Parallel {
                        branches: scopes,
                        result_selector: sel,
                        transition: next.transition(),
                    }),
                );
            }
            _ => {
                let Some(req) = requests::request(s, &self.role) else {
                    return;
                };
                let used = self.c.used_outputs.get(&s.name);
                let lineage_entry = if self.lineage {
                    lineage::entry(s)
                } else {
                    None
                };
                let records_lineage = lineage_entry.is_some();
                let keep: Vec<&(String, String)> = req
                    .outputs
                    .iter()
                    .filter(|(name, _)| {
                        // The lineage states read every output of a step that records lineage.
                        records_lineage
                            || req.always.contains(&name.as_str())
                            || used.is_some_and(|u| u.contains(name))
                    })
                    .collect();
                let (selector, result_path) = if keep.is_empty() {
                    (None, Json::Null)
                } else {
                    let sel = keep
                        .iter()
                        .map(|(n, p)| (format!("{n}.$"), Json::String(p.clone())))
                        .collect();
                    (Some(sel), Json::String(format!("$.steps.{}", s.name)))
                };
                let policies = self.policies(s);
                let job_retry = job_retry::plan(s, &policies);
                // Where the step continues once its result is in: lineage states, or the next step.
                let then = match &lineage_entry {
                    Some(e) => Cont::Next(e.clone()),
                    None => next.clone(),
                };
                let cached = cache::applies(s);
                let table = self.c.cache_table.clone().unwrap_or_default();
                if cached {
                    cache::before(s, &table, &req.parameters, &then, out);
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
                        catch: job_retry.iter().map(|p| p.catcher()).collect(),
                        transition: if cached {
                            Some(Transition::Next(format!("{}.Cache.Expiry", s.name)))
                        } else {
                            then.transition()
                        },
                    }),
                );
                if cached {
                    cache::after(s, &table, &then, out);
                }
                if let Some(plan) = &job_retry {
                    plan.states(out);
                }
                if records_lineage {
                    lineage::after_step(s, next, out);
                }
            }
        }
    }
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

fn invalid_param(p: &ParamDef) -> Fail {
    let ty = p.ty.name();
    let cause = match &p.default {
        None => format!(
            "parameter {} is required and must be a {ty}: start the execution with {{\"{}\": ...}}",
            p.name, p.name
        ),
        Some(_) => format!("parameter {} must be a {ty}", p.name),
    };
    Fail {
        comment: None,
        error: Some("aslc.InvalidParameter".into()),
        cause: Some(cause),
        error_path: None,
        cause_path: None,
    }
}
