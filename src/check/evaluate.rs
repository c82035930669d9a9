//! The evaluator: every criterion of every region in scope, from the inputs read once, with the
//! derived indicators computed from the register counts and each value's source spelt out.

use std::collections::HashMap;

use anyhow::Result;
use rusqlite::Connection;

use super::asof::max_age_months;
use super::inputs::{self, indicator_names, values_as_of, Found, Place, Sources};
use super::judge::{judge, Bounds};
use super::register::{self, RegisterCounts, Snapshot};
use super::result::{CriterionResult, CriterionStatus, RegionResult, Verdict};
use crate::model::criteria::{self, Criterion, CriterionLevel};
use crate::model::period::Period;
use crate::output::figure;
use crate::output::number::number;

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
    fail: Vec<String>,
    undetermined: Vec<String>,
}

/// Everything a check of one month reads, loaded once; evaluates villages and counties from it.
pub(super) struct Checker<'c> {
    conn: &'c Connection,
    period: Period,
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
            max_age,
            sources: Sources::load(conn)?,
            indicators,
            village_criteria,
            county_criteria,
            snapshots,
            counts,
        })
    }

    pub fn villages(&self, county: Option<&str>, only_poor: bool) -> Result<Vec<Place>> {
        inputs::villages(self.conn, county, only_poor)
    }

    pub fn counties(&self, county: Option<&str>, only_poor: bool) -> Result<Vec<Place>> {
        inputs::counties(self.conn, county, only_poor)
    }

    pub fn evaluate_villages(&self, villages: &[Place]) -> Result<Vec<RegionResult>> {
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

    pub fn evaluate_counties(&self, counties: &[Place]) -> Result<Vec<RegionResult>> {
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
        figure::figure(f.value, f.qualifier, self.indicator_unit(&f.indicator))
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
        let mut text = format!(
            "县内建档立卡贫困村 {total} 个，{} 项全部达标 {} 个",
            self.village_criteria.len(),
            p.pass
        );
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
