//! Conditions → JSONPath Choice rules with typed operators.

use super::hub::Route;
use super::paths;
use crate::asl::model::{Choice, State};
use crate::check::{CmpTy, Cond, Operand, Ref};
use crate::syntax::ast::BinOp;
use indexmap::IndexMap;
use serde_json::{json, Map, Value as Json};

/// The state that reads, before a condition, the text it compares as numbers (`number(x)`).
pub fn numbers_state(when: &str) -> String {
    format!("{when}.Numbers")
}

/// `number(x)`: each text value parsed as JSON (`"8"` is `8`) into the `when`'s own results,
/// where the Choice compares it. Text that is not a number fails the execution there
/// (`States.Runtime` on AWS), before any branch runs.
pub fn numbers(when: &str, sources: &[Ref], then: &str, out: &mut IndexMap<String, State>) {
    if sources.is_empty() {
        return;
    }
    let mut p = crate::asl::model::Payload::new();
    for (k, r) in sources.iter().enumerate() {
        p.insert(
            format!("{}.$", crate::check::number_output(k)),
            json!(format!("States.StringToJson({})", paths::of(r))),
        );
    }
    out.insert(
        numbers_state(when),
        State::Pass(crate::asl::model::Pass {
            comment: Some(format!("The text {when} compares as numbers")),
            parameters: Some(p),
            result_path: Some(json!(paths::results(when))),
            transition: Some(crate::asl::model::Transition::Next(then.to_string())),
            ..Default::default()
        }),
    );
}

/// The state that checks, before a condition, the values it reads from JSON.
pub fn check_state(when: &str) -> String {
    format!("{when}.Check")
}

/// Values read from JSON (`json(Evaluate.metrics, "auc") as float`) must be there and of their
/// type, or the step fails with a clear error naming the file and the path, as SageMaker's
/// JsonGet fails its condition step. A value the condition tests with `exists(...)` is not
/// checked here: the comparison is then false when it is missing.
/// Returns the rules; `fail` routes each failure (named `<When>.NoValue.<n>`, with its error
/// and cause).
pub fn checks(
    when: &str,
    checks: &[(Ref, CmpTy)],
    mut fail: impl FnMut(String, &str, &str) -> Route,
) -> Vec<Json> {
    let mut rules = Vec::new();
    for (i, (r, ty)) in checks.iter().enumerate() {
        let path = paths::of(r);
        let test = type_test(*ty);
        let what = match ty {
            CmpTy::Numeric => "number",
            CmpTy::String => "string",
            CmpTy::Boolean => "boolean",
        };
        let cause = format!("{when}: {} holds no {what} at `{}`", source(r), keys_of(r));
        let route = fail(
            format!("{when}.NoValue.{}", i + 1),
            "aslc.JsonGetFailed",
            &cause,
        );
        // Two rules, not one `And`: rules are tried in order and the first match wins, so the
        // type test never reads a path that is not there.
        rules.push(route.rule(json!({"Not": {"Variable": path, "IsPresent": true}})));
        rules.push(route.rule(json!({"Not": {"Variable": path, test: true}})));
    }
    rules
}

/// The checks go first in the condition's own Choice, unless `number(x)` values are parsed
/// between the two: then they are a Choice of their own, `<When>.Check`, before the parsing.
pub fn checked_apart(checks: &[(Ref, CmpTy)], numbers: &[Ref]) -> bool {
    !checks.is_empty() && !numbers.is_empty()
}

/// `<When>.Check`: the checks' own Choice, continuing with `then` when they pass.
pub fn check_choice(when: &str, rules: Vec<Json>, then: &str) -> State {
    State::Choice(Choice {
        query_language: None,
        comment: Some(format!(
            "The values {when} compares must be there, of their type"
        )),
        choices: rules,
        default: Some(then.to_string()),
    })
}

/// What a JSON value is read from, for messages: `property file Evaluate.metrics`.
fn source(r: &Ref) -> String {
    match r {
        Ref::File { step, file, .. } => crate::check::describe_file(step, file),
        Ref::Json { step, output, .. } => format!("{step}.{output}"),
        other => other.placeholder(),
    }
}

/// `classification_metrics.auc.value`: the path inside the JSON, as the user wrote it.
fn keys_of(r: &Ref) -> String {
    match r {
        Ref::File { keys, .. } | Ref::Json { keys, .. } => crate::check::render_keys(keys)
            .trim_start_matches('.')
            .to_string(),
        _ => String::new(),
    }
}

fn type_test(ty: CmpTy) -> &'static str {
    match ty {
        CmpTy::Numeric => "IsNumeric",
        CmpTy::String => "IsString",
        CmpTy::Boolean => "IsBoolean",
    }
}

/// A Choice rule for a condition (without `Next`).
pub fn rule(c: &Cond) -> Json {
    match c {
        Cond::And(items) => json!({"And": items.iter().map(rule).collect::<Vec<_>>()}),
        Cond::Or(items) => json!({"Or": items.iter().map(rule).collect::<Vec<_>>()}),
        Cond::Not(inner) => json!({"Not": rule(inner)}),
        Cond::Exists(r) => json!({"Variable": paths::of(r), "IsPresent": true}),
        Cond::Matches(r, pattern) => json!({"Variable": paths::of(r), "StringMatches": pattern}),
        Cond::Compare {
            op,
            ty,
            lhs,
            rhs,
            guards,
        } => {
            let cmp = compare(*op, *ty, lhs, rhs);
            if guards.is_empty() {
                return cmp;
            }
            // A value read from JSON may be missing or of another type: test that first, so
            // the comparison is false instead of a run-time error.
            let mut all = Vec::new();
            for (r, ty) in guards {
                let path = paths::of(r);
                let test = type_test(*ty);
                all.push(json!({"Variable": path, "IsPresent": true}));
                all.push(json!({"Variable": path, test: true}));
            }
            all.push(cmp);
            json!({"And": all})
        }
    }
}

fn compare(op: BinOp, ty: CmpTy, lhs: &Operand, rhs: &Operand) -> Json {
    // The Variable must be a path: put a literal on the right, mirroring the operator.
    let (op, lhs, rhs) = match (lhs, rhs) {
        (Operand::Lit(_), Operand::Ref(_)) => (mirror(op), rhs, lhs),
        _ => (op, lhs, rhs),
    };
    let Operand::Ref(var) = lhs else {
        return json!({});
    };
    if op == BinOp::Ne {
        return json!({"Not": compare(BinOp::Eq, ty, lhs, rhs)});
    }
    let family = match ty {
        CmpTy::Numeric => "Numeric",
        CmpTy::String => "String",
        CmpTy::Boolean => "Boolean",
    };
    let relation = match op {
        BinOp::Eq | BinOp::Ne => "Equals",
        BinOp::Lt => "LessThan",
        BinOp::Le => "LessThanEquals",
        BinOp::Gt => "GreaterThan",
        BinOp::Ge => "GreaterThanEquals",
        BinOp::And | BinOp::Or => "Equals",
    };
    let mut m = Map::new();
    m.insert("Variable".into(), Json::String(paths::of(var)));
    match rhs {
        Operand::Ref(r) => m.insert(
            format!("{family}{relation}Path"),
            Json::String(paths::of(r)),
        ),
        Operand::Lit(v) => m.insert(format!("{family}{relation}"), v.clone()),
    };
    Json::Object(m)
}

fn mirror(op: BinOp) -> BinOp {
    match op {
        BinOp::Lt => BinOp::Gt,
        BinOp::Le => BinOp::Ge,
        BinOp::Gt => BinOp::Lt,
        BinOp::Ge => BinOp::Le,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Ref;

    #[test]
    fn literal_on_the_left_is_mirrored() {
        let c = Cond::Compare {
            op: BinOp::Lt,
            ty: CmpTy::Numeric,
            lhs: Operand::Lit(json!(0.5)),
            rhs: Operand::Ref(Ref::Param("X".into())),
            guards: vec![],
        };
        assert_eq!(
            rule(&c),
            json!({"Variable": "$.params.X", "NumericGreaterThan": 0.5})
        );
    }

    #[test]
    fn not_equal_is_a_negated_equality() {
        let c = Cond::Compare {
            op: BinOp::Ne,
            ty: CmpTy::String,
            lhs: Operand::Ref(Ref::Param("a".into())),
            rhs: Operand::Ref(Ref::Param("b".into())),
            guards: vec![],
        };
        assert_eq!(
            rule(&c),
            json!({"Not": {"Variable": "$.params.a", "StringEqualsPath": "$.params.b"}})
        );
    }
}
