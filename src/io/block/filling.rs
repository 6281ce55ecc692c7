//! A block being filled with CSV records: their text goes in as bytes and is checked as UTF-8
//! once, as a whole, when the block is sealed. Checking record by record was a tenth of the
//! reading thread's time; a whole block is checked many times faster. A row that is not UTF-8
//! (rare) becomes unreadable in its place when the block is sealed: its text is blanked with
//! spaces of the same length, so the rows after it keep their places, and its fields are kept
//! escaped for the rejected file. The check goes on from that row, so a block with many bad
//! rows is still checked once.

use super::{escaped, excerpt, Block, Cell, Kind, Row};

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
            .push_unreadable_at(self.bytes.len(), line, Kind::unreadable(message));
    }

    /// Adds a row whose bytes did not decode, `original` its fields with them escaped.
    pub fn push_undecoded(&mut self, line: u64, why: String, original: Vec<(String, String)>) {
        self.block
            .push_unreadable_at(self.bytes.len(), line, Kind::undecoded(why, original));
    }

    /// The block, its text checked: a row that is not UTF-8 (as a whole, or with a field that
    /// splits a character) is made unreadable.
    pub fn seal(self) -> Block {
        let Filling {
            mut block,
            mut bytes,
        } = self;
        let mut from = 0;
        while let Err(e) = std::str::from_utf8(bytes.get(from..).unwrap_or_default()) {
            let at = from + e.valid_up_to();
            // The row holding the bad byte: the last to start at or before it.
            let bad = block
                .rows
                .partition_point(|r| r.start as usize <= at)
                .saturating_sub(1);
            from = block.rows.get(bad).map_or(at + 1, |r| r.start as usize);
            undecodable(&mut block, &mut bytes, bad);
        }
        loop {
            match String::from_utf8(bytes) {
                Ok(text) => block.text = text,
                // Cannot happen: every row that was not UTF-8 is blanked.
                Err(e) => block.text = String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }
            let Some(bad) = first_split_character(&block) else {
                return block;
            };
            bytes = std::mem::take(&mut block.text).into_bytes();
            undecodable(&mut block, &mut bytes, bad);
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

/// Makes `row` unreadable for bytes that are not UTF-8: its reason names the fields that are
/// not, escaped; its fields are kept escaped; its text is blanked, and its cells missing.
fn undecodable(block: &mut Block, bytes: &mut [u8], row: usize) {
    let Some(r) = block.rows.get(row) else {
        // Cannot happen (a bad byte is in some row); blank it all rather than loop.
        bytes.fill(b' ');
        return;
    };
    let end = block
        .rows
        .get(row + 1)
        .map_or(bytes.len(), |next| next.start as usize);
    let start = r.start as usize;
    let (line, fields) = match &r.kind {
        Kind::Csv(range) => (
            r.line,
            block.fields[range.start as usize..range.end as usize].to_vec(),
        ),
        // Only CSV rows hold bytes; nothing else can be bad.
        _ => (r.line, vec![(start as u32, end as u32)]),
    };
    let name = |i: usize| {
        block
            .header
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("field {}", i + 1))
    };
    let mut original = Vec::with_capacity(fields.len());
    let mut bad = Vec::new();
    for (i, &(s, e)) in fields.iter().enumerate() {
        let field = bytes.get(s as usize..e as usize).unwrap_or_default();
        if std::str::from_utf8(field).is_err() {
            bad.push(format!("{} \"{}\"", name(i), excerpt(field)));
        }
        original.push((name(i), escaped(field)));
    }
    if let Some(text) = bytes.get_mut(start..end) {
        text.fill(b' ');
    }
    let cells = row * block.width..(row + 1) * block.width;
    if let Some(cells) = block.cells.get_mut(cells) {
        cells.fill(Cell::Missing);
    }
    if let Some(r) = block.rows.get_mut(row) {
        let why = format!("line {line} is not valid UTF-8: {}", bad.join(", "));
        r.kind = Kind::undecoded(why, original);
    }
}
