//! A record's shape, decided once per step: which assignment lands in which (possibly nested)
//! wire field, in order. A row's record is then its assignments' values in a slice, written as
//! JSON straight from there — no map is built per row unless a target asks for one.

use crate::eval::value::{format_decimal, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

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
            write_group(out, &self.tree(values));
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

    /// The record built by path, assignment after assignment: a later assignment to a
    /// composite replaces it, a later one to a subfield goes into it.
    fn tree<'v>(&self, values: &'v [Value]) -> Group<'v> {
        let mut tree = Group::new();
        for (slot, path) in &self.paths {
            set(&mut tree, path, values.get(*slot).unwrap_or(&Value::Null));
        }
        tree
    }

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

    /// The value at a dotted wire path (top-level part already the wire name), descending into
    /// composite values assigned whole.
    pub fn get<'v>(&self, values: &'v [Value], path: &[&str]) -> Option<&'v Value> {
        let (slot, parts) = self
            .paths
            .iter()
            .rev()
            .find(|(_, p)| p.len() <= path.len() && p.iter().zip(path).all(|(a, b)| a == b))?;
        let mut node = values.get(*slot)?;
        for seg in &path[parts.len()..] {
            let Value::Record(fields) = node else {
                return None;
            };
            node = fields
                .iter()
                .rev()
                .find(|(k, _)| k == seg)
                .map(|(_, v)| v)?;
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

/// A record built by path: its members by name, sorted (as written by path, records always
/// were), each a value as it is (so a decimal keeps its digits) or a group built by path.
type Group<'v> = BTreeMap<String, Tree<'v>>;

enum Tree<'v> {
    Leaf(&'v Value),
    Group(Group<'v>),
}

fn set<'v>(group: &mut Group<'v>, path: &[String], value: &'v Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        group.insert(first.clone(), Tree::Leaf(value));
        return;
    }
    let node = group
        .entry(first.clone())
        .or_insert_with(|| Tree::Group(Group::new()));
    if let Tree::Leaf(v) = node {
        // A subfield into a composite assigned whole: its fields become members; anything
        // else assigned whole gives way.
        let mut inner = Group::new();
        if let Value::Record(fields) = v {
            for (k, field) in fields.iter() {
                inner.insert(k.to_string(), Tree::Leaf(field));
            }
        }
        *node = Tree::Group(inner);
    }
    if let Tree::Group(inner) = node {
        set(inner, rest, value);
    }
}

/// A group's members as JSON, without braces.
fn write_group(out: &mut Vec<u8>, group: &Group) {
    for (i, (name, member)) in group.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, name);
        out.push(b':');
        match member {
            Tree::Leaf(v) => write_sorted(out, v),
            Tree::Group(inner) => {
                out.push(b'{');
                write_group(out, inner);
                out.push(b'}');
            }
        }
    }
}

/// A JSON array of `items`, each written by `write`.
fn write_list(out: &mut Vec<u8>, items: &[Value], write: fn(&mut Vec<u8>, &Value)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// [`write_value`] with every record's fields sorted by name, a name given twice written
/// once, with its last value: how a record built by path, and a record's text, are written.
pub fn write_sorted(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Record(fields) => {
            let mut order: Vec<usize> = (0..fields.len()).collect();
            order.sort_by(|a, b| fields[*a].0.cmp(&fields[*b].0));
            out.push(b'{');
            let mut first = true;
            for (n, &i) in order.iter().enumerate() {
                let (name, value) = &fields[i];
                // Stable: the last of a repeated name comes last among its equals.
                if order
                    .get(n + 1)
                    .is_some_and(|&next| fields[next].0 == *name)
                {
                    continue;
                }
                if !first {
                    out.push(b',');
                }
                first = false;
                write_str(out, name);
                out.push(b':');
                write_sorted(out, value);
            }
            out.push(b'}');
        }
        Value::List(items) => write_list(out, items, write_sorted),
        other => write_value(out, other),
    }
}

/// Writes a value as the target receives it, as JSON: references become the referenced
/// record's id, a decimal is a JSON number of exactly its digits (never through `f64`).
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
        Value::List(items) => write_list(out, items, write_value),
        Value::Dec(d) => out.extend_from_slice(format_decimal(*d).as_bytes()),
        // Dates, date-times and durations: their text, as a string.
        other => write_str(out, &other.to_text()),
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
        assert_eq!(
            shape.get(&values, &["name", "lastName", "x"]),
            Some(&Value::Int(3))
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

    fn bytes(shape: &Shape, values: &[Value]) -> String {
        let mut out = Vec::new();
        shape.write_members(values, &mut out);
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn decimals_are_written_with_exactly_their_digits_either_way() {
        let dec = |s: &str| Value::Dec(s.parse().expect("a decimal"));
        let values = [
            dec("12345678901234567.89"),
            dec("1234.50"),
            Value::Record(vec![
                ("b".into(), dec("0.0000001")),
                ("a".into(), dec("-0")),
            ]),
            Value::text_value("Ana"),
        ];
        let exact = shape(&[(0, "big"), (1, "fee"), (2, "name")]);
        assert_eq!(
            bytes(&exact, &values),
            r#""big":12345678901234567.89,"fee":1234.5,"name":{"b":0.0000001,"a":0}"#
        );
        let by_path = shape(&[(0, "big"), (1, "fee"), (2, "name"), (3, "name.first")]);
        assert!(!by_path.is_exact());
        assert_eq!(
            bytes(&by_path, &values),
            r#""big":12345678901234567.89,"fee":1234.5,"name":{"a":0,"b":0.0000001,"first":"Ana"}"#
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
