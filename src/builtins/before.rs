//! `before(text, sep)`: the part before the first separator, null if absent.

use super::{text, Builtin, Param};
use crate::eval::lend::Lending;
use crate::eval::value::{Eval, Value};

pub const BEFORE: Builtin = Builtin {
    name: "before",
    params: &[Param::Text, Param::Text],
    summary: "the part before the first separator, null if absent",
    examples: &[("before(\"ana@x.com\", \"@\")", "\"ana\"")],
    apply: |a| call(true, a),
    lend: Some(lend_before),
    ..Builtin::DEFAULT
};

fn lend_before(rows: &mut Lending) {
    lend(true, rows);
}

/// `before` or `after` on evaluated arguments.
pub(super) fn call(before: bool, a: &[Value]) -> Eval {
    Ok(split_of(&text(a, 0), &text(a, 1), before).map_or(Value::Null, Value::text_value))
}

/// `before` or `after` on lent text: a part of it, never a copy. The separator is a constant.
pub(super) fn lend(before: bool, rows: &mut Lending) {
    rows.each(|x, sep, s| {
        let sep = sep.first().map(Value::text).unwrap_or_default();
        Ok(s.narrow(x, |t| split_of(t, &sep, before)))
    });
}

/// The part of `s` before (or after) the first `sep`, if `sep` is there.
pub fn split_of<'s>(s: &'s str, sep: &str, before: bool) -> Option<&'s str> {
    let (a, b) = match sep.as_bytes() {
        // One-byte separators (`/`, `@`, `,`) in short text: a plain scan beats setting a
        // searcher up.
        [one] => {
            let at = s.bytes().position(|b| b == *one)?;
            (&s[..at], &s[at + 1..])
        }
        _ => s.split_once(sep)?,
    };
    Some(if before { a } else { b })
}

#[cfg(test)]
mod tests {
    use super::split_of;

    #[test]
    fn text_splits_at_one_byte_and_longer_separators() {
        assert_eq!(split_of("03/14/1985", "/", false), Some("14/1985"));
        assert_eq!(split_of("03/14/1985", "/", true), Some("03"));
        assert_eq!(split_of("a--b--c", "--", false), Some("b--c"));
        assert_eq!(split_of("ab", "/", false), None);
        assert_eq!(split_of("ab", "", false), Some("ab"));
    }
}
