//! Arithmetic and comparison of numbers, exactly. Ints are `i64`; decimals are
//! [`Decimal`]s (28 significant digits); an int meeting a decimal becomes one exactly.
//!
//! - `+ - *` are exact. An int result beyond `i64`, or a decimal beyond ±7.9 × 10^28, is a
//!   failure with its reason, never a saturated or wrapped number. (A product with more than
//!   28 decimal places keeps 28, rounded half to even: no amount comes near.)
//! - `/` always gives a decimal (`7 / 2` is `3.5`): exact when the quotient has at most as
//!   many digits as a decimal holds (28 or 29 significant digits), otherwise rounded half to
//!   even at the last of them (`1 / 3` is `0.3333333333333333333333333333`). Division by zero
//!   is a failure with its reason.

use crate::eval::value::{Eval, Stop, Value};
use crate::ir::{BinOp, Decimal};
use std::cmp::Ordering;

/// Both operands as decimals, when both are numbers and not both ints.
fn decimals(a: &Value, b: &Value) -> Option<(Decimal, Decimal)> {
    match (a, b) {
        (Value::Int(_), Value::Int(_)) => None,
        _ => Some((a.as_decimal()?, b.as_decimal()?)),
    }
}

/// The order of two numbers; None when either is not a number.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Some(x.cmp(y));
    }
    let (x, y) = decimals(a, b)?;
    Some(x.cmp(&y))
}

/// `a op b` for `+ - * /` when both are numbers; None when either is not.
pub fn arithmetic(op: BinOp, a: &Value, b: &Value) -> Option<Eval> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Some(ints(op, *x, *y));
    }
    let (x, y) = decimals(a, b)?;
    Some(dec(op, x, y))
}

fn ints(op: BinOp, x: i64, y: i64) -> Eval {
    let result = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        _ => return dec(op, Decimal::from(x), Decimal::from(y)),
    };
    result.map(Value::Int).ok_or_else(|| {
        Stop::Fail(format!(
            "{x} {} {y} is beyond a 64-bit integer",
            op.symbol()
        ))
    })
}

fn dec(op: BinOp, x: Decimal, y: Decimal) -> Eval {
    let result = match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        _ if y.is_zero() => {
            return Err(Stop::Fail(format!("division by zero: {x} / {y}")));
        }
        _ => x.checked_div(y),
    };
    result.map(Value::Dec).ok_or_else(|| {
        Stop::Fail(format!(
            "{x} {} {y} is beyond what a decimal holds (28 significant digits)",
            op.symbol()
        ))
    })
}

/// `-x` of a number; None when it is not one.
pub fn negate(v: &Value) -> Option<Eval> {
    match v {
        Value::Int(i) => Some(
            i.checked_neg()
                .map(Value::Int)
                .ok_or_else(|| Stop::Fail(format!("-({i}) is beyond a 64-bit integer"))),
        ),
        Value::Dec(d) => Some(Ok(Value::Dec(-*d))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Value {
        Value::Dec(s.parse().expect("a decimal"))
    }

    fn calc(op: BinOp, a: &Value, b: &Value) -> Eval {
        arithmetic(op, a, b).expect("numbers")
    }

    #[test]
    fn a_tenth_and_two_tenths_are_three_tenths() {
        assert_eq!(calc(BinOp::Add, &dec("0.1"), &dec("0.2")), Ok(dec("0.3")));
        assert_eq!(
            calc(BinOp::Add, &dec("0.1"), &dec("0.2")).map(|v| v.to_text()),
            Ok("0.3".to_string())
        );
    }

    #[test]
    fn prices_times_quantities_are_exact() {
        assert_eq!(
            calc(BinOp::Mul, &dec("19.99"), &Value::Int(3)),
            Ok(dec("59.97"))
        );
        assert_eq!(
            calc(BinOp::Sub, &Value::Int(100), &dec("0.01")),
            Ok(dec("99.99"))
        );
        assert_eq!(
            calc(BinOp::Mul, &dec("1234567890123456.78"), &Value::Int(10)),
            Ok(dec("12345678901234567.8"))
        );
    }

    #[test]
    fn quotients_are_decimals_exact_or_rounded_half_even_at_the_last_digit() {
        assert_eq!(
            calc(BinOp::Div, &Value::Int(7), &Value::Int(2)),
            Ok(dec("3.5"))
        );
        assert_eq!(
            calc(BinOp::Div, &Value::Int(1), &Value::Int(3)),
            Ok(dec("0.3333333333333333333333333333"))
        );
        assert_eq!(
            calc(BinOp::Div, &Value::Int(2), &Value::Int(3)),
            Ok(dec("0.6666666666666666666666666667"))
        );
    }

    #[test]
    fn division_by_zero_fails_with_a_reason() {
        for zero in [Value::Int(0), dec("0.00")] {
            let got = calc(BinOp::Div, &dec("12.5"), &zero);
            assert!(
                matches!(&got, Err(Stop::Fail(m)) if m.contains("division by zero")),
                "{got:?}"
            );
        }
    }

    #[test]
    fn overflow_fails_instead_of_saturating() {
        let big = calc(BinOp::Add, &Value::Int(i64::MAX), &Value::Int(1));
        assert!(matches!(big, Err(Stop::Fail(m)) if m.contains("64-bit")));
        let huge = dec("79228162514264337593543950335");
        assert!(matches!(
            calc(BinOp::Mul, &huge, &Value::Int(2)),
            Err(Stop::Fail(_))
        ));
        assert!(matches!(
            negate(&Value::Int(i64::MIN)),
            Some(Err(Stop::Fail(_)))
        ));
    }

    #[test]
    fn ints_and_decimals_compare_exactly() {
        assert_eq!(compare(&Value::Int(3), &dec("3.00")), Some(Ordering::Equal));
        // Beyond f64: these differ in the 19th digit.
        assert_eq!(
            compare(&dec("1234567890123456789.1"), &dec("1234567890123456789.2")),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(&Value::Int(9007199254740993), &dec("9007199254740992")),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&Value::text_value("3"), &Value::Int(3)), None);
    }
}
