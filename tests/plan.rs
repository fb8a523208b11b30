//! One source of truth: for every compiled fixture, the lineage sidecar agrees with the states
//! that record lineage, and the IAM policy grants exactly what the Task states call.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = vec![root.join("nightly_fraud_retrain.sfn")];
    let mut steps: Vec<PathBuf> = std::fs::read_dir(root.join("steps"))
        .expect("fixtures/steps")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sfn"))
        .collect();
    steps.sort();
    out.extend(steps);
    out.push(root.join("nested/nightly.sfn"));
    for f in ["partitions", "tolerant", "s3_prefix", "wide"] {
        out.push(root.join(format!("foreach/{f}.sfn")));
    }
    out
}

struct Out {
    asl: Value,
    sidecar: Value,
    iam: Value,
    /// The lineage recorder and its policy, when the machine starts one.
    recorder: Option<(Value, Value)>,
}

fn compile(path: &Path, lineage_states: bool) -> Out {
    let text = std::fs::read_to_string(path).expect("read");
    let options = aslc::lower::Options { lineage_states };
    let out = aslc::driver::compile_in(&text, "x.sfn", path.parent(), &options);
    let parse = |s: Option<String>| serde_json::from_str(&s.expect("artefact")).expect("json");
    let recorder = out
        .recorder
        .map(|r| (parse(Some(r)), parse(out.recorder_iam)));
    Out {
        asl: parse(out.asl),
        sidecar: parse(out.lineage),
        iam: parse(out.iam),
        recorder,
    }
}

/// Every state of the machine, nested ones included: (name, state).
fn states(scope: &Value, out: &mut Vec<(String, Value)>) {
    let Some(map) = scope["States"].as_object() else {
        return;
    };
    for (name, s) in map {
        out.push((name.clone(), s.clone()));
        for b in s["Branches"].as_array().into_iter().flatten() {
            states(b, out);
        }
        states(&s["ItemProcessor"], out);
    }
}

#[test]
fn sidecar_edges_are_the_recorded_artifacts() {
    for path in fixtures() {
        let out = compile(&path, true);
        let mut all = Vec::new();
        states(&out.asl, &mut all);
        let edges = out.sidecar["edges"].as_array().expect("edges");
        for (name, state) in &all {
            let Some(step) = name.strip_suffix(".Lineage") else {
                continue;
            };
            let recorder = name.clone();
            let recorded = state["Parameters"]["Input"]["artifacts"]
                .as_array()
                .expect("artifacts");
            let in_sidecar: Vec<&Value> = edges.iter().filter(|e| e["state"] == recorder).collect();
            let count = |role: &str| recorded.iter().filter(|a| a["role"] == role).count();
            let inputs = in_sidecar
                .iter()
                .filter(|e| e["to"] == format!("step:{step}"))
                .count();
            let outputs = in_sidecar
                .iter()
                .filter(|e| e["from"] == format!("step:{step}"))
                .count();
            assert_eq!(
                (inputs, outputs),
                (count("input"), count("output")),
                "{}: {step}: sidecar edges {in_sidecar:#?} vs recorded {recorded:#?}",
                path.display()
            );
        }
        // And no edge claims a recorder that does not exist.
        for e in edges {
            let state = e["state"].as_str().expect("state");
            assert!(
                all.iter().any(|(n, _)| n == state),
                "{}: edge names unknown state {state}",
                path.display()
            );
        }
    }
}

/// What a Distributed Map calls: child executions of the machine, its `ItemReader`, its
/// `ResultWriter` (as pseudo-resources the table below knows).
fn distributed(s: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    if s["ItemProcessor"]["ProcessorConfig"]["Mode"] == "DISTRIBUTED" {
        out.push("distributed-map");
    }
    out.extend(s["ItemReader"]["Resource"].as_str());
    out.extend(s["ResultWriter"]["Resource"].as_str());
    out
}

/// What each Task resource needs, from the AWS documentation of each integration ("IAM policies
/// for integrated services"), written here independently of the compiler's tables.
fn needs(resource: &str) -> &'static [&'static str] {
    let api = resource
        .trim_start_matches("arn:aws:states:::")
        .trim_start_matches("aws-sdk:");
    match api {
        "sagemaker:createProcessingJob.sync" => &[
            "sagemaker:CreateProcessingJob",
            "sagemaker:DescribeProcessingJob",
            "sagemaker:StopProcessingJob",
            "sagemaker:AddTags",
            "sagemaker:ListTags",
            "events:PutTargets",
            "events:PutRule",
            "events:DescribeRule",
            "iam:PassRole",
        ],
        "sagemaker:createTrainingJob.sync" => &[
            "sagemaker:CreateTrainingJob",
            "sagemaker:DescribeTrainingJob",
            "sagemaker:StopTrainingJob",
            "sagemaker:AddTags",
            "sagemaker:ListTags",
            "events:PutTargets",
            "events:PutRule",
            "events:DescribeRule",
            "iam:PassRole",
        ],
        "sagemaker:createHyperParameterTuningJob.sync" => &[
            "sagemaker:CreateHyperParameterTuningJob",
            "sagemaker:DescribeHyperParameterTuningJob",
            "sagemaker:StopHyperParameterTuningJob",
            "sagemaker:AddTags",
            "sagemaker:ListTags",
            "events:PutTargets",
            "events:PutRule",
            "events:DescribeRule",
            "iam:PassRole",
        ],
        "sagemaker:createTransformJob.sync" => &[
            "sagemaker:CreateTransformJob",
            "sagemaker:DescribeTransformJob",
            "sagemaker:StopTransformJob",
            "sagemaker:AddTags",
            "sagemaker:ListTags",
            "events:PutTargets",
            "events:PutRule",
            "events:DescribeRule",
        ],
        "sagemaker:createModel" => &["sagemaker:CreateModel", "iam:PassRole"],
        "sagemaker:createModelPackage" => &["sagemaker:CreateModelPackage"],
        "sagemaker:createContext" => &["sagemaker:CreateContext"],
        "sagemaker:describeContext" => &["sagemaker:DescribeContext"],
        "sagemaker:createAction" => &["sagemaker:CreateAction"],
        "sagemaker:describeAction" => &["sagemaker:DescribeAction"],
        "sagemaker:listArtifacts" => &["sagemaker:ListArtifacts"],
        "sagemaker:createArtifact" => &["sagemaker:CreateArtifact"],
        "sagemaker:addAssociation" => &["sagemaker:AddAssociation"],
        "sagemaker:listTrainingJobsForHyperParameterTuningJob" => {
            &["sagemaker:ListTrainingJobsForHyperParameterTuningJob"]
        }
        "s3:getObject" => &["s3:GetObject"],
        "lambda:invoke" => &["lambda:InvokeFunction"],
        "sqs:sendMessage.waitForTaskToken" => &["sqs:SendMessage"],
        "elasticmapreduce:addStep.sync" => &[
            "elasticmapreduce:AddJobFlowSteps",
            "elasticmapreduce:DescribeStep",
            "elasticmapreduce:CancelSteps",
            "events:PutTargets",
            "events:PutRule",
            "events:DescribeRule",
        ],
        // "IAM policies for Amazon EMR": createCluster and terminateCluster.
        "elasticmapreduce:createCluster.sync" => &[
            "elasticmapreduce:RunJobFlow",
            "elasticmapreduce:DescribeCluster",
            "elasticmapreduce:TerminateJobFlows",
            "iam:PassRole",
        ],
        "elasticmapreduce:terminateCluster.sync" => &[
            "elasticmapreduce:TerminateJobFlows",
            "elasticmapreduce:DescribeCluster",
        ],
        "states:startExecution.sync:2" => &[
            "states:StartExecution",
            "states:DescribeExecution",
            "states:StopExecution",
            "events:PutTargets",
            "events:PutRule",
            "events:DescribeRule",
        ],
        // "IAM policies for using Distributed Map states".
        "distributed-map" => &[
            "states:StartExecution",
            "states:DescribeExecution",
            "states:StopExecution",
        ],
        "s3:listObjectsV2" => &["s3:ListBucket"],
        "s3:putObject" => &[
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload",
        ],
        "dynamodb:getItem" => &["dynamodb:GetItem"],
        // "IAM policies for ... StartExecution" (no `.sync`: nothing to poll or stop).
        "states:startExecution" => &["states:StartExecution"],
        "dynamodb:putItem" => &["dynamodb:PutItem"],
        other => panic!("no IAM table entry for {other}: add one from the AWS documentation"),
    }
}

/// The actions a policy document allows.
fn actions(policy: &Value) -> BTreeSet<String> {
    policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .flat_map(|s| s["Action"].as_array().expect("actions").clone())
        .map(|a| a.as_str().expect("action").to_string())
        .collect()
}

/// What the Task states of a machine call, as IAM actions.
fn called(asl: &Value) -> BTreeSet<String> {
    let mut all = Vec::new();
    states(asl, &mut all);
    all.iter()
        .filter_map(|(_, s)| s["Resource"].as_str())
        .chain(all.iter().flat_map(|(_, s)| distributed(s)))
        .flat_map(needs)
        .map(|a| a.to_string())
        .collect()
}

#[test]
fn the_recorder_policy_grants_what_the_recorder_calls_and_nothing_else() {
    let mut recorders = 0;
    for path in fixtures() {
        let out = compile(&path, true);
        if let Some((asl, iam)) = &out.recorder {
            recorders += 1;
            assert_eq!(actions(iam), called(asl), "{}", path.display());
        }
        let off = compile(&path, false);
        assert!(off.recorder.is_none(), "{}", path.display());
    }
    assert!(recorders > 5, "{recorders}");
}

#[test]
fn the_policy_grants_what_the_tasks_call_and_nothing_else() {
    for path in fixtures() {
        for lineage in [true, false] {
            let out = compile(&path, lineage);
            let (granted, needed) = (actions(&out.iam), called(&out.asl));
            assert_eq!(
                granted,
                needed,
                "{} (lineage states {lineage})",
                path.display()
            );
        }
    }
}
