//! Create steps, pipelined over both cores. The engine's thread reads the source in blocks
//! (see [`Block`]) and hands each to a worker; a row's pure half — typing, `when`, evaluating its
//! assignments, writing its record as JSON, hashing it, its id — needs nothing but the plan and
//! the index as they stand before the step, so the workers take blocks as they come. The rest —
//! dedupe, the ledger, the target, the audit and exception files — runs on the engine's thread,
//! block after block in the order they were read, exactly as a row-at-a-time run would.

use super::block::Block;
use super::engine::{routed_here, Engine, Fate, RowCx, StepCx};
use super::eval::Evaluator;
use super::index::{push_key, Index};
use super::lend::{self, Got, Lender, Scratch};
use super::node::Node;
use super::record::RecordId;
use super::report::{Outcome, StepCounts};
use super::shape::Fields;
use super::source::{Original, SourceError, BLOCK_ROWS};
use super::typing::type_into;
use super::value::Stop;
use super::value::Value;
use super::vector::{Env, Vector, R};
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
    /// The row's key, in its block's `text`.
    key: Range<usize>,
    made: Result<Made, Fate>,
}

struct Made {
    dedupe: Option<String>,
    /// The record's members, in its block's `json`.
    json: Range<usize>,
    hash: u64,
    id: RecordId,
}

/// What the pure half reads: shared by every thread, never written during a step.
struct Pure<'a> {
    eval: &'a Evaluator<'a>,
    index: &'a Index,
    default_owner: Option<&'a Value>,
    sx: &'a StepCx<'a>,
    /// Evaluate by lending (see `run::lend`), or the owned way.
    lend: bool,
}

/// What working a block out gives: its rows' results in order, their keys and JSON, the owner
/// emails it missed. Its buffers are reused from block to block.
#[derive(Default)]
struct Out {
    worked: Vec<Worked>,
    text: String,
    json: Vec<u8>,
    unmatched: BTreeMap<String, u64>,
    scratch: Scratch,
}

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
    pub(super) fn create_step(
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
        let id = made.id.as_str();
        self.settle(sx, key, id, made.hash, Outcome::Created, || {
            self.target.borrow_mut().create(sx.object, id, &fields)
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn work(pure: &Pure, block: &Block, out: &mut Out) {
    let unmatched = RefCell::new(std::mem::take(&mut out.unmatched));
    if pure.lend {
        work_lent(pure, block, out, &unmatched);
    } else {
        let mut typed = Vec::with_capacity(pure.sx.src.columns.len());
        let mut values = Vec::with_capacity(pure.sx.values.len());
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
    cells: Vec<Got<'a>>,
    got: Vec<Got<'a>>,
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
    let cx = RowCx {
        row: &[],
        index: pure.index,
        default_owner: pure.default_owner,
        unmatched,
    };
    let lender = Lender {
        eval: pure.eval,
        index: pure.index,
        cx: &cx,
    };
    let mut lending = Lending {
        cells: Vec::with_capacity(block.len() * pure.sx.src.columns.len()),
        got: Vec::with_capacity(pure.sx.values.len()),
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
    let sx = pure.sx;
    let (rows, width) = (block.len(), sx.src.columns.len());
    let s = &mut l.scratch;
    s.clear();
    let mut fates: Vec<Option<Fate>> = (0..rows).map(|_| None).collect();
    let mut keys = Vec::with_capacity(rows);
    let mut row_cells = Vec::with_capacity(width);
    l.cells.clear();
    for (r, fate) in fates.iter_mut().enumerate() {
        let start = out.text.len();
        let typed = match block.unreadable(r) {
            Some(why) => Err(Fate::bad(Outcome::Rejected, "unreadable", why)),
            None => lend::cells(&sx.src.columns, block.values(r), s, &mut row_cells)
                .map_err(|e| Fate::bad(Outcome::Rejected, e.code, e.message)),
        };
        match typed {
            Ok(()) => {
                l.cells.extend_from_slice(&row_cells);
                super::index::push_key_with(
                    &sx.key_columns,
                    |i| s.text_of(row_cells.get(i).copied().unwrap_or(Got::Null)),
                    &mut out.text,
                );
            }
            Err(f) => {
                l.cells.resize(l.cells.len() + width, Got::Null);
                *fate = Some(f);
            }
        }
        keys.push(start..out.text.len());
    }
    for base in (0..rows).step_by(EVAL_ROWS) {
        let len = EVAL_ROWS.min(rows - base);
        let env = Env {
            rows: len,
            width,
            cells: &l.cells[base * width..(base + len) * width],
            params: &[],
            top: true,
        };
        let fates = &mut fates[base..base + len];
        let results = evaluate(sx, vector, &env, fates, s);
        for (r, fate) in fates.iter_mut().enumerate() {
            let key = keys[base + r].clone();
            let made = match fate.take() {
                Some(f) => Err(f),
                None => {
                    l.got.clear();
                    l.got
                        .extend(results.iter().map(|x| match x.as_ref().map(|x| &x[r]) {
                            Some(Ok(g)) => *g,
                            _ => Got::Null,
                        }));
                    Ok(record(sx, &l.got, s, &mut l.values, key.clone(), out))
                }
            };
            out.worked.push(Worked { key, made });
        }
        vector.give(results.into_iter().flatten());
    }
}

/// Rows evaluated together: few enough that each node's results for them stay in the cache.
const EVAL_ROWS: usize = 256;

/// Routes and evaluates the written assignments for the rows of `env` not already settled in
/// `fates`; a row that does not get through gets its fate. Returns each assignment's results.
fn evaluate<'a>(
    sx: &'a StepCx,
    vector: &Vector<'_, 'a>,
    env: &Env<'_, 'a>,
    fates: &mut [Option<Fate>],
    s: &mut Scratch,
) -> Vec<Option<Vec<R<'a>>>> {
    let mut live: Vec<u32> = (0..env.rows as u32)
        .filter(|&r| fates[r as usize].is_none())
        .collect();
    if let Some(when) = &sx.when {
        let routed = vector.eval(when, &live, env, s);
        live.retain(|&r| {
            let fate = match &routed[r as usize] {
                Ok(g) if s.truthy(*g) => return true,
                Ok(_) => Fate::bad(Outcome::Skipped, "when", ""),
                Err(stop) => Fate::from_stop(stop.clone()),
            };
            fates[r as usize] = Some(fate);
            false
        });
        vector.give([routed]);
    }
    let mut results: Vec<Option<Vec<R>>> = (0..sx.values.len()).map(|_| None).collect();
    for &i in &sx.written {
        let mut x = vector.eval(&sx.values[i], &live, env, s);
        live.retain(|&r| match &mut x[r as usize] {
            Ok(_) => true,
            Err(stop) => {
                let stop = std::mem::replace(stop, Stop::Fail(String::new()));
                fates[r as usize] = Some(Fate::from_stop(stop));
                false
            }
        });
        results[i] = Some(x);
    }
    results
}

/// A row's record from its results: its JSON appended to `out.json`, its hash, id and dedupe
/// key (its key already in `out.text`, at `key`).
fn record(
    sx: &StepCx,
    got: &[Got],
    s: &Scratch,
    values: &mut Vec<Value>,
    key: Range<usize>,
    out: &mut Out,
) -> Made {
    let at = out.json.len();
    let dedupe = if sx.map.dedupe.is_empty() && sx.shape.is_exact() {
        sx.shape
            .write_leaves(&mut out.json, &mut |slot, json| s.write(json, got[slot]));
        None
    } else {
        values.clear();
        values.extend(got.iter().map(|g| s.value(*g)));
        sx.shape.write_members(values, &mut out.json);
        super::phases::dedupe_key(sx.map, sx.object, &sx.shape, values)
    };
    let key = &out.text[key];
    Made {
        id: RecordId::new(&sx.object.name, &sx.src.name, key),
        dedupe,
        hash: xxhash_rust::xxh3::xxh3_64(&out.json[at..]),
        json: at..out.json.len(),
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
    let sx = pure.sx;
    if let Some(why) = block.unreadable(row) {
        return Err(Fate::bad(Outcome::Rejected, "unreadable", why));
    }
    if let Err(e) = type_into(&sx.src.columns, block.values(row), typed) {
        return Err(Fate::bad(Outcome::Rejected, e.code, e.message));
    }
    let start = out.text.len();
    push_key(&sx.key_columns, typed, &mut out.text);
    let cx = RowCx {
        row: typed,
        index: pure.index,
        default_owner: pure.default_owner,
        unmatched,
    };
    routed_here(pure.eval, sx, &cx)?;
    super::phases::build_into(pure.eval, sx, &cx, values).map_err(Fate::from_stop)?;
    let dedupe = super::phases::dedupe_key(sx.map, sx.object, &sx.shape, values);
    let at = out.json.len();
    sx.shape.write_members(values, &mut out.json);
    let key = &out.text[start..];
    Ok(Made {
        id: RecordId::new(&sx.object.name, &sx.src.name, key),
        dedupe,
        hash: xxhash_rust::xxh3::xxh3_64(&out.json[at..]),
        json: at..out.json.len(),
    })
}
