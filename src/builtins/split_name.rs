//! `split_name(text)`: splits a full name at the last space.

use super::{text, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const SPLIT_NAME: Builtin = Builtin {
    name: "split_name",
    params: &[Param::Text],
    returns: Returns::Composite("full_name"),
    summary: "splits a full name at the last space",
    examples: &[(
        "split_name(\"Jane Q. Doe\")",
        "{\"firstName\": \"Jane Q.\", \"lastName\": \"Doe\"}",
    )],
    apply: |a| {
        let full = text(a, 0);
        let t = full.trim();
        let (first, last) = match t.rsplit_once(' ') {
            Some((f, l)) => (f.trim(), l),
            None => (t, ""),
        };
        Ok(Value::Record(vec![
            ("firstName".into(), Value::text_value(first)),
            ("lastName".into(), Value::text_value(last)),
        ]))
    },
    ..Builtin::DEFAULT
};
