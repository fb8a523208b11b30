//! `aslc import`: a SageMaker Pipelines definition (schema `2020-12-01`, as `pipeline.definition()`
//! writes it or `describe-pipeline` returns it) becomes a `.sfn` source.
//!
//! The definition is read field by field ([`reader::Obj`]): every field is either written in
//! the source, equal to SageMaker's own default, left out with a warning (W201, an
//! approximation that cannot change what the pipeline computes), or an error naming its JSON
//! pointer (E201): nothing is dropped unseen, and with an error nothing is written. The source
//! is printed through `aslc fmt` and checked like any other before it is returned; a source the
//! checker refuses is the importer's bug (E900).

mod calls;
mod exprs;
mod jobs;
mod models;
mod order;
mod reader;
mod write;

use crate::diagnostics::{Code, Diagnostic, Span};
use exprs::Ty;
use indexmap::IndexMap;
use order::Node;
use reader::{Findings, Obj};
use serde_json::Value;
use std::collections::BTreeSet;
use write::Out;

/// What an import produced: the source when there was no error, and every finding.
pub struct Imported {
    pub source: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The schema versions of pipeline definitions this importer reads.
const VERSIONS: &[&str] = &["2020-12-01"];

/// Import a definition given as text. The pipeline's name is `given` when there is one, else
/// the name a `describe-pipeline` response carries, else the name the SDK wrote into default
/// output locations, else `fallback` (a file's stem).
pub fn import(text: &str, given: Option<&str>, fallback: &str) -> Imported {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Imported {
            source: None,
            diagnostics: vec![syntax_error(text)],
        };
    };
    let mut f = Findings::default();
    // A describe-pipeline response carries the definition as a JSON string.
    let (doc, name, wrapped) = match unwrap_described(&value, &mut f) {
        Some(Ok((doc, name))) => (doc, name, true),
        Some(Err(())) => return finish(text, None, f, false),
        None => (value.clone(), None, false),
    };
    let name = given
        .map(str::to_string)
        .or(name)
        .or_else(|| named_in_locations(&doc))
        .unwrap_or_else(|| fallback.to_string());
    let source = Importer::new(name).run(&doc, &mut f);
    finish(text, source, f, wrapped)
}

fn syntax_error(text: &str) -> Diagnostic {
    let (code, span, message) = match crate::asl::json::parse(text) {
        Err(e) if e.too_deep => (Code::E104, e.span, e.message),
        Err(e) => (Code::E100, e.span, e.message),
        Ok(_) => (Code::E200, Span::new(0, 0), "the file is empty".to_string()),
    };
    Diagnostic::new(code, span, message)
}

/// `{"PipelineDefinition": "<json>", "PipelineName": …}` → the inner document and the name.
fn unwrap_described(
    value: &Value,
    f: &mut Findings,
) -> Option<Result<(Value, Option<String>), ()>> {
    let inner = value.get("PipelineDefinition")?;
    let Value::String(text) = inner else {
        f.malformed("/PipelineDefinition", "the definition as a JSON string");
        return Some(Err(()));
    };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        f.push(
            Code::E100,
            "/PipelineDefinition",
            "`PipelineDefinition` is not valid JSON",
        );
        return Some(Err(()));
    };
    let name = value
        .get("PipelineName")
        .and_then(Value::as_str)
        .map(str::to_string);
    Some(Ok((doc, name)))
}

/// The SDK writes an output without destination as `s3://<bucket>/<pipeline>/<execution
/// id>/…`, and uploads step code to `s3://<bucket>/<pipeline>/code/<hash>/<file>`: the
/// pipeline's name, when every such location agrees on it.
fn named_in_locations(doc: &Value) -> Option<String> {
    fn walk<'v>(v: &'v Value, out: &mut BTreeSet<&'v str>) {
        match v {
            Value::String(s) => {
                let parts: Vec<&str> = s.strip_prefix("s3://").unwrap_or("").split('/').collect();
                if let [_, name, "code", hash, _] = parts.as_slice() {
                    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                        out.insert(name);
                    }
                }
            }
            Value::Object(m) => {
                let values = m
                    .get("Std:Join")
                    .and_then(|j| j.get("Values"))
                    .and_then(Value::as_array);
                if let Some([s3, _, name, exec, ..]) = values.map(Vec::as_slice) {
                    if s3 == "s3:/"
                        && exec.get("Get") == Some(&Value::from("Execution.PipelineExecutionId"))
                    {
                        out.extend(name.as_str());
                    }
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    walk(doc, &mut names);
    let mut it = names.into_iter();
    match (it.next(), it.next()) {
        (Some(one), None) => Some(one.to_string()),
        _ => None,
    }
}

/// Turn findings into diagnostics located in the file; format and check the source.
fn finish(text: &str, source: Option<String>, f: Findings, wrapped: bool) -> Imported {
    let located = crate::asl::json::parse(text).ok().flatten();
    let mut diagnostics: Vec<Diagnostic> =
        f.0.into_iter()
            .map(|x| {
                // Inside a describe-pipeline response the definition is one string: point at it.
                let (pointer, at) = if wrapped {
                    (x.pointer.clone(), "/PipelineDefinition".to_string())
                } else {
                    (x.pointer.clone(), x.pointer.clone())
                };
                let span = located
                    .as_ref()
                    .map(|d| crate::asl::json::locate(&d.ast, &at).1)
                    .unwrap_or_default();
                let mut d = Diagnostic::new(x.code, span, x.message).with_pointer(pointer);
                d.help = x.help;
                d
            })
            .collect();
    crate::diagnostics::sort(&mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Imported {
            source: None,
            diagnostics,
        };
    }
    let Some(raw) = source else {
        return Imported {
            source: None,
            diagnostics,
        };
    };
    match verify(&raw) {
        Ok(formatted) => Imported {
            source: Some(formatted),
            diagnostics,
        },
        Err(internal) => {
            diagnostics.push(*internal);
            Imported {
                source: None,
                diagnostics,
            }
        }
    }
}

/// Format the source and check it: what the importer writes must compile.
fn verify(raw: &str) -> Result<String, Box<Diagnostic>> {
    let internal = |what: &str, ds: &[Diagnostic]| {
        let detail: Vec<String> = ds
            .iter()
            .filter(|d| d.is_error())
            .map(|d| {
                format!(
                    "{} {} (at `{}`)",
                    d.code.as_str(),
                    d.message,
                    excerpt(raw, d.span)
                )
            })
            .collect();
        Box::new(
            Diagnostic::new(
                Code::E900,
                Span::new(0, 0),
                format!("the imported source {what}: {}", detail.join("; ")),
            )
            .with_help("this is a bug in aslc import, not in the definition; please report it with the definition"),
        )
    };
    let formatted = crate::fmt::format(raw).map_err(|ds| internal("does not parse", &ds))?;
    let (_, ds) = crate::driver::check_source(&formatted);
    if ds.iter().any(Diagnostic::is_error) {
        return Err(internal("does not check", &ds));
    }
    Ok(formatted)
}

fn excerpt(text: &str, span: Span) -> String {
    text.get(span.range())
        .unwrap_or("")
        .chars()
        .take(60)
        .collect()
}

/// What the importer knows of a step before it writes any: its type and the names later
/// references resolve through.
pub struct StepInfo {
    pub ty: String,
    /// Processing outputs by position (`Outputs[0]`), and the training output's name.
    pub outputs: Vec<String>,
    /// Lambda and callback `OutputParameters`: name → type.
    pub fields: IndexMap<String, Ty>,
    /// Training and tuning: the S3 output location, for `top_model` recognition.
    pub output_path: Option<Value>,
    /// Training: its literal image (a model of its artifacts with that image is `model Step`).
    pub image: Option<String>,
    /// Processing: its property files' names.
    pub files: Vec<String>,
    /// The step's `Arguments`: its request fields are readable properties too.
    pub arguments: Option<Value>,
}

pub struct Importer {
    pub name: String,
    pub params: IndexMap<String, Ty>,
    pub steps: IndexMap<String, StepInfo>,
    pub role: Option<(String, String)>,
    pub default_bucket: Option<String>,
    /// Retry policies: (name, body), shared by steps with the same policy.
    pub policies: Vec<(String, String)>,
    pub cached: bool,
    /// Translating a condition or a Fail message, where a value read from JSON may be.
    pub json_allowed: std::cell::Cell<bool>,
}

impl Importer {
    fn new(name: String) -> Importer {
        Importer {
            name,
            params: IndexMap::new(),
            steps: IndexMap::new(),
            role: None,
            default_bucket: None,
            policies: Vec::new(),
            cached: false,
            json_allowed: std::cell::Cell::new(false),
        }
    }

    fn run(mut self, doc: &Value, f: &mut Findings) -> Option<String> {
        let mut top = Obj::new(doc, "", f)?;
        match top.take("Version") {
            Some((Value::String(v), _)) if VERSIONS.contains(&v.as_str()) => {}
            Some((v, p)) => {
                f.push(Code::E200, &p, format!("unknown definition version {v}"))
                    .help(format!("aslc reads versions {}", VERSIONS.join(", ")));
            }
            None => {
                f.push(Code::E200, "", "not a SageMaker pipeline definition: no `Version`")
                    .help("a definition has `Version`, `Parameters` and `Steps`; `aws sagemaker describe-pipeline` output is read too");
            }
        }
        top.take("Metadata");
        if let Some(cfg) = top.object("PipelineExperimentConfig", f) {
            experiment_config(cfg, f);
        }
        let params = top.array("Parameters", f);
        let mut out = Out::default();
        let params_text = self.parameters(&params, f);
        let steps = top.array("Steps", f);
        let no_steps = match top.map.get("Steps") {
            Some(Value::Array(list)) => list.is_empty(),
            Some(_) => false,
            None => true,
        };
        if no_steps && top.map.contains_key("Version") {
            f.push(Code::E200, &top.at("Steps"), "the definition has no steps");
        }
        top.finish(f);
        let nodes = self.survey(&steps, f);
        if f.has_errors() {
            return None;
        }
        let nodes = order::sort(nodes, f);
        let mut body = Out::default();
        self.block(&nodes, &mut body, f);
        self.header(&mut out);
        out.blank();
        out.extend(params_text);
        out.blank();
        for (name, policy) in &self.policies {
            out.line(&format!("retry {name} {{ {policy} }}"));
        }
        out.blank();
        out.extend(body);
        out.close();
        (!f.has_errors()).then(|| out.text())
    }

    fn header(&self, out: &mut Out) {
        out.open(&format!("pipeline {}", write::quote(&self.name)));
        if let Some((role, _)) = &self.role {
            out.line(&format!("role {}", write::quote(role)));
        }
        if let Some(bucket) = &self.default_bucket {
            out.line(&format!("default_bucket {}", write::quote(bucket)));
        }
        if self.cached {
            out.comment("SageMaker keeps its step cache itself; Step Functions needs a table (deployed by `--emit cfn`).");
            out.line(&format!(
                "cache_table {}",
                write::quote(&format!("{}-step-cache", self.name))
            ));
        }
    }

    /// `param X: int = 1` lines; records each parameter's type.
    fn parameters(&mut self, params: &[(&Value, String)], f: &mut Findings) -> Out {
        let mut out = Out::default();
        for (v, ptr) in params {
            let Some(mut p) = Obj::new(v, ptr, f) else {
                continue;
            };
            let name = p.string("Name", f);
            let ty = p.string("Type", f);
            let default = p.take("DefaultValue");
            p.finish(f);
            let (Some(name), Some(ty)) = (name, ty) else {
                f.malformed(ptr, "a parameter with `Name` and `Type`");
                continue;
            };
            if !write::is_identifier(name) {
                f.push(Code::E201, &format!("{ptr}/Name"), format!("parameter name `{name}`: the language's parameter names are letters, digits and `_`, starting with a letter"));
                continue;
            }
            if self.params.contains_key(name) {
                f.push(
                    Code::E205,
                    &format!("{ptr}/Name"),
                    format!("two parameters are named `{name}`"),
                );
                continue;
            }
            let ty = match ty {
                "String" => Ty::Str,
                "Integer" => Ty::Int,
                "Float" => Ty::Float,
                "Boolean" => Ty::Bool,
                other => {
                    f.push(Code::E201, &format!("{ptr}/Type"), format!("parameter type `{other}` is not one the language has (String, Integer, Float, Boolean)"));
                    continue;
                }
            };
            let mut line = format!("param {name}: {}", ty.name());
            if let Some((d, dp)) = default {
                match exprs::literal(d, ty) {
                    Some(text) => line.push_str(&format!(" = {text}")),
                    None => f.malformed(&dp, &format!("a default of type {}", ty.name())),
                }
            }
            self.params.insert(name.to_string(), ty);
            out.line(&line);
        }
        out
    }

    /// First pass: every step's name, type and dependencies, before any is written.
    fn survey<'a>(&mut self, steps: &[(&'a Value, String)], f: &mut Findings) -> Vec<Node<'a>> {
        let mut nodes = Vec::new();
        for (v, ptr) in steps {
            let Some(map) = v.as_object() else {
                f.malformed(ptr, "a step object");
                continue;
            };
            let (Some(Value::String(name)), Some(Value::String(ty))) =
                (map.get("Name"), map.get("Type"))
            else {
                f.malformed(ptr, "a step with `Name` and `Type`");
                continue;
            };
            if self.steps.contains_key(name.as_str()) {
                f.push(
                    Code::E205,
                    &format!("{ptr}/Name"),
                    format!("two steps are named `{name}`"),
                );
                continue;
            }
            if !write::is_name(name) {
                f.push(Code::E201, &format!("{ptr}/Name"), format!("step name `{name}`: the language's step names start with a letter and hold letters, digits, `_` and `-`"));
                continue;
            }
            self.steps.insert(name.clone(), StepInfo::survey(ty, map));
            let mut deps = BTreeSet::new();
            order::references(v, &mut deps);
            // Reported, if malformed, where the step is written.
            let listed = map.get("DependsOn").and_then(Value::as_array);
            deps.extend(
                listed
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string),
            );
            if deps.contains(name.as_str()) {
                f.push(Code::E204, ptr, format!("step `{name}` depends on itself"));
            }
            let mut branches = [Vec::new(), Vec::new()];
            if ty == "Condition" {
                let args = map.get("Arguments");
                for (i, key) in ["IfSteps", "ElseSteps"].iter().enumerate() {
                    if let Some(Value::Array(list)) = args.and_then(|a| a.get(*key)) {
                        let items: Vec<(&Value, String)> = list
                            .iter()
                            .enumerate()
                            .map(|(j, x)| (x, format!("{ptr}/Arguments/{key}/{j}")))
                            .collect();
                        branches[i] = self.survey(&items, f);
                    }
                }
            }
            nodes.push(Node {
                name,
                ptr: ptr.clone(),
                ty,
                value: v,
                deps,
                branches,
            });
        }
        // Unknown step names in references are reported where they are translated; DependsOn here.
        nodes
    }

    /// Write a block of sorted steps.
    fn block(&mut self, nodes: &[Node], out: &mut Out, f: &mut Findings) {
        for (i, n) in nodes.iter().enumerate() {
            if i > 0 {
                out.blank();
            }
            self.step(n, out, f);
        }
    }

    fn step(&mut self, n: &Node, out: &mut Out, f: &mut Findings) {
        let Some(mut s) = Obj::new(n.value, &n.ptr, f) else {
            return;
        };
        s.take("Name");
        s.take("Type");
        let mut props = Out::default();
        if let Some(d) = s.string("DisplayName", f) {
            out.comment(d);
        }
        if let Some(d) = s.string("Description", f) {
            out.comment(d);
        }
        let deps = depends_on(s.map, &n.ptr, f);
        s.take("DependsOn");
        for (d, dp) in &deps {
            if !self.steps.contains_key(*d) {
                f.push(
                    Code::E203,
                    dp,
                    format!("`DependsOn` names `{d}`, which is not a step of this pipeline"),
                );
            }
        }
        unique_names(n.value, &n.ptr, f);
        let keyword = match n.ty {
            "Processing" => jobs::processing(self, &mut s, &mut props, f),
            "Training" => jobs::training(self, &mut s, &mut props, f),
            "Tuning" => jobs::tuning(self, &mut s, &mut props, f),
            "Transform" => jobs::transform(self, &mut s, &mut props, f),
            "Model" => models::model(self, &mut s, &mut props, f),
            "RegisterModel" => models::register(self, &mut s, &mut props, f),
            "Lambda" => calls::lambda(self, &mut s, &mut props, f),
            "Callback" => calls::callback(self, &mut s, &mut props, f),
            "EMR" => calls::emr(self, &mut s, &mut props, f),
            "Fail" => calls::fail(self, n.name, &mut s, &mut props, f),
            "Condition" => {
                self.condition(n, s, out, f);
                return;
            }
            other => {
                f.push(
                    Code::E202,
                    &format!("{}/Type", n.ptr),
                    format!("step type `{other}` cannot be imported"),
                )
                .help("aslc imports Processing, Training, Tuning, Transform, Model, RegisterModel, Condition, Fail, Lambda, Callback and EMR steps; Clarify/QualityCheck, AutoML and notebook steps have no counterpart yet");
                return;
            }
        };
        if !deps.is_empty() {
            let names: Vec<&str> = deps.iter().map(|(d, _)| *d).collect();
            props.line(&format!("depends_on [{}]", names.join(", ")));
        }
        self.retry_and_cache(&mut s, &mut props, f);
        s.finish(f);
        out.open(&format!("{keyword} {}", n.name));
        out.extend(props);
        out.close();
    }

    /// `when Name: cond { IfSteps } else { ElseSteps }`.
    fn condition(&mut self, n: &Node, mut s: Obj, out: &mut Out, f: &mut Findings) {
        let deps = depends_on(s.map, &n.ptr, f);
        s.take("DependsOn");
        if !deps.is_empty() {
            out.comment(&format!(
                "SageMaker's DependsOn: after {} (written before this condition).",
                deps.iter().map(|(d, _)| *d).collect::<Vec<_>>().join(", ")
            ));
        }
        let cond = match s.required_object("Arguments", f) {
            Some(mut args) => {
                self.json_allowed.set(true);
                let c = self.conditions(&mut args, f);
                self.json_allowed.set(false);
                args.take("IfSteps");
                args.take("ElseSteps");
                args.finish(f);
                c
            }
            None => None,
        };
        s.finish(f);
        let cond = cond.unwrap_or_else(|| "true".into());
        out.open(&format!("when {}: {cond}", n.name));
        let mut then = Out::default();
        self.block(&n.branches[0], &mut then, f);
        out.extend(then);
        if n.branches[1].is_empty() {
            out.close();
            return;
        }
        out.reopen("} else {");
        let mut otherwise = Out::default();
        self.block(&n.branches[1], &mut otherwise, f);
        out.extend(otherwise);
        out.close();
    }

    /// `RetryPolicies` and `CacheConfig`, which every step kind may carry.
    fn retry_and_cache(&mut self, s: &mut Obj, props: &mut Out, f: &mut Findings) {
        let policies = s.array("RetryPolicies", f);
        let mut names = Vec::new();
        for (v, p) in policies {
            if let Some(body) = calls::retry_policy(v, &p, f) {
                let name = match self.policies.iter().find(|(_, b)| *b == body) {
                    Some((n, _)) => n.clone(),
                    None => {
                        let n = format!("policy{}", self.policies.len() + 1);
                        self.policies.push((n.clone(), body));
                        n
                    }
                };
                names.push(name);
            }
        }
        if !names.is_empty() {
            props.line(&format!("retry {}", names.join(", ")));
        }
        if let Some(mut c) = s.object("CacheConfig", f) {
            let enabled = c.take("Enabled").map(|(v, _)| v.as_bool() == Some(true));
            let expiry = c.string("ExpireAfter", f);
            let ptr = c.at("ExpireAfter");
            let whole = c.ptr.clone();
            c.finish(f);
            if enabled == Some(true) {
                match expiry.map(iso_duration) {
                    Some(Some(seconds)) => {
                        self.cached = true;
                        props.line(&format!("cache {}", crate::check::fmt_duration(seconds)));
                    }
                    Some(None) => {
                        f.push(Code::E201, &ptr, "`ExpireAfter`: only days, hours, minutes and seconds (`P30D`, `PT12H`) can be written");
                    }
                    None => {
                        f.push(Code::E201, &whole, "a cache without `ExpireAfter` never expires: the language's `cache` needs a duration");
                    }
                }
            }
        }
    }
}

/// The default experiment configuration (the pipeline's name and execution id) is what every
/// SDK definition carries; Step Functions has no experiments, so any configuration is a W201.
fn experiment_config(mut cfg: Obj, f: &mut Findings) {
    let ptr = cfg.ptr.clone();
    let default = serde_json::json!({
        "ExperimentName": {"Get": "Execution.PipelineName"},
        "TrialName": {"Get": "Execution.PipelineExecutionId"},
    });
    if Value::Object(cfg.map.clone()) != default {
        f.push(Code::W201, &ptr, "`PipelineExperimentConfig` is not carried: Step Functions records no SageMaker experiments (lineage is recorded instead)");
    }
    cfg.take("ExperimentName");
    cfg.take("TrialName");
    cfg.finish(f);
}

/// Inputs, outputs with property files, channels and Lambda/callback outputs each need
/// distinct names (SageMaker
/// refuses repeats too): a repeat is E205 at its pointer.
fn unique_names(step: &Value, ptr: &str, f: &mut Findings) {
    let groups: [&[(&str, &str)]; 4] = [
        &[("/Arguments/ProcessingInputs", "InputName")],
        &[
            ("/Arguments/ProcessingOutputConfig/Outputs", "OutputName"),
            ("/PropertyFiles", "PropertyFileName"),
        ],
        &[
            ("/Arguments/InputDataConfig", "ChannelName"),
            (
                "/Arguments/TrainingJobDefinition/InputDataConfig",
                "ChannelName",
            ),
        ],
        &[("/OutputParameters", "OutputName")],
    ];
    for group in groups {
        let mut seen = BTreeSet::new();
        for (list, key) in group {
            let Some(Value::Array(items)) = step.pointer(list) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                if let Some(name) = item.get(*key).and_then(Value::as_str) {
                    if !seen.insert(name) {
                        f.push(
                            Code::E205,
                            &format!("{ptr}{list}/{i}/{key}"),
                            format!("the name `{name}` is used twice in this step"),
                        );
                    }
                }
            }
        }
    }
}

/// `DependsOn: ["A", "B"]`, with pointers.
fn depends_on<'a>(
    map: &'a serde_json::Map<String, Value>,
    ptr: &str,
    f: &mut Findings,
) -> Vec<(&'a str, String)> {
    match map.get("DependsOn") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v {
                Value::String(s) => Some((s.as_str(), format!("{ptr}/DependsOn/{i}"))),
                _ => {
                    f.malformed(&format!("{ptr}/DependsOn/{i}"), "a step name");
                    None
                }
            })
            .collect(),
        Some(_) => {
            f.malformed(&format!("{ptr}/DependsOn"), "a list of step names");
            Vec::new()
        }
    }
}

/// `P30D`, `PT12H`, `T12H` (as the SDK writes), `PT1H30M` → seconds; years, months and weeks
/// have no fixed length and are refused.
fn iso_duration(s: &str) -> Option<u64> {
    // `30d`, `12h` (a form SageMaker's examples use) are read as days and hours too.
    let short = s
        .strip_suffix(['d', 'h', 'm', 's'])
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if let Some(n) = short {
        let unit = match s.as_bytes()[s.len() - 1] {
            b'd' => 86_400,
            b'h' => 3_600,
            b'm' => 60,
            _ => 1,
        };
        return n.parse::<u64>().ok()?.checked_mul(unit).filter(|&x| x > 0);
    }
    let s = s.strip_prefix('P').unwrap_or(s);
    let mut seconds = 0u64;
    let mut number = String::new();
    let mut in_time = false;
    for c in s.chars() {
        match c {
            'T' if !in_time && number.is_empty() => in_time = true,
            '0'..='9' => number.push(c),
            _ => {
                let n: u64 = number.parse().ok()?;
                number.clear();
                let unit = match (in_time, c) {
                    (false, 'D') => 86_400,
                    (true, 'H') => 3_600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return None,
                };
                seconds = seconds.checked_add(n.checked_mul(unit)?)?;
            }
        }
    }
    (number.is_empty() && seconds > 0).then_some(seconds)
}

impl StepInfo {
    fn survey(ty: &str, map: &serde_json::Map<String, Value>) -> StepInfo {
        let args = map.get("Arguments");
        let at = |path: &[&str]| path.iter().try_fold(args?, |v, k| v.get(*k));
        let mut outputs = Vec::new();
        if let Some(Value::Array(outs)) = at(&["ProcessingOutputConfig", "Outputs"]) {
            outputs = outs
                .iter()
                .map(|o| {
                    o.get("OutputName")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
        }
        let mut fields = IndexMap::new();
        if let Some(Value::Array(ps)) = map.get("OutputParameters") {
            for p in ps {
                if let (Some(n), Some(t)) = (
                    p.get("OutputName").and_then(Value::as_str),
                    p.get("OutputType").and_then(Value::as_str),
                ) {
                    fields.insert(n.to_string(), Ty::from_output_type(t).unwrap_or(Ty::Str));
                }
            }
        }
        let output_path = match ty {
            "Training" => at(&["OutputDataConfig", "S3OutputPath"]).cloned(),
            "Tuning" => at(&["TrainingJobDefinition", "OutputDataConfig", "S3OutputPath"]).cloned(),
            "Transform" => at(&["TransformOutput", "S3OutputPath"]).cloned(),
            _ => None,
        };
        let image = (ty == "Training")
            .then(|| at(&["AlgorithmSpecification", "TrainingImage"]))
            .flatten()
            .and_then(Value::as_str)
            .map(str::to_string);
        let files = match map.get("PropertyFiles") {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(|p| p.get("PropertyFileName")?.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };
        StepInfo {
            ty: ty.to_string(),
            outputs,
            fields,
            output_path,
            image,
            files,
            arguments: args.cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::iso_duration;

    #[test]
    fn durations_as_sagemaker_writes_them() {
        assert_eq!(iso_duration("T12H"), Some(43_200));
        assert_eq!(iso_duration("P30D"), Some(2_592_000));
        assert_eq!(iso_duration("PT1H30M"), Some(5_400));
        assert_eq!(iso_duration("P1DT1S"), Some(86_401));
        assert_eq!(iso_duration("P1M"), None);
        assert_eq!(iso_duration("P1W"), None);
        assert_eq!(iso_duration("PT"), None);
        assert_eq!(iso_duration("30d"), Some(2_592_000));
        assert_eq!(iso_duration("90m"), Some(5_400));
        assert_eq!(iso_duration("P99999999999999999999D"), None);
    }
}
