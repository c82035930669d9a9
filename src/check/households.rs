//! Households: suspected wrong exits (疑似错退) and the anti-return-to-poverty monitoring list
//! (防返贫监测), from each county's register snapshot as of a month.
//!
//! Only 已脱贫 households are listed: 未脱贫 and 返贫 households are already supported. A standard
//! that is not reported is listed as unknown, never as failed. H1 compares the per-capita income with
//! the poverty line of the checked month's year (or the latest earlier year: the line was last set for
//! 2020); income equal to the line fails ("above the line").

use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::Result;
use rusqlite::{params, Connection};

use super::asof::{checked_county, max_age_months, resolve_period, DEFAULT_MONITORING_THRESHOLD};
use super::inputs::Sources;
use super::register;
use crate::model::household::{self, HouseholdStatus, Test, STANDARDS};
use crate::model::period::Period;

/// One household on the list. Names are never included; the ID number only masked.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HouseholdFinding {
    pub household_id: String,
    pub village_code: String,
    pub status: HouseholdStatus,
    /// Standards the household fails (H1–H6).
    pub failed: Vec<&'static str>,
    /// Standards not reported for the household.
    pub unknown: Vec<&'static str>,
    /// 已脱贫 and failing a standard: 疑似错退.
    pub suspected_wrong_exit: bool,
    /// 已脱贫 with income under the monitoring threshold: 防返贫监测.
    pub monitoring: bool,
    pub income_per_capita: f64,
    pub id_masked: Option<String>,
    /// Import file and line of the household's row.
    pub source: String,
}

/// A register used by the household check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegisterUsed {
    pub county_code: String,
    pub period: Period,
    pub file_name: String,
    /// False when the snapshot is older than the value-age limit (its households are not listed).
    pub used: bool,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HouseholdReport {
    pub period: Period,
    pub kind: &'static str,
    /// The poverty line H1 compares with: (year, yuan); None when there is none for the year.
    pub poverty_line_year: Option<i32>,
    pub poverty_line: Option<f64>,
    pub monitoring_threshold: f64,
    pub registers: Vec<RegisterUsed>,
    pub households: Vec<HouseholdFinding>,
}

impl HouseholdReport {
    pub fn suspected(&self) -> usize {
        self.households
            .iter()
            .filter(|h| h.suspected_wrong_exit)
            .count()
    }
    pub fn monitored(&self) -> usize {
        self.households.iter().filter(|h| h.monitoring).count()
    }
}

// Exited households of one snapshot month failing a standard or under the monitoring threshold, in the
// counties of the JSON array ?4. ?2 poverty line (NULL: H1 unknown), ?3 monitoring threshold. The
// standards' columns and test come from model::household::STANDARDS, so it is built once, from
// constants: the reported columns are 4.. in STANDARDS order, then id_masked, batch_id, line.
fn household_findings() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "SELECT h.household_id, h.village_code, h.status, h.income_per_capita,
                    {reported},
                    h.id_masked, h.batch_id, h.line
             FROM household_snapshot h
             JOIN region v ON v.code = h.village_code
             JOIN region t ON t.code = v.parent_code
             WHERE h.period = ?1 AND h.status = '{exited}'
               AND ({fails} OR h.income_per_capita < ?3)
               AND t.parent_code IN (SELECT value FROM json_each(?4))
             ORDER BY h.village_code, h.household_id",
            reported = household::reported_columns_sql("h"),
            exited = HouseholdStatus::Exited.code(),
            fails = household::fails_any_sql("h", "?2"),
        )
    })
}

/// Exited households that fail a household standard (疑似错退) or whose income is under the
/// monitoring threshold (防返贫监测; meta `monitoring_income_threshold` unless `threshold` is given),
/// in each county's register snapshot as of `period` (None: the latest month with data).
pub fn check_households(
    conn: &Connection,
    period: Option<Period>,
    county: Option<&str>,
    threshold: Option<f64>,
) -> Result<HouseholdReport> {
    let county = checked_county(conn, county)?;
    let period = resolve_period(conn, period)?;
    let max_age = max_age_months(conn)?;
    let monitoring_threshold = match threshold {
        Some(t) => t,
        None => crate::db::setting::<f64>(conn, "monitoring_income_threshold")?
            .unwrap_or(DEFAULT_MONITORING_THRESHOLD),
    };
    let line = register::poverty_line(conn, period.year())?;
    let sources = Sources::load(conn)?;
    let snapshots = register::latest_snapshots(conn, period, county)?;
    let mut registers: Vec<RegisterUsed> = snapshots
        .values()
        .map(|s| RegisterUsed {
            county_code: s.county_code.clone(),
            period: s.period,
            file_name: s.file_name.clone(),
            used: s.period.months_until(period) <= max_age,
        })
        .collect();
    registers.sort_by(|a, b| a.county_code.cmp(&b.county_code));

    let mut by_period: HashMap<Period, Vec<&str>> = HashMap::new();
    for r in registers.iter().filter(|r| r.used) {
        by_period.entry(r.period).or_default().push(&r.county_code);
    }
    let mut households = Vec::new();
    let mut stmt = conn.prepare_cached(household_findings())?;
    for (snap_period, counties) in by_period {
        let counties = serde_json::to_string(&counties)?;
        let mut rows = stmt.query(params![
            snap_period,
            line.map(|l| l.1),
            monitoring_threshold,
            counties
        ])?;
        while let Some(r) = rows.next()? {
            let income: f64 = r.get(3)?;
            let mut failed = Vec::new();
            let mut unknown = Vec::new();
            let mut column = 4;
            for s in &STANDARDS {
                let fact = match s.test {
                    Test::IncomeAboveLine => line.map(|(_, yuan)| income > yuan),
                    Test::Reported(_) => {
                        column += 1;
                        r.get::<_, Option<bool>>(column - 1)?
                    }
                };
                match fact {
                    Some(false) => failed.push(s.code),
                    None => unknown.push(s.code),
                    Some(true) => {}
                }
            }
            let batch: i64 = r.get(column + 1)?;
            let line_no: i64 = r.get(column + 2)?;
            households.push(HouseholdFinding {
                household_id: r.get(0)?,
                village_code: r.get(1)?,
                status: r.get(2)?,
                suspected_wrong_exit: !failed.is_empty(),
                monitoring: income < monitoring_threshold,
                failed,
                unknown,
                income_per_capita: income,
                id_masked: r.get(column)?,
                source: sources.cite(Some((batch, line_no)), None),
            });
        }
    }
    households.sort_by(|a, b| {
        (&a.village_code, &a.household_id).cmp(&(&b.village_code, &b.household_id))
    });
    Ok(HouseholdReport {
        period,
        kind: "households",
        poverty_line_year: line.map(|l| l.0),
        poverty_line: line.map(|l| l.1),
        monitoring_threshold,
        registers,
        households,
    })
}
