//! `split(text, sep)`: splits, trims, drops empties and duplicates (tags).

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const SPLIT: Builtin = Builtin {
    name: "split",
    params: &[Param::Text, Param::Text],
    returns: Returns::TextList,
    summary: "splits, trims, drops empties and duplicates",
    examples: &[("split(\"vip; vip ;new\", \";\")", "[\"vip\", \"new\"]")],
    apply: |a| Ok(split(&text(a, 0), &text(a, 1))),
    ..Builtin::DEFAULT
};

fn split(s: &str, sep: &str) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for part in s.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
        let v = Value::text_value(part);
        if !out.contains(&v) {
            out.push(v);
        }
    }
    Value::List(out)
}
