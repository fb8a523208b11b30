//! `aslc report`: read the histories (files, or folders of them), fold states into steps with
//! the pipeline's sidecar or source, and render.

use crate::report::{self, Folding, Input};
use clap::ValueEnum;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
    Html,
    Svg,
}

pub struct Args<'a> {
    pub histories: &'a [PathBuf],
    pub pipeline: Option<&'a Path>,
    pub sidecar: Option<&'a Path>,
    pub format: ReportFormat,
    pub out: Option<&'a Path>,
    pub last: Option<usize>,
}

pub fn run(a: &Args) -> ExitCode {
    let folding = match folding(a.pipeline, a.sidecar) {
        Ok(f) => f,
        Err((message, code)) => {
            eprintln!("error: {message}");
            return ExitCode::from(code);
        }
    };
    let (inputs, unreadable) = load(a.histories);
    let r = report::build(&inputs, folding.as_ref(), a.last);
    for p in &r.problems {
        eprintln!("warning: {}: {}", p.file, p.message);
    }
    let text = match a.format {
        ReportFormat::Text => report::text(&r),
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(&r).unwrap_or_default()),
        ReportFormat::Html => report::html(&r),
        ReportFormat::Svg => report::svg(&r),
    };
    match a.out {
        Some(path) => {
            let target = path.to_path_buf();
            if let Err(e) = super::output::write_all_atomically(&[(target, &text)]) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        None => super::output::emit(&text),
    }
    if unreadable {
        ExitCode::from(2)
    } else if !r.problems.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The step folding from `--sidecar`, or from `--pipeline` compiled in memory.
fn folding(
    pipeline: Option<&Path>,
    sidecar: Option<&Path>,
) -> Result<Option<Folding>, (String, u8)> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|e| (format!("cannot read {}: {e}", p.display()), 2))
    };
    let sidecar_text = match (pipeline, sidecar) {
        (_, Some(s)) => read(s)?,
        (Some(p), None) => {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let compiled =
                crate::driver::compile_in(&read(p)?, &name, p.parent(), &Default::default());
            compiled.lineage.ok_or_else(|| {
                (
                    format!(
                        "{} does not compile: run `aslc check {}`",
                        p.display(),
                        p.display()
                    ),
                    1,
                )
            })?
        }
        (None, None) => return Ok(None),
    };
    let sidecar: crate::lineage::Sidecar = serde_json::from_str(&sidecar_text)
        .map_err(|e| (format!("not a lineage sidecar (X.lineage.json): {e}"), 1))?;
    Ok(Some(Folding::from_sidecar(&sidecar)))
}

/// Every history named, folders expanded (`*.json`, sorted), each with the
/// `<stem>.describe.json` beside it when there is one. Paths that cannot be read are said here.
fn load(paths: &[PathBuf]) -> (Vec<Input>, bool) {
    let mut files = Vec::new();
    let mut unreadable = false;
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| {
                            let name = f.to_string_lossy();
                            name.ends_with(".json") && !name.ends_with(".describe.json")
                        })
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", p.display());
                    unreadable = true;
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut inputs = Vec::new();
    for f in files {
        match std::fs::read_to_string(&f) {
            Ok(text) => {
                let describe = std::fs::read_to_string(f.with_extension("describe.json")).ok();
                inputs.push(Input {
                    file: f.display().to_string(),
                    text,
                    describe,
                });
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", f.display());
                unreadable = true;
            }
        }
    }
    (inputs, unreadable)
}
