//! strftime-style format strings, checked at compile time.

use crate::diag::{Code, Diagnostic};
use crate::span::Span;

/// The directives the runtime understands.
pub const DIRECTIVES: &str = "YymdbBHIMSpjzfaAe%";

pub fn check(fmt: &str, span: Span) -> Option<Diagnostic> {
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            continue;
        }
        match chars.next() {
            Some(d) if DIRECTIVES.contains(d) => {}
            Some(d) => return Some(bad(fmt, &format!("`%{d}` is not a date directive"), span)),
            None => return Some(bad(fmt, "the format ends with a lone `%`", span)),
        }
    }
    None
}

fn bad(fmt: &str, why: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::BadFormat,
        format!("invalid date format \"{fmt}\": {why}"),
    )
    .primary(span, "this format")
    .help("directives: %Y %y %m %d %e %b %B %a %A %H %I %M %S %p %j %z %f %%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_formats_and_rejects_unknown_directives() {
        let s = Span::default();
        assert!(check("%m/%d/%Y", s).is_none());
        assert!(check("%Y-%m-%d %H:%M:%S", s).is_none());
        assert!(check("%Q", s).is_some());
        assert!(check("100%", s).is_some());
    }
}
