//! The ASL the compiler emits, as typed structs. Serde writes fields in declaration order, so
//! the JSON is deterministic and reads in the order a person expects (Type, Resource,
//! Parameters, ... Next).

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value as Json;

pub type Payload = serde_json::Map<String, Json>;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateMachine {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub start_at: String,
    pub states: IndexMap<String, State>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Scope {
    pub start_at: String,
    pub states: IndexMap<String, State>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "Type")]
pub enum State {
    Pass(Pass),
    Task(Task),
    Choice(Choice),
    Parallel(Parallel),
    Map(Map),
    Wait(Wait),
    Succeed(Succeed),
    Fail(Fail),
}

/// Where a state goes next: exactly one of `Next` and `End` is written.
#[derive(Clone, Debug, Serialize)]
pub enum Transition {
    Next(String),
    End(bool),
}

#[derive(Clone, Debug, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Pass {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_language: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// JSONata states only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Payload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_path: Option<Json>,
    /// Workflow variables the state sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign: Option<Payload>,
    #[serde(flatten)]
    pub transition: Option<Transition>,
}

impl Pass {
    /// A JSONata Pass whose output is `{% expression %}`.
    pub fn jsonata(comment: Option<String>, expression: &str, transition: Transition) -> Pass {
        Pass {
            comment,
            query_language: Some("JSONata"),
            output: Some(Json::String(format!("{{% {expression} %}}"))),
            transition: Some(transition),
            ..Pass::default()
        }
    }
}

#[derive(Clone, Debug, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Task {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub resource: String,
    pub parameters: Payload,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_selector: Option<Payload>,
    /// A reference path, or `null` to discard the result.
    pub result_path: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_seconds: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retry: Vec<Retrier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub catch: Vec<Catcher>,
    #[serde(flatten)]
    pub transition: Option<Transition>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub result_path: Json,
    /// Workflow variables the catcher sets (from the error output, `$`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assign: Option<Payload>,
    pub next: String,
}

/// An inline Map: runs `item_processor` for each element of the array at `items_path`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Map {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Absent when an `ItemReader` lists the items.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub items_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_reader: Option<Json>,
    pub item_selector: Payload,
    pub max_concurrency: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerated_failure_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerated_failure_percentage_path: Option<String>,
    pub item_processor: Processor,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_writer: Option<Json>,
    pub result_path: Json,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub catch: Vec<Catcher>,
    #[serde(flatten)]
    pub transition: Option<Transition>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Processor {
    pub processor_config: ProcessorConfig,
    pub start_at: String,
    pub states: IndexMap<String, State>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessorConfig {
    pub mode: &'static str,
    /// Distributed mode: the type of the child executions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_type: Option<&'static str>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: u64,
    pub max_attempts: u64,
    pub backoff_rate: f64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Choice {
    /// `JSONata` for a Choice whose rules are `Condition`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_language: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub choices: Vec<Json>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parallel {
    pub branches: Vec<Scope>,
    pub result_selector: Payload,
    #[serde(flatten)]
    pub transition: Option<Transition>,
}

#[derive(Clone, Debug, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Succeed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Fail {
    /// `JSONata` when `Error` and `Cause` are expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_language: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause_path: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Wait {
    pub seconds_path: String,
    pub next: String,
}

impl StateMachine {
    /// Pretty-printed JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }

    /// Compact JSON (as deployed) with a trailing newline.
    pub fn to_compact_json(&self) -> String {
        let mut s =
            serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        s.push('\n');
        s
    }
}
