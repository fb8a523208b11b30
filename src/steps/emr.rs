//! `emr`: a step on an EMR cluster (`elasticmapreduce:addStep.sync`): a running one
//! (`cluster`), or one created for the step (`cluster_config`) by `<Step>.CreateCluster` and
//! terminated after it, also when it fails (`src/lower/emr.rs`).

use super::*;
use crate::check::{Emr, EmrCluster, Ref};
use crate::lower::values::put_str;

/// Where a created cluster's id is kept (the step's own results).
pub const CLUSTER_ID: &str = "cluster_id";

impl Emr {
    /// The cluster's id: the one given, or the created cluster's.
    fn cluster_id(&self, step: &str) -> Val {
        match &self.cluster {
            EmrCluster::Running(v) => v.clone(),
            EmrCluster::Created(_) => Val::Ref(Ref::output(step, CLUSTER_ID)),
        }
    }
}

impl Kind for Emr {
    fn request(&self, step: &str, _cx: &Cx) -> Request {
        let mut r = Request::new(
            "arn:aws:states:::elasticmapreduce:addStep.sync",
            Integration::Emr,
        );
        put(&mut r.parameters, "ClusterId", &self.cluster_id(step));
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

    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant> {
        let cluster = match &self.cluster {
            EmrCluster::Running(v) => pattern(v),
            EmrCluster::Created(_) => "*".to_string(),
        };
        let mut g = vec![
            Grant::new(
                "RunEmrSteps",
                &[
                    "elasticmapreduce:AddJobFlowSteps",
                    "elasticmapreduce:DescribeStep",
                    "elasticmapreduce:CancelSteps",
                ],
                vec![format!(
                    "arn:aws:elasticmapreduce:*:{}:cluster/{cluster}",
                    cx.account
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
        ];
        if let EmrCluster::Created(config) = &self.cluster {
            let _ = step;
            g.extend(cluster_grants(config, cx));
        }
        g
    }

    fn values(&self) -> Vec<&Val> {
        let mut v = Vec::new();
        if let EmrCluster::Running(c) = &self.cluster {
            v.push(c);
        }
        v.extend(&self.args);
        v
    }

    fn lineage(&self, step: &str) -> Lineage {
        Lineage {
            action: "EMRStep",
            source: self.cluster_id(step),
            artifacts: self.args.iter().map(Artifact::maybe).collect(),
        }
    }
}

/// Creating and terminating a cluster (as AWS's generated policy for `createCluster` and
/// `terminateCluster` has it), and passing the roles the configuration names (EMR's default
/// roles when it names none).
fn cluster_grants(config: &Json, cx: &Cx) -> Vec<Grant> {
    let role = |key: &str, default: &str| {
        let name = config.get(key).and_then(Json::as_str).unwrap_or(default);
        format!("arn:aws:iam::{}:role/{name}", cx.account)
    };
    vec![
        Grant::new(
            "RunEmrClusters",
            &[
                "elasticmapreduce:RunJobFlow",
                "elasticmapreduce:DescribeCluster",
                "elasticmapreduce:TerminateJobFlows",
            ],
            vec!["*".into()],
        ),
        Grant::new(
            "PassEmrRoles",
            &["iam:PassRole"],
            vec![
                role("ServiceRole", "EMR_DefaultRole"),
                role("JobFlowRole", "EMR_EC2_DefaultRole"),
            ],
        ),
    ]
}
