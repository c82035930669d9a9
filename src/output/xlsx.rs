//! Excel workbooks (.xlsx) for tables people filter and sort: one sheet per table, the header row
//! frozen and filtered, columns as wide as their Chinese text, codes stored as text, cells filled
//! with a colour. The check renderers (`check::render_xlsx`) lay out their results with this.
//!
//! Rules every sheet follows:
//! - Codes (区划代码, 户编号, masked ID numbers) are text cells with the text number format `@`, so
//!   Excel neither shows `2.1E+11` nor drops a leading zero, and does not flag "number stored as text".
//! - Strings are always string cells: a value starting with `=` is text, never a formula.
//! - Column widths follow the display width of the text (`output::table::width`, a CJK character
//!   counting two), which is how Excel's width unit (the width of `0`) measures Chinese text.
//!
//! Every sheet is written in rust_xlsxwriter's constant-memory mode: each row goes to a temporary
//! file as soon as the next one starts, and widths are set when a sheet is finished, so a sheet of a
//! national check holds no rows in memory. [`Workbook::write_to`] assembles the file in another
//! temporary file rather than in memory.

use std::borrow::Cow;

use anyhow::{Context, Result};
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, IgnoreError, Note, Workbook as Inner, Worksheet,
};

use super::palette::Rgb;
use super::table::width;

/// The widest a column gets, in Excel's units: long sources wrap the eye, not the sheet.
const MAX_WIDTH: usize = 60;
/// Room for the filter button of a header cell.
const FILTER_BUTTON: usize = 3;

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// A code or identifier: text that looks like a number and must stay text.
    Code(Cow<'a, str>),
    /// A number, shown with digit grouping and up to four decimals.
    Number(f64),
    /// Nothing.
    Empty,
}

/// One cell: a value, optionally on a coloured fill (white text on a dark fill).
#[derive(Debug, Clone, PartialEq)]
pub struct Cell<'a> {
    pub value: Value<'a>,
    pub fill: Option<Rgb>,
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell {
            value: Value::Text(s.into()),
            fill: None,
        }
    }
    pub fn code(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell {
            value: Value::Code(s.into()),
            fill: None,
        }
    }
    pub fn number(v: f64) -> Cell<'a> {
        Cell {
            value: if v.is_finite() {
                Value::Number(v)
            } else {
                Value::Empty
            },
            fill: None,
        }
    }
    pub fn empty() -> Cell<'a> {
        Cell {
            value: Value::Empty,
            fill: None,
        }
    }
    /// The same cell on a coloured fill.
    pub fn filled(mut self, fill: Rgb) -> Cell<'a> {
        self.fill = Some(fill);
        self
    }

    /// The text as Excel shows it, for the column width.
    fn shown(&self) -> Cow<'_, str> {
        match &self.value {
            Value::Text(s) | Value::Code(s) => Cow::Borrowed(s),
            Value::Number(v) => Cow::Owned(crate::output::number::number(*v)),
            Value::Empty => Cow::Borrowed(""),
        }
    }
}

/// A header cell: its text, and optionally a note Excel shows on hover (what the column holds).
#[derive(Debug, Clone, PartialEq)]
pub struct Column<'a> {
    pub title: Cow<'a, str>,
    pub note: Option<String>,
}

impl<'a> Column<'a> {
    pub fn new(title: impl Into<Cow<'a, str>>) -> Column<'a> {
        Column {
            title: title.into(),
            note: None,
        }
    }
    pub fn with_note(mut self, note: impl Into<String>) -> Column<'a> {
        self.note = Some(note.into());
        self
    }
}

/// A workbook being written.
pub struct Workbook {
    inner: Inner,
}

impl Default for Workbook {
    fn default() -> Self {
        Workbook::new()
    }
}

/// The relative luminance above which black text reads better than white.
fn is_light(c: Rgb) -> bool {
    let y = 0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64;
    y > 150.0
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

impl Workbook {
    pub fn new() -> Workbook {
        Workbook {
            inner: Inner::new(),
        }
    }

    /// A sheet holding one table: `columns` as its header row, frozen, with an autofilter over the
    /// rows written.
    pub fn table(&mut self, name: &str, columns: &[Column]) -> Result<Sheet<'_>> {
        let ws = self.worksheet(name)?;
        let mut sheet = Sheet {
            ws,
            row: 0,
            widths: Vec::new(),
            code_columns: Vec::new(),
            table: true,
            columns: columns.len(),
        };
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF3F3F3))
            .set_border_bottom(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        for (i, c) in columns.iter().enumerate() {
            let col = col_num(i)?;
            sheet
                .ws
                .write_string_with_format(0, col, c.title.as_ref(), &header)
                .map_err(xlsx_error)?;
            sheet.widen(i, width(&c.title) + FILTER_BUTTON);
            if let Some(text) = &c.note {
                let note = Note::new(text.as_str())
                    .add_author_prefix(false)
                    .set_width(320)
                    .set_height(120);
                sheet.ws.insert_note(0, col, &note).map_err(xlsx_error)?;
            }
        }
        sheet.ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        sheet.row = 1;
        Ok(sheet)
    }

    /// A sheet of free rows (notes, definitions): no frozen header, no filter.
    pub fn notes(&mut self, name: &str) -> Result<Sheet<'_>> {
        let ws = self.worksheet(name)?;
        Ok(Sheet {
            ws,
            row: 0,
            widths: Vec::new(),
            code_columns: Vec::new(),
            table: false,
            columns: 0,
        })
    }

    fn worksheet(&mut self, name: &str) -> Result<&mut Worksheet> {
        let ws = self
            .inner
            .add_worksheet_with_constant_memory()
            .map_err(xlsx_error)
            .context("无法创建临时文件 (temporary file)")?;
        ws.set_name(name)
            .map_err(xlsx_error)
            .with_context(|| format!("工作表名称无效：{name}"))?;
        Ok(ws)
    }

    /// The workbook as the bytes of an .xlsx file.
    pub fn into_bytes(mut self) -> Result<Vec<u8>> {
        self.inner
            .save_to_buffer()
            .map_err(xlsx_error)
            .context("无法生成 xlsx 工作簿 (xlsx)")
    }

    /// The workbook as an .xlsx file written to `out`, assembled in a temporary file on the way.
    pub fn write_to(mut self, out: &mut dyn std::io::Write) -> Result<()> {
        use std::io::{Seek, SeekFrom};
        let mut file = tempfile::tempfile().context("无法创建临时文件 (temporary file)")?;
        let mut w = std::io::BufWriter::new(&mut file);
        self.inner
            .save_to_writer(&mut w)
            .map_err(xlsx_error)
            .context("无法生成 xlsx 工作簿 (xlsx)")?;
        std::io::Write::flush(&mut w)?;
        drop(w);
        file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut file, out)?;
        Ok(())
    }
}

fn col_num(i: usize) -> Result<u16> {
    u16::try_from(i).context("列数超出 Excel 上限")
}

/// A sheet being written, row after row.
pub struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    widths: Vec<usize>,
    /// Columns holding codes: Excel is told once per column, at the end, not to flag them.
    code_columns: Vec<u16>,
    table: bool,
    columns: usize,
}

impl Sheet<'_> {
    fn widen(&mut self, col: usize, w: usize) {
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        self.widths[col] = self.widths[col].max(w);
    }

    /// The next row.
    pub fn row(&mut self, cells: &[Cell]) -> Result<()> {
        self.write(cells, false)
    }

    /// The next row in bold: a title or the header of a block in a notes sheet.
    pub fn bold_row(&mut self, cells: &[Cell]) -> Result<()> {
        self.write(cells, true)
    }

    /// An empty row.
    pub fn skip(&mut self) {
        self.row += 1;
    }

    fn write(&mut self, cells: &[Cell], bold: bool) -> Result<()> {
        let row = self.row;
        for (i, cell) in cells.iter().enumerate() {
            let col = col_num(i)?;
            let mut format = Format::new().set_align(FormatAlign::VerticalCenter);
            if bold {
                format = format.set_bold();
            }
            if let Some(fill) = cell.fill {
                format = format
                    .set_background_color(Color::RGB(fill.hex()))
                    .set_align(FormatAlign::Center);
                if !is_light(fill) {
                    format = format.set_font_color(Color::White);
                }
            }
            match &cell.value {
                Value::Text(s) => {
                    self.ws
                        .write_string_with_format(row, col, s.as_ref(), &format)
                        .map_err(xlsx_error)?;
                }
                Value::Code(s) => {
                    let format = format.set_num_format("@");
                    self.ws
                        .write_string_with_format(row, col, s.as_ref(), &format)
                        .map_err(xlsx_error)?;
                    if !self.code_columns.contains(&col) {
                        self.code_columns.push(col);
                    }
                }
                Value::Number(v) => {
                    let shown = if v.fract() == 0.0 {
                        "#,##0"
                    } else {
                        "#,##0.00##"
                    };
                    self.ws
                        .write_number_with_format(row, col, *v, &format.set_num_format(shown))
                        .map_err(xlsx_error)?;
                }
                Value::Empty => {
                    if cell.fill.is_some() {
                        self.ws.write_blank(row, col, &format).map_err(xlsx_error)?;
                    }
                }
            }
            self.widen(i, width(&cell.shown()) + 2);
        }
        self.row += 1;
        Ok(())
    }

    /// Set the widths and, for a table, the filter over every row written.
    pub fn finish(self) -> Result<()> {
        for (i, w) in self.widths.iter().enumerate() {
            self.ws
                .set_column_width(col_num(i)?, (*w).clamp(6, MAX_WIDTH) as f64)
                .map_err(xlsx_error)?;
        }
        let last_row = self.row.max(1) - 1;
        for &col in &self.code_columns {
            self.ws
                .ignore_error_range(0, col, last_row, col, IgnoreError::NumberStoredAsText)
                .map_err(xlsx_error)?;
        }
        if self.table && self.columns > 0 {
            self.ws
                .autofilter(0, 0, last_row, col_num(self.columns - 1)?)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::palette;

    #[test]
    fn a_table_sheet_writes_and_the_light_grey_keeps_dark_text() {
        let mut book = Workbook::new();
        let mut sheet = book
            .table("核查", &[Column::new("代码"), Column::new("V1")])
            .unwrap();
        sheet
            .row(&[
                Cell::code("210922000000"),
                Cell::text("达标").filled(palette::PASS),
            ])
            .unwrap();
        sheet.finish().unwrap();
        let bytes = book.into_bytes().unwrap();
        assert!(bytes.starts_with(b"PK"));
        assert!(is_light(palette::NO_DATA));
        assert!(!is_light(palette::PASS) && !is_light(palette::FAIL));
    }

    #[test]
    fn a_bad_sheet_name_is_an_error() {
        let mut book = Workbook::new();
        assert!(book.notes("a/b").is_err());
    }
}
