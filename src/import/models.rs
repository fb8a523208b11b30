//! Model steps: `Model` (CreateModel) and `RegisterModel` (CreateModelPackage).

use super::jobs::map_of;
use super::reader::{Findings, Obj};
use super::write::{quote, Out};
use super::Importer;
use crate::diagnostics::Code;
use serde_json::{json, Value};

/// `model_data X` and `image Y` of one container; `model Step` when the data is a training
/// step's artifacts and the image that step's (lineage then links them).
fn container(im: &Importer, c: &mut Obj, out: &mut Out, f: &mut Findings) {
    let image = c.required("Image", f).and_then(|(v, p)| im.text(v, &p, f));
    let data = c.required("ModelDataUrl", f);
    let from_step = data
        .as_ref()
        .and_then(|(v, _)| v.get("Get"))
        .and_then(Value::as_str)
        .filter(|p| p.ends_with(".ModelArtifacts.S3ModelArtifacts"))
        .and_then(super::order::step_of)
        .filter(|s| im.steps.get(*s).is_some_and(|i| i.ty == "Training"))
        .filter(|s| {
            let trained = im.training_image(s);
            trained.is_some() && trained == image.as_ref().and_then(|i| i.lit.clone())
        });
    match from_step {
        Some(step) => out.line(&format!("model {step}")),
        None => {
            if let Some(v) = data.and_then(|(v, p)| im.location(v, &p, f)) {
                out.line(&format!("model_data {}", v.s3()));
            }
            if let Some(i) = &image {
                out.line(&format!("image {}", i.text));
            }
        }
    }
    if let Some(e) = c.object("Environment", f) {
        if let Some(text) = map_of(im, &e, f) {
            out.line(&format!("environment {text}"));
        }
    }
}

impl Importer {
    /// The literal image of a training step, as the definition gives it.
    fn training_image(&self, step: &str) -> Option<String> {
        self.steps.get(step)?.image.clone()
    }
}

pub fn model(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.required_object("Arguments", f) else {
        return "create_model";
    };
    im.role(&mut a, "ExecutionRoleArn", f);
    if let Some(mut c) = a.required_object("PrimaryContainer", f) {
        container(im, &mut c, out, f);
        c.finish(f);
    }
    a.finish(f);
    "create_model"
}

pub fn register(im: &mut Importer, s: &mut Obj, out: &mut Out, f: &mut Findings) -> &'static str {
    let Some(mut a) = s.required_object("Arguments", f) else {
        return "register";
    };
    if let Some((v, p)) = a.required("ModelPackageGroupName", f) {
        if let Some(v) = im.text(v, &p, f) {
            out.line(&format!("model_package_group {}", v.text));
        }
    }
    if let Some(mut spec) = a.required_object("InferenceSpecification", f) {
        let containers = spec.array("Containers", f);
        match containers.as_slice() {
            [(c, p)] => {
                if let Some(mut c) = Obj::new(c, p, f) {
                    container(im, &mut c, out, f);
                    c.finish(f);
                }
            }
            _ => {
                f.push(
                    Code::E201,
                    &spec.at("Containers"),
                    "a model package of the language has exactly one container",
                );
            }
        }
        for (field, key, default) in [
            ("SupportedContentTypes", "content_types", Some("text/csv")),
            (
                "SupportedResponseMIMETypes",
                "response_types",
                Some("text/csv"),
            ),
            (
                "SupportedRealtimeInferenceInstanceTypes",
                "inference_instances",
                None,
            ),
            (
                "SupportedTransformInstanceTypes",
                "transform_instances",
                None,
            ),
        ] {
            let items = strings(&mut spec, field, f);
            let is_default = match default {
                Some(d) => items.len() == 1 && items[0] == d,
                None => items.is_empty(),
            };
            if !is_default {
                let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
                out.line(&format!("{key} [{}]", quoted.join(", ")));
            }
        }
        spec.finish(f);
    }
    if let Some((v, p)) = a.take("ModelApprovalStatus") {
        if let Some(v) = im.text(v, &p, f) {
            let words = crate::check::words::APPROVALS;
            let text = match v.lit.as_deref() {
                Some("PendingManualApproval") => None,
                Some(s) => match crate::check::words::word_for(words, s) {
                    Some(w) => Some(w.to_string()),
                    None => {
                        f.push(
                            Code::E205,
                            &p,
                            format!("`{s}` is not PendingManualApproval, Approved or Rejected"),
                        );
                        None
                    }
                },
                None if v.param.is_some() => Some(v.text),
                None => {
                    f.push(
                        Code::E201,
                        &p,
                        "an approval status is a word or a string parameter in the language",
                    );
                    None
                }
            };
            if let Some(t) = text {
                out.line(&format!("approval {t}"));
            }
        }
    }
    for (field, key, table) in [
        ("ModelMetrics", "reports", crate::check::MODEL_METRICS),
        (
            "DriftCheckBaselines",
            "drift_baselines",
            crate::check::DRIFT_BASELINES,
        ),
    ] {
        if let Some(mut m) = a.object(field, f) {
            let entries = reports(im, &mut m, table, f);
            m.finish(f);
            if !entries.is_empty() {
                out.line(&format!("{key} {{ {} }}", entries.join(", ")));
            }
        }
    }
    if let Some(m) = a.object("CustomerMetadataProperties", f) {
        if let Some(text) = map_of(im, &m, f) {
            out.line(&format!("metadata {text}"));
        }
    }
    for field in ["ModelPackageDescription", "Description"] {
        if let Some((v, p)) = a.take(field) {
            if let Some(v) = im.text(v, &p, f) {
                out.line(&format!("description {}", v.text));
            }
        }
    }
    // The SDK writes "None", SageMaker's default: validation is not skipped.
    a.default("SkipModelValidation", &json!("None"), f);
    a.finish(f);
    "register"
}

/// A list of literal strings.
fn strings(o: &mut Obj, field: &str, f: &mut Findings) -> Vec<String> {
    o.array(field, f)
        .iter()
        .filter_map(|(v, p)| match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                f.push(
                    Code::E201,
                    p,
                    format!("`{field}` holds literal text in the language"),
                );
                None
            }
        })
        .collect()
}

/// `{"Bias": {"Report": {"ContentType": "application/json", "S3Uri": …}}}` → `bias_report = …`.
/// The keys are the language's (`check::MODEL_METRICS`, `check::DRIFT_BASELINES`); a report
/// the language has no key for is left unread, and so reported.
fn reports(im: &Importer, m: &mut Obj, table: &[(&str, &str)], f: &mut Findings) -> Vec<String> {
    let mut out = Vec::new();
    let groups: Vec<String> = m.map.keys().cloned().collect();
    for group in groups {
        let Some(mut g) = m.object(&group, f) else {
            continue;
        };
        let names: Vec<String> = g.map.keys().cloned().collect();
        for name in names {
            let path = format!("{group}.{name}");
            let key = table.iter().find(|(_, p)| *p == path).map(|(k, _)| *k);
            let Some(key) = key else {
                continue;
            };
            let Some(mut r) = g.object(&name, f) else {
                continue;
            };
            r.default("ContentType", &json!("application/json"), f);
            if let Some(v) = r
                .required("S3Uri", f)
                .and_then(|(v, p)| im.location(v, &p, f))
            {
                out.push(format!("{key} = {}", v.s3()));
            }
            r.finish(f);
        }
        g.finish(f);
    }
    out
}
