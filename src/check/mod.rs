//! Phase 2: names and types. Walks the AST in execution order, resolves every reference
//! against what has run by then, types values and conditions, and builds the checked model.
//! It keeps going past errors: an unresolved name gets [`Ty::Error`], which is compatible with
//! everything, so one typo is reported once.

mod cond;
mod foreach;
mod io;
mod jobs;
pub mod model;
mod props;
mod refs;
mod run_pipeline;
mod schedule;
mod steps;
mod trigger;
pub mod words;

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::syntax::ast::{self, ExprKind, Item, PropValue};
use indexmap::IndexMap;
/// SageMaker Pipelines' retry limits: attempts, and the expiry in minutes.
pub(crate) const RETRY_ATTEMPTS: std::ops::RangeInclusive<i64> = 1..=20;
pub(crate) const RETRY_EXPIRY_MINUTES: std::ops::RangeInclusive<u64> = 1..=14_400;
/// The retry interval: at most 12 hours.
pub(crate) const RETRY_INTERVAL_SECONDS: std::ops::RangeInclusive<u64> = 1..=43_200;

pub(crate) use io::is_processing_path;
pub(crate) use jobs::{
    code_entrypoint, is_instance_type, DEFAULT_RUNTIME, INSTANCE_COUNTS, MAX_RUNTIME_PROCESSING,
    MAX_RUNTIME_TRAINING, TUNING_JOB_COUNTS, VOLUME_SIZES,
};
pub use model::*;
use props::PropSet;
use std::collections::{HashMap, HashSet};
pub(crate) use steps::emr_config_problem;
pub use steps::{declared_outputs, derived_name_too_long};
pub(crate) use steps::{DRIFT_BASELINES, MODEL_METRICS};

/// What checking a pipeline found.
pub struct Analysis {
    /// The checked pipeline; `None` when there are errors.
    pub checked: Option<Checked>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every name the checker resolved, errors or not.
    pub names: Vec<Resolution>,
}

/// Check a parsed pipeline.
pub fn check(pipeline: &ast::Pipeline) -> Analysis {
    check_with(pipeline, HashMap::new())
}

/// Check, knowing the pipelines the source runs (`use "x.sfn"`, read by the driver).
pub fn check_with(
    pipeline: &ast::Pipeline,
    callees: HashMap<String, Result<Callee, String>>,
) -> Analysis {
    let mut c = Checker {
        pipeline_name: pipeline.name.as_plain().unwrap_or_default(),
        callees,
        ..Checker::default()
    };
    c.declarations(pipeline);
    c.collect_steps(pipeline);
    let top: Vec<&ast::Step> = pipeline
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Step(s) => Some(s),
            _ => None,
        })
        .collect();
    let steps = c.block(&top, &[]);
    c.foreach_results_read(&steps);
    c.unused(pipeline);
    if c.role.is_none() && c.needs_role {
        let span = if pipeline.name.span.is_empty() {
            Span::new(0, 0)
        } else {
            pipeline.name.span
        };
        c.err(
            Code::E035,
            span,
            "this pipeline starts SageMaker jobs but declares no `role`",
        )
        .set_help("add `role \"arn:aws:iam::<account>:role/<name>\"` inside the pipeline block");
    }
    let has_errors = c.diags.iter().any(Diagnostic::is_error);
    let checked = Checked {
        name: pipeline.name.as_plain().unwrap_or_default(),
        role: c.role.clone(),
        params: c
            .params
            .values()
            .map(|p| ParamDef {
                s3: c.s3_params.contains(&p.def.name),
                ..p.def.clone()
            })
            .collect(),
        policies: c
            .policies
            .iter()
            .map(|(k, v)| (k.clone(), v.policy.clone()))
            .collect(),
        steps,
        used_outputs: c.used_outputs.clone(),
        top_models: c.top_models.clone(),
        schedule: c.schedule.clone(),
        triggers: c.triggers.clone(),
        cache_table: c.cache_table.clone(),
    };
    Analysis {
        checked: (!has_errors).then_some(checked),
        diagnostics: c.diags,
        names: c.names,
    }
}

struct ParamInfo {
    def: ParamDef,
    name_span: Span,
    ty_span: Span,
}

struct PolicyInfo {
    policy: Policy,
    span: Span,
}

/// Where a step sits: the `when` and `parallel` blocks around it, innermost last.
#[derive(Clone, Debug, PartialEq)]
struct Enclosing {
    step: String,
    span: Span,
    parallel: bool,
    branch: usize,
    /// A `foreach`: its steps run once per item, and are not steps of the pipeline outside it.
    foreach: bool,
}

impl Enclosing {
    /// `enclosing` with step `s` around it (branch `branch` of it).
    fn around(
        enclosing: &[Enclosing],
        s: &ast::Step,
        parallel: bool,
        branch: usize,
    ) -> Vec<Enclosing> {
        let mut out = enclosing.to_vec();
        out.push(Enclosing {
            step: s.name.name.clone(),
            span: s.name.span,
            parallel,
            branch,
            foreach: s.kind == ast::StepKind::Foreach,
        });
        out
    }
}

/// The item of a `foreach` being checked: visible to the steps inside it.
#[derive(Clone, Debug)]
struct ItemInScope {
    name: String,
    foreach: String,
    ty: Ty,
}

struct StepInfo {
    kind: ast::StepKind,
    span: Span,
    order: usize,
    enclosing: Vec<Enclosing>,
    outputs: IndexMap<String, (Ty, Span)>,
}

#[derive(Default)]
struct Checker {
    diags: Vec<Diagnostic>,
    role: Option<String>,
    needs_role: bool,
    params: IndexMap<String, ParamInfo>,
    policies: IndexMap<String, PolicyInfo>,
    steps: HashMap<String, StepInfo>,
    /// Steps that have certainly finished at the current point of the walk.
    ran: HashSet<String>,
    current: Option<(String, usize, Vec<Enclosing>)>,
    /// The steps each step uses (reads an output, a file or JSON of, or names in
    /// `depends_on`), in order of first use: the edges of the pipeline's DAG.
    uses: HashMap<String, Vec<String>>,
    used_params: HashSet<String>,
    used_policies: HashSet<String>,
    used_outputs: IndexMap<String, IndexMap<String, Read>>,
    /// Resolving the JSON a `json(...)` reads: the output is read by fields, not whole.
    reading_json: bool,
    names: Vec<Resolution>,
    /// `top_model(Tune, k)` ranks read, by tuning step.
    top_models: IndexMap<String, Vec<u32>>,
    /// `string` parameters used as S3 locations.
    s3_params: HashSet<String>,
    /// The items of the `foreach` steps around the current step, innermost last.
    items: Vec<ItemInScope>,
    /// Step names by their state-data key (`-` written `_`).
    step_keys: HashMap<String, String>,
    /// Facts later steps need about earlier ones.
    images: HashMap<String, Val>,
    schedule: Option<ScheduleDef>,
    triggers: Vec<TriggerDef>,
    /// The pipelines `use "x.sfn"` names, as the driver read them (path as written → callee).
    callees: HashMap<String, Result<Callee, String>>,
    pipeline_name: String,
    cache_table: Option<String>,
    /// Where outputs without a destination go.
    default_bucket: Option<String>,
    files: HashMap<(String, String), PropertyFile>,
    /// `number(x)` in the condition being checked: the text values to read as numbers.
    numbers: Vec<Ref>,
}

impl Checker {
    fn err(&mut self, code: Code, span: Span, msg: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(code, span, msg));
        self.diags.last_mut().expect("just pushed")
    }

    fn declarations(&mut self, p: &ast::Pipeline) {
        for item in &p.items {
            match item {
                Item::Param(param) => self.param(param),
                Item::Retry(r) => self.policy(r),
                Item::Setting(s) => self.setting(s),
                Item::Schedule(_) | Item::Trigger(_) | Item::Step(_) => {}
            }
        }
        for item in &p.items {
            match item {
                Item::Schedule(s) => self.schedule(s),
                Item::Trigger(t) => self.trigger(t),
                _ => {}
            }
        }
    }

    fn setting(&mut self, s: &ast::Prop) {
        let PropValue::Expr(e) = &s.value else { return };
        let Some(text) = self.literal_string(e) else {
            return;
        };
        if s.key.name == "cache_table" {
            self.cache_table = Some(text);
            return;
        }
        if s.key.name == "default_bucket" {
            // A bucket name, as SageMaker's `default_bucket()` gives it: no scheme, no slash.
            if text.is_empty() || text.contains('/') || text.starts_with("s3:") {
                self.err(
                    Code::E046,
                    e.span,
                    format!("`{text}` is not a bucket name"),
                )
                .set_help("write the bucket alone: `default_bucket \"sagemaker-us-east-1-123456789012\"`");
            } else {
                self.default_bucket = Some(text);
            }
            return;
        }
        if s.key.name == "role" {
            if self.role.is_some() {
                self.err(Code::E032, s.key.span, "`role` is set twice");
            } else if !text.starts_with("arn:") {
                self.err(
                    Code::E033,
                    e.span,
                    "`role` must be an IAM role ARN (`arn:aws:iam::<account>:role/<name>`)",
                );
            } else {
                self.role = Some(text);
            }
        }
    }

    fn param(&mut self, p: &ast::Param) {
        if p.name.name.contains('-') {
            self.err(
                Code::E049,
                p.name.span,
                format!("parameter `{}` has a hyphen in its name", p.name.name),
            )
            .set_help(format!(
                "write it `{}`: parameter names are execution-input keys",
                p.name.name.replace('-', "_")
            ));
        }
        if let Some(prev) = self.params.get(&p.name.name) {
            let first = prev.name_span;
            self.err(
                Code::E011,
                p.name.span,
                format!("parameter `{}` is declared twice", p.name.name),
            )
            .secondary
            .push(crate::diagnostics::Label {
                span: first,
                message: "first declared here".into(),
            });
            return;
        }
        let ty = match Ty::from_name(&p.ty.name) {
            Some(t) => t,
            None => {
                let d = self.err(
                    Code::E034,
                    p.ty.span,
                    format!("unknown type `{}`", p.ty.name),
                );
                let guess = crate::diagnostics::did_you_mean(
                    &p.ty.name,
                    ["string", "int", "float", "bool", "list"],
                );
                d.help = Some(match guess {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => "parameter types are `string`, `int`, `float`, `bool` and `list` (of strings)".into(),
                });
                if let Some(g) = guess {
                    d.fix = Some(crate::diagnostics::Fix {
                        message: format!("use `{g}`"),
                        span: p.ty.span,
                        replacement: g.into(),
                    });
                }
                Ty::Error
            }
        };
        let default = p.default.as_ref().and_then(|e| {
            let v = literal_json(e, ty);
            if let (None, ExprKind::Str(s)) = (&v, &e.kind) {
                if ty == Ty::String && s.as_plain().is_none() {
                    self.err(
                        Code::E018,
                        e.span,
                        "a parameter's default cannot interpolate: it is known before any value is",
                    )
                    .set_help("write `\\{` and `\\}` for literal braces: \"$\\{ModelName\\}\"");
                    return None;
                }
            }
            if v.is_none() && ty != Ty::Error {
                let found = literal_kind(e);
                self.err(
                    Code::E016,
                    e.span,
                    format!(
                        "default of `{}` is {found}, but the parameter is declared as {}",
                        p.name.name,
                        ty.name()
                    ),
                )
                .set_label(format!("this is {found}"))
                .add_secondary(p.ty.span, format!("declared as {} here", ty.name()));
            }
            v
        });
        self.params.insert(
            p.name.name.clone(),
            ParamInfo {
                def: ParamDef {
                    name: p.name.name.clone(),
                    ty,
                    default,
                    s3: false,
                },
                name_span: p.name.span,
                ty_span: p.ty.span,
            },
        );
    }

    fn policy(&mut self, r: &ast::RetryDecl) {
        if let Some(prev) = self.policies.get(&r.name.name) {
            let first = prev.span;
            self.err(
                Code::E036,
                r.name.span,
                format!("retry policy `{}` is declared twice", r.name.name),
            )
            .add_secondary(first, "first declared here");
            return;
        }
        let set = PropSet::new(self, "retry policy", &r.props, &[props::RETRY]);
        let mut classes = Vec::new();
        if let Some(on) = set.one("on") {
            let items = match &on.value {
                PropValue::Expr(ast::Expr {
                    kind: ExprKind::List(items),
                    ..
                }) => items.clone(),
                PropValue::Expr(e) => vec![e.clone()],
                _ => vec![],
            };
            for item in items {
                let ExprKind::Ref(parts) = &item.kind else {
                    self.err(
                        Code::E033,
                        item.span,
                        "expected a retry class such as `step.throttling`",
                    );
                    continue;
                };
                let name: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                let name = name.join(".");
                match RetryClass::ALL.iter().find(|(n, _)| *n == name) {
                    Some((_, c)) => classes.push(*c),
                    None => {
                        let guess = crate::diagnostics::did_you_mean(
                            &name,
                            RetryClass::ALL.iter().map(|(n, _)| *n),
                        );
                        let d = self.err(
                            Code::E026,
                            item.span,
                            format!("unknown retry class `{name}`"),
                        );
                        d.help = Some(match guess {
                            Some(g) => format!("did you mean `{g}`?"),
                            None => "classes: step.service_fault, step.throttling, sagemaker.job_internal_error, sagemaker.capacity_error, sagemaker.resource_limit".into(),
                        });
                    }
                }
            }
        } else {
            self.err(
                Code::E031,
                r.name.span,
                format!(
                    "retry policy `{}` has no `on [...]` list of classes",
                    r.name.name
                ),
            );
        }
        let interval = set.one("interval").and_then(|p| self.prop_duration(p));
        if let (Some(i), Some(p)) = (interval, set.one("interval")) {
            if !RETRY_INTERVAL_SECONDS.contains(&i) {
                self.err(
                    Code::E043,
                    p.value.span(p.span),
                    "`interval` must be between 1s and 12h",
                );
            }
        }
        let backoff = set.one("backoff").and_then(|p| {
            let PropValue::Expr(e) = &p.value else {
                return None;
            };
            let v = match e.kind {
                ExprKind::Float(f) => f,
                ExprKind::Int(i) => i as f64,
                _ => {
                    self.err(Code::E033, e.span, "`backoff` takes a number such as 2.0");
                    return None;
                }
            };
            if v < 1.0 {
                self.err(
                    Code::E024,
                    e.span,
                    format!("`backoff` is {v}, but must be at least 1.0"),
                )
                .set_fix("use 1.0", e.span, "1.0");
            }
            Some(v)
        });
        let max_attempts = set.one("max_attempts").and_then(|p| {
            let n = self.prop_int(p)?;
            if !RETRY_ATTEMPTS.contains(&n) {
                self.err(
                    Code::E022,
                    p.value.span(p.span),
                    format!("`max_attempts` is {n}, but must be between 1 and 20"),
                );
            }
            Some(n.clamp(0, 20) as u32)
        });
        let expire = set.one("expire_after").and_then(|p| {
            let s = self.prop_duration(p)?;
            if s == 0 || s > RETRY_EXPIRY_MINUTES.end() * 60 {
                self.err(
                    Code::E023,
                    p.value.span(p.span),
                    format!(
                        "`expire_after` is {} minutes, but must be between 1 and 14,400",
                        s / 60
                    ),
                );
            }
            Some(s)
        });
        if let (Some(a), Some(b)) = (set.one("max_attempts"), set.one("expire_after")) {
            self.err(
                Code::E021,
                b.key.span,
                "a retry policy sets either `max_attempts` or `expire_after`, not both",
            )
            .add_secondary(a.key.span, "`max_attempts` set here")
            .set_help("keep one of the two bounds");
        }
        self.policies.insert(
            r.name.name.clone(),
            PolicyInfo {
                policy: Policy {
                    name: r.name.name.clone(),
                    classes,
                    interval_seconds: interval.unwrap_or(1).max(1),
                    backoff: backoff.unwrap_or(2.0).max(1.0),
                    max_attempts: if expire.is_some() {
                        None
                    } else {
                        Some(max_attempts.unwrap_or(5))
                    },
                    expire_after_seconds: expire,
                },
                span: r.name.span,
            },
        );
    }

    fn schedule(&mut self, s: &ast::Schedule) {
        let mut def = ScheduleDef {
            expression: String::new(),
            computed: Vec::new(),
            input: Default::default(),
        };
        match s.expr.as_plain() {
            Some(text) => {
                if let Err((range, msg)) = schedule::check(&text) {
                    // Inside the quotes; schedule expressions have no escapes to shift offsets.
                    let start = s.expr.span.start as usize + 1;
                    self.err(
                        Code::E047,
                        Span::new(start + range.start, start + range.end),
                        msg,
                    );
                }
                def.expression = text;
            }
            None => {
                self.err(
                    Code::E018,
                    s.expr.span,
                    "a schedule expression cannot be interpolated",
                );
            }
        }
        for b in &s.bindings {
            let Some(ty) = self.bound_param(b, "schedule") else {
                continue;
            };
            match &b.value.kind {
                ExprKind::Call { name, args } => {
                    let days = match name.name.as_str() {
                        "yesterday" => Some(1),
                        "today" => Some(0),
                        _ => None,
                    };
                    match days {
                        Some(days) if args.is_empty() => {
                            if ty != Ty::String && ty != Ty::Error {
                                self.err(
                                    Code::E017,
                                    b.value.span,
                                    format!(
                                        "`{}()` is a date string, but `{}` is {}",
                                        name.name,
                                        b.key.name,
                                        ty.name()
                                    ),
                                );
                            }
                            def.computed.push((b.key.name.clone(), days));
                        }
                        _ => {
                            let guess = crate::diagnostics::did_you_mean(
                                &name.name,
                                ["yesterday", "today"],
                            );
                            let d = self.err(
                                Code::E044,
                                name.span,
                                format!("unknown function `{}`", name.name),
                            );
                            if let Some(g) = guess {
                                d.help = Some(format!("did you mean `{g}()`?"));
                            }
                        }
                    }
                }
                _ => self.literal_binding(b, ty, &mut def.input),
            }
        }
        self.schedule = Some(def);
    }

    /// A schedule's or trigger's literal binding: the execution input it passes (`E016` when
    /// the value is not of the parameter's type).
    fn literal_binding(
        &mut self,
        b: &ast::Binding,
        ty: Ty,
        input: &mut serde_json::Map<String, serde_json::Value>,
    ) {
        match literal_json(&b.value, ty) {
            Some(v) => {
                input.insert(b.key.name.clone(), v);
            }
            None => {
                self.err(
                    Code::E016,
                    b.value.span,
                    format!("`{}` is declared as {}", b.key.name, ty.name()),
                );
            }
        }
    }

    /// The type of the parameter a schedule or trigger binding sets (`E012` when it is none).
    fn bound_param(&mut self, b: &ast::Binding, by: &str) -> Option<Ty> {
        let Some(param) = self.params.get(&b.key.name) else {
            let names: Vec<&str> = self.params.keys().map(String::as_str).collect();
            let guess = crate::diagnostics::did_you_mean(&b.key.name, names).map(str::to_string);
            let d = self.err(
                Code::E012,
                b.key.span,
                format!("the {by} sets `{}`, which is not a parameter", b.key.name),
            );
            if let Some(g) = guess {
                d.help = Some(format!("did you mean `{g}`?"));
            }
            return None;
        };
        let ty = param.def.ty;
        self.resolved(b.key.span, &b.key.name);
        self.used_params.insert(b.key.name.clone());
        Some(ty)
    }

    /// Register every step before the walk, so references can tell "unknown" from "later".
    fn collect_steps(&mut self, p: &ast::Pipeline) {
        let mut order = 0;
        for item in &p.items {
            if let Item::Step(s) = item {
                self.collect_step(s, &[], &mut order);
            }
        }
    }

    fn collect_step(&mut self, s: &ast::Step, enclosing: &[Enclosing], order: &mut usize) {
        *order += 1;
        // `Train-Model` and `Train_Model` would share a key in the state data.
        let key = s.name.name.replace('-', "_");
        let clash = match self.step_keys.get(&key) {
            Some(other) if *other != s.name.name => {
                self.steps.get(other).map(|i| (other.clone(), i.span))
            }
            Some(_) => None,
            None => {
                self.step_keys.insert(key, s.name.name.clone());
                None
            }
        };
        if let Some((other, first)) = clash {
            self.err(
                Code::E010,
                s.name.span,
                format!(
                    "step `{}` and step `{other}` differ only in `-` and `_`",
                    s.name.name
                ),
            )
            .add_secondary(first, "the other step")
            .set_help("rename one: the state data keys both as the same name");
        }
        if let Some(prev) = self.steps.get(&s.name.name) {
            let first = prev.span;
            self.err(
                Code::E010,
                s.name.span,
                format!("step `{}` is defined twice", s.name.name),
            )
            .add_secondary(first, "first defined here")
            .set_help(
                "step names become state names, which must be unique in the whole state machine",
            );
        } else {
            let outputs = steps::declared_outputs(s);
            self.steps.insert(
                s.name.name.clone(),
                StepInfo {
                    kind: s.kind,
                    span: s.name.span,
                    order: *order,
                    enclosing: enclosing.to_vec(),
                    outputs,
                },
            );
        }
        let mut inner = |c: &mut Checker, steps: &[ast::Step], parallel: bool, branch: usize| {
            let enc = Enclosing::around(enclosing, s, parallel, branch);
            for st in steps {
                c.collect_step(st, &enc, order);
            }
        };
        match &s.body {
            ast::StepBody::When(w) => {
                inner(self, &w.then.steps, false, 0);
                if let Some(o) = &w.otherwise {
                    inner(self, &o.steps, false, 1);
                }
            }
            ast::StepBody::Parallel(branches) => {
                for (n, b) in branches.iter().enumerate() {
                    inner(self, &b.block.steps, true, n);
                }
            }
            ast::StepBody::Foreach(f) => inner(self, &f.block.steps, false, 0),
            ast::StepBody::Props(_) => {}
        }
    }

    /// Check a sequence of steps in execution order.
    fn block(&mut self, steps: &[&ast::Step], enclosing: &[Enclosing]) -> Vec<StepDef> {
        let mut out = Vec::new();
        // The step that ends every path through this block, once one does.
        let mut ended: Option<(Span, String)> = None;
        for s in steps {
            if let Some((span, name)) = ended.take() {
                self.err(
                    Code::E048,
                    s.name.span,
                    format!(
                        "step `{}` never runs: every path before it ends at `{name}`",
                        s.name.name
                    ),
                )
                .add_secondary(span, "the execution ends here")
                .set_help("move the step before the failure, or into the other branch");
            }
            let order = self
                .steps
                .get(&s.name.name)
                .map(|i| i.order)
                .unwrap_or(usize::MAX);
            let saved = self
                .current
                .replace((s.name.name.clone(), order, enclosing.to_vec()));
            if let Some(def) = self.step(s, enclosing) {
                if always_fails(&def) {
                    ended = Some((s.name.span, s.name.name.clone()));
                }
                out.push(def);
            }
            self.current = saved;
            self.ran.insert(s.name.name.clone());
        }
        out
    }

    fn unused(&mut self, p: &ast::Pipeline) {
        // After a misspelt name, "never used" would only repeat the same mistake.
        let unknown_names = self.diags.iter().any(|d| d.code == Code::E012);
        let unknown_policies = self.diags.iter().any(|d| d.code == Code::E025);
        for item in &p.items {
            match item {
                // A redeclared parameter is reported as a duplicate, not as unused.
                Item::Param(param)
                    if !unknown_names
                        && !self.used_params.contains(&param.name.name)
                        && self
                            .params
                            .get(&param.name.name)
                            .is_some_and(|i| i.name_span == param.name.span) =>
                {
                    self.err(
                        Code::W003,
                        param.name.span,
                        format!("parameter `{}` is never used", param.name.name),
                    );
                }
                Item::Retry(r)
                    if !unknown_policies && !self.used_policies.contains(&r.name.name) =>
                {
                    self.err(
                        Code::W004,
                        r.name.span,
                        format!("retry policy `{}` is never used", r.name.name),
                    );
                }
                _ => {}
            }
        }
    }

    fn literal_string(&mut self, e: &ast::Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Str(s) => match s.as_plain() {
                Some(t) => Some(t),
                None => {
                    self.err(
                        Code::E018,
                        e.span,
                        "interpolation is not allowed here: write the text literally",
                    );
                    None
                }
            },
            ExprKind::Error => None,
            _ => {
                let found = literal_kind(e);
                self.err(
                    Code::E033,
                    e.span,
                    format!("expected a string, found {found}"),
                );
                None
            }
        }
    }
}

/// A step after which nothing runs: a `fail`, or a `when` whose branches both end in one.
fn always_fails(s: &StepDef) -> bool {
    match &s.body {
        StepIr::Fail { .. } => true,
        StepIr::When {
            then, otherwise, ..
        } => then.last().is_some_and(always_fails) && otherwise.last().is_some_and(always_fails),
        _ => false,
    }
}

/// A literal as JSON of the given type (ints widen to floats), or `None` when it does not fit.
/// Every step of a tree of steps, nested ones included.
fn each_step_def<'a>(steps: &'a [StepDef], f: &mut dyn FnMut(&'a StepDef)) {
    for s in steps {
        f(s);
        match &s.body {
            StepIr::When {
                then, otherwise, ..
            } => {
                each_step_def(then, f);
                each_step_def(otherwise, f);
            }
            StepIr::Parallel { branches } => branches.iter().for_each(|b| each_step_def(b, f)),
            StepIr::Foreach(fe) => each_step_def(&fe.steps, f),
            _ => {}
        }
    }
}

fn literal_json(e: &ast::Expr, ty: Ty) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match (&e.kind, ty) {
        (ExprKind::Str(s), Ty::String | Ty::Error) => J::String(s.as_plain()?),
        (ExprKind::Int(i), Ty::Int | Ty::Error) => J::from(*i),
        (ExprKind::Int(i), Ty::Float) => J::from(*i as f64),
        (ExprKind::Float(f), Ty::Float | Ty::Error) => J::from(*f),
        (ExprKind::Bool(b), Ty::Bool | Ty::Error) => J::Bool(*b),
        (ExprKind::List(items), Ty::Json) => J::Array(
            items
                .iter()
                .map(|i| match &i.kind {
                    ExprKind::Str(s) => s.as_plain().map(J::String),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}

/// The type of a scalar literal.
fn literal_ty(e: &ast::Expr) -> Option<Ty> {
    Some(match &e.kind {
        ExprKind::Str(_) => Ty::String,
        ExprKind::Int(_) => Ty::Int,
        ExprKind::Float(_) => Ty::Float,
        ExprKind::Bool(_) => Ty::Bool,
        _ => return None,
    })
}

fn literal_kind(e: &ast::Expr) -> &'static str {
    match &e.kind {
        ExprKind::Str(_) => "a string",
        ExprKind::Int(_) => "an int",
        ExprKind::Float(_) => "a float",
        ExprKind::Bool(_) => "a bool",
        ExprKind::Duration(_) => "a duration",
        ExprKind::List(_) => "a list",
        ExprKind::Map(_) => "an object",
        ExprKind::Ref(_) => "a reference",
        ExprKind::Json { .. } => "a json(...) value",
        ExprKind::Call { .. } => "a function call",
        _ => "an expression",
    }
}
