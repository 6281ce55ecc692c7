//! Turns a source row's raw text into typed values, applying each column's policies for the
//! empty, missing, null and invalid states. A row that cannot be typed is rejected with the
//! column and the reason, never dropped.

use crate::builtins;
use crate::eval::node::constant;
use crate::eval::value::{Stop, Str, Value};
use crate::ir::{Column, ColumnType, PolicyAction, ValueState};

/// A value as read, before typing.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    /// The column (CSV) or key (JSON) is absent.
    Missing,
    /// JSON null.
    Null,
    Text(Str),
}

/// Why a row could not be typed.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeError {
    pub column: String,
    /// `empty`, `missing`, `null` or `invalid`.
    pub code: &'static str,
    pub message: String,
}

/// A value as read, borrowed from where it was read (a block of rows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RawRef<'a> {
    Missing,
    Null,
    Text(&'a str),
}

impl<'a> RawRef<'a> {
    /// The text read; empty for a missing or null value.
    pub fn as_str(self) -> &'a str {
        match self {
            RawRef::Text(t) => t,
            RawRef::Missing | RawRef::Null => "",
        }
    }

    pub fn to_raw(self) -> Raw {
        match self {
            RawRef::Missing => Raw::Missing,
            RawRef::Null => Raw::Null,
            RawRef::Text(t) => Raw::Text(t.into()),
        }
    }
}

impl Raw {
    pub fn as_ref(&self) -> RawRef<'_> {
        match self {
            Raw::Missing => RawRef::Missing,
            Raw::Null => RawRef::Null,
            Raw::Text(t) => RawRef::Text(t),
        }
    }
}

/// Types a row's values.
pub fn type_row(columns: &[Column], raw: Vec<Raw>) -> Result<Vec<Value>, TypeError> {
    let mut out = Vec::with_capacity(columns.len());
    type_into(columns, raw.iter().map(Raw::as_ref), &mut out)?;
    Ok(out)
}

/// Types a row's values into `out` (cleared first), so a buffer can serve row after row.
pub fn type_into<'a>(
    columns: &[Column],
    raw: impl Iterator<Item = RawRef<'a>>,
    out: &mut Vec<Value>,
) -> Result<(), TypeError> {
    out.clear();
    let mut raw = raw.fuse();
    for c in columns {
        out.push(type_value(c, raw.next().unwrap_or(RawRef::Missing))?);
    }
    Ok(())
}

/// Whether typing gives this text back as it is (a text column's value, not empty and not one
/// of its null markers): what [`type_value`] returns as `Value::Text(t)`.
pub fn lends_as_is(c: &Column, t: &str) -> bool {
    matches!(c.ty, ColumnType::Text) && absent(c, t).is_none()
}

/// The state text read for this column stands for when it stands for no value: one of its
/// null markers, empty text, or blank text in a column that is not text.
fn absent(c: &Column, t: &str) -> Option<ValueState> {
    if !c.nulls.is_empty() && c.nulls.iter().any(|n| n == t.trim()) {
        Some(ValueState::Null)
    } else if t.is_empty() || (!matches!(c.ty, ColumnType::Text) && t.trim().is_empty()) {
        Some(ValueState::Empty)
    } else {
        None
    }
}

pub fn type_value(c: &Column, raw: RawRef) -> Result<Value, TypeError> {
    let text = match raw {
        RawRef::Missing => return by_state(c, ValueState::Missing, ""),
        RawRef::Null => return by_state(c, ValueState::Null, ""),
        RawRef::Text(t) => match absent(c, t) {
            Some(state) => return by_state(c, state, t),
            None => t,
        },
    };
    match parse(c, text) {
        Ok(v) => Ok(v),
        Err(why) => by_state(c, ValueState::Invalid, text).map_err(|mut e| {
            if e.code == "invalid" && c.policies.iter().all(|(s, _)| *s != ValueState::Invalid) {
                e.message = why;
            }
            e
        }),
    }
}

fn parse(c: &Column, text: &str) -> Result<Value, String> {
    let r = match &c.ty {
        ColumnType::Text => return Ok(Value::text_value(text)),
        ColumnType::Int => builtins::parse_int(text),
        ColumnType::Decimal => builtins::parse_decimal(text),
        ColumnType::Bool => builtins::parse_bool(text),
        ColumnType::Date { format } => builtins::parse_date(text, format.as_str()),
        ColumnType::DateTime { format, tz } => {
            builtins::parse_datetime(text, format.as_str(), tz.as_ref())
        }
    };
    r.map_err(|stop| match stop {
        Stop::Fail(m) | Stop::Reject(m) | Stop::Hold(m) | Stop::Skip(m) => {
            format!("{}: {m}", c.name)
        }
    })
}

/// The column's policy for a state, or the default: optional columns take null for empty,
/// missing and null; required columns and invalid values reject.
fn by_state(c: &Column, state: ValueState, text: &str) -> Result<Value, TypeError> {
    let policy = c.policies.iter().find(|(s, _)| *s == state).map(|(_, a)| a);
    let reject = |message: String| TypeError {
        column: c.name.clone(),
        code: state.name(),
        message,
    };
    match policy {
        Some(PolicyAction::Null) => Ok(Value::Null),
        Some(PolicyAction::Keep) if state == ValueState::Missing || state == ValueState::Null => {
            Ok(Value::Null)
        }
        Some(PolicyAction::Keep) => Ok(Value::text_value(text)),
        Some(PolicyAction::Default(v)) => Ok(constant(v)),
        Some(PolicyAction::Reject(m)) => Err(reject(
            m.clone().unwrap_or_else(|| default_message(c, state, text)),
        )),
        None if c.optional && state != ValueState::Invalid => Ok(Value::Null),
        None => Err(reject(default_message(c, state, text))),
    }
}

fn default_message(c: &Column, state: ValueState, text: &str) -> String {
    match state {
        ValueState::Invalid => format!("{}: {text:?} is not a valid {}", c.name, c.ty.name()),
        other => format!("{} is {} but required", c.name, other.name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(ty: &str, optional: bool, policies: Vec<(ValueState, PolicyAction)>) -> Column {
        let ty = match ty {
            "date" => ColumnType::Date {
                format: crate::ir::DateFormat::new("%m/%d/%Y").expect("a format"),
            },
            "int" => ColumnType::Int,
            _ => ColumnType::Text,
        };
        Column {
            name: "c".into(),
            ty,
            optional,
            nulls: vec!["N/A".into()],
            sensitive: false,
            policies,
        }
    }

    fn text(s: &str) -> Raw {
        Raw::Text(s.into())
    }

    #[test]
    fn optional_columns_turn_absent_values_into_null() {
        let c = col("text", true, vec![]);
        for raw in [Raw::Missing, Raw::Null, text(""), text("N/A")] {
            assert_eq!(type_value(&c, raw.as_ref()), Ok(Value::Null), "{raw:?}");
        }
    }

    #[test]
    fn required_columns_reject_absent_values_naming_the_state() {
        let c = col("text", false, vec![]);
        assert_eq!(
            type_value(&c, RawRef::Missing).map_err(|e| e.code),
            Err("missing")
        );
        assert_eq!(
            type_value(&c, RawRef::Text("")).map_err(|e| e.code),
            Err("empty")
        );
        assert_eq!(
            type_value(&c, RawRef::Text("N/A")).map_err(|e| e.code),
            Err("null")
        );
    }

    #[test]
    fn invalid_values_reject_unless_a_policy_says_otherwise() {
        let c = col("date", true, vec![]);
        let e = type_value(&c, RawRef::Text("13/45/2020")).expect_err("invalid date");
        assert_eq!(e.code, "invalid");
        assert!(e.message.contains("13/45/2020"), "{}", e.message);
        let lenient = col(
            "date",
            true,
            vec![(ValueState::Invalid, PolicyAction::Null)],
        );
        assert_eq!(
            type_value(&lenient, RawRef::Text("13/45/2020")),
            Ok(Value::Null)
        );
        let parsed = type_value(&c, RawRef::Text("03/14/1985")).expect("a date");
        assert_eq!(parsed.to_text(), "1985-03-14");
    }

    #[test]
    fn defaults_and_keep_apply_per_state() {
        let c = col(
            "int",
            false,
            vec![
                (
                    ValueState::Empty,
                    PolicyAction::Default(crate::ir::Const::Number {
                        value: crate::ir::Decimal::ZERO,
                    }),
                ),
                (ValueState::Invalid, PolicyAction::Keep),
            ],
        );
        assert_eq!(type_value(&c, RawRef::Text("")), Ok(Value::Int(0)));
        assert_eq!(
            type_value(&c, RawRef::Text("12x")),
            Ok(Value::Text("12x".into()))
        );
        assert_eq!(type_value(&c, RawRef::Text(" 42 ")), Ok(Value::Int(42)));
    }
}
