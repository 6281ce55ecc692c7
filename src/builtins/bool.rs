//! `bool(text)`: parses true/false/yes/no/y/n/1/0.

use super::{fail, text, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};

pub const BOOL: Builtin = Builtin {
    name: "bool",
    params: &[Param::Text],
    returns: Returns::Bool,
    fallible: true,
    summary: "parses true/false/yes/no/y/n/1/0",
    examples: &[("bool(\"Yes\")", "true")],
    apply: |a| parse_bool(&text(a, 0)),
    ..Builtin::DEFAULT
};

pub fn parse_bool(s: &str) -> Eval {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Ok(Value::Bool(true)),
        "false" | "no" | "n" | "0" | "f" => Ok(Value::Bool(false)),
        _ => fail(format!("not a yes/no value: {s:?}")),
    }
}
