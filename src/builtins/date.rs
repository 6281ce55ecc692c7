//! `date(text, fmt)`: parses a date with a strftime format.

use super::{fail, text, Builtin, Literal, Param, Returns};
use crate::eval::value::{Eval, Value};
use crate::ir::DurationUnit;
use chrono::NaiveDate;

pub const DATE: Builtin = Builtin {
    name: "date",
    params: &[Param::Text, Param::Text],
    returns: Returns::Date,
    fallible: true,
    literals: &[(1, Literal::DateFormat)],
    summary: "parses a date with a strftime format",
    examples: &[("date(\"03/14/1985\", \"%m/%d/%Y\")", "\"1985-03-14\"")],
    apply: |a| parse_date(&text(a, 0), &text(a, 1)),
    ..Builtin::DEFAULT
};

pub fn parse_date(s: &str, fmt: &str) -> Eval {
    match NaiveDate::parse_from_str(s.trim(), fmt) {
        Ok(d) => Ok(Value::Date(d)),
        Err(_) => fail(format!("{s:?} is not a date in the format {fmt:?}")),
    }
}

/// `date + n unit`, calendar-aware for months and years (Jan 31 + 1 month = Feb 28/29).
pub fn add_duration(d: NaiveDate, n: f64, unit: DurationUnit, sign: i64) -> Option<NaiveDate> {
    let n = (n as i64) * sign;
    match unit {
        DurationUnit::Days => d.checked_add_signed(chrono::Duration::days(n)),
        DurationUnit::Weeks => d.checked_add_signed(chrono::Duration::weeks(n)),
        DurationUnit::Months => add_months(d, n),
        DurationUnit::Years => add_months(d, n * 12),
    }
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(chrono::Months::new(u32::try_from(n).ok()?))
    } else {
        d.checked_sub_months(chrono::Months::new(u32::try_from(-n).ok()?))
    }
}
