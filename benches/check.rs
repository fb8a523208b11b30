//! Re-checking a source must feel instant in an editor: parse and check a 500-line pipeline.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

// The allocator the binary uses (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn source() -> String {
    let mut s = String::from("pipeline \"bench\" {\n  role \"arn:aws:iam::123456789012:role/r\"\n  param DataDate: string\n  param Threshold: float = 0.9\n");
    let mut lines = 4;
    let mut i = 0;
    while lines < 490 {
        s.push_str(&format!(
            "  processing Step{i} {{\n    image \"img\"\n    instance ml.m5.xlarge x 1\n    input raw = \"s3://b/raw/{{DataDate}}/{i}/\"\n    output out = \"s3://b/out/{{DataDate}}/{i}/\"\n  }}\n  lambda Notify{i} {{ function \"f\" payload {{ Out = Step{i}.out, T = Threshold }} }}\n"
        ));
        lines += 7;
        i += 1;
    }
    s.push_str("}\n");
    s
}

fn bench(c: &mut Criterion) {
    let src = source();
    assert!(src.lines().count() >= 490);
    assert!(aslc::driver::check_source(&src).1.is_empty());
    c.bench_function("check_500_lines", |b| {
        b.iter(|| black_box(aslc::driver::check_source(black_box(&src))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
