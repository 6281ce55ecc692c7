//! The unique values the run's records hold, across every map that writes an object: a row
//! whose value a record already has is rejected naming that record's row, or made one with
//! the record (`on duplicate … merge`), exactly as a live target's unique index would refuse
//! the second record.
//!
//! A value is kept as a hash, with the step and line of the row that holds it: eight bytes a
//! record beside the hash, as an object can have tens of millions. The record's id is kept
//! too only where some map merges duplicates of that value.

use crate::eval::lend::{NodeValue, Scratch};
use crate::eval::value::Value;
use crate::ir::{ObjectId, OnDuplicate, Unique};
use crate::plan::Plan;
use rustc_hash::FxHashMap;

/// A unique value's hash: 64 bits to find it by and 16 to tell apart values that share those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueHash {
    find: u64,
    check: u16,
}

/// The hash of a unique value as written, or None when there is none to hold (null, empty).
/// Emails and links are compared ignoring case and surrounding spaces.
pub fn hash_of(text: &str, fold_case: bool) -> Option<ValueHash> {
    let text = if fold_case { text.trim() } else { text };
    if text.is_empty() {
        return None;
    }
    let h = if fold_case && text.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        xxhash_rust::xxh3::xxh3_128(text.to_lowercase().as_bytes())
    } else {
        xxhash_rust::xxh3::xxh3_128(text.as_bytes())
    };
    Some(ValueHash {
        find: h as u64,
        check: (h >> 64) as u16,
    })
}

/// Which row holds a value: its step's number and its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub step: u16,
    pub line: u32,
}

impl Holder {
    pub fn new(step: usize, line: u64) -> Holder {
        Holder {
            step: u16::try_from(step).unwrap_or(u16::MAX),
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    }
}

#[derive(Clone, Copy)]
struct Held {
    check: u16,
    holder: Holder,
}

/// The values of one unique field of one object.
struct Table {
    object: ObjectId,
    wire: Vec<String>,
    held: FxHashMap<u64, Held>,
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
    /// A table for each unique value any map of the plan writes.
    pub fn new(plan: &Plan) -> Claims {
        let mut tables: Vec<Table> = Vec::new();
        for m in &plan.program.maps {
            for u in &m.uniques {
                let found = tables
                    .iter_mut()
                    .find(|t| t.object == m.object && t.wire == u.wire);
                let table = match found {
                    Some(t) => t,
                    None => {
                        tables.push(Table {
                            object: m.object,
                            wire: u.wire.clone(),
                            held: FxHashMap::default(),
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

    /// The table of `object`'s unique value at `wire`.
    pub fn table(&self, object: ObjectId, wire: &[String]) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| t.object == object && t.wire == wire)
    }

    /// The record holding this value, if one does.
    pub fn find(&self, table: usize, value: ValueHash) -> Option<Taken<'_>> {
        let t = self.tables.get(table)?;
        let held = t.held.get(&value.find).filter(|h| h.check == value.check)?;
        Some(Taken {
            holder: held.holder,
            id: t
                .ids
                .as_ref()
                .and_then(|ids| ids.get(&value.find))
                .map(String::as_str),
        })
    }

    /// The row `holder` now holds this value, for the record with this id: false when the
    /// value was held already (by this record: a merge writing it again).
    pub fn hold(&mut self, table: usize, value: ValueHash, holder: Holder, id: &str) -> bool {
        let Some(t) = self.tables.get_mut(table) else {
            return false;
        };
        if t.held.contains_key(&value.find) {
            return false;
        }
        t.held.insert(
            value.find,
            Held {
                check: value.check,
                holder,
            },
        );
        if let Some(ids) = &mut t.ids {
            ids.insert(value.find, id.to_string());
        }
        true
    }

    /// The value is free again: its row did not land after all.
    pub fn release(&mut self, table: usize, value: ValueHash, holder: Holder) {
        let Some(t) = self.tables.get_mut(table) else {
            return;
        };
        if t.held.get(&value.find).is_some_and(|h| h.holder == holder) {
            t.held.remove(&value.find);
            if let Some(ids) = &mut t.ids {
                ids.remove(&value.find);
            }
        }
    }
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
    pub fn hash_lent(&self, results: &[NodeValue], scratch: &Scratch) -> Option<ValueHash> {
        let result = *results.get(self.slot)?;
        if self.within.is_empty() {
            return hash_of(&scratch.text_of(result), self.unique.fold_case);
        }
        self.hash_value(&scratch.value(result))
    }

    /// The value's hash from a row's values, one per written slot.
    pub fn hash_owned(&self, values: &[Value]) -> Option<ValueHash> {
        self.hash_value(values.get(self.slot)?)
    }

    /// The hash of the unique value in a slot's value (within its composite, when it is one).
    fn hash_value(&self, value: &Value) -> Option<ValueHash> {
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
