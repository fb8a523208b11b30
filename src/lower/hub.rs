//! The top level's shared states, so that the console graph shows the pipeline rather than one
//! Fail state and one retry loop per step (issue 11):
//!
//! - `Pipeline.Failed`: every failure of the top level goes there, having said why in the
//!   `failure_error` variable and, for the failures a Choice finds, `failure_cause`; a job's
//!   failure keeps its cause in the state data (`$.failed_job`). Why not a variable for that
//!   too: moto's interpreter writes every variable into the JSONata text it evaluates without
//!   escaping it, so a variable holding `"` (a job's cause is JSON) breaks every later read of
//!   any variable there. For the same reason a literal cause has its `"` written `'`.
//! - `Pipeline.Retry` → `Pipeline.RetryWait` → `Pipeline.RetryDispatch`: the job-level retry
//!   loop of every top-level job step. The step's catcher notes the step (`retry_step`) and
//!   keeps the job's error at `$.failed_job`; `Pipeline.Retry` matches its cause against the
//!   step's policies and counts the attempt (`attempts_<Step>_<policy>`), picking the wait; the
//!   dispatch goes back to the step, which starts a new job under a fresh name. A failure no
//!   policy takes goes to `Pipeline.Failed`.
//! - `Pipeline.Done`: the one Succeed state the top level ends in, however it gets there (an
//!   empty `else`, the last lineage start's catcher, …).
//!
//! Only the top level: AWS forbids a Parallel branch or Map iteration to assign a variable its
//! enclosing scope assigns, so steps inside branches keep their own Fail and retry states.
//! Every construct here (variables in Choice rules, catchers, `SecondsPath`, `ErrorPath` and
//! `CausePath`) runs on AWS, on moto's interpreter and on `aslc run` alike (tests/py).

use crate::asl::model::*;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

pub const FAILED: &str = "Pipeline.Failed";
pub const RETRY: &str = "Pipeline.Retry";
pub const RETRY_WAIT: &str = "Pipeline.RetryWait";
pub const RETRY_DISPATCH: &str = "Pipeline.RetryDispatch";
pub const DONE: &str = "Pipeline.Done";

/// The variables `Pipeline.Failed` reads.
pub const FAILURE_ERROR: &str = "failure_error";
pub const FAILURE_CAUSE: &str = "failure_cause";
/// The step whose job failed, for the retry loop.
pub const RETRY_STEP: &str = "retry_step";
/// Seconds before the next attempt.
pub const RETRY_WAIT_SECONDS: &str = "retry_wait";

/// The `Assign` that says why the execution fails; no `cause` for a job's failure, whose cause
/// is in the state data.
pub fn failure(error: &str, cause: Option<&str>) -> Payload {
    let mut assign = Payload::new();
    assign.insert(FAILURE_ERROR.into(), json!(error));
    if let Some(c) = cause {
        assign.insert(FAILURE_CAUSE.into(), json!(c.replace('"', "'")));
    }
    assign
}

/// Where a failure goes, and what the rule or catcher routing it assigns on the way.
pub struct Route {
    pub next: String,
    pub assign: Option<Payload>,
}

impl Route {
    /// A Choice rule (without `Next`) that goes there.
    pub fn rule(&self, mut rule: Json) -> Json {
        // moto's interpreter drops the `Assign` of a rule that is a bare data test (`Variable`
        // and an operator) and keeps it on `And`/`Or`/`Not`: an `And` of one test means the same
        // everywhere.
        if self.assign.is_some() && rule.get("Variable").is_some() {
            rule = json!({ "And": [rule] });
        }
        if let Json::Object(m) = &mut rule {
            if let Some(a) = &self.assign {
                m.insert("Assign".into(), Json::Object(a.clone()));
            }
            m.insert("Next".into(), json!(self.next));
        }
        rule
    }
}

/// The shared states a pipeline's top level needs, gathered while it is lowered.
#[derive(Default)]
pub struct Hub {
    /// Some failure with a literal cause (`failure_cause`) goes to `Pipeline.Failed`.
    literal: bool,
    /// Each top-level step with job-level retries, and its rules in `Pipeline.Retry`.
    retried: Vec<(String, Vec<Json>)>,
    /// The attempt counters, zero before the first state that can fail.
    counters: Payload,
}

impl Hub {
    /// A failure routed to `Pipeline.Failed`.
    pub fn fail(&mut self, error: &str, cause: &str) -> Route {
        self.literal = true;
        Route {
            next: FAILED.into(),
            assign: Some(failure(error, Some(cause))),
        }
    }

    /// Take `step`'s job-level retries into the loop; its catcher's target.
    pub fn retry(&mut self, step: &str, rules: Vec<Json>, counters: Payload) -> String {
        self.retried.push((step.to_string(), rules));
        self.counters.extend(counters);
        RETRY.into()
    }

    /// The variables the top level starts with.
    pub fn counters(&self) -> Option<Payload> {
        (!self.counters.is_empty()).then(|| self.counters.clone())
    }

    pub fn states(self, out: &mut IndexMap<String, State>) {
        if let Some((last, _)) = self.retried.last() {
            let again = if self.retried.len() == 1 {
                last.clone()
            } else {
                RETRY_DISPATCH.into()
            };
            out.insert(
                RETRY.into(),
                State::Choice(Choice {
                    query_language: None,
                    comment: Some("Is this job failure one a retry policy of its step takes, with attempts left?".into()),
                    choices: self.retried.iter().flat_map(|(_, r)| r.clone()).collect(),
                    default: Some(FAILED.into()),
                }),
            );
            out.insert(
                RETRY_WAIT.into(),
                State::Wait(Wait {
                    seconds_path: format!("${RETRY_WAIT_SECONDS}"),
                    next: again,
                }),
            );
            if self.retried.len() > 1 {
                let (rest, _) = self.retried.split_at(self.retried.len() - 1);
                out.insert(
                    RETRY_DISPATCH.into(),
                    State::Choice(Choice {
                        query_language: None,
                        comment: Some("Back to the step whose job failed".into()),
                        choices: rest
                            .iter()
                            .map(|(s, _)| json!({"Variable": format!("${RETRY_STEP}"), "StringEquals": s, "Next": s}))
                            .collect(),
                        default: Some(last.clone()),
                    }),
                );
            }
        }
        if let Some(fail) = self.failed() {
            out.insert(FAILED.into(), State::Fail(fail));
        }
    }

    /// `Pipeline.Failed`, reading only what the routes to it set: a variable no state assigns is
    /// not named (whether AWS would accept that is not verified).
    fn failed(&self) -> Option<Fail> {
        let comment = Some("Why the pipeline failed was noted where the failure was caught".into());
        let job_cause = format!("{}.Cause", super::paths::FAILED_JOB);
        match (self.literal, !self.retried.is_empty()) {
            (false, false) => None,
            (true, false) => Some(Fail {
                comment,
                error_path: Some(format!("${FAILURE_ERROR}")),
                cause_path: Some(format!("${FAILURE_CAUSE}")),
                ..Fail::default()
            }),
            (false, true) => Some(Fail {
                comment,
                error: Some(super::job_retry::JOB_FAILED.into()),
                cause_path: Some(job_cause),
                ..Fail::default()
            }),
            (true, true) => Some(Fail {
                query_language: Some("JSONata"),
                comment,
                error: Some(format!("{{% ${FAILURE_ERROR} %}}")),
                cause: Some(format!(
                    "{{% $exists(${FAILURE_CAUSE}) ? ${FAILURE_CAUSE} : $states.input.{} %}}",
                    job_cause.trim_start_matches("$.")
                )),
                ..Fail::default()
            }),
        }
    }
}

/// One `Pipeline.Done` for the top level's Succeed states (all of them ends the lowering made);
/// returns the names it replaced.
pub fn share_done(states: &mut IndexMap<String, State>) -> Vec<String> {
    let done: Vec<String> = states
        .iter()
        .filter(|(_, s)| matches!(s, State::Succeed(_)))
        .map(|(n, _)| n.clone())
        .collect();
    if done.is_empty() {
        return done;
    }
    for n in &done {
        states.shift_remove(n);
    }
    for state in states.values_mut() {
        retarget(state, &done, DONE);
    }
    states.insert(DONE.into(), State::Succeed(Succeed::default()));
    done
}

/// Point every transition of `state` to one of `from` at `to` instead.
fn retarget(state: &mut State, from: &[String], to: &str) {
    let fix = |n: &mut String| {
        if from.contains(n) {
            *n = to.to_string();
        }
    };
    let next = |t: &mut Option<Transition>| {
        if let Some(Transition::Next(n)) = t {
            fix(n);
        }
    };
    match state {
        State::Pass(p) => next(&mut p.transition),
        State::Task(t) => {
            next(&mut t.transition);
            t.catch.iter_mut().for_each(|c| fix(&mut c.next));
        }
        State::Map(m) => {
            next(&mut m.transition);
            m.catch.iter_mut().for_each(|c| fix(&mut c.next));
        }
        State::Parallel(p) => next(&mut p.transition),
        State::Wait(w) => fix(&mut w.next),
        State::Choice(c) => {
            if let Some(d) = &mut c.default {
                fix(d);
            }
            for rule in &mut c.choices {
                if let Some(Json::String(n)) = rule.get_mut("Next") {
                    fix(n);
                }
            }
        }
        State::Succeed(_) | State::Fail(_) => {}
    }
}
