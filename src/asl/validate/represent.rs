//! The validator's [`Value`] as a representation `jsonschema` validates in place: the crate
//! checks any JSON type that implements its `Json` traits, so the schema check needs no
//! `serde_json::Value` (only a document that fails it is converted, to explain its errors).

use super::value::{Map, Members, Value};
use jsonschema::json::{Array, Json, Node, NodeIdentity, Object};
use jsonschema::types::JsonType;
use serde_json::Number;
use std::borrow::Cow;

/// [`Value`] as a representation `jsonschema` validates in place.
pub struct Borrowed;

impl Json for Borrowed {
    type Node<'n> = &'n Value<'n>;
    type PreparedKey = String;
    type StringBuffer = ();

    // A look-up scans a few members, like `serde_json`'s ordered map does for small objects.
    const KEYS_PER_LOOKUP: usize = 2;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(Self::Node<'_>) -> T) -> T {
        f(&Value::String(Cow::Borrowed(string)))
    }
}

impl<'n> Node<'n, Borrowed> for &'n Value<'n> {
    type Object = &'n Map<'n>;
    type Array = &'n [Value<'n>];
    type Number = &'n Number;

    fn as_object(&self) -> Option<&'n Map<'n>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'n [Value<'n>]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'n, str>> {
        match self {
            Value::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<&'n Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        Value::as_bool(self)
    }

    fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'n, serde_json::Value> {
        Cow::Owned(self.to_serde())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Value>(self) as usize))
    }
}

impl<'n> Object<'n, Borrowed> for &'n Map<'n> {
    type Node = &'n Value<'n>;
    type MemberName = &'n str;
    type MembersIter = Members<'n, 'n>;

    fn len(&self) -> usize {
        Map::len(self)
    }

    fn get(&self, key: &String) -> Option<&'n Value<'n>> {
        Map::get(self, key)
    }

    fn members(&self) -> Members<'n, 'n> {
        self.iter()
    }
}

impl<'n> Array<'n, Borrowed> for &'n [Value<'n>] {
    type Node = &'n Value<'n>;
    type ElementsIter = std::slice::Iter<'n, Value<'n>>;

    fn len(&self) -> usize {
        <[Value]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'n, Value<'n>> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asl::validate::value::parse;

    #[test]
    fn the_schema_check_reads_it_in_place() {
        let schema = serde_json::json!({"type": "object", "required": ["a"],
            "properties": {"a": {"type": "string", "maxLength": 2}}});
        let validator = jsonschema::options_for::<Borrowed>()
            .build(&schema)
            .unwrap();
        let ok = parse(r#"{"a": "é"}"#).unwrap().0;
        let long = parse(r#"{"a": "abc"}"#).unwrap().0;
        let missing = parse(r#"{"b": 1}"#).unwrap().0;
        assert!(validator.is_valid(&ok));
        assert!(!validator.is_valid(&long));
        assert!(!validator.is_valid(&missing));
    }
}
