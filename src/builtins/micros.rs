//! `micros(decimal)`: amount × 1,000,000 as an exact integer (Twenty CURRENCY's
//! `amountMicros`).
//!
//! A micro is a millionth of the currency unit; an amount with more than six decimal places
//! is rounded to the nearest micro, a half to the even one (banker's rounding: no drift
//! over many amounts). An amount whose micros do not fit a 64-bit integer (beyond about
//! ±9.2 trillion) fails with its reason.

use super::{arg, Builtin, Param, Returns};
use crate::eval::value::{Stop, Value};
use crate::ir::number;
use crate::ir::Decimal;
use rust_decimal::RoundingStrategy;

pub const MICROS: Builtin = Builtin {
    name: "micros",
    params: &[Param::Number],
    returns: Returns::Int,
    summary: "amount × 1,000,000 as an exact integer (half to even past six places)",
    examples: &[
        ("micros(12.5)", "12500000"),
        ("micros(decimal(\"$1,234.50\"))", "1234500000"),
        ("micros(0.0000025)", "2"),
        ("micros(-19.99 * 3)", "-59970000"),
    ],
    apply: |a| amount_micros(arg(a, 0)).map(Value::Int),
    ..Builtin::DEFAULT
};

/// The micros of a number (the argument of `micros` and `money`).
pub fn amount_micros(amount: &Value) -> Result<i64, Stop> {
    match amount {
        Value::Int(i) => i
            .checked_mul(1_000_000)
            .ok_or_else(|| too_large(Decimal::from(*i))),
        Value::Dec(d) => micros(*d).ok_or_else(|| too_large(*d)),
        other => Err(Stop::Fail(format!(
            "micros of {:?}: not a number",
            other.to_text()
        ))),
    }
}

/// `d` × 10^6, rounded half to even to a whole number; None when it does not fit an i64.
pub fn micros(d: Decimal) -> Option<i64> {
    let rounded = d.round_dp_with_strategy(6, RoundingStrategy::MidpointNearestEven);
    // `rounded` is mantissa × 10^-scale with scale ≤ 6: micros are mantissa × 10^(6 - scale).
    let factor = 10i128.checked_pow(6u32.checked_sub(rounded.scale())?)?;
    i64::try_from(rounded.mantissa().checked_mul(factor)?).ok()
}

fn too_large(d: Decimal) -> Stop {
    Stop::Fail(format!(
        "{} in micros does not fit a 64-bit integer (at most ±9223372036854.775807)",
        number::canonical(d)
    ))
}

#[cfg(test)]
mod tests {
    use super::micros;
    use crate::ir::Decimal;

    fn of(s: &str) -> Option<i64> {
        micros(s.parse::<Decimal>().expect("a decimal"))
    }

    #[test]
    fn amounts_become_exact_micros() {
        assert_eq!(of("1234.50"), Some(1_234_500_000));
        assert_eq!(of("0.000001"), Some(1));
        assert_eq!(of("-0.1"), Some(-100_000));
        assert_eq!(of("9223372036854.775807"), Some(i64::MAX));
        assert_eq!(of("-9223372036854.775808"), Some(i64::MIN));
    }

    #[test]
    fn more_than_six_places_round_half_to_even() {
        assert_eq!(of("0.0000005"), Some(0));
        assert_eq!(of("0.0000015"), Some(2));
        assert_eq!(of("0.0000025"), Some(2));
        assert_eq!(of("0.00000251"), Some(3));
        assert_eq!(of("-0.0000015"), Some(-2));
    }

    #[test]
    fn micros_beyond_an_i64_are_refused() {
        assert_eq!(of("9223372036854.775808"), None);
        assert_eq!(of("79228162514264337593543950335"), None);
    }
}
