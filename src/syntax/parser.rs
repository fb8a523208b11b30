//! The grammar (see `grammar/sfn.ebnf`), written with nom. Statement loops recover from errors:
//! a failed statement is reported and skipped, and parsing resumes at the next one.

use super::ast::*;
use super::lexical::*;
use crate::diagnostics::{did_you_mean, Code, Span};
use nom::branch::alt;
use nom::combinator::{cut, map, opt};
use nom::multi::separated_list0;
use nom::sequence::{preceded, terminated};

/// Top-level declarations that are not steps.
const DECLARATIONS: &[&str] = &[
    "param",
    "retry",
    "schedule",
    "trigger",
    "role",
    "cache_table",
];
/// Pipeline-wide settings of the form `key value`.
const SETTINGS: &[&str] = &["role", "cache_table", "default_bucket"];

pub fn pipeline(i: In) -> (Pipeline, In) {
    let start = i;
    let header = (|i| {
        let (i, _) = keyword("pipeline")(i)?;
        let (i, name) = cut(string_lit)(i)?;
        let (i, open) = cut(sym("{"))(i)?;
        Ok((i, (name, open)))
    })(i);
    let (i, name, open) = match header {
        Ok((i, (name, open))) => (i, name, Some(open)),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            report(&start, e);
            let empty = StrLit {
                parts: vec![],
                span: Span::default(),
            };
            // Without a header, read what follows as the pipeline's body anyway.
            (skip_header(start), empty, None)
        }
        Err(nom::Err::Incomplete(_)) => (
            start,
            StrLit {
                parts: vec![],
                span: Span::default(),
            },
            None,
        ),
    };
    let (mut i, items) = statements(i, item);
    if let Some(open) = open {
        i = close_block(i, open);
    }
    if !at_end(i) {
        if let Ok((j, _)) = ws(i) {
            report(
                &j,
                PErr::at(&j, "end of file after the pipeline's closing `}`"),
            );
            i = advance(j, j.fragment().len());
        }
    }
    let span = span_between(&start, &i);
    (Pipeline { name, items, span }, i)
}

/// Skip a broken header up to its `{`, or nothing when there is none on the first line.
fn skip_header(i: In) -> In {
    let s = *i.fragment();
    let line = s.find('\n').unwrap_or(s.len());
    match s[..line].find('{') {
        Some(n) => advance(i, n + 1),
        None => i,
    }
}

fn report(i: &In, e: PErr) {
    let mut errors = i.extra.errors.borrow_mut();
    // A second error at the same place only restates the first; a flood of errors helps
    // nobody, and the first hundred locate the damage.
    if errors.last().is_some_and(|last| last.offset == e.offset) {
        return;
    }
    if errors.len() < 100 {
        errors.push(e);
    }
}

/// Parse statements with `one` until `}` or the end of input, recovering from errors.
fn statements<'a, T>(mut i: In<'a>, one: fn(In<'a>) -> PResult<'a, T>) -> (In<'a>, Vec<T>) {
    let mut out = Vec::new();
    loop {
        let Ok((j, _)) = ws(i) else {
            // An unterminated comment: report it and stop.
            if let Err(nom::Err::Failure(e) | nom::Err::Error(e)) = ws(i) {
                report(&i, e);
            }
            return (advance(i, i.fragment().len()), out);
        };
        if j.fragment().is_empty() || j.fragment().starts_with('}') {
            return (j, out);
        }
        match one(j) {
            Ok((k, t)) => {
                out.push(t);
                i = k;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                let at = e.offset;
                report(&j, e);
                i = recover(j, at);
            }
            Err(nom::Err::Incomplete(_)) => return (j, out),
        }
    }
}

/// Skip the failed statement: from the error position to the end of its line, and on past any
/// block the statement opened. Stops before a `}` that closes an enclosing block.
fn recover(i: In, error_offset: usize) -> In {
    let s = *i.fragment();
    let base = i.location_offset();
    let from = error_offset.saturating_sub(base).min(s.len());
    // An error on the first word of a line that starts a statement: that statement is intact,
    // resume there.
    let line_start = s[..from].rfind('\n').map(|n| n + 1).unwrap_or(0);
    let word: String = s[from..].chars().take_while(|c| is_word_char(*c)).collect();
    if from > 0
        && line_start > 0
        && s[line_start..from].trim().is_empty()
        && is_statement_keyword(&word)
    {
        return advance(i, from);
    }
    // Count the braces the statement opened before the error.
    let mut depth: i32 = 0;
    let mut in_str = false;
    let mut escaped = false;
    let bytes = s.as_bytes();
    for &b in &bytes[..from] {
        scan(b, &mut depth, &mut in_str, &mut escaped);
    }
    let mut n = from;
    while n < bytes.len() {
        let b = bytes[n];
        if !in_str && b == b'}' && depth <= 0 {
            break;
        }
        if !in_str && b == b'\n' && depth <= 0 {
            n += 1;
            break;
        }
        scan(b, &mut depth, &mut in_str, &mut escaped);
        n += 1;
    }
    // Always make progress, even when the error sits on a `}`.
    if n == 0 {
        n = s.chars().next().map(char::len_utf8).unwrap_or(0);
    }
    while !s.is_char_boundary(n) {
        n += 1;
    }
    advance(i, n)
}

fn scan(b: u8, depth: &mut i32, in_str: &mut bool, escaped: &mut bool) {
    if *in_str {
        if *escaped {
            *escaped = false;
        } else if b == b'\\' {
            *escaped = true;
        } else if b == b'"' || b == b'\n' {
            *in_str = false;
        }
        return;
    }
    match b {
        b'"' => *in_str = true,
        b'{' => *depth += 1,
        b'}' => *depth -= 1,
        _ => {}
    }
}

/// Expect the `}` that closes a block opened at `open`; report E006 when it is missing.
fn close_block(i: In, open: Span) -> In {
    match sym("}")(i) {
        Ok((i, _)) => i,
        Err(_) => {
            let (at, _) = ws(i).unwrap_or((i, ()));
            let mut e = PErr::at(&at, "`}`");
            e.code = Code::E006;
            e.message = Some("unclosed block: expected `}`".to_string());
            e.secondary = Some((open, "block opened here".to_string()));
            report(&at, e);
            at
        }
    }
}

/// The depth guard: every recursive rule of the grammar (expressions, `not`, nested steps)
/// recurses through this combinator and nowhere else, so nesting past [`MAX_DEPTH`] is one
/// E005 diagnostic, never a stack overflow.
fn nested<'a, T>(
    mut f: impl FnMut(In<'a>) -> PResult<'a, T>,
) -> impl FnMut(In<'a>) -> PResult<'a, T> {
    move |i: In<'a>| {
        let d = i.extra.depth.get() + 1;
        if d > MAX_DEPTH {
            let span = Span::new(i.location_offset(), i.location_offset() + 1);
            return Err(nom::Err::Failure(PErr::custom(
                span,
                Code::E005,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            )));
        }
        i.extra.depth.set(d);
        let r = f(i);
        i.extra.depth.set(d - 1);
        r
    }
}

fn item(i: In) -> PResult<Item> {
    let (_, w) = word(i).map_err(|_| expected_statement(i, true))?;
    match w.name.as_str() {
        "param" => map(param, Item::Param)(i),
        "retry" => map(retry_decl, Item::Retry)(i),
        "schedule" => map(schedule, Item::Schedule)(i),
        "trigger" => map(trigger, Item::Trigger)(i),
        s if SETTINGS.contains(&s) => map(prop, Item::Setting)(i),
        s if StepKind::from_keyword(s).is_some() => map(step, Item::Step)(i),
        _ => Err(expected_statement(i, true)),
    }
}

fn expected_statement(i: In, top: bool) -> nom::Err<PErr> {
    let (at, _) = ws(i).unwrap_or((i, ()));
    let what = if top {
        "a step or a declaration"
    } else {
        "a step"
    };
    let mut e = PErr::at(&at, what);
    if let Ok((_, w)) = word(at) {
        let kinds = StepKind::ALL.iter().map(|(k, _)| *k);
        let candidates: Vec<&str> = if top {
            kinds.chain(DECLARATIONS.iter().copied()).collect()
        } else {
            kinds.collect()
        };
        if let Some(s) = did_you_mean(&w.name, candidates) {
            e.message = Some(format!(
                "expected {what}, found `{}`; did you mean `{s}`?",
                w.name
            ));
        }
    }
    nom::Err::Error(e)
}

fn param(i: In) -> PResult<Param> {
    let start = i;
    let (i, _) = keyword("param")(i)?;
    let (i, name) = cut(word)(i)?;
    let (i, _) = cut(sym(":"))(i)?;
    let (i, ty) = cut(word)(i)?;
    let (i, default) = opt(preceded(sym("="), cut(expr)))(i)?;
    let (s, _) = ws(start)?;
    Ok((
        i,
        Param {
            name,
            ty,
            default,
            span: span_between(&s, &i),
        },
    ))
}

fn retry_decl(i: In) -> PResult<RetryDecl> {
    let (s, _) = ws(i)?;
    let (i, _) = keyword("retry")(i)?;
    let (i, name) = cut(word)(i)?;
    let (i, open) = cut(sym("{"))(i)?;
    let (i, props) = statements(i, prop);
    let i = close_block(i, open);
    Ok((
        i,
        RetryDecl {
            name,
            props,
            span: span_between(&s, &i),
        },
    ))
}

fn schedule(i: In) -> PResult<Schedule> {
    let (s, _) = ws(i)?;
    let (i, _) = keyword("schedule")(i)?;
    let (i, expr) = cut(string_lit)(i)?;
    let (i, bindings) = optional_map(i)?;
    Ok((
        i,
        Schedule {
            expr,
            bindings,
            span: span_between(&s, &i),
        },
    ))
}

fn trigger(i: In) -> PResult<Trigger> {
    let (s, _) = ws(i)?;
    let (i, _) = keyword("trigger")(i)?;
    let (i, source) = cut(word)(i)?;
    let (i, uri) = cut(string_lit)(i)?;
    let (i, bindings) = optional_map(i)?;
    Ok((
        i,
        Trigger {
            source,
            uri,
            bindings,
            span: span_between(&s, &i),
        },
    ))
}

fn step(i: In) -> PResult<Step> {
    let (s, _) = ws(i)?;
    let (i, kw) = word(i)?;
    let Some(kind) = StepKind::from_keyword(&kw.name) else {
        return Err(expected_statement(s, false));
    };
    let (i, name) = cut(word)(i)?;
    let (i, body) = nested(|i| match kind {
        StepKind::When => when_body(i),
        StepKind::Parallel => parallel_body(i),
        StepKind::Foreach => foreach_body(i),
        _ => props_body(i),
    })(i)?;
    Ok((
        i,
        Step {
            kind,
            kind_span: kw.span,
            name,
            body,
            span: span_between(&s, &i),
        },
    ))
}

fn props_body(i: In) -> PResult<StepBody> {
    let (i, open) = cut(sym("{"))(i)?;
    let (i, props) = statements(i, prop);
    let i = close_block(i, open);
    Ok((i, StepBody::Props(props)))
}

fn block(i: In) -> PResult<Block> {
    let (s, _) = ws(i)?;
    let (i, open) = cut(sym("{"))(i)?;
    let (i, steps) = statements(i, step);
    let i = close_block(i, open);
    Ok((
        i,
        Block {
            steps,
            span: span_between(&s, &i),
        },
    ))
}

fn when_body(i: In) -> PResult<StepBody> {
    let (i, _) = cut(sym(":"))(i)?;
    let (i, cond) = cut(expr)(i)?;
    let (i, then) = block(i)?;
    let (i, otherwise) = opt(preceded(keyword("else"), cut(block)))(i)?;
    Ok((
        i,
        StepBody::When(When {
            cond,
            then,
            otherwise,
        }),
    ))
}

fn parallel_body(i: In) -> PResult<StepBody> {
    let (i, open) = cut(sym("{"))(i)?;
    let (i, branches) = statements(i, branch);
    let i = close_block(i, open);
    Ok((i, StepBody::Parallel(branches)))
}

fn foreach_body(i: In) -> PResult<StepBody> {
    let (i, _) = cut(sym(":"))(i)?;
    let (i, item) = cut(word)(i)?;
    let (i, _) = cut(keyword("in"))(i)?;
    let (i, source) = match keyword("s3")(i) {
        Ok((j, _)) => {
            let (j, uri) = cut(string_lit)(j)?;
            (j, ForeachSource::S3(uri))
        }
        Err(_) => {
            let (j, e) = cut(expr)(i)?;
            (j, ForeachSource::List(e))
        }
    };
    let (j, _) = ws(i)?;
    let (k, open) = cut(sym("{"))(j)?;
    let (k, body) = statements(k, foreach_statement);
    let k = close_block(k, open);
    let mut options = Vec::new();
    let mut steps = Vec::new();
    for b in body {
        match b {
            ForeachStatement::Option(p) => options.push(p),
            ForeachStatement::Step(s) => steps.push(s),
        }
    }
    Ok((
        k,
        StepBody::Foreach(Foreach {
            item,
            source,
            options,
            block: Block {
                steps,
                span: span_between(&j, &k),
            },
        }),
    ))
}

enum ForeachStatement {
    Option(Prop),
    Step(Step),
}

/// Inside a `foreach`: its options, or a step.
fn foreach_statement(i: In) -> PResult<ForeachStatement> {
    let (_, w) = word(i).map_err(|_| expected_statement(i, false))?;
    if matches!(w.name.as_str(), "max_concurrency" | "tolerate") {
        map(prop, ForeachStatement::Option)(i)
    } else {
        map(step, ForeachStatement::Step)(i)
    }
}

fn branch(i: In) -> PResult<Branch> {
    let (i, _) = keyword("branch")(i)?;
    let (i, name) = if peek_sym(i, "{") {
        (i, None)
    } else {
        map(word, Some)(i)?
    };
    let (i, block) = block(i)?;
    Ok((i, Branch { name, block }))
}

/// A property: its key decides the form of its value.
fn prop(i: In) -> PResult<Prop> {
    let (s, _) = ws(i)?;
    let (i, key) = word(i).map_err(|_| nom::Err::Error(PErr::at(&s, "a property name")))?;
    let mut at = None;
    let mut options = Vec::new();
    let (i, label, value) = match Shape::of(&key.name) {
        Shape::Labeled => {
            let (i, label) = cut(word)(i)?;
            let (i, value) = match sym("=")(i) {
                Ok((j, _)) => {
                    let (j, e) = cut(expr)(j)?;
                    (j, PropValue::Expr(e))
                }
                Err(_) => (i, PropValue::Absent(label.span)),
            };
            let (i, path) = opt(preceded(keyword("at"), cut(string_lit)))(i)?;
            at = path;
            let i = if peek_sym(i, "{") {
                let (j, open) = sym("{")(i)?;
                let (j, props) = statements(j, option);
                options = props;
                close_block(j, open)
            } else {
                i
            };
            (i, Some(label), value)
        }
        Shape::Instance => {
            let (i, spec) = cut(instance_spec)(i)?;
            (i, None, PropValue::Instance(spec))
        }
        Shape::Names => {
            let (i, names) = cut(separated_list0(sym(","), word))(i)?;
            if names.is_empty() {
                return Err(nom::Err::Failure(PErr::at(&i, "a retry policy name")));
            }
            (i, None, PropValue::Names(names))
        }
        Shape::Map => {
            let (i, m) = cut(map_block)(i)?;
            (i, None, PropValue::Map(m))
        }
        Shape::Value => {
            let (i, e) = cut(expr)(i)?;
            (i, None, PropValue::Expr(e))
        }
    };
    Ok((
        i,
        Prop {
            key,
            label,
            value,
            at,
            options,
            span: span_between(&s, &i),
        },
    ))
}

/// An option of an input, output or channel: `key value`, never a block, so options cannot
/// nest.
fn option(i: In) -> PResult<Prop> {
    let (s, _) = ws(i)?;
    let (i, key) = word(i).map_err(|_| nom::Err::Error(PErr::at(&s, "an option name")))?;
    let (i, e) = cut(expr)(i)?;
    Ok((
        i,
        Prop {
            key,
            label: None,
            value: PropValue::Expr(e),
            at: None,
            options: Vec::new(),
            span: span_between(&s, &i),
        },
    ))
}

/// `ml.m5.xlarge x 2`: the type is read as one token so the checker can judge its shape.
fn instance_spec(i: In) -> PResult<InstanceSpec> {
    let (i, _) = ws(i)?;
    let s = *i.fragment();
    let len = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .map(|(n, _)| n)
        .unwrap_or(s.len());
    if len == 0 {
        return fail(&i, "an instance type such as `ml.m5.xlarge`");
    }
    let base = i.location_offset();
    let ty = Ident {
        name: s[..len].to_string(),
        span: Span::new(base, base + len),
    };
    let i = advance(i, len);
    let (i, count) = match keyword("x")(i) {
        Ok((j, _)) if word(j).is_ok() => {
            let (j, name) = word(j)?;
            (j, Some(Count::Name(name)))
        }
        Ok((j, _)) => {
            let (j, (n, span)) = cut(number)(j)?;
            match n {
                Number::Int(v) => (j, Some(Count::Lit(v, span))),
                _ => {
                    return Err(nom::Err::Failure(PErr::custom(
                        span,
                        Code::E001,
                        "expected an instance count: a whole number or an `int` parameter",
                    )))
                }
            }
        }
        Err(_) => (i, None),
    };
    let end = count
        .as_ref()
        .map(|c| c.span().end as usize)
        .unwrap_or(base + len);
    Ok((
        i,
        InstanceSpec {
            ty,
            count,
            span: Span::new(base, end),
        },
    ))
}

/// `{ key = value, ... }`: entries separated by commas or new lines.
/// `{ k = v, … }` when one follows (a schedule's or trigger's bindings), else nothing.
fn optional_map(i: In) -> PResult<Vec<Binding>> {
    if peek_sym(i, "{") {
        map_block(i)
    } else {
        Ok((i, Vec::new()))
    }
}

fn map_block(i: In) -> PResult<Vec<Binding>> {
    let (i, open) = sym("{")(i)?;
    let (i, entries) = statements(i, |i| {
        let (i, b) = binding(i)?;
        let (i, _) = opt(sym(","))(i)?;
        Ok((i, b))
    });
    let i = close_block(i, open);
    Ok((i, entries))
}

fn binding(i: In) -> PResult<Binding> {
    let (s, _) = ws(i)?;
    let (i, key) = alt((
        word,
        map(string_lit, |l| Ident {
            name: l.as_plain().unwrap_or_default(),
            span: l.span,
        }),
    ))(s)
    .map_err(|_| nom::Err::Error(PErr::at(&s, "a key")))?;
    // `key = value`; `key: type` declares a field (`outputs { model_uri: s3 }`).
    let (i, _) = cut(alt((sym("="), sym(":"))))(i)?;
    let (i, value) = cut(expr)(i)?;
    Ok((
        i,
        Binding {
            key,
            value,
            span: span_between(&s, &i),
        },
    ))
}

/// Every nested expression (parentheses, list items, call arguments, `exists(`, `json(`)
/// starts here, behind the depth guard.
pub fn expr(i: In) -> PResult<Expr> {
    nested(|i| binary_chain(i, "or", BinOp::Or, and_expr))(i)
}

fn and_expr(i: In) -> PResult<Expr> {
    binary_chain(i, "and", BinOp::And, not_expr)
}

fn binary_chain<'a>(
    i: In<'a>,
    kw: &'static str,
    op: BinOp,
    next: fn(In<'a>) -> PResult<'a, Expr>,
) -> PResult<'a, Expr> {
    let (mut i, mut lhs) = next(i)?;
    while let Ok((j, k)) = keyword(kw)(i) {
        let (j, rhs) = cut(next)(j)?;
        let span = lhs.span.to(rhs.span);
        lhs = Expr {
            kind: ExprKind::Binary {
                op,
                op_span: k.span,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span,
        };
        i = j;
    }
    Ok((i, lhs))
}

fn not_expr(i: In) -> PResult<Expr> {
    if let Ok((j, k)) = keyword("not")(i) {
        let (j, e) = cut(nested(not_expr))(j)?;
        let span = k.span.to(e.span);
        return Ok((
            j,
            Expr {
                kind: ExprKind::Not(Box::new(e)),
                span,
            },
        ));
    }
    compare(i)
}

const COMPARISONS: &[(&str, BinOp)] = &[
    ("==", BinOp::Eq),
    ("!=", BinOp::Ne),
    ("<=", BinOp::Le),
    (">=", BinOp::Ge),
    ("<", BinOp::Lt),
    (">", BinOp::Gt),
];

fn compare(i: In) -> PResult<Expr> {
    let (i, lhs) = postfix(i)?;
    for (s, op) in COMPARISONS {
        if let Ok((j, op_span)) = sym(s)(i) {
            let (j, rhs) = cut(postfix)(j)?;
            let span = lhs.span.to(rhs.span);
            let kind = ExprKind::Binary {
                op: *op,
                op_span,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
            return Ok((j, Expr { kind, span }));
        }
    }
    // `x in [a, b]` is `x == a or x == b`; `x not in [a, b]` is its negation (SageMaker's
    // `ConditionIn`, and `ConditionNot` around it).
    let negated = keyword("not")(i).and_then(|(j, k)| keyword("in")(j).map(|(j, _)| (j, k)));
    if let Ok((j, in_kw)) = keyword("in")(i).or(negated.clone()) {
        let (j, open) = cut(sym("["))(j)?;
        let (j, items) = separated_list0(sym(","), expr)(j)?;
        let (j, close) = cut(sym("]"))(j)?;
        let mut alternatives = items.into_iter().map(|item| {
            let span = lhs.span.to(item.span);
            Expr {
                kind: ExprKind::Binary {
                    op: BinOp::Eq,
                    op_span: in_kw.span,
                    lhs: Box::new(lhs.clone()),
                    rhs: Box::new(item),
                },
                span,
            }
        });
        let span = lhs.span.to(close);
        let first = alternatives.next().unwrap_or(Expr {
            // `x in []` is never true.
            kind: ExprKind::Bool(false),
            span: open.to(close),
        });
        let any = alternatives.fold(first, |acc, alt| {
            let s = acc.span.to(alt.span);
            Expr {
                kind: ExprKind::Binary {
                    op: BinOp::Or,
                    op_span: in_kw.span,
                    lhs: Box::new(acc),
                    rhs: Box::new(alt),
                },
                span: s,
            }
        });
        let e = if negated.is_ok() {
            Expr {
                kind: ExprKind::Not(Box::new(any)),
                span,
            }
        } else {
            Expr { span, ..any }
        };
        return Ok((j, e));
    }
    if let Ok((j, _)) = keyword("matches")(i) {
        let (j, pattern) = cut(string_lit)(j)?;
        let span = lhs.span.to(pattern.span);
        return Ok((
            j,
            Expr {
                kind: ExprKind::Matches {
                    value: Box::new(lhs),
                    pattern,
                },
                span,
            },
        ));
    }
    Ok((i, lhs))
}

/// A primary followed by `/ "key"` joins (a file under an S3 prefix).
fn postfix(i: In) -> PResult<Expr> {
    let (mut i, mut e) = primary(i)?;
    while let Ok((j, _)) = sym("/")(i) {
        let (j, key) = cut(string_lit)(j)?;
        let span = e.span.to(key.span);
        e = Expr {
            kind: ExprKind::Join(Box::new(e), key),
            span,
        };
        i = j;
    }
    Ok((i, e))
}

fn primary(i: In) -> PResult<Expr> {
    let (i, _) = ws(i)?;
    let c = i.fragment().chars().next();
    match c {
        Some('"') => map(string_lit, |s| Expr {
            span: s.span,
            kind: ExprKind::Str(s),
        })(i),
        Some(c) if c.is_ascii_digit() || c == '-' => {
            let (j, (n, span)) = number(i)?;
            let kind = match n {
                Number::Int(v) => ExprKind::Int(v),
                Number::Float(v) => ExprKind::Float(v),
                Number::Duration(v) => ExprKind::Duration(v),
            };
            Ok((j, Expr { kind, span }))
        }
        Some('(') => {
            let (j, _) = sym("(")(i)?;
            terminated(cut(expr), cut(sym(")")))(j)
        }
        Some('[') => {
            let (j, open) = sym("[")(i)?;
            let (j, items) = separated_list0(sym(","), expr)(j)?;
            let (j, close) = cut(sym("]"))(j)?;
            Ok((
                j,
                Expr {
                    kind: ExprKind::List(items),
                    span: open.to(close),
                },
            ))
        }
        // `{ key = value, … }`: a JSON object written out (an EMR cluster's configuration).
        Some('{') => {
            let (j, bindings) = map_block(i)?;
            Ok((
                j,
                Expr {
                    kind: ExprKind::Map(bindings),
                    span: span_between(&i, &j),
                },
            ))
        }
        Some(c) if c.is_ascii_alphabetic() || c == '_' => word_expr(i),
        _ => fail(&i, "a value"),
    }
}

/// Words that start statements; never read as references, so a value missing at the end of
/// a line does not swallow the next statement.
fn is_statement_keyword(w: &str) -> bool {
    StepKind::from_keyword(w).is_some() || DECLARATIONS.contains(&w)
}

fn word_expr(i: In) -> PResult<Expr> {
    let (j, w) = word(i)?;
    if is_statement_keyword(&w.name) {
        return fail(&ws(i)?.0, "a value");
    }
    match w.name.as_str() {
        "true" | "false" => {
            return Ok((
                j,
                Expr {
                    kind: ExprKind::Bool(w.name == "true"),
                    span: w.span,
                },
            ));
        }
        "json" if peek_sym(j, "(") => return json_call(j, w),
        "exists" if peek_sym(j, "(") => {
            let (k, _) = sym("(")(j)?;
            let (k, e) = cut(expr)(k)?;
            let (k, close) = cut(sym(")"))(k)?;
            return Ok((
                k,
                Expr {
                    kind: ExprKind::Exists(Box::new(e)),
                    span: w.span.to(close),
                },
            ));
        }
        _ => {}
    }
    if peek_sym(j, "(") {
        let (k, _) = sym("(")(j)?;
        let (k, args) = separated_list0(sym(","), expr)(k)?;
        let (k, close) = cut(sym(")"))(k)?;
        return Ok((
            k,
            Expr {
                span: w.span.to(close),
                kind: ExprKind::Call { name: w, args },
            },
        ));
    }
    let mut parts = vec![w];
    let mut j = j;
    // `.` must touch both names: `Step.output`, never `Step . output`.
    while j.fragment().starts_with('.')
        && j.fragment()[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
    {
        let (k, next) = word(advance(j, 1))?;
        parts.push(next);
        j = k;
    }
    let span = parts[0].span.to(parts[parts.len() - 1].span);
    Ok((
        j,
        Expr {
            kind: ExprKind::Ref(parts),
            span,
        },
    ))
}

/// `json(file, "path") [as type]`.
fn json_call<'a>(i: In<'a>, kw: Ident) -> PResult<'a, Expr> {
    let (i, _) = sym("(")(i)?;
    let (i, file) = cut(expr)(i)?;
    let (i, _) = cut(sym(","))(i)?;
    let (i, path) = cut(string_lit)(i)?;
    let (i, close) = cut(sym(")"))(i)?;
    let (i, ty) = opt(preceded(keyword("as"), cut(word)))(i)?;
    let end = ty.as_ref().map(|t| t.span).unwrap_or(close);
    Ok((
        i,
        Expr {
            kind: ExprKind::Json {
                file: Box::new(file),
                path,
                ty,
            },
            span: kw.span.to(end),
        },
    ))
}
