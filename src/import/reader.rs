//! What every importer shares: the options, the file being read (`Context`), the problem
//! collector, the header check, the row walker over a `layout::Table` (blank, total and note rows
//! skipped, cells checked by their kind with `cells`), and the cell rules common to all kinds
//! (period, `--county` scope). The importers (`households`, `indicators`, `regions`) use this; `import_file`
//! (the module above) uses them and this.

use std::borrow::Cow;
use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use crate::import::cells::CellRules;
use crate::import::contract::Column;
use crate::import::header::Header;
use crate::import::layout::{self, RowRole, SourceRow, Table};
use crate::import::problem::{column_letters, place, LineError};
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
    /// The sheet of a workbook to read (`--sheet`): its name, or its number from 1.
    pub sheet: Option<String>,
    /// The national export names villages the region table lacks: add them (and their townships)
    /// as provisional regions, with this batch (`--add-villages`).
    pub add_villages: bool,
}

/// Collects row problems as they are found.
pub(crate) struct Problems<'a> {
    file: &'a str,
    pub summary: &'a mut Summary,
    row_has_error: bool,
    /// `--show-names`: quoted cells that look like names are shown in full.
    show_names: bool,
    /// For a workbook: the sheet, and the file column of each column name (the header as written,
    /// and the contract's names of the columns found), to name cells as Excel does.
    sheet: Option<String>,
    columns: HashMap<String, usize>,
    /// Columns of the current row whose cell was already reported by its kind (`cells`) or for
    /// holding an ID number: the importer's own checks of that cell add nothing (and quote nothing).
    reported: Vec<String>,
}

impl<'a> Problems<'a> {
    pub fn new(file: &'a str, summary: &'a mut Summary, show_names: bool) -> Self {
        Problems {
            file,
            summary,
            row_has_error: false,
            show_names,
            sheet: None,
            columns: HashMap::new(),
            reported: Vec::new(),
        }
    }

    /// A collector of the same file, naming lines and cells the same way, into another summary:
    /// the household importer's writing thread lists its problems there (`households::pipeline`).
    pub fn sibling<'b>(&self, summary: &'b mut Summary) -> Problems<'b>
    where
        'a: 'b,
    {
        Problems {
            file: self.file,
            summary,
            row_has_error: false,
            show_names: self.show_names,
            sheet: self.sheet.clone(),
            columns: self.columns.clone(),
            reported: Vec::new(),
        }
    }

    /// How many problems were added so far, listed or not.
    pub fn added(&self) -> usize {
        self.summary.errors.len() + self.summary.errors_not_listed as usize
    }

    /// Name problems by sheet and cell: the file is a workbook.
    pub fn set_sheet(&mut self, sheet: &str) {
        self.sheet = Some(sheet.to_string());
    }

    /// Learn where the header's columns are, to name their cells.
    pub fn locate_columns(&mut self, header: &Header) {
        if self.sheet.is_none() {
            return;
        }
        for (i, name) in header.names.iter().enumerate() {
            self.columns.entry(name.clone()).or_insert(i);
        }
        for (column, i) in header.found() {
            self.columns.entry(column.zh.to_string()).or_insert(i);
            self.columns.entry(column.en.to_string()).or_insert(i);
        }
    }

    /// Where a message points: `file:line`, or `file [sheet] E14` / `file [sheet] 第14行`.
    pub fn at(&self, line: u64, column: Option<usize>) -> String {
        place(self.file, self.sheet.as_deref(), line, column)
    }

    /// Record a problem of one cell found by its kind (`cells`); later problems of the same cell
    /// in this row are not added.
    pub fn add_cell(&mut self, line: u64, column: &str, message: impl Into<String>) {
        self.add(line, Some(column), message);
        self.reported.push(column.to_string());
    }

    /// Record one problem at a line and column.
    pub fn add(&mut self, line: u64, column: Option<&str>, message: impl Into<String>) {
        if !self.reported.is_empty() && column.is_some_and(|c| self.reported.iter().any(|r| r == c))
        {
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
            let mut error = LineError::new(
                self.file,
                line,
                column.map(redact_ids).as_deref(),
                redact_ids(&message),
            );
            if let Some(sheet) = &self.sheet {
                error.sheet = Some(sheet.clone());
                error.cell = column
                    .and_then(|c| self.columns.get(c))
                    .map(|&i| format!("{}{line}", column_letters(i)));
            }
            self.summary.errors.push(error);
        } else {
            self.summary.errors_not_listed += 1;
        }
    }

    /// Run `f` for the problems of earlier rows (a household of several rows, a place named on
    /// many): listed as usual, but they do not mark the current row. When `f` adds any, `rows`
    /// more rows count as invalid (the earlier rows not counted yet). Returns whether it added any.
    pub fn for_rows(&mut self, rows: u64, f: impl FnOnce(&mut Self)) -> bool {
        let had_error = std::mem::replace(&mut self.row_has_error, false);
        let reported = std::mem::take(&mut self.reported);
        let invalid = self.summary.invalid;
        f(self);
        let added = self.row_has_error;
        if added {
            self.summary.invalid = invalid + rows;
        }
        self.row_has_error = had_error;
        self.reported = reported;
        added
    }

    /// Start a new row: its problems are counted as one invalid row.
    pub fn next_row(&mut self) {
        self.row_has_error = false;
        self.reported.clear();
    }

    pub fn row_failed(&self) -> bool {
        self.row_has_error
    }

    pub fn any(&self) -> bool {
        self.summary.invalid > 0
    }
}

/// Refuse a row with non-empty cells beyond the header's last column: a shifted row, whose
/// values would otherwise be read under the wrong headers.
pub(crate) fn refuse_extra_cells(
    record: &csv::StringRecord,
    header: &Header,
    line: u64,
    problems: &mut Problems,
) {
    let width = header.names.len();
    if record.len() > width && record.iter().skip(width).any(|f| !f.trim().is_empty()) {
        problems.add(
            line,
            None,
            format!("本行有 {} 列，多于表头的 {} 列", record.len(), width),
        );
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
    problems.add_cell(
        line,
        column,
        format!(
            "含有身份证号码 {}；证件号码只能填在“证件号码”列（只保存其散列和掩码）(ID number in a clear-text column)",
            crate::model::idcard::mask_id_number(&id)
        ),
    );
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
    /// Sync: the household importer reads and validates on a thread of its own.
    pub progress: &'a (dyn Fn(u64) + Sync),
}

pub(crate) use crate::import::problem::Fatal;

/// Check the header the table found: the required columns; unknown columns become warnings.
pub(crate) fn read_header(
    table: &Table,
    spec: &'static [Column],
    optional_when: impl Fn(&Column) -> bool,
    problems: &mut Problems,
) -> Result<(Header, Vec<(usize, String)>)> {
    let raw = &table.header;
    let at = table.header_line;
    if raw.iter().all(|h| h.trim().is_empty()) {
        return Err(Fatal(format!(
            "{}: 文件为空或缺少表头 (empty file or no header)",
            problems.at(at, None)
        ))
        .into());
    }
    let (header, unknown) = Header::map(raw, spec);
    problems.locate_columns(&header);
    let missing: Vec<&Column> = spec
        .iter()
        .zip(&header.index)
        .filter(|(c, i)| c.required && i.is_none() && !optional_when(c))
        .map(|(c, _)| c)
        .collect();
    if !missing.is_empty() {
        for c in &missing {
            problems.add(at, Some(c.zh), format!("缺少必需的列 {}（{}）", c.zh, c.en));
        }
        return Err(Fatal(format!(
            "{}: 缺少必需的列: {}{}",
            problems.at(at, None),
            missing.iter().map(|c| c.zh).collect::<Vec<_>>().join("、"),
            separator_hint(raw, spec)
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

/// Unknown columns are ignored with a warning; a file with very many (the wrong file, a sheet
/// with thousands of empty columns) gets the first few named and the rest counted. (Only reached
/// once the required columns were found, so this is a real header row, not a row of data; ID
/// numbers are masked like in every message.) Columns without a header are not mentioned.
pub(crate) fn warn_unknown_columns(
    table: &Table,
    unknown: &[(usize, String)],
    problems: &mut Problems,
) {
    const LISTED: usize = 10;
    let named: Vec<&(usize, String)> = unknown.iter().filter(|(_, n)| !n.is_empty()).collect();
    for (i, name) in named.iter().take(LISTED) {
        let at = problems.at(table.header_line, Some(*i));
        problems.summary.warnings.push(format!(
            "{at}: 未知的列 {name:?} 已忽略 (unknown column ignored)"
        ));
    }
    if named.len() > LISTED {
        let at = problems.at(table.header_line, None);
        problems.summary.warnings.push(format!(
            "{at}: 另有 {} 个未知的列已忽略 (more unknown columns ignored)",
            named.len() - LISTED
        ));
    }
}

/// The data rows of a file as a spreadsheet numbers them: blank rows are skipped, total and note
/// rows skipped and counted, every other row is counted as read, starts a new row of problems and
/// has its cells checked by their kind (`cells`).
pub(crate) struct Rows<'t, 's> {
    table: &'t mut Table<'s>,
    /// The current row's cells.
    pub record: csv::StringRecord,
    row: SourceRow,
    names: Vec<String>,
    rules: CellRules,
    found: Vec<(usize, String)>,
    rows: u64,
}

impl<'t, 's> Rows<'t, 's> {
    pub fn new(table: &'t mut Table<'s>, header: &Header) -> Rows<'t, 's> {
        Rows {
            table,
            record: csv::StringRecord::new(),
            row: SourceRow::default(),
            names: header.names.clone(),
            rules: CellRules::for_header(header),
            found: Vec::new(),
            rows: 0,
        }
    }

    /// Also check file column `i` for formula errors (columns the importer reads that are not
    /// contract columns: the indicator columns of the wide form).
    pub fn check_also(&mut self, i: usize) {
        self.rules.also(i);
    }

    /// Move to the next data row and return its spreadsheet line; None at the end.
    pub fn advance(&mut self, ctx: &Context, problems: &mut Problems) -> Result<Option<u64>> {
        self.advance_with(ctx.progress, problems)
    }

    /// `advance` without the database's context: for a reader on a thread of its own.
    pub fn advance_with(
        &mut self,
        progress: &dyn Fn(u64),
        problems: &mut Problems,
    ) -> Result<Option<u64>> {
        std::mem::swap(&mut self.record, &mut self.row.record);
        loop {
            if self.rows.is_multiple_of(8192) {
                progress(self.table.position());
            }
            self.rows += 1;
            if !self.table.next_row(&mut self.row)? {
                return Ok(None);
            }
            match layout::role(&self.row.record) {
                RowRole::Blank => continue,
                RowRole::Total => {
                    problems.summary.skipped_totals += 1;
                    continue;
                }
                RowRole::Note => {
                    problems.summary.skipped_notes += 1;
                    continue;
                }
                RowRole::Data => {}
            }
            problems.summary.read += 1;
            problems.next_row();
            let line = self.row.line;
            self.rules.check(&mut self.row, &mut self.found);
            for (i, message) in self.found.drain(..) {
                let column = self.names.get(i).map(String::as_str).unwrap_or("");
                problems.add_cell(line, column, message);
            }
            std::mem::swap(&mut self.record, &mut self.row.record);
            return Ok(Some(line));
        }
    }
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
