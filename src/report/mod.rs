//! `aslc report`: the last nights of a pipeline at a glance, from execution histories. Per
//! execution: its status, duration and each step's time, attempts, cache use and failure; across
//! executions: each step's median, p90 and maximum, and its trend. Rendered for a terminal
//! (text), for machines (JSON, `schemas/report.schema.json`) and for people (HTML, SVG).
//!
//! Step Functions keeps a history per execution and nothing across them; CloudWatch has no
//! per-state metric. The histories are the data: the AWS CLI's output, read as it prints it.

mod fold;
mod history;
mod render;
mod stats;

pub use fold::{Folding, StepRun};
pub use history::Failure;
pub use render::{html, svg, text};
pub use stats::StepStats;

use serde::Serialize;

/// One history file's text, and its `describe-execution` when there is one.
pub struct Input {
    pub file: String,
    pub text: String,
    pub describe: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct Execution {
    pub name: String,
    pub file: String,
    /// RFC 3339, UTC.
    pub start: String,
    #[serde(skip)]
    pub started: f64,
    pub status: String,
    /// Seconds from start to end; to the last event when the execution has not ended.
    pub seconds: f64,
    pub steps: Vec<StepRun>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// A file the report could not use, or used with reservations.
#[derive(Serialize, Debug, Clone)]
pub struct Problem {
    pub file: String,
    pub message: String,
}

#[derive(Serialize, Debug)]
pub struct Report {
    pub version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    /// Oldest first.
    pub executions: Vec<Execution>,
    pub steps: Vec<StepStats>,
    pub problems: Vec<Problem>,
}

/// Build the report of the histories, keeping the `last` most recent executions.
pub fn build(inputs: &[Input], folding: Option<&Folding>, last: Option<usize>) -> Report {
    let mut problems = Vec::new();
    let mut executions = Vec::new();
    for input in inputs {
        let stem = std::path::Path::new(&input.file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        match history::read(&stem, &input.text, input.describe.as_deref()) {
            Ok(h) => {
                let mut problem = |message: String| {
                    problems.push(Problem {
                        file: input.file.clone(),
                        message,
                    })
                };
                for p in &h.problems {
                    problem(p.clone());
                }
                let steps = fold::runs(&h, folding);
                if let (Some(f), true) = (folding, steps.is_empty()) {
                    problem(format!(
                        "no state of pipeline `{}` appears: a history of another state machine?",
                        f.pipeline.as_deref().unwrap_or("?")
                    ));
                    continue;
                }
                executions.push(execution(&h, &input.file, steps));
            }
            Err(message) => problems.push(Problem {
                file: input.file.clone(),
                message,
            }),
        }
    }
    executions.sort_by(|a, b| a.started.total_cmp(&b.started).then(a.name.cmp(&b.name)));
    if let Some(n) = last {
        let drop = executions.len().saturating_sub(n);
        executions.drain(..drop);
    }
    let steps = stats::across(&executions, folding);
    Report {
        version: 1,
        pipeline: folding.and_then(|f| f.pipeline.clone()),
        executions,
        steps,
        problems,
    }
}

fn execution(h: &history::History, file: &str, steps: Vec<StepRun>) -> Execution {
    let last_event = h
        .visits
        .iter()
        .filter_map(|v| v.exited.or(Some(v.entered)))
        .fold(h.start, f64::max);
    let failing_step = steps
        .iter()
        .find(|s| s.failure.is_some())
        .map(|s| s.step.clone());
    Execution {
        name: h.name.clone(),
        file: file.to_string(),
        start: history::format_time(h.start),
        started: h.start,
        status: h.status.clone(),
        seconds: h.end.unwrap_or(last_event) - h.start,
        failure: h.failure.as_ref().map(|(state, error, cause)| Failure {
            step: failing_step.or_else(|| state.clone()),
            error: error.clone(),
            cause: cause.clone(),
        }),
        steps,
    }
}

/// `1h 02m`, `18m 00s`, `42s`: durations as a person reads them.
pub fn human(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}
