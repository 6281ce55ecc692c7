//! A value table, user function or built-in applied to each element of a list
//! (`split(tags, ";") | Tag`, [`Node::Each`]): what the language means by a pipe into something
//! that takes one value when a list comes down it.
//!
//! The result is a list of the results in the list's order, without nulls (a null element is
//! not applied to, and a null result is left out) or repeats (two inputs a table maps to the
//! same option give it once), as `split` gives its parts; an empty list gives an empty list and
//! a null list null. An element that stops (a table's `else => reject`, a failure) stops the
//! whole value, with the worst stop among all the elements ([`Worst`]): one tag to reject and
//! one to hold rejects the row, whichever comes first.
//!
//! Only the owned evaluator implements it: the block evaluator hands it here row by row
//! (`vector.rs`), as it does lists, so the two cannot mean different things.

use crate::eval::node::{Applied, EachNode};
use crate::eval::owned::{Evaluator, Resolver};
use crate::eval::value::{Eval, Stop, Value, Worst};
use smallvec::SmallVec;

impl Evaluator<'_> {
    /// `e.apply` on each element of `e.list`, the list and then the other arguments evaluated
    /// first, left to right, as a call's arguments are.
    pub(crate) fn each(
        &self,
        e: &EachNode,
        row: &[Value],
        resolver: &dyn Resolver,
        params: &[Value],
    ) -> Eval {
        let list = self.run(&e.list, row, resolver, params)?;
        let rest = self.all(&e.args, row, resolver, params)?;
        let items = match list {
            Value::Null => return Ok(Value::Null),
            Value::List(items) => items,
            // The checker applies element-wise only to lists; one value is a list of one.
            one => vec![one],
        };
        let mut out: Vec<Value> = Vec::with_capacity(items.len());
        let mut worst = Worst::default();
        for item in items.into_iter().filter(|v| !v.is_null()) {
            match self.apply_one(e.apply, item, &rest, resolver) {
                Ok(Value::Null) => {}
                Ok(v) if out.contains(&v) => {}
                Ok(v) => out.push(v),
                Err(stop) => {
                    if worst.add(stop) {
                        break;
                    }
                }
            }
        }
        match worst.0 {
            Some(stop) => Err(stop),
            None => Ok(Value::List(out)),
        }
    }

    fn apply_one(
        &self,
        apply: Applied,
        item: Value,
        rest: &[Value],
        resolver: &dyn Resolver,
    ) -> Eval {
        let mut args: SmallVec<[Value; 4]> = SmallVec::with_capacity(rest.len() + 1);
        args.push(item);
        args.extend(rest.iter().cloned());
        match apply {
            Applied::Table(t) => self.table(t, &args[0]),
            Applied::Builtin(b) => b.call(&args),
            Applied::Func(f) => match self.function(f) {
                // A function's body sees its parameters, not the caller's row.
                Some(body) => self.run(body, &[], resolver, &args),
                None => Err(Stop::Reject("internal: a function is missing".into())),
            },
        }
    }
}
