//! The syntax tree of a pipeline source. Every node carries the byte span it was read from.
//!
//! Step bodies are kept as generic properties (`key [label =] value`) rather than one struct per
//! step kind: the parser stays small and recovers well, and the checker, which knows each kind's
//! properties, reports unknown or missing ones with a precise span and a "did you mean".

use crate::diagnostics::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub name: StrLit,
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `role "..."`, `cache_table "..."`: pipeline-wide settings.
    Setting(Prop),
    Param(Param),
    Retry(RetryDecl),
    Schedule(Schedule),
    Trigger(Trigger),
    Step(Step),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: Ident,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RetryDecl {
    pub name: Ident,
    pub props: Vec<Prop>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    pub expr: StrLit,
    pub bindings: Vec<Binding>,
    pub span: Span,
}

/// `trigger s3 "s3://bucket/prefix/" { DataPrefix = object_prefix() }`: start the pipeline when
/// an object is created under the prefix.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    pub source: Ident,
    pub uri: StrLit,
    pub bindings: Vec<Binding>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    Processing,
    Training,
    Tuning,
    Transform,
    CreateModel,
    Register,
    Lambda,
    Callback,
    Emr,
    /// Starts another compiled pipeline and waits for it (`startExecution.sync:2`).
    RunPipeline,
    Fail,
    When,
    Parallel,
    Foreach,
}

impl StepKind {
    pub const ALL: &'static [(&'static str, StepKind)] = &[
        ("processing", StepKind::Processing),
        ("training", StepKind::Training),
        ("tuning", StepKind::Tuning),
        ("transform", StepKind::Transform),
        ("create_model", StepKind::CreateModel),
        ("register", StepKind::Register),
        ("lambda", StepKind::Lambda),
        ("callback", StepKind::Callback),
        ("emr", StepKind::Emr),
        ("run_pipeline", StepKind::RunPipeline),
        ("fail", StepKind::Fail),
        ("when", StepKind::When),
        ("parallel", StepKind::Parallel),
        ("foreach", StepKind::Foreach),
    ];

    pub fn from_keyword(word: &str) -> Option<StepKind> {
        Self::ALL.iter().find(|(k, _)| *k == word).map(|(_, s)| *s)
    }

    pub fn keyword(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map(|(k, _)| *k)
            .unwrap_or("step")
    }

    /// Steps that start a SageMaker job named `<prefix>-<uuid>`.
    pub fn starts_job(self) -> bool {
        matches!(
            self,
            StepKind::Processing
                | StepKind::Training
                | StepKind::Tuning
                | StepKind::Transform
                | StepKind::CreateModel
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub kind: StepKind,
    pub kind_span: Span,
    pub name: Ident,
    pub body: StepBody,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StepBody {
    Props(Vec<Prop>),
    When(When),
    Parallel(Vec<Branch>),
    Foreach(Foreach),
}

impl StepBody {
    /// The steps written inside this one (`when`, `parallel`, `foreach`), in file order.
    pub fn inner_steps(&self) -> Vec<&Step> {
        match self {
            StepBody::Props(_) => Vec::new(),
            StepBody::When(w) => w
                .then
                .steps
                .iter()
                .chain(w.otherwise.iter().flat_map(|b| b.steps.iter()))
                .collect(),
            StepBody::Parallel(branches) => {
                branches.iter().flat_map(|b| b.block.steps.iter()).collect()
            }
            StepBody::Foreach(f) => f.block.steps.iter().collect(),
        }
    }
}

/// `foreach Name: Item in <list> { max_concurrency 4  tolerate 1  steps… }`, or
/// `in s3 "s3://bucket/prefix/"` for every object under a prefix.
#[derive(Clone, Debug, PartialEq)]
pub struct Foreach {
    pub item: Ident,
    pub source: ForeachSource,
    /// `max_concurrency`, `tolerate`.
    pub options: Vec<Prop>,
    pub block: Block,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ForeachSource {
    List(Expr),
    S3(StrLit),
}

#[derive(Clone, Debug, PartialEq)]
pub struct When {
    pub cond: Expr,
    pub then: Block,
    pub otherwise: Option<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub steps: Vec<Step>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub name: Option<Ident>,
    pub block: Block,
}

/// `key value`, `key label = value`, `key a, b`, `key { k = v, ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Prop {
    pub key: Ident,
    pub label: Option<Ident>,
    pub value: PropValue,
    /// Labeled properties: `at "/opt/ml/processing/train"`, where the job sees the data.
    pub at: Option<StrLit>,
    /// Labeled properties: `{ content_type "text/csv"  distribution sharded }`.
    pub options: Vec<Prop>,
    pub span: Span,
}

/// How a property's value is written. Decided by the property's key, in [`Shape::of`]: the one
/// table the parser reads to parse a value and the checker's readers rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `image "..."`, `max_runtime 2h`: one expression.
    Value,
    /// `input raw = "s3://..."`: a name, then a value.
    Labeled,
    /// `hyperparameters { a = 1, b = "x" }`.
    Map,
    /// `instance ml.m5.xlarge x 2`.
    Instance,
    /// `retry transient, api`.
    Names,
}

impl Shape {
    const TABLE: &'static [(&'static str, Shape)] = &[
        ("input", Shape::Labeled),
        ("output", Shape::Labeled),
        ("channel", Shape::Labeled),
        ("property_file", Shape::Labeled),
        ("hyperparameters", Shape::Map),
        ("static_hyperparameters", Shape::Map),
        ("ranges", Shape::Map),
        ("payload", Shape::Map),
        ("environment", Shape::Map),
        ("message", Shape::Map),
        ("tags", Shape::Map),
        ("reports", Shape::Map),
        ("drift_baselines", Shape::Map),
        ("metadata", Shape::Map),
        ("outputs", Shape::Map),
        ("params", Shape::Map),
        ("cluster_config", Shape::Map),
        ("instance", Shape::Instance),
        ("retry", Shape::Names),
    ];

    pub fn of(key: &str) -> Shape {
        Shape::TABLE
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(Shape::Value, |(_, s)| *s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum PropValue {
    Expr(Expr),
    /// A labeled property without `= value` (`output train at "/opt/ml/processing/train"`):
    /// SageMaker's default location.
    Absent(Span),
    Instance(InstanceSpec),
    Names(Vec<Ident>),
    Map(Vec<Binding>),
}

impl PropValue {
    pub fn span(&self, fallback: Span) -> Span {
        match self {
            PropValue::Expr(e) => e.span,
            PropValue::Absent(s) => *s,
            PropValue::Instance(i) => i.span,
            PropValue::Names(n) => match (n.first(), n.last()) {
                (Some(a), Some(b)) => a.span.to(b.span),
                _ => fallback,
            },
            PropValue::Map(b) => match (b.first(), b.last()) {
                (Some(a), Some(z)) => a.span.to(z.span),
                _ => fallback,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InstanceSpec {
    /// `ml.m5.xlarge`, or the name of a `string` parameter (`InstanceType`).
    pub ty: Ident,
    pub count: Option<Count>,
    pub span: Span,
}

/// `x 2`, or `x InstanceCount` (an `int` parameter).
#[derive(Clone, Debug, PartialEq)]
pub enum Count {
    Lit(i64, Span),
    Name(Ident),
}

impl Count {
    pub fn span(&self) -> Span {
        match self {
            Count::Lit(_, s) => *s,
            Count::Name(n) => n.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub key: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Str(StrLit),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Seconds.
    Duration(u64),
    /// `Name` or `Step.output` (or a bare word such as `pending_manual`).
    Ref(Vec<Ident>),
    Json {
        file: Box<Expr>,
        path: StrLit,
        ty: Option<Ident>,
    },
    Exists(Box<Expr>),
    Matches {
        value: Box<Expr>,
        pattern: StrLit,
    },
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    /// `output / "file.json"`: a key under an S3 prefix.
    Join(Box<Expr>, StrLit),
    Binary {
        op: BinOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Not(Box<Expr>),
    List(Vec<Expr>),
    /// `{ key = value, … }`: an object of literal values (`cluster_config`).
    Map(Vec<Binding>),
    /// Placeholder left where a syntax error was recovered from.
    Error,
}

/// A string literal, split into text and `{...}` interpolations.
#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub parts: Vec<StrPart>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Text(String),
    Interp(Vec<Ident>, Span),
}

impl StrLit {
    /// The literal text when there is no interpolation.
    pub fn as_plain(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Interp(..) => return None,
            }
        }
        Some(out)
    }

    pub fn is_plain(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, StrPart::Text(_)))
    }
}
