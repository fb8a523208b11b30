//! Map states: the items (`ItemsPath`, JSONata `Items`, or a Distributed Map's `ItemReader`
//! answered by the state's mock), each iteration in order (a Distributed Map's as child
//! executions, with their own history), tolerated failures, and a `ResultWriter`'s output.

use super::data::input_path;
use super::machine::{fail, Fail, Outcome, Runner};
use super::mocks::Response;
use serde_json::{json, Map, Value};

impl Runner<'_> {
    pub(super) fn map(
        &mut self,
        name: &str,
        s: &Value,
        input: &Value,
        ctx: &Value,
    ) -> Outcome<Value> {
        let jsonata = self.jsonata(s);
        let effective = match input_path(s, input) {
            Ok(v) if !jsonata => v,
            Ok(_) => input.clone(),
            Err(f) => return Ok(Err(f)),
        };
        let items = match self.map_items(name, s, &effective, ctx) {
            Ok(items) => items,
            Err(f) => return Ok(Err(f)),
        };
        let processor = s
            .get("ItemProcessor")
            .or_else(|| s.get("Iterator"))
            .cloned()
            .unwrap_or(Value::Null);
        let selector = s.get("ItemSelector").or_else(|| s.get("Parameters"));
        let tolerated = tolerance(s, items.len());
        // A Distributed Map runs each iteration as a child execution: its states are in the
        // child's history, not this one (AWS writes MapRun events here).
        let distributed = processor
            .pointer("/ProcessorConfig/Mode")
            .and_then(Value::as_str)
            == Some("DISTRIBUTED");
        self.event("MapStateStarted", json!({"length": items.len()}));
        // The map run's id: its ARN in the history, and the folder of its results' manifest.
        let run = distributed.then(|| self.rng.uuid());
        if let Some(id) = &run {
            let arn = self.map_run_arn(name, id);
            self.event("MapRunStarted", json!({"mapRunArn": arn}));
        }
        let mut outputs = Vec::new();
        let mut failures = 0usize;
        for (i, item) in items.iter().enumerate() {
            let item_ctx = self.context_for(name, self.clock, 0, Some((i, item)));
            let item_input = match selector {
                Some(sel) if jsonata => {
                    match self.jsonata_eval(sel, &json!({"input": input, "context": item_ctx})) {
                        Ok(v) => v,
                        Err(f) => return Ok(Err(f)),
                    }
                }
                Some(sel) => match self.template(sel, &effective, &item_ctx) {
                    Ok(v) => v,
                    Err(f) => return Ok(Err(f)),
                },
                None => item.clone(),
            };
            if !distributed {
                self.event("MapIterationStarted", json!({"name": name, "index": i}));
            }
            let parent = distributed.then(|| std::mem::take(&mut self.history));
            // A child execution of a Distributed Map does not see the parent's variables.
            let vars = if distributed {
                Map::new()
            } else {
                self.vars.clone()
            };
            let result = self.scoped(vars, |r| r.machine(&processor, item_input, Some((i, item))));
            if let Some(parent) = parent {
                self.history = parent;
            }
            match result? {
                Ok(o) => {
                    if !distributed {
                        self.event("MapIterationSucceeded", json!({"name": name, "index": i}));
                    }
                    outputs.push(o);
                }
                Err(f) => {
                    if !distributed {
                        self.event("MapIterationFailed", json!({"name": name, "index": i}));
                    }
                    failures += 1;
                    if failures > tolerated {
                        if distributed {
                            self.event("MapRunFailed", Value::Null);
                        }
                        self.event("MapStateFailed", Value::Null);
                        let f = if tolerated > 0 {
                            fail("States.ExceedToleratedFailureThreshold", format!("{failures} iterations failed, more than the {tolerated} tolerated; the last: {}: {}", f.error, f.cause))
                        } else {
                            f
                        };
                        return Ok(Err(f));
                    }
                    outputs.push(json!({"Error": f.error, "Cause": f.cause}));
                }
            }
        }
        if distributed {
            self.event("MapRunSucceeded", Value::Null);
        }
        self.event("MapStateSucceeded", Value::Null);
        let result = match s.get("ResultWriter") {
            Some(w) => match self.written(name, run, w, jsonata, &effective, ctx) {
                Ok(details) => details,
                Err(f) => return Ok(Err(f)),
            },
            None => Value::Array(outputs),
        };
        Ok(self.finish(s, input, result, ctx))
    }

    /// `arn:aws:states:<region>:<account>:mapRun:<machine>/<Map state>:<run id>`.
    fn map_run_arn(&self, name: &str, run: &str) -> String {
        let machine = self.context["StateMachine"]["Name"].as_str().unwrap_or("");
        format!("arn:aws:states:us-east-1:123456789012:mapRun:{machine}/{name}:{run}")
    }

    /// A Map with a `ResultWriter` outputs where it wrote the results, not the results: AWS
    /// writes `<Prefix>/<map run id>/manifest.json` beside them (aslc writes nothing).
    pub(super) fn written(
        &mut self,
        name: &str,
        run: Option<String>,
        writer: &Value,
        jsonata: bool,
        effective: &Value,
        ctx: &Value,
    ) -> Result<Value, Fail> {
        let params = match writer.get("Parameters").or_else(|| writer.get("Arguments")) {
            Some(p) if jsonata => {
                self.jsonata_eval(p, &json!({"input": effective, "context": ctx}))?
            }
            Some(p) => self.template(p, effective, ctx)?,
            None => json!({}),
        };
        let prefix = params.get("Prefix").and_then(Value::as_str).unwrap_or("");
        let sep = if prefix.is_empty() || prefix.ends_with('/') {
            ""
        } else {
            "/"
        };
        let run = run.unwrap_or_else(|| self.rng.uuid());
        Ok(json!({
            "MapRunArn": self.map_run_arn(name, &run),
            "ResultWriterDetails": {
                "Bucket": params.get("Bucket").cloned().unwrap_or(Value::Null),
                "Key": format!("{prefix}{sep}{run}/manifest.json"),
            },
        }))
    }

    /// The items: from `ItemsPath` (or `Items`), or, for a Distributed Map that reads them
    /// (`ItemReader`), from the mock of the Map state itself.
    pub(super) fn map_items(
        &mut self,
        name: &str,
        s: &Value,
        effective: &Value,
        ctx: &Value,
    ) -> Result<Vec<Value>, Fail> {
        let items = if s.get("ItemReader").is_some() {
            let call = *self
                .calls
                .entry(name.to_string())
                .and_modify(|n| *n += 1)
                .or_insert(1)
                - 1;
            match self.options.case.as_ref().and_then(|c| c.response(name, call)) {
                Some(Response::Return(v)) => v.clone(),
                Some(Response::Throw { error, cause }) => return Err(fail(error, cause.clone())),
                None => return Err(fail("aslc.NoMock", format!("Map state `{name}` reads its items (ItemReader): mock them as the state's response"))),
            }
        } else if self.jsonata(s) {
            let states = json!({"input": effective, "context": ctx});
            match s.get("Items") {
                Some(items) => self.jsonata_eval(items, &states)?,
                None => effective.clone(),
            }
        } else {
            let path = s.get("ItemsPath").and_then(Value::as_str).unwrap_or("$");
            self.path_or_call(path, effective, ctx)?
        };
        match items {
            Value::Array(a) => Ok(a),
            other => Err(fail(
                "States.Runtime",
                format!("the Map state's items are not a list: {other}"),
            )),
        }
    }
}

/// How many failed iterations a Map tolerates.
fn tolerance(s: &Value, n: usize) -> usize {
    let count = s
        .get("ToleratedFailureCount")
        .and_then(Value::as_u64)
        .map(|c| c as usize);
    let pct = s
        .get("ToleratedFailurePercentage")
        .and_then(Value::as_f64)
        .map(|p| ((p / 100.0) * n as f64).floor() as usize);
    count.into_iter().chain(pct).max().unwrap_or(0)
}
