//! The morning-after question, answered offline: which dataset, processing job, training job
//! and hyperparameters produced model package v47?

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compile the seed pipeline and return the path of its sidecar.
fn sidecar(dir: &tempfile::TempDir) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args([
            "compile",
            &root()
                .join("fixtures/nightly_fraud_retrain.sfn")
                .to_string_lossy(),
            "-o",
            &dir.path().to_string_lossy(),
        ])
        .output()
        .expect("compile");
    assert!(out.status.success());
    dir.path()
        .join("nightly_fraud_retrain.lineage.json")
        .to_string_lossy()
        .into_owned()
}

fn lineage(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_aslc"))
        .arg("lineage")
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_seed_question_resolves_to_the_nights_dataset_jobs_and_hyperparameters() {
    let dir = tempfile::tempdir().expect("tmp");
    let sidecar = sidecar(&dir);
    let execution = root()
        .join("fixtures/lineage/nightly_execution.json")
        .to_string_lossy()
        .into_owned();
    let (code, out, err) = lineage(&[
        &sidecar,
        "--upstream",
        "RegisterIfGoodEnough",
        "--execution-output",
        &execution,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).expect("json");
    let node = |id: &str| {
        report["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|n| n["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} not upstream"))
    };

    let start = node("model_package:RegisterIfGoodEnough");
    assert_eq!(
        start["value"],
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-classifier/47"
    );
    assert_eq!(start["hops"], 0);

    // model package ← register ← model artifacts ← training ← features ← processing ← raw data.
    let raw = node("s3:s3://fraud-ml/raw/{DataDate}/");
    assert_eq!(raw["value"], "s3://fraud-ml/raw/2028-02-15/");
    assert_eq!(raw["hops"], 6);

    let training = node("step:TrainXGB");
    assert!(training["value"]
        .as_str()
        .unwrap_or_default()
        .contains(":training-job/trainxgb-"));
    assert_eq!(training["attributes"]["hyperparameters"]["max_depth"], "6");
    assert!(node("step:Featurise")["value"]
        .as_str()
        .unwrap_or_default()
        .contains(":processing-job/featurise-"));
    assert_eq!(
        node("s3:Featurise.train")["value"],
        "s3://fraud-ml/features/2028-02-15/train/"
    );
    // The property file that gated registration, and the state that read it.
    assert_eq!(
        node("s3:Evaluate.metrics")["value"],
        "s3://fraud-ml/eval/2028-02-15/evaluation.json"
    );
    assert!(report["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .any(|e| e["from"] == "s3:Evaluate.metrics"
            && e["state"] == "GateOnAuc.Read.Evaluate.metrics"));
    // Downstream-only nodes are not part of the answer.
    assert!(report["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .all(|n| n["id"] != "step:TriggerDeployLambda"));
}

#[test]
fn tree_mermaid_and_dot_render_the_same_walk() {
    let dir = tempfile::tempdir().expect("tmp");
    let sidecar = sidecar(&dir);
    let (code, tree, _) = lineage(&[&sidecar, "--upstream", "TrainXGB"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("upstream_tree_of_trainxgb", tree);
    let (_, mermaid, _) = lineage(&[&sidecar, "--upstream", "TrainXGB", "--format", "mermaid"]);
    assert!(
        mermaid.starts_with("flowchart LR\n") && mermaid.contains("-->|Produced|"),
        "{mermaid}"
    );
    let (_, dot, _) = lineage(&[
        &sidecar,
        "--downstream",
        "Featurise.train",
        "--format",
        "dot",
    ]);
    assert!(
        dot.starts_with("digraph lineage {")
            && dot.contains("\"s3:Featurise.train\" -> \"step:TrainXGB\""),
        "{dot}"
    );
}

#[test]
fn unknown_nodes_are_usage_errors_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("tmp");
    let sidecar = sidecar(&dir);
    let (code, _, err) = lineage(&[&sidecar, "--upstream", "TrainXGBB"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `TrainXGB`?"), "{err}");
}

#[test]
fn an_inconsistent_sidecar_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("broken.lineage.json");
    std::fs::write(&path, r#"{"version":1,"pipeline":"p","source":"p.sfn","nodes":[{"id":"step:A","kind":"step"}],"edges":[{"from":"step:Gone","to":"step:A","type":"Produced","state":"A"}]}"#).expect("write");
    let (code, _, err) = lineage(&[&path.to_string_lossy(), "--upstream", "A"]);
    assert_eq!(code, 2);
    assert!(err.contains("inconsistent"), "{err}");
    std::fs::write(&path, "not json").expect("write");
    assert_eq!(lineage(&[&path.to_string_lossy()]).0, 2);
}
