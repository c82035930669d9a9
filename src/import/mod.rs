//! `tuopin import`: county-office CSVs into the database, one file per transaction.
//!
//! Every file is validated whole: all invalid rows are collected (line as the spreadsheet shows it,
//! column header, value, reason), and a file with any invalid row writes nothing. A byte-identical
//! re-import is recognised by its SHA-256 and changes nothing.

pub mod contract;
mod households;
mod indicators;
pub mod problem;
pub mod reference;
mod regions;
pub mod source;
pub mod undo;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::db::batch::{self, NewBatch};
use crate::import::contract::Column;
use crate::import::problem::LineError;
use crate::import::reference::table::header_key;
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::privacy::redact_ids;

pub use undo::undo;

/// At most this many invalid rows are kept per file; the count of the rest is still reported.
pub const MAX_ERRORS: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Households,
    Indicators,
    Regions,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Households => "households",
            Kind::Indicators => "indicators",
            Kind::Regions => "regions",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Validate and report, write nothing.
    pub dry_run: bool,
    /// Only rows of this county are accepted.
    pub county: Option<String>,
    /// The period of rows that have no 统计期 column.
    pub period: Option<Period>,
    /// Echo name-like cell values in full in messages (`--show-names`); masked otherwise.
    pub show_names: bool,
}

/// What importing one file did (or, with --dry-run, would do).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub file: String,
    pub encoding: &'static str,
    pub batch_id: Option<i64>,
    /// Set when a byte-identical file was already imported as that batch: nothing was changed.
    pub same_as_batch: Option<i64>,
    pub dry_run: bool,
    pub read: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows with at least one problem.
    pub invalid: u64,
    /// Every problem found (at most MAX_ERRORS), in file order.
    pub errors: Vec<LineError>,
    /// Problems beyond MAX_ERRORS, counted only.
    pub errors_not_listed: u64,
    pub warnings: Vec<String>,
    /// Periods the file covered.
    pub periods: Vec<Period>,
    /// Households of an earlier snapshot of the same county and period that the corrected file
    /// no longer lists (removed; kept in history).
    pub missing_households: Vec<String>,
    /// File-level problem (encoding, header) that stopped the import before any row.
    pub fatal: Option<String>,
}

impl Summary {
    pub fn ok(&self) -> bool {
        self.fatal.is_none() && self.invalid == 0
    }
}

/// Collects row problems as they are found.
pub(crate) struct Problems<'a> {
    file: &'a str,
    pub summary: &'a mut Summary,
    row_has_error: bool,
    /// `--show-names`: quoted cells that look like names are shown in full.
    show_names: bool,
}

impl<'a> Problems<'a> {
    fn new(file: &'a str, summary: &'a mut Summary, show_names: bool) -> Self {
        Problems {
            file,
            summary,
            row_has_error: false,
            show_names,
        }
    }

    /// Record one problem at a line and column.
    pub fn add(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if !self.row_has_error {
            self.summary.invalid += 1;
            self.row_has_error = true;
        }
        if self.summary.errors.len() < MAX_ERRORS {
            // Messages quote cells, and a shifted column puts names and ID numbers anywhere.
            let message = message.into();
            let message = if self.show_names {
                Cow::Borrowed(message.as_str())
            } else {
                crate::output::privacy::mask_quoted_names(&message)
            };
            self.summary.errors.push(LineError::new(
                self.file,
                line,
                column.map(redact_ids).as_deref(),
                redact_ids(&message),
            ));
        } else {
            self.summary.errors_not_listed += 1;
        }
    }

    /// Start a new row: its problems are counted as one invalid row.
    pub fn next_row(&mut self) {
        self.row_has_error = false;
    }

    pub fn row_failed(&self) -> bool {
        self.row_has_error
    }

    pub fn any(&self) -> bool {
        self.summary.invalid > 0
    }
}

/// Where each contract column sits in a file's header, by Chinese name or English alias.
pub(crate) struct Header {
    /// The headers as written in the file (for messages).
    pub names: Vec<String>,
    /// For each spec column, its index in the file.
    pub index: Vec<Option<usize>>,
}

impl Header {
    /// Map a file's header onto `spec`. Returns the header and the unknown columns.
    pub fn map(raw: &csv::StringRecord, spec: &[Column]) -> (Header, Vec<(usize, String)>) {
        let names: Vec<String> = raw.iter().map(|h| h.trim().to_string()).collect();
        let mut index = vec![None; spec.len()];
        let mut unknown = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let key = header_key(name);
            match spec
                .iter()
                .position(|c| header_key(c.zh) == key || header_key(c.en) == key)
            {
                Some(s) if index[s].is_none() => index[s] = Some(i),
                _ => unknown.push((i, name.clone())),
            }
        }
        (Header { names, index }, unknown)
    }

    /// The cell of spec column `s`, trimmed; "" when the column is absent or the row is short.
    pub fn cell<'r>(&self, record: &'r csv::StringRecord, s: usize) -> &'r str {
        self.index[s]
            .and_then(|i| record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// The header of spec column `s` as the file wrote it (or the Chinese name).
    pub fn name<'s>(&'s self, spec: &'s [Column], s: usize) -> &'s str {
        self.index[s]
            .map(|i| self.names[i].as_str())
            .unwrap_or(spec[s].zh)
    }
}

/// The regions of the database, held in memory for row validation: code → (level, county).
pub(crate) struct RegionIndex {
    map: HashMap<String, (Level, Option<String>)>,
}

const REGION_INDEX: &str = "SELECT r.code, r.level, c.county_code FROM region r
     LEFT JOIN region_county c ON c.code = r.code";

impl RegionIndex {
    pub fn load(conn: &Connection) -> Result<RegionIndex> {
        let mut stmt = conn.prepare(REGION_INDEX)?;
        let map = stmt
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(RegionIndex { map })
    }

    pub fn get(&self, code: &str) -> Option<(Level, Option<&str>)> {
        self.map.get(code).map(|(l, c)| (*l, c.as_deref()))
    }
}

const FIND_SAME_FILE: &str =
    "SELECT id FROM import_batch WHERE sha256 = ?1 AND kind = ?2 AND undone_at IS NULL ORDER BY id LIMIT 1";

/// Import one file. Problems in the data are reported in the summary (and nothing is written);
/// an Err means the database or the environment failed.
///
/// `progress` is called now and then with the number of (UTF-8) bytes read so far.
pub fn import_file(
    conn: &mut Connection,
    kind: Kind,
    path: &Path,
    opts: &Options,
    progress: &dyn Fn(u64),
) -> Result<Summary> {
    // Per-row foreign-key checks cost more than half of a large import. Every reference an
    // importer writes is validated in Rust against data read inside the same write transaction
    // (regions, enumerations, the household row written just before its snapshot, the batch row),
    // so enforcement is off for the import transaction only (it cannot change inside one); the
    // tests run `PRAGMA foreign_key_check` after imports to keep this honest.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = import_unchecked(conn, kind, path, opts, progress);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result
}

fn import_unchecked(
    conn: &mut Connection,
    kind: Kind,
    path: &Path,
    opts: &Options,
    progress: &dyn Fn(u64),
) -> Result<Summary> {
    let file = path.display().to_string();
    let mut summary = Summary {
        file: file.clone(),
        dry_run: opts.dry_run,
        ..Summary::default()
    };
    if let Some(county) = &opts.county {
        match crate::model::region::find(conn, county)? {
            Some(r) if r.level == Level::County => {}
            _ => return Err(anyhow!("--county {county}: 不是已知的县级区划代码")),
        }
    }
    let info = match source::inspect(path) {
        Ok(info) => info,
        Err(e) => {
            summary.fatal = Some(redact_ids(&format!("{e:#}")).into_owned());
            return Ok(summary);
        }
    };
    summary.encoding = info.encoding_name();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.clone());

    // IMMEDIATE: take the write lock now, so a concurrent importer waits (busy timeout) here
    // rather than failing half-way.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(id) = tx
        .query_row(
            FIND_SAME_FILE,
            rusqlite::params![info.sha256, kind.code()],
            |r| r.get(0),
        )
        .optional()?
    {
        summary.same_as_batch = Some(id);
        return Ok(summary);
    }
    let batch_id = batch::create(
        &tx,
        &NewBatch {
            kind: kind.code(),
            file_name: &file_name,
            sha256: &info.sha256,
            scope: opts.county.as_deref(),
            period: opts.period.map(|p| p.to_string()).as_deref(),
        },
    )?;
    crate::db::set_change_context(&tx, Some(batch_id), &format!("import {}", kind.code()))?;
    let reader = source::utf8_reader(path, &info)?;
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let ctx = Context {
        conn: &tx,
        batch_id,
        opts,
        file: &file,
        progress,
    };
    let result = {
        let mut problems = Problems::new(&file, &mut summary, opts.show_names);
        match kind {
            Kind::Households => households::import(&ctx, &mut csv, &mut problems),
            Kind::Indicators => indicators::import(&ctx, &mut csv, &mut problems),
            Kind::Regions => regions::import(&ctx, &mut csv, &mut problems),
        }
    };
    let written = match result {
        Ok(n) => n,
        Err(e) => match e.downcast::<Fatal>() {
            Ok(Fatal(msg)) => {
                summary.fatal = Some(redact_ids(&msg).into_owned());
                0
            }
            Err(e) => return Err(e),
        },
    };
    if summary.fatal.is_none() && summary.read == 0 && summary.invalid == 0 {
        // A header and nothing else is a mistake (the wrong sheet, a truncated export), not an
        // import of nothing.
        summary.fatal = Some(format!(
            "{file}: 文件只有表头，没有数据行；未写入任何数据 (no data rows)"
        ));
    }
    for w in &mut summary.warnings {
        if let Cow::Owned(r) = redact_ids(w) {
            *w = r;
        }
    }
    crate::db::set_change_context(&tx, None, "")?;
    if summary.ok() && !opts.dry_run {
        batch::finish(&tx, batch_id, summary.read, written)?;
        if let [only] = summary.periods[..] {
            tx.execute(
                "UPDATE import_batch SET period = ?2 WHERE id = ?1",
                rusqlite::params![batch_id, only],
            )?;
        }
        summary.batch_id = Some(batch_id);
        tx.commit()?;
    }
    // Otherwise the transaction is dropped: rolled back, nothing written.
    Ok(summary)
}

/// What every importer gets.
pub(crate) struct Context<'a> {
    pub conn: &'a Connection,
    pub batch_id: i64,
    pub opts: &'a Options,
    pub file: &'a str,
    pub progress: &'a dyn Fn(u64),
}

/// A file-level problem (missing columns, unreadable CSV) that stops reading the file.
#[derive(Debug)]
pub(crate) struct Fatal(pub String);

impl std::fmt::Display for Fatal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

/// Read the header and check the required columns; unknown columns become warnings.
pub(crate) fn read_header(
    ctx: &Context,
    csv: &mut csv::Reader<Box<dyn std::io::Read>>,
    spec: &[Column],
    optional_when: impl Fn(&Column) -> bool,
    problems: &mut Problems,
) -> Result<(Header, Vec<(usize, String)>)> {
    let raw = csv.headers().map_err(|e| csv_fatal(ctx.file, &e))?.clone();
    if raw.iter().all(|h| h.trim().is_empty()) {
        return Err(Fatal(format!(
            "{}:1: 文件为空或缺少表头 (empty file or no header)",
            ctx.file
        ))
        .into());
    }
    let (header, unknown) = Header::map(&raw, spec);
    let missing: Vec<&Column> = spec
        .iter()
        .zip(&header.index)
        .filter(|(c, i)| c.required && i.is_none() && !optional_when(c))
        .map(|(c, _)| c)
        .collect();
    if !missing.is_empty() {
        for c in &missing {
            problems.add(1, Some(c.zh), format!("缺少必需的列 {}（{}）", c.zh, c.en));
        }
        return Err(Fatal(format!(
            "{}:1: 缺少必需的列: {}",
            ctx.file,
            missing.iter().map(|c| c.zh).collect::<Vec<_>>().join("、")
        ))
        .into());
    }
    Ok((header, unknown))
}

/// Pull the next record; a malformed CSV record is a file-level problem.
fn next_record(
    ctx: &Context,
    csv: &mut csv::Reader<Box<dyn std::io::Read>>,
    record: &mut csv::StringRecord,
) -> Result<bool> {
    let at = csv.position();
    if at.record() % 8192 == 0 {
        (ctx.progress)(at.byte());
    }
    csv.read_record(record)
        .map_err(|e| csv_fatal(ctx.file, &e).into())
}

/// A CSV reading error as a file-level problem: an over-long record names its line and the limit;
/// a parse error its line.
pub(crate) fn csv_fatal(file: &str, e: &csv::Error) -> Fatal {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(long) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<source::RecordTooLong>())
        {
            return Fatal(format!("{file}:{}: {long}", long.line));
        }
        return Fatal(format!("{file}: 读取失败: {io}"));
    }
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    Fatal(format!("{file}:{line}: CSV 格式错误，无法继续读取: {e}"))
}

/// Unknown columns are ignored with a warning; a file with very many (the wrong file, a sheet
/// with thousands of empty columns) gets the first few named and the rest counted. (Only reached
/// once the required columns were found, so this is a real header row, not a row of data; ID
/// numbers are masked like in every message.)
pub(crate) fn warn_unknown_columns(
    ctx: &Context,
    unknown: &[(usize, String)],
    problems: &mut Problems,
) {
    const LISTED: usize = 10;
    for (_, name) in unknown.iter().take(LISTED) {
        problems.summary.warnings.push(format!(
            "{}:1: 未知的列 {name:?} 已忽略 (unknown column ignored)",
            ctx.file
        ));
    }
    if unknown.len() > LISTED {
        problems.summary.warnings.push(format!(
            "{}:1: 另有 {} 个未知的列已忽略 (more unknown columns ignored)",
            ctx.file,
            unknown.len() - LISTED
        ));
    }
}

/// The data rows of a file as a spreadsheet numbers them (the header is row 1): blank rows are
/// skipped, every other row is counted as read and starts a new row of problems.
pub(crate) struct Rows<'r> {
    csv: &'r mut csv::Reader<Box<dyn std::io::Read>>,
    /// The current row.
    pub record: csv::StringRecord,
    records: u64,
}

impl<'r> Rows<'r> {
    pub fn new(csv: &'r mut csv::Reader<Box<dyn std::io::Read>>) -> Rows<'r> {
        Rows {
            csv,
            record: csv::StringRecord::new(),
            records: 0,
        }
    }

    /// Move to the next non-blank row and return its spreadsheet line; None at the end.
    pub fn advance(&mut self, ctx: &Context, problems: &mut Problems) -> Result<Option<u64>> {
        while next_record(ctx, self.csv, &mut self.record)? {
            self.records += 1;
            if is_blank(&self.record) {
                continue;
            }
            problems.summary.read += 1;
            problems.next_row();
            return Ok(Some(spreadsheet_row(self.records)));
        }
        Ok(None)
    }
}

/// The row number a spreadsheet shows for the n-th data record (header is row 1).
fn spreadsheet_row(records_read: u64) -> u64 {
    records_read + 1
}

/// Whether a record is empty (trailing blank lines, rows of empty cells).
fn is_blank(record: &csv::StringRecord) -> bool {
    record.iter().all(|f| f.trim().is_empty())
}

/// The period of a row: its 统计期 cell, else --period; a row whose cell disagrees with --period is
/// an error.
pub(crate) fn row_period(
    cell: &str,
    column: &str,
    opts: &Options,
    line: u64,
    problems: &mut Problems,
) -> Option<Period> {
    if cell.is_empty() {
        if opts.period.is_none() {
            problems.add(line, Some(column), "必填项为空（或用 --period 指定统计期）");
        }
        return opts.period;
    }
    match cell.parse::<Period>() {
        Ok(p) => {
            if let Some(want) = opts.period {
                if want != p {
                    problems.add(
                        line,
                        Some(column),
                        format!("统计期 {p} 与 --period {want} 不一致"),
                    );
                    return None;
                }
            }
            Some(p)
        }
        Err(e) => {
            problems.add(line, Some(column), e.to_string());
            None
        }
    }
}

/// Row must be inside --county, if given.
pub(crate) fn check_scope(
    ctx: &Context,
    county: Option<&str>,
    code: &str,
    line: u64,
    column: &str,
    problems: &mut Problems,
) {
    if let Some(want) = ctx.opts.county.as_deref() {
        if county != Some(want) {
            problems.add(
                line,
                Some(column),
                format!("{code:?} 不属于 --county {want} 指定的县，不能导入 (outside the county)"),
            );
        }
    }
}
