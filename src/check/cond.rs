//! Typing `when` conditions and turning them into Choice-ready comparisons.

use super::{Checker, CmpTy, Cond, FileRead, Key, Operand, Ref, Ty};
use crate::diagnostics::{Code, Fix, Label, Span};
use crate::syntax::ast::{BinOp, Expr, ExprKind, StrLit};
use serde_json::Value as Json;

/// A typed operand, with what the diagnostics need to explain its type.
struct Typed {
    operand: Operand,
    ty: Ty,
    span: Span,
    /// Where the type was declared (a parameter's type, a `json(...) as T`).
    decl: Option<Span>,
    /// Values read from JSON are type-tested before they are compared.
    guard: Option<Ref>,
    /// A `json(...)` without `as T`: the end of the call, where the fix inserts the type.
    untyped_json: Option<Span>,
}

impl Checker {
    pub(super) fn condition(&mut self, e: &Expr, reads: &mut Vec<FileRead>) -> Option<Cond> {
        match &e.kind {
            ExprKind::Binary {
                op: op @ (BinOp::And | BinOp::Or),
                lhs,
                rhs,
                ..
            } => {
                let (l, r) = (self.condition(lhs, reads), self.condition(rhs, reads));
                let (l, r) = (l?, r?);
                let mut items = Vec::new();
                for c in [l, r] {
                    match (op, c) {
                        (BinOp::And, Cond::And(inner)) | (BinOp::Or, Cond::Or(inner)) => {
                            items.extend(inner)
                        }
                        (_, c) => items.push(c),
                    }
                }
                Some(if *op == BinOp::And {
                    Cond::And(items)
                } else {
                    Cond::Or(items)
                })
            }
            ExprKind::Not(inner) => Some(Cond::Not(Box::new(self.condition(inner, reads)?))),
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.comparison(*op, *op_span, lhs, rhs, reads),
            ExprKind::Exists(inner) => {
                let t = self.operand(inner, reads)?;
                match t.operand {
                    Operand::Ref(r) => Some(Cond::Exists(r)),
                    Operand::Lit(_) => {
                        self.err(
                            Code::E045,
                            inner.span,
                            "`exists(...)` of a literal is always true",
                        );
                        None
                    }
                }
            }
            ExprKind::Matches { value, pattern } => self.matches(value, pattern, reads),
            ExprKind::Ref(_) | ExprKind::Json { .. } => {
                let t = self.operand(e, reads)?;
                if let Some(at) = t.untyped_json {
                    self.untyped_json(at, Some(Ty::Bool));
                    return None;
                }
                match t.ty {
                    Ty::Bool => Some(compare(
                        BinOp::Eq,
                        CmpTy::Boolean,
                        t.operand,
                        Operand::Lit(Json::Bool(true)),
                        t.guard,
                    )),
                    Ty::Error => None,
                    ty => {
                        self.err(
                            Code::E042,
                            e.span,
                            format!(
                                "a condition must be true or false, but this is {}",
                                ty.name()
                            ),
                        )
                        .set_help("compare it with something, for example `> 0.5`");
                        None
                    }
                }
            }
            ExprKind::Bool(_) => {
                self.err(Code::E045, e.span, "this condition is a constant");
                None
            }
            ExprKind::Error => None,
            _ => {
                self.err(
                    Code::E042,
                    e.span,
                    "a condition must be a comparison, `exists(...)`, `matches`, or a bool",
                );
                None
            }
        }
    }

    fn comparison(
        &mut self,
        op: BinOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
        reads: &mut Vec<FileRead>,
    ) -> Option<Cond> {
        let (l, r) = (self.operand(lhs, reads), self.operand(rhs, reads));
        let (l, r) = (l?, r?);
        if let Some(at) = l.untyped_json {
            self.untyped_json(at, Some(r.ty));
            return None;
        }
        if let Some(at) = r.untyped_json {
            self.untyped_json(at, Some(l.ty));
            return None;
        }
        if matches!((&l.operand, &r.operand), (Operand::Lit(_), Operand::Lit(_))) {
            self.err(
                Code::E045,
                l.span.to(r.span),
                "both sides are literals, so this condition is a constant",
            );
            return None;
        }
        if l.ty == Ty::Error || r.ty == Ty::Error {
            return None;
        }
        let ty = if l.ty.is_numeric() && r.ty.is_numeric() {
            CmpTy::Numeric
        } else if l.ty.is_string_like() && r.ty.is_string_like() {
            CmpTy::String
        } else if l.ty == Ty::Bool && r.ty == Ty::Bool {
            if op.is_ordering() {
                self.err(
                    Code::E020,
                    op_span,
                    format!("`{}` cannot order booleans", op.symbol()),
                )
                .set_help("booleans only support `==` and `!=`");
                return None;
            }
            CmpTy::Boolean
        } else {
            self.mismatch(op, &l, &r);
            return None;
        };
        if ty == CmpTy::String && op.is_ordering() && (l.ty != Ty::String || r.ty != Ty::String) {
            // Ordering S3 URIs or ARNs is legal but rarely meant; allowed, as Step Functions does.
        }
        let guards = [l.guard, r.guard].into_iter().flatten().collect::<Vec<_>>();
        Some(Cond::Compare {
            op,
            ty,
            lhs: l.operand,
            rhs: r.operand,
            guards: guards.into_iter().map(|g| (g, ty)).collect(),
        })
    }

    /// E017, with the primary label on the operand whose type is not declared, so the label
    /// sits on what most likely needs changing.
    fn mismatch(&mut self, op: BinOp, l: &Typed, r: &Typed) {
        let (wrong, right) = if l.decl.is_some() && r.decl.is_none() {
            (r, l)
        } else {
            (l, r)
        };
        let msg = format!(
            "cannot compare {} with {} using `{}`",
            l.ty.name(),
            r.ty.name(),
            op.symbol()
        );
        let d = self.err(Code::E017, wrong.span, msg);
        d.label = Some(format!("this is {}", wrong.ty.name()));
        d.secondary.push(Label {
            span: right.span,
            message: format!("this is {}", right.ty.name()),
        });
        for t in [wrong, right] {
            if let Some(decl) = t
                .decl
                .filter(|s| !t.span.range().contains(&(s.start as usize)))
            {
                d.secondary.push(Label {
                    span: decl,
                    message: format!("declared as {} here", t.ty.name()),
                });
            }
        }
        d.help = Some(
            "numbers compare with numbers, strings with strings, booleans with booleans".into(),
        );
    }

    fn untyped_json(&mut self, at: Span, hint: Option<Ty>) {
        let d = self.err(
            Code::E019,
            at,
            "`json(...)` needs a type: add `as string`, `as int`, `as float` or `as bool`",
        );
        let ty = match hint {
            Some(Ty::Int) => Some("int"),
            Some(Ty::Float) => Some("float"),
            Some(Ty::Bool) => Some("bool"),
            Some(t) if t.is_string_like() => Some("string"),
            _ => None,
        };
        if let Some(ty) = ty {
            d.fix = Some(Fix {
                message: format!("add `as {ty}`"),
                span: Span {
                    start: at.end,
                    end: at.end,
                },
                replacement: format!(" as {ty}"),
            });
        }
    }

    fn matches(
        &mut self,
        value: &Expr,
        pattern: &StrLit,
        reads: &mut Vec<FileRead>,
    ) -> Option<Cond> {
        let t = self.operand(value, reads)?;
        let Some(p) = pattern.as_plain() else {
            self.err(
                Code::E018,
                pattern.span,
                "a `matches` pattern cannot be interpolated",
            );
            return None;
        };
        if let Some(at) = t.untyped_json {
            self.untyped_json(at, Some(Ty::String));
            return None;
        }
        if !(t.ty.is_string_like() || t.ty == Ty::Error) {
            self.err(
                Code::E017,
                value.span,
                format!("`matches` needs a string, but this is {}", t.ty.name()),
            );
            return None;
        }
        match t.operand {
            Operand::Ref(r) => Some(Cond::Matches(r, p)),
            Operand::Lit(_) => {
                self.err(Code::E045, value.span, "matching a literal is a constant");
                None
            }
        }
    }

    fn operand(&mut self, e: &Expr, reads: &mut Vec<FileRead>) -> Option<Typed> {
        let lit = |v: Json, ty: Ty| Typed {
            operand: Operand::Lit(v),
            ty,
            span: e.span,
            decl: None,
            guard: None,
            untyped_json: None,
        };
        Some(match &e.kind {
            ExprKind::Int(i) => lit(Json::from(*i), Ty::Int),
            ExprKind::Float(f) => lit(Json::from(*f), Ty::Float),
            ExprKind::Bool(b) => lit(Json::Bool(*b), Ty::Bool),
            ExprKind::Str(s) => match s.as_plain() {
                Some(t) => lit(Json::String(t), Ty::String),
                None => {
                    self.err(Code::E018, e.span, "strings in conditions cannot be interpolated; compare with the parameter itself");
                    return None;
                }
            },
            ExprKind::Ref(_) => {
                let (v, ty, decl) = self.resolve(e)?;
                let r = match v {
                    super::Val::Ref(Ref::Exec(_)) => {
                        self.err(
                            Code::E042,
                            e.span,
                            "an execution variable cannot be compared in a condition",
                        )
                        .set_help(
                            "compare parameters, step outputs or values read with `json(...)`",
                        );
                        return None;
                    }
                    super::Val::Ref(r) => r,
                    // `pipeline.name` is known when compiling.
                    super::Val::Lit(j) => return Some(lit(j, ty)),
                    super::Val::Template(_) => return None,
                };
                if ty == Ty::Json || ty == Ty::PropertyFile {
                    self.err(Code::E019, e.span, format!("a {} has no type of its own: read a field with `json({}, \"path\") as T`", ty.name(), "..."));
                    return None;
                }
                Typed {
                    operand: Operand::Ref(r),
                    ty,
                    span: e.span,
                    decl,
                    guard: None,
                    untyped_json: None,
                }
            }
            ExprKind::Json { file, path, ty } => {
                let base = self.json_source(file, reads);
                let keys = self.json_path(path);
                let full = match (base?, keys?) {
                    (Ref::File { step, file, .. }, keys) => Ref::File { step, file, keys },
                    (Ref::Json { step, output, .. }, keys) => {
                        self.mark_read(&step, &output, super::Read::Fields(vec![keys.clone()]));
                        Ref::Json { step, output, keys }
                    }
                    _ => return None,
                };
                let (ty_, decl, untyped) = match ty {
                    Some(t) => match super::Ty::from_name(&t.name) {
                        Some(ty_) => (ty_, Some(t.span), None),
                        None => {
                            self.err(Code::E034, t.span, format!("unknown type `{}`", t.name))
                                .set_help("use `string`, `int`, `float` or `bool`");
                            return None;
                        }
                    },
                    None => (Ty::Error, None, Some(e.span)),
                };
                Typed {
                    operand: Operand::Ref(full.clone()),
                    ty: ty_,
                    span: e.span,
                    decl,
                    guard: Some(full),
                    untyped_json: untyped,
                }
            }
            ExprKind::Call { name, args } if name.name == "number" => {
                return self.number(e, args, reads);
            }
            ExprKind::Error => return None,
            _ => {
                self.err(
                    Code::E042,
                    e.span,
                    "expected a parameter, a step output, a literal, `json(...)` or `number(...)`",
                );
                return None;
            }
        })
    }

    /// `number(Stage)`: a text value compared as a number, read with `States.StringToJson`
    /// before the Choice (SageMaker converts a string compared with a number).
    fn number(&mut self, e: &Expr, args: &[Expr], reads: &mut Vec<FileRead>) -> Option<Typed> {
        let [arg] = args else {
            self.err(
                Code::E033,
                e.span,
                "`number(...)` takes one value: `number(Stage)`",
            );
            return None;
        };
        let inner = self.operand(arg, reads)?;
        let source = match (inner.operand, inner.ty) {
            (Operand::Ref(r), Ty::String | Ty::Error) => r,
            (Operand::Lit(_), _) => {
                self.err(
                    Code::E045,
                    arg.span,
                    "`number(...)` of a literal: write the number itself",
                );
                return None;
            }
            (_, ty) => {
                self.err(
                    Code::E017,
                    arg.span,
                    format!(
                        "`number(...)` reads text as a number, not a value of type {}",
                        ty.name()
                    ),
                )
                .set_help("compare it as it is");
                return None;
            }
        };
        let when = self.current_step();
        let k = match self.numbers.iter().position(|r| *r == source) {
            Some(k) => k,
            None => {
                self.numbers.push(source);
                self.numbers.len() - 1
            }
        };
        Some(Typed {
            operand: Operand::Ref(Ref::output(&when, &super::number_output(k))),
            ty: Ty::Float,
            span: e.span,
            decl: None,
            // A value read from JSON is checked to be text (the `when` adds the check).
            guard: None,
            untyped_json: inner.untyped_json,
        })
    }

    /// The JSON a `json(...)` reads (with no keys yet); property files are read from S3 first.
    fn json_source(&mut self, file: &Expr, reads: &mut Vec<FileRead>) -> Option<Ref> {
        if matches!(file.kind, ExprKind::Str(_) | ExprKind::Call { .. }) {
            return self.json_at(file, reads);
        }
        self.reading_json = true;
        let resolved = self.resolve(file);
        self.reading_json = false;
        let (v, ty, _) = resolved?;
        let super::Val::Ref(Ref::Output { step, output }) = v else {
            return None;
        };
        match ty {
            Ty::Json => Some(Ref::Json {
                step,
                output,
                keys: vec![],
            }),
            Ty::PropertyFile => {
                let ExprKind::Ref(parts) = &file.kind else {
                    return None;
                };
                let (step, name) = (parts[0].name.clone(), parts[1].name.clone());
                let f = self.files.get(&(step.clone(), name.clone()))?.clone();
                let read = FileRead {
                    step: step.clone(),
                    file: name.clone(),
                    bucket: f.bucket,
                    key: f.key,
                };
                if !reads.contains(&read) {
                    reads.push(read);
                }
                Some(Ref::File {
                    step,
                    file: name,
                    keys: vec![],
                })
            }
            Ty::Error => None,
            other => {
                self.err(Code::E037, file.span, format!("`json(...)` reads a property file or a JSON result, but this is {}", other.name()))
                    .set_help("declare a property file with `property_file <name> = <output> / \"<file>.json\"`");
                None
            }
        }
    }

    /// `json("s3://bucket/{Run}/metrics.json", "auc")`: a JSON file at an S3 location that is
    /// not a step's property file (SageMaker's `JsonGet(s3_uri=…)`), read before the condition
    /// like one, into `$.steps.<When>_s3.json<k>`.
    fn json_at(&mut self, file: &Expr, reads: &mut Vec<FileRead>) -> Option<Ref> {
        let uri = self.s3_val(file)?;
        let Some((bucket, key)) = super::jobs::split_s3(&uri) else {
            self.err(
                Code::E041,
                file.span,
                "the bucket of a JSON file read at run time must be written literally",
            )
            .set_help("write the location as \"s3://<bucket>/<key with {Params}>\"");
            return None;
        };
        let when = self.current_step();
        let step = super::json_files_step(&when);
        let existing = reads
            .iter()
            .find(|r| r.step == step && r.bucket == bucket && r.key == key)
            .map(|r| r.file.clone());
        let file = match existing {
            Some(f) => f,
            None => {
                let k = reads.iter().filter(|r| r.step == step).count();
                let name = format!("json{k}");
                reads.push(FileRead {
                    step: step.clone(),
                    file: name.clone(),
                    bucket,
                    key,
                });
                name
            }
        };
        Some(Ref::File {
            step,
            file,
            keys: vec![],
        })
    }

    /// `a.b[0].c` → keys; the lowering writes them in JSONPath notation.
    fn json_path(&mut self, path: &StrLit) -> Option<Vec<Key>> {
        let bad = |c: &mut Checker, why: &str| {
            c.err(Code::E038, path.span, format!("invalid JSON path: {why}"))
                .set_help("write keys separated by dots, with optional [index]: `classification_metrics.auc.value`");
            None
        };
        let Some(text) = path.as_plain() else {
            return bad(self, "it cannot be interpolated");
        };
        if text.is_empty() {
            return bad(self, "it is empty");
        }
        let mut out = Vec::new();
        for seg in text.split('.') {
            let (key, rest) = match seg.find('[') {
                Some(n) => (&seg[..n], &seg[n..]),
                None => (seg, ""),
            };
            if key.is_empty() {
                return bad(self, "a key is empty");
            }
            if key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ' ' | ':'))
            {
                out.push(Key::Field(key.to_string()));
            } else {
                return bad(
                    self,
                    &format!("`{key}` contains characters that cannot appear in a key"),
                );
            }
            let mut rest = rest;
            while !rest.is_empty() {
                let Some(close) = rest.find(']') else {
                    return bad(self, "`[` is not closed");
                };
                let idx = &rest[1..close];
                let Ok(index) = idx.parse::<u32>() else {
                    return bad(self, &format!("`[{idx}]` is not an array index"));
                };
                if !idx.chars().all(|c| c.is_ascii_digit()) {
                    return bad(self, &format!("`[{idx}]` is not an array index"));
                }
                out.push(Key::Index(index));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return bad(self, "expected `.` or `[` after `]`");
                }
            }
        }
        Some(out)
    }
}

fn compare(op: BinOp, ty: CmpTy, lhs: Operand, rhs: Operand, guard: Option<Ref>) -> Cond {
    Cond::Compare {
        op,
        ty,
        lhs,
        rhs,
        guards: guard.into_iter().map(|g| (g, ty)).collect(),
    }
}

impl Checker {
    /// `json(file, "path") as T` where text goes (a `str`/`join` value). A property file must
    /// be read from S3 first, which the steps that take `reads` (a fail message) do.
    pub(super) fn json_text(
        &mut self,
        e: &Expr,
        reads: Option<&mut Vec<FileRead>>,
    ) -> Option<super::Val> {
        let r = self.json_value(e, reads)?;
        Some(super::Val::Template(vec![super::TPart::Ref(r)]))
    }

    /// `json(Step.payload, "path") as T`: a value inside a JSON result, as it is (a number
    /// stays a number in a payload). Property files need `reads`, as in [`Self::json_text`].
    pub(super) fn json_value(
        &mut self,
        e: &Expr,
        reads: Option<&mut Vec<FileRead>>,
    ) -> Option<Ref> {
        let mut none = Vec::new();
        let has_reads = reads.is_some();
        let target = match reads {
            Some(r) => r,
            None => &mut none,
        };
        let t = self.operand(e, target)?;
        if let Some(at) = t.untyped_json {
            self.untyped_json(at, Some(Ty::String));
            return None;
        }
        let Operand::Ref(r) = t.operand else {
            return None;
        };
        if matches!(r, Ref::File { .. }) && !has_reads {
            self.err(
                Code::E037,
                e.span,
                "a property file can be read here only in a `when` condition or a `fail` message",
            )
            .set_help("compare it in a `when`, or pass the file's location (`Step.file`) instead");
            return None;
        }
        Some(r)
    }
}
