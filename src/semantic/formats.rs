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

/// An IANA time-zone name (`America/Chicago`).
pub fn check_zone(zone: &str, span: Span) -> Option<Diagnostic> {
    if zone.parse::<chrono_tz::Tz>().is_ok() {
        return None;
    }
    let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
    Some(
        Diagnostic::new(
            Code::UnknownTimeZone,
            format!("unknown time zone \"{zone}\""),
        )
        .primary(span, "not an IANA time zone")
        .help_opt(crate::diag::did_you_mean(zone, names))
        .note("time zones are named Area/City: \"America/Chicago\", \"Europe/London\", \"UTC\""),
    )
}

/// An encoding label of the WHATWG Encoding Standard, which the reader decodes.
pub fn check_encoding(label: &str, span: Span) -> Option<Diagnostic> {
    match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
        // The "replacement" encoding decodes everything to U+FFFD: it would lose every value.
        Some(e) if e != encoding_rs::REPLACEMENT => None,
        _ => Some(
            Diagnostic::new(Code::UnknownEncoding, format!("unknown encoding \"{label}\""))
                .primary(span, "not an encoding mapc can decode")
                .help("use a WHATWG label: \"utf-8\", \"windows-1252\", \"latin1\", \"utf-16le\", \"utf-16be\", \"iso-8859-15\", …"),
        ),
    }
}

/// A CSV delimiter: one ASCII character that is neither a quote nor a line break.
pub fn check_delimiter(delimiter: &str, format: &str, span: Span) -> Option<Diagnostic> {
    let why = match delimiter.as_bytes() {
        _ if format == "jsonl" => "a JSON-lines source has no delimiter",
        [b'"' | b'\n' | b'\r'] => "a quote or a line break cannot separate fields",
        [one] if one.is_ascii() => return None,
        [] => "the delimiter is empty",
        [_] | [_, ..] if delimiter.chars().count() == 1 => "the delimiter is not ASCII",
        _ => "a delimiter is one character",
    };
    Some(
        Diagnostic::new(
            Code::BadDelimiter,
            format!("delimiter \"{delimiter}\": {why}"),
        )
        .primary(span, why)
        .help(if format == "jsonl" {
            "remove `delimiter`, or declare `format csv`"
        } else {
            "use one character: \",\", \";\", \"|\", \"\\t\""
        }),
    )
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
