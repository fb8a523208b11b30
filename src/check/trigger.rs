//! `trigger s3 "s3://bucket/prefix/" { DataPrefix = object_prefix() }`: start the pipeline when
//! an object is created under the prefix. The bucket and prefix are checked here; the
//! deployment template turns the trigger into an EventBridge rule (`src/deploy/`).

use super::{Checker, ObjectField, TriggerDef, Ty};
use crate::diagnostics::Code;
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
}
