//! Steps that call something other than a SageMaker job: Lambda, Callback (SQS), EMR and Fail;
//! and the retry policies every step may carry.

use super::exprs::Ty;
use super::reader::{child, Findings, Obj};
use super::write::{is_name, quote, Out};
use super::Importer;
use crate::diagnostics::Code;
use serde_json::Value;

pub fn lambda(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    if s.required("FunctionArn", f)
        .is_some_and(|(v, _)| !v.is_string())
    {
        f.malformed(&s.at("FunctionArn"), "a function ARN");
    }
    if let Some(arn) = s.map.get("FunctionArn").and_then(Value::as_str) {
        out.line(&format!("function {}", quote(arn)));
    }
    payload(im, s, "payload", out, f);
    outputs(s, out, f);
    "lambda"
}

pub fn callback(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    if let Some((v, p)) = s.required("SqsQueueUrl", f) {
        if let Some(v) = im.text(v, &p, f) {
            out.line(&format!("queue {}", v.text));
        }
    }
    payload(im, s, "message", out, f);
    outputs(s, out, f);
    "callback"
}

/// `Arguments` of a Lambda (its payload) or a callback (its message): `{ k = v }`.
fn payload(im: &Importer, s: &mut Obj, key: &str, out: &mut Out, f: &mut Findings) {
    if let Some(a) = s.object("Arguments", f) {
        if let Some(text) = super::jobs::map_of(im, &a, f) {
            out.line(&format!("{key} {text}"));
        }
    }
}

/// `OutputParameters` → `outputs { name: type }`; later steps read `Step.name`.
fn outputs(s: &mut Obj, out: &mut Out, f: &mut Findings) {
    let mut fields = Vec::new();
    for (v, p) in s.array("OutputParameters", f) {
        let Some(mut o) = Obj::new(v, &p, f) else {
            continue;
        };
        let name = o.string("OutputName", f);
        let ty = o.string("OutputType", f).unwrap_or("String");
        o.finish(f);
        let Some(name) = name else {
            continue;
        };
        let Some(ty) = Ty::from_output_type(ty) else {
            f.push(
                Code::E201,
                &format!("{p}/OutputType"),
                format!("output type `{ty}` is not String, Integer, Float or Boolean"),
            );
            continue;
        };
        if !is_name(name) {
            f.push(
                Code::E201,
                &format!("{p}/OutputName"),
                format!(
                    "output name `{name}`: the language's names hold letters, digits, `_` and `-`"
                ),
            );
            continue;
        }
        fields.push(format!("{name}: {}", ty.name()));
    }
    if !fields.is_empty() {
        out.line(&format!("outputs {{ {} }}", fields.join(", ")));
    }
}

pub fn emr(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.required_object("Arguments", f) else {
        return "emr";
    };
    if let Some((v, p)) = a.take("ClusterId") {
        if let Some(v) = im.text(v, &p, f) {
            out.line(&format!("cluster {}", v.text));
        }
    }
    if !a.map.contains_key("ClusterId") && !a.map.contains_key("ClusterConfig") {
        f.push(
            Code::E205,
            &a.ptr,
            "an EMR step needs `ClusterId` or `ClusterConfig`",
        );
    }
    if let Some((config, p)) = a.take("ClusterConfig") {
        match config {
            Value::Object(_) if let Some(problem) = crate::check::emr_config_problem(config) => {
                f.push(
                    Code::E205,
                    &p,
                    format!("the cluster configuration {problem}"),
                );
            }
            Value::Object(m) => {
                let entries: Option<Vec<String>> = m
                    .iter()
                    .map(|(k, v)| Some(format!("{} = {}", key(k), literal(v, &child(&p, k), f)?)))
                    .collect();
                if let Some(entries) = entries {
                    out.line(&format!("cluster_config {{ {} }}", entries.join(", ")));
                }
            }
            _ => f.malformed(&p, "a RunJobFlow request object"),
        }
    }
    if let Some(mut c) = a.required_object("StepConfig", f) {
        if let Some(mut h) = c.required_object("HadoopJarStep", f) {
            if let Some(jar) = h.string("Jar", f) {
                if jar != "command-runner.jar" {
                    out.line(&format!("jar {}", quote(jar)));
                }
            }
            let args: Option<Vec<String>> = h
                .array("Args", f)
                .iter()
                .map(|(v, p)| im.scalar(v, p, f).map(|x| x.text))
                .collect();
            if let Some(args) = args {
                out.line(&format!("args [{}]", args.join(", ")));
            }
            h.finish(f);
        }
        if let Some(action) = c.word(
            "ActionOnFailure",
            crate::check::words::EMR_ACTIONS_ON_FAILURE,
            f,
        ) {
            if action != "continue" {
                out.line(&format!("action_on_failure {action}"));
            }
        }
        c.finish(f);
    }
    a.finish(f);
    "emr"
}

/// A map key: bare when the language reads it so, quoted otherwise.
fn key(k: &str) -> String {
    if is_name(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

/// A JSON value written out as a literal of the language (`{ k = v }`, `[…]`); expressions and
/// `null` have no literal form.
fn literal(v: &Value, ptr: &str, f: &mut Findings) -> Option<String> {
    Some(match v {
        Value::String(s) => quote(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => {
            let items: Option<Vec<String>> = items
                .iter()
                .enumerate()
                .map(|(i, x)| literal(x, &format!("{ptr}/{i}"), f))
                .collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Object(m) if m.keys().any(|k| k == "Get" || k.starts_with("Std:")) => {
            f.push(
                Code::E201,
                ptr,
                "a cluster configuration holds literal values in the language",
            );
            return None;
        }
        Value::Object(m) => {
            let entries: Option<Vec<String>> = m
                .iter()
                .map(|(k, x)| Some(format!("{} = {}", key(k), literal(x, &child(ptr, k), f)?)))
                .collect();
            format!("{{ {} }}", entries?.join(", "))
        }
        Value::Null => {
            f.push(Code::E201, ptr, "`null` has no literal in the language");
            return None;
        }
    })
}

/// SageMaker's Fail step has one message, which becomes the execution's failure reason: here
/// the cause, under an error named after the step.
pub fn fail(
    im: &mut Importer,
    name: &str,
    s: &mut Obj,
    out: &mut Out,
    f: &mut Findings,
) -> &'static str {
    out.line(&format!("error {}", quote(name)));
    if let Some(mut a) = s.object("Arguments", f) {
        if let Some((v, p)) = a.take("ErrorMessage") {
            im.json_allowed.set(true);
            if let Some(v) = im.scalar(v, &p, f) {
                out.line(&format!("cause {}", v.text));
            }
            im.json_allowed.set(false);
        }
        a.finish(f);
    }
    "fail"
}

/// One `RetryPolicies` entry → the body of a `retry` policy.
pub fn retry_policy(v: &Value, ptr: &str, f: &mut Findings) -> Option<String> {
    let mut r = Obj::new(v, ptr, f)?;
    let mut classes = Vec::new();
    for (t, p) in r.array("ExceptionType", f) {
        let class = match t.as_str() {
            Some("Step.SERVICE_FAULT") => "step.service_fault",
            Some("Step.THROTTLING") => "step.throttling",
            Some("SageMaker.JOB_INTERNAL_ERROR") => "sagemaker.job_internal_error",
            Some("SageMaker.CAPACITY_ERROR") => "sagemaker.capacity_error",
            Some("SageMaker.RESOURCE_LIMIT") => "sagemaker.resource_limit",
            _ => {
                f.push(
                    Code::E201,
                    &p,
                    format!("retry exception type {t} is not one of SageMaker's five"),
                );
                continue;
            }
        };
        classes.push(class);
    }
    let mut body = format!("on [{}]", classes.join(", "));
    if let Some((v, p)) = r.take("IntervalSeconds") {
        match v
            .as_u64()
            .filter(|n| crate::check::RETRY_INTERVAL_SECONDS.contains(n))
        {
            Some(n) => body.push_str(&format!("  interval {n}s")),
            None => f.malformed(&p, "between 1 and 43,200 seconds"),
        }
    }
    if let Some((v, p)) = r.take("BackoffRate") {
        match v.as_f64().filter(|x| *x >= 1.0) {
            Some(x) => body.push_str(&format!(
                "  backoff {}",
                super::exprs::literal(v, Ty::Float).unwrap_or_else(|| x.to_string())
            )),
            None => f.malformed(&p, "a backoff rate of at least 1.0"),
        }
    }
    if r.map.contains_key("MaxAttempts") && r.map.contains_key("ExpireAfterMin") {
        f.malformed(&r.ptr, "either `MaxAttempts` or `ExpireAfterMin`, not both");
    }
    if let Some((v, p)) = r.take("MaxAttempts") {
        match v
            .as_i64()
            .filter(|n| crate::check::RETRY_ATTEMPTS.contains(n))
        {
            Some(n) => body.push_str(&format!("  max_attempts {n}")),
            None => f.malformed(&p, "between 1 and 20 attempts"),
        }
    }
    if let Some((v, p)) = r.take("ExpireAfterMin") {
        match v
            .as_u64()
            .filter(|n| crate::check::RETRY_EXPIRY_MINUTES.contains(n))
        {
            Some(n) => body.push_str(&format!("  expire_after {n}m")),
            None => f.malformed(&p, "between 1 and 14,400 minutes"),
        }
    }
    (!classes.is_empty()).then_some(body)
}
