//! 防返贫监测 (monitoring against a return to poverty) as data: per year, the income line below which
//! an exited household goes on the monitoring list, either a fixed line (Liaoning: 5,000 yuan in
//! 2019 and 2020) or a multiple of that year's poverty line (the 2020 national guideline: about
//! 1.5 ×). Table `monitoring_rule`, loaded from data/monitoring.csv by `init`.
//!
//! A month is judged by the rule of its year, else of the latest earlier year; before the first
//! rule there is no income line. Households the county flags (`household::MonitoringKind`) are on
//! the list whatever their income.

use anyhow::{bail, Result};
use rusqlite::{params, Connection, OptionalExtension};

/// How a year's line is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A fixed line, yuan per person and year.
    Fixed,
    /// A multiple of the year's national poverty line.
    PovertyLineMultiple,
}

impl RuleKind {
    pub const ALL: [RuleKind; 2] = [RuleKind::Fixed, RuleKind::PovertyLineMultiple];

    /// The code stored in the database, written in data/monitoring.csv and JSON.
    pub fn code(self) -> &'static str {
        match self {
            RuleKind::Fixed => "fixed",
            RuleKind::PovertyLineMultiple => "poverty_line_multiple",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            RuleKind::Fixed => "固定监测线",
            RuleKind::PovertyLineMultiple => "扶贫标准的倍数",
        }
    }

    pub fn from_code(code: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

crate::model::stored_as_code!(RuleKind, "监测线规则");

/// The 防返贫监测 rule of one year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MonitoringRule {
    pub year: i32,
    pub kind: RuleKind,
    /// Yuan for a fixed line, the factor for a multiple.
    pub value: f64,
    pub note: Option<String>,
}

impl MonitoringRule {
    /// The line in yuan, given the poverty line of the year checked (None when the rule is a
    /// multiple and there is no poverty line).
    pub fn line(&self, poverty_line: Option<f64>) -> Option<f64> {
        match self.kind {
            RuleKind::Fixed => Some(self.value),
            RuleKind::PovertyLineMultiple => poverty_line.map(|p| p * self.value),
        }
    }

    /// Read one rule as data/monitoring.csv writes it; the error is a sentence for the user.
    pub fn parse(
        year: i64,
        kind: &str,
        value: f64,
    ) -> std::result::Result<(i32, RuleKind, f64), String> {
        if !(2000..=2100).contains(&year) {
            return Err(format!("年份 {year} 应在 2000–2100 之间"));
        }
        let Some(kind) = RuleKind::from_code(kind.trim()) else {
            return Err(format!(
                "规则 {kind:?} 无效；应为 fixed（固定监测线，元）或 poverty_line_multiple（扶贫标准的倍数）"
            ));
        };
        let ok = match kind {
            RuleKind::Fixed => value > 0.0 && value.is_finite(),
            RuleKind::PovertyLineMultiple => value > 0.0 && value <= 10.0,
        };
        if !ok {
            return Err(match kind {
                RuleKind::Fixed => format!("固定监测线 {value} 应为正的元数"),
                RuleKind::PovertyLineMultiple => format!("倍数 {value} 应大于 0、不超过 10"),
            });
        }
        Ok((year as i32, kind, value))
    }
}

/// The scale the 2020 guideline expects of the list: about 5% of the registered population, at most
/// 10% in deep-poverty areas. A longer list usually means a wrong line.
pub const EXPECTED_SHARE_PERCENT: f64 = 5.0;
pub const DEEP_POVERTY_SHARE_PERCENT: f64 = 10.0;

const INSERT_RULE: &str =
    "INSERT INTO monitoring_rule (year, kind, value, note) VALUES (?1, ?2, ?3, ?4)";

pub fn insert(conn: &Connection, r: &MonitoringRule) -> Result<()> {
    let n = conn
        .prepare_cached(INSERT_RULE)?
        .execute(params![r.year, r.kind, r.value, r.note]);
    match n {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            bail!("{} 年的监测线规则重复", r.year)
        }
        Err(e) => Err(e.into()),
    }
}

const SELECT_RULES: &str = "SELECT year, kind, value, note FROM monitoring_rule";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<MonitoringRule> {
    Ok(MonitoringRule {
        year: r.get(0)?,
        kind: r.get(1)?,
        value: r.get(2)?,
        note: r.get(3)?,
    })
}

/// Every rule, by year.
pub fn all(conn: &Connection) -> Result<Vec<MonitoringRule>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_RULES} ORDER BY year"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rule that applies to `year`: its own, else the latest earlier one.
pub fn for_year(conn: &Connection, year: i32) -> Result<Option<MonitoringRule>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT_RULES} WHERE year <= ?1 ORDER BY year DESC LIMIT 1"
        ))?
        .query_row([year], from_row)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_a_fixed_line_or_a_multiple_of_the_poverty_line() {
        let fixed = MonitoringRule {
            year: 2019,
            kind: RuleKind::Fixed,
            value: 5000.0,
            note: None,
        };
        assert_eq!(fixed.line(Some(3747.0)), Some(5000.0));
        assert_eq!(fixed.line(None), Some(5000.0));
        let multiple = MonitoringRule {
            kind: RuleKind::PovertyLineMultiple,
            value: 1.5,
            ..fixed
        };
        assert_eq!(multiple.line(Some(4000.0)), Some(6000.0));
        assert_eq!(multiple.line(None), None);
        assert_eq!(
            MonitoringRule::parse(2020, "poverty_line_multiple", 1.5),
            Ok((2020, RuleKind::PovertyLineMultiple, 1.5))
        );
        assert!(MonitoringRule::parse(2020, "poverty_line_multiple", 1500.0).is_err());
        assert!(MonitoringRule::parse(2020, "fixed", 0.0).is_err());
        assert!(MonitoringRule::parse(1999, "fixed", 5000.0).is_err());
        assert!(MonitoringRule::parse(2020, "ratio", 1.5)
            .unwrap_err()
            .contains("poverty_line_multiple"));
    }
}
