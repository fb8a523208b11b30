//! `tuning`: a SageMaker hyperparameter tuning job (`createHyperParameterTuningJob.sync`).

use super::*;
use crate::check::{RangeKind, Tuning};
use crate::lower::values::put_str;

const JOB: Job = Job {
    api: "HyperParameterTuningJob",
    resource: "hyper-parameter-tuning-job",
    rule: "StepFunctionsGetEventsForSageMakerTuningJobsRule",
    // As in SageMaker Pipelines: a tuning job is not retried on internal errors.
    retries_internal_errors: false,
};

/// Tuning job names are limited to 32 characters: a prefix of at most 19 and 12 random hex
/// digits (the last group of a UUID).
fn prefix(step: &str) -> String {
    prefix_of(step, 19)
}

impl Kind for Tuning {
    fn job(&self) -> Option<Job> {
        Some(JOB)
    }

    fn name_prefix(&self, step: &str) -> Option<String> {
        Some(prefix(step))
    }

    fn request(&self, step: &str, cx: &Cx) -> Request {
        let mut r = JOB.request();
        r.parameters.insert(
            "HyperParameterTuningJobName.$".into(),
            Json::String(format!(
                "States.Format('{}-{{}}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 4))",
                prefix(step)
            )),
        );
        let (mut cont, mut int, mut cat) = (Vec::new(), Vec::new(), Vec::new());
        for range in &self.ranges {
            let numeric = |a: &str, b: &str| {
                let mut r = json!({"Name": range.name, "MinValue": a, "MaxValue": b});
                if let Some(s) = range.scaling {
                    r["ScalingType"] = json!(s);
                }
                r
            };
            match &range.kind {
                RangeKind::Continuous(a, b) => cont.push(numeric(a, b)),
                RangeKind::Integer(a, b) => int.push(numeric(a, b)),
                RangeKind::Categorical(v) => cat.push(json!({"Name": range.name, "Values": v})),
            }
        }
        r.parameters.insert(
            "HyperParameterTuningJobConfig".into(),
            json!({
                "Strategy": self.strategy,
                "HyperParameterTuningJobObjective": {"Type": self.objective_type, "MetricName": self.objective_metric},
                "ResourceLimits": {"MaxNumberOfTrainingJobs": self.max_jobs, "MaxParallelTrainingJobs": self.max_parallel},
                "ParameterRanges": {
                    "ContinuousParameterRanges": cont,
                    "IntegerParameterRanges": int,
                    "CategoricalParameterRanges": cat,
                },
            }),
        );
        if let Some(e) = self.early_stopping {
            r.parameters["HyperParameterTuningJobConfig"]["TrainingJobEarlyStoppingType"] =
                json!(e);
        }
        if let Some((parents, kind)) = &self.warm_start {
            r.parameters.insert(
                "WarmStartConfig".into(),
                with(|w| {
                    let jobs: Vec<Json> = parents
                        .iter()
                        .map(|p| with(|j| put(j, "HyperParameterTuningJobName", p)))
                        .collect();
                    w.insert("ParentHyperParameterTuningJobs".into(), Json::Array(jobs));
                    w.insert("WarmStartType".into(), json!(kind));
                }),
            );
        }
        let mut def = Payload::new();
        put_str(&mut def, "RoleArn", cx.role);
        training::definition(&mut def, &self.training, "StaticHyperParameters");
        r.parameters
            .insert("TrainingJobDefinition".into(), Json::Object(def));
        let glue = if matches!(&self.training.output.value, Val::Lit(Json::String(s)) if s.ends_with('/'))
        {
            ""
        } else {
            "/"
        };
        r.outputs = vec![
            ("best_training_job".into(), "$.BestTrainingJob.TrainingJobName".into()),
            (
                "model_artifacts".into(),
                format!("States.Format('{{}}{glue}{{}}/output/model.tar.gz', $.TrainingJobDefinition.OutputDataConfig.S3OutputPath, $.BestTrainingJob.TrainingJobName)"),
            ),
            (self.training.output.name.clone(), "$.TrainingJobDefinition.OutputDataConfig.S3OutputPath".into()),
            ("job_arn".into(), "$.HyperParameterTuningJobArn".into()),
            // What `top_model(Tune, k)` builds the k-th best model's location from.
            ("output_prefix".into(), "$.TrainingJobDefinition.OutputDataConfig.S3OutputPath".into()),
            ("tuning_job_name".into(), "$.HyperParameterTuningJobName".into()),
        ];
        r.always = &["job_arn"];
        r
    }

    /// Its training jobs are started by SageMaker itself, not by this role.
    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant> {
        let mut g = job_grants(JOB, &prefix(step), cx);
        g.extend(pass_role(cx));
        g
    }

    fn values(&self) -> Vec<&Val> {
        training::values(&self.training)
    }

    fn lineage(&self, step: &str) -> Lineage {
        training::lineage(&self.training, step, "HyperParameterTuningJob")
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        training::attributes(&self.training)
    }
}
