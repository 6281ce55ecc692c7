//! `money(decimal, code)`: a currency composite, its amount in exact micros (see `micros`).

use super::micros::amount_micros;
use super::{arg, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};

pub const MONEY: Builtin = Builtin {
    name: "money",
    params: &[Param::Number, Param::Text],
    returns: Returns::Composite("currency"),
    summary: "a currency composite, the amount in exact micros",
    examples: &[
        (
            "money(12.5, \"USD\")",
            "{\"amountMicros\": 12500000, \"currencyCode\": \"USD\"}",
        ),
        (
            "money(decimal(\"$1,234.50\"), \"USD\")",
            "{\"amountMicros\": 1234500000, \"currencyCode\": \"USD\"}",
        ),
    ],
    apply: money,
    ..Builtin::DEFAULT
};

fn money(a: &[Value]) -> Eval {
    let amount = match arg(a, 0) {
        Value::Null => Value::Null,
        number => Value::Int(amount_micros(number)?),
    };
    Ok(Value::Record(vec![
        ("amountMicros".into(), amount),
        ("currencyCode".into(), arg(a, 1).clone()),
    ]))
}
