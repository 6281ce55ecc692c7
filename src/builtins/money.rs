//! `money(decimal, code)`: a currency composite.

use super::micros::micros;
use super::{arg, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const MONEY: Builtin = Builtin {
    name: "money",
    params: &[Param::Number, Param::Text],
    returns: Returns::Composite("currency"),
    summary: "a currency composite",
    examples: &[(
        "money(12.5, \"USD\")",
        "{\"amountMicros\": 12500000, \"currencyCode\": \"USD\"}",
    )],
    apply: |a| {
        let amount = match arg(a, 0).as_f64() {
            Some(x) => Value::Int(micros(x)),
            None => Value::Null,
        };
        Ok(Value::Record(vec![
            ("amountMicros".into(), amount),
            ("currencyCode".into(), arg(a, 1).clone()),
        ]))
    },
    ..Builtin::DEFAULT
};
