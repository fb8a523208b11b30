//! `aslc fmt`: one canonical layout for pipeline sources. Two-space indentation, one statement
//! per line, the values of consecutive properties of the same shape aligned (as in the language
//! sketch), maps on one line when they fit and one binding per line otherwise, at most one
//! blank line where the source had any, and every comment kept where it was: above a
//! statement, after it on its line, or at the end of a block. Expressions keep their tokens;
//! only the whitespace between them is normalised. A statement with a comment inside it (a
//! multi-line map with a comment between bindings) is kept as written.
//!
//! A source with syntax errors is not formatted: the tree would be partial.

mod source;

use crate::diagnostics::{Diagnostic, Span};
use crate::syntax::ast::{self, ExprKind, Item, PropValue, Shape, StepBody};
use source::{normalise, Source};

const INDENT: &str = "  ";
/// Maps longer than this on one line are written one binding per line.
const WIDTH: usize = 100;

/// Format a pipeline source; the diagnostics when it does not parse.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let (pipeline, diagnostics) = crate::syntax::parse(text);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    let src = Source::new(text);
    let mut p = Printer {
        used: vec![false; src.comments.len()],
        src,
        rows: Vec::new(),
    };
    p.pipeline(&pipeline);
    if let Some(lost) = p.used.iter().position(|u| !u) {
        // Never drop a comment: refuse instead, pointing at the one this layout cannot place.
        let c = &p.src.comments[lost];
        return Err(vec![Diagnostic::new(
            crate::diagnostics::Code::E001,
            Span::new(c.start, c.end),
            "aslc fmt cannot place this comment; move it above a statement",
        )]);
    }
    Ok(render(&p.rows))
}

/// An output line before alignment.
enum Row {
    Blank,
    /// Written as is (headers, braces, comments, statements kept as written).
    Text {
        indent: usize,
        text: String,
    },
    /// Cells aligned with the rows of the same class around it.
    Cells {
        indent: usize,
        class: &'static str,
        cells: Vec<String>,
        trailing: Option<String>,
    },
}

struct Printer<'a> {
    src: Source<'a>,
    used: Vec<bool>,
    rows: Vec<Row>,
}

/// A statement of a block: where it is, and how it prints.
struct Stmt<'t> {
    span: Span,
    node: Node<'t>,
}

enum Node<'t> {
    Prop(&'t ast::Prop, &'static str),
    Param(&'t ast::Param),
    Retry(&'t ast::RetryDecl),
    Schedule(&'t ast::Schedule),
    Trigger(&'t ast::Trigger),
    Step(&'t ast::Step),
}

impl<'a> Printer<'a> {
    fn text(&self, span: Span) -> &'a str {
        self.src.text.get(span.range()).unwrap_or("")
    }

    /// An expression's text, whitespace normalised. A parenthesised operand's span leaves out
    /// its parentheses, so a span that starts or ends at one is widened to take them back.
    fn code(&self, span: Span) -> String {
        let (mut start, mut end) = (span.start as usize, span.end as usize);
        let text = self.src.text;
        loop {
            let (lowest, balance) = paren_balance(&text[start..end]);
            if lowest < 0 {
                match text[..start].rfind('(') {
                    Some(open) if text[open + 1..start].trim().is_empty() => start = open,
                    _ => break,
                }
            } else if balance > 0 {
                match text[end..].find(')') {
                    Some(n) if text[end..end + n].trim().is_empty() => end += n + 1,
                    _ => break,
                }
            } else {
                break;
            }
        }
        normalise(&text[start..end])
    }

    fn push(&mut self, indent: usize, text: impl Into<String>) {
        self.rows.push(Row::Text {
            indent,
            text: text.into(),
        });
    }

    fn pipeline(&mut self, p: &ast::Pipeline) {
        let name = p.name.span.start as usize;
        let header = self.src.text[..name].rfind("pipeline").unwrap_or(name);
        // The file's leading comments, then the header.
        self.comments_before(0, header, 0, true);
        let open = self.src.find_code(p.name.span.end as usize, b'{');
        let items: Vec<Stmt> = p.items.iter().map(item).collect();
        self.push(0, format!("pipeline {} {{", self.text(p.name.span)));
        let close = self.src.last_code('}').unwrap_or(self.src.text.len());
        self.trailing_on_line(
            open.unwrap_or(header),
            items.first().map_or(close, |s| s.span.start as usize),
        );
        self.block(&items, 1, open.map_or(header, |o| o + 1), close);
        self.push(0, "}");
        self.trailing_on_line(close, close + 1);
        self.comments_before(close + 1, self.src.text.len(), 0, false);
    }

    /// A block's statements at `indent`, between its `{` (`from`) and its `}` (`to`).
    fn block(&mut self, items: &[Stmt], indent: usize, from: usize, to: usize) {
        let mut prev = from;
        for (k, s) in items.iter().enumerate() {
            let start = s.span.start as usize;
            let had_comments = self.comments_before(prev, start, indent, k > 0);
            if !had_comments && k > 0 && self.src.blank_between(prev, start) {
                self.rows.push(Row::Blank);
            }
            self.stmt(s, indent);
            prev = s.span.end as usize;
        }
        self.comments_before(prev, to, indent, !items.is_empty());
    }

    /// Own-line comments in `from..to`, each on its line at `indent` (a blank line kept before
    /// them, and between them and what follows). Whether there were any.
    fn comments_before(&mut self, from: usize, to: usize, indent: usize, keep_blank: bool) -> bool {
        let mut any = false;
        let mut prev = from;
        for n in self.src.comments_in(from, to) {
            let c = &self.src.comments[n];
            if self.used[n] {
                continue;
            }
            if (any || keep_blank) && self.src.blank_between(prev, c.start) {
                self.rows.push(Row::Blank);
            }
            self.used[n] = true;
            self.rows.push(Row::Text {
                indent,
                text: self.src.text[c.start..c.end].trim_end().to_string(),
            });
            prev = c.end;
            any = true;
        }
        if any && self.src.blank_between(prev, to) && to < self.src.text.len() {
            self.rows.push(Row::Blank);
        }
        any
    }

    /// An unused comment that starts in `from..to` on the line of `from`: the last row's
    /// trailing comment.
    fn trailing_on_line(&mut self, from: usize, to: usize) {
        let line = self.src.line(from);
        let found = self
            .src
            .comments_in(from, to.max(from + 1))
            .find(|&n| !self.used[n] && self.src.line(self.src.comments[n].start) == line);
        let Some(n) = found else { return };
        let c = &self.src.comments[n];
        let text = self.src.text[c.start..c.end].trim_end().to_string();
        self.used[n] = true;
        match self.rows.last_mut() {
            Some(Row::Cells { trailing, .. }) => *trailing = Some(text),
            Some(Row::Text { text: t, .. }) => {
                t.push_str("  ");
                t.push_str(&text);
            }
            _ => {}
        }
    }

    fn stmt(&mut self, s: &Stmt, indent: usize) {
        let (start, end) = (s.span.start as usize, s.span.end as usize);
        if let Node::Step(step) = s.node {
            return self.step(step, indent);
        }
        if let Node::Retry(r) = s.node {
            let open = self
                .src
                .find_code(r.name.span.end as usize, b'{')
                .unwrap_or(end);
            self.push(indent, format!("retry {} {{", r.name.name));
            let props: Vec<Stmt> = r.props.iter().map(|p| prop(p, "value")).collect();
            self.body(&props, indent, open, end.saturating_sub(1));
            return self.trailing_on_line(end.saturating_sub(1), end + 1);
        }
        let inner = self.src.comments_in(start + 1, end);
        if !inner.is_empty() {
            // Kept as written: a comment inside would have no place in the canonical layout.
            for n in inner {
                self.used[n] = true;
            }
            let text = self.text(s.span).trim_end();
            for (k, line) in text.lines().enumerate() {
                let line = line.trim_end();
                if k == 0 {
                    self.push(indent, line);
                } else {
                    self.push(0, line);
                }
            }
        } else {
            let row = self.row(s, indent);
            self.rows.push(row);
        }
        self.trailing_on_line(end.saturating_sub(1), self.next_line_start(end));
    }

    fn next_line_start(&self, at: usize) -> usize {
        self.src.text[at.min(self.src.text.len())..]
            .find('\n')
            .map_or(self.src.text.len(), |n| at + n)
    }

    /// A one-line statement as aligned cells.
    fn row(&self, s: &Stmt, indent: usize) -> Row {
        let cells = |class: &'static str, cells: Vec<String>| Row::Cells {
            indent,
            class,
            cells,
            trailing: None,
        };
        match s.node {
            Node::Param(p) => {
                let mut c = vec![
                    "param".to_string(),
                    format!("{}:", p.name.name),
                    p.ty.name.clone(),
                ];
                if let Some(d) = &p.default {
                    c.push(format!("= {}", self.code(d.span)));
                }
                cells("param", c)
            }
            Node::Schedule(sch) => {
                let mut rest = self.text(sch.expr.span).to_string();
                if !sch.bindings.is_empty() {
                    rest.push(' ');
                    rest.push_str(&self.map_inline(&sch.bindings));
                }
                cells("value", vec!["schedule".into(), rest])
            }
            Node::Trigger(t) => {
                let mut rest = format!("{} {}", t.source.name, self.text(t.uri.span));
                if !t.bindings.is_empty() {
                    rest.push(' ');
                    rest.push_str(&self.map_inline(&t.bindings));
                }
                cells("value", vec!["trigger".into(), rest])
            }
            Node::Prop(p, class) => self.prop_row(p, class, indent),
            Node::Retry(_) | Node::Step(_) => Row::Blank,
        }
    }

    fn prop_row(&self, p: &ast::Prop, class: &'static str, indent: usize) -> Row {
        let key = p.key.name.clone();
        let cells = match (&p.value, Shape::of(&key)) {
            (_, Shape::Labeled) if p.label.is_some() => {
                let label = p.label.as_ref().map(|l| l.name.clone()).unwrap_or_default();
                let value = match &p.value {
                    PropValue::Expr(e) => format!("= {}", self.code(e.span)),
                    _ => String::new(),
                };
                let mut suffix = Vec::new();
                if let Some(at) = &p.at {
                    suffix.push(format!("at {}", self.text(at.span)));
                }
                if !p.options.is_empty() {
                    let opts: Vec<String> = p.options.iter().map(|o| self.prop_inline(o)).collect();
                    suffix.push(format!("{{ {} }}", opts.join("  ")));
                }
                return Row::Cells {
                    indent,
                    class: "labeled",
                    cells: vec![key, label, value, suffix.join(" ")],
                    trailing: None,
                };
            }
            (PropValue::Map(bindings), _) => {
                let inline = format!("{key} {}", self.map_inline(bindings));
                if inline.len() + indent * INDENT.len() <= WIDTH || bindings.is_empty() {
                    return Row::Text {
                        indent,
                        text: inline,
                    };
                }
                return Row::Text {
                    indent,
                    text: self.map_block(&key, bindings, indent),
                };
            }
            _ => vec![key, self.value(&p.value)],
        };
        Row::Cells {
            indent,
            class,
            cells,
            trailing: None,
        }
    }

    fn prop_inline(&self, p: &ast::Prop) -> String {
        format!("{} {}", p.key.name, self.value(&p.value))
    }

    fn value(&self, v: &PropValue) -> String {
        match v {
            PropValue::Expr(e) => self.code(e.span),
            PropValue::Absent(_) => String::new(),
            PropValue::Instance(i) => self.code(i.span),
            PropValue::Names(names) => names
                .iter()
                .map(|n| n.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            PropValue::Map(b) => self.map_inline(b),
        }
    }

    fn map_inline(&self, bindings: &[ast::Binding]) -> String {
        if bindings.is_empty() {
            return "{}".into();
        }
        let parts: Vec<String> = bindings
            .iter()
            .map(|b| {
                let (k, sep) = (self.binding_key(b), self.separator(b));
                match sep {
                    ":" => format!("{k}: {}", self.code(b.value.span)),
                    _ => format!("{k} = {}", self.code(b.value.span)),
                }
            })
            .collect();
        format!("{{ {} }}", parts.join(", "))
    }

    /// `=` binds a value, `:` declares a type (`outputs { rows: int }`): kept as written.
    fn separator(&self, b: &ast::Binding) -> &'static str {
        let gap = Span::new(b.key.span.end as usize, b.value.span.start as usize);
        if self.text(gap).contains(':') {
            ":"
        } else {
            "="
        }
    }

    /// A map one binding per line, `=` aligned; the text of several rows, indented.
    fn map_block(&self, key: &str, bindings: &[ast::Binding], indent: usize) -> String {
        let width = bindings
            .iter()
            .map(|b| self.binding_key(b).chars().count())
            .max()
            .unwrap_or(0);
        let pad = INDENT.repeat(indent + 1);
        let mut out = format!("{key} {{");
        for b in bindings {
            let k = self.binding_key(b);
            let fill = " ".repeat(width - k.chars().count());
            let used = pad.len() + width + 3;
            let v = self.layout(&b.value, indent + 1, used);
            out.push_str(&match self.separator(b) {
                ":" => format!("\n{pad}{k}:{fill} {v}"),
                _ => format!("\n{pad}{k}{fill} = {v}"),
            });
        }
        out.push('\n');
        out.push_str(&INDENT.repeat(indent));
        out.push('}');
        out
    }

    /// An expression on one line when it fits in what is left of the line (`used` columns are
    /// taken); otherwise a `{ … }` object or a list holding them is laid out one binding or
    /// item per line, nested ones the same way.
    fn layout(&self, e: &ast::Expr, indent: usize, used: usize) -> String {
        let inline = self.code(e.span);
        let nested = |items: &[ast::Expr]| {
            items
                .iter()
                .any(|x| matches!(x.kind, ExprKind::Map(_) | ExprKind::List(_)))
        };
        let breaks = used + inline.len() > WIDTH
            && match &e.kind {
                ExprKind::Map(_) => true,
                ExprKind::List(items) => nested(items),
                _ => false,
            };
        if !breaks {
            return inline;
        }
        let pad = INDENT.repeat(indent + 1);
        let lines: Vec<String> = match &e.kind {
            ExprKind::Map(bindings) => bindings
                .iter()
                .map(|b| {
                    let k = self.binding_key(b);
                    let used = pad.len() + k.len() + 3;
                    format!("{pad}{k} = {}", self.layout(&b.value, indent + 1, used))
                })
                .collect(),
            ExprKind::List(items) => items
                .iter()
                .map(|x| format!("{pad}{}", self.layout(x, indent + 1, pad.len() + 1)))
                .collect(),
            _ => return inline,
        };
        let (open, close, sep) = match e.kind {
            ExprKind::Map(_) => ("{", "}", "\n"),
            _ => ("[", "]", ",\n"),
        };
        format!(
            "{open}\n{}\n{}{close}",
            lines.join(sep),
            INDENT.repeat(indent)
        )
    }

    /// A binding's key as written: a name, or a quoted string.
    fn binding_key(&self, b: &ast::Binding) -> String {
        self.text(b.key.span).to_string()
    }

    fn step(&mut self, s: &ast::Step, indent: usize) {
        let end = s.span.end as usize;
        let kw = s.kind.keyword();
        match &s.body {
            StepBody::Props(props) => {
                let open = self
                    .src
                    .find_code(s.name.span.end as usize, b'{')
                    .unwrap_or(end);
                let stmts: Vec<Stmt> = props.iter().map(|p| prop(p, "value")).collect();
                let empty = stmts.is_empty() && !self.comment_in(open, end);
                self.push(
                    indent,
                    format!("{kw} {} {{{}", s.name.name, if empty { "}" } else { "" }),
                );
                if !empty {
                    self.body(&stmts, indent, open, end.saturating_sub(1));
                }
            }
            StepBody::When(w) => {
                self.push(
                    indent,
                    format!("when {}: {} {{", s.name.name, self.code(w.cond.span)),
                );
                self.steps_block(&w.then, indent);
                if let Some(other) = &w.otherwise {
                    self.rows.pop();
                    self.push(indent, "} else {");
                    self.steps_block(other, indent);
                }
            }
            StepBody::Foreach(f) => {
                let source = match &f.source {
                    ast::ForeachSource::List(e) => self.code(e.span),
                    ast::ForeachSource::S3(uri) => format!("s3 {}", self.text(uri.span)),
                };
                self.push(
                    indent,
                    format!("foreach {}: {} in {source} {{", s.name.name, f.item.name),
                );
                let open = f.block.span.start as usize;
                let mut stmts: Vec<Stmt> = f.options.iter().map(|p| prop(p, "value")).collect();
                stmts.extend(f.block.steps.iter().map(|st| Stmt {
                    span: st.span,
                    node: Node::Step(st),
                }));
                stmts.sort_by_key(|x| x.span.start);
                self.body(&stmts, indent, open, end.saturating_sub(1));
            }
            StepBody::Parallel(branches) => {
                let open = self
                    .src
                    .find_code(s.name.span.end as usize, b'{')
                    .unwrap_or(end);
                self.push(indent, format!("parallel {} {{", s.name.name));
                let first = branches
                    .first()
                    .map_or(end, |b| b.block.span.start as usize);
                self.trailing_on_line(open, first);
                let mut prev = open + 1;
                for (k, b) in branches.iter().enumerate() {
                    let start =
                        b.name.as_ref().map_or(b.block.span.start, |n| n.span.start) as usize;
                    // `branch` comes before the name or the block.
                    let start = self.src.text[..start].rfind("branch").unwrap_or(start);
                    let had = self.comments_before(prev, start, indent + 1, k > 0);
                    if !had && k > 0 && self.src.blank_between(prev, start) {
                        self.rows.push(Row::Blank);
                    }
                    let name = b
                        .name
                        .as_ref()
                        .map(|n| format!(" {}", n.name))
                        .unwrap_or_default();
                    self.push(indent + 1, format!("branch{name} {{"));
                    self.steps_block(&b.block, indent + 1);
                    prev = b.block.span.end as usize;
                }
                self.comments_before(prev, end.saturating_sub(1), indent + 1, true);
                self.push(indent, "}");
            }
        }
        self.trailing_on_line(end.saturating_sub(1), self.next_line_start(end));
    }

    /// The steps of a `{ … }` block whose header was just pushed, and its `}`.
    fn steps_block(&mut self, b: &ast::Block, indent: usize) {
        let (open, close) = (
            b.span.start as usize,
            (b.span.end as usize).saturating_sub(1),
        );
        let stmts: Vec<Stmt> = b
            .steps
            .iter()
            .map(|s| Stmt {
                span: s.span,
                node: Node::Step(s),
            })
            .collect();
        self.body(&stmts, indent, open, close);
    }

    /// A `{ … }` body whose header was just pushed: the comment after its `{`, its statements
    /// one level in (`open` and `close` are its braces), and its `}`.
    fn body(&mut self, stmts: &[Stmt], indent: usize, open: usize, close: usize) {
        let first = stmts.first().map_or(close, |s| s.span.start as usize);
        self.trailing_on_line(open, first);
        self.block(stmts, indent + 1, open + 1, close);
        self.push(indent, "}");
    }

    fn comment_in(&self, from: usize, to: usize) -> bool {
        !self.src.comments_in(from + 1, to).is_empty()
    }
}

/// (The lowest running count of open parentheses, the final count), outside strings.
fn paren_balance(code: &str) -> (i32, i32) {
    let (mut depth, mut lowest, mut in_string, mut escaped) = (0i32, 0i32, false, false);
    for b in code.bytes() {
        match (in_string, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (_, _, b'"') => in_string = !in_string,
            (false, _, b'(') => depth += 1,
            (false, _, b')') => {
                depth -= 1;
                lowest = lowest.min(depth);
            }
            _ => {}
        }
    }
    (lowest, depth)
}

fn item(i: &Item) -> Stmt<'_> {
    let (span, node) = match i {
        Item::Setting(p) => return prop(p, "value"),
        Item::Param(p) => (p.span, Node::Param(p)),
        Item::Retry(r) => (r.span, Node::Retry(r)),
        Item::Schedule(s) => (s.span, Node::Schedule(s)),
        Item::Trigger(t) => (t.span, Node::Trigger(t)),
        Item::Step(s) => (s.span, Node::Step(s)),
    };
    Stmt { span, node }
}

fn prop<'t>(p: &'t ast::Prop, class: &'static str) -> Stmt<'t> {
    Stmt {
        span: p.span,
        node: Node::Prop(p, class),
    }
}

/// Align each run of consecutive rows of one class (column by column), then the trailing
/// comments of each run of consecutive rows that have one.
fn render(rows: &[Row]) -> String {
    let mut lines: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut k = 0;
    while k < rows.len() {
        match &rows[k] {
            Row::Blank => {
                lines.push((0, String::new(), None));
                k += 1;
            }
            Row::Text { indent, text } => {
                lines.push((*indent, text.clone(), None));
                k += 1;
            }
            Row::Cells { .. } => {
                let run_end = (k + 1..rows.len())
                    .find(|&j| !same_run(&rows[j - 1], &rows[j]))
                    .unwrap_or(rows.len());
                lines.extend(align(&rows[k..run_end]));
                k = run_end;
            }
        }
    }
    let mut out = String::new();
    let mut n = 0;
    while n < lines.len() {
        // A run of rows with trailing comments: the comments start in one column.
        let run = lines[n..]
            .iter()
            .take_while(|l| l.2.is_some())
            .count()
            .max(1);
        let width = lines[n..n + run]
            .iter()
            .map(|(i, t, _)| i * INDENT.len() + t.chars().count())
            .max()
            .unwrap_or(0);
        for (indent, text, trailing) in &lines[n..n + run] {
            let mut line = if text.is_empty() {
                String::new()
            } else {
                format!("{}{text}", INDENT.repeat(*indent))
            };
            if let Some(c) = trailing {
                let fill = width + 2 - line.chars().count();
                line.push_str(&" ".repeat(fill));
                line.push_str(c);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        n += run;
    }
    // At most one blank line in a row, none before a closing brace or at the end.
    let mut cleaned = String::new();
    let mut blank = false;
    let all: Vec<&str> = out.lines().collect();
    for (i, line) in all.iter().enumerate() {
        if line.is_empty() {
            let next = all.get(i + 1).map(|l| l.trim_start());
            blank = blank || !cleaned.is_empty();
            if next.is_none_or(|l| l.starts_with('}')) {
                blank = false;
            }
            continue;
        }
        if blank {
            cleaned.push('\n');
            blank = false;
        }
        cleaned.push_str(line);
        cleaned.push('\n');
    }
    cleaned
}

/// Rows align when they are of one class at one indentation and their keys are of similar
/// length: `model_package_group` does not push `model` eight columns to the right.
fn same_run(a: &Row, b: &Row) -> bool {
    match (a, b) {
        (
            Row::Cells {
                indent: i,
                class: c,
                cells: x,
                ..
            },
            Row::Cells {
                indent: j,
                class: d,
                cells: y,
                ..
            },
        ) => {
            let key = |cells: &[String]| cells.first().map_or(0, |k| k.chars().count());
            i == j && c == d && key(x).abs_diff(key(y)) <= 5
        }
        _ => false,
    }
}

fn align(run: &[Row]) -> Vec<(usize, String, Option<String>)> {
    let columns = run
        .iter()
        .map(|r| match r {
            Row::Cells { cells, .. } => cells.len(),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            run.iter()
                .filter_map(|r| match r {
                    Row::Cells { cells, .. } => cells.get(c).map(|s| s.chars().count()),
                    _ => None,
                })
                .max()
                .unwrap_or(0)
        })
        .collect();
    run.iter()
        .filter_map(|r| match r {
            Row::Cells {
                indent,
                cells,
                trailing,
                ..
            } => {
                // Pad every cell but the last one written on this row.
                let last = cells.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
                let mut line = String::new();
                for (c, cell) in cells.iter().enumerate().take(last + 1) {
                    line.push_str(cell);
                    if c < last {
                        line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 1));
                    }
                }
                Some((*indent, line, trailing.clone()))
            }
            _ => None,
        })
        .collect()
}
