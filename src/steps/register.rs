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
        put_str(p, "ModelApprovalStatus", self.approval);
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
            }),
        );
        if let Some(uri) = &self.metrics {
            p.insert(
                "ModelMetrics".into(),
                obj(vec![(
                    "ModelQuality",
                    obj(vec![(
                        "Statistics",
                        with(|s| {
                            put_str(s, "ContentType", "application/json");
                            put(s, "S3Uri", uri);
                        }),
                    )]),
                )]),
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
        let mut v = vec![&self.group, &self.image, &self.model_data];
        v.extend(&self.metrics);
        v.extend(&self.description);
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        let mut artifacts = vec![Artifact::input(&self.model_data, ArtifactKind::Model)];
        artifacts.extend(
            self.metrics
                .iter()
                .map(|m| Artifact::input(m, ArtifactKind::Metrics)),
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
        a.insert("approval".into(), Json::String(self.approval.into()));
        a.insert("image".into(), text(&self.image));
        a
    }
}
