//! Building the checked form of each step kind from its properties.

use super::props::{self, PropSet};
use super::{
    Checker, Enclosing, Instance, Named, ParamRange, PropertyFile, RangeKind, StepDef, StepIr,
    TPart, Training, Ty, Val,
};
use crate::diagnostics::{Code, Span};
use crate::syntax::ast::{self, Expr, ExprKind, PropValue, StepBody, StepKind};
use indexmap::IndexMap;
use std::collections::HashSet;

/// Longest job-name prefix: `<prefix>-<uuid>` must fit SageMaker's 63 characters.
pub const MAX_PREFIX: usize = 26;

/// The outputs a step declares or always has, with the span that declares each.
pub fn declared_outputs(s: &ast::Step) -> IndexMap<String, (Ty, Span)> {
    let mut out = IndexMap::new();
    let StepBody::Props(props) = &s.body else {
        return out;
    };
    let at = s.name.span;
    for p in props {
        if let Some(label) = &p.label {
            let ty = match (s.kind, p.key.name.as_str()) {
                (
                    StepKind::Processing
                    | StepKind::Training
                    | StepKind::Tuning
                    | StepKind::Transform,
                    "output",
                ) => Ty::S3Uri,
                (StepKind::Processing, "property_file") => Ty::PropertyFile,
                _ => continue,
            };
            out.entry(label.name.clone()).or_insert((ty, label.span));
        }
    }
    let builtins: &[(&str, Ty)] = match s.kind {
        StepKind::Training => &[("model_artifacts", Ty::S3Uri), ("job_name", Ty::String)],
        StepKind::Tuning => &[
            ("model_artifacts", Ty::S3Uri),
            ("best_training_job", Ty::String),
        ],
        StepKind::CreateModel => &[("model_name", Ty::String), ("model_arn", Ty::Arn)],
        StepKind::Register => &[("model_package_arn", Ty::Arn)],
        StepKind::Lambda => &[("payload", Ty::Json)],
        StepKind::Callback => &[("output", Ty::Json)],
        _ => &[],
    };
    for (n, t) in builtins {
        out.entry((*n).to_string()).or_insert((*t, at));
    }
    out
}

/// The job-name prefix of a step: lower case, `_` → `-`.
pub fn job_prefix(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

impl Checker {
    pub(super) fn step(&mut self, s: &ast::Step, enclosing: &[Enclosing]) -> Option<StepDef> {
        let name = &s.name.name;
        if name.chars().count() > 80 {
            self.err(
                Code::E028,
                s.name.span,
                format!(
                    "step name is {} characters long; state names are at most 80",
                    name.chars().count()
                ),
            );
        }
        if s.kind.starts_job() {
            self.needs_role = true;
            let prefix = job_prefix(name);
            if prefix.len() > MAX_PREFIX || prefix.starts_with('-') || prefix.ends_with('-') {
                self.err(
                    Code::E029,
                    s.name.span,
                    format!("`{name}` cannot prefix a SageMaker job name"),
                )
                .set_help(format!(
                    "use at most {MAX_PREFIX} characters that start and end with a letter or digit"
                ));
            }
        }
        let at = s.name.span;
        let (body, retry, cache) = match &s.body {
            StepBody::Props(ps) => {
                let what = format!("{} step", s.kind.keyword());
                let tables: &[props::Table] = match s.kind {
                    StepKind::Processing => &[props::JOB, props::PROCESSING],
                    StepKind::Training => &[props::JOB, props::TRAINING],
                    StepKind::Tuning => &[props::JOB, props::TUNING],
                    StepKind::Transform => &[props::TRANSFORM],
                    StepKind::CreateModel => &[props::CREATE_MODEL],
                    StepKind::Register => &[props::REGISTER],
                    StepKind::Lambda => &[props::LAMBDA],
                    StepKind::Callback => &[props::CALLBACK],
                    StepKind::Emr => &[props::EMR],
                    StepKind::Fail => &[props::FAIL],
                    StepKind::When | StepKind::Parallel => &[],
                };
                let set = PropSet::new(self, &what, ps, tables);
                let retry = self.retry_refs(&set);
                let cache = set.one("cache").and_then(|c| self.cache(c));
                let body = match s.kind {
                    StepKind::Processing => self.processing(name, &set, at),
                    StepKind::Training => {
                        self.training(name, &set, at, &what).map(StepIr::Training)
                    }
                    StepKind::Tuning => self.tuning(name, &set, at),
                    StepKind::Transform => self.transform(&set, at),
                    StepKind::CreateModel => self.create_model(&set, at),
                    StepKind::Register => self.register(&set, at),
                    StepKind::Lambda => self.lambda(&set, at),
                    StepKind::Callback => self.callback(&set, at),
                    StepKind::Emr => self.emr(&set, at),
                    StepKind::Fail => self.fail_step(&set, at),
                    StepKind::When | StepKind::Parallel => None,
                };
                (body, retry, cache)
            }
            StepBody::When(w) => (self.when(s, w, enclosing), Vec::new(), None),
            StepBody::Parallel(branches) => {
                (self.parallel(s, branches, enclosing), Vec::new(), None)
            }
        };
        Some(StepDef {
            name: name.clone(),
            span: at,
            kind: s.kind,
            retry,
            cache,
            body: body?,
        })
    }

    /// `cache 30d`: how long a result may be reused. Without `cache_table`, the pipeline's default
    /// table is used, which is said once.
    fn cache(&mut self, p: &ast::Prop) -> Option<u64> {
        let d = self.prop_duration(p)?;
        if d == 0 {
            self.err(
                Code::E043,
                p.value.span(p.span),
                "`cache` needs a duration of at least 1s",
            );
            return None;
        }
        if self.cache_table.is_none() {
            let table = default_cache_table(&self.pipeline_name);
            self.err(Code::W005, p.key.span, format!("no `cache_table`: cached results are kept in the DynamoDB table `{table}`"))
                .set_help("name the table with `cache_table \"<name>\"`; its partition key is the string `key`");
            self.cache_table = Some(table);
        }
        Some(d)
    }

    fn retry_refs(&mut self, set: &PropSet) -> Vec<String> {
        let mut out = Vec::new();
        for p in set.many("retry") {
            let PropValue::Names(names) = &p.value else {
                continue;
            };
            for n in names {
                if self.policies.contains_key(&n.name) {
                    self.used_policies.insert(n.name.clone());
                    if !out.contains(&n.name) {
                        out.push(n.name.clone());
                    }
                } else {
                    let known: Vec<&str> = self.policies.keys().map(String::as_str).collect();
                    let guess =
                        crate::diagnostics::did_you_mean(&n.name, known).map(str::to_string);
                    let d = self.err(
                        Code::E025,
                        n.span,
                        format!("unknown retry policy `{}`", n.name),
                    );
                    if let Some(g) = guess {
                        d.help = Some(format!("did you mean `{g}`?"));
                        d.fix = Some(crate::diagnostics::Fix {
                            message: format!("use `{g}`"),
                            span: n.span,
                            replacement: g,
                        });
                    } else {
                        d.help = Some(format!("declare it with `retry {} {{ on [...] }}`", n.name));
                    }
                }
            }
        }
        out
    }

    fn instance(&mut self, set: &PropSet, at: Span, what: &str) -> Option<Instance> {
        let p = set.required(self, "instance", what, at)?;
        let PropValue::Instance(spec) = &p.value else {
            return None;
        };
        let ty = &spec.ty.name;
        let parts: Vec<&str> = ty.split('.').collect();
        let shape_ok = parts.len() == 3
            && parts[0] == "ml"
            && parts[1..].iter().all(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
        if !shape_ok {
            let d = self.err(
                Code::E027,
                spec.ty.span,
                format!("`{ty}` is not a SageMaker instance type"),
            );
            d.help = Some("instance types look like `ml.m5.xlarge`".into());
            if parts.len() == 2 && parts[0] != "ml" {
                d.fix = Some(crate::diagnostics::Fix {
                    message: "add the `ml.` prefix".into(),
                    span: spec.ty.span,
                    replacement: format!("ml.{ty}"),
                });
            }
        }
        let count = match spec.count {
            Some((n, span)) if !(1..=100).contains(&n) => {
                self.err(
                    Code::E027,
                    span,
                    format!("instance count {n} is outside 1..100"),
                );
                1
            }
            Some((n, _)) => n,
            None => 1,
        };
        shape_ok.then(|| Instance {
            ty: ty.clone(),
            count,
        })
    }

    fn runtime(&mut self, set: &PropSet, max: u64, default: u64) -> Option<u64> {
        let Some(p) = set.one("max_runtime") else {
            return Some(default);
        };
        let d = self.prop_duration(p)?;
        if d == 0 || d > max {
            self.err(
                Code::E043,
                p.value.span(p.span),
                format!(
                    "`max_runtime` must be between 1s and {}",
                    crate::lower::fmt_duration(max)
                ),
            );
            return None;
        }
        Some(d)
    }

    fn volume(&mut self, set: &PropSet) -> i64 {
        let Some(p) = set.one("volume_gb") else {
            return 30;
        };
        match self.prop_int(p) {
            Some(v) if (1..=16_384).contains(&v) => v,
            Some(v) => {
                self.err(
                    Code::E043,
                    p.value.span(p.span),
                    format!("`volume_gb` is {v}, but must be between 1 and 16384"),
                );
                30
            }
            None => 30,
        }
    }

    /// `key name = value` properties, with unique names.
    fn labeled(
        &mut self,
        set: &PropSet,
        key: &str,
        seen: &mut HashSet<String>,
        s3: bool,
    ) -> Vec<Named> {
        let mut out = Vec::new();
        for p in set.many(key) {
            let (Some(label), PropValue::Expr(e)) = (&p.label, &p.value) else {
                continue;
            };
            if !seen.insert(label.name.clone()) {
                self.err(
                    Code::E039,
                    label.span,
                    format!(
                        "`{}` is already used as an input or output name in this step",
                        label.name
                    ),
                );
                continue;
            }
            let v = if s3 {
                self.s3_val(e)
            } else {
                self.string_val(e)
            };
            if let Some(value) = v {
                out.push(Named {
                    name: label.name.clone(),
                    value,
                });
            }
        }
        out
    }

    fn map_vals(&mut self, set: &PropSet, key: &str) -> Vec<Named> {
        let Some(p) = set.one(key) else {
            return Vec::new();
        };
        let PropValue::Map(bindings) = &p.value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for b in bindings {
            if !seen.insert(b.key.name.clone()) {
                self.err(
                    Code::E032,
                    b.key.span,
                    format!("`{}` is set twice", b.key.name),
                );
                continue;
            }
            if let Some(value) = self.any_val(&b.value) {
                out.push(Named {
                    name: b.key.name.clone(),
                    value,
                });
            }
        }
        out
    }

    fn image(&mut self, set: &PropSet, what: &str, at: Span) -> Option<Val> {
        let p = set.required(self, "image", what, at)?;
        self.prop_string(p)
    }

    fn processing(&mut self, name: &str, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "processing step";
        let image = self.image(set, what, at);
        let instance = self.instance(set, at, what);
        let code = set
            .one("code")
            .and_then(|p| self.prop_expr(p, "an S3 URI").cloned())
            .and_then(|e| self.s3_val(&e));
        let mut seen_in = HashSet::new();
        if code.is_some() {
            seen_in.insert("code".to_string());
        }
        let inputs = self.labeled(set, "input", &mut seen_in, true);
        let mut seen_out = HashSet::new();
        let outputs = self.labeled(set, "output", &mut seen_out, true);
        let mut property_files = Vec::new();
        for p in set.many("property_file") {
            let (Some(label), PropValue::Expr(e)) = (&p.label, &p.value) else {
                continue;
            };
            if !seen_out.insert(label.name.clone()) {
                self.err(
                    Code::E039,
                    label.span,
                    format!(
                        "`{}` is already used as an output name in this step",
                        label.name
                    ),
                );
                continue;
            }
            if let Some(f) = self.property_file(name, &label.name, e, &outputs) {
                self.files
                    .insert((name.to_string(), label.name.clone()), f.clone());
                property_files.push(f);
            }
        }
        let entrypoint = match set.one("entrypoint") {
            Some(p) => self.prop_strings(p)?,
            None => match code.as_ref().and_then(Val::as_str) {
                Some(uri) => {
                    let file = uri.rsplit('/').next().unwrap_or("script.py");
                    let runner = if file.ends_with(".py") {
                        "python3"
                    } else {
                        "sh"
                    };
                    vec![
                        runner.to_string(),
                        format!("/opt/ml/processing/input/code/{file}"),
                    ]
                }
                None => Vec::new(),
            },
        };
        let arguments = match set.one("arguments") {
            Some(p) => self.val_list(p)?,
            None => Vec::new(),
        };
        let environment = self.map_vals(set, "environment");
        let max_runtime = self.runtime(set, 777_600, 86_400);
        let volume_gb = self.volume(set);
        Some(StepIr::Processing {
            image: image?,
            instance: instance?,
            volume_gb,
            max_runtime: max_runtime?,
            code,
            entrypoint,
            arguments,
            inputs,
            outputs,
            property_files,
            environment,
        })
    }

    fn val_list(&mut self, p: &ast::Prop) -> Option<Vec<Val>> {
        let e = self.prop_expr(p, "a list")?;
        let ExprKind::List(items) = &e.kind else {
            self.err(
                Code::E033,
                e.span,
                "expected a list such as `[\"--flag\", \"{Param}\"]`",
            );
            return None;
        };
        items.iter().map(|i| self.string_val(i)).collect()
    }

    /// `property_file metrics = report / "evaluation.json"`.
    fn property_file(
        &mut self,
        step: &str,
        name: &str,
        e: &Expr,
        outputs: &[Named],
    ) -> Option<PropertyFile> {
        let ExprKind::Join(base, key) = &e.kind else {
            self.err(
                Code::E033,
                e.span,
                "expected `<output> / \"<file>\"`, such as `report / \"evaluation.json\"`",
            );
            return None;
        };
        let ExprKind::Ref(parts) = &base.kind else {
            self.err(
                Code::E033,
                base.span,
                "expected the name of an output of this step",
            );
            return None;
        };
        let Some(file) = key.as_plain() else {
            self.err(
                Code::E018,
                key.span,
                "the file name of a property file cannot be interpolated",
            );
            return None;
        };
        let out_name = &parts[0].name;
        let Some(output) = outputs.iter().find(|o| &o.name == out_name) else {
            let names: Vec<&str> = outputs.iter().map(|o| o.name.as_str()).collect();
            let guess = crate::diagnostics::did_you_mean(out_name, names).map(str::to_string);
            let d = self.err(
                Code::E013,
                parts[0].span,
                format!("`{out_name}` is not an output of this step"),
            );
            d.help = guess.map(|g| format!("did you mean `{g}`?"));
            return None;
        };
        let uri = output.value.join(&file);
        let text_head = match &uri {
            Val::Lit(serde_json::Value::String(s)) => Some(s.clone()),
            Val::Template(parts) => match parts.first() {
                Some(TPart::Text(t)) => Some(t.clone()),
                _ => None,
            },
            _ => None,
        };
        let bucket = text_head
            .as_deref()
            .and_then(|t| t.strip_prefix("s3://"))
            .and_then(|rest| rest.find('/').map(|n| rest[..n].to_string()));
        let Some(bucket) = bucket else {
            self.err(Code::E041, base.span, format!("the bucket of output `{out_name}` must be written literally to read `{name}` at run time"))
                .set_help("write the output as \"s3://<bucket>/<key with {Params}>\"");
            return None;
        };
        let key_val = match &uri {
            Val::Lit(serde_json::Value::String(s)) => Val::str(&s[5 + bucket.len() + 1..]),
            Val::Template(parts) => {
                let mut parts = parts.clone();
                if let Some(TPart::Text(t)) = parts.first_mut() {
                    *t = t[5 + bucket.len() + 1..].to_string();
                }
                Val::Template(parts)
            }
            other => other.clone(),
        };
        let _ = step;
        Some(PropertyFile {
            name: name.to_string(),
            output: out_name.clone(),
            bucket,
            key: key_val,
            uri,
        })
    }

    fn training(&mut self, _name: &str, set: &PropSet, at: Span, what: &str) -> Option<Training> {
        let image = self.image(set, what, at);
        let instance = self.instance(set, at, what);
        let mut seen = HashSet::new();
        let channels = self.labeled(set, "channel", &mut seen, true);
        let mut seen_out = HashSet::new();
        let mut outputs = self.labeled(set, "output", &mut seen_out, true);
        if outputs.len() > 1 {
            let extra = set.many("output")[1].key.span;
            self.err(
                Code::E032,
                extra,
                format!("a {what} has one `output`: the S3 prefix its model is written under"),
            );
        }
        if set.one("output").is_none() {
            self.err(
                Code::E031,
                at,
                format!("{what} needs `output <name> = \"s3://...\"`"),
            )
            .set_label("`output` missing")
            .set_help("the output is the S3 prefix SageMaker writes model.tar.gz under");
        }
        let key = if set.one("static_hyperparameters").is_some() {
            "static_hyperparameters"
        } else {
            "hyperparameters"
        };
        let hyperparameters = self
            .map_vals(set, key)
            .into_iter()
            .map(|n| {
                // SageMaker takes hyperparameters as strings.
                let v = match n.value {
                    Val::Lit(serde_json::Value::String(s)) => Val::str(s),
                    Val::Lit(other) => Val::str(other.to_string()),
                    Val::Path(p) => Val::Template(vec![TPart::Path(p)]),
                    t @ Val::Template(_) => t,
                };
                (n.name, v)
            })
            .collect();
        let input_mode = match set.one("input_mode") {
            Some(p) => self.prop_word(
                p,
                &[("File", "File"), ("Pipe", "Pipe"), ("FastFile", "FastFile")],
            )?,
            None => "File",
        };
        let environment = self.map_vals(set, "environment");
        let max_runtime = self.runtime(set, 2_419_200, 86_400);
        let volume_gb = self.volume(set);
        if outputs.is_empty() {
            return None;
        }
        Some(Training {
            image: image?,
            instance: instance?,
            volume_gb,
            max_runtime: max_runtime?,
            input_mode,
            channels,
            output: outputs.swap_remove(0),
            hyperparameters,
            environment,
        })
        .inspect(|t| {
            self.images.insert(_name.to_string(), t.image.clone());
        })
    }

    fn tuning(&mut self, name: &str, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "tuning step";
        let training = self.training(name, set, at, what);
        let (objective_type, metric) = match (set.one("maximize"), set.one("minimize")) {
            (Some(p), None) => ("Maximize", p),
            (None, Some(p)) => ("Minimize", p),
            (Some(_), Some(p)) => {
                self.err(
                    Code::E032,
                    p.key.span,
                    "a tuning step has one objective: `maximize` or `minimize`",
                );
                return None;
            }
            (None, None) => {
                self.err(
                    Code::E031,
                    at,
                    format!("{what} needs `maximize \"<metric>\"` or `minimize \"<metric>\"`"),
                );
                return None;
            }
        };
        let objective_metric = self
            .prop_expr(metric, "a metric name")
            .cloned()
            .and_then(|e| self.literal_string(&e))?;
        let strategy = match set.one("strategy") {
            Some(p) => self.prop_word(
                p,
                &[
                    ("bayesian", "Bayesian"),
                    ("random", "Random"),
                    ("hyperband", "Hyperband"),
                    ("grid", "Grid"),
                ],
            )?,
            None => "Bayesian",
        };
        let count = |c: &mut Checker, key: &str, default: i64| -> Option<i64> {
            let Some(p) = set.one(key) else {
                return Some(default);
            };
            let v = c.prop_int(p)?;
            if !(1..=500).contains(&v) {
                c.err(
                    Code::E043,
                    p.value.span(p.span),
                    format!("`{key}` must be between 1 and 500"),
                );
                return None;
            }
            Some(v)
        };
        let max_jobs = count(self, "max_jobs", 10)?;
        let max_parallel = count(self, "max_parallel", 2)?;
        let ranges = self.ranges(set)?;
        if let Some(t) = &training {
            self.images.insert(name.to_string(), t.image.clone());
        }
        Some(StepIr::Tuning {
            training: training?,
            objective_type,
            objective_metric,
            strategy,
            max_jobs,
            max_parallel,
            ranges,
        })
    }

    /// `ranges { eta = continuous(0.1, 0.5), max_depth = integer(3, 10), booster = categorical("gbtree", "dart") }`.
    fn ranges(&mut self, set: &PropSet) -> Option<Vec<ParamRange>> {
        let Some(p) = set.one("ranges") else {
            return Some(Vec::new());
        };
        let PropValue::Map(bindings) = &p.value else {
            return None;
        };
        let mut out = Vec::new();
        for b in bindings {
            let ExprKind::Call { name, args } = &b.value.kind else {
                self.err(Code::E033, b.value.span, "expected `continuous(min, max)`, `integer(min, max)` or `categorical(\"a\", ...)`");
                continue;
            };
            let num = |e: &Expr| match e.kind {
                ExprKind::Int(i) => Some(i.to_string()),
                ExprKind::Float(f) => Some(f.to_string()),
                _ => None,
            };
            let kind = match (name.name.as_str(), args.as_slice()) {
                ("continuous", [a, b2]) => num(a)
                    .zip(num(b2))
                    .map(|(a, b)| RangeKind::Continuous(a, b)),
                ("integer", [a, b2])
                    if matches!((&a.kind, &b2.kind), (ExprKind::Int(_), ExprKind::Int(_))) =>
                {
                    num(a).zip(num(b2)).map(|(a, b)| RangeKind::Integer(a, b))
                }
                ("categorical", items) if !items.is_empty() => items
                    .iter()
                    .map(|i| match &i.kind {
                        ExprKind::Str(s) => s.as_plain(),
                        _ => num(i),
                    })
                    .collect::<Option<Vec<_>>>()
                    .map(RangeKind::Categorical),
                _ => None,
            };
            match kind {
                Some(kind) => out.push(ParamRange {
                    name: b.key.name.clone(),
                    kind,
                }),
                None => {
                    self.err(Code::E033, b.value.span, "expected `continuous(min, max)`, `integer(min, max)` or `categorical(\"a\", ...)`");
                }
            }
        }
        Some(out)
    }

    fn transform(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "transform step";
        let model = set
            .required(self, "model", what, at)
            .and_then(|p| self.prop_expr(p, "a step name").cloned());
        let model =
            model.and_then(|e| self.step_ref(&e, &[StepKind::CreateModel], "a create_model step"));
        if let Some(m) = &model {
            self.use_output(m, "model_name");
        }
        let instance = self.instance(set, at, what);
        let mut seen = HashSet::new();
        let mut inputs = self.labeled(set, "input", &mut seen, true);
        let mut outputs = self.labeled(set, "output", &mut seen, true);
        for (key, list) in [("input", &inputs), ("output", &outputs)] {
            if set.many(key).is_empty() {
                self.err(
                    Code::E031,
                    at,
                    format!("{what} needs one `{key} <name> = \"s3://...\"`"),
                );
            } else if set.many(key).len() > 1 {
                self.err(
                    Code::E032,
                    set.many(key)[1].key.span,
                    format!("a {what} takes one `{key}`"),
                );
            }
            let _ = list;
        }
        let content_type = match set.one("content_type") {
            Some(p) => Some(
                self.prop_expr(p, "a string")
                    .cloned()
                    .and_then(|e| self.literal_string(&e))?,
            ),
            None => None,
        };
        let split_type = match set.one("split") {
            Some(p) => Some(self.prop_word(
                p,
                &[
                    ("line", "Line"),
                    ("recordio", "RecordIO"),
                    ("tfrecord", "TFRecord"),
                    ("none", "None"),
                ],
            )?),
            None => None,
        };
        let max_runtime = match set.one("max_runtime") {
            Some(_) => Some(self.runtime(set, 2_419_200, 86_400)?),
            None => None,
        };
        if inputs.len() != 1 || outputs.len() != 1 {
            return None;
        }
        Some(StepIr::Transform {
            model: model?,
            instance: instance?,
            input: inputs.swap_remove(0),
            output: outputs.swap_remove(0),
            content_type,
            split_type,
            max_runtime,
        })
    }

    /// The training (or tuning) step a model comes from: its artifacts and its image.
    fn model_source(
        &mut self,
        set: &PropSet,
        at: Span,
        what: &str,
    ) -> Option<(String, Val, Option<Val>)> {
        let p = set.required(self, "model", what, at)?;
        let e = self.prop_expr(p, "a step name")?.clone();
        let step = self.step_ref(
            &e,
            &[StepKind::Training, StepKind::Tuning],
            "a training or tuning step",
        )?;
        let data = self.use_output(&step, "model_artifacts");
        let image = self.images.get(&step).cloned();
        Some((step, data, image))
    }

    fn create_model(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "create_model step";
        let source = self.model_source(set, at, what);
        let image = match set.one("image") {
            Some(p) => self.prop_string(p),
            None => source.as_ref().and_then(|s| s.2.clone()),
        };
        let (_, model_data, _) = source?;
        Some(StepIr::CreateModel {
            image: image?,
            model_data,
        })
    }

    fn register(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "register step";
        let group = set
            .required(self, "model_package_group", what, at)
            .and_then(|p| self.prop_string(p));
        let source = self.model_source(set, at, what);
        let approval = match set.one("approval") {
            Some(p) => self.prop_word(
                p,
                &[
                    ("pending_manual", "PendingManualApproval"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                ],
            )?,
            None => "PendingManualApproval",
        };
        let metrics = match set.one("metrics") {
            Some(p) => Some(self.metrics_ref(p)?),
            None => None,
        };
        let image = match set.one("image") {
            Some(p) => self.prop_string(p),
            None => source.as_ref().and_then(|s| s.2.clone()),
        };
        let strings = |c: &mut Checker, key: &str| match set.one(key) {
            Some(p) => c.prop_strings(p),
            None => Some(vec!["text/csv".to_string()]),
        };
        let content_types = strings(self, "content_types")?;
        let response_types = strings(self, "response_types")?;
        let description = match set.one("description") {
            Some(p) => Some(self.prop_string(p)?),
            None => None,
        };
        let (_, model_data, _) = source?;
        Some(StepIr::Register {
            group: group?,
            approval,
            image: image?,
            model_data,
            content_types,
            response_types,
            metrics,
            description,
        })
    }

    /// `metrics Evaluate.metrics`: the S3 URI of a property file.
    fn metrics_ref(&mut self, p: &ast::Prop) -> Option<Val> {
        let e = self.prop_expr(p, "a property file")?.clone();
        let (_, ty, _) = self.resolve(&e)?;
        let ExprKind::Ref(parts) = &e.kind else {
            return None;
        };
        if ty != Ty::PropertyFile {
            self.err(Code::E037, e.span, format!("`metrics` needs a property file, but this is {}", ty.name()))
                .set_help("declare one with `property_file <name> = <output> / \"<file>.json\"` in a processing step");
            return None;
        }
        let key = (parts[0].name.clone(), parts[1].name.clone());
        self.files.get(&key).map(|f| f.uri.clone())
    }

    fn lambda(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let function = set
            .required(self, "function", "lambda step", at)
            .and_then(|p| self.prop_string(p));
        let payload = self.map_vals(set, "payload");
        let timeout = match set.one("timeout") {
            Some(p) => Some(self.prop_duration(p)?),
            None => None,
        };
        Some(StepIr::Lambda {
            function: function?,
            payload,
            timeout,
        })
    }

    fn callback(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let queue = set
            .required(self, "queue", "callback step", at)
            .and_then(|p| self.prop_string(p));
        let message = self.map_vals(set, "message");
        let timeout = match set.one("timeout") {
            Some(p) => Some(self.prop_duration(p)?),
            None => None,
        };
        let heartbeat = match set.one("heartbeat") {
            Some(p) => Some(self.prop_duration(p)?),
            None => None,
        };
        if let (Some(t), Some(h), Some(p)) = (timeout, heartbeat, set.one("heartbeat")) {
            if h >= t {
                self.err(
                    Code::E043,
                    p.value.span(p.span),
                    "`heartbeat` must be shorter than `timeout`",
                );
                return None;
            }
        }
        Some(StepIr::Callback {
            queue: queue?,
            message,
            timeout,
            heartbeat,
        })
    }

    fn emr(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let cluster = set
            .required(self, "cluster", "emr step", at)
            .and_then(|p| self.prop_string(p));
        let jar = match set.one("jar") {
            Some(p) => self
                .prop_expr(p, "a string")
                .cloned()
                .and_then(|e| self.literal_string(&e))?,
            None => "command-runner.jar".to_string(),
        };
        let args = match set.required(self, "args", "emr step", at) {
            Some(p) => self.val_list(p)?,
            None => return None,
        };
        let action_on_failure = match set.one("action_on_failure") {
            Some(p) => self.prop_word(
                p,
                &[
                    ("continue", "CONTINUE"),
                    ("cancel_and_wait", "CANCEL_AND_WAIT"),
                    ("terminate_cluster", "TERMINATE_CLUSTER"),
                ],
            )?,
            None => "CONTINUE",
        };
        Some(StepIr::Emr {
            cluster: cluster?,
            jar,
            args,
            action_on_failure,
        })
    }

    fn fail_step(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let error = set
            .required(self, "error", "fail step", at)
            .and_then(|p| self.prop_expr(p, "a string").cloned());
        let error = error.and_then(|e| self.literal_string(&e));
        let cause = match set.one("cause") {
            Some(p) => Some(
                self.prop_expr(p, "a string")
                    .cloned()
                    .and_then(|e| self.literal_string(&e))?,
            ),
            None => None,
        };
        Some(StepIr::Fail {
            error: error?,
            cause,
        })
    }

    fn when(&mut self, s: &ast::Step, w: &ast::When, enclosing: &[Enclosing]) -> Option<StepIr> {
        let mut reads = Vec::new();
        let cond = self.condition(&w.cond, &mut reads);
        let before = self.ran.clone();
        let mut inner = enclosing.to_vec();
        inner.push(Enclosing {
            step: s.name.name.clone(),
            span: s.name.span,
            parallel: false,
            branch: 0,
        });
        let then_steps: Vec<&ast::Step> = w.then.steps.iter().collect();
        let then = self.block(&then_steps, &inner);
        let after_then = std::mem::replace(&mut self.ran, before);
        inner.last_mut().expect("pushed above").branch = 1;
        let else_steps: Vec<&ast::Step> = w.otherwise.iter().flat_map(|b| b.steps.iter()).collect();
        let otherwise = self.block(&else_steps, &inner);
        self.ran.retain(|n| after_then.contains(n));
        Some(StepIr::When {
            reads,
            cond: cond?,
            then,
            otherwise,
        })
    }

    fn parallel(
        &mut self,
        s: &ast::Step,
        branches: &[ast::Branch],
        enclosing: &[Enclosing],
    ) -> Option<StepIr> {
        if branches.is_empty() {
            self.err(
                Code::E031,
                s.name.span,
                "a parallel step needs at least one `branch { ... }`",
            );
            return None;
        }
        let before = self.ran.clone();
        let mut all = before.clone();
        let mut out = Vec::new();
        for (n, b) in branches.iter().enumerate() {
            self.ran = before.clone();
            let mut inner = enclosing.to_vec();
            inner.push(Enclosing {
                step: s.name.name.clone(),
                span: s.name.span,
                parallel: true,
                branch: n,
            });
            let steps: Vec<&ast::Step> = b.block.steps.iter().collect();
            if steps.is_empty() {
                self.err(Code::E031, b.block.span, "a branch needs at least one step");
            }
            out.push(self.block(&steps, &inner));
            all.extend(self.ran.drain());
        }
        self.ran = all;
        Some(StepIr::Parallel { branches: out })
    }
}

/// The table caching uses when the pipeline names none.
pub fn default_cache_table(pipeline: &str) -> String {
    let slug: String = pipeline
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "{}-step-cache",
        if slug.is_empty() { "aslc" } else { &slug }
    )
}
