//! ASL where it lives: inside CloudFormation and SAM templates, JSON or YAML (CDK's
//! `cdk.out/*.template.json` are such templates). Every `AWS::StepFunctions::StateMachine` and
//! `AWS::Serverless::StateMachine` definition is rebuilt as the text AWS will read — the
//! `Definition` object, or the `DefinitionString` with its `Fn::Sub`/`Fn::Join` — remembering
//! for each byte where in the template it came from, validated, and every diagnostic is put
//! back on the template text.
//!
//! What the template leaves to deploy time becomes a `${Name}` placeholder inside strings (the
//! form `DefinitionSubstitutions` uses, which the rules accept where an ARN is due) and `1`
//! outside them (a bare `${Retries}` for `MaxAttempts`): the validator judges the shape, not
//! values CloudFormation has not resolved yet.

use super::{json, yaml, Options};
use crate::diagnostics::{Code, Diagnostic, Span};
use jsonc_parser::ast;

const MACHINE_TYPES: [&str; 2] = [
    "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::StateMachine",
];

/// How far ahead in the template text a decoded character is looked for: past an escape
/// (`\"`, `\u0041`) or the indentation of a YAML block scalar, never further.
const LOOKAHEAD: usize = 128;

/// Validate every state machine definition of a template; spans are in `text`. `None` when
/// the document is not a template (a template's root has `Resources` and no `StartAt`) or does
/// not parse: the definition validator then says what it is, reading it only once more.
pub fn validate(text: &str, is_yaml: bool, options: &Options) -> Option<Vec<Diagnostic>> {
    if !text.contains("Resources") {
        return None;
    }
    let source = Source::new(text, is_yaml)?;
    let doc = json::parse(source.json()).ok()??;
    let root = doc.ast.as_object()?;
    if root.get("Resources").is_none() || root.get("StartAt").is_some() {
        return None;
    }
    let names = TemplateNames::of(root);
    let mut out = Vec::new();
    let mut found = 0;
    for (entry, resource) in resources(root) {
        let Some(props) = resource.get_object("Properties") else {
            continue;
        };
        found += 1;
        let sam = resource.get_string("Type").map(|t| t.value.as_ref()) == Some(MACHINE_TYPES[1]);
        let mut machine = Machine {
            source: &source,
            names: &names,
            substitutions: props.get_object("DefinitionSubstitutions").map(|o| {
                o.properties
                    .iter()
                    .map(|p| p.name.as_str().to_string())
                    .collect()
            }),
            asl: Asl::default(),
            out: &mut out,
        };
        let express = props
            .get_string(if sam { "Type" } else { "StateMachineType" })
            .is_some_and(|t| t.value == "EXPRESS");
        let options = Options {
            express: options.express || express,
        };
        machine.validate(entry, props, &options);
    }
    if found == 0 {
        let at = root
            .get("Resources")
            .map_or(Span::new(0, 0), json::name_range);
        let (start, end) = source.raw(at);
        out.push(Diagnostic::new(
            Code::W106,
            Span::new(start, end),
            "this template has no `AWS::StepFunctions::StateMachine` or `AWS::Serverless::StateMachine` to validate",
        ));
    }
    crate::diagnostics::sort(&mut out);
    Some(out)
}

/// The state machine resources: (logical id, resource object).
fn resources<'a, 'b>(
    root: &'b ast::Object<'a>,
) -> impl Iterator<Item = (&'b ast::ObjectProp<'a>, &'b ast::Object<'a>)> {
    root.get_object("Resources")
        .into_iter()
        .flat_map(|r| r.properties.iter())
        .filter_map(|p| Some((p, p.value.as_object()?)))
        .filter(|(_, r)| {
            r.get_string("Type")
                .is_some_and(|t| MACHINE_TYPES.contains(&t.value.as_ref()))
        })
}

/// The template as JSON text, and the way back from that text to the file.
struct Source<'a> {
    text: &'a str,
    yaml: Option<yaml::Converted<'a>>,
}

impl<'a> Source<'a> {
    /// `None` for YAML that does not convert (the YAML validator says why).
    fn new(text: &'a str, is_yaml: bool) -> Option<Source<'a>> {
        let yaml = if is_yaml {
            Some(yaml::to_json(text, true).ok()?)
        } else {
            None
        };
        Some(Source { text, yaml })
    }

    fn json(&self) -> &str {
        self.yaml.as_ref().map_or(self.text, |c| c.json.as_str())
    }

    /// The file text of a node of the JSON text.
    fn raw(&self, span: Span) -> (usize, usize) {
        match &self.yaml {
            None => (span.start as usize, span.end as usize),
            Some(c) => c.yaml_range(span.start as usize),
        }
    }
}

/// What a `Fn::Sub` may name: the template's parameters and resources (and their attributes,
/// `${Res.Arn}`), and the pseudo parameters (`${AWS::Region}`).
struct TemplateNames {
    names: Vec<String>,
}

impl TemplateNames {
    fn of(root: &ast::Object) -> TemplateNames {
        let names = ["Parameters", "Resources"]
            .iter()
            .filter_map(|k| root.get_object(k))
            .flat_map(|o| o.properties.iter().map(|p| p.name.as_str().to_string()))
            .collect();
        TemplateNames { names }
    }

    fn knows(&self, name: &str) -> bool {
        name.starts_with("AWS::")
            || self
                .names
                .iter()
                .any(|n| n == name.split('.').next().unwrap_or(name))
    }
}

/// The definition text being rebuilt, with the file offset of each of its bytes.
#[derive(Default)]
struct Asl {
    text: String,
    at: Vec<usize>,
}

impl Asl {
    /// Text that comes from one place in the file as a whole (a delimiter, an intrinsic).
    fn push_at(&mut self, s: &str, file_at: usize) {
        self.text.push_str(s);
        self.at.extend(std::iter::repeat_n(file_at, s.len()));
    }

    /// Decoded text whose characters are found, in order, in the file's `raw` text starting at
    /// `raw_start`: each byte is located at the character it was decoded from.
    fn push_aligned(&mut self, decoded: &str, raw: &str, raw_start: usize) {
        let mut pos = 0;
        for ch in decoded.chars() {
            let window = raw.get(pos..).unwrap_or("");
            let found = window
                .char_indices()
                .take_while(|(k, _)| *k < LOOKAHEAD)
                .find(|(_, c)| *c == ch);
            let here = match found {
                Some((k, c)) => {
                    let at = pos + k;
                    pos = at + c.len_utf8();
                    at
                }
                // Text the file does not hold (a quote around a YAML scalar) sits on the
                // last character read, inside the node.
                None => pos.min(raw.len().saturating_sub(1)),
            };
            let mut buf = [0; 4];
            self.push_at(ch.encode_utf8(&mut buf), raw_start + here);
        }
    }

    /// A file span for a span of the definition text.
    fn span(&self, s: Span) -> Span {
        let last = self.at.len().saturating_sub(1);
        let start = self
            .at
            .get((s.start as usize).min(last))
            .copied()
            .unwrap_or(0);
        let end = if s.end > s.start {
            self.at
                .get((s.end as usize - 1).min(last))
                .map_or(start, |e| e + 1)
        } else {
            start
        };
        Span::new(start, end.max(start))
    }

    /// `${…}` outside JSON strings becomes `1` padded with spaces: the same length, so every
    /// byte keeps its place.
    fn fill_bare_placeholders(&mut self) {
        let bytes = self.text.as_bytes();
        let (mut in_string, mut escaped) = (false, false);
        let mut bare = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if bytes[i..].starts_with(b"${") {
                if let Some(len) = self.text[i..].find('}') {
                    bare.push(i..i + len + 1);
                    i += len;
                }
            }
            i += 1;
        }
        for r in bare {
            let fill = format!("1{}", " ".repeat(r.len() - 1));
            self.text.replace_range(r, &fill);
        }
    }
}

struct Machine<'s, 'a> {
    source: &'s Source<'a>,
    names: &'s TemplateNames,
    substitutions: Option<Vec<String>>,
    asl: Asl,
    out: &'s mut Vec<Diagnostic>,
}

impl Machine<'_, '_> {
    fn validate(&mut self, entry: &ast::ObjectProp, props: &ast::Object, options: &Options) {
        let id = entry.name.as_str();
        let definition = ["Definition", "DefinitionString"]
            .iter()
            .find_map(|k| props.get(k));
        let Some(definition) = definition else {
            let elsewhere = ["DefinitionS3Location", "DefinitionUri"]
                .iter()
                .find_map(|k| props.get(k));
            let at = json::name_range(elsewhere.unwrap_or(entry));
            let (start, end) = self.source.raw(at);
            self.out.push(Diagnostic::new(
                Code::W105,
                Span::new(start, end),
                format!("the definition of `{id}` is not in the template, so it is not validated here"),
            ).with_help("validate the definition file itself: `aslc validate FILE.asl.json`"));
            return;
        };
        let object = definition.name.as_str() == "Definition";
        if object {
            self.object(&definition.value);
        } else {
            self.string_expr(&definition.value, false);
        }
        self.asl.fill_bare_placeholders();
        let prefix = format!(
            "/Resources/{}/Properties/{}",
            json::escape(id),
            definition.name.as_str()
        );
        for mut d in super::validate(&self.asl.text, options) {
            d.span = self.asl.span(d.span);
            for l in &mut d.secondary {
                l.span = self.asl.span(l.span);
            }
            // A fix edits the rebuilt definition, not the template.
            d.fix = None;
            if object {
                d.pointer = d.pointer.map(|p| format!("{prefix}{p}"));
            }
            self.out.push(d);
        }
    }

    /// A `Definition` object: written out as JSON, intrinsics as placeholders.
    fn object(&mut self, v: &ast::Value) {
        let (file_at, _) = self.source.raw(json::range(v));
        if let Some(name) = intrinsic_name(v) {
            self.asl.push_at(&quote(&format!("${{{name}}}")), file_at);
            return;
        }
        match v {
            ast::Value::Object(o) => {
                self.asl.push_at("{", file_at);
                for (i, p) in o.properties.iter().enumerate() {
                    if i > 0 {
                        self.asl.push_at(",", file_at);
                    }
                    let key = json::name_range(p);
                    self.literal(&quote(p.name.as_str()), key);
                    self.asl.push_at(":", file_at);
                    self.object(&p.value);
                }
                self.asl.push_at("}", file_at);
            }
            ast::Value::Array(a) => {
                self.asl.push_at("[", file_at);
                for (i, e) in a.elements.iter().enumerate() {
                    if i > 0 {
                        self.asl.push_at(",", file_at);
                    }
                    self.object(e);
                }
                self.asl.push_at("]", file_at);
            }
            ast::Value::StringLit(s) => {
                let from = self.asl.text.len();
                self.literal(&quote(&s.value), json::range(v));
                self.placeholders_defined(from, false);
            }
            other => {
                let span = json::range(other);
                let text = self.source.json().get(span.range()).unwrap_or("null");
                self.literal(text, span);
            }
        }
    }

    /// Text decoded from the template node at `span`, located character by character.
    fn literal(&mut self, decoded: &str, span: Span) {
        let (start, end) = self.source.raw(span);
        let raw = self.source.text.get(start..end).unwrap_or("");
        self.asl.push_aligned(decoded, raw, start);
    }

    /// A `DefinitionString` (or a part of one): a string, `Fn::Sub`, `Fn::Join`, or another
    /// intrinsic that CloudFormation resolves at deploy time.
    fn string_expr(&mut self, v: &ast::Value, in_sub: bool) {
        let span = json::range(v);
        if let ast::Value::StringLit(s) = v {
            let from = self.asl.text.len();
            self.literal(&s.value, span);
            self.placeholders_defined(from, in_sub);
            return;
        }
        let Some((name, arg)) = single_member(v) else {
            let (at, _) = self.source.raw(span);
            self.asl.push_at("${Unresolved}", at);
            return;
        };
        match name {
            "Fn::Sub" => {
                let (text, vars) = match arg {
                    ast::Value::Array(a) => (a.elements.first(), a.elements.get(1)),
                    other => (Some(other), None),
                };
                let saved = std::mem::take(&mut self.substitutions);
                let mut known: Vec<String> = saved.clone().unwrap_or_default();
                if let Some(ast::Value::Object(o)) = vars {
                    known.extend(o.properties.iter().map(|p| p.name.as_str().to_string()));
                }
                self.substitutions = Some(known);
                if let Some(t) = text {
                    self.string_expr(t, true);
                }
                self.substitutions = saved;
            }
            "Fn::Join" => {
                let parts = arg.as_array().map(|a| a.elements.as_slice()).unwrap_or(&[]);
                let delimiter = parts.first();
                let items = parts.get(1).and_then(|l| l.as_array());
                for (i, item) in items
                    .into_iter()
                    .flat_map(|l| l.elements.iter())
                    .enumerate()
                {
                    if let (true, Some(d @ ast::Value::StringLit(lit))) = (i > 0, delimiter) {
                        self.literal(&lit.value, json::range(d));
                    }
                    self.string_expr(item, in_sub);
                }
            }
            _ => {
                let (at, _) = self.source.raw(span);
                let name = intrinsic_name(v).unwrap_or_default();
                self.asl.push_at(&format!("${{{name}}}"), at);
            }
        }
    }

    /// Each `${Name}` inside `Fn::Sub` must be something CloudFormation replaces (E137): a
    /// parameter, a resource, a pseudo parameter or one of its variables. Elsewhere, a name
    /// that is not a key of the machine's `DefinitionSubstitutions` is probably mistyped (W107).
    fn placeholders_defined(&mut self, from: usize, in_sub: bool) {
        let mut found = Vec::new();
        let mut at = from;
        while let Some(i) = self.asl.text[at..].find("${") {
            let start = at + i;
            let Some(len) = self.asl.text[start..].find('}') else {
                break;
            };
            found.push((start, start + len + 1));
            at = start + len + 1;
        }
        for (start, end) in found {
            let name = self.asl.text[start + 2..end - 1].to_string();
            let substituted = self
                .substitutions
                .as_ref()
                .is_some_and(|s| s.contains(&name));
            // Outside `Fn::Sub`, text no substitution names reaches Step Functions as written:
            // only worth a warning, and only when the machine has substitutions to mistype.
            let suspicious = if in_sub {
                !name.starts_with('!') && !substituted && !self.names.knows(&name)
            } else {
                !substituted && self.substitutions.is_some()
            };
            if suspicious {
                let at = self.asl.span(Span::new(start, end));
                self.undefined(&name, at, in_sub);
            }
        }
    }

    fn undefined(&mut self, name: &str, at: Span, in_sub: bool) {
        let d = if in_sub {
            Diagnostic::new(Code::E137, at, format!("placeholder `${{{name}}}` is not defined"))
                .with_help("define it in the `Fn::Sub` variables, add a parameter or resource of that name, or write `${!Name}` for the literal text")
        } else {
            Diagnostic::new(
                Code::W107,
                at,
                format!("`${{{name}}}` is not a key of `DefinitionSubstitutions`: Step Functions receives it as written"),
            )
            .with_help("add it to `DefinitionSubstitutions`, or correct the name")
        };
        self.out.push(d);
    }
}

/// `{"Fn::X": arg}` or `{"Ref": arg}`: the function and its argument.
fn single_member<'b, 'a>(v: &'b ast::Value<'a>) -> Option<(&'b str, &'b ast::Value<'a>)> {
    let o = v.as_object()?;
    let [p] = o.properties.as_slice() else {
        return None;
    };
    let name = p.name.as_str();
    (name == "Ref" || name.starts_with("Fn::")).then_some((name, &p.value))
}

/// A placeholder name for an intrinsic: `Ref X` is `X`, `Fn::GetAtt [X, Arn]` is `X.Arn`,
/// others their function's name.
fn intrinsic_name(v: &ast::Value) -> Option<String> {
    let (name, arg) = single_member(v)?;
    Some(match (name, arg) {
        ("Ref", ast::Value::StringLit(s)) => s.value.to_string(),
        ("Fn::GetAtt", ast::Value::StringLit(s)) => s.value.to_string(),
        ("Fn::GetAtt", ast::Value::Array(a)) => a
            .elements
            .iter()
            .filter_map(|e| e.as_string_lit().map(|s| s.value.to_string()))
            .collect::<Vec<_>>()
            .join("."),
        (name, _) => name.to_string(),
    })
}

fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
