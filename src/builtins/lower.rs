//! `lower(text)`: lower-cases.

use super::{ok_text, text, Builtin, Param};
use crate::eval::lend::{Case, Lending};
use std::borrow::Cow;

pub const LOWER: Builtin = Builtin {
    name: "lower",
    params: &[Param::Text],
    summary: "lower-cases",
    examples: &[("lower(\"Ana@X.COM\")", "\"ana@x.com\"")],
    apply: |a| ok_text(lower(&text(a, 0))),
    lend: Some(lend),
    ..Builtin::DEFAULT
};

const CASE: Case = Case {
    apply: lower,
    changes: |b| b.is_ascii_uppercase(),
    ascii: str::make_ascii_lowercase,
};

/// Lent back when there is nothing to lower; ASCII text lowered in place in the scratch.
fn lend(rows: &mut Lending) {
    rows.each(|x, _, s| Ok(s.recase(x, CASE)));
}

/// Lower-cases without allocating when there is nothing to lower (most emails).
pub fn lower(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|c| c.is_ascii_uppercase() || !c.is_ascii()) {
        return Cow::Borrowed(s);
    }
    // A capital sigma lower-cases by what stands around it: only `str` knows that rule.
    if s.contains('Σ') {
        return Cow::Owned(s.to_lowercase());
    }
    Cow::Owned(recase_runs(s, str::make_ascii_lowercase, |c, out| {
        out.extend(c.to_lowercase())
    }))
}

/// `s` with its runs of ASCII changed in place by `ascii` and every other char by `other`:
/// what `str::to_lowercase` does char by char, for mostly-ASCII text (a name with one
/// accent), a run at a time. Case mappings are per char but for the final sigma.
pub(crate) fn recase_runs(s: &str, ascii: fn(&mut str), other: fn(char, &mut String)) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        let run = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (plain, tail) = rest.split_at(run);
        let at = out.len();
        out.push_str(plain);
        ascii(&mut out[at..]);
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            other(c, &mut out);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Run-at-a-time case changes are the standard library's, on any text.
        #[test]
        fn case_changes_are_the_standard_ones(s in "(?s).{0,24}", t in "[aAéÉßΣσİıǅ .-]{0,12}") {
            for x in [&s, &t] {
                proptest::prop_assert_eq!(super::lower(x).into_owned(), x.to_lowercase());
                proptest::prop_assert_eq!(super::super::upper(x).into_owned(), x.to_uppercase());
            }
        }
    }
}
