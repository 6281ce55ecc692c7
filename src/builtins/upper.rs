//! `upper(text)`: upper-cases.

use super::lower::recase_runs;
use super::{ok_text, text, Builtin, Param};
use crate::eval::lend::{Case, Lending};
use std::borrow::Cow;

pub const UPPER: Builtin = Builtin {
    name: "upper",
    params: &[Param::Text],
    summary: "upper-cases",
    examples: &[("upper(\"d0120\")", "\"D0120\"")],
    apply: |a| ok_text(upper(&text(a, 0))),
    lend: Some(lend),
    ..Builtin::DEFAULT
};

const CASE: Case = Case {
    apply: upper,
    changes: |b| b.is_ascii_lowercase(),
    ascii: str::make_ascii_uppercase,
};

fn lend(rows: &mut Lending) {
    rows.each(|x, _, s| Ok(s.recase(x, CASE)));
}

/// Upper-cases without allocating when there is nothing to raise.
pub fn upper(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|c| c.is_ascii_lowercase() || !c.is_ascii()) {
        Cow::Owned(recase_runs(s, str::make_ascii_uppercase, |c, out| {
            out.extend(c.to_uppercase())
        }))
    } else {
        Cow::Borrowed(s)
    }
}
