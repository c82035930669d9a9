//! Shared CSV reading: encoding detection and header look-up by Chinese name or English alias.

use std::borrow::Cow;

use anyhow::{anyhow, Result};

use crate::import::problem::LineError;
use crate::import::source;

/// Decode a whole file: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK). A file that is
/// neither is refused as the importer refuses it (`import::source`), naming the first bad byte.
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<Cow<'a, str>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Cow::Borrowed(s)),
        Err(utf8_err) => match source::first_invalid(encoding_rs::GB18030, bytes) {
            None => Ok(Cow::Owned(
                encoding_rs::GB18030
                    .decode_without_bom_handling(bytes)
                    .0
                    .into_owned(),
            )),
            Some(gb_at) => Err(source::invalid_encoding(
                file,
                utf8_err.valid_up_to() as u64,
                gb_at,
            )),
        },
    }
}

/// Header matching ignores surrounding spaces (including full-width ones) and ASCII case.
pub fn header_key(h: &str) -> String {
    crate::model::cell::normalize_width(h)
        .trim()
        .to_ascii_lowercase()
}

/// A small CSV file read whole: the reference data of `init`.
pub struct Table {
    pub file: String,
    pub headers: Vec<String>,
    /// (line number as an editor shows it, record)
    pub rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Table> {
        let text = decode(file, bytes)?;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| anyhow!("{file}:1: 表头无法读取: {e}"))?
            .iter()
            .map(header_key)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                anyhow!(LineError::new(
                    file,
                    line,
                    None,
                    format!("CSV 格式错误: {e}")
                ))
            })?;
            let line = record.position().map(|p| p.line()).unwrap_or(0);
            if record.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            rows.push((line, record));
        }
        Ok(Table {
            file: file.to_string(),
            headers,
            rows,
        })
    }

    /// Index of a required column, or an error naming the file and the missing header.
    pub fn column(&self, name: &str) -> Result<usize> {
        let key = header_key(name);
        self.headers
            .iter()
            .position(|h| *h == key)
            .ok_or_else(|| anyhow!(LineError::new(&self.file, 1, Some(name), "缺少必需的列")))
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
