//! Workbooks (.xlsx and .xlsm, .xlsb, .xls, .ods) through calamine: the sheets, the choice of one
//! (`--sheet NAME|N`, else the first visible sheet whose header the importer recognises), and a
//! sheet's rows as a `layout::RowSource`, each cell as the text Excel shows for it in General
//! format (`174`, not `174.0`; a percent cell `95%`; a date `2019-03-01`) with its kind.
//!
//! An .xlsx sheet is read row by row from the zip (only its shared strings are held); calamine
//! reads .xls, .xlsb and .ods sheets whole.

use std::fmt::Write as _;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::Result;
use calamine::{
    Data, DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Sheets, Xlsx, XlsxCellReader,
};

use crate::import::layout::{CellKind, RowSource, SourceRow, Table};
use crate::import::problem::Fatal;
use crate::import::source::Format;

type Input = BufReader<File>;

/// An open workbook.
pub(crate) enum Book {
    Xlsx(Box<Xlsx<Input>>),
    /// .xls, .xlsb and .ods, read a sheet at a time.
    Other(Box<Sheets<Input>>),
}

impl Book {
    /// Open `path` as the workbook format its bytes showed.
    pub fn open(path: &Path, format: Format, file: &str) -> Result<Book> {
        let fail = |e: &dyn std::fmt::Display| {
            Fatal(format!(
                "{file}: 无法读取 {} 工作簿：{e}；文件可能已损坏或设置了打开密码 (unreadable workbook)",
                format.name()
            ))
        };
        let open = || -> Result<Book, String> {
            let e = |e: &dyn std::fmt::Display| e.to_string();
            Ok(match format {
                Format::Xlsx => {
                    Book::Xlsx(Box::new(calamine::open_workbook(path).map_err(|x| e(&x))?))
                }
                Format::Xlsb => Book::Other(Box::new(Sheets::Xlsb(
                    calamine::open_workbook(path).map_err(|x| e(&x))?,
                ))),
                Format::Xls => Book::Other(Box::new(Sheets::Xls(
                    calamine::open_workbook(path).map_err(|x| e(&x))?,
                ))),
                Format::Ods => Book::Other(Box::new(Sheets::Ods(
                    calamine::open_workbook(path).map_err(|x| e(&x))?,
                ))),
                Format::Csv => return Err("不是工作簿".to_string()),
            })
        };
        let book = guarded(open)
            .unwrap_or_else(|| Err("文件结构损坏".to_string()))
            .map_err(|e| fail(&e))?;
        Ok(book)
    }

    /// The worksheets (not chart sheets), in workbook order, and whether each is visible.
    pub fn sheets(&self) -> Vec<(String, bool)> {
        let meta = match self {
            Book::Xlsx(b) => b.sheets_metadata(),
            Book::Other(b) => b.sheets_metadata(),
        };
        meta.iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
            .collect()
    }

    /// The rows of sheet `name`; `bytes` (the file's size) scales the progress estimate.
    pub fn rows(
        &mut self,
        name: &str,
        file: &str,
        bytes: u64,
    ) -> Result<Box<dyn RowSource + Send + '_>> {
        let fail = |e: &dyn std::fmt::Display| {
            Fatal(format!(
                "{file} [{name}]: 无法读取工作表：{e} (unreadable sheet)"
            ))
        };
        match self {
            Book::Xlsx(book) => {
                let cells = guarded(|| book.worksheet_cells_reader(name))
                    .ok_or_else(|| fail(&"文件结构损坏"))?
                    .map_err(|e| fail(&e))?;
                Ok(Box::new(XlsxRows::new(cells, bytes)))
            }
            Book::Other(book) => {
                let range = guarded(|| book.worksheet_range(name))
                    .ok_or_else(|| fail(&"文件结构损坏"))?
                    .map_err(|e| fail(&e))?;
                Ok(Box::new(RangeRows {
                    range,
                    next: 0,
                    bytes,
                }))
            }
        }
    }
}

thread_local! {
    static IN_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside calamine reading a workbook: a panic there is a damaged file, not
/// a bug of tuopin, and the binary's panic hook stays quiet about it.
pub fn in_parser() -> bool {
    IN_PARSER.with(|p| p.get())
}

/// Run calamine on an untrusted file: a panic in it (a damaged or hostile workbook trips its
/// arithmetic) is None, which the caller reports as a damaged file.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    let was = IN_PARSER.with(|p| p.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok();
    IN_PARSER.with(|p| p.set(was));
    result
}

/// The sheet to import: `choice` by name (or, failing that, by number from 1); else the first
/// visible sheet whose header `known` recognises; else the first sheet, whose header check then
/// says what is missing.
pub(crate) fn choose_sheet(
    book: &mut Book,
    choice: Option<&str>,
    known: &dyn Fn(&str) -> bool,
    file: &str,
) -> Result<String> {
    let sheets = book.sheets();
    let names = || {
        sheets
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    if sheets.is_empty() {
        return Err(Fatal(format!("{file}: 工作簿中没有工作表 (no worksheet)")).into());
    }
    if let Some(want) = choice {
        let by_name = sheets
            .iter()
            .find(|(n, _)| n == want)
            .or_else(|| sheets.iter().find(|(n, _)| n.trim() == want.trim()));
        let by_number = || {
            want.trim()
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| sheets.get(i))
        };
        return match by_name.or_else(by_number) {
            Some((name, _)) => Ok(name.clone()),
            None => Err(Fatal(format!(
                "{file}: 没有工作表 {want:?}（本工作簿的工作表：{}；--sheet 可写名称或从 1 起的序号）(no such sheet)",
                names()
            ))
            .into()),
        };
    }
    // A sheet that cannot be read is passed over here; if it is the one chosen in the end, its
    // error is reported when it is read.
    for (name, visible) in &sheets {
        if !visible {
            continue;
        }
        let Ok(rows) = book.rows(name, file, 0) else {
            continue;
        };
        if Table::read(rows, known).is_ok_and(|t| t.recognised) {
            return Ok(name.clone());
        }
    }
    Ok(sheets[0].0.clone())
}

/// An .xlsx sheet, read cell by cell from its XML.
struct XlsxRows<'a> {
    cells: XlsxCellReader<'a, Input>,
    /// Per style id: whether its number format shows a percentage.
    percent: Vec<bool>,
    /// The first cell of the next row, read to find the end of this one.
    pending: Option<(calamine::Cell<DataRef<'a>>, usize)>,
    last_row: u64,
    row: u64,
    bytes: u64,
    /// The sheet's end was reached (the XML reader must not be asked again).
    done: bool,
}

impl<'a> XlsxRows<'a> {
    fn new(cells: XlsxCellReader<'a, Input>, bytes: u64) -> XlsxRows<'a> {
        let percent = cells
            .styles()
            .iter()
            .map(|s| {
                s.number_format
                    .as_ref()
                    .is_some_and(|f| f.format_code.contains('%'))
            })
            .collect();
        let last_row = cells.dimensions().end.0 as u64 + 1;
        XlsxRows {
            cells,
            percent,
            pending: None,
            last_row,
            row: 0,
            bytes,
            done: false,
        }
    }

    fn next_cell(&mut self) -> Result<Option<(calamine::Cell<DataRef<'a>>, usize)>> {
        if let Some(c) = self.pending.take() {
            return Ok(Some(c));
        }
        if self.done {
            return Ok(None);
        }
        let next = guarded(|| self.cells.next_cell_with_style_id())
            .ok_or_else(|| Fatal("工作表读取失败：文件结构损坏 (unreadable sheet)".to_string()))?
            .map_err(|e| Fatal(format!("工作表读取失败：{e} (unreadable sheet)")))?;
        self.done = next.is_none();
        Ok(next)
    }
}

impl RowSource for XlsxRows<'_> {
    fn next_row(&mut self, row: &mut SourceRow) -> Result<bool> {
        row.record.clear();
        row.kinds.clear();
        let Some((first, style)) = self.next_cell()? else {
            return Ok(false);
        };
        let r = first.get_position().0;
        self.row = r as u64 + 1;
        row.line = self.row;
        let mut text = String::new();
        put_xlsx_cell(row, &self.percent, &first, style, &mut text);
        while let Some((cell, style)) = self.next_cell()? {
            if cell.get_position().0 != r {
                self.pending = Some((cell, style));
                break;
            }
            put_xlsx_cell(row, &self.percent, &cell, style, &mut text);
        }
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.bytes * self.row.min(self.last_row) / self.last_row.max(1)
    }
}

fn put_xlsx_cell(
    row: &mut SourceRow,
    percent: &[bool],
    cell: &calamine::Cell<DataRef>,
    style: usize,
    text: &mut String,
) {
    let percent = percent.get(style).copied().unwrap_or(false);
    let kind = data_ref_text(cell.get_value(), percent, text);
    if kind != CellKind::Empty {
        push_cell(row, cell.get_position().1 as usize, kind, text);
    }
}

/// An .xls, .xlsb or .ods sheet, read whole by calamine.
struct RangeRows {
    range: calamine::Range<Data>,
    next: usize,
    bytes: u64,
}

impl RowSource for RangeRows {
    fn next_row(&mut self, row: &mut SourceRow) -> Result<bool> {
        row.record.clear();
        row.kinds.clear();
        let (Some((top, left)), true) = (self.range.start(), self.next < self.range.height())
        else {
            return Ok(false);
        };
        row.line = (top as usize + self.next + 1) as u64;
        let mut text = String::new();
        for c in 0..self.range.width() {
            let Some(value) = self.range.get((self.next, c)) else {
                continue;
            };
            let kind = data_text(value, &mut text);
            if kind != CellKind::Empty {
                push_cell(row, left as usize + c, kind, &text);
            }
        }
        self.next += 1;
        Ok(true)
    }

    fn position(&self) -> u64 {
        self.bytes * self.next as u64 / self.range.height().max(1) as u64
    }
}

/// Put a cell at column `col`, after empty cells up to it.
fn push_cell(row: &mut SourceRow, col: usize, kind: CellKind, text: &str) {
    if col < row.record.len() {
        // Cells come in column order; a repeated position keeps the first.
        return;
    }
    while row.record.len() < col {
        row.record.push_field("");
        row.kinds.push(CellKind::Empty);
    }
    row.record.push_field(text);
    row.kinds.push(kind);
}

/// The text and kind of an .xlsx cell; `percent` when its number format shows a percentage.
fn data_ref_text(value: &DataRef, percent: bool, out: &mut String) -> CellKind {
    out.clear();
    match value {
        DataRef::SharedString(s) => {
            out.push_str(s);
            CellKind::Text
        }
        DataRef::String(s) => {
            out.push_str(s);
            CellKind::Text
        }
        DataRef::Float(v) if percent => {
            number_text(v * 100.0, out);
            out.push('%');
            CellKind::Number
        }
        DataRef::Int(v) if percent => {
            number_text(*v as f64 * 100.0, out);
            out.push('%');
            CellKind::Number
        }
        DataRef::Float(v) => {
            number_text(*v, out);
            CellKind::Number
        }
        DataRef::Int(v) => {
            let _ = write!(out, "{v}");
            CellKind::Number
        }
        DataRef::Bool(b) => bool_text(*b, out),
        DataRef::DateTime(d) => date_text(d, out),
        DataRef::DateTimeIso(s) => iso_date_text(s, out),
        DataRef::DurationIso(s) => {
            out.push_str(s);
            CellKind::Text
        }
        DataRef::Error(e) => {
            let _ = write!(out, "{e}");
            CellKind::Error
        }
        DataRef::Empty => CellKind::Empty,
    }
}

/// The text and kind of an .xls, .xlsb or .ods cell.
fn data_text(value: &Data, out: &mut String) -> CellKind {
    out.clear();
    match value {
        Data::String(s) => {
            out.push_str(s);
            CellKind::Text
        }
        Data::Float(v) => {
            number_text(*v, out);
            CellKind::Number
        }
        Data::Int(v) => {
            let _ = write!(out, "{v}");
            CellKind::Number
        }
        Data::Bool(b) => bool_text(*b, out),
        Data::DateTime(d) => date_text(d, out),
        Data::DateTimeIso(s) => iso_date_text(s, out),
        Data::DurationIso(s) => {
            out.push_str(s);
            CellKind::Text
        }
        Data::Error(e) => {
            let _ = write!(out, "{e}");
            CellKind::Error
        }
        Data::Empty => CellKind::Empty,
    }
}

fn bool_text(b: bool, out: &mut String) -> CellKind {
    out.push_str(if b { "TRUE" } else { "FALSE" });
    CellKind::Bool
}

/// A number as Excel shows it in General format: whole numbers without `.0`, at most 15
/// significant digits (so `0.1 + 0.2` is `0.3`), never in exponent form.
pub(crate) fn number_text(v: f64, out: &mut String) {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let _ = write!(out, "{}", v as i64);
    } else if v.is_finite() {
        let rounded: f64 = format!("{v:.14e}").parse().unwrap_or(v);
        let _ = write!(out, "{rounded}");
    } else {
        let _ = write!(out, "{v}");
    }
}

/// An Excel date serial: `YYYY-MM-DD`, with the time when it has one; a duration is a number.
fn date_text(d: &ExcelDateTime, out: &mut String) -> CellKind {
    if d.is_duration() {
        number_text(d.as_f64(), out);
        return CellKind::Number;
    }
    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
    let _ = write!(out, "{y:04}-{m:02}-{day:02}");
    if (h, min, s) != (0, 0, 0) {
        let _ = write!(out, " {h:02}:{min:02}:{s:02}");
    }
    CellKind::Date
}

/// An ISO date of an .ods cell (`2019-03-01`, `2019-03-01T08:30:00`) as `date_text` writes it.
fn iso_date_text(s: &str, out: &mut String) -> CellKind {
    let (date, time) = s.split_once('T').unwrap_or((s, ""));
    out.push_str(date);
    let time = time.split('.').next().unwrap_or("");
    if !time.is_empty() && time != "00:00:00" {
        out.push(' ');
        out.push_str(time);
    }
    CellKind::Date
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    fn num(v: f64) -> String {
        let mut s = String::new();
        number_text(v, &mut s);
        s
    }

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(num(174.0), "174");
        assert_eq!(num(-3.0), "-3");
        assert_eq!(num(2800.5), "2800.5");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(1.1010519491231e17), "110105194912310000");
        assert_eq!(num(211321100201.0), "211321100201");
        assert_eq!(num(1e-7), "0.0000001");
    }

    #[test]
    fn dates_and_cells() {
        let mut s = String::new();
        let d = ExcelDateTime::new(43525.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(date_text(&d, &mut s), CellKind::Date);
        assert_eq!(s, "2019-03-01");
        s.clear();
        let d = ExcelDateTime::new(43525.5, ExcelDateTimeType::DateTime, false);
        date_text(&d, &mut s);
        assert_eq!(s, "2019-03-01 12:00:00");
        s.clear();
        assert_eq!(iso_date_text("2019-03-01T00:00:00", &mut s), CellKind::Date);
        assert_eq!(s, "2019-03-01");
        assert_eq!(
            data_ref_text(&DataRef::Float(0.955), true, &mut s),
            CellKind::Number
        );
        assert_eq!(s, "95.5%");
        assert_eq!(
            data_ref_text(&DataRef::Bool(true), false, &mut s),
            CellKind::Bool
        );
        assert_eq!(s, "TRUE");
        let na = DataRef::Error(calamine::CellErrorType::NA);
        assert_eq!(data_ref_text(&na, false, &mut s), CellKind::Error);
        assert_eq!(s, "#N/A");
    }
}
