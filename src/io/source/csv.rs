//! The one CSV reader: runs, lookups, the users file and `check --data` all read through it.
//! It streams an export in blocks of rows (see [`Block`]), with no allocation per row and
//! never the whole file in memory: any delimiter, CRLF, quoted fields with newlines, a short
//! row's last columns missing. A record it cannot parse (bad quoting) goes into its block as
//! unreadable, to be rejected in its place; text that does not decode stops the read at its
//! line, after the rows before it.

use super::decode::{self, Text};
use super::{full, BlockSink, SourceError};
use crate::io::block::{Block, Filling, NotUtf8};
use crate::ir::{Delimiter, Encoding};
use std::io::Read;
use std::sync::Arc;

/// A CSV export opened past its header.
pub struct CsvReader<R: Read> {
    reader: csv::Reader<Text<R>>,
    header: Arc<[String]>,
    /// The file as the spec names it, for messages.
    file: String,
}

impl<R: Read> CsvReader<R> {
    pub fn new(
        input: R,
        file: &str,
        encoding: Encoding,
        delimiter: Delimiter,
    ) -> Result<CsvReader<R>, SourceError> {
        let text = decode::text(input, encoding).map_err(|e| SourceError::read(file, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter.byte())
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(text);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(e) => return Err(stop(e, 1, file)),
        };
        Ok(CsvReader {
            reader,
            header: header.into(),
            file: file.to_string(),
        })
    }

    /// The columns of the header, trimmed.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Streams the rows in blocks of up to `rows` (fewer when their text is large): each
    /// block's cells are the fields `columns` picks (a column with no field is missing).
    pub fn blocks(
        self,
        columns: &[Option<usize>],
        rows: usize,
        each: &mut BlockSink,
    ) -> Result<(), SourceError> {
        let CsvReader {
            mut reader,
            header,
            file,
        } = self;
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
                    Err(SourceError::NotUtf8 {
                        file: file.clone(),
                        line,
                    })
                }
            }
        };
        loop {
            let line = reader.position().line();
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => block.push_csv(line, &record, columns),
                Err(e) if unreadable_row(&e) => block.push_unreadable(line, e.to_string()),
                Err(e) => {
                    if !block.is_empty() {
                        hand_on(block)?;
                    }
                    return Err(stop(e, line, &file));
                }
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
}

/// Whether a CSV error is one row that cannot be read (the read goes on), not a stop.
fn unreadable_row(e: &csv::Error) -> bool {
    !matches!(
        e.kind(),
        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::Io(_)
    )
}

/// The stop a CSV error means at `line`: text that is not UTF-8 or does not decode, an I/O
/// error, or a header that cannot be read.
fn stop(e: csv::Error, line: u64, file: &str) -> SourceError {
    if let csv::ErrorKind::Utf8 { .. } = e.kind() {
        return SourceError::NotUtf8 {
            file: file.to_string(),
            line,
        };
    }
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => SourceError::read(file, io),
        _ => SourceError::Header {
            file: file.to_string(),
            message,
        },
    }
}
