//! Where a run's rows come from: the exports in a folder ([`FileSources`]), or rows held in
//! memory (spec tests, `io::memory`). Every source is read in blocks of rows (see [`Block`]),
//! through one CSV reader (`csv.rs`) or the JSON-lines reader (`jsonl.rs`), decoded from its
//! encoding as it streams (`decode.rs`); a row whose bytes are not in that encoding is rejected
//! in its place, and a file plainly in another encoding is refused before any row is read
//! (`sniff.rs`). The users file comes through the same reader
//! (`users.rs`), and so does `check --data` ([`inspect`]).

mod csv;
mod decode;
mod jsonl;
mod sniff;
mod users;

pub use self::csv::CsvReader;

use crate::eval::typing::Raw;
use crate::io::block::Block;
use crate::ir::{Source, SourceFormat};
use std::fs::File;
use std::path::PathBuf;
use std::sync::Arc;

/// One row read some other way than into a block directly (JSON lines, rows in memory): where
/// it was, its declared columns' raw values, and every column as read (for reports).
#[derive(Debug, Clone)]
pub struct RawRow<'r> {
    pub line: u64,
    pub values: Vec<Raw>,
    pub original: Original<'r>,
}

/// Every column of a row as read, spelled out only when the row is written to the rejected or
/// held file.
#[derive(Debug, Clone)]
pub enum Original<'r> {
    /// A row of a block.
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

/// Why a source cannot be read (on): the run stops, after the rows before it (for a file in
/// another encoding or a column read twice, before any).
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {error}")]
    Open {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} is outside the data folder (pass --allow-outside-data to read it)")]
    Outside { path: PathBuf },
    #[error("{file}: unreadable header: {message}")]
    Header { file: String, message: String },
    #[error("{file} has no column `{column}`")]
    MissingColumn { file: String, column: String },
    #[error("{file}: the header is not valid UTF-8; if the export is Windows-1252, declare `encoding \"windows-1252\"`")]
    NotUtf8 { file: String },
    /// Read as UTF-8, the file is plainly in another encoding (`sniff.rs` says how that is
    /// told): nothing of it is read.
    #[error("{file} is not UTF-8 (line {line} is the first line that is not) and looks like {guess}; nothing of it was read. Declare the encoding: source {name} from \"{file}\" encoding \"{guess}\"", name = if name.is_empty() { "…" } else { name })]
    Foreign {
        file: String,
        /// The source declared from the file, when known.
        name: String,
        line: u64,
        guess: &'static str,
    },
    /// A column the spec reads is in the header twice: which one it means is not known.
    #[error("{file} has two columns named `{column}` (columns {first} and {second}); the spec reads `{column}`, so rename one in the export")]
    DuplicateColumn {
        file: String,
        column: String,
        first: usize,
        second: usize,
    },
    #[error("{file}: line {line}: {message}")]
    Row {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: {error}")]
    Read { file: String, error: std::io::Error },
    /// What the rows went to stopped the read (the run's failure says why).
    #[error("the read stopped: {0}")]
    Stopped(String),
}

impl SourceError {
    /// Whether reading again could get further: only a read that failed part way (or was
    /// stopped by what the rows went to); a missing file, a bad header or a bad row stay so.
    pub fn resumable(&self) -> bool {
        matches!(self, SourceError::Read { .. } | SourceError::Stopped(_))
    }

    /// A read error.
    pub fn read(file: &str, error: std::io::Error) -> SourceError {
        SourceError::Read {
            file: file.to_string(),
            error,
        }
    }

    /// A file whose text cannot be read at all.
    fn refused(file: &str, refused: decode::Refused) -> SourceError {
        match refused {
            decode::Refused::Io(e) => SourceError::read(file, e),
            decode::Refused::Foreign(f) => SourceError::Foreign {
                file: file.to_string(),
                name: String::new(),
                line: f.line,
                guess: f.guess,
            },
        }
    }

    /// The error, naming the source it is of where it says how to declare it.
    fn of(mut self, name: &str) -> SourceError {
        if let SourceError::Foreign { name: n, .. } = &mut self {
            *n = name.to_string();
        }
        self
    }
}

/// Where a reader hands each full block, getting back an empty one to read into; an error it
/// returns stops the read.
pub type BlockSink<'a> = dyn FnMut(Block) -> Result<Block, String> + 'a;

/// A block is handed on at this many rows or this many bytes of text, whichever comes first.
pub const BLOCK_ROWS: usize = 2048;
const BLOCK_BYTES: usize = 1 << 20;

fn full(held: usize, bytes: usize, rows: usize) -> bool {
    held >= rows || bytes >= BLOCK_BYTES
}

pub trait Sources {
    /// Reads `source` in blocks of up to `rows` rows (fewer when their text is large), its
    /// declared columns in order.
    fn read_blocks(
        &self,
        source: &Source,
        rows: usize,
        each: &mut BlockSink,
    ) -> Result<(), SourceError>;

    /// `(email, id)` of each target user, from the migration's users file.
    fn users(&self, file: &str) -> Result<Vec<(String, String)>, SourceError>;

    /// Whether `source` can be read at all, asked before any row of the run moves: its file
    /// opens, is in its encoding, and has the columns it declares, each once.
    fn preflight(&self, _source: &Source) -> Result<(), SourceError> {
        Ok(())
    }
}

/// The export files in one folder.
pub struct FileSources {
    pub dir: PathBuf,
    /// Paths may leave the folder (`--allow-outside-data`); otherwise one that does is refused
    /// here too, whatever the plan says.
    pub outside_allowed: bool,
}

impl FileSources {
    /// The exports in `dir`, none read from outside it.
    pub fn new(dir: impl Into<PathBuf>) -> FileSources {
        FileSources {
            dir: dir.into(),
            outside_allowed: false,
        }
    }

    fn open(&self, file: &str) -> Result<File, SourceError> {
        let path = self.dir.join(file);
        if !self.outside_allowed && !crate::ir::names::stays_inside(file) {
            return Err(SourceError::Outside { path });
        }
        File::open(&path).map_err(|error| SourceError::Open { path, error })
    }
}

impl Sources for FileSources {
    fn read_blocks(
        &self,
        source: &Source,
        rows: usize,
        each: &mut BlockSink,
    ) -> Result<(), SourceError> {
        let file = self.open(&source.file)?;
        let read = match source.format {
            SourceFormat::Jsonl => jsonl::blocks(file, source, rows, each),
            SourceFormat::Csv => {
                CsvReader::new(file, &source.file, source.encoding, source.delimiter).and_then(
                    |reader| {
                        let columns = declared_columns(reader.header(), source)?;
                        reader.blocks(&columns, rows, each)
                    },
                )
            }
        };
        read.map_err(|e| e.of(&source.name))
    }

    fn users(&self, file: &str) -> Result<Vec<(String, String)>, SourceError> {
        users::read(self.open(file)?, file)
    }

    fn preflight(&self, source: &Source) -> Result<(), SourceError> {
        let file = self.open(&source.file)?;
        let opened = match source.format {
            SourceFormat::Jsonl => jsonl::open(file, source).map(drop),
            SourceFormat::Csv => {
                CsvReader::new(file, &source.file, source.encoding, source.delimiter)
                    .and_then(|reader| declared_columns(reader.header(), source).map(drop))
            }
        };
        opened.map_err(|e| e.of(&source.name))
    }
}

/// The header's places where a name is written more than once (trimmed): the name, and each
/// place it is at (from 1).
pub fn repeated_columns(header: &[String]) -> Vec<(&str, Vec<usize>)> {
    let mut out: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        match out.iter_mut().find(|(name, _)| *name == h) {
            Some((_, at)) => at.push(i + 1),
            None => out.push((h, vec![i + 1])),
        }
    }
    out.retain(|(_, at)| at.len() > 1);
    out
}

/// The field of the header each declared column comes from; every one must be there, once.
fn declared_columns(header: &[String], source: &Source) -> Result<Vec<Option<usize>>, SourceError> {
    source
        .columns
        .iter()
        .map(|c| {
            let mut at = header.iter().enumerate().filter(|(_, h)| **h == c.name);
            match (at.next(), at.next()) {
                (Some((i, _)), None) => Ok(Some(i)),
                (Some((first, _)), Some((second, _))) => Err(SourceError::DuplicateColumn {
                    file: source.file.clone(),
                    column: c.name.clone(),
                    first: first + 1,
                    second: second + 1,
                }),
                (None, _) => Err(SourceError::MissingColumn {
                    file: source.file.clone(),
                    column: c.name.clone(),
                }),
            }
        })
        .collect()
}

/// Reads an export for `check --data` through the same reader a run uses, streaming: each
/// block of its declared columns is handed to `each` with the export's header (a CSV column the
/// header lacks is missing in every row; a JSON-lines export's header is every key read so
/// far). Returns the header. A file that cannot be read, or a line that cannot, is an error.
pub fn inspect(
    sources: &FileSources,
    source: &Source,
    each: &mut dyn FnMut(&[String], &Block),
) -> Result<Inspected, SourceError> {
    let file = sources.open(&source.file)?;
    let mut unreadable = Unreadable::default();
    let mut header: Vec<String> = Vec::new();
    // A row that cannot be read is one a run rejects in its place: counted, and read past.
    let mut read = |header: &[String], block: Block| {
        for r in 0..block.len() {
            if let Some(why) = block.unreadable(r) {
                unreadable.rows += 1;
                if unreadable.first.is_none() {
                    unreadable.first = Some((block.line(r), why.to_string()));
                }
            }
        }
        each(header, &block);
        Ok(block.fresh())
    };
    let result = match source.format {
        SourceFormat::Csv => CsvReader::new(file, &source.file, source.encoding, source.delimiter)
            .and_then(|reader| {
                header = reader.header().to_vec();
                let columns: Vec<Option<usize>> = source
                    .columns
                    .iter()
                    .map(|c| header.iter().position(|h| *h == c.name))
                    .collect();
                let known = header.clone();
                reader.blocks(&columns, BLOCK_ROWS, &mut |block| read(&known, block))
            }),
        SourceFormat::Jsonl => jsonl::blocks(&file, source, BLOCK_ROWS, &mut |block| {
            for row in 0..block.len() {
                for (k, _) in block.original(row) {
                    if !header.contains(&k) {
                        header.push(k);
                    }
                }
            }
            read(&header, block)
        }),
    }
    .map_err(|e| e.of(&source.name));
    result.map(|()| Inspected { header, unreadable })
}

/// What `inspect` found: the header, and the rows a run would reject as unreadable.
pub struct Inspected {
    pub header: Vec<String>,
    pub unreadable: Unreadable,
}

/// Rows that cannot be read: how many, and the first one's line and why.
#[derive(Default)]
pub struct Unreadable {
    pub rows: usize,
    pub first: Option<(u64, String)>,
}

/// Gathers rows given one at a time into blocks (rows in memory).
pub fn blocks_from_rows<'r>(
    rows_in: impl IntoIterator<Item = RawRow<'r>>,
    source: &Source,
    rows: usize,
    each: &mut BlockSink,
) -> Result<(), SourceError> {
    let mut block = Block::new(source.columns.len(), Arc::from(Vec::new()));
    for row in rows_in {
        block.push_row(row);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Column, ColumnId, ColumnType, Delimiter, Encoding};

    fn source() -> Source {
        let column = |name: &str| Column {
            name: name.into(),
            ty: ColumnType::Text,
            optional: true,
            nulls: Vec::new(),
            sensitive: false,
            policies: Vec::new(),
        };
        Source {
            name: "P".into(),
            file: "p.csv".into(),
            format: SourceFormat::Csv,
            delimiter: Delimiter::COMMA,
            encoding: Encoding::UTF_8,
            key: vec![ColumnId(0)],
            watermark: None,
            sensitive: false,
            columns: vec![column("id"), column("notes")],
        }
    }

    /// (rows, text bytes) of each block read from `csv`.
    fn blocks(csv: String, rows: usize) -> Vec<(usize, usize)> {
        let mut seen = Vec::new();
        let s = source();
        let reader =
            CsvReader::new(csv.as_bytes(), "p.csv", s.encoding, s.delimiter).expect("open");
        let columns = declared_columns(reader.header(), &s).expect("columns");
        reader
            .blocks(&columns, rows, &mut |b: Block| {
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
