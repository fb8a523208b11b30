//! SageMaker job steps: Processing, Training, Tuning and Transform requests, field by field.
//! A field equal to what the language generates when it is left out is left out; a data option
//! is written only when it differs from SageMaker's default.

use super::exprs::{Ty, Val};
use super::reader::{Findings, Obj};
use super::write::{is_name, quote, Out};
use super::Importer;
use crate::diagnostics::Code;
use serde_json::{json, Value};

/// The name under which a training step's output location is written (`output model = …`).
pub const TRAINING_OUTPUT: &str = "model";
/// The name of a transform step's output.
pub const TRANSFORM_OUTPUT: &str = "results";
/// The language's default job runtime (one day), which it also writes when none is given.
const DEFAULT_RUNTIME: u64 = 86_400;
const DEFAULT_VOLUME: u64 = 30;

const DEBUGGER: &str = "SageMaker Debugger and Profiler output is not configured by aslc (the job runs the same; its debug and profile data are not collected)";

pub fn processing(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.object("Arguments", f) else {
        f.malformed(&s.ptr, "`Arguments`");
        return "processing";
    };
    im.role(&mut a, "RoleArn", f);
    let mut code_input = None;
    let mut inputs = Out::default();
    for (v, p) in a.array("ProcessingInputs", f) {
        if let Some((name, line)) = im.processing_input(v, &p, f) {
            if name == "code" {
                code_input = Some(line);
            } else {
                inputs.line(&line.text);
            }
        }
    }
    if let Some(mut app) = a.object("AppSpecification", f) {
        if let Some((v, p)) = app.take("ImageUri") {
            if let Some(v) = im.text(v, &p, f) {
                out.line(&format!("image {}", v.text));
            }
        }
        cluster(im, &mut a, out, f);
        let entry = app.take("ContainerEntrypoint");
        let entry: Vec<&str> = match entry {
            Some((Value::Array(items), p)) => items
                .iter()
                .enumerate()
                .filter_map(|(i, x)| {
                    let s = x.as_str();
                    if s.is_none() {
                        f.push(
                            Code::E201,
                            &format!("{p}/{i}"),
                            "an entrypoint is literal text in the language",
                        );
                    }
                    s
                })
                .collect(),
            Some((_, p)) => {
                f.malformed(&p, "a list of strings");
                Vec::new()
            }
            None => Vec::new(),
        };
        match &code_input {
            // The SDK's ScriptProcessor: code mounted where the language mounts it, run as
            // the language runs it.
            Some(code) if code.plain && entry == runs(&code.uri_lit) => {
                out.line(&format!("code {}", code.value));
            }
            Some(code) => {
                inputs.line(&code.text);
                entrypoint(&entry, out);
            }
            None => entrypoint(&entry, out),
        }
        let args = app.array("ContainerArguments", f);
        if !args.is_empty() {
            let vals: Option<Vec<String>> = args
                .iter()
                .map(|(v, p)| im.text(v, p, f).map(|x| x.text))
                .collect();
            if let Some(vals) = vals {
                out.line(&format!("arguments [{}]", vals.join(", ")));
            }
        }
        app.finish(f);
    }
    stopping(&mut a, out, f);
    environment(im, &mut a, out, f);
    out.extend(inputs);
    if let Some(mut cfg) = a.object("ProcessingOutputConfig", f) {
        let mut said = false;
        for (v, p) in cfg.array("Outputs", f) {
            im.processing_output(v, &p, s.map, out, &mut said, f);
        }
        cfg.finish(f);
    }
    for (v, p) in property_files(s, f) {
        let _ = p;
        out.line(&v);
    }
    a.default(
        "NetworkConfig",
        &json!({"EnableNetworkIsolation": false}),
        f,
    );
    a.finish(f);
    "processing"
}

/// `python3 /opt/ml/processing/input/code/x.py` (or `sh` for other files): how the language
/// runs `code`.
fn runs(uri: &Option<String>) -> Vec<String> {
    let Some(uri) = uri else {
        return Vec::new();
    };
    let file = uri.rsplit('/').next().unwrap_or("");
    let runner = if file.ends_with(".py") {
        "python3"
    } else {
        "sh"
    };
    vec![
        runner.to_string(),
        format!("/opt/ml/processing/input/code/{file}"),
    ]
}

fn entrypoint(entry: &[&str], out: &mut Out) {
    if !entry.is_empty() {
        let items: Vec<String> = entry.iter().map(|e| quote(e)).collect();
        out.line(&format!("entrypoint [{}]", items.join(", ")));
    }
}

/// A processing input, written as an `input` line (or kept aside as `code`).
pub struct Input {
    pub text: String,
    pub value: String,
    pub uri_lit: Option<String>,
    /// Mounted where the language mounts it, with SageMaker's default data options.
    pub plain: bool,
}

impl Importer {
    fn processing_input(&self, v: &Value, ptr: &str, f: &mut Findings) -> Option<(String, Input)> {
        let mut i = Obj::new(v, ptr, f)?;
        let name = i.string("InputName", f)?.to_string();
        i.default("AppManaged", &json!(false), f);
        let mut s = i.object("S3Input", f);
        i.finish(f);
        let s = s.as_mut()?;
        let (uri, up) = s.take("S3Uri")?;
        let uri_val = self.text(uri, &up, f)?;
        let local = s.string("LocalPath", f).unwrap_or("");
        let mut opts = Vec::new();
        option(s, "S3DataType", "data_type", "S3Prefix", &mut opts, f);
        option(s, "S3InputMode", "input_mode", "File", &mut opts, f);
        option(
            s,
            "S3DataDistributionType",
            "distribution",
            "FullyReplicated",
            &mut opts,
            f,
        );
        option(s, "S3CompressionType", "compression", "None", &mut opts, f);
        let lit = uri_val.lit.clone();
        let value = uri_val.s3();
        let default_local = local == format!("/opt/ml/processing/input/{name}");
        if !is_name(&name) {
            f.push(
                Code::E201,
                &format!("{ptr}/InputName"),
                format!(
                    "input name `{name}`: the language's names hold letters, digits, `_` and `-`"
                ),
            );
            return None;
        }
        let mut text = format!("input {name} = {value}");
        if !default_local {
            text.push_str(&format!(" at {}", quote(local)));
        }
        if !opts.is_empty() {
            text.push_str(&format!(" {{ {} }}", opts.join("  ")));
        }
        let opts_empty = opts.is_empty();
        Some((
            name,
            Input {
                text,
                value,
                uri_lit: lit,
                plain: default_local && opts_empty,
            },
        ))
    }

    fn processing_output(
        &mut self,
        v: &Value,
        ptr: &str,
        step: &serde_json::Map<String, Value>,
        out: &mut Out,
        said: &mut bool,
        f: &mut Findings,
    ) {
        let Some(mut o) = Obj::new(v, ptr, f) else {
            return;
        };
        let Some(name) = o.string("OutputName", f) else {
            return;
        };
        o.default("AppManaged", &json!(false), f);
        let Some(mut s) = o.object("S3Output", f) else {
            o.finish(f);
            return;
        };
        o.finish(f);
        let local = s.string("LocalPath", f).unwrap_or("").to_string();
        let mut opts = Vec::new();
        option(
            &mut s,
            "S3UploadMode",
            "upload_mode",
            "EndOfJob",
            &mut opts,
            f,
        );
        let Some((uri, up)) = s.take("S3Uri") else {
            f.malformed(&s.ptr, "`S3Uri`");
            return;
        };
        s.finish(f);
        if !is_name(name) {
            f.push(
                Code::E201,
                &format!("{ptr}/OutputName"),
                format!(
                    "output name `{name}`: the language's names hold letters, digits, `_` and `-`"
                ),
            );
            return;
        }
        let step_name = step.get("Name").and_then(Value::as_str).unwrap_or("");
        let mut text = format!("output {name}");
        if self.default_location(uri, step_name, name) {
            if !std::mem::replace(said, true) {
                out.comment(
                    "Outputs without `=`: SageMaker's default location, under the execution's id.",
                );
            }
        } else {
            let Some(val) = self.text(uri, &up, f) else {
                return;
            };
            text.push_str(&format!(" = {}", val.s3()));
        }
        if local != format!("/opt/ml/processing/output/{name}") {
            text.push_str(&format!(" at {}", quote(&local)));
        }
        if !opts.is_empty() {
            text.push_str(&format!(" {{ {} }}", opts.join("  ")));
        }
        out.line(&text);
    }

    /// `Join("/", ["s3:/", bucket, pipeline, ExecutionId, step, "output", name])`: the SDK's
    /// default output location, which the language writes as an output without `=` under
    /// the pipeline's `default_bucket`.
    fn default_location(&mut self, uri: &Value, step: &str, name: &str) -> bool {
        let Some(values) = uri
            .get("Std:Join")
            .filter(|j| j.get("On").and_then(Value::as_str) == Some("/"))
            .and_then(|j| j.get("Values"))
            .and_then(Value::as_array)
        else {
            return false;
        };
        let [s3, bucket, pipeline, exec, st, o, n] = values.as_slice() else {
            return false;
        };
        let (Some(bucket), Some(pipeline)) = (bucket.as_str(), pipeline.as_str()) else {
            return false;
        };
        let fits = s3 == "s3:/"
            && exec == &json!({"Get": "Execution.PipelineExecutionId"})
            && st == step
            && o == "output"
            && n == name
            && pipeline == self.name
            && self.default_bucket.as_deref().is_none_or(|b| b == bucket);
        if fits {
            self.default_bucket = Some(bucket.to_string());
        }
        fits
    }

    /// The pipeline's one role: every step must pass the same.
    pub fn role(&mut self, o: &mut Obj, key: &str, f: &mut Findings) {
        let Some(role) = o.string(key, f) else {
            return;
        };
        let at = o.at(key);
        match &self.role {
            None => self.role = Some((role.to_string(), at)),
            Some((r, _)) if r == role => {}
            Some((r, _)) => {
                f.push(Code::E201, &at, format!("this step passes role `{role}`, another passes `{r}`: a pipeline has one `role`"));
            }
        }
    }
}

/// `key value` of a data option, when it differs from SageMaker's default.
fn option(
    s: &mut Obj,
    field: &str,
    key: &str,
    default: &str,
    opts: &mut Vec<String>,
    f: &mut Findings,
) {
    if let Some(v) = s.string(field, f) {
        if v != default {
            opts.push(format!("{key} {v}"));
        }
    }
}

/// `ProcessingResources.ClusterConfig` → `instance T x N` and `volume_gb`.
fn cluster(im: &Importer, a: &mut Obj, out: &mut Out, f: &mut Findings) {
    let Some(mut r) = a.object("ProcessingResources", f) else {
        return;
    };
    if let Some(mut c) = r.object("ClusterConfig", f) {
        resources(im, &mut c, out, f);
        c.finish(f);
    }
    r.finish(f);
}

/// `InstanceType`, `InstanceCount`, `VolumeSizeInGB` of a job's resources.
fn resources(im: &Importer, c: &mut Obj, out: &mut Out, f: &mut Findings) {
    let ty = c
        .take("InstanceType")
        .and_then(|(v, p)| im.value(v, &p, Ty::Str, f));
    let count = c
        .take("InstanceCount")
        .and_then(|(v, p)| im.value(v, &p, Ty::Int, f));
    if let Some(ty) = ty {
        let ty = ty.lit.unwrap_or(ty.text);
        match count {
            Some(n) if n.text != "1" => out.line(&format!("instance {ty} x {}", n.text)),
            _ => out.line(&format!("instance {ty}")),
        }
    }
    if let Some((v, p)) = c.take("VolumeSizeInGB") {
        if let Some(v) = im.value(v, &p, Ty::Int, f) {
            if v.text != DEFAULT_VOLUME.to_string() {
                out.line(&format!("volume_gb {}", v.text));
            }
        }
    }
}

/// `StoppingCondition.MaxRuntimeInSeconds` → `max_runtime`; SageMaker's default (one day) is
/// what the language writes when it is left out.
fn stopping(a: &mut Obj, out: &mut Out, f: &mut Findings) {
    let Some(mut s) = a.object("StoppingCondition", f) else {
        return;
    };
    if let Some((v, p)) = s.take("MaxRuntimeInSeconds") {
        match v.as_u64() {
            Some(DEFAULT_RUNTIME) => {}
            Some(n) => out.line(&format!("max_runtime {}", crate::check::fmt_duration(n))),
            None => f.malformed(&p, "a number of seconds"),
        }
    }
    s.finish(f);
}

/// `Environment` → `environment { K = v }`.
fn environment(im: &Importer, a: &mut Obj, out: &mut Out, f: &mut Findings) {
    if let Some(m) = a.object("Environment", f) {
        if let Some(text) = map_of(im, &m, f) {
            out.line(&format!("environment {text}"));
        }
    }
}

/// A map of request values: `{ K = v, … }` (`None` when empty).
pub fn map_of(im: &Importer, m: &Obj, f: &mut Findings) -> Option<String> {
    let entries: Vec<String> = m
        .map
        .iter()
        .filter_map(|(k, v)| {
            let val = im.value(v, &m.at(k), Ty::Str, f)?;
            let key = if is_name(k) { k.clone() } else { quote(k) };
            Some(format!("{key} = {}", number_text(&val)))
        })
        .collect();
    (!entries.is_empty()).then(|| format!("{{ {} }}", entries.join(", ")))
}

/// A string that is exactly a number's text is written as the number (SageMaker and the
/// language both send it as that text): `"50"` → `50`.
fn number_text(v: &Val) -> String {
    let Some(s) = &v.lit else {
        return v.text.clone();
    };
    let exact = s.parse::<i64>().is_ok_and(|n| n.to_string() == *s)
        || s.parse::<f64>().is_ok_and(|x| {
            x.is_finite()
                && s.contains('.')
                && serde_json::Number::from_f64(x).is_some_and(|n| n.to_string() == *s)
        });
    if exact {
        s.clone()
    } else {
        v.text.clone()
    }
}

/// `PropertyFiles` → `property_file NAME = output / "path"` lines.
fn property_files(s: &mut Obj, f: &mut Findings) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    for (v, p) in s.array("PropertyFiles", f) {
        let Some(mut pf) = Obj::new(v, &p, f) else {
            continue;
        };
        let name = pf.string("PropertyFileName", f);
        let output = pf.string("OutputName", f);
        let path = pf.string("FilePath", f);
        pf.finish(f);
        if let (Some(n), Some(o), Some(path)) = (name, output, path) {
            if !is_name(n) {
                f.push(Code::E201, &format!("{p}/PropertyFileName"), format!("property file name `{n}`: the language's names hold letters, digits, `_` and `-`"));
                continue;
            }
            lines.push((format!("property_file {n} = {o} / {}", quote(path)), p));
        }
    }
    lines
}

pub fn training(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.object("Arguments", f) else {
        f.malformed(&s.ptr, "`Arguments`");
        return "training";
    };
    im.role(&mut a, "RoleArn", f);
    definition(im, &mut a, "HyperParameters", "hyperparameters", out, f);
    a.finish(f);
    "training"
}

/// The parts of a training request a tuning step's `TrainingJobDefinition` shares.
fn definition(
    im: &mut Importer,
    a: &mut Obj,
    hyper: &str,
    hyper_key: &str,
    out: &mut Out,
    f: &mut Findings,
) {
    if let Some(mut alg) = a.object("AlgorithmSpecification", f) {
        if let Some((v, p)) = alg.take("TrainingImage") {
            if let Some(v) = im.text(v, &p, f) {
                out.line(&format!("image {}", v.text));
            }
        }
        if let Some(mode) = alg.string("TrainingInputMode", f) {
            if mode != "File" {
                out.line(&format!("input_mode {mode}"));
            }
        }
        alg.default("EnableSageMakerMetricsTimeSeries", &json!(false), f);
        alg.finish(f);
    }
    if let Some(mut r) = a.object("ResourceConfig", f) {
        resources(im, &mut r, out, f);
        r.finish(f);
    }
    if let Some(mut r) = a.object("HyperParameterTuningResourceConfig", f) {
        resources(im, &mut r, out, f);
        r.finish(f);
    }
    stopping(a, out, f);
    environment(im, a, out, f);
    for (v, p) in a.array("InputDataConfig", f) {
        if let Some(line) = channel(im, v, &p, f) {
            out.line(&line);
        }
    }
    if let Some(mut o) = a.object("OutputDataConfig", f) {
        if let Some((v, p)) = o.take("S3OutputPath") {
            if let Some(v) = im.text(v, &p, f) {
                out.line(&format!("output {TRAINING_OUTPUT} = {}", v.s3()));
            }
        }
        o.finish(f);
    }
    if let Some(h) = a.object(hyper, f) {
        if let Some(text) = map_of(im, &h, f) {
            out.line(&format!("{hyper_key} {text}"));
        }
    }
    a.approximate("DebugHookConfig", DEBUGGER, f);
    a.approximate("ProfilerConfig", DEBUGGER, f);
    a.approximate("ProfilerRuleConfigurations", DEBUGGER, f);
    a.approximate("DebugRuleConfigurations", DEBUGGER, f);
}

/// One `InputDataConfig` entry → `channel NAME = uri { options }`.
fn channel(im: &Importer, v: &Value, ptr: &str, f: &mut Findings) -> Option<String> {
    let mut c = Obj::new(v, ptr, f)?;
    let name = c.string("ChannelName", f)?.to_string();
    let mut opts = Vec::new();
    if let Some((ct, p)) = c.take("ContentType") {
        if let Some(v) = im.text(ct, &p, f) {
            opts.push(format!("content_type {}", v.text));
        }
    }
    option(
        &mut c,
        "CompressionType",
        "compression",
        "None",
        &mut opts,
        f,
    );
    if let Some(mode) = c.string("InputMode", f) {
        opts.push(format!("input_mode {mode}"));
    }
    let mut uri = None;
    if let Some(mut ds) = c.object("DataSource", f) {
        if let Some(mut s3) = ds.object("S3DataSource", f) {
            option(&mut s3, "S3DataType", "data_type", "S3Prefix", &mut opts, f);
            option(
                &mut s3,
                "S3DataDistributionType",
                "distribution",
                "FullyReplicated",
                &mut opts,
                f,
            );
            uri = s3.take("S3Uri").and_then(|(v, p)| im.text(v, &p, f));
            s3.finish(f);
        }
        ds.finish(f);
    }
    c.finish(f);
    if !is_name(&name) {
        f.push(
            Code::E201,
            &format!("{ptr}/ChannelName"),
            format!(
                "channel name `{name}`: the language's names hold letters, digits, `_` and `-`"
            ),
        );
        return None;
    }
    let mut text = format!("channel {name} = {}", uri?.s3());
    if !opts.is_empty() {
        text.push_str(&format!(" {{ {} }}", opts.join("  ")));
    }
    Some(text)
}

pub fn tuning(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.object("Arguments", f) else {
        f.malformed(&s.ptr, "`Arguments`");
        return "tuning";
    };
    if a.map.contains_key("TrainingJobDefinitions") {
        a.take("TrainingJobDefinitions");
        f.push(Code::E201, &a.at("TrainingJobDefinitions"), "a tuning job over several algorithms (`TrainingJobDefinitions`) cannot be written in the pipeline language yet: it tunes one training definition");
    }
    if let Some(mut d) = a.object("TrainingJobDefinition", f) {
        im.role(&mut d, "RoleArn", f);
        definition(
            im,
            &mut d,
            "StaticHyperParameters",
            "static_hyperparameters",
            out,
            f,
        );
        d.finish(f);
    }
    if let Some(mut c) = a.object("HyperParameterTuningJobConfig", f) {
        tuning_config(im, &mut c, out, f);
        c.finish(f);
    }
    if let Some(mut w) = a.object("WarmStartConfig", f) {
        let parents: Vec<String> = w
            .array("ParentHyperParameterTuningJobs", f)
            .iter()
            .filter_map(|(v, p)| {
                let name = v.get("HyperParameterTuningJobName")?;
                im.text(name, &format!("{p}/HyperParameterTuningJobName"), f)
                    .map(|x| x.text)
            })
            .collect();
        out.line(&format!("warm_start_from [{}]", parents.join(", ")));
        if let Some(kind) = w.string("WarmStartType", f) {
            let word = match kind {
                "TransferLearning" => "transfer_learning",
                _ => "identical_data_and_algorithm",
            };
            out.line(&format!("warm_start_type {word}"));
        }
        w.finish(f);
    }
    a.finish(f);
    "tuning"
}

fn tuning_config(im: &Importer, c: &mut Obj, out: &mut Out, f: &mut Findings) {
    if let Some(s) = c.string("Strategy", f) {
        out.line(&format!("strategy {}", s.to_ascii_lowercase()));
    }
    if let Some(mut o) = c.object("HyperParameterTuningJobObjective", f) {
        let ty = o.string("Type", f);
        let metric = o.string("MetricName", f);
        o.finish(f);
        if let (Some(ty), Some(m)) = (ty, metric) {
            out.line(&format!("{} {}", ty.to_ascii_lowercase(), quote(m)));
        }
    }
    if let Some(mut l) = c.object("ResourceLimits", f) {
        for (field, key) in [
            ("MaxNumberOfTrainingJobs", "max_jobs"),
            ("MaxParallelTrainingJobs", "max_parallel"),
        ] {
            if let Some((v, _)) = l.take(field) {
                out.line(&format!("{key} {v}"));
            }
        }
        l.finish(f);
    }
    if let Some(e) = c.string("TrainingJobEarlyStoppingType", f) {
        out.line(&format!("early_stopping {}", e.to_ascii_lowercase()));
    }
    if let Some(mut r) = c.object("ParameterRanges", f) {
        let mut ranges = Vec::new();
        for (field, kind) in [
            ("ContinuousParameterRanges", "continuous"),
            ("IntegerParameterRanges", "integer"),
            ("CategoricalParameterRanges", "categorical"),
        ] {
            for (v, p) in r.array(field, f) {
                if let Some(text) = range(im, v, &p, kind, f) {
                    ranges.push(text);
                }
            }
        }
        r.finish(f);
        if !ranges.is_empty() {
            out.line(&format!("ranges {{ {} }}", ranges.join(", ")));
        }
    }
}

/// `{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5", "ScalingType": "Logarithmic"}` →
/// `eta = continuous(0.1, 0.5, log)`.
fn range(im: &Importer, v: &Value, ptr: &str, kind: &str, f: &mut Findings) -> Option<String> {
    let _ = im;
    let mut r = Obj::new(v, ptr, f)?;
    let name = r.string("Name", f)?.to_string();
    let key = if is_name(&name) {
        name.clone()
    } else {
        quote(&name)
    };
    if kind == "categorical" {
        let values: Vec<String> = r
            .array("Values", f)
            .iter()
            .filter_map(|(v, p)| match v.as_str() {
                Some(s) => Some(quote(s)),
                None => {
                    f.push(
                        Code::E201,
                        p,
                        "categorical values are literal text in the language",
                    );
                    None
                }
            })
            .collect();
        r.finish(f);
        return Some(format!("{key} = categorical({})", values.join(", ")));
    }
    let mut bound = |field: &str| -> Option<String> {
        let (v, p) = r.take(field)?;
        match v.as_str().filter(|s| s.parse::<f64>().is_ok()) {
            Some(s) => Some(s.to_string()),
            None => {
                f.push(
                    Code::E201,
                    &p,
                    format!("`{field}` must be a literal number in the language"),
                );
                None
            }
        }
    };
    let (lo, hi) = (bound("MinValue"), bound("MaxValue"));
    let scaling = match r.string("ScalingType", f) {
        None => None,
        Some("Auto") => Some("auto"),
        Some("Linear") => Some("linear"),
        Some("Logarithmic") => Some("log"),
        Some("ReverseLogarithmic") => Some("reverse_log"),
        Some(other) => {
            f.push(
                Code::E201,
                &r.at("ScalingType"),
                format!("scaling type `{other}` is not one SageMaker documents"),
            );
            None
        }
    };
    r.finish(f);
    let mut args = vec![lo?, hi?];
    args.extend(scaling.map(str::to_string));
    Some(format!("{key} = {kind}({})", args.join(", ")))
}

pub fn transform(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.object("Arguments", f) else {
        f.malformed(&s.ptr, "`Arguments`");
        return "transform";
    };
    if let Some((v, p)) = a.take("ModelName") {
        let model = match v.get("Get").and_then(Value::as_str) {
            // A model step's model: `model Step`, so lineage links the two.
            Some(path) if path.ends_with(".ModelName") && path.starts_with("Steps.") => {
                super::order::step_of(path).map(str::to_string)
            }
            _ => im.text(v, &p, f).map(|x| x.text),
        };
        if let Some(m) = model {
            out.line(&format!("model {m}"));
        }
    }
    if let Some(mut r) = a.object("TransformResources", f) {
        resources(im, &mut r, out, f);
        r.finish(f);
    }
    if let Some(mut i) = a.object("TransformInput", f) {
        if let Some((ct, p)) = i.take("ContentType") {
            if let Some(v) = im.text(ct, &p, f) {
                out.line(&format!("content_type {}", v.text));
            }
        }
        if let Some(split) = i.string("SplitType", f) {
            out.line(&format!("split {}", split.to_ascii_lowercase()));
        }
        i.default("CompressionType", &json!("None"), f);
        if let Some(mut ds) = i.object("DataSource", f) {
            if let Some(mut s3) = ds.object("S3DataSource", f) {
                s3.default("S3DataType", &json!("S3Prefix"), f);
                if let Some(v) = s3.take("S3Uri").and_then(|(v, p)| im.text(v, &p, f)) {
                    out.line(&format!("input data = {}", v.s3()));
                }
                s3.finish(f);
            }
            ds.finish(f);
        }
        i.finish(f);
    }
    if let Some(mut o) = a.object("TransformOutput", f) {
        if let Some(v) = o.take("S3OutputPath").and_then(|(v, p)| im.text(v, &p, f)) {
            out.line(&format!("output {TRANSFORM_OUTPUT} = {}", v.s3()));
        }
        if let Some((acc, p)) = o.take("Accept") {
            if let Some(v) = im.text(acc, &p, f) {
                out.line(&format!("accept {}", v.text));
            }
        }
        if let Some(w) = o.string("AssembleWith", f) {
            out.line(&format!("assemble_with {}", w.to_ascii_lowercase()));
        }
        o.finish(f);
    }
    if let Some((v, p)) = a.take("MaxPayloadInMB") {
        match v.as_u64() {
            Some(n) => out.line(&format!("max_payload_mb {n}")),
            None => f.malformed(&p, "a whole number"),
        }
    }
    if let Some(b) = a.string("BatchStrategy", f) {
        let word = if b == "MultiRecord" {
            "multi_record"
        } else {
            "single_record"
        };
        out.line(&format!("batch_strategy {word}"));
    }
    if let Some(mut d) = a.object("DataProcessing", f) {
        for (field, key) in [
            ("InputFilter", "input_filter"),
            ("OutputFilter", "output_filter"),
        ] {
            if let Some(x) = d.string(field, f) {
                out.line(&format!("{key} {}", quote(x)));
            }
        }
        if let Some(j) = d.string("JoinSource", f) {
            out.line(&format!("join_source {}", j.to_ascii_lowercase()));
        }
        d.finish(f);
    }
    a.finish(f);
    "transform"
}
