//! The words every rendering of a check shares: a criterion's rule, the names of a level, the
//! summary line of a report, the household standards by code. The text renderers (`render.rs`)
//! and the workbook (`render_xlsx.rs`) both use them, so a table and a sheet say the same.

use super::result::Tally;
use crate::model::criteria::{Criterion, Operator};
use crate::model::household;
use crate::model::period::Period;
use crate::model::region::Level;
use crate::output::figure;

/// A criterion's rule: `< 2%`, `≥ 50,000 元/年`, `= 是`, `> 全省`.
pub fn rule_text(c: &Criterion) -> String {
    let op = c.operator.symbol();
    match (c.threshold, c.threshold_ref.as_deref()) {
        (Some(t), _) => format!("{op} {}", figure::exact(t, &c.unit)),
        (None, Some("province")) => format!("{op} 全省"),
        (None, Some(other)) => format!("{op} {other}"),
        (None, None) => op.to_string(),
    }
}

/// A rule with the documents' way of reading its bound: `≤ 2% 即“降至2%以下”（含本数）` where a
/// national document words it, `≥ 50,000 元/年（含本数）`, `< 2%（不含本数）`, `= 是`.
pub fn bound_text(c: &Criterion) -> String {
    let rule = rule_text(c);
    let words = inclusive_words(c.operator);
    match c.documented() {
        Some(d) if !c.differs_from_documents() => format!("{rule} 即“{}”{words}", d.wording),
        _ => format!("{rule}{words}"),
    }
}

fn inclusive_words(op: Operator) -> &'static str {
    match op.inclusive() {
        Some(true) => "（含本数）",
        Some(false) => "（不含本数）",
        None => "",
    }
}

/// For a rule that differs from the bound a document states: what the document says.
pub fn documents_differ_text(c: &Criterion) -> Option<String> {
    let d = c.documented().filter(|_| c.differs_from_documents())?;
    Some(format!(
        "与文件不同：{}为 {} {} 即“{}”{}，本库为 {} (differs from the documents)",
        d.source,
        d.operator.symbol(),
        figure::exact(d.threshold, &c.unit),
        d.wording,
        inclusive_words(d.operator),
        rule_text(c)
    ))
}

/// (title of the check, the region word, the registered-poor word) of a level.
pub fn level_words(level: Level) -> (&'static str, &'static str, &'static str) {
    match level {
        Level::County => ("县级退出核查", "县", "贫困县"),
        _ => ("村级退出核查", "村", "贫困村"),
    }
}

/// The summary line above a table.
pub fn summary(level: Level, period: Period, t: Tally) -> String {
    let (title, unit, _) = level_words(level);
    format!(
        "{title}  统计期 {period}  共 {} 个{unit}：达标 {}，未达标 {}，无法判定 {}",
        t.total(),
        t.pass,
        t.fail,
        t.undetermined
    )
}

/// Household standards by code and name: `H1 人均纯收入高于扶贫标准、H4 …`.
pub fn standards_text(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|code| format!("{code} {}", household::standard_name(code)))
        .collect::<Vec<_>>()
        .join("、")
}

/// The failed standards, each with the member row behind it where the register names one:
/// `H3 义务教育有保障（第 14 行 之子 在校生状况 = 辍学）`.
pub fn failed_text(h: &super::households::HouseholdFinding) -> String {
    h.failed
        .iter()
        .map(|code| {
            let text = standards_text(&[code]);
            match h.evidence.iter().find(|e| e.standard == *code) {
                Some(e) => format!("{text}（{}）", e.text()),
                None => text,
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}
