//! Create steps in batches over both cores. A row's pure half — typing, `when`, evaluating its
//! assignments, writing its record as JSON, hashing it, its id — needs nothing but the plan and
//! the index as they stand before the step, so a batch's rows are worked out on two threads.
//! The rest — dedupe, the ledger, the target, the audit and exception files — then runs in row
//! order on the engine's thread, exactly as a row-at-a-time run would.

use super::engine::{Engine, Fate, RowCx, StepCx};
use super::eval::{truthy, Evaluator};
use super::index::{key_of, Index};
use super::node::Node;
use super::record::record_id;
use super::report::Outcome;
use super::shape::Fields;
use super::source::Original;
use super::typing::{type_row, Raw};
use super::value::Value;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;

/// Rows per batch: enough to make the second thread worth starting, few enough to bound memory.
pub(super) const BATCH: usize = 2048;

/// The share of a batch the engine's own thread works out.
const MINE_PERCENT: usize = 35;

/// A row read, waiting for its batch.
pub(super) struct Pending {
    pub(super) line: u64,
    pub(super) values: Vec<Raw>,
}

/// A row's pure half, done.
struct Worked {
    key: String,
    made: Result<Made, Fate>,
}

struct Made {
    values: Vec<Value>,
    dedupe: Option<String>,
    /// The record's members in the worker's JSON buffer.
    json: Range<usize>,
    hash: u64,
    id: String,
}

/// What the pure half reads: shared by both threads, never written during a batch.
struct Pure<'a> {
    eval: &'a Evaluator<'a>,
    index: &'a Index,
    default_owner: Option<&'a Value>,
    sx: &'a StepCx<'a>,
}

/// One thread's share of a batch: its rows' results, their JSON, the owner emails it missed.
struct Share {
    worked: Vec<Worked>,
    json: Vec<u8>,
    unmatched: BTreeMap<String, u64>,
}

/// Whether a step may run in batches: a create step that looks nothing up in its own source
/// (such a lookup must see the rows made just before it, so it runs a row at a time).
pub(super) fn batchable(sx: &StepCx) -> bool {
    sx.phase == crate::plan::Phase::Create
        && !sx
            .values
            .iter()
            .chain(&sx.when)
            .any(|n| looks_up(n, &sx.src.name))
}

fn looks_up(n: &Node, source: &str) -> bool {
    match n {
        Node::Lookup(l) => l.source == source || l.args.iter().any(|a| looks_up(a, source)),
        Node::Call(_, args) | Node::Func(_, args) | Node::List(args) => {
            args.iter().any(|a| looks_up(a, source))
        }
        Node::Table(_, a) | Node::Not(a) | Node::Neg(a) | Node::Field(a, _) | Node::Owner(a, _) => {
            looks_up(a, source)
        }
        Node::Binary(_, a, b) => looks_up(a, source) || looks_up(b, source),
        Node::In(a, list) => looks_up(a, source) || list.iter().any(|x| looks_up(x, source)),
        Node::If(a, b, c) => [a, b, c].iter().any(|x| looks_up(x, source)),
        Node::Record(fields) => fields.iter().any(|(_, x)| looks_up(x, source)),
        // Function bodies are compiled apart: assume the worst.
        _ => false,
    }
}

impl Engine<'_> {
    /// Works a batch out on two threads, then settles its rows in order. Returns each row's
    /// outcome, with its line and key, for the caller's counts and audit.
    pub(super) fn create_batch(
        &self,
        sx: &StepCx,
        rows: Vec<Pending>,
        originals: Vec<Original<'static>>,
        seen: &mut HashSet<String>,
        mut each: impl FnMut(Fate, u64, &str, Original<'static>),
    ) {
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        let shares = {
            let index = self.index.borrow();
            let pure = Pure {
                eval: &self.eval,
                index: &index,
                default_owner: self.default_owner.as_ref(),
                sx,
            };
            let mut rows = rows;
            // The engine's thread also reads and settles every row: it takes the smaller share.
            let second = rows.split_off(rows.len() * MINE_PERCENT / 100);
            std::thread::scope(|s| {
                let other = s.spawn(|| work(&pure, second));
                let mine = work(&pure, rows);
                let theirs = other
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                [mine, theirs]
            })
        };
        let mut rows = lines.into_iter().zip(originals);
        for share in shares {
            {
                let mut unmatched = self.unmatched.borrow_mut();
                for (email, n) in share.unmatched {
                    *unmatched.entry(email).or_default() += n;
                }
            }
            for w in share.worked {
                let Some((line, original)) = rows.next() else {
                    return;
                };
                let fate = match w.made {
                    Err(fate) => fate,
                    Ok(made) => self.settle_made(sx, &w.key, made, &share.json, seen),
                };
                each(fate, line, &w.key, original);
            }
        }
    }

    fn settle_made(
        &self,
        sx: &StepCx,
        key: &str,
        made: Made,
        json: &[u8],
        seen: &mut HashSet<String>,
    ) -> Fate {
        if let Some(d) = made.dedupe {
            if !seen.insert(d) {
                return Fate::bad(Outcome::Deduped, "deduped", "");
            }
        }
        let fields = Fields {
            shape: &sx.shape,
            values: &made.values,
            json: &json[made.json],
        };
        let fate = self.settle(sx, key, &made.id, made.hash, Outcome::Created, || {
            self.target
                .borrow_mut()
                .create(sx.object, &made.id, &fields)
        });
        if matches!(
            fate.outcome,
            Outcome::Created | Outcome::Updated | Outcome::Unchanged
        ) {
            self.index
                .borrow_mut()
                .record_made(&sx.src.name, &sx.object.name, key);
        }
        fate
    }
}

fn work(pure: &Pure, rows: Vec<Pending>) -> Share {
    let unmatched = RefCell::new(BTreeMap::new());
    let mut json = Vec::with_capacity(rows.len() * 256);
    let worked = rows
        .into_iter()
        .map(|r| prepare(pure, r.values, &mut json, &unmatched))
        .collect();
    Share {
        worked,
        json,
        unmatched: unmatched.into_inner(),
    }
}

fn prepare(
    pure: &Pure,
    raw: Vec<Raw>,
    json: &mut Vec<u8>,
    unmatched: &RefCell<BTreeMap<String, u64>>,
) -> Worked {
    let sx = pure.sx;
    let typed = match type_row(&sx.src.columns, raw) {
        Ok(t) => t,
        Err(e) => {
            return Worked {
                key: String::new(),
                made: Err(Fate::bad(Outcome::Rejected, e.code, e.message)),
            }
        }
    };
    let key = key_of(sx.src, &typed);
    let cx = RowCx {
        row: &typed,
        index: pure.index,
        default_owner: pure.default_owner,
        unmatched,
    };
    let made = made(pure, &cx, &key, json);
    Worked { key, made }
}

fn made(pure: &Pure, cx: &RowCx, key: &str, json: &mut Vec<u8>) -> Result<Made, Fate> {
    let sx = pure.sx;
    if let Some(when) = &sx.when {
        match pure.eval.run(when, cx.row, cx, &[]) {
            Ok(v) if truthy(&v) => {}
            Ok(_) => return Err(Fate::bad(Outcome::Skipped, "when", "")),
            Err(stop) => return Err(Fate::from_stop(stop)),
        }
    }
    let values = super::phases::build(pure.eval, sx, cx).map_err(Fate::from_stop)?;
    let dedupe = super::phases::dedupe_key(sx.map, sx.object, &sx.shape, &values);
    let start = json.len();
    sx.shape.write_members(&values, json);
    let hash = xxhash_rust::xxh3::xxh3_64(&json[start..]);
    Ok(Made {
        id: record_id(&sx.object.name, &sx.src.name, key),
        values,
        dedupe,
        json: start..json.len(),
        hash,
    })
}
