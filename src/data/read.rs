//! Reads an export's header and the distinct values of a few columns, with counts.

use crate::semantic::model::SourceInfo;
use std::collections::BTreeMap;
use std::path::Path;

pub enum ReadError {
    Missing(String),
    Bad(String),
}

pub struct Columns {
    pub header: Vec<String>,
    /// column → value → rows
    pub values: BTreeMap<String, BTreeMap<String, usize>>,
}

/// Decodes the file to UTF-8: a BOM is dropped, Windows-1252/Latin-1 are converted.
pub fn decode(bytes: Vec<u8>, encoding: &str) -> Result<String, String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    match encoding {
        "utf-8" | "utf8" => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not valid UTF-8 at byte {} (declare `encoding \"windows-1252\"`?)",
                e.utf8_error().valid_up_to()
            )
        }),
        "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            Ok(text.into_owned())
        }
        other => Err(format!("unsupported encoding `{other}`")),
    }
}

pub fn columns(path: &Path, source: &SourceInfo, wanted: &[&str]) -> Result<Columns, ReadError> {
    let bytes = std::fs::read(path).map_err(|_| ReadError::Missing(path.display().to_string()))?;
    let text = decode(bytes, &source.encoding).map_err(ReadError::Bad)?;
    if source.format == "jsonl" {
        return jsonl(&text, wanted);
    }
    csv_columns(&text, source, wanted)
}

fn csv_columns(text: &str, source: &SourceInfo, wanted: &[&str]) -> Result<Columns, ReadError> {
    let delimiter = source.delimiter.bytes().next().unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| ReadError::Bad(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let idx: Vec<(String, usize)> = wanted
        .iter()
        .filter_map(|w| {
            header
                .iter()
                .position(|h| h == w)
                .map(|i| (w.to_string(), i))
        })
        .collect();
    let mut values: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| ReadError::Bad(e.to_string()))?;
        for (name, i) in &idx {
            let v = rec.get(*i).unwrap_or("").to_string();
            *values
                .entry(name.clone())
                .or_default()
                .entry(v)
                .or_default() += 1;
        }
    }
    Ok(Columns { header, values })
}

fn jsonl(text: &str, wanted: &[&str]) -> Result<Columns, ReadError> {
    let mut header: Vec<String> = Vec::new();
    let mut values: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| ReadError::Bad(format!("line {}: {e}", n + 1)))?;
        let Some(obj) = v.as_object() else {
            return Err(ReadError::Bad(format!("line {}: not a JSON object", n + 1)));
        };
        for (k, val) in obj {
            if !header.contains(k) {
                header.push(k.clone());
            }
            if wanted.contains(&k.as_str()) {
                let text = match val {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                *values
                    .entry(k.clone())
                    .or_default()
                    .entry(text)
                    .or_default() += 1;
            }
        }
    }
    Ok(Columns { header, values })
}
