//! Households: suspected wrong exits (疑似错退) and the anti-return-to-poverty monitoring list
//! (防返贫监测), from each county's register snapshot as of a month.
//!
//! 疑似错退 are 已脱贫 households failing a standard. A standard that is not reported is listed as
//! unknown, never as failed. H1 compares the per-capita income with the poverty line of the checked
//! month's year (or the latest earlier year: the line was last set for 2020); income equal to the
//! line fails ("above the line").
//!
//! 防返贫监测 lists (a) 已脱贫 households whose income is below the monitoring line of the checked
//! month's year (`model::monitoring`: a fixed line or a multiple of the poverty line; `--threshold`
//! overrides it), and (b) every household the county flagged in 监测对象类别, whatever its income
//! and status: the flag is the county's judgement (a 突发严重困难户 can have any income; a flagged
//! 脱贫不稳定户 or 边缘易致贫户 above the line is listed too, its income shown beside the line). Each
//! household says which rule listed it. A list above 5% of the registered population (the
//! guideline's expected scale; 10% in deep-poverty areas) is warned about: it usually means a wrong
//! line.

use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::Result;
use rusqlite::{params, Connection};

use super::asof::{checked_county, max_age_months, resolve_period};
use super::inputs::Sources;
use super::register;
use crate::model::evidence::{self, Evidence};
use crate::model::household::{self, HouseholdStatus, MonitoringKind, Test, STANDARDS};
use crate::model::monitoring::{
    self, RuleKind, DEEP_POVERTY_SHARE_PERCENT, EXPECTED_SHARE_PERCENT,
};
use crate::model::period::Period;
use crate::output::number::number;

/// Why a household is on the monitoring list. Serialised as `income_below_line`,
/// `flagged_unstable`, `flagged_marginal`, `flagged_sudden_hardship`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonitoringReason {
    /// 已脱贫 with per-capita income below the monitoring line.
    IncomeBelowLine,
    /// Flagged by the county in 监测对象类别 (takes precedence: it is the county's own judgement).
    Flagged(MonitoringKind),
}

impl MonitoringReason {
    pub fn code(self) -> &'static str {
        match self {
            MonitoringReason::IncomeBelowLine => "income_below_line",
            MonitoringReason::Flagged(MonitoringKind::Unstable) => "flagged_unstable",
            MonitoringReason::Flagged(MonitoringKind::Marginal) => "flagged_marginal",
            MonitoringReason::Flagged(MonitoringKind::SuddenHardship) => "flagged_sudden_hardship",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            MonitoringReason::IncomeBelowLine => "收入低于监测线",
            MonitoringReason::Flagged(k) => k.chinese(),
        }
    }
}

impl serde::Serialize for MonitoringReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

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
    /// On the 防返贫监测 list.
    pub monitoring: bool,
    /// Which rule put it on the list (None when it is not on it).
    pub monitoring_reason: Option<MonitoringReason>,
    /// The county's 监测对象类别, if any.
    pub monitoring_kind: Option<MonitoringKind>,
    /// The income line it was compared with (None: no line for the year).
    pub monitoring_line: Option<f64>,
    pub income_per_capita: f64,
    /// Household size: the people the monitoring share counts.
    pub size: i64,
    pub id_masked: Option<String>,
    /// Import file and line of the household's row.
    pub source: String,
    /// For a household of the national export, the member row behind each failed standard.
    pub evidence: Vec<Evidence>,
}

/// A register used by the household check.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegisterUsed {
    pub county_code: String,
    pub period: Period,
    pub file_name: String,
    /// False when the snapshot is older than the value-age limit (its households are not listed).
    pub used: bool,
    /// People of all registered households of the snapshot (0 when not used).
    pub registered_people: i64,
    /// People of its households on the monitoring list.
    pub monitored_people: i64,
}

/// The monitoring line the check used, and where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MonitoringLine {
    /// `fixed`, `poverty_line_multiple`, or `override` (`--threshold`).
    pub kind: &'static str,
    /// The year of the rule (None for an override).
    pub year: Option<i32>,
    /// Yuan for a fixed line or an override, the factor for a multiple.
    pub value: f64,
    /// The line in yuan; None when a multiple has no poverty line to multiply.
    pub line: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HouseholdReport {
    pub period: Period,
    pub kind: &'static str,
    /// The poverty line H1 compares with: (year, yuan); None when there is none for the year.
    pub poverty_line_year: Option<i32>,
    pub poverty_line: Option<f64>,
    /// The 防返贫监测 income line in yuan; None when no rule applies to the year.
    pub monitoring_threshold: Option<f64>,
    /// The rule behind it; None when there is none for the year (flagged households are still
    /// listed).
    pub monitoring_rule: Option<MonitoringLine>,
    pub registers: Vec<RegisterUsed>,
    pub households: Vec<HouseholdFinding>,
    /// Things a reader should look at: a list larger than the guideline expects, no line.
    pub warnings: Vec<String>,
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
    /// Households on the list because the county flagged them.
    pub fn flagged(&self) -> usize {
        self.households
            .iter()
            .filter(|h| matches!(h.monitoring_reason, Some(MonitoringReason::Flagged(_))))
            .count()
    }
}

// The snapshot each county's households come from, as the JSON array ?1 of [county, month]
// pairs; every household query below reads only the months of these pairs.
const USED: &str = "WITH used(county, period) AS (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))";

// Households that are exited and fail a standard or are under the monitoring line, or that the
// county flagged, in the used snapshots, in village and household order. ?2 poverty line (NULL:
// H1 unknown), ?3 monitoring line (NULL: none). The standards' columns and test come from
// model::household::STANDARDS, so it is built once, from constants: the reported columns are
// 4.. in STANDARDS order, then id_masked, batch_id, line, monitoring_kind, size, the county, the
// snapshot month.
fn household_findings() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "{USED}
             SELECT h.household_id, h.village_code, h.status, h.income_per_capita,
                    {reported},
                    h.id_masked, h.batch_id, h.line, h.monitoring_kind, h.size, t.parent_code,
                    h.period
             FROM used u
             JOIN household_snapshot h ON h.period = u.period
             JOIN region v ON v.code = h.village_code
             JOIN region t ON t.code = v.parent_code AND t.parent_code = u.county
             WHERE ({listed})
             ORDER BY h.village_code, h.household_id",
            reported = household::reported_columns_sql("h"),
            listed = listed_sql(),
        )
    })
}

/// On either list: the condition of [`household_findings`].
fn listed_sql() -> String {
    format!(
        "(h.status = '{exited}' AND ({fails} OR h.income_per_capita < ?3)) OR h.monitoring_kind IS NOT NULL",
        exited = HouseholdStatus::Exited.code(),
        fails = household::fails_any_sql("h", "?2"),
    )
}

// Per county of the used snapshots: its registered people, the people and households on the
// monitoring list, the suspected wrong exits and the flagged households, counted with the
// conditions the findings are decided with, so that the heading of a list (and the registers
// and warnings JSON puts before the households) is known before the first household.
fn household_counts() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        format!(
            "{USED}
             SELECT u.county, sum(h.size),
                    sum(CASE WHEN {monitored} THEN h.size ELSE 0 END),
                    sum(CASE WHEN {monitored} THEN 1 ELSE 0 END),
                    sum(CASE WHEN h.status = '{exited}' AND ({fails}) THEN 1 ELSE 0 END),
                    sum(h.monitoring_kind IS NOT NULL)
             FROM used u
             JOIN household_snapshot h ON h.period = u.period
             JOIN region v ON v.code = h.village_code
             JOIN region t ON t.code = v.parent_code AND t.parent_code = u.county
             GROUP BY u.county",
            monitored = format!(
                "h.monitoring_kind IS NOT NULL OR (h.status = '{}' AND h.income_per_capita < ?3)",
                HouseholdStatus::Exited.code()
            ),
            exited = HouseholdStatus::Exited.code(),
            fails = household::fails_any_sql("h", "?2"),
        )
    })
}

/// The monitoring line for `period`: `threshold` when given, else the rule of the period's year.
fn monitoring_line(
    conn: &Connection,
    period: Period,
    threshold: Option<f64>,
    poverty_line: Option<f64>,
) -> Result<Option<MonitoringLine>> {
    if let Some(t) = threshold {
        return Ok(Some(MonitoringLine {
            kind: "override",
            year: None,
            value: t,
            line: Some(t),
        }));
    }
    Ok(
        monitoring::for_year(conn, period.year())?.map(|rule| MonitoringLine {
            kind: rule.kind.code(),
            year: Some(rule.year),
            value: rule.value,
            line: rule.line(poverty_line),
        }),
    )
}

/// A household check as of a month, ready to run: the lines, the registers with their counts and
/// the warnings are known when it is made (one grouped pass over the used snapshots); the
/// households themselves are read, in village and household order, by [`HouseholdCheck::for_each`],
/// so that a national list is written as it is read, never held.
pub struct HouseholdCheck<'c> {
    conn: &'c Connection,
    sources: Sources,
    /// The used snapshots as the JSON array of [county, month] pairs the queries take.
    used: String,
    line: Option<(i32, f64)>,
    pub period: Period,
    pub monitoring_threshold: Option<f64>,
    pub monitoring_rule: Option<MonitoringLine>,
    pub registers: Vec<RegisterUsed>,
    pub warnings: Vec<String>,
    suspected: usize,
    monitored: usize,
    flagged: usize,
}

/// What JSON says before the households, in the order of [`HouseholdReport`].
#[derive(serde::Serialize)]
struct Head<'a> {
    period: Period,
    kind: &'static str,
    poverty_line_year: Option<i32>,
    poverty_line: Option<f64>,
    monitoring_threshold: Option<f64>,
    monitoring_rule: &'a Option<MonitoringLine>,
    registers: &'a [RegisterUsed],
}

impl<'c> HouseholdCheck<'c> {
    /// Exited households that fail a household standard (疑似错退), and the 防返贫监测 list
    /// (income under the year's line, `threshold` overriding it, or flagged by the county), in each
    /// county's register snapshot as of `period` (None: the latest month with data).
    pub fn new(
        conn: &'c Connection,
        period: Option<Period>,
        county: Option<&str>,
        threshold: Option<f64>,
    ) -> Result<HouseholdCheck<'c>> {
        let county = checked_county(conn, county)?;
        let period = resolve_period(conn, period)?;
        let max_age = max_age_months(conn)?;
        let line = register::poverty_line(conn, period.year())?;
        let rule = monitoring_line(conn, period, threshold, line.map(|l| l.1))?;
        let monitoring_threshold = rule.as_ref().and_then(|r| r.line);
        let snapshots = register::latest_snapshots(conn, period, county)?;
        let mut registers: Vec<RegisterUsed> = snapshots
            .values()
            .map(|s| RegisterUsed {
                county_code: s.county_code.clone(),
                period: s.period,
                file_name: s.file_name.clone(),
                used: s.period.months_until(period) <= max_age,
                registered_people: 0,
                monitored_people: 0,
            })
            .collect();
        registers.sort_by(|a, b| a.county_code.cmp(&b.county_code));
        let pairs: Vec<(&str, Period)> = registers
            .iter()
            .filter(|r| r.used)
            .map(|r| (r.county_code.as_str(), r.period))
            .collect();
        let used = serde_json::to_string(&pairs)?;
        let (mut suspected, mut monitored, mut flagged) = (0, 0, 0);
        let mut by_county: HashMap<String, (i64, i64)> = HashMap::new();
        let mut stmt = conn.prepare_cached(household_counts())?;
        let mut rows = stmt.query(params![used, line.map(|l| l.1), monitoring_threshold])?;
        while let Some(r) = rows.next()? {
            let people = r.get::<_, Option<i64>>(1)?.unwrap_or(0);
            by_county.insert(r.get(0)?, (people, r.get(2)?));
            monitored += r.get::<_, i64>(3)? as usize;
            suspected += r.get::<_, i64>(4)? as usize;
            flagged += r.get::<_, i64>(5)? as usize;
        }
        drop(rows);
        for r in registers.iter_mut().filter(|r| r.used) {
            let (people, on_list) = by_county.get(&r.county_code).copied().unwrap_or((0, 0));
            r.registered_people = people;
            r.monitored_people = on_list;
        }
        let warnings = warnings(&registers, rule.as_ref(), period);
        Ok(HouseholdCheck {
            conn,
            sources: Sources::load(conn)?,
            used,
            line,
            period,
            monitoring_threshold,
            monitoring_rule: rule,
            registers,
            warnings,
            suspected,
            monitored,
            flagged,
        })
    }

    pub fn poverty_line_year(&self) -> Option<i32> {
        self.line.map(|l| l.0)
    }
    pub fn poverty_line(&self) -> Option<f64> {
        self.line.map(|l| l.1)
    }
    pub fn suspected(&self) -> usize {
        self.suspected
    }
    pub fn monitored(&self) -> usize {
        self.monitored
    }
    /// Households on the list because the county flagged them.
    pub fn flagged(&self) -> usize {
        self.flagged
    }

    /// The JSON of a [`HouseholdReport`] up to its households, as `to_writer_pretty` writes it.
    pub fn json_head(&self) -> Result<String> {
        let head = serde_json::to_string_pretty(&Head {
            period: self.period,
            kind: "households",
            poverty_line_year: self.poverty_line_year(),
            poverty_line: self.poverty_line(),
            monitoring_threshold: self.monitoring_threshold,
            monitoring_rule: &self.monitoring_rule,
            registers: &self.registers,
        })?;
        // Drop the closing brace: the households and the warnings follow.
        Ok(head.trim_end_matches('}').trim_end().to_string())
    }

    /// Every household on either list, in village and household order, handed to `f` as it is
    /// read.
    pub fn for_each(&self, f: &mut dyn FnMut(&HouseholdFinding) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(household_findings())?;
        let mut rows = stmt.query(params![
            self.used,
            self.poverty_line(),
            self.monitoring_threshold
        ])?;
        while let Some(r) = rows.next()? {
            f(&self.finding(r)?)?;
        }
        Ok(())
    }

    fn finding(&self, r: &rusqlite::Row) -> Result<HouseholdFinding> {
        let income: f64 = r.get(3)?;
        let status: HouseholdStatus = r.get(2)?;
        let mut failed = Vec::new();
        let mut unknown = Vec::new();
        let mut column = 4;
        for s in &STANDARDS {
            let fact = match s.test {
                Test::IncomeAboveLine => self.line.map(|(_, yuan)| income > yuan),
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
        let kind: Option<MonitoringKind> = r.get(column + 3)?;
        let below = status == HouseholdStatus::Exited
            && self.monitoring_threshold.is_some_and(|t| income < t);
        let reason = match kind {
            Some(k) => Some(MonitoringReason::Flagged(k)),
            None if below => Some(MonitoringReason::IncomeBelowLine),
            None => None,
        };
        let household_id: String = r.get(0)?;
        let evidence = if failed.is_empty() {
            Vec::new()
        } else {
            evidence::for_household(self.conn, r.get(column + 6)?, &household_id)?
        };
        Ok(HouseholdFinding {
            household_id,
            village_code: r.get(1)?,
            status,
            suspected_wrong_exit: status == HouseholdStatus::Exited && !failed.is_empty(),
            monitoring: reason.is_some(),
            monitoring_reason: reason,
            monitoring_kind: kind,
            monitoring_line: self.monitoring_threshold,
            failed,
            unknown,
            income_per_capita: income,
            size: r.get(column + 4)?,
            id_masked: r.get(column)?,
            source: self.sources.cite(Some((batch, line_no)), None),
            evidence,
        })
    }

    /// The whole report, collected (for callers that need every household at once).
    pub fn collect(&self) -> Result<HouseholdReport> {
        let mut households = Vec::new();
        self.for_each(&mut |h| {
            households.push(h.clone());
            Ok(())
        })?;
        Ok(HouseholdReport {
            period: self.period,
            kind: "households",
            poverty_line_year: self.poverty_line_year(),
            poverty_line: self.poverty_line(),
            monitoring_threshold: self.monitoring_threshold,
            monitoring_rule: self.monitoring_rule.clone(),
            registers: self.registers.clone(),
            households,
            warnings: self.warnings.clone(),
        })
    }
}

/// Households of each county's register snapshot as of `period`, collected: see
/// [`HouseholdCheck::new`].
pub fn check_households(
    conn: &Connection,
    period: Option<Period>,
    county: Option<&str>,
    threshold: Option<f64>,
) -> Result<HouseholdReport> {
    HouseholdCheck::new(conn, period, county, threshold)?.collect()
}

/// A list longer than the guideline expects (per county, and over all), or no line at all.
fn warnings(
    registers: &[RegisterUsed],
    rule: Option<&MonitoringLine>,
    period: Period,
) -> Vec<String> {
    let mut out = Vec::new();
    match rule {
        None => out.push(format!(
            "{} 年及以前没有防返贫监测线规则（data/monitoring.csv），只列出县标记的监测对象 (no monitoring line)",
            period.year()
        )),
        Some(r) if r.line.is_none() => out.push(format!(
            "{} 年的监测线为扶贫标准的 {} 倍，但没有该年的扶贫标准，只列出县标记的监测对象 (no poverty line)",
            r.year.unwrap_or(period.year()),
            number(r.value)
        )),
        Some(_) => {}
    }
    let used: Vec<&RegisterUsed> = registers.iter().filter(|r| r.used).collect();
    let mut check = |name: String, monitored: i64, registered: i64| {
        if registered <= 0 {
            return;
        }
        let share = monitored as f64 * 100.0 / registered as f64;
        if share > EXPECTED_SHARE_PERCENT {
            out.push(format!(
                "{name}防返贫监测 {} 人，占建档立卡人口 {} 人的 {}%，超过指导意见预期的约 {}%（深度贫困地区不超过 {}%）；监测线可能有误，请核对 (monitoring list larger than expected)",
                number(monitored as f64),
                number(registered as f64),
                number((share * 10.0).round() / 10.0),
                number(EXPECTED_SHARE_PERCENT),
                number(DEEP_POVERTY_SHARE_PERCENT)
            ));
        }
    };
    for r in &used {
        check(
            format!("县 {}：", r.county_code),
            r.monitored_people,
            r.registered_people,
        );
    }
    if used.len() > 1 {
        check(
            "合计：".to_string(),
            used.iter().map(|r| r.monitored_people).sum(),
            used.iter().map(|r| r.registered_people).sum(),
        );
    }
    out
}

/// How the line was set, for the summary line of tables and reports: `2019 年规则：固定监测线
/// 5,000 元`, `2020 年规则：扶贫标准 4,000 元 × 1.5`, `--threshold 6,000 元`.
pub fn rule_text(rule: &MonitoringLine, poverty_line: Option<f64>) -> String {
    match (rule.kind, rule.year) {
        ("override", _) | (_, None) => format!("--threshold {} 元", number(rule.value)),
        (kind, Some(year)) if kind == RuleKind::PovertyLineMultiple.code() => format!(
            "{year} 年规则：扶贫标准{} × {}",
            poverty_line
                .map(|p| format!(" {} 元", number(p)))
                .unwrap_or_default(),
            number(rule.value)
        ),
        (_, Some(year)) => format!(
            "{year} 年规则：{} {} 元",
            RuleKind::Fixed.chinese(),
            number(rule.value)
        ),
    }
}
