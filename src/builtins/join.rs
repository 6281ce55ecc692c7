//! `join(list, sep)`: joins a list with a separator.

use super::{arg, text, Builtin, Param};
use crate::eval::value::Value;

pub const JOIN: Builtin = Builtin {
    name: "join",
    params: &[Param::List, Param::Text],
    summary: "joins a list with a separator",
    examples: &[("join([\"a\", \"b\"], \", \")", "\"a, b\"")],
    apply: |a| Ok(join(arg(a, 0), &text(a, 1))),
    ..Builtin::DEFAULT
};

fn join(list: &Value, sep: &str) -> Value {
    match list {
        Value::List(items) => Value::text_value(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(Value::text)
                .collect::<Vec<_>>()
                .join(sep),
        ),
        other => Value::text_value(other.text()),
    }
}
