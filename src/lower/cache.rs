//! Step caching (`cache 30d`), as SageMaker Pipelines does it: a step whose request (inputs,
//! configuration, image and arguments; not the job name) is unchanged and whose last successful
//! result is younger than the duration is not run again; its stored result is reused.
//!
//! `<S>.Cache.Key` (the request, as data) → `<S>.Cache.Hash` (`States.Hash`) → `<S>.Cache.Lookup`
//! (DynamoDB `getItem`) → `<S>.Cache.Hit` (fresh?) → `<S>.Cache.Reuse` + `<S>.Cache.Restore` put
//! the stored result at `$.steps.<S>`; otherwise `<S>` runs, and `<S>.Cache.Expiry` (JSONata: date
//! arithmetic) + `<S>.Cache.Store` (`putItem`) keep its result. Lookup and store failures are
//! caught: without the table, caching is off and nothing else changes. The stored result keeps the
//! job ARN of the run that produced it, so lineage links a reused result to that run.

use super::{paths, Cont};
use crate::asl::model::*;
use crate::check::StepDef;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

/// Steps whose results can be cached: SageMaker jobs.
pub fn applies(s: &StepDef) -> bool {
    s.cache.is_some() && crate::steps::kind(&s.body).is_some_and(|k| k.job().is_some())
}

pub fn entry(s: &StepDef) -> Option<String> {
    applies(s).then(|| paths::cache_state(&s.name, "Key"))
}

fn cont(c: &Cont, out: &mut IndexMap<String, State>, done: String) -> String {
    match c {
        Cont::Next(n) => n.clone(),
        Cont::End => {
            out.insert(done.clone(), State::Succeed(Succeed::default()));
            done
        }
    }
}

/// The states before the step: compute the key, look it up, reuse a fresh result.
/// `request`: the step's parameters; `then`: where a reused result continues.
pub fn before(
    s: &StepDef,
    table: &str,
    request: &Payload,
    then: &Cont,
    out: &mut IndexMap<String, State>,
) {
    let n = |suffix: &str| paths::cache_state(&s.name, suffix);
    let slot = paths::cache(&s.name);
    // The job name is fresh on every run; everything else identifies the work.
    let key_material: Payload = request
        .iter()
        .filter(|(k, _)| !k.ends_with("JobName.$"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut p = Payload::new();
    p.insert("request".into(), Json::Object(key_material.clone()));
    out.insert(
        n("Key"),
        State::Pass(Pass {
            parameters: Some(p),
            result_path: Some(json!(slot)),
            transition: Some(Transition::Next(n("Hash"))),
            ..Pass::default()
        }),
    );
    // `States.Hash` takes at most 10,000 characters: hash each part of the request (SageMaker's
    // own limits keep each part far smaller), then the digests together.
    let parts: Vec<String> = key_material
        .keys()
        .map(|k| {
            format!(
                "States.Hash(States.JsonToString({slot}.request.{}), 'SHA-256')",
                k.trim_end_matches(".$")
            )
        })
        .collect();
    let holes = vec!["{}"; parts.len()].join("|");
    let mut p = Payload::new();
    p.insert(
        "key.$".into(),
        json!(format!(
            "States.Format('{}:{{}}', States.Hash(States.Format('{holes}', {}), 'SHA-256'))",
            s.name,
            parts.join(", ")
        )),
    );
    out.insert(
        n("Hash"),
        State::Pass(Pass {
            parameters: Some(p),
            result_path: Some(json!(slot)),
            transition: Some(Transition::Next(n("Lookup"))),
            ..Pass::default()
        }),
    );
    let mut p = Payload::new();
    p.insert("TableName".into(), json!(table));
    p.insert(
        "Key".into(),
        json!({ "key": { "S.$": format!("{slot}.key") } }),
    );
    out.insert(
        n("Lookup"),
        State::Task(Task {
            resource: "arn:aws:states:::dynamodb:getItem".into(),
            parameters: p,
            result_path: json!(format!("{slot}.found")),
            catch: vec![Catcher {
                error_equals: vec!["States.ALL".into()],
                result_path: json!(format!("{slot}.error")),
                next: s.name.clone(),
            }],
            transition: Some(Transition::Next(n("Hit"))),
            ..Task::default()
        }),
    );
    // JSONata, like the expiry it checks: `$now()` is the one clock every interpreter gives a
    // Choice (LocalStack's, which moto ships, reads no `$$` path in a JSONPath Choice rule and
    // parses no fractional seconds in timestamps). Both sides are UTC ISO 8601 with
    // milliseconds, so comparing them as strings orders them in time.
    let expires = format!(
        "$states.input.cache.{}.found.Item.expires.S",
        paths::jsonata_field(&s.name)
    );
    out.insert(
        n("Hit"),
        State::Choice(Choice {
            query_language: Some("JSONata"),
            comment: Some(format!(
                "Did an earlier run of {} with the same request finish recently enough?",
                s.name
            )),
            choices: vec![json!({
                "Condition": format!("{{% $exists({expires}) and {expires} > $now() %}}"),
                "Next": n("Reuse"),
            })],
            default: Some(s.name.clone()),
        }),
    );
    let mut p = Payload::new();
    p.insert(
        "result.$".into(),
        json!(format!("States.StringToJson({slot}.found.Item.result.S)")),
    );
    out.insert(
        n("Reuse"),
        State::Pass(Pass {
            parameters: Some(p),
            result_path: Some(json!(format!("{slot}.reused"))),
            transition: Some(Transition::Next(n("Restore"))),
            ..Pass::default()
        }),
    );
    let after = cont(then, out, n("Done"));
    out.insert(
        n("Restore"),
        State::Pass(Pass {
            comment: Some("The stored result becomes this run's result of the step".into()),
            input_path: Some(format!("{slot}.reused.result")),
            result_path: Some(json!(paths::results(&s.name))),
            transition: Some(Transition::Next(after)),
            ..Pass::default()
        }),
    );
}

/// The cache table's TTL attribute: epoch seconds after which DynamoDB deletes the item. The
/// deployment template turns TTL on for it.
pub const TTL_ATTRIBUTE: &str = "ttl";

/// The states after a successful run: keep the result until it expires.
pub fn after(s: &StepDef, table: &str, then: &Cont, out: &mut IndexMap<String, State>) {
    let n = |suffix: &str| paths::cache_state(&s.name, suffix);
    let ms = s.cache.unwrap_or(0) * 1000;
    let name = &paths::key(&s.name);
    let field = &paths::jsonata_field(&s.name);
    // `expires` is what the lookup compares; `ttl` (epoch seconds, a DynamoDB number) is what
    // the table's TTL reads to delete the item once it has expired.
    let until = format!("($toMillis($states.context.State.EnteredTime) + {ms})");
    let output = format!(
        "$merge([$states.input, {{'cache': $merge([$states.input.cache, {{'{name}': $merge([$states.input.cache.{field}, {{'expires': $fromMillis{until}, '{TTL_ATTRIBUTE}': $string($floor({until} / 1000))}}])}}])}}])"
    );
    out.insert(
        n("Expiry"),
        State::Pass(Pass::jsonata(None, &output, Transition::Next(n("Store")))),
    );
    let slot = paths::cache(name);
    let mut p = Payload::new();
    p.insert("TableName".into(), json!(table));
    p.insert(
        "Item".into(),
        json!({
            "key": { "S.$": format!("{slot}.key") },
            "step": { "S": name },
            "result": { "S.$": format!("States.JsonToString({})", paths::results(name)) },
            "expires": { "S.$": format!("{slot}.expires") },
            TTL_ATTRIBUTE: { "N.$": format!("{slot}.{TTL_ATTRIBUTE}") },
            "execution": { "S.$": "$$.Execution.Id" },
        }),
    );
    let after = cont(then, out, n("Done"));
    out.insert(
        n("Store"),
        State::Task(Task {
            resource: "arn:aws:states:::dynamodb:putItem".into(),
            parameters: p,
            result_path: Json::Null,
            catch: vec![Catcher {
                error_equals: vec!["States.ALL".into()],
                result_path: json!(format!("{slot}.error")),
                next: after.clone(),
            }],
            transition: Some(Transition::Next(after)),
            ..Task::default()
        }),
    );
}
