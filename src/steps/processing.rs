//! `processing`: a SageMaker Processing job (`createProcessingJob.sync`).

use super::*;
use crate::check::{Io, IoOptions, Processing};
use crate::lower::values::put_str;

const JOB: Job = Job {
    api: "ProcessingJob",
    resource: "processing-job",
    rule: "StepFunctionsGetEventsForSageMakerProcessingJobsRule",
    retries_internal_errors: true,
};

/// Where the SageMaker SDK mounts inputs, outputs and code.
fn input_path(name: &str) -> String {
    format!("/opt/ml/processing/input/{name}")
}

fn output_path(name: &str) -> String {
    format!("/opt/ml/processing/output/{name}")
}

fn s3_input(name: &str, uri: &Val, local: &str, o: &IoOptions) -> Json {
    with(|m| {
        put_str(m, "InputName", name);
        m.insert(
            "S3Input".into(),
            with(|s| {
                put(s, "S3Uri", uri);
                put_str(s, "LocalPath", local);
                put_str(s, "S3DataType", o.data_type.unwrap_or("S3Prefix"));
                put_str(s, "S3InputMode", o.input_mode.unwrap_or("File"));
                if let Some(d) = o.distribution {
                    put_str(s, "S3DataDistributionType", d);
                }
                if let Some(c) = o.compression {
                    put_str(s, "S3CompressionType", c);
                }
            }),
        );
    })
}

fn s3_output(n: &Io) -> Json {
    with(|m| {
        put_str(m, "OutputName", &n.name);
        m.insert(
            "S3Output".into(),
            with(|s| {
                put(s, "S3Uri", &n.value);
                let local = n.local.clone().unwrap_or_else(|| output_path(&n.name));
                put_str(s, "LocalPath", &local);
                put_str(
                    s,
                    "S3UploadMode",
                    n.options.upload_mode.unwrap_or("EndOfJob"),
                );
            }),
        );
    })
}

impl Kind for Processing {
    fn job(&self) -> Option<Job> {
        Some(JOB)
    }

    fn request(&self, step: &str, cx: &Cx) -> Request {
        let mut r = JOB.request();
        let p = &mut r.parameters;
        p.insert("ProcessingJobName.$".into(), job_name(&job_prefix(step)));
        put_str(p, "RoleArn", cx.role);
        p.insert(
            "AppSpecification".into(),
            with(|m| {
                put(m, "ImageUri", &self.image);
                if !self.entrypoint.is_empty() {
                    m.insert("ContainerEntrypoint".into(), json!(self.entrypoint));
                }
                if !self.arguments.is_empty() {
                    string_list(m, "ContainerArguments", &self.arguments);
                }
            }),
        );
        p.insert(
            "ProcessingResources".into(),
            obj(vec![(
                "ClusterConfig",
                resources(&self.instance, &self.volume_gb),
            )]),
        );
        let mut ins: Vec<Json> = self
            .inputs
            .iter()
            .map(|n| {
                let local = n.local.clone().unwrap_or_else(|| input_path(&n.name));
                s3_input(&n.name, &n.value, &local, &n.options)
            })
            .collect();
        if let Some(code) = &self.code {
            ins.push(s3_input(
                "code",
                code,
                &input_path("code"),
                &IoOptions::default(),
            ));
        }
        if !ins.is_empty() {
            p.insert("ProcessingInputs".into(), Json::Array(ins));
        }
        if !self.outputs.is_empty() {
            let outs = self.outputs.iter().map(s3_output).collect();
            p.insert(
                "ProcessingOutputConfig".into(),
                obj(vec![("Outputs", Json::Array(outs))]),
            );
        }
        p.insert(
            "StoppingCondition".into(),
            with(|m| put(m, "MaxRuntimeInSeconds", &self.max_runtime)),
        );
        env(p, &self.environment);
        r.outputs = self
            .outputs
            .iter()
            .enumerate()
            .map(|(i, n)| {
                (
                    n.name.clone(),
                    format!("$.ProcessingOutputConfig.Outputs[{i}].S3Output.S3Uri"),
                )
            })
            .chain([("job_arn".to_string(), "$.ProcessingJobArn".to_string())])
            .collect();
        r.always = &["job_arn"];
        r
    }

    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant> {
        let mut g = job_grants(JOB, &job_prefix(step), cx);
        g.extend(pass_role(cx));
        g
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.image];
        v.extend(&self.code);
        v.extend(&self.arguments);
        v.extend(self.inputs.iter().chain(&self.outputs).map(|n| &n.value));
        v.extend(self.environment.iter().map(|n| &n.value));
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        let mut artifacts: Vec<Artifact> = self
            .inputs
            .iter()
            .map(|i| Artifact::input(&i.value, ArtifactKind::DataSet))
            .collect();
        artifacts.extend(
            self.code
                .iter()
                .map(|c| Artifact::input(c, ArtifactKind::Code)),
        );
        // The URI the job reports, so the artifact is the one later steps' inputs name.
        artifacts.extend(self.outputs.iter().map(|o| {
            Artifact::output(
                step,
                &o.name,
                ArtifactKind::DataSet,
                o.value.template_text(),
            )
        }));
        // A property file is written by the job, under an output: its location is known.
        artifacts.extend(self.property_files.iter().map(|f| Artifact {
            value: f.uri.clone(),
            ..Artifact::output(step, &f.name, ArtifactKind::Metrics, f.uri.template_text())
        }));
        Lineage {
            action: "ProcessingJob",
            source: Val::Ref(crate::check::Ref::output(step, "job_arn")),
            artifacts,
        }
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        let mut a = serde_json::Map::new();
        a.insert("image".into(), text(&self.image));
        a
    }
}
