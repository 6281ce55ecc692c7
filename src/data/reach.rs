//! Which rows reach a value table, found as a run finds them: each row typed as a run types it,
//! each map's `when` evaluated by the reference evaluator (`eval::owned`), and a row counted
//! once per table and column however many maps take it there.
//!
//! What `check --data` cannot know it does not guess against the user: a `when` that needs a
//! record lookup or an owner (records and users exist only in a run) counts its row as
//! reaching, and the finding says how many rows were counted so. Lookups of a column
//! (`lookup C(k).name`) are resolved against the exports, loaded as a run loads them.

use super::uses::{Reach, SourceUses};
use crate::eval::index::{key_cow, Index};
use crate::eval::node::Node;
use crate::eval::owned::{truthy, Evaluator, Resolver};
use crate::eval::typing::{type_value, RawRef};
use crate::eval::value::Value;
use crate::io::block::Block;
use crate::ir::{LookupTarget, Source, SourceFormat, SourceId};
use std::cell::Cell;
use std::collections::BTreeMap;

/// The uncovered values of one table use: value → rows.
#[derive(Debug, Default)]
pub struct Tally {
    pub values: BTreeMap<String, usize>,
    /// Of those rows, the ones counted as reaching because their `when` needs what the check
    /// cannot resolve.
    pub unresolved: usize,
}

/// What reading a source found: a tally per table use (in [`SourceUses::tables`]' order), and
/// the rows that could not be typed (a run rejects them before any map).
#[derive(Debug, Default)]
pub struct Counts {
    pub tallies: Vec<Tally>,
    pub untyped: usize,
}

/// Whether a `when` takes a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Route {
    Away,
    /// It needs a lookup the check cannot resolve: the row counts as reaching.
    Unresolved,
    Taken,
}

/// Lookups as `check --data` can answer them: columns of the exports, nothing else.
struct DataResolver<'i> {
    index: Option<&'i Index>,
    unresolved: Cell<bool>,
}

impl Resolver for DataResolver<'_> {
    fn lookup(&self, source: SourceId, target: LookupTarget, key: &[Value]) -> Option<Value> {
        if let (LookupTarget::Column { column }, Some(index)) = (target, self.index) {
            if let Some(rows) = index.column_rows(source, column) {
                return rows.get(&key_cow(key)).cloned();
            }
        }
        self.unresolved.set(true);
        None
    }

    fn owner(&self, _email: &str) -> Option<Value> {
        self.unresolved.set(true);
        None
    }

    fn default_owner(&self) -> Option<Value> {
        self.unresolved.set(true);
        None
    }
}

/// Counts, block by block, the uncovered values of one source's table uses.
pub struct Counter<'a> {
    eval: &'a Evaluator<'a>,
    source: &'a Source,
    uses: &'a SourceUses<'a>,
    whens: Vec<Node>,
    resolver: DataResolver<'a>,
    counts: Counts,
    typed: Vec<Value>,
    routes: Vec<Route>,
}

impl<'a> Counter<'a> {
    pub fn new(
        eval: &'a Evaluator<'a>,
        source: &'a Source,
        uses: &'a SourceUses<'a>,
        index: Option<&'a Index>,
    ) -> Counter<'a> {
        Counter {
            eval,
            source,
            uses,
            whens: uses.whens.iter().map(|w| Node::compile(w)).collect(),
            resolver: DataResolver {
                index,
                unresolved: Cell::new(false),
            },
            counts: Counts {
                tallies: uses.tables.iter().map(|_| Tally::default()).collect(),
                untyped: 0,
            },
            typed: Vec::new(),
            routes: Vec::new(),
        }
    }

    pub fn finish(self) -> Counts {
        self.counts
    }

    /// Counts a block's rows; `header` is the export's (a CSV column it lacks reads as null).
    pub fn block(&mut self, header: &[String], block: &Block) {
        if self.uses.tables.is_empty() {
            return;
        }
        let absent: Vec<bool> = self
            .source
            .columns
            .iter()
            .map(|c| self.source.format == SourceFormat::Csv && !header.contains(&c.name))
            .collect();
        for row in 0..block.len() {
            // An unreadable row stops the read (`io::source::inspect` reports it).
            if block.unreadable(row).is_none() {
                self.row(block.values(row), &absent);
            }
        }
    }

    fn row<'r>(&mut self, raw: impl Iterator<Item = RawRef<'r>>, absent: &[bool]) {
        if !self.type_row(raw, absent) {
            self.counts.untyped += 1;
            return;
        }
        self.routes = self.whens.iter().map(|w| self.route(w)).collect();
        for (i, u) in self.uses.tables.iter().enumerate() {
            let reached = u.reach.iter().map(|r| self.reached(*r)).max();
            let Some(route @ (Route::Taken | Route::Unresolved)) = reached else {
                continue;
            };
            let Some(value) = self.typed.get(u.column.index()).filter(|v| !v.is_null()) else {
                continue;
            };
            let key = value.text();
            if !matches!(self.eval.table_entry(u.table.index(), &key), Ok(None)) {
                continue;
            }
            let Some(tally) = self.counts.tallies.get_mut(i) else {
                continue;
            };
            *tally.values.entry(key.into_owned()).or_default() += 1;
            if route == Route::Unresolved {
                tally.unresolved += 1;
            }
        }
    }

    /// Types the row into `typed` as a run does, a CSV column the export lacks as null (that
    /// is its own finding, E0702); false when a run would reject the row while typing it.
    fn type_row<'r>(&mut self, raw: impl Iterator<Item = RawRef<'r>>, absent: &[bool]) -> bool {
        self.typed.clear();
        let mut raw = raw.fuse();
        for (i, c) in self.source.columns.iter().enumerate() {
            let read = raw.next().unwrap_or(RawRef::Missing);
            if absent.get(i).copied().unwrap_or(false) {
                self.typed.push(Value::Null);
                continue;
            }
            match type_value(c, read) {
                Ok(v) => self.typed.push(v),
                Err(_) => return false,
            }
        }
        true
    }

    fn route(&self, when: &Node) -> Route {
        self.resolver.unresolved.set(false);
        let result = self.eval.run(when, &self.typed, &self.resolver, &[]);
        if self.resolver.unresolved.get() {
            return Route::Unresolved;
        }
        // A `when` that stops (rejects, holds, fails) takes the row nowhere, as in a run.
        match result {
            Ok(v) if truthy(&v) => Route::Taken,
            _ => Route::Away,
        }
    }

    fn reached(&self, reach: Reach) -> Route {
        match reach {
            Reach::Always => Route::Taken,
            Reach::When(i) => self.routes.get(i).copied().unwrap_or(Route::Unresolved),
        }
    }
}
