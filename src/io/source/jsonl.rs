//! JSON lines: one object a line, read in blocks like CSV. A line that is not a JSON object is
//! unreadable (rejected in its place); a key the source declares and the line lacks is missing.

use super::decode;
use super::{full, BlockSink, Original, RawRow, SourceError};
use crate::eval::typing::Raw;
use crate::io::block::Block;
use crate::ir::Source;
use serde_json::{Map, Value as Json};
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
        match serde_json::from_str::<Json>(&text) {
            Ok(Json::Object(obj)) => block.push_row(row(line_no, source, &obj)),
            Ok(_) => block.push_unreadable(line_no, "not a JSON object".into()),
            Err(e) => block.push_unreadable(line_no, e.to_string()),
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

/// A line's declared keys as raw values, and every key as read (for reports).
fn row(line: u64, source: &Source, obj: &Map<String, Json>) -> RawRow<'static> {
    let text = |v: &Json| match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    let values = source
        .columns
        .iter()
        .map(|c| match obj.get(&c.name) {
            None => Raw::Missing,
            Some(Json::Null) => Raw::Null,
            Some(v) => Raw::Text(text(v).into()),
        })
        .collect();
    let original = Original::Pairs(obj.iter().map(|(k, v)| (k.clone(), text(v))).collect());
    RawRow {
        line,
        values,
        original,
    }
}
