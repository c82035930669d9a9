//! What importing one file did, and the table `tuopin import` and `tuopin demo --verbose` print of
//! it: one line per file on stdout, its problems on stderr.

use std::io::{self, Write};

use crate::import::problem::LineError;
use crate::model::period::Period;
use crate::output::number::number;
use crate::output::sqlite_text::translate;
use crate::output::table::{pad, pad_left};

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
    /// The sheet read, when the file is a workbook.
    pub sheet: Option<String>,
    /// The row of the header (below any title rows); 0 when no header was read.
    pub header_line: u64,
    /// Rows below the header skipped as 合计/小计/总计 rows.
    pub skipped_totals: u64,
    /// Rows below the header skipped as note lines (填表人, 审核人, 注：…).
    pub skipped_notes: u64,
    /// Townships and villages this file added to the region table (`--add-villages`), each as
    /// `乡镇 东山镇（210727-T03）`: provisional codes, taken back by undoing the batch.
    pub added_regions: Vec<String>,
    /// The register's form, when it is not the contract's: `国家扶贫开发信息系统导出（每人一行）`.
    pub form: Option<&'static str>,
}

impl Summary {
    pub fn ok(&self) -> bool {
        self.fatal.is_none() && self.invalid == 0
    }
}

/// The width of the encoding column.
const ENCODING_WIDTH: usize = 11;
/// The width of each count column.
const COUNT_WIDTH: usize = 9;

/// The width of the file column for these file names: the widest, at least 10.
pub fn file_column_width<'a>(files: impl IntoIterator<Item = &'a str>) -> usize {
    files
        .into_iter()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .max(10)
}

/// The table's two header lines, Chinese and the English codes; `width` is the file column's.
pub fn write_table_header(out: &mut dyn Write, width: usize) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        header_row(
            width,
            ["文件", "编码", "读取", "新增", "更新", "未变", "无效", "批次"]
        )
    )?;
    writeln!(
        out,
        "{}",
        header_row(
            width,
            [
                "file",
                "encoding",
                "read",
                "inserted",
                "updated",
                "unchanged",
                "invalid",
                "batch"
            ]
        )
    )
}

fn header_row(width: usize, cells: [&str; 8]) -> String {
    let mut row = format!("{} {}", pad(cells[0], width), pad(cells[1], ENCODING_WIDTH));
    for c in &cells[2..7] {
        row.push_str(&format!(" {}", pad_left(c, COUNT_WIDTH)));
    }
    row.push_str(&format!("  {}", cells[7]));
    row
}

/// One file's line of the table on `out` (with its periods when `show_periods`, and the households
/// a correction removed), and its warnings and problems on `err`; `width` is the file column's.
pub fn write_summary(
    out: &mut dyn Write,
    err: &mut dyn Write,
    s: &Summary,
    width: usize,
    show_periods: bool,
) -> io::Result<()> {
    let batch = match (s.batch_id, s.same_as_batch, s.dry_run) {
        (_, Some(id), _) => format!("与批次 {id} 相同，未做更改 (identical file, nothing changed)"),
        (Some(id), _, _) => format!("#{id}"),
        (None, None, true) if s.ok() => "试运行，未写入 (dry run)".to_string(),
        _ => "未写入 (nothing written)".to_string(),
    };
    // A rejected file wrote nothing: its would-be changes are not shown as if they happened.
    let count = |n: u64| {
        if s.ok() {
            number(n as f64)
        } else {
            "-".to_string()
        }
    };
    writeln!(
        out,
        "{} {} {} {} {} {} {}  {batch}",
        pad(&s.file, width),
        pad(s.encoding, ENCODING_WIDTH),
        pad_left(&number(s.read as f64), COUNT_WIDTH),
        pad_left(&count(s.inserted), COUNT_WIDTH),
        pad_left(&count(s.updated), COUNT_WIDTH),
        pad_left(&count(s.unchanged), COUNT_WIDTH),
        pad_left(&number(s.invalid as f64), COUNT_WIDTH),
    )?;
    if let Some(layout) = layout_line(s) {
        writeln!(out, "{layout}")?;
    }
    if !s.periods.is_empty() && show_periods {
        let p: Vec<String> = s.periods.iter().map(|p| p.to_string()).collect();
        writeln!(out, "  统计期 {}", p.join("、"))?;
    }
    write_problems(err, s)?;
    if !s.added_regions.is_empty() {
        const SHOWN: usize = 20;
        let more = s.added_regions.len().saturating_sub(SHOWN);
        let shown: Vec<&str> = s
            .added_regions
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        writeln!(
            out,
            "  {}临时区划 {} 个（--add-villages，代码为临时代码，撤销本批次即删除）：{}{} (provisional regions added)",
            if s.ok() && !s.dry_run { "新增" } else { "将新增" },
            s.added_regions.len(),
            shown.join("、"),
            if more > 0 {
                format!(" 等（另 {more} 个）")
            } else {
                String::new()
            }
        )?;
    }
    if !s.missing_households.is_empty() {
        const SHOWN: usize = 20;
        let shown: Vec<&str> = s
            .missing_households
            .iter()
            .take(SHOWN)
            .map(String::as_str)
            .collect();
        let more = s.missing_households.len().saturating_sub(SHOWN);
        writeln!(
            out,
            "  更正后的台账不再包含 {} 户（已移除，原记录保留在历史表中）：{}{}",
            s.missing_households.len(),
            shown.join("、"),
            if more > 0 {
                format!(" 等（另 {more} 户）")
            } else {
                String::new()
            }
        )?;
    }
    Ok(())
}

/// Where the data was found, when that is not simply "a CSV file from its first row": the sheet,
/// the header under title rows, the total and note rows skipped.
fn layout_line(s: &Summary) -> Option<String> {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if let Some(form) = s.form {
        zh.push(form.to_string());
        en.push("national export");
    }
    if let Some(sheet) = &s.sheet {
        zh.push(format!("工作表 {sheet}"));
        en.push("sheet");
    }
    if s.header_line > 1 {
        zh.push(format!(
            "表头在第 {} 行（上方 {} 行标题已跳过）",
            s.header_line,
            s.header_line - 1
        ));
        en.push("header row");
    }
    let mut skipped = Vec::new();
    if s.skipped_totals > 0 {
        skipped.push(format!("合计行 {}", s.skipped_totals));
    }
    if s.skipped_notes > 0 {
        skipped.push(format!("说明行 {}", s.skipped_notes));
    }
    if !skipped.is_empty() {
        zh.push(format!("跳过 {}", skipped.join("、")));
        en.push("skipped rows");
    }
    (!zh.is_empty()).then(|| format!("  {} ({})", zh.join(" · "), en.join(" · ")))
}

/// A file's warnings, its file-level error, every invalid row and the verdict on the file.
pub fn write_problems(err: &mut dyn Write, s: &Summary) -> io::Result<()> {
    for w in &s.warnings {
        writeln!(err, "警告: {w}")?;
    }
    if let Some(fatal) = &s.fatal {
        writeln!(err, "错误: {}", translate(fatal))?;
    }
    for e in &s.errors {
        writeln!(err, "{e}")?;
    }
    if s.errors_not_listed > 0 {
        writeln!(err, "……另有 {} 处错误未列出", s.errors_not_listed)?;
    }
    if s.invalid > 0 {
        writeln!(
            err,
            "{}: {} 行无效，本文件未写入任何数据 (file rejected)",
            s.file, s.invalid
        )?;
    }
    Ok(())
}
