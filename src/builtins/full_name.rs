//! `full_name(first, last)`: a full_name composite.

use super::{arg, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const FULL_NAME: Builtin = Builtin {
    name: "full_name",
    params: &[Param::Text, Param::Text],
    returns: Returns::Composite("full_name"),
    summary: "a full_name composite",
    examples: &[(
        "full_name(\"Ana\", \"Kim\")",
        "{\"firstName\": \"Ana\", \"lastName\": \"Kim\"}",
    )],
    apply: |a| {
        Ok(Value::Record(vec![
            ("firstName".into(), arg(a, 0).clone()),
            ("lastName".into(), arg(a, 1).clone()),
        ]))
    },
    ..Builtin::DEFAULT
};
