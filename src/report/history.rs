//! One execution's history as `aws stepfunctions get-execution-history --output json` prints it
//! (optionally merged with, or beside, `describe-execution`), read into the timeline a report
//! needs: when each state was entered and left, the tasks each scheduled, and how it ended.

use serde_json::Value;

/// One state's visit: entered and exited (seconds since the epoch).
#[derive(Clone, Debug)]
pub struct Visit {
    pub state: String,
    pub entered: f64,
    pub exited: Option<f64>,
}

/// A failure event and the state it happened in.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Failure {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub error: String,
    pub cause: String,
}

#[derive(Clone, Debug)]
pub struct History {
    pub name: String,
    pub start: f64,
    pub end: Option<f64>,
    pub status: String,
    pub visits: Vec<Visit>,
    /// (state, timestamp) of each `TaskScheduled`.
    pub scheduled: Vec<(String, f64)>,
    /// Task failures, in order: (state, error, cause).
    pub task_failures: Vec<(String, String, String)>,
    /// How the execution failed, when it did: (the state it failed in, error, cause).
    pub failure: Option<(Option<String>, String, String)>,
    /// What is wrong with the file, though a timeline could be read.
    pub problems: Vec<String>,
}

/// Read a history; `describe` is the `describe-execution` output, when there is one.
pub fn read(name: &str, text: &str, describe: Option<&str>) -> Result<History, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let events = root
        .get("events")
        .and_then(Value::as_array)
        .ok_or("not an execution history: no `events` list (the output of `aws stepfunctions get-execution-history`)")?;
    let describe: Option<Value> = match describe {
        Some(d) => Some(
            serde_json::from_str(d)
                .map_err(|e| format!("describe-execution file is not JSON: {e}"))?,
        ),
        None => None,
    };
    let info = |key: &str| {
        root.get(key)
            .or_else(|| describe.as_ref().and_then(|d| d.get(key)))
    };
    let mut problems = Vec::new();
    if root.get("nextToken").is_some_and(|t| !t.is_null()) {
        problems.push("truncated: `nextToken` is set, so later events are missing (fetch every page: the AWS CLI does unless `--max-items` is given)".to_string());
    }
    let mut parsed: Vec<Event> = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        match Event::read(e) {
            Ok(ev) => parsed.push(ev),
            Err(why) => problems.push(format!("event {} skipped: {why}", i + 1)),
        }
    }
    if parsed.windows(2).any(|w| w[0].id >= w[1].id) {
        problems.push("events are out of order: read in the order of their ids".into());
        parsed.sort_by_key(|e| e.id);
        parsed.dedup_by_key(|e| e.id);
    }
    if let Some(w) = parsed.windows(2).find(|w| w[1].id != w[0].id + 1) {
        problems.push(format!(
            "events are missing: ids jump from {} to {}",
            w[0].id, w[1].id
        ));
    }
    if parsed.is_empty() {
        return Err("the history has no events".into());
    }
    let mut h = History {
        name: info("name")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string(),
        start: info("startDate")
            .and_then(timestamp)
            .unwrap_or(parsed[0].at),
        end: None,
        status: info("status")
            .and_then(Value::as_str)
            .unwrap_or("RUNNING")
            .to_string(),
        visits: Vec::new(),
        scheduled: Vec::new(),
        task_failures: Vec::new(),
        failure: None,
        problems,
    };
    h.timeline(&parsed);
    Ok(h)
}

struct Event {
    id: u64,
    previous: u64,
    at: f64,
    kind: String,
    details: Option<Value>,
}

impl Event {
    fn read(e: &Value) -> Result<Event, String> {
        let kind = e
            .get("type")
            .and_then(Value::as_str)
            .ok_or("no `type`")?
            .to_string();
        let at = e
            .get("timestamp")
            .and_then(timestamp)
            .ok_or("no `timestamp` (ISO 8601 with an offset, or epoch seconds)")?;
        let id = e.get("id").and_then(Value::as_u64).ok_or("no `id`")?;
        let previous = e
            .get("previousEventId")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let details = e
            .as_object()
            .and_then(|m| m.iter().find(|(k, _)| k.ends_with("EventDetails")))
            .map(|(_, v)| v.clone());
        Ok(Event {
            id,
            previous,
            at,
            kind,
            details,
        })
    }

    fn detail(&self, key: &str) -> Option<&str> {
        self.details.as_ref()?.get(key)?.as_str()
    }
}

impl History {
    /// Walk the events: each belongs to the state its `previousEventId` chain last entered
    /// (parallel branches interleave, each chain stays in its branch).
    fn timeline(&mut self, events: &[Event]) {
        let mut state_of: std::collections::HashMap<u64, String> = Default::default();
        let mut open: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for e in events {
            let here = if e.kind.ends_with("StateEntered") || e.kind.ends_with("StateExited") {
                e.detail("name").map(str::to_string)
            } else {
                state_of.get(&e.previous).cloned()
            };
            if let Some(s) = &here {
                state_of.insert(e.id, s.clone());
            }
            match e.kind.as_str() {
                k if k.ends_with("StateEntered") => {
                    let state = here.unwrap_or_default();
                    open.entry(state.clone())
                        .or_default()
                        .push(self.visits.len());
                    self.visits.push(Visit {
                        state,
                        entered: e.at,
                        exited: None,
                    });
                }
                k if k.ends_with("StateExited") => {
                    let state = here.unwrap_or_default();
                    if let Some(i) = open.get_mut(&state).and_then(Vec::pop) {
                        self.visits[i].exited = Some(e.at);
                    }
                }
                "TaskScheduled" => self.scheduled.push((here.unwrap_or_default(), e.at)),
                "TaskFailed" | "TaskTimedOut" | "TaskStartFailed" | "TaskSubmitFailed" => {
                    self.task_failures.push((
                        here.unwrap_or_default(),
                        e.detail("error").unwrap_or("").to_string(),
                        e.detail("cause").unwrap_or("").to_string(),
                    ))
                }
                "ExecutionSucceeded" | "ExecutionFailed" | "ExecutionTimedOut"
                | "ExecutionAborted" => {
                    self.end = Some(e.at);
                    self.status = match e.kind.as_str() {
                        "ExecutionSucceeded" => "SUCCEEDED",
                        "ExecutionFailed" => "FAILED",
                        "ExecutionTimedOut" => "TIMED_OUT",
                        _ => "ABORTED",
                    }
                    .to_string();
                    if e.kind != "ExecutionSucceeded" {
                        self.failure = Some((
                            here,
                            e.detail("error").unwrap_or("").to_string(),
                            e.detail("cause").unwrap_or("").to_string(),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

/// A timestamp as the AWS CLI prints it (RFC 3339 with an offset) or epoch seconds.
pub fn timestamp(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp_micros() as f64 / 1e6),
        _ => None,
    }
}

/// Epoch seconds as RFC 3339 (UTC, seconds precision).
pub fn format_time(t: f64) -> String {
    chrono::DateTime::from_timestamp(t.floor() as i64, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
