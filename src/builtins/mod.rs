//! The built-in functions. Each is one module holding everything about it: its signature (for
//! the checker), its summary and examples (for `mapc explain functions`, and evaluated by
//! `tests/stdlib.rs`), its behaviour, and, when it has one, its lending form (see
//! `eval::lend`). Adding a built-in is one file and one line in [`ALL`].
//!
//! The IR names a built-in by its [`BuiltinId`], its place in [`ALL`]; a plan file names it by
//! its name, so a plan stays readable and a renamed built-in is refused, not misread.

mod after;
mod before;
pub mod bool;
mod coalesce;
mod concat;
mod contains;
pub mod date;
pub mod datetime;
pub mod decimal;
mod digits;
mod duration;
mod email;
mod ends_with;
mod format_date;
mod full_name;
pub mod int;
mod join;
mod left;
mod len;
mod link;
pub mod lower;
mod markdown;
pub mod micros;
mod money;
mod nonempty;
mod phone;
mod replace;
mod right;
mod round;
mod split;
mod split_name;
mod starts_with;
mod title;
pub mod trim;
mod upper;
mod url;
pub mod us_phone;

use crate::eval::lend::Lending;
use crate::eval::value::{Eval, Stop, Str, Value};
use crate::ir::{BuiltinId, Decimal};
use std::borrow::Cow;

pub use self::bool::parse_bool;
pub use crate::eval::value::format_decimal;
pub use date::{add_duration, parse_date};
pub use datetime::parse_datetime;
pub use decimal::parse_decimal;
pub use int::parse_int;
pub use lower::lower;
pub use trim::trim;
pub use upper::upper;

/// Every built-in, in the order their ids number them.
pub static ALL: &[&Builtin] = &[
    &trim::TRIM,
    &lower::LOWER,
    &upper::UPPER,
    &title::TITLE,
    &nonempty::NONEMPTY,
    &replace::REPLACE,
    &digits::DIGITS,
    &left::LEFT,
    &right::RIGHT,
    &before::BEFORE,
    &after::AFTER,
    &concat::CONCAT,
    &join::JOIN,
    &split::SPLIT,
    &len::LEN,
    &contains::CONTAINS,
    &starts_with::STARTS_WITH,
    &ends_with::ENDS_WITH,
    &email::EMAIL,
    &phone::PHONE,
    &us_phone::US_PHONE,
    &url::URL,
    &link::LINK,
    &date::DATE,
    &datetime::DATETIME,
    &format_date::FORMAT_DATE,
    &int::INT,
    &decimal::DECIMAL,
    &bool::BOOL,
    &round::ROUND,
    &micros::MICROS,
    &money::MONEY,
    &split_name::SPLIT_NAME,
    &full_name::FULL_NAME,
    &markdown::MARKDOWN,
    &duration::DAYS,
    &duration::WEEKS,
    &duration::MONTHS,
    &duration::YEARS,
    &coalesce::COALESCE,
];

/// What a parameter accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    Text,
    Number,
    Date,
    List,
    /// One value of any type, not a list.
    Value,
    Any,
}

impl Param {
    /// Whether it takes one value, so that a list given to it is applied to element by
    /// element (`split(tags, ";") | trim`).
    pub fn takes_one(self) -> bool {
        matches!(
            self,
            Param::Text | Param::Number | Param::Date | Param::Value
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            Param::Text => "text",
            Param::Number => "number",
            Param::Date => "date",
            Param::List => "list",
            Param::Value => "value",
            Param::Any => "any",
        }
    }
}

/// What a call gives, for the checker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    Text,
    Int,
    Decimal,
    Bool,
    Date,
    DateTime,
    Duration,
    Any,
    TextList,
    /// A composite of the target (`phones`, `links`, `currency`, `full_name`, `rich_text`).
    Composite(&'static str),
    /// The type its arguments share (`coalesce`).
    Arguments,
}

/// An argument the checker validates when it is written as a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A strftime format (`date(x, "%m/%d/%Y")`).
    DateFormat,
    /// An IANA time zone (`datetime(x, fmt, "America/Chicago")`).
    TimeZone,
}

/// The lending form of a built-in (see `eval::lend`): its results on a block's rows, its later
/// arguments constants. Written with [`Lending::each`], as what it does to one row's text.
pub type LendFn = for<'r, 'a> fn(&mut Lending<'r, 'a>);

pub struct Builtin {
    pub name: &'static str,
    pub params: &'static [Param],
    /// How many of the last parameters may be left out.
    pub optional: usize,
    /// The last parameter may repeat.
    pub variadic: bool,
    pub returns: Returns,
    /// Whether a call can fail (and must be handled with `??`).
    pub fallible: bool,
    /// Arguments checked at compile time when written as literals, by position.
    pub literals: &'static [(usize, Literal)],
    pub summary: &'static str,
    /// `(expression, result)`: docs, and what the interpreter must give (`tests/stdlib.rs`).
    pub examples: &'static [(&'static str, &'static str)],
    /// A null first argument gives null without calling `call`: a missing value stays missing
    /// rather than becoming a failure.
    pub null_in: bool,
    /// The behaviour, on evaluated arguments (see [`Builtin::call`] for the null rule).
    pub apply: fn(&[Value]) -> Eval,
    pub lend: Option<LendFn>,
}

impl Builtin {
    /// What every built-in is unless it says otherwise.
    pub const DEFAULT: Builtin = Builtin {
        name: "",
        params: &[],
        optional: 0,
        variadic: false,
        returns: Returns::Text,
        fallible: false,
        literals: &[],
        summary: "",
        examples: &[],
        null_in: true,
        apply: |_| Ok(Value::Null),
        lend: None,
    };

    /// How many arguments a call must have.
    pub fn required(&self) -> usize {
        self.params.len() - self.optional.min(self.params.len())
    }

    /// Calls it on evaluated arguments.
    pub fn call(&self, args: &[Value]) -> Eval {
        if self.null_in && arg(args, 0).is_null() {
            return Ok(Value::Null);
        }
        (self.apply)(args)
    }
}

impl std::fmt::Debug for Builtin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// The built-in called `name`.
pub fn find(name: &str) -> Option<BuiltinId> {
    ALL.iter()
        .position(|b| b.name == name)
        .map(|i| BuiltinId(i as u16))
}

/// The built-in an id names. Ids are only made by [`find`] (and by reading a plan, which
/// finds them by name), so every one is in range.
pub fn get(id: BuiltinId) -> &'static Builtin {
    ALL[id.0 as usize]
}

pub fn names() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|b| b.name)
}

impl serde::Serialize for BuiltinId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(get(*self).name)
    }
}

impl<'de> serde::Deserialize<'de> for BuiltinId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<BuiltinId, D::Error> {
        let name = <Cow<'de, str>>::deserialize(d)?;
        find(&name).ok_or_else(|| serde::de::Error::custom(format!("no built-in `{name}`")))
    }
}

// Helpers the built-ins share.

/// Argument `i`, or null when the call has fewer.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    args.get(i).unwrap_or(&Value::Null)
}

/// The text form of argument `i` (null is empty).
pub(crate) fn text(args: &[Value], i: usize) -> Cow<'_, str> {
    arg(args, i).text()
}

/// Argument `i` as a number, exactly, when it is one.
pub(crate) fn number(args: &[Value], i: usize) -> Option<Decimal> {
    arg(args, i).as_decimal()
}

/// Argument `i` as a count (`left(x, 2)`, `round(x, 2)`): a decimal cut to its whole part,
/// a number beyond `i64` as far as one goes; None when it is not a number.
pub(crate) fn count(args: &[Value], i: usize) -> Option<i64> {
    match arg(args, i) {
        Value::Int(n) => Some(*n),
        Value::Dec(d) => {
            let whole = d.trunc().mantissa();
            Some(i64::try_from(whole).unwrap_or(if whole < 0 { i64::MIN } else { i64::MAX }))
        }
        _ => None,
    }
}

pub(crate) fn ok_text(s: impl Into<Str>) -> Eval {
    Ok(Value::Text(s.into()))
}

pub(crate) fn fail(why: impl Into<String>) -> Eval {
    Err(Stop::Fail(why.into()))
}
