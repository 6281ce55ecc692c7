//! `right(text, n)`: the last n characters.

use super::left::{count, lend, slice_of};
use super::{ok_text, text, Builtin, Param};
use crate::eval::lend::Lending;
use crate::eval::value::Str;

pub const RIGHT: Builtin = Builtin {
    name: "right",
    params: &[Param::Text, Param::Number],
    summary: "the last n characters",
    examples: &[("right(\"P000123\", 3)", "\"123\"")],
    apply: |a| ok_text(Str::from(slice_of(false, &text(a, 0), count(a)))),
    lend: Some(lend_right),
    ..Builtin::DEFAULT
};

fn lend_right(rows: &mut Lending) {
    lend(false, rows);
}
