//! What a rendered diagnostic echoes of its source: only the lines around its labels, and of a
//! long line only windows around the labels' ends, with `…` where text is cut.
//!
//! codespan-reporting prints every labelled line whole; one finding on a 4 MiB line printed
//! 4 MiB. An [`Excerpt`] is a small `Files` made for one diagnostic: its text holds the lines
//! the renderer will ask for (cut to windows), its label ranges point into that text, and it
//! answers line numbers and columns of the real file, so the header `file:line:col`, the
//! gutter and the carets read as they would on the whole line.

use super::Diagnostic;
use crate::span::{ceil_boundary, floor_boundary, FileId, SourceDb};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error, Files};
use std::ops::Range;

/// A line longer than this (in bytes, its break left out) is cut.
pub const LONG_LINE: usize = 160;
/// Bytes kept on each side of a label's start or end on a cut line: windows of about 120
/// columns.
const HALF_WINDOW: usize = 60;
/// Lines the renderer may show after a multi-line label's first line and before its last
/// (codespan's `start_context_lines` and `end_context_lines`, with one to spare).
const CONTEXT: usize = 4;
const CUT: &str = "…";

/// One diagnostic's view of the files its labels are in.
pub struct Excerpt<'a> {
    db: &'a SourceDb,
    files: Vec<Clip>,
}

/// The lines of one file an excerpt holds.
struct Clip {
    file: usize,
    text: String,
    /// By real line index, in order.
    lines: Vec<ClipLine>,
}

struct ClipLine {
    /// 0-based index in the real file.
    index: usize,
    /// Its bytes in the clip's text, line break included.
    range: Range<usize>,
    /// The parts of the real line kept, in order.
    kept: Vec<Kept>,
}

struct Kept {
    real: Range<usize>,
    /// Where it starts in the clip's text.
    at: usize,
    /// 1-based column of `real.start` on the real line.
    column: usize,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of `d` and its labels as codespan labels into it; `None` when a label lies
    /// outside its file (a bug of ours, rendered without labels by the caller).
    pub fn new(db: &'a SourceDb, d: &Diagnostic) -> Option<(Excerpt<'a>, Vec<cs::Label<usize>>)> {
        let mut by_file: Vec<(FileId, Vec<Range<usize>>)> = Vec::new();
        for l in &d.labels {
            let text = db.text(l.span.file);
            let r = l.span.range();
            if r.start > r.end || r.end > text.len() || (l.span.file.0 as usize) >= db.len() {
                return None;
            }
            // A span inside a character (a bad byte read as U+FFFD) covers all of it.
            let r = floor_boundary(text, r.start)..ceil_boundary(text, r.end);
            match by_file.iter_mut().find(|(f, _)| *f == l.span.file) {
                Some((_, ranges)) => ranges.push(r),
                None => by_file.push((l.span.file, vec![r])),
            }
        }
        let files: Vec<Clip> = by_file
            .iter()
            .map(|(file, ranges)| Clip::new(db, *file, ranges))
            .collect();
        let excerpt = Excerpt { db, files };
        let labels = d
            .labels
            .iter()
            .map(|l| {
                let clip = excerpt.clip(l.span.file.0 as usize)?;
                let text = db.text(l.span.file);
                let start = floor_boundary(text, l.span.start as usize);
                let end = ceil_boundary(text, l.span.end as usize);
                let range = clip.map(db, l.span.file, start)?..clip.map(db, l.span.file, end)?;
                let style = if l.primary {
                    cs::LabelStyle::Primary
                } else {
                    cs::LabelStyle::Secondary
                };
                Some(cs::Label::new(style, l.span.file.0 as usize, range).with_message(&l.message))
            })
            .collect::<Option<Vec<_>>>()?;
        Some((excerpt, labels))
    }

    fn clip(&self, file: usize) -> Option<&Clip> {
        self.files.iter().find(|c| c.file == file)
    }

    fn clip_or_err(&self, file: usize) -> Result<&Clip, Error> {
        self.clip(file).ok_or(Error::FileMissing)
    }
}

impl Clip {
    fn new(db: &SourceDb, file: FileId, ranges: &[Range<usize>]) -> Clip {
        let real = db.text(file);
        // Each line wanted, with the offsets on it that a window must keep.
        let mut wanted: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut want =
            |line: usize, point: Option<usize>| match wanted.iter_mut().find(|(l, _)| *l == line) {
                Some((_, points)) => points.extend(point),
                None => wanted.push((line, point.into_iter().collect())),
            };
        for r in ranges {
            let (first, last) = (db.line_index(file, r.start), db.line_index(file, r.end));
            want(first, Some(r.start));
            want(last, Some(r.end));
            let mut around: Vec<usize> = (first.saturating_sub(1)..=first + CONTEXT).collect();
            around.extend(last.saturating_sub(CONTEXT)..=last + 1);
            for line in around {
                if line.saturating_add(1) >= first && line <= last.saturating_add(1) {
                    want(line, None);
                }
            }
        }
        wanted.sort_by_key(|(l, _)| *l);
        let last_line = db.line_index(file, real.len());
        let mut clip = Clip {
            file: file.0 as usize,
            text: String::new(),
            lines: Vec::new(),
        };
        for (index, points) in wanted {
            if index <= last_line {
                clip.push_line(db, file, index, db.line_range(file, index), &points);
            }
        }
        clip
    }

    /// Appends real line `index` (bytes `range`), cut to windows around `points` when long.
    fn push_line(
        &mut self,
        db: &SourceDb,
        file: FileId,
        index: usize,
        range: Range<usize>,
        points: &[usize],
    ) {
        let real = db.text(file);
        let line = &real[range.clone()];
        let content_end = range.start + line.trim_end_matches(['\n', '\r']).len();
        let start = self.text.len();
        let mut kept: Vec<Range<usize>> = Vec::new();
        if content_end - range.start <= LONG_LINE {
            kept.push(range.clone());
        } else {
            let mut points = points.to_vec();
            if points.is_empty() {
                points.push(range.start);
            }
            points.sort_unstable();
            for p in points {
                let from = floor_boundary(real, p.saturating_sub(HALF_WINDOW).max(range.start));
                let to = ceil_boundary(real, (p + HALF_WINDOW).min(range.end));
                match kept.last_mut() {
                    Some(last) if from <= last.end + HALF_WINDOW / 4 => last.end = last.end.max(to),
                    _ => kept.push(from..to),
                }
            }
            // A window reaching the line's text keeps its line break, and no `…` after it.
            if let Some(last) = kept.last_mut() {
                if last.end >= content_end {
                    last.end = range.end;
                }
            }
        }
        let mut parts = Vec::with_capacity(kept.len());
        let mut at_cut = range.start;
        for k in kept {
            if k.start > at_cut {
                self.text.push_str(CUT);
            }
            parts.push(Kept {
                at: self.text.len(),
                column: db.line_col(file, k.start).1,
                real: k.clone(),
            });
            self.text.push_str(&real[k.clone()]);
            at_cut = k.end;
        }
        if at_cut < range.end {
            self.text.push_str(CUT);
            self.text
                .push_str(&real[content_end.max(at_cut)..range.end]);
        }
        self.lines.push(ClipLine {
            index,
            range: start..self.text.len(),
            kept: parts,
        });
    }

    /// Where real offset `offset` of `file` is in the clip's text.
    fn map(&self, db: &SourceDb, file: FileId, offset: usize) -> Option<usize> {
        let index = db.line_index(file, offset);
        let line = self.lines.iter().find(|l| l.index == index)?;
        let k = line
            .kept
            .iter()
            .find(|k| k.real.contains(&offset) || k.real.end == offset)?;
        Some(k.at + (offset - k.real.start))
    }

    fn line_at(&self, at: usize) -> Option<&ClipLine> {
        let i = self.lines.partition_point(|l| l.range.start <= at);
        self.lines.get(i.checked_sub(1)?)
    }
}

impl<'f> Files<'f> for Excerpt<'_> {
    type FileId = usize;
    type Name = String;
    type Source = &'f str;

    fn name(&'f self, id: usize) -> Result<String, Error> {
        Ok(self.db.name(FileId(u32::try_from(id).unwrap_or(u32::MAX))))
    }

    fn source(&'f self, id: usize) -> Result<&'f str, Error> {
        Ok(self.clip_or_err(id)?.text.as_str())
    }

    fn line_index(&'f self, id: usize, at: usize) -> Result<usize, Error> {
        let clip = self.clip_or_err(id)?;
        clip.line_at(at).map(|l| l.index).ok_or(Error::FileMissing)
    }

    fn column_number(&'f self, id: usize, line: usize, at: usize) -> Result<usize, Error> {
        let clip = self.clip_or_err(id)?;
        let Some(line) = clip.lines.iter().find(|l| l.index == line) else {
            return Ok(1);
        };
        let i = line.kept.partition_point(|k| k.at <= at);
        let Some(k) = i.checked_sub(1).and_then(|i| line.kept.get(i)) else {
            return Ok(1);
        };
        let upto = floor_boundary(&clip.text, at.min(line.range.end));
        Ok(k.column + clip.text.get(k.at..upto).map_or(0, |t| t.chars().count()))
    }

    fn line_range(&'f self, id: usize, line: usize) -> Result<Range<usize>, Error> {
        let clip = self.clip_or_err(id)?;
        // A line inside a long multi-line label that the renderer does not show is asked for
        // all the same: an empty line stands for it.
        let end = clip.text.len();
        Ok(clip
            .lines
            .iter()
            .find(|l| l.index == line)
            .map_or(end..end, |l| l.range.clone()))
    }
}
