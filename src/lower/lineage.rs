//! Lineage wiring: states that record, as the execution runs, what the sidecar describes, in
//! SageMaker ML Lineage Tracking (reference: lineage.md §3).
//!
//! * One Context per execution, named from a hash of the execution ARN.
//! * Per step that reads or writes S3 or models: an Action (named the same way) associated with
//!   the Context; for each S3 location, an Artifact — looked up by URI first, created only when
//!   missing — associated with the Action (`ContributedTo` for inputs, `Produced` for outputs).
//!
//! Deterministic names and look-ups make every call safe to repeat on retry. Every lineage state
//! catches all errors into `$.lineage.failures.<Step>` and carries on: lineage never fails the
//! ML pipeline, and the execution's output says what was not recorded. ARNs live under
//! `$.lineage` only, never per step.

use super::paths;
use super::values::put;
use super::Cont;
use crate::asl::model::*;
use crate::steps::{Lineage, Role};
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

pub const CONTEXT: &str = "Lineage.Context";

/// Where a create that failed is noted before the look-up that usually recovers from it
/// (the entity exists from an earlier attempt); only unrecovered errors go to `failures`.
const RECOVERED: &str = "$.lineage.last_error";

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

fn catch(step: &str, next: &str) -> Vec<Catcher> {
    vec![Catcher {
        error_equals: vec!["States.ALL".into()],
        result_path: json!(super::paths::lineage_failure(step)),
        next: next.into(),
    }]
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

/// The Context of this execution, before the first step.
pub fn context(pipeline: &str, next: &Cont, out: &mut IndexMap<String, State>) {
    let after = match next {
        Cont::Next(n) => n.clone(),
        Cont::End => "Lineage.Done".to_string(),
    };
    if matches!(next, Cont::End) {
        out.insert(after.clone(), State::Succeed(Succeed::default()));
    }
    let name = entity_name(pipeline);
    let selector = Some(json!({ "arn.$": "$.ContextArn" }));
    out.insert(
        CONTEXT.into(),
        task(
            sdk("createContext"),
            json!({
                "ContextName.$": name,
                "ContextType": "StepFunctionsExecution",
                "Source": { "SourceUri.$": "$$.Execution.Id", "SourceType": "AWS::StepFunctions::Execution" },
                "Properties": { "pipeline": pipeline, "stateMachine.$": "$$.StateMachine.Id" },
            }),
            selector.clone(),
            "$.lineage.context",
            vec![Catcher { error_equals: vec!["States.ALL".into()], result_path: json!(RECOVERED), next: format!("{CONTEXT}.Existing") }],
            Transition::Next(after.clone()),
        ),
    );
    // A retried execution start finds the Context it already created.
    out.insert(
        format!("{CONTEXT}.Existing"),
        task(
            sdk("describeContext"),
            json!({ "ContextName.$": name }),
            selector,
            "$.lineage.context",
            catch("Context", &after),
            Transition::Next(after),
        ),
    );
}

/// The first lineage state of a step that records lineage.
pub fn entry(step: &str) -> String {
    format!("{step}.Lineage")
}

/// The lineage states that follow a step, continuing with `next`; returns the state that
/// records the step's artifacts.
pub fn after_step(
    step: &str,
    record: &Lineage,
    next: &Cont,
    out: &mut IndexMap<String, State>,
) -> String {
    let (action, existing, in_context, list, map) = (
        entry(step),
        paths::lineage_state(step, "Existing"),
        paths::lineage_state(step, "InContext"),
        paths::lineage_state(step, "Plan"),
        paths::lineage_state(step, "Artifacts"),
    );
    let after = match next {
        Cont::Next(n) => n.clone(),
        Cont::End => {
            let done = paths::lineage_state(step, "Done");
            out.insert(done.clone(), State::Succeed(Succeed::default()));
            done
        }
    };
    let name = entity_name(step);
    let mut params = Payload::new();
    params.insert("ActionName.$".into(), name.clone());
    params.insert("ActionType".into(), json!(record.action));
    params.insert("Status".into(), json!("Completed"));
    let mut src = Payload::new();
    put(&mut src, "SourceUri", &record.source);
    params.insert("Source".into(), Json::Object(src));
    params.insert(
        "Properties".into(),
        json!({ "step": step, "execution.$": "$$.Execution.Id" }),
    );
    let selector = Some(json!({ "arn.$": "$.ActionArn" }));
    out.insert(
        action.clone(),
        task(
            sdk("createAction"),
            Json::Object(params),
            selector.clone(),
            "$.lineage.action",
            vec![Catcher {
                error_equals: vec!["States.ALL".into()],
                result_path: json!(RECOVERED),
                next: existing.clone(),
            }],
            Transition::Next(in_context.clone()),
        ),
    );
    out.insert(
        existing,
        task(
            sdk("describeAction"),
            json!({ "ActionName.$": name }),
            selector,
            "$.lineage.action",
            catch(step, &after),
            Transition::Next(in_context.clone()),
        ),
    );
    out.insert(
        in_context,
        task(
            sdk("addAssociation"),
            json!({ "SourceArn.$": "$.lineage.action.arn", "DestinationArn.$": "$.lineage.context.arn", "AssociationType": "AssociatedWith" }),
            None,
            "",
            catch(step, &after),
            Transition::Next(list.clone()),
        ),
    );
    let artifacts: Vec<Json> = record
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
        .collect();
    let mut plan_params = Payload::new();
    plan_params.insert("artifacts".into(), Json::Array(artifacts));
    out.insert(
        list,
        State::Pass(Pass {
            parameters: Some(plan_params),
            result_path: Some(json!("$.lineage.plan")),
            transition: Some(Transition::Next(map.clone())),
            ..Pass::default()
        }),
    );
    let mut selector = Payload::new();
    selector.insert("artifact.$".into(), json!("$$.Map.Item.Value"));
    selector.insert("action.$".into(), json!("$.lineage.action.arn"));
    out.insert(
        map.clone(),
        State::Map(Map {
            comment: Some(format!("Record the S3 locations {step} read and wrote")),
            items_path: "$.lineage.plan.artifacts".into(),
            item_reader: None,
            item_selector: selector,
            max_concurrency: 4,
            tolerated_failure_count: None,
            tolerated_failure_percentage_path: None,
            item_processor: processor(step),
            result_writer: None,
            result_path: Json::Null,
            catch: catch(step, &after),
            transition: Some(Transition::Next(after)),
        }),
    );
    map
}

/// For one artifact: find it by URI or create it, then associate it with the action.
fn processor(step: &str) -> Processor {
    let n = |suffix: &str| paths::lineage_state(step, suffix);
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
