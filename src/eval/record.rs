//! Builds a target record in the target's API shape from evaluated assignments: top-level fields
//! by their wire name, composites nested by subfield, references as target ids.

use serde_json::{Map, Value as Json};

/// The id a record made from `source`'s row `key` gets: stable across runs, so re-runs and
/// lookups agree without asking the target (a live target's own ids are kept in the ledger).
///
/// A version-8 UUID over a 128-bit xxh3 of the name: UUID-shaped (Twenty takes client ids as
/// UUIDs), stable, and cheap enough to compute for every row.
pub fn record_id(object: &str, source: &str, key: &str) -> String {
    RecordId::new(object, source, key).as_str().to_string()
}

/// A [`record_id`] held inline: made for every row, so it costs no allocation. It keeps the
/// UUID's bytes beside its text, for the ledger, which stores those.
#[derive(Debug, Clone, Copy)]
pub struct RecordId {
    text: [u8; uuid::fmt::Hyphenated::LENGTH],
    bytes: [u8; 16],
}

impl RecordId {
    pub fn new(object: &str, source: &str, key: &str) -> RecordId {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in [object, "\u{1f}", source, "\u{1f}", key] {
            h.update(part.as_bytes());
        }
        let uuid = uuid::Builder::from_custom_bytes(h.digest128().to_be_bytes()).into_uuid();
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid.hyphenated().encode_lower(&mut text);
        RecordId {
            text,
            bytes: *uuid.as_bytes(),
        }
    }

    /// A record id written out before (a mapc id is a lower-case hyphenated UUID).
    pub fn parse(text: &str) -> Option<RecordId> {
        let uuid = uuid::Uuid::parse_str(text).ok()?;
        let mut out = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid.hyphenated().encode_lower(&mut out);
        Some(RecordId {
            text: out,
            bytes: *uuid.as_bytes(),
        })
    }

    pub fn as_str(&self) -> &str {
        // Hyphenated lower-case hex: always ASCII.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    pub fn bytes(&self) -> [u8; 16] {
        self.bytes
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

    /// Ids are what re-runs and lookups agree on: they must never change between builds.
    #[test]
    fn record_ids_do_not_change() {
        assert_eq!(
            record_id("Person", "Patient", "P00000000"),
            "d304b0da-c0e8-80da-baf3-95143b92d938"
        );
    }

    #[test]
    fn record_ids_are_stable_uuids() {
        let a = record_id("Person", "Patient", "P1");
        assert_eq!(a, record_id("Person", "Patient", "P1"));
        assert_ne!(a, record_id("Person", "Patient", "P2"));
        assert!(uuid::Uuid::parse_str(&a).is_ok(), "{a}");
    }
}
