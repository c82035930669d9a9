//! Errors that point at a place in a file, as users see it in a spreadsheet or editor: a CSV line
//! (`台账.csv:14:`), or a workbook's sheet and cell (`台账.xlsx [台账] E14:`).

use std::fmt;

/// A problem at one line (and optionally one column) of an input file.
/// Displayed as `file:line: [column] message` for a CSV file, and as
/// `file [sheet] E14: [column] message` (or `file [sheet] 第14行: …` when no one cell is meant) for
/// a workbook; the message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: String,
    /// 1-based line number, the header being line 1; for a workbook, the row as Excel numbers it.
    pub line: u64,
    /// The column header as written in the file, when the problem is in one cell.
    pub column: Option<String>,
    pub message: String,
    /// The sheet, when the file is a workbook.
    pub sheet: Option<String>,
    /// The cell as Excel names it (`E14`), when the file is a workbook and the column is in it.
    pub cell: Option<String>,
}

impl LineError {
    pub fn new(file: &str, line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        LineError {
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message: message.into(),
            sheet: None,
            cell: None,
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, &self.cell) {
            (None, _) => write!(f, "{}:{}: ", self.file, self.line)?,
            (Some(sheet), Some(cell)) => write!(f, "{} [{sheet}] {cell}: ", self.file)?,
            (Some(sheet), None) => write!(f, "{} [{sheet}] 第{}行: ", self.file, self.line)?,
        }
        if let Some(c) = &self.column {
            write!(f, "[{c}] ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for LineError {}

/// Excel's name of the column at 0-based `index`: A … Z, AA … AZ, BA …
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Where in a file a message points, before the message: `file:14` for CSV, `file [sheet] E14` or
/// `file [sheet] 第14行` for a workbook.
pub fn place(file: &str, sheet: Option<&str>, line: u64, column: Option<usize>) -> String {
    match (sheet, column) {
        (None, _) => format!("{file}:{line}"),
        (Some(sheet), Some(c)) => format!("{file} [{sheet}] {}{line}", column_letters(c)),
        (Some(sheet), None) => format!("{file} [{sheet}] 第{line}行"),
    }
}

/// A file-level problem (missing columns, unreadable CSV, a workbook that cannot be opened) that
/// stops reading the file.
#[derive(Debug)]
pub(crate) struct Fatal(pub String);

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Fatal {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_workbook_places() {
        let mut e = LineError::new("台账.csv", 14, Some("证件号码"), "无效");
        assert_eq!(e.to_string(), "台账.csv:14: [证件号码] 无效");
        e.file = "台账.xlsx".into();
        e.sheet = Some("台账".into());
        e.cell = Some("E14".into());
        assert_eq!(e.to_string(), "台账.xlsx [台账] E14: [证件号码] 无效");
        e.cell = None;
        e.column = None;
        assert_eq!(e.to_string(), "台账.xlsx [台账] 第14行: 无效");
    }

    #[test]
    fn column_letters_as_excel_names_them() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702, 16383]
            .into_iter()
            .map(column_letters)
            .collect();
        assert_eq!(
            names,
            ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]
        );
    }
}
