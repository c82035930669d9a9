//! The derived indicators of a region: counts and shares from its county's register snapshot, and
//! C5 from the verdicts of the county's poor villages, each with its source spelt out.

use super::{Checker, Labels, Lookup, Measured, PoorVillages};
use crate::check::inputs::{Place, Values};
use crate::check::judge::Bounds;
use crate::check::register::RegisterCounts;
use crate::output::number::number;

impl Checker<'_> {
    pub(super) fn derived(
        &self,
        place: &Place,
        indicator: &str,
        values: &Values,
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
                        self.show(p, "population"),
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
        let total = p.pass + p.fail.count + p.undetermined.count;
        if total == 0 {
            return Measured::Value {
                value: 100.0,
                bounds: Bounds::exact(100.0),
                period: self.period,
                source: "县内没有建档立卡贫困村，按全部达标（100%）计 (vacuously true)".to_string(),
            };
        }
        let share = |n: usize| n as f64 * 100.0 / total as f64;
        let list = |v: &Labels| {
            let more = if v.count > v.first.len() { " 等" } else { "" };
            format!("（{}{more}）", v.first.join("、"))
        };
        let mut text = format!(
            "县内建档立卡贫困村 {total} 个，{} 项全部达标 {} 个",
            self.village_criteria.len(),
            p.pass
        );
        if p.fail.count > 0 {
            text += &format!("，未达标 {} 个{}", p.fail.count, list(&p.fail));
        }
        if p.undetermined.count > 0 {
            text += &format!(
                "，无法判定 {} 个{}",
                p.undetermined.count,
                list(&p.undetermined)
            );
        }
        Measured::Value {
            value: share(p.pass),
            bounds: Bounds {
                low: share(p.pass),
                high: share(p.pass + p.undetermined.count),
            },
            period: self.period,
            source: text,
        }
    }
}
