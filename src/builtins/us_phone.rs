//! `us_phone(text)`: a 10-digit US number as Twenty phones, else fails.

use super::{text, Builtin, Param, Returns};
use crate::eval::lend::Lending;
use crate::eval::value::{Eval, Stop, Str, Value};

pub const US_PHONE: Builtin = Builtin {
    name: "us_phone",
    params: &[Param::Text],
    returns: Returns::Composite("phones"),
    fallible: true,
    summary: "a 10-digit US number as Twenty phones, else fails",
    examples: &[(
        "us_phone(\"1 (555) 010-2233\")",
        "{\"primaryPhoneNumber\": \"5550102233\", \"primaryPhoneCallingCode\": \"+1\"}",
    )],
    apply: |a| us_phone(&text(a, 0)),
    lend: Some(lend),
    ..Builtin::DEFAULT
};

fn us_phone(s: &str) -> Eval {
    let digits = us_ten_digits(s).ok_or_else(|| not_us_phone(s))?;
    // ASCII digits only.
    let digits = std::str::from_utf8(&digits).unwrap_or_default();
    Ok(record(Str::from(digits)))
}

/// Kept as its ten digits while lent (see `NodeValue::Phone`).
fn lend(rows: &mut Lending) {
    rows.each(|x, _, s| {
        let Some(t) = s.str(x) else { return Ok(None) };
        match us_ten_digits(t) {
            Some(digits) => Ok(Some(s.phone(&digits))),
            None => Err(s.fail(|| not_us_phone(t))),
        }
    });
}

/// The ten digits of a US phone number (a leading 1 of eleven dropped), without allocating.
pub fn us_ten_digits(s: &str) -> Option<[u8; 10]> {
    let mut digits = [0u8; 11];
    let mut n = 0;
    for b in s.bytes().filter(u8::is_ascii_digit) {
        if n == digits.len() {
            return None;
        }
        digits[n] = b;
        n += 1;
    }
    let ten = match &digits[..n] {
        [b'1', rest @ ..] if n == 11 => rest,
        all if n == 10 => all,
        _ => return None,
    };
    ten.try_into().ok()
}

/// A US number's ten digits as the target's phone composite.
pub fn record(digits: Str) -> Value {
    Value::Record(vec![
        ("primaryPhoneNumber".into(), Value::Text(digits)),
        ("primaryPhoneCallingCode".into(), Value::text_value("+1")),
    ])
}

/// [`record`] written as JSON, as `write_value` writes it: the digits need no escape.
pub fn write_record(out: &mut Vec<u8>, digits: &str) {
    out.extend_from_slice(b"{\"primaryPhoneNumber\":\"");
    out.extend_from_slice(digits.as_bytes());
    out.extend_from_slice(b"\",\"primaryPhoneCallingCode\":\"+1\"}");
}

fn not_us_phone(s: &str) -> Stop {
    Stop::Fail(format!("not a 10-digit US phone number: {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_written_from_its_digits_is_the_record_written() {
        let mut written = Vec::new();
        crate::eval::shape::write_value(&mut written, &record("5089489574".into()));
        let mut digits = Vec::new();
        write_record(&mut digits, "5089489574");
        assert_eq!(String::from_utf8(digits), String::from_utf8(written));
        assert_eq!(us_ten_digits("+1 (508) 948-9574"), Some(*b"5089489574"));
        assert_eq!(us_ten_digits("948-9574"), None);
    }
}
