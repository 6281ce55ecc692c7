//! JSON lines: one object a line, read in blocks like CSV. A line that is not a JSON object is
//! unreadable (rejected in its place); a key the source declares and the line lacks is missing.
//! A number is read as the digits written (`12345678901234567.89` stays that, where serde_json
//! would have made it an `f64`); one with an exponent is spelled out exactly (`1.5e3` is `1500`).

use super::decode;
use super::{full, BlockSink, Original, RawRow, SourceError};
use crate::eval::typing::Raw;
use crate::io::block::Block;
use crate::ir::number;
use crate::ir::Decimal;
use crate::ir::Source;
use serde_json::value::RawValue;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// Streams a JSON-lines export in blocks of up to `rows` rows.
pub fn blocks(
    input: impl Read,
    source: &Source,
    rows: usize,
    each: &mut BlockSink,
) -> Result<(), SourceError> {
    let text =
        decode::text(input, source.encoding).map_err(|e| SourceError::read(&source.file, e))?;
    let mut block = Block::new(source.columns.len(), Arc::from(Vec::new()));
    for (n, line) in BufReader::new(text).lines().enumerate() {
        let line_no = n as u64 + 1;
        let text = line.map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData if e.get_ref().is_none() => SourceError::NotUtf8 {
                file: source.file.clone(),
                line: line_no,
            },
            _ => SourceError::read(&source.file, e),
        })?;
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(&text) {
            Ok(obj) => block.push_row(row(line_no, source, &obj)),
            Err(e) => block.push_unreadable(line_no, unreadable(&text, e)),
        }
        if full(block.len(), block.bytes(), rows) {
            let next = block.fresh();
            block = each(std::mem::replace(&mut block, next)).map_err(SourceError::Stopped)?;
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
