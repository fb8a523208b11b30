//! Choice rules (R6): Boolean combinations and data tests with exactly one typed operator.

use super::paths::{check_path, PathKind};
use super::pointer::Ptr;
use super::rules::is_timestamp;
use super::value::{Map, Value};
use super::{field, has, Finding, QueryLanguage, Walker};
use crate::diagnostics::Code;

#[derive(Clone, Copy, PartialEq)]
enum Operand {
    Str,
    Num,
    Bool,
    Timestamp,
}

const COMPARISONS: &[(&str, Operand)] = &[
    ("StringEquals", Operand::Str),
    ("StringLessThan", Operand::Str),
    ("StringGreaterThan", Operand::Str),
    ("StringLessThanEquals", Operand::Str),
    ("StringGreaterThanEquals", Operand::Str),
    ("StringMatches", Operand::Str),
    ("NumericEquals", Operand::Num),
    ("NumericLessThan", Operand::Num),
    ("NumericGreaterThan", Operand::Num),
    ("NumericLessThanEquals", Operand::Num),
    ("NumericGreaterThanEquals", Operand::Num),
    ("BooleanEquals", Operand::Bool),
    ("TimestampEquals", Operand::Timestamp),
    ("TimestampLessThan", Operand::Timestamp),
    ("TimestampGreaterThan", Operand::Timestamp),
    ("TimestampLessThanEquals", Operand::Timestamp),
    ("TimestampGreaterThanEquals", Operand::Timestamp),
];

const TESTS: &[&str] = &[
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

/// The operand type an operator key takes, or `None` when the key is not an operator.
fn operator(key: &str) -> Option<Option<Operand>> {
    if TESTS.contains(&key) {
        return Some(Some(Operand::Bool));
    }
    if let Some(base) = key.strip_suffix("Path") {
        // The `*Path` twins of the comparisons take a path (and StringMatches has none).
        return COMPARISONS
            .iter()
            .any(|(k, _)| *k == base && base != "StringMatches")
            .then_some(None);
    }
    COMPARISONS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, t)| Some(*t))
}

impl Walker<'_, '_> {
    pub fn choice(&mut self, s: &Map, p: &Ptr, ql: QueryLanguage) {
        if !has(s, "Default") {
            let mut f = Finding::new(Code::W102, p, "Choice has no `Default`: when no rule matches, the execution fails with States.NoChoiceMatched");
            f.on_key = true;
            self.out.push(f);
        }
        let Some(rules) = field(s, "Choices").and_then(Value::as_array) else {
            return;
        };
        let choices = p.key("Choices");
        for (i, r) in rules.iter().enumerate() {
            let rp = choices.at(i);
            let Some(rule) = r.as_object() else { continue };
            if !has(rule, "Next") {
                self.out.push(Finding::new(
                    Code::E125,
                    rp,
                    "a top-level Choice rule needs `Next`",
                ));
            }
            match ql {
                QueryLanguage::JsonPath => self.rule(rule, &rp, true),
                QueryLanguage::Jsonata => self.jsonata_rule(rule, &rp),
            }
        }
    }

    fn jsonata_rule(&mut self, rule: &Map, p: &Ptr) {
        for key in rule.keys() {
            if key == "Variable" || operator(key).is_some() {
                let mut f = Finding::new(
                    Code::E122,
                    p.key(key),
                    format!("`{key}` is JSONPath Choice syntax; JSONata rules use `Condition`"),
                );
                f.on_key = true;
                self.out.push(f);
            } else if !matches!(key, "Condition" | "Next" | "Output" | "Assign" | "Comment") {
                let mut f = Finding::new(
                    Code::E125,
                    p.key(key),
                    format!("`{key}` is not allowed in a JSONata Choice rule"),
                );
                f.on_key = true;
                self.out.push(f);
            }
        }
        match field(rule, "Condition") {
            None => self.out.push(Finding::new(
                Code::E125,
                p,
                "a JSONata Choice rule needs `Condition`",
            )),
            Some(Value::Bool(_)) | Some(Value::String(_)) => {}
            Some(_) => self.out.push(Finding::new(
                Code::E126,
                p.key("Condition"),
                "`Condition` is a boolean or a `{% ... %}` expression",
            )),
        }
    }

    fn rule(&mut self, rule: &Map, p: &Ptr, top: bool) {
        if !top && has(rule, "Next") {
            let mut f = Finding::new(Code::E125, p.key("Next"), "only top-level Choice rules take `Next`; this rule is nested in `And`, `Or` or `Not`");
            f.on_key = true;
            self.out.push(f);
        }
        let boolean: Vec<&str> = ["And", "Or", "Not"]
            .into_iter()
            .filter(|k| has(rule, k))
            .collect();
        let ops: Vec<&str> = rule.keys().filter(|k| operator(k).is_some()).collect();
        for key in rule.keys() {
            let known = matches!(
                key,
                "And" | "Or" | "Not" | "Variable" | "Next" | "Comment" | "Assign"
            ) || operator(key).is_some();
            if !known {
                let mut f = Finding::new(
                    Code::E125,
                    p.key(key),
                    format!("`{key}` is not a Choice rule field"),
                );
                f.on_key = true;
                let all = COMPARISONS
                    .iter()
                    .map(|(k, _)| *k)
                    .chain(TESTS.iter().copied())
                    .chain(["And", "Or", "Not", "Variable", "Next"]);
                if let Some(g) = crate::diagnostics::did_you_mean(key, all) {
                    f.help = Some(format!("did you mean `{g}`?"));
                }
                self.out.push(f);
            }
        }
        if !boolean.is_empty() {
            if boolean.len() > 1 || !ops.is_empty() || has(rule, "Variable") {
                self.out.push(Finding::new(Code::E125, p, "a rule is either a Boolean combination (`And`, `Or`, `Not`) or a test of one `Variable`, not both"));
                return;
            }
            let key = boolean[0];
            let kp = p.key(key);
            match (key, field(rule, key)) {
                ("Not", Some(Value::Object(inner))) => self.rule(inner, &kp, false),
                ("Not", _) => {
                    self.out
                        .push(Finding::new(Code::E125, kp, "`Not` takes one rule object"))
                }
                (_, Some(Value::Array(items))) if !items.is_empty() => {
                    for (i, item) in items.iter().enumerate() {
                        match item.as_object() {
                            Some(o) => self.rule(o, &kp.at(i), false),
                            None => self.out.push(Finding::new(
                                Code::E125,
                                kp.at(i),
                                "a Choice rule is an object",
                            )),
                        }
                    }
                }
                _ => self.out.push(Finding::new(
                    Code::E125,
                    kp,
                    format!("`{key}` takes a non-empty array of rules"),
                )),
            }
            return;
        }
        match field(rule, "Variable") {
            Some(Value::String(v)) => {
                if let Err(e) = check_path(v, PathKind::Path) {
                    self.out.push(Finding::new(
                        Code::E119,
                        p.key("Variable"),
                        format!("`Variable` is not a valid path: {e}"),
                    ));
                }
            }
            Some(_) => self.out.push(Finding::new(
                Code::E126,
                p.key("Variable"),
                "`Variable` is a path string",
            )),
            None => {
                self.out.push(Finding::new(
                    Code::E125,
                    p,
                    "a data-test rule needs a `Variable`",
                ));
            }
        }
        match ops.len() {
            0 => self.out.push(Finding::new(Code::E125, p, "a data-test rule needs one comparison operator such as `StringEquals` or `NumericGreaterThan`")),
            1 => {
                let key = ops[0];
                self.operand(key, rule.get(key).unwrap_or(&Value::Null), &p.key(key));
            }
            _ => {
                let mut f = Finding::new(Code::E125, p.key(ops[1]), format!("a rule has exactly one comparison operator; found `{}` and `{}`", ops[0], ops[1]));
                f.on_key = true;
                f.help = Some("combine tests with `And`".into());
                self.out.push(f);
            }
        }
    }

    fn operand(&mut self, key: &str, v: &Value, p: &Ptr) {
        let expected = operator(key).flatten();
        let ok = match (expected, v) {
            (None, Value::String(s)) => {
                if let Err(e) = check_path(s, PathKind::Path) {
                    self.out.push(Finding::new(
                        Code::E119,
                        p,
                        format!("`{key}` takes a path: {e}"),
                    ));
                }
                return;
            }
            (None, _) => false,
            (Some(Operand::Str), Value::String(s)) => {
                if key == "StringMatches" && trailing_backslashes(s) % 2 == 1 {
                    self.out.push(Finding::new(
                        Code::E127,
                        p,
                        "the pattern ends with an unpaired `\\`: escape it as `\\\\`",
                    ));
                }
                true
            }
            (Some(Operand::Num), Value::Number(_)) | (Some(Operand::Bool), Value::Bool(_)) => true,
            (Some(Operand::Timestamp), Value::String(s)) => {
                if !is_timestamp(s) {
                    self.out.push(Finding::new(
                        Code::E132,
                        p,
                        format!(
                            "`{s}` is not an RFC 3339 timestamp such as `2016-03-14T01:59:00Z`"
                        ),
                    ));
                }
                true
            }
            _ => false,
        };
        if !ok {
            let want = match expected {
                None => "a path",
                Some(Operand::Str) => "a string",
                Some(Operand::Num) => "a number",
                Some(Operand::Bool) => "a boolean",
                Some(Operand::Timestamp) => "a timestamp string",
            };
            self.out.push(Finding::new(
                Code::E126,
                p,
                format!("`{key}` compares with {want}"),
            ));
        }
    }
}

fn trailing_backslashes(s: &str) -> usize {
    s.chars().rev().take_while(|c| *c == '\\').count()
}
