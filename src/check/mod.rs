//! Exit-criteria checks (逐村逐项核查): every criterion of the `criterion` table evaluated for villages
//! or counties as of a month, each with its value, threshold, the month of the value and its source.
//!
//! Rules:
//! - Thresholds and operators come from the `criterion` table only.
//! - As of month P, a stored indicator uses its latest value at or before P; a value more than
//!   `max_value_age_months` (meta, default 12) months older than P counts as missing (12 months old
//!   is still valid). The same rule applies to the county's register snapshot behind the derived
//!   indicators. The default P is the latest month holding a register snapshot or a value of an
//!   indicator the criteria read.
//! - Three states per criterion: pass, fail, no data. A region passes only when every criterion passes;
//!   any fail makes it fail; otherwise (some no data) it is undetermined, never a pass.
//! - A value the source states as a bound (200 余人, 1 至 3) or that depends on unreported households is
//!   an interval: the criterion passes only if every value in it passes, fails only if none does, and
//!   is otherwise no data.
//!
//! Derived indicators (never imported), from the county's register snapshot:
//! - poverty incidence = people in 未脱贫 and 返贫 households × 100 ÷ the `population` indicator of the
//!   village or county (as of P, same age rule). No population, or 0, is no data. A village with no
//!   households in a register that exists has 0 poor people.
//! - safe-housing share = households with 住房安全 = 是 ÷ households that report it, over all registered
//!   households of the village (any status). Unreported households make it an interval between "all
//!   unsafe" and "all safe"; no household, or none reporting, is no data.
//! - C5 = share of the county's registered poor villages (贫困标识 = 1; unknown counts as not poor)
//!   whose verdict is pass; undetermined villages make it an interval. A county without poor villages
//!   passes vacuously, at 100%, and its source says so.
//! - C6 compares the county's value with its province's value of the same indicator (threshold_ref).
//!
//! Speed: every input is read in bulk (one pass over the register month, one query for all as-of
//! indicator values, small look-up tables), never with queries per village.

use std::collections::HashMap;

use anyhow::{bail, Result};
use rusqlite::{params, Connection};

use crate::model::criteria::{self, Criterion};
use crate::model::period::Period;
use crate::model::region::{self, Level};
use crate::output::number::number;
use register::{RegisterCounts, Snapshot};

mod households;
pub mod register;
pub mod render;

pub use households::{
    check_households, HouseholdFinding, HouseholdReport, RegisterUsed, HOUSEHOLD_STANDARDS,
};

/// Default for meta `max_value_age_months` when the database has none.
pub const DEFAULT_MAX_AGE_MONTHS: i64 = 12;
/// Default for meta `monitoring_income_threshold` (yuan per person and year) when the database has none.
pub const DEFAULT_MONITORING_THRESHOLD: f64 = 5000.0;

/// The state of one criterion for one region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    NoData,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NoData => "no_data",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Status::Pass => "达标",
            Status::Fail => "未达标",
            Status::NoData => "无数据",
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::NoData => "—",
        }
    }
}

/// The verdict for a region over all its criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Undetermined,
}

impl Verdict {
    /// Pass only when every criterion passes; any fail is a fail; otherwise undetermined.
    /// No criteria at all is undetermined: nothing was checked.
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Verdict {
        let (mut any, mut fail, mut missing) = (false, false, false);
        for s in statuses {
            any = true;
            match s {
                Status::Fail => fail = true,
                Status::NoData => missing = true,
                Status::Pass => {}
            }
        }
        if fail {
            Verdict::Fail
        } else if missing || !any {
            Verdict::Undetermined
        } else {
            Verdict::Pass
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Undetermined => "undetermined",
        }
    }
    pub fn chinese(self) -> &'static str {
        match self {
            Verdict::Pass => "达标",
            Verdict::Fail => "未达标",
            Verdict::Undetermined => "无法判定",
        }
    }
}

/// One criterion checked for one region. Field order is the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CriterionResult {
    pub no: String,
    pub name: String,
    pub status: Status,
    /// The value compared (percent 0–100 for shares); None when there is no usable value.
    pub value: Option<f64>,
    /// The fixed threshold, or the reference region's value (C6: the province's).
    pub threshold: Option<f64>,
    pub operator: String,
    /// The month the value came from: the value's month, or the register snapshot's.
    pub value_period: Option<Period>,
    /// Where the value came from: import file and line, bulletin issue and sentence, or the register
    /// snapshot and the computation; for no data, why.
    pub source: String,
    pub unit: String,
}

/// One region with all its criteria. Field order is the JSON contract.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionResult {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub verdict: Verdict,
    pub criteria: Vec<CriterionResult>,
    /// 贫困村/贫困县 (建档立卡): None when not known.
    pub poverty_registered: Option<bool>,
}

/// A check of many regions of one level, as of a month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub period: Period,
    pub level: Level,
    pub regions: Vec<RegionResult>,
    /// The criteria checked, in order (for legends; the JSON carries them per region).
    #[serde(skip)]
    pub rules: Vec<Criterion>,
}

impl Report {
    /// (pass, fail, undetermined) region counts.
    pub fn tally(&self) -> (usize, usize, usize) {
        let count = |v| self.regions.iter().filter(|r| r.verdict == v).count();
        (
            count(Verdict::Pass),
            count(Verdict::Fail),
            count(Verdict::Undetermined),
        )
    }
}

/// Which regions to check.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Only regions of this county (checked to be a county).
    pub county: Option<String>,
    /// Only registered poor villages (or counties).
    pub only_poor: bool,
}

// The months that hold data the criteria use: register snapshots and values of the indicators the
// criteria read (population is the incidence denominator). Bulletin facts about other indicators, such
// as the 低保 standard from 2019-07, do not move the default month.
const LATEST_PERIOD: &str = "SELECT max(p) FROM (
        SELECT max(period) AS p FROM register_snapshot
        UNION ALL
        SELECT max(period) FROM indicator_value
        WHERE indicator_code IN (SELECT indicator_code FROM criterion UNION SELECT 'population'))";

const NO_DATA: &str =
    "数据库中还没有可核查的数据；请先导入台账或指标，或用 --period 指定统计期 (no data)";

/// The latest month with data the checks use, if any.
pub fn latest_period(conn: &Connection) -> Result<Option<Period>> {
    Ok(conn.query_row(LATEST_PERIOD, [], |r| r.get(0))?)
}

/// The month to check: the one asked for, else the latest with data.
pub fn resolve_period(conn: &Connection, asked: Option<Period>) -> Result<Period> {
    match asked {
        Some(p) => Ok(p),
        None => match latest_period(conn)? {
            Some(p) => Ok(p),
            None => bail!(NO_DATA),
        },
    }
}

/// The value-age limit from meta `max_value_age_months`.
pub fn max_age_months(conn: &Connection) -> Result<i64> {
    Ok(crate::db::setting::<f64>(conn, "max_value_age_months")?
        .map(|m| m as i64)
        .unwrap_or(DEFAULT_MAX_AGE_MONTHS))
}

/// Check every village in scope against the village criteria, as of `period` (None: the latest
/// month with data).
pub fn check_villages(conn: &Connection, period: Option<Period>, scope: &Scope) -> Result<Report> {
    let county = checked_county(conn, scope.county.as_deref())?;
    let period = resolve_period(conn, period)?;
    let checker = Checker::new(conn, period, county)?;
    let villages = checker.villages(county, scope.only_poor)?;
    let regions = checker.evaluate_villages(&villages)?;
    Ok(Report {
        period,
        level: Level::Village,
        regions,
        rules: checker.village_criteria,
    })
}

/// Check every county in scope against the county criteria, as of `period` (None: the latest month
/// with data).
pub fn check_counties(conn: &Connection, period: Option<Period>, scope: &Scope) -> Result<Report> {
    let county = checked_county(conn, scope.county.as_deref())?;
    let period = resolve_period(conn, period)?;
    let checker = Checker::new(conn, period, county)?;
    let counties = checker.counties(county, scope.only_poor)?;
    let regions = checker.evaluate_counties(&counties)?;
    Ok(Report {
        period,
        level: Level::County,
        regions,
        rules: checker.county_criteria,
    })
}

/// The registered poor villages and the counties in scope, checked together from one read of the
/// data (charts need both, month after month).
pub fn check_poor_villages_and_counties(
    conn: &Connection,
    period: Option<Period>,
    county: Option<&str>,
) -> Result<(Report, Report)> {
    let county = checked_county(conn, county)?;
    let period = resolve_period(conn, period)?;
    let checker = Checker::new(conn, period, county)?;
    let villages = checker.villages(county, true)?;
    let village_results = checker.evaluate_villages(&villages)?;
    let counties = checker.counties(county, false)?;
    let county_results = checker.evaluate_counties(&counties)?;
    Ok((
        Report {
            period,
            level: Level::Village,
            regions: village_results,
            rules: checker.village_criteria.clone(),
        },
        Report {
            period,
            level: Level::County,
            regions: county_results,
            rules: checker.county_criteria,
        },
    ))
}

/// Every criterion of one village or county, as of `period` (None: the latest month with data).
/// Returns the month checked, the region's level and its result.
pub fn explain(
    conn: &Connection,
    code: &str,
    period: Option<Period>,
) -> Result<(Period, Level, RegionResult)> {
    let r = region::get(conn, code)?;
    let period = resolve_period(conn, period)?;
    let found = match r.level {
        Level::Village => {
            let county = region::county_of(conn, code)?;
            let report = check_villages(
                conn,
                Some(period),
                &Scope {
                    county,
                    only_poor: false,
                },
            )?;
            report.regions.into_iter().find(|x| x.code == code)
        }
        Level::County => {
            let report = check_counties(
                conn,
                Some(period),
                &Scope {
                    county: Some(code.to_string()),
                    only_poor: false,
                },
            )?;
            report.regions.into_iter().find(|x| x.code == code)
        }
        other => bail!(
            "{}（{}）是{}级区划；只能解释村或县 (explain takes a village or county)",
            r.name,
            r.code,
            other.chinese()
        ),
    };
    match found {
        Some(f) => Ok((period, r.level, f)),
        None => bail!("区划 {code} 不在核查范围内"),
    }
}

fn checked_county<'a>(conn: &Connection, county: Option<&'a str>) -> Result<Option<&'a str>> {
    if let Some(code) = county {
        let r = region::get(conn, code)?;
        if r.level != Level::County {
            bail!(
                "{}（{}）是{}级区划，不是县 (--county takes a county code)",
                r.name,
                r.code,
                r.level.chinese()
            );
        }
    }
    Ok(county)
}

// ------------------------------------------------------------------------------------------------
// Intervals and comparison
// ------------------------------------------------------------------------------------------------

/// The values a figure may take: exact figures are a single point; "200 余人" is [200, ∞).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub low: f64,
    pub high: f64,
}

impl Bounds {
    pub fn exact(v: f64) -> Bounds {
        Bounds { low: v, high: v }
    }

    /// From a stored value and its qualifier. "About" (约 800) counts as the stated figure.
    pub fn stored(value: f64, qualifier: &str, value_high: Option<f64>) -> Bounds {
        match qualifier {
            "at_least" => Bounds {
                low: value,
                high: f64::INFINITY,
            },
            "at_most" => Bounds {
                low: f64::NEG_INFINITY,
                high: value,
            },
            "range" => Bounds {
                low: value,
                high: value_high.unwrap_or(value),
            },
            _ => Bounds::exact(value),
        }
    }

    fn is_point(self) -> bool {
        close(self.low, self.high)
    }
}

/// Equal up to rounding noise, so that 2.0% computed from counts is exactly the 2% threshold.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn holds(op: &str, a: f64, b: f64) -> bool {
    match op {
        "<" => a < b && !close(a, b),
        "<=" => a < b || close(a, b),
        ">" => a > b && !close(a, b),
        ">=" => a > b || close(a, b),
        "=" => close(a, b),
        "!=" => !close(a, b),
        _ => false,
    }
}

/// Judge `value OP threshold` when both may be intervals: pass if it holds for every pair of values,
/// fail if for none, otherwise no data.
pub fn judge(op: &str, v: Bounds, t: Bounds) -> Status {
    let (all, none) = match op {
        "<" | "<=" => (holds(op, v.high, t.low), !holds(op, v.low, t.high)),
        ">" | ">=" => (holds(op, v.low, t.high), !holds(op, v.high, t.low)),
        "=" | "!=" => {
            let disjoint = holds("<", v.high, t.low) || holds(">", v.low, t.high);
            let same_point = v.is_point() && t.is_point() && close(v.low, t.low);
            if op == "=" {
                (same_point, disjoint)
            } else {
                (disjoint, same_point)
            }
        }
        _ => (false, false),
    };
    match (all, none) {
        (true, _) => Status::Pass,
        (false, true) => Status::Fail,
        _ => Status::NoData,
    }
}

// ------------------------------------------------------------------------------------------------
// Inputs read in bulk
// ------------------------------------------------------------------------------------------------

/// A stored indicator value as of the month.
#[derive(Debug, Clone)]
struct Found {
    indicator: String,
    value: f64,
    bounds: Bounds,
    qualifier: &'static str,
    period: Period,
    batch: Option<(i64, i64)>,
    quote: Option<i64>,
}

/// A stored value looked up for a region, with the age rule applied.
enum Lookup<'a> {
    Fresh(&'a Found),
    Stale(&'a Found),
    Absent,
}

/// A measured value ready to compare, or why there is none.
enum Measured {
    Value {
        value: f64,
        bounds: Bounds,
        period: Period,
        source: String,
    },
    Missing(String),
}

/// A region under check.
#[derive(Debug, Clone)]
struct Place {
    code: String,
    name: String,
    parent_code: Option<String>,
    poverty_registered: Option<bool>,
    county: String,
    province: Option<String>,
}

// The latest value at or before ?1 of each region of the JSON array ?2 and indicator of the JSON
// array ?3. For each pair one seek finds the month (the primary key is region, indicator, period) and a
// second fetches the row: the cost follows the number of pairs, not the length of the history, which a
// scan of indicator_value would. MATERIALIZED keeps SQLite from re-running the month look-up for every
// row of a pair.
const VALUES_AS_OF: &str = "WITH pairs AS MATERIALIZED (
        SELECT r.value AS region_code, i.value AS indicator_code,
               (SELECT max(w.period) FROM indicator_value w
                WHERE w.region_code = r.value AND w.indicator_code = i.value AND w.period <= ?1) AS period
        FROM json_each(?2) r, json_each(?3) i)
     SELECT v.region_code, v.indicator_code, v.period, v.value, v.qualifier,
            v.value_high, v.batch_id, v.line, v.quote_id
     FROM pairs p
     JOIN indicator_value v
       ON v.region_code = p.region_code AND v.indicator_code = p.indicator_code AND v.period = p.period";

/// Qualifier codes as static strings, so that a value does not carry its own copy.
fn qualifier_code(q: &str) -> &'static str {
    match q {
        "at_least" => "at_least",
        "at_most" => "at_most",
        "about" => "about",
        "range" => "range",
        _ => "exact",
    }
}

const VILLAGES: &str = "SELECT v.code, v.name, v.parent_code, v.poverty_registered, t.parent_code
     FROM region v JOIN region t ON t.code = v.parent_code
     WHERE v.level = 'village' AND (?1 IS NULL OR t.parent_code = ?1)
     ORDER BY v.code";

// A county's parent is a city, whose parent is the province (schema.sql keeps parents one level up).
const COUNTIES: &str = "SELECT c.code, c.name, c.parent_code, c.poverty_registered,
            (SELECT ci.parent_code FROM region ci WHERE ci.code = c.parent_code)
     FROM region c
     WHERE c.level = 'county' AND (?1 IS NULL OR c.code = ?1)
     ORDER BY c.code";

const BATCH_FILES: &str = "SELECT id, file_name FROM import_batch";
const QUOTES: &str = "SELECT q.id, b.issue_no, b.total_no, b.date, q.sentence
     FROM bulletin_quote q JOIN bulletin b ON b.id = q.bulletin_id";
const INDICATOR_NAMES: &str = "SELECT code, name, unit FROM indicator";

/// Import batch file names and bulletin quotes, to cite sources (both tables are small).
struct Sources {
    batches: HashMap<i64, String>,
    quotes: HashMap<i64, String>,
}

impl Sources {
    fn load(conn: &Connection) -> Result<Sources> {
        let mut batches = HashMap::new();
        let mut stmt = conn.prepare_cached(BATCH_FILES)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            batches.insert(r.get(0)?, r.get(1)?);
        }
        let mut quotes = HashMap::new();
        let mut stmt = conn.prepare_cached(QUOTES)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let b = crate::model::bulletin::Bulletin {
                issue_no: r.get(1)?,
                total_no: r.get(2)?,
                date: r.get(3)?,
                title: String::new(),
                publisher: String::new(),
            };
            let sentence: String = r.get(4)?;
            quotes.insert(r.get(0)?, format!("{}：“{}”", b.citation(), sentence));
        }
        Ok(Sources { batches, quotes })
    }

    /// `households-2019-03.csv 第12行`, or `第25期（总第213期，2019-03-27）：“…”`.
    fn cite(&self, batch: Option<(i64, i64)>, quote: Option<i64>) -> String {
        match (batch, quote) {
            (Some((id, line)), _) => match self.batches.get(&id) {
                Some(f) => format!("{f} 第{line}行"),
                None => format!("导入批次 {id} 第{line}行"),
            },
            (None, Some(q)) => self
                .quotes
                .get(&q)
                .cloned()
                .unwrap_or_else(|| format!("快报引文 {q}")),
            (None, None) => "来源不明".to_string(),
        }
    }

    fn cite_found(&self, f: &Found) -> String {
        self.cite(f.batch, f.quote)
    }
}

/// How poor villages of one county fared, for C5.
#[derive(Debug, Default, Clone)]
struct PoorVillages {
    pass: usize,
    fail: Vec<String>,
    undetermined: Vec<String>,
}

/// The latest value at or before `period` of each of `regions` and `indicators`, by region.
fn values_as_of(
    conn: &Connection,
    period: Period,
    regions: &[&str],
    indicators: &[&str],
) -> Result<HashMap<String, Vec<Found>>> {
    let mut stmt = conn.prepare_cached(VALUES_AS_OF)?;
    let mut rows = stmt.query(params![
        period,
        serde_json::to_string(regions)?,
        serde_json::to_string(indicators)?
    ])?;
    let mut out: HashMap<String, Vec<Found>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let value: f64 = r.get(3)?;
        let qualifier = qualifier_code(r.get_ref(4)?.as_str()?);
        let high: Option<f64> = r.get(5)?;
        let batch: Option<i64> = r.get(6)?;
        let line: Option<i64> = r.get(7)?;
        out.entry(r.get(0)?).or_default().push(Found {
            indicator: r.get(1)?,
            value,
            bounds: Bounds::stored(value, qualifier, high),
            qualifier,
            period: r.get(2)?,
            batch: batch.zip(line),
            quote: r.get(8)?,
        });
    }
    Ok(out)
}

struct Checker<'c> {
    conn: &'c Connection,
    period: Period,
    max_age: i64,
    sources: Sources,
    /// indicator code → (name, unit)
    indicators: HashMap<String, (String, String)>,
    village_criteria: Vec<Criterion>,
    county_criteria: Vec<Criterion>,
    snapshots: HashMap<String, Snapshot>,
    /// Per village, from its county's snapshot when that snapshot is recent enough.
    counts: HashMap<String, RegisterCounts>,
}

/// The stored (not derived) indicators the criteria read, and population (the incidence denominator).
fn stored_indicators(criteria: &[Criterion]) -> Vec<&str> {
    let mut out: Vec<&str> = criteria
        .iter()
        .map(|c| c.indicator_code.as_str())
        .filter(|c| !DERIVED.contains(c))
        .collect();
    out.push("population");
    out.sort_unstable();
    out.dedup();
    out
}

/// Indicators the checker computes from the register rather than reading.
const DERIVED: [&str; 6] = [
    "poor_households",
    "poor_population",
    "poverty_incidence",
    "safe_housing_rate",
    "suspected_wrong_exits",
    "poor_village_pass_rate",
];

impl<'c> Checker<'c> {
    fn new(conn: &'c Connection, period: Period, county: Option<&str>) -> Result<Checker<'c>> {
        let max_age = max_age_months(conn)?;
        let mut indicators = HashMap::new();
        let mut stmt = conn.prepare_cached(INDICATOR_NAMES)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            indicators.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        let (village_criteria, county_criteria): (Vec<Criterion>, Vec<Criterion>) =
            criteria::all(conn)?
                .into_iter()
                .partition(|c| c.level == "village");
        let snapshots = register::latest_snapshots(conn, period, county)?;
        let line = register::poverty_line(conn, period.year())?.map(|(_, y)| y);
        let fresh: Vec<&Snapshot> = snapshots
            .values()
            .filter(|s| s.period.months_until(period) <= max_age)
            .collect();
        let with_wrong_exits = village_criteria
            .iter()
            .chain(&county_criteria)
            .any(|c: &Criterion| c.indicator_code == "suspected_wrong_exits");
        let counts = register::village_counts(conn, &fresh, line, with_wrong_exits, county)?;
        Ok(Checker {
            conn,
            period,
            max_age,
            sources: Sources::load(conn)?,
            indicators,
            village_criteria,
            county_criteria,
            snapshots,
            counts,
        })
    }

    fn villages(&self, county: Option<&str>, only_poor: bool) -> Result<Vec<Place>> {
        let mut stmt = self.conn.prepare_cached(VILLAGES)?;
        let rows = stmt.query_map([county], |r| {
            Ok(Place {
                code: r.get(0)?,
                name: r.get(1)?,
                parent_code: r.get(2)?,
                poverty_registered: r.get(3)?,
                county: r.get(4)?,
                province: None,
            })
        })?;
        let mut out = Vec::new();
        for p in rows {
            let p = p?;
            if !only_poor || p.poverty_registered == Some(true) {
                out.push(p);
            }
        }
        Ok(out)
    }

    fn counties(&self, county: Option<&str>, only_poor: bool) -> Result<Vec<Place>> {
        let mut stmt = self.conn.prepare_cached(COUNTIES)?;
        let rows = stmt.query_map([county], |r| {
            Ok(Place {
                code: r.get(0)?,
                name: r.get(1)?,
                parent_code: r.get(2)?,
                poverty_registered: r.get(3)?,
                county: r.get(0)?,
                province: r.get(4)?,
            })
        })?;
        let mut out = Vec::new();
        for p in rows {
            let p = p?;
            if !only_poor || p.poverty_registered == Some(true) {
                out.push(p);
            }
        }
        Ok(out)
    }

    fn evaluate_villages(&self, villages: &[Place]) -> Result<Vec<RegionResult>> {
        let inds = stored_indicators(&self.village_criteria);
        let codes: Vec<&str> = villages.iter().map(|v| v.code.as_str()).collect();
        let values = values_as_of(self.conn, self.period, &codes, &inds)?;
        let none = Vec::new();
        Ok(villages
            .iter()
            .map(|v| {
                let vals = values.get(&v.code).unwrap_or(&none);
                let counts = self.counts.get(&v.code).copied().unwrap_or_default();
                self.region_result(v, &self.village_criteria, vals, counts, None, None)
            })
            .collect())
    }

    fn evaluate_counties(&self, counties: &[Place]) -> Result<Vec<RegionResult>> {
        // C5 needs the verdict of every registered poor village of each county.
        let mut poor: HashMap<String, PoorVillages> = HashMap::new();
        let mut sums: HashMap<String, RegisterCounts> = HashMap::new();
        let county_codes: Vec<&str> = counties.iter().map(|c| c.code.as_str()).collect();
        let one = if counties.len() == 1 {
            Some(counties[0].code.as_str())
        } else {
            None
        };
        let villages: Vec<Place> = self
            .villages(one, false)?
            .into_iter()
            .filter(|v| county_codes.contains(&v.county.as_str()))
            .collect();
        for v in &villages {
            if let Some(c) = self.counts.get(&v.code) {
                *sums.entry(v.county.clone()).or_default() += *c;
            }
        }
        let poor_villages: Vec<Place> = villages
            .into_iter()
            .filter(|v| v.poverty_registered == Some(true))
            .collect();
        // evaluate_villages keeps the order of its input.
        for (v, r) in poor_villages
            .iter()
            .zip(self.evaluate_villages(&poor_villages)?)
        {
            let e = poor.entry(v.county.clone()).or_default();
            let label = format!("{} {}", r.name, r.code);
            match r.verdict {
                Verdict::Pass => e.pass += 1,
                Verdict::Fail => e.fail.push(label),
                Verdict::Undetermined => e.undetermined.push(label),
            }
        }

        let inds = stored_indicators(&self.county_criteria);
        let mut regions: Vec<&str> = county_codes.clone();
        for c in counties {
            if let Some(p) = &c.province {
                regions.push(p);
            }
        }
        regions.sort_unstable();
        regions.dedup();
        let values = values_as_of(self.conn, self.period, &regions, &inds)?;
        let none = Vec::new();
        let empty = PoorVillages::default();
        Ok(counties
            .iter()
            .map(|c| {
                let vals = values.get(&c.code).unwrap_or(&none);
                let province_vals = c
                    .province
                    .as_ref()
                    .and_then(|p| values.get(p))
                    .unwrap_or(&none);
                let counts = sums.get(&c.code).copied().unwrap_or_default();
                let pv = poor.get(&c.code).unwrap_or(&empty);
                self.region_result(
                    c,
                    &self.county_criteria,
                    vals,
                    counts,
                    Some(province_vals),
                    Some(pv),
                )
            })
            .collect())
    }

    fn region_result(
        &self,
        place: &Place,
        criteria: &[Criterion],
        values: &[Found],
        counts: RegisterCounts,
        reference: Option<&[Found]>,
        poor: Option<&PoorVillages>,
    ) -> RegionResult {
        let results: Vec<CriterionResult> = criteria
            .iter()
            .map(|c| self.criterion_result(place, c, values, counts, reference, poor))
            .collect();
        RegionResult {
            code: place.code.clone(),
            name: place.name.clone(),
            parent_code: place.parent_code.clone(),
            verdict: Verdict::of(results.iter().map(|r| r.status)),
            criteria: results,
            poverty_registered: place.poverty_registered,
        }
    }

    fn lookup<'a>(&self, values: &'a [Found], indicator: &str) -> Lookup<'a> {
        match values.iter().find(|f| f.indicator == indicator) {
            None => Lookup::Absent,
            Some(f) if f.period.months_until(self.period) > self.max_age => Lookup::Stale(f),
            Some(f) => Lookup::Fresh(f),
        }
    }

    fn indicator_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.indicators
            .get(code)
            .map(|(n, _)| n.as_str())
            .unwrap_or(code)
    }

    fn indicator_unit<'a>(&'a self, code: &'a str) -> &'a str {
        self.indicators
            .get(code)
            .map(|(_, u)| u.as_str())
            .unwrap_or("")
    }

    /// A figure with its unit for messages: `1,328 人`, `是`, `≥ 200 人`.
    fn show(&self, f: &Found) -> String {
        let unit = self.indicator_unit(&f.indicator);
        let v = if unit == "是/否" {
            return (if f.value != 0.0 { "是" } else { "否" }).to_string();
        } else {
            number(f.value)
        };
        let shown = match f.qualifier {
            "at_least" => format!("≥ {v}"),
            "at_most" => format!("≤ {v}"),
            "about" => format!("约 {v}"),
            "range" => format!("{v}–{}", number(f.bounds.high)),
            _ => v,
        };
        match unit {
            "" => shown,
            "%" => format!("{shown}%"),
            _ => format!("{shown} {unit}"),
        }
    }

    /// A stored value named with its figure and source, or why it is missing:
    /// `户籍人口 1,328 人（2019-03，第25期…）`, `2019-03 及以前没有通宽带的数据`.
    fn describe(&self, lookup: &Lookup, indicator: &str) -> String {
        let name = self.indicator_name(indicator);
        match lookup {
            Lookup::Absent => format!("{} 及以前没有{name}的数据", self.period),
            Lookup::Stale(f) => format!(
                "{name}最新值 {}（{}，{}）早于 {} 超过 {} 个月，视为无数据",
                self.show(f),
                f.period,
                self.sources.cite_found(f),
                self.period,
                self.max_age
            ),
            Lookup::Fresh(f) => format!(
                "{name} {}（{}，{}）",
                self.show(f),
                f.period,
                self.sources.cite_found(f)
            ),
        }
    }

    fn stored(&self, values: &[Found], indicator: &str) -> Measured {
        match self.lookup(values, indicator) {
            Lookup::Fresh(f) => Measured::Value {
                value: f.value,
                bounds: f.bounds,
                period: f.period,
                source: self.sources.cite_found(f),
            },
            other => Measured::Missing(self.describe(&other, indicator)),
        }
    }

    /// The register behind a region's derived indicators, or why there is none.
    fn register(&self, county: &str) -> std::result::Result<&Snapshot, String> {
        match self.snapshots.get(county) {
            None => Err(format!("{} 及以前没有本县的建档立卡台账", self.period)),
            Some(s) if s.period.months_until(self.period) > self.max_age => Err(format!(
                "最新台账 {} 早于 {} 超过 {} 个月，视为无数据",
                s.citation(),
                self.period,
                self.max_age
            )),
            Some(s) => Ok(s),
        }
    }

    fn derived(
        &self,
        place: &Place,
        indicator: &str,
        values: &[Found],
        counts: RegisterCounts,
        poor: Option<&PoorVillages>,
    ) -> Measured {
        if indicator == "poor_village_pass_rate" {
            return self.poor_village_rate(poor);
        }
        let snap = match self.register(&place.county) {
            Ok(s) => s,
            Err(why) => {
                if indicator == "poverty_incidence" {
                    let pop = self.lookup(values, "population");
                    return Measured::Missing(format!(
                        "{why}；{}",
                        self.describe(&pop, "population")
                    ));
                }
                return Measured::Missing(why);
            }
        };
        let c = counts;
        let exact = |value: f64, source: String| Measured::Value {
            value,
            bounds: Bounds::exact(value),
            period: snap.period,
            source,
        };
        let poor_text = format!(
            "贫困人口 {} 人（未脱贫 {} 户、返贫 {} 户）",
            number(c.poor_people as f64),
            number((c.poor_households - c.returned_households) as f64),
            number(c.returned_households as f64)
        );
        match indicator {
            "poor_households" => exact(
                c.poor_households as f64,
                format!(
                    "{}：未脱贫 {} 户、返贫 {} 户",
                    snap.citation(),
                    c.poor_households - c.returned_households,
                    c.returned_households
                ),
            ),
            "poor_population" => exact(
                c.poor_people as f64,
                format!("{}：{poor_text}", snap.citation()),
            ),
            "suspected_wrong_exits" => exact(
                c.suspected_wrong_exits as f64,
                format!(
                    "{}：已脱贫户中未达到一达标两不愁三保障的 {} 户",
                    snap.citation(),
                    c.suspected_wrong_exits
                ),
            ),
            "poverty_incidence" => {
                let pop = self.lookup(values, "population");
                let Lookup::Fresh(p) = pop else {
                    return Measured::Missing(format!(
                        "{}：{poor_text}；{}",
                        snap.citation(),
                        self.describe(&pop, "population")
                    ));
                };
                if p.bounds.low <= 0.0 && p.bounds.high <= 0.0 {
                    return Measured::Missing(format!(
                        "{}：{poor_text}；户籍人口为 0（{}），无法计算",
                        snap.citation(),
                        self.sources.cite_found(p)
                    ));
                }
                let poor = c.poor_people as f64;
                // Multiply before dividing so that 5 of 250 is exactly 2.0.
                let rate = |pop: f64| {
                    if pop <= 0.0 {
                        f64::INFINITY
                    } else {
                        poor * 100.0 / pop
                    }
                };
                let value = rate(p.value);
                Measured::Value {
                    value,
                    bounds: Bounds {
                        low: rate(p.bounds.high),
                        high: rate(p.bounds.low),
                    },
                    period: snap.period,
                    source: format!(
                        "{}：{poor_text} ÷ 户籍人口 {}（{}，{}）",
                        snap.citation(),
                        self.show(p),
                        p.period,
                        self.sources.cite_found(p)
                    ),
                }
            }
            "safe_housing_rate" => {
                if c.households == 0 {
                    return Measured::Missing(format!(
                        "{}：台账中本{}没有建档立卡户",
                        snap.citation(),
                        if place.code == place.county {
                            "县"
                        } else {
                            "村"
                        }
                    ));
                }
                if c.housing_reported == 0 {
                    return Measured::Missing(format!(
                        "{}：建档立卡户 {} 户均未填报住房安全",
                        snap.citation(),
                        c.households
                    ));
                }
                let n = c.households as f64;
                let unreported = c.households - c.housing_reported;
                let value = c.housing_safe as f64 * 100.0 / c.housing_reported as f64;
                Measured::Value {
                    value,
                    // Unreported households could be either: the share lies between all of them
                    // unsafe and all of them safe.
                    bounds: Bounds {
                        low: c.housing_safe as f64 * 100.0 / n,
                        high: (c.housing_safe + unreported) as f64 * 100.0 / n,
                    },
                    period: snap.period,
                    source: format!(
                        "{}：建档立卡户 {} 户，住房安全 {} 户，已填报 {} 户{}",
                        snap.citation(),
                        c.households,
                        c.housing_safe,
                        c.housing_reported,
                        if unreported > 0 {
                            format!("（未填报 {unreported} 户）")
                        } else {
                            String::new()
                        }
                    ),
                }
            }
            other => Measured::Missing(format!("指标 {other} 不能由台账计算")),
        }
    }

    fn poor_village_rate(&self, poor: Option<&PoorVillages>) -> Measured {
        let Some(p) = poor else {
            return Measured::Missing("贫困村退出达标率只适用于县".to_string());
        };
        let total = p.pass + p.fail.len() + p.undetermined.len();
        if total == 0 {
            return Measured::Value {
                value: 100.0,
                bounds: Bounds::exact(100.0),
                period: self.period,
                source: "县内没有建档立卡贫困村，按全部达标（100%）计 (vacuously true)".to_string(),
            };
        }
        let share = |n: usize| n as f64 * 100.0 / total as f64;
        let list = |v: &[String]| {
            let shown: Vec<&str> = v.iter().take(5).map(String::as_str).collect();
            let more = if v.len() > 5 { " 等" } else { "" };
            format!("（{}{more}）", shown.join("、"))
        };
        let mut text = format!("县内建档立卡贫困村 {total} 个，10 项全部达标 {} 个", p.pass);
        if !p.fail.is_empty() {
            text += &format!("，未达标 {} 个{}", p.fail.len(), list(&p.fail));
        }
        if !p.undetermined.is_empty() {
            text += &format!(
                "，无法判定 {} 个{}",
                p.undetermined.len(),
                list(&p.undetermined)
            );
        }
        Measured::Value {
            value: share(p.pass),
            bounds: Bounds {
                low: share(p.pass),
                high: share(p.pass + p.undetermined.len()),
            },
            period: self.period,
            source: text,
        }
    }

    fn criterion_result(
        &self,
        place: &Place,
        c: &Criterion,
        values: &[Found],
        counts: RegisterCounts,
        reference: Option<&[Found]>,
        poor: Option<&PoorVillages>,
    ) -> CriterionResult {
        let measured = if DERIVED.contains(&c.indicator_code.as_str()) {
            self.derived(place, &c.indicator_code, values, counts, poor)
        } else {
            self.stored(values, &c.indicator_code)
        };
        // The threshold: a fixed number, or the same indicator of the reference region.
        let threshold: std::result::Result<(f64, Bounds, Option<String>), String> =
            match (c.threshold, c.threshold_ref.as_deref()) {
                (Some(t), _) => Ok((t, Bounds::exact(t), None)),
                (None, Some(reference_kind)) => {
                    match reference.map(|vals| self.lookup(vals, &c.indicator_code)) {
                        Some(Lookup::Fresh(f)) => Ok((
                            f.value,
                            f.bounds,
                            Some(format!(
                                "全省{}",
                                self.describe(&Lookup::Fresh(f), &c.indicator_code)
                            )),
                        )),
                        Some(other) => Err(format!(
                            "全省：{}",
                            self.describe(&other, &c.indicator_code)
                        )),
                        None => Err(format!("比较对象 {reference_kind} 不适用于此级别")),
                    }
                }
                (None, None) => Err("标准未设定阈值".to_string()),
            };
        let base = CriterionResult {
            no: c.no.clone(),
            name: c.name.clone(),
            status: Status::NoData,
            value: None,
            threshold: threshold.as_ref().ok().map(|t| t.0),
            operator: c.operator.clone(),
            value_period: None,
            source: String::new(),
            unit: c.unit.clone(),
        };
        match (measured, threshold) {
            (
                Measured::Value {
                    value,
                    bounds,
                    period,
                    source,
                },
                Ok((_, t, ref_source)),
            ) => CriterionResult {
                status: judge(&c.operator, bounds, t),
                value: Some(value),
                value_period: Some(period),
                source: match ref_source {
                    Some(r) => format!("{source}；对比{r}"),
                    None => source,
                },
                ..base
            },
            (
                Measured::Value {
                    value,
                    period,
                    source,
                    ..
                },
                Err(why),
            ) => CriterionResult {
                value: Some(value),
                value_period: Some(period),
                source: format!("{source}；{why}"),
                ..base
            },
            (Measured::Missing(why), Ok((_, _, ref_source))) => CriterionResult {
                source: match ref_source {
                    Some(r) => format!("无数据：{why}；对比{r}"),
                    None => format!("无数据：{why}"),
                },
                ..base
            },
            (Measured::Missing(why), Err(ref_why)) => CriterionResult {
                source: format!("无数据：{why}；{ref_why}"),
                ..base
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(low: f64, high: f64) -> Bounds {
        Bounds { low, high }
    }

    #[test]
    fn thresholds_are_strict_where_the_operator_says_so() {
        let two = Bounds::exact(2.0);
        assert_eq!(judge("<", Bounds::exact(2.0), two), Status::Fail);
        assert_eq!(judge("<", Bounds::exact(1.99), two), Status::Pass);
        assert_eq!(judge("<=", Bounds::exact(2.0), two), Status::Pass);
        assert_eq!(
            judge(">=", Bounds::exact(100.0), Bounds::exact(100.0)),
            Status::Pass
        );
        // 5 poor people of 250 computed the way the checker does it.
        assert_eq!(
            judge("<", Bounds::exact(5.0 * 100.0 / 250.0), two),
            Status::Fail
        );
        assert_eq!(
            judge("=", Bounds::exact(1.0), Bounds::exact(1.0)),
            Status::Pass
        );
        assert_eq!(
            judge("=", Bounds::exact(0.0), Bounds::exact(1.0)),
            Status::Fail
        );
        assert_eq!(
            judge("!=", Bounds::exact(0.0), Bounds::exact(1.0)),
            Status::Pass
        );
    }

    #[test]
    fn intervals_pass_only_when_every_value_passes() {
        let hundred = Bounds::exact(100.0);
        assert_eq!(judge(">=", b(90.0, 100.0), hundred), Status::NoData);
        assert_eq!(judge(">=", b(80.0, 95.0), hundred), Status::Fail);
        assert_eq!(
            judge(">", b(200.0, f64::INFINITY), Bounds::exact(150.0)),
            Status::Pass
        );
        assert_eq!(judge("<", b(1.0, 3.0), Bounds::exact(2.0)), Status::NoData);
        assert_eq!(judge(">", Bounds::exact(8.0), b(7.0, 9.0)), Status::NoData);
        assert_eq!(judge("=", b(0.0, 1.0), Bounds::exact(1.0)), Status::NoData);
        assert_eq!(judge("=", b(2.0, 3.0), Bounds::exact(1.0)), Status::Fail);
    }

    #[test]
    fn verdicts_never_pass_on_missing_data() {
        use Status::*;
        assert_eq!(Verdict::of([Pass, Pass]), Verdict::Pass);
        assert_eq!(Verdict::of([Pass, NoData]), Verdict::Undetermined);
        assert_eq!(Verdict::of([NoData, Fail]), Verdict::Fail);
        assert_eq!(Verdict::of([]), Verdict::Undetermined);
    }
}
