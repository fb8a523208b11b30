//! The validator's own JSON value: strings borrowed from the text where they have no escapes,
//! objects kept in the document's order as a list of members.
//!
//! Why not `serde_json::Value`: with `preserve_order` its map hashes every key with SipHash and
//! owns every string, and building it was most of the validator's time (issue 15). ASL objects
//! have a handful of fields, so scanning a short list beats hashing; the few large objects
//! (`States` of a big machine) get a sorted index so that look-ups stay logarithmic.
//! The JSON Schema check reads this type in place (`represent.rs`).

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::borrow::Cow;
use std::cell::Cell;

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// An object's members in document order; a repeated key keeps its first place and last value,
/// as `serde_json` does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map<'a> {
    members: Vec<(Cow<'a, str>, Value<'a>)>,
    /// One bit per member's [`tag`]: most look-ups are for fields a state does not have, and this
    /// answers them without a scan.
    bloom: u64,
    /// For objects over [`SCAN`] members: member indices sorted by key.
    sorted: Vec<u32>,
}

/// Up to this many members, a look-up scans the list.
const SCAN: usize = 16;

/// A key's length and first seven bytes in one integer: keys that differ in length or start
/// (nearly all ASL field names) differ.
#[inline(always)]
fn tag(key: &str) -> u64 {
    let b = key.as_bytes();
    let head = match b.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first) & 0x00ff_ffff_ffff_ffff,
        None => b
            .iter()
            .enumerate()
            .fold(0, |t, (i, &byte)| t | (u64::from(byte) << (8 * i))),
    };
    head | ((b.len().min(255) as u64) << 56)
}

/// A tag's bit in [`Map::bloom`] (a multiplicative hash's top six bits).
#[inline(always)]
fn bit(tag: u64) -> u64 {
    1 << (tag.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58)
}

impl<'a> Map<'a> {
    fn from_members(members: Vec<(Cow<'a, str>, Value<'a>)>, duplicates: &Cell<bool>) -> Self {
        let mut map = Map {
            bloom: members.iter().fold(0, |b, (k, _)| b | bit(tag(k))),
            members,
            sorted: Vec::new(),
        };
        if map.members.len() <= SCAN {
            let repeated = map
                .members
                .iter()
                .enumerate()
                .any(|(i, (k, _))| map.members[..i].iter().any(|(first, _)| first == k));
            if repeated {
                duplicates.set(true);
                map.dedup();
            }
            return map;
        }
        map.index();
        if map
            .sorted
            .windows(2)
            .any(|w| map.key(w[0]) == map.key(w[1]))
        {
            duplicates.set(true);
            map.dedup();
            map.index();
        }
        map
    }

    fn key(&self, i: u32) -> &str {
        &self.members[i as usize].0
    }

    fn index(&mut self) {
        let mut sorted: Vec<u32> = (0..self.members.len() as u32).collect();
        sorted.sort_by(|&a, &b| self.key(a).cmp(self.key(b)));
        self.sorted = sorted;
    }

    /// Keep each key once, at its first place, with its last value (the rare path).
    fn dedup(&mut self) {
        let mut kept: Vec<(Cow<'a, str>, Value<'a>)> = Vec::with_capacity(self.members.len());
        for (k, v) in self.members.drain(..) {
            match kept.iter_mut().find(|(first, _)| *first == k) {
                Some(slot) => slot.1 = v,
                None => kept.push((k, v)),
            }
        }
        self.members = kept;
    }

    /// Inlined so that a literal key's tag is computed at compile time.
    #[inline(always)]
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        let probe = tag(key);
        if self.bloom & bit(probe) == 0 {
            return None;
        }
        self.find(key)
    }

    fn find(&self, key: &str) -> Option<&Value<'a>> {
        if !self.sorted.is_empty() {
            return self.search(key);
        }
        self.members
            .iter()
            .find(|(k, _)| k.len() == key.len() && k == key)
            .map(|(_, v)| v)
    }

    fn search(&self, key: &str) -> Option<&Value<'a>> {
        self.sorted
            .binary_search_by(|&i| self.key(i).cmp(key))
            .ok()
            .map(|at| &self.members[self.sorted[at] as usize].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn iter(&self) -> Members<'_, 'a> {
        Members(self.members.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = &Value<'a>> {
        self.members.iter().map(|(_, v)| v)
    }
}

pub struct Members<'m, 'a>(std::slice::Iter<'m, (Cow<'a, str>, Value<'a>)>);

impl<'m, 'a> Iterator for Members<'m, 'a> {
    type Item = (&'m str, &'m Value<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.as_ref(), v))
    }
}

impl<'m, 'a> IntoIterator for &'m Map<'a> {
    type Item = (&'m str, &'m Value<'a>);
    type IntoIter = Members<'m, 'a>;

    fn into_iter(self) -> Members<'m, 'a> {
        self.iter()
    }
}

impl<'a> Value<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value<'a>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// The same document as a `serde_json::Value`, for the cold paths that report findings.
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Value::Number(n.clone()),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(a) => serde_json::Value::Array(a.iter().map(Value::to_serde).collect()),
            Value::Object(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_serde()))
                    .collect(),
            ),
        }
    }

    /// A view of a `serde_json::Value` (the span-keeping parse's), borrowing its strings.
    pub fn from_serde(v: &'a serde_json::Value) -> Value<'a> {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.clone()),
            serde_json::Value::String(s) => Value::String(Cow::Borrowed(s)),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from_serde).collect()),
            serde_json::Value::Object(m) => Value::Object(Map::from_members(
                m.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Value::from_serde(v)))
                    .collect(),
                &Cell::new(false),
            )),
        }
    }
}

/// Parse strict JSON: the value, and whether any object repeats a key. `None` when the text is
/// not JSON `serde_json` takes (syntax errors, nesting over its limit): the span-keeping parse
/// then says why.
pub fn parse(text: &str) -> Option<(Value<'_>, bool)> {
    let duplicates = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed(&duplicates).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some((value, duplicates.get()))
}

/// Deserialises a [`Value`], noting repeated keys.
struct Seed<'c>(&'c Cell<bool>);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value<'de>, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value<'de>, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value<'de>, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value<'de>, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Value<'de>, E> {
        Ok(Value::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Value<'de>, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Seed(self.0))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
        // Most ASL objects have a handful of members: one allocation instead of three growths.
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(k) = map.next_key_seed(Key)? {
            members.push((k, map.next_value_seed(Seed(self.0))?));
        }
        Ok(Value::Object(Map::from_members(members, self.0)))
    }
}

/// An object key, borrowed when it has no escapes (serde's own `Cow` impl always copies).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_without_escapes_are_borrowed_and_order_is_kept() {
        let (v, dup) = parse(r#"{"b": "x", "a": "y\n", "c": [1, 2.5, null, true]}"#).unwrap();
        assert!(!dup);
        let m = v.as_object().unwrap();
        assert_eq!(m.keys().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert!(matches!(
            m.get("b"),
            Some(Value::String(Cow::Borrowed("x")))
        ));
        assert!(matches!(m.get("a"), Some(Value::String(Cow::Owned(_)))));
        assert_eq!(
            v.to_serde(),
            serde_json::json!({"b": "x", "a": "y\n", "c": [1, 2.5, null, true]})
        );
    }

    #[test]
    fn repeated_keys_are_noted_and_keep_first_place_last_value() {
        for n in [3usize, 40] {
            let mut members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            members.push("\"k1\": \"again\"".into());
            let text = format!("{{{}}}", members.join(", "));
            let (v, dup) = parse(&text).unwrap();
            assert!(dup, "{n} members");
            let m = v.as_object().unwrap();
            assert_eq!(m.len(), n);
            assert_eq!(m.keys().nth(1), Some("k1"));
            assert_eq!(m.get("k1").and_then(Value::as_str), Some("again"));
            assert_eq!(
                m.get(&format!("k{}", n - 1)).and_then(Value::as_u64),
                Some(n as u64 - 1)
            );
            assert!(m.get("k").is_none());
        }
    }
}
