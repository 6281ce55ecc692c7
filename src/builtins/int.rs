//! `int(text)`: parses an integer.

use super::{fail, text, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};

pub const INT: Builtin = Builtin {
    name: "int",
    params: &[Param::Text],
    returns: Returns::Int,
    fallible: true,
    summary: "parses an integer",
    examples: &[("int(\" 42 \")", "42")],
    apply: |a| parse_int(&text(a, 0)),
    ..Builtin::DEFAULT
};

/// A whole number, thousands separators allowed (`1,234`).
pub fn parse_int(s: &str) -> Eval {
    s.trim()
        .replace(',', "")
        .parse::<i64>()
        .map(Value::Int)
        .or_else(|_| fail(format!("not a whole number: {s:?}")))
}
