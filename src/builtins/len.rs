//! `len(text)`: length in characters.

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const LEN: Builtin = Builtin {
    name: "len",
    params: &[Param::Text],
    returns: Returns::Int,
    summary: "length in characters",
    examples: &[("len(\"José\")", "4")],
    apply: |a| Ok(Value::Int(text(a, 0).chars().count() as i64)),
    ..Builtin::DEFAULT
};
