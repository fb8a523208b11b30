//! Rules on one state: Next/End, query-language fields, paths and payload templates, retriers
//! and catchers, timeouts, exclusive alternatives, service integrations, variables.

use super::paths::{check_intrinsic, check_path, PathKind};
use super::pointer::Ptr;
use super::value::{Map, Value};
use super::{field, has, member, Finding, QueryLanguage, Walker};
use crate::diagnostics::Code;

/// Fields that only JSONPath states may use (R10.2).
const JSONPATH_ONLY: &[&str] = &[
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Result",
    "ItemsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "ErrorPath",
    "CausePath",
];

/// Fields that only JSONata states may use (R10.3).
const JSONATA_ONLY: &[&str] = &["Arguments", "Output", "Items"];

/// Reference-path fields of a state (R9.2).
const REFERENCE_PATHS: &[&str] = &[
    "ItemsPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "SecondsPath",
    "TimestampPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
];

/// Error names Step Functions raises in the reserved namespace (R5.3).
const STATES_ERRORS: &[&str] = &[
    "States.ALL",
    "States.HeartbeatTimeout",
    "States.Timeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.DataLimitExceeded",
    "States.Runtime",
];

impl Walker<'_, '_> {
    pub fn state(&mut self, name: &str, s: &Map, p: &Ptr, ql: QueryLanguage) {
        // No more characters than bytes: count them only for a long name.
        if name.len() > 80 && name.chars().count() > 80 {
            let mut f = Finding::new(
                Code::E116,
                p,
                format!(
                    "state name is {} characters long; the limit is 80",
                    name.chars().count()
                ),
            );
            f.on_key = true;
            self.out.push(f);
        }
        let Some(ty) = field(s, "Type").and_then(Value::as_str) else {
            return;
        };
        self.next_end(ty, s, p);
        self.query_language(s, p, ql);
        if ql == QueryLanguage::JsonPath {
            self.paths(s, p);
            for key in ["Parameters", "ResultSelector", "ItemSelector"] {
                if let Some(v) = field(s, key) {
                    self.template(v, &p.key(key));
                }
            }
            for (outer, inner) in [
                ("ItemReader", "Parameters"),
                ("ResultWriter", "Parameters"),
                ("ItemBatcher", "BatchInput"),
            ] {
                if let Some(v) = field(s, outer).and_then(|o| member(o, inner)) {
                    self.template(v, &p.key(outer).key(inner));
                }
            }
        } else {
            for (k, v) in s {
                self.jsonata_strings(v, &p.key(k));
            }
        }
        if let Some(a) = field(s, "Assign") {
            self.assign(a, &p.key("Assign"), ql);
        }
        for key in ["Retry", "Catch"] {
            if let Some(list) = field(s, key).and_then(Value::as_array) {
                self.error_lists(list, &p.key(key), key == "Retry");
                if key == "Catch" {
                    let catchers = p.key("Catch");
                    for (i, c) in list.iter().enumerate() {
                        let cp = catchers.at(i);
                        if let Some(a) = member(c, "Assign") {
                            self.assign(a, &cp.key("Assign"), ql);
                        }
                        if ql == QueryLanguage::JsonPath {
                            if let Some(Value::String(rp)) = member(c, "ResultPath") {
                                self.result_path(rp, &cp.key("ResultPath"));
                            }
                            if member(c, "Output").is_some() {
                                self.out
                                    .push(wrong_language(&cp.key("Output"), "Output", ql));
                            }
                        } else if member(c, "ResultPath").is_some() {
                            self.out
                                .push(wrong_language(&cp.key("ResultPath"), "ResultPath", ql));
                        }
                    }
                }
            }
        }
        self.alternatives(ty, s, p, ql);
        self.timeouts(s, p);
        if ty == "Task" {
            if let Some(r) = field(s, "Resource").and_then(Value::as_str) {
                self.resource(r, &p.key("Resource"));
            }
        }
        if ty == "Choice" {
            self.choice(s, p, ql);
        }
    }

    /// R2.4, R2.5: exactly one of `Next` and `"End": true` where a transition is needed.
    fn next_end(&mut self, ty: &str, s: &Map, p: &Ptr) {
        if !matches!(ty, "Pass" | "Task" | "Wait" | "Parallel" | "Map") {
            return;
        }
        let end = field(s, "End");
        match (field(s, "Next"), end) {
            (Some(_), Some(Value::Bool(true))) => {
                let mut f = Finding::new(
                    Code::E117,
                    p.key("End"),
                    "a state has either `Next` or `\"End\": true`, not both",
                );
                f.on_key = true;
                self.out.push(f);
            }
            (None, None) => {
                let mut f = Finding::new(
                    Code::E117,
                    p,
                    format!("a {ty} state needs `Next` or `\"End\": true`"),
                );
                f.on_key = true;
                self.out.push(f);
            }
            (None, Some(Value::Bool(false))) => {
                self.out.push(Finding::new(
                    Code::E117,
                    p.key("End"),
                    "`End` must be `true`; a state that continues names its `Next`",
                ));
            }
            _ => {}
        }
    }

    /// R10.2, R10.3: each field belongs to one query language.
    fn query_language(&mut self, s: &Map, p: &Ptr, ql: QueryLanguage) {
        let forbidden = match ql {
            QueryLanguage::Jsonata => JSONPATH_ONLY,
            QueryLanguage::JsonPath => JSONATA_ONLY,
        };
        for key in s.keys().filter(|k| forbidden.contains(k)) {
            self.out.push(wrong_language(&p.key(key), key, ql));
        }
        for (outer, inner) in [
            ("ItemReader", "Parameters"),
            ("ResultWriter", "Parameters"),
            ("ItemReader", "Arguments"),
            ("ResultWriter", "Arguments"),
        ] {
            if field(s, outer).and_then(|o| member(o, inner)).is_some() {
                let jsonpath_field = inner == "Parameters";
                if jsonpath_field == (ql == QueryLanguage::Jsonata) {
                    self.out
                        .push(wrong_language(&p.key(outer).key(inner), inner, ql));
                }
            }
        }
        // In JSONata, keys ending in `.$` in `Output`, `Arguments` and `Assign` are ordinary
        // keys: AWS accepts and keeps them (recorded verdicts, issue 15).
    }

    /// R9.1-R9.3: path fields of a JSONPath state.
    fn paths(&mut self, s: &Map, p: &Ptr) {
        for key in ["InputPath", "OutputPath"] {
            if let Some(Value::String(v)) = field(s, key) {
                if let Err(e) = check_path(v, PathKind::Path) {
                    self.out.push(Finding::new(
                        Code::E119,
                        p.key(key),
                        format!("`{key}` is not a valid path: {e}"),
                    ));
                }
            }
        }
        if let Some(Value::String(v)) = field(s, "ResultPath") {
            self.result_path(v, &p.key("ResultPath"));
        }
        for key in REFERENCE_PATHS {
            if let Some(Value::String(v)) = field(s, key) {
                self.reference_path(v, &p.key(key), key);
            }
        }
        for (outer, inner, key) in [
            ("ItemReader", "ReaderConfig", "MaxItemsPath"),
            ("ItemBatcher", "", "MaxItemsPerBatchPath"),
            ("ItemBatcher", "", "MaxInputBytesPerBatchPath"),
        ] {
            let mut node = field(s, outer);
            if !inner.is_empty() {
                node = node.and_then(|n| member(n, inner));
            }
            if let Some(Value::String(v)) = node.and_then(|n| member(n, key)) {
                let np = p.key(outer);
                let np = if inner.is_empty() { np } else { np.key(inner) };
                self.reference_path(v, &np.key(key), key);
            }
        }
        for key in ["ErrorPath", "CausePath"] {
            if let Some(Value::String(v)) = field(s, key) {
                let kp = p.key(key);
                if v.starts_with("States.") {
                    if let Err(e) = check_intrinsic(v) {
                        self.out.push(Finding::new(Code::E121, kp, e));
                    }
                } else {
                    self.reference_path(v, &kp, key);
                }
            }
        }
    }

    fn reference_path(&mut self, v: &str, p: &Ptr, key: &str) {
        if let Err(e) = check_path(v, PathKind::Reference) {
            self.out.push(Finding::new(
                Code::E119,
                p,
                format!("`{key}` is not a valid reference path: {e}"),
            ));
        }
    }

    fn result_path(&mut self, v: &str, p: &Ptr) {
        if v.starts_with("$$") {
            self.out.push(Finding::new(
                Code::E119,
                p,
                "`ResultPath` cannot write into the context object (`$$`)",
            ));
        } else if v.len() > 1 && v.starts_with('$') && !v.starts_with("$.") && !v.starts_with("$[")
        {
            self.out.push(Finding::new(
                Code::E119,
                p,
                "`ResultPath` cannot write a variable; use `Assign`",
            ));
        } else {
            self.reference_path(v, p, "ResultPath");
        }
    }

    /// R9.4: payload templates: `.$` keys hold paths or intrinsic calls; no key collides with
    /// another once `.$` is removed.
    fn template(&mut self, v: &Value, p: &Ptr) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if let Some(base) = k.strip_suffix(".$") {
                        if has(m, base) {
                            let kp = p.key(k);
                            let mut f = Finding::new(
                                Code::E131,
                                kp,
                                format!("`{k}` and `{base}` both produce the field `{base}`"),
                            );
                            f.on_key = true;
                            f.secondary.push((
                                p.key(base).to_string(),
                                true,
                                "the other one".into(),
                            ));
                            self.out.push(f);
                        }
                        self.dollar_value(v, p, k);
                    } else {
                        self.template(v, &p.key(k));
                    }
                }
            }
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| self.template(v, &p.at(i))),
            _ => {}
        }
    }

    /// The value of a `.$` key `key` in the object at `parent`.
    fn dollar_value(&mut self, v: &Value, parent: &Ptr, key: &str) {
        let at = || parent.key(key);
        let Value::String(s) = v else {
            self.out.push(Finding::new(
                Code::E120,
                at(),
                format!("`{key}` must be a string: a path or an intrinsic function call"),
            ));
            return;
        };
        if s.starts_with(char::is_whitespace) {
            let mut f = Finding::new(
                Code::E120,
                at(),
                format!(
                    "`{key}` starts with whitespace; AWS reads the value from its first character"
                ),
            );
            f.help = Some("remove the leading spaces".into());
            self.out.push(f);
            return;
        }
        let s = s.trim_end();
        if s.starts_with("States.") {
            if let Err(e) = check_intrinsic(s) {
                self.out.push(Finding::new(Code::E121, at(), e));
            }
        } else if s.starts_with('$') {
            if let Err(e) = check_path(s, PathKind::Path) {
                self.out
                    .push(Finding::new(Code::E119, at(), format!("invalid path: {e}")));
            }
        } else {
            let mut f = Finding::new(
                Code::E120,
                at(),
                format!(
                    "`{key}` takes a path (`$.…`) or an intrinsic call (`States.…`), not a literal"
                ),
            );
            f.help = Some(format!(
                "for a literal value, drop the `.$` from the key: `\"{}\"`",
                key.trim_end_matches(".$")
            ));
            self.out.push(f);
        }
    }

    /// R9.6: variable names; in JSONPath states the values are payload templates.
    fn assign(&mut self, a: &Value, p: &Ptr, ql: QueryLanguage) {
        let Some(m) = a.as_object() else { return };
        for (k, v) in m {
            // `.$` marks a path in JSONPath; in JSONata it is part of an ordinary key, and the
            // name is what comes before it (AWS accepts `"x.$": …` in a JSONata `Assign`).
            let name = k.strip_suffix(".$").unwrap_or(k);
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
                && name.chars().count() <= 80;
            let kp = p.key(k);
            if !valid || name == "states" {
                let why = if name == "states" {
                    "`states` is reserved".to_string()
                } else {
                    format!("`{name}` is not an identifier of at most 80 characters")
                };
                let mut f = Finding::new(Code::E124, kp, format!("invalid variable name: {why}"));
                f.on_key = true;
                self.out.push(f);
            }
            if ql == QueryLanguage::JsonPath {
                if k.ends_with(".$") {
                    self.dollar_value(v, p, k);
                } else {
                    self.template(v, &kp);
                }
            }
        }
    }

    /// R5.2, R5.3: `States.ALL` alone and last; known names in the reserved namespace.
    fn error_lists(&mut self, list: &[Value], p: &Ptr, retry: bool) {
        for (i, item) in list.iter().enumerate() {
            let Some(errors) = member(item, "ErrorEquals").and_then(Value::as_array) else {
                continue;
            };
            let item_p = p.at(i);
            let ep = item_p.key("ErrorEquals");
            let names: Vec<&str> = errors.iter().filter_map(Value::as_str).collect();
            if names.contains(&"States.ALL") {
                if names.len() > 1 {
                    self.out.push(Finding::new(
                        Code::E118,
                        ep,
                        "`States.ALL` must be the only error name in its `ErrorEquals`",
                    ));
                }
                if i + 1 < list.len() {
                    let what = if retry { "retrier" } else { "catcher" };
                    self.out.push(Finding::new(Code::E118, ep, format!("the `States.ALL` {what} must be the last one: those after it never match")));
                }
            }
            for (j, n) in names.iter().enumerate() {
                if n.starts_with("States.")
                    && !STATES_ERRORS.contains(n)
                    && !n.starts_with("States.Http.")
                    && !self.raised.contains(*n)
                {
                    let mut f = Finding::new(
                        Code::W103,
                        ep.at(j),
                        format!("`{n}` is not an error Step Functions raises"),
                    );
                    if let Some(g) =
                        crate::diagnostics::did_you_mean(n, STATES_ERRORS.iter().copied())
                    {
                        f.help = Some(format!("did you mean `{g}`?"));
                    }
                    self.out.push(f);
                }
                if retry && matches!(*n, "States.DataLimitExceeded" | "States.Runtime") {
                    self.out.push(Finding::new(
                        Code::W104,
                        ep.at(j),
                        format!("`{n}` is a terminal error: retrying it has no effect"),
                    ));
                }
            }
        }
    }

    /// R7, R8.1, R8.2, R4.2: fields of which exactly (or at most) one may be set.
    fn alternatives(&mut self, ty: &str, s: &Map, p: &Ptr, ql: QueryLanguage) {
        let mut out = Vec::new();
        match ty {
            "Wait" => at_most_one(
                s,
                p,
                &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
                Some(ty),
                &mut out,
            ),
            "Fail" => {
                at_most_one(s, p, &["Error", "ErrorPath"], None, &mut out);
                at_most_one(s, p, &["Cause", "CausePath"], None, &mut out);
            }
            "Map" => {
                at_most_one(s, p, &["ItemProcessor", "Iterator"], Some(ty), &mut out);
                at_most_one(s, p, &["ItemSelector", "Parameters"], None, &mut out);
                for twins in MAP_TWINS {
                    at_most_one(s, p, twins, None, &mut out);
                }
                // The same family one level down: the reader's and the batcher's limits.
                if let Some(Value::Object(r)) = field(s, "ItemReader") {
                    let rp = p.key("ItemReader");
                    if let Some(Value::Object(c)) = r.get("ReaderConfig") {
                        at_most_one(
                            c,
                            &rp.key("ReaderConfig"),
                            &["MaxItems", "MaxItemsPath"],
                            None,
                            &mut out,
                        );
                    }
                    at_most_one(r, &rp, &["Parameters", "Arguments"], None, &mut out);
                }
                if let Some(Value::Object(b)) = field(s, "ItemBatcher") {
                    let bp = p.key("ItemBatcher");
                    for twins in BATCHER_TWINS {
                        at_most_one(b, &bp, twins, None, &mut out);
                    }
                }
            }
            _ => {}
        }
        // `Credentials` says which role to assume (R3: `RoleArn`, or `RoleArn.$` in JSONPath).
        if let Some(Value::Object(c)) = field(s, "Credentials") {
            let ok = c.contains_key("RoleArn")
                || (ql == QueryLanguage::JsonPath && c.contains_key("RoleArn.$"));
            if !ok {
                let mut f = Finding::new(
                    Code::E105,
                    p.key("Credentials"),
                    "`Credentials` needs `RoleArn`: the role the state assumes",
                );
                f.on_key = true;
                out.push(f);
            }
        }
        self.out.extend(out);
        if ty == "Wait" {
            if let Some(Value::String(t)) = field(s, "Timestamp") {
                // A `{% %}` string is an expression only in a JSONata state.
                let expression = ql == QueryLanguage::Jsonata && t.starts_with("{%");
                if !expression && !is_timestamp(t) {
                    self.out.push(Finding::new(
                        Code::E132,
                        p.key("Timestamp"),
                        format!(
                            "`{t}` is not an RFC 3339 timestamp such as `2016-03-14T01:59:00Z`"
                        ),
                    ));
                }
            }
        }
        if ty == "Fail" && ql == QueryLanguage::JsonPath {
            for key in ["ErrorPath", "CausePath"] {
                if let Some(Value::String(v)) = field(s, key) {
                    self.string_intrinsic(v, &p.key(key), key);
                }
            }
        }
    }

    /// `ErrorPath`/`CausePath` may call only the intrinsics that return a string (R8.2).
    fn string_intrinsic(&mut self, v: &str, p: &Ptr, key: &str) {
        const STRINGS: &[&str] = &[
            "States.Format",
            "States.JsonToString",
            "States.ArrayGetItem",
            "States.Base64Encode",
            "States.Base64Decode",
            "States.Hash",
            "States.UUID",
        ];
        let Some(name) = v.strip_prefix("States.").and(v.split('(').next()) else {
            return;
        };
        if !STRINGS.contains(&name.trim()) {
            let mut f = Finding::new(
                Code::E121,
                p,
                format!("`{key}` must give a string, and `{}` does not", name.trim()),
            );
            f.help = Some(format!("use one of {}", STRINGS.join(", ")));
            self.out.push(f);
        }
    }

    /// R4.1-R4.4.
    fn timeouts(&mut self, s: &Map, p: &Ptr) {
        for (a, b) in [
            ("TimeoutSeconds", "TimeoutSecondsPath"),
            ("HeartbeatSeconds", "HeartbeatSecondsPath"),
        ] {
            if has(s, a) && has(s, b) {
                let mut f = Finding::new(
                    Code::E130,
                    p.key(b),
                    format!("set `{a}` or `{b}`, not both"),
                );
                f.on_key = true;
                self.out.push(f);
            }
        }
        if let (Some(t), Some(h)) = (
            field(s, "TimeoutSeconds").and_then(Value::as_u64),
            field(s, "HeartbeatSeconds").and_then(Value::as_u64),
        ) {
            if h >= t {
                let mut f = Finding::new(
                    Code::E130,
                    p.key("HeartbeatSeconds"),
                    format!("`HeartbeatSeconds` ({h}) must be smaller than `TimeoutSeconds` ({t})"),
                );
                f.secondary.push((
                    p.key("TimeoutSeconds").to_string(),
                    false,
                    "timeout set here".into(),
                ));
                self.out.push(f);
            }
        }
    }

    /// In JSONata states, `{% … %}` strings must be whole expressions (R10.4).
    fn jsonata_strings(&mut self, v: &Value, p: &Ptr) {
        match v {
            Value::String(s) if s.starts_with("{%") => {
                if let Err((e, at)) = super::super::jsonata::check(s) {
                    let mut f = Finding::new(Code::E123, p, e);
                    f.inner = Some(at);
                    self.out.push(f);
                }
            }
            Value::Object(m) => m
                .iter()
                .for_each(|(k, v)| self.jsonata_strings(v, &p.key(k))),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| self.jsonata_strings(v, &p.at(i))),
            _ => {}
        }
    }
}

/// A field and its `…Path` twin (or other alternatives) of a Map state: at most one each.
const MAP_TWINS: &[&[&str]] = &[
    &["MaxConcurrency", "MaxConcurrencyPath"],
    &[
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
    ],
    &["ToleratedFailureCount", "ToleratedFailureCountPath"],
    &["ItemsPath", "Items"],
];

const BATCHER_TWINS: &[&[&str]] = &[
    &["MaxItemsPerBatch", "MaxItemsPerBatchPath"],
    &["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"],
];

/// At most one of `keys` in `obj` (E133); exactly one when `required_by` names the state type.
fn at_most_one(
    obj: &Map,
    p: &Ptr,
    keys: &[&str],
    required_by: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let found: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| obj.contains_key(k))
        .collect();
    let list = || {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if found.len() > 1 {
        let mut f = Finding::new(
            Code::E133,
            p.key(found[1]),
            format!("set only one of {}", list()),
        );
        f.on_key = true;
        f.secondary
            .push((p.key(found[0]).to_string(), true, "also set here".into()));
        out.push(f);
    } else if let (Some(ty), true) = (required_by, found.is_empty()) {
        let mut f = Finding::new(
            Code::E133,
            p,
            format!("a {ty} state needs one of {}", list()),
        );
        f.on_key = true;
        out.push(f);
    }
}

fn wrong_language(p: &Ptr, key: &str, ql: QueryLanguage) -> Finding {
    let (lang, other) = match ql {
        QueryLanguage::Jsonata => ("JSONata", "JSONPath"),
        QueryLanguage::JsonPath => ("JSONPath", "JSONata"),
    };
    let mut f = Finding::new(
        Code::E122,
        p,
        format!("`{key}` is a {other} field, but this state uses {lang}"),
    );
    f.on_key = true;
    f.help = Some(match ql {
        QueryLanguage::JsonPath => {
            "set `\"QueryLanguage\": \"JSONata\"` on the state or the state machine to use it"
                .into()
        }
        QueryLanguage::Jsonata => {
            "JSONata states use `Arguments`, `Output` and `Assign` with `{% ... %}` expressions"
                .into()
        }
    });
    f
}

/// RFC 3339 as ASL uses it: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`, uppercase `T` and `Z`.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    // Digits already checked: their value.
    let num =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
        || b[10] != b'T'
    {
        return false;
    }
    if !digits(11..13) || b[13] != b':' || !digits(14..16) || b[16] != b':' || !digits(17..19) {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    let zone_ok = match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            b.len() == i + 6
                && digits(i + 1..i + 3)
                && b[i + 3] == b':'
                && digits(i + 4..i + 6)
                && num(i + 1..i + 3) < 24
                && num(i + 4..i + 6) < 60
        }
        _ => false,
    };
    // A real date and time: month 13, day 32 or hour 25 have the shape but are not one.
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    zone_ok
        && (1..=days).contains(&day)
        && num(11..13) < 24
        && num(14..16) < 60
        // 60: a leap second.
        && num(17..19) <= 60
}
