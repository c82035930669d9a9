//! Reading a county file: its bytes' digest, its encoding, and a streaming UTF-8 reader over it.
//!
//! The file is read twice: once to hash it and find its encoding (valid UTF-8, else valid GB18030,
//! which includes GBK), and once to parse it. Neither pass holds the whole file in memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_8};
use sha2::{Digest, Sha256};

const CHUNK: usize = 1 << 16;

/// What the first pass learned about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub sha256: String,
    pub encoding: &'static Encoding,
    pub bytes: u64,
}

impl FileInfo {
    /// The encoding as users name it.
    pub fn encoding_name(&self) -> &'static str {
        if self.encoding == UTF_8 {
            "UTF-8"
        } else {
            "GBK/GB18030"
        }
    }
}

/// Hash the file and decide its encoding. A file that is neither valid UTF-8 nor valid GB18030 is
/// refused with the byte offset of the first bad sequence.
pub fn inspect(path: &Path) -> Result<FileInfo> {
    let display = path.display();
    let mut hasher = Sha256::new();
    let mut utf8 = Validator::new(UTF_8);
    let mut bytes = 0u64;
    for_each_chunk(path, |chunk| {
        hasher.update(chunk);
        utf8.feed(chunk, false);
        bytes += chunk.len() as u64;
    })?;
    utf8.feed(&[], true);
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if utf8.error.is_none() {
        return Ok(FileInfo {
            sha256,
            encoding: UTF_8,
            bytes,
        });
    }
    let mut gb = Validator::new(GB18030);
    for_each_chunk(path, |chunk| gb.feed(chunk, false))?;
    gb.feed(&[], true);
    let utf8_at = utf8.error.unwrap_or(0);
    match gb.error {
        None => Ok(FileInfo {
            sha256,
            encoding: GB18030,
            bytes,
        }),
        // Report the bad byte of the encoding the file follows longer: a UTF-8 file with one
        // stray byte is "UTF-8, bad at N", not "GBK, bad at the first Chinese character".
        Some(gb_at) => {
            let (offset, looks_like) = if utf8_at >= gb_at {
                (utf8_at, "UTF-8")
            } else {
                (gb_at, "GBK/GB18030")
            };
            bail!(
                "{display}: 文件编码无法识别：既不是有效的 UTF-8，也不是有效的 GBK/GB18030；按 {looks_like} 读取时第一个无效字节位于偏移 {offset}（从 0 起）(invalid encoding at byte offset {offset})"
            )
        }
    }
}

fn for_each_chunk(path: &Path, mut f: impl FnMut(&[u8])) -> Result<()> {
    let mut file = File::open(path).with_context(|| format!("无法打开文件 {}", path.display()))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("无法读取文件 {}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        f(&buf[..n]);
    }
}

/// Streams bytes through a decoder without replacement, remembering the first malformed offset.
struct Validator {
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    consumed: u64,
    error: Option<u64>,
}

impl Validator {
    fn new(encoding: &'static Encoding) -> Validator {
        Validator {
            decoder: encoding.new_decoder_without_bom_handling(),
            out: vec![0u8; CHUNK * 4 + 16],
            consumed: 0,
            error: None,
        }
    }

    fn feed(&mut self, mut chunk: &[u8], last: bool) {
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

/// A reader yielding the file as UTF-8, without a BOM.
pub fn utf8_reader(path: &Path, info: &FileInfo) -> Result<Box<dyn Read>> {
    let file = File::open(path).with_context(|| format!("无法打开文件 {}", path.display()))?;
    let reader = BufReader::with_capacity(CHUNK, file);
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(info.encoding))
        // A UTF-8 BOM is dropped; no other BOM is honoured (GBK files have none).
        .bom_override(info.encoding == UTF_8)
        .strip_bom(true)
        .build(reader);
    Ok(Box::new(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    fn read_all(path: &Path) -> String {
        let info = inspect(path).unwrap();
        let mut s = String::new();
        utf8_reader(path, &info)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let f = file("\u{feff}户编号,村代码\r\n".as_bytes());
        assert_eq!(inspect(f.path()).unwrap().encoding, UTF_8);
        assert_eq!(read_all(f.path()), "户编号,村代码\r\n");
        let f = file("户编号\n".as_bytes());
        assert_eq!(read_all(f.path()), "户编号\n");
    }

    #[test]
    fn gbk_is_detected_and_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("户编号,村代码\r\n三家子村,是\r\n");
        let f = file(&gbk);
        let info = inspect(f.path()).unwrap();
        assert_eq!(info.encoding, GB18030);
        assert_eq!(read_all(f.path()), "户编号,村代码\r\n三家子村,是\r\n");
    }

    #[test]
    fn invalid_bytes_name_their_offset_even_across_chunks() {
        let mut bytes = vec![b'a'; CHUNK + 5];
        bytes.extend_from_slice(b"\x81\x20xyz");
        let f = file(&bytes);
        let err = inspect(f.path()).unwrap_err().to_string();
        assert!(err.contains(&format!("偏移 {}", CHUNK + 5)), "{err}");
    }
}
