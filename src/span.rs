//! Source files and spans. Every span names its file, so diagnostics can point across `use`d files.

use codespan_reporting::files::{Files, SimpleFiles};
use serde::Serialize;

/// Index of a file in a [`SourceDb`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every file read in one compilation, including the embedded stdlib modules.
#[derive(Default)]
pub struct SourceDb {
    files: SimpleFiles<String, String>,
    /// Each file's [`CharIndex`], for columns.
    chars: Vec<CharIndex>,
    count: u32,
}

/// How many characters come before each `BLOCK`-byte mark of a text, so that a column is
/// counted over at most one block instead of from the start of its line: a diagnostic on a
/// line of megabytes costs the same as one on a short line.
#[derive(Default)]
struct CharIndex {
    /// `before[k]`: characters in `text[..mark(k)]`, `mark(k)` being `k * BLOCK` moved back to
    /// a character boundary.
    before: Vec<usize>,
}

impl CharIndex {
    const BLOCK: usize = 4096;

    fn new(text: &str) -> CharIndex {
        let mut before = Vec::with_capacity(text.len() / Self::BLOCK + 1);
        let (mut count, mut at) = (0, 0);
        for k in 0..=text.len() / Self::BLOCK {
            let mark = floor_boundary(text, k * Self::BLOCK);
            count += text[at..mark].chars().count();
            before.push(count);
            at = mark;
        }
        CharIndex { before }
    }

    /// Characters in `text[..offset]` (`offset` moved back to a character boundary).
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = floor_boundary(text, offset);
        let k = (offset / Self::BLOCK).min(self.before.len().saturating_sub(1));
        let mark = floor_boundary(text, k * Self::BLOCK);
        self.before.get(k).copied().unwrap_or(0) + text[mark..offset].chars().count()
    }
}

/// `at` (at most `text.len()`) moved back to the nearest character boundary.
pub fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `at` (at most `text.len()`) moved on to the nearest character boundary.
pub fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        self.chars.push(CharIndex::new(&text));
        let id = self.files.add(name.into(), text);
        self.count += 1;
        FileId(u32::try_from(id).unwrap_or(u32::MAX))
    }

    pub fn name(&self, id: FileId) -> String {
        self.files
            .get(id.0 as usize)
            .map(|f| f.name().clone())
            .unwrap_or_default()
    }

    pub fn text(&self, id: FileId) -> &str {
        self.files
            .get(id.0 as usize)
            .map(|f| f.source().as_str())
            .unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset: a binary search for the line
    /// and a count over at most one block of the text, however long the line.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        let line = self.line_index(id, offset);
        let range = self.line_range(id, line);
        (line + 1, self.column(id, range, offset))
    }

    /// 0-based index of the line holding a byte offset (the last line past the end).
    pub fn line_index(&self, id: FileId, offset: usize) -> usize {
        self.files.line_index(id.0 as usize, offset).unwrap_or(0)
    }

    /// The bytes of a 0-based line, its line break included (empty past the end).
    pub fn line_range(&self, id: FileId, line: usize) -> std::ops::Range<usize> {
        let end = self.text(id).len();
        self.files
            .line_range(id.0 as usize, line)
            .unwrap_or(end..end)
    }

    /// 1-based column, in characters, of `offset` on the line `range` (clamped to it).
    fn column(&self, id: FileId, range: std::ops::Range<usize>, offset: usize) -> usize {
        let text = self.text(id);
        let Some(chars) = self.chars.get(id.0 as usize) else {
            return 1;
        };
        let offset = offset.clamp(range.start, range.end);
        chars.chars_before(text, offset) - chars.chars_before(text, range.start) + 1
    }

    pub fn files(&self) -> &SimpleFiles<String, String> {
        &self.files
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns from the block index are the ones counted from the line start, on lines long
    /// and short, ASCII or not, at and inside characters.
    #[test]
    fn columns_match_a_count_from_the_line_start() {
        let long = "é x ".repeat(3000);
        let text = format!("ab\n{long}\nxyz\n\n{long}");
        let mut db = SourceDb::new();
        let id = db.add("t.map", text.as_str());
        for offset in (0..=text.len() + 2).step_by(7) {
            let line = db.files.line_index(0, offset).unwrap_or(0);
            let want = db.files.column_number(0, line, offset).unwrap_or(1);
            assert_eq!(db.line_col(id, offset), (line + 1, want), "at {offset}");
        }
    }
}
