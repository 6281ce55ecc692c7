//! `starts_with(text, s)`: whether the text starts with s.

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const STARTS_WITH: Builtin = Builtin {
    name: "starts_with",
    params: &[Param::Text, Param::Text],
    returns: Returns::Bool,
    summary: "whether the text starts with s",
    examples: &[("starts_with(\"D0120\", \"D0\")", "true")],
    apply: |a| Ok(Value::Bool(text(a, 0).starts_with(&*text(a, 1)))),
    ..Builtin::DEFAULT
};
