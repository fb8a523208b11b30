//! The checked pipeline: names resolved, values typed, step properties validated. Lowering
//! reads only this, never the AST.

use crate::diagnostics::Span;
use crate::syntax::ast::{BinOp, StepKind};
use indexmap::IndexMap;
use serde_json::Value as Json;

/// Static types of values and references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    String,
    Int,
    Float,
    Bool,
    S3Uri,
    Arn,
    PropertyFile,
    Json,
    /// A value whose type could not be determined; compatible with everything so one mistake
    /// is reported once.
    Error,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::String => "string",
            Ty::Int => "int",
            Ty::Float => "float",
            Ty::Bool => "bool",
            Ty::S3Uri => "S3 URI",
            Ty::Arn => "ARN",
            Ty::PropertyFile => "property file",
            Ty::Json => "JSON value",
            Ty::Error => "unknown",
        }
    }

    pub fn from_name(s: &str) -> Option<Ty> {
        Some(match s {
            "string" => Ty::String,
            "int" => Ty::Int,
            "float" => Ty::Float,
            "bool" => Ty::Bool,
            // A list of strings (`["us", "eu"]`), for a `foreach` to run over.
            "list" => Ty::Json,
            _ => return None,
        })
    }

    /// The type as a parameter declares it (`list` is a parameter's JSON list).
    pub fn param_name(self) -> &'static str {
        match self {
            Ty::Json => "list",
            other => other.name(),
        }
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    pub fn is_string_like(self) -> bool {
        matches!(self, Ty::String | Ty::S3Uri | Ty::Arn)
    }

    /// A single value that has a text form: strings, numbers, booleans.
    pub fn is_scalar(self) -> bool {
        self.is_string_like() || matches!(self, Ty::Int | Ty::Float | Ty::Bool)
    }
}

/// A value known only at run time, named by what it is. Where it lives in the state data is
/// the lowering's decision (`lower::paths`), made in one place.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    /// A pipeline parameter, after the execution input is merged over the defaults.
    Param(String),
    /// An output of an earlier step.
    Output { step: String, output: String },
    /// A value inside a property file, read from S3 before the condition that uses it.
    File {
        step: String,
        file: String,
        keys: Vec<Key>,
    },
    /// A value inside a step's JSON result (a Lambda payload, a callback's output).
    Json {
        step: String,
        output: String,
        keys: Vec<Key>,
    },
    /// What the execution knows of itself (SageMaker's `ExecutionVariables`).
    Exec(ExecVar),
    /// The current item of a `foreach` (a field of it, for lists of objects).
    Item { foreach: String, keys: Vec<Key> },
}

/// `execution.id`, `execution.arn`, `execution.start_time`, `execution.current_time`,
/// `pipeline.arn` (`pipeline.name` is known when compiling and becomes text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExecVar {
    Id,
    Arn,
    StartTime,
    CurrentTime,
    PipelineArn,
}

impl ExecVar {
    pub const ALL: &'static [(&'static str, ExecVar)] = &[
        ("execution.id", ExecVar::Id),
        ("execution.arn", ExecVar::Arn),
        ("execution.start_time", ExecVar::StartTime),
        ("execution.current_time", ExecVar::CurrentTime),
        ("pipeline.arn", ExecVar::PipelineArn),
    ];

    pub fn name(self) -> &'static str {
        ExecVar::ALL
            .iter()
            .find(|(_, v)| *v == self)
            .map_or("execution", |(n, _)| n)
    }
}

/// One step of a path inside JSON: `.field` or `[index]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Field(String),
    Index(u32),
}

/// The output of a `when` under which its k-th `number(x)` is kept.
pub fn number_output(k: usize) -> String {
    format!("number{k}")
}

/// The output name under which the k-th best model of a tuning step is kept.
pub fn top_model_output(k: u32) -> String {
    format!("top.k{k}")
}

impl Ref {
    pub fn output(step: &str, output: &str) -> Ref {
        Ref::Output {
            step: step.to_string(),
            output: output.to_string(),
        }
    }

    /// The step whose result this reads, if any.
    pub fn step(&self) -> Option<&str> {
        match self {
            Ref::Param(_) | Ref::Exec(_) | Ref::Item { .. } => None,
            Ref::Output { step, .. } | Ref::File { step, .. } | Ref::Json { step, .. } => {
                Some(step)
            }
        }
    }

    /// `{DataDate}`, `{Featurise.train}`: how URI templates in the sidecar and in messages
    /// show the value.
    pub fn placeholder(&self) -> String {
        match self {
            Ref::Param(p) => format!("{{{p}}}"),
            Ref::Exec(v) => format!("{{{}}}", v.name()),
            Ref::Item { foreach, keys } => format!("{{{foreach}.item{}}}", render_keys(keys)),
            Ref::Output { step, output } => format!("{{{step}.{output}}}"),
            Ref::File {
                step,
                file: output,
                keys,
            }
            | Ref::Json { step, output, keys } => {
                format!("{{{step}.{output}{}}}", render_keys(keys))
            }
        }
    }
}

/// `.a.b[0]['odd key']`: keys in JSONPath notation.
pub fn render_keys(keys: &[Key]) -> String {
    let mut out = String::new();
    for k in keys {
        match k {
            Key::Field(f) if is_identifier(f) => {
                out.push('.');
                out.push_str(f);
            }
            Key::Field(f) => out.push_str(&format!("['{f}']")),
            Key::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How later steps read an output.
#[derive(Clone, Debug, PartialEq)]
pub enum Read {
    Whole,
    /// Only these fields of a JSON value (`json(Step.payload, "a.b")`).
    Fields(Vec<Vec<Key>>),
}

/// A value in a request: known now, or read from the state at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Lit(Json),
    Ref(Ref),
    /// An interpolated string.
    Template(Vec<TPart>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TPart {
    Text(String),
    Ref(Ref),
}

impl Val {
    pub fn str(s: impl Into<String>) -> Val {
        Val::Lit(Json::String(s.into()))
    }

    /// The value as literal text, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Lit(Json::String(s)) => Some(s),
            _ => None,
        }
    }

    /// Append literal text (`/evaluation.json` to an S3 prefix).
    pub fn join(&self, suffix: &str) -> Val {
        let mut parts = match self {
            Val::Lit(Json::String(s)) => return Val::str(join_key(s, suffix)),
            Val::Lit(other) => vec![TPart::Text(other.to_string())],
            Val::Ref(r) => vec![TPart::Ref(r.clone())],
            Val::Template(t) => t.clone(),
        };
        let ends_with_slash = matches!(parts.last(), Some(TPart::Text(t)) if t.ends_with('/'));
        let suffix = suffix.trim_start_matches('/');
        let glue = if ends_with_slash { "" } else { "/" };
        parts.push(TPart::Text(format!("{glue}{suffix}")));
        Val::Template(parts)
    }

    /// The run-time references the value is made of.
    pub fn refs(&self) -> Vec<&Ref> {
        match self {
            Val::Lit(_) => vec![],
            Val::Ref(r) => vec![r],
            Val::Template(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    TPart::Ref(r) => Some(r),
                    TPart::Text(_) => None,
                })
                .collect(),
        }
    }

    /// The value as a URI template: `s3://b/{DataDate}/`.
    pub fn template_text(&self) -> String {
        match self {
            Val::Lit(Json::String(s)) => s.clone(),
            Val::Lit(other) => other.to_string(),
            Val::Ref(r) => r.placeholder(),
            Val::Template(parts) => parts
                .iter()
                .map(|p| match p {
                    TPart::Text(t) => t.clone(),
                    TPart::Ref(r) => r.placeholder(),
                })
                .collect(),
        }
    }
}

pub fn join_key(prefix: &str, suffix: &str) -> String {
    format!(
        "{}/{}",
        prefix.trim_end_matches('/'),
        suffix.trim_start_matches('/')
    )
}

#[derive(Clone, Debug)]
pub struct Checked {
    pub name: String,
    pub role: Option<String>,
    pub params: Vec<ParamDef>,
    pub policies: IndexMap<String, Policy>,
    pub steps: Vec<StepDef>,
    /// Which outputs of which steps later steps read, and how: the ResultSelector keeps only
    /// these.
    pub used_outputs: IndexMap<String, IndexMap<String, Read>>,
    /// Tuning steps whose k-th best model a later step reads (`top_model(Tune, k)`), with the
    /// ranks read.
    pub top_models: IndexMap<String, Vec<u32>>,
    pub schedule: Option<ScheduleDef>,
    pub triggers: Vec<TriggerDef>,
    /// The DynamoDB table of step caching, when a step is cached.
    pub cache_table: Option<String>,
}

/// A name in the source and what the checker resolved it to: a parameter (`DataDate`), a step
/// (`Featurise`), a step output (`Featurise.train`) or a retry policy (`retry transient`). The
/// language server's hover and go-to-definition use these, so editor and compiler agree.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub span: Span,
    pub target: String,
}

/// `schedule "cron(...)" { DataDate = yesterday(), Env = "prod" }`.
#[derive(Clone, Debug)]
pub struct ScheduleDef {
    pub expression: String,
    /// Parameters the state machine computes from the execution's start time when the input
    /// lacks them: (name, days before the start date).
    pub computed: Vec<(String, u32)>,
    /// Parameters the schedule passes as literal input.
    pub input: serde_json::Map<String, Json>,
}

/// `trigger s3 "s3://bucket/prefix/" { DataPrefix = object_prefix(), Env = "prod" }`.
#[derive(Clone, Debug)]
pub struct TriggerDef {
    pub bucket: String,
    /// The key prefix (may be empty: every object of the bucket).
    pub prefix: String,
    /// Parameters set from the created object.
    pub object: Vec<(String, ObjectField)>,
    /// Parameters the trigger passes as literal input.
    pub input: serde_json::Map<String, Json>,
}

/// What of the created object a trigger binds to a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectField {
    /// `bucket()`: the bucket's name.
    Bucket,
    /// `object_key()`: the object's key.
    Key,
    /// `object_uri()`: `s3://bucket/key`.
    Uri,
    /// `object_prefix()`: the folder the object is in, `s3://bucket/folder/` (the state machine
    /// cuts the file name off, so a prefix given by hand stays as it is).
    Prefix,
}

impl ObjectField {
    pub const ALL: [(&'static str, ObjectField); 4] = [
        ("bucket", ObjectField::Bucket),
        ("object_key", ObjectField::Key),
        ("object_uri", ObjectField::Uri),
        ("object_prefix", ObjectField::Prefix),
    ];
}

#[derive(Clone, Debug)]
pub struct ParamDef {
    pub name: String,
    pub ty: Ty,
    pub default: Option<Json>,
    /// A `string` parameter used as an S3 location: checked to be `s3://…` before any job
    /// starts.
    pub s3: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryClass {
    ServiceFault,
    Throttling,
    JobInternalError,
    CapacityError,
    ResourceLimit,
}

impl RetryClass {
    pub const ALL: &'static [(&'static str, RetryClass)] = &[
        ("step.service_fault", RetryClass::ServiceFault),
        ("step.throttling", RetryClass::Throttling),
        ("sagemaker.job_internal_error", RetryClass::JobInternalError),
        ("sagemaker.capacity_error", RetryClass::CapacityError),
        ("sagemaker.resource_limit", RetryClass::ResourceLimit),
    ];
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub classes: Vec<RetryClass>,
    pub interval_seconds: u64,
    pub backoff: f64,
    pub max_attempts: Option<u32>,
    pub expire_after_seconds: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct StepDef {
    pub name: String,
    pub span: Span,
    pub kind: StepKind,
    pub retry: Vec<String>,
    /// `cache <duration>`, in seconds.
    pub cache: Option<u64>,
    /// Every step this one uses, for data or by `depends_on`, in order of first use; the
    /// steps nested in a `when` or `parallel` list their own.
    pub uses: Vec<String>,
    pub body: StepIr,
}

#[derive(Clone, Debug)]
pub struct Instance {
    /// A literal `ml.*.*` type or a `string` parameter.
    pub ty: Val,
    /// A literal count or an `int` parameter.
    pub count: Val,
}

/// A named S3 input, output or channel of a job: its location, where the job sees it, and how
/// SageMaker moves the data.
#[derive(Clone, Debug)]
pub struct Io {
    pub name: String,
    /// The S3 location (an output without one gets SageMaker's default location, made here).
    pub value: Val,
    /// `at "/opt/ml/processing/train"` (processing only).
    pub local: Option<String>,
    pub options: IoOptions,
    /// The output had no destination: it is under the pipeline's `default_bucket`.
    pub default_location: bool,
}

/// Data options, in SageMaker's own spellings; `None` leaves SageMaker's default.
#[derive(Clone, Debug, Default)]
pub struct IoOptions {
    /// `ContentType` of a training channel.
    pub content_type: Option<Val>,
    /// `S3DataDistributionType`: FullyReplicated | ShardedByS3Key.
    pub distribution: Option<&'static str>,
    /// `TrainingInputMode` of a channel / `S3InputMode` of a processing input: File | Pipe |
    /// FastFile.
    pub input_mode: Option<&'static str>,
    /// `S3DataType`: S3Prefix | ManifestFile | AugmentedManifestFile.
    pub data_type: Option<&'static str>,
    /// `CompressionType` / `S3CompressionType`: None | Gzip.
    pub compression: Option<&'static str>,
    /// `S3UploadMode` of a processing output: EndOfJob | Continuous.
    pub upload_mode: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    pub value: Val,
}

#[derive(Clone, Debug)]
pub struct PropertyFile {
    pub name: String,
    /// The output the file is written under.
    pub output: String,
    pub bucket: String,
    pub key: Val,
    pub uri: Val,
}

/// What a step does. Each job kind's body is a struct of its own, owned by `src/steps/<kind>.rs`
/// for everything after checking (request, outputs, IAM, lineage).
#[derive(Clone, Debug)]
pub enum StepIr {
    Processing(Processing),
    Training(Training),
    Tuning(Tuning),
    Transform(Box<Transform>),
    CreateModel(CreateModel),
    Register(Register),
    Lambda(Lambda),
    Callback(Callback),
    Emr(Emr),
    RunPipeline(RunPipeline),
    Fail {
        error: Val,
        cause: Option<Val>,
        /// Property files the message reads, before the Fail state.
        reads: Vec<FileRead>,
    },
    When {
        /// Property files read before the Choice, in order.
        reads: Vec<FileRead>,
        /// Values read from JSON that must be there, of their type, or the step fails (as a
        /// SageMaker JsonGet does); a value the condition tests with `exists(...)` is not here.
        checks: Vec<(Ref, CmpTy)>,
        /// `number(x)`: text values read as numbers before the Choice (the k-th is compared as
        /// the `when`'s own output `number<k>`), as SageMaker converts a string compared with
        /// a number.
        numbers: Vec<Ref>,
        cond: Cond,
        then: Vec<StepDef>,
        otherwise: Vec<StepDef>,
    },
    Parallel {
        branches: Vec<Vec<StepDef>>,
    },
    Foreach(Box<Foreach>),
}

/// `foreach Name: Item in <list> { … }`: the steps run once per item.
#[derive(Clone, Debug)]
pub struct Foreach {
    pub source: ForeachSource,
    /// At most this many iterations at once (0: as many as Step Functions allows).
    pub max_concurrency: u64,
    pub tolerate: Option<Tolerance>,
    pub steps: Vec<StepDef>,
}

/// An inline Map runs at most 40 iterations at once (AWS: "Map state ... inline mode ... up to
/// 40 concurrent iterations"); past that, a Distributed Map (up to 10,000 child executions).
pub const INLINE_MAP_LIMIT: u64 = 40;

impl Foreach {
    /// Whether it runs as a Distributed Map (child executions): over an S3 prefix; when failures
    /// are tolerated (a child execution may fail alone); over a list written out with more
    /// than [`INLINE_MAP_LIMIT`] items; or when more iterations than that may run at once.
    pub fn distributed(&self) -> bool {
        let long_list = matches!(&self.source, ForeachSource::List(Val::Lit(Json::Array(items)))
            if items.len() as u64 > INLINE_MAP_LIMIT);
        matches!(self.source, ForeachSource::S3 { .. })
            || self.tolerate.is_some()
            || long_list
            || self.max_concurrency > INLINE_MAP_LIMIT
    }
}

#[derive(Clone, Debug)]
pub enum ForeachSource {
    /// A list in the state data (a step's JSON output) or written in the source.
    List(Val),
    /// Every object under `s3://bucket/prefix`: a Distributed Map, one child execution each.
    S3 { bucket: String, prefix: String },
}

/// How many failed iterations the step survives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Tolerance {
    Count(u64),
    /// Whole percentages: the AWS Toolkit's schema takes no other.
    Percent(u64),
}

#[derive(Clone, Debug)]
pub struct Processing {
    pub image: Val,
    pub instance: Instance,
    pub volume_gb: Val,
    pub max_runtime: Val,
    pub code: Option<Val>,
    pub entrypoint: Vec<String>,
    pub arguments: Vec<Val>,
    pub inputs: Vec<Io>,
    pub outputs: Vec<Io>,
    pub property_files: Vec<PropertyFile>,
    pub environment: Vec<Named>,
}

#[derive(Clone, Debug)]
pub struct Tuning {
    pub training: Training,
    pub objective_type: &'static str,
    pub objective_metric: String,
    pub strategy: &'static str,
    pub max_jobs: i64,
    pub max_parallel: i64,
    pub ranges: Vec<ParamRange>,
    /// `TrainingJobEarlyStoppingType`: Auto or Off.
    pub early_stopping: Option<&'static str>,
    /// `WarmStartConfig`: parent tuning jobs and the kind of warm start.
    pub warm_start: Option<(Vec<Val>, &'static str)>,
}

#[derive(Clone, Debug)]
pub struct Transform {
    /// The model's name: a create_model step's model, a parameter or a literal name.
    pub model: Val,
    /// The create_model step it comes from, when it does (lineage links the two).
    pub model_step: Option<String>,
    pub instance: Instance,
    pub input: Io,
    pub output: Io,
    pub content_type: Option<Val>,
    pub split_type: Option<&'static str>,
    /// `TransformOutput.Accept`, `AssembleWith`; `MaxPayloadInMB`, `BatchStrategy`.
    pub accept: Option<Val>,
    pub assemble_with: Option<&'static str>,
    pub max_payload_mb: Option<i64>,
    pub batch_strategy: Option<&'static str>,
    /// `DataProcessing`: JSONPath filters and the join source.
    pub input_filter: Option<String>,
    pub output_filter: Option<String>,
    pub join_source: Option<&'static str>,
    pub max_runtime: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct CreateModel {
    pub image: Val,
    pub model_data: Val,
    pub environment: Vec<Named>,
}

#[derive(Clone, Debug)]
pub struct Register {
    pub group: Val,
    /// `PendingManualApproval`, `Approved`, `Rejected`, or a `string` parameter holding one.
    pub approval: Val,
    pub image: Val,
    pub model_data: Val,
    pub content_types: Vec<String>,
    pub response_types: Vec<String>,
    /// `ModelMetrics` reports: (path in the request, e.g. `ModelQuality.Statistics`, S3 URI).
    pub reports: Vec<(&'static str, Val)>,
    /// `DriftCheckBaselines`, the same way.
    pub drift_baselines: Vec<(&'static str, Val)>,
    /// `CustomerMetadataProperties`.
    pub metadata: Vec<Named>,
    pub inference_instances: Vec<String>,
    pub transform_instances: Vec<String>,
    pub description: Option<Val>,
}

#[derive(Clone, Debug)]
pub struct Lambda {
    pub function: Val,
    pub payload: Vec<Named>,
    /// Seconds; SageMaker's LambdaStep default (120) when not given.
    pub timeout: u64,
    /// `outputs { name: type }`: fields of the returned payload later steps read by name.
    pub fields: Vec<(String, Ty)>,
}

/// `run_pipeline Train { use "train.sfn"  params { DataDate = DataDate } }`: start another
/// compiled pipeline and wait for it.
#[derive(Clone, Debug)]
pub struct RunPipeline {
    /// The called state machine's name (an ARN is derived from the caller's own: same account
    /// and region), or its ARN.
    pub state_machine: String,
    /// The execution input: the called pipeline's parameters.
    pub params: Vec<Named>,
    /// The called pipeline's source, when `use` names it.
    pub source: Option<String>,
}

/// What a caller needs of a pipeline it runs: its name and parameters (`use "x.sfn"`).
#[derive(Clone, Debug)]
pub struct Callee {
    pub name: String,
    /// (name, type, has a default)
    pub params: Vec<(String, Ty, bool)>,
}

#[derive(Clone, Debug)]
pub struct Callback {
    pub queue: Val,
    pub message: Vec<Named>,
    /// Seconds; SageMaker's CallbackStep gives up after 7 days, and so does the default here.
    pub timeout: u64,
    pub heartbeat: Option<u64>,
    /// `outputs { name: type }`: fields of the result sent with `SendTaskSuccess`.
    pub fields: Vec<(String, Ty)>,
}

/// The cluster an `emr` step runs on.
#[derive(Clone, Debug)]
pub enum EmrCluster {
    /// `cluster ClusterId`: a running cluster.
    Running(Val),
    /// `cluster_config { … }`: a cluster created for the step (a `RunJobFlow` request, as
    /// SageMaker's `EMRStep(cluster_config=…)`), terminated after it, also when it fails.
    Created(Json),
}

#[derive(Clone, Debug)]
pub struct Emr {
    pub cluster: EmrCluster,
    pub jar: String,
    pub args: Vec<Val>,
    pub action_on_failure: &'static str,
}

#[derive(Clone, Debug)]
pub struct Training {
    pub image: Val,
    pub instance: Instance,
    pub volume_gb: Val,
    pub max_runtime: Val,
    pub input_mode: &'static str,
    pub channels: Vec<Io>,
    pub output: Io,
    pub hyperparameters: Vec<(String, Val)>,
    pub environment: Vec<Named>,
}

#[derive(Clone, Debug)]
pub struct ParamRange {
    pub name: String,
    pub kind: RangeKind,
    /// `ScalingType` of a continuous or integer range: Auto, Linear, Logarithmic,
    /// ReverseLogarithmic.
    pub scaling: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub enum RangeKind {
    Continuous(String, String),
    Integer(String, String),
    Categorical(Vec<String>),
}

/// Where the JSON files a `when` reads by S3 location (`json("s3://…", "path")`) are kept:
/// `$.steps.<When>_s3.json<k>`, beside the `when`'s own results (which its `number(...)` and
/// `outcome` states replace).
pub fn json_files_step(when: &str) -> String {
    format!("{when}_s3")
}

/// How messages name a file read before a condition.
pub fn describe_file(step: &str, file: &str) -> String {
    if step.ends_with("_s3") && file.starts_with("json") {
        format!("the JSON file {file} of {}", step.trim_end_matches("_s3"))
    } else {
        format!("property file {step}.{file}")
    }
}

/// A property file read with S3 GetObject before a Choice.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRead {
    pub step: String,
    pub file: String,
    pub bucket: String,
    pub key: Val,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpTy {
    Numeric,
    String,
    Boolean,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Ref(Ref),
    Lit(Json),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Compare {
        op: BinOp,
        ty: CmpTy,
        lhs: Operand,
        rhs: Operand,
        /// A type guard for values read from JSON (`IsNumeric`, `IsString`, `IsBoolean`).
        guards: Vec<(Ref, CmpTy)>,
    },
    Exists(Ref),
    Matches(Ref, String),
}

impl Cond {
    /// Split the type guards of values read from JSON: those the condition itself tests with
    /// `exists(...)` stay in the comparison (false when missing); the others are returned, to be
    /// checked before the condition (missing or mistyped fails the step, as in SageMaker).
    pub fn take_checks(&mut self) -> Vec<(Ref, CmpTy)> {
        let mut tested = Vec::new();
        self.exists_refs(&mut tested);
        let mut out = Vec::new();
        self.strip_guards(&tested, &mut out);
        out
    }

    fn exists_refs(&self, out: &mut Vec<Ref>) {
        match self {
            Cond::And(v) | Cond::Or(v) => v.iter().for_each(|c| c.exists_refs(out)),
            Cond::Not(x) => x.exists_refs(out),
            Cond::Exists(r) => out.push(r.clone()),
            Cond::Compare { .. } | Cond::Matches(..) => {}
        }
    }

    fn strip_guards(&mut self, tested: &[Ref], out: &mut Vec<(Ref, CmpTy)>) {
        match self {
            Cond::And(v) | Cond::Or(v) => v.iter_mut().for_each(|c| c.strip_guards(tested, out)),
            Cond::Not(x) => x.strip_guards(tested, out),
            Cond::Compare { guards, .. } => guards.retain(|g| {
                if tested.contains(&g.0) {
                    return true;
                }
                if !out.contains(g) {
                    out.push(g.clone());
                }
                false
            }),
            Cond::Exists(_) | Cond::Matches(..) => {}
        }
    }

    /// The run-time values the condition reads.
    pub fn refs(&self) -> Vec<&Ref> {
        match self {
            Cond::And(v) | Cond::Or(v) => v.iter().flat_map(Cond::refs).collect(),
            Cond::Not(x) => x.refs(),
            Cond::Exists(r) | Cond::Matches(r, _) => vec![r],
            Cond::Compare { lhs, rhs, .. } => [lhs, rhs]
                .into_iter()
                .filter_map(|o| match o {
                    Operand::Ref(r) => Some(r),
                    Operand::Lit(_) => None,
                })
                .collect(),
        }
    }
}

/// `7200` → `2h`, for messages.
pub fn fmt_duration(seconds: u64) -> String {
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] {
        if seconds % size == 0 && seconds >= size {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}
