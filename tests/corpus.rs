//! Real-world definitions AWS accepts (`../shared/asl-corpus/valid/`) must validate with no
//! error. Warnings are allowed: several samples really do have a Choice without Default.

use aslc::asl;
use std::path::PathBuf;

#[test]
fn every_corpus_definition_validates_without_errors() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/asl-corpus/valid");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut count = 0;
    let mut failures = Vec::new();
    for entry in entries {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        count += 1;
        for d in asl::validate(&text, &asl::Options::default())
            .iter()
            .filter(|d| d.is_error())
        {
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
        count >= 168,
        "expected the whole corpus, found {count} files"
    );
    assert!(
        failures.is_empty(),
        "{} false errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
