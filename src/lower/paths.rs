//! The state-data layout, decided here and nowhere else: `$.params` holds the parameters merged
//! with their defaults, `$.steps.<Step>` what each step's ResultSelector kept, and a property
//! file read for a condition is parsed under `$.steps.<Step>.<file>.json`.

use crate::check::{render_keys, ExecVar, Ref};

/// The key under which a property file's parsed content is kept, next to the step's outputs.
pub const FILE_CONTENT: &str = "json";

/// The key of a step in the state data: its name with `-` written `_`, so every path stays in
/// plain dot notation (intrinsic arguments and every interpreter read it). The checker refuses
/// two step names with the same key. Parameters keep their names (the execution input uses
/// them), which therefore cannot hold `-` (E049).
pub fn key(name: &str) -> String {
    name.replace('-', "_")
}

pub fn param(name: &str) -> String {
    format!("$.params.{name}")
}

/// Where a step's kept result lives.
pub fn results(step: &str) -> String {
    format!("$.steps.{}", key(step))
}

pub fn output(step: &str, output: &str) -> String {
    format!("{}.{output}", results(step))
}

/// The error of the last top-level job that failed, for the shared retry loop.
pub const FAILED_JOB: &str = "$.failed_job";

/// A step's job-level retry counters and last error.
pub fn retry(step: &str) -> String {
    format!("$.retry.{}", key(step))
}

/// The variable counting the attempts a top-level step's job-level retry policy made.
pub fn attempts_variable(step: &str, policy: &str) -> String {
    format!("attempts_{}_{}", key(step), key(policy))
}

/// A cached step's key and lookup result while it runs.
pub fn cache(step: &str) -> String {
    format!("$.cache.{}", key(step))
}

/// Where a step's unrecorded lineage is noted.
pub fn lineage_failure(step: &str) -> String {
    format!("$.lineage.failures.{}", key(step))
}

/// The JSONPath of a typed reference.
pub fn of(r: &Ref) -> String {
    match r {
        Ref::Param(p) => param(p),
        // SageMaker's execution id is the execution's own name: unique per state machine.
        Ref::Exec(ExecVar::Id) => "$$.Execution.Name".into(),
        Ref::Exec(ExecVar::Arn) => "$$.Execution.Id".into(),
        Ref::Exec(ExecVar::StartTime) => "$$.Execution.StartTime".into(),
        Ref::Exec(ExecVar::CurrentTime) => "$$.State.EnteredTime".into(),
        Ref::Exec(ExecVar::PipelineArn) => "$$.StateMachine.Id".into(),
        Ref::Item { foreach, keys } => format!("{}{}", item(foreach), render_keys(keys)),
        Ref::Output { step, output: o } => output(step, o),
        Ref::File { step, file, keys } => {
            format!("{}.{FILE_CONTENT}{}", output(step, file), render_keys(keys))
        }
        Ref::Json {
            step,
            output: o,
            keys,
        } => format!("{}{}", output(step, o), render_keys(keys)),
    }
}

/// A state a `foreach` adds around its iterations: `<Foreach>.Setup`, `<Foreach>.Result`.
pub fn foreach_state(step: &str, part: &str) -> String {
    format!("{step}.{part}")
}

/// A field name in a JSONata path, backtick-quoted: a step or parameter may be named like a
/// JSONata operator (`in`, `and`, `Inner`).
pub fn jsonata_field(name: &str) -> String {
    format!("`{}`", key(name))
}

/// Where an iteration keeps the item of `foreach` (the items of the foreach steps around it
/// too: a nested iteration reads both).
pub fn item(foreach: &str) -> String {
    format!("$.items.{}", key(foreach))
}

/// The Task that starts the lineage recorder after a step: `<Step>.Lineage`.
pub fn lineage_start(step: &str) -> String {
    format!("{step}.Lineage")
}

/// A state of a step's lineage recording: `<Step>.Lineage.<part>`.
pub fn lineage_state(step: &str, part: &str) -> String {
    format!("{step}.Lineage.{part}")
}

/// A state of a step's caching: `<Step>.Cache.<part>`.
pub fn cache_state(step: &str, part: &str) -> String {
    format!("{step}.Cache.{part}")
}

/// The Wait of a job-level retry policy: `<Step>.RetryWait.<policy>`.
pub fn retry_wait_state(step: &str, policy: &str) -> String {
    format!("{step}.RetryWait.{policy}")
}

/// The state that reads property file `step.file` for a `when` or `fail` step.
pub fn read_state(reader: &str, step: &str, file: &str) -> String {
    format!("{reader}.Read.{step}.{file}")
}

/// The Fail state for the `index`-th of `count` property files a step reads, when it is
/// missing or not JSON (its Cause names the file): `Gate.Unreadable`, or `Gate.Unreadable.2`.
pub fn unreadable_state(reader: &str, index: usize, count: usize) -> String {
    if count == 1 {
        format!("{reader}.Unreadable")
    } else {
        format!("{reader}.Unreadable.{}", index + 1)
    }
}

/// The Pass state after a Parallel that joins its branches' state data.
pub fn join_state(parallel: &str) -> String {
    format!("{parallel}.Join")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Key;

    #[test]
    fn references_become_paths_with_bracketed_odd_keys() {
        let r = Ref::File {
            step: "Evaluate".into(),
            file: "metrics".into(),
            keys: vec![
                Key::Field("classification_metrics".into()),
                Key::Field("auc-roc".into()),
                Key::Index(0),
            ],
        };
        assert_eq!(
            of(&r),
            "$.steps.Evaluate.metrics.json.classification_metrics['auc-roc'][0]"
        );
        assert_eq!(of(&Ref::Param("D".into())), "$.params.D");
    }
}
