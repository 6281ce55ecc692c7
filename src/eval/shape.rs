//! A record's shape, decided once per step: which assignment lands in which (possibly nested)
//! wire field, in order. A row's record is then its assignments' values in a slice, written as
//! JSON straight from there — no map is built per row unless a target asks for one.

use crate::eval::value::Value;
use serde_json::{Map, Value as Json};

#[derive(Debug)]
enum Member {
    Leaf { name: Name, slot: usize },
    Group { name: Name, members: Vec<Member> },
}

/// A member's name, with its JSON form (`"name":`) written once, not once per record.
#[derive(Debug)]
struct Name {
    text: String,
    json: Vec<u8>,
}

impl Name {
    fn new(text: &str) -> Name {
        let mut json = Vec::with_capacity(text.len() + 3);
        write_str(&mut json, text);
        json.push(b':');
        Name {
            text: text.to_string(),
            json,
        }
    }
}

impl Member {
    fn name(&self) -> &Name {
        match self {
            Member::Leaf { name, .. } | Member::Group { name, .. } => name,
        }
    }
}

/// Where each chosen assignment's value goes.
#[derive(Debug, Default)]
pub struct Shape {
    /// (slot, wire path) in assignment order, as given.
    paths: Vec<(usize, Vec<String>)>,
    /// False when one path is a prefix of another (a whole composite and one of its subfields):
    /// then assignment order decides, and records are built the slow way, by path.
    exact: bool,
    /// An exact shape's JSON as pieces: the text before each leaf (names, commas, braces) and
    /// the leaf's slot, then the text after the last leaf. Writing a record is then a walk down
    /// one list, not a tree.
    pieces: Vec<(Vec<u8>, usize)>,
    tail: Vec<u8>,
}

impl Shape {
    /// The shape of `(slot, wire path)` assignments (`["name", "firstName"]`).
    pub fn new<'a>(assignments: impl IntoIterator<Item = (usize, &'a [String])>) -> Shape {
        let mut shape = Shape {
            exact: true,
            ..Shape::default()
        };
        // The members as a tree, only to lay the pieces out.
        let mut members = Vec::new();
        for (slot, parts) in assignments {
            shape.exact &= place(&mut members, parts, slot);
            shape.paths.push((slot, parts.to_vec()));
        }
        let mut text = Vec::new();
        flatten(&members, &mut text, &mut shape.pieces);
        shape.tail = text;
        shape
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The record's members as JSON (`"a":1,"b":{"c":2}`, no braces) into `out`.
    pub fn write_members(&self, values: &[Value], out: &mut Vec<u8>) {
        if self.exact {
            self.write_leaves(out, &mut |slot, out| {
                write_value(out, values.get(slot).unwrap_or(&Value::Null))
            });
        } else {
            let map = self.to_map(values);
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                let _ = serde_json::to_writer(&mut *out, v);
            }
        }
    }

    /// Whether every assignment has a place of its own (no whole composite beside one of its
    /// subfields), so [`Shape::write_leaves`] can write the record.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// [`Shape::write_members`] of an exact shape, `leaf` writing the value in a slot.
    pub fn write_leaves(&self, out: &mut Vec<u8>, leaf: &mut impl FnMut(usize, &mut Vec<u8>)) {
        for (text, slot) in &self.pieces {
            out.extend_from_slice(text);
            leaf(*slot, out);
        }
        out.extend_from_slice(&self.tail);
    }

    /// The record as a JSON map, for targets that keep or reshape records.
    pub fn to_map(&self, values: &[Value]) -> Map<String, Json> {
        let mut map = Map::new();
        for (slot, path) in &self.paths {
            set(
                &mut map,
                path,
                wire(values.get(*slot).unwrap_or(&Value::Null)),
            );
        }
        map
    }

    /// The value at a dotted wire path (top-level part already the wire name), descending into
    /// composite values assigned whole.
    /// The slot that writes `path`, and the part of the path within that slot's value (empty
    /// when the slot writes exactly `path`; a subfield when it writes a composite whole). The
    /// last assignment of a path wins, as in the record.
    pub fn locate(&self, path: &[String]) -> Option<(usize, Vec<String>)> {
        let (slot, parts) = self
            .paths
            .iter()
            .rev()
            .find(|(_, p)| p.len() <= path.len() && p.iter().zip(path).all(|(a, b)| a == b))?;
        Some((*slot, path[parts.len()..].to_vec()))
    }

    pub fn get(&self, values: &[Value], path: &[&str]) -> Option<Json> {
        let (slot, parts) = self
            .paths
            .iter()
            .rev()
            .find(|(_, p)| p.len() <= path.len() && p.iter().zip(path).all(|(a, b)| a == b))?;
        let mut node = wire(values.get(*slot)?);
        for seg in &path[parts.len()..] {
            node = node.get(seg)?.clone();
        }
        Some(node)
    }
}

/// Places a path; false when it collides with a different-depth path already placed.
fn place(members: &mut Vec<Member>, parts: &[String], slot: usize) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return true;
    };
    let existing = members.iter_mut().find(|m| m.name().text == *first);
    match (existing, rest.is_empty()) {
        (None, true) => {
            members.push(Member::Leaf {
                name: Name::new(first),
                slot,
            });
            true
        }
        (None, false) => {
            let mut inner = Vec::new();
            let ok = place(&mut inner, rest, slot);
            members.push(Member::Group {
                name: Name::new(first),
                members: inner,
            });
            ok
        }
        // The same field assigned twice: the later assignment wins, as it would by path.
        (Some(Member::Leaf { slot: s, .. }), true) => {
            *s = slot;
            true
        }
        (Some(Member::Group { members, .. }), false) => place(members, rest, slot),
        (Some(_), _) => false,
    }
}

/// Lays members out as pieces: `text` gathers what comes before the next leaf.
fn flatten(members: &[Member], text: &mut Vec<u8>, pieces: &mut Vec<(Vec<u8>, usize)>) {
    for (i, m) in members.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        text.extend_from_slice(&m.name().json);
        match m {
            Member::Leaf { slot, .. } => pieces.push((std::mem::take(text), *slot)),
            Member::Group { members, .. } => {
                text.push(b'{');
                flatten(members, text, pieces);
                text.push(b'}');
            }
        }
    }
}

fn set(map: &mut Map<String, Json>, path: &[String], value: Json) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        map.insert(first.clone(), value);
        return;
    }
    let node = map
        .entry(first.clone())
        .or_insert_with(|| Json::Object(Map::new()));
    if !node.is_object() {
        *node = Json::Object(Map::new());
    }
    if let Json::Object(inner) = node {
        set(inner, rest, value);
    }
}

/// A value as the target receives it: references become the referenced record's id.
pub fn wire(v: &Value) -> Json {
    match v {
        Value::Ref(r) => Json::String(r.key.clone()),
        Value::List(items) => Json::Array(items.iter().map(wire).collect()),
        Value::Record(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), wire(v)))
                .collect(),
        ),
        other => other.to_json(),
    }
}

/// Writes [`wire`]`(v)` as JSON without building it.
pub fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Text(s) => write_str(out, s),
        Value::Ref(r) => write_str(out, &r.key),
        Value::Int(i) => {
            use std::io::Write;
            let _ = write!(out, "{i}");
        }
        Value::Record(fields) => {
            out.push(b'{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                write_value(out, v);
            }
            out.push(b'}');
        }
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        other => {
            // Numbers, dates and durations: rare enough to go through serde_json.
            let _ = serde_json::to_writer(&mut *out, &wire(other));
        }
    }
}

/// Which bytes a JSON string must escape: control characters, `"` and `\\`.
static ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// A JSON string, escaping only what JSON requires.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    // Most values need no escape: one pass without branches finds that out (measured twice as
    // fast on short text as escaping in the same pass).
    if !bytes.iter().fold(false, |any, &b| any | ESCAPE[b as usize]) {
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPE[b as usize] {
            continue;
        }
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => b"",
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// One record as a target receives it: its members already written as JSON (`"a":1,"b":{…}`,
/// without braces: they were written once, to hash the content).
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    pub json: &'a [u8],
}

impl Fields<'_> {
    /// The record as a map, read back from its JSON: only targets that reshape records (the
    /// import files, the in-memory store) pay for it. JSON the engine wrote always reads back;
    /// were it not to, the row is rejected with the reason rather than landing empty.
    pub fn to_map(&self) -> std::io::Result<Map<String, Json>> {
        let mut text = Vec::with_capacity(self.json.len() + 2);
        text.push(b'{');
        text.extend_from_slice(self.json);
        text.push(b'}');
        serde_json::from_slice(&text).map_err(|e| {
            std::io::Error::other(format!(
                "internal: the record's JSON does not read back: {e}"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shape of dotted wire paths.
    fn shape(paths: &[(usize, &str)]) -> Shape {
        let wire: Vec<(usize, Vec<String>)> = paths
            .iter()
            .map(|(slot, p)| (*slot, p.split('.').map(str::to_string).collect()))
            .collect();
        Shape::new(wire.iter().map(|(slot, p)| (*slot, p.as_slice())))
    }

    fn written(shape: &Shape, values: &[Value]) -> Json {
        let mut out = b"{".to_vec();
        shape.write_members(values, &mut out);
        out.push(b'}');
        serde_json::from_slice(&out).expect("valid JSON")
    }

    #[test]
    fn members_nest_by_path_and_match_the_map_form() {
        let shape = shape(&[(0, "name.firstName"), (1, "city"), (2, "name.lastName")]);
        let values = [
            Value::text_value("Ana \"A\"\n"),
            Value::Null,
            Value::Record(vec![("x".into(), Value::Int(3))]),
        ];
        let json = written(&shape, &values);
        assert_eq!(
            json,
            serde_json::json!({"name": {"firstName": "Ana \"A\"\n", "lastName": {"x": 3}}, "city": null})
        );
        assert_eq!(Json::Object(shape.to_map(&values)), json);
        assert_eq!(
            shape.get(&values, &["name", "lastName", "x"]),
            Some(serde_json::json!(3))
        );
    }

    #[test]
    fn a_whole_composite_and_its_subfield_keep_assignment_order() {
        let shape = shape(&[(0, "name.firstName"), (1, "name")]);
        let values = [
            Value::text_value("Ana"),
            Value::Record(vec![("lastName".into(), Value::text_value("Kim"))]),
        ];
        assert_eq!(
            written(&shape, &values),
            serde_json::json!({"name": {"lastName": "Kim"}})
        );
        let later = super::tests::shape(&[(1, "name"), (0, "name.firstName")]);
        assert_eq!(
            written(&later, &values),
            serde_json::json!({"name": {"lastName": "Kim", "firstName": "Ana"}})
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut out = Vec::new();
        write_str(&mut out, "a\u{1}b\\c\t");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "\"a\\u0001b\\\\c\\t\""
        );
    }
}
