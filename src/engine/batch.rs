//! Create steps, pipelined over both cores. The engine's thread reads the source in blocks
//! (see [`Block`]) and hands each to a worker; a row's pure half — typing, `when`, evaluating its
//! assignments, writing its record as JSON, hashing it, its id — needs nothing but the plan and
//! the index as they stand before the step, so the workers take blocks as they come (that half
//! is `work.rs`). The rest —
//! dedupe, the ledger, the target, the audit and exception files — runs on the engine's thread,
//! block after block in the order they were read, exactly as a row-at-a-time run would.

use crate::engine::work::{work, Made, Out, Pure};
use crate::engine::{Engine, Fate, StepCx};
use crate::eval::index::Index;
use crate::eval::node::Node;
use crate::eval::owned::Evaluator;
use crate::eval::shape::Fields;
use crate::io::block::Block;
use crate::io::report::{Outcome, StepCounts};
use crate::io::source::{Original, SourceError, BLOCK_ROWS};
use crate::plan::Step;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;

/// Threads working blocks out beside the engine's thread, which reads and settles.
const WORKERS: usize = 2;

/// Blocks read and waiting for a worker: enough to keep the workers fed, few enough to bound
/// memory (a block is at most [`BLOCK_ROWS`] rows or about a megabyte of text).
const AHEAD: usize = 4;

/// A block worked out.
struct Done {
    block: Block,
    out: Out,
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
        Node::Call(_, args) | Node::List(args) | Node::Concat(args) => any(args),
        Node::Lent(c) => any(&c.args),
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
    pub(crate) fn create_step(
        &self,
        step: &Step,
        sx: &StepCx,
        counts: &mut StepCounts,
    ) -> Result<(), SourceError> {
        let mut seen = HashSet::new();
        if looks_up_own(&self.eval, sx) {
            let mut out = Out::default();
            return self.sources.read_blocks(sx.src, 1, &mut |block| {
                work(&self.pure(sx, &self.index.borrow()), &block, &mut out);
                let done = Done {
                    block,
                    out: std::mem::take(&mut out),
                };
                let done = self.settle_block(step, sx, done, counts, &mut seen, None);
                out = done.out;
                self.stopped().map(|()| done.block)
            });
        }
        let mut made = Vec::new();
        // Blocks and their buffers go round: read, worked, settled, read into again.
        let blocks = RefCell::new(Vec::new());
        let outs = Mutex::new(Vec::new());
        let read = {
            let index = self.index.borrow();
            let pure = self.pure(sx, &index);
            let (work_tx, work_rx) = sync_channel::<(usize, Block)>(AHEAD);
            let work_rx = Mutex::new(work_rx);
            let (done_tx, done_rx) = channel::<(usize, Done)>();
            std::thread::scope(|s| {
                for _ in 0..WORKERS {
                    let (work_rx, done_tx, pure, outs) = (&work_rx, done_tx.clone(), &pure, &outs);
                    s.spawn(move || loop {
                        // The lock is held only to take the next block, not to work it.
                        let next = work_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok((seq, block)) = next else { break };
                        let mut out = lock(outs).pop().unwrap_or_default();
                        work(pure, &block, &mut out);
                        if done_tx.send((seq, Done { block, out })).is_err() {
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
                        let Done { mut block, out } =
                            self.settle_block(step, sx, d, counts, &mut seen, Some(&mut made));
                        block.clear();
                        blocks.borrow_mut().push(block);
                        lock(&outs).push(out);
                    })
                };
                let mut sent = 0;
                let read = self.sources.read_blocks(sx.src, BLOCK_ROWS, &mut |block| {
                    let next = blocks.borrow_mut().pop().unwrap_or_else(|| block.fresh());
                    work_tx
                        .send((sent, block))
                        .map_err(|_| "a worker stopped".to_string())?;
                    sent += 1;
                    while let Ok((seq, done)) = done_rx.try_recv() {
                        settle(seq, done);
                    }
                    self.stopped().map(|()| next)
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
            lend: self.lend,
        }
    }

    /// Settles a worked block's rows in order; `made` gathers the keys of records made when the
    /// index cannot be written during the step (None: registered at once). Hands the block
    /// and its buffers back, emptied, for the next.
    fn settle_block(
        &self,
        step: &Step,
        sx: &StepCx,
        done: Done,
        counts: &mut StepCounts,
        seen: &mut HashSet<String>,
        mut made: Option<&mut Vec<String>>,
    ) -> Done {
        let Done { block, mut out } = done;
        {
            let mut unmatched = self.unmatched.borrow_mut();
            for (email, n) in std::mem::take(&mut out.unmatched) {
                *unmatched.entry(email).or_default() += n;
            }
        }
        let tracked = self.index.borrow().tracks(&sx.src.name, &sx.object.name);
        for (row, w) in out.worked.drain(..).enumerate() {
            let key = &out.text[w.key.clone()];
            let fate = match w.made {
                Err(fate) => fate,
                Ok(m) => self.settle_made(sx, key, m, &out.json, seen),
            };
            let landed = matches!(
                fate.outcome,
                Outcome::Created | Outcome::Updated | Outcome::Unchanged
            );
            if landed && tracked {
                match made.as_deref_mut() {
                    Some(later) => later.push(key.to_string()),
                    None => self
                        .index
                        .borrow_mut()
                        .record_made(&sx.src.name, &sx.object.name, key),
                }
            }
            let original = Original::Block { block: &block, row };
            self.tally(step, sx, counts, fate, block.line(row), key, original);
        }
        out.text.clear();
        out.json.clear();
        Done { block, out }
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
            json: &json[made.json],
        };
        let id = &made.id;
        self.settle(sx, key, id, made.hash, Outcome::Created, || {
            self.target
                .borrow_mut()
                .create(sx.object, id.as_str(), &fields)
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
