//! Which step each state belongs to. With the pipeline's sidecar (or the pipeline itself,
//! compiled in memory), a step's cache lookups, property-file reads, retry loop and lineage
//! states fold into the step; without it, every state is its own row.

use super::history::{Failure, History};
use crate::lineage::Sidecar;
use crate::lower::paths;

/// A step and the states it lowers to.
#[derive(Clone, Debug)]
pub struct StepStates {
    pub step: String,
    /// The state that runs its job (whose `TaskScheduled` events are its attempts).
    pub main: String,
    pub states: Vec<String>,
    pub cached: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Folding {
    pub pipeline: Option<String>,
    pub steps: Vec<StepStates>,
}

impl Folding {
    pub fn from_sidecar(s: &Sidecar) -> Folding {
        let steps = s
            .nodes
            .iter()
            .filter(|n| matches!(n.kind.as_str(), "step" | "condition"))
            .filter_map(|n| {
                let main = n.state.clone()?;
                let step = n.id.strip_prefix("step:").unwrap_or(&n.id).to_string();
                let mut states = n.states.clone();
                if states.is_empty() {
                    states.push(main.clone());
                }
                Some(StepStates {
                    cached: n.attributes.contains_key("cache"),
                    step,
                    main,
                    states,
                })
            })
            .collect();
        Folding {
            pipeline: Some(s.pipeline.clone()),
            steps,
        }
    }

    /// No pipeline: every state visited is a step of its own, in the order first entered.
    fn each_state(h: &History) -> Vec<StepStates> {
        let mut out: Vec<StepStates> = Vec::new();
        for v in &h.visits {
            if !out.iter().any(|s| s.step == v.state) {
                out.push(StepStates {
                    step: v.state.clone(),
                    main: v.state.clone(),
                    states: vec![v.state.clone()],
                    cached: false,
                });
            }
        }
        out
    }
}

/// What one step did in one execution.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StepRun {
    pub step: String,
    /// Seconds after the execution started.
    pub start: f64,
    pub seconds: f64,
    pub attempts: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// Each step's run in the execution, in the folding's order (steps that did not run are left out).
pub fn runs(h: &History, folding: Option<&Folding>) -> Vec<StepRun> {
    let own;
    let steps = match folding {
        Some(f) => &f.steps,
        None => {
            own = Folding::each_state(h);
            &own
        }
    };
    let failed_in = failed_in(h, steps);
    let mut out: Vec<StepRun> = steps.iter().filter_map(|s| run(h, s, failed_in)).collect();
    out.sort_by(|a, b| a.start.total_cmp(&b.start));
    out
}

/// The state an execution failed in, as a step's: a failure in a state no step owns (the top
/// level's shared `Pipeline.Failed` or retry loop) is the failure of the last step entered
/// before it.
fn failed_in<'h>(h: &'h History, steps: &[StepStates]) -> Option<&'h str> {
    let owned = |state: &str| steps.iter().any(|s| s.states.iter().any(|x| x == state));
    let here = h.failure.as_ref()?.0.as_deref()?;
    if owned(here) {
        return Some(here);
    }
    h.visits
        .iter()
        .rev()
        .map(|v| v.state.as_str())
        .find(|state| owned(state))
}

fn run(h: &History, s: &StepStates, failed_in: Option<&str>) -> Option<StepRun> {
    let visits: Vec<_> = h
        .visits
        .iter()
        .filter(|v| s.states.contains(&v.state))
        .collect();
    let first = visits.iter().map(|v| v.entered).min_by(f64::total_cmp)?;
    let last = visits
        .iter()
        .map(|v| v.exited.unwrap_or(h.end.unwrap_or(v.entered)))
        .max_by(f64::total_cmp)
        .unwrap_or(first);
    let entered = |name: &str| visits.iter().any(|v| v.state == name);
    // A hit goes on without running the step's own state.
    let cache = (s.cached && entered(&paths::cache_state(&s.step, "Lookup"))).then(|| {
        if entered(&s.main) {
            "miss"
        } else {
            "hit"
        }
    });
    let failure = h.failure.as_ref().and_then(|(_, error, cause)| {
        let here = failed_in?;
        s.states.iter().any(|x| x == here).then(|| Failure {
            step: None,
            error: error.clone(),
            cause: cause.clone(),
        })
    });
    Some(StepRun {
        step: s.step.clone(),
        start: first - h.start,
        seconds: last - first,
        attempts: h.scheduled.iter().filter(|(st, _)| *st == s.main).count(),
        cache,
        failure,
    })
}
