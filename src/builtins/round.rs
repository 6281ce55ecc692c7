//! `round(decimal, places)`: rounds half away from zero.

use super::{number, Builtin, Param, Returns};
use crate::eval::value::Value;

pub const ROUND: Builtin = Builtin {
    name: "round",
    params: &[Param::Number, Param::Number],
    returns: Returns::Decimal,
    summary: "rounds half away from zero",
    examples: &[("round(2.345, 2)", "2.35")],
    apply: |a| {
        Ok(Value::Dec(round(
            number(a, 0).unwrap_or(0.0),
            number(a, 1).unwrap_or(0.0),
        )))
    },
    ..Builtin::DEFAULT
};

/// Half away from zero, through the decimal text so 2.345 rounds as written, not as stored.
pub fn round(x: f64, places: f64) -> f64 {
    let p = places.clamp(0.0, 12.0) as i32;
    let factor = 10f64.powi(p);
    let scaled = format!("{:.*}", (p + 3) as usize, x * factor)
        .parse::<f64>()
        .unwrap_or(x * factor);
    scaled.round() / factor
}
