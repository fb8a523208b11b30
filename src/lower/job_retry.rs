//! Job-level retries (`sagemaker.capacity_error`, `sagemaker.job_internal_error`): a `.sync` job
//! that started and failed surfaces as `States.TaskFailed` whatever its `FailureReason`, so a
//! native Retry cannot tell a capacity shortage from a bug in the training script. Instead:
//!
//! `<Step>` —Catch States.TaskFailed→ `<Step>.Retry.Classify` (match the Cause text per policy,
//! attempts left?) → `<Step>.Retry.<policy>` (count, pick the wait) → `<Step>.RetryWait.<policy>`
//! → `<Step>` again, which starts a new job under a fresh name. Anything else →
//! `<Step>.Retry.GiveUp`, failing with `JobFailed` and the job's cause.
//!
//! That is the shape inside a Parallel branch or Map iteration. At the top level the loop is
//! shared by every step (`hub.rs`), its counters kept in variables.

use super::hub::{self, Hub};
use super::paths;
use super::retry::max_attempts;
use crate::asl::model::*;
use crate::check::{Policy, RetryClass, StepDef};
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

/// The text a job's `FailureReason` (inside the Cause) starts with, per class.
fn pattern(class: RetryClass) -> Option<&'static str> {
    match class {
        RetryClass::CapacityError => Some("*CapacityError*"),
        RetryClass::JobInternalError => Some("*InternalServerError*"),
        _ => None,
    }
}

/// The error a job step fails the execution with once its job-level retries give up.
pub const JOB_FAILED: &str = "JobFailed";

pub struct Plan<'a> {
    step: &'a str,
    /// (policy, Cause patterns, attempts, waits in seconds per attempt).
    policies: Vec<(&'a Policy, Vec<&'static str>, u64, Vec<u64>)>,
}

/// The job-level retry plan of a step, when it has one.
pub fn plan<'a>(s: &'a StepDef, policies: &[&'a Policy]) -> Option<Plan<'a>> {
    let job = crate::steps::kind(&s.body)?.job()?;
    let mut out = Vec::new();
    for p in policies {
        let patterns: Vec<&'static str> = p
            .classes
            .iter()
            .filter(|c| job.retries_internal_errors || **c != RetryClass::JobInternalError)
            .filter_map(|c| pattern(*c))
            .collect();
        if patterns.is_empty() {
            continue;
        }
        let attempts = max_attempts(p);
        let waits = (0..attempts)
            .map(|k| {
                ((p.interval_seconds as f64) * p.backoff.powi(k as i32))
                    .ceil()
                    .min(99_999_999.0) as u64
            })
            .collect();
        out.push((*p, patterns, attempts, waits));
    }
    (!out.is_empty()).then_some(Plan {
        step: &s.name,
        policies: out,
    })
}

impl Plan<'_> {
    /// The counters this plan keeps in `$.retry.<Step>`, set up before the first step.
    pub fn counters(&self) -> Json {
        let m: serde_json::Map<String, Json> = self
            .policies
            .iter()
            .map(|(p, ..)| (p.name.clone(), json!({ "attempt": 0, "wait": 0 })))
            .collect();
        Json::Object(m)
    }

    pub fn catcher(&self) -> Catcher {
        Catcher {
            error_equals: vec!["States.TaskFailed".into()],
            result_path: json!(format!("{}.error", paths::retry(self.step))),
            next: format!("{}.Retry.Classify", self.step),
            ..Catcher::default()
        }
    }

    /// Take this step into the top level's shared retry loop: its rules there, its counters,
    /// and the catcher that goes to it, noting the step and the job's cause.
    pub fn join(&self, hub: &mut Hub) -> Catcher {
        let s = self.step;
        let step_is = json!({ "Variable": format!("${}", hub::RETRY_STEP), "StringEquals": s });
        // The cause is in the state data (`hub.rs` says why).
        let cause = format!("{}.Cause", paths::FAILED_JOB);
        let mut rules = Vec::new();
        let mut counters = Payload::new();
        for (p, patterns, attempts, waits) in &self.policies {
            let counter = paths::attempts_variable(s, &p.name);
            counters.insert(counter.clone(), json!(0));
            let (count, wait) = next_attempt(&format!("${counter}"), waits);
            let mut assign = Payload::new();
            assign.insert(format!("{counter}.$"), json!(count));
            assign.insert(format!("{}.$", hub::RETRY_WAIT_SECONDS), json!(wait));
            rules.push(json!({
                "And": [
                    step_is,
                    matching(patterns, &cause),
                    { "Variable": format!("${counter}"), "NumericLessThan": attempts },
                ],
                "Assign": assign,
                "Next": hub::RETRY_WAIT,
            }));
        }
        let mut assign = hub::failure(JOB_FAILED, None);
        assign.insert(hub::RETRY_STEP.into(), json!(s));
        Catcher {
            error_equals: vec!["States.TaskFailed".into()],
            result_path: json!(paths::FAILED_JOB),
            assign: Some(assign),
            next: hub.retry(s, rules, counters),
        }
    }

    pub fn states(&self, out: &mut IndexMap<String, State>) {
        let s = self.step;
        let slot = paths::retry(s);
        let cause = format!("{slot}.error.Cause");
        let give_up = format!("{s}.Retry.GiveUp");
        let mut rules = Vec::new();
        for (p, patterns, attempts, _) in &self.policies {
            rules.push(json!({
                "And": [matching(patterns, &cause), { "Variable": format!("{slot}.{}.attempt", p.name), "NumericLessThan": attempts }],
                "Next": format!("{s}.Retry.{}", p.name),
            }));
        }
        out.insert(
            format!("{s}.Retry.Classify"),
            State::Choice(Choice {
                query_language: None,
                comment: Some(format!("Is this failure of {s} worth another job?")),
                choices: rules,
                default: Some(give_up.clone()),
            }),
        );
        for (p, _, _, waits) in &self.policies {
            let counter = format!("{slot}.{}", p.name);
            let (count, wait) = next_attempt(&format!("{counter}.attempt"), waits);
            let mut params = Payload::new();
            params.insert("attempt.$".into(), json!(count));
            params.insert("wait.$".into(), json!(wait));
            let wait = paths::retry_wait_state(s, &p.name);
            out.insert(
                format!("{s}.Retry.{}", p.name),
                State::Pass(Pass {
                    parameters: Some(params),
                    result_path: Some(json!(counter)),
                    transition: Some(Transition::Next(wait.clone())),
                    ..Pass::default()
                }),
            );
            out.insert(
                wait,
                State::Wait(Wait {
                    seconds_path: format!("{counter}.wait"),
                    next: s.to_string(),
                }),
            );
        }
        // The caught error is always `States.TaskFailed`; a Fail may not raise a `States.` name
        // (ASL: "MUST NOT begin with the prefix `States.`"), and LocalStack's interpreter
        // refuses it at run time. The job's own failure stays visible as the Cause.
        out.insert(
            give_up,
            State::Fail(Fail {
                query_language: None,
                comment: Some(format!(
                    "{s}'s job failed (States.TaskFailed) and no retry policy takes it again"
                )),
                error: Some(JOB_FAILED.into()),
                cause: None,
                error_path: None,
                cause_path: Some(cause),
            }),
        );
    }
}

/// The intrinsic calls that count an attempt and pick its wait from the policy's schedule, for
/// the counter at `counter` (a path or a variable).
fn next_attempt(counter: &str, waits: &[u64]) -> (String, String) {
    let schedule = waits
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    (
        format!("States.MathAdd({counter}, 1)"),
        format!("States.ArrayGetItem(States.Array({schedule}), {counter})"),
    )
}

/// A rule that the cause at `cause` matches one of `patterns`.
fn matching(patterns: &[&str], cause: &str) -> Json {
    let matches: Vec<Json> = patterns
        .iter()
        .map(|pat| json!({ "Variable": cause, "StringMatches": pat }))
        .collect();
    if matches.len() == 1 {
        matches[0].clone()
    } else {
        json!({ "Or": matches })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Instance, Io, StepIr, Training, Tuning, Val};
    use crate::syntax::ast::StepKind;

    fn policy(classes: Vec<RetryClass>, max_attempts: Option<u32>, expire: Option<u64>) -> Policy {
        Policy {
            name: "transient".into(),
            classes,
            interval_seconds: 60,
            backoff: 2.0,
            max_attempts,
            expire_after_seconds: expire,
        }
    }

    fn step(tuning: bool) -> StepDef {
        let training = Training {
            image: Val::str("img"),
            instance: Instance {
                ty: Val::str("ml.m5.xlarge"),
                count: Val::Lit(1.into()),
            },
            volume_gb: Val::Lit(30.into()),
            max_runtime: Val::Lit(3600.into()),
            input_mode: "File",
            channels: vec![],
            output: Io {
                name: "model".into(),
                value: Val::str("s3://b/m/"),
                local: None,
                options: Default::default(),
                default_location: false,
            },
            hyperparameters: vec![],
            environment: vec![],
        };
        let body = if tuning {
            StepIr::Tuning(Tuning {
                training,
                objective_type: "Maximize",
                objective_metric: "auc".into(),
                strategy: "Bayesian",
                max_jobs: 1,
                max_parallel: 1,
                ranges: vec![],
                early_stopping: None,
                warm_start: None,
            })
        } else {
            StepIr::Training(training)
        };
        StepDef {
            name: "Train".into(),
            span: Default::default(),
            kind: StepKind::Training,
            retry: vec![],
            cache: None,
            uses: vec![],
            body,
        }
    }

    #[test]
    fn waits_follow_the_backoff_and_attempts_the_limit() {
        let p = policy(vec![RetryClass::CapacityError], Some(3), None);
        let s = step(false);
        let plan = plan(&s, &[&p]).expect("plan");
        assert_eq!(plan.policies[0].2, 3);
        assert_eq!(plan.policies[0].3, vec![60, 120, 240]);
        // A time budget of 10 minutes fits 60 + 120 + 240 seconds of waiting.
        let p = policy(vec![RetryClass::CapacityError], None, Some(600));
        assert_eq!(plan_of(&s, &p).policies[0].2, 3);
    }

    fn plan_of<'a>(s: &'a StepDef, p: &'a Policy) -> Plan<'a> {
        plan(s, &[p]).expect("plan")
    }

    #[test]
    fn api_classes_and_tuning_internal_errors_get_no_loop() {
        let api = policy(
            vec![RetryClass::Throttling, RetryClass::ServiceFault],
            Some(5),
            None,
        );
        assert!(plan(&step(false), &[&api]).is_none());
        let internal = policy(vec![RetryClass::JobInternalError], Some(3), None);
        assert!(
            plan(&step(true), &[&internal]).is_none(),
            "tuning jobs are not retried on internal errors"
        );
        assert!(plan(&step(false), &[&internal]).is_some());
    }
}
