//! The JSON the tool writes conforms to the schemas it documents.

use aslc::driver;
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema(rel: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join(rel)).expect("schema");
    jsonschema::validator_for(&serde_json::from_str(&text).expect("schema is JSON"))
        .expect("schema compiles")
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn lineage_sidecars_conform_to_their_schema() {
    let v = schema("schemas/lineage.schema.json");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/steps"))
        .expect("dir")
        .map(|e| e.expect("e").path())
        .collect();
    paths.push(root().join("fixtures/nightly_fraud_retrain.sfn"));
    for p in paths {
        let out = driver::compile_source(
            &std::fs::read_to_string(&p).expect("read"),
            "x.sfn",
            &Default::default(),
        );
        let doc: Value = serde_json::from_str(&out.lineage.expect("lineage")).expect("json");
        assert_valid(&v, &doc, &p.display().to_string());
    }
}

#[test]
fn diagnostics_reports_conform_to_their_schema() {
    let v = schema("schemas/diagnostics.schema.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args(["check", "--format", "json"])
        .args(
            std::fs::read_dir(root().join("fixtures/invalid"))
                .expect("dir")
                .map(|e| e.expect("e").path()),
        )
        .output()
        .expect("run");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(doc["summary"]["errors"].as_u64().unwrap_or(0) > 40);
    assert_valid(&v, &doc, "check report");
}

#[test]
fn the_bundled_asl_schema_is_the_one_in_the_repository() {
    let on_disk = std::fs::read_to_string(root().join("schemas/asl.schema.json")).expect("read");
    assert_eq!(on_disk, aslc::asl::SCHEMA_TEXT);
    let _ = schema("schemas/asl.schema.json");
}

#[test]
fn sarif_output_conforms_to_the_official_schema() {
    let v = schema("schemas/vendor/sarif-schema-2.1.0.json");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/invalid"))
        .expect("dir")
        .map(|e| e.expect("e").path())
        .collect();
    files.push(root().join("fixtures/nightly_fraud_retrain.sfn"));
    for (cmd, args) in [
        ("check", files),
        (
            "validate",
            std::fs::read_dir(root().join("fixtures/asl/invalid"))
                .expect("dir")
                .map(|e| e.expect("e").path())
                .filter(|p| p.to_string_lossy().ends_with(".json"))
                .collect(),
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_aslc"))
            .args([cmd, "--format", "sarif"])
            .args(&args)
            .output()
            .expect("run");
        let doc: Value = serde_json::from_slice(&out.stdout).expect("sarif is JSON");
        assert_valid(&v, &doc, cmd);
        let results = doc["runs"][0]["results"].as_array().expect("results");
        assert!(results.len() > 30, "{cmd}: {} results", results.len());
        for r in results {
            let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(
                doc["runs"][0]["tool"]["driver"]["rules"][index]["id"],
                r["ruleId"]
            );
            assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .is_some());
        }
    }
}

#[test]
fn the_editor_grammar_is_the_repository_grammar() {
    let grammar =
        std::fs::read_to_string(root().join("grammar/sfn.tmLanguage.json")).expect("grammar");
    let copy = std::fs::read_to_string(root().join("editors/vscode/syntaxes/sfn.tmLanguage.json"))
        .expect("copy");
    assert_eq!(
        grammar, copy,
        "copy grammar/sfn.tmLanguage.json to editors/vscode/syntaxes/"
    );
    let g: Value = serde_json::from_str(&grammar).expect("TextMate grammar is JSON");
    assert_eq!(g["scopeName"], "source.sfn");
    for f in ["package.json", "language-configuration.json"] {
        let _: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("editors/vscode").join(f)).expect("read"),
        )
        .expect("JSON");
    }
}

#[test]
fn sarif_regions_count_code_points_not_bytes() {
    let dir = tempfile::tempdir().expect("tmp");
    // 39 characters (but 45 bytes) before the unknown name at code point 40 of line 2.
    let src =
        "pipeline \"p\" {\n  // éééééé ccccccccccccccccccccccc\n  param X: string = Nope\n}\n";
    let path = dir.path().join("u.sfn");
    std::fs::write(&path, src).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aslc"))
        .args(["check", "--format", "sarif"])
        .arg(&path)
        .output()
        .expect("run");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("sarif is JSON");
    let result = doc["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "E016")
        .expect("E016 on the default");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let at = src.find("Nope").expect("Nope");
    let chars = src[..at].chars().count();
    assert_ne!(at, chars, "the test needs non-ASCII text before the span");
    assert_eq!(region["charOffset"], chars);
    assert_eq!(region["charLength"], 4);
    assert_eq!(region["startLine"], 3);
    assert_eq!(region["startColumn"], 21);
}
