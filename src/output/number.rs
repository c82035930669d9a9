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

/// A number as a spreadsheet cell or a file reads it back: no grouping, no trailing zeros:
/// 1328 → "1328"; 9.79 → "9.79".
pub fn plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
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
        assert_eq!(super::plain(2_150_000.0), "2150000");
        assert_eq!(super::plain(9.79), "9.79");
    }
}
