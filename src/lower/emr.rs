//! An `emr` step with `cluster_config`: `<Step>.CreateCluster` (`createCluster.sync`) keeps
//! the new cluster's id in the step's results, the step runs on it, and
//! `<Step>.TerminateCluster` ends it. When the step fails, `<Step>.TerminateOnFailure` ends the
//! cluster and `<Step>.Failed` fails the execution, as SageMaker's EMR step with a cluster
//! configuration does: with `EmrStepFailed` and a cause that starts with the step's own error
//! name. Re-raising the caught name through `ErrorPath` would raise `States.TaskFailed` from a
//! Fail state, a name the ASL specification reserves and LocalStack's interpreter refuses (the
//! same choice as the job-retry `GiveUp`).

use super::{paths, Cont};
use crate::asl::model::*;
use crate::check::{EmrCluster, StepDef, StepIr};
use crate::steps::emr::CLUSTER_ID;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

/// The error an execution fails with when the step on a created cluster fails.
pub const EMR_STEP_FAILED: &str = "EmrStepFailed";

/// The cluster configuration, when the step creates its cluster.
pub fn config(s: &StepDef) -> Option<&Json> {
    match &s.body {
        StepIr::Emr(e) => match &e.cluster {
            EmrCluster::Created(c) => Some(c),
            EmrCluster::Running(_) => None,
        },
        _ => None,
    }
}

pub fn create_state(step: &str) -> String {
    format!("{step}.CreateCluster")
}

/// `<Step>.CreateCluster`, going on to the step.
pub fn create(s: &StepDef, config: &Json, retry: Vec<Retrier>, out: &mut IndexMap<String, State>) {
    let mut p = Payload::new();
    if let Json::Object(m) = config {
        p.extend(m.clone());
    }
    p.insert("Name".into(), json!(s.name));
    // The cluster waits for its step; `<Step>.TerminateCluster` ends it.
    if let Some(Json::Object(i)) = p.get_mut("Instances") {
        i.insert("KeepJobFlowAliveWhenNoSteps".into(), json!(true));
    }
    let mut sel = Payload::new();
    sel.insert(format!("{CLUSTER_ID}.$"), json!("$.ClusterId"));
    out.insert(
        create_state(&s.name),
        State::Task(Task {
            comment: Some(format!("The cluster {} runs on, created for it", s.name)),
            resource: "arn:aws:states:::elasticmapreduce:createCluster.sync".into(),
            parameters: p,
            result_selector: Some(sel),
            result_path: json!(paths::results(&s.name)),
            retry,
            transition: Some(Transition::Next(s.name.clone())),
            ..Task::default()
        }),
    );
}

/// `<Step>.TerminateCluster` after the step, going on with `then`; returns its name.
pub fn terminate(s: &StepDef, then: &Cont, out: &mut IndexMap<String, State>) -> String {
    let name = format!("{}.TerminateCluster", s.name);
    out.insert(name.clone(), terminate_task(&s.name, then.transition()));
    name
}

/// The catcher of the step: terminate, then fail with the step's error.
pub fn catcher(s: &StepDef, out: &mut IndexMap<String, State>) -> Catcher {
    let on_failure = format!("{}.TerminateOnFailure", s.name);
    let failed = format!("{}.Failed", s.name);
    let error = paths::output(&s.name, "error");
    out.insert(
        on_failure.clone(),
        terminate_task(&s.name, Some(Transition::Next(failed.clone()))),
    );
    out.insert(
        failed,
        State::Fail(Fail {
            query_language: None,
            comment: Some(format!(
                "{}'s EMR step failed; its cluster is terminated",
                s.name
            )),
            error: Some(EMR_STEP_FAILED.into()),
            cause: None,
            error_path: None,
            cause_path: Some(format!(
                "States.Format('{{}}: {{}}', {error}.Error, {error}.Cause)"
            )),
        }),
    );
    Catcher {
        error_equals: vec!["States.ALL".into()],
        result_path: json!(error),
        next: on_failure,
        ..Catcher::default()
    }
}

fn terminate_task(step: &str, transition: Option<Transition>) -> State {
    let mut p = Payload::new();
    p.insert("ClusterId.$".into(), json!(paths::output(step, CLUSTER_ID)));
    State::Task(Task {
        resource: "arn:aws:states:::elasticmapreduce:terminateCluster.sync".into(),
        parameters: p,
        result_path: Json::Null,
        transition,
        ..Task::default()
    })
}
