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

/// The largest magnitude a figure of a register or an indicator may have. A quadrillion is far
/// beyond any population, income or fund, and below 2^53, so every whole number up to it is exact.
pub const MAX_MAGNITUDE: f64 = 1.0e15;

/// Why a cell is not a number. `explain` gives the sentence users read after the quoted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing but spaces.
    Empty,
    /// Letters, units, two signs...: not a number at all.
    NotANumber,
    /// A comma that does not separate groups of three digits of the whole part: `25,00`, `1,5`,
    /// `3,0000`, `1.328,5`. Usually a decimal comma.
    Comma,
    /// Scientific notation, `1.5E+05`: how Excel shows a long number, with its last digits lost.
    Exponent,
    /// Beyond `MAX_MAGNITUDE`, or not finite: `1e300`, a 400-digit number.
    OutOfRange,
    /// A whole number was asked for: `174.5`.
    NotWhole,
}

impl NumberError {
    /// The reason as users read it after the quoted value; `otherwise` is the caller's wording
    /// for a value that is not a number at all (不是数字, 不是整数, 不是百分比数字).
    pub fn explain(self, otherwise: &str) -> String {
        match self {
            NumberError::Empty | NumberError::NotANumber | NumberError::NotWhole => {
                otherwise.to_string()
            }
            NumberError::Comma => {
                "中的逗号不是千位分隔符：千位分隔符只能把整数部分每三位隔开（1,328、12,000.5）；\
                 若逗号是小数点（欧洲区域设置的 Excel 导出常见，如 25,00 即 25.00），请改为小数点 \
                 (comma is not a thousands separator; a decimal comma?)"
                    .to_string()
            }
            NumberError::Exponent => "是科学计数法；Excel 以这种形式显示长数字时已丢失末尾的位数，\
                 请把单元格设为“数值”格式后重新另存 (scientific notation)"
                .to_string(),
            NumberError::OutOfRange => format!(
                "超出范围：数值的绝对值不能超过 {} (out of range)",
                "1,000,000,000,000,000"
            ),
        }
    }
}

/// A decimal number as Excel writes it: `1,328`, `１３２８`, ` 174.0 `, `-3.5`, `12,000.5`. No
/// units, no percent sign, no exponent; a comma only between groups of three digits of the whole
/// part (anything else is most often a decimal comma, and must not become a thousandfold figure).
pub fn read_number(raw: &str) -> Result<f64, NumberError> {
    let s = normalize_width(raw);
    let s = s.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (sign, body) = match s.as_bytes()[0] {
        b'-' => ("-", &s[1..]),
        b'+' => ("", &s[1..]),
        _ => ("", s),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let commas_or_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit() || b == b',');
    if !commas_or_digits(whole) || !fraction.is_none_or(commas_or_digits) {
        return Err(NumberError::NotANumber);
    }
    if fraction.is_some_and(|f| f.contains(',')) {
        // `1.328,5`: a dot for thousands and a comma for decimals.
        return Err(NumberError::Comma);
    }
    let mut clean = String::with_capacity(s.len());
    clean.push_str(sign);
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or("");
        if !(1..=3).contains(&first.len()) || groups.any(|g| g.len() != 3) {
            return Err(NumberError::Comma);
        }
        clean.extend(whole.chars().filter(|c| *c != ','));
    } else {
        clean.push_str(whole);
    }
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return Err(NumberError::NotANumber);
    }
    if let Some(f) = fraction {
        clean.push('.');
        clean.push_str(f);
    }
    if let Some(e) = exponent {
        let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e_digits.is_empty() || !digits(e_digits) {
            return Err(NumberError::NotANumber);
        }
        clean.push('e');
        clean.push_str(e);
    }
    let v: f64 = clean.parse().map_err(|_| NumberError::NotANumber)?;
    if !v.is_finite() || v.abs() > MAX_MAGNITUDE {
        return Err(NumberError::OutOfRange);
    }
    if exponent.is_some() {
        return Err(NumberError::Exponent);
    }
    Ok(v)
}

/// A whole number, accepting `174.0` (what Excel writes for a number cell) but not `174.5`.
pub fn read_integer(raw: &str) -> Result<i64, NumberError> {
    let v = read_number(raw)?;
    if v.fract() != 0.0 {
        return Err(NumberError::NotWhole);
    }
    Ok(v as i64)
}

/// `read_number`, for callers that need no reason.
pub fn parse_number(raw: &str) -> Option<f64> {
    read_number(raw).ok()
}

/// `read_integer`, for callers that need no reason.
pub fn parse_integer(raw: &str) -> Option<i64> {
    read_integer(raw).ok()
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
        assert_eq!(parse_number("12,000.5"), Some(12000.5));
        assert_eq!(parse_number("-1,328.0"), Some(-1328.0));
        assert_eq!(parse_number("1,000,000"), Some(1.0e6));
        assert_eq!(parse_number(".5"), Some(0.5));
    }

    #[test]
    fn a_comma_is_a_thousands_separator_only_between_groups_of_three() {
        for bad in [
            "25,00",
            "1,5",
            "3,0000",
            "1.328,5",
            "9,5",
            "0,5",
            "1,,000",
            ",100",
            "1,000,00",
            "12,000.5,0",
            "1234,567",
        ] {
            assert_eq!(read_number(bad), Err(NumberError::Comma), "{bad:?}");
        }
        assert_eq!(read_integer("1,5"), Err(NumberError::Comma));
        assert!(NumberError::Comma.explain("").contains("欧洲"));
    }

    #[test]
    fn exponents_and_huge_numbers_say_why() {
        assert_eq!(read_number("1e300"), Err(NumberError::OutOfRange));
        assert_eq!(read_number("-1E+400"), Err(NumberError::OutOfRange));
        assert_eq!(read_number(&"9".repeat(400)), Err(NumberError::OutOfRange));
        assert_eq!(read_number("1.5E+05"), Err(NumberError::Exponent));
        assert_eq!(read_number("1e"), Err(NumberError::NotANumber));
        assert_eq!(read_number("1e5x"), Err(NumberError::NotANumber));
        assert_eq!(read_integer("174.5"), Err(NumberError::NotWhole));
        assert_eq!(read_number("1000000000000000"), Ok(1.0e15));
        assert!(NumberError::OutOfRange
            .explain("不是数字")
            .contains("out of range"));
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
