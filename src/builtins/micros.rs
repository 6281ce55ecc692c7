//! `micros(decimal)`: amount × 1,000,000 as an integer (Twenty CURRENCY).

use super::{number, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const MICROS: Builtin = Builtin {
    name: "micros",
    params: &[Param::Number],
    returns: Returns::Int,
    summary: "amount × 1,000,000 as an integer",
    examples: &[("micros(12.5)", "12500000")],
    apply: |a| Ok(Value::Int(micros(number(a, 0).unwrap_or(0.0)))),
    ..Builtin::DEFAULT
};

pub fn micros(x: f64) -> i64 {
    (x * 1_000_000.0).round() as i64
}
