//! `datetime(text, fmt[, tz])`: parses a date-time, in the time zone when given. A local time
//! the zone's clocks skipped is moved forward by the gap's length, and one they showed twice is
//! the earlier instant: the defaults of a `datetime` column (`ZonePolicy::with_defaults`).

use super::{fail, text, Builtin, Literal, Param, Returns};
use crate::eval::value::{Eval, Value};
use crate::ir::{NoInstant, TimeZone, Transition, ZonePolicy};
use chrono::{NaiveDate, NaiveDateTime};

pub const DATETIME: Builtin = Builtin {
    name: "datetime",
    params: &[Param::Text, Param::Text, Param::Text],
    optional: 1,
    returns: Returns::DateTime,
    fallible: true,
    literals: &[(1, Literal::DateFormat), (2, Literal::TimeZone)],
    summary: "parses a date-time, in the time zone when given (a time the clocks skipped moves \
              forward by the gap, a repeated one is its first instant)",
    examples: &[
        (
            "datetime(\"2024-01-05 09:30\", \"%Y-%m-%d %H:%M\")",
            "\"2024-01-05T09:30:00Z\"",
        ),
        (
            "datetime(\"2024-07-05 09:30\", \"%Y-%m-%d %H:%M\", \"America/New_York\")",
            "\"2024-07-05T13:30:00Z\"",
        ),
        (
            "datetime(\"2024-03-10 02:30\", \"%Y-%m-%d %H:%M\", \"America/New_York\")",
            "\"2024-03-10T07:30:00Z\"",
        ),
    ],
    apply: |a| {
        let zone = a.get(2).map(Value::text);
        let zone = match zone.as_deref().filter(|z| !z.is_empty()) {
            None => None,
            Some(z) => match TimeZone::new(z) {
                Some(tz) => Some(ZonePolicy::with_defaults(tz)),
                None => return fail(format!("unknown time zone {z:?}")),
            },
        };
        parse_datetime(&text(a, 0), &text(a, 1), zone.as_ref())
    },
    ..Builtin::DEFAULT
};

/// Parses a local date-time, converting to UTC under the zone's policies when one is given.
pub fn parse_datetime(s: &str, fmt: &str, tz: Option<&ZonePolicy>) -> Eval {
    let naive = NaiveDateTime::parse_from_str(s.trim(), fmt).or_else(|_| {
        NaiveDate::parse_from_str(s.trim(), fmt).map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default())
    });
    let Ok(naive) = naive else {
        return fail(format!("{s:?} is not a date-time in the format {fmt:?}"));
    };
    let Some(policy) = tz else {
        return Ok(Value::DateTime(naive));
    };
    match policy.to_utc(naive) {
        Ok(utc) => Ok(Value::DateTime(utc)),
        Err(why) => fail(no_instant(s, policy.zone.name(), why)),
    }
}

/// Why a local time has no instant, naming the text, the zone and the column's policy.
fn no_instant(s: &str, zone: &str, why: NoInstant) -> String {
    let offsets = |t: Transition| format!("UTC{} to UTC{}", t.before, t.after);
    match why {
        NoInstant::OutOfRange => format!("{s:?} is outside the years {zone} can be converted in"),
        NoInstant::Skipped(t) => format!(
            "{s:?} does not exist in {zone}: the clocks skipped it going from {} \
             (a daylight-saving gap), and the column says `on gap reject`",
            offsets(t)
        ),
        NoInstant::Repeated(t) => format!(
            "{s:?} happens twice in {zone}: the clocks showed it again going back from {} \
             (a daylight-saving overlap), and the column says `on overlap reject`",
            offsets(t)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::value::Stop;
    use crate::ir::{GapPolicy, OverlapPolicy};

    fn read(s: &str, gap: GapPolicy, overlap: OverlapPolicy) -> Eval {
        let zone = TimeZone::new("America/New_York").expect("a zone");
        let policy = ZonePolicy { zone, gap, overlap };
        parse_datetime(s, "%Y-%m-%d %H:%M", Some(&policy))
    }

    #[test]
    fn a_refused_local_time_names_the_text_the_zone_and_the_policy() {
        let Err(Stop::Fail(gap)) =
            read("2024-03-10 02:30", GapPolicy::Reject, OverlapPolicy::Reject)
        else {
            panic!("02:30 is in the gap");
        };
        assert_eq!(
            gap,
            "\"2024-03-10 02:30\" does not exist in America/New_York: the clocks skipped it going \
             from UTC-05:00 to UTC-04:00 (a daylight-saving gap), and the column says `on gap reject`"
        );
        let Err(Stop::Fail(overlap)) =
            read("2024-11-03 01:30", GapPolicy::Reject, OverlapPolicy::Reject)
        else {
            panic!("01:30 happens twice");
        };
        assert!(
            overlap.contains("happens twice in America/New_York"),
            "{overlap}"
        );
        assert!(overlap.contains("UTC-04:00 to UTC-05:00"), "{overlap}");
    }

    #[test]
    fn the_built_in_shifts_a_gap_and_takes_the_first_of_an_overlap() {
        let zone = Value::text_value("America/New_York");
        let fmt = Value::text_value("%Y-%m-%d %H:%M");
        let call = |s: &str| (DATETIME.apply)(&[Value::text_value(s), fmt.clone(), zone.clone()]);
        let utc = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").map(Value::DateTime);
        assert_eq!(call("2024-03-10 02:30").ok(), utc("2024-03-10 07:30").ok());
        assert_eq!(call("2024-11-03 01:30").ok(), utc("2024-11-03 05:30").ok());
    }
}
