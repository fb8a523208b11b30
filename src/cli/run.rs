//! `aslc run` and `aslc test`: execute a definition (or a `.sfn` compiled in memory) offline
//! with Step Functions Local mock files.

use super::output;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::run::{self, mocks, Execution, Options};
use clap::ValueEnum;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RunFormat {
    /// The states entered, with simulated times, each retry and failure, and the result.
    Human,
    /// `{"status", "output", "error", "cause", "events"}`, events as
    /// `get-execution-history` gives them.
    Json,
}

/// What `aslc run` was asked.
pub struct RunArgs<'a> {
    pub definition: &'a Path,
    pub input: Option<&'a str>,
    pub input_file: Option<&'a Path>,
    pub mocks: Option<&'a Path>,
    pub test_case: Option<&'a str>,
    pub state_machine: Option<&'a str>,
    pub start_time: Option<&'a str>,
    pub seed: u64,
    pub max_events: usize,
    /// The execution's name (`$$.Execution.Name`).
    pub name: Option<&'a str>,
    pub format: RunFormat,
    /// For a `.sfn`: compile without the lineage starts.
    pub no_lineage_states: bool,
}

/// A usage or I/O problem: said on stderr, exit 2.
struct Usage(String);

fn usage(e: impl Into<String>) -> Usage {
    Usage(e.into())
}

pub fn run(a: &RunArgs) -> ExitCode {
    exit(run_inner(a))
}

/// A usage or I/O problem is said on stderr and exits 2.
fn exit(r: Result<ExitCode, Usage>) -> ExitCode {
    r.unwrap_or_else(|Usage(msg)| {
        eprintln!("error: {msg}");
        ExitCode::from(2)
    })
}

fn run_inner(a: &RunArgs) -> Result<ExitCode, Usage> {
    let Some(definition) = load_definition(a.definition, a.no_lineage_states)? else {
        return Ok(ExitCode::from(1));
    };
    let input = match (a.input, a.input_file) {
        (Some(text), _) => parse_json(text, "--input")?,
        (None, Some(path)) => parse_json(&read(path)?, &path.display().to_string())?,
        (None, None) => json!({}),
    };
    let mut options = Options::new(input);
    options.seed = a.seed;
    options.max_events = a.max_events;
    if let Some(n) = a.name {
        options.execution_name = n.to_string();
    }
    if let Some(t) = a.start_time {
        options.start_ms = chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|_| usage(format!("--start-time `{t}` is not an RFC 3339 date-time")))?
            .timestamp_millis();
    }
    if let Some(path) = a.mocks {
        let file = parse_json(&read(path)?, &path.display().to_string())?;
        let machine = machine_name(&file, a.state_machine, path)?;
        let case = a.test_case.unwrap_or_default();
        options.case = Some(mocks::case(&file, &machine, case).map_err(|e| mock_error(path, e))?);
        options.state_machine_name = machine;
    }
    let execution = run::run(&definition, options);
    match a.format {
        RunFormat::Json => output::emit(&format!(
            "{}\n",
            serde_json::to_string_pretty(&execution).unwrap_or_default()
        )),
        RunFormat::Human => output::emit(&human(&execution)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The definition: an ASL document validated first, or a pipeline compiled in memory.
/// `None` when it has errors (they are printed).
fn load_definition(path: &Path, no_lineage_states: bool) -> Result<Option<Value>, Usage> {
    let text = read(path)?;
    let name = path.display().to_string();
    let (asl, diagnostics): (Option<String>, Vec<Diagnostic>) =
        if path.extension().is_some_and(|e| e == "sfn") {
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let options = crate::lower::Options {
                lineage_states: !no_lineage_states,
            };
            let compiled = crate::driver::compile_in(&text, &file, path.parent(), &options);
            (compiled.asl, compiled.diagnostics)
        } else {
            let diags = crate::asl::validate_file(path, &text, &Default::default());
            (Some(text.clone()), diags)
        };
    if diagnostics.iter().any(Diagnostic::is_error) {
        let mut reporter = output::Reporter::new(super::Format::Human);
        reporter.file(
            &SourceFile {
                name: &name,
                text: &text,
            },
            diagnostics,
        );
        reporter.finish();
        return Ok(None);
    }
    let asl = asl.unwrap_or_default();
    let value = if crate::asl::is_yaml(path) {
        crate::asl::yaml_value(&asl).ok_or_else(|| usage(format!("{name}: not YAML ASL")))?
    } else {
        serde_json::from_str(&asl).map_err(|e| usage(format!("{name}: {e}")))?
    };
    Ok(Some(value))
}

/// The state machine of the mock file: the one named, or the file's only one.
fn machine_name(file: &Value, given: Option<&str>, path: &Path) -> Result<String, Usage> {
    let names = mocks::machines(file);
    match given {
        Some(n) if names.iter().any(|x| x == n) => Ok(n.to_string()),
        Some(n) => Err(usage(format!(
            "{}: no state machine `{n}` (it has {})",
            path.display(),
            names.join(", ")
        ))),
        None if names.len() == 1 => Ok(names[0].clone()),
        None => Err(usage(format!(
            "{}: name the state machine with --state-machine (the file has {})",
            path.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ))),
    }
}

/// A mock file problem, with the JSON location of what is wrong.
fn mock_error(path: &Path, e: mocks::MockError) -> Usage {
    usage(format!(
        "{}: {} (at {})",
        path.display(),
        e.message,
        e.pointer
    ))
}

fn read(path: &Path) -> Result<String, Usage> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| usage(format!("cannot read standard input: {e}")))?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))
}

fn parse_json(text: &str, what: &str) -> Result<Value, Usage> {
    serde_json::from_str(text).map_err(|e| usage(format!("{what} is not JSON: {e}")))
}

/// The states entered, at their simulated times, the tasks that failed, and the end.
fn human(e: &Execution) -> String {
    let start = e.events.first().and_then(ms).unwrap_or(0);
    let mut out = String::new();
    let mut tries = 0;
    for ev in &e.events {
        let ty = ev["type"].as_str().unwrap_or("");
        let at = (ms(ev).unwrap_or(start) - start) as f64 / 1000.0;
        if let Some(d) = ev.get("stateEnteredEventDetails") {
            tries = 0;
            out.push_str(&format!(
                "{at:>10.3}s  {}\n",
                d["name"].as_str().unwrap_or("")
            ));
        } else if ty == "TaskScheduled" {
            tries += 1;
            if tries > 1 {
                out.push_str(&format!("{at:>10.3}s    retry {}\n", tries - 1));
            }
        } else if let Some(d) = ev
            .get("taskFailedEventDetails")
            .or_else(|| ev.get("taskTimedOutEventDetails"))
        {
            out.push_str(&format!(
                "{at:>10.3}s    ! {}: {}\n",
                d["error"].as_str().unwrap_or(""),
                d["cause"].as_str().unwrap_or("")
            ));
        } else if ty == "MapIterationStarted" {
            let i = ev["mapIterationStartedEventDetails"]["index"]
                .as_u64()
                .unwrap_or(0);
            out.push_str(&format!("{at:>10.3}s    iteration {i}\n"));
        }
    }
    let status = serde_json::to_value(e.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    out.push_str(&format!("\n{status}"));
    match (&e.output, &e.error) {
        (Some(o), _) => out.push_str(&format!(
            "\noutput: {}\n",
            serde_json::to_string_pretty(o).unwrap_or_default()
        )),
        (None, Some(err)) => out.push_str(&format!(
            "\nerror: {err}\ncause: {}\n",
            e.cause.as_deref().unwrap_or("")
        )),
        _ => out.push('\n'),
    }
    out
}

fn ms(ev: &Value) -> Option<i64> {
    ev["timestamp"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp_millis())
}

/// `aslc test DEFINITION --mocks FILE`: every test case of the mock file, checked against the
/// expectations beside it (`<mock stem>.expect.json`, or `--expect FILE`).
pub struct TestArgs<'a> {
    pub definition: &'a Path,
    pub mocks: &'a Path,
    pub expect: Option<&'a Path>,
    pub state_machine: Option<&'a str>,
    pub no_lineage_states: bool,
}

pub fn test(a: &TestArgs) -> ExitCode {
    exit(test_inner(a))
}

fn test_inner(a: &TestArgs) -> Result<ExitCode, Usage> {
    let (mocks_path, expect, state_machine) = (a.mocks, a.expect, a.state_machine);
    let Some(def) = load_definition(a.definition, a.no_lineage_states)? else {
        return Ok(ExitCode::from(1));
    };
    let file = parse_json(&read(mocks_path)?, &mocks_path.display().to_string())?;
    let machine = machine_name(&file, state_machine, mocks_path)?;
    let expect_path = expect
        .map(Path::to_path_buf)
        .unwrap_or_else(|| expectations_beside(mocks_path));
    let expectations = match std::fs::read_to_string(&expect_path) {
        Ok(t) => parse_json(&t, &expect_path.display().to_string())?,
        Err(_) if expect.is_none() => json!({}),
        Err(e) => return Err(usage(format!("cannot read {}: {e}", expect_path.display()))),
    };
    let cases = mocks::cases(&file, &machine).map_err(|e| mock_error(mocks_path, e))?;
    let mut failed = 0;
    for name in &cases {
        let case = mocks::case(&file, &machine, name).map_err(|e| mock_error(mocks_path, e))?;
        let want = expectations
            .pointer(&format!("/TestCases/{name}"))
            .cloned()
            .unwrap_or(json!({}));
        let mut options = Options::new(want.get("input").cloned().unwrap_or(json!({})));
        options.case = Some(case);
        options.state_machine_name = machine.clone();
        let execution = run::run(&def, options);
        let problems = check(&execution, &want);
        if problems.is_empty() {
            output::emit(&format!("ok    {name}\n"));
        } else {
            failed += 1;
            output::emit(&format!("FAIL  {name}\n"));
            for p in problems {
                output::emit(&format!("        {p}\n"));
            }
        }
    }
    output::emit(&format!("\n{} test cases, {failed} failed\n", cases.len()));
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn expectations_beside(mocks: &Path) -> PathBuf {
    let stem = mocks
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    mocks.with_file_name(format!("{stem}.expect.json"))
}

/// What differs from the expectations: `status`, `error`, `entered`, `not_entered`, `output`
/// (JSONPath → value), `calls` (state → number of Task invocations).
fn check(e: &Execution, want: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let status = serde_json::to_value(e.status).unwrap_or_default();
    if let Some(s) = want.get("status") {
        if *s != status {
            out.push(format!(
                "status is {status}, expected {s} ({}: {})",
                e.error.as_deref().unwrap_or("-"),
                e.cause.as_deref().unwrap_or("-")
            ));
        }
    }
    if let Some(err) = want.get("error").and_then(Value::as_str) {
        if e.error.as_deref() != Some(err) {
            out.push(format!("error is {:?}, expected {err}", e.error));
        }
    }
    let entered: Vec<&str> = e
        .events
        .iter()
        .filter_map(|ev| ev.get("stateEnteredEventDetails")?.get("name")?.as_str())
        .collect();
    for s in strings(want, "entered") {
        if !entered.contains(&s) {
            out.push(format!("state {s} was not entered"));
        }
    }
    for s in strings(want, "not_entered") {
        if entered.contains(&s) {
            out.push(format!("state {s} was entered"));
        }
    }
    for (path, value) in fields(want, "output") {
        let got = e
            .output
            .as_ref()
            .and_then(|o| run::jsonpath::select(path, o));
        if got.as_ref() != Some(value) {
            out.push(format!(
                "output {path} is {}, expected {value}",
                got.map_or("missing".to_string(), |g| g.to_string())
            ));
        }
    }
    for (s, n) in fields(want, "calls") {
        let got = requests(e, s).len() as u64;
        if Some(got) != n.as_u64() {
            out.push(format!("{s} was called {got} times, expected {n}"));
        }
    }
    for (s, path) in fields(want, "distinct") {
        let path = path.as_str().unwrap_or("$");
        let values: Vec<Option<Value>> = requests(e, s)
            .iter()
            .map(|r| run::jsonpath::select(path, r))
            .collect();
        let unique: std::collections::HashSet<String> =
            values.iter().map(|v| format!("{v:?}")).collect();
        if unique.len() != values.len() {
            out.push(format!("the requests of {s} repeat {path}: {values:?}"));
        }
    }
    out
}

/// An expectation's list of names.
fn strings<'v>(want: &'v Value, key: &str) -> impl Iterator<Item = &'v str> {
    want.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// An expectation's object: name → value.
fn fields<'v>(want: &'v Value, key: &str) -> impl Iterator<Item = (&'v String, &'v Value)> {
    want.get(key)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// The parameters of every Task a state scheduled, in order.
fn requests(e: &Execution, state: &str) -> Vec<Value> {
    let mut current = "";
    let mut out = Vec::new();
    for ev in &e.events {
        if let Some(n) = ev
            .get("stateEnteredEventDetails")
            .and_then(|d| d["name"].as_str())
        {
            current = n;
        }
        if current == state {
            if let Some(p) = ev
                .get("taskScheduledEventDetails")
                .and_then(|d| d["parameters"].as_str())
            {
                out.push(serde_json::from_str(p).unwrap_or(Value::Null));
            }
        }
    }
    out
}
