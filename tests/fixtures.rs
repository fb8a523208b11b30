//! Fixture-driven tests: every file under `fixtures/invalid/` (pipeline sources),
//! `fixtures/asl/invalid/` (ASL documents, YAML, templates) and `fixtures/import/invalid/`
//! (SageMaker pipeline definitions for `aslc import`) states the diagnostics it must produce, and
//! this test checks that exactly those are reported. A registry entry without a fixture fails
//! here.

use aslc::diagnostics::{Code, Diagnostic, LineIndex};
use aslc::{asl, driver};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    v.sort();
    v
}

/// (code, line, column[, pointer]) for each diagnostic, in a comparable form.
fn actual(text: &str, diags: &[Diagnostic], with_pointer: bool) -> BTreeSet<String> {
    let idx = LineIndex::new(text);
    diags
        .iter()
        .map(|d| {
            let lc = idx.line_col(d.span.start);
            let pointer = if with_pointer {
                format!(" {}", d.pointer.as_deref().unwrap_or(""))
            } else {
                String::new()
            };
            format!(
                "{} at {}:{}{}",
                d.code.as_str(),
                lc.line,
                lc.column,
                pointer
            )
            .trim_end()
            .to_string()
        })
        .collect()
}

fn check_sfn(path: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let bytes = std::fs::read(path).expect("read fixture");
    let lossy = String::from_utf8_lossy(&bytes).into_owned();
    let expected: BTreeSet<String> = lossy
        .lines()
        .filter_map(|l| l.strip_prefix("// expect: "))
        .map(|s| s.trim().to_string())
        .collect();
    let got = match driver::decode(&bytes, driver::MAX_SOURCE_BYTES) {
        Ok(text) => actual(text, &driver::check_in(text, path.parent()).1, false),
        Err(d) => actual(&lossy, &[*d], false),
    };
    (expected, got)
}

#[test]
fn invalid_pipeline_fixtures_report_exactly_their_diagnostics() {
    let mut failures = Vec::new();
    for path in files("fixtures/invalid", ".sfn") {
        let (expected, got) = check_sfn(&path);
        assert!(
            !expected.is_empty(),
            "{} has no `// expect:` header",
            path.display()
        );
        if expected != got {
            failures.push(format!(
                "{}\n  expected {expected:?}\n  got      {got:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The invalid ASL fixtures, JSON and YAML.
fn asl_fixtures() -> Vec<PathBuf> {
    let mut v = files("fixtures/asl/invalid", ".asl.json");
    v.extend(files("fixtures/asl/invalid", ".asl.yaml"));
    v.extend(files("fixtures/asl/invalid", ".template.json"));
    v.extend(files("fixtures/asl/invalid", ".template.yaml"));
    v
}

fn check_asl(path: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let name = path.to_string_lossy();
    let expect_path = PathBuf::from(
        name.replace(".asl.json", ".expect")
            .replace(".asl.yaml", ".expect")
            .replace(".template.json", ".expect")
            .replace(".template.yaml", ".expect"),
    );
    let (spec, expected) = expectations(path, &expect_path);
    let express = spec.lines().any(|l| l.trim() == "# options: --express");
    let text = std::fs::read_to_string(path).expect("read fixture");
    let options = asl::Options { express };
    let diags = asl::validate_file(path, &text, &options);
    (expected, actual(&text, &diags, true))
}

/// A fixture's `.expect` file: its text, and the diagnostics it lists (lines not starting
/// with `#`).
fn expectations(path: &Path, expect_path: &Path) -> (String, BTreeSet<String>) {
    let spec = std::fs::read_to_string(expect_path)
        .unwrap_or_else(|_| panic!("{} needs {}", path.display(), expect_path.display()));
    let expected = spec
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().to_string())
        .collect();
    (spec, expected)
}

/// The definitions `aslc import` must refuse (or warn about), with their `.expect` beside.
fn check_import(path: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let expect_path = PathBuf::from(path.to_string_lossy().replace(".pipeline.json", ".expect"));
    let (_, expected) = expectations(path, &expect_path);
    let text = std::fs::read_to_string(path).expect("read fixture");
    let imported = aslc::import::import(&text, None, "fixture");
    (expected, actual(&text, &imported.diagnostics, true))
}

#[test]
fn invalid_import_fixtures_report_exactly_their_diagnostics() {
    let mut failures = Vec::new();
    for path in files("fixtures/import/invalid", ".pipeline.json") {
        let (expected, got) = check_import(&path);
        if expected != got {
            failures.push(format!(
                "{}\n  expected {expected:?}\n  got      {got:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_asl_fixtures_report_exactly_their_diagnostics() {
    let mut failures = Vec::new();
    for path in asl_fixtures() {
        let (expected, got) = check_asl(&path);
        if expected != got {
            failures.push(format!(
                "{}\n  expected {expected:?}\n  got      {got:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn valid_pipelines_compile_without_diagnostics() {
    let mut paths = files("fixtures/steps", ".sfn");
    paths.push(root().join("fixtures/nightly_fraud_retrain.sfn"));
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        let compiled = driver::compile_source(&text, "x.sfn", &Default::default());
        let errors: Vec<_> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        let asl = compiled.asl.expect("ASL written");
        assert!(
            asl::validate(&asl, &asl::Options::default()).is_empty(),
            "{}: generated ASL has findings",
            path.display()
        );
    }
}

/// Codes whose fixture would be a generated file too large or too odd to keep in the tree;
/// each is exercised by the named test instead.
const COVERED_ELSEWHERE: &[(Code, &str)] = &[
    (
        Code::E103,
        "tests/bad_input.rs: oversized_definition_is_reported",
    ),
    (
        Code::E104,
        "tests/bad_input.rs: deeply_nested_json_is_reported",
    ),
    (
        Code::E900,
        "internal errors cannot be triggered by user input; src/driver.rs reports them",
    ),
];

#[test]
fn every_registered_code_has_a_fixture() {
    let mut seen = BTreeSet::new();
    for path in files("fixtures/invalid", ".sfn") {
        seen.extend(check_sfn(&path).0.iter().map(|s| s[..4].to_string()));
    }
    for path in asl_fixtures() {
        seen.extend(check_asl(&path).0.iter().map(|s| s[..4].to_string()));
    }
    for path in files("fixtures/import/invalid", ".pipeline.json") {
        seen.extend(check_import(&path).0.iter().map(|s| s[..4].to_string()));
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !seen.contains(c.as_str()) && !COVERED_ELSEWHERE.iter().any(|(e, _)| e == *c))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    for c in Code::ALL {
        assert!(
            !c.title().is_empty() && c.explanation().len() > 40,
            "{} needs a title and an explanation",
            c.as_str()
        );
    }
}
