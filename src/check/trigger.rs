//! `trigger s3 "s3://bucket/prefix/" { DataPrefix = object_prefix() }`: start the pipeline when
//! an object is created under the prefix. The bucket and prefix are checked here; the
//! deployment template turns the trigger into an EventBridge rule (`src/deploy/`).

use super::{Checker, ObjectField, TriggerDef, Ty};
use crate::diagnostics::{Code, Span};
use crate::syntax::ast::{self, ExprKind};

impl Checker {
    pub(super) fn trigger(&mut self, t: &ast::Trigger) {
        if t.source.name != "s3" {
            self.err(
                Code::E050,
                t.source.span,
                format!(
                    "unknown trigger `{}`; aslc knows `s3` (an object created under a prefix)",
                    t.source.name
                ),
            );
            return;
        }
        let Some((bucket, prefix)) = self.s3_location(&t.uri, Code::E050) else {
            return;
        };
        let mut def = TriggerDef {
            bucket,
            prefix,
            object: Vec::new(),
            input: Default::default(),
        };
        for b in &t.bindings {
            let Some(ty) = self.bound_param(b, "trigger") else {
                continue;
            };
            match &b.value.kind {
                ExprKind::Call { name, args } => {
                    let field = ObjectField::ALL
                        .iter()
                        .find(|(f, _)| *f == name.name)
                        .map(|(_, f)| *f);
                    match field {
                        Some(field) if args.is_empty() => {
                            if ty != Ty::String && ty != Ty::Error {
                                self.err(
                                    Code::E017,
                                    b.value.span,
                                    format!(
                                        "`{}()` is a string, but `{}` is {}",
                                        name.name,
                                        b.key.name,
                                        ty.name()
                                    ),
                                );
                            }
                            def.object.push((b.key.name.clone(), field));
                        }
                        _ => {
                            let names = ObjectField::ALL.iter().map(|(f, _)| *f);
                            let guess = crate::diagnostics::did_you_mean(&name.name, names);
                            let d = self.err(
                                Code::E044,
                                name.span,
                                format!("unknown function `{}`", name.name),
                            );
                            d.help = Some(match guess {
                                Some(g) => format!("did you mean `{g}()`?"),
                                None => "a trigger binds `bucket()`, `object_key()`, `object_uri()` or `object_prefix()`".into(),
                            });
                        }
                    }
                }
                _ => self.literal_binding(b, ty, &mut def.input),
            }
        }
        self.triggers.push(def);
    }

    /// `s3://bucket/prefix` written out: the bucket and the key prefix (`code` otherwise).
    pub(super) fn s3_location(
        &mut self,
        uri: &ast::StrLit,
        code: Code,
    ) -> Option<(String, String)> {
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
