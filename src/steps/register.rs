//! `register`: a model package in a model package group (`aws-sdk:sagemaker:createModelPackage`).

use super::*;
use crate::check::{Ref, Register};
use crate::lower::values::put_str;

impl Kind for Register {
    fn request(&self, step: &str, _cx: &Cx) -> Request {
        let mut r = Request::new(
            "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
            Integration::SageMakerSdk,
        );
        let p = &mut r.parameters;
        put(p, "ModelPackageGroupName", &self.group);
        put(p, "ModelApprovalStatus", &self.approval);
        if let Some(d) = &self.description {
            put(p, "ModelPackageDescription", d);
        }
        p.insert(
            "InferenceSpecification".into(),
            with(|m| {
                m.insert(
                    "Containers".into(),
                    Json::Array(vec![with(|c| {
                        put(c, "Image", &self.image);
                        put(c, "ModelDataUrl", &self.model_data);
                    })]),
                );
                m.insert("SupportedContentTypes".into(), json!(self.content_types));
                m.insert(
                    "SupportedResponseMIMETypes".into(),
                    json!(self.response_types),
                );
                if !self.inference_instances.is_empty() {
                    m.insert(
                        "SupportedRealtimeInferenceInstanceTypes".into(),
                        json!(self.inference_instances),
                    );
                }
                if !self.transform_instances.is_empty() {
                    m.insert(
                        "SupportedTransformInstanceTypes".into(),
                        json!(self.transform_instances),
                    );
                }
            }),
        );
        if !self.reports.is_empty() {
            p.insert("ModelMetrics".into(), reports(&self.reports));
        }
        if !self.drift_baselines.is_empty() {
            p.insert("DriftCheckBaselines".into(), reports(&self.drift_baselines));
        }
        if !self.metadata.is_empty() {
            p.insert(
                "CustomerMetadataProperties".into(),
                with(|m| self.metadata.iter().for_each(|n| put(m, &n.name, &n.value))),
            );
        }
        p.insert(
            "MetadataProperties".into(),
            json!({"GeneratedBy.$": "$$.Execution.Id"}),
        );
        // Idempotent across retries of this state within one execution.
        p.insert(
            "ClientToken.$".into(),
            Json::String(format!(
                "States.Hash(States.Format('{{}}/{step}', $$.Execution.Id), 'MD5')"
            )),
        );
        r.outputs = vec![("model_package_arn".into(), "$.ModelPackageArn".into())];
        r.always = &["model_package_arn"];
        r
    }

    fn grants(&self, _step: &str, cx: &Cx) -> Vec<Grant> {
        let g = pattern(&self.group);
        vec![Grant::new(
            "RegisterModelPackages",
            &["sagemaker:CreateModelPackage"],
            vec![
                format!("arn:aws:sagemaker:*:{}:model-package/{g}/*", cx.account),
                format!("arn:aws:sagemaker:*:{}:model-package-group/{g}", cx.account),
            ],
        )]
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.group, &self.image, &self.model_data, &self.approval];
        v.extend(
            self.reports
                .iter()
                .chain(&self.drift_baselines)
                .map(|(_, v)| v),
        );
        v.extend(self.metadata.iter().map(|n| &n.value));
        v.extend(&self.description);
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        let mut artifacts = vec![Artifact::input(&self.model_data, ArtifactKind::Model)];
        artifacts.extend(
            self.reports
                .iter()
                .chain(&self.drift_baselines)
                .map(|(_, m)| Artifact::input(m, ArtifactKind::Metrics)),
        );
        artifacts.push(Artifact::output(
            step,
            "model_package_arn",
            ArtifactKind::ModelPackage,
            format!("{{{step}.model_package_arn}}"),
        ));
        Lineage {
            action: "ModelRegistration",
            source: Val::Ref(Ref::output(step, "model_package_arn")),
            artifacts,
        }
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        let mut a = serde_json::Map::new();
        a.insert("model_package_group".into(), text(&self.group));
        a.insert("approval".into(), text(&self.approval));
        a.insert("image".into(), text(&self.image));
        a
    }
}

/// `{"Bias": {"Report": {"ContentType": "application/json", "S3Uri": …}}, …}` from
/// (`Bias.Report`, location) pairs.
fn reports(items: &[(&'static str, Val)]) -> Json {
    let mut root = Payload::new();
    for (path, uri) in items {
        let (group, report) = path.split_once('.').unwrap_or((path, path));
        let entry = root
            .entry(group.to_string())
            .or_insert_with(|| Json::Object(Payload::new()));
        if let Json::Object(g) = entry {
            g.insert(
                report.to_string(),
                with(|s| {
                    put_str(s, "ContentType", "application/json");
                    put(s, "S3Uri", uri);
                }),
            );
        }
    }
    Json::Object(root)
}
