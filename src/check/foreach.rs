//! `foreach Name: Item in <list> { … }`: the steps inside run once per item, concurrently up
//! to `max_concurrency`; `Item` is a typed value inside, and `Name.results` (the list of each
//! iteration's step results) is what the steps after it read.

use super::{
    Checker, Enclosing, Foreach, ForeachSource, ItemInScope, Key, Ref, StepIr, Tolerance, Ty, Val,
};
use crate::diagnostics::{Code, Span};
use crate::syntax::ast::{self, ExprKind, PropValue};

impl Checker {
    pub(super) fn foreach(
        &mut self,
        s: &ast::Step,
        f: &ast::Foreach,
        enclosing: &[Enclosing],
    ) -> Option<StepIr> {
        let source = self.foreach_source(&f.source);
        let (max_concurrency, tolerate) = self.foreach_options(&f.options);
        if self.params.contains_key(&f.item.name) || self.steps.contains_key(&f.item.name) {
            self.err(
                Code::E054,
                f.item.span,
                format!(
                    "`{}` is already a parameter or a step; name the item otherwise",
                    f.item.name
                ),
            );
        }
        let ty = source.as_ref().map_or(Ty::Error, |(_, t)| *t);
        self.items.push(ItemInScope {
            name: f.item.name.clone(),
            foreach: s.name.name.clone(),
            ty,
        });
        self.resolved(f.item.span, &f.item.name);
        let before = self.ran.clone();
        let inner = Enclosing::around(enclosing, s, false, 0);
        let steps: Vec<&ast::Step> = f.block.steps.iter().collect();
        if steps.is_empty() {
            self.err(
                Code::E031,
                f.block.span,
                "a foreach needs at least one step",
            );
        }
        let steps = self.block(&steps, &inner);
        // What ran inside ran once per item: not a step the pipeline can read afterwards.
        self.ran = before;
        self.items.pop();
        let (source, _) = source?;
        Some(StepIr::Foreach(Box::new(Foreach {
            source,
            max_concurrency: max_concurrency?,
            tolerate,
            steps,
        })))
    }

    /// A foreach's `results` carry every output of the steps inside it: when a later step
    /// reads them, those outputs are read whole (kept in the state data of each iteration).
    pub(super) fn foreach_results_read(&mut self, steps: &[super::StepDef]) {
        for s in steps {
            if let StepIr::Foreach(f) = &s.body {
                let read = self
                    .used_outputs
                    .get(&s.name)
                    .is_some_and(|o| o.contains_key("results"));
                if read {
                    let mut inner = Vec::new();
                    super::each_step_def(&f.steps, &mut |x| inner.push(x.name.clone()));
                    for name in inner {
                        let outputs: Vec<String> = self
                            .steps
                            .get(&name)
                            .map(|i| i.outputs.keys().cloned().collect())
                            .unwrap_or_default();
                        let used = self.used_outputs.entry(name).or_default();
                        for o in outputs {
                            used.insert(o, super::Read::Whole);
                        }
                    }
                }
                self.foreach_results_read(&f.steps);
            }
        }
    }

    /// What the foreach iterates over, and the type of its items.
    fn foreach_source(&mut self, src: &ast::ForeachSource) -> Option<(ForeachSource, Ty)> {
        let e = match src {
            ast::ForeachSource::S3(uri) => {
                let (bucket, prefix) = self.s3_location(uri, Code::E054)?;
                return Some((ForeachSource::S3 { bucket, prefix }, Ty::S3Uri));
            }
            ast::ForeachSource::List(e) => e,
        };
        match &e.kind {
            ExprKind::List(items) if items.is_empty() => {
                self.err(
                    Code::E054,
                    e.span,
                    "a foreach over an empty list runs nothing",
                );
                None
            }
            ExprKind::List(items) => {
                let val = self.any_val(e)?;
                // The items' type when they all have one; JSON otherwise.
                let tys: Vec<Option<Ty>> = items.iter().map(super::literal_ty).collect();
                let ty = match tys.as_slice() {
                    [Some(first), rest @ ..] if rest.iter().all(|t| *t == Some(*first)) => *first,
                    _ => Ty::Json,
                };
                Some((ForeachSource::List(val), ty))
            }
            ExprKind::Ref(_) | ExprKind::Json { .. } => {
                let (val, ty) = match &e.kind {
                    ExprKind::Ref(_) => {
                        let (v, t, _) = self.resolve(e)?;
                        (v, t)
                    }
                    _ => (self.any_val(e)?, Ty::Json),
                };
                // A `list` parameter holds strings; a step's JSON list, anything.
                let items = match (&val, ty) {
                    (Val::Ref(Ref::Param(_)), Ty::Json) => Ty::String,
                    _ => Ty::Json,
                };
                if !matches!(ty, Ty::Json | Ty::Error) {
                    self.err(
                        Code::E054,
                        e.span,
                        format!("a foreach runs over a list; this is {}", ty.name()),
                    )
                    .set_help("iterate over a JSON list a step returned (`Step.payload`, `json(Step.payload, \"items\")`), a list written out (`[\"us\", \"eu\"]`) or `s3 \"s3://bucket/prefix/\"`");
                    return None;
                }
                Some((ForeachSource::List(val), items))
            }
            _ => {
                self.err(Code::E054, e.span, "a foreach runs over a list, a step's JSON list or `s3 \"s3://bucket/prefix/\"`");
                None
            }
        }
    }

    /// `max_concurrency N` (default 0: as many at once as Step Functions allows) and
    /// `tolerate N` or `tolerate "N%"` (failed iterations the step survives).
    fn foreach_options(&mut self, options: &[ast::Prop]) -> (Option<u64>, Option<Tolerance>) {
        let mut max = Some(0);
        let mut tolerate = None;
        for p in options {
            let PropValue::Expr(e) = &p.value else {
                continue;
            };
            match (p.key.name.as_str(), &e.kind) {
                ("max_concurrency", ExprKind::Int(n)) if *n >= 0 => max = Some(*n as u64),
                ("tolerate", ExprKind::Int(n)) if *n >= 0 => {
                    tolerate = Some(Tolerance::Count(*n as u64))
                }
                ("tolerate", ExprKind::Str(s)) => {
                    let pct = s
                        .as_plain()
                        .and_then(|t| t.strip_suffix('%').map(str::to_string))
                        .and_then(|t| t.trim().parse::<u64>().ok())
                        .filter(|p| *p <= 100);
                    match pct {
                        Some(p) => tolerate = Some(Tolerance::Percent(p)),
                        None => {
                            self.err(Code::E054, e.span, "`tolerate` is a count (`tolerate 2`) or a whole percentage from 0 to 100 (`tolerate \"10%\"`)");
                        }
                    }
                }
                (key, _) => {
                    self.err(
                        Code::E054,
                        e.span,
                        format!("`{key}` takes a whole number, 0 or more"),
                    );
                    if key == "max_concurrency" {
                        max = None;
                    }
                }
            }
        }
        (max, tolerate)
    }

    /// `Item` (or `Item.field` of an object) inside the foreach that declares it.
    pub(super) fn item_ref(
        &mut self,
        item: &ItemInScope,
        parts: &[ast::Ident],
    ) -> Option<(Val, Ty, Option<Span>)> {
        self.resolved(parts[0].span, &item.name);
        let keys: Vec<Key> = parts[1..]
            .iter()
            .map(|p| Key::Field(p.name.clone()))
            .collect();
        if !keys.is_empty() && !matches!(item.ty, Ty::Json | Ty::Error) {
            self.err(
                Code::E013,
                parts[1].span,
                format!("`{}` is {}: it has no fields", item.name, item.ty.name()),
            );
            return None;
        }
        let ty = if keys.is_empty() { item.ty } else { Ty::Json };
        Some((
            Val::Ref(Ref::Item {
                foreach: item.foreach.clone(),
                keys,
            }),
            ty,
            None,
        ))
    }
}
