//! `aslc report` on fourteen nights of the seed pipeline (fixtures/report/seed-14-nights: real
//! histories of moto's interpreter with known job times, made by tests/py/report_histories.py):
//! the numbers equal the known durations, the JSON conforms to its schema, and bad histories are
//! named while the rest of the report is still produced.

use aslc::report::{self, Folding, Input};
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn nights() -> Vec<Input> {
    let dir = root().join("fixtures/report/seed-14-nights");
    (1..=14)
        .map(|n| {
            let path = dir.join(format!("night-{n:02}.json"));
            Input {
                file: path.display().to_string(),
                text: std::fs::read_to_string(&path).expect("history"),
                describe: std::fs::read_to_string(dir.join(format!("night-{n:02}.describe.json")))
                    .ok(),
            }
        })
        .collect()
}

fn seed_folding() -> Folding {
    let source =
        std::fs::read_to_string(root().join("fixtures/nightly_fraud_retrain.sfn")).expect("seed");
    let compiled =
        aslc::driver::compile_source(&source, "nightly_fraud_retrain.sfn", &Default::default());
    let sidecar: aslc::lineage::Sidecar =
        serde_json::from_str(&compiled.lineage.expect("compiles")).expect("sidecar");
    Folding::from_sidecar(&sidecar)
}

fn seconds(r: &report::Report, night: usize, step: &str) -> Option<f64> {
    r.executions[night - 1]
        .steps
        .iter()
        .find(|s| s.step == step)
        .map(|s| s.seconds)
}

#[test]
fn the_numbers_are_the_known_durations() {
    let r = report::build(&nights(), Some(&seed_folding()), None);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.executions.len(), 14);
    for n in 1..=14 {
        let featurise = if n == 11 { 0.0 } else { 18.0 * 60.0 };
        assert_eq!(seconds(&r, n, "Featurise"), Some(featurise), "night {n}");
        let train = match n {
            5 => 4.0 * 60.0,
            8 => 32.0 * 60.0,
            _ => (28 + n % 3) as f64 * 60.0,
        };
        assert_eq!(seconds(&r, n, "TrainXGB"), Some(train), "night {n}");
        if n != 5 {
            assert_eq!(seconds(&r, n, "Evaluate"), Some(360.0), "night {n}");
        }
        let deployed = n != 5 && n != 13;
        assert_eq!(
            seconds(&r, n, "RegisterIfGoodEnough"),
            deployed.then_some(5.0),
            "night {n}"
        );
        assert_eq!(
            seconds(&r, n, "TriggerDeployLambda"),
            deployed.then_some(2.0),
            "night {n}"
        );
        let e = &r.executions[n - 1];
        assert_eq!(e.name, format!("night-{n:02}"));
        assert_eq!(e.start, format!("2026-11-{n:02}T02:00:00Z"));
        let total =
            featurise + train + if n == 5 { 0.0 } else { 360.0 } + if deployed { 7.0 } else { 0.0 };
        assert_eq!(e.seconds, total, "night {n}");
    }
    // Night 5 fails in TrainXGB (a validation error is not retried); night 8's capacity error
    // is retried with a fresh job; night 11 reuses Featurise's cached result.
    let failed = &r.executions[4];
    assert_eq!(failed.status, "FAILED");
    let f = failed.failure.as_ref().expect("failure");
    assert_eq!(
        (f.step.as_deref(), f.error.as_str()),
        (Some("TrainXGB"), "JobFailed")
    );
    assert!(f.cause.contains("ValidationException"), "{}", f.cause);
    let run = |n: usize, step: &str| {
        r.executions[n - 1]
            .steps
            .iter()
            .find(|s| s.step == step)
            .cloned()
            .expect("ran")
    };
    assert_eq!(run(5, "TrainXGB").attempts, 1);
    assert_eq!(run(8, "TrainXGB").attempts, 2);
    assert_eq!(run(11, "Featurise").cache, Some("hit"));
    assert_eq!(run(10, "Featurise").cache, Some("miss"));
    assert_eq!(run(10, "TrainXGB").cache, None);

    let stats = |step: &str| r.steps.iter().find(|s| s.step == step).expect("stats");
    let train = stats("TrainXGB");
    // Each night's known TrainXGB time, sorted: the statistics are read off them.
    let mut expected: Vec<f64> = (1..=14)
        .map(|n| match n {
            5 => 240.0,
            8 => 1920.0,
            _ => (28 + n % 3) as f64 * 60.0,
        })
        .collect();
    expected.sort_by(f64::total_cmp);
    assert_eq!(train.median, (expected[6] + expected[7]) / 2.0);
    assert_eq!(train.p90, expected[12]);
    assert_eq!(train.max, 1920.0);
    assert_eq!((train.failures, train.retries, train.runs), (1, 1, 14));
    assert_eq!(stats("Featurise").cache_hits, 1);
    assert_eq!(stats("Evaluate").runs, 13);
    assert_eq!(stats("Evaluate").trend, 0.0);
}

#[test]
fn the_json_report_conforms_to_its_schema() {
    let r = report::build(&nights(), Some(&seed_folding()), None);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/report.schema.json")).expect("schema"),
    )
    .expect("json");
    let v = jsonschema::validator_for(&schema).expect("compiles");
    let doc = serde_json::to_value(&r).expect("serialises");
    let errors: Vec<String> = v
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn without_the_pipeline_every_state_is_its_own_row() {
    let r = report::build(&nights(), None, None);
    let names: Vec<&str> = r.steps.iter().map(|s| s.step.as_str()).collect();
    assert!(
        names.contains(&"TrainXGB") && names.contains(&"TrainXGB.Retry.Classify"),
        "{names:?}"
    );
    assert!(r.pipeline.is_none());
}

#[test]
fn last_keeps_the_most_recent_executions() {
    let r = report::build(&nights(), Some(&seed_folding()), Some(3));
    let names: Vec<&str> = r.executions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["night-12", "night-13", "night-14"]);
    assert_eq!(
        r.steps
            .iter()
            .find(|s| s.step == "TrainXGB")
            .map(|s| s.seconds.len()),
        Some(3)
    );
}

#[test]
fn bad_histories_are_named_and_the_rest_is_reported() {
    let mut inputs = nights();
    let good: Value = serde_json::from_str(&inputs[0].text).expect("json");
    let with = |name: &str, v: &Value| Input {
        file: name.into(),
        text: v.to_string(),
        describe: None,
    };
    let mut truncated = good.clone();
    truncated["nextToken"] = Value::from("AAAA");
    let mut reversed = good.clone();
    if let Some(events) = reversed["events"].as_array_mut() {
        events.reverse();
    }
    let mut gap = good.clone();
    if let Some(events) = gap["events"].as_array_mut() {
        events.drain(10..20);
    }
    let other = serde_json::json!({"events": [
        {"id": 1, "previousEventId": 0, "timestamp": 1_700_000_000, "type": "ExecutionStarted", "executionStartedEventDetails": {}},
        {"id": 2, "previousEventId": 1, "timestamp": 1_700_000_001, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "Elsewhere"}},
        {"id": 3, "previousEventId": 2, "timestamp": 1_700_000_002, "type": "PassStateExited", "stateExitedEventDetails": {"name": "Elsewhere"}},
        {"id": 4, "previousEventId": 3, "timestamp": 1_700_000_002, "type": "ExecutionSucceeded", "executionSucceededEventDetails": {}}
    ]});
    inputs.push(Input {
        file: "garbage.json".into(),
        text: "{ not json".into(),
        describe: None,
    });
    inputs.push(Input {
        file: "list.json".into(),
        text: "[]".into(),
        describe: None,
    });
    inputs.push(with("truncated.json", &truncated));
    inputs.push(with("reversed.json", &reversed));
    inputs.push(with("gap.json", &gap));
    inputs.push(with("other.json", &other));
    let r = report::build(&inputs, Some(&seed_folding()), None);
    let said = |file: &str, words: &str| {
        r.problems
            .iter()
            .any(|p| p.file == file && p.message.contains(words))
    };
    assert!(said("garbage.json", "not JSON"), "{:?}", r.problems);
    assert!(said("list.json", "no `events`"));
    assert!(said("truncated.json", "truncated"));
    assert!(said("reversed.json", "out of order"));
    assert!(said("gap.json", "missing"));
    assert!(said("other.json", "another state machine"));
    // The fourteen nights, and the three damaged copies of night 1 that could still be read.
    assert_eq!(r.executions.len(), 17);
    let reread = r
        .executions
        .iter()
        .filter(|e| e.file == "reversed.json")
        .count();
    assert_eq!(reread, 1);
    let reordered = r
        .executions
        .iter()
        .find(|e| e.file == "reversed.json")
        .expect("read");
    assert_eq!(
        reordered
            .steps
            .iter()
            .find(|s| s.step == "TrainXGB")
            .map(|s| s.seconds),
        Some(29.0 * 60.0)
    );
}

#[test]
fn renderings_carry_the_numbers() {
    let r = report::build(&nights(), Some(&seed_folding()), None);
    let text = report::text(&r);
    assert!(
        text.contains("night-05") && text.contains("TrainXGB (JobFailed)"),
        "{text}"
    );
    assert!(
        text.contains("32m 00s↻1") && text.contains("0s⚡"),
        "{text}"
    );
    let svg = report::svg(&r);
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // A bar per step run: 14 nights, 12 of them with 6 steps.
    assert!(svg.matches("<rect x=").count() >= 12 * 6);
    let html = report::html(&r);
    assert!(html.contains("<svg") && html.contains("class=failed"));
    // Self-contained: no script, nothing fetched.
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("<link"));
}

#[test]
fn describe_execution_fields_merged_into_the_history_are_read() {
    // `describe-execution`'s name, status and start date in the history file itself, and epoch
    // seconds for timestamps.
    let merged = serde_json::json!({
        "name": "manual-rerun",
        "status": "SUCCEEDED",
        "startDate": 1_700_000_000,
        "events": [
            {"id": 1, "previousEventId": 0, "timestamp": 1_700_000_000, "type": "ExecutionStarted", "executionStartedEventDetails": {}},
            {"id": 2, "previousEventId": 1, "timestamp": 1_700_000_000, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "Work"}},
            {"id": 3, "previousEventId": 2, "timestamp": 1_700_000_090, "type": "TaskStateExited", "stateExitedEventDetails": {"name": "Work"}},
            {"id": 4, "previousEventId": 3, "timestamp": 1_700_000_090, "type": "ExecutionSucceeded", "executionSucceededEventDetails": {}}
        ]
    });
    let input = Input {
        file: "x.json".into(),
        text: merged.to_string(),
        describe: None,
    };
    let r = report::build(&[input], None, None);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let e = &r.executions[0];
    assert_eq!(
        (e.name.as_str(), e.status.as_str(), e.seconds),
        ("manual-rerun", "SUCCEEDED", 90.0)
    );
    assert_eq!(e.start, "2023-11-14T22:13:20Z");
    assert_eq!(e.steps[0].seconds, 90.0);
}
