//! Create steps, in batches over both cores. A row's pure half — typing, `when`, evaluating its
//! assignments, writing its record as JSON, hashing it, its id — needs nothing but the plan and
//! the index as they stand before the step, so a batch's rows are worked out on two threads.
//! The rest — dedupe, the ledger, the target, the audit and exception files — then runs in row
//! order on the engine's thread, exactly as a row-at-a-time run would.

use super::engine::{routed_here, Engine, Fate, RowCx, StepCx};
use super::eval::Evaluator;
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
const BATCH: usize = 2048;

/// Below this many rows a batch is worked out on the engine's thread alone.
const SPLIT_FROM: usize = 256;

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

/// How many rows of this step go in a batch: none for steps other than create (they run a row
/// at a time), one for a create step that looks up its own source (such a lookup must see the
/// rows made just before it), [`BATCH`] otherwise.
pub(super) fn batch_size(eval: &Evaluator, sx: &StepCx) -> usize {
    if sx.phase != crate::plan::Phase::Create {
        return 0;
    }
    let own = Own {
        eval,
        source: &sx.src.name,
    };
    let looks_up_own = sx
        .values
        .iter()
        .chain(&sx.when)
        .any(|n| own.looked_up(n, 0));
    if looks_up_own {
        1
    } else {
        BATCH
    }
}

/// Finds lookups into one source, through user functions' bodies too.
struct Own<'a> {
    eval: &'a Evaluator<'a>,
    source: &'a str,
}

impl Own<'_> {
    fn looked_up(&self, n: &Node, depth: usize) -> bool {
        // Functions cannot recurse (the checker refuses cycles); the depth is a backstop.
        depth > 64 || looks_up(n, &|m| self.looked_up(m, depth + 1), self)
    }
}

fn looks_up(n: &Node, inner: &dyn Fn(&Node) -> bool, own: &Own) -> bool {
    let any = |ns: &[Node]| ns.iter().any(inner);
    match n {
        Node::Lookup(l) => l.source == own.source || any(&l.args),
        Node::Func(f, args) => any(args) || own.eval.function(*f).is_some_and(inner),
        Node::Call(_, args) | Node::List(args) => any(args),
        Node::Table(_, a) | Node::Not(a) | Node::Neg(a) | Node::Field(a, _) | Node::Owner(a, _) => {
            inner(a)
        }
        Node::Binary(_, a, b) => inner(a) || inner(b),
        Node::In(a, list) => inner(a) || any(list),
        Node::If(a, b, c) => inner(a) || inner(b) || inner(c),
        Node::Record(fields) => fields.iter().any(|(_, x)| inner(x)),
        Node::Const(_)
        | Node::Col(_)
        | Node::Named(_)
        | Node::Param(_)
        | Node::Reject(_)
        | Node::Hold(_)
        | Node::Unknown(_) => false,
    }
}

impl Engine<'_> {
    /// Works a batch out (on two threads when it is big enough), then settles its rows in order,
    /// handing each row's outcome, line and key to `each` for the counts and the audit.
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
            if rows.len() < SPLIT_FROM {
                vec![work(&pure, rows)]
            } else {
                // The engine's thread also reads and settles every row: it takes the smaller share.
                let second = rows.split_off(rows.len() * MINE_PERCENT / 100);
                std::thread::scope(|s| {
                    let other = s.spawn(|| work(&pure, second));
                    let mine = work(&pure, rows);
                    let theirs = other
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p));
                    vec![mine, theirs]
                })
            }
        };
        debug_assert_eq!(
            lines.len(),
            shares.iter().map(|s| s.worked.len()).sum::<usize>()
        );
        // One result per row, in row order: the shares are the batch's two halves, in order.
        let mut rows = lines.into_iter().zip(originals);
        for share in shares {
            {
                let mut unmatched = self.unmatched.borrow_mut();
                for (email, n) in share.unmatched {
                    *unmatched.entry(email).or_default() += n;
                }
            }
            for w in share.worked {
                // Never short (one result per row); were it so, the row still gets its outcome.
                let (line, original) = rows.next().unwrap_or((0, Original::Pairs(Vec::new())));
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
    routed_here(pure.eval, sx, cx)?;
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
