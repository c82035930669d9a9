//! Cells of the national export read as text: a month anywhere in a title or date cell, and a
//! cell quoted in a message without showing personal data.

use crate::model::period::Period;

/// A cell quoted in a message: like every register cell (names described, not shown), and a
/// phone number never.
pub(in crate::import::households) fn quote(value: &str, show: bool) -> String {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if digits >= 7 && !show {
        return format!(
            "值（{} 个字符，未显示：可能是电话号码等个人信息）",
            value.chars().count()
        );
    }
    crate::output::privacy::quote_cell(value, show)
}

/// The first month a text names: `2019年3月`, `2019-03`, `2019/3/31`, `2019年3月31日`.
pub(super) fn period_in_text(text: &str) -> Option<Period> {
    let text = crate::model::cell::normalize_width(text);
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        let digits = |from: usize, max: usize| {
            chars[from.min(chars.len())..]
                .iter()
                .take(max)
                .take_while(|c| c.is_ascii_digit())
                .count()
        };
        if digits(start, 4) != 4 || (start > 0 && chars[start - 1].is_ascii_digit()) {
            continue;
        }
        let sep = start + 4;
        if !matches!(chars.get(sep), Some('年' | '-' | '/' | '.')) {
            continue;
        }
        let m = digits(sep + 1, 2);
        if m == 0 || chars.get(sep + 1 + m).is_some_and(char::is_ascii_digit) {
            continue;
        }
        let year: String = chars[start..sep].iter().collect();
        let month: String = chars[sep + 1..sep + 1 + m].iter().collect();
        if let (Ok(y), Ok(mo)) = (year.parse(), month.parse()) {
            if let Some(p) = Period::new(y, mo) {
                return Some(p);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_found_in_titles_and_dates() {
        let p = |y, m| Period::new(y, m);
        assert_eq!(period_in_text("辽宁省阜新市彰武县  2019年3月"), p(2019, 3));
        assert_eq!(
            period_in_text("数据截止：２０１９年１２月３１日"),
            p(2019, 12)
        );
        assert_eq!(period_in_text("2019-03-31"), p(2019, 3));
        assert_eq!(period_in_text("2019/3/31 0:00"), p(2019, 3));
        assert_eq!(period_in_text("建档立卡贫困人口明细表"), None);
        assert_eq!(period_in_text("编号 120193-5"), None);
        assert_eq!(period_in_text("2019年13月"), None);
    }

    #[test]
    fn phone_numbers_are_never_quoted() {
        assert!(!quote("13912345678", false).contains("1391"));
        assert_eq!(quote("3.5", false), "\"3.5\"");
    }
}
