//! `top_model(Tune, k)`: the k-th best model of a tuning job, as SageMaker's
//! `get_top_model_s3_uri` gives it. After the tuning job, `<Tune>.RankJobs` lists its completed
//! training jobs sorted by the objective (best first) and `<Tune>.TopModels` makes each rank's
//! model location from the job name and the tuning job's output prefix.

use super::{paths, Cont};
use crate::asl::model::*;
use crate::check::{top_model_output, StepDef, StepIr};
use indexmap::IndexMap;
use serde_json::json;

/// The ranking states, continuing with `then`; returns the first.
pub fn states(
    s: &StepDef,
    ranks: &[u32],
    then: &Cont,
    out: &mut IndexMap<String, State>,
) -> String {
    let rank = format!("{}.RankJobs", s.name);
    let models = format!("{}.TopModels", s.name);
    let (order, glue) = match &s.body {
        StepIr::Tuning(t) => (
            if t.objective_type == "Minimize" {
                "Ascending"
            } else {
                "Descending"
            },
            // As the best model's location: no second `/` after a prefix that ends with one.
            if t.training.output.value.template_text().ends_with('/') {
                ""
            } else {
                "/"
            },
        ),
        _ => ("Descending", "/"),
    };
    let deepest = ranks.iter().max().copied().unwrap_or(0);
    let mut p = Payload::new();
    p.insert(
        "HyperParameterTuningJobName.$".into(),
        json!(paths::output(&s.name, "tuning_job_name")),
    );
    p.insert("StatusEquals".into(), json!("Completed"));
    p.insert("SortBy".into(), json!("FinalObjectiveMetricValue"));
    p.insert("SortOrder".into(), json!(order));
    p.insert("MaxResults".into(), json!(deepest + 1));
    let mut sel = Payload::new();
    sel.insert(
        "names.$".into(),
        json!("$.TrainingJobSummaries[*].TrainingJobName"),
    );
    out.insert(
        rank.clone(),
        State::Task(Task {
            comment: Some(format!("{}'s training jobs, best first", s.name)),
            resource:
                "arn:aws:states:::aws-sdk:sagemaker:listTrainingJobsForHyperParameterTuningJob"
                    .into(),
            parameters: p,
            result_selector: Some(sel),
            result_path: json!(paths::output(&s.name, "ranked")),
            transition: Some(Transition::Next(models.clone())),
            ..Task::default()
        }),
    );
    let prefix = paths::output(&s.name, "output_prefix");
    let names = paths::output(&s.name, "ranked.names");
    let mut m = Payload::new();
    for k in ranks {
        let key = top_model_output(*k);
        let field = key.trim_start_matches("top.");
        m.insert(
            format!("{field}.$"),
            json!(format!(
                "States.Format('{{}}{glue}{{}}/output/model.tar.gz', {prefix}, States.ArrayGetItem({names}, {k}))"
            )),
        );
    }
    out.insert(
        models.clone(),
        State::Pass(Pass {
            parameters: Some(m),
            result_path: Some(json!(paths::output(&s.name, "top"))),
            transition: then.transition(),
            ..Pass::default()
        }),
    );
    rank
}
