//! Reading a county file: its bytes' digest, what it is (a workbook by its bytes: a zip holding
//! `xl/` or an OpenDocument spreadsheet, or an OLE2 compound file; else CSV text), its encoding
//! (`import::encoding`), and a streaming UTF-8 reader over it.
//!
//! The file is read twice: once to hash it and find its encoding (valid UTF-8, else valid GB18030,
//! which includes GBK), and once to parse it. Neither pass holds the whole file in memory, and
//! neither lets one line or record grow past `MAX_LINE_BYTES`: a 2 GB line, a file of NUL bytes or an
//! unclosed quote is refused after reading at most that much of it, with the line it starts on.

use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use encoding_rs::{Encoding, GB18030, UTF_8};
use sha2::{Digest, Sha256};

use crate::import::encoding::{invalid_encoding, Validator};

const CHUNK: usize = 1 << 16;

/// The longest line, and the longest record (a row including the line breaks inside its quoted
/// cells), accepted: 1 MiB. A register row is a few hundred bytes; 10,000 columns of short cells
/// still fit.
pub const MAX_LINE_BYTES: usize = 1 << 20;

fn size_text(bytes: usize) -> String {
    if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} 字节")
    }
}

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
pub fn utf8_reader(path: &Path, info: &FileInfo) -> Result<Box<dyn Read>> {
    utf8_reader_with_limit(path, info, MAX_LINE_BYTES)
}

fn utf8_reader_with_limit(path: &Path, info: &FileInfo, limit: usize) -> Result<Box<dyn Read>> {
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

/// A record longer than the limit: the error a `RecordLimit` reader returns (inside an
/// `io::Error` of kind InvalidData).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTooLong {
    /// The line the record starts on (1-based, counting line feeds).
    pub line: u64,
    pub limit: usize,
}

impl fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "从第 {} 行开始的一行数据超过 {}（引号内的换行也计入），可能有未闭合的引号，或文件损坏、不是台账 CSV；已停止读取 (record too long)",
            self.line,
            size_text(self.limit)
        )
    }
}

impl std::error::Error for RecordTooLong {}

/// The file ended inside a quoted cell: the error a `RecordLimit` reader returns at the end (inside
/// an `io::Error` of kind InvalidData), instead of a last record holding the rest of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnclosedQuote {
    /// The line the record with the open quote starts on.
    pub line: u64,
}

impl fmt::Display for UnclosedQuote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "从第 {} 行开始的引号没有闭合，文件其余部分都成了一个单元格；请检查该行的双引号 (unclosed quote)",
            self.line
        )
    }
}

impl std::error::Error for UnclosedQuote {}

/// Where a CSV reader is within a record, as far as record boundaries go. Mirrors csv-core with the
/// settings tuopin reads with (comma, double quote, `""` as an escaped quote, no escape character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// At the start of a field: a quote here opens a quoted field.
    FieldStart,
    /// Inside an unquoted field: quotes are literal.
    Unquoted,
    /// Inside a quoted field: line breaks and commas are data.
    Quoted,
    /// Just after a quote inside a quoted field: `""` is an escaped quote, anything else closes it.
    ClosingQuote,
}

/// Passes text through, failing once a record (not a line: a quoted cell may hold line breaks)
/// grows past `limit` bytes, so the CSV parser never buffers more than that.
pub struct RecordLimit<R> {
    inner: R,
    limit: usize,
    state: Place,
    record_bytes: usize,
    line: u64,
    record_line: u64,
    failed: bool,
}

impl<R: Read> RecordLimit<R> {
    pub fn new(inner: R, limit: usize) -> RecordLimit<R> {
        RecordLimit {
            inner,
            limit,
            state: Place::FieldStart,
            record_bytes: 0,
            line: 1,
            record_line: 1,
            failed: false,
        }
    }

    fn too_long(&mut self) -> io::Error {
        self.failed = true;
        io::Error::new(
            io::ErrorKind::InvalidData,
            RecordTooLong {
                line: self.record_line,
                limit: self.limit,
            },
        )
    }
}

impl<R: Read> RecordLimit<R> {
    /// Count `span` (no record end in it) into the current record.
    fn take(&mut self, span: &[u8]) -> io::Result<()> {
        self.record_bytes += span.len();
        if self.record_bytes > self.limit {
            return Err(self.too_long());
        }
        Ok(())
    }

    fn end_record(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        }
        self.state = Place::FieldStart;
        self.record_bytes = 0;
        self.record_line = self.line;
    }
}

impl<R: Read> Read for RecordLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed {
            return Err(self.too_long());
        }
        let n = self.inner.read(buf)?;
        if n == 0 && self.state == Place::Quoted && !buf.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                UnclosedQuote {
                    line: self.record_line,
                },
            ));
        }
        let data = &buf[..n];
        // Whole runs of cell text are skipped with memchr; only field and record boundaries are
        // looked at one by one.
        let mut i = 0;
        while i < data.len() {
            match self.state {
                Place::Quoted => match memchr::memchr(b'"', &data[i..]) {
                    None => {
                        self.line += memchr::memchr_iter(b'\n', &data[i..]).count() as u64;
                        self.take(&data[i..])?;
                        i = data.len();
                    }
                    Some(k) => {
                        let span = &data[i..=i + k];
                        self.line += memchr::memchr_iter(b'\n', span).count() as u64;
                        self.take(span)?;
                        self.state = Place::ClosingQuote;
                        i += k + 1;
                    }
                },
                Place::Unquoted => match memchr::memchr3(b',', b'\n', b'\r', &data[i..]) {
                    None => {
                        self.take(&data[i..])?;
                        i = data.len();
                    }
                    Some(k) => {
                        self.take(&data[i..i + k])?;
                        let b = data[i + k];
                        if b == b',' {
                            self.take(&[b])?;
                            self.state = Place::FieldStart;
                        } else {
                            self.end_record(b);
                        }
                        i += k + 1;
                    }
                },
                // A quoted field's quote, or the first byte of a field.
                Place::ClosingQuote | Place::FieldStart => {
                    let b = data[i];
                    match (self.state, b) {
                        (_, b'\n' | b'\r') => self.end_record(b),
                        (_, b',') => {
                            self.take(&[b])?;
                            self.state = Place::FieldStart;
                        }
                        (_, b'"') => {
                            // Opens a quoted field, or is the second quote of an escaped `""`.
                            self.take(&[b])?;
                            self.state = Place::Quoted;
                        }
                        _ => {
                            self.take(&[b])?;
                            self.state = Place::Unquoted;
                        }
                    }
                    i += 1;
                }
            }
        }
        Ok(n)
    }
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

    fn read_limited(text: &str, limit: usize) -> io::Result<String> {
        let mut out = String::new();
        RecordLimit::new(text.as_bytes(), limit)
            .read_to_string(&mut out)
            .map(|_| out)
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
    fn records_count_the_line_breaks_inside_quotes() {
        let ok = "a,b\n\"x\ny\",z\n";
        assert_eq!(read_limited(ok, 8).unwrap(), ok);
        // The second record is 9 bytes with its quoted line break.
        let err = read_limited("a,b\n\"xx\ny\",zz\n", 8).unwrap_err();
        let long = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<RecordTooLong>())
            .cloned();
        assert_eq!(long, Some(RecordTooLong { line: 2, limit: 8 }));
        // An escaped quote does not close the field; a quote inside an unquoted field is literal.
        assert!(read_limited("\"a\"\"\nb\"\n", 7).is_ok());
        assert!(read_limited("\"a\"\"\nb\"\n", 6).is_err());
        assert!(read_limited("a\"b,c\nd\n", 6).is_ok());
        // A quote that never closes makes the rest of the file one record.
        let unclosed = format!("h\n\"{}", "row,1\n".repeat(100));
        let err = read_limited(&unclosed, 64).unwrap_err().to_string();
        assert!(err.contains("从第 2 行开始"), "{err}");
        // Within the limit, the end of the file inside the quote is the error.
        let err = read_limited("h\nx,\"a\nb\n", 64).unwrap_err();
        let open = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<UnclosedQuote>())
            .cloned();
        assert_eq!(open, Some(UnclosedQuote { line: 2 }));
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
