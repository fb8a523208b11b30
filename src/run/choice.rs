//! Choice rules (JSONPath): `And`, `Or`, `Not`, and each comparison operator, with its `…Path`
//! twin. A comparison of values of another type than the operator's is false, as on AWS; a
//! `Variable` that matches nothing is `States.Runtime`, except for `IsPresent`.

use super::jsonpath::resolve;
use serde_json::{Map, Value};

/// Whether the rule holds; `Err(path)` when a path it reads matches nothing.
pub fn holds(
    rule: &Value,
    input: &Value,
    context: &Value,
    vars: &Map<String, Value>,
) -> Result<bool, String> {
    let read = |p: &str| resolve(p, input, context, vars);
    if let Some(Value::Array(rules)) = rule.get("And") {
        for r in rules {
            if !holds(r, input, context, vars)? {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    if let Some(Value::Array(rules)) = rule.get("Or") {
        for r in rules {
            if holds(r, input, context, vars)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if let Some(inner) = rule.get("Not") {
        return holds(inner, input, context, vars).map(|b| !b);
    }
    let var = rule.get("Variable").and_then(Value::as_str).unwrap_or("$");
    let value = read(var);
    let Some((op, operand)) = rule
        .as_object()
        .and_then(|m| m.iter().find(|(k, _)| *k != "Variable" && *k != "Next"))
    else {
        return Ok(false);
    };
    if op == "IsPresent" {
        return Ok(value.is_some() == (operand == &Value::Bool(true)));
    }
    let Some(value) = value else {
        return Err(var.to_string());
    };
    let (op, operand) = match op.strip_suffix("Path") {
        Some(base) if op != "IsPresent" => {
            let p = operand.as_str().unwrap_or("");
            (base, read(p).ok_or_else(|| p.to_string())?)
        }
        _ => (op.as_str(), operand.clone()),
    };
    Ok(compare(op, &value, &operand))
}

fn compare(op: &str, v: &Value, x: &Value) -> bool {
    use std::cmp::Ordering::*;
    let ord = |o: std::cmp::Ordering, kind: &str| -> bool {
        matches!(
            (kind, o),
            ("Equals", Equal)
                | ("LessThan", Less)
                | ("GreaterThan", Greater)
                | ("LessThanEquals", Less | Equal)
                | ("GreaterThanEquals", Greater | Equal)
        )
    };
    let (family, kind) = split(op);
    match family {
        "String" => match (v.as_str(), x.as_str()) {
            (Some(a), Some(b)) if kind == "Matches" => matches(a, b),
            (Some(a), Some(b)) => ord(a.cmp(b), kind),
            _ => false,
        },
        "Numeric" => match (v.as_f64(), x.as_f64()) {
            (Some(a), Some(b)) => a.partial_cmp(&b).is_some_and(|o| ord(o, kind)),
            _ => false,
        },
        "Boolean" => matches!((v, x), (Value::Bool(a), Value::Bool(b)) if a == b),
        "Timestamp" => match (v.as_str().and_then(time), x.as_str().and_then(time)) {
            (Some(a), Some(b)) => ord(a.cmp(&b), kind),
            _ => false,
        },
        "Is" => {
            let want = x == &Value::Bool(true);
            let is = match kind {
                "Null" => v.is_null(),
                "Numeric" => v.is_number(),
                "String" => v.is_string(),
                "Boolean" => v.is_boolean(),
                "Timestamp" => v.as_str().and_then(time).is_some(),
                _ => false,
            };
            is == want
        }
        _ => false,
    }
}

/// `NumericGreaterThanEquals` → (`Numeric`, `GreaterThanEquals`); `IsNull` → (`Is`, `Null`).
fn split(op: &str) -> (&str, &str) {
    for family in ["String", "Numeric", "Boolean", "Timestamp", "Is"] {
        if let Some(kind) = op.strip_prefix(family) {
            return (family, kind);
        }
    }
    ("", op)
}

fn time(s: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(s).ok()
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal.
fn matches(text: &str, pattern: &str) -> bool {
    let mut parts: Vec<(bool, String)> = vec![(false, String::new())];
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => parts.last_mut().expect("one part").1.extend(chars.next()),
            '*' => parts.push((true, String::new())),
            c => parts.last_mut().expect("one part").1.push(c),
        }
    }
    // parts[0] is anchored at the start; every later part follows a `*`.
    let first = &parts[0].1;
    let Some(mut rest) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    let n = parts.len();
    for (i, (_, lit)) in parts.iter().enumerate().skip(1) {
        if i == n - 1 {
            return rest.ends_with(lit.as_str());
        }
        match rest.find(lit.as_str()) {
            Some(k) => rest = &rest[k + lit.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules() {
        let input =
            json!({"n": 5, "s": "log-2024.txt", "t": "2026-01-01T00:00:00Z", "b": true, "lim": 4});
        let ctx = json!({"State": {"EnteredTime": "2026-06-01T00:00:00Z"}});
        let vars = Map::new();
        let h = |r: Value| holds(&r, &input, &ctx, &vars);
        assert_eq!(
            h(json!({"Variable": "$.n", "NumericGreaterThan": 4})),
            Ok(true)
        );
        assert_eq!(
            h(json!({"Variable": "$.n", "NumericGreaterThanPath": "$.lim"})),
            Ok(true)
        );
        assert_eq!(
            h(json!({"Variable": "$.s", "StringMatches": "log-*.txt"})),
            Ok(true)
        );
        assert_eq!(
            h(json!({"Variable": "$.s", "StringMatches": "*.csv"})),
            Ok(false)
        );
        assert_eq!(
            h(json!({"Variable": "$.t", "TimestampLessThanPath": "$$.State.EnteredTime"})),
            Ok(true)
        );
        assert_eq!(h(json!({"Variable": "$.s", "NumericEquals": 5})), Ok(false));
        assert_eq!(h(json!({"Variable": "$.x", "IsPresent": false})), Ok(true));
        assert_eq!(
            h(json!({"Variable": "$.x", "StringEquals": "a"})),
            Err("$.x".into())
        );
        assert_eq!(
            h(
                json!({"And": [{"Variable": "$.b", "BooleanEquals": true}, {"Not": {"Variable": "$.n", "IsString": true}}]})
            ),
            Ok(true)
        );
    }
}
