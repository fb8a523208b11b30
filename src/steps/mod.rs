//! One module per step kind that runs a Task: its request, the outputs it selects from the
//! result, the IAM grants it needs and the lineage it records. The lowering (`src/lower/`) wraps
//! these in retries, caching and lineage states and records them in its `Plan`, which the
//! sidecar, the IAM policy and the language server read.
//!
//! Adding a step kind: a struct in `check/model.rs` (and its checks in `check/`), a module here
//! implementing [`Kind`], and one arm in [`kind`]. Every other consumer goes through the trait.

mod callback;
mod create_model;
pub(crate) mod emr;
pub(crate) mod lambda;
mod processing;
mod register;
mod run_pipeline;
mod training;
mod transform;
mod tuning;

use crate::asl::model::Payload;
use crate::check::{Instance, Named, StepIr, Val};
use crate::lower::retry::Integration;
use crate::lower::values::{arg, put};
use serde_json::{json, Value as Json};

/// The job-name prefix of a step: `<prefix>-<uuid>` must be a SageMaker name (letters, digits,
/// hyphens; at most 63 characters), so the prefix has at most 26. It is the step name in lower
/// case with `_` written `-`; a longer name keeps its first characters and a hash of the whole
/// name, so two long names that start alike still get distinct prefixes. Requests, IAM
/// resources and the sidecar all take it from here.
pub fn job_prefix(step: &str) -> String {
    prefix_of(step, 26)
}

/// A prefix of at most `max` characters (tuning jobs allow fewer).
pub(crate) fn prefix_of(step: &str, max: usize) -> String {
    let slug: String = step.to_ascii_lowercase().replace('_', "-");
    let slug = slug.trim_matches('-');
    if !slug.is_empty() && slug.len() <= max {
        return slug.to_string();
    }
    // FNV-1a of the whole name: stable across compiles and platforms.
    let hash = step.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let head: String = slug.chars().take(max - 5).collect();
    let head = head.trim_end_matches('-');
    let head = if head.is_empty() { "step" } else { head };
    format!("{head}-{:04x}", hash & 0xffff)
}

/// What every step kind that runs a Task provides.
pub trait Kind {
    /// The SageMaker job it runs, when it runs one (job-level retries and caching apply).
    fn job(&self) -> Option<Job> {
        None
    }
    /// The prefix of the names of the jobs (or models) it creates.
    fn name_prefix(&self, step: &str) -> Option<String> {
        self.job().map(|_| job_prefix(step))
    }
    fn request(&self, step: &str, cx: &Cx) -> Request;
    /// The IAM permissions the request needs, beyond those of the `.sync` machinery.
    fn grants(&self, step: &str, cx: &Cx) -> Vec<Grant>;
    /// What it reads and writes, for lineage (the sidecar and the recording states alike).
    fn lineage(&self, step: &str) -> Lineage;
    /// Every value the request is made of (for the parameters it depends on).
    fn values(&self) -> Vec<&Val>;
    /// The parameters its request uses, in order of first use.
    fn params(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in self.values() {
            for r in v.refs() {
                if let crate::check::Ref::Param(p) = r {
                    if !out.contains(p) {
                        out.push(p.clone());
                    }
                }
            }
        }
        out
    }
    /// Facts worth keeping with the step's node in the sidecar.
    fn attributes(&self) -> serde_json::Map<String, Json> {
        serde_json::Map::new()
    }
}

/// The kind behind a step body; `None` for control flow (`fail`, `when`, `parallel`).
pub fn kind(body: &StepIr) -> Option<&dyn Kind> {
    Some(match body {
        StepIr::Processing(x) => x,
        StepIr::Training(x) => x,
        StepIr::Tuning(x) => x,
        StepIr::Transform(x) => &**x,
        StepIr::CreateModel(x) => x,
        StepIr::Register(x) => x,
        StepIr::Lambda(x) => x,
        StepIr::Callback(x) => x,
        StepIr::Emr(x) => x,
        StepIr::RunPipeline(x) => x,
        StepIr::Fail { .. }
        | StepIr::When { .. }
        | StepIr::Parallel { .. }
        | StepIr::Foreach(_) => return None,
    })
}

/// What the whole compile knows that a request needs.
pub struct Cx<'a> {
    /// The role passed to SageMaker.
    pub role: &'a str,
    /// The account of the role, or `*`: IAM resources are scoped to it.
    pub account: &'a str,
}

/// A SageMaker job kind, as its API and IAM name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// `ProcessingJob`: `Create<api>`, `Describe<api>`, `Stop<api>`.
    pub api: &'static str,
    /// The ARN resource type: `processing-job`.
    pub resource: &'static str,
    /// The managed EventBridge rule the `.sync` integration polls through.
    pub rule: &'static str,
    /// SageMaker Pipelines retries internal errors of every job kind except tuning.
    pub retries_internal_errors: bool,
}

impl Job {
    /// A request to the optimised `.sync` integration that creates the job and waits for it.
    fn request(self) -> Request {
        Request::new(
            &format!("arn:aws:states:::sagemaker:create{}.sync", self.api),
            Integration::SageMaker,
        )
    }
}

pub struct Request {
    pub resource: String,
    pub parameters: Payload,
    /// Output name → path (or intrinsic) into the raw result.
    pub outputs: Vec<(String, String)>,
    /// Outputs kept whether or not a later step reads them (job ARNs: small, and what an
    /// execution's output needs to be traced back to its jobs).
    pub always: &'static [&'static str],
    pub integration: Integration,
    pub timeout: Option<u64>,
    pub heartbeat: Option<u64>,
}

impl Request {
    fn new(resource: &str, integration: Integration) -> Request {
        Request {
            resource: resource.to_string(),
            parameters: Payload::new(),
            outputs: Vec::new(),
            always: &[],
            integration,
            timeout: None,
            heartbeat: None,
        }
    }
}

/// One IAM statement; the policy merges statements with the same `sid`.
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    pub sid: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub condition: Option<Json>,
}

impl Grant {
    pub fn new(sid: &str, actions: &[&str], resources: Vec<String>) -> Grant {
        Grant {
            sid: sid.to_string(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources,
            condition: None,
        }
    }
}

/// The ARN of state machine `name` in the running execution's own account and region, read
/// from its ARN (`arn:aws:states:<region>:<account>:stateMachine:<name>`): a `States.Format`
/// call for a `.$` field.
pub fn same_account_machine(name: &str) -> String {
    let part =
        |k: usize| format!("States.ArrayGetItem(States.StringSplit($$.StateMachine.Id, ':'), {k})");
    format!(
        "States.Format('arn:aws:states:{{}}:{{}}:stateMachine:{}', {}, {})",
        crate::lower::values::escape(name),
        part(3),
        part(4)
    )
}

/// What a step records in SageMaker ML Lineage Tracking.
#[derive(Clone, Debug)]
pub struct Lineage {
    /// The Action's type (`ProcessingJob`, `ModelRegistration`, …).
    pub action: &'static str,
    /// The Action's source: the job, model or package ARN, or what the step called.
    pub source: Val,
    pub artifacts: Vec<Artifact>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Input,
    Output,
}

/// SageMaker artifact types, and what the sidecar calls them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArtifactKind {
    DataSet,
    Code,
    Model,
    Metrics,
    ModelPackage,
}

impl ArtifactKind {
    pub fn sagemaker(self) -> &'static str {
        match self {
            ArtifactKind::DataSet => "DataSet",
            ArtifactKind::Code => "Code",
            ArtifactKind::Model => "Model",
            ArtifactKind::Metrics => "Metrics",
            ArtifactKind::ModelPackage => "ModelPackage",
        }
    }
}

/// An S3 location, model or package a step reads or writes.
#[derive(Clone, Debug)]
pub struct Artifact {
    /// The URI (or ARN) as the execution resolves it.
    pub value: Val,
    pub kind: ArtifactKind,
    pub role: Role,
    /// Outputs: the step output it is (`train`, `model_artifacts`).
    pub output: Option<String>,
    /// Outputs: the location as declared, a URI template for the sidecar.
    pub declared: Option<String>,
    /// Inputs whose type the checker did not pin to S3 (Lambda payloads, EMR arguments): an
    /// artifact only when the value is an S3 location or another step's artifact.
    pub maybe: bool,
}

impl Artifact {
    pub fn input(value: &Val, kind: ArtifactKind) -> Artifact {
        Artifact {
            value: value.clone(),
            kind,
            role: Role::Input,
            output: None,
            declared: None,
            maybe: false,
        }
    }

    /// A value that may or may not name an artifact (a payload field).
    pub fn maybe(value: &Val) -> Artifact {
        Artifact {
            maybe: true,
            ..Artifact::input(value, ArtifactKind::DataSet)
        }
    }

    /// Output `output` of `step`, as the job reported it, declared as `declared`.
    pub fn output(step: &str, output: &str, kind: ArtifactKind, declared: String) -> Artifact {
        Artifact {
            value: Val::Ref(crate::check::Ref::output(step, output)),
            kind,
            role: Role::Output,
            output: Some(output.to_string()),
            declared: Some(declared),
            maybe: false,
        }
    }
}

// Request-building helpers shared by the kinds.

/// `States.Format('featurise-{}', States.UUID())`: unique per attempt, at most 63 characters.
fn job_name(prefix: &str) -> Json {
    Json::String(format!("States.Format('{prefix}-{{}}', States.UUID())"))
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn with(f: impl FnOnce(&mut Payload)) -> Json {
    let mut m = Payload::new();
    f(&mut m);
    Json::Object(m)
}

fn resources(i: &Instance, volume: &Val) -> Json {
    with(|m| {
        put(m, "InstanceCount", &i.count);
        put(m, "InstanceType", &i.ty);
        put(m, "VolumeSizeInGB", volume);
    })
}

fn env(map: &mut Payload, environment: &[Named]) {
    if !environment.is_empty() {
        map.insert(
            "Environment".into(),
            with(|m| environment.iter().for_each(|n| put(m, &n.name, &n.value))),
        );
    }
}

/// A list of strings: a literal array, or `States.Array(...)` when any element is resolved at
/// run time (payload templates cannot put `.$` on array elements).
fn string_list(map: &mut Payload, key: &str, items: &[Val]) {
    let literals: Option<Vec<Json>> = items
        .iter()
        .map(|v| match v {
            Val::Lit(j) => Some(j.clone()),
            _ => None,
        })
        .collect();
    match literals {
        Some(arr) => {
            map.insert(key.into(), Json::Array(arr));
        }
        None => {
            let args: Vec<String> = items.iter().map(arg).collect();
            map.insert(
                format!("{key}.$"),
                Json::String(format!("States.Array({})", args.join(", "))),
            );
        }
    }
}

/// The grants of a SageMaker job kind: run it under the step's name prefix, read its tags
/// back (the `.sync` integration does; `ListTags` has no resource-level permission), and await
/// it through the managed rule the `.sync` integration needs.
fn job_grants(job: Job, prefix: &str, cx: &Cx) -> Vec<Grant> {
    let api = job.api;
    vec![
        Grant::new(
            &format!("Run{api}s"),
            &[
                &format!("sagemaker:Create{api}"),
                &format!("sagemaker:Describe{api}"),
                &format!("sagemaker:Stop{api}"),
                "sagemaker:AddTags",
            ],
            vec![format!(
                "arn:aws:sagemaker:*:{}:{}/{prefix}-*",
                cx.account, job.resource
            )],
        ),
        Grant::new(
            &format!("Await{api}s"),
            &["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            vec![format!("arn:aws:events:*:{}:rule/{}", cx.account, job.rule)],
        ),
        Grant::new("ReadJobTags", &["sagemaker:ListTags"], vec!["*".into()]),
    ]
}

/// Passing the pipeline's role to SageMaker, for the requests that carry it.
fn pass_role(cx: &Cx) -> Option<Grant> {
    (!cx.role.is_empty()).then(|| {
        let mut pass = Grant::new(
            "PassExecutionRoleToSageMaker",
            &["iam:PassRole"],
            vec![cx.role.to_string()],
        );
        pass.condition =
            Some(json!({ "StringEquals": { "iam:PassedToService": "sagemaker.amazonaws.com" } }));
        pass
    })
}

/// A value as an ARN pattern: literal text stays, run-time parts become `*`.
pub(crate) fn pattern(v: &Val) -> String {
    use crate::check::TPart;
    match v {
        Val::Lit(Json::String(s)) => s.clone(),
        Val::Lit(other) => other.to_string(),
        Val::Ref(_) => "*".into(),
        Val::Template(parts) => parts
            .iter()
            .map(|p| match p {
                TPart::Text(t) => t.as_str(),
                TPart::Ref(_) => "*",
            })
            .collect(),
    }
}

fn text(v: &Val) -> Json {
    Json::String(v.template_text())
}
