//! JSONata states: `{% … %}` strings evaluated with jsonata-rs, `$states` bound to the state's
//! `input` and `context`. A failure is `States.QueryEvaluationError`. Objects a JSONata
//! expression makes have their keys sorted (jsonata-rs does not keep their order; AWS keeps
//! insertion order), so that runs repeat byte for byte.

use serde_json::{Map, Value};

/// Evaluate a JSONata template: strings `{% expr %}` are expressions, objects and arrays are
/// walked, anything else is itself. `$states` and the workflow variables are bound.
pub fn template(t: &Value, states: &Value, vars: &Map<String, Value>) -> Result<Value, String> {
    Ok(match t {
        Value::String(s) => match s
            .trim()
            .strip_prefix("{%")
            .and_then(|r| r.strip_suffix("%}"))
        {
            Some(expr) => eval(expr, states, vars)?,
            None => t.clone(),
        },
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k.clone(), template(v, states, vars)?);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| template(x, states, vars))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

fn eval(expr: &str, states: &Value, vars: &Map<String, Value>) -> Result<Value, String> {
    let arena = bumpalo::Bump::new();
    let jsonata = jsonata_rs::JsonAta::new(expr.trim(), &arena).map_err(|e| e.to_string())?;
    let mut bindings: std::collections::HashMap<&str, &Value> =
        vars.iter().map(|(k, v)| (k.as_str(), v)).collect();
    bindings.insert("states", states);
    let value = jsonata
        .evaluate(None, Some(&bindings))
        .map_err(|e| e.to_string())?;
    if value.is_undefined() {
        return Ok(Value::Null);
    }
    let out: Value = serde_json::from_str(&value.serialize(false)).map_err(|e| e.to_string())?;
    Ok(sorted(out))
}

/// jsonata-rs does not keep the order of an object's keys: sort them, so runs repeat.
fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn evaluates_what_aslc_emits() {
        let states = json!({"input": {"a": 1, "cache": {"S": {"key": "k"}}}, "context": {"State": {"EnteredTime": "2026-01-01T00:00:00.000Z"}}});
        let vars = Map::new();
        let out = template(
            &json!("{% $merge([$states.input, {'b': $states.input.a + 1}]) %}"),
            &states,
            &vars,
        )
        .unwrap();
        assert_eq!(out, json!({"a": 1, "cache": {"S": {"key": "k"}}, "b": 2}));
        let t = template(
            &json!("{% $fromMillis($toMillis($states.context.State.EnteredTime) + 1000) %}"),
            &states,
            &vars,
        )
        .unwrap();
        assert_eq!(t, json!("2026-01-01T00:00:01.000Z"));
        assert!(template(&json!("{% $nope( %}"), &states, &vars).is_err());
        let vars: Map<String, Value> = [("n".to_string(), json!(41))].into_iter().collect();
        assert_eq!(
            template(&json!("{% $n + 1 %}"), &states, &vars).unwrap(),
            json!(42)
        );
    }
}
