//! `ends_with(text, s)`: whether the text ends with s.

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const ENDS_WITH: Builtin = Builtin {
    name: "ends_with",
    params: &[Param::Text, Param::Text],
    returns: Returns::Bool,
    summary: "whether the text ends with s",
    examples: &[("ends_with(\"x.pdf\", \".pdf\")", "true")],
    apply: |a| Ok(Value::Bool(text(a, 0).ends_with(&*text(a, 1)))),
    ..Builtin::DEFAULT
};
