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

#[cfg(test)]
mod tests {
    use crate::eval::index::{Index, RowContext};
    use crate::eval::owned::Evaluator;
    use crate::eval::value::{Eval, Stop, Value};
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// `expr` (over text column `v`) evaluated the owned way on a row whose `v` is `input`.
    fn eval(expr: &str, input: Option<&str>) -> Eval {
        let spec = format!(
            "migration \"t\" {{ from \"x\"  to twenty }}\n\
             source S from \"s.csv\" key id {{ id text  v text? }}\n\
             values Tag {{ \"a\" => VIP  \"b\" => NEW  \"B\" => NEW  \"n\" => null  else => reject \"unknown tag {{}}\" }}\n\
             values Review {{ \"a\" => VIP  else => hold \"review {{}}\" }}\n\
             values Gone {{ \"a\" => VIP  else => skip }}\n\
             values Keep {{ \"a\" => VIP  else => keep }}\n\
             values Other {{ \"a\" => VIP  else => OTHER }}\n\
             fn strict(t: text) = if t == \"bad\" then reject \"bad tag\" else Review(t)\n\
             extend Person {{ probe json  sourceSystemId text unique }}\n\
             map S -> Person {{ identity sourceSystemId = id\n  probe = {expr}\n}}\n"
        );
        let c = crate::compile::compile_str("each.map", &spec);
        let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "`{expr}`: {errors:?}");
        let m = c.ir.expect("a program");
        let value = &m.maps[0]
            .assignments
            .iter()
            .find(|a| a.path.dotted == "probe")
            .expect("probe")
            .value;
        let index = Index::new(&m, []);
        let unmatched = RefCell::new(BTreeMap::new());
        let resolver = RowContext {
            index: &index,
            default_owner: None,
            unmatched: &unmatched,
        };
        let row = [
            Value::text_value("k"),
            input.map_or(Value::Null, Value::text_value),
        ];
        Evaluator::new(&m).eval(value, &row, &resolver, &[])
    }

    fn texts(items: &[&str]) -> Eval {
        Ok(Value::List(
            items.iter().map(|t| Value::text_value(*t)).collect(),
        ))
    }

    const TAGS: &str = "split(v, \";\") | Tag";

    #[test]
    fn a_table_applies_to_each_element_in_order() {
        assert_eq!(eval(TAGS, Some("a")), texts(&["VIP"]));
        assert_eq!(eval(TAGS, Some("b;a")), texts(&["NEW", "VIP"]));
        assert_eq!(
            eval("Tag(split(v, \";\"))", Some("a;b")),
            texts(&["VIP", "NEW"])
        );
    }

    #[test]
    fn nulls_and_repeats_are_left_out() {
        assert_eq!(eval(TAGS, Some("a;n;b;B;a")), texts(&["VIP", "NEW"]));
        assert_eq!(eval("[v, null, v] | Tag", Some("a")), texts(&["VIP"]));
    }

    #[test]
    fn an_empty_list_stays_empty_and_a_null_one_null() {
        assert_eq!(eval(TAGS, Some(" ; ")), texts(&[]));
        assert_eq!(eval(TAGS, Some("n")), texts(&[]));
        assert_eq!(eval(TAGS, None), Ok(Value::Null));
        assert_eq!(eval("[] | Tag", None), texts(&[]));
    }

    #[test]
    fn an_elements_stop_is_the_rows_and_the_worst_wins() {
        let reject = Err(Stop::Reject("unknown tag zzz".into()));
        assert_eq!(eval(TAGS, Some("a;zzz")), reject);
        let hold = Err(Stop::Hold("review zzz".into()));
        assert_eq!(eval("split(v, \";\") | Review", Some("a;zzz")), hold);
        let skip = eval("split(v, \";\") | Gone", Some("a;zzz"));
        assert!(matches!(skip, Err(Stop::Skip(_))), "{skip:?}");
        // Held by one element and rejected by another, in either order: rejected.
        let strict = "split(v, \";\") | strict";
        let bad = Err(Stop::Reject("bad tag".into()));
        assert_eq!(eval(strict, Some("zzz;bad")), bad);
        assert_eq!(eval(strict, Some("bad;zzz")), bad);
    }

    #[test]
    fn keep_and_a_literal_else_keep_the_element() {
        assert_eq!(
            eval("split(v, \";\") | Keep", Some("a;x")),
            texts(&["VIP", "x"])
        );
        assert_eq!(
            eval("split(v, \";\") | Other", Some("a;x;y")),
            texts(&["VIP", "OTHER"])
        );
    }

    #[test]
    fn built_ins_and_functions_apply_to_each_element_with_their_other_arguments() {
        assert_eq!(
            eval("split(v, \",\") | upper", Some("ab, cd")),
            texts(&["AB", "CD"])
        );
        assert_eq!(
            eval("split(v, \",\") | left(1)", Some("ab, cd")),
            texts(&["a", "c"])
        );
        assert_eq!(
            eval("split(v, \",\") | concat(\"#\", v)", Some("x,y")),
            texts(&["x#x,y", "y#x,y"])
        );
        let lengths = eval("split(v, \",\") | len", Some("ab,c"));
        assert_eq!(lengths, Ok(Value::List(vec![Value::Int(2), Value::Int(1)])));
        assert_eq!(
            eval("join(split(v, \",\") | Tag, \"+\")", Some("a,b")),
            Ok(Value::text_value("VIP+NEW"))
        );
    }
}
