//! How a state's input becomes its output: the JSONPath fields (`InputPath`, `Parameters`,
//! `ResultSelector`, `ResultPath`, `OutputPath`, `.$` templates), JSONata's `Arguments` and
//! `Output`, and workflow variables (`Assign`, `$name`, the scope of a branch or iteration).

use super::intrinsics;
use super::jsonpath::{put, resolve, select};
use super::machine::{fail, Fail, Runner};
use serde_json::{json, Map, Value};

impl Runner<'_> {
    /// What a Task or Parallel works on: in JSONata its `Arguments` (the input without them);
    /// in JSONPath the `InputPath` of the input, through `Parameters` when given.
    pub(super) fn arguments(
        &mut self,
        s: &Value,
        input: &Value,
        ctx: &Value,
    ) -> Result<Value, Fail> {
        if self.jsonata(s) {
            let states = json!({"input": input, "context": ctx});
            return match s.get("Arguments") {
                Some(a) => self.jsonata_eval(a, &states),
                None => Ok(input.clone()),
            };
        }
        let effective = input_path(s, input)?;
        match s.get("Parameters") {
            Some(p) => self.template(p, &effective, ctx),
            None => Ok(effective),
        }
    }

    /// A JSONata template with `$states` and the workflow variables.
    pub(super) fn jsonata_eval(&self, t: &Value, states: &Value) -> Result<Value, Fail> {
        super::jsonata::template(t, states, &self.vars)
            .map_err(|e| fail("States.QueryEvaluationError", e))
    }

    /// A JSONata state's (or catcher's) `Output` (`default` without one) and `Assign`, both
    /// evaluated with the variables as they were when the state was entered.
    pub(super) fn jsonata_out(
        &mut self,
        s: &Value,
        states: &Value,
        default: Value,
    ) -> Result<Value, Fail> {
        let out = match s.get("Output") {
            Some(o) => self.jsonata_eval(o, states)?,
            None => default,
        };
        let assigned = assignments(s.get("Assign"), &|t| self.jsonata_eval(t, states))?;
        self.vars.extend(assigned);
        Ok(out)
    }

    /// A JSONPath state's `Assign`: its `.$` fields read `base` (the state's result, or its
    /// input when it has none), the context object and the variables as they were.
    pub(super) fn assign_jsonpath(
        &mut self,
        assign: Option<&Value>,
        base: &Value,
        ctx: &Value,
    ) -> Result<(), Fail> {
        let Some(Value::Object(fields)) = assign else {
            return Ok(());
        };
        let mut assigned = Vec::new();
        for (k, v) in fields {
            let (name, value) = match (k.strip_suffix(".$"), v) {
                (Some(name), Value::String(expr)) => (name, self.path_or_call(expr, base, ctx)?),
                _ => (k.as_str(), self.template(v, base, ctx)?),
            };
            assigned.push((name.to_string(), value));
        }
        self.vars.extend(assigned);
        Ok(())
    }

    /// `ResultSelector`, `ResultPath`, `OutputPath` of a Task, Parallel or Map (in JSONata its
    /// `Output`), and its `Assign`.
    pub(super) fn finish(
        &mut self,
        s: &Value,
        input: &Value,
        result: Value,
        ctx: &Value,
    ) -> Result<Value, Fail> {
        if self.jsonata(s) {
            let states = json!({"input": input, "result": result, "context": ctx});
            return self.jsonata_out(s, &states, result);
        }
        self.assign_jsonpath(s.get("Assign"), &result, ctx)?;
        let selected = match s.get("ResultSelector") {
            Some(sel) => self.template(sel, &result, ctx)?,
            None => result,
        };
        let combined = result_path(s, input.clone(), selected)?;
        output_path(s, combined)
    }

    /// Run `f` with `vars` as the workflow variables, then give the scope its own back: what a
    /// branch or an iteration assigns stays inside it.
    pub(super) fn scoped<T>(
        &mut self,
        vars: Map<String, Value>,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        let outer = std::mem::replace(&mut self.vars, vars);
        let out = f(self);
        self.vars = outer;
        out
    }

    /// A payload template: `.$` fields are paths, context paths or intrinsic calls.
    pub(super) fn template(
        &mut self,
        t: &Value,
        input: &Value,
        ctx: &Value,
    ) -> Result<Value, Fail> {
        Ok(match t {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, v) in m {
                    match (k.strip_suffix(".$"), v) {
                        (Some(key), Value::String(expr)) => {
                            out.insert(key.to_string(), self.path_or_call(expr, input, ctx)?);
                        }
                        _ => {
                            out.insert(k.clone(), self.template(v, input, ctx)?);
                        }
                    }
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(
                a.iter()
                    .map(|x| self.template(x, input, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            other => other.clone(),
        })
    }

    /// `$.a`, `$$.Execution.Id` or `States.Format(...)`.
    pub(super) fn path_or_call(
        &mut self,
        expr: &str,
        input: &Value,
        ctx: &Value,
    ) -> Result<Value, Fail> {
        let vars = &self.vars;
        let resolve = |p: &str| resolve(p, input, ctx, vars);
        if expr.starts_with("States.") {
            return intrinsics::eval(expr, &resolve, &mut self.rng)
                .map_err(|e| fail("States.IntrinsicFailure", e));
        }
        resolve(expr).ok_or_else(|| {
            fail(
                "States.Runtime",
                // LocalStack's wording, which follows AWS's.
                format!(
                    "An error occurred while executing the state '{}' (entered at the event id #{}). The JSONPath '{expr}' could not be found in the input '{}'",
                    self.current.0,
                    self.current.1,
                    short(input)
                ),
            )
        })
    }
}

/// The variables an `Assign` object sets, each value evaluated by `eval` (all of them before any
/// is set, so each reads the values the state was entered with).
pub(super) fn assignments(
    assign: Option<&Value>,
    eval: &dyn Fn(&Value) -> Result<Value, Fail>,
) -> Result<Vec<(String, Value)>, Fail> {
    let Some(Value::Object(fields)) = assign else {
        return Ok(Vec::new());
    };
    fields
        .iter()
        .map(|(k, v)| Ok((k.clone(), eval(v)?)))
        .collect()
}

pub(super) fn short(v: &Value) -> String {
    let t = v.to_string();
    if t.len() > 200 {
        format!(
            "{}…",
            &t[..t.char_indices().nth(200).map_or(t.len(), |(i, _)| i)]
        )
    } else {
        t
    }
}

/// `InputPath`: `$` by default, `null` for `{}`.
pub(super) fn input_path(s: &Value, input: &Value) -> Result<Value, Fail> {
    match s.get("InputPath") {
        None => Ok(input.clone()),
        Some(Value::Null) => Ok(json!({})),
        Some(Value::String(p)) => select(p, input).ok_or_else(|| {
            fail(
                "States.Runtime",
                format!("Invalid path '{p}' in InputPath: it matches nothing"),
            )
        }),
        Some(_) => Ok(input.clone()),
    }
}

/// `ResultPath`: `$` by default (the result replaces the input), `null` keeps the input.
pub(super) fn result_path(s: &Value, input: Value, result: Value) -> Result<Value, Fail> {
    match s.get("ResultPath") {
        None => Ok(result),
        Some(Value::Null) => Ok(input),
        Some(Value::String(p)) => put(p, input, result).ok_or_else(|| {
            fail(
                "States.Runtime",
                format!("the ResultPath {p} cannot be written into the input"),
            )
        }),
        Some(_) => Ok(result),
    }
}

pub(super) fn output_path(s: &Value, combined: Value) -> Result<Value, Fail> {
    match s.get("OutputPath") {
        None => Ok(combined),
        Some(Value::Null) => Ok(json!({})),
        Some(Value::String(p)) => select(p, &combined).ok_or_else(|| {
            fail(
                "States.Runtime",
                format!("Invalid path '{p}' in OutputPath: it matches nothing"),
            )
        }),
        Some(_) => Ok(combined),
    }
}

pub(super) fn io(
    s: &Value,
    input: &Value,
    f: impl Fn(&Value) -> Result<Value, Fail>,
) -> Result<Value, Fail> {
    output_path(s, f(&input_path(s, input)?)?)
}
