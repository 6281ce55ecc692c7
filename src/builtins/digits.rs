//! `digits(text)`: keeps the ASCII digits.

use super::{ok_text, text, Builtin, Param};
use crate::eval::value::Str;

pub const DIGITS: Builtin = Builtin {
    name: "digits",
    params: &[Param::Text],
    summary: "keeps the ASCII digits",
    examples: &[("digits(\"(555) 010-2233\")", "\"5550102233\"")],
    apply: |a| {
        ok_text(
            text(a, 0)
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<Str>(),
        )
    },
    ..Builtin::DEFAULT
};
