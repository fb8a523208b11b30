//! `create_model`: a SageMaker model (`sagemaker:createModel`) from model artifacts.

use super::*;
use crate::check::{CreateModel, Ref};
use crate::lower::values::put_str;

impl Kind for CreateModel {
    fn name_prefix(&self, step: &str) -> Option<String> {
        Some(job_prefix(step))
    }

    fn request(&self, step: &str, cx: &Cx) -> Request {
        let mut r = Request::new(
            "arn:aws:states:::sagemaker:createModel",
            Integration::SageMaker,
        );
        r.parameters
            .insert("ModelName.$".into(), job_name(&job_prefix(step)));
        put_str(&mut r.parameters, "ExecutionRoleArn", cx.role);
        r.parameters.insert(
            "PrimaryContainer".into(),
            with(|m| {
                put(m, "Image", &self.image);
                put(m, "ModelDataUrl", &self.model_data);
                env(m, &self.environment);
            }),
        );
        // CreateModel returns only the ARN; the name is its last segment.
        r.outputs = vec![
            ("model_arn".into(), "$.ModelArn".into()),
            (
                "model_name".into(),
                "States.ArrayGetItem(States.StringSplit($.ModelArn, '/'), 1)".into(),
            ),
        ];
        r.always = &["model_arn"];
        r
    }

    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant> {
        let mut out = vec![Grant::new(
            "CreateModels",
            &["sagemaker:CreateModel"],
            vec![format!(
                "arn:aws:sagemaker:*:{}:model/{}-*",
                cx.account,
                job_prefix(step)
            )],
        )];
        out.extend(pass_role(cx));
        out
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.image, &self.model_data];
        v.extend(self.environment.iter().map(|n| &n.value));
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        Lineage {
            action: "ModelCreation",
            source: Val::Ref(Ref::output(step, "model_arn")),
            artifacts: vec![
                Artifact::input(&self.model_data, ArtifactKind::Model),
                Artifact::output(
                    step,
                    "model_arn",
                    ArtifactKind::Model,
                    format!("{{{step}.model_arn}}"),
                ),
            ],
        }
    }

    fn attributes(&self) -> serde_json::Map<String, Json> {
        let mut a = serde_json::Map::new();
        a.insert("image".into(), text(&self.image));
        a
    }
}
