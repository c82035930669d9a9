//! A small CSV file read whole, for the reference data of `init`: decoded and its headers matched as
//! the importer does it (`import::encoding`, `import::header`).

use anyhow::{anyhow, Result};

use crate::import::encoding::decode;
use crate::import::header::header_key;
use crate::import::problem::LineError;

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
