//! Checks made before parsing so that the recursive parser never meets input that could exhaust
//! its stack or time: size, emptiness, nesting depth, and the number of words (the parser and
//! the checker cost about a microsecond a word: a 4 MiB line of two-letter words would take
//! more than a second and most of a gigabyte).

use crate::diag::{Code, Diagnostic};
use crate::span::{FileId, Span};

pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting of brackets, `if`s and prefix `not`/`-` accepted.
pub const MAX_DEPTH: usize = 64;
/// Most words (names, keywords, numbers, strings) a file may hold.
pub const MAX_WORDS: usize = 500_000;

/// Where a scan of the text stopped: too deep, or too many words, at this byte.
#[derive(Debug, PartialEq, Eq)]
enum Limit {
    Depth(usize),
    Words(usize),
}

pub fn check(text: &str, file: FileId) -> Option<Diagnostic> {
    if text.len() > MAX_FILE_BYTES {
        return Some(
            Diagnostic::new(
                Code::TooLarge,
                format!(
                    "this file is {} bytes; spec files are limited to {} bytes",
                    text.len(),
                    MAX_FILE_BYTES
                ),
            )
            .primary(Span::new(file, 0, 0), "file starts here"),
        );
    }
    if is_blank(text) {
        return Some(
            Diagnostic::new(
                Code::EmptyFile,
                "this file is empty: there is nothing to check",
            )
            .primary(Span::new(file, 0, 0), "empty file"),
        );
    }
    scan(text).map(|limit| match limit {
        Limit::Depth(at) => Diagnostic::new(
            Code::TooDeep,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        )
        .primary(Span::new(file, at, at + 1), "too deep here")
        .help("split the expression into user-defined functions"),
        Limit::Words(at) => Diagnostic::new(
            Code::TooManyWords,
            format!("this file has more than {MAX_WORDS} words"),
        )
        .primary(Span::new(file, at, at + 1), "the word past the limit")
        .help("keep data in the exports, or move a very large value table into a file it `use`s"),
    })
}

/// The byte offset where nesting first exceeds the limit, if it does.
#[cfg(test)]
fn too_deep(text: &str) -> Option<usize> {
    match scan(text) {
        Some(Limit::Depth(at)) => Some(at),
        _ => None,
    }
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim_start_matches('\u{FEFF}').trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// Scans tokens, skipping comments, and returns where nesting first exceeds its limit or the
/// words theirs.
fn scan(text: &str) -> Option<Limit> {
    let bytes = text.as_bytes();
    let mut words = 0usize;
    let mut i = 0;
    let mut brackets = 0usize;
    let mut open_ifs = 0usize;
    let mut prefix_run = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        let mut reset_prefix = true;
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'"' || b == b'`' {
            words += 1;
            if words > MAX_WORDS {
                return Some(Limit::Words(i));
            }
        }
        match b {
            b'"' | b'`' => i = skip_quoted(bytes, i),
            b'#' => i = skip_line(bytes, i),
            // `not (…` nests both: an opening bracket keeps the prefix run going.
            b'(' | b'[' | b'{' => {
                brackets += 1;
                reset_prefix = false;
            }
            b')' | b']' | b'}' => brackets = brackets.saturating_sub(1),
            b'-' if bytes.get(i + 1) != Some(&b'>') => {
                prefix_run += 1;
                reset_prefix = false;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let end = word_end(bytes, i);
                match &text[i..end] {
                    "if" => open_ifs += 1,
                    "else" => open_ifs = open_ifs.saturating_sub(1),
                    "not" => {
                        prefix_run += 1;
                        reset_prefix = false;
                    }
                    _ => {}
                }
                i = end - 1;
            }
            _ if b.is_ascii_digit() => i = word_end(bytes, i) - 1,
            _ if b.is_ascii_whitespace() => reset_prefix = false,
            _ => {}
        }
        if brackets + open_ifs + prefix_run > MAX_DEPTH {
            return Some(Limit::Depth(i.min(bytes.len().saturating_sub(1))));
        }
        if reset_prefix {
            prefix_run = 0;
        }
        i += 1;
    }
    None
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut j = start;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
        j += 1;
    }
    j
}

/// Index of the closing quote (or of the end of the line when unclosed).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut j = start + 1;
    while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
        if bytes[j] == b'\\' {
            j += 1;
        }
        j += 1;
    }
    j.min(bytes.len())
}

fn skip_line(bytes: &[u8], start: usize) -> usize {
    let mut j = start;
    while j < bytes.len() && bytes[j] != b'\n' {
        j += 1;
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_past_the_limit_are_refused_where_they_pass_it() {
        let text = "x ".repeat(MAX_WORDS + 10);
        assert_eq!(scan(&text), Some(Limit::Words(2 * MAX_WORDS)));
        let within = "x1 \"s\" 12.5 ".repeat(MAX_WORDS / 4);
        assert_eq!(scan(&within), None, "a string is one word, however long");
        let comments = format!("# {}\nx", "y ".repeat(MAX_WORDS));
        assert_eq!(scan(&comments), None, "comments are not words");
    }

    #[test]
    fn brackets_inside_strings_do_not_count() {
        let text = format!("x = \"{}\"", "(".repeat(500));
        assert_eq!(too_deep(&text), None);
    }

    #[test]
    fn deep_brackets_are_found_at_the_first_excess() {
        let text = "(".repeat(MAX_DEPTH + 5);
        assert_eq!(too_deep(&text), Some(MAX_DEPTH));
    }

    #[test]
    fn long_not_chains_count() {
        let text = "not ".repeat(MAX_DEPTH + 1);
        assert!(too_deep(&text).is_some());
    }

    #[test]
    fn prefix_operators_count_through_brackets() {
        let text = format!("{}not {}", "(".repeat(62), "(".repeat(3));
        assert!(too_deep(&text).is_some());
    }

    #[test]
    fn comment_only_file_is_blank() {
        assert!(is_blank("# just a note\n\n  # another\n"));
        assert!(!is_blank("# note\nmigration \"x\" {}"));
    }
}
