//! `--emit sam`: the same deployment as a SAM template. The state machine is an
//! `AWS::Serverless::StateMachine` reading its definition from the `X.asl.json` beside the
//! template (`DefinitionUri`, which `sam deploy` uploads), with the schedule and the triggers as
//! its `Events` (SAM makes their roles); the other resources are the CloudFormation template's.

use super::{trigger, RECORDER, RECORDER_ROLE, ROLE, STATE_MACHINE};
use crate::check::Checked;
use crate::lower::Plan;
use serde_json::{json, Map, Value};

/// The SAM template; `stem` names the compiled definitions beside the template
/// (`<stem>.asl.json`, `<stem>.lineage-recorder.asl.json`).
pub fn template(c: &Checked, plan: &Plan, source: &str, stem: &str) -> Value {
    let mut t = super::template(c, plan, Value::Null, Value::Null, source);
    if let Some(resources) = t["Resources"].as_object_mut() {
        // SAM makes the schedule's and the rules' roles itself.
        resources.retain(|k, _| {
            !matches!(k.as_str(), "Schedule" | "ScheduleRole" | "TriggerRole")
                && !k.starts_with("Trigger")
        });
        resources.insert(
            STATE_MACHINE.into(),
            state_machine(
                c,
                &c.name,
                ROLE,
                source,
                &format!("{stem}.asl.json"),
                events(c),
            ),
        );
        if let Some(r) = &plan.recorder {
            let uri = crate::driver::recorder_file(stem);
            resources.insert(
                RECORDER.into(),
                state_machine(c, &r.name, RECORDER_ROLE, source, &uri, Map::new()),
            );
        }
    }
    if let Some(root) = t.as_object_mut() {
        root.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
    }
    t
}

fn state_machine(
    c: &Checked,
    name: &str,
    role: &str,
    source: &str,
    definition_uri: &str,
    events: Map<String, Value>,
) -> Value {
    json!({
        "Type": "AWS::Serverless::StateMachine",
        "Properties": {
            "Name": name,
            "Type": "STANDARD",
            "DefinitionUri": definition_uri,
            "Role": { "Fn::GetAtt": [role, "Arn"] },
            "Logging": super::logging(),
            "Tracing": super::tracing(),
            "Tags": { "aslc:pipeline": c.name, "aslc:source": source },
            "Events": events,
        },
    })
}

fn events(c: &Checked) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(s) = &c.schedule {
        out.insert(
            "Schedule".into(),
            json!({
                "Type": "ScheduleV2",
                "Properties": {
                    "ScheduleExpression": s.expression,
                    "ScheduleExpressionTimezone": "UTC",
                    "Input": Value::Object(s.input.clone()).to_string(),
                    "State": "ENABLED",
                },
            }),
        );
    }
    for (i, t) in c.triggers.iter().enumerate() {
        out.insert(
            format!("Trigger{}", i + 1),
            json!({
                "Type": "EventBridgeRule",
                "Properties": {
                    "Pattern": trigger::pattern(t),
                    "InputTransformer": trigger::input_transformer(t),
                },
            }),
        );
    }
    out
}
