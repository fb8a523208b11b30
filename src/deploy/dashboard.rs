//! The pipeline's dashboard: executions and execution time over 14 days (the `AWS/States`
//! metrics of the state machine) and, from the execution log, each state's duration in each
//! execution. Step Functions publishes no per-state metric, so the log is where per-step
//! timing comes from: only `Level: ALL` logs the entered/exited events it reads.

use super::{LOG_GROUP, STATE_MACHINE};
use serde_json::{json, Value};

/// The `DashboardBody`: a `Fn::Sub` so that the state machine's ARN, the log group's name and
/// the region are filled in at deploy time.
pub fn body(pipeline: &str) -> Value {
    let arn = format!("${{{STATE_MACHINE}}}");
    let region = "${AWS::Region}";
    let executions = json!({
        "type": "metric", "x": 0, "y": 0, "width": 12, "height": 6,
        "properties": {
            "title": format!("{pipeline}: executions per day"),
            "region": region, "view": "timeSeries", "stacked": true, "stat": "Sum",
            "period": 86400, "start": "-P14D",
            "metrics": [
                ["AWS/States", "ExecutionsSucceeded", "StateMachineArn", arn],
                [".", "ExecutionsFailed", ".", "."],
                [".", "ExecutionsTimedOut", ".", "."],
                [".", "ExecutionsAborted", ".", "."],
            ],
        },
    });
    let time = json!({
        "type": "metric", "x": 12, "y": 0, "width": 12, "height": 6,
        "properties": {
            "title": format!("{pipeline}: execution time (ms)"),
            "region": region, "view": "timeSeries", "period": 86400, "start": "-P14D",
            "metrics": [
                ["AWS/States", "ExecutionTime", "StateMachineArn", arn, { "stat": "Maximum" }],
                ["...", { "stat": "Average" }],
            ],
        },
    });
    let per_state = json!({
        "type": "log", "x": 0, "y": 6, "width": 24, "height": 9,
        "properties": {
            "title": "Seconds in each state, per execution (last 14 days)",
            "region": region, "view": "table",
            "query": format!(
                "SOURCE '${{{LOG_GROUP}}}' | fields execution_arn, details.name as state, event_timestamp \
                 | filter type like /StateEntered|StateExited/ \
                 | stats (max(event_timestamp) - min(event_timestamp)) / 1000 as seconds by execution_arn, state \
                 | sort execution_arn desc, seconds desc | limit 1000"
            ),
        },
    });
    let body = json!({ "start": "-P14D", "widgets": [executions, time, per_state] });
    json!({ "Fn::Sub": body.to_string() })
}
