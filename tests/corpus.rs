//! Real-world definitions AWS accepts must validate with no error: the copy in the repository
//! (`fixtures/asl/corpus/`, provenance in its SOURCES.md) and, when the shared folder is beside
//! the repository, `../shared/asl-corpus/valid/` as it is today, and `fixtures/asl/valid/`
//! (written from the AWS documentation). Warnings are allowed: several
//! samples really do have a Choice without Default.

use aslc::asl;
use std::path::PathBuf;

#[test]
fn every_corpus_definition_validates_without_errors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    check(&root.join("fixtures/asl/corpus/valid"), 168);
    // Written from the AWS documentation, one per rule area a validator tends to get wrong,
    // and templates (CloudFormation, SAM, CDK output) holding definitions.
    check(&root.join("fixtures/asl/valid"), 11);
    let shared = root.join("../shared/asl-corpus/valid");
    if shared.is_dir() {
        check(&shared, 168);
    } else {
        eprintln!(
            "note: {} is not there (the shared folder beside the repository); checked the repository's copy only",
            shared.display()
        );
    }
}

fn check(dir: &std::path::Path, at_least: usize) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut count = 0;
    let mut failures = Vec::new();
    for entry in entries {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        count += 1;
        let options = asl::Options::default();
        let diagnostics = asl::validate_file(&path, &text, &options);
        for d in diagnostics.iter().filter(|d| d.is_error()) {
            failures.push(format!(
                "{}: {} {} at {}",
                path.file_name().unwrap_or_default().to_string_lossy(),
                d.code.as_str(),
                d.message,
                d.pointer.as_deref().unwrap_or("")
            ));
        }
    }
    assert!(
        count >= at_least,
        "expected at least {at_least} files in {}, found {count}",
        dir.display()
    );
    assert!(
        failures.is_empty(),
        "{} false errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The running example of `../shared/language-sketch.md` compiles as written: the bundled
/// fixture is that example, byte for byte.
#[test]
fn the_language_sketch_example_is_the_bundled_fixture_and_compiles() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fixture =
        std::fs::read_to_string(root.join("fixtures/nightly_fraud_retrain.sfn")).expect("fixture");
    let out = aslc::driver::compile_source(&fixture, "nightly.sfn", &Default::default());
    assert!(out.asl.is_some(), "{:#?}", out.diagnostics);
    let sketch = root.join("../shared/language-sketch.md");
    let Ok(text) = std::fs::read_to_string(&sketch) else {
        eprintln!(
            "note: {} is not there; compiled the bundled copy only",
            sketch.display()
        );
        return;
    };
    let example = text
        .split("```\n")
        .nth(1)
        .expect("the sketch's first code block");
    assert_eq!(
        example, fixture,
        "fixtures/nightly_fraud_retrain.sfn must be the sketch's example as written"
    );
}
