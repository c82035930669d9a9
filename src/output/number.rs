//! Number formatting for tables and reports.

/// 1328 → "1,328"; 9.79 → "9.79"; 2150000 → "2,150,000".
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as i64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands_and_trims_decimals() {
        assert_eq!(super::number(1328.0), "1,328");
        assert_eq!(super::number(174.0), "174");
        assert_eq!(super::number(2_150_000.0), "2,150,000");
        assert_eq!(super::number(9.79), "9.79");
        assert_eq!(super::number(-1234.5), "-1234.5");
        assert_eq!(super::number(0.0), "0");
    }
}

/// Pad `s` with spaces to `width` terminal columns (CJK characters take two), left-aligned.
pub fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Pad on the left, for numbers.
pub fn pad_left(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{}{s}", " ".repeat(width.saturating_sub(w)))
}

#[cfg(test)]
mod pad_tests {
    #[test]
    fn pads_by_terminal_width() {
        assert_eq!(super::pad("村", 4), "村  ");
        assert_eq!(super::pad("ab", 4), "ab  ");
        assert_eq!(super::pad_left("1,328", 7), "  1,328");
        assert_eq!(super::pad("三家子村三家子村", 4), "三家子村三家子村");
    }
}
