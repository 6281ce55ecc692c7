//! A block of source rows as read: every row's text in one buffer, its declared columns as
//! ranges into it. Reading a CSV row into a block allocates nothing (the buffer is reused from
//! row to row), and the block moves whole to the thread that works it out and back to the one
//! that settles it, where a rejected row's columns are spelled out from it.

mod filling;

pub use filling::Filling;

/// Why a row is unreadable when its text would take a block past 4 GiB.
const TOO_LONG: &str = "the row is longer than 4 GiB";

use crate::eval::typing::{Raw, RawRef};
use crate::io::source::RawRow;
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
    /// A row that could not be read at all (bad quoting, bad JSON, bytes not in the file's
    /// encoding): rejected with this code and reason, its fields as read when they are known
    /// (bytes not in the encoding escaped, `caf\xE9`).
    Unreadable {
        code: &'static str,
        why: String,
        original: Vec<(String, String)>,
    },
}

impl Kind {
    fn unreadable(why: String) -> Kind {
        Kind::Unreadable {
            code: "unreadable",
            why,
            original: Vec::new(),
        }
    }

    fn undecoded(why: String, original: Vec<(String, String)>) -> Kind {
        Kind::Unreadable {
            code: ENCODING,
            why,
            original,
        }
    }
}

/// Why a row of a block could not be read: the code its rejection carries, and the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unread<'b> {
    /// `unreadable` (bad quoting, bad JSON), or `encoding` (bytes not in the file's encoding).
    pub code: &'static str,
    pub why: &'b str,
}

impl std::fmt::Display for Unread<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.why)
    }
}

/// The code of a row whose bytes are not in its file's encoding.
pub const ENCODING: &str = "encoding";

/// Bytes shown as `\x00\xD8`, every one of them (bytes that did not decode).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\x{b:02X}")).collect()
}

/// Bytes that are not all UTF-8 shown escaped as [`escaped`] does, cut to about 40 bytes
/// either side of the first that is not: what a reason quotes.
pub fn excerpt(bytes: &[u8]) -> String {
    const AROUND: usize = 40;
    let bad = match std::str::from_utf8(bytes) {
        Ok(_) => return escaped(bytes),
        Err(e) => e.valid_up_to(),
    };
    let mut start = bad.saturating_sub(AROUND);
    while start > 0 && bytes.get(start).is_some_and(|b| b & 0xC0 == 0x80) {
        start -= 1;
    }
    let end = (bad + AROUND).min(bytes.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&escaped(bytes.get(start..end).unwrap_or_default()));
    if end < bytes.len() {
        out.push('…');
    }
    out
}

/// Bytes shown as text: valid UTF-8 as it is, every other byte as `\xE9`, and a backslash
/// doubled so the two cannot be confused. Nothing is replaced by U+FFFD.
pub fn escaped(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[derive(Debug)]
struct Row {
    line: u64,
    /// Where its text starts in the block's: a row that is not UTF-8 is found, and blanked, by it.
    start: u32,
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

    /// Adds a row read some other way (JSON lines, rows in memory).
    pub fn push_row(&mut self, row: RawRow) {
        let row_start = self.text.len() as u32;
        let adds: usize = row
            .values
            .iter()
            .map(|v| match v {
                Raw::Text(t) => t.len(),
                _ => 0,
            })
            .sum();
        if u32::try_from(self.text.len() + adds).is_err() {
            return self.push_unreadable(row.line, TOO_LONG.into());
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
            start: row_start,
            kind: Kind::Pairs(row.original.into_pairs()),
        });
    }

    /// Adds a row that could not be read, to be rejected in its place among the others.
    pub fn push_unreadable(&mut self, line: u64, message: String) {
        self.push_unreadable_at(self.text.len(), line, Kind::unreadable(message));
    }

    /// Adds a row whose bytes are not in its file's encoding: rejected with code `encoding`,
    /// `original` its fields with those bytes escaped.
    pub fn push_undecoded(&mut self, line: u64, why: String, original: Vec<(String, String)>) {
        self.push_unreadable_at(self.text.len(), line, Kind::undecoded(why, original));
    }

    fn push_unreadable_at(&mut self, at: usize, line: u64, kind: Kind) {
        self.cells
            .extend(std::iter::repeat_n(Cell::Missing, self.width));
        self.rows.push(Row {
            line,
            start: at as u32,
            kind,
        });
    }

    pub fn line(&self, row: usize) -> u64 {
        self.rows.get(row).map_or(0, |r| r.line)
    }

    /// Why the row could not be read, when it could not.
    pub fn unreadable(&self, row: usize) -> Option<Unread<'_>> {
        match self.rows.get(row).map(|r| &r.kind) {
            Some(Kind::Unreadable { code, why, .. }) => Some(Unread { code, why }),
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
            Some(Kind::Unreadable { original, .. }) => original.clone(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Arc<[String]> {
        vec!["id".to_string(), "name".into(), "extra".into()].into()
    }

    fn record(fields: &[&[u8]]) -> csv::ByteRecord {
        csv::ByteRecord::from(fields.to_vec())
    }

    #[test]
    fn csv_rows_keep_their_columns_and_their_whole_record() {
        let mut f = Filling::new(Block::new(2, header()));
        f.push_csv(
            2,
            &record(&[b"P1", "Zoë".as_bytes(), b"x"]),
            &[Some(1), Some(0)],
        );
        f.push_csv(3, &record(&[b"P2"]), &[Some(1), Some(0)]);
        f.push_unreadable(4, "bad quoting".into());
        let b = f.seal();
        assert_eq!(b.len(), 3);
        let first: Vec<RawRef> = b.values(0).collect();
        assert_eq!(first, vec![RawRef::Text("Zoë"), RawRef::Text("P1")]);
        let second: Vec<RawRef> = b.values(1).collect();
        assert_eq!(second, vec![RawRef::Missing, RawRef::Text("P2")]);
        assert_eq!(b.original(0)[1], ("name".to_string(), "Zoë".to_string()));
        assert_eq!(b.original(1).len(), 1);
        assert_eq!(
            (b.line(2), b.unreadable(2).map(|u| u.why)),
            (4, Some("bad quoting"))
        );
        assert_eq!(b.values(2).count(), 2);
    }

    /// Seals rows 2.. (one per line) with `bad` at line 5, behind an empty row and an
    /// unreadable one, and a row at line 6 with a byte that is not UTF-8 either.
    fn seal_with(bad: &[&[u8]]) -> Block {
        let mut f = Filling::new(Block::new(2, header()));
        f.push_csv(2, &record(&[b"P1", "Zoë".as_bytes()]), &[Some(0), Some(1)]);
        f.push_csv(3, &record(&[b"", b""]), &[Some(0), Some(1)]);
        f.push_unreadable(4, "bad quoting".into());
        f.push_csv(5, &record(bad), &[Some(0), Some(1)]);
        f.push_csv(6, &record(&[b"P9", b"\xff"]), &[Some(0), Some(1)]);
        f.push_csv(7, &record(&[b"P10", "Zoë".as_bytes()]), &[Some(0), Some(1)]);
        f.seal()
    }

    #[test]
    fn a_row_that_is_not_utf8_is_unreadable_in_its_place_and_the_rows_around_it_read() {
        let splits = "é".as_bytes();
        for (bad, why, shown) in [
            (
                vec![&b"P5"[..], &b"caf\xe9"[..]],
                r#"line 5 is not valid UTF-8: name "caf\xE9""#,
                ["P5", r"caf\xE9"],
            ),
            (
                vec![&b"\xc3"[..], &b"P\\5"[..]],
                r#"line 5 is not valid UTF-8: id "\xC3""#,
                [r"\xC3", r"P\\5"],
            ),
            // Valid UTF-8 as a whole, but each field holds half a character.
            (
                vec![&splits[..1], &splits[1..]],
                r#"line 5 is not valid UTF-8: id "\xC3", name "\xA9""#,
                [r"\xC3", r"\xA9"],
            ),
        ] {
            let b = seal_with(&bad);
            assert_eq!(b.len(), 6, "{bad:?}");
            assert_eq!(
                b.unreadable(3),
                Some(Unread {
                    code: ENCODING,
                    why
                })
            );
            let original: Vec<String> = b.original(3).into_iter().map(|(_, v)| v).collect();
            assert_eq!(original, shown);
            assert_eq!(b.values(3).collect::<Vec<_>>(), [RawRef::Missing; 2]);
            assert_eq!(
                b.unreadable(4).map(|u| u.why),
                Some(r#"line 6 is not valid UTF-8: name "\xFF""#)
            );
            assert_eq!(b.unreadable(2).map(|u| u.code), Some("unreadable"));
            for row in [0, 5] {
                let good: Vec<RawRef> = b.values(row).collect();
                assert_eq!(good[1], RawRef::Text("Zoë"), "{bad:?}");
                assert_eq!(b.unreadable(row), None);
            }
            assert_eq!(b.original(1).len(), 2);
        }
    }

    #[test]
    fn a_first_row_that_is_not_utf8_is_unreadable_too() {
        let mut f = Filling::new(Block::new(1, header()));
        f.push_csv(2, &record(&[b"\xff"]), &[Some(0)]);
        f.push_csv(3, &record(&[b"ok"]), &[Some(0)]);
        let b = f.seal();
        assert_eq!((b.len(), b.line(0)), (2, 2));
        assert_eq!(b.unreadable(0).map(|u| u.code), Some(ENCODING));
        assert_eq!(b.values(1).collect::<Vec<_>>(), [RawRef::Text("ok")]);
    }

    #[test]
    fn escaped_bytes_keep_text_and_show_every_other_byte() {
        assert_eq!(escaped("Zoë".as_bytes()), "Zoë");
        assert_eq!(escaped(b"caf\xe9 \\x"), r"caf\xE9 \\x");
    }
}
