//! `transform`: a SageMaker batch transform job (`createTransformJob.sync`) running a model a
//! `create_model` step made.

use super::*;
use crate::check::{Ref, Transform};
use crate::lower::values::put_str;

const JOB: Job = Job {
    api: "TransformJob",
    resource: "transform-job",
    rule: "StepFunctionsGetEventsForSageMakerTransformJobsRule",
    retries_internal_errors: true,
};

impl Kind for Transform {
    fn job(&self) -> Option<Job> {
        Some(JOB)
    }

    fn request(&self, step: &str, _cx: &Cx) -> Request {
        let mut r = JOB.request();
        let p = &mut r.parameters;
        p.insert("TransformJobName.$".into(), job_name(&job_prefix(step)));
        put(p, "ModelName", &self.model);
        p.insert(
            "TransformInput".into(),
            with(|m| {
                m.insert(
                    "DataSource".into(),
                    obj(vec![(
                        "S3DataSource",
                        with(|s| {
                            put_str(s, "S3DataType", "S3Prefix");
                            put(s, "S3Uri", &self.input.value);
                        }),
                    )]),
                );
                if let Some(ct) = &self.content_type {
                    put(m, "ContentType", ct);
                }
                if let Some(st) = self.split_type {
                    put_str(m, "SplitType", st);
                }
            }),
        );
        p.insert(
            "TransformOutput".into(),
            with(|m| {
                put(m, "S3OutputPath", &self.output.value);
                if let Some(a) = &self.accept {
                    put(m, "Accept", a);
                }
                if let Some(a) = self.assemble_with {
                    put_str(m, "AssembleWith", a);
                }
            }),
        );
        if let Some(mb) = self.max_payload_mb {
            p.insert("MaxPayloadInMB".into(), json!(mb));
        }
        if let Some(b) = self.batch_strategy {
            put_str(p, "BatchStrategy", b);
        }
        if self.input_filter.is_some() || self.output_filter.is_some() || self.join_source.is_some()
        {
            p.insert(
                "DataProcessing".into(),
                with(|m| {
                    if let Some(f) = &self.input_filter {
                        put_str(m, "InputFilter", f);
                    }
                    if let Some(f) = &self.output_filter {
                        put_str(m, "OutputFilter", f);
                    }
                    if let Some(j) = self.join_source {
                        put_str(m, "JoinSource", j);
                    }
                }),
            );
        }
        p.insert(
            "TransformResources".into(),
            with(|m| {
                put(m, "InstanceCount", &self.instance.count);
                put(m, "InstanceType", &self.instance.ty);
            }),
        );
        r.outputs = vec![
            (
                self.output.name.clone(),
                "$.TransformOutput.S3OutputPath".into(),
            ),
            ("job_arn".into(), "$.TransformJobArn".into()),
        ];
        r.always = &["job_arn"];
        r.timeout = self.max_runtime;
        r
    }

    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant> {
        job_grants(JOB, &job_prefix(step), cx)
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.model, &self.input.value, &self.output.value];
        v.extend(&self.content_type);
        v.extend(&self.accept);
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        Lineage {
            action: "TransformJob",
            source: Val::Ref(Ref::output(step, "job_arn")),
            artifacts: self
                .model_step
                .iter()
                // The model the create_model step recorded, by its ARN.
                .map(|m| {
                    Artifact::input(&Val::Ref(Ref::output(m, "model_arn")), ArtifactKind::Model)
                })
                .chain([
                    Artifact::input(&self.input.value, ArtifactKind::DataSet),
                    Artifact::output(
                        step,
                        &self.output.name,
                        ArtifactKind::DataSet,
                        self.output.value.template_text(),
                    ),
                ])
                .collect(),
        }
    }
}
