//! What of a row may be shown where people and tools read: the exception files, the ledger's
//! audit entries. In a sensitive row (the columns marked `sensitive`, every column of a
//! `sensitive` source or migration, but never the key) the values are
//! replaced by `‹redacted›`, in the row and in its reason: a reason may quote a value (a date
//! that does not parse, a table's `else => reject "unknown {}"`, a unique value another row
//! holds), so each sensitive value is looked for in it as written, in any ASCII case, and as
//! its digits when it has seven or more (a phone number written normalised).
//!
//! The row as read, reason and all, goes only to the owner-only file the exception sink keeps
//! for them (`_sensitive_rows.jsonl`), for the analyst to correct the rows from.

use super::fate::Fate;
use crate::io::block::ENCODING;
use crate::ir::Source;
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

pub const REDACTED: &str = "‹redacted›";

/// A row's sensitive values, found once for its row and reason.
pub struct Redaction {
    values: Vec<String>,
}

impl Redaction {
    pub fn of(source: &Source, original: &[(String, String)], migration_sensitive: bool) -> Self {
        let values = original
            .iter()
            .filter(|(name, value)| {
                !value.trim().is_empty() && source.hides_column(name, migration_sensitive)
            })
            .map(|(_, value)| value.trim().to_string())
            .collect();
        Redaction { values }
    }

    /// Whether the row had anything to hide.
    pub fn hides_anything(&self) -> bool {
        !self.values.is_empty()
    }

    /// Every column of the row, its sensitive values replaced.
    pub fn row(
        &self,
        source: &Source,
        original: &[(String, String)],
        migration_sensitive: bool,
    ) -> Map<String, Json> {
        original
            .iter()
            .map(|(name, value)| {
                let hidden = !value.is_empty() && source.hides_column(name, migration_sensitive);
                let shown = if hidden { REDACTED } else { value.as_str() };
                (name.clone(), Json::String(shown.to_string()))
            })
            .collect()
    }

    /// The reason with every sensitive value in it replaced. A row not in its file's encoding
    /// quotes an excerpt of its bytes, escaped, which no value matches: it is named by its
    /// line only.
    pub fn reason<'r>(&self, fate: &'r Fate, line: u64) -> Cow<'r, str> {
        if fate.code == ENCODING {
            return Cow::Owned(format!(
                "line {line} is not valid in the file's encoding; its bytes are not shown, as the \
                 source holds sensitive values"
            ));
        }
        self.hide(&fate.reason)
    }

    fn hide<'r>(&self, reason: &'r str) -> Cow<'r, str> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        for value in &self.values {
            occurrences(reason, value, &mut found);
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 7 && digits.len() < value.len() {
                occurrences(reason, &digits, &mut found);
            }
        }
        if found.is_empty() {
            return Cow::Borrowed(reason);
        }
        found.sort_unstable();
        let mut out = String::with_capacity(reason.len());
        let mut copied = 0;
        for (start, end) in found {
            if end <= copied {
                continue; // inside a stretch hidden already
            }
            out.push_str(&reason[copied..start.max(copied)]);
            out.push_str(REDACTED);
            copied = end;
        }
        out.push_str(&reason[copied..]);
        Cow::Owned(out)
    }
}

/// Values this short are not looked for: they would match ordinary words of every reason
/// (a status `A`), and identify no one.
const SHORTEST: usize = 3;

/// The byte ranges of `value` in `text`, in any ASCII case and as a whole word (no letter or
/// digit just before or after it), added to `found`.
fn occurrences(text: &str, value: &str, found: &mut Vec<(usize, usize)>) {
    let (haystack, needle) = (text.as_bytes(), value.as_bytes());
    if value.chars().count() < SHORTEST || needle.len() > haystack.len() {
        return;
    }
    let word = |at: Option<&u8>| at.is_some_and(u8::is_ascii_alphanumeric);
    for start in 0..=haystack.len() - needle.len() {
        let end = start + needle.len();
        let matches = haystack[start..end].eq_ignore_ascii_case(needle)
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
            && !word(start.checked_sub(1).and_then(|i| haystack.get(i)))
            && !word(haystack.get(end));
        if matches {
            found.push((start, end));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_hidden_in_any_case_and_a_phone_by_its_digits() {
        let r = Redaction {
            values: vec![
                "Ana@X.com".into(),
                "(555) 010-2233".into(),
                "02/30/1985".into(),
            ],
        };
        assert_eq!(
            r.hide("`emails.primaryEmail` ana@x.com is Bo's; dob: \"02/30/1985\" is not a date"),
            "`emails.primaryEmail` ‹redacted› is Bo's; dob: \"‹redacted›\" is not a date"
        );
        assert_eq!(r.hide("phone 5550102233 taken"), "phone ‹redacted› taken");
        assert_eq!(r.hide("no value here"), "no value here");
    }

    #[test]
    fn short_values_and_parts_of_words_are_left_alone() {
        let r = Redaction {
            values: vec!["A".into(), "ana".into(), "banana".into()],
        };
        assert_eq!(r.hide("a status A for Ana"), "a status A for ‹redacted›");
        assert_eq!(r.hide("bananas, banana"), "bananas, ‹redacted›");
    }

    #[test]
    fn multibyte_text_around_a_value_stays_whole() {
        let r = Redaction {
            values: vec!["zoë".into()],
        };
        assert_eq!(r.hide("é zoë é"), "é ‹redacted› é");
    }
}
