//! Step caching (`cache 30d`), as SageMaker Pipelines does it: a step whose request (inputs,
//! configuration, image and arguments; not the job name) is unchanged and whose last successful
//! result is younger than the duration is not run again; its stored result is reused.
//!
//! `<S>.Cache.Lookup` (DynamoDB `getItem` under the request's key) → `<S>.Cache.Hit` (fresh?) →
//! `<S>.Cache.Restore` puts the stored result at `$.steps.<S>`; otherwise `<S>` runs and
//! `<S>.Cache.Store` (`putItem`) keeps its result. Lookup and store failures are caught: without
//! the table, caching is off and nothing else changes. The stored result keeps the job ARN of
//! the run that produced it, so lineage links a reused result to that run.
//!
//! The key is computed by intrinsics where it is used, so no state writes the request out: the
//! request's fixed parts are hashed at compile time, the values a run fills in at run time.
//! An entry expires a duration after the execution that stored it started: at the top level the
//! first state computes that time into variables (`cache_expires_<seconds>`); a branch or
//! iteration, which a Distributed Map runs without its parent's variables, computes it in an
//! `<S>.Cache.Expiry` state of its own.

use super::{paths, Cont};
use crate::asl::model::*;
use crate::check::StepDef;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

/// Steps whose results can be cached: SageMaker jobs.
pub fn applies(s: &StepDef) -> bool {
    s.cache.is_some() && crate::steps::kind(&s.body).is_some_and(|k| k.job().is_some())
}

pub fn entry(s: &StepDef) -> Option<String> {
    applies(s).then(|| paths::cache_state(&s.name, "Lookup"))
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

/// The intrinsic call that gives a step's cache key: `<Step>:` and the SHA-256 of the digest
/// of the request's fixed parts and of each value the run fills in (`States.Hash` takes at most
/// 10,000 characters: each value is hashed on its own).
/// The fields the step keeps are part of it: an entry holds those, so a pipeline that comes to
/// keep another field does not find entries without it.
fn key(s: &StepDef, request: &Payload, kept: &[String]) -> String {
    // The job name is fresh on every run; everything else identifies the work.
    let material: Payload = request
        .iter()
        .filter(|(k, _)| !k.ends_with("JobName.$"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut filled = Vec::new();
    let fixed = json!([holes(&Json::Object(material), &mut filled), kept]);
    let digest: String = Sha256::digest(fixed.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let values: Vec<String> = filled
        .iter()
        .map(|path| format!("States.Hash(States.JsonToString({path}), 'SHA-256')"))
        .collect();
    let hashed = if values.is_empty() {
        format!("'{digest}'")
    } else {
        format!(
            "States.Hash(States.Format('{digest}{}', {}), 'SHA-256')",
            "|{}".repeat(values.len()),
            values.join(", ")
        )
    };
    format!("States.Format('{}:{{}}', {hashed})", s.name)
}

/// `v` with each path a run reads replaced by its number in `filled`. An intrinsic call keeps
/// its text, its paths numbered: hashing what it reads, not what it returns (which may be an
/// array `States.Hash` refuses, or a fresh `States.UUID()`).
fn holes(v: &Json, filled: &mut Vec<String>) -> Json {
    match v {
        Json::Object(m) => Json::Object(
            m.iter()
                .map(|(k, x)| match (k.ends_with(".$"), x) {
                    (true, Json::String(e)) => {
                        let mut text = e.clone();
                        for path in paths_in(e) {
                            filled.push(path.clone());
                            text = text.replacen(&path, &format!("<{}>", filled.len()), 1);
                        }
                        (k.clone(), json!(text))
                    }
                    _ => (k.clone(), holes(x, filled)),
                })
                .collect(),
        ),
        Json::Array(a) => Json::Array(a.iter().map(|x| holes(x, filled)).collect()),
        other => other.clone(),
    }
}

/// The paths (`$.…`, `$$.…`) a path or intrinsic call reads, in order; string literals skipped.
fn paths_in(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.char_indices().peekable();
    let mut quoted = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quoted => {
                chars.next();
            }
            '\'' => quoted = !quoted,
            '$' if !quoted => {
                let mut end = expr.len();
                let mut depth = 0;
                while let Some(&(j, d)) = chars.peek() {
                    match d {
                        '[' => depth += 1,
                        ']' => depth -= 1,
                        ',' | ')' | ' ' if depth == 0 => {
                            end = j;
                            break;
                        }
                        _ => {}
                    }
                    chars.next();
                }
                out.push(expr[i..end].to_string());
            }
            _ => {}
        }
    }
    out
}

/// The variables holding when an entry stored by this execution expires, for a duration:
/// (`expires`, `ttl`).
pub fn expiry_variables(seconds: u64) -> (String, String) {
    (
        format!("cache_expires_{seconds}"),
        format!("cache_{TTL_ATTRIBUTE}_{seconds}"),
    )
}

/// JSONata expressions for when an entry expires (`expires`, `ttl`), `seconds` after the time
/// at the context path `from`.
pub fn expiry_values(seconds: u64, from: &str) -> (String, String) {
    let until = format!("($toMillis($states.context.{from}) + {})", seconds * 1000);
    (
        format!("$fromMillis{until}"),
        format!("$string($floor({until} / 1000))"),
    )
}

/// The execution's start, from which the top level's entries expire.
pub const EXECUTION_START: &str = "Execution.StartTime";

/// A cached step, as its cache states need it.
pub struct Cached<'a> {
    step: &'a StepDef,
    table: &'a str,
    /// The result fields the step keeps.
    kept: &'a [String],
    /// The intrinsic call giving the entry's key, which the look-up and the store both use.
    key: String,
}

impl<'a> Cached<'a> {
    /// `request`: the step's parameters.
    pub fn new(step: &'a StepDef, table: &'a str, request: &Payload, kept: &'a [String]) -> Self {
        Cached {
            key: key(step, request, kept),
            step,
            table,
            kept,
        }
    }
}

/// The states before the step: look the key up, reuse a fresh result; `then`: where a reused
/// result continues.
pub fn before(c: &Cached, then: &Cont, out: &mut IndexMap<String, State>) {
    let (s, table, kept) = (c.step, c.table, c.kept);
    let n = |suffix: &str| paths::cache_state(&s.name, suffix);
    let slot = paths::cache(&s.name);
    let mut p = Payload::new();
    p.insert("TableName".into(), json!(table));
    p.insert("Key".into(), json!({ "key": { "S.$": c.key } }));
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
                ..Catcher::default()
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
    let after = cont(then, out, n("Done"));
    let reused = if kept.is_empty() {
        after.clone()
    } else {
        n("Restore")
    };
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
                "Next": reused,
            })],
            default: Some(s.name.clone()),
        }),
    );
    if kept.is_empty() {
        return;
    }
    let mut p = Payload::new();
    for field in kept {
        p.insert(
            format!("{field}.$"),
            json!(format!(
                "States.StringToJson({slot}.found.Item.result.M.{field}.S)"
            )),
        );
    }
    out.insert(
        n("Restore"),
        State::Pass(Pass {
            comment: Some("The stored result becomes this run's result of the step".into()),
            parameters: Some(p),
            result_path: Some(json!(paths::results(&s.name))),
            transition: Some(Transition::Next(after)),
            ..Pass::default()
        }),
    );
}

/// The cache table's TTL attribute: epoch seconds after which DynamoDB deletes the item. The
/// deployment template turns TTL on for it.
pub const TTL_ATTRIBUTE: &str = "ttl";

/// The states after a successful run: keep the result until it expires. `top`: the expiry is in
/// the top level's variables.
pub fn after(c: &Cached, top: bool, then: &Cont, out: &mut IndexMap<String, State>) {
    let (s, table, kept) = (c.step, c.table, c.kept);
    let n = |suffix: &str| paths::cache_state(&s.name, suffix);
    let seconds = s.cache.unwrap_or(0);
    let name = &paths::key(&s.name);
    let slot = paths::cache(name);
    // `expires` is what the lookup compares; `ttl` (epoch seconds, a DynamoDB number) is what
    // the table's TTL reads to delete the item once it has expired.
    let (expires, ttl) = if top {
        let (e, t) = expiry_variables(seconds);
        (format!("${e}"), format!("${t}"))
    } else {
        let field = &paths::jsonata_field(&s.name);
        let (e, t) = expiry_values(seconds, "State.EnteredTime");
        let output = format!(
            "$merge([$states.input, {{'cache': $merge([$states.input.cache, {{'{name}': $merge([$states.input.cache.{field}, {{'expires': {e}, '{TTL_ATTRIBUTE}': {t}}}])}}])}}])"
        );
        out.insert(
            n("Expiry"),
            State::Pass(Pass::jsonata(None, &output, Transition::Next(n("Store")))),
        );
        (format!("{slot}.expires"), format!("{slot}.{TTL_ATTRIBUTE}"))
    };
    let result: serde_json::Map<String, Json> = kept
        .iter()
        .map(|f| {
            let at = paths::output(name, f);
            (
                f.clone(),
                json!({ "S.$": format!("States.JsonToString({at})") }),
            )
        })
        .collect();
    let mut p = Payload::new();
    p.insert("TableName".into(), json!(table));
    p.insert(
        "Item".into(),
        json!({
            "key": { "S.$": c.key },
            "step": { "S": name },
            "result": { "M": result },
            "expires": { "S.$": expires },
            TTL_ATTRIBUTE: { "N.$": ttl },
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
                ..Catcher::default()
            }],
            transition: Some(Transition::Next(after)),
            ..Task::default()
        }),
    );
}

/// The state a cached step's job goes to when it succeeds.
pub fn after_job(s: &StepDef, top: bool) -> String {
    paths::cache_state(&s.name, if top { "Store" } else { "Expiry" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paths_an_intrinsic_reads_are_its_dynamic_parts() {
        assert_eq!(paths_in("$.params.X"), ["$.params.X"]);
        assert_eq!(
            paths_in("States.Format('s3://b/{}/$.x', $$.Execution.Name, $.a['b-c'])"),
            ["$$.Execution.Name", "$.a['b-c']"]
        );
        assert_eq!(paths_in("States.Array('--in', $.p.U)"), ["$.p.U"]);
        assert!(paths_in("States.UUID()").is_empty());
    }
}
