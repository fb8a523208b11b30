//! SageMaker's expressions (`Get`, `Std:Join`, `Std:JsonGet`) and conditions, written as the
//! language's values: `Get Parameters.X` is `X`, `Get Steps.S.ModelArtifacts.S3ModelArtifacts`
//! is `S.model_artifacts`, `Std:Join` is `join(…)`, `Std:JsonGet` is `json(S.file, "path") as T`.

use super::reader::{Findings, Obj};
use super::write::quote;
use super::Importer;
use crate::diagnostics::Code;
use serde_json::Value;

/// The type of a value, as far as the importer needs it: for `json(…) as T`, for lambda
/// outputs, and for parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Str,
    Int,
    Float,
    Bool,
    /// An S3 location (step outputs): a string for comparisons.
    S3,
    Json,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Float => "float",
            Ty::Bool => "bool",
            Ty::S3 => "s3",
            Ty::Json => "json",
        }
    }

    /// `OutputParameters[].OutputType` of a Lambda or callback step.
    pub fn from_output_type(t: &str) -> Option<Ty> {
        Some(match t {
            "String" => Ty::Str,
            "Integer" => Ty::Int,
            "Float" => Ty::Float,
            "Boolean" => Ty::Bool,
            _ => return None,
        })
    }

    fn is_numeric(self) -> bool {
        matches!(self, Ty::Int | Ty::Float)
    }

    fn is_text(self) -> bool {
        matches!(self, Ty::Str | Ty::S3)
    }
}

/// A value written in the language, with its type.
#[derive(Clone, Debug)]
pub struct Val {
    pub text: String,
    pub ty: Ty,
    /// A literal string: its text, for joins of literals and default-location checks.
    pub lit: Option<String>,
    /// A bare parameter of type string (an S3 location held by a parameter is `"{X}"`).
    pub param: Option<String>,
    /// Known when the definition is read (no parameter, step or execution value in it).
    pub constant: bool,
    /// The literal text the value starts with (all of it for a literal); `None` when it
    /// starts with a parameter, step or execution value.
    pub lead: Option<String>,
    /// What a condition cannot compare: an execution value, a join.
    pub computed: bool,
}

impl Val {
    fn new(text: String, ty: Ty) -> Val {
        Val {
            text,
            ty,
            lit: None,
            param: None,
            constant: false,
            lead: None,
            computed: false,
        }
    }

    pub fn string(s: &str) -> Val {
        Val {
            lit: Some(s.to_string()),
            lead: Some(s.to_string()),
            constant: true,
            ..Val::new(quote(s), Ty::Str)
        }
    }

    fn constant(text: String, ty: Ty) -> Val {
        Val {
            constant: true,
            ..Val::new(text, ty)
        }
    }

    /// As an S3 location: a parameter is interpolated (`"{InputData}"`), which the checker
    /// reads as a location to check before any job starts.
    pub fn s3(self) -> String {
        match &self.param {
            Some(p) => format!("\"{{{p}}}\""),
            None => self.text,
        }
    }
}

/// A parameter's default, written as its type says.
pub fn literal(v: &Value, ty: Ty) -> Option<String> {
    match (v, ty) {
        (Value::String(s), Ty::Str) => Some(quote(s)),
        (Value::Bool(b), Ty::Bool) => Some(b.to_string()),
        (Value::Number(n), Ty::Int) if n.is_i64() => Some(n.to_string()),
        (Value::Number(n), Ty::Float) => {
            let x = n.as_f64()?;
            let text = n.to_string();
            Some(if text.contains(['.', 'e', 'E']) || !x.is_finite() {
                text
            } else {
                format!("{text}.0")
            })
        }
        _ => None,
    }
}

impl Importer {
    /// Any value of a request. `hint` types a `Std:JsonGet` (which carries no type).
    pub fn value(&self, v: &Value, ptr: &str, hint: Ty, f: &mut Findings) -> Option<Val> {
        match v {
            Value::String(s) => Some(Val::string(s)),
            Value::Bool(b) => Some(Val::constant(b.to_string(), Ty::Bool)),
            Value::Number(n) => {
                let ty = if n.is_f64() { Ty::Float } else { Ty::Int };
                Some(Val::constant(n.to_string(), ty))
            }
            Value::Object(m) if m.len() == 1 => {
                let (k, x) = m.iter().next()?;
                let at = super::reader::child(ptr, k);
                match k.as_str() {
                    "Get" => match x {
                        Value::String(path) => self.get(path, &at, f),
                        _ => {
                            f.malformed(&at, "a property path");
                            None
                        }
                    },
                    "Std:Join" => self.join(x, &at, f),
                    "Std:JsonGet" => self.json_get(x, &at, hint, f),
                    _ => {
                        f.push(
                            Code::E201,
                            &at,
                            format!("`{k}` is not an expression aslc can import"),
                        );
                        None
                    }
                }
            }
            _ => {
                f.push(Code::E201, ptr, "this value cannot be written in the pipeline language yet (objects, lists and null are not request values)");
                None
            }
        }
    }

    /// A value the language takes as text (an image, an S3 location, a name): a number, a
    /// boolean or a parameter of another type is refused.
    pub fn text(&self, v: &Value, ptr: &str, f: &mut Findings) -> Option<Val> {
        let val = self.value(v, ptr, Ty::Str, f)?;
        if val.ty.is_text() {
            return Some(val);
        }
        let code = if val.constant { Code::E205 } else { Code::E201 };
        f.push(
            code,
            ptr,
            format!("expected text here, found a {}", val.ty.name()),
        );
        None
    }

    /// An S3 location: text that starts with `s3://` and a bucket, or with a value that
    /// holds one (a parameter, a step output).
    pub fn location(&self, v: &Value, ptr: &str, f: &mut Findings) -> Option<Val> {
        let val = self.text(v, ptr, f)?;
        match &val.lead {
            Some(t) if !(t.starts_with("s3://") && t.len() > 5) => {
                f.malformed(ptr, "an S3 location `s3://bucket/…`");
                None
            }
            _ => Some(val),
        }
    }

    /// A value sent as text whatever its type (container and EMR arguments): SageMaker and
    /// the language both write numbers and booleans as text.
    pub fn scalar(&self, v: &Value, ptr: &str, f: &mut Findings) -> Option<Val> {
        let val = self.value(v, ptr, Ty::Str, f)?;
        // A literal number or boolean is sent as its text: write the text.
        Some(match (&val.lit, val.constant) {
            (None, true) => Val::string(&val.text),
            _ => val,
        })
    }

    fn get(&self, path: &str, ptr: &str, f: &mut Findings) -> Option<Val> {
        if let Some(name) = path.strip_prefix("Parameters.") {
            let Some(ty) = self.params.get(name) else {
                f.push(
                    Code::E203,
                    ptr,
                    format!("`{path}`: the definition has no parameter `{name}`"),
                );
                return None;
            };
            return Some(Val {
                param: (*ty == Ty::Str).then(|| name.to_string()),
                ..Val::new(name.to_string(), *ty)
            });
        }
        if let Some(var) = path.strip_prefix("Execution.") {
            let text = match var {
                "PipelineExecutionId" => "execution.id",
                "PipelineExecutionArn" => "execution.arn",
                "StartDateTime" => "execution.start_time",
                "CurrentDateTime" => "execution.current_time",
                "PipelineName" => "pipeline.name",
                "PipelineArn" => "pipeline.arn",
                _ => {
                    f.push(
                        Code::E201,
                        ptr,
                        format!("execution variable `{var}` has no counterpart in the language"),
                    );
                    return None;
                }
            };
            return Some(Val {
                computed: var != "PipelineName",
                ..Val::new(text.to_string(), Ty::Str)
            });
        }
        if path.starts_with("Steps.") {
            return self.step_property(path, ptr, f);
        }
        f.push(
            Code::E201,
            ptr,
            format!("`{path}` is not a parameter, execution variable or step property"),
        );
        None
    }

    /// `Steps.S.<property>` → `S.output`.
    fn step_property(&self, path: &str, ptr: &str, f: &mut Findings) -> Option<Val> {
        let step = super::order::step_of(path).unwrap_or("");
        let Some(info) = self.steps.get(step) else {
            f.push(
                Code::E203,
                ptr,
                format!("`{path}`: the definition has no step `{step}`"),
            );
            return None;
        };
        let rest = &path["Steps.".len() + step.len()..];
        let keys = property_keys(rest);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let found: Option<(String, Ty)> = match (info.ty.as_str(), keys.as_slice()) {
            ("Processing", ["ProcessingOutputConfig", "Outputs", o, "S3Output", "S3Uri"]) => {
                let name = o
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| info.outputs.get(i).cloned())
                    .unwrap_or_else(|| o.to_string());
                info.outputs.contains(&name).then_some((name, Ty::S3))
            }
            ("Training", ["ModelArtifacts", "S3ModelArtifacts"])
            | ("Tuning", ["BestTrainingJob", "ModelArtifacts", "S3ModelArtifacts"]) => {
                Some(("model_artifacts".into(), Ty::S3))
            }
            ("Training", ["TrainingJobName"]) => Some(("job_name".into(), Ty::Str)),
            ("Training", ["OutputDataConfig", "S3OutputPath"]) => {
                Some((super::jobs::TRAINING_OUTPUT.into(), Ty::S3))
            }
            ("Tuning", ["BestTrainingJob", "TrainingJobName"]) => {
                Some(("best_training_job".into(), Ty::Str))
            }
            ("Model", ["ModelName"]) => Some(("model_name".into(), Ty::Str)),
            ("Model", ["ModelArn"]) => Some(("model_arn".into(), Ty::Str)),
            ("RegisterModel", ["ModelPackageArn"]) => Some(("model_package_arn".into(), Ty::Str)),
            ("Transform", ["TransformOutput", "S3OutputPath"]) => {
                Some((super::jobs::TRANSFORM_OUTPUT.into(), Ty::S3))
            }
            ("Condition", ["Outcome"]) => Some(("outcome".into(), Ty::Bool)),
            ("Lambda" | "Callback", ["OutputParameters", name]) => {
                info.fields.get(*name).map(|t| (name.to_string(), *t))
            }
            _ => None,
        };
        if let Some((output, ty)) = found {
            return Some(Val::new(format!("{step}.{output}"), ty));
        }
        // A field of the step's own request (`HyperParameters['max_depth']`) is what the
        // definition sent: the same value, read where it came from.
        let sent = info.arguments.as_ref().and_then(|a| {
            let pointer: String = keys
                .iter()
                .map(|k| format!("/{}", crate::asl::json::escape(k)))
                .collect();
            a.pointer(&pointer)
        });
        // Requests that read each other are a dependency cycle (E204), never translated.
        let expression = |v: &&Value| v.get("Get").is_some() || v.get("Std:Join").is_some();
        match sent.filter(|v| !v.is_array() && (!v.is_object() || expression(v))) {
            Some(v) => self.value(v, ptr, Ty::Str, f),
            _ => {
                f.push(
                    Code::E201,
                    ptr,
                    format!("`{path}` cannot be read in the pipeline language yet"),
                );
                None
            }
        }
    }

    /// `Std:Join`: literals are joined now; otherwise `join(sep, …)`, which writes numbers as
    /// text as SageMaker does. The top-k model location of a tuning step is `top_model(T, k)`.
    fn join(&self, x: &Value, ptr: &str, f: &mut Findings) -> Option<Val> {
        let mut j = Obj::new(x, ptr, f)?;
        let on = j.string("On", f).unwrap_or("");
        let values = j.array("Values", f);
        j.finish(f);
        if let Some(top) = self.top_model(on, &values) {
            return Some(top);
        }
        let parts: Vec<Val> = values
            .iter()
            .map(|(v, p)| self.value(v, p, Ty::Str, f))
            .collect::<Option<_>>()?;
        if let Some(lits) = parts
            .iter()
            .map(|p| p.lit.clone())
            .collect::<Option<Vec<_>>>()
        {
            return Some(Val::string(&lits.join(on)));
        }
        let mut lead: Option<String> = None;
        for p in parts.iter().take_while(|p| p.lit.is_some()) {
            let text = p.lit.as_deref().unwrap_or("");
            lead = Some(match lead {
                None => text.to_string(),
                Some(l) => format!("{l}{on}{text}"),
            });
        }
        let args: Vec<String> = parts.into_iter().map(|p| p.text).collect();
        Some(Val {
            lead,
            computed: true,
            ..Val::new(format!("join({}, {})", quote(on), args.join(", ")), Ty::Str)
        })
    }

    /// `["s3:/", bucket, prefix…, Steps.T.TrainingJobSummaries[k].TrainingJobName,
    /// "output/model.tar.gz"]` joined by `/` (the SDK's `get_top_model_s3_uri`), when the
    /// bucket and prefix are the tuning step's output location.
    fn top_model(&self, on: &str, values: &[(&Value, String)]) -> Option<Val> {
        let (last, rest) = values.split_last()?;
        let (job, head) = rest.split_last()?;
        if on != "/" || last.0.as_str() != Some("output/model.tar.gz") {
            return None;
        }
        let path = job.0.get("Get")?.as_str()?;
        let step = super::order::step_of(path)?;
        let keys = property_keys(&path["Steps.".len() + step.len()..]);
        let k: u32 = match keys.as_slice() {
            [a, k, b] if a == "TrainingJobSummaries" && b == "TrainingJobName" => k.parse().ok()?,
            _ => return None,
        };
        let heads: Vec<&str> = head
            .iter()
            .map(|(v, _)| v.as_str())
            .collect::<Option<_>>()?;
        let location = heads.join("/");
        let output = self.steps.get(step)?.output_path.as_ref()?.as_str()?;
        (location.trim_end_matches('/') == output.trim_end_matches('/')).then(|| Val {
            computed: true,
            ..Val::new(format!("top_model({step}, {k})"), Ty::S3)
        })
    }

    /// `Std:JsonGet` of a property file: `json(Step.file, "path") as T`.
    fn json_get(&self, x: &Value, ptr: &str, hint: Ty, f: &mut Findings) -> Option<Val> {
        if !self.json_allowed.get() {
            f.push(Code::E201, ptr, "a value read from a JSON file is compared in a condition or written in a Fail message in the language; a request cannot carry it yet");
            return None;
        }
        let mut j = Obj::new(x, ptr, f)?;
        let path = j.string("Path", f);
        let file = j.take("PropertyFile");
        let uri = j.take("S3Uri");
        j.finish(f);
        let ty = match hint {
            Ty::S3 | Ty::Json => Ty::Str,
            t => t,
        };
        // `JsonGet(s3_uri=…)`: a JSON file at an S3 location.
        if let (Some((uri, up)), None) = (uri, &file) {
            let at = self.location(uri, &up, f)?;
            return Some(Val::new(
                format!("json({}, {}) as {}", at.s3(), quote(path?), ty.name()),
                ty,
            ));
        }
        let Some((file, fp)) = file else {
            f.malformed(ptr, "`PropertyFile` or `S3Uri`");
            return None;
        };
        let Some(get) = file.get("Get").and_then(Value::as_str) else {
            f.malformed(&fp, "`{\"Get\": \"Steps.<step>.PropertyFiles.<name>\"}`");
            return None;
        };
        let step = super::order::step_of(get).unwrap_or("");
        let name = get
            .strip_prefix(&format!("Steps.{step}.PropertyFiles."))
            .filter(|n| {
                self.steps
                    .get(step)
                    .is_some_and(|i| i.files.iter().any(|x| x == n))
            });
        let Some(name) = name else {
            f.push(
                Code::E203,
                &fp,
                format!("`{get}` is not a property file of a step of this pipeline"),
            );
            return None;
        };
        Some(Val::new(
            format!("json({step}.{name}, {}) as {}", quote(path?), ty.name()),
            ty,
        ))
    }

    /// `Conditions` (all must hold): the text after `when Name:`.
    pub fn conditions(&self, args: &mut Obj, f: &mut Findings) -> Option<String> {
        let list = args.array("Conditions", f);
        let parts: Vec<String> = list
            .iter()
            .map(|(c, p)| self.comparison_text(c, p, f))
            .collect::<Option<_>>()?;
        if parts.is_empty() {
            f.push(
                Code::E205,
                &args.at("Conditions"),
                "a condition step needs at least one condition",
            );
            return None;
        }
        Some(parts.join(" and "))
    }

    fn comparison_text(&self, v: &Value, ptr: &str, f: &mut Findings) -> Option<String> {
        let mut c = Obj::new(v, ptr, f)?;
        let ty = c.string("Type", f).unwrap_or("");
        let text = match ty {
            "Equals"
            | "GreaterThan"
            | "GreaterThanOrEqualTo"
            | "LessThan"
            | "LessThanOrEqualTo" => {
                let op = match ty {
                    "Equals" => "==",
                    "GreaterThan" => ">",
                    "GreaterThanOrEqualTo" => ">=",
                    "LessThan" => "<",
                    _ => "<=",
                };
                let l = c.take("LeftValue");
                let r = c.take("RightValue");
                let (Some((l, lp)), Some((r, rp))) = (l, r) else {
                    f.malformed(ptr, "a comparison with `LeftValue` and `RightValue`");
                    return None;
                };
                let (l, r) = self.operands((l, &lp), (r, &rp), f)?;
                if l.computed || r.computed {
                    f.push(Code::E201, ptr, "a condition compares parameters, step outputs, property-file values and literals in the language, not execution values or joins");
                    return None;
                }
                // SageMaker converts text compared with a number: so does `number(...)`.
                let (l, r) = match (coerce(&l, &r), coerce(&r, &l)) {
                    (Some(l), _) => (l, r),
                    (_, Some(r)) => (l, r),
                    _ => (l, r),
                };
                if l.ty.is_numeric() != r.ty.is_numeric() || l.ty.is_text() != r.ty.is_text() {
                    f.push(Code::E201, ptr, format!("this condition compares a {} with a {}: the language compares values of one type", l.ty.name(), r.ty.name()));
                    return None;
                }
                if l.constant && r.constant {
                    f.push(Code::E201, ptr, "this condition compares two values known before the pipeline runs: the language refuses a constant condition");
                    return None;
                }
                format!("{} {op} {}", l.text, r.text)
            }
            "In" => {
                let q = c.take("QueryValue");
                let values = c.array("Values", f);
                let (q, qp) = q?;
                let first = values.first().map(|(v, _)| *v);
                let hint = first.map_or(Ty::Str, kind_of);
                let q = self.value(q, &qp, hint, f)?;
                let vs: Vec<Val> = values
                    .iter()
                    .map(|(v, p)| self.value(v, p, q.ty, f))
                    .collect::<Option<_>>()?;
                let same = |v: &Val| {
                    v.ty.is_text() == q.ty.is_text() && v.ty.is_numeric() == q.ty.is_numeric()
                };
                if q.computed || q.constant || vs.iter().any(|v| !v.constant || !same(v)) {
                    f.push(Code::E201, ptr, "`In` tests a parameter, step output or property-file value against literals of its type in the language");
                    return None;
                }
                let vs: Vec<String> = vs.into_iter().map(|v| v.text).collect();
                if vs.is_empty() {
                    f.malformed(&c.at("Values"), "at least one value");
                    return None;
                }
                format!("{} in [{}]", q.text, vs.join(", "))
            }
            "Not" => {
                let (inner, ip) = c.take("Expression").or_else(|| c.take("Condition"))?;
                format!("not ({})", self.comparison_text(inner, &ip, f)?)
            }
            "Or" => {
                let list = c.array("Conditions", f);
                let parts: Vec<String> = list
                    .iter()
                    .map(|(x, p)| self.comparison_text(x, p, f))
                    .collect::<Option<_>>()?;
                if parts.is_empty() {
                    f.malformed(&c.at("Conditions"), "at least one condition");
                    return None;
                }
                format!("({})", parts.join(" or "))
            }
            other => {
                f.push(
                    Code::E201,
                    &c.at("Type"),
                    format!("condition type `{other}` cannot be imported"),
                );
                return None;
            }
        };
        c.finish(f);
        Some(text)
    }

    /// Both sides of a comparison; a `Std:JsonGet` takes the other side's type (a number
    /// compared with a JSON value reads it `as float`).
    fn operands(
        &self,
        (l, lp): (&Value, &str),
        (r, rp): (&Value, &str),
        f: &mut Findings,
    ) -> Option<(Val, Val)> {
        let is_json = |v: &Value| v.get("Std:JsonGet").is_some();
        let hint_of = |v: &Val| if v.ty.is_numeric() { Ty::Float } else { v.ty };
        if is_json(l) && !is_json(r) {
            let r = self.value(r, rp, Ty::Float, f)?;
            let l = self.value(l, lp, hint_of(&r), f)?;
            return Some((l, r));
        }
        let l = self.value(l, lp, Ty::Float, f)?;
        let r = self.value(r, rp, hint_of(&l), f)?;
        Some((l, r))
    }
}

/// Text compared with a number, as a number: a literal that is a number's text becomes the
/// number; a parameter or step output becomes `number(x)`.
fn coerce(text: &Val, other: &Val) -> Option<Val> {
    if !(text.ty.is_text() && other.ty.is_numeric()) {
        return None;
    }
    if let Some(s) = &text.lit {
        let x: f64 = s.trim().parse().ok().filter(|x: &f64| x.is_finite())?;
        return Some(Val::constant(
            serde_json::Number::from_f64(x)?.to_string(),
            Ty::Float,
        ));
    }
    if text.text.starts_with("json(") {
        // A JSON value is read as the type it is compared with.
        return None;
    }
    Some(Val::new(format!("number({})", text.text), Ty::Float))
}

/// The type of a literal JSON value.
fn kind_of(v: &Value) -> Ty {
    match v {
        Value::Bool(_) => Ty::Bool,
        Value::Number(n) if n.is_f64() => Ty::Float,
        Value::Number(_) => Ty::Int,
        _ => Ty::Str,
    }
}

/// `.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri` → the keys, brackets unquoted.
fn property_keys(rest: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cur = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                if !cur.is_empty() {
                    keys.push(std::mem::take(&mut cur));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    keys.push(std::mem::take(&mut cur));
                }
                let mut inner = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    inner.push(d);
                }
                keys.push(inner.trim_matches(['\'', '"']).to_string());
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        keys.push(cur);
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn property_paths_split_into_keys() {
        assert_eq!(
            property_keys(".ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"),
            [
                "ProcessingOutputConfig",
                "Outputs",
                "train",
                "S3Output",
                "S3Uri"
            ]
        );
        assert_eq!(
            property_keys(".TrainingJobSummaries[1].TrainingJobName"),
            ["TrainingJobSummaries", "1", "TrainingJobName"]
        );
    }

    #[test]
    fn float_defaults_keep_a_decimal_point() {
        assert_eq!(
            literal(&serde_json::json!(6), Ty::Float).as_deref(),
            Some("6.0")
        );
        assert_eq!(
            literal(&serde_json::json!(0.5), Ty::Float).as_deref(),
            Some("0.5")
        );
        assert_eq!(literal(&serde_json::json!("x"), Ty::Int), None);
    }
}
