//! Terminal tables: text padded to display columns, where a CJK character takes two.
//!
//! One width function for every table tuopin prints, the `unicode-width` crate's (Unicode's East
//! Asian Width; ambiguous characters such as `—` take one column, as in a Chinese Windows console
//! with a Latin font and in every Linux terminal).

use std::io::Write;

use unicode_width::UnicodeWidthStr;

/// Display width of a string in a terminal.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Pad `s` with spaces to `width` terminal columns, left-aligned.
pub fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(self::width(s))))
}

/// Pad on the left, for numbers.
pub fn pad_left(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(self::width(s))))
}

/// Rows padded into aligned columns, two spaces apart; the last column is not padded and trailing
/// spaces are trimmed.
pub fn write_columns(out: &mut dyn Write, rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut widths = Vec::new();
    for row in rows {
        widen(&mut widths, row);
    }
    for row in rows {
        write_row(out, &widths, row)?;
    }
    Ok(())
}

/// Widen `widths` to hold `row`: the first pass of a table written in two (see `output::spool`).
pub fn widen(widths: &mut Vec<usize>, row: &[String]) {
    if widths.len() < row.len() {
        widths.resize(row.len(), 0);
    }
    for (i, cell) in row.iter().enumerate() {
        widths[i] = widths[i].max(width(cell));
    }
}

/// One row of a table whose column widths are `widths`, as [`write_columns`] writes it.
pub fn write_row(out: &mut dyn Write, widths: &[usize], row: &[String]) -> std::io::Result<()> {
    let mut line = String::new();
    for (i, cell) in row.iter().enumerate() {
        line.push_str(cell);
        if i + 1 < row.len() {
            let w = widths.get(i).copied().unwrap_or(0);
            line.push_str(&" ".repeat(w.saturating_sub(width(cell)) + 2));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_columns() {
        assert_eq!(width("三家子村"), 8);
        assert_eq!(width("V10"), 3);
        assert_eq!(width("✓"), 1);
        assert_eq!(width("—"), 1);
        assert_eq!(width("（2019-03，第25期）"), 19);
    }

    #[test]
    fn pads_by_terminal_width() {
        assert_eq!(pad("村", 4), "村  ");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad_left("1,328", 7), "  1,328");
        assert_eq!(pad("三家子村三家子村", 4), "三家子村三家子村");
    }

    #[test]
    fn columns_line_up_by_display_width() {
        let rows = vec![
            vec!["代码".to_string(), "名称".to_string(), "结论".to_string()],
            vec!["V1".to_string(), "三家子村".to_string(), "达标".to_string()],
        ];
        let mut out = Vec::new();
        write_columns(&mut out, &rows).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "代码  名称      结论\nV1    三家子村  达标\n"
        );
    }
}
