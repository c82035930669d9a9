//! `tuopin check facts`: what the bulletins state against what the register and the imports say
//! ("数字脱贫" is the bulletins' own warning).
//!
//! Every accepted fact (`model::bulletin::accepted`) whose indicator the register or an import also
//! gives is compared as of the fact's month, with the latest register snapshot of its county (or of
//! every county under it) or the latest imported value at or before that month:
//! - from the register: 建档立卡贫困户数 = households of any status, 建档立卡贫困人口数 = the sum of their
//!   家庭人口, 贫困户数 / 贫困人口 = those 未脱贫 or 返贫, 稳定脱贫户数 / 人口数 = those 已脱贫, and
//!   贫困发生率 = poor people × 100 ÷ the imported 户籍人口;
//! - from the imports: 户籍人口, 村集体经济收入, 农村低保标准, and any indicator an import gives
//!   (values a bulletin wrote are not a second source).
//!
//! A comparison agrees when the register's figure is the bulletin's as printed (within half a unit
//! of its last digit: "1.3 万亩" is 12,500–13,500), lies within a bound ("200 余人" ≥ 200, "不超过"
//! ≤, "1 至 3" inside), or, for "约/左右", within 5%; otherwise it disagrees, with the difference
//! (register − bulletin, from the nearest end of a bound). No register or import value at or before
//! the month is `no_data`. Both sources are cited: the issue and sentence, and the register snapshot
//! or the import file and line.

pub mod render;

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use rusqlite::{params, Connection, OptionalExtension};

use super::asof::checked_county;
use super::register::{self, Snapshot};
use crate::model::bulletin::{self, AcceptedFact};
use crate::model::household::HouseholdStatus;
use crate::model::indicator::Qualifier;
use crate::model::period::Period;
use crate::model::region::Level;

/// The outcome of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactStatus {
    Agree,
    Disagree,
    NoData,
}

impl FactStatus {
    pub fn code(self) -> &'static str {
        match self {
            FactStatus::Agree => "agree",
            FactStatus::Disagree => "disagree",
            FactStatus::NoData => "no_data",
        }
    }

    pub fn chinese(self) -> &'static str {
        match self {
            FactStatus::Agree => "一致",
            FactStatus::Disagree => "不一致",
            FactStatus::NoData => "无数据",
        }
    }
}

/// One accepted fact against the register or the imports.
#[derive(Debug, Clone, PartialEq)]
pub struct FactComparison {
    pub fact_id: i64,
    pub region_code: String,
    pub place: String,
    pub indicator_code: String,
    pub indicator_name: String,
    /// The indicator's unit (the bulletin's value is in it too: base units).
    pub unit: String,
    pub period: Period,
    pub bulletin_value: f64,
    pub qualifier: Qualifier,
    /// As printed (200 余人), when the extractor proposed it.
    pub figure: Option<String>,
    pub register_value: Option<f64>,
    pub register_period: Option<Period>,
    pub status: FactStatus,
    /// register − bulletin (from the nearest end of a bound); Some only when they disagree.
    pub difference: Option<f64>,
    /// 第25期（总第213期，2019-03-27）：“…”
    pub bulletin_source: String,
    /// The register snapshot and what was counted, or the import file and line; for `no_data`,
    /// why there is nothing to compare with.
    pub register_source: Option<String>,
    pub why_no_data: Option<String>,
}

/// The comparisons of a `check facts` run.
#[derive(Debug, Clone, PartialEq)]
pub struct FactsReport {
    pub county: Option<String>,
    pub period: Option<Period>,
    pub comparisons: Vec<FactComparison>,
}

impl FactsReport {
    /// (agree, disagree, no data)
    pub fn tally(&self) -> (usize, usize, usize) {
        let n = |s| self.comparisons.iter().filter(|c| c.status == s).count();
        (
            n(FactStatus::Agree),
            n(FactStatus::Disagree),
            n(FactStatus::NoData),
        )
    }

    pub fn disagreements(&self) -> impl Iterator<Item = &FactComparison> {
        self.comparisons
            .iter()
            .filter(|c| c.status == FactStatus::Disagree)
    }
}

/// What the register counts for an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    Households,
    People,
    PoorHouseholds,
    PoorPeople,
    ExitedHouseholds,
    ExitedPeople,
    Incidence,
}

fn register_count(indicator: &str) -> Option<Count> {
    Some(match indicator {
        "registered_poor_households" => Count::Households,
        "registered_poor_population" => Count::People,
        "poor_households" => Count::PoorHouseholds,
        "poor_population" => Count::PoorPeople,
        "exited_poor_households" => Count::ExitedHouseholds,
        "exited_poor_population" => Count::ExitedPeople,
        "poverty_incidence" => Count::Incidence,
        _ => return None,
    })
}

/// Indicators compared with the imports even before any import gives them.
const IMPORTED_ALWAYS: &[&str] = &["population", "collective_income", "dibao_standard"];

const IMPORTED_INDICATORS: &str = "SELECT DISTINCT v.indicator_code FROM indicator_value v
     JOIN import_batch b ON b.id = v.batch_id
     WHERE b.kind <> 'reference' AND b.undone_at IS NULL";

// The latest imported value (not one a bulletin wrote) at or before the month.
const IMPORTED_VALUE: &str = "SELECT v.period, v.value, b.file_name, v.line
     FROM indicator_value v JOIN import_batch b ON b.id = v.batch_id
     WHERE v.region_code = ?1 AND v.indicator_code = ?2 AND v.period <= ?3
       AND b.kind <> 'reference' AND b.undone_at IS NULL
     ORDER BY v.period DESC LIMIT 1";

// Households and people by village and status in one county's snapshot month.
const SNAPSHOT_COUNTS: &str = "SELECT h.village_code, h.status, count(*), sum(h.size)
     FROM household_snapshot h
     WHERE h.period = ?1
       AND h.village_code IN (SELECT code FROM region_county WHERE county_code = ?2)
     GROUP BY h.village_code, h.status";

// The villages under a region (itself, for a village) and the counties they are in.
const VILLAGES_UNDER: &str = "WITH RECURSIVE under(code) AS (
        SELECT ?1 UNION ALL SELECT r.code FROM region r JOIN under u ON r.parent_code = u.code)
     SELECT r.code, c.county_code FROM region r JOIN under u ON u.code = r.code
     LEFT JOIN region_county c ON c.code = r.code
     WHERE r.level = 'village'";

const COUNTIES_UNDER: &str = "WITH RECURSIVE under(code) AS (
        SELECT ?1 UNION ALL SELECT r.code FROM region r JOIN under u ON r.parent_code = u.code)
     SELECT r.code FROM region r JOIN under u ON u.code = r.code WHERE r.level = 'county'";

const REGION_LEVEL: &str = "SELECT level FROM region WHERE code = ?1";

/// Households and people of one status group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    households: i64,
    people: i64,
}

/// A village's register: all households, the poor (未脱贫 + 返贫), the exited.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct VillageCounts {
    all: Tally,
    poor: Tally,
    exited: Tally,
}

impl std::ops::AddAssign for VillageCounts {
    fn add_assign(&mut self, o: VillageCounts) {
        for (a, b) in [
            (&mut self.all, o.all),
            (&mut self.poor, o.poor),
            (&mut self.exited, o.exited),
        ] {
            a.households += b.households;
            a.people += b.people;
        }
    }
}

struct Checker<'c> {
    conn: &'c Connection,
    /// (county, snapshot month) → village → counts.
    snapshots: HashMap<(String, Period), HashMap<String, VillageCounts>>,
}

/// Compare every accepted fact in scope (`county`: the county and the regions under it; `period`:
/// only the facts of that month) whose indicator the register or the imports give.
pub fn check_facts(
    conn: &Connection,
    county: Option<&str>,
    period: Option<Period>,
) -> Result<FactsReport> {
    let county = checked_county(conn, county)?;
    let mut imported: HashSet<String> = IMPORTED_ALWAYS.iter().map(|s| s.to_string()).collect();
    let mut stmt = conn.prepare_cached(IMPORTED_INDICATORS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        imported.insert(r.get(0)?);
    }
    let mut checker = Checker {
        conn,
        snapshots: HashMap::new(),
    };
    let mut comparisons = Vec::new();
    for fact in bulletin::accepted(conn, county, period)? {
        let count = register_count(&fact.indicator_code);
        if count.is_none() && !imported.contains(&fact.indicator_code) {
            continue;
        }
        let found = match count {
            Some(c) => checker.register_value(&fact, c)?,
            None => checker.imported_value(&fact.region_code, &fact.indicator_code, fact.period)?,
        };
        comparisons.push(compare(&fact, found));
    }
    Ok(FactsReport {
        county: county.map(str::to_string),
        period,
        comparisons,
    })
}

/// What the register or an import says, or why nothing does.
enum Found {
    Value {
        value: f64,
        period: Period,
        source: String,
    },
    Nothing(String),
}

impl Checker<'_> {
    fn imported_value(&self, region: &str, indicator: &str, period: Period) -> Result<Found> {
        let row: Option<(Period, f64, String, Option<i64>)> = self
            .conn
            .prepare_cached(IMPORTED_VALUE)?
            .query_row(params![region, indicator, period], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        Ok(match row {
            Some((p, value, file, line)) => Found::Value {
                value,
                period: p,
                source: format!("{file} 第{}行", line.unwrap_or(0)),
            },
            None => Found::Nothing(format!("{period} 及以前没有导入的值 (no imported value)")),
        })
    }

    fn register_value(&mut self, fact: &AcceptedFact, count: Count) -> Result<Found> {
        let level: Option<Level> = self
            .conn
            .prepare_cached(REGION_LEVEL)?
            .query_row([&fact.region_code], |r| r.get(0))
            .optional()?;
        // The counties whose registers hold the region: its own, or every one under it.
        let counties: Vec<String> = match level {
            Some(Level::Province | Level::City) => self
                .conn
                .prepare_cached(COUNTIES_UNDER)?
                .query_map([&fact.region_code], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            _ => crate::model::region::county_of(self.conn, &fact.region_code)?
                .into_iter()
                .collect(),
        };
        if counties.is_empty() {
            return Ok(Found::Nothing(
                "不在任何县之下，没有台账 (no county)".into(),
            ));
        }
        let mut snapshots: Vec<Snapshot> = Vec::new();
        for c in &counties {
            match register::latest_snapshots(self.conn, fact.period, Some(c))?.remove(c) {
                Some(s) => snapshots.push(s),
                None => {
                    return Ok(Found::Nothing(format!(
                        "县 {c} 在 {} 及以前没有台账 (no register)",
                        fact.period
                    )))
                }
            }
        }
        let villages: Vec<(String, Option<String>)> = self
            .conn
            .prepare_cached(VILLAGES_UNDER)?
            .query_map([&fact.region_code], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut sum = VillageCounts::default();
        for s in &snapshots {
            let counts = self.snapshot(s)?;
            for (village, county) in &villages {
                if county.as_deref() == Some(s.county_code.as_str()) {
                    if let Some(c) = counts.get(village) {
                        sum += *c;
                    }
                }
            }
        }
        let cited = match &snapshots[..] {
            [one] => one.citation(),
            [first, ..] => format!("{} 个县的台账（{} 等）", snapshots.len(), first.citation()),
            [] => String::new(),
        };
        let latest = snapshots
            .iter()
            .map(|s| s.period)
            .max()
            .unwrap_or(fact.period);
        let (value, what) = match count {
            Count::Households => (
                sum.all.households as f64,
                format!("建档立卡户 {} 户（任何状态）", sum.all.households),
            ),
            Count::People => (
                sum.all.people as f64,
                format!("建档立卡户家庭人口合计 {} 人（任何状态）", sum.all.people),
            ),
            Count::PoorHouseholds => (
                sum.poor.households as f64,
                format!("未脱贫和返贫户 {} 户", sum.poor.households),
            ),
            Count::PoorPeople => (
                sum.poor.people as f64,
                format!("未脱贫和返贫户家庭人口 {} 人", sum.poor.people),
            ),
            Count::ExitedHouseholds => (
                sum.exited.households as f64,
                format!("已脱贫户 {} 户", sum.exited.households),
            ),
            Count::ExitedPeople => (
                sum.exited.people as f64,
                format!("已脱贫户家庭人口 {} 人", sum.exited.people),
            ),
            Count::Incidence => {
                let population =
                    match self.imported_value(&fact.region_code, "population", fact.period)? {
                        Found::Value {
                            value,
                            period,
                            source,
                        } if value > 0.0 => (value, period, source),
                        _ => {
                            return Ok(Found::Nothing(format!(
                                "{} 及以前没有导入的户籍人口，无法计算贫困发生率 (no population)",
                                fact.period
                            )))
                        }
                    };
                let v = sum.poor.people as f64 * 100.0 / population.0;
                (
                    v,
                    format!(
                        "贫困人口 {} 人 ÷ 户籍人口 {} 人（{}，{}）",
                        sum.poor.people, population.0, population.1, population.2
                    ),
                )
            }
        };
        Ok(Found::Value {
            value,
            period: latest,
            source: format!("{cited}：{what}"),
        })
    }

    fn snapshot(&mut self, s: &Snapshot) -> Result<&HashMap<String, VillageCounts>> {
        let key = (s.county_code.clone(), s.period);
        if !self.snapshots.contains_key(&key) {
            let mut counts: HashMap<String, VillageCounts> = HashMap::new();
            let mut stmt = self.conn.prepare_cached(SNAPSHOT_COUNTS)?;
            let mut rows = stmt.query(params![s.period, s.county_code])?;
            while let Some(r) = rows.next()? {
                let village: String = r.get(0)?;
                let status = HouseholdStatus::from_code(r.get_ref(1)?.as_str()?);
                let t = Tally {
                    households: r.get(2)?,
                    people: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                };
                let c = counts.entry(village).or_default();
                c.all.households += t.households;
                c.all.people += t.people;
                match status {
                    Some(st) if st.is_poor() => {
                        c.poor.households += t.households;
                        c.poor.people += t.people;
                    }
                    Some(HouseholdStatus::Exited) => {
                        c.exited.households += t.households;
                        c.exited.people += t.people;
                    }
                    _ => {}
                }
            }
            self.snapshots.insert(key.clone(), counts);
        }
        Ok(&self.snapshots[&key])
    }
}

/// Half a unit of the last digit the bulletin printed: "1.3 万亩" → 500, "174 户" → 0.5, "0.46%"
/// → 0.005. Without the printed figure, the stored value's decimals decide.
pub fn printed_tolerance(figure: Option<&str>, value: f64) -> f64 {
    if let Some(f) = figure {
        let f = crate::model::cell::normalize_width(f);
        if let Some(start) = f.find(|c: char| c.is_ascii_digit()) {
            let rest = &f[start..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
                .unwrap_or(rest.len());
            let digits = &rest[..end];
            let decimals = digits.split_once('.').map(|(_, d)| d.len()).unwrap_or(0);
            let after = rest[end..].trim_start();
            let multiplier = if after.starts_with('亿') {
                1e8
            } else if after.starts_with('万') {
                1e4
            } else {
                1.0
            };
            return 0.5 * multiplier / 10f64.powi(decimals as i32);
        }
    }
    let shown = crate::output::number::plain(value);
    let decimals = shown.split_once('.').map(|(_, d)| d.len()).unwrap_or(0);
    0.5 / 10f64.powi(decimals as i32)
}

/// How far "约/左右" may be from the register and still agree.
pub const ABOUT: f64 = 0.05;

/// Whether `register` agrees with the bulletin's figure, and the difference when it does not.
pub fn agrees(register: f64, value: f64, qualifier: Qualifier, tolerance: f64) -> (bool, f64) {
    let eps = 1e-9 * value.abs().max(1.0);
    match qualifier {
        Qualifier::Exact => {
            let d = register - value;
            (d.abs() <= tolerance + eps, d)
        }
        Qualifier::About => {
            let d = register - value;
            (d.abs() <= (value.abs() * ABOUT).max(tolerance) + eps, d)
        }
        Qualifier::AtLeast => (register >= value - eps, register - value),
        Qualifier::AtMost => (register <= value + eps, register - value),
        Qualifier::Range(high) => {
            let d = if register < value {
                register - value
            } else {
                register - high
            };
            (register >= value - eps && register <= high + eps, d)
        }
    }
}

fn compare(fact: &AcceptedFact, found: Found) -> FactComparison {
    let bulletin_source = format!("{}：“{}”", fact.citation, fact.sentence);
    let mut c = FactComparison {
        fact_id: fact.id,
        region_code: fact.region_code.clone(),
        place: fact.region_name.clone(),
        indicator_code: fact.indicator_code.clone(),
        indicator_name: fact.indicator_name.clone(),
        unit: fact.indicator_unit.clone(),
        period: fact.period,
        bulletin_value: fact.value,
        qualifier: fact.qualifier,
        figure: fact.figure.clone(),
        register_value: None,
        register_period: None,
        status: FactStatus::NoData,
        difference: None,
        bulletin_source,
        register_source: None,
        why_no_data: None,
    };
    match found {
        Found::Nothing(why) => c.why_no_data = Some(why),
        Found::Value {
            value,
            period,
            source,
        } => {
            let tolerance = printed_tolerance(fact.figure.as_deref(), fact.value);
            let (ok, difference) = agrees(value, fact.value, fact.qualifier, tolerance);
            c.register_value = Some(value);
            c.register_period = Some(period);
            c.register_source = Some(source);
            c.status = if ok {
                FactStatus::Agree
            } else {
                FactStatus::Disagree
            };
            c.difference = (!ok).then_some(difference);
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_agrees_as_printed() {
        assert_eq!(printed_tolerance(Some("1.3 万亩"), 13000.0), 500.0);
        assert_eq!(printed_tolerance(Some("174 户"), 174.0), 0.5);
        assert!((printed_tolerance(Some("0.46%"), 0.46) - 0.005).abs() < 1e-12);
        assert_eq!(printed_tolerance(Some("两千多"), 2000.0), 0.5);
        assert_eq!(printed_tolerance(None, 9.79), 0.005);
        assert_eq!(agrees(174.0, 174.0, Qualifier::Exact, 0.5), (true, 0.0));
        assert_eq!(agrees(175.0, 174.0, Qualifier::Exact, 0.5), (false, 1.0));
        assert!(agrees(12_800.0, 13_000.0, Qualifier::Exact, 500.0).0);
        assert!(agrees(0.4634, 0.46, Qualifier::Exact, 0.005).0);
    }

    #[test]
    fn a_bound_agrees_when_the_register_lies_within_it() {
        assert_eq!(agrees(212.0, 200.0, Qualifier::AtLeast, 0.5), (true, 12.0));
        assert_eq!(
            agrees(150.0, 200.0, Qualifier::AtLeast, 0.5),
            (false, -50.0)
        );
        assert!(agrees(2.0, 2.0, Qualifier::AtMost, 0.5).0);
        assert_eq!(agrees(3.0, 2.0, Qualifier::AtMost, 0.5), (false, 1.0));
        assert!(agrees(2.0, 1.0, Qualifier::Range(3.0), 0.5).0);
        assert_eq!(agrees(5.0, 1.0, Qualifier::Range(3.0), 0.5), (false, 2.0));
        assert!(agrees(830.0, 800.0, Qualifier::About, 0.5).0);
        assert_eq!(agrees(900.0, 800.0, Qualifier::About, 0.5), (false, 100.0));
    }
}
