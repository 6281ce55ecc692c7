//! Evaluation that lends instead of copying: how create steps evaluate their rows.
//!
//! [`Evaluator::run`] gives every node's result as an owned [`Value`]: reading a column copies
//! it, `trim` makes a new string, a value table's entry is cloned, and each is dropped again a
//! node later. Here a result is a [`Got`]: text lent by the row, a constant, a value table or the
//! index, or made once into the row's [`Scratch`] and referred to by position. `trim`, `left`,
//! `right`, `before`, `after` and `email` then copy nothing, `++` copies its parts once, and
//! nothing is dropped per node.
//!
//! What this evaluator does not do itself (arithmetic, comparisons, lists, records, owners,
//! other built-ins) it hands to [`Evaluator::run`] or the built-in's own function with the values
//! made whole, so both evaluators mean exactly the same; the engine's tests run every seed
//! migration both ways and compare the files byte for byte.

use super::builtins::{self, Builtin, Lend};
use super::engine::RowCx;
use super::eval::{self, Evaluator};
use super::index::{ColumnRows, Index};
use super::node::{LendOp, LentCall, LookupNode, Node};
use super::shape::{write_str, write_value};
use super::typing::{lends_as_is, type_value, RawRef, TypeError};
use super::value::{Stop, Value};
use crate::semantic::model::ColumnInfo;
use crate::syntax::ast::BinOp;
use smallvec::SmallVec;
use std::borrow::Cow;

/// A node's result, lent or made into the row's scratch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Got<'a> {
    Null,
    /// Text lent by the row, a constant, a value table or the index.
    Str(&'a str),
    /// Text made for this row: a range of the scratch's text.
    Made(usize, usize),
    /// A value other than text and null, lent.
    Val(&'a Value),
    /// A value other than text and null made for this row: the scratch's values, by position.
    Own(usize),
}

static TRUE: Value = Value::Bool(true);
static FALSE: Value = Value::Bool(false);

pub(super) fn boolean<'a>(b: bool) -> Got<'a> {
    Got::Val(if b { &TRUE } else { &FALSE })
}

/// A value, lent: text and null get their own forms, so every other variant is neither.
pub fn lent(v: &Value) -> Got<'_> {
    match v {
        Value::Null => Got::Null,
        Value::Text(t) => Got::Str(t),
        other => Got::Val(other),
    }
}

/// What one row's evaluation made: cleared for the next row, its buffers kept.
#[derive(Default)]
pub struct Scratch {
    text: String,
    values: Vec<Value>,
    /// The row's columns as values, made only when a node evaluated the owned way needs them.
    row: Vec<Value>,
    row_made: bool,
    /// Buffers for `++`, which builds its text apart from the parts it reads.
    bufs: Vec<String>,
    /// How many `??` the node being evaluated sits under: a failure there is caught and its
    /// message never read, so it is not written either.
    catching: u32,
}

impl Scratch {
    pub fn clear(&mut self) {
        self.text.clear();
        self.values.clear();
        self.row_made = false;
    }

    /// A new row begins while what earlier rows made is kept (block-at-a-time evaluation).
    pub(super) fn next_row(&mut self) {
        self.row_made = false;
    }

    /// Evaluates with failures' messages left out (inside the left side of a `??`) or not.
    pub(super) fn catch(&mut self, on: bool) {
        if on {
            self.catching += 1;
        } else {
            self.catching -= 1;
        }
    }

    pub(super) fn made_text<'a>(&mut self, t: &str) -> Got<'a> {
        self.made(t)
    }

    /// Keeps a value made for this row.
    pub fn own<'a>(&mut self, v: Value) -> Got<'a> {
        match v {
            Value::Null => Got::Null,
            Value::Text(t) => self.made(&t),
            other => {
                self.values.push(other);
                Got::Own(self.values.len() - 1)
            }
        }
    }

    fn made<'a>(&mut self, t: &str) -> Got<'a> {
        let at = self.text.len();
        self.text.push_str(t);
        Got::Made(at, self.text.len())
    }

    /// The text of a text result; None for null and other values.
    pub fn str<'s>(&'s self, g: Got<'s>) -> Option<&'s str> {
        match g {
            Got::Str(t) => Some(t),
            Got::Made(a, b) => self.text.get(a..b),
            _ => None,
        }
    }

    /// [`Value::text`] of a result: what `++`, keys and value tables read.
    pub fn text_of<'s>(&'s self, g: Got<'s>) -> Cow<'s, str> {
        match g {
            Got::Null => Cow::Borrowed(""),
            Got::Str(_) | Got::Made(..) => Cow::Borrowed(self.str(g).unwrap_or_default()),
            Got::Val(v) => v.text(),
            Got::Own(i) => self.values.get(i).map(Value::text).unwrap_or_default(),
        }
    }

    /// A result made whole, for what only takes values.
    pub fn value(&self, g: Got) -> Value {
        match g {
            Got::Null => Value::Null,
            Got::Str(_) | Got::Made(..) => Value::text_value(self.str(g).unwrap_or_default()),
            Got::Val(v) => v.clone(),
            Got::Own(i) => self.values.get(i).cloned().unwrap_or(Value::Null),
        }
    }

    fn other<'s>(&'s self, g: Got<'s>) -> Option<&'s Value> {
        match g {
            Got::Val(v) => Some(v),
            Got::Own(i) => self.values.get(i),
            _ => None,
        }
    }

    pub fn truthy(&self, g: Got) -> bool {
        self.other(g).is_some_and(eval::truthy)
    }

    fn number(&self, g: Got) -> Option<f64> {
        self.other(g).and_then(Value::as_f64)
    }

    /// Writes a result as JSON, as [`write_value`] writes its value.
    pub fn write(&self, out: &mut Vec<u8>, g: Got) {
        match g {
            Got::Null => out.extend_from_slice(b"null"),
            Got::Str(_) | Got::Made(..) => write_str(out, self.str(g).unwrap_or_default()),
            Got::Val(v) => write_value(out, v),
            Got::Own(i) => write_value(out, self.values.get(i).unwrap_or(&Value::Null)),
        }
    }

    /// The part `part` picks of a text result, as a result of the same kind; None if `g` is
    /// not text.
    fn narrow<'a>(&self, g: Got<'a>, part: Part) -> Option<Got<'a>> {
        Some(match g {
            Got::Str(t) => part.of(t).map_or(Got::Null, Got::Str),
            Got::Made(a, b) => {
                let t = self.text.get(a..b)?;
                match part.of(t) {
                    Some(p) => {
                        // `p` lies inside `t`: its place is found from the pointers.
                        let at = a + (p.as_ptr() as usize - t.as_ptr() as usize);
                        Got::Made(at, at + p.len())
                    }
                    None => Got::Null,
                }
            }
            _ => return None,
        })
    }

    /// A text result changed by `f`, which lends its input back when nothing changes.
    fn remake<'a>(&mut self, g: Got<'a>, f: fn(&str) -> Cow<'_, str>) -> Option<Got<'a>> {
        let changed = match f(self.str(g)?) {
            Cow::Borrowed(_) => return Some(g),
            Cow::Owned(s) => s,
        };
        Some(self.made(&changed))
    }

    /// A text result changed by `f`, ASCII text changed in place by `ascii` when `f` would only
    /// change its ASCII letters (no allocation for the usual case).
    fn recase<'a>(&mut self, g: Got<'a>, case: Case) -> Option<Got<'a>> {
        let t = self.str(g)?;
        if !t.is_ascii() {
            return self.remake(g, case.f);
        }
        if !t.bytes().any(case.changes) {
            return Some(g);
        }
        let at = self.text.len();
        match g {
            Got::Str(t) => self.text.push_str(t),
            Got::Made(a, b) => self.text.extend_from_within(a..b),
            _ => return None,
        }
        (case.ascii)(&mut self.text[at..]);
        Some(Got::Made(at, self.text.len()))
    }

    pub(super) fn push_text(&self, g: Got, out: &mut String) {
        out.push_str(&self.text_of(g));
    }

    /// A failure's stop: without its message when a `??` will catch it.
    fn fail(&self, why: impl FnOnce() -> Stop) -> Stop {
        if self.catching > 0 {
            Stop::Fail(String::new())
        } else {
            why()
        }
    }
}

/// `lower` or `upper`: the built-in, which ASCII bytes it changes, and how, in place.
#[derive(Clone, Copy)]
pub(super) struct Case {
    f: fn(&str) -> Cow<'_, str>,
    changes: fn(u8) -> bool,
    ascii: fn(&mut str),
}

const LOWER: Case = Case {
    f: builtins::lower,
    changes: |b| b.is_ascii_uppercase(),
    ascii: str::make_ascii_lowercase,
};

const UPPER: Case = Case {
    f: builtins::upper,
    changes: |b| b.is_ascii_lowercase(),
    ascii: str::make_ascii_uppercase,
};

/// What a narrowing built-in keeps of its text.
#[derive(Clone, Copy)]
pub(super) enum Part<'s> {
    Trim,
    Slice { left: bool, n: f64 },
    Split { sep: &'s str, before: bool },
}

impl Part<'_> {
    fn of(self, t: &str) -> Option<&str> {
        match self {
            Part::Trim => Some(t.trim()),
            Part::Slice { left, n } => Some(builtins::slice_of(left, t, n)),
            Part::Split { sep, before } => builtins::split_of(t, sep, before),
        }
    }
}

/// Types a row's values for lending into `out`: text as read is lent as it is; what typing
/// changes (a default for an empty value, a number, a date) is made into the scratch.
pub fn cells<'a>(
    columns: &[ColumnInfo],
    raw: impl Iterator<Item = RawRef<'a>>,
    s: &mut Scratch,
    out: &mut Vec<Got<'a>>,
) -> Result<(), TypeError> {
    out.clear();
    let mut raw = raw.fuse();
    for c in columns {
        out.push(match raw.next().unwrap_or(RawRef::Missing) {
            RawRef::Text(t) if lends_as_is(c, t) => Got::Str(t),
            other => s.own(type_value(c, other)?),
        });
    }
    Ok(())
}

/// What the nodes being evaluated see: the row's cells, or a function's parameters.
struct Frame<'f, 'a> {
    cells: &'f [Got<'a>],
    params: &'f [Got<'a>],
    /// False inside a function's body, which sees no columns.
    top: bool,
}

/// How many arguments are evaluated into an array on the stack.
const FEW: usize = 3;

/// Evaluated arguments.
enum Args<'a> {
    Few([Got<'a>; FEW], usize),
    Many(Vec<Got<'a>>),
}

impl<'a> std::ops::Deref for Args<'a> {
    type Target = [Got<'a>];
    fn deref(&self) -> &[Got<'a>] {
        match self {
            Args::Few(few, n) => &few[..*n],
            Args::Many(many) => many,
        }
    }
}

/// Evaluates nodes for rows of one step.
pub struct Lender<'a> {
    pub eval: &'a Evaluator<'a>,
    pub index: &'a Index,
    /// Owners, the default owner and what the owned way asks; its row is never read.
    pub cx: &'a RowCx<'a>,
}

impl<'a> Lender<'a> {
    /// Evaluates a node against a row's cells.
    #[cfg(test)]
    pub fn get(&self, n: &'a Node, cells: &[Got<'a>], s: &mut Scratch) -> Result<Got<'a>, Stop> {
        self.get_in(n, cells, &[], true, s)
    }

    /// [`Lender::get`] with a function's parameters (`top` false: inside its body).
    pub(super) fn get_in(
        &self,
        n: &'a Node,
        cells: &[Got<'a>],
        params: &[Got<'a>],
        top: bool,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let frame = Frame { cells, params, top };
        self.arg(n, &frame, s)
    }

    fn go(&self, n: &'a Node, f: &Frame<'_, 'a>, s: &mut Scratch) -> Result<Got<'a>, Stop> {
        match n {
            Node::Const(v) => Ok(lent(v)),
            Node::Col(i) => Ok(f.cells.get(*i).copied().unwrap_or(Got::Null)),
            Node::Param(i) => Ok(f.params.get(*i).copied().unwrap_or(Got::Null)),
            Node::Call(b, args) => self.call(b, args, f, s),
            Node::Lent(c) => self.lent_call(c, f, s),
            Node::Table(t, arg) => self.table(*t, arg, f, s),
            Node::Func(i, args) => self.func(*i, args, f, s),
            Node::Binary(op, a, b) => self.binary(*op, a, b, f, s),
            Node::Concat(parts) => self.concat(parts, f, s),
            Node::Not(arg) => {
                let g = self.arg(arg, f, s)?;
                Ok(boolean(!s.truthy(g)))
            }
            Node::If(cond, then, otherwise) => {
                let c = self.arg(cond, f, s)?;
                self.arg(if s.truthy(c) { then } else { otherwise }, f, s)
            }
            Node::Lookup(l) => self.lookup(l, f, s),
            _ => self.owned(n, f, s),
        }
    }

    /// [`Lender::go`], leaves read in place rather than through another call.
    #[inline(always)]
    fn arg(&self, n: &'a Node, f: &Frame<'_, 'a>, s: &mut Scratch) -> Result<Got<'a>, Stop> {
        match n {
            Node::Const(v) => Ok(lent(v)),
            Node::Col(i) => Ok(f.cells.get(*i).copied().unwrap_or(Got::Null)),
            Node::Param(i) => Ok(f.params.get(*i).copied().unwrap_or(Got::Null)),
            other => self.go(other, f, s),
        }
    }

    /// Evaluates `nodes` in order: up to [`FEW`] into an array on the stack, more into a vector.
    fn all(&self, nodes: &'a [Node], f: &Frame<'_, 'a>, s: &mut Scratch) -> Result<Args<'a>, Stop> {
        if nodes.len() > FEW {
            let mut many = Vec::with_capacity(nodes.len());
            for n in nodes {
                many.push(self.arg(n, f, s)?);
            }
            return Ok(Args::Many(many));
        }
        let mut few = [Got::Null; FEW];
        for (slot, n) in few.iter_mut().zip(nodes) {
            *slot = self.arg(n, f, s)?;
        }
        Ok(Args::Few(few, nodes.len()))
    }

    /// A node the owned way: its parameters and (at the top) the row made whole first.
    #[inline(never)]
    fn owned(&self, n: &'a Node, f: &Frame<'_, 'a>, s: &mut Scratch) -> Result<Got<'a>, Stop> {
        let params: SmallVec<[Value; 4]> = f.params.iter().map(|g| s.value(*g)).collect();
        if f.top && !s.row_made {
            let row: Vec<Value> = f.cells.iter().map(|g| s.value(*g)).collect();
            s.row = row;
            s.row_made = true;
        }
        let row: &[Value] = if f.top { &s.row } else { &[] };
        let v = self.eval.run(n, row, self.cx, &params)?;
        Ok(s.own(v))
    }

    #[inline(never)]
    fn call(
        &self,
        b: &'static Builtin,
        args: &'a [Node],
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let got = self.all(args, f, s)?;
        call_with(b, &got, s)
    }

    /// A lending call decided at compile time: its first argument, then its op.
    fn lent_call(
        &self,
        c: &'a LentCall,
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let Some(first) = c.args.first() else {
            return Ok(Got::Null);
        };
        let x = self.arg(first, f, s)?;
        lent_with(c, Op::of(&c.op), x, s)
    }

    #[inline(never)]
    fn table(
        &self,
        t: usize,
        arg: &'a Node,
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let input = self.arg(arg, f, s)?;
        self.table_with(t, input, s)
    }

    /// A value table's entry for an input already evaluated.
    pub(super) fn table_with(
        &self,
        t: usize,
        input: Got<'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        if input == Got::Null {
            return Ok(Got::Null);
        }
        let v = {
            let key = s.text_of(input);
            if let Some(hit) = self.eval.table_entry(t, &key)? {
                return Ok(lent(hit));
            }
            self.eval.table_else(t, &key, &s.value(input))?
        };
        Ok(s.own(v))
    }

    fn func(
        &self,
        i: usize,
        args: &'a [Node],
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let Some(body) = self.eval.function(i) else {
            return Err(Stop::Reject("internal: a function is missing".into()));
        };
        let params = self.all(args, f, s)?;
        let inner = Frame {
            cells: &[],
            params: &params,
            top: false,
        };
        self.arg(body, &inner, s)
    }

    #[inline(never)]
    fn binary(
        &self,
        op: BinOp,
        lhs: &'a Node,
        rhs: &'a Node,
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        if op == BinOp::Coalesce {
            s.catching += 1;
            let first = self.arg(lhs, f, s);
            s.catching -= 1;
            return match first {
                Ok(Got::Null) | Err(Stop::Fail(_)) => self.arg(rhs, f, s),
                other => other,
            };
        }
        let a = self.arg(lhs, f, s)?;
        if op == BinOp::And && !s.truthy(a) {
            return Ok(boolean(false));
        }
        if op == BinOp::Or && s.truthy(a) {
            return Ok(boolean(true));
        }
        let b = self.arg(rhs, f, s)?;
        let v = eval::apply(op, &s.value(a), &s.value(b))?;
        Ok(s.own(v))
    }

    #[inline(never)]
    fn concat(
        &self,
        parts: &'a [Node],
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let mut buf = s.bufs.pop().unwrap_or_default();
        buf.clear();
        for p in parts {
            match self.arg(p, f, s) {
                Ok(g) => s.push_text(g, &mut buf),
                Err(stop) => {
                    s.bufs.push(buf);
                    return Err(stop);
                }
            }
        }
        let g = s.made(&buf);
        s.bufs.push(buf);
        Ok(g)
    }

    #[inline(never)]
    fn lookup(
        &self,
        l: &'a LookupNode,
        f: &Frame<'_, 'a>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        let key = self.all(&l.args, f, s)?;
        self.lookup_with(l, &key, self.column_rows(l), s)
    }

    /// The column a lookup reads, when it reads one.
    pub(super) fn column_rows(&self, l: &LookupNode) -> Option<ColumnRows<'a>> {
        self.index.column_rows(&l.source, l.column.as_deref()?)
    }

    /// A lookup by a key already evaluated.
    pub(super) fn lookup_with(
        &self,
        l: &'a LookupNode,
        key: &[Got<'a>],
        column: Option<ColumnRows<'a>>,
        s: &mut Scratch,
    ) -> Result<Got<'a>, Stop> {
        // The usual lookup, one text key into a source read by column, is lent from the index.
        if let (Some(_), [one]) = (&l.column, key) {
            if let Some(k) = s.str(*one) {
                if k.trim().is_empty() {
                    return Ok(Got::Null);
                }
                if let Some(v) = column.and_then(|c| c.get(k)) {
                    return Ok(lent(v));
                }
                let v = eval::missed(l, &[s.value(*one)], self.cx)?;
                return Ok(s.own(v));
            }
        }
        let values: SmallVec<[Value; 3]> = key.iter().map(|g| s.value(*g)).collect();
        if eval::no_key(&values) {
            return Ok(Got::Null);
        }
        let found = eval::Context::lookup(
            self.cx,
            &l.source,
            l.object.as_deref(),
            &values,
            l.column.as_deref(),
        );
        let v = match found {
            Some(v) => v,
            None => eval::missed(l, &values, self.cx)?,
        };
        Ok(s.own(v))
    }
}

/// A built-in on arguments already evaluated: lent when it can, else its own function.
pub(super) fn call_with<'a>(
    b: &Builtin,
    got: &[Got<'a>],
    s: &mut Scratch,
) -> Result<Got<'a>, Stop> {
    if b.null_in && matches!(got.first(), None | Some(Got::Null)) {
        return Ok(Got::Null);
    }
    if let Some(lend) = b.lend {
        if let Some(done) = lend_call(lend, got, s)? {
            return Ok(done);
        }
    }
    let values: SmallVec<[Value; 3]> = got.iter().map(|g| s.value(*g)).collect();
    let v = (b.f)(&values)?;
    Ok(s.own(v))
}

/// A lending call (`op` is its op) on its first argument, already evaluated.
pub(super) fn lent_with<'a>(
    c: &LentCall,
    op: Op,
    x: Got<'a>,
    s: &mut Scratch,
) -> Result<Got<'a>, Stop> {
    if x == Got::Null {
        return Ok(Got::Null);
    }
    if let Some(done) = op.on(x, s)? {
        return Ok(done);
    }
    // Not text: the built-in's own function, on the value made whole.
    let mut values: SmallVec<[Value; 3]> = SmallVec::new();
    values.push(s.value(x));
    for n in &c.args[1..] {
        values.push(match n {
            Node::Const(v) => v.clone(),
            _ => Value::Null,
        });
    }
    let v = (c.builtin.f)(&values)?;
    Ok(s.own(v))
}

/// What a lending built-in does to its text, its other arguments read.
#[derive(Clone, Copy)]
pub(super) enum Op<'s> {
    Part(Part<'s>),
    Lower,
    Upper,
    Email,
    UsPhone,
}

impl<'s> Op<'s> {
    pub(super) fn of(op: &'s LendOp) -> Op<'s> {
        match op {
            LendOp::Trim => Op::Part(Part::Trim),
            LendOp::Slice { left, n } => Op::Part(Part::Slice { left: *left, n: *n }),
            LendOp::Split { sep, before } => Op::Part(Part::Split {
                sep,
                before: *before,
            }),
            LendOp::Lower => Op::Lower,
            LendOp::Upper => Op::Upper,
            LendOp::Email => Op::Email,
            LendOp::UsPhone => Op::UsPhone,
        }
    }

    /// The op on a (non-null) result; None when it is not text, for the built-in's own
    /// function to do.
    pub(super) fn on<'a>(self, x: Got<'a>, s: &mut Scratch) -> Result<Option<Got<'a>>, Stop> {
        match self {
            Op::Part(part) => Ok(s.narrow(x, part)),
            Op::Lower => Ok(s.recase(x, LOWER)),
            Op::Upper => Ok(s.recase(x, UPPER)),
            Op::Email => {
                let Some(t) = s.str(x) else { return Ok(None) };
                if builtins::email_ok(t) {
                    return Ok(Some(x));
                }
                Err(s.fail(|| builtins::not_email(t)))
            }
            Op::UsPhone => {
                let Some(t) = s.str(x) else { return Ok(None) };
                match builtins::us_ten(t) {
                    Some(digits) => Ok(Some(s.own(builtins::us_phone_record(digits)))),
                    None => Err(s.fail(|| builtins::not_us_phone(t))),
                }
            }
        }
    }
}

/// A lending built-in on results already evaluated (the first one not null), its other
/// arguments not known until the row; None when it cannot lend them.
pub(super) fn lend_call<'a>(
    lend: Lend,
    got: &[Got<'a>],
    s: &mut Scratch,
) -> Result<Option<Got<'a>>, Stop> {
    let x = got.first().copied().unwrap_or(Got::Null);
    let second = got.get(1).copied().unwrap_or(Got::Null);
    let op = match lend {
        Lend::Trim => Op::Part(Part::Trim),
        Lend::Left | Lend::Right => Op::Part(Part::Slice {
            left: lend == Lend::Left,
            n: s.number(second).unwrap_or(0.0),
        }),
        Lend::Before | Lend::After => match second {
            Got::Str(sep) => Op::Part(Part::Split {
                sep,
                before: lend == Lend::Before,
            }),
            _ => return Ok(None),
        },
        Lend::Lower => Op::Lower,
        Lend::Upper => Op::Upper,
        Lend::Email => Op::Email,
        Lend::UsPhone => Op::UsPhone,
    };
    op.on(x, s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    const INPUTS: &[&str] = &[
        "",
        "  Ana  ",
        "ÉLODIE  dürer ",
        "ß straße",
        "03/14/1985",
        "a/b/c",
        "abcabc",
        "(555) 010-2233",
        "1-555-010-2233",
        " Ana@X.COM ",
        "x@y.co",
        "no-at-all",
        "two@@x.com",
        "ünï@çödé.de",
        "tab\there",
        "@x.com",
        "a@.com",
        "a@b.",
        "a@b.c",
        "a b@c.de",
        "Ünï@X.DE",
    ];

    const EXPRS: &[&str] = &[
        "v",
        "trim(v)",
        "lower(v)",
        "upper(v)",
        "left(v, 2)",
        "right(v, 3)",
        "left(v, 0)",
        "right(v, 40)",
        "after(v, \"/\")",
        "before(v, \"/\")",
        "after(v, \"bc\")",
        "before(v, \"\")",
        "after(v, \"ß\")",
        "email(v)",
        "us_phone(v)",
        "email(lower(trim(v))) ?? \"none\"",
        "us_phone(v) ?? null",
        "left(after(v, \"/\"), 2) ++ \"-\" ++ right(v, 4)",
        "trim(v) ++ \"|\" ++ upper(trim(v))",
        "lower(trim(v)) == \"ana\"",
        "if len(v) > 3 then upper(v) else lower(v)",
        "not (v == \"x@y.co\")",
        // Arguments known only on the row: the built-in lends what it can, per row.
        "left(v, len(v) - 2)",
        "after(v, left(v, 1))",
        "before(v, lower(right(v, 1)))",
    ];

    /// A model whose one map writes `expr` (over text column `v`) into a json field.
    fn model(expr: &str) -> crate::semantic::Model {
        let spec = format!(
            "migration \"t\" {{ from \"x\"  to twenty }}\n\
             source S from \"s.csv\" key id {{ id text  v text? }}\n\
             extend Person {{ probe json  sourceSystemId text unique }}\n\
             map S -> Person {{ identity sourceSystemId = id\n  probe = {expr}\n}}\n"
        );
        let c = crate::compile::compile_str("lend.map", &spec);
        c.model
            .unwrap_or_else(|| panic!("`{expr}` does not compile"))
    }

    /// Calls `f` with `expr` compiled over a row `[id, v]`, its evaluator, a lender and the
    /// context both evaluators share.
    fn with_lender<T>(expr: &str, f: impl FnOnce(&Node, &Evaluator, &Lender, &RowCx) -> T) -> T {
        let m = model(expr);
        let eval = Evaluator::new(&m);
        let a = m.maps[0].assignments.iter().find(|a| a.path == "probe");
        let node = eval.compile(&a.expect("probe").value, Some(&m.sources[0].columns));
        let index = Index::default();
        let unmatched = RefCell::new(BTreeMap::new());
        let cx = RowCx {
            row: &[],
            index: &index,
            default_owner: None,
            unmatched: &unmatched,
        };
        let lender = Lender {
            eval: &eval,
            index: &index,
            cx: &cx,
        };
        f(&node, &eval, &lender, &cx)
    }

    /// A row's cells as the lender sees them.
    fn cells_of<'v>(row: impl IntoIterator<Item = &'v Value>) -> Vec<Got<'v>> {
        row.into_iter()
            .map(|v| match v {
                Value::Text(t) => Got::Str(t),
                _ => Got::Null,
            })
            .collect()
    }

    /// Both evaluators on one row: the lent result made whole, and the owned one.
    fn both(expr: &str, v: Value) -> (Result<Value, Stop>, Result<Value, Stop>) {
        with_lender(expr, |node, eval, lender, cx| {
            let row = [Value::text_value("k"), v];
            let owned = eval.run(node, &row, cx, &[]);
            let mut s = Scratch::default();
            let cells = cells_of(&row);
            let lent = lender.get(node, &cells, &mut s).map(|g| s.value(g));
            (lent, owned)
        })
    }

    #[test]
    fn lending_means_what_the_owned_evaluator_means() {
        for &expr in EXPRS {
            for &input in INPUTS {
                let (lent, owned) = both(expr, Value::text_value(input));
                assert_eq!(lent, owned, "`{expr}` on {input:?}");
            }
            let (lent, owned) = both(expr, Value::Null);
            assert_eq!(lent, owned, "`{expr}` on null");
        }
    }

    /// Every expression on all the inputs as one block, against the owned evaluator row by row.
    #[test]
    fn blocks_mean_what_rows_mean() {
        use crate::run::vector::{Env, Vector};
        let mut rows: Vec<[Value; 2]> = INPUTS
            .iter()
            .map(|i| [Value::text_value("k"), Value::text_value(*i)])
            .collect();
        rows.push([Value::text_value("k"), Value::Null]);
        let cells = cells_of(rows.iter().flatten());
        for &expr in EXPRS {
            with_lender(expr, |node, eval, lender, cx| {
                let env = Env {
                    rows: rows.len(),
                    width: 2,
                    cells: &cells,
                    params: &[],
                    top: true,
                };
                let mut s = Scratch::default();
                // Odd rows, then even ones: rows outside a selection are left alone.
                for parity in [0, 1] {
                    let sel: Vec<u32> =
                        (0..rows.len() as u32).filter(|r| r % 2 == parity).collect();
                    let out = Vector::new(lender).eval(node, &sel, &env, &mut s);
                    for &r in &sel {
                        let owned = eval.run(node, &rows[r as usize], cx, &[]);
                        let lent = out[r as usize].clone().map(|g| s.value(g));
                        assert_eq!(lent, owned, "`{expr}` on row {r}");
                    }
                }
            });
        }
    }

    #[test]
    fn parts_of_made_text_are_found_in_the_scratch() {
        let (lent, owned) = both("trim(\" \" ++ v ++ \" \")", Value::text_value("a b"));
        assert_eq!(lent, Ok(Value::text_value("a b")));
        assert_eq!(lent, owned);
        let (lent, _) = both("after(lower(v), \"/\")", Value::text_value("A/B/C"));
        assert_eq!(lent, Ok(Value::text_value("b/c")));
    }

    #[test]
    fn a_failure_under_a_coalesce_is_caught_without_its_message() {
        let (lent, owned) = both("email(v)", Value::text_value("nope"));
        assert_eq!(lent, owned);
        assert!(matches!(lent, Err(Stop::Fail(m)) if m.contains("nope")));
        let (lent, _) = both("email(v) ?? \"caught\"", Value::text_value("nope"));
        assert_eq!(lent, Ok(Value::text_value("caught")));
    }
}
