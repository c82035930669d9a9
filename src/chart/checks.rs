//! Loaders for the chart kinds drawn from the exit-criteria checks (incidence, criteria grid,
//! counties) and `chart all`, which draws the standard set for every planned-exit county.
//!
//! The checks are the one place incidence and verdicts are computed; these loaders only reshape
//! their results. A month's checks are run once and shared by every chart that needs them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use rusqlite::{params, Connection};

use super::canvas::{Canvas, ChartKind, Png};
use super::counties::{CountiesData, CountyStatus};
use super::criteria::{short_name_of_indicator, CriteriaGrid, GridCell, GridColumn, GridRow};
use super::incidence::{IncidenceData, Series};
use crate::check::{self, CriterionResult, CriterionStatus, RegionResult, Report};
use crate::model::period::Period;
use crate::model::region::{self, Level, Region};
use crate::output::number::number;

/// The indicator behind the incidence criteria (V1, C1).
const INCIDENCE: &str = "poverty_incidence";

/// What the checks say, month by month, computed on first use, for the counties drawn only: their
/// registered poor villages and the counties themselves. The sources of the results are dropped
/// (no chart and no report table shows them), so 24 months of a large plan stay small.
pub struct Monthly<'c> {
    conn: &'c Connection,
    /// The counties checked: the one of a single county's chart, or the planned-exit ones.
    counties: Vec<String>,
    villages: BTreeMap<Period, Report>,
    counties_checked: BTreeMap<Period, Report>,
    /// village code → county code, for the villages of `counties`
    county_of: HashMap<String, String>,
}

// The villages of the counties of the JSON array ?1 and their county.
const VILLAGE_COUNTIES: &str = "SELECT rc.code, rc.county_code FROM region_county rc
     JOIN region r ON r.code = rc.code
     WHERE r.level = 'village' AND rc.county_code IN (SELECT value FROM json_each(?1))";

impl<'c> Monthly<'c> {
    /// Checks of `counties` (a single county's chart: that one).
    pub fn new(conn: &'c Connection, counties: Vec<String>) -> Result<Monthly<'c>> {
        let county_of = conn
            .prepare(VILLAGE_COUNTIES)?
            .query_map([serde_json::to_string(&counties)?], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Monthly {
            conn,
            counties,
            villages: BTreeMap::new(),
            counties_checked: BTreeMap::new(),
            county_of,
        })
    }

    /// Checks of the counties planned to exit in `period`'s year: what `all`, the counties
    /// overview and the report draw.
    pub fn planned(conn: &'c Connection, period: Period) -> Result<Monthly<'c>> {
        let (_, codes) = planned_exit_counties(conn, period)?;
        Monthly::new(conn, codes)
    }

    /// The registered poor villages in scope, checked as of `p`.
    pub fn villages(&mut self, p: Period) -> Result<&Report> {
        self.load(p)?;
        Ok(&self.villages[&p])
    }

    /// The counties in scope, checked as of `p`.
    pub fn counties(&mut self, p: Period) -> Result<&Report> {
        self.load(p)?;
        Ok(&self.counties_checked[&p])
    }

    fn load(&mut self, p: Period) -> Result<()> {
        if !self.villages.contains_key(&p) {
            let (mut villages, mut counties) =
                check::check_poor_villages_and_counties(self.conn, Some(p), &self.counties)?;
            for r in villages.regions.iter_mut().chain(&mut counties.regions) {
                for c in &mut r.criteria {
                    c.source = String::new();
                }
            }
            self.villages.insert(p, villages);
            self.counties_checked.insert(p, counties);
        }
        Ok(())
    }

    fn in_county<'r>(&self, report: &'r Report, county: &str) -> Vec<&'r RegionResult> {
        report
            .regions
            .iter()
            .filter(|r| self.county_of.get(&r.code).map(String::as_str) == Some(county))
            .collect()
    }
}

/// The criterion of a report that reads `indicator`, and its threshold.
fn rule_for<'r>(
    report: &'r Report,
    indicator: &str,
) -> Option<&'r crate::model::criteria::Criterion> {
    report.rules.iter().find(|c| c.indicator_code == indicator)
}

fn result<'r>(region: &'r RegionResult, no: &str) -> Option<&'r CriterionResult> {
    region.criteria.iter().find(|c| c.no == no)
}

fn county(conn: &Connection, code: &str) -> Result<Region> {
    let r = region::get(conn, code)?;
    if r.level != Level::County {
        bail!(
            "{}（{}）不是县级区划；--county 应为县、区或县级市代码",
            r.name,
            r.code
        );
    }
    Ok(r)
}

const REGISTER_MONTHS: &str =
    "SELECT min(period), max(period) FROM register_snapshot WHERE county_code = ?1";

/// Poverty incidence per month of a county and its registered poor villages. Months default to
/// those of the county's register snapshots.
pub fn incidence(
    monthly: &mut Monthly,
    county_code: &str,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<IncidenceData> {
    let conn = monthly.conn;
    let c = county(conn, county_code)?;
    let (first, last): (Option<Period>, Option<Period>) =
        conn.query_row(REGISTER_MONTHS, [&c.code], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (Some(from), Some(to)) = (from.or(first), to.or(last)) else {
        bail!(
            "{}（{}）没有建档立卡台账，无法计算贫困发生率；请先导入该县的月度台账",
            c.name,
            c.code
        );
    };
    if from > to {
        bail!("起始统计期 {from} 晚于结束统计期 {to}");
    }
    let mut county_series = Series {
        name: c.name.clone(),
        points: Vec::new(),
    };
    let mut villages: BTreeMap<String, Series> = BTreeMap::new();
    let mut threshold = None;
    for p in from.through(to) {
        let report = monthly.counties(p)?;
        if let Some(rule) = rule_for(report, INCIDENCE) {
            threshold = threshold.or(rule.threshold);
            let value = report
                .regions
                .iter()
                .find(|r| r.code == c.code)
                .and_then(|r| result(r, &rule.no))
                .and_then(|r| r.value);
            if let Some(v) = value {
                county_series.points.push((p, v));
            }
        }
        let report = monthly.villages(p)?.clone();
        let Some(rule) = rule_for(&report, INCIDENCE) else {
            continue;
        };
        for v in monthly.in_county(&report, &c.code) {
            let series = villages.entry(v.code.clone()).or_insert_with(|| Series {
                name: v.name.clone(),
                points: Vec::new(),
            });
            if let Some(value) = result(v, &rule.no).and_then(|r| r.value) {
                series.points.push((p, value));
            }
        }
    }
    if county_series.points.is_empty() && villages.values().all(|s| s.points.is_empty()) {
        bail!(
            "{}（{}）在 {from} 至 {to} 没有可计算的贫困发生率（缺台账或户籍人口）",
            c.name,
            c.code
        );
    }
    let Some(threshold) = threshold else {
        bail!("退出标准中没有贫困发生率（{INCIDENCE}）的固定阈值");
    };
    Ok(IncidenceData {
        county: county_series,
        villages: villages
            .into_values()
            .filter(|s| !s.points.is_empty())
            .collect(),
        threshold,
        from,
        to,
        source: "建档立卡月度台账；户籍人口（村、县指标）".to_string(),
    })
}

/// A cell's label: the value as the criterion's unit shows it; None for yes/no items (the status
/// word says it).
fn cell_label(c: &CriterionResult) -> Option<String> {
    let v = c.value?;
    match c.unit.as_str() {
        "%" => Some(format!("{}%", number((v * 10.0).round() / 10.0))),
        u if u.starts_with('元') => {
            if v >= 10_000.0 {
                Some(format!("{:.1}万", v / 10_000.0))
            } else {
                Some(number(v.round()))
            }
        }
        _ => None,
    }
}

/// The registered poor villages of a county × the village criteria, as of `period`.
pub fn criteria_grid(
    monthly: &mut Monthly,
    county_code: &str,
    period: Period,
) -> Result<CriteriaGrid> {
    let c = county(monthly.conn, county_code)?;
    let report = monthly.villages(period)?.clone();
    let villages = monthly.in_county(&report, &c.code);
    if villages.is_empty() {
        bail!(
            "{}（{}）没有建档立卡贫困村，或 {period} 没有数据",
            c.name,
            c.code
        );
    }
    let columns = report
        .rules
        .iter()
        .map(|r| GridColumn {
            no: r.no.clone(),
            short_name: short_name_of_indicator(&r.indicator_code)
                .map(str::to_string)
                .unwrap_or_else(|| r.name.clone()),
        })
        .collect();
    let rows = villages
        .iter()
        .map(|v| GridRow {
            name: v.name.clone(),
            cells: report
                .rules
                .iter()
                .map(|rule| match result(v, &rule.no) {
                    Some(r) => GridCell {
                        status: r.status,
                        label: if r.status == CriterionStatus::NoData {
                            None
                        } else {
                            cell_label(r)
                        },
                    },
                    None => GridCell {
                        status: CriterionStatus::NoData,
                        label: None,
                    },
                })
                .collect(),
        })
        .collect();
    Ok(CriteriaGrid {
        county_name: c.name,
        period,
        columns,
        rows,
        source: format!("建档立卡月度台账与村级指标，核查期 {period}"),
    })
}

const PLANNED_EXIT: &str =
    "SELECT code FROM region WHERE level = 'county' AND planned_exit_year = ?1 ORDER BY code";
const LATEST_PLAN_YEAR: &str =
    "SELECT max(planned_exit_year) FROM region WHERE level = 'county' AND planned_exit_year <= ?1";

/// The counties planned to exit in `period`'s year (or the latest plan year before it).
pub fn planned_exit_counties(
    conn: &Connection,
    period: Period,
) -> Result<(Option<i32>, Vec<String>)> {
    let year: Option<i32> = conn.query_row(LATEST_PLAN_YEAR, [period.year()], |r| r.get(0))?;
    let Some(year) = year else {
        return Ok((None, Vec::new()));
    };
    let codes = conn
        .prepare(PLANNED_EXIT)?
        .query_map(params![year], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok((Some(year), codes))
}

/// The planned-exit counties side by side: criteria met and incidence, as of `period`.
pub fn counties(monthly: &mut Monthly, period: Period) -> Result<CountiesData> {
    let (year, codes) = planned_exit_counties(monthly.conn, period)?;
    if codes.is_empty() {
        bail!("区划表中没有计划退出的贫困县（计划退出年度为空）");
    }
    let report = monthly.counties(period)?;
    let incidence_rule = rule_for(report, INCIDENCE);
    let mut out = Vec::new();
    for code in &codes {
        let Some(r) = report.regions.iter().find(|r| &r.code == code) else {
            continue;
        };
        let count = |s: CriterionStatus| r.criteria.iter().filter(|c| c.status == s).count() as u32;
        out.push(CountyStatus {
            name: r.name.clone(),
            met: count(CriterionStatus::Pass),
            failed: count(CriterionStatus::Fail),
            no_data: count(CriterionStatus::NoData),
            incidence: incidence_rule
                .and_then(|rule| result(r, &rule.no))
                .and_then(|c| c.value),
        });
    }
    Ok(CountiesData {
        planned_exit_year: year,
        period,
        criteria_count: report.rules.len() as u32,
        incidence_threshold: incidence_rule.and_then(|r| r.threshold).unwrap_or(2.0),
        counties: out,
        source: format!("县级退出核查 {period}；建档立卡月度台账、县级指标与第三方评估"),
    })
}

/// One chart written by `all`.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    /// The county it is about (None for the counties overview).
    pub county: Option<String>,
    pub kind: ChartKind,
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
}

/// The standard set for every planned-exit county as of `period`: incidence, households and the
/// criteria grid per county, and the counties overview, named `<code>-<kind>-<period>.png` (the
/// overview under the province's code). Counties without data for a kind are skipped and named in
/// the returned notes. `monthly` must check the planned-exit counties (`Monthly::planned`); it
/// keeps the checks for callers that report on the same month.
pub fn all(
    monthly: &mut Monthly,
    canvas: &Canvas,
    out: &Path,
    period: Period,
) -> Result<(Vec<Drawn>, Vec<String>)> {
    let conn = monthly.conn;
    let (_, codes) = planned_exit_counties(conn, period)?;
    if codes.is_empty() {
        bail!("区划表中没有计划退出的贫困县（计划退出年度为空）");
    }
    let mut drawn = Vec::new();
    let mut notes = Vec::new();
    let mut put = |county: Option<&str>,
                   kind: ChartKind,
                   code: &str,
                   png: Result<Png>,
                   notes: &mut Vec<String>|
     -> Result<()> {
        match png {
            Ok(png) => {
                let path =
                    super::canvas::write(out, &super::canvas::file_name(code, kind, period), &png)?;
                drawn.push(Drawn {
                    county: county.map(str::to_string),
                    kind,
                    path,
                    width: png.width,
                    height: png.height,
                });
            }
            Err(e) => notes.push(format!("{code} {kind}: {e:#}")),
        }
        Ok(())
    };
    let province = region::province_code(conn)?;
    let overview = counties(monthly, period).and_then(|d| super::counties::render(&d, canvas));
    put(None, ChartKind::Counties, &province, overview, &mut notes)?;
    let first = period.add_months(-23).unwrap_or(period);
    for code in &codes {
        let inc = incidence(monthly, code, None, Some(period))
            .map(|mut d| {
                d.from = d.from.max(first);
                d
            })
            .and_then(|d| super::incidence::render(&d, canvas));
        put(Some(code), ChartKind::Incidence, code, inc, &mut notes)?;
        let hh = super::load::households(conn, code, Some(first), Some(period))
            .and_then(|d| super::households::render(&d, canvas));
        put(Some(code), ChartKind::Households, code, hh, &mut notes)?;
        let grid =
            criteria_grid(monthly, code, period).and_then(|d| super::criteria::render(&d, canvas));
        put(Some(code), ChartKind::Criteria, code, grid, &mut notes)?;
    }
    Ok((drawn, notes))
}
