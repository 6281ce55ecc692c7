//! Streams a source export as raw rows with their line numbers: CSV (UTF-8, UTF-8 with BOM,
//! Windows-1252; any delimiter; CRLF; quoted fields with newlines) and JSON lines.

use crate::eval::typing::{Raw, RawRef};
use crate::io::block::{Block, Filling, NotUtf8};
use crate::semantic::model::SourceInfo;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

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
    /// A row of a block: as read, its columns spelled out only when asked for.
    Block {
        block: &'r Block,
        row: usize,
    },
    Pairs(Vec<(String, String)>),
}

impl Original<'_> {
    pub fn into_pairs(self) -> Vec<(String, String)> {
        match self {
            Original::Block { block, row } => block.original(row),
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
    /// The sink the rows went to stopped the read (the run's failure says why).
    Stopped(String),
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

/// A CSV reader past its header, with the field each declared column comes from.
struct CsvInput {
    reader: csv::Reader<Box<dyn Read>>,
    header: Arc<[String]>,
    columns: Vec<usize>,
}

fn csv_input(input: Box<dyn Read>, source: &SourceInfo) -> Result<CsvInput, SourceError> {
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
    let mut columns = Vec::with_capacity(source.columns.len());
    for c in &source.columns {
        match header.iter().position(|h| *h == c.name) {
            Some(i) => columns.push(i),
            None => {
                return Err(SourceError::MissingColumn(format!(
                    "{} has no column `{}`",
                    source.file, c.name
                )))
            }
        }
    }
    Ok(CsvInput {
        reader,
        header: header.into(),
        columns,
    })
}

/// What a CSV reading error means: a stop (I/O, bad encoding) or one unreadable row.
fn csv_error(e: csv::Error, line: u64, source: &SourceInfo) -> SourceError {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => not_utf8(line, source),
        csv::ErrorKind::Io(_) => SourceError::Open(format!("{}: {e}", source.file)),
        _ => SourceError::BadRow {
            line,
            message: e.to_string(),
        },
    }
}

fn not_utf8(line: u64, source: &SourceInfo) -> SourceError {
    SourceError::Open(format!(
        "{}: line {line} is not valid UTF-8; if the export is Windows-1252, declare `encoding \"windows-1252\"`",
        source.file
    ))
}

/// Streams a CSV export a row at a time: read in blocks (one reader for every phase), each
/// row handed on as it stands in its block.
fn read_csv(
    input: Box<dyn Read>,
    source: &SourceInfo,
    each: &mut RowSink,
) -> Result<(), SourceError> {
    read_csv_blocks(input, source, BLOCK_ROWS, &mut |mut block| {
        for row in 0..block.len() {
            let line = block.line(row);
            let raw = match block.unreadable(row) {
                Some(why) => Err(SourceError::BadRow {
                    line,
                    message: why.to_string(),
                }),
                None => Ok(RawRow {
                    line,
                    values: block.values(row).map(RawRef::to_raw).collect(),
                    original: Original::Block { block: &block, row },
                }),
            };
            each(raw)?;
        }
        block.clear();
        Ok(block)
    })
}

/// Where a block reader hands each full block, getting back an empty one to read into; an
/// error it returns stops the read.
pub type BlockSink<'a> = dyn FnMut(Block) -> Result<Block, String> + 'a;

/// A block is handed on at this many rows or this many bytes of text, whichever comes first.
pub const BLOCK_ROWS: usize = 2048;
const BLOCK_BYTES: usize = 1 << 20;

fn full(held: usize, bytes: usize, rows: usize) -> bool {
    held >= rows || bytes >= BLOCK_BYTES
}

/// Streams a CSV export in blocks of rows, with no allocation per row.
fn read_csv_blocks(
    input: Box<dyn Read>,
    source: &SourceInfo,
    rows: usize,
    each: &mut BlockSink,
) -> Result<(), SourceError> {
    let CsvInput {
        mut reader,
        header,
        columns,
    } = csv_input(input, source)?;
    let mut block = Filling::new(Block::new(columns.len(), header));
    let mut record = csv::ByteRecord::new();
    // Hands the rows read on; at a row that is not UTF-8, the rows before it, then the stop.
    let mut hand_on = |block: Filling| -> Result<Block, SourceError> {
        match block.seal() {
            Ok(sealed) => each(sealed).map_err(SourceError::Stopped),
            Err(bad) => {
                let NotUtf8 { rows_before, line } = *bad;
                if !rows_before.is_empty() {
                    each(rows_before).map_err(SourceError::Stopped)?;
                }
                Err(not_utf8(line, source))
            }
        }
    };
    loop {
        let line = reader.position().line();
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => block.push_csv(line, &record, &columns),
            Err(e) => match csv_error(e, line, source) {
                SourceError::BadRow { message, .. } => block.push_unreadable(line, message),
                stop => {
                    if !block.is_empty() {
                        hand_on(block)?;
                    }
                    return Err(stop);
                }
            },
        }
        if full(block.len(), block.bytes(), rows) {
            block = Filling::new(hand_on(block)?);
        }
    }
    if !block.is_empty() {
        hand_on(block)?;
    }
    Ok(())
}

/// Gathers rows read one at a time into blocks (JSON lines, rows in memory).
pub fn blocks_from_rows(
    sources: &(impl Sources + ?Sized),
    source: &SourceInfo,
    rows: usize,
    each: &mut BlockSink,
) -> Result<(), SourceError> {
    let width = source.columns.len();
    let mut block = Block::new(width, Arc::from(Vec::new()));
    let mut gather = |row: Result<RawRow, SourceError>| -> Result<(), String> {
        match row {
            Ok(row) => block.push_row(row),
            Err(SourceError::BadRow { line, message }) => block.push_unreadable(line, message),
            Err(other) => return Err(format!("{other:?}")),
        }
        if full(block.len(), block.bytes(), rows) {
            let next = block.fresh();
            block = each(std::mem::replace(&mut block, next))?;
        }
        Ok(())
    };
    let read = sources.read(source, &mut gather);
    if !block.is_empty() {
        each(block).map_err(SourceError::Stopped)?;
    }
    read
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
        each(row).map_err(SourceError::Stopped)?;
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

    /// The same rows in blocks of up to `rows` (fewer when their text is large).
    fn read_blocks(
        &self,
        source: &SourceInfo,
        rows: usize,
        each: &mut BlockSink,
    ) -> Result<(), SourceError> {
        blocks_from_rows(self, source, rows, each)
    }

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

    fn read_blocks(
        &self,
        source: &SourceInfo,
        rows: usize,
        each: &mut BlockSink,
    ) -> Result<(), SourceError> {
        if source.format == "jsonl" {
            return blocks_from_rows(self, source, rows, each);
        }
        read_csv_blocks(open(&self.dir, source)?, source, rows, each)
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
            each(Ok(row.clone())).map_err(SourceError::Stopped)?;
        }
        Ok(())
    }

    fn users(&self, _: &str) -> Result<Vec<(String, String)>, String> {
        Ok(self.users.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::model::ColumnInfo;

    fn source() -> SourceInfo {
        let column = |name: &str| ColumnInfo {
            name: name.into(),
            ty: "text".into(),
            optional: true,
            format: None,
            tz: None,
            nulls: Vec::new(),
            sensitive: false,
            policies: Vec::new(),
        };
        SourceInfo {
            name: "P".into(),
            file: "p.csv".into(),
            format: "csv".into(),
            delimiter: ",".into(),
            encoding: "utf-8".into(),
            key: vec!["id".into()],
            watermark: None,
            sensitive: false,
            columns: vec![column("id"), column("notes")],
        }
    }

    /// (rows, text bytes) of each block read from `csv`.
    fn blocks(csv: String, rows: usize) -> Vec<(usize, usize)> {
        let mut seen = Vec::new();
        let input: Box<dyn Read> = Box::new(std::io::Cursor::new(csv.into_bytes()));
        read_csv_blocks(input, &source(), rows, &mut |b: Block| {
            seen.push((b.len(), b.bytes()));
            Ok(b.fresh())
        })
        .expect("read");
        seen
    }

    #[test]
    fn blocks_are_cut_by_rows_and_by_size() {
        let small: String = std::iter::once("id,notes\n".to_string())
            .chain((0..5_000).map(|i| format!("P{i},n\n")))
            .collect();
        let cut = blocks(small, BLOCK_ROWS);
        assert_eq!(
            cut.iter().map(|b| b.0).collect::<Vec<_>>(),
            [2048, 2048, 904]
        );
        let big: String = std::iter::once("id,notes\n".to_string())
            .chain((0..300).map(|i| format!("P{i},{}\n", "n".repeat(10_000))))
            .collect();
        let cut = blocks(big, BLOCK_ROWS);
        assert_eq!(cut.iter().map(|b| b.0).sum::<usize>(), 300);
        assert!(cut.len() >= 3, "{cut:?}");
        // A block closes on the row that takes it past the bound.
        assert!(cut.iter().all(|b| b.1 < BLOCK_BYTES + 10_010), "{cut:?}");
    }
}
