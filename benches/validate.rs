//! Validation speed: the whole real-world corpus (throughput in documents, so criterion reports
//! the time per document), and generated definitions of 10, 100 and 1,000 states to show that
//! validation is linear in the size of the document.

use aslc::asl::{phases, validate, Options};

// The allocator the binary uses (src/main.rs): the validator's time is a fifth allocation.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;

fn corpus() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/asl/corpus/valid");
    let mut docs: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures/asl/corpus/valid")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("read"))
        .collect();
    docs.sort();
    docs
}

/// A chain of `n` states: Tasks with retries and parameters, a Choice every tenth state.
fn generated(n: usize) -> String {
    let mut states = Vec::new();
    for i in 0..n {
        let next = if i + 1 == n {
            "\"End\": true".to_string()
        } else {
            format!("\"Next\": \"S{}\"", i + 1)
        };
        let state = if i % 10 == 9 && i + 1 < n {
            format!(
                "\"S{i}\": {{\"Type\": \"Choice\", \"Choices\": [{{\"Variable\": \"$.steps.S{}.count\", \"NumericGreaterThan\": 3, \"Next\": \"S{}\"}}], \"Default\": \"S{}\"}}",
                i - 1,
                i + 1,
                i + 1
            )
        } else {
            format!(
                "\"S{i}\": {{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \"Parameters\": {{\"FunctionName\": \"f{i}\", \"Payload\": {{\"id.$\": \"States.Format('{{}}-{{}}', $.id, States.UUID())\", \"input.$\": \"$.input\"}}}}, \"ResultSelector\": {{\"count.$\": \"$.Payload.count\"}}, \"ResultPath\": \"$.steps.S{i}\", \"Retry\": [{{\"ErrorEquals\": [\"Lambda.ServiceException\"], \"IntervalSeconds\": 2, \"MaxAttempts\": 3, \"BackoffRate\": 2.0}}], {next}}}"
            )
        };
        states.push(state);
    }
    format!(
        "{{\"StartAt\": \"S0\", \"States\": {{{}}}}}",
        states.join(", ")
    )
}

fn bench(c: &mut Criterion) {
    let options = Options::default();
    let docs = corpus();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("validate_all_documents", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(validate(black_box(d), &options));
            }
        })
    });
    group.finish();

    // Where the time goes: each phase over the whole corpus, on values parsed beforehand.
    let values: Vec<_> = docs.iter().filter_map(|d| phases::parse(d)).collect();
    assert_eq!(values.len(), docs.len(), "every corpus document parses");
    let mut group = c.benchmark_group("phase");
    group.throughput(Throughput::Elements(docs.len() as u64));
    group.bench_function("parse", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(phases::parse(black_box(d)));
            }
        })
    });
    group.bench_function("schema", |b| {
        b.iter(|| {
            for v in &values {
                black_box(phases::schema(black_box(v)));
            }
        })
    });
    group.bench_function("rules", |b| {
        b.iter(|| {
            for v in &values {
                black_box(phases::rules(black_box(v), &options));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("scaling");
    for n in [10usize, 100, 1000] {
        let doc = generated(n);
        assert!(
            validate(&doc, &options).is_empty(),
            "the generated definition is valid"
        );
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("states", n), &doc, |b, doc| {
            b.iter(|| black_box(validate(black_box(doc), &options)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
