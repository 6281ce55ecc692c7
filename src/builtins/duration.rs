//! `days(n)`, `weeks(n)`, `months(n)`, `years(n)`: durations for date arithmetic. One module
//! for the four: they differ only in their unit.

use super::{fail, number, text, Builtin, Param, Returns};
use crate::eval::value::{Eval, Value};
use crate::ir::DurationUnit;

const DURATION: Builtin = Builtin {
    params: &[Param::Number],
    returns: Returns::Duration,
    ..Builtin::DEFAULT
};

pub const DAYS: Builtin = Builtin {
    name: "days",
    summary: "a duration of n days",
    examples: &[("days(3)", "3 days")],
    apply: |a| of(a, DurationUnit::Days),
    ..DURATION
};

pub const WEEKS: Builtin = Builtin {
    name: "weeks",
    summary: "a duration of n weeks",
    examples: &[("weeks(2)", "2 weeks")],
    apply: |a| of(a, DurationUnit::Weeks),
    ..DURATION
};

pub const MONTHS: Builtin = Builtin {
    name: "months",
    summary: "a duration of n months",
    examples: &[("months(6)", "6 months")],
    apply: |a| of(a, DurationUnit::Months),
    ..DURATION
};

pub const YEARS: Builtin = Builtin {
    name: "years",
    summary: "a duration of n years",
    examples: &[("years(1)", "1 year")],
    apply: |a| of(a, DurationUnit::Years),
    ..DURATION
};

fn of(a: &[Value], unit: DurationUnit) -> Eval {
    match number(a, 0) {
        Some(n) => Ok(Value::Duration(n, unit)),
        None => fail(format!(
            "{:?} is not a number of {}",
            text(a, 0),
            unit.name()
        )),
    }
}
