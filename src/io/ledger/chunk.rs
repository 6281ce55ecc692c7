//! A chunk of one step's ledger entries being gathered, column by column, in the compact form
//! the `chunks` table stores (its layout is described beside the schema in `mod.rs`).
//!
//! Why columns and not one JSON array of entries: a created row's entry is then its key, one
//! letter, 16 bytes of id and 8 of hash (≈36 bytes) instead of ≈95 bytes of JSON text, and the
//! bytes a run pushes through SQLite are most of what the ledger costs.

use crate::eval::record::RecordId;
use crate::io::report::Outcome;
use rusqlite::types::Value;
use std::io::Write;

/// The target id a created or updated row got, and its content hash.
pub(super) struct Landed {
    pub(super) id: Id,
    pub(super) hash: u64,
}

pub enum Id {
    /// A lower-case hyphenated UUID (every id mapc makes, and Twenty's), as its 16 bytes.
    Uuid([u8; 16]),
    Text(String),
}

impl Id {
    /// An id as text: its 16 bytes when it is a lower-case hyphenated UUID (as every id mapc
    /// makes is), else the text.
    pub fn parse(text: &str) -> Id {
        match uuid::Uuid::parse_str(text) {
            Ok(u) if u.hyphenated().to_string() == text && !u.is_nil() => Id::Uuid(*u.as_bytes()),
            _ => Id::Text(text.to_string()),
        }
    }

    /// The id mapc made for a record: its UUID's bytes (the nil UUID, which the BLOB form reads
    /// as "no id", as text).
    pub fn of(id: &RecordId) -> Id {
        match id.bytes() {
            bytes if bytes == [0; 16] => Id::Text(id.as_str().to_string()),
            bytes => Id::Uuid(bytes),
        }
    }
}

/// The ids of a chunk's entries, in the form they have taken so far.
#[derive(Default)]
enum Ids {
    /// No entry has an id yet.
    #[default]
    None,
    /// 16 bytes per entry; zeros for an entry without an id.
    Uuids(Vec<u8>),
    /// A JSON array being written, `null` for an entry without an id.
    Text(Vec<u8>),
}

/// A finished chunk, ready to be bound to the columns of the same names.
pub(super) struct Columns {
    pub(super) keys: String,
    pub(super) outcomes: String,
    pub(super) reasons: Option<String>,
    pub(super) ids: Value,
    pub(super) hashes: Option<Vec<u8>>,
}

#[derive(Default)]
pub(super) struct Chunk {
    keys: Vec<u8>,
    outcomes: Vec<u8>,
    reasons: Vec<u8>,
    ids: Ids,
    hashes: Vec<u8>,
}

/// The letter an outcome is stored as; the views spell it out again.
fn letter(o: Outcome) -> u8 {
    match o {
        Outcome::Created => b'c',
        Outcome::Updated => b'u',
        Outcome::Unchanged => b'n',
        Outcome::Rejected => b'r',
        Outcome::Deduped => b'd',
        Outcome::Skipped => b's',
        Outcome::Held => b'h',
    }
}

impl Chunk {
    pub(super) fn len(&self) -> usize {
        self.outcomes.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.outcomes.is_empty()
    }

    pub(super) fn push(
        &mut self,
        key: &str,
        outcome: Outcome,
        reason: &str,
        landed: Option<Landed>,
    ) {
        let at = self.len();
        self.keys.push(if at == 0 { b'[' } else { b',' });
        crate::eval::shape::write_str(&mut self.keys, key);
        self.outcomes.push(letter(outcome));
        if !reason.is_empty() {
            self.reasons
                .push(if self.reasons.is_empty() { b'{' } else { b',' });
            let _ = write!(self.reasons, "\"{at}\":");
            crate::eval::shape::write_str(&mut self.reasons, reason);
        }
        self.push_landed(at, landed);
    }

    fn push_landed(&mut self, at: usize, landed: Option<Landed>) {
        let (id, hash) = match landed {
            Some(Landed { id, hash }) => (Some(id), hash),
            None => (None, 0),
        };
        // The form the ids take with this one.
        self.ids = match (std::mem::take(&mut self.ids), &id) {
            // Until some entry has an id, entries without one take no room at all.
            (Ids::None, None) => return,
            // The first id: the entries before it get empty slots.
            (Ids::None, Some(first)) => {
                self.hashes = vec![0; 8 * at];
                match first {
                    Id::Uuid(_) => Ids::Uuids(vec![0; 16 * at]),
                    Id::Text(_) => Ids::Text(nulls(at)),
                }
            }
            // An id that is no UUID among UUIDs: they all turn to text.
            (Ids::Uuids(blob), Some(Id::Text(_))) => Ids::Text(as_text(&blob)),
            (ids, _) => ids,
        };
        self.hashes.extend_from_slice(&hash.to_be_bytes());
        match (&mut self.ids, id) {
            (Ids::Uuids(blob), Some(Id::Uuid(bytes))) => blob.extend_from_slice(&bytes),
            // No id (a text id has turned the slots to text above).
            (Ids::Uuids(blob), _) => blob.extend_from_slice(&[0; 16]),
            (Ids::Text(text), id) => {
                text.push(if text.is_empty() { b'[' } else { b',' });
                match id {
                    Some(Id::Uuid(bytes)) => push_uuid_text(text, &bytes),
                    Some(Id::Text(s)) => crate::eval::shape::write_str(text, &s),
                    None => text.extend_from_slice(b"null"),
                }
            }
            (Ids::None, _) => {}
        }
    }

    /// The finished columns; the chunk starts over, empty.
    pub(super) fn take(&mut self) -> Columns {
        let mut c = std::mem::take(self);
        c.keys.push(b']');
        let reasons = (!c.reasons.is_empty()).then(|| {
            c.reasons.push(b'}');
            text(c.reasons)
        });
        let (ids, hashes) = match c.ids {
            Ids::None => (Value::Null, None),
            Ids::Uuids(blob) => (Value::Blob(blob), Some(c.hashes)),
            Ids::Text(mut t) => {
                t.push(b']');
                (Value::Text(text(t)), Some(c.hashes))
            }
        };
        Columns {
            keys: text(c.keys),
            outcomes: text(c.outcomes),
            reasons,
            ids,
            hashes,
        }
    }
}

fn nulls(n: usize) -> Vec<u8> {
    let mut t = Vec::new();
    for i in 0..n {
        t.extend_from_slice(if i == 0 { b"[null" } else { b",null" });
    }
    t
}

/// UUID slots rewritten as a JSON array, when an id that is no UUID joins them.
fn as_text(blob: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    for (i, slot) in blob.chunks_exact(16).enumerate() {
        t.push(if i == 0 { b'[' } else { b',' });
        match <[u8; 16]>::try_from(slot) {
            Ok(bytes) if bytes != [0; 16] => push_uuid_text(&mut t, &bytes),
            _ => t.extend_from_slice(b"null"),
        }
    }
    t
}

fn push_uuid_text(out: &mut Vec<u8>, bytes: &[u8; 16]) {
    let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
    let s = uuid::Uuid::from_bytes(*bytes)
        .hyphenated()
        .encode_lower(&mut buf);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

fn text(bytes: Vec<u8>) -> String {
    // Only whole UTF-8 strs and ASCII were written; were it otherwise, keep what is there.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}
