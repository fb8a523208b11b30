//! The whole compiler as library calls: source text in, artefacts and diagnostics out. The CLI
//! and the language server both go through here, so they give the same answers.

use crate::asl;
use crate::diagnostics::{self, Code, Diagnostic, Span};
use crate::{check, lineage, lower, syntax};
use std::collections::HashMap;
use std::path::Path;

/// Pipeline sources larger than this are refused before parsing.
pub const MAX_SOURCE_BYTES: usize = 64 << 20;

/// Decode a source file: valid UTF-8 text without NUL bytes, or a diagnostic.
pub fn decode(bytes: &[u8], limit: usize) -> Result<&str, Box<Diagnostic>> {
    let refuse = |at: usize, end: usize, msg: String| {
        Box::new(Diagnostic::new(Code::E004, Span::new(at, end), msg))
    };
    if bytes.len() > limit {
        return Err(refuse(
            0,
            0,
            format!("file is {} bytes; the limit is {limit} bytes", bytes.len()),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        refuse(
            at,
            at,
            format!("file is not valid UTF-8 (invalid byte at offset {at})"),
        )
    })?;
    if let Some(at) = text.find('\0') {
        return Err(refuse(
            at,
            at + 1,
            "file contains a NUL byte: it looks like binary data".into(),
        ));
    }
    Ok(text)
}

/// The file the lineage recorder of `<stem>.sfn` is written to, beside `<stem>.asl.json`.
pub fn recorder_file(stem: &str) -> String {
    format!("{stem}.lineage-recorder.asl.json")
}

/// What compiling one source produced.
pub struct Compiled {
    pub diagnostics: Vec<Diagnostic>,
    /// The ASL and lineage documents, present only when there is no error.
    pub asl: Option<String>,
    /// The lineage recorder the ASL starts (`<stem>.lineage-recorder.asl.json`), when it starts
    /// one.
    pub recorder: Option<String>,
    /// The same two state machines compact, as they are written unless `--pretty`.
    pub compact: Option<(String, Option<String>)>,
    pub lineage: Option<String>,
    /// The IAM policy the state machine's role needs (written on request).
    pub iam: Option<String>,
    /// The IAM policy the lineage recorder's role needs, when there is a recorder.
    pub recorder_iam: Option<String>,
    /// The CloudFormation template that runs the pipeline on its schedule, when it has one.
    pub schedule: Option<String>,
    /// What the deployment templates are made of: built only when one is asked for.
    pub deployment: Option<Deployment>,
}

/// A compiled pipeline, kept for the templates that deploy it (`--emit cfn`, `--emit sam`).
pub struct Deployment {
    checked: check::Checked,
    plan: lower::Plan,
    definition: String,
    recorder: Option<String>,
    source_name: String,
}

impl Deployment {
    /// The CloudFormation template, validated by our own template validator (E900 when it is
    /// not: a compiler bug), its definition inline or read from `s3` (bucket, key).
    pub fn cfn(&self, s3: Option<&(String, String)>) -> Result<String, Box<Diagnostic>> {
        let parse = |t: &str| serde_json::from_str(t).unwrap_or_default();
        let recorder = self.recorder.as_deref().map(parse).unwrap_or_default();
        let mut template = crate::deploy::template(
            &self.checked,
            &self.plan,
            parse(&self.definition),
            recorder,
            &self.source_name,
        );
        let problems: Vec<Diagnostic> = asl::validate_file(
            Path::new("pipeline.template.json"),
            &pretty(&template),
            &asl::Options::default(),
        )
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
        if !problems.is_empty() {
            return Err(Box::new(internal_error(
                "the generated CloudFormation template does not validate",
                &problems,
            )));
        }
        if let Some(object) = s3 {
            crate::deploy::definition_in_s3(&mut template, object);
        }
        Ok(pretty(&template))
    }

    /// The SAM template, reading `<stem>.asl.json` beside it.
    pub fn sam(&self) -> String {
        let stem = self
            .source_name
            .strip_suffix(".sfn")
            .unwrap_or(&self.source_name);
        pretty(&crate::deploy::sam_template(
            &self.checked,
            &self.plan,
            &self.source_name,
            stem,
        ))
    }
}

/// Parse and check only.
pub fn check_source(text: &str) -> (Option<check::Checked>, Vec<Diagnostic>) {
    check_in(text, None)
}

/// Parse and check a source in folder `dir` (where the pipelines it runs are read from).
pub fn check_in(text: &str, dir: Option<&Path>) -> (Option<check::Checked>, Vec<Diagnostic>) {
    let a = analyze_in(text, dir);
    (a.checked, a.diagnostics)
}

/// Everything the language server knows of a source: the tree, the checker's findings and the
/// names it resolved.
pub struct Analysis {
    pub ast: syntax::ast::Pipeline,
    pub checked: Option<check::Checked>,
    pub diagnostics: Vec<Diagnostic>,
    pub names: Vec<check::Resolution>,
    pub syntax_errors: bool,
}

/// Run `f` on a thread with a large stack. Every recursive rule of the parser is bounded
/// ([`crate::syntax::MAX_DEPTH`]), but the checker and the lowering walk the tree it allows
/// with large frames (a debug build needs over a megabyte at the limit), and a caller's thread
/// may have little stack: the phases get their own, whatever thread calls the library.
fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let job = std::sync::Mutex::new(Some(f));
    let run = || {
        let f = job.lock().ok().and_then(|mut j| j.take());
        f.map(|f| f())
    };
    let done = std::thread::scope(|s| {
        let worker = std::thread::Builder::new()
            .name("aslc-compile".into())
            .stack_size(64 << 20)
            .spawn_scoped(s, run);
        match worker.map(|w| w.join()) {
            Ok(Ok(v)) => v,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread to be had (a resource limit): the caller's stack will do.
            Err(_) => None,
        }
    });
    match done {
        Some(v) => v,
        None => run().unwrap_or_else(|| unreachable!("the job runs exactly once")),
    }
}

/// Parse and check, keeping the tree and the resolved names.
pub fn analyze(text: &str) -> Analysis {
    analyze_in(text, None)
}

/// [`analyze`] a source in folder `dir`, reading the pipelines it runs (`use "x.sfn"`) there.
pub fn analyze_in(text: &str, dir: Option<&Path>) -> Analysis {
    on_big_stack(|| analyze_here(text, dir))
}

fn analyze_here(text: &str, dir: Option<&Path>) -> Analysis {
    let (ast, mut diags) = syntax::parse(text);
    let has_syntax_errors = diags.iter().any(Diagnostic::is_error);
    let check::Analysis {
        checked,
        diagnostics: check_diags,
        names,
    } = check::check_with(&ast, callees(&ast, dir));
    if has_syntax_errors {
        // A broken tree makes for dubious name errors (a step lost to a syntax error looks
        // unknown); keep only what the checker says about the parts that parsed cleanly.
        diags.extend(
            check_diags
                .into_iter()
                .filter(|d| !d.code.needs_whole_tree()),
        );
    } else {
        diags.extend(check_diags);
    }
    diagnostics::sort(&mut diags);
    let ok = !diags.iter().any(Diagnostic::is_error);
    Analysis {
        ast,
        checked: checked.filter(|_| ok),
        diagnostics: diags,
        names,
        syntax_errors: has_syntax_errors,
    }
}

impl Compiled {
    /// Diagnostics only: a file with errors gets no artefact at all.
    fn nothing(diagnostics: Vec<Diagnostic>) -> Compiled {
        Compiled {
            diagnostics,
            asl: None,
            recorder: None,
            compact: None,
            lineage: None,
            iam: None,
            recorder_iam: None,
            schedule: None,
            deployment: None,
        }
    }
}

/// Compile a source: check, lower, validate our own output, derive the lineage sidecar.
pub fn compile_source(text: &str, source_name: &str, options: &lower::Options) -> Compiled {
    compile_in(text, source_name, None, options)
}

/// [`compile_source`] for a source in folder `dir` (where the pipelines it runs are read).
pub fn compile_in(
    text: &str,
    source_name: &str,
    dir: Option<&Path>,
    options: &lower::Options,
) -> Compiled {
    on_big_stack(|| compile_here(text, source_name, dir, options))
}

fn compile_here(
    text: &str,
    source_name: &str,
    dir: Option<&Path>,
    options: &lower::Options,
) -> Compiled {
    let a = analyze_here(text, dir);
    let (checked, mut diagnostics) = (a.checked, a.diagnostics);
    let Some(checked) = checked else {
        return Compiled::nothing(diagnostics);
    };
    let lowered = lower::lower(&checked, options);
    // The checker warns early about the names it can foresee; this is the rule itself, on the
    // names the lowering made, so a long derived name is the user's E028, never an E900.
    let too_long: Vec<Diagnostic> = lowered
        .plan
        .steps
        .iter()
        .filter_map(|s| check::derived_name_too_long(s.span, &s.states))
        .collect();
    if !too_long.is_empty() {
        diagnostics.extend(too_long);
        return Compiled::nothing(diagnostics);
    }
    let asl_text = lowered.machine.to_json();
    let problems = errors_in(&asl_text);
    if !problems.is_empty() && problems.iter().all(|d| d.code == Code::E103) {
        // Too big for Step Functions: a limit the user can act on, not a compiler bug.
        let chars = asl_text.chars().count();
        diagnostics.push(
            Diagnostic::new(Code::E103, Span::new(0, 0), format!("the compiled state machine is {chars} characters; Step Functions accepts at most {}", asl::MAX_DEFINITION_CHARS))
                .with_help("split the pipeline, or compile with --no-lineage-states to leave out the lineage starts"),
        );
        return Compiled::nothing(diagnostics);
    }
    if !problems.is_empty() {
        diagnostics.push(internal_error(
            "the generated ASL does not validate",
            &problems,
        ));
        return Compiled::nothing(diagnostics);
    }
    let recorder = match lowered.recorder.as_ref().map(|m| m.to_json()) {
        Some(text) => {
            let problems = errors_in(&text);
            if !problems.is_empty() {
                diagnostics.push(internal_error(
                    "the generated lineage recorder does not validate",
                    &problems,
                ));
                return Compiled::nothing(diagnostics);
            }
            Some(text)
        }
        None => None,
    };
    let lineage_text = lineage::sidecar(&checked, &lowered.plan, source_name).to_json();
    let iam = crate::iam::policy(&lowered.plan);
    let schedule = crate::schedule::template(&checked, source_name).map(|t| pretty(&t));
    Compiled {
        diagnostics,
        lineage: Some(lineage_text),
        iam: Some(pretty(&iam)),
        recorder_iam: lowered
            .plan
            .recorder
            .as_ref()
            .map(|r| pretty(&crate::iam::statements(&r.grants))),
        schedule,
        deployment: Some(Deployment {
            checked,
            plan: lowered.plan,
            definition: asl_text.clone(),
            recorder: recorder.clone(),
            source_name: source_name.to_string(),
        }),
        asl: Some(asl_text),
        recorder,
        compact: Some((
            lowered.machine.to_compact_json(),
            lowered
                .recorder
                .as_ref()
                .map(crate::asl::model::StateMachine::to_compact_json),
        )),
    }
}

/// What our own validator finds wrong with ASL we generated.
fn errors_in(asl_text: &str) -> Vec<Diagnostic> {
    asl::validate(asl_text, &asl::Options::default())
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// E900: our own output failed our own validator — a compiler bug, not the user's mistake.
fn internal_error(what: &str, problems: &[Diagnostic]) -> Diagnostic {
    let details: Vec<String> = problems
        .iter()
        .map(|d| {
            format!(
                "{} {} at {}",
                d.code.as_str(),
                d.message,
                d.pointer.as_deref().unwrap_or("/")
            )
        })
        .collect();
    Diagnostic::new(
        Code::E900,
        Span::new(0, 0),
        format!("internal compiler error: {what}"),
    )
    .with_help(format!(
        "this is a bug in aslc; please report it with the pipeline source.\n{}",
        details.join("\n")
    ))
}

/// What the checker needs of each pipeline the source runs (`run_pipeline … { use "x.sfn" }`):
/// its name and declared parameters, read from `dir`. Only its declarations are read: the
/// called pipeline is compiled on its own.
fn callees(
    ast: &syntax::ast::Pipeline,
    dir: Option<&Path>,
) -> HashMap<String, Result<check::Callee, String>> {
    let mut out = HashMap::new();
    let Some(dir) = dir else { return out };
    let mut uses = Vec::new();
    for item in &ast.items {
        if let syntax::ast::Item::Step(s) = item {
            collect_uses(s, &mut uses);
        }
    }
    for path in uses {
        if out.contains_key(&path) {
            continue;
        }
        let read = std::fs::read_to_string(dir.join(&path))
            .map_err(|e| format!("cannot read it ({e})"))
            .and_then(|text| {
                callee(&text).ok_or_else(|| format!("it has syntax errors (`aslc check {path}`)"))
            });
        out.insert(path, read);
    }
    out
}

fn collect_uses(s: &syntax::ast::Step, out: &mut Vec<String>) {
    use syntax::ast::{ExprKind, PropValue, StepBody};
    match &s.body {
        StepBody::Props(props) => {
            out.extend(props.iter().filter(|p| p.key.name == "use").filter_map(
                |p| match &p.value {
                    PropValue::Expr(e) => match &e.kind {
                        ExprKind::Str(lit) => lit.as_plain(),
                        _ => None,
                    },
                    _ => None,
                },
            ))
        }
        body => body
            .inner_steps()
            .into_iter()
            .for_each(|x| collect_uses(x, out)),
    }
}

/// A called pipeline's name and parameters, when its source parses.
fn callee(text: &str) -> Option<check::Callee> {
    let (ast, diags) = syntax::parse(text);
    if diags.iter().any(Diagnostic::is_error) {
        return None;
    }
    let params = ast
        .items
        .iter()
        .filter_map(|i| match i {
            syntax::ast::Item::Param(p) => Some((
                p.name.name.clone(),
                check::Ty::from_name(&p.ty.name).unwrap_or(check::Ty::Error),
                p.default.is_some(),
            )),
            _ => None,
        })
        .collect();
    Some(check::Callee {
        name: ast.name.as_plain().unwrap_or_default(),
        params,
    })
}

pub fn pretty(v: &serde_json::Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(v).unwrap_or_default())
}
