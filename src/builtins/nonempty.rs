//! `nonempty(text)`: null when empty or blank.

use super::{arg, text, Builtin, Param};
use crate::eval::value::Value;

pub const NONEMPTY: Builtin = Builtin {
    name: "nonempty",
    params: &[Param::Text],
    summary: "null when empty or blank",
    examples: &[("nonempty(\"  \")", "null")],
    null_in: false,
    apply: |a| {
        Ok(match text(a, 0).trim() {
            "" => Value::Null,
            _ => arg(a, 0).clone(),
        })
    },
    ..Builtin::DEFAULT
};
