//! The demo's villages: the bulletins' villages of each county with their reference codes, then
//! generated ones with provisional codes, and the month each item of infrastructure arrives.

use crate::demo::synth::Rng;
use crate::model::period::Period;

use super::plan::{month_between, pick, County, Options, SANJIAZI};

pub(super) struct Village {
    pub code: String,
    pub name: String,
    pub township: String,
    pub township_name: String,
    pub poor: bool,
    pub population: u64,
    /// Month each infrastructure item switches to yes (None: never within the demo).
    pub road: Option<Period>,
    pub power: Option<Period>,
    pub broadband: Option<Period>,
    pub clinic: Option<Period>,
    pub culture: Option<Period>,
    pub industry: Option<Period>,
    /// Collective income at the start (yuan/year) and its monthly growth.
    pub income0: f64,
    pub income_step: f64,
    pub water0: f64,
}

const PLACE_A: &[&str] = &[
    "东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "老", "石", "柳", "杨", "马",
    "黄", "白", "高", "双",
];
const PLACE_B: &[&str] = &[
    "山", "河", "沟", "台", "屯", "营", "堡", "岭", "洼", "甸", "泉", "峪", "岗", "坨", "庄", "湾",
];
pub(super) fn villages(rng: &mut Rng, county: &County, opts: &Options) -> Vec<Village> {
    let mut out = Vec::new();
    let mut names = std::collections::HashSet::new();
    let late = Period::new(2019, 9).unwrap_or(opts.to);
    let infra = |rng: &mut Rng, poor: bool| -> Option<Period> {
        if poor {
            // Registered poor villages are the campaign's focus: all items done by 2019-09.
            Some(month_between(rng, opts.from, late))
        } else if rng.unit() < 0.85 {
            Some(month_between(rng, opts.from, opts.to))
        } else {
            None
        }
    };
    let townships = opts.villages.div_ceil(8).max(1);
    let make = |rng: &mut Rng,
                code: String,
                name: String,
                township: String,
                township_name: String,
                poor: bool| {
        let population = if code == SANJIAZI {
            1328
        } else {
            400 + rng.below(1100)
        };
        Village {
            code,
            name,
            township,
            township_name,
            poor,
            population,
            road: infra(rng, poor),
            power: infra(rng, poor),
            broadband: infra(rng, poor),
            clinic: infra(rng, poor),
            culture: infra(rng, poor),
            industry: infra(rng, poor),
            income0: 10_000.0 + rng.below(30_000) as f64,
            income_step: 800.0 + rng.below(2_500) as f64,
            water0: 70.0 + rng.below(25) as f64,
        }
    };
    for &(code, name, township, township_name) in county.known_villages {
        names.insert(name.to_string());
        let poor = code == SANJIAZI || rng.unit() < 0.5;
        out.push(make(
            rng,
            code.into(),
            name.into(),
            township.into(),
            township_name.into(),
            poor,
        ));
    }
    let mut township_names = Vec::new();
    for t in 0..townships {
        let mut name;
        loop {
            name = format!(
                "{}{}{}",
                pick(rng, PLACE_A),
                pick(rng, PLACE_B),
                if t % 3 == 2 { "乡" } else { "镇" }
            );
            if !township_names.contains(&name) {
                break;
            }
        }
        township_names.push(name);
    }
    for i in 0..opts.villages {
        let t = i % townships;
        let mut name;
        loop {
            name = format!("{}{}村", pick(rng, PLACE_A), pick(rng, PLACE_B));
            if names.insert(name.clone()) {
                break;
            }
            if names.len() > PLACE_A.len() * PLACE_B.len() - 8 {
                name = format!(
                    "{}{}{}村",
                    pick(rng, PLACE_A),
                    pick(rng, PLACE_A),
                    pick(rng, PLACE_B)
                );
                if names.insert(name.clone()) {
                    break;
                }
            }
        }
        let township = format!("{}-D{:02}", county.code, t + 1);
        let code = format!("{township}-V{:02}", i / townships + 1);
        // About a third of villages are registered poor villages, spread over the townships.
        let poor = (i / townships + t).is_multiple_of(3);
        out.push(make(
            rng,
            code,
            name,
            township,
            township_names[t].clone(),
            poor,
        ));
    }
    if county.fails {
        // The visible reason: one registered poor village never gets broadband.
        if let Some(v) = out.iter_mut().find(|v| v.poor && v.code != SANJIAZI) {
            v.broadband = None;
        }
    }
    out
}
