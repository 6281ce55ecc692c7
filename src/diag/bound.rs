//! At most `MAX_PER_FILE` diagnostics of a file are shown; the rest are counted.
//!
//! One long bad line could make tens of thousands of findings, each echoing its line: output
//! grew with the square of the input. Which are shown: a file's errors first (the first
//! `MAX_PER_FILE` of them in source order), then its warnings and notes while room is left;
//! those shown keep their source order. Totals of errors and warnings always count them all.

use super::{Diagnostic, Severity};
use crate::span::FileId;

/// How many diagnostics of one file are shown.
pub const MAX_PER_FILE: usize = 100;

/// What a file has beyond those shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hidden {
    /// The file of their primary labels (`None`: diagnostics without a label).
    pub file: Option<FileId>,
    pub count: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// The diagnostics to show, in the order given, and what each file has beyond them.
pub struct Bounded<'a> {
    pub shown: Vec<&'a Diagnostic>,
    pub hidden: Vec<Hidden>,
}

impl Bounded<'_> {
    /// How many diagnostics are not shown, over every file.
    pub fn not_shown(&self) -> usize {
        self.hidden.iter().map(|h| h.count).sum()
    }
}

/// At most `limit` diagnostics of each file of `diags`, errors first; in linear time.
pub fn bound(diags: &[Diagnostic], limit: usize) -> Bounded<'_> {
    let file_of = |d: &Diagnostic| d.primary_span().map(|s| s.file);
    // Each file's count of errors and of the rest, in the order files first appear.
    let mut files: Vec<(Option<FileId>, usize, usize)> = Vec::new();
    for d in diags {
        let file = file_of(d);
        let at = match files.iter().position(|f| f.0 == file) {
            Some(at) => at,
            None => {
                files.push((file, 0, 0));
                files.len() - 1
            }
        };
        if d.is_error() {
            files[at].1 += 1;
        } else {
            files[at].2 += 1;
        }
    }
    // Room left per file: errors take it first, the others what remains.
    let mut room: Vec<(usize, usize)> = files
        .iter()
        .map(|&(_, errors, _)| {
            let for_errors = errors.min(limit);
            (for_errors, limit - for_errors)
        })
        .collect();
    let mut hidden: Vec<Hidden> = files
        .iter()
        .map(|&(file, _, _)| Hidden {
            file,
            count: 0,
            errors: 0,
            warnings: 0,
        })
        .collect();
    let mut shown = Vec::with_capacity(diags.len().min(limit * files.len()));
    for d in diags {
        let file = file_of(d);
        let Some(at) = files.iter().position(|f| f.0 == file) else {
            continue;
        };
        let left = if d.is_error() {
            &mut room[at].0
        } else {
            &mut room[at].1
        };
        if *left > 0 {
            *left -= 1;
            shown.push(d);
        } else {
            let h = &mut hidden[at];
            h.count += 1;
            h.errors += usize::from(d.is_error());
            h.warnings += usize::from(d.severity == Severity::Warning);
        }
    }
    hidden.retain(|h| h.count > 0);
    Bounded { shown, hidden }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::span::Span;

    fn at(code: Code, file: u32, start: usize) -> Diagnostic {
        Diagnostic::new(code, "m").primary(Span::new(FileId(file), start, start + 1), "")
    }

    /// Errors are chosen before warnings, those chosen keep their order, and each file has its
    /// own room.
    #[test]
    fn errors_first_in_order_per_file() {
        let mut diags: Vec<Diagnostic> = (0..5).map(|i| at(Code::UnusedSource, 0, i)).collect();
        diags.extend((5..10).map(|i| at(Code::Syntax, 0, i)));
        diags.push(at(Code::Syntax, 1, 0));
        let b = bound(&diags, 3);
        let starts: Vec<(u32, u32)> = b
            .shown
            .iter()
            .map(|d| (d.labels[0].span.file.0, d.labels[0].span.start))
            .collect();
        assert_eq!(starts, [(0, 5), (0, 6), (0, 7), (1, 0)]);
        assert_eq!(
            b.hidden,
            [Hidden {
                file: Some(FileId(0)),
                count: 7,
                errors: 2,
                warnings: 5
            }]
        );
        assert_eq!(b.not_shown(), 7);
    }

    /// Warnings fill the room errors leave.
    #[test]
    fn warnings_fill_what_errors_leave() {
        let diags = [
            at(Code::UnusedSource, 0, 0),
            at(Code::Syntax, 0, 1),
            at(Code::UnusedSource, 0, 2),
        ];
        let b = bound(&diags, 2);
        let starts: Vec<u32> = b.shown.iter().map(|d| d.labels[0].span.start).collect();
        assert_eq!(starts, [0, 1]);
        assert_eq!(b.not_shown(), 1);
    }
}
