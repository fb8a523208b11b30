//! The binary as a user runs it: exit codes, artefacts, output formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn aslc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run aslc")
}

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// `aslc compile SOURCE -o DIR [extra...]`.
fn compile_into(dir: &tempfile::TempDir, source: &str, extra: &[&str]) -> Output {
    let out_dir = dir.path().to_string_lossy().into_owned();
    let mut args = vec!["compile", source, "-o", &out_dir];
    args.extend_from_slice(extra);
    aslc(&args)
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn compile_writes_both_artefacts_and_exits_0() {
    let dir = tempdir();
    let out = compile_into(&dir, &fixture("fixtures/nightly_fraud_retrain.sfn"), &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let asl = std::fs::read_to_string(dir.path().join("nightly_fraud_retrain.asl.json"))
        .expect("asl written");
    let lineage = std::fs::read_to_string(dir.path().join("nightly_fraud_retrain.lineage.json"))
        .expect("lineage written");
    assert!(asl.contains("\"StartAt\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("nightly_fraud_retrain.asl.json"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o044,
            0o044,
            "artefacts are readable by others, not private temp files"
        );
    }
    assert!(lineage.contains("\"edges\""));
    // Warnings are shown but do not fail the build.
    assert!(String::from_utf8_lossy(&out.stderr).contains("W005"));
}

#[test]
fn compile_with_errors_exits_1_and_writes_nothing() {
    let dir = tempdir();
    let out = compile_into(
        &dir,
        &fixture("fixtures/invalid/E012_unknown_name.sfn"),
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "no artefact, not even a temporary file"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("E012") && stderr.contains("did you mean `Featurise`?"),
        "{stderr}"
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(aslc(&["compile"]).status.code(), Some(2));
    assert_eq!(aslc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        aslc(&["check", "/definitely/not/here.sfn"]).status.code(),
        Some(2)
    );
    assert_eq!(aslc(&["explain", "E999"]).status.code(), Some(2));
}

#[test]
fn check_exit_codes_follow_errors_not_warnings() {
    assert_eq!(
        aslc(&["check", &fixture("fixtures/steps/when.sfn")])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        aslc(&["check", &fixture("fixtures/invalid/W003_unused_param.sfn")])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        aslc(&["check", &fixture("fixtures/invalid/E017_operand_types.sfn")])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn json_format_is_one_report_on_stdout() {
    let out = aslc(&[
        "check",
        "--format",
        "json",
        &fixture("fixtures/invalid/E017_operand_types.sfn"),
        &fixture("fixtures/steps/fail.sfn"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    assert_eq!(report["version"], 1);
    assert_eq!(report["files"].as_array().map(Vec::len), Some(2));
    let d = &report["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "E017");
    assert_eq!(d["start"]["line"], 12);
    assert!(d["labels"]
        .as_array()
        .is_some_and(|l| l.iter().any(|l| l["message"] == "declared as float here")));
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn validate_reads_stdin_and_locates_errors() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args(["validate", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}\n}\n")
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let d = &report["files"][0]["diagnostics"];
    assert!(
        d.as_array()
            .is_some_and(|a| a.iter().any(|d| d["code"] == "E111"
                && d["pointer"] == "/States/A/Next"
                && d["start"]["line"] == 3)),
        "{d}"
    );
}

#[test]
fn validate_accepts_the_compilers_own_output() {
    let dir = tempdir();
    let out = compile_into(&dir, &fixture("fixtures/nightly_fraud_retrain.sfn"), &[]);
    assert_eq!(out.status.code(), Some(0));
    let asl = dir.path().join("nightly_fraud_retrain.asl.json");
    let out = aslc(&["validate", &asl.to_string_lossy()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn explain_prints_the_registry_entry() {
    let out = aslc(&["explain", "e017"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("E017: operands of a comparison have different types"));
    assert!(text.contains("Example:"));
    let list = aslc(&["explain"]);
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() > 60);
}

#[test]
fn explain_says_a_removed_code_was_removed_and_what_replaced_it() {
    let out = aslc(&["explain", "W001"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("W001: caching not lowered (removed)"),
        "{text}"
    );
    assert!(text.contains("W005"), "{text}");
    let list = String::from_utf8_lossy(&aslc(&["explain"]).stdout).into_owned();
    assert!(list.contains("W002  schedule not emitted (removed)"));
    // A removed id is never given to a live code.
    for r in aslc::diagnostics::REMOVED {
        assert!(
            aslc::diagnostics::Code::parse(r.code).is_none(),
            "{}",
            r.code
        );
    }
}

#[test]
fn binary_input_is_a_diagnostic_not_a_crash() {
    let dir = tempdir();
    let path = dir.path().join("garbage.sfn");
    std::fs::write(&path, [0u8, 159, 146, 150, 255, 1, 2, 3]).expect("write");
    let out = compile_into(&dir, &path.to_string_lossy(), &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E004"));
    assert!(!Path::new(&dir.path().join("garbage.asl.json")).exists());
}

#[test]
fn lineage_states_are_on_by_default_and_can_be_turned_off() {
    let dir = tempdir();
    let src = fixture("fixtures/nightly_fraud_retrain.sfn");
    let out = compile_into(&dir, &src, &[]);
    assert_eq!(out.status.code(), Some(0));
    let wired =
        std::fs::read_to_string(dir.path().join("nightly_fraud_retrain.asl.json")).expect("asl");
    let wired: serde_json::Value = serde_json::from_str(&wired).expect("json");
    let states = wired["States"].as_object().expect("states");
    // After each of the five recorded steps, one Task starts the recorder without waiting for
    // it; its only failure is caught, so lineage cannot fail the run.
    let starts: Vec<&String> = states.keys().filter(|n| n.ends_with(".Lineage")).collect();
    assert_eq!(starts.len(), 5, "{starts:?}");
    for name in starts {
        let st = &states[name.as_str()];
        assert_eq!(
            st["Resource"], "arn:aws:states:::states:startExecution",
            "{name}"
        );
        assert!(st["Parameters"]["StateMachineArn.$"]
            .as_str()
            .is_some_and(|a| a.contains(":stateMachine:nightly-fraud-retrain-lineage-recorder'")));
        assert_eq!(st["Catch"][0]["ErrorEquals"][0], "States.ALL", "{name}");
    }
    let text = serde_json::to_string(&wired).expect("json");
    for api in [
        "createContext",
        "createAction",
        "createArtifact",
        "addAssociation",
    ] {
        assert!(
            !text.contains(api),
            "the main machine records nothing itself: {api}"
        );
    }
    let recorder = std::fs::read_to_string(
        dir.path()
            .join("nightly_fraud_retrain.lineage-recorder.asl.json"),
    )
    .expect("recorder");
    for api in [
        "createContext",
        "createAction",
        "listArtifacts",
        "createArtifact",
        "addAssociation",
    ] {
        assert!(
            recorder.contains(&format!("aws-sdk:sagemaker:{api}")),
            "{api}"
        );
    }

    let plain = tempdir();
    let out = compile_into(&plain, &src, &["--no-lineage-states"]);
    assert_eq!(out.status.code(), Some(0));
    let asl =
        std::fs::read_to_string(plain.path().join("nightly_fraud_retrain.asl.json")).expect("asl");
    assert!(
        !asl.contains("Lineage") && !asl.contains("\"lineage\""),
        "no wiring states and no $.lineage key"
    );
    assert!(!plain
        .path()
        .join("nightly_fraud_retrain.lineage-recorder.asl.json")
        .exists());
    let sidecar = std::fs::read_to_string(plain.path().join("nightly_fraud_retrain.lineage.json"))
        .expect("sidecar");
    assert!(sidecar.contains("\"state\": \"Featurise\"") && !sidecar.contains("Lineage.Artifacts"));
}

#[test]
fn state_machines_are_written_compact_unless_asked_for_pretty() {
    let src = fixture("fixtures/nightly_fraud_retrain.sfn");
    let (compact, pretty) = (tempdir(), tempdir());
    assert_eq!(compile_into(&compact, &src, &[]).status.code(), Some(0));
    assert_eq!(
        compile_into(&pretty, &src, &["--pretty"]).status.code(),
        Some(0)
    );
    for name in [
        "nightly_fraud_retrain.asl.json",
        "nightly_fraud_retrain.lineage-recorder.asl.json",
    ] {
        let read =
            |d: &tempfile::TempDir| std::fs::read_to_string(d.path().join(name)).expect(name);
        let (c, p) = (read(&compact), read(&pretty));
        assert_eq!(c.lines().count(), 1, "{name} is one line");
        assert!(p.lines().count() > 50, "{name} is indented");
        let parse = |t: &str| serde_json::from_str::<serde_json::Value>(t).expect("json");
        assert_eq!(parse(&c), parse(&p), "the same document");
    }
    // The seed's definition fits the budget the console graph was given (#11): at most 24
    // states, under 25 KB as deployed, and at most 3 states per step besides the parameter
    // checks and the top level's shared ones (`Pipeline.Failed`, the retry loop, the end).
    let asl = std::fs::read_to_string(compact.path().join("nightly_fraud_retrain.asl.json"))
        .expect("asl");
    assert!(asl.len() < 25_000, "{} bytes", asl.len());
    let doc: serde_json::Value = serde_json::from_str(&asl).expect("json");
    let states: Vec<&String> = doc["States"].as_object().expect("states").keys().collect();
    assert!(states.len() <= 24, "{} states: {states:?}", states.len());
    let per_step = states
        .iter()
        .filter(|n| !n.starts_with("Pipeline.") && !n.starts_with("Parameters."))
        .count();
    assert!(per_step <= 3 * 6, "{per_step} states for 6 steps");
}

#[test]
fn a_deeply_nested_file_beside_a_good_one_still_gets_one_json_report() {
    let dir = tempdir();
    let deep = dir.path().join("bad.sfn");
    std::fs::write(
        &deep,
        format!(
            "pipeline \"p\" {{\n  param X: string = {}\"a\"{}\n}}\n",
            "[".repeat(200_000),
            "]".repeat(200_000)
        ),
    )
    .expect("write");
    let out_dir = dir.path().join("out");
    let out = aslc(&[
        "compile",
        &fixture("fixtures/nightly_fraud_retrain.sfn"),
        &deep.to_string_lossy(),
        "-o",
        &out_dir.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON report");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert!(files[1]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| d["code"] == "E005"));
    // The good file was still compiled; the bad one wrote nothing.
    assert!(out_dir.join("nightly_fraud_retrain.asl.json").exists());
    assert!(!out_dir.join("bad.asl.json").exists());
}

#[test]
fn graph_draws_the_dag_and_the_state_machine() {
    let diamond = fixture("fixtures/dag/diamond.sfn");
    let out = aslc(&["graph", &diamond]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("flowchart TD\n"), "{text}");
    // A → B, A → C, B → D, C → D, and nothing else.
    let edges: Vec<&str> = text.lines().filter(|l| l.contains("-->")).collect();
    assert_eq!(
        edges,
        ["  n0 --> n1", "  n0 --> n2", "  n1 --> n3", "  n2 --> n3"]
    );
    assert!(text.contains("n3[\"D<br/>lambda\"]"), "{text}");

    let out = aslc(&["graph", &diamond, "--asl", "--format", "dot"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("digraph pipeline {"), "{text}");
    assert!(text.contains("label=\"Together B and C #1\""), "{text}");
    assert!(text.contains("[label=\"catch\", style=dashed]"), "{text}");
}

#[test]
fn graph_of_a_broken_pipeline_reports_and_draws_nothing() {
    let out = aslc(&["graph", &fixture("fixtures/invalid/E012_unknown_name.sfn")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("E012"));
}

#[test]
fn compile_check_finds_stale_and_missing_artefacts_and_writes_nothing() {
    let dir = tempdir();
    let source = fixture("fixtures/dag/diamond.sfn");
    let out_dir = dir.path().to_string_lossy().into_owned();
    // Teams that commit the artefacts review them indented.
    let check = || aslc(&["compile", "--check", "--pretty", &source, "-o", &out_dir]);
    // Nothing on disk yet: every artefact is missing, and --check writes none.
    let out = check();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("diamond.asl.json is missing"));
    assert!(std::fs::read_dir(dir.path()).expect("dir").next().is_none());

    assert_eq!(
        compile_into(&dir, &source, &["--pretty"]).status.code(),
        Some(0)
    );
    assert_eq!(check().status.code(), Some(0));

    let asl = dir.path().join("diamond.asl.json");
    let edited = std::fs::read_to_string(&asl)
        .expect("asl")
        .replace("ml.m5.xlarge", "ml.m5.large");
    std::fs::write(&asl, &edited).expect("write");
    let out = check();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("diamond.asl.json differs"), "{stderr}");
    assert!(
        stderr.contains("-            \"InstanceType\": \"ml.m5.large\","),
        "{stderr}"
    );
    assert!(
        stderr.contains("+            \"InstanceType\": \"ml.m5.xlarge\","),
        "{stderr}"
    );
    // The file on disk is left as it was.
    assert_eq!(std::fs::read_to_string(&asl).expect("asl"), edited);
}

#[test]
fn fmt_rewrites_checks_and_refuses_broken_sources() {
    let dir = tempdir();
    let messy = dir.path().join("messy.sfn");
    let text = "pipeline \"p\" {\n  param   A:string = \"x\"   // kept\n  lambda L { function \"f\" }\n}\n";
    std::fs::write(&messy, text).expect("write");
    let path = messy.to_string_lossy().into_owned();

    // --check: exit 1, a diff, nothing written.
    let out = aslc(&["fmt", "--check", &path]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("would reformat") && err.contains("+  param A: string = \"x\""),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&messy).expect("read"), text);

    // In place, then --check agrees.
    assert_eq!(aslc(&["fmt", &path]).status.code(), Some(0));
    let formatted = std::fs::read_to_string(&messy).expect("read");
    assert!(
        formatted.contains("  param A: string = \"x\"  // kept\n"),
        "{formatted}"
    );
    assert_eq!(aslc(&["fmt", "--check", &path]).status.code(), Some(0));

    // Standard input to standard output.
    let mut child = Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), text.as_bytes())
        .expect("stdin");
    let out = child.wait_with_output().expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), formatted);

    // A syntax error: the diagnostics, exit 1, the file untouched.
    let broken = dir.path().join("broken.sfn");
    std::fs::write(&broken, "pipeline \"p\" { lambda {").expect("write");
    let out = aslc(&["fmt", &broken.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&broken).expect("read"),
        "pipeline \"p\" { lambda {"
    );
}

#[test]
fn a_reader_that_goes_away_is_an_io_error_not_a_panic() {
    // `aslc check --format sarif X | head -c 1`: the report (about 100 KB, more than a pipe
    // holds) meets a closed pipe.
    let mut child = Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args([
            "check",
            "--format",
            "sarif",
            &fixture("fixtures/steps/when.sfn"),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aslc");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("internal error"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "an I/O error");
}
