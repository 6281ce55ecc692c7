//! Create steps, pipelined over both cores. The engine's thread reads the source in blocks
//! (see [`Block`]) and hands each to a worker; a row's pure half — typing, `when`, evaluating its
//! assignments, writing its record as JSON, hashing it, its id — needs nothing but the plan and
//! the index as they stand before the step, so the workers take blocks as they come. The rest —
//! dedupe, the ledger, the target, the audit and exception files — runs on the engine's thread,
//! block after block in the order they were read, exactly as a row-at-a-time run would.

use super::block::Block;
use super::engine::{routed_here, Engine, Fate, RowCx, StepCx};
use super::eval::Evaluator;
use super::index::{key_of, Index};
use super::node::Node;
use super::record::record_id;
use super::report::{Outcome, StepCounts};
use super::shape::Fields;
use super::source::{Original, SourceError, BLOCK_ROWS};
use super::typing::type_into;
use super::value::Value;
use crate::plan::Step;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;

/// Threads working blocks out beside the engine's thread, which reads and settles.
const WORKERS: usize = 2;

/// Blocks read and waiting for a worker: enough to keep the workers fed, few enough to bound
/// memory (a block is at most [`BLOCK_ROWS`] rows or about a megabyte of text).
const AHEAD: usize = 4;

/// A row's pure half, done.
struct Worked {
    key: String,
    made: Result<Made, Fate>,
}

struct Made {
    values: Vec<Value>,
    dedupe: Option<String>,
    /// The record's members in the block's JSON buffer.
    json: Range<usize>,
    hash: u64,
    id: String,
}

/// What the pure half reads: shared by every thread, never written during a step.
struct Pure<'a> {
    eval: &'a Evaluator<'a>,
    index: &'a Index,
    default_owner: Option<&'a Value>,
    sx: &'a StepCx<'a>,
}

/// A block worked out: its rows' results in order, their JSON, the owner emails it missed.
struct Done {
    block: Block,
    worked: Vec<Worked>,
    json: Vec<u8>,
    unmatched: BTreeMap<String, u64>,
}

/// Blocks come back from the workers in any order; they are settled in the order read.
struct InOrder {
    next: usize,
    waiting: BTreeMap<usize, Done>,
}

impl InOrder {
    fn arrive(&mut self, seq: usize, done: Done, mut settle: impl FnMut(Done)) {
        self.waiting.insert(seq, done);
        while let Some(done) = self.waiting.remove(&self.next) {
            settle(done);
            self.next += 1;
        }
    }
}

/// Whether a create step looks up its own source: such a lookup must see the rows made just
/// before it, so the step runs a row at a time.
fn looks_up_own(eval: &Evaluator, sx: &StepCx) -> bool {
    let own = Own {
        eval,
        source: &sx.src.name,
    };
    sx.values
        .iter()
        .chain(&sx.when)
        .any(|n| own.looked_up(n, 0))
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
    /// Runs a create step over its source: pipelined, or a row at a time when the step looks up
    /// its own source. Returns how the read ended.
    pub(super) fn create_step(
        &self,
        step: &Step,
        sx: &StepCx,
        counts: &mut StepCounts,
    ) -> Result<(), SourceError> {
        let mut seen = HashSet::new();
        if looks_up_own(&self.eval, sx) {
            return self.sources.read_blocks(sx.src, 1, &mut |block| {
                let done = work(&self.pure(sx, &self.index.borrow()), block);
                self.settle_block(step, sx, done, counts, &mut seen, None);
                self.stopped()
            });
        }
        let mut made = Vec::new();
        let read = {
            let index = self.index.borrow();
            let pure = self.pure(sx, &index);
            let (work_tx, work_rx) = sync_channel::<(usize, Block)>(AHEAD);
            let work_rx = Mutex::new(work_rx);
            let (done_tx, done_rx) = channel::<(usize, Done)>();
            std::thread::scope(|s| {
                for _ in 0..WORKERS {
                    let (work_rx, done_tx, pure) = (&work_rx, done_tx.clone(), &pure);
                    s.spawn(move || loop {
                        // The lock is held only to take the next block, not to work it.
                        let next = work_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok((seq, block)) = next else { break };
                        if done_tx.send((seq, work(pure, block))).is_err() {
                            break;
                        }
                    });
                }
                drop(done_tx);
                let mut order = InOrder {
                    next: 0,
                    waiting: BTreeMap::new(),
                };
                let mut settle = |seq: usize, done: Done| {
                    order.arrive(seq, done, |d| {
                        self.settle_block(step, sx, d, counts, &mut seen, Some(&mut made))
                    })
                };
                let mut sent = 0;
                let read = self.sources.read_blocks(sx.src, BLOCK_ROWS, &mut |block| {
                    work_tx
                        .send((sent, block))
                        .map_err(|_| "a worker stopped".to_string())?;
                    sent += 1;
                    while let Ok((seq, done)) = done_rx.try_recv() {
                        settle(seq, done);
                    }
                    self.stopped()
                });
                drop(work_tx);
                for (seq, done) in done_rx {
                    settle(seq, done);
                }
                read
            })
        };
        // Workers read the index during the step; what it made is registered after.
        let mut index = self.index.borrow_mut();
        for key in made {
            index.record_made(&sx.src.name, &sx.object.name, &key);
        }
        read
    }

    fn pure<'a>(&'a self, sx: &'a StepCx, index: &'a Index) -> Pure<'a> {
        Pure {
            eval: &self.eval,
            index,
            default_owner: self.default_owner.as_ref(),
            sx,
        }
    }

    /// Settles a worked block's rows in order; `made` gathers the keys of records made when the
    /// index cannot be written during the step (None: registered at once).
    fn settle_block(
        &self,
        step: &Step,
        sx: &StepCx,
        done: Done,
        counts: &mut StepCounts,
        seen: &mut HashSet<String>,
        mut made: Option<&mut Vec<String>>,
    ) {
        {
            let mut unmatched = self.unmatched.borrow_mut();
            for (email, n) in done.unmatched {
                *unmatched.entry(email).or_default() += n;
            }
        }
        let tracked = self.index.borrow().tracks(&sx.src.name, &sx.object.name);
        for (row, w) in done.worked.into_iter().enumerate() {
            let fate = match w.made {
                Err(fate) => fate,
                Ok(m) => self.settle_made(sx, &w.key, m, &done.json, seen),
            };
            let landed = matches!(
                fate.outcome,
                Outcome::Created | Outcome::Updated | Outcome::Unchanged
            );
            if landed && tracked {
                match made.as_deref_mut() {
                    Some(later) => later.push(w.key.clone()),
                    None => {
                        self.index
                            .borrow_mut()
                            .record_made(&sx.src.name, &sx.object.name, &w.key)
                    }
                }
            }
            let original = Original::Block {
                block: &done.block,
                row,
            };
            self.tally(
                step,
                sx,
                counts,
                fate,
                done.block.line(row),
                &w.key,
                original,
            );
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
        self.settle(sx, key, &made.id, made.hash, Outcome::Created, || {
            self.target
                .borrow_mut()
                .create(sx.object, &made.id, &fields)
        })
    }
}

fn work(pure: &Pure, block: Block) -> Done {
    let unmatched = RefCell::new(BTreeMap::new());
    let mut json = Vec::with_capacity(block.bytes() * 3);
    let mut typed = Vec::with_capacity(pure.sx.src.columns.len());
    let worked = (0..block.len())
        .map(|row| prepare(pure, &block, row, &mut typed, &mut json, &unmatched))
        .collect();
    Done {
        block,
        worked,
        json,
        unmatched: unmatched.into_inner(),
    }
}

fn prepare(
    pure: &Pure,
    block: &Block,
    row: usize,
    typed: &mut Vec<Value>,
    json: &mut Vec<u8>,
    unmatched: &RefCell<BTreeMap<String, u64>>,
) -> Worked {
    let sx = pure.sx;
    let failed = |made| Worked {
        key: String::new(),
        made: Err(made),
    };
    if let Some(why) = block.unreadable(row) {
        return failed(Fate::bad(Outcome::Rejected, "unreadable", why));
    }
    if let Err(e) = type_into(&sx.src.columns, block.values(row), typed) {
        return failed(Fate::bad(Outcome::Rejected, e.code, e.message));
    }
    let key = key_of(sx.src, typed);
    let cx = RowCx {
        row: typed,
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
