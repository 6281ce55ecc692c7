//! Create steps, pipelined over both cores. The engine's thread reads the source in blocks
//! (see [`Block`]) and hands each to a worker; a row's pure half — typing, `when`, evaluating its
//! assignments, writing its record as JSON, hashing it, its id — needs nothing but the plan and
//! the index as they stand before the step, so the workers take blocks as they come (that half
//! is `work.rs`). The rest — dedupe, the ledger, the target, the audit and exception files —
//! runs on the engine's thread, block after block in the order they were read, exactly as a
//! row-at-a-time run would (`settle.rs`).

use super::first_rows::replay;
use super::judge::StepMemory;
use super::settle::{Desk, Landed};
use super::step::StepPlan;
use super::work::{work, Out, Pure};
use crate::eval::index::Index;
use crate::eval::node::{Applied, Node};
use crate::eval::owned::Evaluator;
use crate::io::block::Block;
use crate::io::report::StepCounts;
use crate::io::source::{SourceError, Sources, BLOCK_ROWS};
use crate::ir::SourceId;
use std::collections::BTreeMap;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;

/// Threads working blocks out beside the engine's thread, which reads and settles: one for
/// each core but the engine's own. Two workers on two cores (beside the engine's thread and
/// the ledger's) ran the patient benchmark 3% slower than one: they only took turns.
fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).clamp(1, 8))
}

/// Blocks read and waiting for a worker, per worker: enough to keep the workers fed, few
/// enough to bound memory (a block is at most [`BLOCK_ROWS`] rows or about a megabyte of text).
const AHEAD_PER_WORKER: usize = 4;

/// A block worked out.
struct Done {
    block: Block,
    out: Out,
}

/// Blocks come back from the workers in any order; they are settled in the order read.
struct InOrder<T> {
    next: usize,
    waiting: BTreeMap<usize, T>,
}

impl<T> InOrder<T> {
    fn new() -> InOrder<T> {
        InOrder {
            next: 0,
            waiting: BTreeMap::new(),
        }
    }

    /// Block `seq` is done: settles it and every block after it that came first.
    fn arrive(&mut self, seq: usize, done: T, mut settle: impl FnMut(T)) {
        self.waiting.insert(seq, done);
        while let Some(done) = self.waiting.remove(&self.next) {
            settle(done);
            self.next += 1;
        }
    }
}

/// What a create step runs with: the evaluator and the index its rows read, the desk that
/// settles them, and where their rows come from.
pub struct Create<'a, 'p> {
    pub eval: &'a Evaluator<'p>,
    pub index: &'a mut Index,
    pub desk: &'a mut Desk<'p>,
    pub sources: &'a dyn Sources,
    pub default_owner: Option<&'a crate::eval::value::Value>,
    pub lend: bool,
}

impl Create<'_, '_> {
    /// Runs a create step over its source: pipelined, or a row at a time when the step looks up
    /// its own source. Returns how the read ended.
    pub fn run(self, step_plan: &StepPlan, counts: &mut StepCounts) -> Result<(), SourceError> {
        if looks_up_own(self.eval, step_plan) {
            self.row_at_a_time(step_plan, counts)
        } else {
            self.pipelined(step_plan, counts)
        }
    }

    /// A step whose lookups must see the rows made just before them: each block is one row,
    /// worked and settled before the next is read.
    fn row_at_a_time(
        self,
        step_plan: &StepPlan,
        counts: &mut StepCounts,
    ) -> Result<(), SourceError> {
        let Create {
            eval,
            index,
            desk,
            sources,
            default_owner,
            lend,
        } = self;
        let mut memory = StepMemory::default();
        let mut out = Out::default();
        let tracked = index.tracks(step_plan.source_id, step_plan.object_id);
        let mut earlier = |each: &mut dyn FnMut(&str, u64) -> bool| {
            replay(sources, step_plan.source, &step_plan.key_columns, each)
        };
        sources.read_blocks(step_plan.source, 1, &mut |block| {
            let pure = Pure {
                eval,
                index: &*index,
                default_owner,
                step_plan,
                lend,
            };
            work(&pure, &block, &mut out);
            let mut made = Vec::new();
            desk.settle(
                step_plan,
                (&block, &out),
                counts,
                &mut memory,
                &mut earlier,
                &mut |key, landed| {
                    if tracked {
                        made.push(register(key, landed))
                    }
                },
            );
            record(index, step_plan, made);
            desk.absorb(&mut out);
            desk.books.stopped().map(|()| block.fresh())
        })
    }

    fn pipelined(self, step_plan: &StepPlan, counts: &mut StepCounts) -> Result<(), SourceError> {
        let Create {
            eval,
            index,
            desk,
            sources,
            default_owner,
            lend,
        } = self;
        let outs = Mutex::new(Vec::new());
        let pure = Pure {
            eval,
            index: &*index,
            default_owner,
            step_plan,
            lend,
        };
        let mut settling = Settling {
            step_plan,
            desk,
            counts,
            tracked: index.tracks(step_plan.source_id, step_plan.object_id),
            memory: StepMemory::default(),
            sources,
            made: Vec::new(),
            order: InOrder::new(),
            blocks: Vec::new(),
            outs: &outs,
        };
        let workers = workers();
        let (work_tx, work_rx) = sync_channel::<(usize, Block)>(AHEAD_PER_WORKER * workers);
        let work_rx = Mutex::new(work_rx);
        let (done_tx, done_rx) = channel::<(usize, Done)>();
        let read = std::thread::scope(|s| {
            for _ in 0..workers {
                let (work_rx, done_tx, pure, outs) = (&work_rx, done_tx.clone(), &pure, &outs);
                s.spawn(move || loop {
                    // The lock is held only to take the next block, not to work it.
                    let next = lock(work_rx).recv();
                    let Ok((seq, block)) = next else { break };
                    let mut out = lock(outs).pop().unwrap_or_default();
                    work(pure, &block, &mut out);
                    if done_tx.send((seq, Done { block, out })).is_err() {
                        break;
                    }
                });
            }
            drop(done_tx);
            let mut sent = 0;
            let read = sources.read_blocks(step_plan.source, BLOCK_ROWS, &mut |block| {
                let next = settling.blocks.pop().unwrap_or_else(|| block.fresh());
                work_tx
                    .send((sent, block))
                    .map_err(|_| "a worker stopped".to_string())?;
                sent += 1;
                while let Ok((seq, done)) = done_rx.try_recv() {
                    settling.arrive(seq, done);
                }
                settling.desk.books.stopped().map(|()| next)
            });
            drop(work_tx);
            for (seq, done) in done_rx {
                settling.arrive(seq, done);
            }
            read
        });
        let made = std::mem::take(&mut settling.made);
        drop(settling);
        // Workers read the index during the step; what it made is registered after.
        record(index, step_plan, made);
        read
    }
}

/// The engine's side of a pipelined step: blocks settled in the order read, their buffers
/// handed round again, the keys of the records made kept for the index.
struct Settling<'s, 'p> {
    step_plan: &'s StepPlan<'s>,
    desk: &'s mut Desk<'p>,
    counts: &'s mut StepCounts,
    /// Whether anything looks up the records the step makes.
    tracked: bool,
    memory: StepMemory,
    /// Where the step's rows are read again from, should its keys come out of order.
    sources: &'s dyn Sources,
    made: Vec<Registered>,
    order: InOrder<Done>,
    blocks: Vec<Block>,
    outs: &'s Mutex<Vec<Out>>,
}

impl Settling<'_, '_> {
    fn arrive(&mut self, seq: usize, done: Done) {
        let Settling {
            step_plan,
            desk,
            counts,
            tracked,
            memory,
            sources,
            made,
            order,
            blocks,
            outs,
        } = self;
        let mut earlier = |each: &mut dyn FnMut(&str, u64) -> bool| {
            replay(*sources, step_plan.source, &step_plan.key_columns, each)
        };
        order.arrive(seq, done, |Done { mut block, mut out }| {
            desk.settle(
                step_plan,
                (&block, &out),
                counts,
                memory,
                &mut earlier,
                &mut |key, landed| {
                    if *tracked {
                        made.push(register(key, landed))
                    }
                },
            );
            desk.absorb(&mut out);
            block.clear();
            blocks.push(block);
            lock(outs).push(out);
        })
    }
}

/// A landed row's key for the index, and the id of the record it was made one with, if any.
type Registered = (String, Option<String>);

fn register(key: &str, landed: Landed) -> Registered {
    match landed {
        Landed::Made(_) => (key.to_string(), None),
        Landed::Into(id) => (key.to_string(), Some(id.to_string())),
    }
}

/// Registers the records a step made (and the rows made one with another) in the index.
fn record(index: &mut Index, step_plan: &StepPlan, made: Vec<Registered>) {
    for (key, into) in made {
        match into {
            None => index.record_made(step_plan.source_id, step_plan.object_id, &key),
            Some(id) => index.record_alias(step_plan.source_id, step_plan.object_id, &key, &id),
        }
    }
}

/// Whether a create step looks up its own source: such a lookup must see the rows made just
/// before it, so the step runs a row at a time.
fn looks_up_own(eval: &Evaluator, step_plan: &StepPlan) -> bool {
    let own = Own {
        eval,
        source: step_plan.source_id,
    };
    step_plan
        .values
        .iter()
        .chain(&step_plan.when)
        .any(|n| own.looked_up(n, 0))
}

/// Finds lookups into one source, through user functions' bodies too.
struct Own<'a> {
    eval: &'a Evaluator<'a>,
    source: SourceId,
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
        Node::Each(e) => {
            let body = match e.apply {
                Applied::Func(f) => own.eval.function(f).is_some_and(inner),
                Applied::Table(_) | Applied::Builtin(_) => false,
            };
            inner(&e.list) || any(&e.args) || body
        }
        Node::Call(_, args) | Node::List(args) | Node::Concat(args) => any(args),
        Node::Lent(c) => any(&c.args),
        Node::Table(_, a) | Node::Not(a) | Node::Neg(a) | Node::Field(a, _) | Node::Owner(a, _) => {
            inner(a)
        }
        Node::Binary(_, a, b) => inner(a) || inner(b),
        Node::In(a, list) => inner(a) || any(list),
        Node::If(a, b, c) => inner(a) || inner(b) || inner(c),
        Node::Record(fields) => fields.iter().any(|(_, x)| inner(x)),
        Node::Const(_) | Node::Col(_) | Node::Param(_) | Node::Reject(_) | Node::Hold(_) => false,
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::InOrder;

    /// However the workers finish, blocks are settled in the order they were read (a machine
    /// with one worker never reorders, so this is tested here rather than left to the runs).
    #[test]
    fn blocks_settle_in_the_order_read() {
        let mut order = InOrder::new();
        let mut settled = Vec::new();
        for seq in [2, 0, 3, 1, 5, 4] {
            order.arrive(seq, seq * 10, |done| settled.push(done));
        }
        assert_eq!(settled, vec![0, 10, 20, 30, 40, 50]);
        assert!(order.waiting.is_empty());
    }
}
