//! Building the checked form of each step from its properties: the dispatch by kind, what all
//! steps share (retry, cache), and the non-job kinds. SageMaker job kinds are in `jobs.rs`.

use super::props::{self, PropSet};
use super::words;
use super::{
    Callback, Checker, Cond, CreateModel, Emr, EmrCluster, Enclosing, Lambda, Named, Register,
    StepDef, StepIr, Ty, Val,
};
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::lower::paths;
use crate::syntax::ast::{self, ExprKind, PropValue, StepBody, StepKind};
use indexmap::IndexMap;
use serde_json::Value as Json;
use std::collections::HashSet;

/// The outputs a step declares or always has, with the span that declares each.
pub fn declared_outputs(s: &ast::Step) -> IndexMap<String, (Ty, Span)> {
    let mut out = IndexMap::new();
    if s.kind == StepKind::Foreach {
        // The list of each iteration's step results.
        out.insert("results".to_string(), (Ty::Json, s.name.span));
    }
    if s.kind == StepKind::When {
        // Whether the condition held (SageMaker's `Steps.<Condition>.Outcome`).
        out.insert("outcome".to_string(), (Ty::Bool, s.name.span));
    }
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
        StepKind::RunPipeline => &[("output", Ty::Json), ("execution_arn", Ty::Arn)],
        _ => &[],
    };
    for (n, t) in builtins {
        out.entry((*n).to_string()).or_insert((*t, at));
    }
    // `outputs { model_uri: s3 }`: fields of a Lambda's or a callback's result, typed.
    if matches!(s.kind, StepKind::Lambda | StepKind::Callback) {
        for (name, ty, span) in result_fields(props) {
            out.entry(name).or_insert((ty, span));
        }
    }
    out
}

/// The types a result field may be declared with.
const FIELD_TYPES: &[(&str, Ty)] = &[
    ("s3", Ty::S3Uri),
    ("string", Ty::String),
    ("int", Ty::Int),
    ("float", Ty::Float),
    ("bool", Ty::Bool),
    // Any JSON: a list a `foreach` runs over, an object passed on as it is.
    ("json", Ty::Json),
];

/// `outputs { name: type, … }`, the fields whose type is known (others are reported by the
/// checker).
pub fn result_fields(props: &[ast::Prop]) -> Vec<(String, Ty, Span)> {
    let mut out = Vec::new();
    for p in props.iter().filter(|p| p.key.name == "outputs") {
        let PropValue::Map(bindings) = &p.value else {
            continue;
        };
        for b in bindings {
            let ty = match &b.value.kind {
                ExprKind::Ref(parts) if parts.len() == 1 => FIELD_TYPES
                    .iter()
                    .find(|(n, _)| *n == parts[0].name)
                    .map(|(_, t)| *t),
                _ => None,
            };
            if let Some(ty) = ty {
                out.push((b.key.name.clone(), ty, b.key.span));
            }
        }
    }
    out
}

/// `reports { … }` keys → `ModelMetrics` request paths.
pub(crate) const MODEL_METRICS: &[(&str, &str)] = &[
    ("model_quality_statistics", "ModelQuality.Statistics"),
    ("model_quality_constraints", "ModelQuality.Constraints"),
    (
        "model_data_quality_statistics",
        "ModelDataQuality.Statistics",
    ),
    (
        "model_data_quality_constraints",
        "ModelDataQuality.Constraints",
    ),
    ("bias_report", "Bias.Report"),
    ("bias_pre_training_report", "Bias.PreTrainingReport"),
    ("bias_post_training_report", "Bias.PostTrainingReport"),
    ("explainability_report", "Explainability.Report"),
];

/// `drift_baselines { … }` keys → `DriftCheckBaselines` request paths.
pub(crate) const DRIFT_BASELINES: &[(&str, &str)] = &[
    ("model_quality_statistics", "ModelQuality.Statistics"),
    ("model_quality_constraints", "ModelQuality.Constraints"),
    (
        "model_data_quality_statistics",
        "ModelDataQuality.Statistics",
    ),
    (
        "model_data_quality_constraints",
        "ModelDataQuality.Constraints",
    ),
    ("bias_config_file", "Bias.ConfigFile"),
    (
        "bias_pre_training_constraints",
        "Bias.PreTrainingConstraints",
    ),
    (
        "bias_post_training_constraints",
        "Bias.PostTrainingConstraints",
    ),
    ("explainability_constraints", "Explainability.Constraints"),
    ("explainability_config_file", "Explainability.ConfigFile"),
];

/// What is wrong with an EMR cluster configuration, if anything. The step names the cluster,
/// keeps it alive for its step and terminates it, so the fields that decide those are refused,
/// as SageMaker's SDK refuses them; and a cluster needs instances.
pub(crate) fn emr_config_problem(config: &Json) -> Option<String> {
    const OWNED: &[&str] = &["Name", "Steps", "AutoTerminationPolicy"];
    const OWNED_INSTANCES: &[&str] = &["KeepJobFlowAliveWhenNoSteps", "TerminationProtected"];
    if let Some(k) = OWNED.iter().find(|k| config.get(**k).is_some()) {
        return Some(format!("sets `{k}`, which the emr step sets itself"));
    }
    let instances = config.get("Instances").and_then(Json::as_object);
    if let Some(k) = instances.and_then(|i| OWNED_INSTANCES.iter().find(|k| i.contains_key(**k))) {
        return Some(format!(
            "sets `Instances.{k}`, which the emr step sets itself (the cluster is kept for its step, then terminated)"
        ));
    }
    let groups = instances
        .is_some_and(|i| i.contains_key("InstanceGroups") || i.contains_key("InstanceFleets"));
    (!groups)
        .then(|| "needs `Instances = { InstanceGroups = [...] }` (or `InstanceFleets`)".to_string())
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
        // Transform jobs run under their model's role; the others pass the pipeline's.
        if s.kind.starts_job() && s.kind != StepKind::Transform {
            self.needs_role = true;
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
                    StepKind::RunPipeline => &[props::RUN_PIPELINE],
                    StepKind::Fail => &[props::FAIL],
                    StepKind::When | StepKind::Parallel | StepKind::Foreach => &[],
                };
                let mut tables = tables.to_vec();
                tables.push(props::EVERY_STEP);
                let set = PropSet::new(self, &what, ps, &tables);
                let retry = self.retry_refs(&set);
                let cache = set.one("cache").and_then(|c| self.cache(c));
                // Resolving the names records them as uses: the DAG's order-only edges.
                if let Some(p) = set.one("depends_on") {
                    self.depends_on(p);
                }
                let body = match s.kind {
                    StepKind::Processing => self.processing(name, &set, at),
                    StepKind::Training => {
                        self.training(name, &set, at, &what).map(StepIr::Training)
                    }
                    StepKind::Tuning => self.tuning(name, &set, at),
                    StepKind::Transform => self.transform(name, &set, at),
                    StepKind::CreateModel => self.create_model(&set, at),
                    StepKind::Register => self.register(&set, at),
                    StepKind::Lambda => self.lambda(&set, at),
                    StepKind::Callback => self.callback(&set, at),
                    StepKind::Emr => self.emr(&set, at),
                    StepKind::RunPipeline => self.run_pipeline(&set, at),
                    StepKind::Fail => self.fail_step(&set, at),
                    StepKind::When | StepKind::Parallel | StepKind::Foreach => None,
                };
                (body, retry, cache)
            }
            StepBody::When(w) => (self.when(s, w, enclosing), Vec::new(), None),
            StepBody::Parallel(branches) => {
                (self.parallel(s, branches, enclosing), Vec::new(), None)
            }
            StepBody::Foreach(f) => (self.foreach(s, f, enclosing), Vec::new(), None),
        };
        let def = StepDef {
            name: name.clone(),
            span: at,
            kind: s.kind,
            retry,
            cache,
            uses: self.uses.remove(name).unwrap_or_default(),
            body: body?,
        };
        self.derived_names(&def);
        Some(def)
    }

    /// The states aslc derives from a step (`<Step>.Lineage`, `<Step>.RetryWait.<policy>`,
    /// `<When>.Read.<Step>.<file>`, …) must fit in 80 characters too. (The driver applies the
    /// rule to every name the lowering made, `<Step>.Lineage.Done` at a branch's end
    /// included.)
    fn derived_names(&mut self, def: &StepDef) {
        let name = &def.name;
        let mut derived: Vec<String> = Vec::new();
        if def.kind.starts_job() || def.kind == StepKind::Register {
            derived.push(paths::lineage_start(name));
        }
        if def.cache.is_some() {
            derived.push(paths::cache_state(name, "Restore"));
        }
        for p in def.retry.iter().filter_map(|p| self.policies.get(p)) {
            if p.policy.classes.iter().any(|c| {
                matches!(
                    c,
                    super::RetryClass::CapacityError | super::RetryClass::JobInternalError
                )
            }) {
                derived.push(paths::retry_wait_state(name, &p.policy.name));
            }
        }
        if def.kind == StepKind::Parallel {
            derived.push(paths::join_state(name));
        }
        if def.kind == StepKind::Foreach {
            derived.push(paths::foreach_state(name, "Result"));
            derived.push(paths::foreach_state(name, "Setup"));
        }
        if let StepIr::When { reads, .. } | StepIr::Fail { reads, .. } = &def.body {
            derived.extend(
                reads
                    .iter()
                    .map(|r| paths::read_state(name, &r.step, &r.file)),
            );
        }
        if let Some(d) = derived_name_too_long(def.span, &derived) {
            self.diags.push(d);
        }
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
                    self.resolved(n.span, &format!("retry {}", n.name));
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

    /// A map whose values SageMaker takes as strings (`environment`): numbers, booleans and
    /// parameters of any scalar type are written as text.
    pub(super) fn map_strings(&mut self, set: &PropSet, key: &str) -> Vec<Named> {
        self.map_with(set, key, |c, e| match &e.kind {
            ExprKind::Int(i) => Some(Val::str(i.to_string())),
            ExprKind::Float(f) => Some(Val::str(serde_json::Value::from(*f).to_string())),
            ExprKind::Bool(b) => Some(Val::str(b.to_string())),
            _ => c.string_val(e),
        })
    }

    pub(super) fn map_vals(&mut self, set: &PropSet, key: &str) -> Vec<Named> {
        self.map_with(set, key, |c, e| c.any_val(e))
    }

    fn map_with(
        &mut self,
        set: &PropSet,
        key: &str,
        read: impl Fn(&mut Self, &ast::Expr) -> Option<Val>,
    ) -> Vec<Named> {
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
            if let Some(value) = read(self, &b.value) {
                out.push(Named {
                    name: b.key.name.clone(),
                    value,
                });
            }
        }
        out
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
        let (model_data, source_image) = self.model_data(set, at, what)?;
        let image = match set.one("image") {
            Some(p) => self.prop_string(p),
            None => {
                if source_image.is_none() {
                    self.err(
                        Code::E031,
                        at,
                        "create_model step needs `image` when its model is `model_data`",
                    )
                    .set_label("`image` missing");
                }
                source_image
            }
        };
        let environment = self.map_strings(set, "environment");
        Some(StepIr::CreateModel(CreateModel {
            image: image?,
            model_data,
            environment,
        }))
    }

    fn register(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let what = "register step";
        let group = set
            .required(self, "model_package_group", what, at)
            .and_then(|p| self.prop_string(p));
        let (model_data, source_image) = self.model_data(set, at, what)?;
        let approval = match set.one("approval") {
            Some(p) => self.approval(p)?,
            None => Val::str("PendingManualApproval"),
        };
        let mut reports = Vec::new();
        if let Some(p) = set.one("metrics") {
            reports.push(("ModelQuality.Statistics", self.metrics_ref(p)?));
        }
        reports.extend(self.reports(set, "reports", MODEL_METRICS));
        let drift_baselines = self.reports(set, "drift_baselines", DRIFT_BASELINES);
        let image = match set.one("image") {
            Some(p) => self.prop_string(p),
            None => {
                if source_image.is_none() {
                    self.err(
                        Code::E031,
                        at,
                        "register step needs `image` when its model is `model_data`",
                    )
                    .set_label("`image` missing")
                    .set_help("a model from a training step takes that step's image; name one with `image \"...\"`");
                }
                source_image
            }
        };
        let strings = |c: &mut Checker, key: &str, default: &[&str]| match set.one(key) {
            Some(p) => c.prop_strings(p),
            None => Some(default.iter().map(|s| s.to_string()).collect()),
        };
        let content_types = strings(self, "content_types", &["text/csv"])?;
        let response_types = strings(self, "response_types", &["text/csv"])?;
        let inference_instances = strings(self, "inference_instances", &[])?;
        let transform_instances = strings(self, "transform_instances", &[])?;
        let description = match set.one("description") {
            Some(p) => Some(self.prop_string(p)?),
            None => None,
        };
        let metadata = self.map_strings(set, "metadata");
        Some(StepIr::Register(Register {
            group: group?,
            approval,
            image: image?,
            model_data,
            content_types,
            response_types,
            reports,
            drift_baselines,
            metadata,
            inference_instances,
            transform_instances,
            description,
        }))
    }

    /// `depends_on [A, B]`: order without data (SageMaker's `DependsOn`). The steps named must
    /// have run before this one, as a data reference would require.
    fn depends_on(&mut self, p: &ast::Prop) {
        let Some(e) = self.prop_expr(p, "a list of steps").cloned() else {
            return;
        };
        let ExprKind::List(items) = &e.kind else {
            self.err(
                Code::E033,
                e.span,
                "expected a list of steps: `depends_on [Prepare, Train]`",
            );
            return;
        };
        let all: Vec<StepKind> = StepKind::ALL.iter().map(|(_, k)| *k).collect();
        for item in items {
            let current = self.current.as_ref().map(|c| c.0.as_str());
            if let ExprKind::Ref(parts) = &item.kind {
                if parts.len() == 1 && Some(parts[0].name.as_str()) == current {
                    self.err(Code::E014, item.span, "a step cannot depend on itself");
                    continue;
                }
            }
            self.step_ref(item, &all, "a step");
        }
    }

    /// `model TrainXGB` (its artifacts and image) or `model_data "s3://…/model.tar.gz"`.
    fn model_data(&mut self, set: &PropSet, at: Span, what: &str) -> Option<(Val, Option<Val>)> {
        match (set.one("model"), set.one("model_data")) {
            (Some(_), Some(p)) => {
                self.err(
                    Code::E032,
                    p.key.span,
                    "give `model` or `model_data`, not both",
                );
                None
            }
            (None, Some(p)) => {
                let e = self.prop_expr(p, "an S3 location")?.clone();
                Some((self.s3_val(&e)?, None))
            }
            _ => {
                let (_, data, image) = self.model_source(set, at, what)?;
                Some((data, image))
            }
        }
    }

    /// `approval pending_manual | approved | rejected`, or a `string` parameter
    /// (`approval ModelApprovalStatus`).
    fn approval(&mut self, p: &ast::Prop) -> Option<Val> {
        const WORDS: words::Words = words::APPROVALS;
        if let PropValue::Expr(e) = &p.value {
            if let ExprKind::Ref(parts) = &e.kind {
                let is_word = parts.len() == 1 && WORDS.iter().any(|(w, _)| *w == parts[0].name);
                if !is_word && self.params.contains_key(&parts[0].name) {
                    return self.string_val(e);
                }
            }
        }
        self.prop_word(p, WORDS).map(Val::str)
    }

    /// `reports { bias_report = "s3://…", … }`: S3 locations by report kind.
    fn reports(
        &mut self,
        set: &PropSet,
        key: &str,
        kinds: &'static [(&'static str, &'static str)],
    ) -> Vec<(&'static str, Val)> {
        let Some(p) = set.one(key) else {
            return Vec::new();
        };
        let PropValue::Map(bindings) = &p.value else {
            return Vec::new();
        };
        let mut out: Vec<(&'static str, Val)> = Vec::new();
        for b in bindings {
            let Some((_, path)) = kinds.iter().find(|(k, _)| *k == b.key.name) else {
                let names: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
                let guess = crate::diagnostics::did_you_mean(&b.key.name, names.iter().copied());
                let help = match guess {
                    Some(g) => format!("did you mean `{g}`?"),
                    None => format!("reports: {}", names.join(", ")),
                };
                self.err(
                    Code::E030,
                    b.key.span,
                    format!("`{key}` has no report `{}`", b.key.name),
                )
                .set_help(help);
                continue;
            };
            if out.iter().any(|(p, _)| p == path) {
                self.err(
                    Code::E032,
                    b.key.span,
                    format!("`{}` is set twice", b.key.name),
                );
                continue;
            }
            if let Some(v) = self.report_location(&b.value) {
                out.push((*path, v));
            }
        }
        out
    }

    /// A report is an S3 location, or a property file (its location).
    fn report_location(&mut self, e: &ast::Expr) -> Option<Val> {
        if let ExprKind::Ref(parts) = &e.kind {
            let key = parts
                .get(1)
                .map(|f| (parts[0].name.clone(), f.name.clone()));
            if let Some(f) = key.and_then(|k| self.files.get(&k).cloned()) {
                self.resolve(e)?;
                return Some(f.uri);
            }
        }
        self.s3_val(e)
    }

    /// `metrics Evaluate.metrics`: the S3 URI of a property file, or any S3 location.
    fn metrics_ref(&mut self, p: &ast::Prop) -> Option<Val> {
        let e = self.prop_expr(p, "a property file")?.clone();
        if !matches!(e.kind, ExprKind::Ref(ref parts) if parts.len() == 2) {
            return self.s3_val(&e);
        }
        let (_, ty, _) = self.resolve(&e)?;
        if matches!(ty, Ty::S3Uri | Ty::String) {
            return self.s3_val(&e);
        }
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
        let fields = self.result_fields(set, "payload");
        // SageMaker's LambdaStep: 120 s by default; Lambda itself stops at 15 minutes.
        let timeout = self.bounded_duration(set, "timeout", 120, 900)?;
        Some(StepIr::Lambda(Lambda {
            function: function?,
            payload,
            timeout,
            fields,
        }))
    }

    /// A duration property with a default and a largest value (E043 past it).
    pub(super) fn bounded_duration(
        &mut self,
        set: &PropSet,
        key: &str,
        default: u64,
        max: u64,
    ) -> Option<u64> {
        let Some(p) = set.one(key) else {
            return Some(default);
        };
        let d = self.prop_duration(p)?;
        if d == 0 || d > max {
            self.err(
                Code::E043,
                p.value.span(p.span),
                format!(
                    "`{key}` must be between 1s and {}",
                    super::fmt_duration(max)
                ),
            );
            return None;
        }
        Some(d)
    }

    /// `outputs { model_uri: s3, rows: int }`: the result's fields, typed; `builtin` (the whole
    /// result's own name) cannot be one of them.
    fn result_fields(&mut self, set: &PropSet, builtin: &str) -> Vec<(String, Ty)> {
        let Some(p) = set.one("outputs") else {
            return Vec::new();
        };
        let PropValue::Map(bindings) = &p.value else {
            return Vec::new();
        };
        let known = result_fields(std::slice::from_ref(p));
        let mut out: Vec<(String, Ty)> = Vec::new();
        for b in bindings {
            if b.key.name == builtin {
                self.err(
                    Code::E039,
                    b.key.span,
                    format!("`{builtin}` is the whole result; name the field otherwise"),
                );
                continue;
            }
            if out.iter().any(|(n, _)| *n == b.key.name) {
                self.err(
                    Code::E032,
                    b.key.span,
                    format!("`{}` is declared twice", b.key.name),
                );
                continue;
            }
            match known
                .iter()
                .find(|(n, _, s)| *n == b.key.name && *s == b.key.span)
            {
                Some((n, ty, _)) => out.push((n.clone(), *ty)),
                None => {
                    let names: Vec<&str> = FIELD_TYPES.iter().map(|(n, _)| *n).collect();
                    self.err(Code::E034, b.value.span, "unknown type of a result field")
                        .set_help(format!("write one of: {}", names.join(", ")));
                }
            }
        }
        out
    }

    fn callback(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let queue = set
            .required(self, "queue", "callback step", at)
            .and_then(|p| self.prop_string(p));
        let message = self.map_vals(set, "message");
        let fields = self.result_fields(set, "output");
        // SageMaker's CallbackStep gives up after 7 days: the default says so. A task token
        // lives at most a year in Step Functions.
        let timeout = self.bounded_duration(set, "timeout", 7 * 86_400, 365 * 86_400)?;
        let heartbeat = match set.one("heartbeat") {
            Some(p) => Some(self.prop_duration(p)?),
            None => None,
        };
        if let (t, Some(h), Some(p)) = (timeout, heartbeat, set.one("heartbeat")) {
            if h >= t {
                self.err(
                    Code::E043,
                    p.value.span(p.span),
                    "`heartbeat` must be shorter than `timeout`",
                );
                return None;
            }
        }
        Some(StepIr::Callback(Callback {
            queue: queue?,
            message,
            fields,
            timeout,
            heartbeat,
        }))
    }

    fn emr(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let cluster = match (set.one("cluster"), set.one("cluster_config")) {
            (Some(p), None) => self.prop_string(p).map(EmrCluster::Running),
            (None, Some(p)) => self.cluster_config(p).map(EmrCluster::Created),
            (Some(_), Some(p)) => {
                self.err(
                    Code::E032,
                    p.key.span,
                    "an emr step runs on a `cluster` or creates one with `cluster_config`, not both",
                );
                None
            }
            (None, None) => {
                self.err(
                    Code::E031,
                    at,
                    "emr step needs `cluster` (a running cluster's id) or `cluster_config { … }`",
                );
                None
            }
        };
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
            Some(p) => self.prop_word(p, words::EMR_ACTIONS_ON_FAILURE)?,
            None => "CONTINUE",
        };
        Some(StepIr::Emr(Emr {
            cluster: cluster?,
            jar,
            args,
            action_on_failure,
        }))
    }

    /// `cluster_config { ReleaseLabel = "emr-6.6.0", Instances = { … }, … }`: a `RunJobFlow`
    /// request of literal values. The step names the cluster, keeps it alive for its step and
    /// terminates it, so the fields that decide those are refused, as SageMaker's SDK refuses
    /// them.
    fn cluster_config(&mut self, p: &ast::Prop) -> Option<Json> {
        let PropValue::Map(bindings) = &p.value else {
            return None;
        };
        let mut config = serde_json::Map::new();
        for b in bindings {
            let v = self.literal_json(&b.value)?;
            config.insert(b.key.name.clone(), v);
        }
        let config = Json::Object(config);
        if let Some(problem) = emr_config_problem(&config) {
            let code = if problem.starts_with("needs") {
                Code::E031
            } else {
                Code::E046
            };
            self.err(code, p.key.span, format!("`cluster_config` {problem}"));
            return None;
        }
        Some(config)
    }

    /// A value written out in full: text without interpolation, numbers, booleans, lists and
    /// `{ … }` objects.
    fn literal_json(&mut self, e: &ast::Expr) -> Option<Json> {
        Some(match &e.kind {
            ExprKind::Str(s) => match s.as_plain() {
                Some(t) => Json::String(t),
                None => {
                    self.err(
                        Code::E018,
                        e.span,
                        "a cluster configuration holds literal text",
                    );
                    return None;
                }
            },
            ExprKind::Int(n) => Json::from(*n),
            ExprKind::Float(x) => serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number),
            ExprKind::Bool(b) => Json::Bool(*b),
            ExprKind::List(items) => Json::Array(
                items
                    .iter()
                    .map(|x| self.literal_json(x))
                    .collect::<Option<Vec<_>>>()?,
            ),
            ExprKind::Map(bindings) => {
                let mut m = serde_json::Map::new();
                for b in bindings {
                    let v = self.literal_json(&b.value)?;
                    m.insert(b.key.name.clone(), v);
                }
                Json::Object(m)
            }
            _ => {
                self.wrong(e.span, "a literal value", super::literal_kind(e));
                return None;
            }
        })
    }

    /// `fail Stop { error "TooHigh"  cause "MSE {json(...)} is above {MseThreshold}" }`: the
    /// message may interpolate parameters, step outputs and values read from property files.
    fn fail_step(&mut self, set: &PropSet, at: Span) -> Option<StepIr> {
        let mut reads = Vec::new();
        let error = set
            .required(self, "error", "fail step", at)
            .and_then(|p| self.prop_expr(p, "a string").cloned())
            .and_then(|e| self.message(&e, &mut reads));
        let cause = match set.one("cause") {
            Some(p) => Some(
                self.prop_expr(p, "a string")
                    .cloned()
                    .and_then(|e| self.message(&e, &mut reads))?,
            ),
            None => None,
        };
        Some(StepIr::Fail {
            error: error?,
            cause,
            reads,
        })
    }

    /// Text for a message: a string (interpolations allowed), `str(...)`, `join(...)`.
    fn message(&mut self, e: &ast::Expr, reads: &mut Vec<super::FileRead>) -> Option<Val> {
        match &e.kind {
            ExprKind::Call { name, args } if matches!(name.name.as_str(), "str" | "join") => {
                self.text_call(name, args, e.span, Some(reads))
            }
            _ => self.string_val(e),
        }
    }

    fn when(&mut self, s: &ast::Step, w: &ast::When, enclosing: &[Enclosing]) -> Option<StepIr> {
        let mut reads = Vec::new();
        self.numbers.clear();
        let mut cond = self.condition(&w.cond, &mut reads);
        let numbers = std::mem::take(&mut self.numbers);
        let mut checks = cond.as_mut().map(Cond::take_checks).unwrap_or_default();
        // Text read from JSON for `number(...)` must be there, and text.
        for r in &numbers {
            let check = (r.clone(), super::CmpTy::String);
            if matches!(r, super::Ref::File { .. } | super::Ref::Json { .. })
                && !checks.contains(&check)
            {
                checks.push(check);
            }
        }
        let before = self.ran.clone();
        let mut inner = Enclosing::around(enclosing, s, false, 0);
        let then_steps: Vec<&ast::Step> = w.then.steps.iter().collect();
        let then = self.block(&then_steps, &inner);
        let after_then = std::mem::replace(&mut self.ran, before);
        inner.last_mut().expect("pushed above").branch = 1;
        let else_steps: Vec<&ast::Step> = w.otherwise.iter().flat_map(|b| b.steps.iter()).collect();
        let otherwise = self.block(&else_steps, &inner);
        self.ran.retain(|n| after_then.contains(n));
        Some(StepIr::When {
            reads,
            checks,
            numbers,
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
            let inner = Enclosing::around(enclosing, s, true, n);
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

/// E028 for the longest of the state names derived from a step, when it is over 80 characters.
/// The checker foresees the usual ones; the driver applies it to every name the lowering made.
pub fn derived_name_too_long(step: Span, names: &[String]) -> Option<Diagnostic> {
    let longest = names
        .iter()
        .max_by_key(|n| n.chars().count())
        .filter(|n| n.chars().count() > 80)?;
    Some(
        Diagnostic::new(
            Code::E028,
            step,
            format!(
                "the state `{longest}` that aslc derives from this step would be {} characters long; state names are at most 80",
                longest.chars().count()
            ),
        )
        .with_help("shorten the step name (or the retry policy or property file it names)"),
    )
}
