//! The one CSV reader: runs, lookups, the users file and `check --data` all read through it.
//! It streams an export in blocks of rows (see [`Block`]), with no allocation per row and
//! never the whole file in memory: any delimiter, CRLF, quoted fields with newlines, a short
//! row's last columns missing. A record it cannot parse (bad quoting), or whose bytes are not in
//! the file's encoding, goes into its block as unreadable, to be rejected in its place; a file
//! plainly in another encoding is refused before its header is read (`sniff.rs`).

use super::decode::{self, Text, Undecoded};
use super::{full, BlockSink, SourceError};
use crate::io::block::{escaped, Block, Filling};
use crate::ir::{Delimiter, Encoding};
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;
use std::sync::Arc;

/// A CSV export opened past its header.
pub struct CsvReader<R: Read> {
    reader: csv::Reader<Sniffed<Text<R>>>,
    header: Arc<[String]>,
    /// Lines end in CRLF: the CSV reader's position before a record is then at the `\n` of
    /// the one before, still on its line, so a record's first line is one more.
    crlf: bool,
    /// The file as the spec names it, for messages.
    file: String,
    /// What the decoder could not decode, by line (none for UTF-8).
    undecoded: Option<Undecoded>,
}

impl<R: Read> CsvReader<R> {
    pub fn new(
        input: R,
        file: &str,
        encoding: Encoding,
        delimiter: Delimiter,
    ) -> Result<CsvReader<R>, SourceError> {
        let text = decode::text(input, encoding).map_err(|e| SourceError::refused(file, e))?;
        let undecoded = text.undecoded();
        let ending = Rc::new(Cell::new(None));
        let text = Sniffed {
            inner: text,
            ending: ending.clone(),
            last: 0,
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter.byte())
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(text);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
            Err(e) => return Err(stop(e, file)),
        };
        let crlf = ending.get() == Some(LineEnding::Crlf);
        let after = reader.position().line() + u64::from(crlf);
        let bad = decode::take_before(undecoded.as_ref(), after.max(2));
        if let Some(why) = bad.first() {
            return Err(SourceError::Header {
                file: file.to_string(),
                message: why.clone(),
            });
        }
        Ok(CsvReader {
            reader,
            header: header.into(),
            crlf,
            file: file.to_string(),
            undecoded,
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
            crlf,
            file,
            undecoded,
        } = self;
        let mut block = Filling::new(Block::new(columns.len(), header.clone()));
        let mut record = csv::ByteRecord::new();
        let mut hand_on = |block: Filling| -> Result<Block, SourceError> {
            each(block.seal()).map_err(SourceError::Stopped)
        };
        loop {
            let line = reader.position().line() + u64::from(crlf);
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let next = reader.position().line() + u64::from(crlf);
                    let bad = decode::take_before(undecoded.as_ref(), next.max(line + 1));
                    if bad.is_empty() {
                        block.push_csv(line, &record, columns);
                    } else {
                        let why = format!("line {line}: {}", bad.join(", "));
                        block.push_undecoded(line, why, undecoded_fields(&header, &record, &bad));
                    }
                }
                Err(e) if unreadable_row(&e) => block.push_unreadable(line, e.to_string()),
                Err(e) => {
                    if !block.is_empty() {
                        hand_on(block)?;
                    }
                    return Err(stop(e, &file));
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

/// The fields of a record with bytes that did not decode, each U+FFFD standing for them
/// shown as the bytes were (escaped), in turn; the rest as read.
fn undecoded_fields(
    header: &[String],
    record: &csv::ByteRecord,
    bad: &[String],
) -> Vec<(String, String)> {
    let mut shown = bad
        .iter()
        .map(|why| why.split(' ').next().unwrap_or_default());
    record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let name = header
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("field {}", i + 1));
            let text = escaped(field);
            let mut parts = text.split('\u{FFFD}');
            let mut out = parts.next().unwrap_or_default().to_string();
            for part in parts {
                out.push_str(shown.next().unwrap_or("\u{FFFD}"));
                out.push_str(part);
            }
            (name, out)
        })
        .collect()
}

/// Whether a CSV error is one row that cannot be read (the read goes on), not a stop.
fn unreadable_row(e: &csv::Error) -> bool {
    !matches!(
        e.kind(),
        csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::Io(_)
    )
}

/// The stop a CSV error means: a header that is not UTF-8 or cannot be read, or an I/O error.
fn stop(e: csv::Error, file: &str) -> SourceError {
    if let csv::ErrorKind::Utf8 { .. } = e.kind() {
        return SourceError::NotUtf8 {
            file: file.to_string(),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineEnding {
    Lf,
    Crlf,
}

/// The text passed through unchanged, noting how its first line ends (the header's), which
/// the CSV reader does not say.
struct Sniffed<R> {
    inner: R,
    ending: Rc<Cell<Option<LineEnding>>>,
    /// The last byte seen before the first line's end, for a `\r` split from its `\n`.
    last: u8,
}

impl<R: Read> Read for Sniffed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.ending.get().is_none() {
            let seen = &buf[..n];
            if let Some(at) = seen.iter().position(|&b| b == b'\n') {
                let before = if at == 0 { self.last } else { seen[at - 1] };
                let ending = if before == b'\r' {
                    LineEnding::Crlf
                } else {
                    LineEnding::Lf
                };
                self.ending.set(Some(ending));
            } else if let Some(&b) = seen.last() {
                self.last = b;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes one at a time, as a read may split `\r` from `\n`.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&b, rest)), Some(slot)) => {
                    *slot = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn ending_of(bytes: &[u8]) -> Option<LineEnding> {
        let ending = Rc::new(Cell::new(None));
        let mut sniffed = Sniffed {
            inner: Trickle(bytes),
            ending: ending.clone(),
            last: 0,
        };
        let mut all = Vec::new();
        sniffed.read_to_end(&mut all).expect("read");
        assert_eq!(all, bytes, "passed through unchanged");
        ending.get()
    }

    #[test]
    fn the_first_line_ending_is_seen_even_split_across_reads() {
        assert_eq!(ending_of(b"id,name\r\n1,a\n"), Some(LineEnding::Crlf));
        assert_eq!(ending_of(b"id,name\n1,a\r\n"), Some(LineEnding::Lf));
        assert_eq!(ending_of(b"id,name"), None);
    }
}
