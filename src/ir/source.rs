//! Sources as the interpreter reads them: every setting a typed value, validated when it was
//! made (by the checker, or when a plan file is read), so the reader never meets one it cannot
//! honour.

use super::{ColumnId, ValueState, ZonePolicy};
use crate::ir::Const;
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

    /// Whether any value of this source's rows may be sensitive (in a `sensitive` migration,
    /// a `sensitive` source, or a column marked so): only then is a row's text looked at
    /// before it is shown.
    pub fn holds_sensitive(&self, migration_sensitive: bool) -> bool {
        migration_sensitive || self.sensitive || self.columns.iter().any(|c| c.sensitive)
    }

    /// Whether column `name`'s values are hidden where rows are shown: marked `sensitive`, of
    /// a `sensitive` source or migration; never a key column, which names the row in the
    /// rejects and the ledger (which finds the row again by it on the next run).
    pub fn hides_column(&self, name: &str, migration_sensitive: bool) -> bool {
        let is_key = self.key.iter().any(|c| self.column(*c).name == name);
        let marked = self.columns.iter().any(|c| c.name == name && c.sensitive);
        !is_key && (marked || self.sensitive || migration_sensitive)
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
        /// The zone its local times are in, with its gap and overlap policies; UTC when None.
        tz: Option<ZonePolicy>,
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
                Some(d) => return Err(format!("`%{d}` is not a directive mapc reads")),
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
        DateFormat::new(&text)
            .map_err(|why| format!("invalid date or datetime format {text:?}: {why}"))
    }
}

impl From<DateFormat> for String {
    fn from(f: DateFormat) -> String {
        f.0
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
        assert!(crate::ir::TimeZone::new("America/Chicago").is_some());
        assert!(crate::ir::TimeZone::new("Mars/Olympus").is_none());
        let bad: Result<Delimiter, _> = serde_json::from_str("\"||\"");
        assert!(
            bad.is_err(),
            "a plan file cannot smuggle in a setting the checker refuses"
        );
        let bad: Result<DateFormat, _> = serde_json::from_str("\"%Q\"");
        assert!(bad.is_err());
    }
}
