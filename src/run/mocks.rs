//! The Step Functions Local mock configuration file (`MockConfigFile.json`):
//! `StateMachines.<machine>.TestCases.<case>.<state> = <response>` and
//! `MockedResponses.<response>.{"0" | "1-2": {"Return": …} | {"Throw": {"Error", "Cause"}}}`.
//! Every invocation of a state, retries included, takes the next response, as AWS documents.
//! aslc also reads `"Seconds": N` beside `Return` or `Throw` (its own extension): the invocation
//! takes that long on the simulated clock, so a Task's `TimeoutSeconds` and `HeartbeatSeconds`
//! can be exceeded.

use serde_json::Value;
use std::collections::HashMap;

/// What a mocked invocation does.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    Return(Value),
    Throw { error: String, cause: String },
}

/// One test case: each state's responses, by invocation (0-based).
#[derive(Clone, Debug, Default)]
pub struct Case {
    pub name: String,
    responses: HashMap<String, Vec<Range>>,
}

/// The invocations `lo..=hi` of a state: what they answer and how long they take.
#[derive(Clone, Debug)]
struct Range {
    lo: u32,
    hi: u32,
    response: Response,
    seconds: u64,
}

impl Case {
    /// The response to invocation `n` of `state`; `None` when the case does not mock it.
    pub fn response(&self, state: &str, n: u32) -> Option<&Response> {
        self.range(state, n).map(|r| &r.response)
    }

    /// How long invocation `n` of `state` takes on the simulated clock (0 unless `Seconds`).
    pub fn seconds(&self, state: &str, n: u32) -> u64 {
        self.range(state, n).map_or(0, |r| r.seconds)
    }

    fn range(&self, state: &str, n: u32) -> Option<&Range> {
        self.responses
            .get(state)?
            .iter()
            .find(|r| (r.lo..=r.hi).contains(&n))
    }

    pub fn mocks(&self, state: &str) -> bool {
        self.responses.contains_key(state)
    }
}

/// A problem in the mock file, with the JSON pointer of what is wrong.
#[derive(Debug)]
pub struct MockError {
    pub pointer: String,
    pub message: String,
}

fn err(pointer: String, message: impl Into<String>) -> MockError {
    MockError {
        pointer,
        message: message.into(),
    }
}

/// The test case names of a state machine in the file, in file order.
pub fn cases(file: &Value, machine: &str) -> Result<Vec<String>, MockError> {
    let ptr = format!("/StateMachines/{machine}/TestCases");
    match file.pointer(&ptr) {
        Some(Value::Object(m)) => Ok(m.keys().cloned().collect()),
        Some(_) => Err(err(ptr, "expected an object of test cases")),
        None => Err(err(
            ptr,
            format!("the mock file has no state machine `{machine}`"),
        )),
    }
}

/// The state machine names in the file.
pub fn machines(file: &Value) -> Vec<String> {
    file.get("StateMachines")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// Read one test case of a state machine.
pub fn case(file: &Value, machine: &str, name: &str) -> Result<Case, MockError> {
    let ptr = format!("/StateMachines/{machine}/TestCases/{name}");
    let Some(tc) = file.pointer(&ptr) else {
        return Err(err(
            ptr,
            format!("the mock file has no test case `{name}` for `{machine}`"),
        ));
    };
    let Value::Object(states) = tc else {
        return Err(err(
            ptr,
            "expected an object: state name → mocked response name",
        ));
    };
    let mut out = Case {
        name: name.to_string(),
        responses: HashMap::new(),
    };
    for (state, response) in states {
        let at = format!("{ptr}/{state}");
        let Value::String(rname) = response else {
            return Err(err(at, "expected the name of a mocked response"));
        };
        let rptr = format!("/MockedResponses/{rname}");
        let Some(Value::Object(r)) = file.pointer(&rptr) else {
            return Err(err(at, format!("`MockedResponses` has no `{rname}`")));
        };
        let mut ranges = Vec::new();
        for (key, v) in r {
            let kp = format!("{rptr}/{key}");
            let (lo, hi) = match key.split_once('-') {
                Some((a, b)) => (a.parse::<u32>(), b.parse::<u32>()),
                None => (key.parse::<u32>(), key.parse::<u32>()),
            };
            let (Ok(lo), Ok(hi)) = (lo, hi) else {
                return Err(err(
                    kp,
                    "expected an invocation number (\"0\") or a range (\"1-2\")",
                ));
            };
            let seconds = match v.get("Seconds") {
                None => 0,
                Some(n) => n.as_u64().ok_or_else(|| {
                    err(
                        format!("{kp}/Seconds"),
                        "expected a whole number of seconds",
                    )
                })?,
            };
            ranges.push(Range {
                lo,
                hi,
                response: response_of(v, &kp)?,
                seconds,
            });
        }
        out.responses.insert(state.clone(), ranges);
    }
    Ok(out)
}

fn response_of(v: &Value, ptr: &str) -> Result<Response, MockError> {
    if let Some(r) = v.get("Return") {
        return Ok(Response::Return(r.clone()));
    }
    if let Some(t) = v.get("Throw") {
        let field = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        return Ok(Response::Throw {
            error: field("Error"),
            cause: field("Cause"),
        });
    }
    Err(err(
        ptr.to_string(),
        "expected {\"Return\": …} or {\"Throw\": {\"Error\": …, \"Cause\": …}}",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_ranges_and_responses() {
        let file = json!({
            "StateMachines": {"m": {"TestCases": {"c": {"Train": "R"}}}},
            "MockedResponses": {"R": {
                "0": {"Throw": {"Error": "States.TaskFailed", "Cause": "CapacityError"}},
                "1-2": {"Return": {"ok": true}}
            }}
        });
        let c = case(&file, "m", "c").unwrap();
        assert!(matches!(
            c.response("Train", 0),
            Some(Response::Throw { .. })
        ));
        assert_eq!(
            c.response("Train", 2),
            Some(&Response::Return(json!({"ok": true})))
        );
        assert_eq!(c.response("Train", 3), None);
        assert!(case(&file, "m", "nope").is_err());
        let bad = json!({"StateMachines": {"m": {"TestCases": {"c": {"S": "X"}}}}, "MockedResponses": {}});
        assert_eq!(
            case(&bad, "m", "c").unwrap_err().pointer,
            "/StateMachines/m/TestCases/c/S"
        );
    }

    #[test]
    fn reads_how_long_an_invocation_takes() {
        let file = |seconds: serde_json::Value| {
            json!({
                "StateMachines": {"m": {"TestCases": {"c": {"Train": "R"}}}},
                "MockedResponses": {"R": {"0": {"Return": {}, "Seconds": seconds}, "1": {"Return": {}}}}
            })
        };
        let c = case(&file(json!(90)), "m", "c").unwrap();
        assert_eq!((c.seconds("Train", 0), c.seconds("Train", 1)), (90, 0));
        let e = case(&file(json!("soon")), "m", "c").unwrap_err();
        assert_eq!(e.pointer, "/MockedResponses/R/0/Seconds");
    }
}
