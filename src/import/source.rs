//! Reading a county file: its bytes' digest, what it is (a workbook by its bytes: a zip holding
//! `xl/` or an OpenDocument spreadsheet, or an OLE2 compound file; else CSV text), its encoding
//! (`import::encoding`), and a streaming UTF-8 reader over it.
//!
//! The file is read twice: once to hash it and find its encoding (valid UTF-8, else valid GB18030,
//! which includes GBK), and once to parse it. Neither pass holds the whole file in memory, and
//! neither lets one line or record grow past `MAX_LINE_BYTES`: a 2 GB line, a file of NUL bytes or an
//! unclosed quote is refused after reading at most that much of it, with the line it starts on.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use encoding_rs::{Encoding, GB18030, UTF_8};
use sha2::{Digest, Sha256};

use crate::import::encoding::{invalid_encoding, Validator};
use crate::import::record_limit::size_text;
pub use crate::import::record_limit::{RecordLimit, RecordTooLong, UnclosedQuote};

const CHUNK: usize = 1 << 16;

/// The longest line, and the longest record (a row including the line breaks inside its quoted
/// cells), accepted: 1 MiB. A register row is a few hundred bytes; 10,000 columns of short cells
/// still fit.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// What a file is, from its bytes (whatever its name says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// .xlsx and .xlsm: a zip with `xl/workbook.xml`.
    Xlsx,
    /// A zip with `xl/workbook.bin`.
    Xlsb,
    /// Excel 97–2003: an OLE2 compound file.
    Xls,
    /// OpenDocument: a zip with `mimetype` saying spreadsheet and `content.xml`.
    Ods,
}

impl Format {
    /// The format as users name it (the summary's 编码 column for a workbook).
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }
}

/// What the first pass learned about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub sha256: String,
    /// The text encoding of a CSV file (UTF-8 for a workbook).
    pub encoding: &'static Encoding,
    pub bytes: u64,
    pub format: Format,
}

impl FileInfo {
    /// The encoding as users name it, or the workbook format.
    pub fn encoding_name(&self) -> &'static str {
        if self.format != Format::Csv {
            self.format.name()
        } else if self.encoding == UTF_8 {
            "UTF-8"
        } else {
            "GBK/GB18030"
        }
    }
}

/// Hash the file and decide what it is: a workbook by its bytes, else CSV text in an encoding. A
/// text file that is neither valid UTF-8 nor valid GB18030 is refused with the byte offset of the
/// first bad sequence.
pub fn inspect(path: &Path) -> Result<FileInfo> {
    // A workbook is read with seeks, so only a regular file can be one; a named pipe is looked at
    // by the text pass alone (opening and reading it twice would lose its first bytes, or wait
    // for a second writer that never comes).
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if let Some(format) = if regular {
        workbook_format(path)?
    } else {
        None
    } {
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        for_each_chunk(path, |chunk| {
            hasher.update(chunk);
            bytes += chunk.len() as u64;
            Ok(())
        })?;
        return Ok(FileInfo {
            sha256: hex(&hasher.finalize()),
            encoding: UTF_8,
            bytes,
            format,
        });
    }
    inspect_with_limit(path, MAX_LINE_BYTES)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE2_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

/// The workbook format of a file by its first bytes and, for a zip, its entries; None for text.
/// A zip or compound file that is no workbook (a Word document, an archive) is refused.
fn workbook_format(path: &Path) -> Result<Option<Format>> {
    let display = path.display();
    let mut start = [0u8; 8];
    let mut file = File::open(path).with_context(|| format!("无法打开文件 {display}"))?;
    let n = read_up_to(&mut file, &mut start).with_context(|| format!("无法读取文件 {display}"))?;
    let start = &start[..n];
    if start.starts_with(OLE2_MAGIC) {
        return Ok(Some(Format::Xls));
    }
    if !start.starts_with(ZIP_MAGIC) {
        return Ok(None);
    }
    let not_a_workbook = |what: &str| {
        anyhow::anyhow!(
            "{display}: 文件是 zip 压缩格式{what}，不是 .xlsx/.xls/.ods 工作簿，也不是 CSV 文件 (not a workbook)"
        )
    };
    let zip = zip::ZipArchive::new(BufReader::new(file));
    let mut zip = zip.map_err(|e| not_a_workbook(&format!("但已损坏（{e}）")))?;
    let has = |zip: &zip::ZipArchive<_>, name: &str| zip.index_for_name(name).is_some();
    if has(&zip, "xl/workbook.xml") {
        return Ok(Some(Format::Xlsx));
    }
    if has(&zip, "xl/workbook.bin") {
        return Ok(Some(Format::Xlsb));
    }
    if has(&zip, "content.xml") {
        // The mimetype entry is stored uncompressed, as OpenDocument requires.
        let mut mime = Vec::new();
        if let Ok(mut entry) = zip.by_name("mimetype") {
            let _ = (&mut entry).take(128).read_to_end(&mut mime);
        }
        if mime.starts_with(ODS_MIME) {
            return Ok(Some(Format::Ods));
        }
        return Err(not_a_workbook("的 OpenDocument 文档（不是电子表格）"));
    }
    if has(&zip, "word/document.xml") {
        return Err(not_a_workbook("的 Word 文档（.docx）"));
    }
    Err(not_a_workbook(""))
}

fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn inspect_with_limit(path: &Path, max_line: usize) -> Result<FileInfo> {
    let display = path.display();
    let mut hasher = Sha256::new();
    let mut utf8 = Validator::new(UTF_8);
    let mut bytes = 0u64;
    let mut line = 1u64;
    let mut line_len = 0usize;
    let mut first_nul: Option<u64> = None;
    let binary = |at: u64| {
        anyhow::anyhow!(
            "{display}: 文件含有 NUL 字节（偏移 {at}），不是文本 CSV 文件，也不是 .xlsx/.xls/.ods 工作簿；可能已损坏或是其他二进制文件，请在 Excel 中“另存为” CSV UTF-8（逗号分隔）或 Excel 工作簿 (binary file, not CSV)"
        )
    };
    for_each_chunk(path, |chunk| {
        if bytes == 0 && (chunk.starts_with(&[0xff, 0xfe]) || chunk.starts_with(&[0xfe, 0xff])) {
            bail!(
                "{display}: 文件是 UTF-16 编码（Excel 的“Unicode 文本”）；请在 Excel 中“另存为” CSV UTF-8（逗号分隔）或 CSV（逗号分隔）(UTF-16 is not supported)"
            );
        }
        // Excel never writes NUL into a CSV file: this is a workbook or garbage. Refused at once,
        // unless an invalid byte comes first (then the encoding error below names that one).
        if first_nul.is_none() {
            first_nul = memchr::memchr(0, chunk).map(|at| bytes + at as u64);
        }
        // Line feeds are never part of a multi-byte character in UTF-8 or GB18030. The line
        // before the first one continues from the previous chunk.
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', chunk) {
            if line_len + (nl - start) > max_line {
                break;
            }
            line += 1;
            line_len = 0;
            start = nl + 1;
        }
        // Either the rest of the chunk, or a line that was too long before its line feed.
        let rest = memchr::memchr(b'\n', &chunk[start..]).unwrap_or(chunk.len() - start);
        line_len += rest;
        if line_len > max_line {
            bail!(
                "{display}:{line}: 第 {line} 行超过 {}，文件损坏或不是台账 CSV；已停止读取 (line too long)",
                size_text(max_line)
            );
        }
        hasher.update(chunk);
        utf8.feed(chunk, false);
        bytes += chunk.len() as u64;
        if let Some(nul) = first_nul {
            if utf8.error().is_none_or(|bad| bad > nul) {
                return Err(binary(nul));
            }
        }
        Ok(())
    })?;
    utf8.feed(&[], true);
    let sha256 = hex(&hasher.finalize());
    if utf8.error().is_none() {
        return Ok(FileInfo {
            sha256,
            encoding: UTF_8,
            bytes,
            format: Format::Csv,
        });
    }
    let mut gb = Validator::new(GB18030);
    for_each_chunk(path, |chunk| {
        gb.feed(chunk, false);
        Ok(())
    })?;
    gb.feed(&[], true);
    let utf8_at = utf8.error().unwrap_or(0);
    match gb.error() {
        None if first_nul.is_some() => Err(binary(first_nul.unwrap_or(0))),
        None => Ok(FileInfo {
            sha256,
            encoding: GB18030,
            bytes,
            format: Format::Csv,
        }),
        Some(gb_at) => Err(invalid_encoding(&display.to_string(), utf8_at, gb_at)),
    }
}

fn for_each_chunk(path: &Path, mut f: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let mut file = File::open(path).with_context(|| format!("无法打开文件 {}", path.display()))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("无法读取文件 {}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        f(&buf[..n])?;
    }
}

/// A reader yielding the file as UTF-8, without a BOM.
///
/// No record may exceed `MAX_LINE_BYTES`: the file could have changed since `inspect`, and a quote
/// that is never closed turns the rest of a file into one record.
pub fn utf8_reader(path: &Path, info: &FileInfo) -> Result<Box<dyn Read + Send>> {
    utf8_reader_with_limit(path, info, MAX_LINE_BYTES)
}

fn utf8_reader_with_limit(
    path: &Path,
    info: &FileInfo,
    limit: usize,
) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).with_context(|| format!("无法打开文件 {}", path.display()))?;
    let reader = BufReader::with_capacity(CHUNK, file);
    let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .encoding(Some(info.encoding))
        // A UTF-8 BOM is dropped; no other BOM is honoured (GBK files have none).
        .bom_override(info.encoding == UTF_8)
        .strip_bom(true)
        .build(reader);
    Ok(Box::new(RecordLimit::new(decoded, limit)))
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
    fn nul_bytes_are_refused_with_their_offset() {
        let f = file(b"\xef\xbb\xbfa,b\n\0\0\0");
        let err = inspect(f.path()).unwrap_err().to_string();
        assert!(err.contains("NUL") && err.contains("偏移 7"), "{err}");
        // An invalid byte before the NUL: the encoding error names that byte.
        let err = inspect(file(b"ab\xff\x00").path()).unwrap_err().to_string();
        assert!(
            err.contains("编码无法识别") && err.contains("偏移 2"),
            "{err}"
        );
        // Valid GBK, with a NUL after its first Chinese character: still binary.
        let mut gbk = encoding_rs::GBK.encode("户编号\n").0.into_owned();
        let at = gbk.len() + 1;
        gbk.extend_from_slice(b"x\x00y");
        let err = inspect(file(&gbk).path()).unwrap_err().to_string();
        assert!(err.contains(&format!("NUL 字节（偏移 {at}）")), "{err}");
        let err = inspect(file(b"\xff\xfea\x00").path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("UTF-16"), "{err}");
    }

    #[test]
    fn an_overlong_line_is_refused_in_the_first_pass_across_chunks() {
        let mut bytes = b"a,b\nc,d\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', CHUNK * 3));
        bytes.extend_from_slice(b"\nlast\n");
        let f = file(&bytes);
        let err = inspect_with_limit(f.path(), CHUNK * 2)
            .unwrap_err()
            .to_string();
        assert!(err.contains(":3: 第 3 行超过 131072 字节"), "{err}");
        // Exactly at the limit is fine.
        assert!(inspect_with_limit(f.path(), CHUNK * 3).is_ok());
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
