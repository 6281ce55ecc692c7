//! `decimal(text)`: parses a decimal (1,234.50 accepted).

use super::{fail, text, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};

pub const DECIMAL: Builtin = Builtin {
    name: "decimal",
    params: &[Param::Text],
    returns: Returns::Decimal,
    fallible: true,
    summary: "parses a decimal (1,234.50 accepted)",
    examples: &[("decimal(\"1,234.50\")", "1234.5")],
    apply: |a| parse_decimal(&text(a, 0)),
    ..Builtin::DEFAULT
};

pub fn parse_decimal(s: &str) -> Eval {
    let cleaned: String = s.trim().chars().filter(|c| *c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(d) if d.is_finite() => Ok(Value::Dec(d)),
        _ => fail(format!("not a number: {s:?}")),
    }
}
