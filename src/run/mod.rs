//! `aslc run`: execute a state machine offline, deterministically, on a simulated clock, with
//! Step Functions Local mock files for its tasks. Nothing sleeps: a `Wait` or a retry's
//! interval moves the clock. The history has the shape `get-execution-history` returns.
//!
//! What is implemented, and what is not yet, is listed in the README ("Running offline").

mod choice;
mod data;
mod history;
mod intrinsics;
mod jsonata;
pub mod jsonpath;
mod machine;
mod map;
pub mod mocks;

use serde_json::Value;

pub use history::History;

/// How to run.
pub struct Options {
    pub input: Value,
    pub case: Option<mocks::Case>,
    /// The execution's start, in milliseconds since the epoch.
    pub start_ms: i64,
    /// Seeds `States.UUID()` and `States.MathRandom`.
    pub seed: u64,
    /// The execution fails with `States.Runtime` past this many history events (the limit AWS
    /// puts on a Standard execution's history).
    pub max_events: usize,
    pub execution_name: String,
    pub state_machine_name: String,
}

impl Options {
    pub fn new(input: Value) -> Options {
        Options {
            input,
            case: None,
            // 2026-01-01T00:00:00Z: a fixed instant, so runs repeat byte for byte.
            start_ms: 1_767_225_600_000,
            seed: 0,
            max_events: 25_000,
            execution_name: "aslc-run".into(),
            state_machine_name: "state-machine".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Succeeded,
    Failed,
    TimedOut,
}

/// What an execution did.
#[derive(Debug, serde::Serialize)]
pub struct Execution {
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub events: Vec<Value>,
}

/// Run a (valid) definition.
pub fn run(definition: &Value, options: Options) -> Execution {
    machine::Runner::new(definition, options).execute()
}

/// A small deterministic generator (SplitMix64): `States.UUID()` and `States.MathRandom`
/// repeat under the same seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A version-4 UUID.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}
