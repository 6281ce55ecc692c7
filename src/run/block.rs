//! A block of source rows as read: every row's text in one buffer, its declared columns as
//! ranges into it. Reading a CSV row into a block allocates nothing (the buffer is reused from
//! row to row), and the block moves whole to the thread that works it out and back to the one
//! that settles it, where a rejected row's columns are spelled out from it.

use super::source::RawRow;
use super::typing::{Raw, RawRef};
use std::ops::Range;
use std::sync::Arc;

/// One declared column of one row.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cell {
    Missing,
    Null,
    Text { start: u32, end: u32 },
}

/// What a row of the block is.
#[derive(Debug)]
enum Kind {
    /// A CSV record: its fields are `fields[range]`, named by the block's header.
    Csv(Range<u32>),
    /// A row from elsewhere (JSON lines, rows in memory), with its columns as read.
    Pairs(Vec<(String, String)>),
    /// A row that could not be read at all (bad quoting, bad JSON): rejected with this reason.
    Unreadable(String),
}

#[derive(Debug)]
struct Row {
    line: u64,
    kind: Kind,
}

/// Rows read and not yet settled.
#[derive(Debug)]
pub struct Block {
    text: String,
    /// `width` cells per row: the source's declared columns, in order.
    cells: Vec<Cell>,
    width: usize,
    /// Every field of every CSV row, as byte ranges into `text`.
    fields: Vec<(u32, u32)>,
    header: Arc<[String]>,
    rows: Vec<Row>,
}

/// Why a CSV record cannot go into a block.
#[derive(Debug, PartialEq)]
pub enum Unfit {
    /// It is not UTF-8 (as a whole, or a field splits a character): the read stops there.
    NotUtf8,
    /// Its text would take the block past 4 GiB, which its 32-bit places cannot reach.
    TooLong,
}

impl Block {
    /// An empty block for rows with `width` declared columns and this header (CSV).
    pub fn new(width: usize, header: Arc<[String]>) -> Block {
        Block {
            text: String::new(),
            cells: Vec::new(),
            width,
            fields: Vec::new(),
            header,
            rows: Vec::new(),
        }
    }

    /// An empty block of the same kind, with room for as many rows as this one holds.
    pub fn fresh(&self) -> Block {
        let mut b = Block::new(self.width, Arc::clone(&self.header));
        b.text.reserve(self.text.len());
        b.cells.reserve(self.cells.len());
        b.fields.reserve(self.fields.len());
        b.rows.reserve(self.rows.len());
        b
    }

    /// Empties the block, keeping its room, to be read into again.
    pub fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.fields.clear();
        self.rows.clear();
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Text bytes held: blocks are cut by rows and by size, so one huge row cannot hold many.
    pub fn bytes(&self) -> usize {
        self.text.len()
    }

    /// Adds a CSV record; `columns[i]` is the field the i-th declared column comes from.
    pub fn push_csv(
        &mut self,
        line: u64,
        record: &csv::ByteRecord,
        columns: &[usize],
    ) -> Result<(), Unfit> {
        let bytes = record.as_slice();
        let text = std::str::from_utf8(bytes).map_err(|_| Unfit::NotUtf8)?;
        let base = self.text.len();
        if u32::try_from(base + bytes.len()).is_err() {
            return Err(Unfit::TooLong);
        }
        let first = self.fields.len() as u32;
        let mut start = 0;
        for end in record.iter().map(|f| f.len()).scan(0, |at, n| {
            *at += n;
            Some(*at)
        }) {
            // Whole UTF-8 overall, but a field must not split a character either.
            if !text.is_char_boundary(end) {
                self.fields.truncate(first as usize);
                return Err(Unfit::NotUtf8);
            }
            self.fields
                .push(((base + start) as u32, (base + end) as u32));
            start = end;
        }
        self.text.push_str(text);
        let last = self.fields.len() as u32;
        for &c in columns {
            // A short row (flexible CSV) lacks its last columns: they are missing.
            self.cells.push(match self.fields.get(first as usize + c) {
                Some(&(start, end)) => Cell::Text { start, end },
                None => Cell::Missing,
            });
        }
        self.rows.push(Row {
            line,
            kind: Kind::Csv(first..last),
        });
        Ok(())
    }

    /// Adds a row read some other way (JSON lines, rows in memory).
    pub fn push_row(&mut self, row: RawRow) {
        let adds: usize = row
            .values
            .iter()
            .map(|v| match v {
                Raw::Text(t) => t.len(),
                _ => 0,
            })
            .sum();
        if u32::try_from(self.text.len() + adds).is_err() {
            return self.push_unreadable(row.line, "the row is longer than 4 GiB".into());
        }
        for i in 0..self.width {
            let cell = match row.values.get(i) {
                None | Some(Raw::Missing) => Cell::Missing,
                Some(Raw::Null) => Cell::Null,
                Some(Raw::Text(t)) => {
                    let start = self.text.len() as u32;
                    self.text.push_str(t);
                    Cell::Text {
                        start,
                        end: self.text.len() as u32,
                    }
                }
            };
            self.cells.push(cell);
        }
        self.rows.push(Row {
            line: row.line,
            kind: Kind::Pairs(row.original.into_pairs()),
        });
    }

    /// Adds a row that could not be read, to be rejected in its place among the others.
    pub fn push_unreadable(&mut self, line: u64, message: String) {
        self.cells
            .extend(std::iter::repeat_n(Cell::Missing, self.width));
        self.rows.push(Row {
            line,
            kind: Kind::Unreadable(message),
        });
    }

    pub fn line(&self, row: usize) -> u64 {
        self.rows.get(row).map_or(0, |r| r.line)
    }

    /// Why the row could not be read, when it could not.
    pub fn unreadable(&self, row: usize) -> Option<&str> {
        match self.rows.get(row).map(|r| &r.kind) {
            Some(Kind::Unreadable(m)) => Some(m),
            _ => None,
        }
    }

    /// The row's declared columns, borrowed from the block.
    pub fn values(&self, row: usize) -> impl Iterator<Item = RawRef<'_>> {
        let cells = self.cells.get(row * self.width..(row + 1) * self.width);
        cells.into_iter().flatten().map(|c| match *c {
            Cell::Missing => RawRef::Missing,
            Cell::Null => RawRef::Null,
            Cell::Text { start, end } => RawRef::Text(&self.text[start as usize..end as usize]),
        })
    }

    /// Every column of the row as read, for the rejected and held files.
    pub fn original(&self, row: usize) -> Vec<(String, String)> {
        match self.rows.get(row).map(|r| &r.kind) {
            Some(Kind::Csv(range)) => {
                let fields = &self.fields[range.start as usize..range.end as usize];
                self.header
                    .iter()
                    .zip(fields)
                    .map(|(h, &(s, e))| (h.clone(), self.text[s as usize..e as usize].into()))
                    .collect()
            }
            Some(Kind::Pairs(p)) => p.clone(),
            Some(Kind::Unreadable(_)) | None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Arc<[String]> {
        vec!["id".to_string(), "name".into(), "extra".into()].into()
    }

    #[test]
    fn csv_rows_keep_their_columns_and_their_whole_record() {
        let mut b = Block::new(2, header());
        let rec = csv::ByteRecord::from(vec!["P1", "Zoë", "x"]);
        b.push_csv(2, &rec, &[1, 0]).expect("utf-8");
        let short = csv::ByteRecord::from(vec!["P2"]);
        b.push_csv(3, &short, &[1, 0]).expect("utf-8");
        b.push_unreadable(4, "bad quoting".into());
        assert_eq!(b.len(), 3);
        let first: Vec<RawRef> = b.values(0).collect();
        assert_eq!(first, vec![RawRef::Text("Zoë"), RawRef::Text("P1")]);
        let second: Vec<RawRef> = b.values(1).collect();
        assert_eq!(second, vec![RawRef::Missing, RawRef::Text("P2")]);
        assert_eq!(b.original(0)[1], ("name".to_string(), "Zoë".to_string()));
        assert_eq!(b.original(1).len(), 1);
        assert_eq!((b.line(2), b.unreadable(2)), (4, Some("bad quoting")));
        assert_eq!(b.values(2).count(), 2);
    }

    #[test]
    fn a_field_splitting_a_character_is_not_utf8() {
        let mut b = Block::new(1, header());
        let bytes = "é".as_bytes();
        let rec = csv::ByteRecord::from(vec![&bytes[..1], &bytes[1..]]);
        assert_eq!(b.push_csv(2, &rec, &[0]), Err(Unfit::NotUtf8));
        assert!(b.is_empty());
        let bad = csv::ByteRecord::from(vec![&b"\xff"[..]]);
        assert_eq!(b.push_csv(2, &bad, &[0]), Err(Unfit::NotUtf8));
    }
}
