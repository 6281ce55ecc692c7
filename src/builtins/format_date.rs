//! `format_date(date, fmt[, tz])`: formats a date, a date-time in the time zone when given.

use super::{arg, fail, ok_text, text, Builtin, Literal, Param};
use crate::eval::value::{Eval, Value};
use crate::ir::TimeZone;
use chrono::TimeZone as _;

pub const FORMAT_DATE: Builtin = Builtin {
    name: "format_date",
    params: &[Param::Date, Param::Text, Param::Text],
    optional: 1,
    literals: &[(1, Literal::DateFormat), (2, Literal::TimeZone)],
    summary: "formats a date, a date-time in the time zone when given",
    examples: &[
        (
            "format_date(date(\"2024-01-05\", \"%Y-%m-%d\") ?? null, \"%d %b %Y\")",
            "\"05 Jan 2024\"",
        ),
        (
            "format_date(datetime(\"2024-07-05 13:30\", \"%Y-%m-%d %H:%M\") ?? null, \"%H:%M %z\", \"America/New_York\")",
            "\"09:30 -0400\"",
        ),
    ],
    apply: |a| format_date(arg(a, 0), &text(a, 1), a.get(2).map(Value::text).as_deref()),
    ..Builtin::DEFAULT
};

/// Formats a date, or a date-time (held in UTC) in `tz` when one is given.
fn format_date(v: &Value, fmt: &str, tz: Option<&str>) -> Eval {
    use std::fmt::Write;
    let mut out = String::new();
    let ok = match (v, tz.filter(|z| !z.is_empty())) {
        (Value::Date(d), _) => write!(out, "{}", d.format(fmt)).is_ok(),
        (Value::DateTime(t), None) => write!(out, "{}", t.format(fmt)).is_ok(),
        (Value::DateTime(t), Some(zone)) => {
            let Some(zone) = TimeZone::new(zone) else {
                return fail(format!("unknown time zone {zone:?}"));
            };
            let local = zone.offset_at(*t).from_utc_datetime(t);
            write!(out, "{}", local.format(fmt)).is_ok()
        }
        _ => false,
    };
    if ok {
        ok_text(out)
    } else {
        fail(format!(
            "cannot format {} as a date or datetime",
            v.to_text()
        ))
    }
}
