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
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    pub fn is_string_like(self) -> bool {
        matches!(self, Ty::String | Ty::S3Uri | Ty::Arn)
    }
}

/// A value in a request: known now, or read from the state at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Lit(Json),
    /// A JSONPath into the state data (`$.params.DataDate`, `$.steps.Featurise.train`).
    Path(String),
    /// An interpolated string.
    Template(Vec<TPart>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TPart {
    Text(String),
    Path(String),
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
            Val::Path(p) => vec![TPart::Path(p.clone())],
            Val::Template(t) => t.clone(),
        };
        let ends_with_slash = matches!(parts.last(), Some(TPart::Text(t)) if t.ends_with('/'));
        let suffix = suffix.trim_start_matches('/');
        let glue = if ends_with_slash { "" } else { "/" };
        parts.push(TPart::Text(format!("{glue}{suffix}")));
        Val::Template(parts)
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
    /// Which outputs of which steps later steps read: the ResultSelector keeps only these.
    pub used_outputs: IndexMap<String, Vec<String>>,
    pub schedule: Option<ScheduleDef>,
    /// The DynamoDB table of step caching, when a step is cached.
    pub cache_table: Option<String>,
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

#[derive(Clone, Debug)]
pub struct ParamDef {
    pub name: String,
    pub ty: Ty,
    pub default: Option<Json>,
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
    pub body: StepIr,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub ty: String,
    pub count: i64,
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

#[derive(Clone, Debug)]
pub enum StepIr {
    Processing {
        image: Val,
        instance: Instance,
        volume_gb: i64,
        max_runtime: u64,
        code: Option<Val>,
        entrypoint: Vec<String>,
        arguments: Vec<Val>,
        inputs: Vec<Named>,
        outputs: Vec<Named>,
        property_files: Vec<PropertyFile>,
        environment: Vec<Named>,
    },
    Training(Training),
    Tuning {
        training: Training,
        objective_type: &'static str,
        objective_metric: String,
        strategy: &'static str,
        max_jobs: i64,
        max_parallel: i64,
        ranges: Vec<ParamRange>,
    },
    Transform {
        model: String,
        instance: Instance,
        input: Named,
        output: Named,
        content_type: Option<String>,
        split_type: Option<&'static str>,
        max_runtime: Option<u64>,
    },
    CreateModel {
        image: Val,
        model_data: Val,
    },
    Register {
        group: Val,
        approval: &'static str,
        image: Val,
        model_data: Val,
        content_types: Vec<String>,
        response_types: Vec<String>,
        metrics: Option<Val>,
        description: Option<Val>,
    },
    Lambda {
        function: Val,
        payload: Vec<Named>,
        timeout: Option<u64>,
    },
    Callback {
        queue: Val,
        message: Vec<Named>,
        timeout: Option<u64>,
        heartbeat: Option<u64>,
    },
    Emr {
        cluster: Val,
        jar: String,
        args: Vec<Val>,
        action_on_failure: &'static str,
    },
    Fail {
        error: String,
        cause: Option<String>,
    },
    When {
        /// Property files read before the Choice, in order.
        reads: Vec<FileRead>,
        cond: Cond,
        then: Vec<StepDef>,
        otherwise: Vec<StepDef>,
    },
    Parallel {
        branches: Vec<Vec<StepDef>>,
    },
}

#[derive(Clone, Debug)]
pub struct Training {
    pub image: Val,
    pub instance: Instance,
    pub volume_gb: i64,
    pub max_runtime: u64,
    pub input_mode: &'static str,
    pub channels: Vec<Named>,
    pub output: Named,
    pub hyperparameters: Vec<(String, Val)>,
    pub environment: Vec<Named>,
}

#[derive(Clone, Debug)]
pub struct ParamRange {
    pub name: String,
    pub kind: RangeKind,
}

#[derive(Clone, Debug)]
pub enum RangeKind {
    Continuous(String, String),
    Integer(String, String),
    Categorical(Vec<String>),
}

/// A property file read with S3 GetObject before a Choice.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRead {
    pub step: String,
    pub file: String,
    pub bucket: String,
    pub key: Val,
    /// Where the parsed JSON is kept in the state data.
    pub path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpTy {
    Numeric,
    String,
    Boolean,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Path(String),
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
        guards: Vec<(String, CmpTy)>,
    },
    Exists(String),
    Matches(String, String),
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
