//! Cells of a review file as Excel writes them back: the `'` it keeps before a neutralised cell,
//! and a month Excel turned into a date.

use crate::model::period::Period;

/// A cell as written back: Excel's leading `'` of a neutralised cell (see `output::csv`) removed.
pub(super) fn unquote(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest.starts_with([
                '=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠', ' ',
            ]) =>
        {
            rest
        }
        _ => cell,
    }
}

/// A month as the review writes it (2019-03, 2019年3月 …), or a date Excel made of it (2019/3/1).
pub(super) fn parse_period(cell: &str) -> std::result::Result<Period, String> {
    if let Ok(p) = cell.parse::<Period>() {
        return Ok(p);
    }
    let parts: Vec<&str> = cell.trim().split(['-', '/', '.']).collect();
    if let [y, m, d] = parts[..] {
        let day_ok = d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d));
        if let (Ok(y), Ok(m), true) = (y.parse::<i32>(), m.parse::<u32>(), day_ok) {
            if let Some(p) = Period::new(y, m) {
                return Ok(p);
            }
        }
    }
    Err(format!("统计期 {cell:?} 无法识别；应为 YYYY-MM"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_spellings_are_read_back() {
        assert_eq!(unquote("'=1+1"), "=1+1");
        assert_eq!(unquote("'甲"), "'甲");
        let want = Period::new(2019, 3).unwrap();
        for s in ["2019-03", "2019/3/1", "2019-03-01", "2019年3月"] {
            assert_eq!(parse_period(s), Ok(want), "{s}");
        }
        assert!(parse_period("2019-03-45").is_err());
        assert!(parse_period("三月").is_err());
    }
}
