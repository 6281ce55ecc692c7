//! `datetime(text, fmt[, tz])`: parses a date-time, in the time zone when given.

use super::{fail, text, Builtin, Literal, Param, Returns};
use crate::eval::value::{Eval, Value};
use crate::ir::{InGap, TimeZone};
use chrono::{NaiveDate, NaiveDateTime};

pub const DATETIME: Builtin = Builtin {
    name: "datetime",
    params: &[Param::Text, Param::Text, Param::Text],
    optional: 1,
    returns: Returns::DateTime,
    fallible: true,
    literals: &[(1, Literal::DateFormat), (2, Literal::TimeZone)],
    summary: "parses a date-time, in the time zone when given",
    examples: &[
        (
            "datetime(\"2024-01-05 09:30\", \"%Y-%m-%d %H:%M\")",
            "\"2024-01-05T09:30:00Z\"",
        ),
        (
            "datetime(\"2024-07-05 09:30\", \"%Y-%m-%d %H:%M\", \"America/New_York\")",
            "\"2024-07-05T13:30:00Z\"",
        ),
    ],
    apply: |a| {
        let zone = a.get(2).map(Value::text);
        let zone = match zone.as_deref().filter(|z| !z.is_empty()) {
            None => None,
            Some(z) => match TimeZone::new(z) {
                Some(tz) => Some(tz),
                None => return fail(format!("unknown time zone {z:?}")),
            },
        };
        parse_datetime(&text(a, 0), &text(a, 1), zone.as_ref())
    },
    ..Builtin::DEFAULT
};

/// Parses a local date-time, converting to UTC when a time zone is given.
pub fn parse_datetime(s: &str, fmt: &str, tz: Option<&TimeZone>) -> Eval {
    let naive = NaiveDateTime::parse_from_str(s.trim(), fmt).or_else(|_| {
        NaiveDate::parse_from_str(s.trim(), fmt).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
    });
    let Ok(naive) = naive else {
        return fail(format!("{s:?} is not a date-time in the format {fmt:?}"));
    };
    let Some(zone) = tz else {
        return Ok(Value::DateTime(naive));
    };
    match zone.to_utc(naive) {
        Ok(utc) => Ok(Value::DateTime(utc)),
        Err(InGap) => fail(format!(
            "{s:?} does not exist in {} (a daylight-saving gap)",
            zone.name()
        )),
    }
}
