//! `email(text)`: the address if it looks like a@b.c, else fails.

use super::trim::SPACES;
use super::{arg, text, Builtin, Param};
use crate::eval::lend::Lending;
use crate::eval::value::{Eval, Stop, Value};

pub const EMAIL: Builtin = Builtin {
    name: "email",
    params: &[Param::Text],
    fallible: true,
    summary: "the address if it looks like a@b.c, else fails",
    examples: &[("email(\"ana@x.com\")", "\"ana@x.com\"")],
    apply: |a| email(arg(a, 0), &text(a, 0)),
    lend: Some(lend),
    ..Builtin::DEFAULT
};

/// The value itself when it is an address: no copy.
fn email(v: &Value, s: &str) -> Eval {
    if email_ok(s) {
        Ok(v.clone())
    } else {
        Err(not_email(s))
    }
}

/// The input itself, lent back, when it is an address.
fn lend(rows: &mut Lending) {
    rows.each(|x, _, s| {
        let Some(t) = s.str(x) else { return Ok(None) };
        if email_ok(t) {
            return Ok(Some(x));
        }
        Err(s.fail(|| not_email(t)))
    });
}

fn not_email(s: &str) -> Stop {
    Stop::Fail(format!("not an email address: {s:?}"))
}

/// The benchmark's rule: one `@`, no whitespace, a dot inside the domain (`^[^@\s]+@[^@\s]+\.[^@\s]+$`).
pub fn email_ok(e: &str) -> bool {
    let bytes = e.as_bytes();
    // One pass over bytes, not chars: `@`, `.` and ASCII whitespace are single bytes wherever
    // they are, and only text with non-ASCII needs Unicode's other whitespace looked for.
    let (mut seen, mut ats, mut at) = (0u8, 0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        let class = CLASS[b as usize];
        seen |= class;
        if class & AT != 0 {
            ats += 1;
            at = i;
        }
    }
    let spaced = seen & SPACE != 0
        || (seen & NON_ASCII != 0 && e.chars().any(|c| !c.is_ascii() && c.is_whitespace()));
    let domain = &bytes[(at + 1).min(bytes.len())..];
    !spaced
        && ats == 1
        && at > 0
        && domain.len() >= 3
        && domain[1..domain.len() - 1].contains(&b'.')
}

const SPACE: u8 = 1;
const AT: u8 = 2;
const NON_ASCII: u8 = 4;

/// What [`email_ok`] looks for in a byte: ASCII whitespace, `@`, non-ASCII.
static CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let mut i = 0;
    while i < SPACES.len() {
        t[SPACES[i] as usize] = SPACE;
        i += 1;
    }
    t[b'@' as usize] = AT;
    let mut b = 0x80;
    while b < 256 {
        t[b] = NON_ASCII;
        b += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::email_ok;

    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`, ASCII and not.
    #[test]
    fn email_rule_holds_for_ascii_and_other_text() {
        let good = ["a@b.c", "x.y@z.co", "ünï@çödé.de", "a@b.c.d", "a+b@c-d.ef"];
        let bad = [
            "",
            "@x.com",
            "a@.com",
            "a@b.",
            "a@bc",
            "a b@c.de",
            "a@b@c.de",
            "a\u{b}@c.de",
            "a@c.de\n",
            "ünï@çöd é.de",
            "ünï@çödé.",
            "a@b\u{a0}.c",
        ];
        for e in good {
            assert!(email_ok(e), "{e:?} is an email address");
        }
        for e in bad {
            assert!(!email_ok(e), "{e:?} is not an email address");
        }
    }

    proptest::proptest! {
        /// The byte-wise rule agrees with the rule spelled out over chars.
        #[test]
        fn email_rule_reads_bytes_as_the_chars_would(e in "[a@. \u{a0}é\u{b}\u{85}x]{0,12}") {
            let spelled_out = || {
                let mut parts = e.split('@');
                let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next())
                else {
                    return false;
                };
                !e.chars().any(char::is_whitespace)
                    && !local.is_empty()
                    && domain
                        .char_indices()
                        .any(|(i, c)| c == '.' && i > 0 && i + 1 < domain.len())
            };
            proptest::prop_assert_eq!(email_ok(&e), spelled_out());
        }
    }
}
