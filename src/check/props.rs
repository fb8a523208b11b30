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
];

pub const TRANSFORM: Table = &[
    ("model", One),
    ("instance", One),
    ("input", Many),
    ("output", Many),
    ("content_type", One),
    ("split", One),
    ("max_runtime", One),
    ("retry", Many),
    ("cache", One),
];

pub const CREATE_MODEL: Table = &[("model", One), ("image", One), ("retry", Many)];

pub const REGISTER: Table = &[
    ("model_package_group", One),
    ("model", One),
    ("approval", One),
    ("metrics", One),
    ("image", One),
    ("content_types", One),
    ("response_types", One),
    ("description", One),
    ("retry", Many),
];

pub const LAMBDA: Table = &[
    ("function", One),
    ("payload", One),
    ("timeout", One),
    ("retry", Many),
];

pub const CALLBACK: Table = &[
    ("queue", One),
    ("message", One),
    ("timeout", One),
    ("heartbeat", One),
    ("retry", Many),
];

pub const EMR: Table = &[
    ("cluster", One),
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

fn expr_of(p: &Prop) -> Option<&Expr> {
    match &p.value {
        PropValue::Expr(e) => Some(e),
        _ => None,
    }
}

impl Checker {
    fn wrong(&mut self, e_span: Span, expected: &str, found: &str) {
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
            ExprKind::Ref(_) => {
                let (v, ty, _) = self.resolve(e)?;
                if ty.is_string_like() || ty == Ty::Error {
                    Some(v)
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

    /// An S3 location: a literal or interpolated `s3://` string, or a reference to one.
    pub fn s3_val(&mut self, e: &Expr) -> Option<Val> {
        if let ExprKind::Str(s) = &e.kind {
            let starts_ok = match (s.parts.first(), s.parts.get(1)) {
                (Some(StrPart::Text(t)), _) if t.starts_with("s3://") && t.len() > 5 => true,
                // `s3://{Bucket}/...`: the bucket comes from a parameter.
                (Some(StrPart::Text(t)), Some(StrPart::Interp(..))) => t == "s3://",
                _ => false,
            };
            if !starts_ok {
                self.err(
                    Code::E040,
                    e.span,
                    "an S3 location must start with `s3://` and a bucket name",
                );
                return None;
            }
            return self.template(s);
        }
        if let ExprKind::Ref(_) = &e.kind {
            let (v, ty, _) = self.resolve(e)?;
            return match ty {
                Ty::S3Uri | Ty::String | Ty::Error => Some(v),
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

    /// A string literal with interpolations resolved.
    pub fn template(&mut self, s: &StrLit) -> Option<Val> {
        if let Some(plain) = s.as_plain() {
            return Some(Val::str(plain));
        }
        let mut parts = Vec::new();
        let mut ok = true;
        for part in &s.parts {
            match part {
                StrPart::Text(t) => parts.push(super::TPart::Text(t.clone())),
                StrPart::Interp(ids, span) => {
                    let e = Expr {
                        kind: ExprKind::Ref(ids.clone()),
                        span: ids[0].span.to(ids[ids.len() - 1].span),
                    };
                    match self.resolve(&e) {
                        Some((Val::Ref(r), ty, _)) if ty.is_string_like() || ty == Ty::Error => {
                            parts.push(super::TPart::Ref(r));
                        }
                        Some((_, ty, decl)) => {
                            ok = false;
                            let d = self.err(
                                Code::E018,
                                *span,
                                format!("cannot interpolate a value of type {}", ty.name()),
                            );
                            d.help =
                                Some("only strings, S3 URIs and ARNs can be interpolated".into());
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
        // `"{Name}"` alone is the value itself, not a formatted string.
        Some(match parts.as_slice() {
            [super::TPart::Ref(r)] => Val::Ref(r.clone()),
            _ => Val::Template(parts),
        })
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
