//! Whether an export read as UTF-8 is plainly in another encoding, judged on its first 64 KiB
//! before any of its rows is read. A file with a few rows that are not UTF-8 is read, those rows
//! rejected in their place; a file in another encoding would have nearly every row with a
//! letter outside ASCII rejected, so it stops at once, naming the encoding to declare.
//!
//! The rule, on the first 64 KiB (cut back to its last line end when the file is longer):
//! 1. at least a fifth of the bytes NUL (valid UTF-8 or not): UTF-16 without a byte-order
//!    mark, `utf-16le` when the NULs fall mostly at odd places, `utf-16be` otherwise;
//! 2. valid UTF-8: read on (a row further on that is not is rejected);
//! 3. more byte sequences that are not UTF-8 than characters outside ASCII that are, and the
//!    bytes are text in Windows-1252 (no control byte but tab, CR and LF, none of the five bytes
//!    it leaves undefined): `windows-1252`;
//! 4. anything else is mostly UTF-8 with bad rows: read on, those rows rejected.

/// How much of a file decides.
pub const HEAD: usize = 64 * 1024;

/// A file that is plainly not in the encoding declared for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Foreign {
    /// The first line that is not UTF-8.
    pub line: u64,
    /// The encoding it looks like, as a label to declare.
    pub guess: &'static str,
}

/// What the first bytes of a file read as UTF-8 say (see the module's rule); `whole` when they
/// are the whole file.
pub fn foreign(head: &[u8], whole: bool) -> Option<Foreign> {
    let head = if whole {
        head
    } else {
        head.iter()
            .rposition(|&b| b == b'\n')
            .map_or(head, |end| &head[..=end])
    };
    let line_of = |at: usize| 1 + head[..at].iter().filter(|&&b| b == b'\n').count() as u64;
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 && nuls * 5 >= head.len() {
        let odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let guess = if odd * 2 >= nuls {
            "utf-16le"
        } else {
            "utf-16be"
        };
        let first = head.iter().position(|&b| b == 0).unwrap_or(0);
        return Some(Foreign {
            line: line_of(first),
            guess,
        });
    }
    let line = match std::str::from_utf8(head) {
        Ok(_) => return None,
        Err(e) => line_of(e.valid_up_to()),
    };
    let (mut invalid, mut multibyte) = (0usize, 0usize);
    for chunk in head.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    let control = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7F;
    let undefined = |b: u8| matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D);
    let text = !head.iter().any(|&b| control(b) || undefined(b));
    (invalid > multibyte && text).then_some(Foreign {
        line,
        guess: "windows-1252",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_another_encoding_is_told_from_a_few_bad_rows() {
        assert_eq!(foreign("id\nZoë\n".as_bytes(), true), None);
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode("id,name\n1,Ana\n2,Zoë\n3,Jürgen\n");
        assert_eq!(
            foreign(&latin, true),
            Some(Foreign {
                line: 3,
                guess: "windows-1252"
            })
        );
        // Mostly UTF-8: more valid characters outside ASCII than bad bytes.
        assert_eq!(
            foreign(b"id\nZo\xc3\xab\nJos\xc3\xa9\ncaf\xe9\n", true),
            None
        );
        // Not text in any single-byte encoding: bad rows of a UTF-8 file.
        assert_eq!(foreign(b"id\n1\n\x01\x02\xff\n", true), None);
        let utf16: Vec<u8> = "id,name\n1,Ana\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(foreign(&utf16, true).map(|f| f.guess), Some("utf-16le"));
        let utf16be: Vec<u8> = "id,é\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(foreign(&utf16be, true).map(|f| f.guess), Some("utf-16be"));
    }

    #[test]
    fn a_character_cut_at_the_end_of_the_head_is_not_held_against_the_file() {
        let head = "id\nZoë\n".as_bytes();
        let cut = &[head, &"é".as_bytes()[..1]].concat();
        assert_eq!(foreign(cut, false), None);
    }
}
