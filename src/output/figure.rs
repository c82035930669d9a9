//! A figure with its unit and how the source states it: the one formatter for values on screen, in
//! reports and in charts.
//!
//! Two spellings, because two kinds of text show figures:
//! - [`figure`] is how the checks cite a value: symbols and the unit, `1,328 人`, `≥ 200 人`, `2%`,
//!   `1–3 个`, `是`.
//! - [`as_stated`] is the figure in the bulletin's own words, without the unit (the caller prints the
//!   unit, see [`unit_after`]): `200 以上`, `约 800`, `不超过 3`, `1–3`.
//!
//! Both share the rules for the number itself: a yes/no indicator (unit `是/否`, stored 1/0) reads
//! 是 or 否 whatever its qualifier, a count of years (unit `年`) is written without digit grouping
//! (2019, not 2,019), anything else as [`number`] writes it.

use crate::model::indicator::Qualifier;
use crate::output::number::number;

/// The unit of a yes/no indicator.
pub const YES_NO: &str = "是/否";

/// 是 or 否 for a yes/no indicator; None for any other unit.
fn yes_no(value: f64, unit: &str) -> Option<&'static str> {
    (unit == YES_NO).then_some(if value != 0.0 { "是" } else { "否" })
}

/// The number alone, by the unit's rule.
fn digits(value: f64, unit: &str) -> String {
    if unit == "年" {
        format!("{value}")
    } else {
        number(value)
    }
}

/// A value with its qualifier and unit, as the checks cite it: `1,328 人`, `≥ 200 人`, `约 800 人`,
/// `1–3 个`, `2%`, `50,000 元/年`, `是`.
pub fn figure(value: f64, qualifier: Qualifier, unit: &str) -> String {
    if let Some(word) = yes_no(value, unit) {
        return word.to_string();
    }
    let v = digits(value, unit);
    let shown = match qualifier {
        Qualifier::Exact => v,
        Qualifier::AtLeast => format!("≥ {v}"),
        Qualifier::AtMost => format!("≤ {v}"),
        Qualifier::About => format!("约 {v}"),
        Qualifier::Range(high) => format!("{v}–{}", digits(high, unit)),
    };
    match unit {
        "" => shown,
        "%" => format!("{shown}%"),
        _ => format!("{shown} {unit}"),
    }
}

/// An exact value with its unit: `2%`, `50,000 元/年`, `是`.
pub fn exact(value: f64, unit: &str) -> String {
    figure(value, Qualifier::Exact, unit)
}

/// A value in the bulletin's words, without the unit: `200 以上`, `约 800`, `不超过 3`, `1–3`, `是`.
pub fn as_stated(value: f64, qualifier: Qualifier, unit: &str) -> String {
    if let Some(word) = yes_no(value, unit) {
        return word.to_string();
    }
    let v = digits(value, unit);
    match qualifier {
        Qualifier::Exact => v,
        Qualifier::AtLeast => format!("{v} 以上"),
        Qualifier::About => format!("约 {v}"),
        Qualifier::AtMost => format!("不超过 {v}"),
        Qualifier::Range(high) => format!("{v}–{}", digits(high, unit)),
    }
}

/// The unit to print after [`as_stated`]: none for a yes/no indicator, whose 是/否 says it all.
pub fn unit_after(unit: &str) -> &str {
    if unit == YES_NO {
        ""
    } else {
        unit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_naturally() {
        assert_eq!(exact(2.0, "%"), "2%");
        assert_eq!(exact(50000.0, "元/年"), "50,000 元/年");
        assert_eq!(exact(1.0, "是/否"), "是");
        assert_eq!(exact(0.0, "是/否"), "否");
        assert_eq!(exact(1328.0, ""), "1,328");
    }

    #[test]
    fn checks_cite_qualified_figures_with_symbols() {
        assert_eq!(figure(200.0, Qualifier::AtLeast, "人"), "≥ 200 人");
        assert_eq!(figure(3.0, Qualifier::AtMost, "%"), "≤ 3%");
        assert_eq!(figure(800.0, Qualifier::About, "户"), "约 800 户");
        assert_eq!(figure(1.0, Qualifier::Range(3.0), "个"), "1–3 个");
        assert_eq!(figure(1.0, Qualifier::AtLeast, "是/否"), "是");
    }

    #[test]
    fn bulletins_are_quoted_in_their_words() {
        assert_eq!(as_stated(200.0, Qualifier::AtLeast, "人"), "200 以上");
        assert_eq!(as_stated(800.0, Qualifier::About, "人"), "约 800");
        assert_eq!(as_stated(3.0, Qualifier::AtMost, "年"), "不超过 3");
        assert_eq!(as_stated(1.0, Qualifier::Range(3.0), "个"), "1–3");
        assert_eq!(as_stated(4350.0, Qualifier::Exact, "元/年"), "4,350");
        assert_eq!(as_stated(2019.0, Qualifier::Exact, "年"), "2019");
        assert_eq!(as_stated(1.0, Qualifier::Exact, "是/否"), "是");
        assert_eq!(as_stated(0.0, Qualifier::About, "是/否"), "否");
        assert_eq!(unit_after("是/否"), "");
        assert_eq!(unit_after("元/年"), "元/年");
    }
}
