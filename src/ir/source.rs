//! Sources as the interpreter reads them: every setting a typed value, validated when it was
//! made (by the checker, or when a plan file is read), so the reader never meets one it cannot
//! honour.

use super::{ColumnId, ValueState};
use crate::ir::Const;
use chrono::{FixedOffset, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub name: String,
    /// The export's path, relative to the data folder, as the spec wrote it.
    pub file: String,
    pub format: SourceFormat,
    pub encoding: Encoding,
    pub delimiter: Delimiter,
    pub key: Vec<ColumnId>,
    pub watermark: Option<ColumnId>,
    pub sensitive: bool,
    pub columns: Vec<Column>,
}

impl Source {
    pub fn column(&self, id: ColumnId) -> &Column {
        &self.columns[id.index()]
    }

    pub fn column_id(&self, name: &str) -> Option<ColumnId> {
        self.columns
            .iter()
            .position(|c| c.name == name)
            .map(ColumnId::new)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Csv,
    Jsonl,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    /// `?`: empty, missing and null give null instead of rejecting the row.
    pub optional: bool,
    /// Spellings that mean null (`nulls "N/A", "NULL"`).
    pub nulls: Vec<String>,
    pub sensitive: bool,
    pub policies: Vec<(ValueState, PolicyAction)>,
}

/// A column's type, with what parsing it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ColumnType {
    Text,
    Int,
    Decimal,
    Bool,
    Date {
        format: DateFormat,
    },
    DateTime {
        format: DateFormat,
        tz: Option<TimeZone>,
    },
}

impl ColumnType {
    pub fn name(&self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Int => "int",
            ColumnType::Decimal => "decimal",
            ColumnType::Bool => "bool",
            ColumnType::Date { .. } => "date",
            ColumnType::DateTime { .. } => "datetime",
        }
    }
}

/// What a column does with a value in one of the states besides present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", content = "value", rename_all = "snake_case")]
pub enum PolicyAction {
    Null,
    Keep,
    Reject(Option<String>),
    Default(Const),
}

/// A strftime format of the directives the runtime understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DateFormat(String);

impl DateFormat {
    /// The directives the runtime understands.
    pub const DIRECTIVES: &'static str = "YymdbBHIMSpjzfaAe%";

    /// The format, or why it is not one (a directive it does not know, a lone `%`).
    pub fn new(text: &str) -> Result<DateFormat, String> {
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                continue;
            }
            match chars.next() {
                Some(d) if Self::DIRECTIVES.contains(d) => {}
                Some(d) => return Err(format!("`%{d}` is not a date directive")),
                None => return Err("the format ends with a lone `%`".into()),
            }
        }
        Ok(DateFormat(text.to_string()))
    }

    /// `%Y-%m-%d`: a date column's format unless it declares one.
    pub fn iso_date() -> DateFormat {
        DateFormat("%Y-%m-%d".into())
    }

    /// `%Y-%m-%dT%H:%M:%S`: a date-time column's format unless it declares one.
    pub fn iso_datetime() -> DateFormat {
        DateFormat("%Y-%m-%dT%H:%M:%S".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DateFormat {
    type Error = String;
    fn try_from(text: String) -> Result<DateFormat, String> {
        DateFormat::new(&text).map_err(|why| format!("invalid date format {text:?}: {why}"))
    }
}

impl From<DateFormat> for String {
    fn from(f: DateFormat) -> String {
        f.0
    }
}

/// An IANA time zone, from the tz database bundled in mapc (the same on every machine, so a
/// run's times never depend on where it runs). Names are matched ignoring case.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(jiff::tz::TimeZone);

/// A local time that does not exist in a zone: the clocks skipped it (a daylight-saving gap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InGap;

impl TimeZone {
    pub fn new(name: &str) -> Option<TimeZone> {
        let zone = jiff::tz::db().get(name).ok()?;
        zone.iana_name().is_some().then_some(TimeZone(zone))
    }

    /// The IANA name, as the database spells it (`America/New_York`).
    pub fn name(&self) -> &str {
        self.0.iana_name().unwrap_or("UTC")
    }

    /// Every zone name the database knows, for suggestions.
    pub fn names() -> impl Iterator<Item = String> {
        jiff::tz::db().available().map(|n| n.as_str().to_string())
    }

    /// The UTC time of a local time in this zone. A repeated local time (clocks going back)
    /// is its first occurrence; a skipped one is `InGap`.
    pub fn to_utc(&self, local: NaiveDateTime) -> Result<NaiveDateTime, InGap> {
        use jiff::tz::AmbiguousOffset;
        let civil = civil(local).ok_or(InGap)?;
        let offset = match self.0.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Fold { before, after } => before.max(after),
            AmbiguousOffset::Gap { .. } => return Err(InGap),
        };
        Ok(local - TimeDelta::seconds(i64::from(offset.seconds())))
    }

    /// The zone's offset from UTC at a UTC time.
    pub fn offset_at(&self, utc: NaiveDateTime) -> FixedOffset {
        let seconds = jiff::Timestamp::from_second(utc.and_utc().timestamp())
            .map_or(0, |at| self.0.to_offset(at).seconds());
        FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("UTC"))
    }
}

/// A chrono local time as jiff's, when jiff can hold it (years −9999 to 9999).
fn civil(local: NaiveDateTime) -> Option<jiff::civil::DateTime> {
    use chrono::{Datelike, Timelike};
    let narrow = |v: u32| i8::try_from(v).ok();
    jiff::civil::DateTime::new(
        i16::try_from(local.year()).ok()?,
        narrow(local.month())?,
        narrow(local.day())?,
        narrow(local.hour())?,
        narrow(local.minute())?,
        narrow(local.second().min(59))?,
        i32::try_from(local.nanosecond() % 1_000_000_000).ok()?,
    )
    .ok()
}

impl PartialEq for TimeZone {
    fn eq(&self, other: &TimeZone) -> bool {
        self.name() == other.name()
    }
}

impl Eq for TimeZone {}

impl TryFrom<String> for TimeZone {
    type Error = String;
    fn try_from(name: String) -> Result<TimeZone, String> {
        TimeZone::new(&name).ok_or_else(|| format!("unknown time zone {name:?}"))
    }
}

impl From<TimeZone> for String {
    fn from(z: TimeZone) -> String {
        z.name().to_string()
    }
}

/// An encoding of the WHATWG Encoding Standard that decodes to text (not "replacement").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Encoding(pub &'static encoding_rs::Encoding);

impl Encoding {
    pub const UTF_8: Encoding = Encoding(encoding_rs::UTF_8);

    /// The encoding a label names (`latin1`, `UTF-16`, `cp1252`…).
    pub fn for_label(label: &str) -> Option<Encoding> {
        match encoding_rs::Encoding::for_label(label.trim().as_bytes()) {
            // "replacement" decodes everything to U+FFFD: every value would be lost.
            Some(e) if e != encoding_rs::REPLACEMENT => Some(Encoding(e)),
            _ => None,
        }
    }

    pub fn is_utf8(self) -> bool {
        self.0 == encoding_rs::UTF_8
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl TryFrom<String> for Encoding {
    type Error = String;
    fn try_from(label: String) -> Result<Encoding, String> {
        Encoding::for_label(&label).ok_or_else(|| format!("unknown encoding {label:?}"))
    }
}

impl From<Encoding> for String {
    fn from(e: Encoding) -> String {
        e.name().to_lowercase()
    }
}

/// A CSV delimiter: one ASCII byte that is neither a quote nor a line break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Delimiter(u8);

impl Delimiter {
    pub const COMMA: Delimiter = Delimiter(b',');

    /// The delimiter, or why the text cannot be one.
    pub fn new(text: &str) -> Result<Delimiter, &'static str> {
        match text.as_bytes() {
            [b'"' | b'\n' | b'\r'] => Err("a quote or a line break cannot separate fields"),
            [one] if one.is_ascii() => Ok(Delimiter(*one)),
            [] => Err("the delimiter is empty"),
            _ if text.chars().count() == 1 => Err("the delimiter is not ASCII"),
            _ => Err("a delimiter is one character"),
        }
    }

    pub fn byte(self) -> u8 {
        self.0
    }
}

impl TryFrom<String> for Delimiter {
    type Error = String;
    fn try_from(text: String) -> Result<Delimiter, String> {
        Delimiter::new(&text).map_err(|why| format!("delimiter {text:?}: {why}"))
    }
}

impl From<Delimiter> for String {
    fn from(d: Delimiter) -> String {
        char::from(d.0).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_validated_when_made_and_when_read_back() {
        assert!(DateFormat::new("%m/%d/%Y").is_ok());
        assert!(DateFormat::new("%Q").is_err());
        assert!(DateFormat::new("100%").is_err());
        assert_eq!(Delimiter::new("\t").map(Delimiter::byte), Ok(b'\t'));
        assert!(Delimiter::new("||").is_err());
        assert!(Delimiter::new("é").is_err());
        assert!(Delimiter::new("\"").is_err());
        assert_eq!(
            Encoding::for_label("Latin1").map(Encoding::name),
            Some("windows-1252")
        );
        assert_eq!(
            Encoding::for_label("utf-16").map(Encoding::name),
            Some("UTF-16LE")
        );
        assert!(
            Encoding::for_label("iso-2022-kr").is_none(),
            "the replacement encoding"
        );
        assert!(TimeZone::new("America/Chicago").is_some());
        assert!(TimeZone::new("Mars/Olympus").is_none());
        let bad: Result<Delimiter, _> = serde_json::from_str("\"||\"");
        assert!(
            bad.is_err(),
            "a plan file cannot smuggle in a setting the checker refuses"
        );
        let bad: Result<DateFormat, _> = serde_json::from_str("\"%Q\"");
        assert!(bad.is_err());
    }

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a test time")
    }

    /// Local times become UTC by the zone's rules on that date: standard and daylight time,
    /// the first of a repeated hour, and no answer for an hour the clocks skipped.
    #[test]
    fn zones_convert_by_their_rules_on_the_date() {
        let zone = TimeZone::new("america/new_york").expect("found ignoring case");
        assert_eq!(zone.name(), "America/New_York");
        let utc = |t: &str| zone.to_utc(local(t));
        assert_eq!(utc("2024-01-05 09:30"), Ok(local("2024-01-05 14:30")));
        assert_eq!(utc("2024-07-05 09:30"), Ok(local("2024-07-05 13:30")));
        assert_eq!(
            utc("2024-11-03 01:30"),
            Ok(local("2024-11-03 05:30")),
            "the first 01:30"
        );
        assert_eq!(utc("2024-03-10 02:30"), Err(InGap));
        assert_eq!(
            zone.offset_at(local("2024-07-05 13:30")).local_minus_utc(),
            -4 * 3600
        );
        assert_eq!(
            zone.offset_at(local("2024-11-03 06:30")).local_minus_utc(),
            -5 * 3600,
            "after the clocks went back"
        );
        let kolkata = TimeZone::new("Asia/Kolkata").expect("zone");
        assert_eq!(
            kolkata.to_utc(local("2024-01-05 09:30")),
            Ok(local("2024-01-05 04:00"))
        );
        let plan = serde_json::to_string(&zone).expect("serialise");
        assert_eq!(plan, "\"America/New_York\"");
        assert_eq!(serde_json::from_str::<TimeZone>(&plan).ok(), Some(zone));
        assert!(TimeZone::names().any(|n| n == "Europe/London"));
    }
}
