//! `decimal(text)`: parses an exact decimal, as a `decimal` column does.
//!
//! What both accept, around optional surrounding whitespace: an optional sign (`-` or `+`),
//! an optional currency symbol (`$ € £ ¥`, before or after the sign: `-$5`, `$-5`), then the
//! digits: plain (`1234.50`) or grouped in threes by `,` (`1,234,567.50`), with an optional
//! point and at least one digit after it (`.5` is read, `5.` is not). Anything else — an
//! exponent, a space inside, a decimal comma (`12,34`), a symbol after the digits, more than 28
//! significant digits — is not a decimal, and says why; nothing is guessed. The value keeps
//! every digit: `"$1,234.50"` is exactly 1234.50.

use super::{fail, text, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};
use crate::ir::Decimal;
use std::borrow::Cow;

pub const DECIMAL: Builtin = Builtin {
    name: "decimal",
    params: &[Param::Text],
    returns: Returns::Decimal,
    fallible: true,
    summary: "parses an exact decimal: sign, currency symbol and 1,234 groups accepted",
    examples: &[
        ("decimal(\"1,234.50\")", "1234.5"),
        ("decimal(\"-$1,234.50\")", "-1234.5"),
        ("decimal(\"€0.10\") + decimal(\"0.20\")", "0.3"),
    ],
    apply: |a| parse_decimal(&text(a, 0)),
    ..Builtin::DEFAULT
};

/// The currency symbols a decimal may start with.
pub const CURRENCY_SYMBOLS: [char; 4] = ['$', '€', '£', '¥'];

pub fn parse_decimal(s: &str) -> Eval {
    match exact(s) {
        Ok(d) => Ok(Value::Dec(d)),
        Err(why) => fail(format!("{s:?} is not a decimal: {why}")),
    }
}

/// The decimal `s` writes, or why it is not one.
pub fn exact(s: &str) -> Result<Decimal, &'static str> {
    let t = s.trim();
    let (minus, t) = sign(t);
    let (symbol, t) = match t.strip_prefix(CURRENCY_SYMBOLS) {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (minus, t) = match (minus, symbol) {
        (None, true) => sign(t),
        _ => (minus, t),
    };
    let d = Decimal::from_str_exact(&digits(t)?)
        .map_err(|_| "more digits than a decimal holds exactly (28 significant digits)")?;
    Ok(if minus == Some(true) { -d } else { d })
}

/// A leading sign: Some(true) for `-`, Some(false) for `+`.
fn sign(t: &str) -> (Option<bool>, &str) {
    match t.as_bytes().first() {
        Some(b'-') => (Some(true), &t[1..]),
        Some(b'+') => (Some(false), &t[1..]),
        _ => (None, t),
    }
}

/// The plain digits of `1,234.50` (`1234.50`), checked: only digits, one point with digits
/// after it, and separators only between groups of three.
fn digits(t: &str) -> Result<Cow<'_, str>, &'static str> {
    let (whole, fraction) = match t.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    if let Some(f) = fraction {
        if f.is_empty() {
            return Err("no digit after the point");
        }
        if !all_digits(f) {
            return Err(if f.contains('.') {
                "more than one point"
            } else {
                "only digits may follow the point"
            });
        }
    }
    if whole.is_empty() {
        return match fraction {
            Some(_) => Ok(Cow::Owned(format!("0{t}"))),
            None => Err("no digits"),
        };
    }
    if all_digits(whole) {
        return Ok(Cow::Borrowed(t));
    }
    if !grouped(whole) {
        return Err(if whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            "`,` separates thousands: groups of three digits (1,234,567.50)"
        } else {
            "only digits, `,` between thousands and one `.` make a decimal"
        });
    }
    let mut plain: String = whole.chars().filter(|c| *c != ',').collect();
    if let Some(f) = fraction {
        plain.push('.');
        plain.push_str(f);
    }
    Ok(Cow::Owned(plain))
}

fn all_digits(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// `1,234,567`: one to three digits, then groups of exactly three, each after a `,`.
fn grouped(whole: &str) -> bool {
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && all_digits(first)
        && groups.all(|g| g.len() == 3 && all_digits(g))
}

#[cfg(test)]
mod tests {
    use super::exact;
    use crate::ir::Decimal;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("a decimal")
    }

    #[test]
    fn exports_spell_amounts_these_ways() {
        for (text, want) in [
            ("$1,234.50", "1234.50"),
            ("1234.50", "1234.50"),
            (" -$1,234.50 ", "-1234.50"),
            ("$-1,234.50", "-1234.50"),
            ("+€12", "12"),
            ("£1,000,000", "1000000"),
            ("¥.5", "0.5"),
            ("-0.00", "0"),
            (
                "999999999999999999.999999999",
                "999999999999999999.999999999",
            ),
        ] {
            assert_eq!(exact(text), Ok(dec(want)), "{text:?}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        for (text, why) in [
            ("12,34", "groups of three"),
            ("1,2345", "groups of three"),
            (",123", "groups of three"),
            ("1e5", "only digits"),
            ("12.", "no digit after the point"),
            ("1.2.3", "more than one point"),
            ("12 345", "only digits"),
            ("12.50 €", "only digits"),
            ("$$5", "only digits"),
            ("--5", "only digits"),
            ("-$-5", "only digits"),
            ("$", "no digits"),
            ("", "no digits"),
            ("1_000", "only digits"),
            ("USD 5", "only digits"),
            ("79228162514264337593543950336", "28 significant digits"),
            ("0.00000000000000000000000000001", "28 significant digits"),
        ] {
            let got = exact(text);
            assert!(
                matches!(got, Err(reason) if reason.contains(why)),
                "{text:?}: {got:?}"
            );
        }
    }
}
