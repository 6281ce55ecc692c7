//! A block being filled with CSV records: their text goes in as bytes and is checked as UTF-8
//! once, as a whole, when the block is sealed. Checking record by record was a tenth of the
//! reading thread's time; a whole block is checked many times faster, and a block with a bad row
//! (rare: the run stops there) is cut back to the rows before it.

use super::{Block, Cell, Kind, Row};

/// A sealed block cut back to the rows before the first that is not UTF-8 (as a whole, or with
/// a field that splits a character): the read stops at that row's line.
#[derive(Debug)]
pub struct NotUtf8 {
    pub rows_before: Block,
    pub line: u64,
}

pub struct Filling {
    /// Rows and cells as they go in; its text stays empty until it is sealed.
    block: Block,
    bytes: Vec<u8>,
}

impl Filling {
    /// Fills `block` again, emptied, keeping its room.
    pub fn new(mut block: Block) -> Filling {
        block.clear();
        let bytes = std::mem::take(&mut block.text).into_bytes();
        Filling { block, bytes }
    }

    pub fn len(&self) -> usize {
        self.block.len()
    }

    pub fn is_empty(&self) -> bool {
        self.block.is_empty()
    }

    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Adds a CSV record; `columns[i]` is the field the i-th declared column comes from (none:
    /// the column is missing from the file). A
    /// record whose text would take the block past 4 GiB, which its 32-bit places cannot reach,
    /// goes in as unreadable.
    pub fn push_csv(&mut self, line: u64, record: &csv::ByteRecord, columns: &[Option<usize>]) {
        let b = &mut self.block;
        let base = self.bytes.len();
        let record_bytes = record.as_slice();
        if u32::try_from(base + record_bytes.len()).is_err() {
            return self.push_unreadable(line, super::TOO_LONG.into());
        }
        let first = b.fields.len() as u32;
        let mut start = base as u32;
        for field in record {
            let end = start + field.len() as u32;
            b.fields.push((start, end));
            start = end;
        }
        self.bytes.extend_from_slice(record_bytes);
        let last = b.fields.len() as u32;
        for &c in columns {
            // A short row (flexible CSV) lacks its last columns: they are missing.
            let field = c.and_then(|c| b.fields.get(first as usize + c));
            b.cells.push(match field {
                Some(&(start, end)) => Cell::Text { start, end },
                None => Cell::Missing,
            });
        }
        b.rows.push(Row {
            line,
            start: base as u32,
            kind: Kind::Csv(first..last),
        });
    }

    /// Adds a row that could not be read, to be rejected in its place among the others.
    pub fn push_unreadable(&mut self, line: u64, message: String) {
        self.block
            .push_unreadable_at(self.bytes.len(), line, message);
    }

    /// The block, its text checked; or the rows before the first that is not UTF-8.
    pub fn seal(self) -> Result<Block, Box<NotUtf8>> {
        let Filling {
            mut block,
            mut bytes,
        } = self;
        let mut stop = None;
        loop {
            match String::from_utf8(bytes) {
                Ok(text) => {
                    block.text = text;
                    let Some(bad) = first_split_character(&block) else {
                        return match stop {
                            None => Ok(block),
                            Some(line) => Err(Box::new(NotUtf8 {
                                rows_before: block,
                                line,
                            })),
                        };
                    };
                    stop = Some(block.line(bad));
                    bytes = std::mem::take(&mut block.text).into_bytes();
                    cut(&mut block, &mut bytes, bad);
                }
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    bytes = e.into_bytes();
                    // The row holding the bad byte: the last to start at or before it.
                    let bad = block
                        .rows
                        .partition_point(|r| r.start as usize <= at)
                        .saturating_sub(1);
                    stop = Some(block.line(bad));
                    cut(&mut block, &mut bytes, bad);
                }
            }
        }
    }
}

/// The first row with a field that ends inside a character (valid UTF-8 as a whole, but the
/// field itself is not: `"\xC3"` then `"\xA9"` read as two fields).
fn first_split_character(block: &Block) -> Option<usize> {
    let splits = |r: &Row| match &r.kind {
        Kind::Csv(range) => block.fields[range.start as usize..range.end as usize]
            .iter()
            .any(|&(_, end)| !block.text.is_char_boundary(end as usize)),
        _ => false,
    };
    block.rows.iter().position(splits)
}

/// Keeps the rows before `row`.
fn cut(block: &mut Block, bytes: &mut Vec<u8>, row: usize) {
    let Some(at) = block.rows.get(row) else {
        return;
    };
    bytes.truncate(at.start as usize);
    let first_field = block.rows[row..].iter().find_map(|r| match &r.kind {
        Kind::Csv(range) => Some(range.start as usize),
        _ => None,
    });
    if let Some(f) = first_field {
        block.fields.truncate(f);
    }
    block.cells.truncate(row * block.width);
    block.rows.truncate(row);
}
