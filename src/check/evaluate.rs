//! The evaluator: every criterion of every region in scope, from the inputs read once, with the
//! derived indicators computed from the register counts and each value's source spelt out.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use super::asof::max_age_months;
use super::inputs::{self, indicator_names, values_as_of, Found, Place, Sources, Values};
use super::judge::{judge, Bounds};
use super::register::{self, RegisterCounts, Snapshot};
use super::result::{CriterionResult, CriterionStatus, RegionResult, Verdict};
use crate::model::criteria::{self, Criterion, CriterionLevel};
use crate::model::period::Period;
use crate::output::figure;

mod derived;

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

/// How poor villages of one county fared, for C5.
#[derive(Debug, Default, Clone)]
struct PoorVillages {
    pass: usize,
    fail: Labels,
    undetermined: Labels,
}

/// How many villages, and the first few of them by name and code: the source of C5 names five.
#[derive(Debug, Default, Clone)]
struct Labels {
    count: usize,
    first: Vec<String>,
}

/// The villages C5's source names before `等`.
const NAMED: usize = 5;

impl Labels {
    fn add(&mut self, r: &RegionResult) {
        self.count += 1;
        if self.first.len() < NAMED {
            self.first.push(format!("{} {}", r.name, r.code));
        }
    }
}

/// Everything a check of one month reads, loaded once; evaluates villages and counties from it.
pub(super) struct Checker<'c> {
    conn: &'c Connection,
    period: Period,
    /// The months holding indicator values at or before `period`, newest first: the as-of look-ups
    /// walk them.
    months: Vec<Period>,
    max_age: i64,
    sources: Sources,
    /// indicator code → (name, unit)
    indicators: HashMap<String, (String, String)>,
    pub village_criteria: Vec<Criterion>,
    pub county_criteria: Vec<Criterion>,
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
    pub fn new(conn: &'c Connection, period: Period, county: Option<&str>) -> Result<Checker<'c>> {
        let max_age = max_age_months(conn)?;
        let indicators = indicator_names(conn)?;
        let (village_criteria, county_criteria): (Vec<Criterion>, Vec<Criterion>) =
            criteria::all(conn)?
                .into_iter()
                .partition(|c| c.level == CriterionLevel::Village);
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
            months: crate::model::indicator::months_through(conn, period)?,
            max_age,
            sources: Sources::load(conn)?,
            indicators,
            village_criteria,
            county_criteria,
            snapshots,
            counts,
        })
    }

    /// Every village of `county` (or all) that `keep` keeps, in code order, each handed to `f` with
    /// its result as soon as it is decided.
    pub fn for_each_village(
        &self,
        county: Option<&str>,
        keep: &dyn Fn(&Place) -> bool,
        f: &mut dyn FnMut(&Place, RegionResult) -> Result<()>,
    ) -> Result<()> {
        let inds = stored_indicators(&self.village_criteria);
        inputs::for_each_village(self.conn, county, &mut |v| {
            if !keep(&v) {
                return Ok(());
            }
            let r = self.village_result(&v, &inds)?;
            f(&v, r)
        })
    }

    fn village_result(&self, v: &Place, inds: &[&str]) -> Result<RegionResult> {
        let values = values_as_of(self.conn, &self.months, &v.code, inds)?;
        let counts = self.counts.get(&v.code).copied().unwrap_or_default();
        Ok(self.region_result(v, &self.village_criteria, &values, counts, None, None))
    }

    /// Every county of `county` (or all) that `keep` keeps, in code order, each handed to `f` as
    /// soon as it is decided. The villages are read once first, for the register sums and for
    /// C5, which needs the verdict of every registered poor village; of those, each county keeps
    /// only the counts and the few names its source shows.
    pub fn for_each_county(
        &self,
        county: Option<&str>,
        keep: &dyn Fn(&Place) -> bool,
        f: &mut dyn FnMut(&Place, RegionResult) -> Result<()>,
    ) -> Result<()> {
        let counties: Vec<Place> = inputs::counties(self.conn, county, false)?
            .into_iter()
            .filter(|c| keep(c))
            .collect();
        let mut poor: HashMap<String, PoorVillages> = counties
            .iter()
            .map(|c| (c.code.clone(), PoorVillages::default()))
            .collect();
        let mut sums: HashMap<String, RegisterCounts> = HashMap::new();
        let one = match counties.as_slice() {
            [c] => Some(c.code.as_str()),
            _ => None,
        };
        let inds = stored_indicators(&self.village_criteria);
        inputs::for_each_village(self.conn, one, &mut |v| {
            let Some(e) = poor.get_mut(&v.county) else {
                return Ok(());
            };
            if let Some(c) = self.counts.get(&v.code) {
                *sums.entry(v.county.clone()).or_default() += *c;
            }
            if v.poverty_registered == Some(true) {
                let r = self.village_result(&v, &inds)?;
                match r.verdict {
                    Verdict::Pass => e.pass += 1,
                    Verdict::Fail => e.fail.add(&r),
                    Verdict::Undetermined => e.undetermined.add(&r),
                }
            }
            Ok(())
        })?;

        let inds = stored_indicators(&self.county_criteria);
        let none = Values::none(&inds);
        let empty = PoorVillages::default();
        // A province's values are the reference of every county under it (C6): read once.
        let mut provinces: HashMap<String, Values> = HashMap::new();
        for c in &counties {
            let values = values_as_of(self.conn, &self.months, &c.code, &inds)?;
            if let Some(p) = &c.province {
                if !provinces.contains_key(p) {
                    let v = values_as_of(self.conn, &self.months, p, &inds)?;
                    provinces.insert(p.clone(), v);
                }
            }
            let province_values = c
                .province
                .as_ref()
                .and_then(|p| provinces.get(p))
                .unwrap_or(&none);
            let counts = sums.get(&c.code).copied().unwrap_or_default();
            let r = self.region_result(
                c,
                &self.county_criteria,
                &values,
                counts,
                Some(province_values),
                Some(poor.get(&c.code).unwrap_or(&empty)),
            );
            f(c, r)?;
        }
        Ok(())
    }

    fn region_result(
        &self,
        place: &Place,
        criteria: &[Criterion],
        values: &Values,
        counts: RegisterCounts,
        reference: Option<&Values>,
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

    fn lookup<'a>(&self, values: &'a Values, indicator: &str) -> Lookup<'a> {
        match values.get(indicator) {
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
    fn show(&self, f: &Found, indicator: &str) -> String {
        figure::figure(f.value, f.qualifier, self.indicator_unit(indicator))
    }

    /// A stored value named with its figure and source, or why it is missing:
    /// `户籍人口 1,328 人（2019-03，第25期…）`, `2019-03 及以前没有通宽带的数据`.
    fn describe(&self, lookup: &Lookup, indicator: &str) -> String {
        let name = self.indicator_name(indicator);
        match lookup {
            Lookup::Absent => format!("{} 及以前没有{name}的数据", self.period),
            Lookup::Stale(f) => format!(
                "{name}最新值 {}（{}，{}）早于 {} 超过 {} 个月，视为无数据",
                self.show(f, indicator),
                f.period,
                self.sources.cite_found(f),
                self.period,
                self.max_age
            ),
            Lookup::Fresh(f) => format!(
                "{name} {}（{}，{}）",
                self.show(f, indicator),
                f.period,
                self.sources.cite_found(f)
            ),
        }
    }

    fn stored(&self, values: &Values, indicator: &str) -> Measured {
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

    fn criterion_result(
        &self,
        place: &Place,
        c: &Criterion,
        values: &Values,
        counts: RegisterCounts,
        reference: Option<&Values>,
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
            status: CriterionStatus::NoData,
            value: None,
            threshold: threshold.as_ref().ok().map(|t| t.0),
            operator: c.operator,
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
                status: judge(c.operator, bounds, t),
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
