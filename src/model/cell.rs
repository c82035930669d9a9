//! Cell values as Excel on a Chinese Windows writes them: full-width digits, thousands separators,
//! `174.0` for integers, surrounding spaces, and the many spellings of yes and no.

use std::borrow::Cow;

/// Replace full-width ASCII (０-９, Ａ-Ｚ, －, ．, ，...) and the ideographic space by their ASCII forms.
pub fn normalize_width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect(),
    )
}

/// A decimal number: `1,328`, `１３２８`, ` 174.0 `, `-3.5`. No units, no percent sign.
pub fn parse_number(raw: &str) -> Option<f64> {
    let s = normalize_width(raw);
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut clean = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '0'..='9' | '.' => clean.push(c),
            '-' | '+' if i == 0 => clean.push(c),
            // A thousands separator must sit between digits.
            ',' if i > 0 && s[i + 1..].starts_with(|d: char| d.is_ascii_digit()) => {}
            _ => return None,
        }
    }
    let v: f64 = clean.parse().ok()?;
    v.is_finite().then_some(v)
}

/// A whole number, accepting `174.0` (what Excel writes for a number cell) but not `174.5`.
pub fn parse_integer(raw: &str) -> Option<i64> {
    let v = parse_number(raw)?;
    (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
}

/// 是/否, 有/无, Y/N, yes/no, true/false, 1/0 (and 对/错, 通/不通 are not accepted: too vague).
pub fn parse_bool(raw: &str) -> Option<bool> {
    let s = normalize_width(raw);
    let s = s.trim();
    const YES: &[&str] = &["是", "有", "y", "yes", "true", "1", "1.0", "t"];
    const NO: &[&str] = &["否", "无", "n", "no", "false", "0", "0.0", "f"];
    if YES.iter().any(|y| s.eq_ignore_ascii_case(y)) {
        Some(true)
    } else if NO.iter().any(|n| s.eq_ignore_ascii_case(n)) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_excel_writes_them() {
        assert_eq!(parse_number("1,328"), Some(1328.0));
        assert_eq!(parse_number(" 174.0 "), Some(174.0));
        assert_eq!(parse_number("１３２８"), Some(1328.0));
        assert_eq!(parse_number("１，３２８"), Some(1328.0));
        assert_eq!(parse_number("9.79"), Some(9.79));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_integer("174.0"), Some(174));
        assert_eq!(parse_integer("174.5"), None);
        for bad in [
            "", " ", "12a", "1,,000", ",100", "1-2", "NaN", "inf", "1e5", "3 000",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn booleans_in_every_spelling() {
        for y in [
            "是", "有", "Y", "y", "yes", "YES", "true", "1", " 是 ", "１",
        ] {
            assert_eq!(parse_bool(y), Some(true), "{y:?}");
        }
        for n in ["否", "无", "N", "no", "False", "0"] {
            assert_eq!(parse_bool(n), Some(false), "{n:?}");
        }
        for bad in ["", "maybe", "2", "是的"] {
            assert_eq!(parse_bool(bad), None, "{bad:?}");
        }
    }
}
