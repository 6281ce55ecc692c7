//! What the index needs before the first step: the rows of the sources expressions read by
//! column (`lookup Carrier(id).carrier_name`), and the target's users. A source read only by
//! lookups has no step of its own: its load is its rows' outcome (indexed rows skipped, rows
//! that cannot be read or typed rejected, a repeated key rejected naming the line kept),
//! reported like a step's.

use super::books::{Books, RowAt, StepOf};
use super::fate::Fate;
use super::first_rows::{replay, FirstRows};
use super::RunError;
use crate::eval::index::{key_columns, push_key, push_key_as_read, Index, Rows};
use crate::eval::typing::type_into;
use crate::io::report::{StepCounts, StepReport};
use crate::io::source::{Original, Sources, BLOCK_ROWS};
use crate::ir::{Expr, LookupTarget, ObjectId, Outcome, Phase, SourceId};
use crate::plan::Plan;
use rustc_hash::FxHashSet;

/// A row of a lookup-only source that did not make it into the index.
pub struct LookupMiss {
    pub line: u64,
    pub key: String,
    pub fate: Fate,
    /// Every column of the row as read.
    pub original: Vec<(String, String)>,
}

/// How a source read only by lookups (never mapped) was loaded: every row is accounted for.
pub struct LookupLoad {
    pub source: SourceId,
    pub rows_in: u64,
    /// Indexed rows (read for lookups, not migrated).
    pub indexed: u64,
    /// Rows that could not be read or typed, and rows whose key an earlier row had (the first
    /// is kept), in the order read: all rejected.
    pub missed: Vec<LookupMiss>,
}

/// What the plan needs kept: the (source, object) pairs whose records are looked up, merged
/// into or revisited by a later phase, and the sources read by column.
pub fn needs(plan: &Plan) -> (FxHashSet<(SourceId, ObjectId)>, Vec<SourceId>) {
    let p = &plan.program;
    let mut pairs = FxHashSet::default();
    let mut by_column = Vec::new();
    for m in &p.maps {
        if let Some(merge) = &m.merge {
            pairs.insert((merge.source, m.object));
        }
    }
    for s in &plan.steps {
        if matches!(s.phase, Phase::Deferred | Phase::Links) {
            let m = plan.map(s);
            pairs.insert((m.source, m.object));
        }
    }
    for e in p.exprs() {
        e.walk(&mut |node| {
            if let Expr::Lookup { source, target, .. } = node {
                match target {
                    LookupTarget::Column { .. } if !by_column.contains(source) => {
                        by_column.push(*source)
                    }
                    LookupTarget::Column { .. } => {}
                    LookupTarget::Record { object } => {
                        pairs.insert((*source, *object));
                    }
                }
            }
        });
    }
    by_column.sort();
    (pairs, by_column)
}

/// Loads each source read by column into the index. A key seen twice keeps its first row.
/// Returns the loads of the sources no map reads, whose rows get no step of their own.
pub fn load_columns(
    plan: &Plan,
    sources: &dyn Sources,
    index: &mut Index,
) -> Result<Vec<LookupLoad>, RunError> {
    let p = &plan.program;
    let (_, by_column) = needs(plan);
    let mut loads = Vec::new();
    for id in by_column {
        let (rows, load) = load(plan, sources, id)?;
        index.set_rows(id, rows);
        if !p.maps.iter().any(|m| m.source == id) {
            loads.push(load);
        }
    }
    Ok(loads)
}

fn load(plan: &Plan, sources: &dyn Sources, id: SourceId) -> Result<(Rows, LookupLoad), RunError> {
    let src = plan.program.source(id);
    let keys = key_columns(src);
    let mut rows = Rows::default();
    let mut load = LookupLoad {
        source: id,
        rows_in: 0,
        indexed: 0,
        missed: Vec::new(),
    };
    let mut typed = Vec::new();
    let mut first = FirstRows::default();
    let mut earlier = |each: &mut dyn FnMut(&str, u64) -> bool| replay(sources, src, &keys, each);
    let read = sources.read_blocks(src, BLOCK_ROWS, &mut |block| {
        for row in 0..block.len() {
            load.rows_in += 1;
            let line = block.line(row);
            let mut key = String::new();
            let typing = match block.unreadable(row) {
                Some(why) => Err(Fate::unreadable(why)),
                None => type_into(&src.columns, block.values(row), &mut typed)
                    .map_err(|e| Fate::bad(Outcome::Rejected, e.code, e.message)),
            };
            match &typing {
                Ok(()) => push_key(&keys, &typed, &mut key),
                Err(_) => push_key_as_read(&src.columns, &keys, block.values(row), &mut key),
            }
            let fate = match first.see(&key, line, &mut earlier) {
                Err(first_line) => Err(duplicate(&key, first_line)),
                Ok(()) => typing,
            };
            match fate {
                Ok(()) => {
                    rows.insert(key, std::mem::take(&mut typed));
                    load.indexed += 1;
                }
                Err(fate) => load.missed.push(LookupMiss {
                    line,
                    key,
                    fate,
                    original: block.original(row),
                }),
            }
        }
        Ok(block.fresh())
    });
    read.map_err(|error| RunError::Source {
        name: src.name.clone(),
        error,
    })?;
    Ok((rows, load))
}

/// A repeated key: the first row is the one lookups find.
fn duplicate(key: &str, first_line: u64) -> Fate {
    Fate::bad(
        Outcome::Rejected,
        "duplicate-key",
        format!(
            "key {} is also on line {first_line}, the row that is kept",
            crate::eval::index::key_shown(key)
        ),
    )
}

/// One report line per lookup-only source, its rows' exceptions and audit entries written.
pub fn reports(plan: &Plan, loads: &[LookupLoad], books: &mut Books) -> Vec<StepReport> {
    let mut out = Vec::new();
    for load in loads {
        let src = plan.program.source(load.source);
        let mut counts = StepCounts {
            rows_in: load.rows_in,
            skipped: load.indexed,
            ..StepCounts::default()
        };
        let key = crate::plan::lookup_step_key(&src.name);
        let step = StepOf {
            number: 0,
            key: &key,
            object: "",
            map: LOOKUPS_ONLY,
            phase: Phase::Lookup,
            source: src,
            sensitive: src.holds_sensitive(plan.program.migration.sensitive),
        };
        for miss in &load.missed {
            counts.add(miss.fate.outcome);
            let at = RowAt {
                line: miss.line,
                key: &miss.key,
                original: Original::Pairs(miss.original.clone()),
            };
            // A repeated key's row is written out too: it is kept nowhere else.
            books.record(&step, &miss.fate, at, true);
        }
        out.push(StepReport {
            step: 0,
            phase: Phase::Lookup,
            map: LOOKUPS_ONLY.into(),
            source: src.name.clone(),
            object: String::new(),
            counts,
        });
    }
    out
}

/// What a lookup-only source's report line names for its map.
const LOOKUPS_ONLY: &str = "(lookups only)";
