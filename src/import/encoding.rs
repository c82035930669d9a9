//! The encodings county files come in: UTF-8 (with or without a BOM), else GB18030, which includes
//! GBK. Validation without replacement, the error that names the first bad byte, and the decoding
//! of a small file read whole. Both the streaming importer (`import::source`) and the reference-data
//! loader (`import::reference::table`) use these, so both refuse the same files with the same words.

use std::borrow::Cow;

use anyhow::Result;
use encoding_rs::{DecoderResult, Encoding, GB18030};

/// The decoder's output buffer. Its size does not limit the input: `feed` drains it and goes on.
const OUT_BYTES: usize = (1 << 16) * 4 + 16;

/// Streams bytes through a decoder without replacement, remembering the first malformed offset.
pub(crate) struct Validator {
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    consumed: u64,
    error: Option<u64>,
}

impl Validator {
    pub(crate) fn new(encoding: &'static Encoding) -> Validator {
        Validator {
            decoder: encoding.new_decoder_without_bom_handling(),
            out: vec![0u8; OUT_BYTES],
            consumed: 0,
            error: None,
        }
    }

    /// Offset of the first byte sequence that could not be decoded, once one was fed.
    pub(crate) fn error(&self) -> Option<u64> {
        self.error
    }

    pub(crate) fn feed(&mut self, mut chunk: &[u8], last: bool) {
        while self.error.is_none() {
            let (result, read, _) =
                self.decoder
                    .decode_to_utf8_without_replacement(chunk, &mut self.out, last);
            match result {
                DecoderResult::InputEmpty => {
                    self.consumed += read as u64;
                    return;
                }
                DecoderResult::OutputFull => {
                    self.consumed += read as u64;
                    chunk = &chunk[read..];
                }
                DecoderResult::Malformed(bad, after) => {
                    let end = self.consumed + read as u64;
                    self.error = Some(end.saturating_sub(bad as u64 + after as u64));
                }
            }
        }
    }
}

/// The error for a file that is neither UTF-8 nor GB18030, given where each decoding failed. It
/// names the bad byte of the encoding the file follows longer: a UTF-8 file with one stray byte is
/// "UTF-8, bad at N", not "GBK, bad at the first Chinese character".
pub fn invalid_encoding(file: &str, utf8_at: u64, gb_at: u64) -> anyhow::Error {
    let (offset, looks_like) = if utf8_at >= gb_at {
        (utf8_at, "UTF-8")
    } else {
        (gb_at, "GBK/GB18030")
    };
    anyhow::anyhow!(
        "{file}: 文件编码无法识别：既不是有效的 UTF-8，也不是有效的 GBK/GB18030；按 {looks_like} 读取时第一个无效字节位于偏移 {offset}（从 0 起）(invalid encoding at byte offset {offset})"
    )
}

/// Offset of the first byte sequence `encoding` cannot decode in `bytes`, if any.
pub fn first_invalid(encoding: &'static Encoding, bytes: &[u8]) -> Option<u64> {
    let mut v = Validator::new(encoding);
    v.feed(bytes, true);
    v.error
}

/// Decode a whole file: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK). A file that is
/// neither is refused as the importer refuses it, naming the first bad byte.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(utf8_err) => match first_invalid(GB18030, bytes) {
            None => Ok(Cow::Owned(
                GB18030.decode_without_bom_handling(bytes).0.into_owned(),
            )),
            Some(gb_at) => Err(invalid_encoding(file, utf8_err.valid_up_to() as u64, gb_at)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_gbk() {
        assert_eq!(decode("f", "\u{feff}代码".as_bytes()).unwrap(), "代码");
        let (gbk, _, _) = encoding_rs::GBK.encode("户编号,村代码");
        assert_eq!(decode("f", &gbk).unwrap(), "户编号,村代码");
    }

    #[test]
    fn refuses_bytes_that_are_neither_and_names_the_offset() {
        // "ab" then 0x81 0x20: a GB18030 lead byte followed by an invalid trail byte.
        let err = decode("bad.csv", b"ab\x81\x20cd").unwrap_err().to_string();
        assert!(err.contains("bad.csv"), "{err}");
        assert!(err.contains("偏移 2"), "{err}");
    }
}
