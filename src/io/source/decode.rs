//! An export's bytes as UTF-8, streaming. UTF-8 files are read as they are (blocks check their
//! text once, when sealed); any other encoding of the WHATWG standard (Windows-1252, Latin-1,
//! UTF-16, Shift_JIS, …) is decoded by encoding_rs a buffer at a time. A byte-order mark says
//! what the file is and wins over the declared encoding, as the standard has it.
//!
//! Decoding never replaces a byte it cannot decode with U+FFFD, which would change a value
//! silently: it stops with where the byte is.

use crate::ir::Encoding;
use std::io::{self, BufRead, BufReader, Read};

/// How much of the file is read at a time.
const BUFFER: usize = 1 << 20;

/// The reader an export's text comes through.
pub enum Text<R: Read> {
    /// UTF-8, as it is (past its BOM).
    Utf8(BufReader<R>),
    Decoded(Box<Decoder<R>>),
}

impl<R: Read> Read for Text<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Text::Utf8(r) => r.read(buf),
            Text::Decoded(d) => d.read(buf),
        }
    }
}

/// The bytes of `input` as UTF-8, by its BOM or else `declared`.
pub fn text<R: Read>(input: R, declared: Encoding) -> io::Result<Text<R>> {
    let mut r = BufReader::with_capacity(BUFFER, input);
    let head = r.fill_buf()?;
    let bom = encoding_rs::Encoding::for_bom(head);
    let encoding = bom.map_or(declared.0, |(e, _)| e);
    if encoding == encoding_rs::UTF_8 {
        if let Some((_, len)) = bom {
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
        consumed: 0,
        lines: 1,
        done: false,
        bad: None,
    })))
}

/// Decodes one encoding to UTF-8, refusing what does not decode.
pub struct Decoder<R: Read> {
    inner: BufReader<R>,
    decoder: encoding_rs::Decoder,
    encoding: &'static encoding_rs::Encoding,
    /// Decoded text not yet handed on, from `at`.
    out: Vec<u8>,
    at: usize,
    /// Input bytes decoded so far, and lines handed on: where a bad byte is.
    consumed: u64,
    lines: u64,
    done: bool,
    /// A byte that does not decode, said once the text before it has been read.
    bad: Option<io::Error>,
}

impl<R: Read> Decoder<R> {
    /// Decodes the next buffer of input into `out`; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        if let Some(bad) = self.bad.take() {
            self.done = true;
            return Err(bad);
        }
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
        self.inner.consume(read);
        self.consumed += read as u64;
        match result {
            encoding_rs::DecoderResult::Malformed(bad, pending) => {
                let at = self.consumed - u64::from(pending) - u64::from(bad);
                self.bad = Some(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "byte {at} (line {}) is not valid {}",
                        self.lines,
                        self.encoding.name()
                    ),
                ));
                Ok(true)
            }
            _ => {
                self.done = last;
                Ok(!self.out.is_empty() || !last)
            }
        }
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
        text(bytes, encoding)?.read_to_string(&mut out)?;
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
    fn a_byte_that_does_not_decode_stops_with_where_it_is() {
        // An unpaired surrogate in UTF-16: encoding_rs would make it U+FFFD.
        let mut bytes: Vec<u8> = "ab\ncd".encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.extend_from_slice(&[0x00, 0xD8, b'x', 0x00]);
        let err = decode(&bytes, "utf-16le").expect_err("an unpaired surrogate");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(err.to_string().contains("UTF-16LE"), "{err}");
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
