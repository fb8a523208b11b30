//! The executor: one state after another on the simulated clock — each type's behaviour, retries
//! and catchers, Task invocations answered by the mock file (and their time-outs), Parallel
//! branches one after another in order (deterministic; the clock does not advance while a
//! branch waits for another). How data flows through a state is `data.rs`'s; Map states are
//! `map.rs`'s.

use super::data::{assignments, input_path, io, output_path, result_path};
use super::history::History;
use super::intrinsics;
use super::jsonpath::put;
use super::mocks::Response;
use super::{choice, Execution, Options, Rng, Status};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The largest state input or output Step Functions accepts, in bytes.
const DATA_LIMIT: usize = 262_144;

/// An error a state raises: AWS's name and cause.
#[derive(Clone, Debug)]
pub(super) struct Fail {
    pub(super) error: String,
    pub(super) cause: String,
}

pub(super) fn fail(error: &str, cause: impl Into<String>) -> Fail {
    Fail {
        error: error.to_string(),
        cause: cause.into(),
    }
}

/// The state being run: its name and type, when it was entered, and the item of the Map
/// iteration it is in.
pub(super) struct Here<'a> {
    name: &'a str,
    ty: &'a str,
    entered: i64,
    item: Option<(usize, &'a Value)>,
}

/// The execution ends early (too many events): not a state error, not caught.
pub(super) struct Stop(pub(super) Fail);

pub(super) type Outcome<T> = Result<Result<T, Fail>, Stop>;

pub struct Runner<'d> {
    pub(super) definition: &'d Value,
    pub(super) options: Options,
    pub(super) clock: i64,
    pub(super) history: History,
    pub(super) rng: Rng,
    pub(super) calls: HashMap<String, u32>,
    pub(super) context: Value,
    /// The workflow variables of the scope being run (a Parallel branch or Map iteration
    /// starts with a copy of its parent's, and its assignments stay inside it).
    pub(super) vars: Map<String, Value>,
    /// The state being run and the id of the event that entered it, for error messages.
    pub(super) current: (String, usize),
}

impl<'d> Runner<'d> {
    pub fn new(definition: &'d Value, options: Options) -> Runner<'d> {
        let start = super::history::timestamp(options.start_ms);
        let sm = &options.state_machine_name;
        let arn = format!("arn:aws:states:us-east-1:123456789012:stateMachine:{sm}");
        let context = json!({
            "Execution": {
                "Id": format!("arn:aws:states:us-east-1:123456789012:execution:{sm}:{}", options.execution_name),
                "Name": options.execution_name,
                "StartTime": start,
                "Input": options.input,
                "RoleArn": "arn:aws:iam::123456789012:role/aslc-run",
            },
            "StateMachine": {"Id": arn, "Name": sm},
        });
        Runner {
            definition,
            clock: options.start_ms,
            rng: Rng::new(options.seed),
            options,
            history: History::new(),
            calls: HashMap::new(),
            context,
            vars: Map::new(),
            current: (String::new(), 0),
        }
    }

    pub fn execute(mut self) -> Execution {
        let input = self.options.input.clone();
        self.event("ExecutionStarted", json!({"input": input.to_string(), "inputDetails": {"truncated": false}, "roleArn": "arn:aws:iam::123456789012:role/aslc-run"}));
        let result = match self.machine(self.definition, input, None) {
            Ok(r) => r,
            Err(Stop(f)) => Err(f),
        };
        let (status, output, error, cause) = match result {
            Ok(out) => {
                self.event(
                    "ExecutionSucceeded",
                    json!({"output": out.to_string(), "outputDetails": {"truncated": false}}),
                );
                (Status::Succeeded, Some(out), None, None)
            }
            Err(f) if f.error == "States.Timeout" => {
                self.event(
                    "ExecutionTimedOut",
                    json!({"error": f.error, "cause": f.cause}),
                );
                (Status::TimedOut, None, Some(f.error), Some(f.cause))
            }
            Err(f) => {
                self.event(
                    "ExecutionFailed",
                    json!({"error": f.error, "cause": f.cause}),
                );
                (Status::Failed, None, Some(f.error), Some(f.cause))
            }
        };
        Execution {
            status,
            output,
            error,
            cause,
            events: self.history.events,
        }
    }

    /// The execution's own `TimeoutSeconds` has passed on the simulated clock: it ends
    /// `TIMED_OUT`, whatever state it is in (no catcher takes an execution timeout).
    fn timed_out(&self) -> Option<Fail> {
        let limit = self
            .definition
            .get("TimeoutSeconds")
            .and_then(Value::as_i64)?;
        let ran = self.clock - self.options.start_ms;
        (ran > limit.saturating_mul(1000)).then(|| {
            fail(
                "States.Timeout",
                format!(
                    "the execution ran {} s, over its TimeoutSeconds of {limit}",
                    ran / 1000
                ),
            )
        })
    }

    pub(super) fn event(&mut self, ty: &str, details: Value) {
        let details = (!details.is_null()).then_some(details);
        self.history.push(self.clock, ty, details);
    }

    /// Run a machine or a branch (`StartAt` + `States`) on `input`.
    pub(super) fn machine(
        &mut self,
        m: &Value,
        input: Value,
        item: Option<(usize, &Value)>,
    ) -> Outcome<Value> {
        let states = m.get("States").and_then(Value::as_object);
        let mut name = m
            .get("StartAt")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let mut data = input;
        loop {
            if self.history.len() >= self.options.max_events {
                return Err(Stop(fail(
                    "States.Runtime",
                    format!(
                        "the execution passed {} history events",
                        self.options.max_events
                    ),
                )));
            }
            let Some(state) = states.and_then(|s| s.get(&name)) else {
                return Ok(Err(fail(
                    "States.Runtime",
                    format!("no state named `{name}`"),
                )));
            };
            let ty = state.get("Type").and_then(Value::as_str).unwrap_or("");
            self.event(&format!("{ty}StateEntered"), json!({"name": name, "input": data.to_string(), "inputDetails": {"truncated": false}}));
            let entered = self.clock;
            self.current = (name.clone(), self.history.len());
            let here = Here {
                name: &name,
                ty,
                entered,
                item,
            };
            let result = self.state(&here, state, data.clone())?;
            // AWS refuses state data over 256 KiB.
            let result = result.and_then(|(output, next)| {
                let size = output.to_string().len();
                if size > DATA_LIMIT {
                    Err(fail("States.DataLimitExceeded", format!("the output of state `{name}` is {size} bytes, over the 262,144 Step Functions allows")))
                } else {
                    Ok((output, next))
                }
            });
            if let Some(f) = self.timed_out() {
                return Err(Stop(f));
            }
            match result {
                Ok((output, next)) => {
                    self.event(&format!("{ty}StateExited"), json!({"name": name, "output": output.to_string(), "outputDetails": {"truncated": false}}));
                    match next {
                        Some(n) => {
                            name = n;
                            data = output;
                        }
                        None => return Ok(Ok(output)),
                    }
                }
                Err(f) => return Ok(Err(f)),
            }
        }
    }

    /// One state: its output and the next state (`None` at the end), or its error.
    fn state(&mut self, here: &Here, s: &Value, input: Value) -> Outcome<(Value, Option<String>)> {
        let (name, ty) = (here.name, here.ty);
        let next = s.get("Next").and_then(Value::as_str).map(str::to_string);
        let ctx = self.context_for(name, here.entered, 0, here.item);
        if self.jsonata(s) && !matches!(ty, "Task" | "Parallel" | "Map") {
            return Ok(self.jsonata_state(ty, s, input, &ctx, next));
        }
        Ok(match ty {
            "Pass" => self.pass(s, input, &ctx).map(|o| (o, next)),
            "Succeed" => io(s, &input, |v| Ok(v.clone())).map(|o| (o, None)),
            "Fail" => Err(self.fail_state(s, &input, &ctx)),
            "Wait" => self.wait(s, &input, &ctx).map(|o| (o, next)),
            "Choice" => self.choice(s, input, &ctx),
            "Task" | "Parallel" | "Map" => return self.with_retries(here, s, input, next),
            other => Err(fail(
                "States.Runtime",
                format!("unknown state type `{other}`"),
            )),
        })
    }

    /// Whether a state is written in JSONata (its own `QueryLanguage`, or the machine's).
    pub(super) fn jsonata(&self, s: &Value) -> bool {
        let own = s.get("QueryLanguage").and_then(Value::as_str);
        let top = self.definition.get("QueryLanguage").and_then(Value::as_str);
        own.or(top) == Some("JSONata")
    }

    /// A JSONata Pass (`Output`), Choice (`Condition`), Wait (`Seconds`, `Timestamp`), Succeed
    /// or Fail, with `Assign`; Task, Parallel and Map go through [`Self::with_retries`].
    fn jsonata_state(
        &mut self,
        ty: &str,
        s: &Value,
        input: Value,
        ctx: &Value,
        next: Option<String>,
    ) -> Result<(Value, Option<String>), Fail> {
        let states = json!({"input": input, "context": ctx});
        let eval = |t: &Value| self.jsonata_eval(t, &states);
        match ty {
            "Pass" => Ok((self.jsonata_out(s, &states, input.clone())?, next)),
            "Succeed" => Ok((self.jsonata_out(s, &states, input.clone())?, None)),
            "Wait" => {
                let until = match (s.get("Seconds"), s.get("Timestamp")) {
                    (Some(n), _) => {
                        let n = eval(n)?;
                        let seconds = n.as_u64().ok_or_else(|| {
                            fail(
                                "States.QueryEvaluationError",
                                format!("Seconds is {n}, not a whole number of seconds"),
                            )
                        })?;
                        self.clock.saturating_add(
                            i64::try_from(seconds)
                                .unwrap_or(i64::MAX)
                                .saturating_mul(1000),
                        )
                    }
                    (None, Some(t)) => time_ms(eval(t)?.as_str().unwrap_or(""))?,
                    (None, None) => self.clock,
                };
                self.clock = self.clock.max(until);
                Ok((self.jsonata_out(s, &states, input.clone())?, next))
            }
            "Fail" => {
                let text = |k: &str| -> Result<String, Fail> {
                    Ok(s.get(k)
                        .map(eval)
                        .transpose()?
                        .map(|v| super::intrinsics::text(&v))
                        .unwrap_or_default())
                };
                Err(fail(&text("Error")?, text("Cause")?))
            }
            "Choice" => {
                for rule in s
                    .get("Choices")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if rule.get("Condition").map(eval).transpose()? == Some(Value::Bool(true)) {
                        let to = rule.get("Next").and_then(Value::as_str).map(str::to_string);
                        let out = match rule.get("Output").or_else(|| s.get("Output")) {
                            Some(o) => eval(o)?,
                            None => input.clone(),
                        };
                        let mut assigned = assignments(s.get("Assign"), &eval)?;
                        assigned.extend(assignments(rule.get("Assign"), &eval)?);
                        self.vars.extend(assigned);
                        return Ok((out, to));
                    }
                }
                match s.get("Default").and_then(Value::as_str) {
                    Some(d) => Ok((
                        self.jsonata_out(s, &states, input.clone())?,
                        Some(d.to_string()),
                    )),
                    None => Err(fail(
                        "States.NoChoiceMatched",
                        "no Choices rule matched and there was no Default",
                    )),
                }
            }
            other => Err(fail(
                "States.Runtime",
                format!("aslc run does not run JSONata {other} states yet"),
            )),
        }
    }

    pub(super) fn context_for(
        &self,
        name: &str,
        entered: i64,
        retry: u32,
        item: Option<(usize, &Value)>,
    ) -> Value {
        let mut ctx = self.context.clone();
        ctx["State"] = json!({"EnteredTime": super::history::timestamp(entered), "Name": name, "RetryCount": retry});
        if let Some((i, v)) = item {
            ctx["Map"] = json!({"Item": {"Index": i, "Value": v}});
        }
        ctx
    }

    fn pass(&mut self, s: &Value, input: Value, ctx: &Value) -> Result<Value, Fail> {
        let effective = input_path(s, &input)?;
        let result = match (s.get("Parameters"), s.get("Result")) {
            (Some(p), _) => self.template(p, &effective, ctx)?,
            (None, Some(r)) => r.clone(),
            (None, None) => effective,
        };
        self.assign_jsonpath(s.get("Assign"), &result, ctx)?;
        let combined = result_path(s, input, result)?;
        output_path(s, combined)
    }

    fn fail_state(&mut self, s: &Value, input: &Value, ctx: &Value) -> Fail {
        let mut field = |key: &str| -> String {
            if let Some(v) = s.get(key).and_then(Value::as_str) {
                return v.to_string();
            }
            match s.get(format!("{key}Path")).and_then(Value::as_str) {
                Some(p) => match self.path_or_call(p, input, ctx) {
                    Ok(v) => intrinsics::text(&v),
                    Err(f) => f.cause,
                },
                None => String::new(),
            }
        };
        fail(&field("Error"), field("Cause"))
    }

    fn wait(&mut self, s: &Value, input: &Value, ctx: &Value) -> Result<Value, Fail> {
        let effective = input_path(s, input)?;
        let seconds = if let Some(n) = s.get("Seconds").and_then(Value::as_i64) {
            Some(n)
        } else if let Some(p) = s.get("SecondsPath").and_then(Value::as_str) {
            let v = self.path_or_call(p, &effective, ctx)?;
            Some(v.as_i64().ok_or_else(|| {
                fail(
                    "States.Runtime",
                    format!("{p} is not a whole number of seconds"),
                )
            })?)
        } else {
            None
        };
        let until = match (seconds, s.get("Timestamp"), s.get("TimestampPath")) {
            (Some(n), _, _) => self.clock.saturating_add(n.max(0).saturating_mul(1000)),
            (None, Some(Value::String(t)), _) => time_ms(t)?,
            (None, _, Some(Value::String(p))) => {
                let v = self.path_or_call(p, &effective, ctx)?;
                time_ms(v.as_str().unwrap_or(""))?
            }
            _ => self.clock,
        };
        self.clock = self.clock.max(until);
        self.assign_jsonpath(s.get("Assign"), &effective, ctx)?;
        output_path(s, input.clone())
    }

    fn choice(
        &mut self,
        s: &Value,
        input: Value,
        ctx: &Value,
    ) -> Result<(Value, Option<String>), Fail> {
        let effective = input_path(s, &input)?;
        for rule in s
            .get("Choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            match choice::holds(rule, &effective, ctx, &self.vars) {
                Ok(true) => {
                    let next = rule.get("Next").and_then(Value::as_str).map(str::to_string);
                    self.assign_jsonpath(s.get("Assign"), &effective, ctx)?;
                    self.assign_jsonpath(rule.get("Assign"), &effective, ctx)?;
                    return Ok((output_path(s, effective)?, next));
                }
                Ok(false) => {}
                Err(p) => return Err(fail("States.Runtime", format!("Invalid path '{p}': the choice state's condition path references an invalid value"))),
            }
        }
        match s.get("Default").and_then(Value::as_str) {
            Some(d) => {
                self.assign_jsonpath(s.get("Assign"), &effective, ctx)?;
                Ok((output_path(s, effective)?, Some(d.to_string())))
            }
            None => Err(fail(
                "States.NoChoiceMatched",
                "no Choices rule matched and there was no Default",
            )),
        }
    }

    /// A Task, Parallel or Map with its `Retry` and `Catch`.
    fn with_retries(
        &mut self,
        here: &Here,
        s: &Value,
        input: Value,
        next: Option<String>,
    ) -> Outcome<(Value, Option<String>)> {
        let (name, ty) = (here.name, here.ty);
        let retriers = s
            .get("Retry")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut attempts = vec![0u32; retriers.len()];
        let mut retry_count = 0;
        loop {
            let ctx = self.context_for(name, here.entered, retry_count, here.item);
            let result = match ty {
                "Task" => self.task(name, s, &input, &ctx)?,
                "Parallel" => self.parallel(s, &input, &ctx)?,
                _ => self.map(name, s, &input, &ctx)?,
            };
            let f = match result {
                Ok(out) => return Ok(Ok((out, next))),
                Err(f) => f,
            };
            let matching = retriers
                .iter()
                .position(|r| error_matches(r.get("ErrorEquals"), &f.error));
            if let Some(k) = matching {
                let r = &retriers[k];
                let max = r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3) as u32;
                if attempts[k] < max {
                    let interval = r
                        .get("IntervalSeconds")
                        .and_then(Value::as_f64)
                        .unwrap_or(1.0);
                    let backoff = r.get("BackoffRate").and_then(Value::as_f64).unwrap_or(2.0);
                    let mut wait = interval * backoff.powi(attempts[k] as i32);
                    if let Some(cap) = r.get("MaxDelaySeconds").and_then(Value::as_f64) {
                        wait = wait.min(cap);
                    }
                    // FULL jitter: a random wait up to the computed one, from the seeded
                    // generator, so a run still repeats under the same `--seed`.
                    if r.get("JitterStrategy").and_then(Value::as_str) == Some("FULL") {
                        wait *= (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                    }
                    attempts[k] += 1;
                    retry_count += 1;
                    self.clock = self.clock.saturating_add((wait * 1000.0) as i64);
                    continue;
                }
            }
            for c in s
                .get("Catch")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if error_matches(c.get("ErrorEquals"), &f.error) {
                    let error = json!({"Error": f.error, "Cause": f.cause});
                    let next = c.get("Next").and_then(Value::as_str).map(str::to_string);
                    if self.jsonata(s) {
                        let ctx = self.context_for(name, here.entered, retry_count, here.item);
                        let states = json!({"input": input, "errorOutput": error, "context": ctx});
                        return Ok(self.jsonata_out(c, &states, error).map(|o| (o, next)));
                    }
                    if let Err(f) = self.assign_jsonpath(c.get("Assign"), &error, &json!({})) {
                        return Ok(Err(f));
                    }
                    let path = c.get("ResultPath").cloned().unwrap_or(json!("$"));
                    let out = match path {
                        Value::Null => input.clone(),
                        Value::String(p) => match put(&p, input.clone(), error) {
                            Some(v) => v,
                            None => {
                                return Ok(Err(fail(
                                    "States.Runtime",
                                    format!("the catcher's ResultPath {p} cannot be written"),
                                )))
                            }
                        },
                        _ => input.clone(),
                    };
                    return Ok(Ok((out, next)));
                }
            }
            return Ok(Err(f));
        }
    }

    fn task(&mut self, name: &str, s: &Value, input: &Value, ctx: &Value) -> Outcome<Value> {
        let resource = s.get("Resource").and_then(Value::as_str).unwrap_or("");
        let (rtype, rname) = resource_parts(resource);
        let mut ctx = ctx.clone();
        if resource.ends_with(".waitForTaskToken") {
            ctx["Task"] = json!({"Token": self.rng.uuid()});
        }
        let params = match self.arguments(s, input, &ctx) {
            Ok(v) => v,
            Err(f) => return Ok(Err(f)),
        };
        self.event("TaskScheduled", json!({"resourceType": rtype, "resource": rname, "region": "us-east-1", "parameters": params.to_string()}));
        self.event(
            "TaskStarted",
            json!({"resourceType": rtype, "resource": rname}),
        );
        let n = self.calls.entry(name.to_string()).or_insert(0);
        let call = *n;
        *n += 1;
        // A task nothing answers ends the execution: no catcher may take it for a real error.
        let response = match &self.options.case {
            Some(case) if case.mocks(name) => case.response(name, call).cloned().ok_or_else(|| {
                fail("aslc.MockExhausted", format!("the mock file answers Task state `{name}` {call} times, and it was invoked once more"))
            }),
            Some(case) => Err(fail("aslc.NoMock", format!("test case `{}` has no mocked response for Task state `{name}`", case.name))),
            None => Err(fail("aslc.NoMock", format!("Task state `{name}` needs a mocked response: give --mocks FILE --test-case NAME"))),
        };
        // How long the invocation takes (`Seconds`, aslc's extension of the mock file): past the
        // task's TimeoutSeconds or HeartbeatSeconds, it times out then instead of answering.
        let took = self
            .options
            .case
            .as_ref()
            .map_or(0, |c| c.seconds(name, call));
        let expired = match self.expiry(s, input, &ctx, took) {
            Ok(e) => e,
            Err(f) => return Ok(Err(f)),
        };
        if let Some((after, error, cause)) = expired {
            self.clock = self.clock.saturating_add(after.saturating_mul(1000));
            self.event(
                "TaskTimedOut",
                json!({"resourceType": rtype, "resource": rname, "error": error, "cause": cause}),
            );
            return Ok(Err(fail(error, cause)));
        }
        let took = i64::try_from(took).unwrap_or(i64::MAX);
        self.clock = self.clock.saturating_add(took.saturating_mul(1000));
        let result = match response {
            Ok(Response::Return(v)) => v,
            Ok(Response::Throw { error, cause }) => {
                self.event("TaskFailed", json!({"resourceType": rtype, "resource": rname, "error": error, "cause": cause}));
                return Ok(Err(fail(&error, cause)));
            }
            Err(f) => {
                self.event("TaskFailed", json!({"resourceType": rtype, "resource": rname, "error": f.error, "cause": f.cause}));
                return Err(Stop(f));
            }
        };
        self.event("TaskSucceeded", json!({"resourceType": rtype, "resource": rname, "output": result.to_string(), "outputDetails": {"truncated": false}}));
        Ok(self.finish(s, input, result, &ctx))
    }

    /// Whether an invocation that takes `took` seconds outlives the task's `TimeoutSeconds`
    /// (`States.Timeout`) or `HeartbeatSeconds` (`States.HeartbeatTimeout`: a mocked task sends no
    /// heartbeat), whichever comes first: (seconds until then, error, cause).
    fn expiry(
        &mut self,
        s: &Value,
        input: &Value,
        ctx: &Value,
        took: u64,
    ) -> Result<Option<(i64, &'static str, String)>, Fail> {
        let mut first: Option<(i64, &'static str, String)> = None;
        for (field, error) in [
            ("TimeoutSeconds", "States.Timeout"),
            ("HeartbeatSeconds", "States.HeartbeatTimeout"),
        ] {
            let Some(limit) = self.seconds_field(s, field, input, ctx)? else {
                continue;
            };
            if took > limit && first.as_ref().is_none_or(|(t, ..)| (limit as i64) < *t) {
                let cause = format!("the task took longer than its {field} of {limit}");
                first = Some((i64::try_from(limit).unwrap_or(i64::MAX), error, cause));
            }
        }
        Ok(first)
    }

    /// A number of seconds a state gives as `field` (a number, or in JSONata an expression) or
    /// `<field>Path` (a path into its input).
    fn seconds_field(
        &mut self,
        s: &Value,
        field: &str,
        input: &Value,
        ctx: &Value,
    ) -> Result<Option<u64>, Fail> {
        let value = match (s.get(field), s.get(format!("{field}Path"))) {
            (Some(v @ Value::String(_)), _) if self.jsonata(s) => {
                self.jsonata_eval(v, &json!({"input": input, "context": ctx}))?
            }
            (Some(v), _) => v.clone(),
            (None, Some(Value::String(p))) => self.path_or_call(p, input, ctx)?,
            _ => return Ok(None),
        };
        value.as_u64().map(Some).ok_or_else(|| {
            fail(
                "States.Runtime",
                format!("{field} is {value}, not a whole number of seconds"),
            )
        })
    }

    fn parallel(&mut self, s: &Value, input: &Value, ctx: &Value) -> Outcome<Value> {
        let effective = match self.arguments(s, input, ctx) {
            Ok(v) => v,
            Err(f) => return Ok(Err(f)),
        };
        self.event("ParallelStateStarted", Value::Null);
        let mut outputs = Vec::new();
        for b in s
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ran = self.scoped(self.vars.clone(), |r| r.machine(b, effective.clone(), None))?;
            match ran {
                Ok(o) => outputs.push(o),
                Err(f) => {
                    self.event("ParallelStateFailed", Value::Null);
                    return Ok(Err(f));
                }
            }
        }
        self.event("ParallelStateSucceeded", Value::Null);
        Ok(self.finish(s, input, Value::Array(outputs), ctx))
    }
}

/// `States.ALL` matches every error; `States.TaskFailed` every error but `States.Timeout`.
fn error_matches(equals: Option<&Value>, error: &str) -> bool {
    equals
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|e| {
            e == error
                || e == "States.ALL"
                || (e == "States.TaskFailed" && error != "States.Timeout")
        })
}

/// `arn:aws:states:::sagemaker:createTrainingJob.sync` → (`sagemaker`, `createTrainingJob.sync`);
/// a Lambda or activity ARN → (`lambda`, the ARN).
fn resource_parts(resource: &str) -> (String, String) {
    if let Some(rest) = resource.strip_prefix("arn:aws:states:::") {
        if let Some(sdk) = rest.strip_prefix("aws-sdk:") {
            return match sdk.split_once(':') {
                Some((svc, api)) => (svc.to_string(), api.to_string()),
                None => ("aws-sdk".into(), sdk.to_string()),
            };
        }
        if let Some((svc, api)) = rest.split_once(':') {
            return (svc.to_string(), api.to_string());
        }
    }
    let service = resource.split(':').nth(2).unwrap_or("").to_string();
    (service, resource.to_string())
}

fn time_ms(t: &str) -> Result<i64, Fail> {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp_millis())
        .map_err(|_| fail("States.Runtime", format!("`{t}` is not a timestamp")))
}
