//! `trim(text)`: strips surrounding whitespace.

use super::{ok_text, text, Builtin, Param};
use crate::eval::lend::Lending;

pub const TRIM: Builtin = Builtin {
    name: "trim",
    params: &[Param::Text],
    summary: "strips surrounding whitespace",
    examples: &[("trim(\"  Ana \")", "\"Ana\"")],
    apply: |a| ok_text(trim(&text(a, 0))),
    lend: Some(lend),
    ..Builtin::DEFAULT
};

/// A part of its input: lent, never copied.
fn lend(rows: &mut Lending) {
    rows.each(|x, _, s| Ok(s.narrow(x, |t| Some(trim(t)))));
}

/// `str::trim`, ASCII whitespace stripped byte by byte: `str::trim` decodes every char it
/// looks at, and padded names are trimmed on every row. Text that ends in non-ASCII after
/// that goes to `str::trim` for Unicode's whitespace.
pub fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_space(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |i| i + 1);
    // Only ASCII was passed over, so both ends fall between chars.
    let t = s.get(start..end).unwrap_or_default();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&a), Some(&z)) if a >= 0x80 || z >= 0x80 => t.trim(),
        _ => t,
    }
}

/// ASCII whitespace as `char::is_whitespace` has it (which, unlike `u8::is_ascii_whitespace`,
/// counts the vertical tab).
pub(crate) const SPACES: [u8; 6] = [b' ', b'\t', b'\n', 0x0b, 0x0c, b'\r'];

/// [`SPACES`] by byte: a table lookup, as padded names are trimmed on every row.
static SPACE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < SPACES.len() {
        t[SPACES[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_space(b: u8) -> bool {
    SPACE[b as usize]
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// Trimming a byte at a time is `str::trim`, on any text.
        #[test]
        fn trim_is_the_standard_trim(s in "(?s).{0,16}", pad in "[ \t\n\u{b}\u{c}\r\u{85}\u{a0}\u{3000}é]{0,4}") {
            for x in [s.clone(), format!("{pad}{s}{pad}"), format!("{pad}{pad}")] {
                proptest::prop_assert_eq!(super::trim(&x), x.trim());
            }
        }
    }
}
