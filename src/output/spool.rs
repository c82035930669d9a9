//! Rows of text kept for a second pass, in bounded memory: a table whose heading needs a count of
//! every row (the summary line of a check) or whose columns need the widest cell is written after
//! its last row is known. The first rows stay in memory; past [`IN_MEMORY`] rows they go, one JSON
//! array per line, to an anonymous temporary file that the system removes when it is closed.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

use anyhow::{Context, Result};

/// Rows held in memory before the spool moves to a file: a county's villages, never a province's.
pub const IN_MEMORY: usize = 4096;

/// Rows of cells, pushed in order and replayed in the same order.
#[derive(Default)]
pub struct Spool {
    rows: Vec<Vec<String>>,
    file: Option<BufWriter<File>>,
    len: usize,
}

impl Spool {
    pub fn new() -> Spool {
        Spool::default()
    }

    /// Rows pushed so far.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, row: Vec<String>) -> Result<()> {
        self.len += 1;
        if self.file.is_none() && self.rows.len() < IN_MEMORY {
            self.rows.push(row);
            return Ok(());
        }
        if self.file.is_none() {
            let f = tempfile::tempfile().context("无法创建临时文件 (temporary file)")?;
            let mut w = BufWriter::new(f);
            for r in self.rows.drain(..) {
                write_row(&mut w, &r)?;
            }
            self.file = Some(w);
        }
        if let Some(w) = &mut self.file {
            write_row(w, &row)?;
        }
        Ok(())
    }

    /// Every row, in the order pushed.
    pub fn replay(self, f: &mut dyn FnMut(Vec<String>) -> Result<()>) -> Result<()> {
        let Some(w) = self.file else {
            return self.rows.into_iter().try_for_each(f);
        };
        let mut file = w.into_inner().map_err(|e| e.into_error())?;
        file.seek(SeekFrom::Start(0))?;
        for line in BufReader::new(file).lines() {
            f(serde_json::from_str(&line?)?)?;
        }
        Ok(())
    }
}

/// JSON escapes line breaks, so one row is one line whatever its cells hold.
fn write_row(w: &mut dyn Write, row: &[String]) -> Result<()> {
    serde_json::to_writer(&mut *w, row)?;
    w.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replayed(s: Spool) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        s.replay(&mut |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn rows_come_back_in_order_from_memory_and_from_the_file() {
        for n in [0, 3, IN_MEMORY, IN_MEMORY + 5] {
            let mut s = Spool::new();
            let rows: Vec<Vec<String>> = (0..n)
                .map(|i| vec![format!("{i}"), "三家子村\n\"第2行\"".to_string()])
                .collect();
            for r in &rows {
                s.push(r.clone()).unwrap();
            }
            assert_eq!(s.len(), n);
            assert_eq!(s.file.is_some(), n > IN_MEMORY);
            assert_eq!(replayed(s), rows);
        }
    }
}
