//! The command line: argument parsing (clap) and I/O. Exit codes are decided here and only
//! here: 0 ok, 1 diagnostics with errors, 2 usage or I/O error.

mod output;
mod report;
mod run;

use crate::diagnostics::{Code, Diagnostic, SourceFile};
use crate::{asl, driver};
use clap::{Parser, Subcommand, ValueEnum};
use output::Reporter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "aslc",
    version,
    about = "Compile ML pipelines (.sfn) to AWS Step Functions ASL, and validate ASL documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Rendered for a terminal.
    Human,
    /// One JSON report (schemas/diagnostics.schema.json).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
}

#[derive(Subcommand)]
enum Command {
    /// Compile pipeline sources to `<stem>.asl.json` and `<stem>.lineage.json`.
    Compile {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output directory (default: next to each source).
        #[arg(short, long)]
        out_dir: Option<PathBuf>,
        /// Do not start the lineage recorder after each step, and write no recorder (the
        /// lineage sidecar is written either way).
        #[arg(long)]
        no_lineage_states: bool,
        /// Also write `<stem>.iam.json` (the least-privilege policy for the state machine's
        /// role), `<stem>.template.json` (a CloudFormation template deploying the pipeline) or
        /// `<stem>.sam.json` (the same as a SAM template).
        #[arg(long, value_enum)]
        emit: Vec<Emit>,
        /// With `--emit cfn`: the template reads the definition from this S3 object
        /// (`s3://bucket/key`, where you upload `<stem>.asl.json`) instead of inlining it.
        #[arg(long, value_name = "S3_URI")]
        definition_s3: Option<String>,
        /// Write nothing: exit 1 if an artefact on disk is missing or differs from what the
        /// sources compile to, and show how (for CI, when the artefacts are committed).
        #[arg(long)]
        check: bool,
        /// Write the state machines indented for review (default: compact, as deployed: a
        /// definition is limited in characters, whitespace included).
        #[arg(long)]
        pretty: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Format pipeline sources in place (`-` formats standard input to standard output).
    Fmt {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write nothing: exit 1 if a file is not formatted, and show the diff.
        #[arg(long)]
        check: bool,
    },
    /// Turn a SageMaker Pipelines definition (`pipeline.definition()` JSON, or the output of
    /// `aws sagemaker describe-pipeline`) into a `.sfn` source; `-` reads standard input.
    Import {
        /// The definition, or a `describe-pipeline` response (`-`: standard input).
        file: PathBuf,
        /// Write the source here (atomically) instead of to standard output.
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// The pipeline's name (default: the name `describe-pipeline` gives, else the one the
        /// definition's default output locations hold, else the file's stem).
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Execute a state machine (an ASL document, or a `.sfn` compiled in memory) offline, on a
    /// simulated clock, answering its tasks from a Step Functions Local mock file.
    Run {
        /// An ASL document (JSON or YAML), or a pipeline source (`.sfn`).
        definition: PathBuf,
        /// The execution input (JSON).
        #[arg(long, conflicts_with = "input_file")]
        input: Option<String>,
        /// The execution input, from a file (`-`: standard input).
        #[arg(long)]
        input_file: Option<PathBuf>,
        /// A Step Functions Local mock configuration file.
        #[arg(long, requires = "test_case")]
        mocks: Option<PathBuf>,
        /// The test case of the mock file to run.
        #[arg(long, requires = "mocks")]
        test_case: Option<String>,
        /// The state machine of the mock file (when it has several).
        #[arg(long)]
        state_machine: Option<String>,
        /// When the execution starts (RFC 3339; default 2026-01-01T00:00:00Z).
        #[arg(long)]
        start_time: Option<String>,
        /// Seeds `States.UUID()` and `States.MathRandom`.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Stop an execution past this many history events.
        #[arg(long, default_value_t = 25_000)]
        max_events: usize,
        /// The execution's name (`$$.Execution.Name`, SageMaker's execution id in aslc's
        /// pipelines; default `aslc-run`).
        #[arg(long)]
        name: Option<String>,
        /// For a `.sfn`: compile without the lineage starts (nothing to mock for them).
        #[arg(long)]
        no_lineage_states: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: run::RunFormat,
    },
    /// Run every test case of a mock file and check each against its expectations
    /// (`<mock stem>.expect.json` beside the mock file).
    Test {
        /// An ASL document (JSON or YAML), or a pipeline source (`.sfn`).
        definition: PathBuf,
        /// A Step Functions Local mock configuration file: every test case is run.
        #[arg(long)]
        mocks: PathBuf,
        /// The expectations (default: beside the mock file).
        #[arg(long)]
        expect: Option<PathBuf>,
        /// The state machine of the mock file (when it has several).
        #[arg(long)]
        state_machine: Option<String>,
        /// For a `.sfn`: compile without the lineage starts.
        #[arg(long)]
        no_lineage_states: bool,
    },
    /// Check pipeline sources without writing anything.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Validate ASL documents (`-` reads standard input).
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Validate as an EXPRESS state machine: `.sync` and `.waitForTaskToken` are errors.
        #[arg(long)]
        express: bool,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
    /// Explain a diagnostic code, or list all codes.
    Explain { code: Option<String> },
    /// Answer provenance questions from a lineage sidecar, offline.
    Lineage {
        /// The `X.lineage.json` written by `aslc compile`.
        file: PathBuf,
        /// Walk back from this node (an id such as `step:TrainXGB`, or a name).
        #[arg(long, conflicts_with = "downstream")]
        upstream: Option<String>,
        /// Walk forward from this node.
        #[arg(long)]
        downstream: Option<String>,
        /// The output of one execution (as `aws stepfunctions describe-execution` returns it)
        /// to resolve URI templates, job ARNs and the model package ARN.
        #[arg(long)]
        execution_output: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "tree")]
        format: LineageFormat,
    },
    /// Draw a pipeline's DAG (steps, conditions, the edges it runs by), or with `--asl` the
    /// compiled state machine, as Mermaid or Graphviz DOT on standard output.
    Graph {
        file: PathBuf,
        /// Draw the compiled state machine instead of the pipeline.
        #[arg(long)]
        asl: bool,
        #[arg(long, value_enum, default_value = "mermaid")]
        format: GraphFormatArg,
    },
    /// The last executions at a glance: per execution and per step, durations, attempts,
    /// cache use and failures, and each step's median, p90, maximum and trend.
    Report {
        /// Execution histories (`aws stepfunctions get-execution-history --output json`), or
        /// folders of them; `<stem>.describe.json` beside a history is read with it.
        #[arg(required = true)]
        histories: Vec<PathBuf>,
        /// Fold each step's states (cache lookups, retries, lineage) into the step, reading the
        /// pipeline source.
        #[arg(long, conflicts_with = "sidecar")]
        pipeline: Option<PathBuf>,
        /// Fold with the pipeline's `X.lineage.json` instead of its source.
        #[arg(long)]
        sidecar: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: report::ReportFormat,
        /// Write the report to this file instead of standard output.
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// Only the N most recent executions.
        #[arg(long)]
        last: Option<usize>,
    },
    /// Run the language server on standard input and output.
    #[cfg(feature = "lsp")]
    Lsp,
}

#[derive(Clone, Copy, ValueEnum)]
enum GraphFormatArg {
    Mermaid,
    Dot,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Emit {
    /// `<stem>.iam.json`
    Iam,
    /// `<stem>.template.json`: CloudFormation for the whole pipeline
    Cfn,
    /// `<stem>.sam.json`: the same as a SAM template, reading `<stem>.asl.json`
    Sam,
}

#[derive(Clone, Copy, ValueEnum)]
enum LineageFormat {
    Tree,
    Json,
    Mermaid,
    Dot,
}

/// Run the CLI on the process arguments.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Compile {
            files,
            out_dir,
            no_lineage_states,
            emit,
            definition_s3,
            check,
            pretty,
            format,
        } => {
            if definition_s3.is_some() && !emit.contains(&Emit::Cfn) {
                eprintln!("error: --definition-s3 applies to the template: add --emit cfn");
                return ExitCode::from(2);
            }
            let definition_s3 = match definition_s3.as_deref().map(crate::deploy::s3_object) {
                None => None,
                Some(Ok(object)) => Some(object),
                Some(Err(e)) => {
                    eprintln!("error: --definition-s3: {e}");
                    return ExitCode::from(2);
                }
            };
            let options = crate::lower::Options {
                lineage_states: !no_lineage_states,
            };
            let targets = Targets {
                emit: &emit,
                definition_s3: definition_s3.as_ref(),
                pretty,
            };
            compile(
                &files,
                out_dir.as_deref(),
                &options,
                &targets,
                check,
                format,
            )
        }
        Command::Check { files, format } => check(&files, format),
        Command::Run {
            definition,
            input,
            input_file,
            mocks,
            test_case,
            state_machine,
            start_time,
            seed,
            max_events,
            name,
            no_lineage_states,
            format,
        } => run::run(&run::RunArgs {
            definition: &definition,
            input: input.as_deref(),
            input_file: input_file.as_deref(),
            mocks: mocks.as_deref(),
            test_case: test_case.as_deref(),
            state_machine: state_machine.as_deref(),
            start_time: start_time.as_deref(),
            seed,
            max_events,
            name: name.as_deref(),
            format,
            no_lineage_states,
        }),
        Command::Test {
            definition,
            mocks,
            expect,
            state_machine,
            no_lineage_states,
        } => run::test(&run::TestArgs {
            definition: &definition,
            mocks: &mocks,
            expect: expect.as_deref(),
            state_machine: state_machine.as_deref(),
            no_lineage_states,
        }),
        Command::Fmt { files, check } => fmt(&files, check),
        Command::Import {
            file,
            out,
            name,
            format,
        } => import(&file, out.as_deref(), name.as_deref(), format),
        Command::Validate {
            files,
            express,
            format,
        } => validate(&files, &asl::Options { express }, format),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Lineage {
            file,
            upstream,
            downstream,
            execution_output,
            format,
        } => lineage(
            &file,
            upstream.as_deref(),
            downstream.as_deref(),
            execution_output.as_deref(),
            format,
        ),
        Command::Graph { file, asl, format } => graph(&file, asl, format),
        Command::Report {
            histories,
            pipeline,
            sidecar,
            format,
            out,
            last,
        } => report::run(&report::Args {
            histories: &histories,
            pipeline: pipeline.as_deref(),
            sidecar: sidecar.as_deref(),
            format,
            out: out.as_deref(),
            last,
        }),
        #[cfg(feature = "lsp")]
        Command::Lsp => match crate::lsp::run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: language server I/O: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// The outcome of a run, folded into an exit code at the end.
#[derive(Default)]
struct Outcome {
    errors: bool,
    io_error: bool,
}

impl Outcome {
    fn exit(&self) -> ExitCode {
        ExitCode::from(if self.io_error {
            2
        } else if self.errors {
            1
        } else {
            0
        })
    }
}

fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// What handling one file produced: its diagnostics, and how the rest of the work went.
type Handled = (Vec<Diagnostic>, Done);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Done {
    Ok,
    /// Writing or reading an artefact failed (exit 2).
    IoError,
    /// The work found a problem that is not a diagnostic of the source, such as a stale
    /// artefact (exit 1).
    Failed,
}

/// Read and decode each file, hand its text to `handle`, report what it says, and fold the
/// outcome into the exit code. I/O errors are reported here, once, for every command.
fn run(
    files: &[PathBuf],
    limit: usize,
    format: Format,
    mut handle: impl FnMut(&Path, &str) -> Handled,
) -> ExitCode {
    let mut reporter = Reporter::new(format);
    let mut outcome = Outcome::default();
    for path in files {
        let name = if path.as_os_str() == "-" {
            "<stdin>".to_string()
        } else {
            path.display().to_string()
        };
        let bytes = match read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                outcome.io_error = true;
                continue;
            }
        };
        match driver::decode(&bytes, limit) {
            Ok(text) => {
                let (diags, done) = handle(path, text);
                outcome.errors |= diags.iter().any(Diagnostic::is_error) || done == Done::Failed;
                outcome.io_error |= done == Done::IoError;
                reporter.file(&SourceFile { name: &name, text }, diags);
            }
            Err(d) => {
                outcome.errors = true;
                let shown =
                    String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).replace('\0', " ");
                reporter.file(
                    &SourceFile {
                        name: &name,
                        text: &shown,
                    },
                    vec![*d],
                );
            }
        }
    }
    reporter.finish();
    outcome.exit()
}

fn check(files: &[PathBuf], format: Format) -> ExitCode {
    run(files, driver::MAX_SOURCE_BYTES, format, |path, text| {
        (driver::check_in(text, path.parent()).1, Done::Ok)
    })
}

/// Which artefacts besides the ASL and the sidecar to write, and how.
struct Targets<'a> {
    emit: &'a [Emit],
    definition_s3: Option<&'a (String, String)>,
    /// State machines indented (`--pretty`) rather than compact.
    pretty: bool,
}

fn compile(
    files: &[PathBuf],
    out_dir: Option<&Path>,
    options: &crate::lower::Options,
    want: &Targets,
    check_only: bool,
    format: Format,
) -> ExitCode {
    run(files, driver::MAX_SOURCE_BYTES, format, |path, text| {
        let source_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let compiled = driver::compile_in(text, &source_name, path.parent(), options);
        let (Some(asl), Some(lineage)) = (&compiled.asl, &compiled.lineage) else {
            return (compiled.diagnostics, Done::Ok);
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "pipeline".into());
        let dir = out_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
        // State machines compact, as deployed, unless asked for indented.
        let (asl, recorder) = match (&compiled.compact, want.pretty) {
            (Some((asl, recorder)), false) => (asl, recorder.as_ref()),
            _ => (asl, compiled.recorder.as_ref()),
        };
        let mut targets = vec![
            (dir.join(format!("{stem}.asl.json")), asl),
            (dir.join(format!("{stem}.lineage.json")), lineage),
        ];
        if let Some(r) = recorder {
            targets.push((dir.join(driver::recorder_file(&stem)), r));
        }
        if let (true, Some(iam)) = (want.emit.contains(&Emit::Iam), &compiled.iam) {
            targets.push((dir.join(format!("{stem}.iam.json")), iam));
        }
        if let (true, Some(iam)) = (want.emit.contains(&Emit::Iam), &compiled.recorder_iam) {
            targets.push((dir.join(format!("{stem}.lineage-recorder.iam.json")), iam));
        }
        let deployment = compiled.deployment.as_ref();
        let template = match deployment.filter(|_| want.emit.contains(&Emit::Cfn)) {
            Some(d) => match d.cfn(want.definition_s3) {
                Ok(t) => Some(t),
                Err(e) => {
                    let mut diagnostics = compiled.diagnostics;
                    diagnostics.push(*e);
                    return (diagnostics, Done::Ok);
                }
            },
            None => None,
        };
        if let Some(t) = &template {
            targets.push((dir.join(format!("{stem}.template.json")), t));
        }
        let sam = deployment
            .filter(|_| want.emit.contains(&Emit::Sam))
            .map(driver::Deployment::sam);
        if let Some(t) = &sam {
            targets.push((dir.join(format!("{stem}.sam.json")), t));
        }
        if let Some(schedule) = &compiled.schedule {
            targets.push((dir.join(format!("{stem}.schedule.json")), schedule));
        }
        if check_only {
            let stale = output::stale(&targets);
            let done = if stale { Done::Failed } else { Done::Ok };
            return (compiled.diagnostics, done);
        }
        match output::write_all_atomically(&targets) {
            Ok(()) => {
                if format == Format::Human {
                    for (p, _) in &targets {
                        eprintln!("wrote {}", p.display());
                    }
                }
                (compiled.diagnostics, Done::Ok)
            }
            Err(e) => {
                eprintln!("error: cannot write the output of {}: {e}", path.display());
                (compiled.diagnostics, Done::IoError)
            }
        }
    })
}

fn fmt(files: &[PathBuf], check_only: bool) -> ExitCode {
    run(
        files,
        driver::MAX_SOURCE_BYTES,
        Format::Human,
        |path, text| {
            let formatted = match crate::fmt::format(text) {
                Ok(f) => f,
                Err(diagnostics) => return (diagnostics, Done::Ok),
            };
            if path.as_os_str() == "-" {
                output::emit(&formatted);
                return (Vec::new(), Done::Ok);
            }
            if formatted == text {
                return (Vec::new(), Done::Ok);
            }
            if check_only {
                eprintln!("would reformat {}", path.display());
                output::print_diff(&path.display().to_string(), "formatted", text, &formatted);
                return (Vec::new(), Done::Failed);
            }
            match output::write_all_atomically(&[(path.to_path_buf(), &formatted)]) {
                Ok(()) => {
                    eprintln!("formatted {}", path.display());
                    (Vec::new(), Done::Ok)
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    (Vec::new(), Done::IoError)
                }
            }
        },
    )
}

/// The largest definition `aslc import` reads; SageMaker's own limit is far below.
const MAX_DEFINITION_BYTES: usize = 16 << 20;

fn import(file: &Path, out: Option<&Path>, name: Option<&str>, format: Format) -> ExitCode {
    if out.is_none() && format != Format::Human {
        eprintln!("error: with --format json or sarif the report is on standard output: write the source with -o FILE");
        return ExitCode::from(2);
    }
    let stem = match file.file_stem() {
        Some(s) if file.as_os_str() != "-" => s.to_string_lossy().into_owned(),
        _ => "imported".to_string(),
    };
    run(
        &[file.to_path_buf()],
        MAX_DEFINITION_BYTES,
        format,
        |_, text| {
            let imported = crate::import::import(text, name, &stem);
            let Some(source) = imported.source else {
                return (imported.diagnostics, Done::Ok);
            };
            let Some(out) = out else {
                output::emit(&source);
                return (imported.diagnostics, Done::Ok);
            };
            match output::write_all_atomically(&[(out.to_path_buf(), &source)]) {
                Ok(()) => {
                    if format == Format::Human {
                        eprintln!("wrote {}", out.display());
                    }
                    (imported.diagnostics, Done::Ok)
                }
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", out.display());
                    (imported.diagnostics, Done::IoError)
                }
            }
        },
    )
}

fn validate(files: &[PathBuf], options: &asl::Options, format: Format) -> ExitCode {
    // Larger than any definition AWS accepts, so the size rule reports it instead of a refusal.
    run(files, 256 << 20, format, |path, text| {
        (asl::validate_file(path, text, options), Done::Ok)
    })
}

fn explain(code: Option<&str>) -> ExitCode {
    use crate::diagnostics::Removed;
    let Some(code) = code else {
        for c in Code::ALL {
            output::emit(&format!("{}  {}\n", c.as_str(), c.title()));
        }
        output::emit("\nRemoved (never reused):\n");
        for r in crate::diagnostics::REMOVED {
            output::emit(&format!("{}  {} (removed)\n", r.code, r.title));
        }
        return ExitCode::SUCCESS;
    };
    match (Code::parse(code), Removed::find(code)) {
        (Some(c), _) => {
            output::emit(&format!(
                "{}: {}\n\n{}\n",
                c.as_str(),
                c.title(),
                c.explanation()
            ));
            ExitCode::SUCCESS
        }
        (None, Some(r)) => {
            output::emit(&format!(
                "{}: {} (removed)\n\n{}\n",
                r.code, r.title, r.note
            ));
            ExitCode::SUCCESS
        }
        (None, None) => {
            eprintln!("error: unknown code `{code}`; `aslc explain` lists them all");
            ExitCode::from(2)
        }
    }
}

fn graph(file: &Path, asl: bool, format: GraphFormatArg) -> ExitCode {
    use crate::graph::{machine, pipeline, GraphFormat};
    let format = match format {
        GraphFormatArg::Mermaid => GraphFormat::Mermaid,
        GraphFormatArg::Dot => GraphFormat::Dot,
    };
    run(
        &[file.to_path_buf()],
        driver::MAX_SOURCE_BYTES,
        Format::Human,
        |path, text| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let compiled = driver::compile_source(text, &name, &Default::default());
            let document = if asl {
                &compiled.asl
            } else {
                &compiled.lineage
            };
            if let Some(doc) = document
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
            {
                output::emit(&if asl {
                    machine(&doc, format)
                } else {
                    pipeline(&doc, format)
                });
            }
            (compiled.diagnostics, Done::Ok)
        },
    )
}

fn lineage(
    file: &Path,
    upstream: Option<&str>,
    downstream: Option<&str>,
    execution: Option<&Path>,
    format: LineageFormat,
) -> ExitCode {
    use crate::lineage::{query, Direction, Query, QueryFormat, Sidecar};
    let load = |p: &Path| -> Result<serde_json::Value, String> {
        let text =
            std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", p.display()))
    };
    let result = (|| {
        let sidecar: Sidecar = serde_json::from_value(load(file)?)
            .map_err(|e| format!("{} is not a lineage sidecar: {e}", file.display()))?;
        let state = match execution {
            Some(p) => {
                Some(execution_state(load(p)?).map_err(|e| format!("{}: {e}", p.display()))?)
            }
            None => None,
        };
        let (start, direction) = match (upstream, downstream) {
            (Some(n), _) => (Some(n), Direction::Upstream),
            (None, Some(n)) => (Some(n), Direction::Downstream),
            (None, None) => (None, Direction::Upstream),
        };
        let format = match format {
            LineageFormat::Tree => QueryFormat::Tree,
            LineageFormat::Json => QueryFormat::Json,
            LineageFormat::Mermaid => QueryFormat::Mermaid,
            LineageFormat::Dot => QueryFormat::Dot,
        };
        query(
            &Query {
                sidecar: &sidecar,
                start,
                direction,
                execution: state.as_ref(),
            },
            format,
        )
    })();
    match result {
        Ok(text) => {
            output::emit(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The state data of an execution: `describe-execution` output (whose `output` is a JSON
/// string), or the output object itself.
fn execution_state(v: serde_json::Value) -> Result<serde_json::Value, String> {
    match v.get("output") {
        Some(serde_json::Value::String(s)) => serde_json::from_str(s).map_err(|e| format!("`output` is not JSON: {e}")),
        Some(_) | None if v.get("steps").is_some() || v.get("params").is_some() => Ok(v),
        _ => Err("expected the JSON of `aws stepfunctions describe-execution` (with an `output` field) or an execution output".into()),
    }
}
