//! `aslc run` speed: one night of the compiled seed pipeline (with its lineage states, about
//! 400 history events) answered by a mock file, and a night whose training job fails and is
//! retried. moto's interpreter takes about half a second for such a night.

use aslc::run::{self, mocks, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::hint::black_box;
use std::path::PathBuf;

fn seed(lineage_states: bool) -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("fixtures/nightly_fraud_retrain.sfn")).expect("seed");
    let options = aslc::lower::Options { lineage_states };
    let compiled = aslc::driver::compile_source(&source, "seed.sfn", &options);
    serde_json::from_str(&compiled.asl.expect("compiles")).expect("ASL")
}

fn case(name: &str, lineage: bool) -> mocks::Case {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut file: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("fixtures/run/nightly_fraud_retrain.mocks.json"))
            .expect("mocks"),
    )
    .expect("JSON");
    if lineage {
        // Every lineage call answers with an ARN: the recording states run, as on AWS.
        let arn = json!({"0-1000": {"Return": {"ContextArn": "arn:c", "ActionArn": "arn:a", "ArtifactArn": "arn:x", "ArtifactSummaries": []}}});
        file["MockedResponses"]["Lineage"] = arn;
        let tc = file["StateMachines"]["nightly-fraud-retrain"]["TestCases"][name]
            .as_object_mut()
            .expect("case");
        tc.insert("Lineage.Context".into(), json!("Lineage"));
        for step in [
            "Featurise",
            "TrainXGB",
            "Evaluate",
            "RegisterIfGoodEnough",
            "TriggerDeployLambda",
        ] {
            for state in [
                "Lineage",
                "Lineage.InContext",
                "Lineage.Find",
                "Lineage.Create",
                "Lineage.Input",
                "Lineage.Output",
            ] {
                tc.insert(format!("{step}.{state}"), json!("Lineage"));
            }
        }
    }
    mocks::case(&file, "nightly-fraud-retrain", name).expect("case")
}

fn night(c: &mut Criterion) {
    let mut g = c.benchmark_group("run");
    for (label, lineage) in [
        ("seed night", false),
        ("seed night with lineage states", true),
    ] {
        let def = seed(lineage);
        let tc = case("HighAuc", lineage);
        let events = {
            let mut o = Options::new(json!({"DataDate": "2026-10-31"}));
            o.case = Some(tc.clone());
            run::run(&def, o).events.len()
        };
        eprintln!("{label}: {events} events");
        g.bench_function(label, |b| {
            b.iter(|| {
                let mut o = Options::new(json!({"DataDate": "2026-10-31"}));
                o.case = Some(tc.clone());
                black_box(run::run(black_box(&def), o))
            })
        });
    }
    let def = seed(false);
    let tc = case("CapacityRetry", false);
    g.bench_function("seed night with a capacity retry", |b| {
        b.iter(|| {
            let mut o = Options::new(json!({"DataDate": "2026-10-31"}));
            o.case = Some(tc.clone());
            black_box(run::run(black_box(&def), o))
        })
    });
    g.finish();
}

criterion_group!(benches, night);
criterion_main!(benches);
