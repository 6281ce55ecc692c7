//! Evaluation that lends instead of copying: how create steps evaluate their rows.
//!
//! [`Evaluator::run`] gives every node's result as an owned [`Value`]: reading a column copies
//! it, `trim` makes a new string, a value table's entry is cloned, and each is dropped again a
//! node later. Here a result is a [`NodeValue`]: text lent by the row, a constant, a value table or the
//! index, or made once into the row's [`Scratch`] and referred to by position. `trim`, `left`,
//! `right`, `before`, `after` and `email` then copy nothing, `++` copies its parts once, and
//! nothing is dropped per node.
//!
//! This module holds the results, the scratch and the lending built-ins; `vector.rs` walks the
//! nodes, a block of rows at a time. What has no lending form (arithmetic, comparisons, lists,
//! records, owners, built-ins called with arguments known only on the row) goes to
//! [`Evaluator::run`] or the built-in's own function with the values made whole, so both
//! evaluators mean exactly the same; the engine's tests run every seed migration both ways and
//! compare the files byte for byte.

use crate::builtins::{us_phone, Builtin};
use crate::eval::index::RowContext;
use crate::eval::index::{ColumnRows, Index};
use crate::eval::node::{LentCall, LookupNode};
use crate::eval::owned::{self, Evaluator};
use crate::eval::shape::{write_str, write_value};
use crate::eval::typing::{lends_as_is, type_value, RawRef, TypeError};
use crate::eval::value::{Stop, Value};
use crate::eval::vector::R;
use crate::ir::{Column, LookupTarget};
use smallvec::SmallVec;
use std::borrow::Cow;

/// A node's result, lent or made into the row's scratch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NodeValue<'a> {
    Null,
    /// Text lent by the row, a constant, a value table or the index.
    Str(&'a str),
    /// Text made for this row: a range of the scratch's text.
    Made(usize, usize),
    /// A value other than text and null, lent.
    Val(&'a Value),
    /// A value other than text and null made for this row: the scratch's values, by position.
    Own(usize),
    /// A US phone record (`us_phone`) made for this row, kept as its ten digits (a range of the
    /// scratch's text): it is made for nearly every row of a contact export, and as a value it
    /// costs an allocation, a drop and a walk to write.
    Phone(usize, usize),
}

static TRUE: Value = Value::Bool(true);
static FALSE: Value = Value::Bool(false);

pub(crate) fn boolean<'a>(b: bool) -> NodeValue<'a> {
    NodeValue::Val(if b { &TRUE } else { &FALSE })
}

/// A value, lent: text and null get their own forms, so every other variant is neither.
pub fn lent(v: &Value) -> NodeValue<'_> {
    match v {
        Value::Null => NodeValue::Null,
        Value::Text(t) => NodeValue::Str(t),
        other => NodeValue::Val(other),
    }
}

/// What one row's evaluation made: cleared for the next row, its buffers kept.
#[derive(Default)]
pub struct Scratch {
    text: String,
    values: Vec<Value>,
    /// How many `??` the node being evaluated sits under: a failure there is caught and its
    /// message never read, so it is not written either.
    catching: u32,
}

impl Scratch {
    pub fn clear(&mut self) {
        self.text.clear();
        self.values.clear();
    }

    /// Evaluates with failures' messages left out (inside the left side of a `??`) or not.
    pub(crate) fn catch(&mut self, on: bool) {
        if on {
            self.catching += 1;
        } else {
            self.catching -= 1;
        }
    }

    /// Keeps a value made for this row.
    pub fn own<'a>(&mut self, v: Value) -> NodeValue<'a> {
        match v {
            Value::Null => NodeValue::Null,
            Value::Text(t) => self.made(&t),
            other => {
                self.values.push(other);
                NodeValue::Own(self.values.len() - 1)
            }
        }
    }

    /// Keeps a US phone record made for this row from its ten digits.
    pub(crate) fn phone<'a>(&mut self, digits: &[u8; 10]) -> NodeValue<'a> {
        let at = self.text.len();
        // ASCII digits: always UTF-8.
        self.text
            .push_str(std::str::from_utf8(digits).unwrap_or_default());
        NodeValue::Phone(at, self.text.len())
    }

    /// Keeps text made for this row.
    pub(crate) fn made<'a>(&mut self, t: &str) -> NodeValue<'a> {
        let at = self.text.len();
        self.text.push_str(t);
        NodeValue::Made(at, self.text.len())
    }

    /// The text of a text result; None for null and other values.
    pub fn str<'s>(&'s self, result: NodeValue<'s>) -> Option<&'s str> {
        match result {
            NodeValue::Str(t) => Some(t),
            NodeValue::Made(a, b) => self.text.get(a..b),
            _ => None,
        }
    }

    /// [`Value::text`] of a result: what `++`, keys and value tables read.
    pub fn text_of<'s>(&'s self, result: NodeValue<'s>) -> Cow<'s, str> {
        match result {
            NodeValue::Null => Cow::Borrowed(""),
            NodeValue::Str(_) | NodeValue::Made(..) => {
                Cow::Borrowed(self.str(result).unwrap_or_default())
            }
            NodeValue::Val(v) => v.text(),
            NodeValue::Own(i) => self.values.get(i).map(Value::text).unwrap_or_default(),
            NodeValue::Phone(..) => Cow::Owned(self.value(result).text().into_owned()),
        }
    }

    /// A result made whole, for what only takes values.
    pub fn value(&self, result: NodeValue) -> Value {
        match result {
            NodeValue::Null => Value::Null,
            NodeValue::Str(_) | NodeValue::Made(..) => {
                Value::text_value(self.str(result).unwrap_or_default())
            }
            NodeValue::Val(v) => v.clone(),
            NodeValue::Own(i) => self.values.get(i).cloned().unwrap_or(Value::Null),
            NodeValue::Phone(a, b) => {
                us_phone::record(self.text.get(a..b).unwrap_or_default().into())
            }
        }
    }

    fn other<'s>(&'s self, result: NodeValue<'s>) -> Option<&'s Value> {
        match result {
            NodeValue::Val(v) => Some(v),
            NodeValue::Own(i) => self.values.get(i),
            _ => None,
        }
    }

    pub fn truthy(&self, result: NodeValue) -> bool {
        self.other(result).is_some_and(owned::truthy)
    }

    /// Writes a result as JSON, as [`write_value`] writes its value.
    pub fn write(&self, out: &mut Vec<u8>, result: NodeValue) {
        match result {
            NodeValue::Null => out.extend_from_slice(b"null"),
            NodeValue::Str(_) | NodeValue::Made(..) => {
                write_str(out, self.str(result).unwrap_or_default())
            }
            NodeValue::Val(v) => write_value(out, v),
            NodeValue::Own(i) => write_value(out, self.values.get(i).unwrap_or(&Value::Null)),
            NodeValue::Phone(a, b) => {
                us_phone::write_record(out, self.text.get(a..b).unwrap_or_default())
            }
        }
    }

    /// The part `part` picks of a text result (null for none), as a result of the same kind;
    /// None if `result` is not text.
    pub(crate) fn narrow<'a>(
        &self,
        result: NodeValue<'a>,
        part: impl for<'t> Fn(&'t str) -> Option<&'t str>,
    ) -> Option<NodeValue<'a>> {
        Some(match result {
            NodeValue::Str(t) => part(t).map_or(NodeValue::Null, NodeValue::Str),
            NodeValue::Made(a, b) => {
                let t = self.text.get(a..b)?;
                match part(t) {
                    Some(p) => {
                        // `p` lies inside `t`: its place is found from the pointers.
                        let at = a + (p.as_ptr() as usize - t.as_ptr() as usize);
                        NodeValue::Made(at, at + p.len())
                    }
                    None => NodeValue::Null,
                }
            }
            _ => return None,
        })
    }

    /// A text result changed by `f`, which lends its input back when nothing changes.
    fn remake<'a>(
        &mut self,
        result: NodeValue<'a>,
        f: fn(&str) -> Cow<'_, str>,
    ) -> Option<NodeValue<'a>> {
        let changed = match f(self.str(result)?) {
            Cow::Borrowed(_) => return Some(result),
            Cow::Owned(s) => s,
        };
        Some(self.made(&changed))
    }

    /// A text result changed by `apply`, ASCII text changed in place by `ascii` when `apply` would only
    /// change its ASCII letters (no allocation for the usual case).
    pub(crate) fn recase<'a>(
        &mut self,
        result: NodeValue<'a>,
        case: Case,
    ) -> Option<NodeValue<'a>> {
        let t = self.str(result)?;
        if !t.is_ascii() {
            return self.remake(result, case.apply);
        }
        if !t.bytes().any(case.changes) {
            return Some(result);
        }
        let at = self.text.len();
        match result {
            NodeValue::Str(t) => self.text.push_str(t),
            NodeValue::Made(a, b) => self.text.extend_from_within(a..b),
            _ => return None,
        }
        (case.ascii)(&mut self.text[at..]);
        Some(NodeValue::Made(at, self.text.len()))
    }

    pub(crate) fn push_text(&self, result: NodeValue, out: &mut String) {
        out.push_str(&self.text_of(result));
    }

    /// A failure's stop: without its message when a `??` will catch it.
    pub(crate) fn fail(&self, why: impl FnOnce() -> Stop) -> Stop {
        if self.catching > 0 {
            Stop::Fail(String::new())
        } else {
            why()
        }
    }
}

/// `lower` or `upper`: the built-in, which ASCII bytes it changes, and how, in place.
#[derive(Clone, Copy)]
pub struct Case {
    pub apply: fn(&str) -> Cow<'_, str>,
    pub changes: fn(u8) -> bool,
    pub ascii: fn(&mut str),
}

/// Types a row's values for lending into `out`: text as read is lent as it is; what typing
/// changes (a default for an empty value, a number, a date) is made into the scratch.
pub fn cells<'a>(
    columns: &[Column],
    raw: impl Iterator<Item = RawRef<'a>>,
    s: &mut Scratch,
    out: &mut Vec<NodeValue<'a>>,
) -> Result<(), TypeError> {
    out.clear();
    let mut raw = raw.fuse();
    for c in columns {
        let got = match raw.next().unwrap_or(RawRef::Missing) {
            RawRef::Text(t) if lends_as_is(c, t) => NodeValue::Str(t),
            // Empty optional columns are common: their null is made here, not in the scratch.
            other => match type_value(c, other)? {
                Value::Null => NodeValue::Null,
                v => s.own(v),
            },
        };
        out.push(got);
    }
    Ok(())
}

/// What lending reads beyond the row: the value tables and functions, the index, and the
/// context the owned evaluator is given for what has no lending form.
pub(crate) struct Lender<'a> {
    pub eval: &'a Evaluator<'a>,
    pub index: &'a Index,
    /// Owners, the default owner and what the owned way asks; its row is never read.
    pub resolver: &'a RowContext<'a>,
}

impl<'a> Lender<'a> {
    /// A value table's entry for an input already evaluated.
    pub(crate) fn table_with(
        &self,
        t: usize,
        input: NodeValue<'a>,
        s: &mut Scratch,
    ) -> Result<NodeValue<'a>, Stop> {
        if input == NodeValue::Null {
            return Ok(NodeValue::Null);
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

    /// The column a lookup reads, when it reads one.
    pub(crate) fn column_rows(&self, l: &LookupNode) -> Option<ColumnRows<'a>> {
        match l.target {
            LookupTarget::Column { column } => self.index.column_rows(l.source, column),
            LookupTarget::Record { .. } => None,
        }
    }

    /// A lookup by a key already evaluated.
    pub(crate) fn lookup_with(
        &self,
        l: &'a LookupNode,
        key: &[NodeValue<'a>],
        column: Option<ColumnRows<'a>>,
        s: &mut Scratch,
    ) -> Result<NodeValue<'a>, Stop> {
        // The usual lookup, one text key into a source read by column, is lent from the index.
        if let (LookupTarget::Column { .. }, [one]) = (l.target, key) {
            if let Some(k) = s.str(*one) {
                if k.trim().is_empty() {
                    return Ok(NodeValue::Null);
                }
                if let Some(v) = column.and_then(|c| c.get(k)) {
                    return Ok(lent(v));
                }
                let v = self.eval.missed(l, &[s.value(*one)], self.resolver)?;
                return Ok(s.own(v));
            }
        }
        let values: SmallVec<[Value; 3]> = key.iter().map(|result| s.value(*result)).collect();
        if owned::no_key(&values) {
            return Ok(NodeValue::Null);
        }
        let v = match owned::Resolver::lookup(self.resolver, l.source, l.target, &values) {
            Some(v) => v,
            None => self.eval.missed(l, &values, self.resolver)?,
        };
        Ok(s.own(v))
    }
}

/// A built-in on arguments already evaluated, by its own function. (Lending built-ins whose
/// later arguments are constants are [`LentCall`]s; called with arguments known only on the
/// row, a rare form, they come this way too.)
pub(crate) fn call_with<'a>(
    b: &Builtin,
    got: &[NodeValue<'a>],
    s: &mut Scratch,
) -> Result<NodeValue<'a>, Stop> {
    if b.null_in && matches!(got.first(), None | Some(NodeValue::Null)) {
        return Ok(NodeValue::Null);
    }
    let values: SmallVec<[Value; 3]> = got.iter().map(|result| s.value(*result)).collect();
    let v = (b.apply)(&values)?;
    Ok(s.own(v))
}

/// A lending call's rows, a block at a time: each selected row's result of the call's first
/// argument becomes the call's own, in place. A built-in's lending form (`builtins::LendFn`)
/// says what it does to one row's text; the loop over the rows is here, made once per
/// built-in, so the rows of a block cost one call into it, not one each.
pub struct Lending<'r, 'a> {
    results: &'r mut [R<'a>],
    sel: &'r [u32],
    call: &'r LentCall,
    scratch: &'r mut Scratch,
}

impl<'r, 'a> Lending<'r, 'a> {
    pub(crate) fn new(
        results: &'r mut [R<'a>],
        sel: &'r [u32],
        call: &'r LentCall,
        scratch: &'r mut Scratch,
    ) -> Lending<'r, 'a> {
        Lending {
            results,
            sel,
            call,
            scratch,
        }
    }

    /// The call's result on each selected row by `on_text`, given the row's (non-null) first
    /// argument, the call's constants and the scratch: `None` when it is not text, for the
    /// built-in's own function to do on the value made whole. Null gives null; a row whose
    /// argument failed keeps its failure.
    #[inline]
    pub fn each(
        &mut self,
        mut on_text: impl FnMut(
            NodeValue<'a>,
            &[Value],
            &mut Scratch,
        ) -> Result<Option<NodeValue<'a>>, Stop>,
    ) {
        for &r in self.sel {
            let Some(slot) = self.results.get_mut(r as usize) else {
                continue;
            };
            let Ok(x) = *slot else { continue };
            *slot = match x {
                NodeValue::Null => Ok(NodeValue::Null),
                x => match on_text(x, &self.call.consts, self.scratch) {
                    Ok(Some(done)) => Ok(done),
                    Ok(None) => by_value(self.call, x, self.scratch),
                    Err(stop) => Err(stop),
                },
            };
        }
    }
}

/// A lending call on a value that is not text: the built-in's own function, on it made whole.
#[inline(never)]
fn by_value<'a>(c: &LentCall, x: NodeValue<'a>, s: &mut Scratch) -> R<'a> {
    let mut values: SmallVec<[Value; 3]> = SmallVec::new();
    values.push(s.value(x));
    values.extend(c.consts.iter().cloned());
    let v = (c.builtin.apply)(&values)?;
    Ok(s.own(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::node::Node;
    use crate::eval::vector::{Env, Vector};
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
        "$1,234.50",
        "-0.000001",
        "12,34",
        "99999999999999999.99",
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
        // Exact decimals, their failures caught or not.
        "decimal(v)",
        "micros(decimal(v)) ?? -1",
        "decimal(v) * 3 ++ \"|\" ++ (decimal(v) / 7 ?? 0)",
        "money(decimal(v) ?? 0.1 + 0.2, \"USD\")",
        "decimal(v) / (len(v) - 5)",
        "round(decimal(v) ?? 2.345, 2) == 2.35",
        // Lists, element by element: by the owned evaluator, a row at a time.
        "split(v, \"/\") | upper",
        "join(split(v, \"/\") | left(1), \"+\") ++ \"|\" ++ lower(v)",
        "split(v, \",\") | decimal ?? null",
        "split(v, \"@\") | email ?? [\"none\"]",
    ];

    /// A model whose one map writes `expr` (over text column `v`) into a json field.
    fn model(expr: &str) -> crate::ir::Program {
        let spec = format!(
            "migration \"t\" {{ from \"x\"  to twenty }}\n\
             source S from \"s.csv\" key id {{ id text  v text? }}\n\
             extend Person {{ probe json  sourceSystemId text unique }}\n\
             map S -> Person {{ identity sourceSystemId = id\n  probe = {expr}\n}}\n"
        );
        let c = crate::compile::compile_str("lend.map", &spec);
        c.ir.unwrap_or_else(|| panic!("`{expr}` does not compile"))
    }

    /// Calls `f` with `expr` compiled over a row `[id, v]`, its evaluator, a lender and the
    /// context both evaluators share.
    fn with_lender<T>(
        expr: &str,
        f: impl FnOnce(&Node, &Evaluator, &Lender, &RowContext) -> T,
    ) -> T {
        let m = model(expr);
        let eval = Evaluator::new(&m);
        let a = m.maps[0]
            .assignments
            .iter()
            .find(|a| a.path.dotted == "probe");
        let node = Node::compile(&a.expect("probe").value);
        let index = Index::new(&m, []);
        let unmatched = RefCell::new(BTreeMap::new());
        let resolver = RowContext {
            index: &index,
            default_owner: None,
            unmatched: &unmatched,
        };
        let lender = Lender {
            eval: &eval,
            index: &index,
            resolver: &resolver,
        };
        f(&node, &eval, &lender, &resolver)
    }

    /// A row's cells as the lender sees them.
    fn cells_of<'v>(row: impl IntoIterator<Item = &'v Value>) -> Vec<NodeValue<'v>> {
        row.into_iter()
            .map(|v| match v {
                Value::Text(t) => NodeValue::Str(t),
                _ => NodeValue::Null,
            })
            .collect()
    }

    /// Both evaluators on one row: the lent result (a block of that one row) made whole, and
    /// the owned one.
    fn both(expr: &str, v: Value) -> (Result<Value, Stop>, Result<Value, Stop>) {
        with_lender(expr, |node, eval, lender, resolver| {
            let row = [Value::text_value("k"), v];
            let owned = eval.run(node, &row, resolver, &[]);
            let cells = cells_of(&row);
            let env = Env {
                rows: 1,
                width: 2,
                cells: &cells,
                params: &[],
            };
            let mut s = Scratch::default();
            let out = Vector::new(lender).eval(node, &[0], &env, &mut s);
            let lent = out[0].clone().map(|result| s.value(result));
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
        let mut rows: Vec<[Value; 2]> = INPUTS
            .iter()
            .map(|i| [Value::text_value("k"), Value::text_value(*i)])
            .collect();
        rows.push([Value::text_value("k"), Value::Null]);
        let cells = cells_of(rows.iter().flatten());
        for &expr in EXPRS {
            with_lender(expr, |node, eval, lender, resolver| {
                let env = Env {
                    rows: rows.len(),
                    width: 2,
                    cells: &cells,
                    params: &[],
                };
                let mut s = Scratch::default();
                // Odd rows, then even ones: rows outside a selection are left alone.
                for parity in [0, 1] {
                    let sel: Vec<u32> =
                        (0..rows.len() as u32).filter(|r| r % 2 == parity).collect();
                    let out = Vector::new(lender).eval(node, &sel, &env, &mut s);
                    for &r in &sel {
                        let owned = eval.run(node, &rows[r as usize], resolver, &[]);
                        let lent = out[r as usize].clone().map(|result| s.value(result));
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
