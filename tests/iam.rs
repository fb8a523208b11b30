//! `--emit iam`: the policy names exactly what the compiled ASL calls, as narrowly as AWS allows.

use serde_json::Value;
use std::path::PathBuf;

fn policy(rel: &str, lineage: bool) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(path).expect("read");
    let options = aslc::lower::Options {
        lineage_states: lineage,
    };
    let out = aslc::driver::compile_source(&text, "x.sfn", &options);
    serde_json::from_str(&out.iam.expect("iam")).expect("json")
}

fn sids(p: &Value) -> Vec<String> {
    p["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter_map(|s| s["Sid"].as_str().map(String::from))
        .collect()
}

#[test]
fn the_seed_policy_is_least_privilege() {
    let p = policy("fixtures/nightly_fraud_retrain.sfn", true);
    insta::assert_json_snapshot!("iam_nightly_fraud_retrain", p);
    for s in p["Statement"].as_array().expect("statements") {
        let actions = s["Action"].as_array().expect("actions");
        assert!(
            actions
                .iter()
                .all(|a| a != "*" && !a.as_str().unwrap_or("").ends_with(":*")),
            "{s}"
        );
        if s["Resource"] == "*" {
            // Only the List/tag-read actions that AWS gives no resource-level permissions.
            assert!(
                matches!(
                    s["Sid"].as_str(),
                    Some("ReadJobTags" | "FindLineageArtifacts")
                ),
                "{s}"
            );
        }
    }
    let pass = p["Statement"]
        .as_array()
        .expect("s")
        .iter()
        .find(|s| s["Sid"] == "PassExecutionRoleToSageMaker")
        .expect("PassRole");
    assert_eq!(
        pass["Condition"]["StringEquals"]["iam:PassedToService"],
        "sagemaker.amazonaws.com"
    );
}

#[test]
fn statements_follow_the_integrations_used() {
    assert!(!sids(&policy("fixtures/nightly_fraud_retrain.sfn", false))
        .contains(&"RecordLineage".to_string()));
    let lambda_only = sids(&policy("fixtures/steps/lambda.sfn", true));
    assert_eq!(
        lambda_only,
        ["InvokeFunctions"],
        "no SageMaker, no PassRole, no lineage"
    );
    let callback = policy("fixtures/steps/callback.sfn", true);
    assert!(callback
        .to_string()
        .contains("arn:aws:sqs:us-east-1:123456789012:approvals"));
    let emr = sids(&policy("fixtures/steps/emr.sfn", true));
    assert!(emr.iter().any(|s| s == "RunEmrSteps") && emr.iter().any(|s| s == "AwaitEmrSteps"));
    assert!(
        !emr.iter().any(|s| s == "RunEmrClusters"),
        "a running cluster is not created"
    );
    // A cluster created for the step: RunJobFlow, DescribeCluster, TerminateJobFlows, and
    // passing the roles its configuration names.
    let created = policy("fixtures/steps/emr_cluster.sfn", true);
    let text = created.to_string();
    assert!(sids(&created).iter().any(|s| s == "RunEmrClusters"));
    assert!(text.contains("elasticmapreduce:TerminateJobFlows"));
    assert!(
        text.contains("arn:aws:iam::*:role/EMR_DefaultRole")
            || text.contains(":role/EMR_DefaultRole")
    );
    assert!(text.contains(":role/EMR_EC2_DefaultRole"));
    let transform = sids(&policy("fixtures/steps/transform.sfn", true));
    assert!(
        transform.iter().any(|s| s == "RunTransformJobs")
            && transform.iter().any(|s| s == "CreateModels")
    );
}
