//! `emr`: a step on a running EMR cluster (`elasticmapreduce:addStep.sync`).

use super::*;
use crate::check::Emr;
use crate::lower::values::put_str;

impl Kind for Emr {
    fn request(&self, step: &str, _cx: &Cx) -> Request {
        let mut r = Request::new(
            "arn:aws:states:::elasticmapreduce:addStep.sync",
            Integration::Emr,
        );
        put(&mut r.parameters, "ClusterId", &self.cluster);
        r.parameters.insert(
            "Step".into(),
            with(|s| {
                put_str(s, "Name", step);
                put_str(s, "ActionOnFailure", self.action_on_failure);
                s.insert(
                    "HadoopJarStep".into(),
                    with(|h| {
                        put_str(h, "Jar", &self.jar);
                        string_list(h, "Args", &self.args);
                    }),
                );
            }),
        );
        r
    }

    fn grants(&self, _step: &str, cx: &Cx) -> Vec<Grant> {
        vec![
            Grant::new(
                "RunEmrSteps",
                &[
                    "elasticmapreduce:AddJobFlowSteps",
                    "elasticmapreduce:DescribeStep",
                    "elasticmapreduce:CancelSteps",
                ],
                vec![format!(
                    "arn:aws:elasticmapreduce:*:{}:cluster/{}",
                    cx.account,
                    pattern(&self.cluster)
                )],
            ),
            Grant::new(
                "AwaitEmrSteps",
                &["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                vec![format!(
                    "arn:aws:events:*:{}:rule/StepFunctionsGetEventsForEMRAddJobFlowStepsRule",
                    cx.account
                )],
            ),
        ]
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = vec![&self.cluster];
        v.extend(&self.args);
        v
    }

    fn lineage(&self, _step: &str) -> Lineage {
        Lineage {
            action: "EMRStep",
            source: self.cluster.clone(),
            artifacts: self.args.iter().map(Artifact::maybe).collect(),
        }
    }
}
