//! `round(decimal, places)`: rounds half away from zero, exactly.

use super::{count, fail, number, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};
use rust_decimal::RoundingStrategy;

pub const ROUND: Builtin = Builtin {
    name: "round",
    params: &[Param::Number, Param::Number],
    returns: Returns::Decimal,
    summary: "rounds half away from zero (places 0 to 28)",
    examples: &[
        ("round(2.345, 2)", "2.35"),
        ("round(-2.5, 0)", "-3"),
        ("round(1.005, 2)", "1.01"),
    ],
    apply: round,
    ..Builtin::DEFAULT
};

/// The decimal as written is rounded (2.345 is 2.345, not the binary 2.34499…), to `places`
/// decimal places, 0 to 28 (a count outside is taken as the nearest of those).
fn round(a: &[Value]) -> Eval {
    let Some(x) = number(a, 0) else {
        return fail(format!("round of {:?}: not a number", super::text(a, 0)));
    };
    let places = count(a, 1).unwrap_or(0).clamp(0, 28) as u32;
    Ok(Value::Dec(x.round_dp_with_strategy(
        places,
        RoundingStrategy::MidpointAwayFromZero,
    )))
}
