//! `training`: a SageMaker Training job (`createTrainingJob.sync`). Tuning steps share the
//! training definition built here.

use super::*;
use crate::check::{Ref, Training};
use crate::lower::values::put_str;

const JOB: Job = Job {
    api: "TrainingJob",
    resource: "training-job",
    rule: "StepFunctionsGetEventsForSageMakerTrainingJobsRule",
    retries_internal_errors: true,
};

impl Kind for Training {
    fn job(&self) -> Option<Job> {
        Some(JOB)
    }

    fn request(&self, step: &str, cx: &Cx) -> Request {
        let mut r = JOB.request();
        r.parameters
            .insert("TrainingJobName.$".into(), job_name(&job_prefix(step)));
        put_str(&mut r.parameters, "RoleArn", cx.role);
        definition(&mut r.parameters, self, "HyperParameters");
        r.outputs = vec![
            (
                "model_artifacts".into(),
                "$.ModelArtifacts.S3ModelArtifacts".into(),
            ),
            ("job_name".into(), "$.TrainingJobName".into()),
            (
                self.output.name.clone(),
                "$.OutputDataConfig.S3OutputPath".into(),
            ),
            ("job_arn".into(), "$.TrainingJobArn".into()),
        ];
        r.always = &["job_arn"];
        r
    }

    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant> {
        let mut g = job_grants(JOB, &job_prefix(step), cx);
        g.extend(pass_role(cx));
        g
    }

    fn values(&self) -> Vec<&Val> {
        values(self)
    }

    fn lineage(&self, step: &str) -> Lineage {
        lineage(self, step, "TrainingJob")
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        attributes(self)
    }
}

/// Channels in, model artifacts out: the same for a training job and a tuning job's best job.
pub(super) fn lineage(t: &Training, step: &str, action: &'static str) -> Lineage {
    let mut artifacts: Vec<Artifact> = t
        .channels
        .iter()
        .map(|c| Artifact::input(&c.value, ArtifactKind::DataSet))
        .collect();
    let prefix = t.output.value.template_text();
    let declared = format!(
        "{}/{{{step}.job_name}}/output/model.tar.gz",
        prefix.trim_end_matches('/')
    );
    artifacts.push(Artifact::output(
        step,
        "model_artifacts",
        ArtifactKind::Model,
        declared,
    ));
    Lineage {
        action,
        source: Val::Ref(Ref::output(step, "job_arn")),
        artifacts,
    }
}

pub(super) fn values(t: &Training) -> Vec<&Val> {
    let mut v = vec![&t.image, &t.output.value];
    v.extend(t.channels.iter().map(|n| &n.value));
    v.extend(t.environment.iter().map(|n| &n.value));
    v.extend(t.hyperparameters.iter().map(|(_, v)| v));
    v
}

pub(super) fn attributes(t: &Training) -> serde_json::Map<String, Json> {
    let mut a = serde_json::Map::new();
    a.insert("image".into(), text(&t.image));
    let hp = t
        .hyperparameters
        .iter()
        .map(|(k, v)| (k.clone(), text(v)))
        .collect();
    a.insert("hyperparameters".into(), Json::Object(hp));
    a
}

/// The parts of a training request shared by training and tuning steps.
pub(super) fn definition(p: &mut Payload, t: &Training, hyper_key: &str) {
    p.insert(
        "AlgorithmSpecification".into(),
        with(|m| {
            put(m, "TrainingImage", &t.image);
            put_str(m, "TrainingInputMode", t.input_mode);
        }),
    );
    if !t.channels.is_empty() {
        let channels = t
            .channels
            .iter()
            .map(|c| {
                with(|m| {
                    let o = &c.options;
                    put_str(m, "ChannelName", &c.name);
                    m.insert(
                        "DataSource".into(),
                        obj(vec![(
                            "S3DataSource",
                            with(|s| {
                                put_str(s, "S3DataType", o.data_type.unwrap_or("S3Prefix"));
                                put(s, "S3Uri", &c.value);
                                put_str(
                                    s,
                                    "S3DataDistributionType",
                                    o.distribution.unwrap_or("FullyReplicated"),
                                );
                            }),
                        )]),
                    );
                    if let Some(ct) = &o.content_type {
                        put(m, "ContentType", ct);
                    }
                    if let Some(c) = o.compression {
                        put_str(m, "CompressionType", c);
                    }
                    if let Some(mode) = o.input_mode {
                        put_str(m, "InputMode", mode);
                    }
                })
            })
            .collect();
        p.insert("InputDataConfig".into(), Json::Array(channels));
    }
    p.insert(
        "OutputDataConfig".into(),
        with(|m| put(m, "S3OutputPath", &t.output.value)),
    );
    p.insert(
        "ResourceConfig".into(),
        resources(&t.instance, &t.volume_gb),
    );
    p.insert(
        "StoppingCondition".into(),
        with(|m| put(m, "MaxRuntimeInSeconds", &t.max_runtime)),
    );
    if !t.hyperparameters.is_empty() {
        p.insert(
            hyper_key.into(),
            with(|m| t.hyperparameters.iter().for_each(|(k, v)| put(m, k, v))),
        );
    }
    env(p, &t.environment);
}
