//! Fuzzing on stable Rust: seven targets, each run for a time budget with a fixed-seed generator
//! (so a run reproduces), and every input ever found failing kept as a regression fixture under
//! `fixtures/fuzz/<target>/` and replayed first.
//!
//! * `sfn`: generated pipelines (grammar-aware, then mutated) through parse, check and compile.
//!   Beyond "no panic": whatever the checker accepts lowers without an internal error (E900),
//!   and compiling twice gives byte-identical artefacts.
//! * `asl_json`: arbitrary JSON shaped like ASL through the validator.
//! * `asl_corpus`: mutations of the real-world corpus through the validator (Express rules on).
//! * `lsp`: sequences of JSON-RPC messages, well-formed or not, through the server's handler;
//!   every request gets exactly one response.
//! * `fmt`: mutated pipelines through the formatter: what it formats is a fixed point.
//! * `templates`: mutated CloudFormation/SAM/CDK templates (JSON and YAML) through the
//!   template validator.
//! * `histories`: mutated execution histories through `aslc report` and its renderings.
//!
//! `ASLC_FUZZ_SECONDS` sets the budget per target (default 2, so `cargo test` stays quick; CI
//! runs 60). A failing input is written to `fixtures/fuzz/<target>/` and the test fails naming
//! it. Before each input runs it is also written to `target/fuzz/<target>.current`, so an abort
//! that no test can catch (a stack overflow) still leaves the input behind.

use aslc::diagnostics::Code;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn budget() -> Duration {
    let secs = std::env::var("ASLC_FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(2.0);
    Duration::from_secs_f64(secs)
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

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Run `target` on inputs from `generate` until the budget is spent, after replaying the
/// regression fixtures. `check` returns `Err(why)` for a failing input; panics count too.
fn fuzz(
    name: &str,
    seed: u64,
    mut generate: impl FnMut(&mut Rng) -> Vec<u8>,
    check: impl Fn(&[u8]) -> Result<(), String>,
) {
    let regressions = root().join("fixtures/fuzz").join(name);
    let mut inputs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&regressions)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(&p).expect("regression"),
            )
        })
        .collect();
    inputs.sort();
    let scratch = root().join("target/fuzz");
    std::fs::create_dir_all(&scratch).expect("target/fuzz");
    let current = scratch.join(format!("{name}.current"));
    let run = |input: &[u8]| -> Result<(), String> {
        std::fs::write(&current, input).expect("current input");
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(input))) {
            Ok(r) => r,
            Err(p) => Err(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        }
    };
    for (path, input) in &inputs {
        if let Err(why) = run(input) {
            panic!("{name}: regression {path} fails again: {why}");
        }
    }
    let mut rng = Rng(seed);
    let deadline = Instant::now() + budget();
    let mut count = 0usize;
    while count < 50 || Instant::now() < deadline {
        let input = generate(&mut rng);
        count += 1;
        if let Err(why) = run(&input) {
            std::fs::create_dir_all(&regressions).expect("regression dir");
            let file = regressions.join(format!("{:016x}", hash(&input)));
            std::fs::write(&file, &input).expect("write regression");
            panic!(
                "{name}: input {count} fails: {why}\nkept as {}",
                file.display()
            );
        }
    }
    eprintln!("{name}: {count} inputs, no failure");
}

fn hash(bytes: &[u8]) -> u64 {
    // FNV-1a: a stable name for a regression file.
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
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
    b"[[[[[[[[",
    b"not not not",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(5) {
            0 if !out.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at.min(end)..end);
            }
            1 => {
                let s = *rng.pick(INTERESTING);
                out.splice(at..at, s.iter().copied());
            }
            2 if at < out.len() => out[at] = (rng.next() & 0xFF) as u8,
            3 if !out.is_empty() => {
                // Duplicate a run: repeated statements, deeper nesting.
                let from = rng.below(out.len());
                let end = (from + 1 + rng.below(64)).min(out.len());
                let run: Vec<u8> = out[from..end].to_vec();
                out.splice(at..at, run);
            }
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
    let dir = root().join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect()
}

mod gen {
    //! A grammar-aware pipeline generator: declarations and steps of every kind, with
    //! references to earlier names, conditions and nesting, written the way users write them.
    use super::Rng;

    const TYPES: &[(&str, &[&str])] = &[
        ("string", &["\"dev\"", "\"s3://b/x/\"", "\"\""]),
        ("int", &["3", "0", "-7"]),
        ("float", &["0.94", "1", "2.5"]),
        ("bool", &["true", "false"]),
    ];

    pub struct Scope {
        pub params: Vec<(String, &'static str)>,
        /// (step, output, is an S3 value).
        pub outputs: Vec<(String, String, bool)>,
        pub files: Vec<(String, String)>,
        pub models: Vec<String>,
        pub trained: Vec<String>,
        pub steps: usize,
    }

    fn s3(rng: &mut Rng, sc: &Scope) -> String {
        let strings: Vec<&(String, &str)> =
            sc.params.iter().filter(|(_, t)| *t == "string").collect();
        let outs: Vec<&(String, String, bool)> = sc.outputs.iter().filter(|o| o.2).collect();
        match rng.below(4) {
            0 if !outs.is_empty() => {
                let (s, o, _) = rng.pick(&outs);
                format!("{s}.{o}")
            }
            1 if !strings.is_empty() => format!("\"s3://b/{{{}}}/x/\"", rng.pick(&strings).0),
            2 if !strings.is_empty() => format!("\"{{{}}}\"", rng.pick(&strings).0),
            _ => format!("\"s3://b/p{}/\"", rng.below(9)),
        }
    }

    fn value(rng: &mut Rng, sc: &Scope) -> String {
        match rng.below(5) {
            0 if !sc.params.is_empty() => rng.pick(&sc.params).0.clone(),
            1 if !sc.outputs.is_empty() => {
                let (s, o, _) = rng.pick(&sc.outputs);
                format!("{s}.{o}")
            }
            2 => rng.below(100).to_string(),
            3 => "true".into(),
            _ => "\"text\"".into(),
        }
    }

    fn operand(rng: &mut Rng, sc: &Scope) -> String {
        match rng.below(4) {
            0 if !sc.files.is_empty() => {
                let (s, f) = rng.pick(&sc.files);
                let ty = rng.pick(&["float", "int", "string", "bool"]);
                format!("json({s}.{f}, \"a.b[0]\") as {ty}")
            }
            1 if !sc.params.is_empty() => rng.pick(&sc.params).0.clone(),
            2 => "0.5".into(),
            _ => "\"x\"".into(),
        }
    }

    fn condition(rng: &mut Rng, sc: &Scope, depth: usize) -> String {
        if depth > 2 || rng.chance(50) {
            let op = rng.pick(&["==", "!=", "<", "<=", ">", ">="]);
            return format!("{} {op} {}", operand(rng, sc), operand(rng, sc));
        }
        match rng.below(4) {
            0 => format!("not ({})", condition(rng, sc, depth + 1)),
            1 if !sc.params.is_empty() => format!("exists({})", rng.pick(&sc.params).0),
            3 if !sc.params.is_empty() => format!(
                "{} {}in [\"a\", 1, true]",
                rng.pick(&sc.params).0,
                if rng.chance(50) { "not " } else { "" }
            ),
            2 => format!(
                "{} or {}",
                condition(rng, sc, depth + 1),
                condition(rng, sc, depth + 1)
            ),
            _ => format!(
                "({}) and {}",
                condition(rng, sc, depth + 1),
                condition(rng, sc, depth + 1)
            ),
        }
    }

    fn job_common(rng: &mut Rng, out: &mut String) {
        out.push_str("    image \"123.dkr.ecr.us-east-1.amazonaws.com/i:1\"\n");
        out.push_str(&format!(
            "    instance ml.m5.xlarge x {}\n",
            1 + rng.below(3)
        ));
        if rng.chance(30) {
            out.push_str("    retry transient, api\n");
        }
        if rng.chance(20) {
            out.push_str("    cache 7d\n");
        }
        if rng.chance(20) {
            out.push_str("    max_runtime 2h\n");
        }
    }

    pub fn step(rng: &mut Rng, sc: &mut Scope, depth: usize, out: &mut String) {
        sc.steps += 1;
        let name = format!("S{}", sc.steps);
        let kinds = if depth < 3 { 11 } else { 9 };
        match rng.below(kinds) {
            0 => {
                out.push_str(&format!("  processing {name} {{\n"));
                job_common(rng, out);
                out.push_str("    code \"s3://b/code/run.py\"\n");
                out.push_str(&format!("    input a = {}", s3(rng, sc)));
                if rng.chance(30) {
                    out.push_str(" at \"/opt/ml/processing/in\" { distribution ShardedByS3Key }");
                }
                out.push('\n');
                if rng.chance(30) {
                    out.push_str("    output o at \"/opt/ml/processing/o\"\n");
                } else {
                    out.push_str(&format!("    output o = {}\n", s3(rng, sc)));
                }
                if rng.chance(50) {
                    out.push_str("    property_file m = o / \"m.json\"\n");
                    sc.files.push((name.clone(), "m".into()));
                }
                if rng.chance(30) {
                    out.push_str(&format!(
                        "    arguments [\"--x\", \"{}\"]\n",
                        sc.params
                            .iter()
                            .find(|p| p.1 == "string")
                            .map_or("y".into(), |p| format!("{{{}}}", p.0))
                    ));
                }
                out.push_str("  }\n");
                sc.outputs.push((name.clone(), "o".into(), true));
            }
            1 | 2 => {
                let tuning = rng.chance(30);
                out.push_str(&format!(
                    "  {} {name} {{\n",
                    if tuning { "tuning" } else { "training" }
                ));
                job_common(rng, out);
                out.push_str(&format!("    channel train = {}\n", s3(rng, sc)));
                out.push_str("    output model = \"s3://b/models/\"\n");
                if tuning {
                    out.push_str(
                        "    ranges { eta = continuous(0.1, 0.3) }\n    maximize \"auc\"\n",
                    );
                } else {
                    out.push_str(&format!(
                        "    hyperparameters {{ depth = {} }}\n",
                        value(rng, sc)
                    ));
                }
                out.push_str("  }\n");
                sc.outputs
                    .push((name.clone(), "model_artifacts".into(), true));
                sc.trained.push(name);
            }
            3 if !sc.trained.is_empty() => {
                let t = rng.pick(&sc.trained).clone();
                out.push_str(&format!("  create_model {name} {{ model {t} }}\n"));
                sc.models.push(name);
            }
            4 if !sc.models.is_empty() => {
                let m = rng.pick(&sc.models).clone();
                out.push_str(&format!(
                    "  transform {name} {{\n    model {m}\n    instance ml.m5.large\n    input i = {}\n    output o = \"s3://b/t/\"\n  }}\n",
                    s3(rng, sc)
                ));
                sc.outputs.push((name, "o".into(), true));
            }
            5 if !sc.trained.is_empty() => {
                let t = rng.pick(&sc.trained).clone();
                out.push_str(&format!(
                    "  register {name} {{\n    model_package_group \"g\"\n    model {t}\n    approval pending_manual\n  }}\n"
                ));
                sc.outputs.push((name, "model_package_arn".into(), false));
            }
            6 => {
                out.push_str(&format!(
                    "  lambda {name} {{\n    function \"f\"\n    payload {{ A = {}, B = join(\"/\", {}, execution.id) }}\n    outputs {{ uri: s3 }}\n  }}\n",
                    value(rng, sc),
                    value(rng, sc)
                ));
                sc.outputs.push((name.clone(), "payload".into(), false));
                sc.outputs.push((name, "uri".into(), true));
            }
            7 => {
                out.push_str(&format!(
                    "  callback {name} {{\n    queue \"https://sqs.us-east-1.amazonaws.com/1/q\"\n    message {{ A = {} }}\n    timeout 1h\n  }}\n",
                    value(rng, sc)
                ));
            }
            8 => {
                out.push_str(&format!(
                    "  emr {name} {{\n    cluster \"j-1\"\n    args [\"a\", {}]\n  }}\n",
                    s3(rng, sc)
                ));
            }
            9 => {
                out.push_str(&format!("  when {name}: {} {{\n", condition(rng, sc, 0)));
                let mut inner = Scope {
                    params: sc.params.clone(),
                    outputs: sc.outputs.clone(),
                    files: sc.files.clone(),
                    models: sc.models.clone(),
                    trained: sc.trained.clone(),
                    steps: sc.steps,
                };
                for _ in 0..1 + rng.below(2) {
                    step(rng, &mut inner, depth + 1, out);
                }
                sc.steps = inner.steps;
                if rng.chance(50) {
                    out.push_str("  } else {\n");
                    if rng.chance(30) {
                        out.push_str(&format!("  fail F{} {{ error \"E\" }}\n", sc.steps));
                    } else {
                        step(rng, sc, depth + 1, out);
                    }
                }
                out.push_str("  }\n");
            }
            _ => {
                out.push_str(&format!("  parallel {name} {{\n"));
                for _ in 0..2 {
                    out.push_str("  branch {\n");
                    step(rng, sc, depth + 1, out);
                    out.push_str("  }\n");
                }
                out.push_str("  }\n");
            }
        }
    }

    pub fn pipeline(rng: &mut Rng) -> String {
        let mut out = String::from("pipeline \"fuzz\" {\n  role \"arn:aws:iam::123456789012:role/r\"\n  cache_table \"t\"\n  default_bucket \"bucket\"\n");
        let mut sc = Scope {
            params: vec![],
            outputs: vec![],
            files: vec![],
            models: vec![],
            trained: vec![],
            steps: 0,
        };
        for i in 0..rng.below(4) {
            let (ty, defaults) = rng.pick(TYPES);
            let name = format!("P{i}");
            if rng.chance(60) {
                out.push_str(&format!("  param {name}: {ty} = {}\n", rng.pick(defaults)));
            } else {
                out.push_str(&format!("  param {name}: {ty}\n"));
            }
            sc.params.push((name, ty));
        }
        out.push_str("  retry transient {\n    on [sagemaker.capacity_error, sagemaker.job_internal_error]\n    interval 30s backoff 2.0 max_attempts 3\n  }\n");
        out.push_str("  retry api {\n    on [step.service_fault, step.throttling]\n    max_attempts 5\n  }\n");
        if rng.chance(20) {
            if let Some((p, _)) = sc.params.iter().find(|p| p.1 == "string") {
                out.push_str(&format!(
                    "  schedule \"cron(0 2 * * ? *)\" {{ {p} = yesterday() }}\n"
                ));
            }
        }
        for _ in 0..1 + rng.below(6) {
            step(rng, &mut sc, 0, &mut out);
        }
        out.push_str("}\n");
        out
    }
}

#[test]
fn fuzz_pipelines() {
    let mut seeds = files("fixtures/steps", ".sfn");
    seeds.extend(files("fixtures/foreach", ".sfn"));
    seeds.push(std::fs::read(root().join("fixtures/nightly_fraud_retrain.sfn")).expect("seed"));
    let options = aslc::lower::Options::default();
    fuzz(
        "sfn",
        0x5EED_0000_0000_0001,
        |rng| {
            let base = if rng.chance(50) {
                gen::pipeline(rng).into_bytes()
            } else {
                rng.pick(&seeds).clone()
            };
            if rng.chance(40) {
                base
            } else {
                mutate(rng, &base)
            }
        },
        |bytes| {
            let Ok(text) = aslc::driver::decode(bytes, 1 << 20) else {
                return Ok(());
            };
            let a = aslc::driver::compile_source(text, "f.sfn", &options);
            if let Some(d) = a.diagnostics.iter().find(|d| d.code == Code::E900) {
                return Err(format!(
                    "internal error: {} {}",
                    d.message,
                    d.help.clone().unwrap_or_default()
                ));
            }
            if a.asl.is_some() {
                let b = aslc::driver::compile_source(text, "f.sfn", &options);
                let same =
                    (a.asl, a.lineage, a.iam, a.schedule) == (b.asl, b.lineage, b.iam, b.schedule);
                if !same {
                    return Err("two compiles differ".into());
                }
            }
            Ok(())
        },
    );
}

/// Arbitrary JSON built from ASL's vocabulary, so most documents get past the parse.
fn asl_json(rng: &mut Rng, depth: usize) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    const KEYS: &[&str] = &[
        "Type",
        "Next",
        "End",
        "Resource",
        "Parameters",
        "ResultPath",
        "ResultSelector",
        "OutputPath",
        "InputPath",
        "Retry",
        "Catch",
        "ErrorEquals",
        "Choices",
        "Default",
        "Variable",
        "StringEquals",
        "NumericGreaterThanPath",
        "And",
        "Or",
        "Not",
        "Branches",
        "ItemProcessor",
        "ItemReader",
        "ItemsPath",
        "Items",
        "MaxConcurrency",
        "Seconds",
        "TimestampPath",
        "Assign",
        "Output",
        "Arguments",
        "QueryLanguage",
        "Condition",
        "Error",
        "Cause",
        "ErrorPath",
        "StartAt",
        "States",
        "TimeoutSeconds",
        "Comment",
        "x.$",
        "Credentials",
        "ProcessorConfig",
        "Mode",
        "ToleratedFailureCount",
    ];
    const STRINGS: &[&str] = &[
        "Task",
        "Pass",
        "Choice",
        "Wait",
        "Succeed",
        "Fail",
        "Parallel",
        "Map",
        "A",
        "B",
        "$",
        "$.a",
        "$$.Execution.Id",
        "$.a[0]",
        "$['x']",
        "States.ALL",
        "States.Format('{}', $.a)",
        "{% $states.input %}",
        "{% 1 + %}",
        "JSONata",
        "JSONPath",
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::sagemaker:createTrainingJob.sync",
        "2026-13-01T00:00:00Z",
        "$x",
        "",
    ];
    match rng.below(if depth > 4 { 4 } else { 7 }) {
        0 => json!(rng.pick(STRINGS)),
        1 => json!(rng.below(1000) as i64 - 10),
        2 => json!(rng.chance(50)),
        3 => Value::Null,
        4 => Value::Array(
            (0..rng.below(4))
                .map(|_| asl_json(rng, depth + 1))
                .collect(),
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(6) {
                m.insert(rng.pick(KEYS).to_string(), asl_json(rng, depth + 1));
            }
            if depth == 0 || rng.chance(30) {
                let mut states = Map::new();
                for name in ["A", "B"] {
                    states.insert(name.into(), asl_json(rng, depth + 2));
                }
                m.insert("StartAt".into(), json!("A"));
                m.insert("States".into(), Value::Object(states));
            }
            Value::Object(m)
        }
    }
}

fn validate_bytes(bytes: &[u8]) -> Result<(), String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = aslc::asl::validate(text, &aslc::asl::Options { express: true });
        let _ = aslc::asl::validate(text, &aslc::asl::Options::default());
    }
    Ok(())
}

#[test]
fn fuzz_validator_on_generated_json() {
    fuzz(
        "asl_json",
        0x5EED_0000_0000_0002,
        |rng| serde_json::to_vec(&asl_json(rng, 0)).expect("json"),
        validate_bytes,
    );
}

#[test]
fn fuzz_validator_on_corpus_mutations() {
    let mut docs = files("fixtures/asl/corpus/valid", ".json");
    docs.extend(files("fixtures/asl/invalid", ".json"));
    fuzz(
        "asl_corpus",
        0x5EED_0000_0000_0003,
        |rng| {
            let doc = rng.pick(&docs).clone();
            mutate(rng, &doc)
        },
        validate_bytes,
    );
}

/// `aslc fmt` on mutated pipelines: never a panic, and what it formats is a fixed point that
/// still parses.
#[test]
fn fuzz_formatter() {
    let mut seeds = files("fixtures/steps", ".sfn");
    seeds.extend(files("fixtures/foreach", ".sfn"));
    seeds.extend(files("fixtures/real", ".sfn"));
    fuzz(
        "fmt",
        0x5EED_0000_0000_0005,
        |rng| {
            let base = rng.pick(&seeds).clone();
            mutate(rng, &base)
        },
        |bytes| {
            let Ok(text) = std::str::from_utf8(bytes) else {
                return Ok(());
            };
            let Ok(once) = aslc::fmt::format(text) else {
                return Ok(());
            };
            match aslc::fmt::format(&once) {
                Ok(twice) if twice == once => Ok(()),
                Ok(_) => Err("formatting the formatted source changed it".into()),
                Err(_) => Err("the formatted source does not parse".into()),
            }
        },
    );
}

/// Mutated CloudFormation/SAM/CDK templates, JSON and YAML, through the template validator.
#[test]
fn fuzz_template_validation() {
    let mut docs = files("fixtures/asl/valid", ".template.json");
    docs.extend(files("fixtures/asl/valid", ".template.yaml"));
    docs.extend(files("fixtures/asl/invalid", ".template.json"));
    docs.extend(files("fixtures/asl/invalid", ".template.yaml"));
    fuzz(
        "templates",
        0x5EED_0000_0000_0006,
        |rng| {
            let base = rng.pick(&docs).clone();
            mutate(rng, &base)
        },
        |bytes| {
            if let Ok(text) = std::str::from_utf8(bytes) {
                for name in ["t.template.json", "t.template.yaml"] {
                    let _ = aslc::asl::validate_file(Path::new(name), text, &Default::default());
                }
            }
            Ok(())
        },
    );
}

/// Mutated execution histories through `aslc report` and its four renderings.
#[test]
fn fuzz_report_histories() {
    let nights = files("fixtures/report/seed-14-nights", ".json");
    fuzz(
        "histories",
        0x5EED_0000_0000_0007,
        |rng| {
            let base = rng.pick(&nights).clone();
            mutate(rng, &base)
        },
        |bytes| {
            let input = aslc::report::Input {
                file: "h.json".into(),
                text: String::from_utf8_lossy(bytes).into_owned(),
                describe: None,
            };
            let r = aslc::report::build(&[input], None, None);
            let _ = (
                aslc::report::text(&r),
                aslc::report::svg(&r),
                aslc::report::html(&r),
            );
            serde_json::to_string(&r)
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    );
}

/// A JSON-RPC session as the bytes a client writes: initialize, then random opens, changes,
/// requests and junk, each framed with its Content-Length.
fn lsp_session(rng: &mut Rng, sources: &[Vec<u8>]) -> Vec<u8> {
    use serde_json::json;
    let uri = if rng.chance(50) {
        "file:///f.sfn"
    } else {
        "file:///f.asl.json"
    };
    let mut msgs = vec![
        json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"capabilities": {}}}),
    ];
    let source = rng.pick(sources).clone();
    let text = String::from_utf8_lossy(&mutate(rng, &source)).into_owned();
    msgs.push(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "sfn", "version": 1, "text": text}}}));
    for id in 1..1 + rng.below(12) {
        let pos = json!({"line": rng.below(40), "character": rng.below(120)});
        let fragment: &[u8] = INTERESTING[rng.below(INTERESTING.len())];
        let fragment = String::from_utf8_lossy(fragment).into_owned();
        let m = match rng.below(9) {
            0 => {
                json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": pos}})
            }
            1 => {
                json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/definition", "params": {"textDocument": {"uri": uri}, "position": pos}})
            }
            2 => {
                json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": pos}})
            }
            3 => {
                json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/documentSymbol", "params": {"textDocument": {"uri": uri}}})
            }
            4 => {
                json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/codeAction", "params": {"textDocument": {"uri": uri}, "range": {"start": pos, "end": pos}, "context": {"diagnostics": []}}})
            }
            5 => {
                json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": id + 1}, "contentChanges": [{"range": {"start": pos, "end": {"line": rng.below(40), "character": rng.below(80)}}, "text": fragment}]}})
            }
            6 => {
                json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {"bogus": true}})
            }
            7 => json!({"jsonrpc": "2.0", "id": id, "method": "shutdown"}),
            _ => json!({"jsonrpc": "2.0", "id": id, "method": "aslc/unknown", "params": null}),
        };
        msgs.push(m);
    }
    let mut out = Vec::new();
    for m in msgs {
        let body = m.to_string();
        out.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).bytes());
    }
    out
}

/// The frames of a byte stream, as JSON values (whatever does not parse is skipped).
fn frames(bytes: &[u8]) -> Vec<serde_json::Value> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find("Content-Length: ") {
        rest = &rest[at + 16..];
        let Some((len, tail)) = rest.split_once("\r\n\r\n") else {
            break;
        };
        let Ok(len) = len.trim().parse::<usize>() else {
            continue;
        };
        if let Some(body) = tail.get(..len) {
            if let Ok(v) = serde_json::from_str(body) {
                out.push(v);
            }
        }
        rest = tail;
    }
    out
}

#[test]
fn fuzz_language_server_sessions() {
    let mut sources = files("fixtures/steps", ".sfn");
    sources.extend(files("fixtures/asl/invalid", ".json"));
    fuzz(
        "lsp",
        0x5EED_0000_0000_0004,
        |rng| {
            let session = lsp_session(rng, &sources);
            if rng.chance(80) {
                session
            } else {
                // Broken framing too: the server must answer what it can and carry on.
                mutate(rng, &session)
            }
        },
        |bytes| {
            let mut input = std::io::Cursor::new(bytes.to_vec());
            let mut output = Vec::new();
            aslc::lsp::serve(&mut input, &mut output).map_err(|e| e.to_string())?;
            // Every request the server could read gets exactly one response (a client that
            // reuses an id gets one per request).
            let responses = frames(&output);
            let requests = frames(bytes);
            for m in &requests {
                let (Some(id), Some(_)) = (m.get("id"), m.get("method")) else {
                    continue;
                };
                let sent = requests
                    .iter()
                    .filter(|r| r.get("id") == Some(id) && r.get("method").is_some())
                    .count();
                let answered = responses
                    .iter()
                    .filter(|r| r.get("id") == Some(id) && r.get("method").is_none())
                    .count();
                if answered != sent && bytes.len() == frames_len(bytes) {
                    return Err(format!("{sent} requests {id} got {answered} responses"));
                }
            }
            Ok(())
        },
    );
}

/// The length of the stream when every frame is well formed (a mutated stream differs).
fn frames_len(bytes: &[u8]) -> usize {
    frames(bytes)
        .iter()
        .map(|m| {
            let body = m.to_string();
            format!("Content-Length: {}\r\n\r\n{body}", body.len()).len()
        })
        .sum()
}

#[test]
fn regression_fixtures_are_named_by_target() {
    // Every directory under fixtures/fuzz is a target above, so no regression is silently
    // skipped.
    let dir = root().join("fixtures/fuzz");
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            [
                "sfn",
                "asl_json",
                "asl_corpus",
                "lsp",
                "fmt",
                "import",
                "run",
                "templates",
                "histories"
            ]
            .contains(&name.as_str())
                || name == "README.md",
            "{}: unknown fuzz target {name}",
            Path::new(&dir).display()
        );
    }
}

/// A random change somewhere in a JSON document: a value replaced, a key removed, an item
/// duplicated.
fn mutate_json(rng: &mut Rng, v: &mut serde_json::Value, depth: usize) {
    use serde_json::{json, Value};
    let dive = depth < 12 && rng.chance(80);
    match v {
        Value::Object(m) if dive && !m.is_empty() => {
            let key = rng.pick(&m.keys().cloned().collect::<Vec<_>>()).clone();
            if rng.chance(10) {
                m.remove(&key);
            } else if let Some(x) = m.get_mut(&key) {
                mutate_json(rng, x, depth + 1);
            }
        }
        Value::Array(a) if dive && !a.is_empty() => {
            let i = rng.below(a.len());
            if rng.chance(10) {
                let copy = a[i].clone();
                a.push(copy);
            } else {
                mutate_json(rng, &mut a[i], depth + 1);
            }
        }
        _ => {
            let pool = [
                json!(null),
                json!({}),
                json!([]),
                json!(0),
                json!(-1.5),
                json!(true),
                json!("x"),
                json!(""),
                json!("s3://b/k/"),
                json!({"Get": "Parameters.Nope"}),
                json!({"Get": "Steps.Nope.ModelArtifacts.S3ModelArtifacts"}),
                json!({"Get": "Execution.PipelineExecutionId"}),
                json!({"Std:Join": {"On": "/", "Values": ["a", {"Get": "Execution.PipelineName"}]}}),
                json!({"Std:JsonGet": {"PropertyFile": "x", "Path": "a.b"}}),
                json!({"Std:JsonGet": {"S3Uri": "s3://b/k.json", "Path": "a.b"}}),
                json!({"Std:JsonGet": {"S3Uri": {"Std:Join": {"On": "/", "Values": ["s3://b", {"Get": "Execution.PipelineExecutionId"}, "m.json"]}}, "Path": "x"}}),
                json!("a\"b{c}\\d\n"),
            ];
            *v = rng.pick(&pool).clone();
        }
    }
}

/// One of `docs`, changed in one to three places.
fn mutated(rng: &mut Rng, docs: &[serde_json::Value]) -> Vec<u8> {
    let mut doc = rng.pick(docs).clone();
    for _ in 0..=rng.below(3) {
        mutate_json(rng, &mut doc, 0);
    }
    serde_json::to_vec(&doc).expect("json")
}

/// `aslc import` on mutated SDK definitions: never a panic, and never a source the checker
/// refuses (E900): what the importer cannot say it reports at a pointer.
#[test]
fn fuzz_import() {
    let docs: Vec<serde_json::Value> = files("fixtures/import", ".json")
        .iter()
        .map(|b| serde_json::from_slice(b).expect("fixture"))
        .collect();
    fuzz(
        "import",
        0x5EED_0000_0000_0009,
        |rng| mutated(rng, &docs),
        |bytes| {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            let out = aslc::import::import(text, None, "fuzz");
            match out
                .diagnostics
                .iter()
                .find(|d| d.code == aslc::diagnostics::Code::E900)
            {
                Some(d) => Err(d.message.clone()),
                None => Ok(()),
            }
        },
    );
}

/// `aslc run` on mutated real definitions that still validate: never a panic, and the event
/// limit is kept.
#[test]
fn fuzz_run() {
    let docs: Vec<serde_json::Value> = files("fixtures/asl/corpus/valid", ".json")
        .iter()
        .filter_map(|b| serde_json::from_slice(b).ok())
        .collect();
    fuzz(
        "run",
        0x5EED_0000_0000_000A,
        |rng| mutated(rng, &docs),
        |bytes| {
            let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
            if aslc::asl::validate(text, &Default::default())
                .iter()
                .any(|d| d.is_error())
            {
                return Ok(());
            }
            let def: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
            let mut options = aslc::run::Options::new(serde_json::json!({"a": [1, 2], "b": "x"}));
            options.max_events = 2_000;
            let out = aslc::run::run(&def, options);
            if out.events.len() > 2_002 {
                return Err(format!("{} events past the limit", out.events.len()));
            }
            Ok(())
        },
    );
}
