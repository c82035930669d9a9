//! What every importer shares: the options, the file being read (`Context`), the problem
//! collector, the header check, the row walker, and the cell rules common to all kinds (period,
//! `--county` scope). The importers (`households`, `indicators`, `regions`) use this; `import_file`
//! (the module above) uses them and this.

use std::borrow::Cow;
use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use crate::import::contract::Column;
use crate::import::header::Header;
use crate::import::problem::LineError;
use crate::import::source;
use crate::import::summary::Summary;
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::privacy::redact_ids;

/// At most this many invalid rows are kept per file; the count of the rest is still reported.
pub const MAX_ERRORS: usize = 10_000;

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

/// Collects row problems as they are found.
pub(crate) struct Problems<'a> {
    file: &'a str,
    pub summary: &'a mut Summary,
    row_has_error: bool,
    /// Columns of the current row refused for holding an ID number: no further message quotes
    /// them.
    refused: Vec<String>,
    /// `--show-names`: quoted cells that look like names are shown in full.
    show_names: bool,
}

impl<'a> Problems<'a> {
    pub fn new(file: &'a str, summary: &'a mut Summary, show_names: bool) -> Self {
        Problems {
            file,
            summary,
            row_has_error: false,
            refused: Vec::new(),
            show_names,
        }
    }

    /// Record one problem at a line and column.
    pub fn add(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if column.is_some_and(|c| self.refused.iter().any(|r| r == c)) {
            return;
        }
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
        self.refused.clear();
    }

    pub fn row_failed(&self) -> bool {
        self.row_has_error
    }

    pub fn any(&self) -> bool {
        self.summary.invalid > 0
    }
}

/// Refuse a resident ID number in any column but 证件号码, the numeric ones included (typed into
/// 人均纯收入 or an indicator value, it would be stored as a figure and printed with most of its
/// digits). The message shows it masked; later problems of the same cell are not listed. Returns
/// whether the cell was refused.
pub(crate) fn refuse_id_number(
    cell: &str,
    column: &str,
    line: u64,
    problems: &mut Problems,
) -> bool {
    let Some(id) = crate::output::privacy::find_id_number(cell) else {
        return false;
    };
    problems.add(
        line,
        Some(column),
        format!(
            "含有身份证号码 {}；证件号码只能填在“证件号码”列（只保存其散列和掩码）(ID number in a clear-text column)",
            crate::model::idcard::mask_id_number(&id)
        ),
    );
    problems.refused.push(column.to_string());
    true
}

/// A code or identifier cell (户编号, 村代码, 区划代码, 上级代码, 指标) in its normal form
/// (`model::code`); a line break or control character in it is a problem, and None.
pub(crate) fn code_cell<'c>(
    cell: &'c str,
    column: &str,
    line: u64,
    problems: &mut Problems,
) -> Option<Cow<'c, str>> {
    match crate::model::code::normalize_code(cell) {
        Ok(code) => Some(code),
        Err(e) => {
            problems.add(line, Some(column), e.message());
            None
        }
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

    /// An index of the given regions, for tests that validate rows without a database.
    #[cfg(test)]
    pub fn of(regions: &[(&str, Level, Option<&str>)]) -> RegionIndex {
        let map = regions
            .iter()
            .map(|(code, level, county)| (code.to_string(), (*level, county.map(str::to_string))))
            .collect();
        RegionIndex { map }
    }
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
    spec: &'static [Column],
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
            "{}:1: 缺少必需的列: {}{}",
            ctx.file,
            missing.iter().map(|c| c.zh).collect::<Vec<_>>().join("、"),
            separator_hint(&raw, spec)
        ))
        .into());
    }
    Ok((header, unknown))
}

/// When a header's columns are found only by splitting it at a semicolon or a tab, the file was
/// saved with that separator (Excel's CSV in some locales, "Unicode text"): say so.
fn separator_hint(raw: &csv::StringRecord, spec: &[Column]) -> &'static str {
    let known = |cells: &mut dyn Iterator<Item = &str>| {
        cells
            .filter(|h| {
                spec.iter()
                    .any(|c| crate::import::header::is_header_of(h, c))
            })
            .count()
    };
    let by_comma = known(&mut raw.iter());
    for (sep, hint) in [
        (';', "；文件似乎用分号（;）分隔，而不是逗号：请在 Excel 中另存为“CSV（逗号分隔）”(semicolon-separated file?)"),
        ('\t', "；文件似乎用制表符（Tab）分隔，而不是逗号：请在 Excel 中另存为“CSV（逗号分隔）”(tab-separated file?)"),
    ] {
        if known(&mut raw.iter().flat_map(|f| f.split(sep))) > by_comma {
            return hint;
        }
    }
    ""
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
        if let Some(open) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<source::UnclosedQuote>())
        {
            return Fatal(format!("{file}:{}: {open}", open.line));
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
            if let Err(e) = p.check_reporting(Period::current()) {
                problems.add(line, Some(column), e);
                return None;
            }
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
    opts: &Options,
    county: Option<&str>,
    code: &str,
    line: u64,
    column: &str,
    problems: &mut Problems,
) {
    if let Some(want) = opts.county.as_deref() {
        if county != Some(want) {
            problems.add(
                line,
                Some(column),
                format!("{code:?} 不属于 --county {want} 指定的县，不能导入 (outside the county)"),
            );
        }
    }
}
