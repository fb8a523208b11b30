//! `trigger s3 "s3://bucket/prefix/" { … }`: an EventBridge rule on S3's `Object Created`
//! events for the bucket and prefix, starting the state machine with the object bound to
//! parameters through an input transformer. The bucket must send its events to EventBridge
//! (`NotificationConfiguration.EventBridgeConfiguration`): a prerequisite the template notes.

use super::STATE_MACHINE;
use crate::check::{Checked, ObjectField, TriggerDef};
use serde_json::{json, Map, Value};

/// `TriggerRole` and one `Trigger<n>` rule per trigger.
pub fn resources(c: &Checked) -> Map<String, Value> {
    let mut out = Map::new();
    if c.triggers.is_empty() {
        return out;
    }
    out.insert(
        "TriggerRole".into(),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Principal": { "Service": "events.amazonaws.com" }, "Action": "sts:AssumeRole" }],
                },
                "Policies": [{
                    "PolicyName": "StartPipeline",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{ "Effect": "Allow", "Action": "states:StartExecution", "Resource": { "Ref": STATE_MACHINE } }],
                    },
                }],
            },
        }),
    );
    for (i, t) in c.triggers.iter().enumerate() {
        out.insert(format!("Trigger{}", i + 1), rule(c, t));
    }
    out
}

/// S3's `Object Created` events for the trigger's bucket and prefix.
pub fn pattern(t: &TriggerDef) -> Value {
    let mut detail = json!({ "bucket": { "name": [t.bucket] } });
    if !t.prefix.is_empty() {
        detail["object"] = json!({ "key": [{ "prefix": t.prefix }] });
    }
    json!({
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": detail,
    })
}

fn rule(c: &Checked, t: &TriggerDef) -> Value {
    let mut target = json!({
        "Id": "Pipeline",
        "Arn": { "Ref": STATE_MACHINE },
        "RoleArn": { "Fn::GetAtt": ["TriggerRole", "Arn"] },
    });
    target["InputTransformer"] = input_transformer(t);
    json!({
        "Type": "AWS::Events::Rule",
        "Properties": {
            "Description": format!(
                "Starts pipeline {} for each object created under s3://{}/{} (the bucket must send its events to EventBridge)",
                c.name, t.bucket, t.prefix
            ),
            "State": "ENABLED",
            "EventPattern": pattern(t),
            "Targets": [target],
        },
    })
}

/// The execution input: literal bindings as they are, object bindings from the event's
/// `detail.bucket.name` and `detail.object.key`.
pub fn input_transformer(t: &TriggerDef) -> Value {
    let mut template = t.input.clone();
    for (param, field) in &t.object {
        let value = match field {
            ObjectField::Bucket => "<bucket>",
            ObjectField::Key => "<key>",
            // The state machine cuts the file name off for `object_prefix()`.
            ObjectField::Uri | ObjectField::Prefix => "s3://<bucket>/<key>",
        };
        template.insert(param.clone(), Value::from(value));
    }
    json!({
        "InputPathsMap": { "bucket": "$.detail.bucket.name", "key": "$.detail.object.key" },
        "InputTemplate": Value::Object(template).to_string(),
    })
}
