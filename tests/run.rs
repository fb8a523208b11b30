//! `aslc run` and `aslc test` as a user runs them: the seed pipeline's nights from the mock
//! file a team would write, the JSON shape, limits, and bad input. Agreement with moto's
//! interpreter is tested in `tests/py/test_run_agrees.py`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn aslc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run aslc")
}

const SEED: &str = "fixtures/nightly_fraud_retrain.sfn";
const MOCKS: &str = "fixtures/run/nightly_fraud_retrain.mocks.json";

fn run_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = aslc(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `SEED --no-lineage-states --input … --mocks MOCKS --test-case CASE`.
fn night_args(case: &str) -> Vec<&str> {
    vec![
        SEED,
        "--no-lineage-states",
        "--input",
        r#"{"DataDate": "2026-10-31"}"#,
        "--mocks",
        MOCKS,
        "--test-case",
        case,
    ]
}

fn night(case: &str) -> serde_json::Value {
    run_json(&night_args(case))
}

#[test]
fn the_seed_pipelines_test_cases_pass() {
    let out = aslc(&["test", SEED, "--mocks", MOCKS, "--no-lineage-states"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for case in ["HighAuc", "LowAuc", "CapacityRetry", "ValidationError"] {
        assert!(text.contains(&format!("ok    {case}")), "{text}");
    }
}

#[test]
fn an_expectation_that_does_not_hold_fails_the_test() {
    let dir = tempfile::tempdir().unwrap();
    let expect = dir.path().join("wrong.json");
    std::fs::write(&expect, r#"{"TestCases": {"LowAuc": {"input": {"DataDate": "2026-10-31"}, "status": "FAILED", "entered": ["TriggerDeployLambda"], "calls": {"TrainXGB": 3}}}}"#).unwrap();
    let out = aslc(&[
        "test",
        SEED,
        "--mocks",
        MOCKS,
        "--no-lineage-states",
        "--expect",
        expect.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  LowAuc"), "{text}");
    assert!(
        text.contains("status is \"SUCCEEDED\", expected \"FAILED\""),
        "{text}"
    );
    assert!(
        text.contains("state TriggerDeployLambda was not entered"),
        "{text}"
    );
    assert!(
        text.contains("TrainXGB was called 1 times, expected 3"),
        "{text}"
    );
}

#[test]
fn a_night_has_the_shape_of_an_execution_history() {
    let out = night("HighAuc");
    assert_eq!(out["status"], "SUCCEEDED");
    assert!(out["error"].is_null());
    let events = out["events"].as_array().unwrap();
    assert_eq!(events[0]["type"], "ExecutionStarted");
    assert_eq!(events.last().unwrap()["type"], "ExecutionSucceeded");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"], i + 1);
        assert_eq!(e["previousEventId"], i);
        assert!(e["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    let scheduled = events
        .iter()
        .find(|e| e["type"] == "TaskScheduled")
        .unwrap();
    let d = &scheduled["taskScheduledEventDetails"];
    assert_eq!(d["resourceType"], "dynamodb");
    assert_eq!(d["resource"], "getItem");
    // The same night twice: the same bytes (UUIDs are seeded, the clock simulated).
    assert_eq!(night("HighAuc"), out);
}

#[test]
fn a_capacity_error_is_retried_after_the_policys_interval_on_the_simulated_clock() {
    let out = night("CapacityRetry");
    let events = out["events"].as_array().unwrap();
    let at = |ty: &str, nth: usize| {
        let e = events.iter().filter(|e| e["type"] == ty).nth(nth).unwrap();
        chrono::DateTime::parse_from_rfc3339(e["timestamp"].as_str().unwrap()).unwrap()
    };
    // TrainXGB fails, waits the `transient` policy's 60 s, and runs again.
    let failed = events
        .iter()
        .position(|e| e["type"] == "TaskFailed")
        .unwrap();
    let retried = events[failed..]
        .iter()
        .position(|e| e["type"] == "TaskScheduled")
        .unwrap()
        + failed;
    let gap = chrono::DateTime::parse_from_rfc3339(events[retried]["timestamp"].as_str().unwrap())
        .unwrap()
        - chrono::DateTime::parse_from_rfc3339(events[failed]["timestamp"].as_str().unwrap())
            .unwrap();
    assert_eq!(gap.num_seconds(), 60);
    assert!(at("ExecutionSucceeded", 0) > at("ExecutionStarted", 0));
}

#[test]
fn the_history_reads_as_a_history_in_aslc_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = night("HighAuc");
    let history = dir.path().join("night.json");
    std::fs::write(
        &history,
        serde_json::json!({"events": out["events"]}).to_string(),
    )
    .unwrap();
    let report = aslc(&[
        "report",
        history.to_str().unwrap(),
        "--pipeline",
        SEED,
        "--format",
        "json",
    ]);
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(r["executions"][0]["status"], "SUCCEEDED", "{r}");
}

#[test]
fn an_endless_loop_stops_at_the_event_limit() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("loop.asl.json");
    std::fs::write(&def, r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "C"}], "Default": "A"}, "C": {"Type": "Succeed"}}}"#).unwrap();
    let out = run_json(&[def.to_str().unwrap(), "--max-events", "500"]);
    assert_eq!(out["status"], "FAILED");
    assert_eq!(out["error"], "States.Runtime");
    assert!(out["cause"]
        .as_str()
        .unwrap()
        .contains("500 history events"));
    assert!(out["events"].as_array().unwrap().len() <= 502);
}

#[test]
fn state_data_over_256_kib_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("big.asl.json");
    let big = "x".repeat(300_000);
    std::fs::write(&def, format!(r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Result": "{big}", "End": true}}}}}}"#)).unwrap();
    let out = run_json(&[def.to_str().unwrap()]);
    assert_eq!(out["error"], "States.DataLimitExceeded");
}

#[test]
fn bad_input_gets_clear_errors() {
    // An invalid definition: the validator's diagnostics, exit 1.
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("bad.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "Nope", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    )
    .unwrap();
    let out = aslc(&["run", def.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E111"));
    // A mock file naming a response it does not have: the JSON location, exit 2.
    let mocks = dir.path().join("mocks.json");
    std::fs::write(&mocks, r#"{"StateMachines": {"m": {"TestCases": {"c": {"Greet": "Missing"}}}}, "MockedResponses": {}}"#).unwrap();
    let out = aslc(&[
        "run",
        "fixtures/steps/lambda.sfn",
        "--mocks",
        mocks.to_str().unwrap(),
        "--test-case",
        "c",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/StateMachines/m/TestCases/c/Greet") && err.contains("Missing"),
        "{err}"
    );
    // Input that is not JSON.
    let out = aslc(&["run", "fixtures/steps/lambda.sfn", "--input", "{nope"]);
    assert_eq!(out.status.code(), Some(2));
    // Deep JSON input: a clear refusal, no crash.
    let deep = dir.path().join("deep.json");
    std::fs::write(
        &deep,
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
    )
    .unwrap();
    let out = aslc(&[
        "run",
        "fixtures/steps/lambda.sfn",
        "--input-file",
        deep.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not JSON"));
}

#[test]
fn the_human_format_shows_the_path_with_simulated_times() {
    let mut args = vec!["run"];
    args.extend(night_args("CapacityRetry"));
    let out = aslc(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("! States.TaskFailed: CapacityError"),
        "{text}"
    );
    assert!(text.contains("60.000s  TrainXGB"), "{text}");
    assert!(text.trim_end().contains("SUCCEEDED"));
}

#[test]
fn the_human_format_shows_each_retry_at_its_time() {
    let dir = tempfile::tempdir().unwrap();
    let mocks = dir.path().join("mocks.json");
    std::fs::write(&mocks, r#"{"StateMachines": {"lambda-demo": {"TestCases": {"flaky": {"Greet": "Flaky"}}}},
        "MockedResponses": {"Flaky": {"0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "boom"}},
                                      "1": {"Return": {"StatusCode": 200, "Payload": {}}}}}}"#).unwrap();
    let out = aslc(&[
        "run",
        "fixtures/steps/lambda.sfn",
        "--input",
        r#"{"Name": "Ada"}"#,
        "--mocks",
        mocks.to_str().unwrap(),
        "--test-case",
        "flaky",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    // The `api` policy: a 2 s interval.
    assert!(text.contains("! Lambda.ServiceException: boom"), "{text}");
    assert!(text.contains("2.000s    retry 1"), "{text}");
    assert!(text.contains("SUCCEEDED"), "{text}");
}

#[test]
fn a_jsonata_wait_waits_its_computed_seconds_and_shapes_its_output() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("wait.asl.json");
    std::fs::write(
        &def,
        r#"{"QueryLanguage": "JSONata", "StartAt": "W", "States": {
            "W": {"Type": "Wait", "Seconds": "{% $states.input.s * 2 %}", "Output": "{% {'waited': $states.input.s * 2} %}", "Next": "T"},
            "T": {"Type": "Wait", "Timestamp": "{% '2026-01-01T01:00:00Z' %}", "End": true}}}"#,
    )
    .unwrap();
    let path = def.to_string_lossy().into_owned();
    let out = run_json(&[&path, "--input", r#"{"s": 30}"#]);
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(out["output"], serde_json::json!({"waited": 60}));
    let exited: Vec<&str> = out["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "WaitStateExited")
        .map(|e| e["timestamp"].as_str().unwrap())
        .collect();
    assert!(exited[0].starts_with("2026-01-01T00:01:00"), "{exited:?}");
    assert!(exited[1].starts_with("2026-01-01T01:00:00"), "{exited:?}");
    // Seconds that are not a whole number are the expression's error.
    std::fs::write(
        &def,
        r#"{"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% 'soon' %}", "End": true}}}"#,
    )
    .unwrap();
    let out = run_json(&[&path]);
    assert_eq!(out["error"], "States.QueryEvaluationError", "{out}");
}

#[test]
fn jsonata_states_and_workflow_variables_run_as_their_expectations_say() {
    let out = aslc(&[
        "test",
        "fixtures/run/variables.asl.json",
        "--mocks",
        "fixtures/run/variables.mocks.json",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("4 test cases, 0 failed"), "{stdout}");
    // The Task's Arguments read a variable, and the request is what the history records.
    let night = run_json(&[
        "fixtures/run/variables.asl.json",
        "--input",
        r#"{"model": "m1", "threshold": 0.9}"#,
        "--mocks",
        "fixtures/run/variables.mocks.json",
        "--test-case",
        "Passes",
    ]);
    let scheduled = night["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == "TaskScheduled")
        .expect("scheduled");
    let params: serde_json::Value = serde_json::from_str(
        scheduled["taskScheduledEventDetails"]["parameters"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        params["Payload"],
        serde_json::json!({"model": "m1", "threshold": 0.9})
    );
}

#[test]
fn a_jsonpath_state_reads_variables_in_parameters_choices_and_intrinsics() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("vars.asl.json");
    // `$limit` as a `…Path` operand too, as AWS reads it.
    let text = std::fs::read_to_string(root().join("fixtures/run/variables_jsonpath.asl.json"))
        .unwrap()
        .replace(
            r#""NumericGreaterThanEquals": 3"#,
            r#""NumericGreaterThanEqualsPath": "$limit""#,
        );
    std::fs::write(&def, text).unwrap();
    let path = def.to_string_lossy().into_owned();
    let mocks = "fixtures/run/variables_jsonpath.mocks.json";
    let case = |name: &str| {
        run_json(&[
            &path,
            "--input",
            r#"{"model": "m1"}"#,
            "--mocks",
            mocks,
            "--test-case",
            name,
        ])
    };
    let enough = case("Enough");
    assert_eq!(
        enough["output"],
        serde_json::json!({"summary": "m1 counted 5 (status 200)"}),
        "{enough}"
    );
    let few = case("TooFew");
    assert_eq!(few["error"], "TooFew", "{few}");
}

#[test]
fn an_execution_past_its_timeout_ends_timed_out_on_the_simulated_clock() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("slow.asl.json");
    std::fs::write(
        &def,
        r#"{"TimeoutSeconds": 60, "StartAt": "Nap", "States": {
            "Nap": {"Type": "Wait", "Seconds": 120, "Next": "Late"},
            "Late": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    let out = run_json(&[&def.to_string_lossy()]);
    assert_eq!(out["status"], "TIMED_OUT", "{out}");
    assert_eq!(out["error"], "States.Timeout");
    let events = out["events"].as_array().unwrap();
    assert_eq!(events.last().unwrap()["type"], "ExecutionTimedOut");
    assert!(!events.iter().any(|e| e["type"] == "SucceedStateEntered"));
}

#[test]
fn a_full_jitter_retry_waits_a_seeded_fraction_of_its_interval() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("jitter.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true,
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100, "MaxAttempts": 1, "JitterStrategy": "FULL"}]}}}"#,
    )
    .unwrap();
    let mocks = dir.path().join("m.json");
    std::fs::write(
        &mocks,
        r#"{"StateMachines": {"j": {"TestCases": {"T": {"Call": "R"}}}}, "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": "c"}}, "1": {"Return": {}}}}}"#,
    )
    .unwrap();
    let waited = |seed: &str| {
        let out = run_json(&[
            &def.to_string_lossy(),
            "--mocks",
            &mocks.to_string_lossy(),
            "--test-case",
            "T",
            "--seed",
            seed,
        ]);
        assert_eq!(out["status"], "SUCCEEDED", "{out}");
        let events = out["events"].as_array().unwrap();
        let at = |ty: &str, nth: usize| {
            let t = events.iter().filter(|e| e["type"] == ty).nth(nth).unwrap()["timestamp"]
                .as_str()
                .unwrap()
                .to_string();
            chrono::DateTime::parse_from_rfc3339(&t)
                .unwrap()
                .timestamp_millis()
        };
        at("TaskScheduled", 1) - at("TaskFailed", 0)
    };
    let (a, b, c) = (waited("1"), waited("1"), waited("2"));
    assert_eq!(a, b, "the same seed waits the same");
    assert!(
        (0..100_000).contains(&a) && (0..100_000).contains(&c),
        "{a} {c}"
    );
    assert_ne!(a, c, "another seed, another wait");
}

#[test]
fn a_distributed_map_that_writes_its_results_outputs_where_they_went() {
    let dir = tempfile::tempdir().unwrap();
    let mocks = dir.path().join("m.json");
    let job = serde_json::json!({"Return": {"ProcessingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:processing-job/score-1",
        "ProcessingOutputConfig": {"Outputs": [{"OutputName": "scores", "S3Output": {"S3Uri": "s3://fraud-ml/scores/"}}]}}});
    std::fs::write(
        &mocks,
        serde_json::json!({
            "StateMachines": {"score-every-file": {"TestCases": {"T": {"PerFile": "Listed", "Score": "Scored"}}}},
            "MockedResponses": {
                "Listed": {"0": {"Return": [{"Key": "incoming/a.csv"}, {"Key": "incoming/b.csv"}]}},
                "Scored": {"0-1": job},
            },
        })
        .to_string(),
    )
    .unwrap();
    let out = run_json(&[
        "fixtures/foreach/s3_prefix.sfn",
        "--no-lineage-states",
        "--mocks",
        &mocks.to_string_lossy(),
        "--test-case",
        "T",
    ]);
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    let written = &out["output"]["steps"]["PerFile"]["results"];
    assert_eq!(
        written["ResultWriterDetails"]["Bucket"], "fraud-ml",
        "{out}"
    );
    let key = written["ResultWriterDetails"]["Key"].as_str().unwrap();
    assert!(
        key.starts_with("aslc-results/score-every-file/PerFile/")
            && key.ends_with("/manifest.json"),
        "{key}"
    );
    assert!(written["MapRunArn"].as_str().unwrap().contains(":mapRun:"));
}

#[test]
fn a_task_past_its_timeout_or_heartbeat_times_out_on_the_simulated_clock() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("slow.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "Train", "States": {
            "Train": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
              "TimeoutSeconds": 60,
              "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 5, "MaxAttempts": 1}],
              "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.late", "Next": "Late"}],
              "End": true},
            "Late": {"Type": "Pass", "End": true}}}"#,
    )
    .unwrap();
    let mocks = dir.path().join("m.json");
    // Seconds: how long each invocation takes (aslc's extension of the mock file).
    std::fs::write(
        &mocks,
        r#"{"StateMachines": {"slow": {"TestCases": {
              "RetriedInTime": {"Train": "SlowThenQuick"},
              "Stuck": {"Train": "Stuck"}}}},
            "MockedResponses": {
              "SlowThenQuick": {"0": {"Return": {}, "Seconds": 90}, "1": {"Return": {"ok": true}, "Seconds": 30}},
              "Stuck": {"0": {"Return": {}, "Seconds": 45}}}}"#,
    )
    .unwrap();
    let run = |case: &str, heartbeat: Option<&str>| {
        if let Some(h) = heartbeat {
            let text = std::fs::read_to_string(&def).unwrap().replace(
                r#""TimeoutSeconds": 60,"#,
                &format!(r#""TimeoutSeconds": 60, "HeartbeatSeconds": {h},"#),
            );
            std::fs::write(&def, text).unwrap();
        }
        run_json(&[
            &def.to_string_lossy(),
            "--mocks",
            &mocks.to_string_lossy(),
            "--test-case",
            case,
        ])
    };
    let retried = run("RetriedInTime", None);
    assert_eq!(retried["status"], "SUCCEEDED", "{retried}");
    assert_eq!(retried["output"], serde_json::json!({"ok": true}));
    let events = retried["events"].as_array().unwrap();
    let timed_out = events
        .iter()
        .find(|e| e["type"] == "TaskTimedOut")
        .expect("timed out");
    assert_eq!(
        timed_out["taskTimedOutEventDetails"]["error"],
        "States.Timeout"
    );
    // 60 s to the timeout, 5 s of retry interval, 30 s for the second attempt.
    assert!(
        events.last().unwrap()["timestamp"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-01T00:01:35"),
        "{retried}"
    );
    // The human format says when and why it timed out.
    let human = aslc(&[
        "run",
        &def.to_string_lossy(),
        "--mocks",
        &mocks.to_string_lossy(),
        "--test-case",
        "RetriedInTime",
    ]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("60.000s    ! States.Timeout"), "{text}");
    let stuck = run("Stuck", Some("10"));
    assert_eq!(stuck["status"], "SUCCEEDED", "{stuck}");
    assert_eq!(stuck["output"]["late"]["Error"], "States.HeartbeatTimeout");
}
