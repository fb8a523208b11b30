//! `aslc fmt` over every pipeline in the repository (and the language sketch's example): the
//! output is a fixed point (formatting it again changes nothing), every comment is still there,
//! and the formatted source means the same (it compiles to the same ASL and sidecar, or reports
//! the same diagnostics).

use aslc::{driver, fmt};
use std::path::{Path, PathBuf};

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").path())
        {
            if e.is_dir() {
                walk(&e, out);
            } else if e.extension().is_some_and(|x| x == "sfn") {
                out.push(e);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut out,
    );
    out.sort();
    out
}

fn comments(text: &str) -> Vec<String> {
    // Every `//` line comment's text, in order (the fixtures use no block comments in strings).
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let mut in_string = false;
            let b = l.as_bytes();
            for i in 0..b.len() {
                match b[i] {
                    b'"' if i == 0 || b[i - 1] != b'\\' => in_string = !in_string,
                    b'/' if !in_string && b.get(i + 1) == Some(&b'/') => {
                        return Some(l[i..].trim_end().to_string())
                    }
                    _ => {}
                }
            }
            None
        })
        .collect();
    out.sort();
    out
}

fn meaning(text: &str) -> (Option<String>, Option<String>, Vec<String>) {
    let c = driver::compile_source(text, "x.sfn", &Default::default());
    let codes = c
        .diagnostics
        .iter()
        .map(|d| d.code.as_str().to_string())
        .collect();
    (c.asl, c.lineage, codes)
}

#[test]
fn formatting_is_a_fixed_point_that_keeps_comments_and_meaning() {
    let mut formatted = 0;
    let mut failures = Vec::new();
    for path in sources() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(once) = fmt::format(&text) else {
            // Sources with syntax errors are not formatted (the invalid fixtures).
            continue;
        };
        formatted += 1;
        let name = path.display();
        match fmt::format(&once) {
            Ok(twice) if twice == once => {}
            Ok(twice) => failures.push(format!("{name}: not a fixed point:\n{once}\n---\n{twice}")),
            Err(d) => failures.push(format!("{name}: formatted output does not parse: {d:?}")),
        }
        if comments(&text) != comments(&once) {
            failures.push(format!("{name}: comments changed"));
        }
        if meaning(&text) != meaning(&once) {
            failures.push(format!(
                "{name}: the formatted source means something else:\n{once}"
            ));
        }
    }
    assert!(formatted >= 40, "only {formatted} sources formatted");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_sketch_example_formats_to_the_same_pipeline() {
    let sketch = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/language-sketch.md");
    let Ok(md) = std::fs::read_to_string(&sketch) else {
        eprintln!("note: {} is not there; skipped", sketch.display());
        return;
    };
    let example = md.split("```").nth(1).expect("the sketch has a code block");
    let example = example.trim_start_matches(|c: char| c != '\n');
    let once = fmt::format(example).expect("the sketch's example parses");
    assert_eq!(fmt::format(&once).expect("parses"), once);
    assert_eq!(meaning(example), meaning(&once));
}

#[test]
fn layout_rules() {
    let src = "pipeline \"p\" {\n\n\n  param A : string=\"x\"   // a\n  param LongerName:int = 1\n  lambda L {\n    function   \"f\"\n    payload {a=1,b =  [ 1,2 ]}\n  }\n}\n";
    let out = fmt::format(src).expect("formats");
    assert_eq!(
        out,
        "pipeline \"p\" {\n  param A:          string = \"x\"  // a\n  param LongerName: int    = 1\n  lambda L {\n    function \"f\"\n    payload { a = 1, b = [1, 2] }\n  }\n}\n"
    );
    // A syntax error: nothing is formatted.
    assert!(fmt::format("pipeline \"p\" { lambda {").is_err());
}
