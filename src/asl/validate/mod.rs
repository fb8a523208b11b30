//! Phase 4b: validate any ASL document — structure (JSON Schema), then the semantic rules of
//! the language (`../shared/reference/asl-rules.md`; rule ids in comments). Findings carry a
//! JSON pointer and become diagnostics with the span of the offending key or value.

mod choice;
mod graph;
mod integrations;
pub mod json;
mod paths;
mod pointer;
mod represent;
mod rules;
mod schema;
pub mod value;

pub use rules::is_timestamp;
pub use schema::SCHEMA_TEXT;

use super::Options;
use crate::diagnostics::{Code, Diagnostic, Span};
// Hashing state names is on the validator's hot path: SipHash's resistance to flooding buys
// nothing for a document that is read once.
use foldhash::{HashMap, HashMapExt, HashSet};
use pointer::Ptr;
use value::{Map, Value};

/// The largest definition Step Functions accepts, in characters (R0.2).
pub const MAX_DEFINITION_CHARS: usize = 1_048_576;

/// The validator's three phases one by one, for the per-phase benchmark (`benches/validate.rs`).
#[doc(hidden)]
pub mod phases {
    use super::*;

    /// Parse the text into a value (no spans), noting repeated keys.
    pub fn parse(text: &str) -> Option<Value<'_>> {
        value::parse(text).map(|(v, _)| v)
    }

    /// The JSON Schema's structural check; the number of findings.
    pub fn schema(value: &Value) -> usize {
        let mut out = Vec::new();
        schema::check(value, &mut out);
        out.len()
    }

    /// The semantic rules; the number of findings.
    pub fn rules(value: &Value, options: &Options) -> usize {
        value
            .as_object()
            .map_or(0, |root| walk(root, options, Vec::new()).len())
    }
}

/// A problem at a JSON location, before it is given a span.
pub struct Finding {
    pub code: Code,
    pub pointer: String,
    /// Point at the member's key (a misplaced field, a state's name) rather than its value.
    pub on_key: bool,
    pub message: String,
    pub help: Option<String>,
    /// Replacement text for the value, when one is certain.
    pub fix: Option<String>,
    pub secondary: Vec<(String, bool, String)>,
    /// A byte offset inside the string value, to point into an expression.
    pub inner: Option<usize>,
}

impl Finding {
    pub fn new(code: Code, pointer: impl std::fmt::Display, message: impl Into<String>) -> Finding {
        Finding {
            code,
            pointer: pointer.to_string(),
            on_key: false,
            message: message.into(),
            help: None,
            fix: None,
            secondary: Vec::new(),
            inner: None,
        }
    }
}

/// Validate an ASL document given as text.
pub fn validate(text: &str, options: &Options) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // A document has at least as many bytes as characters: count them only when it may be over.
    let chars = if text.len() > MAX_DEFINITION_CHARS {
        text.chars().count()
    } else {
        0
    };
    if chars > MAX_DEFINITION_CHARS {
        diags.push(Diagnostic::new(Code::E103, Span::new(0, 0), format!("definition is {chars} characters; Step Functions accepts at most {MAX_DEFINITION_CHARS}")));
    }
    // Text only the span-keeping parser takes (a lone surrogate, deep nesting) is checked from
    // its AST, which then also locates what is found.
    let mut spans = None;
    let fallback;
    let (value, duplicates) = match value::parse(text) {
        Some(parsed) => parsed,
        None => match spanned(text) {
            Ok(Some(doc)) => {
                fallback = json::to_value(&doc.ast);
                spans = Some(doc);
                (Value::from_serde(&fallback), true)
            }
            Ok(None) => {
                diags.push(Diagnostic::new(
                    Code::E101,
                    Span::new(0, 0),
                    "the document is empty; an ASL definition is a JSON object",
                ));
                return diags;
            }
            Err(d) => {
                diags.push(*d);
                return diags;
            }
        },
    };
    let mut findings = Vec::new();
    if let Value::Object(root) = &value {
        schema::check(&value, &mut findings);
        findings = walk(root, options, findings);
    }
    if findings.is_empty() && !duplicates && value.is_object() {
        return diags;
    }
    // Something to report: parse again, keeping spans, to locate it.
    let doc = match spans.map_or_else(|| spanned(text), |d| Ok(Some(d))) {
        Ok(Some(doc)) => doc,
        Ok(None) => return diags,
        Err(d) => {
            diags.push(*d);
            return diags;
        }
    };
    if !value.is_object() {
        diags.push(
            Diagnostic::new(
                Code::E101,
                json::range(&doc.ast),
                "an ASL definition is a JSON object with `StartAt` and `States`",
            )
            .with_pointer(""),
        );
        return diags;
    }
    let mut dups = Vec::new();
    json::duplicate_keys(&doc.ast, &mut String::new(), &mut dups);
    for (pointer, key, first, again) in dups {
        diags.push(
            Diagnostic::new(Code::E102, again, format!("duplicate key `{key}`"))
                .with_secondary(first, "first defined here")
                .with_pointer(format!("{pointer}/{}", json::escape(&key))),
        );
    }
    for f in findings {
        diags.push(to_diagnostic(text, &doc, f));
    }
    crate::diagnostics::sort(&mut diags);
    diags.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    diags
}

/// The span-keeping parse; a syntax error as its diagnostic.
fn spanned(text: &str) -> Result<Option<json::Doc<'_>>, Box<Diagnostic>> {
    json::parse(text).map_err(|e| {
        let code = if e.too_deep { Code::E104 } else { Code::E100 };
        Box::new(Diagnostic::new(code, e.span, e.message))
    })
}

/// Apply the semantic rules to a machine, adding to `findings`.
fn walk(root: &Map, options: &Options, findings: Vec<Finding>) -> Vec<Finding> {
    let mut w = Walker {
        out: findings,
        options,
        names: HashMap::new(),
        scopes: Vec::new(),
        raised: Default::default(),
        express_children: false,
    };
    w.machine(root);
    w.out
}

fn to_diagnostic(text: &str, doc: &json::Doc, f: Finding) -> Diagnostic {
    let (key, value) = json::locate(&doc.ast, &f.pointer);
    let mut span = if f.on_key {
        key.unwrap_or(value)
    } else {
        value
    };
    if let Some(at) = f.inner {
        // Inside a string without escapes, decoded offsets are raw offsets after the quote.
        let raw = text.get(value.range()).unwrap_or("");
        if !raw.contains('\\') {
            let start = (value.start as usize + 1 + at).min(value.end as usize);
            span = Span::new(start, (start + 1).min(value.end as usize));
        }
    }
    let mut d = Diagnostic::new(f.code, span, f.message).with_pointer(f.pointer);
    d.help = f.help;
    if let Some(fix) = f.fix {
        d.fix = Some(crate::diagnostics::Fix {
            message: format!("replace with {fix}"),
            span: value,
            replacement: fix,
        });
    }
    for (pointer, on_key, message) in f.secondary {
        let (k, v) = json::locate(&doc.ast, &pointer);
        d.secondary.push(crate::diagnostics::Label {
            span: if on_key { k.unwrap_or(v) } else { v },
            message,
        });
    }
    d
}

/// A member of an object (the validator's hot path: see [`Map::get`]).
#[inline]
pub fn field<'v>(m: &'v Map<'v>, key: &str) -> Option<&'v Value<'v>> {
    m.get(key)
}

#[inline]
pub fn has(m: &Map, key: &str) -> bool {
    field(m, key).is_some()
}

/// [`field`] on a value that may not be an object.
#[inline]
pub fn member<'v>(v: &'v Value<'v>, key: &str) -> Option<&'v Value<'v>> {
    v.as_object().and_then(|m| field(m, key))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    fn of(v: Option<&Value>, inherited: QueryLanguage) -> QueryLanguage {
        match v.and_then(Value::as_str) {
            Some("JSONata") => QueryLanguage::Jsonata,
            Some("JSONPath") => QueryLanguage::JsonPath,
            _ => inherited,
        }
    }
}

pub struct Walker<'a, 'v> {
    pub out: Vec<Finding>,
    pub options: &'a Options,
    /// Every state name in the machine → the scope defining it, an index into `scopes` (R2.2).
    pub names: HashMap<&'v str, usize>,
    /// The pointer of each scope (`""`, `/States/P/Branches/0`, …): a state's pointer is made
    /// from its scope's only when a finding needs it.
    pub scopes: Vec<String>,
    /// Error names the machine's own Fail states raise: catching them is meaningful even in
    /// the reserved `States.` namespace.
    pub raised: HashSet<&'v str>,
    /// Inside a Distributed Map whose children run as EXPRESS executions: Express's limits
    /// apply there whatever the parent's type.
    pub express_children: bool,
}

impl<'v> Walker<'_, 'v> {
    fn machine(&mut self, root: &'v Map<'v>) {
        let ql = QueryLanguage::of(field(root, "QueryLanguage"), QueryLanguage::JsonPath);
        self.collect_names(root, &pointer::ROOT);
        self.scope(root, &pointer::ROOT, ql, &[]);
    }

    /// Record every state name; a name used twice anywhere is an error (R2.2, E115).
    fn collect_names(&mut self, scope: &'v Map<'v>, pointer: &Ptr) {
        let Some(states) = field(scope, "States").and_then(Value::as_object) else {
            return;
        };
        let here = self.scopes.len();
        self.scopes.push(pointer.to_string());
        let states_p = pointer.key("States");
        for (name, state) in states {
            let p = states_p.key(name);
            if let Some(&first) = self.names.get(name) {
                let mut f = Finding::new(Code::E115, p, format!("state name `{name}` is used twice; names are unique across the whole state machine"));
                f.on_key = true;
                f.secondary.push((
                    self.defined_at(name, first),
                    true,
                    "also defined here".into(),
                ));
                self.out.push(f);
            } else {
                self.names.insert(name, here);
            }
            if let Some(e) = member(state, "Error").and_then(Value::as_str) {
                self.raised.insert(e);
            }
            for (inner, at) in nested_scopes(state) {
                self.collect_names(inner, &at.under(&p));
            }
        }
    }

    /// The pointer of state `name` defined in scope `scope`.
    pub fn defined_at(&self, name: &str, scope: usize) -> String {
        state_pointer(self.scopes.get(scope).map_or("", String::as_str), name)
    }

    fn scope(&mut self, scope: &Map, pointer: &Ptr, ql: QueryLanguage, outer: &[String]) {
        let ql = QueryLanguage::of(field(scope, "QueryLanguage"), ql);
        let Some(states) = field(scope, "States").and_then(Value::as_object) else {
            return;
        };
        // R9.7: a branch or iteration may read the variables of the scopes around it, but must
        // not assign one of their names. The names a Parallel or Map assigns itself (its own
        // `Assign`, its catchers') are set after its branches end: its branches may use them
        // (AWS runs such machines), so each state's scopes see the others' names only.
        let mut assigned_here: Vec<(String, &str)> = Vec::new();
        let states_p = pointer.key("States");
        for (name, state) in states {
            // Most states assign nothing: list assignments only for those that do.
            if !has_assignments(state) {
                continue;
            }
            for (var, at) in assigned(state, &states_p.key(name)) {
                if outer.contains(&var) {
                    let mut f = Finding::new(Code::E134, &at, format!("`{var}` is assigned in an enclosing scope; a Parallel branch or Map iteration cannot assign it"));
                    f.on_key = true;
                    f.help = Some("use another name for the branch's own variable".into());
                    self.out.push(f);
                }
                assigned_here.push((var, name));
            }
        }
        for (name, state) in states {
            let p = states_p.key(name);
            let Some(obj) = state.as_object() else {
                continue;
            };
            let state_ql = QueryLanguage::of(obj.get("QueryLanguage"), ql);
            if ql == QueryLanguage::Jsonata && state_ql == QueryLanguage::JsonPath {
                // R10.1: a JSONata machine cannot hold a JSONPath state (AWS rejects it).
                let mut f = Finding::new(
                    Code::E108,
                    p.key("QueryLanguage"),
                    "a state of a JSONata state machine cannot use JSONPath",
                );
                f.help = Some("write the state in JSONata, or make the machine JSONPath and its JSONata states say so".into());
                self.out.push(f);
            }
            self.state(name, obj, &p, state_ql);
            let nested = nested_scopes(state);
            if !nested.is_empty() {
                let mut visible: Vec<String> = outer.to_vec();
                visible.extend(
                    assigned_here
                        .iter()
                        .filter(|(_, by)| *by != name)
                        .map(|(v, _)| v.clone()),
                );
                for (inner, at) in nested {
                    let outer_express = self.express_children;
                    self.express_children |= runs_express(inner);
                    self.scope(inner, &at.under(&p), state_ql, &visible);
                    self.express_children = outer_express;
                }
            }
        }
        self.graph(scope, states, pointer);
    }
}

fn has_assignments(state: &Value) -> bool {
    member(state, "Assign").is_some()
        || ["Catch", "Choices"].iter().any(|l| {
            member(state, l)
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|i| member(i, "Assign").is_some()))
        })
}

/// The variables a state assigns (in its own `Assign`, its catchers' and its Choice rules'),
/// with the pointer of each assignment.
fn assigned(state: &Value, pointer: &Ptr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut take = |assign: Option<&Value>, at: String| {
        if let Some(Value::Object(m)) = assign {
            for k in m.keys() {
                out.push((
                    k.strip_suffix(".$").unwrap_or(k).to_string(),
                    format!("{at}/Assign/{}", json::escape(k)),
                ));
            }
        }
    };
    take(member(state, "Assign"), pointer.to_string());
    for list in ["Catch", "Choices"] {
        if let Some(items) = member(state, list).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                take(member(item, "Assign"), format!("{pointer}/{list}/{i}"));
            }
        }
    }
    out
}

/// The scopes nested in a state: Parallel branches and the Map processor (R0.4).
fn state_pointer(scope: &str, name: &str) -> String {
    format!("{scope}/States/{}", json::escape(name))
}

/// A Map processor whose iterations are EXPRESS child executions.
fn runs_express(processor: &Map) -> bool {
    field(processor, "ProcessorConfig")
        .and_then(|c| member(c, "ExecutionType"))
        .and_then(Value::as_str)
        == Some("EXPRESS")
}

/// Where a nested scope sits in its state.
#[derive(Clone, Copy)]
enum Nested {
    Branch(usize),
    Processor(&'static str),
}

impl Nested {
    fn under<'a>(self, state: &'a Ptr<'a>) -> Ptr<'a> {
        match self {
            Nested::Branch(i) => state.item("Branches", i),
            Nested::Processor(key) => state.key(key),
        }
    }
}

fn nested_scopes<'v>(state: &'v Value<'v>) -> Vec<(&'v Map<'v>, Nested)> {
    let mut out = Vec::new();
    if let Some(branches) = member(state, "Branches").and_then(Value::as_array) {
        for (i, b) in branches.iter().enumerate() {
            if let Some(o) = b.as_object() {
                out.push((o, Nested::Branch(i)));
            }
        }
    }
    for key in ["ItemProcessor", "Iterator"] {
        if let Some(o) = member(state, key).and_then(Value::as_object) {
            out.push((o, Nested::Processor(key)));
        }
    }
    out
}
