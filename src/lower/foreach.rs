//! `foreach`: a Map state. Each iteration gets the state data the steps inside read (the
//! parameters, the results of earlier steps, the retry counters, the cache and lineage slots)
//! with its item at `$.item`, and returns the results of the steps inside; the list of those is
//! `$.steps.<Foreach>.results`. A list from the state data or written in the source is an
//! inline Map; an S3 prefix is a Distributed Map: `ItemReader` lists the objects, each item is
//! a child execution, and `ResultWriter` writes the results to S3.

use super::{entry, paths, Cont, Lowerer};
use crate::asl::model::*;
use crate::check::{Foreach, ForeachSource, StepDef, Tolerance, Val};
use crate::lower::plan::StepPlan;
use crate::steps::Grant;
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

impl Lowerer<'_> {
    pub(super) fn foreach(
        &mut self,
        s: &StepDef,
        f: &Foreach,
        next: &Cont,
        plan: &mut StepPlan,
        out: &mut IndexMap<String, State>,
    ) {
        let slot = paths::results(&s.name);
        let result = paths::foreach_state(&s.name, "Result");
        let mut states = IndexMap::new();
        self.foreachs.push(s.name.clone());
        self.depth += 1;
        self.block(&f.steps, &Cont::Next(result.clone()), &mut states);
        self.depth -= 1;
        self.foreachs.pop();
        states.insert(result.clone(), iteration_result(&f.steps));
        let distributed = f.distributed();
        if distributed {
            self.child_execution_grants();
        }
        let mut selector = Payload::new();
        selector.insert("params.$".into(), json!("$.params"));
        selector.insert("steps.$".into(), json!("$.steps"));
        for key in self.state_keys() {
            selector.insert(format!("{key}.$"), json!(format!("$.{key}")));
        }
        // What the Map reads from the state data rather than from its own fields: a list written
        // in the source, and a tolerated percentage (as `ToleratedFailurePercentagePath`: the
        // AWS Toolkit's schema wants the field an integer, LocalStack's parser a decimal).
        let mut setup = serde_json::Map::new();
        if let ForeachSource::List(Val::Lit(list)) = &f.source {
            setup.insert("items".into(), list.clone());
        }
        if let Some(Tolerance::Percent(p)) = f.tolerate {
            setup.insert("tolerate".into(), json!(p));
        }
        if !setup.is_empty() {
            let name = paths::foreach_state(&s.name, "Setup");
            out.insert(
                name.clone(),
                State::Pass(Pass {
                    comment: Some(format!(
                        "What {} runs over and how many failures it survives",
                        s.name
                    )),
                    result: Some(Json::Object(setup)),
                    result_path: Some(Json::String(slot.clone())),
                    transition: Some(Transition::Next(s.name.clone())),
                    ..Pass::default()
                }),
            );
            plan.states.push(name);
        }
        // `$.items`: the items of the foreach steps around this one, and this one's.
        let mut items = Payload::new();
        for outer in &self.foreachs {
            items.insert(
                format!("{}.$", paths::key(outer)),
                json!(paths::item(outer)),
            );
        }
        let this = format!("{}.$", paths::key(&s.name));
        let (items_path, item_reader, result_writer) = match &f.source {
            ForeachSource::List(Val::Lit(_)) => {
                items.insert(this, json!("$$.Map.Item.Value"));
                (format!("{slot}.items"), None, None)
            }
            ForeachSource::List(v) => {
                items.insert(this, json!("$$.Map.Item.Value"));
                (crate::lower::values::arg(v), None, None)
            }
            ForeachSource::S3 { bucket, prefix } => {
                items.insert(
                    this,
                    json!(format!(
                        "States.Format('s3://{bucket}/{{}}', $$.Map.Item.Value.Key)"
                    )),
                );
                self.s3_grants(bucket);
                (
                    String::new(),
                    Some(json!({
                        "Resource": "arn:aws:states:::s3:listObjectsV2",
                        "Parameters": { "Bucket": bucket, "Prefix": prefix },
                    })),
                    Some(json!({
                        "Resource": "arn:aws:states:::s3:putObject",
                        "Parameters": { "Bucket": bucket, "Prefix": results_prefix(&self.c.name, &s.name) },
                    })),
                )
            }
        };
        selector.insert("items".into(), Json::Object(items));
        let (count, percentage) = match f.tolerate {
            Some(Tolerance::Count(n)) => (Some(n), None),
            Some(Tolerance::Percent(_)) => (None, Some(format!("{slot}.tolerate"))),
            None => (None, None),
        };
        out.insert(
            s.name.clone(),
            State::Map(Map {
                comment: Some(format!("{}: once per item", s.name)),
                items_path,
                item_reader,
                item_selector: selector,
                max_concurrency: f.max_concurrency,
                tolerated_failure_count: count,
                tolerated_failure_percentage_path: percentage,
                item_processor: Processor {
                    processor_config: ProcessorConfig {
                        mode: if distributed { "DISTRIBUTED" } else { "INLINE" },
                        execution_type: distributed.then_some("STANDARD"),
                    },
                    start_at: f.steps.first().map(entry).unwrap_or_default(),
                    states,
                },
                result_writer,
                result_path: Json::String(format!("{slot}.results")),
                catch: Vec::new(),
                transition: next.transition(),
            }),
        );
        plan.states.push(s.name.clone());
        plan.states.push(result);
    }

    /// A Distributed Map starts child executions of this state machine (named after its
    /// pipeline, as `--emit cfn` names it).
    fn child_execution_grants(&mut self) {
        let account = self.cx.account.to_string();
        let name = self.c.name.clone();
        self.plan.grant(Grant::new(
            "RunForeachChildren",
            &["states:StartExecution"],
            vec![format!("arn:aws:states:*:{account}:stateMachine:{name}")],
        ));
        self.plan.grant(Grant::new(
            "AwaitForeachChildren",
            &["states:DescribeExecution", "states:StopExecution"],
            vec![format!("arn:aws:states:*:{account}:execution:{name}/*")],
        ));
    }

    /// Over an S3 prefix it lists the bucket and writes its results there.
    fn s3_grants(&mut self, bucket: &str) {
        self.plan.grant(Grant::new(
            "ListForeachItems",
            &["s3:ListBucket"],
            vec![format!("arn:aws:s3:::{bucket}")],
        ));
        self.plan.grant(Grant::new(
            "WriteForeachResults",
            &[
                "s3:PutObject",
                "s3:GetObject",
                "s3:ListMultipartUploadParts",
                "s3:AbortMultipartUpload",
            ],
            vec![format!("arn:aws:s3:::{bucket}/aslc-results/*")],
        ));
    }
}

/// Does the foreach start with `<Foreach>.Setup` (a list written out, a tolerated percentage)?
pub(super) fn has_setup(f: &Foreach) -> bool {
    matches!(f.source, ForeachSource::List(Val::Lit(_)))
        || matches!(f.tolerate, Some(Tolerance::Percent(_)))
}

/// The steps the author wrote at the top of the iteration, through the `Parallel` states the
/// schedule added around some of them.
fn authored<'a>(steps: &'a [StepDef], out: &mut Vec<&'a StepDef>) {
    for s in steps {
        match &s.body {
            crate::check::StepIr::Parallel { branches } if super::dag::is_fork(s) => {
                branches.iter().for_each(|b| authored(b, out))
            }
            _ => out.push(s),
        }
    }
}

/// Where a Distributed Map writes its results: beside the items, not under their prefix.
fn results_prefix(pipeline: &str, step: &str) -> String {
    format!("aslc-results/{pipeline}/{step}/")
}

/// What one iteration returns: the results of the steps inside it (JSONata leaves out a step a
/// `when` inside did not run, where a JSONPath selection would fail).
fn iteration_result(steps: &[StepDef]) -> State {
    let mut written = Vec::new();
    authored(steps, &mut written);
    let fields: Vec<String> = written
        .iter()
        .map(|s| {
            let (k, f) = (paths::key(&s.name), paths::jsonata_field(&s.name));
            format!("'{k}': $states.input.steps.{f}")
        })
        .collect();
    State::Pass(Pass::jsonata(
        Some("This iteration's results".into()),
        &format!("{{{}}}", fields.join(", ")),
        Transition::End(true),
    ))
}
