//! Runtime values, and the ways evaluating a row can stop short of a value.

use crate::ir::number::{self, Decimal};
use crate::ir::{DurationUnit, ObjectId};
use chrono::{NaiveDate, NaiveDateTime};
use std::borrow::Cow;

/// Text values: up to 24 bytes are kept inline, so most field values cost no allocation.
pub type Str = compact_str::CompactString;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Exact (rust_decimal): `0.1 + 0.2` is `0.3`. Equal decimals compare equal whatever
    /// their scale (`1.50 == 1.5`) and have the same text and JSON.
    Dec(Decimal),
    Text(Str),
    Date(NaiveDate),
    /// In UTC.
    DateTime(NaiveDateTime),
    Duration(Decimal, DurationUnit),
    List(Vec<Value>),
    /// Field names are short: kept inline, like short text.
    Record(Vec<(Str, Value)>),
    /// A reference to a target record (boxed: rare, and it would double every value's size).
    Ref(Box<Reference>),
}

/// The object a reference points into, and the referenced record's id (or a user's). A
/// placeholder (`on missing placeholder`) points into no object.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub object: Option<ObjectId>,
    pub key: String,
}

/// Why evaluation produced no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// A fallible transform failed; `??` catches it.
    Fail(String),
    /// The row is rejected with this reason.
    Reject(String),
    /// The row goes to the reconciliation queue.
    Hold(String),
    /// The row is skipped.
    Skip(String),
}

pub type Eval = Result<Value, Stop>;

impl Stop {
    /// Which of two stops a row ends with when its values raise both, whatever their order:
    /// a rejection (or a failure nothing caught) over a hold, a hold over a skip. A row that
    /// cannot be migrated as it is must be fixed first; one that waits on a person must not
    /// be passed over silently.
    pub fn severity(&self) -> u8 {
        match self {
            Stop::Fail(_) | Stop::Reject(_) => 3,
            Stop::Hold(_) => 2,
            Stop::Skip(_) => 1,
        }
    }

    /// Whether nothing can outrank this stop, so the row's other values need not be evaluated.
    pub fn is_final(&self) -> bool {
        self.severity() == 3
    }
}

/// The stop a row ends with, over all of its values (see [`Stop::severity`]).
#[derive(Debug, Default)]
pub struct Worst(pub Option<Stop>);

impl Worst {
    /// Takes in one value's stop; true when the row's fate is settled and evaluation can end.
    pub fn add(&mut self, stop: Stop) -> bool {
        let outranks = self
            .0
            .as_ref()
            .is_none_or(|kept| stop.severity() > kept.severity());
        if outranks {
            self.0 = Some(stop);
        }
        self.0.as_ref().is_some_and(Stop::is_final)
    }
}

impl Value {
    pub fn reference(object: Option<ObjectId>, key: impl Into<String>) -> Value {
        Value::Ref(Box::new(Reference {
            object,
            key: key.into(),
        }))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The text form used by `++`, keys and text fields; null is empty. Borrowed for text.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Text(s) => Cow::Borrowed(s.as_str()),
            Value::Ref(r) => Cow::Borrowed(r.key.as_str()),
            Value::Null => Cow::Borrowed(""),
            other => Cow::Owned(other.to_text()),
        }
    }

    pub fn text_value(s: impl Into<Str>) -> Value {
        Value::Text(s.into())
    }

    /// The text form, owned.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Dec(d) => format_decimal(*d),
            Value::Text(s) => s.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
            Value::DateTime(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Value::Duration(n, u) => {
                let unit = u.name();
                let unit = if *n == Decimal::ONE {
                    unit.trim_end_matches('s')
                } else {
                    unit
                };
                format!("{} {unit}", format_decimal(*n))
            }
            Value::List(items) => items
                .iter()
                .map(Value::to_text)
                .collect::<Vec<_>>()
                .join(", "),
            // Its JSON, fields by name, as it always was.
            Value::Record(_) => {
                let mut json = Vec::new();
                crate::eval::shape::write_sorted(&mut json, self);
                String::from_utf8(json).unwrap_or_default()
            }
            Value::Ref(r) => r.key.clone(),
        }
    }

    /// The number a value is, exactly: an int or a decimal.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(i) => Some(Decimal::from(*i)),
            Value::Dec(d) => Some(*d),
            _ => None,
        }
    }
}

/// A decimal's text, also its JSON: its digits without trailing zeros and without an
/// exponent (12.5, 3, 0.1, 100000000000000000000).
pub fn format_decimal(d: Decimal) -> String {
    number::canonical(d)
}

#[cfg(test)]
mod tests {
    /// Rows' values are moved about by the block: an exact decimal (16 bytes) must not make
    /// every value larger than text inline (24 bytes) and its tag.
    #[test]
    fn a_value_stays_four_words() {
        assert_eq!(std::mem::size_of::<super::Value>(), 32);
    }
}
