//! SageMaker job steps: processing, training, tuning and transform, and what they share
//! (instances, runtimes, volumes, named inputs and outputs, property files).

use super::io::IoKind;
use super::props::PropSet;
use super::words;
use super::{
    Checker, Instance, Io, ParamRange, Processing, PropertyFile, RangeKind, StepIr, TPart,
    Training, Transform, Tuning, Ty, Val,
};
use crate::diagnostics::{Code, Span};
use crate::syntax::ast::{self, Expr, ExprKind, PropValue, StepKind};
use std::collections::HashSet;

/// How a processing step runs its `code`: mounted at `/opt/ml/processing/input/code`, with
/// `python3` for a `.py` file and `sh` otherwise.
pub(crate) fn code_entrypoint(uri: &str) -> Vec<String> {
    let file = uri.rsplit('/').next().unwrap_or_default();
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

/// `ml.<family>.<size>`: the shape of a SageMaker instance type.
pub(crate) fn is_instance_type(ty: &str) -> bool {
    let parts: Vec<&str> = ty.split('.').collect();
    parts.len() == 3
        && parts[0] == "ml"
        && parts[1..].iter().all(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// The longest runtimes SageMaker allows: processing jobs 9 days, training and transform
/// jobs 28 days; a job without `max_runtime` gets one day.
pub(crate) const MAX_RUNTIME_PROCESSING: u64 = 777_600;
pub(crate) const MAX_RUNTIME_TRAINING: u64 = 2_419_200;
pub(crate) const DEFAULT_RUNTIME: u64 = 86_400;
/// The volume sizes a job may ask for, in GB.
pub(crate) const VOLUME_SIZES: std::ops::RangeInclusive<i64> = 1..=16_384;

/// How many training jobs a tuning job may run, in all and at once.
pub(crate) const TUNING_JOB_COUNTS: std::ops::RangeInclusive<i64> = 1..=500;

/// The instance counts a job may ask for.
pub(crate) const INSTANCE_COUNTS: std::ops::RangeInclusive<i64> = 1..=100;

/// `s3://bucket/key…` → the bucket, written literally, and the key (which may hold values
/// known at run time): what `s3:getObject` takes.
pub(super) fn split_s3(uri: &Val) -> Option<(String, Val)> {
    // Literal pieces next to each other (`join("/", "s3://b", Run)`) read as one.
    let merged;
    let uri = match uri {
        Val::Template(parts) => {
            let mut out: Vec<TPart> = Vec::new();
            for p in parts {
                match (out.last_mut(), p) {
                    (Some(TPart::Text(a)), TPart::Text(b)) => a.push_str(b),
                    _ => out.push(p.clone()),
                }
            }
            merged = Val::Template(out);
            &merged
        }
        other => other,
    };
    let head = match uri {
        Val::Lit(serde_json::Value::String(s)) => s.as_str(),
        Val::Template(parts) => match parts.first() {
            Some(TPart::Text(t)) => t.as_str(),
            _ => return None,
        },
        _ => return None,
    };
    let rest = head.strip_prefix("s3://")?;
    let bucket = &rest[..rest.find('/')?];
    let cut = 5 + bucket.len() + 1;
    let key = match uri {
        Val::Lit(serde_json::Value::String(s)) => Val::str(&s[cut..]),
        Val::Template(parts) => {
            let mut parts = parts.clone();
            if let Some(TPart::Text(t)) = parts.first_mut() {
                *t = t[cut..].to_string();
            }
            Val::Template(parts)
        }
        other => other.clone(),
    };
    Some((bucket.to_string(), key))
}

impl Checker {
    pub(super) fn instance(&mut self, set: &PropSet, at: Span, what: &str) -> Option<Instance> {
        let p = set.required(self, "instance", what, at)?;
        let PropValue::Instance(spec) = &p.value else {
            return None;
        };
        let ty = &spec.ty.name;
        let count = match &spec.count {
            Some(ast::Count::Lit(n, span)) if !INSTANCE_COUNTS.contains(n) => {
                self.err(
                    Code::E027,
                    *span,
                    format!("instance count {n} is outside 1..100"),
                );
                None
            }
            Some(ast::Count::Lit(n, _)) => Some(Val::Lit((*n).into())),
            Some(ast::Count::Name(n)) => self.param_of(n, Ty::Int, "an instance count"),
            None => Some(Val::Lit(1.into())),
        };
        if !ty.contains('.') {
            // `instance InstanceType x InstanceCount`: the type from a parameter.
            let ty = self.param_of(&spec.ty, Ty::String, "an instance type");
            return Some(Instance {
                ty: ty?,
                count: count?,
            });
        }
        let parts: Vec<&str> = ty.split('.').collect();
        if !is_instance_type(ty) {
            let d = self.err(
                Code::E027,
                spec.ty.span,
                format!("`{ty}` is not a SageMaker instance type"),
            );
            d.help = Some(
                "instance types look like `ml.m5.xlarge`; a parameter name takes it from a `string` parameter"
                    .into(),
            );
            if parts.len() == 2 && parts[0] != "ml" {
                d.fix = Some(crate::diagnostics::Fix {
                    message: "add the `ml.` prefix".into(),
                    span: spec.ty.span,
                    replacement: format!("ml.{ty}"),
                });
            }
            return None;
        }
        Some(Instance {
            ty: Val::str(ty.clone()),
            count: count?,
        })
    }

    /// `model Score` (a create_model step), or the name of an existing model: a string or a
    /// `string` parameter.
    fn transform_model(&mut self, p: &ast::Prop) -> Option<(Val, Option<String>)> {
        let e = self
            .prop_expr(p, "a create_model step or a model name")?
            .clone();
        let is_step = matches!(&e.kind, ExprKind::Ref(parts) if parts.len() == 1 && self.steps.contains_key(&parts[0].name));
        if is_step {
            let step = self.step_ref(&e, &[StepKind::CreateModel], "a create_model step")?;
            let name = self.use_output(&step, "model_name");
            return Some((name, Some(step)));
        }
        Some((self.string_val(&e)?, None))
    }

    /// A parameter named where a value of type `ty` is expected (`instance InstanceType x N`).
    fn param_of(&mut self, name: &ast::Ident, ty: Ty, what: &str) -> Option<Val> {
        let e = Expr {
            kind: ExprKind::Ref(vec![name.clone()]),
            span: name.span,
        };
        let (v, found, decl) = self.resolve(&e)?;
        if found == ty || found == Ty::Error {
            return Some(v);
        }
        let d = self.err(
            Code::E033,
            name.span,
            format!(
                "{what} must be {} {}, but `{}` is {}",
                if ty == Ty::Int { "an" } else { "a" },
                ty.name(),
                name.name,
                found.name()
            ),
        );
        if let Some(decl) = decl {
            d.secondary.push(crate::diagnostics::Label {
                span: decl,
                message: format!("declared as {} here", found.name()),
            });
        }
        None
    }

    /// A number SageMaker takes that may come from an `int` parameter (`volume_gb Size`,
    /// `max_runtime Seconds`): the parameter's reference, or `None` when the value is written.
    fn int_param(&mut self, p: &ast::Prop) -> Option<Option<Val>> {
        let PropValue::Expr(e) = &p.value else {
            return Some(None);
        };
        let ExprKind::Ref(parts) = &e.kind else {
            return Some(None);
        };
        if parts.len() != 1 || !self.params.contains_key(&parts[0].name) {
            return Some(None);
        }
        self.param_of(&parts[0], Ty::Int, &format!("`{}`", p.key.name))
            .map(Some)
    }

    /// `max_runtime 2h`, or an `int` parameter holding seconds.
    pub(super) fn runtime_val(&mut self, set: &PropSet, max: u64, default: u64) -> Option<Val> {
        if let Some(p) = set.one("max_runtime") {
            if let Some(v) = self.int_param(p)? {
                return Some(v);
            }
        }
        self.runtime(set, max, default).map(|d| Val::Lit(d.into()))
    }

    pub(super) fn runtime(&mut self, set: &PropSet, max: u64, default: u64) -> Option<u64> {
        self.bounded_duration(set, "max_runtime", default, max)
    }

    pub(super) fn volume(&mut self, set: &PropSet) -> Val {
        let Some(p) = set.one("volume_gb") else {
            return Val::Lit(30.into());
        };
        if let Some(Some(v)) = self.int_param(p) {
            return v;
        }
        match self.prop_int(p) {
            Some(v) if VOLUME_SIZES.contains(&v) => Val::Lit(v.into()),
            Some(v) => {
                self.err(
                    Code::E043,
                    p.value.span(p.span),
                    format!("`volume_gb` is {v}, but must be between 1 and 16384"),
                );
                Val::Lit(30.into())
            }
            None => Val::Lit(30.into()),
        }
    }

    /// The `key name = value` properties whose name is not taken yet in this step (E039 for the
    /// others): names become SageMaker input, output and channel names.
    fn unique_labels<'p>(
        &mut self,
        set: &PropSet<'p>,
        key: &str,
        seen: &mut HashSet<String>,
    ) -> Vec<(&'p ast::Ident, &'p Expr)> {
        let mut out = Vec::new();
        for p in set.many(key) {
            let (Some(label), PropValue::Expr(e)) = (&p.label, &p.value) else {
                continue;
            };
            if seen.insert(label.name.clone()) {
                out.push((label, e));
            } else {
                self.err(
                    Code::E039,
                    label.span,
                    format!(
                        "`{}` is already used by another input or output of this step",
                        label.name
                    ),
                );
            }
        }
        out
    }

    pub(super) fn image(&mut self, set: &PropSet, what: &str, at: Span) -> Option<Val> {
        let p = set.required(self, "image", what, at)?;
        self.prop_string(p)
    }

    pub(super) fn processing(&mut self, name: &str, set: &PropSet, at: Span) -> Option<StepIr> {
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
        let inputs = self.ios(name, set, "input", &mut seen_in, IoKind::ProcessingInput);
        let mut seen_out = HashSet::new();
        let outputs = self.ios(name, set, "output", &mut seen_out, IoKind::ProcessingOutput);
        let declared: Vec<String> = seen_out.iter().cloned().collect();
        let mut property_files = Vec::new();
        for (label, e) in self.unique_labels(set, "property_file", &mut seen_out) {
            if let Some(f) = self.property_file(&label.name, e, &outputs, &declared) {
                self.files
                    .insert((name.to_string(), label.name.clone()), f.clone());
                property_files.push(f);
            }
        }
        let entrypoint = match set.one("entrypoint") {
            Some(p) => self.prop_strings(p)?,
            None => match code.as_ref().and_then(Val::as_str) {
                Some(uri) => code_entrypoint(uri),
                None => Vec::new(),
            },
        };
        let arguments = match set.one("arguments") {
            Some(p) => self.val_list(p)?,
            None => Vec::new(),
        };
        let environment = self.map_strings(set, "environment");
        let max_runtime = self.runtime_val(set, MAX_RUNTIME_PROCESSING, DEFAULT_RUNTIME);
        let volume_gb = self.volume(set);
        Some(StepIr::Processing(Processing {
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
        }))
    }

    pub(super) fn val_list(&mut self, p: &ast::Prop) -> Option<Vec<Val>> {
        let e = self.prop_expr(p, "a list")?;
        let ExprKind::List(items) = &e.kind else {
            self.err(
                Code::E033,
                e.span,
                "expected a list such as `[\"--flag\", \"{Param}\"]`",
            );
            return None;
        };
        // Every item is checked, so two bad values are two diagnostics.
        let vals: Vec<Option<Val>> = items.iter().map(|i| self.string_val(i)).collect();
        vals.into_iter().collect()
    }

    /// `property_file metrics = report / "evaluation.json"`.
    pub(super) fn property_file(
        &mut self,
        name: &str,
        e: &Expr,
        outputs: &[Io],
        declared: &[String],
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
            if declared.contains(out_name) {
                // The output is there but has an error of its own, reported already.
                return None;
            }
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
        let Some((bucket, key_val)) = split_s3(&uri) else {
            self.err(Code::E041, base.span, format!("the bucket of output `{out_name}` must be written literally to read `{name}` at run time"))
                .set_help("write the output as \"s3://<bucket>/<key with {Params}>\"");
            return None;
        };

        Some(PropertyFile {
            name: name.to_string(),
            output: out_name.clone(),
            bucket,
            key: key_val,
            uri,
        })
    }

    pub(super) fn training(
        &mut self,
        name: &str,
        set: &PropSet,
        at: Span,
        what: &str,
    ) -> Option<Training> {
        let image = self.image(set, what, at);
        let instance = self.instance(set, at, what);
        let mut seen = HashSet::new();
        let channels = self.ios(name, set, "channel", &mut seen, IoKind::Channel);
        let mut seen_out = HashSet::new();
        let mut outputs = self.ios(name, set, "output", &mut seen_out, IoKind::Plain);
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
                    Val::Ref(r) => Val::Template(vec![TPart::Ref(r)]),
                    t @ Val::Template(_) => t,
                };
                (n.name, v)
            })
            .collect();
        let input_mode = match set.one("input_mode") {
            Some(p) => self.prop_word(p, words::CHANNEL_INPUT_MODES)?,
            None => "File",
        };
        let environment = self.map_strings(set, "environment");
        let max_runtime = self.runtime_val(set, MAX_RUNTIME_TRAINING, DEFAULT_RUNTIME);
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
            self.images.insert(name.to_string(), t.image.clone());
        })
    }

    pub(super) fn tuning(&mut self, name: &str, set: &PropSet, at: Span) -> Option<StepIr> {
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
            Some(p) => self.prop_word(p, words::STRATEGIES)?,
            None => "Bayesian",
        };
        let count = |c: &mut Checker, key: &str, default: i64| -> Option<i64> {
            let Some(p) = set.one(key) else {
                return Some(default);
            };
            let v = c.prop_int(p)?;
            if !TUNING_JOB_COUNTS.contains(&v) {
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
        let early_stopping = match set.one("early_stopping") {
            Some(p) => Some(self.prop_word(p, words::EARLY_STOPPING)?),
            None => None,
        };
        let warm_start = match (set.one("warm_start_from"), set.one("warm_start_type")) {
            (Some(p), kind) => {
                let parents = self.val_list(p)?;
                let kind = match kind {
                    Some(k) => self.prop_word(k, words::WARM_START_TYPES)?,
                    None => "IdenticalDataAndAlgorithm",
                };
                Some((parents, kind))
            }
            (None, Some(k)) => {
                self.err(
                    Code::E031,
                    k.key.span,
                    "`warm_start_type` needs `warm_start_from [\"<tuning job>\", …]`",
                );
                return None;
            }
            (None, None) => None,
        };
        if let Some(t) = &training {
            self.images.insert(name.to_string(), t.image.clone());
        }
        Some(StepIr::Tuning(Tuning {
            training: training?,
            objective_type,
            objective_metric,
            strategy,
            max_jobs,
            max_parallel,
            ranges,
            early_stopping,
            warm_start,
        }))
    }

    /// `ranges { eta = continuous(0.1, 0.5), max_depth = integer(3, 10), booster = categorical("gbtree", "dart") }`.
    pub(super) fn ranges(&mut self, set: &PropSet) -> Option<Vec<ParamRange>> {
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
            // `continuous(0.01, 0.3, log)`: a third argument is the scaling.
            let (args, scaling) = match args.as_slice() {
                [a, b2, s] if name.name != "categorical" => {
                    let word = match &s.kind {
                        ExprKind::Ref(p) if p.len() == 1 => p[0].name.as_str(),
                        _ => "",
                    };
                    let scaling = match words::SCALINGS.iter().find(|(w, _)| *w == word) {
                        Some((_, value)) => *value,
                        None => {
                            self.err(
                                Code::E046,
                                s.span,
                                "a scaling is `auto`, `linear`, `log` or `reverse_log`",
                            );
                            continue;
                        }
                    };
                    (vec![a.clone(), b2.clone()], Some(scaling))
                }
                other => (other.to_vec(), None),
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
                    scaling,
                }),
                None => {
                    self.err(Code::E033, b.value.span, "expected `continuous(min, max)`, `integer(min, max)` or `categorical(\"a\", ...)`");
                }
            }
        }
        Some(out)
    }

    pub(super) fn transform(&mut self, name: &str, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "transform step";
        let (model, model_step) = match set.required(self, "model", what, at) {
            Some(p) => self.transform_model(p)?,
            None => return None,
        };
        let instance = self.instance(set, at, what);
        let mut seen = HashSet::new();
        let mut inputs = self.ios(name, set, "input", &mut seen, IoKind::Plain);
        let mut outputs = self.ios(name, set, "output", &mut seen, IoKind::Plain);
        for key in ["input", "output"] {
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
        }
        let text = |c: &mut Checker, key: &str| match set.one(key) {
            Some(p) => c.prop_string(p).map(Some),
            None => Some(None),
        };
        let content_type = text(self, "content_type")?;
        let accept = text(self, "accept")?;
        let split_type = match set.one("split") {
            Some(p) => Some(self.prop_word(p, words::SPLIT_TYPES)?),
            None => None,
        };
        let word = |c: &mut Checker, key: &str, allowed: &[(&str, &'static str)]| match set.one(key)
        {
            Some(p) => c.prop_word(p, allowed).map(Some),
            None => Some(None),
        };
        let assemble_with = word(self, "assemble_with", words::ASSEMBLE_WITH)?;
        let batch_strategy = word(self, "batch_strategy", words::BATCH_STRATEGIES)?;
        let join_source = word(self, "join_source", words::JOIN_SOURCES)?;
        let filter = |c: &mut Checker, key: &str| match set.one(key) {
            Some(p) => {
                let e = c.prop_expr(p, "a JSONPath such as \"$[1:]\"")?.clone();
                c.literal_string(&e).map(Some)
            }
            None => Some(None),
        };
        let input_filter = filter(self, "input_filter")?;
        let output_filter = filter(self, "output_filter")?;
        let max_payload_mb = match set.one("max_payload_mb") {
            Some(p) => match self.prop_int(p)? {
                v @ 0..=100 => Some(v),
                v => {
                    self.err(
                        Code::E043,
                        p.value.span(p.span),
                        format!("`max_payload_mb` is {v}, but must be between 0 and 100"),
                    );
                    return None;
                }
            },
            None => None,
        };
        let max_runtime = match set.one("max_runtime") {
            Some(_) => Some(self.runtime(set, MAX_RUNTIME_TRAINING, DEFAULT_RUNTIME)?),
            None => None,
        };
        if inputs.len() != 1 || outputs.len() != 1 {
            return None;
        }
        Some(StepIr::Transform(Box::new(Transform {
            model,
            model_step,
            instance: instance?,
            input: inputs.swap_remove(0),
            output: outputs.swap_remove(0),
            content_type,
            split_type,
            accept,
            assemble_with,
            max_payload_mb,
            batch_strategy,
            input_filter,
            output_filter,
            join_source,
            max_runtime,
        })))
    }
}
