//! What a cell's kind says before its text is validated: the checks that need to know whether a
//! workbook cell was a number, a date or a formula error, not only what it shows.
//!
//! - A formula error (`#N/A`, `#DIV/0!`; in a CSV file or an .ods, the same text) is an invalid
//!   value in whichever column the importer reads.
//! - An ID number (证件号码) typed as a number has already lost its last digits (Excel keeps 15
//!   significant digits): it is refused, never hashed as a wrong number.
//! - A code (户编号, 村代码, 区划代码, 代码, 上级代码) typed as a number is fine while it is a whole
//!   number Excel kept exactly; a longer one has lost digits the same way.
//! - 统计期: a date cell is its month; a number with a fraction (`2019.1`, which was 2019.10) is
//!   refused, since October and January look the same.
//!
//! Importers keep receiving text cells; a finding here is reported for its cell, and the
//! importer's own check of that cell then stays silent (`reader::Problems::add_cell`).

use crate::import::contract::Column;
use crate::import::header::Header;
use crate::import::layout::{CellKind, SourceRow};
use crate::model::idcard::mask_id_number;

/// How a column's cells are checked by their kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Only formula errors.
    Any,
    Period,
    Code,
    IdNumber,
}

fn rule_of(column: &Column) -> Rule {
    match column.en {
        // 数据日期 of the national export: a date cell is its month, like 统计期.
        "period" | "data_date" => Rule::Period,
        "household_id" | "village_code" | "region_code" | "code" | "parent_code" => Rule::Code,
        "id_number" => Rule::IdNumber,
        _ => Rule::Any,
    }
}

/// The columns of one file whose cells are checked, with the rule of each.
#[derive(Debug, Clone, Default)]
pub(crate) struct CellRules {
    columns: Vec<(usize, Rule)>,
    period: Option<usize>,
}

impl CellRules {
    /// The contract columns the file has.
    pub fn for_header(header: &Header) -> CellRules {
        let mut rules = CellRules::default();
        for (column, i) in header.found() {
            let rule = rule_of(column);
            if rule == Rule::Period {
                rules.period = Some(i);
            }
            rules.columns.push((i, rule));
        }
        rules.columns.sort_unstable_by_key(|(i, _)| *i);
        rules
    }

    /// Check file column `i` for formula errors too (the indicator columns of the wide form).
    pub fn also(&mut self, i: usize) {
        if let Err(at) = self.columns.binary_search_by_key(&i, |(c, _)| *c) {
            self.columns.insert(at, (i, Rule::Any));
        }
    }

    /// Check one row: each finding is (file column, message). A date in 统计期 is rewritten to
    /// its month.
    pub fn check(&self, row: &mut SourceRow, found: &mut Vec<(usize, String)>) {
        for &(i, rule) in &self.columns {
            let Some(text) = row.record.get(i) else {
                continue;
            };
            let kind = row.kind(i);
            if kind == CellKind::Error || (kind == CellKind::Text && is_error_text(text.trim())) {
                found.push((
                    i,
                    format!(
                        "单元格是公式错误值 {}，不是有效的值；请改正公式或填入数值 (error cell)",
                        text.trim()
                    ),
                ));
                continue;
            }
            if kind != CellKind::Number {
                continue;
            }
            match rule {
                Rule::IdNumber => found.push((i, numeric_id_message(text))),
                Rule::Code if !exact_whole_number(text) => found.push((
                    i,
                    format!(
                        "{text:?} 是数字单元格，不是完整的代码：带小数，或超过 15 位（Excel 的数字只保留 15 位有效数字，末尾已丢失）；请把这一列的单元格格式设为“文本”后重新录入 (code stored as a number)"
                    ),
                )),
                Rule::Period if text.contains('.') => found.push((
                    i,
                    format!(
                        "统计期 {text} 是数字单元格：2019.10 存成数字就是 2019.1，分不清是 1 月还是 10 月；请写成 2019-10 或 2019年10月，或把这一列设为“文本” (period stored as a number)"
                    ),
                )),
                _ => {}
            }
        }
        if let Some(p) = self.period {
            if row.kind(p) == CellKind::Date {
                let month: String = row.record.get(p).unwrap_or("").chars().take(7).collect();
                row.record = row
                    .record
                    .iter()
                    .enumerate()
                    .map(|(i, c)| if i == p { month.as_str() } else { c })
                    .collect();
            }
        }
    }
}

fn numeric_id_message(text: &str) -> String {
    let shown = if text.len() >= 15 {
        format!("，现在只剩 {}", mask_id_number(text))
    } else {
        String::new()
    };
    format!(
        "证件号码是数字单元格：18 位号码存成数字时 Excel 只保留 15 位有效数字，末尾几位已经丢失{shown}，只改单元格格式也找不回来；请把这一列的单元格格式设为“文本”后重新录入号码，或从原系统重新导出 (ID number stored as a number)"
    )
}

/// A whole number of at most 15 digits, as the text of a number cell: Excel kept it exactly.
fn exact_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The error values of Excel and WPS as a cell shows them, and LibreOffice's `Err:502` form.
pub(crate) fn is_error_text(text: &str) -> bool {
    const ERRORS: &[&str] = &[
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
        "#DATA!",
    ];
    match text.as_bytes().first() {
        Some(b'#') => ERRORS.iter().any(|e| text.eq_ignore_ascii_case(e)),
        Some(b'E') => text
            .strip_prefix("Err:")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::contract::HOUSEHOLDS;

    fn row(cells: &[(&str, CellKind)]) -> SourceRow {
        SourceRow {
            line: 5,
            record: cells.iter().map(|(c, _)| *c).collect(),
            kinds: cells.iter().map(|(_, k)| *k).collect(),
        }
    }

    fn rules() -> CellRules {
        let header: csv::StringRecord = ["统计期", "户编号", "证件号码", "户主姓名", "家庭人口"]
            .into_iter()
            .collect();
        CellRules::for_header(&Header::map(&header, HOUSEHOLDS).0)
    }

    use CellKind::*;

    #[test]
    fn error_cells_numeric_ids_and_codes() {
        let mut r = row(&[
            ("2019-03", Text),
            ("211321100201001", Number),
            ("110105194912310000", Number),
            ("#N/A", Text),
            ("#DIV/0!", Error),
        ]);
        let mut found = Vec::new();
        rules().check(&mut r, &mut found);
        let columns: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
        assert_eq!(columns, [2, 3, 4]);
        assert!(found[0].1.contains("1101**********0000") && found[0].1.contains("文本"));
        assert!(found[1].1.contains("#N/A"), "{}", found[1].1);
        // A 16-digit or fractional code lost digits; a text cell of digits is text.
        let mut r = row(&[
            ("2019-03", Text),
            ("2113211002010011", Number),
            ("11010519491231002X", Text),
        ]);
        found.clear();
        rules().check(&mut r, &mut found);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("不是完整的代码"), "{}", found[0].1);
    }

    #[test]
    fn dates_in_the_period_column_are_their_month() {
        let mut r = row(&[("2019-03-01", Date), ("H1", Text)]);
        let mut found = Vec::new();
        rules().check(&mut r, &mut found);
        assert!(found.is_empty());
        assert_eq!(&r.record[0], "2019-03");
        assert_eq!(&r.record[1], "H1");
        let mut r = row(&[("2019.1", Number)]);
        rules().check(&mut r, &mut found);
        assert!(found[0].1.contains("分不清"), "{}", found[0].1);
        let mut r = row(&[("201903", Number)]);
        found.clear();
        rules().check(&mut r, &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn error_texts() {
        for e in ["#N/A", "#n/a", "#DIV/0!", "#VALUE!", "Err:502"] {
            assert!(is_error_text(e), "{e}");
        }
        for t in ["#1", "N/A", "Err:", "Error", "#", ""] {
            assert!(!is_error_text(t), "{t}");
        }
    }
}
