//! The pure half of a create step's rows, done by the workers: typing, `when`, the assignments,
//! the record's JSON, its hash and id. Nothing here writes anything but the block's own output,
//! so blocks can be worked on any thread, in any order; `create.rs` settles them in order.

use super::fate::Fate;
use super::fingerprints::Fingerprint;
use super::rows::{build_into, dedupe_key, routed_here};
use super::step::StepPlan;
use crate::eval::index::{push_key, push_key_as_read, push_key_with, Index, RowContext};
use crate::eval::lend::{self, Lender, NodeValue, Scratch};
use crate::eval::owned::Evaluator;
use crate::eval::record::RecordId;
use crate::eval::typing::type_into;
use crate::eval::value::{Stop, Value, Worst};
use crate::eval::vector::{Env, Vector, R};
use crate::io::block::Block;
use crate::ir::Outcome;
use smallvec::SmallVec;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;

/// A row's pure half, done.
pub(crate) struct Worked {
    /// The row's key, in its block's `text`.
    pub(crate) key: Range<usize>,
    pub(crate) made: Result<Made, Fate>,
}

/// A row's record, made: what is written, its content hash and its id.
pub(crate) struct Made {
    pub(crate) dedupe: Option<String>,
    /// The record's members, in its block's `json`.
    pub(crate) json: Range<usize>,
    pub(crate) hash: u64,
    /// The record's id: the one made, merged into or written again.
    pub(crate) id: RecordId,
    /// For a links step, the link records instead: each one's link object (its place in the
    /// step's `links`), members (in the block's `json`) and id.
    pub(crate) links: Vec<(usize, Range<usize>, RecordId)>,
    /// The hash of each unique value the step writes (its `uniques`), None where it is null.
    pub(crate) uniques: SmallVec<[Option<Fingerprint>; 2]>,
}

/// What the pure half reads: shared by every thread, never written during a step.
pub(crate) struct Pure<'a> {
    pub(crate) eval: &'a Evaluator<'a>,
    pub(crate) index: &'a Index,
    pub(crate) default_owner: Option<&'a Value>,
    pub(crate) step_plan: &'a StepPlan<'a>,
    /// Evaluate by lending (see `run::lend`), or the owned way.
    pub(crate) lend: bool,
}

/// What working a block out gives: its rows' results in order, their keys and JSON, the owner
/// emails it missed. Its buffers are reused from block to block.
#[derive(Default)]
pub(crate) struct Out {
    pub(crate) worked: Vec<Worked>,
    pub(crate) text: String,
    pub(crate) json: Vec<u8>,
    pub(crate) unmatched: BTreeMap<String, u64>,
    pub(crate) scratch: Scratch,
}

/// Works a block's rows out, their results appended to `out` in row order.
pub(crate) fn work(pure: &Pure, block: &Block, out: &mut Out) {
    let unmatched = RefCell::new(std::mem::take(&mut out.unmatched));
    if pure.lend {
        work_lent(pure, block, out, &unmatched);
    } else {
        let mut typed = Vec::with_capacity(pure.step_plan.source.columns.len());
        let mut values = Vec::with_capacity(pure.step_plan.values.len());
        for row in 0..block.len() {
            let start = out.text.len();
            let made = prepare(pure, block, row, &mut typed, &mut values, out, &unmatched);
            out.worked.push(Worked {
                key: start..out.text.len(),
                made,
            });
        }
    }
    out.unmatched = unmatched.into_inner();
}

/// A row's cells and results while it is lent, the buffers kept from row to row.
struct Lending<'a> {
    cells: Vec<NodeValue<'a>>,
    got: Vec<NodeValue<'a>>,
    /// The results made whole, for dedupe keys and shapes written by path.
    values: Vec<Value>,
    scratch: Scratch,
}

fn work_lent(
    pure: &Pure,
    block: &Block,
    out: &mut Out,
    unmatched: &RefCell<BTreeMap<String, u64>>,
) {
    let resolver = RowContext {
        index: pure.index,
        default_owner: pure.default_owner,
        unmatched,
    };
    let lender = Lender {
        eval: pure.eval,
        index: pure.index,
        resolver: &resolver,
    };
    let mut lending = Lending {
        cells: Vec::with_capacity(block.len() * pure.step_plan.source.columns.len()),
        got: Vec::with_capacity(pure.step_plan.values.len()),
        values: Vec::new(),
        scratch: std::mem::take(&mut out.scratch),
    };
    work_block(pure, &Vector::new(&lender), block, &mut lending, out);
    out.scratch = lending.scratch;
}

/// Works a block out a node at a time for all its rows (see `run::vector`): its rows' fates,
/// keys and records exactly as [`prepare`] gives them row by row.
fn work_block<'a>(
    pure: &Pure<'a>,
    vector: &Vector<'_, 'a>,
    block: &'a Block,
    l: &mut Lending<'a>,
    out: &mut Out,
) {
    let step_plan = pure.step_plan;
    let (rows, width) = (block.len(), step_plan.source.columns.len());
    let s = &mut l.scratch;
    s.clear();
    let (mut fates, keys) = type_rows(step_plan, block, s, &mut l.cells, out);
    for base in (0..rows).step_by(EVAL_ROWS) {
        let len = EVAL_ROWS.min(rows - base);
        let env = Env {
            rows: len,
            width,
            cells: &l.cells[base * width..(base + len) * width],
            params: &[],
        };
        let fates = &mut fates[base..base + len];
        let results = evaluate(step_plan, vector, &env, fates, s);
        for (r, fate) in fates.iter_mut().enumerate() {
            let key = keys[base + r].clone();
            let made = match fate.take() {
                Some(f) => Err(f),
                None => {
                    l.got.clear();
                    l.got
                        .extend(results.iter().map(|x| match x.as_ref().map(|x| &x[r]) {
                            Some(Ok(result)) => *result,
                            _ => NodeValue::Null,
                        }));
                    match step_plan.contract.check_lent(&l.got, s) {
                        Some(refused) => Err(refused),
                        None => Ok(record(
                            step_plan,
                            &l.got,
                            s,
                            &mut l.values,
                            key.clone(),
                            out,
                        )),
                    }
                }
            };
            out.worked.push(Worked { key, made });
        }
        vector.give(results.into_iter().flatten());
    }
}

/// Types a block's rows into `cells` (`width` each, nulls for a row that could not be typed)
/// and writes their keys to `out.text`: returns the fate of each row that is already settled
/// (unreadable, or not typed) and where each row's key is.
fn type_rows<'a>(
    step_plan: &StepPlan,
    block: &'a Block,
    s: &mut Scratch,
    cells: &mut Vec<NodeValue<'a>>,
    out: &mut Out,
) -> (Vec<Option<Fate>>, Vec<Range<usize>>) {
    let width = step_plan.source.columns.len();
    let mut fates: Vec<Option<Fate>> = (0..block.len()).map(|_| None).collect();
    let mut keys = Vec::with_capacity(block.len());
    let mut row_cells = Vec::with_capacity(width);
    cells.clear();
    for (r, fate) in fates.iter_mut().enumerate() {
        let start = out.text.len();
        let typed = match block.unreadable(r) {
            Some(why) => Err(Fate::unreadable(why)),
            None => lend::cells(
                &step_plan.source.columns,
                block.values(r),
                s,
                &mut row_cells,
            )
            .map_err(|e| Fate::bad(Outcome::Rejected, e.code, e.message)),
        };
        match typed {
            Ok(()) => {
                cells.extend_from_slice(&row_cells);
                push_key_with(
                    &step_plan.key_columns,
                    |i| s.text_of(row_cells.get(i).copied().unwrap_or(NodeValue::Null)),
                    &mut out.text,
                );
            }
            Err(f) => {
                cells.resize(cells.len() + width, NodeValue::Null);
                if block.unreadable(r).is_none() {
                    push_key_as_read(
                        &step_plan.source.columns,
                        &step_plan.key_columns,
                        block.values(r),
                        &mut out.text,
                    );
                }
                *fate = Some(f);
            }
        }
        keys.push(start..out.text.len());
    }
    (fates, keys)
}

/// Rows evaluated together: few enough that each node's results for them stay in the cache.
const EVAL_ROWS: usize = 256;

/// Routes and evaluates the written assignments for the rows of `env` not already settled in
/// `fates`; a row that does not get through gets its fate. Returns each assignment's results.
fn evaluate<'a>(
    step_plan: &'a StepPlan,
    vector: &Vector<'_, 'a>,
    env: &Env<'_, 'a>,
    fates: &mut [Option<Fate>],
    s: &mut Scratch,
) -> Vec<Option<Vec<R<'a>>>> {
    let mut live: Vec<u32> = (0..env.rows as u32)
        .filter(|&r| fates[r as usize].is_none())
        .collect();
    if let Some(when) = &step_plan.when {
        let routed = vector.eval(when, &live, env, s);
        live.retain(|&r| {
            let fate = match &routed[r as usize] {
                Ok(result) if s.truthy(*result) => return true,
                Ok(_) => Fate::bad(Outcome::Skipped, "when", ""),
                Err(stop) => Fate::from_stop(stop.clone()),
            };
            fates[r as usize] = Some(fate);
            false
        });
        vector.give([routed]);
    }
    let mut results: Vec<Option<Vec<R>>> = (0..step_plan.values.len()).map(|_| None).collect();
    // Each live row's worst stop so far: a row that is held or skipped is still evaluated, as a
    // later value may reject it (see `Stop::severity`); a rejected row is not.
    let mut worst: Vec<Worst> = (0..env.rows).map(|_| Worst::default()).collect();
    for (i, value) in step_plan.values.iter().enumerate() {
        let mut x = vector.eval(value, &live, env, s);
        live.retain(|&r| match &mut x[r as usize] {
            Ok(_) => true,
            Err(stop) => {
                let stop = std::mem::replace(stop, Stop::Fail(String::new()));
                !worst[r as usize].add(stop)
            }
        });
        results[i] = Some(x);
    }
    for check in &step_plan.checks {
        let checked = vector.eval(check, &live, env, s);
        live.retain(|&r| match &checked[r as usize] {
            Ok(_) => true,
            Err(stop) => !worst[r as usize].add(stop.clone()),
        });
        vector.give([checked]);
    }
    for (fate, worst) in fates.iter_mut().zip(worst) {
        if let Some(stop) = worst.0 {
            *fate = Some(Fate::from_stop(stop));
        }
    }
    results
}

/// A row's record from its results: its JSON appended to `out.json`, its hash, id and dedupe
/// key (its key already in `out.text`, at `key`).
fn record(
    step_plan: &StepPlan,
    got: &[NodeValue],
    s: &Scratch,
    values: &mut Vec<Value>,
    key: Range<usize>,
    out: &mut Out,
) -> Made {
    let at = out.json.len();
    let dedupe = if step_plan.map.dedupe.is_empty() && step_plan.shape.is_exact() {
        step_plan
            .shape
            .write_leaves(&mut out.json, &mut |slot, json| s.write(json, got[slot]));
        None
    } else {
        values.clear();
        values.extend(got.iter().map(|result| s.value(*result)));
        step_plan.shape.write_members(values, &mut out.json);
        dedupe_key(step_plan, values)
    };
    let key = &out.text[key];
    Made {
        id: RecordId::new(&step_plan.object.name, &step_plan.source.name, key),
        dedupe,
        hash: xxhash_rust::xxh3::xxh3_64(&out.json[at..]),
        json: at..out.json.len(),
        links: Vec::new(),
        uniques: step_plan
            .uniques
            .iter()
            .map(|u| u.hash_lent(got, s))
            .collect(),
    }
}

/// Works one row out, its key appended to `out.text` and its record to `out.json`.
fn prepare(
    pure: &Pure,
    block: &Block,
    row: usize,
    typed: &mut Vec<Value>,
    values: &mut Vec<Value>,
    out: &mut Out,
    unmatched: &RefCell<BTreeMap<String, u64>>,
) -> Result<Made, Fate> {
    let step_plan = pure.step_plan;
    if let Some(why) = block.unreadable(row) {
        return Err(Fate::unreadable(why));
    }
    let start = out.text.len();
    if let Err(e) = type_into(&step_plan.source.columns, block.values(row), typed) {
        push_key_as_read(
            &step_plan.source.columns,
            &step_plan.key_columns,
            block.values(row),
            &mut out.text,
        );
        return Err(Fate::bad(Outcome::Rejected, e.code, e.message));
    }
    push_key(&step_plan.key_columns, typed, &mut out.text);
    let resolver = RowContext {
        index: pure.index,
        default_owner: pure.default_owner,
        unmatched,
    };
    routed_here(pure.eval, step_plan, typed, &resolver)?;
    build_into(pure.eval, step_plan, typed, &resolver, values).map_err(Fate::from_stop)?;
    if let Some(refused) = step_plan.contract.check_owned(values) {
        return Err(refused);
    }
    let dedupe = dedupe_key(step_plan, values);
    let at = out.json.len();
    step_plan.shape.write_members(values, &mut out.json);
    let key = &out.text[start..];
    Ok(Made {
        id: RecordId::new(&step_plan.object.name, &step_plan.source.name, key),
        dedupe,
        hash: xxhash_rust::xxh3::xxh3_64(&out.json[at..]),
        json: at..out.json.len(),
        links: Vec::new(),
        uniques: step_plan
            .uniques
            .iter()
            .map(|u| u.hash_owned(values))
            .collect(),
    })
}
