//! The least-privilege IAM policy the state machine's role needs, derived from the integrations
//! the compiled ASL uses (`aslc compile --emit iam` writes it as `X.iam.json`). Reference:
//! sagemaker-integration.md §3. Where AWS allows nothing narrower than `*`, README.md says why.

use crate::check::steps_prefix;
use crate::check::{Checked, StepDef, StepIr, TPart, Val};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The policy document for a checked pipeline. `lineage`: the ASL has lineage wiring states.
pub fn policy(c: &Checked, lineage: bool) -> Value {
    let account = c
        .role
        .as_deref()
        .and_then(|r| r.split(':').nth(4))
        .filter(|a| !a.is_empty())
        .unwrap_or("*")
        .to_string();
    let mut p = Policy {
        account,
        ..Policy::default()
    };
    p.steps(&c.steps);
    let mut statements = Vec::new();
    for (job, resource_kind, rule) in [
        (
            "ProcessingJob",
            "processing-job",
            "StepFunctionsGetEventsForSageMakerProcessingJobsRule",
        ),
        (
            "TrainingJob",
            "training-job",
            "StepFunctionsGetEventsForSageMakerTrainingJobsRule",
        ),
        (
            "HyperParameterTuningJob",
            "hyper-parameter-tuning-job",
            "StepFunctionsGetEventsForSageMakerTuningJobsRule",
        ),
        (
            "TransformJob",
            "transform-job",
            "StepFunctionsGetEventsForSageMakerTransformJobsRule",
        ),
    ] {
        let prefixes: Vec<&String> = p
            .jobs
            .iter()
            .filter(|(k, _)| k == job)
            .map(|(_, prefix)| prefix)
            .collect();
        if prefixes.is_empty() {
            continue;
        }
        let resources: Vec<String> = prefixes
            .iter()
            .map(|x| format!("arn:aws:sagemaker:*:{}:{resource_kind}/{x}-*", p.account))
            .collect();
        statements.push(json!({
            "Sid": format!("Run{job}s"),
            "Effect": "Allow",
            "Action": [format!("sagemaker:Create{job}"), format!("sagemaker:Describe{job}"), format!("sagemaker:Stop{job}"), "sagemaker:AddTags"],
            "Resource": resources,
        }));
        statements.push(json!({
            "Sid": format!("Await{job}s"),
            "Effect": "Allow",
            "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            "Resource": format!("arn:aws:events:*:{}:rule/{rule}", p.account),
        }));
    }
    if !p.models.is_empty() {
        let resources: Vec<String> = p
            .models
            .iter()
            .map(|x| format!("arn:aws:sagemaker:*:{}:model/{x}-*", p.account))
            .collect();
        statements.push(json!({ "Sid": "CreateModels", "Effect": "Allow", "Action": ["sagemaker:CreateModel"], "Resource": resources }));
    }
    if !p.jobs.is_empty() || !p.models.is_empty() {
        // The jobs' tags are read back by the .sync integrations; ListTags has no resource-level
        // permissions.
        statements.push(json!({ "Sid": "ReadJobTags", "Effect": "Allow", "Action": ["sagemaker:ListTags"], "Resource": "*" }));
        if let Some(role) = &c.role {
            statements.push(json!({
                "Sid": "PassExecutionRoleToSageMaker",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": role,
                "Condition": { "StringEquals": { "iam:PassedToService": "sagemaker.amazonaws.com" } },
            }));
        }
    }
    if !p.groups.is_empty() {
        let mut resources = Vec::new();
        for g in &p.groups {
            resources.push(format!(
                "arn:aws:sagemaker:*:{}:model-package/{g}/*",
                p.account
            ));
            resources.push(format!(
                "arn:aws:sagemaker:*:{}:model-package-group/{g}",
                p.account
            ));
        }
        statements.push(json!({ "Sid": "RegisterModelPackages", "Effect": "Allow", "Action": ["sagemaker:CreateModelPackage"], "Resource": resources }));
    }
    if !p.objects.is_empty() {
        statements.push(json!({ "Sid": "ReadPropertyFiles", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": p.objects.iter().collect::<Vec<_>>() }));
    }
    if !p.functions.is_empty() {
        let mut resources = Vec::new();
        for f in &p.functions {
            resources.push(f.clone());
            resources.push(format!("{f}:*"));
        }
        statements.push(json!({ "Sid": "InvokeFunctions", "Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": resources }));
    }
    if !p.queues.is_empty() {
        statements.push(json!({ "Sid": "SendCallbackMessages", "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": p.queues.iter().collect::<Vec<_>>() }));
    }
    if !p.clusters.is_empty() {
        statements.push(json!({
            "Sid": "RunEmrSteps",
            "Effect": "Allow",
            "Action": ["elasticmapreduce:AddJobFlowSteps", "elasticmapreduce:DescribeStep", "elasticmapreduce:CancelSteps"],
            "Resource": p.clusters.iter().collect::<Vec<_>>(),
        }));
        statements.push(json!({
            "Sid": "AwaitEmrSteps",
            "Effect": "Allow",
            "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            "Resource": format!("arn:aws:events:*:{}:rule/StepFunctionsGetEventsForEMRAddJobFlowStepsRule", p.account),
        }));
    }
    if let Some(table) = c.cache_table.as_ref().filter(|_| p.caching) {
        statements.push(json!({
            "Sid": "StepCache",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
            "Resource": format!("arn:aws:dynamodb:*:{}:table/{table}", p.account),
        }));
    }
    if lineage && p.records_lineage {
        let resources: Vec<String> = ["context", "action", "artifact"]
            .iter()
            .map(|k| format!("arn:aws:sagemaker:*:{}:{k}/*", p.account))
            .collect();
        statements.push(json!({
            "Sid": "RecordLineage",
            "Effect": "Allow",
            "Action": ["sagemaker:CreateContext", "sagemaker:DescribeContext", "sagemaker:CreateAction", "sagemaker:DescribeAction", "sagemaker:CreateArtifact", "sagemaker:AddAssociation"],
            "Resource": resources,
        }));
        // Artifacts are looked up by source URI; List actions have no resource-level permissions.
        statements.push(json!({ "Sid": "FindLineageArtifacts", "Effect": "Allow", "Action": ["sagemaker:ListArtifacts"], "Resource": "*" }));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

#[derive(Default)]
struct Policy {
    account: String,
    /// (job type, job-name prefix).
    jobs: BTreeSet<(String, String)>,
    models: BTreeSet<String>,
    groups: BTreeSet<String>,
    objects: BTreeSet<String>,
    functions: BTreeSet<String>,
    queues: BTreeSet<String>,
    clusters: BTreeSet<String>,
    records_lineage: bool,
    caching: bool,
}

/// A value as an ARN pattern: literal text stays, run-time parts become `*`.
fn pattern(v: &Val) -> String {
    match v {
        Val::Lit(serde_json::Value::String(s)) => s.clone(),
        Val::Lit(other) => other.to_string(),
        Val::Path(_) => "*".into(),
        Val::Template(parts) => parts
            .iter()
            .map(|p| match p {
                TPart::Text(t) => t.as_str(),
                TPart::Path(_) => "*",
            })
            .collect(),
    }
}

impl Policy {
    fn steps(&mut self, steps: &[StepDef]) {
        for s in steps {
            self.step(s);
        }
    }

    fn step(&mut self, s: &StepDef) {
        self.records_lineage |= crate::lower::records_lineage(s);
        self.caching |= crate::lower::is_cached(s);
        let prefix = steps_prefix(&s.name);
        let mut job = |kind: &str| {
            self.jobs.insert((kind.to_string(), prefix.clone()));
        };
        match &s.body {
            StepIr::Processing {
                property_files: _, ..
            } => job("ProcessingJob"),
            StepIr::Training(_) => job("TrainingJob"),
            // Tuning jobs are named with a shortened prefix (32-character limit).
            StepIr::Tuning { .. } => {
                let short: String = prefix
                    .chars()
                    .take(19)
                    .collect::<String>()
                    .trim_end_matches('-')
                    .to_string();
                // Its training jobs are started by SageMaker itself, not by this role.
                self.jobs.insert(("HyperParameterTuningJob".into(), short));
            }
            StepIr::Transform { .. } => job("TransformJob"),
            StepIr::CreateModel { .. } => {
                self.models.insert(prefix.clone());
            }
            StepIr::Register { group, .. } => {
                self.groups.insert(pattern(group));
            }
            StepIr::Lambda { function, .. } => {
                let f = pattern(function);
                let arn = if f.starts_with("arn:") {
                    f
                } else {
                    format!("arn:aws:lambda:*:{}:function:{f}", self.account)
                };
                self.functions.insert(arn);
            }
            StepIr::Callback { queue, .. } => {
                // https://sqs.<region>.amazonaws.com/<account>/<name> → arn:aws:sqs:<region>:<account>:<name>
                let q = pattern(queue);
                let parts: Vec<&str> = q.trim_start_matches("https://").split('/').collect();
                let arn = match parts.as_slice() {
                    [host, account, name] => {
                        let region = host.split('.').nth(1).unwrap_or("*");
                        format!("arn:aws:sqs:{region}:{account}:{name}")
                    }
                    _ => format!("arn:aws:sqs:*:{}:*", self.account),
                };
                self.queues.insert(arn);
            }
            StepIr::Emr { cluster, .. } => {
                self.clusters.insert(format!(
                    "arn:aws:elasticmapreduce:*:{}:cluster/{}",
                    self.account,
                    pattern(cluster)
                ));
            }
            StepIr::Fail { .. } => {}
            StepIr::When {
                reads,
                then,
                otherwise,
                ..
            } => {
                for r in reads {
                    self.objects
                        .insert(format!("arn:aws:s3:::{}/{}", r.bucket, pattern(&r.key)));
                }
                self.steps(then);
                self.steps(otherwise);
            }
            StepIr::Parallel { branches } => branches.iter().for_each(|b| self.steps(b)),
        }
    }
}
