//! JSON lines: one object a line, read in blocks like CSV. A line that is not a JSON object is
//! unreadable (rejected in its place), and so is a line whose bytes are not in the file's
//! encoding (code `encoding`, its bytes shown escaped); a key the source declares and the line
//! lacks is missing.
//! A number is read as the digits written (`12345678901234567.89` stays that, where serde_json
//! would have made it an `f64`); one with an exponent is spelled out exactly (`1.5e3` is `1500`).

use super::decode::{self, Text};
use super::{full, BlockSink, Original, RawRow, SourceError};
use crate::eval::typing::Raw;
use crate::io::block::{excerpt, Block};
use crate::ir::number;
use crate::ir::Decimal;
use crate::ir::Source;
use serde_json::value::RawValue;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// The export's text, refused when it is plainly in another encoding than its declared one.
pub fn open<R: Read>(input: R, source: &Source) -> Result<Text<R>, SourceError> {
    decode::text(input, source.encoding).map_err(|e| SourceError::refused(&source.file, e))
}

/// Streams a JSON-lines export in blocks of up to `rows` rows.
pub fn blocks(
    input: impl Read,
    source: &Source,
    rows: usize,
    each: &mut BlockSink,
) -> Result<(), SourceError> {
    let text = open(input, source)?;
    let undecoded = text.undecoded();
    let mut block = Block::new(source.columns.len(), Arc::from(Vec::new()));
    let mut input = BufReader::new(text);
    let mut bytes = Vec::new();
    for line_no in 1.. {
        if full(block.len(), block.bytes(), rows) {
            let next = block.fresh();
            block = each(std::mem::replace(&mut block, next)).map_err(SourceError::Stopped)?;
        }
        bytes.clear();
        let n = input
            .read_until(b'\n', &mut bytes)
            .map_err(|e| SourceError::read(&source.file, e))?;
        if n == 0 {
            break;
        }
        let bad = decode::take_before(undecoded.as_ref(), line_no + 1);
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) if bad.is_empty() => text,
            Ok(_) => {
                let why = format!("line {line_no}: {}", bad.join(", "));
                block.push_undecoded(line_no, why, Vec::new());
                continue;
            }
            Err(_) => {
                let shown = excerpt(bytes.trim_ascii_end());
                let why = format!("line {line_no} is not valid UTF-8: {shown}");
                block.push_undecoded(line_no, why, Vec::new());
                continue;
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(text) {
            Ok(obj) => block.push_row(row(line_no, source, &obj)),
            Err(e) => block.push_unreadable(line_no, unreadable(text, e)),
        }
    }
    if !block.is_empty() {
        each(block).map_err(SourceError::Stopped)?;
    }
    Ok(())
}

/// A line's members as written: each value's JSON text, read once it is known what it is.
type Line<'t> = BTreeMap<String, &'t RawValue>;

/// Why a line is not a JSON object.
fn unreadable(text: &str, e: serde_json::Error) -> String {
    match serde_json::from_str::<Json>(text) {
        Ok(_) => "not a JSON object".into(),
        Err(_) => e.to_string(),
    }
}

/// A value as text: a string's content, a number's digits as written, anything else its
/// JSON; None for null.
fn text(v: &RawValue) -> Option<String> {
    let json = v.get();
    match json.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(json).ok(),
        Some(b'n') => None,
        Some(b'-' | b'0'..=b'9') => Some(digits(json)),
        _ => Some(
            serde_json::from_str::<Json>(json)
                .map(|j| j.to_string())
                .unwrap_or_else(|_| json.to_string()),
        ),
    }
}

/// A JSON number's digits; an exponent spelled out exactly when a decimal holds the number.
fn digits(json: &str) -> String {
    if !json.contains(['e', 'E']) {
        return json.to_string();
    }
    match Decimal::from_scientific(json) {
        Ok(d) => number::canonical(d),
        Err(_) => json.to_string(),
    }
}

/// A line's declared keys as raw values, and every key as read (for reports).
fn row(line: u64, source: &Source, obj: &Line) -> RawRow<'static> {
    let values = source
        .columns
        .iter()
        .map(|c| match obj.get(&c.name) {
            None => Raw::Missing,
            Some(v) => match text(v) {
                None => Raw::Null,
                Some(t) => Raw::Text(t.into()),
            },
        })
        .collect();
    let original = Original::Pairs(
        obj.iter()
            .map(|(k, v)| (k.clone(), text(v).unwrap_or_else(|| "null".into())))
            .collect(),
    );
    RawRow {
        line,
        values,
        original,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(String, Option<String>)> {
        let obj: Line = serde_json::from_str(line).expect("an object");
        obj.iter().map(|(k, v)| (k.clone(), text(v))).collect()
    }

    #[test]
    fn numbers_keep_the_digits_written() {
        let got = texts(
            r#"{"a": 12345678901234567.89, "b": 1.50, "c": 1.5e3, "d": -2E-2, "e": "x\"y", "f": null, "g": [1, true], "h": 1e999}"#,
        );
        let want = [
            ("a", Some("12345678901234567.89")),
            ("b", Some("1.50")),
            ("c", Some("1500")),
            ("d", Some("-0.02")),
            ("e", Some("x\"y")),
            ("f", None),
            ("g", Some("[1,true]")),
            ("h", Some("1e999")),
        ];
        let want: Vec<(String, Option<String>)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
            .collect();
        assert_eq!(got, want);
    }
}
