//! What the state data keeps of a step's result: the outputs later steps read, the outputs its
//! lineage start passes, and the ARNs every execution's output is traced by. A JSON result read
//! only through `json(Step.payload, "a.b")` keeps only the fields read, so a Lambda that returns
//! 200 KiB leaves a few bytes in the state.

use crate::asl::model::Payload;
use crate::check::{render_keys, Key, Read};
use crate::steps::Request;
use serde_json::{Map, Value as Json};

/// The ResultSelector of a step: output name → what it keeps, in the request's order.
pub fn selector(
    req: &Request,
    used: Option<&indexmap::IndexMap<String, Read>>,
    recorded: &[&str],
) -> Payload {
    let mut sel = Payload::new();
    for (name, path) in &req.outputs {
        let whole = recorded.contains(&name.as_str()) || req.always.contains(&name.as_str());
        match used.and_then(|u| u.get(name)) {
            Some(Read::Fields(fields)) if !whole && !fields.is_empty() => {
                if let Some(tree) = fields_template(path, fields) {
                    sel.insert(name.clone(), tree);
                    continue;
                }
                sel.insert(format!("{name}.$"), Json::String(path.clone()));
            }
            Some(_) => {
                sel.insert(format!("{name}.$"), Json::String(path.clone()));
            }
            None if whole => {
                sel.insert(format!("{name}.$"), Json::String(path.clone()));
            }
            None => {}
        }
    }
    sel
}

/// `{"a": {"b.$": "$.Payload.a.b"}}` for the fields `a.b` of `$.Payload`: each read keeps the
/// subtree down to its first array index (a payload template cannot build arrays). `None` when
/// a read needs the whole value, or the result is not a plain path.
fn fields_template(path: &str, fields: &[Vec<Key>]) -> Option<Json> {
    if !path.starts_with('$') || path.contains('(') {
        return None;
    }
    let mut prefixes: Vec<Vec<&str>> = Vec::new();
    for keys in fields {
        let prefix: Vec<&str> = keys
            .iter()
            .map_while(|k| match k {
                Key::Field(f) => Some(f.as_str()),
                Key::Index(_) => None,
            })
            .collect();
        if prefix.is_empty() {
            return None;
        }
        prefixes.push(prefix);
    }
    // A shorter prefix keeps everything under it.
    prefixes.sort();
    prefixes.dedup();
    let kept: Vec<&Vec<&str>> = prefixes
        .iter()
        .filter(|p| {
            !prefixes
                .iter()
                .any(|q| q.len() < p.len() && p.starts_with(q))
        })
        .collect();
    let mut root = Map::new();
    for p in kept {
        let keys: Vec<Key> = p.iter().map(|f| Key::Field(f.to_string())).collect();
        let source = format!("{path}{}", render_keys(&keys));
        let mut node = &mut root;
        for f in &p[..p.len() - 1] {
            node = node
                .entry(f.to_string())
                .or_insert_with(|| Json::Object(Map::new()))
                .as_object_mut()?;
        }
        node.insert(format!("{}.$", p[p.len() - 1]), Json::String(source));
    }
    Some(Json::Object(root))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys(s: &[&str]) -> Vec<Key> {
        s.iter()
            .map(|k| match k.parse::<u32>() {
                Ok(i) => Key::Index(i),
                Err(_) => Key::Field(k.to_string()),
            })
            .collect()
    }

    #[test]
    fn only_the_fields_read_are_kept_down_to_the_first_index() {
        let t = fields_template(
            "$.Payload",
            &[
                keys(&["a", "b"]),
                keys(&["a", "c"]),
                keys(&["d", "0", "e"]),
                keys(&["d", "x"]),
                keys(&["odd-key"]),
            ],
        );
        assert_eq!(
            t,
            Some(json!({
                "a": {"b.$": "$.Payload.a.b", "c.$": "$.Payload.a.c"},
                "d.$": "$.Payload.d",
                "odd-key.$": "$.Payload['odd-key']",
            }))
        );
        assert_eq!(fields_template("$.Payload", &[keys(&["0"])]), None);
    }
}
