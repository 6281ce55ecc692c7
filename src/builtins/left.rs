//! `left(text, n)`: the first n characters.

use super::{ok_text, text, Builtin, Param};
use crate::eval::lend::Lending;
use crate::eval::value::{Str, Value};

pub const LEFT: Builtin = Builtin {
    name: "left",
    params: &[Param::Text, Param::Number],
    summary: "the first n characters",
    examples: &[("left(\"D0120\", 2)", "\"D0\"")],
    apply: |a| ok_text(Str::from(slice_of(true, &text(a, 0), count(a)))),
    lend: Some(lend_left),
    ..Builtin::DEFAULT
};

fn lend_left(rows: &mut Lending) {
    lend(true, rows);
}

/// The character count asked for (`left`, `right`): a missing or non-number count is 0.
pub(super) fn count(args: &[Value]) -> i64 {
    super::count(args, 1).unwrap_or(0)
}

/// `left` or `right` on lent text: a part of it, never a copy. The count is a constant.
pub(super) fn lend(left: bool, rows: &mut Lending) {
    rows.each(|x, n, s| {
        let n = super::count(n, 0).unwrap_or(0);
        Ok(s.narrow(x, |t| Some(slice_of(left, t, n))))
    });
}

/// The first (`left`) or last `n` characters of `s`, as a part of it.
pub fn slice_of(left: bool, s: &str, n: i64) -> &str {
    let n = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
    if s.is_ascii() {
        let n = n.min(s.len());
        return if left { &s[..n] } else { &s[s.len() - n..] };
    }
    let count = s.chars().count();
    let cut = if left { n } else { count.saturating_sub(n) };
    let at = s.char_indices().nth(cut).map_or(s.len(), |(i, _)| i);
    if left {
        &s[..at]
    } else {
        &s[at..]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slices_count_characters_not_bytes() {
        assert_eq!(super::slice_of(false, "dürer", 3), "rer");
        assert_eq!(super::slice_of(true, "dürer", 2), "dü");
        assert_eq!(super::slice_of(true, "ab", 9), "ab");
        assert_eq!(super::slice_of(false, "ab", -1), "");
    }
}
