//! Reading a definition so that nothing is dropped unseen: every object is read through an
//! [`Obj`] that remembers which fields were taken, and [`Obj::finish`] reports each field left
//! over as E201 with its JSON pointer. Findings carry pointers; spans are found at the end.

use crate::asl::json::escape;
use crate::diagnostics::Code;
use serde_json::{Map, Value};

/// A problem at a JSON pointer of the definition.
pub struct Finding {
    pub code: Code,
    pub pointer: String,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn push(&mut self, code: Code, pointer: &str, message: impl Into<String>) -> &mut Finding {
        self.0.push(Finding {
            code,
            pointer: pointer.to_string(),
            message: message.into(),
            help: None,
        });
        self.0.last_mut().expect("just pushed")
    }

    /// E205: a value the importer reads has the wrong shape.
    pub fn malformed(&mut self, pointer: &str, expected: &str) {
        self.push(Code::E205, pointer, format!("expected {expected}"));
    }

    pub fn has_errors(&self) -> bool {
        self.0
            .iter()
            .any(|f| f.code.severity() == crate::diagnostics::Severity::Error)
    }
}

impl Finding {
    pub fn help(&mut self, help: impl Into<String>) {
        self.help = Some(help.into());
    }
}

/// `/a/b` + `c` → `/a/b/c`, escaped.
pub fn child(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", escape(key))
}

/// An object of the definition, read field by field.
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub ptr: String,
    taken: Vec<&'a str>,
}

impl<'a> Obj<'a> {
    /// The object at `ptr`, or E205 when `v` is not one.
    pub fn new(v: &'a Value, ptr: &str, f: &mut Findings) -> Option<Obj<'a>> {
        match v {
            Value::Object(map) => Some(Obj {
                map,
                ptr: ptr.to_string(),
                taken: Vec::new(),
            }),
            _ => {
                f.malformed(ptr, "an object");
                None
            }
        }
    }

    pub fn at(&self, key: &str) -> String {
        child(&self.ptr, key)
    }

    /// Take a field (marking it read), with its pointer.
    pub fn take(&mut self, key: &str) -> Option<(&'a Value, String)> {
        let (k, v) = self.map.get_key_value(key)?;
        self.taken.push(k.as_str());
        Some((v, self.at(key)))
    }

    /// Take a field the step cannot do without: E205 at the object when it is missing.
    pub fn required(&mut self, key: &str, f: &mut Findings) -> Option<(&'a Value, String)> {
        let found = self.take(key);
        if found.is_none() {
            f.push(Code::E205, &self.ptr, format!("`{key}` is missing"));
        }
        found
    }

    /// Take a field that must be a string.
    pub fn string(&mut self, key: &str, f: &mut Findings) -> Option<&'a str> {
        let (v, p) = self.take(key)?;
        match v {
            Value::String(s) => Some(s),
            _ => {
                f.malformed(&p, &format!("`{key}` to be a string"));
                None
            }
        }
    }

    /// Take a SageMaker enumeration and give the language's word for it (E205 for a value
    /// SageMaker does not have).
    pub fn word(
        &mut self,
        key: &str,
        table: crate::check::words::Words,
        f: &mut Findings,
    ) -> Option<&'static str> {
        let value = self.string(key, f)?;
        let word = crate::check::words::word_for(table, value);
        if word.is_none() {
            let known: Vec<&str> = table.iter().map(|(_, v)| *v).collect();
            f.push(
                Code::E205,
                &self.at(key),
                format!("`{value}` is not one of {}", known.join(", ")),
            );
        }
        word
    }

    /// Take a field that must be an object.
    pub fn object(&mut self, key: &str, f: &mut Findings) -> Option<Obj<'a>> {
        let (v, p) = self.take(key)?;
        Obj::new(v, &p, f)
    }

    /// Take an object the step cannot do without: E205 at the parent when it is missing.
    pub fn required_object(&mut self, key: &str, f: &mut Findings) -> Option<Obj<'a>> {
        let (v, p) = self.required(key, f)?;
        Obj::new(v, &p, f)
    }

    /// Take a field that must be an array: its items with their pointers.
    pub fn array(&mut self, key: &str, f: &mut Findings) -> Vec<(&'a Value, String)> {
        let Some((v, p)) = self.take(key) else {
            return Vec::new();
        };
        match v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, x)| (x, format!("{p}/{i}")))
                .collect(),
            _ => {
                f.malformed(&p, &format!("`{key}` to be a list"));
                Vec::new()
            }
        }
    }

    /// Take a field whose value carries no meaning when it equals `expected` (SageMaker's own
    /// default); any other value is something the language cannot say.
    pub fn default(&mut self, key: &str, expected: &Value, f: &mut Findings) {
        if let Some((v, p)) = self.take(key) {
            if v != expected {
                f.push(
                    Code::E201,
                    &p,
                    format!("`{key}`: {v} cannot be written in the pipeline language yet (only {expected})"),
                );
            }
        }
    }

    /// Mark fields read whose meaning the importer leaves out on purpose, with a warning.
    pub fn approximate(&mut self, key: &str, why: &str, f: &mut Findings) {
        if let Some((_, p)) = self.take(key) {
            f.push(Code::W201, &p, format!("`{key}` is not carried: {why}"));
        }
    }

    /// Report every field that was not read: the language cannot say it (E201).
    pub fn finish(self, f: &mut Findings) {
        for key in self.map.keys() {
            if !self.taken.contains(&key.as_str()) {
                f.push(
                    Code::E201,
                    &child(&self.ptr, key),
                    format!("`{key}` cannot be written in the pipeline language yet"),
                )
                .help("nothing is written rather than a pipeline that behaves differently; remove the field or file an issue");
            }
        }
    }
}
