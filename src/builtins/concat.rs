//! `concat(a, b, …)`: joins the non-null arguments.

use super::{ok_text, Builtin, Param};
use crate::eval::value::{Str, Value};

pub const CONCAT: Builtin = Builtin {
    name: "concat",
    params: &[Param::Value],
    variadic: true,
    summary: "joins the non-null arguments",
    examples: &[("concat(\"Dr. \", null, \"Kim\")", "\"Dr. Kim\"")],
    null_in: false,
    apply: |a| {
        ok_text(
            a.iter()
                .filter(|v| !v.is_null())
                .map(Value::text)
                .collect::<Str>(),
        )
    },
    ..Builtin::DEFAULT
};
