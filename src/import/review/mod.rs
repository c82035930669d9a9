//! The review of bulletin facts read back: the CSV `tuopin facts --proposed --format csv` wrote,
//! edited in Excel and saved as CSV (UTF-8 with or without BOM, or GBK as Excel on a Chinese
//! Windows saves it) or as a workbook, or `data/facts.csv`, the seed's review, which `init` applies
//! the same way.
//!
//! Validated whole, like every import: every problem is listed with file, line, column and why, and
//! a file with any invalid row changes nothing. A row names its proposal by 编号; without one, by
//! 期号, 原文数字 and a verbatim passage of its 原句 (how `data/facts.csv` names the seed's, so that
//! it does not depend on numbering); a row with 期号 and 原句 but no 原文数字 adds a fact the
//! extractor did not propose. Its value, unit, qualifier, place, region code, indicator code,
//! period and note replace the proposal's; a shorter 原句 narrows the passage cited; 审核状态, when
//! given, accepts, rejects or reopens it after the correction, and a row to be accepted must be
//! acceptable as corrected.

mod cells;
mod row;

use std::path::Path;

use anyhow::{Context as _, Result};
use rusqlite::Connection;

use crate::import::contract::{review as col, REVIEW};
use crate::import::encoding::decode;
use crate::import::header::{is_header_of, Header};
use crate::import::layout::{SourceRow, Table};
use crate::import::problem::LineError;
use crate::import::source::{self, Format};
use crate::import::workbook;
use crate::model::bulletin::review;
use crate::model::bulletin::ProposalStatus;

use row::Reader;
pub use row::{ReviewRow, Target};

/// What applying a review file did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub rows: usize,
    pub corrected: usize,
    pub added: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub reopened: usize,
}

/// The largest review file read (a year of issues is a few thousand rows).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Every row of a review file, or every problem found.
pub type Checked = std::result::Result<Vec<ReviewRow>, Vec<LineError>>;

/// Read and validate a review file on disk: CSV (UTF-8 or GBK), or a workbook (.xlsx, .xls, .ods:
/// the sheet whose header names the review's columns, under any title rows), as county files are
/// read.
pub fn read_file(conn: &Connection, path: &Path) -> Result<Checked> {
    let file = path.display().to_string();
    let info = source::inspect(path)?;
    if info.bytes > MAX_BYTES as u64 {
        anyhow::bail!(
            "{file}: 文件过大（{} 字节，上限 {MAX_BYTES}）(file too large)",
            info.bytes
        );
    }
    if info.format == Format::Csv {
        let bytes = std::fs::read(path).with_context(|| format!("无法读取 {file}"))?;
        return read(conn, &file, &bytes);
    }
    let known = |h: &str| REVIEW.iter().any(|c| is_header_of(h, c));
    let mut book = workbook::Book::open(path, info.format, &file)?;
    let sheet = workbook::choose_sheet(&mut book, None, &known, &file)?;
    let shown = format!("{file} [{sheet}]");
    let mut table = Table::read(book.rows(&sheet, &file, info.bytes)?, &known)?;
    let header = table.header.clone();
    let mut rows = Vec::new();
    let mut row = SourceRow::default();
    while table.next_row(&mut row)? {
        rows.push(Ok((row.line, row.record.clone())));
    }
    check(conn, &shown, &header, table.header_line, rows.into_iter())
}

/// Read and validate a review CSV's bytes (UTF-8 with or without BOM, or GB18030).
pub fn read(conn: &Connection, file: &str, bytes: &[u8]) -> Result<Checked> {
    if bytes.len() > MAX_BYTES {
        anyhow::bail!(
            "{file}: 文件过大（{} 字节，上限 {MAX_BYTES}）(file too large)",
            bytes.len()
        );
    }
    let text = decode(file, bytes)?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let raw = match csv.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Ok(Err(vec![LineError::new(
                file,
                1,
                None,
                format!("表头无法读取: {e}"),
            )]))
        }
    };
    let records = csv.records().map(|r| {
        r.map(|record| (record.position().map(|p| p.line()).unwrap_or(0), record))
            .map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                (line, format!("CSV 格式错误，无法继续读取: {e}"))
            })
    });
    check(conn, file, &raw, 1, records)
}

/// A row as read: its line and cells, or where reading failed and why.
type Record = std::result::Result<(u64, csv::StringRecord), (u64, String)>;

/// Check the header (at `header_line`) and every row.
fn check(
    conn: &Connection,
    file: &str,
    raw: &csv::StringRecord,
    header_line: u64,
    records: impl Iterator<Item = Record>,
) -> Result<Checked> {
    let (header, _unknown) = Header::map(raw, REVIEW);
    let mut reader = Reader::new(conn, file, header);
    let has = |c: usize| reader.has(c);
    let mut missing = Vec::new();
    if !has(col::VALUE) {
        missing.push(&REVIEW[col::VALUE]);
    }
    if !(has(col::ID) || (has(col::ISSUE) && has(col::SENTENCE))) {
        missing.push(&REVIEW[col::ID]);
    }
    if !missing.is_empty() {
        for c in missing {
            reader.add(
                header_line,
                Some(c.zh),
                format!(
                    "缺少必需的列 {}（{}）；没有编号时需要 期号 和 原句",
                    c.zh, c.en
                ),
            );
        }
        return Ok(Err(reader.errors));
    }
    let mut rows = Vec::new();
    for record in records {
        let (line, record) = match record {
            Ok(r) => r,
            Err((line, why)) => {
                reader.add(line, None, why);
                break;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let before = reader.errors.len();
        let row = reader.row(line, &record)?;
        if reader.errors.len() == before {
            if let Some(row) = row {
                rows.push(row);
            }
        }
    }
    if rows.is_empty() && reader.errors.is_empty() {
        reader.add(header_line, None, "文件只有表头，没有数据行 (no data rows)");
    }
    if reader.errors.is_empty() {
        Ok(Ok(rows))
    } else {
        Ok(Err(reader.errors))
    }
}

/// Apply valid rows (the caller holds the transaction).
pub fn apply(conn: &Connection, rows: &[ReviewRow], by: &str) -> Result<Applied> {
    let mut done = Applied {
        rows: rows.len(),
        ..Applied::default()
    };
    for row in rows {
        let id = match &row.target {
            Target::Proposal(id) => {
                done.corrected += usize::from(review::correct(conn, *id, &row.correction, by)?);
                *id
            }
            Target::Add { bulletin_id, span } => {
                done.added += 1;
                review::add_reviewed(conn, *bulletin_id, span.clone(), &row.correction, by)?
            }
        };
        match row.status {
            Some(ProposalStatus::Accepted) => match review::accept(conn, id, by)? {
                review::Acceptance::Accepted { .. } => done.accepted += 1,
                review::Acceptance::AlreadyAccepted => {}
                review::Acceptance::Refused(why) => {
                    anyhow::bail!("第 {} 行（编号 {id}）无法接受：{why}", row.line)
                }
            },
            Some(ProposalStatus::Rejected) => {
                done.rejected += usize::from(review::reject(conn, id, by)?);
            }
            Some(ProposalStatus::Proposed) => {
                done.reopened += usize::from(review::reopen(conn, id, by)?);
            }
            None => {}
        }
    }
    Ok(done)
}
