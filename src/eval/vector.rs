//! Block-at-a-time evaluation: each node of a step is evaluated for all of a block's live rows
//! at once, so walking the tree (matching a node, calling its helper, passing its result up) is
//! paid once per block rather than once per row, and each node's work is a tight loop.
//!
//! It computes exactly what the owned evaluator ([`eval::Evaluator::run`]) computes a row at a
//! time, on exactly the same rows: a node is evaluated only on the rows where that evaluator
//! would evaluate it. Arguments
//! are evaluated left to right, each on the rows every one before it succeeded on; the right
//! side of `??` only where the left gave null or failed; `and`/`or` and `if` branches only
//! where they are reached. A row keeps its first failure. Nodes without a block form here
//! (owners, records, lists, …) are handed to the owned evaluator row by row.

use crate::eval::lend::{boolean, call_with, lent, Lender, Lending, NodeValue, Scratch};
use crate::eval::node::{LentCall, LookupNode, Node};
use crate::eval::owned;
use crate::eval::value::{Stop, Value};
use crate::ir::BinOp;
use smallvec::SmallVec;
use std::cell::RefCell;

/// A node's result for one row.
pub(crate) type R<'a> = Result<NodeValue<'a>, Stop>;

/// What the nodes being evaluated see, for every row of the block.
pub(crate) struct Env<'e, 'a> {
    pub rows: usize,
    pub width: usize,
    /// The rows' cells, row after row (`width` each); empty inside a function's body.
    pub cells: &'e [NodeValue<'a>],
    /// A function's parameters, each for every row.
    pub params: &'e [Vec<NodeValue<'a>>],
}

impl<'a> Env<'_, 'a> {
    fn cell(&self, r: usize, i: usize) -> NodeValue<'a> {
        if i >= self.width {
            return NodeValue::Null;
        }
        self.cells
            .get(r * self.width + i)
            .copied()
            .unwrap_or(NodeValue::Null)
    }

    fn row(&self, r: usize) -> &[NodeValue<'a>] {
        self.cells
            .get(r * self.width..(r + 1) * self.width)
            .unwrap_or(&[])
    }
}

/// A row's result when it succeeded (the caller selected only such rows).
fn ok<'a>(x: &[R<'a>], r: usize) -> NodeValue<'a> {
    match x.get(r) {
        Some(Ok(result)) => *result,
        _ => NodeValue::Null,
    }
}

/// Takes a failure out of a result, leaving a placeholder the caller no longer reads.
fn take(e: &mut Stop) -> Stop {
    std::mem::replace(e, Stop::Fail(String::new()))
}

pub(crate) struct Vector<'l, 'a> {
    pub lender: &'l Lender<'a>,
    /// Result vectors given back, to be handed out again.
    pool: RefCell<Vec<Vec<R<'a>>>>,
}

impl<'l, 'a> Vector<'l, 'a> {
    pub fn new(lender: &'l Lender<'a>) -> Self {
        Vector {
            lender,
            pool: RefCell::new(Vec::new()),
        }
    }

    /// A result for every row. One from the pool keeps what it last held: only the rows an
    /// evaluation selects are written, and only those are ever read.
    fn dense(&self, rows: usize) -> Vec<R<'a>> {
        let mut v = self.pool.borrow_mut().pop().unwrap_or_default();
        v.resize(rows, Ok(NodeValue::Null));
        v
    }

    /// Gives result vectors back to the pool.
    pub fn give(&self, done: impl IntoIterator<Item = Vec<R<'a>>>) {
        self.pool.borrow_mut().extend(done);
    }

    /// Evaluates `n` on the rows in `sel`.
    pub fn eval(&self, n: &'a Node, sel: &[u32], env: &Env<'_, 'a>, s: &mut Scratch) -> Vec<R<'a>> {
        let mut out;
        match n {
            Node::Const(v) => {
                out = self.dense(env.rows);
                let result = lent(v);
                for &r in sel {
                    out[r as usize] = Ok(result);
                }
            }
            Node::Col(i) => {
                out = self.dense(env.rows);
                for &r in sel {
                    out[r as usize] = Ok(env.cell(r as usize, *i));
                }
            }
            Node::Param(i) => {
                out = self.dense(env.rows);
                let p = env.params.get(*i);
                for &r in sel {
                    let result = p.and_then(|p| p.get(r as usize)).copied();
                    out[r as usize] = Ok(result.unwrap_or(NodeValue::Null));
                }
            }
            Node::Lent(c) => return self.lent_call(c, sel, env, s),
            Node::Call(b, args) => {
                return self.each_live(args.iter(), sel, env, s, |got, s| call_with(b, got, s))
            }
            Node::Table(t, arg) => {
                let lender = self.lender;
                return self.map_ok(arg, sel, env, s, |result, s| {
                    lender.table_with(*t, result, s)
                });
            }
            Node::Func(i, args) => return self.func(*i, args, sel, env, s),
            Node::Binary(op, a, b) => return self.binary(*op, a, b, sel, env, s),
            Node::Concat(parts) => {
                // Not through `each_live`: the parts are read in place, not gathered per row.
                out = self.dense(env.rows);
                let (res, live) = self.args(parts.iter(), sel, env, s, &mut out);
                let mut buf = String::new();
                for &r in &live {
                    buf.clear();
                    for x in &res {
                        s.push_text(ok(x, r as usize), &mut buf);
                    }
                    out[r as usize] = Ok(s.made(&buf));
                }
                self.give(res);
            }
            Node::Not(arg) => {
                return self.map_ok(arg, sel, env, s, |result, s| Ok(boolean(!s.truthy(result))));
            }
            Node::If(cond, then, otherwise) => {
                return self.branch(cond, then, otherwise, sel, env, s)
            }
            Node::Lookup(l) => return self.lookup(l, sel, env, s),
            _ => return self.rowwise(n, sel, env, s),
        }
        out
    }

    /// Evaluates `nodes` left to right, each on the rows every one before it succeeded on. A
    /// row that failed gets its first failure in `out`; returned are the results and the rows
    /// all succeeded on.
    fn args(
        &self,
        nodes: impl Iterator<Item = &'a Node>,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
        out: &mut [R<'a>],
    ) -> (SmallVec<[Vec<R<'a>>; 3]>, Vec<u32>) {
        let mut live = sel.to_vec();
        let mut results = SmallVec::new();
        for n in nodes {
            let mut x = self.eval(n, &live, env, s);
            live.retain(|&r| match &mut x[r as usize] {
                Ok(_) => true,
                Err(e) => {
                    out[r as usize] = Err(take(e));
                    false
                }
            });
            results.push(x);
        }
        (results, live)
    }

    /// `f` on the result of each row `arg` succeeded on (a failure stays as it is).
    fn map_ok(
        &self,
        arg: &'a Node,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
        mut f: impl FnMut(NodeValue<'a>, &mut Scratch) -> R<'a>,
    ) -> Vec<R<'a>> {
        let mut out = self.eval(arg, sel, env, s);
        for &r in sel {
            if let Ok(result) = out[r as usize] {
                out[r as usize] = f(result, s);
            }
        }
        out
    }

    /// `nodes` evaluated as [`Vector::args`], then `f` on each row they all succeeded on, with
    /// that row's results in order.
    fn each_live(
        &self,
        nodes: impl Iterator<Item = &'a Node>,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
        mut f: impl FnMut(&[NodeValue<'a>], &mut Scratch) -> R<'a>,
    ) -> Vec<R<'a>> {
        let mut out = self.dense(env.rows);
        let (res, live) = self.args(nodes, sel, env, s, &mut out);
        for &r in &live {
            let got: SmallVec<[NodeValue; 3]> = res.iter().map(|x| ok(x, r as usize)).collect();
            out[r as usize] = f(&got, s);
        }
        self.give(res);
        out
    }

    fn lent_call(
        &self,
        c: &'a LentCall,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
    ) -> Vec<R<'a>> {
        let Some(first) = c.args.first() else {
            return self.dense(env.rows);
        };
        let mut out = self.eval(first, sel, env, s);
        (c.lend)(&mut Lending::new(&mut out, sel, c, s));
        out
    }

    fn func(
        &self,
        i: usize,
        args: &'a [Node],
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
    ) -> Vec<R<'a>> {
        let mut out = self.dense(env.rows);
        let Some(body) = self.lender.eval.function(i) else {
            for &r in sel {
                out[r as usize] = Err(Stop::Reject("internal: a function is missing".into()));
            }
            return out;
        };
        let (res, live) = self.args(args.iter(), sel, env, s, &mut out);
        let params: Vec<Vec<NodeValue>> = res
            .iter()
            .map(|x| (0..env.rows).map(|r| ok(x, r)).collect())
            .collect();
        // A function's body sees its parameters, not the caller's row.
        let inner = Env {
            rows: env.rows,
            width: 0,
            cells: &[],
            params: &params,
        };
        let y = self.eval(body, &live, &inner, s);
        self.give(res);
        self.fill(&mut out, y, &live);
        out
    }

    fn binary(
        &self,
        op: BinOp,
        lhs: &'a Node,
        rhs: &'a Node,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
    ) -> Vec<R<'a>> {
        if op == BinOp::Coalesce {
            s.catch(true);
            let mut out = self.eval(lhs, sel, env, s);
            s.catch(false);
            let again: Vec<u32> = sel
                .iter()
                .copied()
                .filter(|&r| matches!(out[r as usize], Ok(NodeValue::Null) | Err(Stop::Fail(_))))
                .collect();
            if !again.is_empty() {
                let y = self.eval(rhs, &again, env, s);
                self.fill(&mut out, y, &again);
            }
            return out;
        }
        if matches!(op, BinOp::And | BinOp::Or) {
            let mut out = self.eval(lhs, sel, env, s);
            let decided = op == BinOp::Or;
            let mut again = Vec::new();
            for &r in sel {
                if let Ok(result) = out[r as usize] {
                    if s.truthy(result) == decided {
                        out[r as usize] = Ok(boolean(decided));
                    } else {
                        again.push(r);
                    }
                }
            }
            let y = self.eval(rhs, &again, env, s);
            for &r in &again {
                out[r as usize] = match &y[r as usize] {
                    Ok(result) => Ok(boolean(s.truthy(*result))),
                    Err(e) => Err(e.clone()),
                };
            }
            self.give([y]);
            return out;
        }
        self.each_live([lhs, rhs].into_iter(), sel, env, s, |got, s| {
            let (a, b) = (s.value(got[0]), s.value(got[1]));
            owned::apply(op, &a, &b).map(|v| s.own(v))
        })
    }

    fn branch(
        &self,
        cond: &'a Node,
        then: &'a Node,
        otherwise: &'a Node,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
    ) -> Vec<R<'a>> {
        let mut out = self.eval(cond, sel, env, s);
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for &r in sel {
            if let Ok(result) = out[r as usize] {
                if s.truthy(result) {
                    yes.push(r);
                } else {
                    no.push(r);
                }
            }
        }
        for (rows, node) in [(yes, then), (no, otherwise)] {
            if rows.is_empty() {
                continue;
            }
            let y = self.eval(node, &rows, env, s);
            self.fill(&mut out, y, &rows);
        }
        out
    }

    fn lookup(
        &self,
        l: &'a LookupNode,
        sel: &[u32],
        env: &Env<'_, 'a>,
        s: &mut Scratch,
    ) -> Vec<R<'a>> {
        let column = self.lender.column_rows(l);
        let lender = self.lender;
        self.each_live(l.args.iter(), sel, env, s, |key, s| {
            lender.lookup_with(l, key, column, s)
        })
    }

    /// Moves the results of `rows` from `from` into `out`; `from` goes back to the pool.
    fn fill(&self, out: &mut [R<'a>], mut from: Vec<R<'a>>, rows: &[u32]) {
        for &r in rows {
            out[r as usize] = std::mem::replace(&mut from[r as usize], Ok(NodeValue::Null));
        }
        self.give([from]);
    }

    /// A node without a block form, a row at a time by the owned evaluator, its row and
    /// parameters made whole (inside a function's body it sees no columns, as there).
    fn rowwise(&self, n: &'a Node, sel: &[u32], env: &Env<'_, 'a>, s: &mut Scratch) -> Vec<R<'a>> {
        let mut out = self.dense(env.rows);
        for &r in sel {
            let r = r as usize;
            let row: SmallVec<[Value; 8]> =
                env.row(r).iter().map(|result| s.value(*result)).collect();
            let params: SmallVec<[Value; 4]> = env
                .params
                .iter()
                .map(|p| s.value(p.get(r).copied().unwrap_or(NodeValue::Null)))
                .collect();
            let lender = self.lender;
            out[r] = lender
                .eval
                .run(n, &row, lender.resolver, &params)
                .map(|v| s.own(v));
        }
        out
    }
}
