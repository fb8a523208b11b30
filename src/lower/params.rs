//! The first states: merge the execution input over the parameters' defaults, fill in dates a
//! schedule computes, and check every parameter's presence and type before any job starts.

use super::hub::Route;
use super::{paths, Cont, Lowerer};
use crate::asl::model::*;
use crate::check::{ObjectField, ParamDef, Ty};
use indexmap::IndexMap;
use serde_json::{json, Value as Json};

const MERGE: &str = "Parameters.Merge";
const SCHEDULED: &str = "Parameters.Scheduled";
const FROM_OBJECT: &str = "Parameters.FromObject";
const DEFAULTS: &str = "Parameters.Defaults";
const VALIDATE: &str = "Parameters.Validate";
const CLOCK: &str = "Parameters.Clock";
const DIGITS: &str = "Parameters.Integers";
const WHOLE: &str = "Parameters.ValidateIntegers";

impl Lowerer<'_> {
    /// Merge the execution input over the defaults and check every parameter's presence and
    /// type before any job starts.
    pub(super) fn init(&mut self, first: Cont, out: &mut IndexMap<String, State>) -> String {
        let mut rest = IndexMap::new();
        let mut start = self.init_parameters(first, &mut rest);
        if let Some(all) = self.scheduled_all(&start) {
            // The schedule's JSONata state merges the defaults and starts the state data too.
            rest.shift_remove(DEFAULTS);
            rest.shift_remove(MERGE);
            out.insert(SCHEDULED.into(), all);
            out.extend(rest);
            return SCHEDULED.into();
        }
        // Computed before the defaults merge, each state handing on to the next: read in the
        // order they run.
        let mut head = Vec::new();
        if let Some(dates) = self.schedule_dates(&start) {
            head.push((SCHEDULED, dates));
            start = SCHEDULED.into();
        } else if let Some(clock) = self.clock() {
            // The cache expiry needs date arithmetic, which only JSONata has.
            let pass = Pass {
                query_language: Some("JSONata"),
                comment: Some("When the cache entries this execution stores expire".into()),
                assign: Some(clock),
                transition: Some(Transition::Next(start.clone())),
                ..Pass::default()
            };
            head.push((CLOCK, State::Pass(pass)));
            start = CLOCK.into();
        }
        if let Some(folders) = self.object_folders(&start) {
            head.push((FROM_OBJECT, folders));
            start = FROM_OBJECT.into();
        }
        for (name, state) in head.into_iter().rev() {
            out.insert(name.into(), state);
        }
        out.extend(rest);
        start
    }

    /// The variables the first state sets: when the top level's cache entries expire.
    fn clock(&self) -> Option<Payload> {
        let mut assign = Payload::new();
        for seconds in &self.top_cache_seconds {
            let (expires, ttl) = super::cache::expiry_variables(*seconds);
            let (at, epoch) = super::cache::expiry_values(*seconds, super::cache::EXECUTION_START);
            assign.insert(expires, json!(format!("{{% {at} %}}")));
            assign.insert(ttl, json!(format!("{{% {epoch} %}}")));
        }
        (!assign.is_empty()).then_some(assign)
    }

    /// The schedule's state, when it can also merge the defaults and start the state data: it
    /// is JSONata, which writes a number such as `6.0` as `6`, so not when a float default has
    /// no fraction or an `int` parameter must be checked for one (the check reads the number's
    /// text), nor when a trigger's folders are cut in between.
    fn scheduled_all(&self, start: &str) -> Option<State> {
        let params = &self.c.params;
        let plain = |d: &Json| match d {
            Json::Number(n) => n.is_i64() || n.as_f64().is_some_and(|f| f.fract() != 0.0),
            Json::String(s) => !s.contains("%}"),
            _ => true,
        };
        let foldable = !params.is_empty()
            && start == DEFAULTS
            && params
                .iter()
                .all(|p| p.ty != Ty::Int && p.default.as_ref().is_none_or(plain))
            && self.object_folders(start).is_none();
        if !foldable {
            return None;
        }
        let dates = self.dates()?;
        let defaults: serde_json::Map<String, Json> = params
            .iter()
            .filter_map(|p| p.default.clone().map(|d| (paths::key(&p.name), d)))
            .collect();
        let mut data = vec![format!(
            "'params': $merge([{}, {{{}}}, $states.input])",
            Json::Object(defaults),
            dates.join(", ")
        )];
        data.push("'steps': {}".into());
        for (key, start) in self.state_starts() {
            data.push(format!("'{key}': {start}"));
        }
        let mut pass = Pass::jsonata(
            Some("Dates the schedule computes from the execution's start time and the parameters' defaults, unless the input gives them".into()),
            &format!("{{{}}}", data.join(", ")),
            Transition::Next(VALIDATE.into()),
        );
        let mut assign = self.hub.counters().unwrap_or_default();
        assign.extend(self.clock().unwrap_or_default());
        pass.assign = (!assign.is_empty()).then_some(assign);
        Some(State::Pass(pass))
    }

    /// The schedule's computed dates, as JSONata object members.
    fn dates(&self) -> Option<Vec<String>> {
        let computed = self.c.schedule.as_ref().map(|s| s.computed.as_slice())?;
        if computed.is_empty() {
            return None;
        }
        Some(
            computed
                .iter()
                .map(|(name, days)| {
                    let start = "$toMillis($states.context.Execution.StartTime)";
                    let at = match days {
                        0 => start.to_string(),
                        n => format!("{start} - {}", u64::from(*n) * 86_400_000),
                    };
                    format!(
                        "'{}': $fromMillis({at}, '[Y0001]-[M01]-[D01]')",
                        paths::key(name)
                    )
                })
                .collect(),
        )
    }

    /// JSONPath intrinsics cannot do date arithmetic: a JSONata state fills in the dates a
    /// schedule computes (`yesterday()`), unless the execution input gives them.
    fn schedule_dates(&self, next: &str) -> Option<State> {
        let fields = self.dates()?;
        let mut pass = Pass::jsonata(
            Some("Dates the schedule computes from the execution's start time, unless the input gives them".into()),
            &format!("$merge([{{{}}}, $states.input])", fields.join(", ")),
            Transition::Next(next.into()),
        );
        pass.assign = self.clock();
        Some(State::Pass(pass))
    }

    /// A trigger's `object_prefix()` passes the created object's URI; the folder it is in is
    /// what the parameter means. Cutting everything after the last `/` leaves a prefix given by
    /// hand as it is. Absent parameters stay absent (JSONata drops `undefined` members).
    fn object_folders(&self, next: &str) -> Option<State> {
        let mut names: Vec<&str> = self
            .c
            .triggers
            .iter()
            .flat_map(|t| t.object.iter())
            .filter(|(_, f)| *f == ObjectField::Prefix)
            .map(|(n, _)| n.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return None;
        }
        let fields: Vec<String> = names
            .iter()
            .map(|n| {
                let (k, f) = (paths::key(n), paths::jsonata_field(n));
                // `+`, not `*`: a pattern that can match the empty string is an error (D1004)
                // in some JSONata implementations; a prefix given by hand (`…/`) matches nothing
                // and stays as it is.
                format!("'{k}': $replace($states.input.{f}, /[^\\/]+$/, '')")
            })
            .collect();
        Some(State::Pass(Pass::jsonata(
            Some("The folder of the object a trigger passes, for parameters bound to object_prefix()".into()),
            &format!("$merge([$states.input, {{{}}}])", fields.join(", ")),
            Transition::Next(next.into()),
        )))
    }

    /// The slots of the state data besides `params` and `steps`, and what each starts as.
    fn state_starts(&self) -> Vec<(&'static str, Json)> {
        self.state_keys()
            .into_iter()
            .map(|key| {
                let start = match key {
                    "lineage" => json!({ "failures": {} }),
                    "retry" => Json::Object(self.retry_counters.clone()),
                    _ => json!({}),
                };
                (key, start)
            })
            .collect()
    }

    fn init_parameters(&mut self, first: Cont, out: &mut IndexMap<String, State>) -> String {
        let params = &self.c.params;
        let counters = self.hub.counters();
        // The state data every later state relies on: parameters, step results, lineage.
        let merge = |params: Json, next: Option<Transition>| {
            let mut p = Payload::new();
            p.insert(
                if params.is_string() {
                    "params.$"
                } else {
                    "params"
                }
                .into(),
                params,
            );
            p.insert("steps".into(), json!({}));
            for (key, start) in self.state_starts() {
                p.insert(key.into(), start);
            }
            State::Pass(Pass {
                parameters: Some(p),
                // The retry loop's attempt counters (`hub.rs`).
                assign: counters.clone(),
                transition: next,
                ..Pass::default()
            })
        };
        if params.is_empty() {
            out.insert(MERGE.into(), merge(json!({}), first.transition()));
            return MERGE.into();
        }
        let defaults: serde_json::Map<String, Json> = params
            .iter()
            .filter_map(|p| p.default.clone().map(|d| (p.name.clone(), d)))
            .collect();
        let mut p = Payload::new();
        p.insert("defaults".into(), Json::Object(defaults));
        p.insert("input.$".into(), json!("$"));
        out.insert(
            DEFAULTS.into(),
            State::Pass(Pass {
                comment: Some(
                    "Parameter defaults, and the execution input that overrides them".into(),
                ),
                parameters: Some(p),
                transition: Some(Transition::Next(MERGE.into())),
                ..Pass::default()
            }),
        );
        out.insert(
            MERGE.into(),
            merge(
                json!("States.JsonMerge($.defaults, $.input, false)"),
                Some(Transition::Next(VALIDATE.into())),
            ),
        );
        let mut rules = Vec::new();
        let mut invalid = IndexMap::new();
        for param in params {
            let (error, cause) = invalid_param(param);
            let fail = self.hub.fail(error, &cause);
            let path = paths::param(&param.name);
            if param.default.is_none() {
                rules.push(fail.rule(json!({"Not": {"Variable": path, "IsPresent": true}})));
            }
            let test = match param.ty {
                Ty::Int | Ty::Float => Some("IsNumeric"),
                Ty::Bool => Some("IsBoolean"),
                // A JSONPath Choice has no test for a list (the foreach over it fails on
                // anything else): it must at least be there (and the Choice has a rule).
                Ty::Json => Some("IsPresent"),
                _ => Some("IsString"),
            };
            if let Some(test) = test {
                rules.push(fail.rule(json!({"Not": {"Variable": path, test: true}})));
            }
            if param.s3 {
                rules
                    .push(fail.rule(json!({"Not": {"Variable": path, "StringMatches": "s3://*"}})));
            }
            invalid.insert(param.name.clone(), fail);
        }
        let mut default = match &first {
            Cont::Next(n) => n.clone(),
            Cont::End => {
                out.insert("Done".into(), State::Succeed(Succeed::default()));
                "Done".into()
            }
        };
        let ints: Vec<&ParamDef> = params.iter().filter(|p| p.ty == Ty::Int).collect();
        let whole = (!ints.is_empty()).then(|| integer_check(&ints, &invalid, &default));
        if whole.is_some() {
            default = DIGITS.into();
        }
        out.insert(
            VALIDATE.into(),
            State::Choice(Choice {
                query_language: None,
                comment: None,
                choices: rules,
                default: Some(default),
            }),
        );
        if let Some((digits, whole)) = whole {
            out.insert(DIGITS.into(), digits);
            out.insert(WHOLE.into(), whole);
        }
        DEFAULTS.into()
    }
}

/// `int` parameters must be whole numbers: `IsNumeric` alone accepts 8.5. No Choice operator
/// tests for a fraction, and JSONata is not run by every interpreter teams use (LocalStack's, which
/// moto ships, has none), so the test is written with intrinsics every interpreter has: the
/// number's JSON text has no `.` (`States.StringSplit` gives one part). A number written with
/// an exponent or as `8.0` is refused too, as SageMaker's integer parameters refuse it.
fn integer_check(
    ints: &[&ParamDef],
    invalid: &IndexMap<String, Route>,
    next: &str,
) -> (State, State) {
    let mut parts = Payload::new();
    let mut rules = Vec::new();
    for p in ints {
        parts.insert(
            format!("{}.$", p.name),
            json!(format!(
                "States.ArrayLength(States.StringSplit(States.JsonToString({}), '.'))",
                paths::param(&p.name)
            )),
        );
        let test = json!({
            "Variable": format!("$.checks.{}", p.name),
            "NumericGreaterThan": 1,
        });
        if let Some(fail) = invalid.get(&p.name) {
            rules.push(fail.rule(test));
        }
    }
    let digits = State::Pass(Pass {
        comment: Some("The parts of each int parameter's text around a decimal point".into()),
        parameters: Some(parts),
        result_path: Some(json!("$.checks")),
        transition: Some(Transition::Next(WHOLE.into())),
        ..Pass::default()
    });
    let whole = State::Choice(Choice {
        query_language: None,
        comment: None,
        choices: rules,
        default: Some(next.to_string()),
    });
    (digits, whole)
}

/// The error and cause of a parameter the execution input gets wrong.
fn invalid_param(p: &ParamDef) -> (&'static str, String) {
    let ty = match p.ty {
        Ty::Int => "whole number (int)",
        Ty::String if p.s3 => "string holding an S3 URI (s3://...)",
        other => other.param_name(),
    };
    let cause = match &p.default {
        None => format!(
            "parameter {} is required and must be a {ty}: start the execution with an input that has `{}`",
            p.name, p.name
        ),
        Some(_) => format!("parameter {} must be a {ty}", p.name),
    };
    ("aslc.InvalidParameter", cause)
}
