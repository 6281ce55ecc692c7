//! Runtime values, and the ways evaluating a row can stop short of a value.

use crate::ir::{DurationUnit, ObjectId};
use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

/// Text values: up to 24 bytes are kept inline, so most field values cost no allocation.
pub type Str = compact_str::CompactString;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Dec(f64),
    Text(Str),
    Date(NaiveDate),
    /// In UTC.
    DateTime(NaiveDateTime),
    Duration(f64, DurationUnit),
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
                let unit = if *n == 1.0 {
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
            Value::Record(_) => self.to_json().to_string(),
            Value::Ref(r) => r.key.clone(),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Dec(d) => Some(*d),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Dec(d) => serde_json::Number::from_f64(*d)
                .map(Json::Number)
                .unwrap_or(Json::Null),
            Value::List(items) => Json::Array(items.iter().map(Value::to_json).collect()),
            Value::Record(fields) => {
                let map: Map<String, Json> = fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect();
                Json::Object(map)
            }
            other => Json::String(other.to_text()),
        }
    }

    pub fn from_json(j: &Json) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Dec(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => Value::Text(s.as_str().into()),
            Json::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            Json::Object(map) => Value::Record(
                map.iter()
                    .map(|(k, v)| (k.as_str().into(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

/// Shortest decimal form: 12.5, 3, 0.1.
pub fn format_decimal(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{}", d as i64)
    } else {
        format!("{d}")
    }
}
