//! `coalesce(a, b, …)`: the first non-null argument.

use super::{Builtin, Param, Returns};
use crate::eval::value::Value;

pub const COALESCE: Builtin = Builtin {
    name: "coalesce",
    params: &[Param::Any],
    variadic: true,
    returns: Returns::Arguments,
    summary: "the first non-null argument",
    examples: &[("coalesce(null, \"b\")", "\"b\"")],
    null_in: false,
    apply: |a| {
        Ok(a.iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null))
    },
    ..Builtin::DEFAULT
};
