//! Writing CSV that a spreadsheet opens safely.
//!
//! A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return, which Excel skips before
//! reading one of those) is taken by Excel and LibreOffice as a formula: `=HYPERLINK(...)` becomes a
//! link, `=cmd|' /C calc'!A0` a command ("CSV injection"). County files are not trusted, so every
//! CSV tuopin writes goes through `neutralize`, which prefixes such a cell with a single quote `'`:
//! the spreadsheet shows the text, and a reader can strip the quote to get the value back.
//!
//! Numbers stay numbers: a cell that is a plain decimal number (`-1.5`, `+3`, `-1,328.0`, `-2.5%`)
//! cannot run anything and is written unchanged, so negative growth rates stay usable as numbers.
//! `-1+1`, `-A1` or `--5` are not plain numbers and are neutralised. The full-width forms
//! `＝ ＋ － ＠` are treated like their ASCII forms, because an IME can turn one into the other.

use std::borrow::Cow;
use std::io::Write;

/// Characters that make a spreadsheet read a cell as a formula.
fn is_trigger(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '＝' | '＋' | '－' | '＠'
    )
}

/// A plain decimal number: optional sign, digits with optional thousands commas, an optional
/// fraction, an optional percent sign. Nothing a spreadsheet could execute.
pub fn is_plain_number(s: &str) -> bool {
    let s = s.strip_suffix('%').unwrap_or(s);
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_ok = !int.is_empty()
        && int.starts_with(|c: char| c.is_ascii_digit())
        && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && !int.contains(",,")
        && !int.ends_with(',');
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    int_ok && frac_ok
}

/// The cell as tuopin writes it to CSV: prefixed with `'` when a spreadsheet would run it as a
/// formula, unchanged otherwise (see the module documentation).
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    // Leading spaces do not stop every spreadsheet from reading a formula.
    let first = cell.chars().find(|c| !matches!(c, ' ' | '\u{3000}'));
    match first {
        Some(c) if is_trigger(c) && !is_plain_number(cell.trim()) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A cell read back from a CSV tuopin wrote (or Excel saved again): the `'` that `neutralize`
/// put before a formula-like cell is taken off; any other cell is returned as it is.
pub fn strip_neutralized(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if matches!(neutralize(rest), Cow::Owned(_)) => rest,
        _ => cell,
    }
}

/// UTF-8 byte order mark: Excel on a Chinese Windows reads a CSV file as GBK unless it starts
/// with one.
pub const UTF8_BOM: &str = "\u{feff}";

/// A CSV writer whose every cell goes through `neutralize`. Quoting (commas, quotes, line breaks)
/// is the csv crate's.
pub struct Writer<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W) -> Writer<W> {
        Writer {
            inner: csv::WriterBuilder::new().flexible(true).from_writer(out),
        }
    }

    /// A writer for files meant to be opened in Excel: writes the UTF-8 BOM first when `bom`.
    pub fn with_bom(mut out: W, bom: bool) -> std::io::Result<Writer<W>> {
        if bom {
            out.write_all(UTF8_BOM.as_bytes())?;
        }
        Ok(Writer::new(out))
    }

    /// Write one row.
    pub fn row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralize(c.as_ref()).into_owned())
            .collect();
        self.inner.write_record(&cells)
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }

    /// Flush and give back the underlying writer.
    pub fn into_inner(self) -> std::io::Result<W> {
        self.inner.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for cell in [
            "=HYPERLINK(\"http://evil\",\"点我\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "-1+1",
            "-A1",
            "--5",
            "\t=1+1",
            "\r=1",
            " =1+1",
            "＝1+1",
            "-",
        ] {
            let out = neutralize(cell);
            assert_eq!(out, format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_text_stay_as_they_are() {
        for cell in [
            "-1.5",
            "+3",
            "-1,328.0",
            "-2.5%",
            "1328",
            "0.5",
            "三家子村",
            "a=b",
            "",
            "2019-03",
            "'quoted",
        ] {
            assert_eq!(neutralize(cell), cell, "{cell:?}");
        }
        assert!(!is_plain_number("-1e5"));
        assert!(!is_plain_number("-.5"));
        assert!(!is_plain_number("-1,"));
        assert!(!is_plain_number("-1.5.5"));
    }

    #[test]
    fn a_neutralised_cell_reads_back_as_written() {
        for cell in ["=", "=1+1", "-A1", "＝", "<=", "'quoted", "-1.5", "", "'"] {
            assert_eq!(strip_neutralized(&neutralize(cell)), cell, "{cell:?}");
        }
        // A quote before something harmless is the cell's own.
        assert_eq!(strip_neutralized("'abc"), "'abc");
    }

    #[test]
    fn the_writer_quotes_and_neutralises() {
        let mut w = Writer::new(Vec::new());
        w.row(["名称", "值"]).unwrap();
        w.row(["=1+1", "-1.5"]).unwrap();
        w.row(["a,\"b\"\nc", "@x"]).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(text, "名称,值\n'=1+1,-1.5\n\"a,\"\"b\"\"\nc\",'@x\n");
        let mut excel = Writer::with_bom(Vec::new(), true).unwrap();
        excel.row(["x"]).unwrap();
        assert_eq!(excel.into_inner().unwrap(), b"\xEF\xBB\xBFx\n");
        let mut plain = Writer::with_bom(Vec::new(), false).unwrap();
        plain.row(["x"]).unwrap();
        assert_eq!(plain.into_inner().unwrap(), b"x\n");
    }
}
