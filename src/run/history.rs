//! The execution history, event by event, with AWS's names: `id`, `previousEventId`,
//! `timestamp` (the simulated clock, ISO 8601 with milliseconds), `type`, and the details
//! object of each type (`stateEnteredEventDetails`, `taskScheduledEventDetails`, …).

use serde_json::{json, Map, Value};

pub struct History {
    pub events: Vec<Value>,
}

impl History {
    pub fn new() -> History {
        History { events: Vec::new() }
    }

    /// Append an event at `now_ms`; `details` goes under the key AWS uses for the type.
    pub fn push(&mut self, now_ms: i64, ty: &str, details: Option<Value>) {
        let id = self.events.len() + 1;
        let mut e = Map::new();
        e.insert("timestamp".into(), json!(timestamp(now_ms)));
        e.insert("type".into(), json!(ty));
        e.insert("id".into(), json!(id));
        e.insert("previousEventId".into(), json!(id - 1));
        if let Some(d) = details {
            e.insert(details_key(ty), d);
        }
        self.events.push(Value::Object(e));
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

impl Default for History {
    fn default() -> Self {
        History::new()
    }
}

/// `TaskStateEntered` → `stateEnteredEventDetails`; `MapIterationStarted` →
/// `mapIterationStartedEventDetails`; `TaskScheduled` → `taskScheduledEventDetails`.
fn details_key(ty: &str) -> String {
    if ty.ends_with("StateEntered") {
        return "stateEnteredEventDetails".into();
    }
    if ty.ends_with("StateExited") {
        return "stateExitedEventDetails".into();
    }
    let mut chars = ty.chars();
    let first = chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .unwrap_or_default();
    format!("{first}{}EventDetails", chars.as_str())
}

/// Milliseconds since the epoch as `2026-01-01T00:00:00.000Z`.
pub fn timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keys_are_aws_names() {
        assert_eq!(details_key("TaskStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("PassStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("TaskScheduled"), "taskScheduledEventDetails");
        assert_eq!(
            details_key("MapIterationStarted"),
            "mapIterationStartedEventDetails"
        );
        assert_eq!(
            details_key("ExecutionFailed"),
            "executionFailedEventDetails"
        );
        assert_eq!(timestamp(1_767_225_600_000), "2026-01-01T00:00:00.000Z");
    }
}
