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
use crate::check::words::{self, Words};
use crate::check::{DEFAULT_RUNTIME, MAX_RUNTIME_PROCESSING, MAX_RUNTIME_TRAINING};
const DEFAULT_VOLUME: u64 = 30;

const DEBUGGER: &str = "SageMaker Debugger and Profiler output is not configured by aslc (the job runs the same; its debug and profile data are not collected)";

pub fn processing(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.required_object("Arguments", f) else {
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
    let mut app = a.required_object("AppSpecification", f);
    let image = app.as_mut().and_then(|x| x.required("ImageUri", f));
    if let Some(v) = image.and_then(|(v, p)| im.text(v, &p, f)) {
        out.line(&format!("image {}", v.text));
    }
    cluster(im, &mut a, out, f);
    if let Some(mut app) = app {
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
                .map(|(v, p)| im.scalar(v, p, f).map(|x| x.text))
                .collect();
            if let Some(vals) = vals {
                out.line(&format!("arguments [{}]", vals.join(", ")));
            }
        }
        app.finish(f);
    }
    stopping(&mut a, MAX_RUNTIME_PROCESSING, out, f);
    environment(im, &mut a, out, f);
    out.extend(inputs);
    if let Some(mut cfg) = a.object("ProcessingOutputConfig", f) {
        let mut said = false;
        for (v, p) in cfg.array("Outputs", f) {
            im.processing_output(v, &p, s.map, out, &mut said, f);
        }
        cfg.finish(f);
    }
    let outputs: Vec<&str> = s
        .map
        .get("Arguments")
        .and_then(|a| a.pointer("/ProcessingOutputConfig/Outputs"))
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .filter_map(|x| x.get("OutputName")?.as_str())
                .collect()
        })
        .unwrap_or_default();
    for (line, output, p) in property_files(s, f) {
        if outputs.contains(&output.as_str()) {
            out.line(&line);
        } else {
            f.push(
                Code::E203,
                &format!("{p}/OutputName"),
                format!("the step has no output `{output}`"),
            );
        }
    }
    a.default(
        "NetworkConfig",
        &json!({"EnableNetworkIsolation": false}),
        f,
    );
    a.finish(f);
    "processing"
}

/// How the language runs `code` at this location (nothing when it is not literal).
fn runs(uri: &Option<String>) -> Vec<String> {
    uri.as_deref()
        .map(crate::check::code_entrypoint)
        .unwrap_or_default()
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
        let uri_val = self.location(uri, &up, f)?;
        let local = processing_path(s, f)?;
        let mut opts = Vec::new();
        option(
            s,
            "S3DataType",
            "data_type",
            words::DATA_TYPES,
            &mut opts,
            f,
        );
        option(
            s,
            "S3InputMode",
            "input_mode",
            words::PROCESSING_INPUT_MODES,
            &mut opts,
            f,
        );
        option(
            s,
            "S3DataDistributionType",
            "distribution",
            words::DISTRIBUTIONS,
            &mut opts,
            f,
        );
        option(
            s,
            "S3CompressionType",
            "compression",
            words::COMPRESSIONS,
            &mut opts,
            f,
        );
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
        let Some(local) = processing_path(&mut s, f) else {
            return;
        };
        let mut opts = Vec::new();
        option(
            &mut s,
            "S3UploadMode",
            "upload_mode",
            words::UPLOAD_MODES,
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
            let Some(val) = self.location(uri, &up, f) else {
                return;
            };
            text.push_str(&format!(" = {}", val.s3()));
        }
        if local != format!("/opt/ml/processing/output/{name}") {
            text.push_str(&format!(" at {}", quote(local)));
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
        if o.required(key, f).is_none() {
            return;
        }
        let at = o.at(key);
        let Some(role) = o
            .map
            .get(key)
            .and_then(Value::as_str)
            .filter(|r| r.starts_with("arn:"))
        else {
            f.malformed(&at, "an IAM role ARN");
            return;
        };
        match &self.role {
            None => self.role = Some((role.to_string(), at)),
            Some((r, _)) if r == role => {}
            Some((r, _)) => {
                f.push(Code::E201, &at, format!("this step passes role `{role}`, another passes `{r}`: a pipeline has one `role`"));
            }
        }
    }
}

/// `LocalPath` of a processing input or output: under `/opt/ml/processing/`.
fn processing_path<'a>(s: &mut Obj<'a>, f: &mut Findings) -> Option<&'a str> {
    let (v, p) = s.required("LocalPath", f)?;
    match v.as_str().filter(|l| crate::check::is_processing_path(l)) {
        Some(l) => Some(l),
        None => {
            f.malformed(&p, "a path under /opt/ml/processing/");
            None
        }
    }
}

/// `key value` of a data option, when it differs from SageMaker's default (the table's first).
fn option(
    s: &mut Obj,
    field: &str,
    key: &str,
    table: Words,
    opts: &mut Vec<String>,
    f: &mut Findings,
) {
    let default = table[0].0;
    if let Some(v) = s.word(field, table, f) {
        if v != default {
            opts.push(format!("{key} {v}"));
        }
    }
}

/// `ProcessingResources.ClusterConfig` → `instance T x N` and `volume_gb`.
fn cluster(im: &Importer, a: &mut Obj, out: &mut Out, f: &mut Findings) {
    let Some(mut r) = a.required_object("ProcessingResources", f) else {
        return;
    };
    if let Some(mut c) = r.required_object("ClusterConfig", f) {
        resources(im, &mut c, out, f);
        c.finish(f);
    }
    r.finish(f);
}

/// `InstanceType`, `InstanceCount`, `VolumeSizeInGB` of a job's resources.
fn resources(im: &Importer, c: &mut Obj, out: &mut Out, f: &mut Findings) {
    let ty = c
        .required("InstanceType", f)
        .and_then(|(v, p)| im.value(v, &p, Ty::Str, f));
    let count = c
        .take("InstanceCount")
        .and_then(|(v, p)| im.value(v, &p, Ty::Int, f));
    let ty = ty.and_then(|t| match (&t.lit, &t.param) {
        (Some(s), _) if crate::check::is_instance_type(s) => Some(s.clone()),
        (Some(s), _) => {
            f.push(
                Code::E205,
                &c.at("InstanceType"),
                format!("`{s}` is not a SageMaker instance type"),
            );
            None
        }
        (None, Some(p)) => Some(p.clone()),
        (None, None) => {
            f.push(
                Code::E201,
                &c.at("InstanceType"),
                "an instance type is literal or a string parameter in the language",
            );
            None
        }
    });
    let count = count.and_then(|n| {
        let int_param = im.params.get(&n.text) == Some(&Ty::Int);
        let literal = n.text.parse::<i64>().ok();
        match literal {
            Some(k) if crate::check::INSTANCE_COUNTS.contains(&k) => Some(n.text),
            None if int_param => Some(n.text),
            Some(k) => {
                f.push(
                    Code::E205,
                    &c.at("InstanceCount"),
                    format!("instance count {k} is outside 1..100"),
                );
                None
            }
            None => {
                f.push(
                    Code::E201,
                    &c.at("InstanceCount"),
                    "an instance count is a literal or an int parameter in the language",
                );
                None
            }
        }
    });
    if let Some(ty) = ty {
        match count.as_deref() {
            Some("1") | None => out.line(&format!("instance {ty}")),
            Some(n) => out.line(&format!("instance {ty} x {n}")),
        }
    }
    if let Some((v, p)) = c.take("VolumeSizeInGB") {
        if let Some(v) = im.value(v, &p, Ty::Int, f) {
            let size = v.text.parse::<i64>().ok();
            let param = im.params.get(&v.text) == Some(&Ty::Int);
            match size {
                Some(n) if n == DEFAULT_VOLUME as i64 => {}
                Some(n) if crate::check::VOLUME_SIZES.contains(&n) => {
                    out.line(&format!("volume_gb {n}"))
                }
                None if param => out.line(&format!("volume_gb {}", v.text)),
                _ => f.malformed(
                    &p,
                    "a volume size between 1 and 16384 GB, or an int parameter",
                ),
            }
        }
    }
}

/// `StoppingCondition.MaxRuntimeInSeconds` → `max_runtime`; SageMaker's default (one day) is
/// what the language writes when it is left out.
fn stopping(a: &mut Obj, max: u64, out: &mut Out, f: &mut Findings) {
    let Some(mut s) = a.object("StoppingCondition", f) else {
        return;
    };
    if let Some((v, p)) = s.take("MaxRuntimeInSeconds") {
        match v.as_u64() {
            Some(DEFAULT_RUNTIME) => {}
            Some(n) if (1..=max).contains(&n) => {
                out.line(&format!("max_runtime {}", crate::check::fmt_duration(n)))
            }
            Some(n) => f.malformed(
                &p,
                &format!("a runtime between 1 and {max} seconds, not {n}"),
            ),
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
fn property_files(s: &mut Obj, f: &mut Findings) -> Vec<(String, String, String)> {
    let mut lines = Vec::new();
    for (v, p) in s.array("PropertyFiles", f) {
        let Some(mut pf) = Obj::new(v, &p, f) else {
            continue;
        };
        let mut text = |key: &str, f: &mut Findings| match pf.required(key, f) {
            Some((Value::String(s), _)) => Some(s.as_str()),
            Some((_, p)) => {
                f.malformed(&p, "text");
                None
            }
            None => None,
        };
        let name = text("PropertyFileName", f);
        let output = text("OutputName", f);
        let path = text("FilePath", f);
        pf.finish(f);
        if let (Some(n), Some(o), Some(path)) = (name, output, path) {
            if !is_name(n) {
                f.push(Code::E201, &format!("{p}/PropertyFileName"), format!("property file name `{n}`: the language's names hold letters, digits, `_` and `-`"));
                continue;
            }
            lines.push((
                format!("property_file {n} = {o} / {}", quote(path)),
                o.to_string(),
                p,
            ));
        }
    }
    lines
}

pub fn training(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.required_object("Arguments", f) else {
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
    if let Some(mut alg) = a.required_object("AlgorithmSpecification", f) {
        if let Some((v, p)) = alg.required("TrainingImage", f) {
            if let Some(v) = im.text(v, &p, f) {
                out.line(&format!("image {}", v.text));
            }
        }
        if let Some(mode) = alg.word("TrainingInputMode", words::CHANNEL_INPUT_MODES, f) {
            if mode != "File" {
                out.line(&format!("input_mode {mode}"));
            }
        }
        alg.default("EnableSageMakerMetricsTimeSeries", &json!(false), f);
        alg.finish(f);
    }
    let key = if a.map.contains_key("HyperParameterTuningResourceConfig") {
        "HyperParameterTuningResourceConfig"
    } else {
        "ResourceConfig"
    };
    if let Some(mut r) = a.required_object(key, f) {
        resources(im, &mut r, out, f);
        r.finish(f);
    }
    stopping(a, MAX_RUNTIME_TRAINING, out, f);
    environment(im, a, out, f);
    for (v, p) in a.array("InputDataConfig", f) {
        if let Some(line) = channel(im, v, &p, f) {
            out.line(&line);
        }
    }
    if let Some(mut o) = a.required_object("OutputDataConfig", f) {
        if let Some((v, p)) = o.required("S3OutputPath", f) {
            if let Some(v) = im.location(v, &p, f) {
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
        words::COMPRESSIONS,
        &mut opts,
        f,
    );
    if let Some(mode) = c.word("InputMode", words::CHANNEL_INPUT_MODES, f) {
        opts.push(format!("input_mode {mode}"));
    }
    let mut uri = None;
    if let Some(mut ds) = c.object("DataSource", f) {
        if let Some(mut s3) = ds.object("S3DataSource", f) {
            option(
                &mut s3,
                "S3DataType",
                "data_type",
                words::DATA_TYPES,
                &mut opts,
                f,
            );
            option(
                &mut s3,
                "S3DataDistributionType",
                "distribution",
                words::DISTRIBUTIONS,
                &mut opts,
                f,
            );
            uri = s3.take("S3Uri").and_then(|(v, p)| im.location(v, &p, f));
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
    let Some(mut a) = s.required_object("Arguments", f) else {
        return "tuning";
    };
    if a.map.contains_key("TrainingJobDefinitions") {
        a.take("TrainingJobDefinitions");
        f.push(Code::E201, &a.at("TrainingJobDefinitions"), "a tuning job over several algorithms (`TrainingJobDefinitions`) cannot be written in the pipeline language yet: it tunes one training definition");
    }
    if a.map.contains_key("TrainingJobDefinitions") {
        // Reported above; a definition of one algorithm is not required then.
    } else if let Some(mut d) = a.required_object("TrainingJobDefinition", f) {
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
    if a.map.contains_key("TrainingJobDefinitions") {
        // Reported above: the objective and ranges are per definition there.
        a.take("HyperParameterTuningJobConfig");
    } else if let Some(mut c) = a.required_object("HyperParameterTuningJobConfig", f) {
        tuning_config(&mut c, out, f);
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
        if let Some(word) = w.word("WarmStartType", words::WARM_START_TYPES, f) {
            out.line(&format!("warm_start_type {word}"));
        }
        w.finish(f);
    }
    a.finish(f);
    "tuning"
}

fn tuning_config(c: &mut Obj, out: &mut Out, f: &mut Findings) {
    if let Some(s) = c.word("Strategy", words::STRATEGIES, f) {
        out.line(&format!("strategy {s}"));
    }
    if let Some(mut o) = c.required_object("HyperParameterTuningJobObjective", f) {
        let ty = o.word(
            "Type",
            &[("maximize", "Maximize"), ("minimize", "Minimize")],
            f,
        );
        let metric = o.string("MetricName", f);
        o.finish(f);
        if let (Some(ty), Some(m)) = (ty, metric) {
            out.line(&format!("{ty} {}", quote(m)));
        }
    }
    if let Some(mut l) = c.object("ResourceLimits", f) {
        for (field, key) in [
            ("MaxNumberOfTrainingJobs", "max_jobs"),
            ("MaxParallelTrainingJobs", "max_parallel"),
        ] {
            if let Some((v, p)) = l.take(field) {
                match v
                    .as_i64()
                    .filter(|n| crate::check::TUNING_JOB_COUNTS.contains(n))
                {
                    Some(n) => out.line(&format!("{key} {n}")),
                    None => f.malformed(&p, "between 1 and 500 jobs"),
                }
            }
        }
        l.finish(f);
    }
    if let Some(e) = c.word("TrainingJobEarlyStoppingType", words::EARLY_STOPPING, f) {
        out.line(&format!("early_stopping {e}"));
    }
    if let Some(mut r) = c.object("ParameterRanges", f) {
        let mut ranges = Vec::new();
        for (field, kind) in [
            ("ContinuousParameterRanges", "continuous"),
            ("IntegerParameterRanges", "integer"),
            ("CategoricalParameterRanges", "categorical"),
        ] {
            for (v, p) in r.array(field, f) {
                if let Some(text) = range(v, &p, kind, f) {
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
fn range(v: &Value, ptr: &str, kind: &str, f: &mut Findings) -> Option<String> {
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
        if values.is_empty() {
            f.malformed(&r.at("Values"), "at least one value");
        }
        r.finish(f);
        return Some(format!("{key} = categorical({})", values.join(", ")));
    }
    let mut bound = |field: &str| -> Option<String> {
        let (v, p) = r.take(field)?;
        let number = |s: &&str| match kind {
            "integer" => s.parse::<i64>().is_ok(),
            _ => s.parse::<f64>().is_ok_and(f64::is_finite),
        };
        match v.as_str().filter(number) {
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
    let scaling = r.word("ScalingType", words::SCALINGS, f);
    r.finish(f);
    let mut args = vec![lo?, hi?];
    args.extend(scaling.map(str::to_string));
    Some(format!("{key} = {kind}({})", args.join(", ")))
}

pub fn transform(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.required_object("Arguments", f) else {
        return "transform";
    };
    if let Some((v, p)) = a.required("ModelName", f) {
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
    if let Some(mut r) = a.required_object("TransformResources", f) {
        resources(im, &mut r, out, f);
        r.finish(f);
    }
    if let Some(mut i) = a.required_object("TransformInput", f) {
        if let Some((ct, p)) = i.take("ContentType") {
            if let Some(v) = im.text(ct, &p, f) {
                out.line(&format!("content_type {}", v.text));
            }
        }
        if let Some(split) = i.word("SplitType", words::SPLIT_TYPES, f) {
            out.line(&format!("split {split}"));
        }
        i.default("CompressionType", &json!("None"), f);
        if let Some(mut ds) = i.required_object("DataSource", f) {
            if let Some(mut s3) = ds.required_object("S3DataSource", f) {
                s3.default("S3DataType", &json!("S3Prefix"), f);
                if let Some(v) = s3
                    .required("S3Uri", f)
                    .and_then(|(v, p)| im.location(v, &p, f))
                {
                    out.line(&format!("input data = {}", v.s3()));
                }
                s3.finish(f);
            }
            ds.finish(f);
        }
        i.finish(f);
    }
    if let Some(mut o) = a.required_object("TransformOutput", f) {
        if let Some(v) = o
            .required("S3OutputPath", f)
            .and_then(|(v, p)| im.location(v, &p, f))
        {
            out.line(&format!("output {TRANSFORM_OUTPUT} = {}", v.s3()));
        }
        if let Some((acc, p)) = o.take("Accept") {
            if let Some(v) = im.text(acc, &p, f) {
                out.line(&format!("accept {}", v.text));
            }
        }
        if let Some(w) = o.word("AssembleWith", words::ASSEMBLE_WITH, f) {
            out.line(&format!("assemble_with {w}"));
        }
        o.finish(f);
    }
    if let Some((v, p)) = a.take("MaxPayloadInMB") {
        match v.as_u64() {
            Some(n) => out.line(&format!("max_payload_mb {n}")),
            None => f.malformed(&p, "a whole number"),
        }
    }
    if let Some(b) = a.word("BatchStrategy", words::BATCH_STRATEGIES, f) {
        out.line(&format!("batch_strategy {b}"));
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
        if let Some(j) = d.word("JoinSource", words::JOIN_SOURCES, f) {
            out.line(&format!("join_source {j}"));
        }
        d.finish(f);
    }
    a.finish(f);
    "transform"
}
