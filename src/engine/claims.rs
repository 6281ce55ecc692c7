//! The unique values the run's records hold, across every map that writes an object: a row
//! whose value a record already has is rejected naming that record's row, or made one with
//! the record (`on duplicate … merge`), exactly as a live target's unique index would refuse
//! the second record.
//!
//! A value is kept as a fingerprint with the step and line of the row that holds it
//! (`fingerprints.rs`: twelve bytes, as an object can have tens of millions). The record's id
//! is kept too only where some map merges duplicates of that value.

use super::fingerprints::{Fingerprint, Fingerprints, Holder};
use crate::eval::lend::{NodeValue, Scratch};
use crate::eval::value::Value;
use crate::ir::{Expr, Map, ObjectId, OnDuplicate, Program, Unique};
use crate::plan::Plan;
use rustc_hash::FxHashMap;

/// The fingerprint of a unique value as written, or None when there is none to hold (null,
/// empty). Emails and links are compared ignoring case and surrounding spaces.
pub fn hash_of(text: &str, fold_case: bool) -> Option<Fingerprint> {
    let text = if fold_case { text.trim() } else { text };
    if text.is_empty() {
        return None;
    }
    let h = if fold_case && text.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        xxhash_rust::xxh3::xxh3_128(text.to_lowercase().as_bytes())
    } else {
        xxhash_rust::xxh3::xxh3_128(text.as_bytes())
    };
    Some(Fingerprint::of_hash(h))
}

/// The values of one unique field of one object.
struct Table {
    object: ObjectId,
    wire: Vec<String>,
    held: Fingerprints,
    /// The id of each value's record, where some map merges duplicates into it.
    ids: Option<FxHashMap<u64, String>>,
}

/// A record already holding a value: which row made it, and its id when kept.
pub struct Taken<'c> {
    pub holder: Holder,
    pub id: Option<&'c str>,
}

pub struct Claims {
    tables: Vec<Table>,
}

impl Claims {
    /// A table for each unique value some map of the plan writes, but those its rows' keys
    /// already make unique.
    pub fn new(plan: &Plan) -> Claims {
        let program = &plan.program;
        let mut tables: Vec<Table> = Vec::new();
        for m in &program.maps {
            for u in &m.uniques {
                if unique_by_key(program, m, u) {
                    continue;
                }
                let found = tables
                    .iter_mut()
                    .find(|t| t.object == m.object && t.wire == u.wire);
                let table = match found {
                    Some(t) => t,
                    None => {
                        tables.push(Table {
                            object: m.object,
                            wire: u.wire.clone(),
                            held: Fingerprints::default(),
                            ids: None,
                        });
                        let last = tables.len() - 1;
                        &mut tables[last]
                    }
                };
                // The holder's id is needed to merge into it, and to tell it apart from other
                // records when a merge or second pass writes the value into an existing one.
                let revisits = m.merge.is_some() || m.assignments.iter().any(|a| a.deferred);
                if u.on_duplicate == OnDuplicate::Merge || revisits {
                    table.ids.get_or_insert_with(FxHashMap::default);
                }
            }
        }
        Claims { tables }
    }

    /// The table of `object`'s unique value at `wire`; None when no table is kept for it.
    pub fn table(&self, object: ObjectId, wire: &[String]) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| t.object == object && t.wire == wire)
    }

    /// A hint that this value is looked up soon (see `Fingerprints::prefetch`).
    pub fn prefetch(&self, table: usize, value: Fingerprint) {
        if let Some(t) = self.tables.get(table) {
            t.held.prefetch(value);
        }
    }

    /// The record holding this value, if one does.
    pub fn find(&self, table: usize, value: Fingerprint) -> Option<Taken<'_>> {
        let t = self.tables.get(table)?;
        let holder = t.held.get(value)?;
        Some(Taken {
            holder,
            id: t
                .ids
                .as_ref()
                .and_then(|ids| ids.get(&value.whole()))
                .map(String::as_str),
        })
    }

    /// The row `holder` now holds this value, for the record with this id: false when the
    /// value was held already (by this record: a merge writing it again).
    pub fn hold(&mut self, table: usize, value: Fingerprint, holder: Holder, id: &str) -> bool {
        let Some(t) = self.tables.get_mut(table) else {
            return false;
        };
        if !t.held.insert(value, holder) {
            return false;
        }
        if let Some(ids) = &mut t.ids {
            ids.insert(value.whole(), id.to_string());
        }
        true
    }

    /// The value is free again: its row did not land after all.
    pub fn release(&mut self, table: usize, value: Fingerprint, holder: Holder) {
        let Some(t) = self.tables.get_mut(table) else {
            return;
        };
        if t.held.get(value) == Some(holder) {
            t.held.remove(value, holder);
            if let Some(ids) = &mut t.ids {
                ids.remove(&value.whole());
            }
        }
    }
}

/// Whether the map's rows hold this value uniquely by their keys alone, so no table need
/// keep it: it is the map's identity, written straight from the source's one key column
/// (two rows with one key are refused before their values are judged), and no other map
/// writes it.
fn unique_by_key(program: &Program, map: &Map, unique: &Unique) -> bool {
    let source = program.source(map.source);
    let [key] = source.key.as_slice() else {
        return false;
    };
    let is_identity = map.identity.as_ref().is_some_and(|i| i.wire == unique.wire);
    let straight_from_key = map.assignments.iter().any(|a| {
        a.path.wire == unique.wire
            && !a.deferred
            && matches!(&a.value, Expr::Column { column } if column == key)
    });
    let writers = program
        .maps
        .iter()
        .filter(|m| m.object == map.object && m.uniques.iter().any(|u| u.wire == unique.wire))
        .count();
    is_identity && straight_from_key && writers == 1 && !unique.fold_case
}

/// Where a step's unique value is in its written values: the slot, and the subfield within it
/// when the slot is a composite written whole.
pub struct UniqueAt<'p> {
    pub unique: &'p Unique,
    pub table: usize,
    pub slot: usize,
    pub within: Vec<String>,
}

impl UniqueAt<'_> {
    /// The value's hash from a row's lent results.
    pub fn hash_lent(&self, results: &[NodeValue], scratch: &Scratch) -> Option<Fingerprint> {
        let result = *results.get(self.slot)?;
        if self.within.is_empty() {
            return hash_of(&scratch.text_of(result), self.unique.fold_case);
        }
        self.hash_value(&scratch.value(result))
    }

    /// The value's hash from a row's values, one per written slot.
    pub fn hash_owned(&self, values: &[Value]) -> Option<Fingerprint> {
        self.hash_value(values.get(self.slot)?)
    }

    /// The hash of the unique value in a slot's value (within its composite, when it is one).
    fn hash_value(&self, value: &Value) -> Option<Fingerprint> {
        let mut value = value;
        for part in &self.within {
            let Value::Record(members) = value else {
                return None;
            };
            value = &members.iter().find(|(name, _)| name.as_str() == part)?.1;
        }
        hash_of(&value.text(), self.unique.fold_case)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_compare_ignoring_case_and_spaces_other_values_exactly() {
        assert_eq!(hash_of(" A@X.com ", true), hash_of("a@x.com", true));
        assert_ne!(hash_of("P1", false), hash_of("p1", false));
        assert_eq!(hash_of("", false), None);
        assert_eq!(hash_of("  ", true), None);
        assert_ne!(
            hash_of("  ", false),
            None,
            "spaces are a value where case counts"
        );
    }
}
