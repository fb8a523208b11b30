//! Robustness: thousands of small mutations of real inputs (deleted, duplicated, replaced and
//! swapped bytes) through the parser, checker, compiler and validator. Any panic fails the test,
//! and so does generated ASL that our own validator rejects (an internal error).
//! Deterministic: a fixed-seed generator, so a failure reproduces.

use std::path::PathBuf;

/// `ASLC_MUTATION_ROUNDS=20` runs twenty times the usual rounds, for a longer local search.
fn rounds(base: usize) -> usize {
    base * std::env::var("ASLC_MUTATION_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"\"",
    b"\\",
    b"(",
    b")",
    b"[",
    b"]",
    b".",
    b",",
    b":",
    b"=",
    b"/",
    b"$",
    b"{%",
    b"%}",
    b"\n",
    b"\xF0\x9F\x9A\x80",
    b"when X: Y {",
    b"States.Format(",
    b"x 0",
    b"\n  fail Z { error \"e\" }\n",
    b"\n  parallel P { branch { lambda Q { function \"q\" } } }\n",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let s = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(at..at, s.iter().copied());
            }
            2 if at < out.len() => out[at] = (rng.next() & 0xFF) as u8,
            _ => {
                let a = rng.below(out.len());
                let b = rng.below(out.len());
                if a < out.len() && b < out.len() {
                    out.swap(a, b);
                }
            }
        }
    }
    out
}

fn files(dir: &str, suffix: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("e").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect()
}

#[test]
fn mutated_pipelines_never_panic() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut sources = files("fixtures/steps", ".sfn");
    sources.push(
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/nightly_fraud_retrain.sfn"
        ))
        .expect("seed"),
    );
    for _ in 0..rounds(400) {
        for src in &sources {
            let bytes = mutate(&mut rng, src);
            if let Ok(text) = aslc::driver::decode(&bytes, 1 << 20) {
                // Whatever the checker accepts must lower to ASL our own validator accepts.
                let out = aslc::driver::compile_source(text, "m.sfn", &Default::default());
                let internal: Vec<_> = out
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == aslc::diagnostics::Code::E900)
                    .collect();
                assert!(
                    internal.is_empty(),
                    "internal error for:\n{text}\n{internal:#?}"
                );
            }
        }
    }
}

#[test]
fn mutated_asl_never_panics() {
    let mut rng = Rng(0x5EED_1234_ABCD_0002);
    let mut docs = files("fixtures/asl/corpus/valid", ".json");
    docs.truncate(40);
    docs.extend(files("fixtures/asl/invalid", ".json"));
    for _ in 0..rounds(100) {
        for doc in &docs {
            let bytes = mutate(&mut rng, doc);
            if let Ok(text) = std::str::from_utf8(&bytes) {
                let _ = aslc::asl::validate(text, &aslc::asl::Options { express: true });
            }
        }
    }
}
