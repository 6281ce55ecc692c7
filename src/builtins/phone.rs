//! `phone(text)`: + and 7 to 15 digits, else fails.

use super::{fail, ok_text, text, Builtin, Param};

pub const PHONE: Builtin = Builtin {
    name: "phone",
    params: &[Param::Text],
    fallible: true,
    summary: "+ and 7 to 15 digits, else fails",
    examples: &[("phone(\"+44 20 7946 0958\")", "\"+442079460958\"")],
    apply: |a| {
        let s = text(a, 0);
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        if (7..=15).contains(&digits.len()) {
            ok_text(format!("+{digits}"))
        } else {
            fail(format!("not a phone number: {s:?}"))
        }
    },
    ..Builtin::DEFAULT
};
