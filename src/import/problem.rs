//! Errors that point at a place in a file, as users see it in a spreadsheet or editor.

use std::fmt;

/// A problem at one line (and optionally one column) of an input file.
/// Displayed as `file:line: [column] message`, the message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub file: String,
    /// 1-based line number, the header being line 1.
    pub line: u64,
    /// The column header as written in the file, when the problem is in one cell.
    pub column: Option<String>,
    pub message: String,
}

impl LineError {
    pub fn new(file: &str, line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        LineError {
            file: file.to_string(),
            line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let Some(c) = &self.column {
            write!(f, "[{c}] ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for LineError {}
