//! An export's bytes as UTF-8, streaming. UTF-8 files are read as they are (blocks check their
//! text once, when sealed, and a row that is not UTF-8 becomes unreadable there); any other
//! encoding of the WHATWG standard (Windows-1252, Latin-1, UTF-16, Shift_JIS, …) is decoded by
//! encoding_rs a buffer at a time. A byte-order mark says what the file is and wins over the
//! declared encoding, as the standard has it. A file read as UTF-8 that is plainly in another
//! encoding (`sniff.rs`) is refused before any of it is read.
//!
//! Decoding never lets a byte it cannot decode become U+FFFD in a value, which would change it
//! silently: the decoder notes the bytes and their line in [`Undecoded`], and the reader
//! rejects the row on that line, showing them escaped.

use super::sniff::{self, Foreign, HEAD};
use crate::io::block::hex;
use crate::ir::Encoding;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::rc::Rc;

/// How much of the file is read at a time.
const BUFFER: usize = 1 << 20;

/// The file, its first bytes read ahead to be judged.
type Ahead<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Bytes that did not decode, in the order met: the line each is on (counted in the decoded
/// text, as the readers count), and why, with the bytes escaped.
pub type Undecoded = Rc<RefCell<VecDeque<(u64, String)>>>;

/// The reader an export's text comes through.
pub enum Text<R: Read> {
    /// UTF-8, as it is (past its BOM).
    Utf8(BufReader<Ahead<R>>),
    Decoded(Box<Decoder<R>>),
}

impl<R: Read> Text<R> {
    /// The bytes that did not decode so far (none for UTF-8, which blocks check themselves).
    pub fn undecoded(&self) -> Option<Undecoded> {
        match self {
            Text::Utf8(_) => None,
            Text::Decoded(d) => Some(Rc::clone(&d.undecoded)),
        }
    }
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Text::Utf8(r) => r.read(buf),
            Text::Decoded(d) => d.read(buf),
        }
    }
}

/// Why an export's text cannot be read at all.
#[derive(Debug)]
pub enum Refused {
    Io(io::Error),
    /// Read as UTF-8, it is plainly in another encoding.
    Foreign(Foreign),
}

/// Pops the bytes that did not decode on lines before `next`: those of the row read last.
pub fn take_before(undecoded: Option<&Undecoded>, next: u64) -> Vec<String> {
    let Some(u) = undecoded else {
        return Vec::new();
    };
    let mut u = u.borrow_mut();
    let mut out = Vec::new();
    while u.front().is_some_and(|(line, _)| *line < next) {
        out.extend(u.pop_front().map(|(_, why)| why));
    }
    out
}

/// The bytes of `input` as UTF-8, by its BOM or else `declared`.
pub fn text<R: Read>(mut input: R, declared: Encoding) -> Result<Text<R>, Refused> {
    let mut head = Vec::with_capacity(HEAD);
    (&mut input)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(Refused::Io)?;
    let bom = encoding_rs::Encoding::for_bom(&head);
    let encoding = bom.map_or(declared.0, |(e, _)| e);
    if encoding == encoding_rs::UTF_8 && bom.is_none() {
        if let Some(f) = sniff::foreign(&head, head.len() < HEAD) {
            return Err(Refused::Foreign(f));
        }
    }
    let mut r = BufReader::with_capacity(BUFFER, Cursor::new(head).chain(input));
    if encoding == encoding_rs::UTF_8 {
        if let Some((_, len)) = bom {
            r.fill_buf().map_err(Refused::Io)?;
            r.consume(len);
        }
        return Ok(Text::Utf8(r));
    }
    // The decoder removes the BOM itself.
    Ok(Text::Decoded(Box::new(Decoder {
        inner: r,
        decoder: encoding.new_decoder_with_bom_removal(),
        encoding,
        out: Vec::new(),
        at: 0,
        lines: 1,
        done: false,
        undecoded: Undecoded::default(),
    })))
}

/// Decodes one encoding to UTF-8, noting what does not decode.
pub struct Decoder<R: Read> {
    inner: BufReader<Ahead<R>>,
    decoder: encoding_rs::Decoder,
    encoding: &'static encoding_rs::Encoding,
    /// Decoded text not yet handed on, from `at`.
    out: Vec<u8>,
    at: usize,
    /// Lines handed on: where a bad byte is.
    lines: u64,
    done: bool,
    undecoded: Undecoded,
}

impl<R: Read> Decoder<R> {
    /// Decodes the next buffer of input into `out`; false at the end. Bytes that do not decode
    /// are noted with their line, and stand as U+FFFD in the text only for the reader to find
    /// their row's end: that row is rejected, never read.
    fn refill(&mut self) -> io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        let input = self.inner.fill_buf()?;
        let last = input.is_empty();
        let room = self
            .decoder
            .max_utf8_buffer_length_without_replacement(input.len())
            .unwrap_or(BUFFER * 4);
        self.out.clear();
        self.out.resize(room.max(4), 0);
        self.at = 0;
        let (result, read, written) =
            self.decoder
                .decode_to_utf8_without_replacement(input, &mut self.out, last);
        self.out.truncate(written);
        self.lines += self.out.iter().filter(|&&b| b == b'\n').count() as u64;
        if let encoding_rs::DecoderResult::Malformed(bad, pending) = result {
            let end = read.saturating_sub(usize::from(pending));
            let start = end.saturating_sub(usize::from(bad));
            let why = format!(
                "{} is not valid {}",
                hex(input.get(start..end).unwrap_or_default()),
                self.encoding.name()
            );
            self.undecoded.borrow_mut().push_back((self.lines, why));
            self.out.extend_from_slice("\u{FFFD}".as_bytes());
            self.inner.consume(read);
            return Ok(true);
        }
        self.inner.consume(read);
        self.done = last;
        Ok(!self.out.is_empty() || !last)
    }
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.out.len() {
            if !self.refill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], label: &str) -> io::Result<String> {
        let encoding = Encoding::for_label(label).expect("a label");
        let mut out = String::new();
        let mut text = text(bytes, encoding).map_err(|e| io::Error::other(format!("{e:?}")))?;
        text.read_to_string(&mut out)?;
        if let Some(bad) = text.undecoded().filter(|u| !u.borrow().is_empty()) {
            let (line, why) = bad.borrow().front().cloned().unwrap_or_default();
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("line {line}: {why}"),
            ));
        }
        Ok(out)
    }

    #[test]
    fn every_encoding_decodes_to_the_same_text() {
        let text = "id,name\n1,Zoë Ørsted — “quoted”\n";
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        assert_eq!(decode(&latin, "windows-1252").expect("cp1252"), text);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&utf16, "utf-16le").expect("utf-16"), text);
        let with_bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(utf16).collect();
        assert_eq!(
            decode(&with_bom, "utf-8").expect("the BOM says UTF-16"),
            text,
            "a byte-order mark wins over the declared encoding"
        );
        let utf8_bom: Vec<u8> = b"\xEF\xBB\xBF"
            .iter()
            .chain(text.as_bytes())
            .copied()
            .collect();
        assert_eq!(decode(&utf8_bom, "utf-8").expect("utf-8"), text);
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("id\n東京\n");
        assert_eq!(decode(&sjis, "shift_jis").expect("shift_jis"), "id\n東京\n");
    }

    #[test]
    fn a_byte_that_does_not_decode_is_noted_with_where_it_is() {
        // An unpaired surrogate in UTF-16: encoding_rs would make it U+FFFD.
        let mut bytes: Vec<u8> = "ab\ncd".encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.extend_from_slice(&[0x00, 0xD8, b'x', 0x00]);
        let err = decode(&bytes, "utf-16le").expect_err("an unpaired surrogate");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(err.to_string(), "line 2: \\x00\\xD8 is not valid UTF-16LE");
    }

    #[test]
    fn large_input_decodes_across_buffers() {
        let row = "1,Zoë,ä\n";
        let text: String = std::iter::once("id,a,b\n")
            .chain(std::iter::repeat_n(row, 200_000))
            .collect();
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(latin.len() > BUFFER, "more than one buffer");
        assert_eq!(decode(&latin, "latin1").expect("latin1"), text);
    }
}
