//! Streams a source export as raw rows with their line numbers: CSV (UTF-8, UTF-8 with BOM,
//! Windows-1252; any delimiter; CRLF; quoted fields with newlines) and JSON lines.

use super::typing::Raw;
use crate::semantic::model::SourceInfo;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

fn pairs(header: &[String], record: &csv::StringRecord) -> Vec<(String, String)> {
    header
        .iter()
        .cloned()
        .zip(record.iter().map(str::to_string))
        .collect()
}

/// One row as read: where it was, its declared columns' raw values, and every column of the
/// file (for reject reports, which keep the whole row).
#[derive(Debug, Clone)]
pub struct RawRow<'r> {
    pub line: u64,
    pub values: Vec<Raw>,
    pub original: Original<'r>,
}

/// Every column of the row as read, borrowed from the reader: it is only spelled out when the
/// row is written to the rejected or held file.
#[derive(Debug, Clone)]
pub enum Original<'r> {
    Csv {
        header: &'r Rc<[String]>,
        record: &'r csv::StringRecord,
    },
    /// A CSV row kept past the reader's next row (rows worked out in batches).
    Kept {
        header: Rc<[String]>,
        record: csv::StringRecord,
    },
    Pairs(Vec<(String, String)>),
}

impl Original<'_> {
    /// The row, kept: the header is shared, the record copied.
    pub fn keep(&self) -> Original<'static> {
        match self {
            Original::Csv { header, record } => Original::Kept {
                header: Rc::clone(header),
                record: (*record).clone(),
            },
            Original::Kept { header, record } => Original::Kept {
                header: Rc::clone(header),
                record: record.clone(),
            },
            Original::Pairs(p) => Original::Pairs(p.clone()),
        }
    }

    pub fn into_pairs(self) -> Vec<(String, String)> {
        match self {
            Original::Csv { header, record } => pairs(header, record),
            Original::Kept { header, record } => pairs(&header, &record),
            Original::Pairs(p) => p,
        }
    }
}

/// Where a reader hands each row (or unreadable row); an error it returns stops the read.
pub type RowSink<'a> = dyn FnMut(Result<RawRow<'_>, SourceError>) -> Result<(), String> + 'a;

#[derive(Debug)]
pub enum SourceError {
    /// The file cannot be opened: the run stops.
    Open(String),
    /// A declared column is not in the header: the run stops.
    MissingColumn(String),
    /// One row is unreadable (bad quoting, bad JSON): it is rejected, the run goes on.
    BadRow { line: u64, message: String },
}

/// Decodes a Windows-1252 stream to UTF-8 on the fly.
struct Cp1252<R: Read> {
    inner: R,
    pending: Vec<u8>,
}

impl<R: Read> Read for Cp1252<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            let mut raw = vec![0u8; buf.len().max(4) / 3 + 1];
            let n = self.inner.read(&mut raw)?;
            if n == 0 {
                return Ok(0);
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&raw[..n]);
            self.pending = text.into_owned().into_bytes();
        }
        let n = self.pending.len().min(buf.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

pub fn open(dir: &Path, source: &SourceInfo) -> Result<Box<dyn Read>, SourceError> {
    let path = dir.join(&source.file);
    let file =
        File::open(&path).map_err(|e| SourceError::Open(format!("{}: {e}", path.display())))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    skip_bom(&mut reader).map_err(|e| SourceError::Open(format!("{}: {e}", path.display())))?;
    Ok(match source.encoding.as_str() {
        "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" => Box::new(Cp1252 {
            inner: reader,
            pending: Vec::new(),
        }),
        _ => Box::new(reader),
    })
}

fn skip_bom(r: &mut BufReader<File>) -> std::io::Result<()> {
    let head = r.fill_buf()?;
    if head.starts_with(b"\xEF\xBB\xBF") {
        r.consume(3);
    }
    Ok(())
}

/// Streams rows to `each`; returns early with the first error `each` gives.
pub fn read_rows(dir: &Path, source: &SourceInfo, each: &mut RowSink) -> Result<(), SourceError> {
    let input = open(dir, source)?;
    if source.format == "jsonl" {
        read_jsonl(input, source, each)
    } else {
        read_csv(input, source, each)
    }
}

fn read_csv(
    input: Box<dyn Read>,
    source: &SourceInfo,
    each: &mut RowSink,
) -> Result<(), SourceError> {
    let delimiter = source.delimiter.bytes().next().unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            return Err(SourceError::Open(format!(
                "{}: unreadable header: {e}",
                source.file
            )))
        }
    };
    let index: Vec<Option<usize>> = source
        .columns
        .iter()
        .map(|c| header.iter().position(|h| *h == c.name))
        .collect();
    if let Some(missing) = source.columns.iter().zip(&index).find(|(_, i)| i.is_none()) {
        return Err(SourceError::MissingColumn(format!(
            "{} has no column `{}`",
            source.file, missing.0.name
        )));
    }
    let header: Rc<[String]> = header.into();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let values = index
                    .iter()
                    .map(|i| {
                        i.and_then(|i| record.get(i))
                            .map_or(Raw::Missing, |v| Raw::Text(v.into()))
                    })
                    .collect();
                let original = Original::Csv {
                    header: &header,
                    record: &record,
                };
                each(Ok(RawRow {
                    line,
                    values,
                    original,
                }))
                .map_err(|m| SourceError::BadRow { line, message: m })?;
            }
            Err(e) => {
                let message = e.to_string();
                if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    return Err(SourceError::Open(format!(
                        "{}: line {line} is not valid UTF-8; if the export is Windows-1252, declare `encoding \"windows-1252\"`",
                        source.file
                    )));
                }
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(SourceError::Open(format!("{}: {message}", source.file)));
                }
                each(Err(SourceError::BadRow { line, message }))
                    .map_err(|m| SourceError::BadRow { line, message: m })?;
            }
        }
    }
}

fn read_jsonl(
    input: Box<dyn Read>,
    source: &SourceInfo,
    each: &mut RowSink,
) -> Result<(), SourceError> {
    let reader = BufReader::new(input);
    for (n, line) in reader.lines().enumerate() {
        let line_no = n as u64 + 1;
        let text = line.map_err(|e| SourceError::Open(format!("{}: {e}", source.file)))?;
        if text.trim().is_empty() {
            continue;
        }
        let row = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(obj)) => Ok(json_row(line_no, source, &obj)),
            Ok(_) => Err(SourceError::BadRow {
                line: line_no,
                message: "not a JSON object".into(),
            }),
            Err(e) => Err(SourceError::BadRow {
                line: line_no,
                message: e.to_string(),
            }),
        };
        each(row).map_err(|m| SourceError::BadRow {
            line: line_no,
            message: m,
        })?;
    }
    Ok(())
}

fn json_row(
    line: u64,
    source: &SourceInfo,
    obj: &serde_json::Map<String, serde_json::Value>,
) -> RawRow<'static> {
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let values = source
        .columns
        .iter()
        .map(|c| match obj.get(&c.name) {
            None => Raw::Missing,
            Some(serde_json::Value::Null) => Raw::Null,
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

/// Where a run's rows come from: export files, or rows held in memory (spec tests).
pub trait Sources {
    fn read(&self, source: &SourceInfo, each: &mut RowSink) -> Result<(), SourceError>;

    /// `(email, id)` of each target user, from the migration's users file.
    fn users(&self, file: &str) -> Result<Vec<(String, String)>, String>;
}

/// The export files in one folder.
pub struct FileSources {
    pub dir: std::path::PathBuf,
}

impl Sources for FileSources {
    fn read(&self, source: &SourceInfo, each: &mut RowSink) -> Result<(), SourceError> {
        read_rows(&self.dir, source, each)
    }

    fn users(&self, file: &str) -> Result<Vec<(String, String)>, String> {
        let path = self.dir.join(file);
        let mut reader =
            csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let header = reader.headers().map_err(|e| e.to_string())?.clone();
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let Some(email) = find("email") else {
            return Err(format!("{}: no `email` column", path.display()));
        };
        let id = find("id");
        let mut out = Vec::new();
        for rec in reader.records() {
            let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
            let e = rec.get(email).unwrap_or("").trim().to_string();
            if !e.is_empty() {
                let uid = id
                    .and_then(|i| rec.get(i))
                    .map(str::to_string)
                    .unwrap_or_else(|| e.clone());
                out.push((e, uid));
            }
        }
        Ok(out)
    }
}

/// Rows given directly, keyed by source name (`given` rows of a spec test).
#[derive(Default)]
pub struct MemorySources {
    pub rows: std::collections::HashMap<String, Vec<RawRow<'static>>>,
    pub users: Vec<(String, String)>,
}

impl Sources for MemorySources {
    fn read(&self, source: &SourceInfo, each: &mut RowSink) -> Result<(), SourceError> {
        for row in self.rows.get(&source.name).into_iter().flatten() {
            each(Ok(row.clone())).map_err(|m| SourceError::BadRow {
                line: row.line,
                message: m,
            })?;
        }
        Ok(())
    }

    fn users(&self, _: &str) -> Result<Vec<(String, String)>, String> {
        Ok(self.users.clone())
    }
}
