//! `contains(text, s)`: whether the text contains s.

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const CONTAINS: Builtin = Builtin {
    name: "contains",
    params: &[Param::Text, Param::Text],
    returns: Returns::Bool,
    summary: "whether the text contains s",
    examples: &[("contains(\"Follow-up\", \"up\")", "true")],
    apply: |a| Ok(Value::Bool(text(a, 0).contains(&*text(a, 1)))),
    ..Builtin::DEFAULT
};
