//! Builds a target record in the target's API shape from evaluated assignments: top-level fields
//! by their wire name, composites nested by subfield, references as target ids.

use super::value::Value;
use crate::semantic::schema::Object;
use serde_json::{Map, Value as Json};

/// The id a record made from `source`'s row `key` gets: stable across runs, so re-runs and
/// lookups agree without asking the target (a live target's own ids are kept in the ledger).
///
/// A version-8 UUID over a 128-bit xxh3 of the name: UUID-shaped (Twenty takes client ids as
/// UUIDs), stable, and cheap enough to compute for every row.
pub fn record_id(object: &str, source: &str, key: &str) -> String {
    let name = format!("{object}\u{1f}{source}\u{1f}{key}");
    let h = xxhash_rust::xxh3::xxh3_128(name.as_bytes()).to_be_bytes();
    uuid::Builder::from_custom_bytes(h).into_uuid().to_string()
}

/// A value as the target receives it: references become the referenced record's id.
pub fn wire(v: &Value) -> Json {
    match v {
        Value::Ref { key, .. } => Json::String(key.clone()),
        Value::List(items) => Json::Array(items.iter().map(wire).collect()),
        Value::Record(fields) => {
            Json::Object(fields.iter().map(|(k, v)| (k.clone(), wire(v))).collect())
        }
        other => other.to_json(),
    }
}

/// Sets `path` (dotted, with the top-level part already mapped to its wire name) in `record`.
pub fn set_path(record: &mut Map<String, Json>, object: &Object, path: &str, value: &Value) {
    let mut parts = path.split('.');
    let Some(top) = parts.next() else { return };
    let api = object.field(top).map(|f| f.api.as_str()).unwrap_or(top);
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        record.insert(api.to_string(), wire(value));
        return;
    }
    let mut node = record
        .entry(api.to_string())
        .or_insert_with(|| Json::Object(Map::new()));
    for (i, part) in rest.iter().enumerate() {
        if !node.is_object() {
            *node = Json::Object(Map::new());
        }
        let Json::Object(map) = node else { return };
        if i + 1 == rest.len() {
            map.insert(part.to_string(), wire(value));
            return;
        }
        node = map
            .entry(part.to_string())
            .or_insert_with(|| Json::Object(Map::new()));
    }
}

/// A stable hash of a record's content, to tell "unchanged" from "updated" on a re-run. It walks
/// the record into a streaming hasher rather than serializing it a second time.
pub fn content_hash(record: &Map<String, Json>) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    hash_map(&mut h, record);
    h.digest()
}

fn hash_map(h: &mut xxhash_rust::xxh3::Xxh3, m: &Map<String, Json>) {
    h.update(b"{");
    for (k, v) in m {
        h.update(k.as_bytes());
        h.update(b"\x00");
        hash_value(h, v);
    }
    h.update(b"}");
}

/// Every value is tagged with its kind, so "1" and 1, or null and "", hash differently.
fn hash_value(h: &mut xxhash_rust::xxh3::Xxh3, v: &Json) {
    match v {
        Json::Null => h.update(b"n"),
        Json::Bool(b) => h.update(if *b { b"t" } else { b"f" }),
        Json::Number(n) => {
            h.update(b"#");
            h.update(n.to_string().as_bytes());
        }
        Json::String(s) => {
            h.update(b"s");
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        Json::Array(items) => {
            h.update(b"[");
            items.iter().for_each(|i| hash_value(h, i));
            h.update(b"]");
        }
        Json::Object(m) => hash_map(h, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hash(v: Json) -> u64 {
        content_hash(v.as_object().expect("object"))
    }

    #[test]
    fn content_hash_tells_kinds_and_nesting_apart() {
        assert_eq!(
            hash(json!({"a": 1, "b": {"c": "x"}})),
            hash(json!({"b": {"c": "x"}, "a": 1}))
        );
        assert_ne!(hash(json!({"a": 1})), hash(json!({"a": "1"})));
        assert_ne!(hash(json!({"a": null})), hash(json!({"a": ""})));
        assert_ne!(hash(json!({"a": ["x", "y"]})), hash(json!({"a": ["xy"]})));
        assert_ne!(hash(json!({"a": {"b": 1}})), hash(json!({"a": {"c": 1}})));
    }

    #[test]
    fn record_ids_are_stable_uuids() {
        let a = record_id("Person", "Patient", "P1");
        assert_eq!(a, record_id("Person", "Patient", "P1"));
        assert_ne!(a, record_id("Person", "Patient", "P2"));
        assert!(uuid::Uuid::parse_str(&a).is_ok(), "{a}");
    }
}
