//! Which properties each step kind takes, and typed readers for their values.

use super::{Checker, Ty, Val};
use crate::diagnostics::{did_you_mean, Code, Span};
use crate::syntax::ast::{Expr, ExprKind, Prop, PropValue, StrLit, StrPart};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mult {
    One,
    Many,
}
use Mult::*;

pub type Table = &'static [(&'static str, Mult)];

/// Properties every step with properties takes.
pub const EVERY_STEP: Table = &[("depends_on", One)];

pub const RETRY: Table = &[
    ("on", One),
    ("interval", One),
    ("backoff", One),
    ("max_attempts", One),
    ("expire_after", One),
];

/// Properties every SageMaker job step takes; combined with a kind's own table.
pub const JOB: Table = &[
    ("image", One),
    ("instance", One),
    ("volume_gb", One),
    ("max_runtime", One),
    ("environment", One),
    ("retry", Many),
    ("cache", One),
];

pub const PROCESSING: Table = &[
    ("code", One),
    ("entrypoint", One),
    ("arguments", One),
    ("input", Many),
    ("output", Many),
    ("property_file", Many),
];

pub const TRAINING: Table = &[
    ("input_mode", One),
    ("channel", Many),
    ("output", Many),
    ("hyperparameters", One),
];

pub const TUNING: Table = &[
    ("input_mode", One),
    ("channel", Many),
    ("output", Many),
    ("static_hyperparameters", One),
    ("ranges", One),
    ("maximize", One),
    ("minimize", One),
    ("strategy", One),
    ("max_jobs", One),
    ("max_parallel", One),
    ("early_stopping", One),
    ("warm_start_from", One),
    ("warm_start_type", One),
];

pub const TRANSFORM: Table = &[
    ("model", One),
    ("instance", One),
    ("input", Many),
    ("output", Many),
    ("content_type", One),
    ("split", One),
    ("accept", One),
    ("assemble_with", One),
    ("max_payload_mb", One),
    ("batch_strategy", One),
    ("input_filter", One),
    ("output_filter", One),
    ("join_source", One),
    ("max_runtime", One),
    ("retry", Many),
    ("cache", One),
];

pub const CREATE_MODEL: Table = &[
    ("model", One),
    ("model_data", One),
    ("image", One),
    ("environment", One),
    ("retry", Many),
];

pub const REGISTER: Table = &[
    ("model_package_group", One),
    ("model", One),
    ("model_data", One),
    ("approval", One),
    ("metrics", One),
    ("reports", One),
    ("drift_baselines", One),
    ("metadata", One),
    ("inference_instances", One),
    ("transform_instances", One),
    ("image", One),
    ("content_types", One),
    ("response_types", One),
    ("description", One),
    ("retry", Many),
];

pub const LAMBDA: Table = &[
    ("function", One),
    ("payload", One),
    ("outputs", One),
    ("timeout", One),
    ("retry", Many),
];

pub const RUN_PIPELINE: Table = &[
    ("use", One),
    ("state_machine", One),
    ("params", One),
    ("retry", Many),
];

pub const CALLBACK: Table = &[
    ("queue", One),
    ("message", One),
    ("outputs", One),
    ("timeout", One),
    ("heartbeat", One),
    ("retry", Many),
];

pub const EMR: Table = &[
    ("cluster", One),
    ("cluster_config", One),
    ("jar", One),
    ("args", One),
    ("action_on_failure", One),
    ("retry", Many),
];

pub const FAIL: Table = &[("error", One), ("cause", One)];

/// A step's properties, checked against its kind's table: unknown keys and repeated
/// single-valued keys are reported once, here.
pub struct PropSet<'a> {
    props: Vec<&'a Prop>,
}

impl<'a> PropSet<'a> {
    pub fn new(c: &mut Checker, what: &str, props: &'a [Prop], tables: &[Table]) -> PropSet<'a> {
        let table: Vec<(&str, Mult)> = tables.iter().flat_map(|t| t.iter().copied()).collect();
        let mut kept: Vec<&Prop> = Vec::new();
        for p in props {
            let key = p.key.name.as_str();
            match table.iter().find(|(k, _)| *k == key) {
                None => {
                    let d = c.err(
                        Code::E030,
                        p.key.span,
                        format!("{what} has no property `{key}`"),
                    );
                    if key == "cache" {
                        d.message = format!("`cache` is not supported on {what}s");
                        d.help = Some(
                            "only processing, training, tuning and transform steps can be cached"
                                .into(),
                        );
                    } else if let Some(g) = did_you_mean(key, table.iter().map(|(k, _)| *k)) {
                        d.help = Some(format!("did you mean `{g}`?"));
                        d.fix = Some(crate::diagnostics::Fix {
                            message: format!("use `{g}`"),
                            span: p.key.span,
                            replacement: g.into(),
                        });
                    } else {
                        let all: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
                        d.help = Some(format!("{what}s take: {}", all.join(", ")));
                    }
                }
                Some((_, One)) => {
                    if let Some(prev) = kept.iter().find(|q| q.key.name == key) {
                        let first = prev.key.span;
                        c.err(Code::E032, p.key.span, format!("`{key}` is set twice"))
                            .secondary
                            .push(crate::diagnostics::Label {
                                span: first,
                                message: "first set here".into(),
                            });
                    } else {
                        kept.push(p);
                    }
                }
                Some((_, Many)) => kept.push(p),
            }
        }
        PropSet { props: kept }
    }

    pub fn one(&self, key: &str) -> Option<&'a Prop> {
        self.props.iter().copied().find(|p| p.key.name == key)
    }

    pub fn many(&self, key: &str) -> Vec<&'a Prop> {
        self.props
            .iter()
            .copied()
            .filter(|p| p.key.name == key)
            .collect()
    }

    /// A required property; reports E031 at the step's name when it is missing.
    pub fn required(&self, c: &mut Checker, key: &str, what: &str, at: Span) -> Option<&'a Prop> {
        let p = self.one(key);
        if p.is_none() {
            c.err(Code::E031, at, format!("{what} needs `{key}`"))
                .set_label(format!("`{key}` missing"));
        }
        p
    }
}

/// A value written as text: `States.Format('{}', $.params.N)` gives `"3"` for 3.
fn as_text(v: Val) -> Val {
    match v {
        Val::Ref(r) => Val::Template(vec![super::TPart::Ref(r)]),
        other => other,
    }
}

fn template_parts(v: Val) -> Vec<super::TPart> {
    match v {
        Val::Lit(serde_json::Value::String(s)) => vec![super::TPart::Text(s)],
        Val::Lit(other) => vec![super::TPart::Text(other.to_string())],
        Val::Ref(r) => vec![super::TPart::Ref(r)],
        Val::Template(t) => t,
    }
}

fn expr_of(p: &Prop) -> Option<&Expr> {
    match &p.value {
        PropValue::Expr(e) => Some(e),
        _ => None,
    }
}

impl Checker {
    pub(super) fn wrong(&mut self, e_span: Span, expected: &str, found: &str) {
        self.err(
            Code::E033,
            e_span,
            format!("expected {expected}, found {found}"),
        );
    }

    pub fn prop_expr<'p>(&mut self, p: &'p Prop, expected: &str) -> Option<&'p Expr> {
        let e = expr_of(p);
        if e.is_none() {
            self.wrong(p.value.span(p.span), expected, "a block");
        }
        e
    }

    pub fn prop_int(&mut self, p: &Prop) -> Option<i64> {
        let e = self.prop_expr(p, "an integer")?;
        match e.kind {
            ExprKind::Int(i) => Some(i),
            ExprKind::Error => None,
            _ => {
                self.wrong(e.span, "an integer", super::literal_kind(e));
                None
            }
        }
    }

    pub fn prop_duration(&mut self, p: &Prop) -> Option<u64> {
        let e = self.prop_expr(p, "a duration")?;
        match e.kind {
            ExprKind::Duration(d) => Some(d),
            ExprKind::Error => None,
            _ => {
                self.err(
                    Code::E033,
                    e.span,
                    format!(
                        "expected a duration such as `60s` or `2h`, found {}",
                        super::literal_kind(e)
                    ),
                );
                None
            }
        }
    }

    /// A bare word from a fixed set (`approval pending_manual`).
    pub fn prop_word<T: Copy>(&mut self, p: &Prop, allowed: &[(&str, T)]) -> Option<T> {
        let e = self.prop_expr(p, "a word")?;
        let word = match &e.kind {
            ExprKind::Ref(parts) if parts.len() == 1 => parts[0].name.as_str(),
            _ => "",
        };
        if let Some((_, v)) = allowed.iter().find(|(k, _)| *k == word) {
            return Some(*v);
        }
        let names: Vec<&str> = allowed.iter().map(|(k, _)| *k).collect();
        let d = self.err(
            Code::E046,
            e.span,
            format!("`{}` takes one of: {}", p.key.name, names.join(", ")),
        );
        if let Some(g) = did_you_mean(word, names.iter().copied()) {
            d.help = Some(format!("did you mean `{g}`?"));
            d.fix = Some(crate::diagnostics::Fix {
                message: format!("use `{g}`"),
                span: e.span,
                replacement: g.into(),
            });
        }
        None
    }

    /// A list of literal strings.
    pub fn prop_strings(&mut self, p: &Prop) -> Option<Vec<String>> {
        let e = self.prop_expr(p, "a list of strings")?;
        let ExprKind::List(items) = &e.kind else {
            self.wrong(
                e.span,
                "a list of strings such as `[\"text/csv\"]`",
                super::literal_kind(e),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items {
            out.push(self.literal_string(item)?);
        }
        Some(out)
    }

    /// A string: literal, interpolated, or a reference to a string-like value.
    pub fn string_val(&mut self, e: &Expr) -> Option<Val> {
        match &e.kind {
            ExprKind::Str(s) => self.template(s),
            ExprKind::Call { name, args } if matches!(name.name.as_str(), "str" | "join") => {
                self.text_call(name, args, e.span, None)
            }
            ExprKind::Ref(_) => {
                let (v, ty, _) = self.resolve(e)?;
                if ty.is_string_like() || ty == Ty::Error {
                    Some(v)
                } else if ty.is_scalar() {
                    // An int where a string goes is its text.
                    Some(as_text(v))
                } else {
                    self.wrong(
                        e.span,
                        "a string",
                        &format!("a reference of type {}", ty.name()),
                    );
                    None
                }
            }
            ExprKind::Error => None,
            _ => {
                self.wrong(e.span, "a string", super::literal_kind(e));
                None
            }
        }
    }

    pub fn prop_string(&mut self, p: &Prop) -> Option<Val> {
        let e = self.prop_expr(p, "a string")?;
        self.string_val(e)
    }

    /// `s3://bucket/prefix` written out: the bucket and the key prefix (`code` otherwise).
    pub fn s3_location(&mut self, uri: &StrLit, code: Code) -> Option<(String, String)> {
        let Some(text) = uri.as_plain() else {
            self.err(
                Code::E018,
                uri.span,
                "an S3 location to watch or list cannot be interpolated",
            );
            return None;
        };
        let parsed = text
            .strip_prefix("s3://")
            .map(|rest| rest.split_once('/').unwrap_or((rest, "")))
            .filter(|(bucket, prefix)| valid_bucket(bucket) && !prefix.contains('*'));
        match parsed {
            Some((bucket, prefix)) => Some((bucket.to_string(), prefix.to_string())),
            None => {
                // Inside the quotes: the location has no escapes to shift offsets.
                let start = uri.span.start as usize + 1;
                self.err(
                    code,
                    Span::new(start, start + text.len()),
                    format!("`{text}` is not an S3 location `s3://bucket/prefix/`"),
                )
                .set_help("name a bucket and, optionally, a key prefix (no wildcards): `s3://fraud-ml/raw/`");
                None
            }
        }
    }

    /// An S3 location: a literal or interpolated `s3://` string, a string that starts with a
    /// parameter or step output holding one (`"{InputData}"`, `"{Prefix}/train/"`), or a
    /// reference to one. A `string` parameter used so is checked at run time to be `s3://…`.
    pub fn s3_val(&mut self, e: &Expr) -> Option<Val> {
        if let ExprKind::Call { name, args } = &e.kind {
            if name.name == "top_model" {
                return self.top_model(args, e.span);
            }
            if matches!(name.name.as_str(), "str" | "join") {
                let v = self.text_call(name, args, e.span, None)?;
                let ok = match &v {
                    Val::Template(parts) => match parts.first() {
                        Some(super::TPart::Text(t)) => t.starts_with("s3://") && t.len() > 5,
                        Some(super::TPart::Ref(_)) => true,
                        None => false,
                    },
                    _ => false,
                };
                if !ok {
                    self.err(
                        Code::E040,
                        e.span,
                        "an S3 location must start with `s3://` and a bucket name",
                    );
                    return None;
                }
                return Some(v);
            }
        }
        if let ExprKind::Str(s) = &e.kind {
            let starts_ok = match (s.parts.first(), s.parts.get(1)) {
                (Some(StrPart::Text(t)), _) if t.starts_with("s3://") && t.len() > 5 => true,
                // `s3://{Bucket}/...`: the bucket comes from a parameter.
                (Some(StrPart::Text(t)), Some(StrPart::Interp(..))) => t == "s3://",
                (Some(StrPart::Interp(..)), _) => true,
                _ => false,
            };
            if !starts_ok {
                self.err(
                    Code::E040,
                    e.span,
                    "an S3 location must start with `s3://` and a bucket name",
                )
                .set_help("write `\"s3://bucket/prefix/\"`, or start with a parameter that holds one: `\"{InputData}\"`");
                return None;
            }
            let v = self.template(s)?;
            if let Some(StrPart::Interp(ids, span)) = s.parts.first() {
                self.s3_head(ids, *span)?;
            }
            return Some(v);
        }
        if let ExprKind::Ref(parts) = &e.kind {
            let (v, ty, _) = self.resolve(e)?;
            return match ty {
                Ty::S3Uri | Ty::Error => Some(v),
                Ty::String => {
                    if let (Val::Ref(super::Ref::Param(p)), 1) = (&v, parts.len()) {
                        self.s3_params.insert(p.clone());
                    }
                    Some(v)
                }
                _ => {
                    self.wrong(
                        e.span,
                        "an S3 location",
                        &format!("a reference of type {}", ty.name()),
                    );
                    None
                }
            };
        }
        self.wrong(e.span, "an S3 location", super::literal_kind(e));
        None
    }

    /// The value an S3 location starts with must hold one: an S3 output, or a string parameter
    /// (then checked at run time).
    fn s3_head(&mut self, ids: &[crate::syntax::ast::Ident], span: Span) -> Option<()> {
        let e = Expr {
            kind: ExprKind::Ref(ids.to_vec()),
            span,
        };
        let (v, ty, _) = self.resolve(&e)?;
        match (ty, v) {
            (Ty::S3Uri | Ty::Error, _) => Some(()),
            (Ty::String, Val::Ref(super::Ref::Param(p))) => {
                self.s3_params.insert(p);
                Some(())
            }
            (ty, _) => {
                self.err(
                    Code::E040,
                    span,
                    format!(
                        "an S3 location cannot start with a value of type {}",
                        ty.name()
                    ),
                )
                .set_help(
                    "start with `s3://`, an S3 output, or a string parameter holding an S3 URI",
                );
                None
            }
        }
    }

    /// A string literal with interpolations resolved.
    pub fn template(&mut self, s: &StrLit) -> Option<Val> {
        if let Some(plain) = s.as_plain() {
            return Some(Val::str(plain));
        }
        let mut parts = Vec::new();
        let mut ok = true;
        let mut all_text = true;
        for part in &s.parts {
            match part {
                StrPart::Text(t) => parts.push(super::TPart::Text(t.clone())),
                StrPart::Interp(ids, span) => {
                    let e = Expr {
                        kind: ExprKind::Ref(ids.clone()),
                        span: ids[0].span.to(ids[ids.len() - 1].span),
                    };
                    match self.resolve(&e) {
                        // Numbers and booleans are written as text, as SageMaker's Join does.
                        Some((Val::Ref(r), ty, _)) if ty.is_scalar() || ty == Ty::Error => {
                            all_text &= ty.is_string_like() || ty == Ty::Error;
                            parts.push(super::TPart::Ref(r));
                        }
                        Some((_, ty, decl)) => {
                            ok = false;
                            let d = self.err(
                                Code::E018,
                                *span,
                                format!("cannot interpolate a value of type {}", ty.name()),
                            );
                            d.help = Some(
                                "strings, numbers and booleans can be interpolated; read a field of JSON with `json(..., \"path\")`"
                                    .into(),
                            );
                            if let Some(decl) = decl {
                                d.secondary.push(crate::diagnostics::Label {
                                    span: decl,
                                    message: format!("declared as {} here", ty.name()),
                                });
                            }
                        }
                        None => ok = false,
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        // `"{Name}"` alone is the value itself, not a formatted string, when it is text; a
        // number or boolean interpolated alone still becomes a string.
        Some(match parts.as_slice() {
            [super::TPart::Ref(r)] if all_text => Val::Ref(r.clone()),
            _ => Val::Template(parts),
        })
    }

    /// `top_model(Tune, k)`: the model artifacts of the tuning job's k-th best training job
    /// (0 is the best, `Tune.model_artifacts`), as SageMaker's `get_top_model_s3_uri`.
    fn top_model(&mut self, args: &[Expr], span: Span) -> Option<Val> {
        let [step, rank] = args else {
            self.err(
                Code::E044,
                span,
                "`top_model` takes a tuning step and a rank: `top_model(Tune, 1)`",
            );
            return None;
        };
        let step = self.step_ref(
            step,
            &[crate::syntax::ast::StepKind::Tuning],
            "a tuning step",
        )?;
        let ExprKind::Int(k) = rank.kind else {
            self.err(
                Code::E033,
                rank.span,
                "the rank is a whole number: 0 for the best model",
            );
            return None;
        };
        let Ok(k) =
            u32::try_from(k)
                .map_err(|_| ())
                .and_then(|k| if k < 100 { Ok(k) } else { Err(()) })
        else {
            self.err(Code::E043, rank.span, "the rank is between 0 and 99");
            return None;
        };
        if k == 0 {
            return Some(self.use_output(&step, "model_artifacts"));
        }
        let ranks = self.top_models.entry(step.clone()).or_default();
        if !ranks.contains(&k) {
            ranks.push(k);
        }
        // The URI is made from the tuning job's output prefix.
        self.use_output(&step, "output_prefix");
        self.use_output(&step, "tuning_job_name");
        Some(Val::Ref(super::Ref::output(
            &step,
            &super::top_model_output(k),
        )))
    }

    /// `str(x)` and `join(sep, a, b, …)`: values written as text, as SageMaker's `Std:Join`
    /// does. `reads` collects property files a `json(...)` inside reads, where the step can
    /// read them first (a fail message); elsewhere a property file here is an error.
    pub fn text_call(
        &mut self,
        name: &crate::syntax::ast::Ident,
        args: &[Expr],
        span: Span,
        mut reads: Option<&mut Vec<super::FileRead>>,
    ) -> Option<Val> {
        let (sep, items) = match name.name.as_str() {
            "str" if args.len() == 1 => (String::new(), args),
            "join" if !args.is_empty() => {
                let sep = match &args[0].kind {
                    ExprKind::Str(s) if s.as_plain().is_some() => s.as_plain().unwrap_or_default(),
                    _ => {
                        self.err(
                            Code::E033,
                            args[0].span,
                            "the separator of `join` is a literal string, such as `\"/\"`",
                        );
                        return None;
                    }
                };
                (sep, &args[1..])
            }
            other => {
                let want = if other == "str" {
                    "one value: `str(x)`"
                } else {
                    "a separator and values: `join(\"/\", a, b)`"
                };
                self.err(Code::E044, span, format!("`{other}` takes {want}"));
                return None;
            }
        };
        let mut parts = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            if i > 0 && !sep.is_empty() {
                parts.push(super::TPart::Text(sep.clone()));
            }
            match self.text_part(item, reads.as_deref_mut()) {
                Some(v) => parts.extend(template_parts(v)),
                None => ok = false,
            }
        }
        ok.then_some(Val::Template(parts))
    }

    /// One value of a `str`/`join`, as text.
    fn text_part(&mut self, e: &Expr, reads: Option<&mut Vec<super::FileRead>>) -> Option<Val> {
        use serde_json::Value as J;
        match &e.kind {
            ExprKind::Int(i) => Some(Val::str(i.to_string())),
            ExprKind::Float(f) => Some(Val::str(J::from(*f).to_string())),
            ExprKind::Bool(b) => Some(Val::str(b.to_string())),
            ExprKind::Json { .. } => self.json_text(e, reads),
            ExprKind::Call { name, args } if matches!(name.name.as_str(), "str" | "join") => {
                self.text_call(name, args, e.span, reads)
            }
            _ => self.string_val(e),
        }
    }

    /// Any value for a payload or a map: literals stay literal, references become paths.
    pub fn any_val(&mut self, e: &Expr) -> Option<Val> {
        use serde_json::Value as J;
        Some(match &e.kind {
            ExprKind::Str(s) => return self.template(s),
            ExprKind::Int(i) => Val::Lit(J::from(*i)),
            ExprKind::Float(f) => Val::Lit(J::from(*f)),
            ExprKind::Bool(b) => Val::Lit(J::Bool(*b)),
            ExprKind::Duration(d) => Val::Lit(J::from(*d)),
            ExprKind::Ref(_) => return self.resolve(e).map(|(v, _, _)| v),
            ExprKind::Json { .. } => return self.json_value(e, None).map(Val::Ref),
            ExprKind::Call { name, args } if matches!(name.name.as_str(), "str" | "join") => {
                return self.text_call(name, args, e.span, None)
            }
            ExprKind::List(items) => {
                let mut out = Vec::new();
                for item in items {
                    match self.any_val(item)? {
                        Val::Lit(v) => out.push(v),
                        _ => {
                            self.err(Code::E033, item.span, "lists can only hold literal values");
                            return None;
                        }
                    }
                }
                Val::Lit(J::Array(out))
            }
            ExprKind::Error => return None,
            _ => {
                self.wrong(e.span, "a value", super::literal_kind(e));
                return None;
            }
        })
    }
}

/// S3's bucket naming rules, the part that can be checked without AWS: 3–63 characters of
/// lower-case letters, digits, `.` and `-`, starting and ending with a letter or digit.
fn valid_bucket(b: &str) -> bool {
    (3..=63).contains(&b.len())
        && b.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-')
        && b.starts_with(|c: char| c.is_ascii_alphanumeric())
        && b.ends_with(|c: char| c.is_ascii_alphanumeric())
}
