//! `date(text, fmt)`: parses a date with a strftime format.

use super::{fail, text, Builtin, Literal, Param, Returns};
use crate::eval::value::{Eval, Stop, Value};
use crate::ir::number::{self, Decimal};
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

/// `date + n unit`, calendar-aware for months and years (Jan 31 + 1 month = Feb 28/29). A
/// count that is not whole (`1.5 months`) fails rather than being cut to one.
pub fn add_duration(
    d: NaiveDate,
    n: Decimal,
    unit: DurationUnit,
    sign: i64,
) -> Result<NaiveDate, Stop> {
    let Some(count) = number::as_whole(n) else {
        return Err(Stop::Fail(format!(
            "{} {} is not a whole number of {}",
            number::canonical(n),
            unit.name(),
            unit.name()
        )));
    };
    let n = count.saturating_mul(sign);
    let moved = match unit {
        DurationUnit::Days => chrono::Duration::try_days(n).and_then(|n| d.checked_add_signed(n)),
        DurationUnit::Weeks => chrono::Duration::try_weeks(n).and_then(|n| d.checked_add_signed(n)),
        DurationUnit::Months => add_months(d, n),
        DurationUnit::Years => n.checked_mul(12).and_then(|n| add_months(d, n)),
    };
    moved.ok_or_else(|| Stop::Fail("date out of range".into()))
}

fn add_months(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        d.checked_add_months(chrono::Months::new(u32::try_from(n).ok()?))
    } else {
        d.checked_sub_months(chrono::Months::new(u32::try_from(-n).ok()?))
    }
}
