//! A CSV reader's guard against hostile files: a record (a line, or several inside quotes) longer
//! than a limit, or a quote that never closes, is an error naming the line it starts on, after
//! reading at most the limit of it. `source::utf8_reader` wraps every CSV in one.

use std::fmt;
use std::io::{self, Read};

/// A byte limit as a person reads it: `1 MiB`, `131072 字节`.
pub(crate) fn size_text(bytes: usize) -> String {
    if bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} 字节")
    }
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

    fn read_limited(text: &str, limit: usize) -> io::Result<String> {
        let mut out = String::new();
        RecordLimit::new(text.as_bytes(), limit)
            .read_to_string(&mut out)
            .map(|_| out)
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
}
