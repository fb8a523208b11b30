//! `aslc report` speed: the fourteen nights of the seed pipeline (fixtures/report/), and the same
//! histories repeated to 140 and 1,000 executions to show it is linear. Each iteration reads
//! every history from text, folds, computes the statistics and renders the HTML page.

use aslc::report::{self, Folding, Input};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;

// The allocator the binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn nights() -> Vec<Input> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/report/seed-14-nights");
    (1..=14)
        .map(|n| Input {
            file: format!("night-{n:02}.json"),
            text: std::fs::read_to_string(dir.join(format!("night-{n:02}.json"))).expect("history"),
            describe: std::fs::read_to_string(dir.join(format!("night-{n:02}.describe.json"))).ok(),
        })
        .collect()
}

fn folding() -> Folding {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("fixtures/nightly_fraud_retrain.sfn")).expect("seed");
    let compiled = aslc::driver::compile_source(&source, "seed.sfn", &Default::default());
    Folding::from_sidecar(
        &serde_json::from_str(&compiled.lineage.expect("compiles")).expect("sidecar"),
    )
}

fn bench(c: &mut Criterion) {
    let fold = folding();
    let base = nights();
    let mut group = c.benchmark_group("report");
    for n in [14usize, 140, 1000] {
        let inputs: Vec<Input> = (0..n)
            .map(|i| {
                let b = &base[i % base.len()];
                Input {
                    file: format!("{i}-{}", b.file),
                    text: b.text.clone(),
                    describe: b.describe.clone(),
                }
            })
            .collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("executions", n), &inputs, |b, inputs| {
            b.iter(|| {
                let r = report::build(black_box(inputs), Some(&fold), None);
                black_box(report::html(&r))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
