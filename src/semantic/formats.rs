//! The diagnostics for settings the runtime must be able to honour: date formats, time zones,
//! encodings and delimiters. What is valid is the IR's to say (`ir::DateFormat::new`, …);
//! this says so to the person who wrote it.

use crate::diag::{did_you_mean, Code, Diagnostic};
use crate::ir::{DateFormat, TimeZone};
use crate::span::Span;
use crate::syntax::ast;

/// A strftime format (a column's, or a literal given to `date`, `datetime`, `format_date`);
/// `of` is what it is a format of: `date`, `datetime`, or `date or datetime`.
pub fn check(fmt: &str, of: &str, span: Span) -> Option<Diagnostic> {
    DateFormat::new(fmt)
        .err()
        .map(|why| bad_format(fmt, &why, of, span))
}

pub fn bad_format(fmt: &str, why: &str, of: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::BadFormat,
        format!("invalid {of} format \"{fmt}\": {why}"),
    )
    .primary(span, "this format")
    .help("directives: %Y %y %m %d %e %b %B %a %A %H %I %M %S %p %j %z %f %%")
}

/// A format or time zone on a column whose type takes none (`id text "%Y"`).
pub fn misplaced(column: &str, ty: &str, what: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::BadFormat,
        format!("`{column}` is {ty}, which takes no {}", &what[2..]),
    )
    .primary(span, format!("{what} for a {ty} column"))
    .help("formats are for `date` and `datetime` columns, time zones for `datetime` ones")
}

/// `on gap …` or `on overlap …` on a column with no time zone, whose times are UTC: UTC's
/// clocks skip and repeat nothing, so the policy could never apply.
pub fn dst_without_zone(c: &ast::ColumnDecl, p: &ast::DstPolicy, is_datetime: bool) -> Diagnostic {
    let kind = p.choice.kind();
    let help = if is_datetime {
        format!(
            "add the zone its times are in (`tz \"America/Chicago\"`), or remove `on {kind} {}`",
            p.choice.action()
        )
    } else {
        format!(
            "only a `datetime` column has a time zone; remove `on {kind} {}`",
            p.choice.action()
        )
    };
    Diagnostic::new(
        Code::MisplacedDstPolicy,
        format!(
            "`{}` says what to do in a daylight-saving {kind}, but has no time zone",
            c.name.name
        ),
    )
    .primary(p.span, format!("`on {kind}` needs `tz`"))
    .help(help)
}

/// A second `on gap` (or `on overlap`) on one column.
pub fn dst_repeated(column: &str, kind: &str, first: Span, again: Span) -> Diagnostic {
    Diagnostic::new(
        Code::MisplacedDstPolicy,
        format!("`{column}` says twice what to do in a daylight-saving {kind}"),
    )
    .primary(again, "said again here")
    .context(first, "first said here")
    .help(format!("keep one `on {kind} …`"))
}

/// An IANA time-zone name (`America/Chicago`).
pub fn check_zone(zone: &str, span: Span) -> Option<Diagnostic> {
    if TimeZone::new(zone).is_some() {
        return None;
    }
    let names: Vec<String> = TimeZone::names().collect();
    Some(
        Diagnostic::new(
            Code::UnknownTimeZone,
            format!("unknown time zone \"{zone}\""),
        )
        .primary(span, "not an IANA time zone")
        .help_opt(did_you_mean(zone, names.iter().map(String::as_str)))
        .note("time zones are named Area/City: \"America/Chicago\", \"Europe/London\", \"UTC\""),
    )
}

pub fn unknown_encoding(label: &str, span: Span) -> Diagnostic {
    Diagnostic::new(Code::UnknownEncoding, format!("unknown encoding \"{label}\""))
        .primary(span, "not an encoding mapc can decode")
        .help("use a WHATWG label: \"utf-8\", \"windows-1252\", \"latin1\", \"utf-16le\", \"utf-16be\", \"iso-8859-15\", …")
}

pub fn bad_delimiter(delimiter: &str, why: &str, help: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        Code::BadDelimiter,
        format!("delimiter \"{delimiter}\": {why}"),
    )
    .primary(span, why)
    .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_formats_and_rejects_unknown_directives() {
        let s = Span::default();
        assert!(check("%m/%d/%Y", "date", s).is_none());
        assert!(check("%Y-%m-%d %H:%M:%S", "datetime", s).is_none());
        assert!(check("%Q", "date", s).is_some());
        assert!(check("100%", "date", s).is_some());
    }
}
