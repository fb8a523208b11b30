//! `aslc run` speed: one night of the compiled seed pipeline answered by a mock file (without and
//! with its lineage starts), one execution of its lineage recorder, and a night whose training job
//! fails and is retried. moto's interpreter takes about half a second for such a night.

use aslc::run::{self, mocks, Options};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::alloc::{GlobalAlloc, Layout};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The allocator the binary uses (src/main.rs), counting the bytes live at the peak so the memory
/// an execution takes per history event can be reported beside its time.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Events and the peak bytes above what was live before, for one run of `def`.
fn memory(def: &Value, options: Options) -> (usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let events = run::run(def, options).events.len();
    (events, PEAK.load(Ordering::Relaxed) - base)
}

/// A loop of `n` rounds (a Pass counting, a Choice): about 4 events a round.
fn looping(n: u64) -> Value {
    json!({"StartAt": "Count", "States": {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)", "note": "a round"}, "Next": "More?"},
        "More?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": n, "Next": "Count"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}})
}

/// The seed pipeline, compiled.
fn compiled(lineage_states: bool) -> aslc::driver::Compiled {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(root.join("fixtures/nightly_fraud_retrain.sfn")).expect("seed");
    let options = aslc::lower::Options { lineage_states };
    aslc::driver::compile_source(&source, "seed.sfn", &options)
}

fn seed(lineage_states: bool) -> Value {
    serde_json::from_str(&compiled(lineage_states).asl.expect("compiles")).expect("ASL")
}

fn case(name: &str, lineage: bool) -> mocks::Case {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut file: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("fixtures/run/nightly_fraud_retrain.mocks.json"))
            .expect("mocks"),
    )
    .expect("JSON");
    if lineage {
        // Each recorder start answers as `states:startExecution` does.
        let started = json!({"0": {"Return": {"ExecutionArn": "arn:e", "StartDate": "2026-10-31T02:00:00Z"}}});
        file["MockedResponses"]["Started"] = started;
        let tc = file["StateMachines"]["nightly-fraud-retrain"]["TestCases"][name]
            .as_object_mut()
            .expect("case");
        for step in RECORDED {
            tc.insert(format!("{step}.Lineage"), json!("Started"));
        }
    }
    mocks::case(&file, "nightly-fraud-retrain", name).expect("case")
}

const RECORDED: [&str; 5] = [
    "Featurise",
    "TrainXGB",
    "Evaluate",
    "RegisterIfGoodEnough",
    "TriggerDeployLambda",
];

/// The lineage recorder and the plan of one step with `n` artifacts, every SageMaker call
/// answered (each artifact is new: looked up, created, associated).
fn recorder(n: usize) -> (Value, Value, mocks::Case) {
    let def = serde_json::from_str(&compiled(true).recorder.expect("recorder")).expect("ASL");
    let artifacts: Vec<Value> = (0..n)
        .map(|i| json!({"uri": format!("s3://b/{i}/"), "type": "DataSet", "role": if i % 2 == 0 { "input" } else { "output" }}))
        .collect();
    let plan = json!({
        "context": {"name": "c", "pipeline": "p", "execution": "arn:x", "stateMachine": "arn:m"},
        "action": {"name": "a", "type": "TrainingJob", "step": "T", "source": "arn:j"},
        "artifacts": artifacts,
    });
    let answer = json!({"0-1000": {"Return": {"ContextArn": "arn:c", "ActionArn": "arn:a", "ArtifactArn": "arn:x", "ArtifactSummaries": []}}});
    let states = [
        "Context",
        "Action",
        "InContext",
        "Find",
        "Create",
        "Input",
        "Output",
    ];
    let file = json!({
        "StateMachines": {"recorder": {"TestCases": {"Case": states.iter().map(|s| (s.to_string(), json!("Answer"))).collect::<serde_json::Map<_, _>>()}}},
        "MockedResponses": {"Answer": answer},
    });
    (
        def,
        plan,
        mocks::case(&file, "recorder", "Case").expect("case"),
    )
}

fn night(c: &mut Criterion) {
    let mut g = c.benchmark_group("run");
    for (label, lineage) in [
        ("seed night", false),
        ("seed night with lineage starts", true),
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
    let (def_r, plan, tc_r) = recorder(4);
    let events = {
        let mut o = Options::new(plan.clone());
        o.case = Some(tc_r.clone());
        run::run(&def_r, o).events.len()
    };
    eprintln!("lineage recorder, one step of 4 artifacts: {events} events");
    g.bench_function("lineage recorder, one step of 4 artifacts", |b| {
        b.iter(|| {
            let mut o = Options::new(plan.clone());
            o.case = Some(tc_r.clone());
            black_box(run::run(black_box(&def_r), o))
        })
    });
    // Memory: the history is kept whole (it is the output), so an execution takes a constant
    // amount per event; the rest is the state being run.
    for n in [250, 2_500] {
        let def = looping(n);
        let (events, bytes) = memory(&def, Options::new(json!({"n": 0})));
        eprintln!(
            "loop of {n} rounds: {events} events, {bytes} bytes at the peak, {} bytes per event",
            bytes / events.max(1)
        );
        // Time too: linear in the events.
        g.bench_function(format!("loop of {events} events"), |b| {
            b.iter(|| black_box(run::run(black_box(&def), Options::new(json!({"n": 0})))))
        });
    }
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
