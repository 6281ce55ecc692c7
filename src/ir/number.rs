//! Exact decimal numbers, as the IR carries them: number literals, defaults and durations.
//!
//! A number is a [`Decimal`] (rust_decimal: a 96-bit integer and a scale, 28 significant
//! digits), never an `f64`, so `19.99` is 19.99 and not the nearest binary fraction. In a plan
//! file it is written as a JSON string of its digits as written (`"12.50"`): a JSON number
//! would be read back through `f64` by serde_json, and a literal must read back exactly.

pub use rust_decimal::Decimal;

/// The canonical text of a number: its digits without trailing zeros after the point, never
/// an exponent, and zero without a sign (`1234.5`, `3`, `0.001`, `-2`). Equal numbers have
/// equal text, so `1.50` and `1.5` are the same key, the same `++` text and the same JSON.
pub fn canonical(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        return "0".into();
    }
    n.to_string()
}

/// The number a literal's digits stand for (`12`, `12.5`), or None when they do not fit a
/// decimal exactly (more than 28 places, or beyond ±79,228,162,514,264,337,593,543,950,335).
pub fn parse_literal(digits: &str) -> Option<Decimal> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    Decimal::from_str_exact(digits).ok()
}

/// The integer a literal is: written without a point (`12`, not `12.0`) and within an `i64`.
/// Anything else is a decimal.
pub fn literal_int(d: Decimal) -> Option<i64> {
    if d.scale() != 0 {
        return None;
    }
    i64::try_from(d.mantissa()).ok()
}

/// The whole number a decimal is, when it is one that fits an `i64`.
pub fn as_whole(d: Decimal) -> Option<i64> {
    if !d.fract().is_zero() {
        return None;
    }
    i64::try_from(d.trunc().mantissa()).ok()
}

/// Serde form of a [`Decimal`] in the IR: a string of its digits.
pub mod serde_text {
    use super::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::borrow::Cow;

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = <Cow<'de, str>>::deserialize(d)?;
        let number = text.strip_prefix('-').unwrap_or(&text);
        match super::parse_literal(number) {
            Some(n) if number.len() == text.len() => Ok(n),
            Some(n) => Ok(-n),
            None => Err(serde::de::Error::custom(format!(
                "{text:?} is not an exact decimal number"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        parse_literal(s).expect("a literal")
    }

    #[test]
    fn canonical_text_drops_trailing_zeros_and_the_sign_of_zero() {
        assert_eq!(canonical(dec("1234.50")), "1234.5");
        assert_eq!(canonical(dec("3.000")), "3");
        assert_eq!(canonical(-dec("0.00")), "0");
        assert_eq!(canonical(dec("0.0000001")), "0.0000001");
        assert_eq!(
            canonical(dec("100000000000000000000")),
            "100000000000000000000"
        );
    }

    #[test]
    fn literals_that_do_not_fit_are_refused() {
        assert_eq!(parse_literal("79228162514264337593543950336"), None);
        assert_eq!(parse_literal("0.00000000000000000000000000001"), None);
        assert_eq!(parse_literal("1e5"), None);
        assert_eq!(parse_literal("1_000"), None);
        assert_eq!(parse_literal(""), None);
        assert!(parse_literal("79228162514264337593543950335").is_some());
    }

    #[test]
    fn whole_numbers_that_fit_an_i64() {
        assert_eq!(as_whole(dec("12.00")), Some(12));
        assert_eq!(as_whole(dec("12.5")), None);
        assert_eq!(as_whole(dec("9223372036854775808")), None);
        assert_eq!(as_whole(-dec("9223372036854775808")), Some(i64::MIN));
    }
}
