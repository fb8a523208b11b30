//! Lineage wiring (reference: lineage.md §3). The pipeline's state machine records nothing
//! itself: after each step that reads or writes S3 or models, one Task starts the pipeline's
//! **lineage recorder** — a second state machine, `<pipeline>-lineage-recorder`, written beside
//! the main one as `<stem>.lineage-recorder.asl.json` — without waiting for it
//! (`states:startExecution`, no `.sync`). So lineage can neither slow nor fail the pipeline: the
//! start's only failure mode is caught into `$.lineage.failures.<Step>`, and a recording that
//! fails is a failed recorder execution, in the console beside the pipeline's.
//!
//! What one recorder execution does, for one step of one execution:
//! * the execution's Context (named from a hash of the execution ARN; created, or found when an
//!   earlier step's recorder made it);
//! * the step's Action (named the same way), associated with the Context;
//! * for each S3 location, an Artifact — looked up by URI first, created only when missing —
//!   associated with the Action (`ContributedTo` for inputs, `Produced` for outputs).
//!
//! Deterministic names and look-ups make every call safe to repeat (a redriven execution starts
//! the recorder again).

use super::values::put;
use super::Cont;
use crate::asl::model::*;
use crate::steps::{Grant, Lineage, Role};
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

/// The recorder state machine's name: `<pipeline>-lineage-recorder`, within the 80 characters
/// Step Functions allows, other characters than letters, digits and `_` written `-`.
pub fn recorder_name(pipeline: &str) -> String {
    const SUFFIX: &str = "-lineage-recorder";
    let room = 80 - SUFFIX.len();
    // State machine names take letters, digits, `-` and `_` safely (AWS refuses whitespace,
    // brackets, wildcards, quotes and most punctuation).
    let base: String = pipeline
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(room)
        .collect();
    format!("{base}{SUFFIX}")
}

/// `States.Format('<prefix>-{}', States.Hash($$.Execution.Id, 'MD5'))`: ≤ 120 characters of
/// `[a-zA-Z0-9-]`, the same on every attempt of one execution.
fn entity_name(prefix: &str) -> Json {
    let slug: String = prefix
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(80)
        .collect();
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "aslc" } else { slug };
    json!(format!(
        "States.Format('{slug}-{{}}', States.Hash($$.Execution.Id, 'MD5'))"
    ))
}

fn sdk(api: &str) -> String {
    format!("arn:aws:states:::aws-sdk:sagemaker:{api}")
}

fn task(
    resource: String,
    parameters: Json,
    selector: Option<Json>,
    result_path: &str,
    catcher: Vec<Catcher>,
    next: Transition,
) -> State {
    let as_map = |j: Json| match j {
        Json::Object(m) => m,
        _ => Payload::new(),
    };
    State::Task(Task {
        resource,
        parameters: as_map(parameters),
        result_selector: selector.map(as_map),
        result_path: if result_path.is_empty() {
            Json::Null
        } else {
            json!(result_path)
        },
        catch: catcher,
        transition: Some(next),
        ..Task::default()
    })
}

/// The state that starts the recorder for a step.
pub fn entry(step: &str) -> String {
    super::paths::lineage_start(step)
}

/// The Task after a step that starts its recording, continuing with `next`; returns its name.
pub fn after_step(
    pipeline: &str,
    step: &str,
    record: &Lineage,
    next: &Cont,
    out: &mut IndexMap<String, State>,
) -> String {
    let start = entry(step);
    let after = match next {
        Cont::Next(n) => n.clone(),
        Cont::End => {
            let done = super::paths::lineage_state(step, "Done");
            out.insert(done.clone(), State::Succeed(Succeed::default()));
            done
        }
    };
    let mut input = Payload::new();
    input.insert(
        "context".into(),
        json!({
            "name.$": entity_name(pipeline),
            "pipeline": pipeline,
            "execution.$": "$$.Execution.Id",
            "stateMachine.$": "$$.StateMachine.Id",
        }),
    );
    let mut action = Payload::new();
    action.insert("name.$".into(), entity_name(step));
    action.insert("type".into(), json!(record.action));
    action.insert("step".into(), json!(step));
    put(&mut action, "source", &record.source);
    input.insert("action".into(), Json::Object(action));
    input.insert("artifacts".into(), artifacts(record));
    // The console links the recorder's execution to the pipeline's.
    input.insert(
        "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$".into(),
        json!("$$.Execution.Id"),
    );
    let mut params = Payload::new();
    params.insert(
        "StateMachineArn.$".into(),
        json!(crate::steps::same_account_machine(&recorder_name(pipeline))),
    );
    params.insert("Input".into(), Json::Object(input));
    out.insert(
        start.clone(),
        State::Task(Task {
            comment: Some(format!(
                "Record {step}'s lineage in the lineage recorder, without waiting for it"
            )),
            resource: "arn:aws:states:::states:startExecution".into(),
            parameters: params,
            result_path: Json::Null,
            catch: vec![Catcher {
                error_equals: vec!["States.ALL".into()],
                result_path: json!(super::paths::lineage_failure(step)),
                next: after.clone(),
                ..Catcher::default()
            }],
            transition: Some(Transition::Next(after)),
            ..Task::default()
        }),
    );
    start
}

/// The step's S3 locations and models, as the recorder's `artifacts`.
fn artifacts(record: &Lineage) -> Json {
    record
        .artifacts
        .iter()
        .map(|i| {
            let mut m = Payload::new();
            put(&mut m, "uri", &i.value);
            m.insert("type".into(), json!(i.kind.sagemaker()));
            m.insert(
                "role".into(),
                json!(match i.role {
                    Role::Output => "output",
                    Role::Input => "input",
                }),
            );
            Json::Object(m)
        })
        .collect()
}

/// What the pipeline's role needs to start the recorder.
pub fn start_grant(pipeline: &str, account: &str) -> Grant {
    Grant::new(
        "StartLineageRecorder",
        &["states:StartExecution"],
        vec![format!(
            "arn:aws:states:*:{account}:stateMachine:{}",
            recorder_name(pipeline)
        )],
    )
}

/// What the recorder's role needs.
pub fn recorder_grants(account: &str) -> Vec<Grant> {
    let resources = ["context", "action", "artifact"]
        .iter()
        .map(|k| format!("arn:aws:sagemaker:*:{account}:{k}/*"))
        .collect();
    vec![
        Grant::new(
            "RecordLineage",
            &[
                "sagemaker:CreateContext",
                "sagemaker:DescribeContext",
                "sagemaker:CreateAction",
                "sagemaker:DescribeAction",
                "sagemaker:CreateArtifact",
                "sagemaker:AddAssociation",
            ],
            resources,
        ),
        // Artifacts are looked up by source URI; List actions have no resource-level
        // permissions.
        Grant::new(
            "FindLineageArtifacts",
            &["sagemaker:ListArtifacts"],
            vec!["*".into()],
        ),
    ]
}

/// Where a create that failed is noted before the look-up that usually recovers from it (the
/// entity exists: an earlier step's recorder made the Context, or this is a repeated start).
const RECOVERED: &str = "$.recovered_error";

fn recovered(next: &str) -> Vec<Catcher> {
    vec![Catcher {
        error_equals: vec!["States.ALL".into()],
        result_path: json!(RECOVERED),
        next: next.into(),
        ..Catcher::default()
    }]
}

/// `<Entity>` creates a SageMaker Context or Action (`create<Entity>` with `request`), or, when
/// that fails because it exists, `<Entity>.Existing` finds it by the name the input gives
/// (`$.<entity>.name`); its ARN goes to `$.recorded_<entity>`, then on to `next`.
fn create_or_find(states: &mut IndexMap<String, State>, entity: &str, request: Json, next: &str) {
    let lower = entity.to_lowercase();
    let selector = Some(json!({ "arn.$": format!("$.{entity}Arn") }));
    let slot = format!("$.recorded_{lower}");
    let existing = format!("{entity}.Existing");
    states.insert(
        entity.into(),
        task(
            sdk(&format!("create{entity}")),
            request,
            selector.clone(),
            &slot,
            recovered(&existing),
            Transition::Next(next.into()),
        ),
    );
    states.insert(
        existing,
        task(
            sdk(&format!("describe{entity}")),
            json!({ format!("{entity}Name.$"): format!("$.{lower}.name") }),
            selector,
            &slot,
            vec![],
            Transition::Next(next.into()),
        ),
    );
}

/// The recorder state machine of `pipeline`: its input is what [`after_step`] starts it with.
pub fn recorder(pipeline: &str) -> StateMachine {
    let mut states = IndexMap::new();
    create_or_find(
        &mut states,
        "Context",
        json!({
            "ContextName.$": "$.context.name",
            "ContextType": "StepFunctionsExecution",
            "Source": { "SourceUri.$": "$.context.execution", "SourceType": "AWS::StepFunctions::Execution" },
            "Properties": { "pipeline.$": "$.context.pipeline", "stateMachine.$": "$.context.stateMachine" },
        }),
        "Action",
    );
    create_or_find(
        &mut states,
        "Action",
        json!({
            "ActionName.$": "$.action.name",
            "ActionType.$": "$.action.type",
            "Status": "Completed",
            "Source": { "SourceUri.$": "$.action.source" },
            "Properties": { "step.$": "$.action.step", "execution.$": "$.context.execution" },
        }),
        "InContext",
    );
    // Already associated when the recorder runs again for the same step.
    states.insert(
        "InContext".into(),
        task(
            sdk("addAssociation"),
            json!({ "SourceArn.$": "$.recorded_action.arn", "DestinationArn.$": "$.recorded_context.arn", "AssociationType": "AssociatedWith" }),
            None,
            "",
            recovered("Artifacts"),
            Transition::Next("Artifacts".into()),
        ),
    );
    let mut selector = Payload::new();
    selector.insert("artifact.$".into(), json!("$$.Map.Item.Value"));
    selector.insert("action.$".into(), json!("$.recorded_action.arn"));
    states.insert(
        "Artifacts".into(),
        State::Map(Map {
            comment: Some("Record the S3 locations and models the step read and wrote".into()),
            items_path: "$.artifacts".into(),
            item_reader: None,
            item_selector: selector,
            max_concurrency: 4,
            tolerated_failure_count: None,
            tolerated_failure_percentage_path: None,
            item_processor: processor(),
            result_writer: None,
            result_path: Json::Null,
            catch: vec![],
            transition: Some(Transition::End(true)),
        }),
    );
    StateMachine {
        comment: Some(format!(
            "Lineage recorder of pipeline {pipeline} (compiled by aslc): records one step of one execution in SageMaker ML Lineage Tracking"
        )),
        start_at: "Context".into(),
        states,
    }
}

/// For one artifact: find it by URI or create it, then associate it with the action.
fn processor() -> Processor {
    let n = |name: &str| name.to_string();
    let mut states = IndexMap::new();
    states.insert(
        n("Find"),
        task(
            sdk("listArtifacts"),
            json!({ "SourceUri.$": "$.artifact.uri" }),
            Some(json!({ "arns.$": "$.ArtifactSummaries[*].ArtifactArn" })),
            "$.found",
            vec![],
            Transition::Next(n("Found")),
        ),
    );
    states.insert(
        n("Found"),
        State::Choice(Choice {
            query_language: None,
            comment: None,
            choices: vec![
                json!({ "Variable": "$.found.arns[0]", "IsPresent": true, "Next": n("Link") }),
            ],
            default: Some(n("Create")),
        }),
    );
    states.insert(
        n("Create"),
        task(
            sdk("createArtifact"),
            json!({ "ArtifactType.$": "$.artifact.type", "Source": { "SourceUri.$": "$.artifact.uri" } }),
            Some(json!({ "arns.$": "States.Array($.ArtifactArn)" })),
            "$.found",
            vec![],
            Transition::Next(n("Link")),
        ),
    );
    states.insert(
        n("Link"),
        State::Choice(Choice {
                query_language: None,
            comment: None,
            choices: vec![json!({ "Variable": "$.artifact.role", "StringEquals": "input", "Next": n("Input") })],
            default: Some(n("Output")),
        }),
    );
    states.insert(
        n("Input"),
        task(
            sdk("addAssociation"),
            json!({ "SourceArn.$": "$.found.arns[0]", "DestinationArn.$": "$.action", "AssociationType": "ContributedTo" }),
            None,
            "",
            vec![],
            Transition::End(true),
        ),
    );
    states.insert(
        n("Output"),
        task(
            sdk("addAssociation"),
            json!({ "SourceArn.$": "$.action", "DestinationArn.$": "$.found.arns[0]", "AssociationType": "Produced" }),
            None,
            "",
            vec![],
            Transition::End(true),
        ),
    );
    Processor {
        processor_config: ProcessorConfig {
            mode: "INLINE",
            execution_type: None,
        },
        start_at: n("Find"),
        states,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorder_name_is_a_valid_state_machine_name() {
        assert_eq!(
            recorder_name("nightly-fraud-retrain"),
            "nightly-fraud-retrain-lineage-recorder"
        );
        assert_eq!(
            recorder_name("regist'r {demo}"),
            "regist-r--demo--lineage-recorder"
        );
        assert_eq!(recorder_name(&"x".repeat(200)).len(), 80);
    }
}
