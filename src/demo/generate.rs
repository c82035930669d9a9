//! Generated demo data: the monthly files five county offices would send from 2018-01 to 2019-12.
//!
//! Everything here is invented, but shaped like the real thing: the five 2019 planned-exit counties
//! with their real names and codes; generated townships and villages with provisional codes
//! (`<county>-D01`, `<county>-D01-V01`); the villages the bulletins name, with their reference codes;
//! 三家子村 with its 第25期 figures (174 registered poor households, 382 people, 1,328 residents, all
//! exited by 2018-12). Households exit month by month, a few return to poverty, a few exited ones fail
//! a standard (so 疑似错退 has something to find); village infrastructure switches to yes over time;
//! county survey indicators arrive late in 2019. By 2019-12 four counties meet all six county
//! criteria; 朝阳县 does not: its approval survey is 87.6% (< 90%) and one of its registered poor
//! villages still has no broadband.
//!
//! Files are written exactly per the CSV contract; some as Excel on a Chinese Windows writes them
//! (GBK, CRLF, wide form), some UTF-8 (long form, one with a BOM).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::demo::synth::Rng;
use crate::model::period::Period;

/// A county the generator knows: code, name, and how its office writes files.
struct County {
    code: &'static str,
    name: &'static str,
    encoding: Encoding,
    /// Villages of the reference data under it: (village code, name, township code, township name).
    known_villages: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// 朝阳县: its survey approval stays under 90% and one poor village never gets broadband.
    fails: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// Excel on Chinese Windows: GBK, CRLF, wide indicator form.
    GbkCrlf,
    /// UTF-8 with a BOM, long indicator form.
    Utf8Bom,
    /// Plain UTF-8, LF, long indicator form.
    Utf8,
}

const SANJIAZI: &str = "210922-T01-V01";

const COUNTIES: [County; 5] = [
    County {
        code: "210323",
        name: "岫岩满族自治县",
        encoding: Encoding::GbkCrlf,
        known_villages: &[],
        fails: false,
    },
    County {
        code: "210727",
        name: "义县",
        encoding: Encoding::Utf8Bom,
        known_villages: &[
            ("210727-T01-V01", "七里河村", "210727-T01", "七里河镇"),
            ("210727-T02-V01", "拉拉屯村", "210727-T02", "头道河镇"),
        ],
        fails: false,
    },
    County {
        code: "210922",
        name: "彰武县",
        encoding: Encoding::GbkCrlf,
        known_villages: &[(SANJIAZI, "三家子村", "210922-T01", "章古台镇")],
        fails: false,
    },
    County {
        code: "211321",
        name: "朝阳县",
        encoding: Encoding::Utf8,
        known_villages: &[("211321-T01-V01", "官粮窖村", "211321-T01", "六家子镇")],
        fails: true,
    },
    County {
        code: "211422",
        name: "建昌县",
        encoding: Encoding::GbkCrlf,
        known_villages: &[],
        fails: false,
    },
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// County codes; default the five 2019 planned-exit counties.
    pub counties: Vec<String>,
    /// Generated villages per county (the bulletins' villages come on top).
    pub villages: usize,
    /// Registered households per county.
    pub households: usize,
    pub from: Period,
    pub to: Period,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            counties: COUNTIES.iter().map(|c| c.code.to_string()).collect(),
            villages: 24,
            households: 2500,
            from: Period::new(2018, 1).unwrap_or_else(Period::current),
            to: Period::new(2019, 12).unwrap_or_else(Period::current),
            seed: 2019,
        }
    }
}

/// The files written, in the order a county office would send them (regions first).
#[derive(Debug, Clone, Default)]
pub struct Generated {
    pub regions: PathBuf,
    /// (period, households files, indicator files) per month.
    pub months: Vec<(Period, Vec<PathBuf>, Vec<PathBuf>)>,
    pub households_rows: u64,
}

struct Village {
    code: String,
    name: String,
    township: String,
    township_name: String,
    poor: bool,
    population: u64,
    /// Month each infrastructure item switches to yes (None: never within the demo).
    road: Option<Period>,
    power: Option<Period>,
    broadband: Option<Period>,
    clinic: Option<Period>,
    culture: Option<Period>,
    industry: Option<Period>,
    /// Collective income at the start (yuan/year) and its monthly growth.
    income0: f64,
    income_step: f64,
    water0: f64,
}

#[derive(Clone)]
struct Household {
    id: String,
    village: usize,
    head: String,
    id_number: String,
    size: u64,
    category: &'static str,
    cause: &'static str,
    /// Exited before the demo starts (year), or exits at a month, or never.
    exited_before: Option<i32>,
    exit_at: Option<Period>,
    /// Returns to poverty at this month, and exits again at the second (if ever).
    returns: Option<(Period, Option<Period>)>,
    /// Unsafe housing until this month.
    housing_fixed: Option<Period>,
    /// From this month an exited household fails 基本医疗 (a suspected wrong exit).
    medical_lapse: Option<Period>,
    /// Exited but with an income just above the line: on the monitoring list (防返贫监测).
    fragile: bool,
    base_income: f64,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "于", "董",
];
const GIVEN: &[&str] = &[
    "国", "建", "玉", "秀", "文", "明", "德", "福", "桂", "春", "海", "志", "金", "宝", "凤", "英",
    "军", "平", "兰", "成",
];
const PLACE_A: &[&str] = &[
    "东", "西", "南", "北", "前", "后", "上", "下", "大", "小", "新", "老", "石", "柳", "杨", "马",
    "黄", "白", "高", "双",
];
const PLACE_B: &[&str] = &[
    "山", "河", "沟", "台", "屯", "营", "堡", "岭", "洼", "甸", "泉", "峪", "岗", "坨", "庄", "湾",
];
const CATEGORIES: [&str; 3] = ["一般贫困户", "低保贫困户", "特困供养贫困户"];
const CAUSES: [&str; 8] = [
    "因病",
    "因残",
    "因学",
    "缺技术",
    "缺劳力",
    "缺资金",
    "因灾",
    "自身发展动力不足",
];

fn pick<'a>(rng: &mut Rng, list: &[&'a str]) -> &'a str {
    list[rng.below(list.len() as u64) as usize]
}

fn month_between(rng: &mut Rng, from: Period, to: Period) -> Period {
    let span = from.months_until(to).max(0) as u64;
    from.add_months(rng.below(span + 1) as i64).unwrap_or(from)
}

/// A fake resident ID number with a valid check digit, born in the county.
fn id_number(rng: &mut Rng, county: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let body = format!(
        "{county}{:04}{:02}{:02}{:03}",
        1940 + rng.below(60),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.below(1000)
    );
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    format!("{body}{}", CHECK[(sum % 11) as usize] as char)
}

fn poverty_line(year: i32) -> f64 {
    // Only used to shape generated incomes; the checks read the poverty_line table.
    match year {
        ..=2016 => 3000.0,
        2017 => 3335.0,
        2018 => 3535.0,
        2019 => 3747.0,
        _ => 4000.0,
    }
}

/// Generate the demo files into `out`.
pub fn generate(opts: &Options, out: &Path) -> Result<Generated> {
    if opts.from > opts.to {
        bail!("--months {}..{}: 起始月晚于结束月", opts.from, opts.to);
    }
    if opts.villages == 0 || opts.households == 0 {
        bail!("--villages 和 --households 必须大于 0");
    }
    let counties: Vec<&County> = opts
        .counties
        .iter()
        .map(|code| {
            COUNTIES
                .iter()
                .find(|c| c.code == code.trim())
                .with_context(|| format!("演示数据只包含 2019 年计划退出的五个县（210323 210727 210922 211321 211422），没有 {code}"))
        })
        .collect::<Result<_>>()?;
    std::fs::create_dir_all(out).with_context(|| format!("无法创建目录 {}", out.display()))?;

    let mut generated = Generated::default();
    let mut regions = vec![vec![
        "代码".to_string(),
        "名称".into(),
        "级别".into(),
        "上级代码".into(),
        "贫困标识".into(),
        "计划退出年度".into(),
    ]];
    let mut plans = Vec::new();
    for (ci, county) in counties.iter().enumerate() {
        let mut rng = Rng::new(opts.seed ^ (0x5151 * (ci as u64 + 1)));
        let villages = villages(&mut rng, county, opts);
        for v in &villages {
            let township_row = vec![
                v.township.clone(),
                v.township_name.clone(),
                "乡镇".into(),
                county.code.to_string(),
                String::new(),
                String::new(),
            ];
            if !regions.contains(&township_row) {
                regions.push(township_row);
            }
            regions.push(vec![
                v.code.clone(),
                v.name.clone(),
                "村".into(),
                v.township.clone(),
                if v.poor { "是" } else { "否" }.into(),
                String::new(),
            ]);
        }
        let households = households(&mut rng, county, &villages, opts);
        plans.push((county, villages, households, rng));
    }
    generated.regions = out.join("demo-regions.csv");
    write_csv(&generated.regions, &regions, Encoding::Utf8)?;

    for period in opts.from.through(opts.to) {
        let mut hh_files = Vec::new();
        let mut ind_files = Vec::new();
        for (county, villages, households, rng) in plans.iter_mut() {
            let rows = household_rows(households, villages, period);
            generated.households_rows += rows.len() as u64 - 1;
            let file = out.join(format!(
                "demo-{}-{}-households-{period}.csv",
                county.code, county.name
            ));
            write_csv(&file, &rows, county.encoding)?;
            hh_files.push(file);
            let rows = indicator_rows(county, villages, period, rng);
            let file = out.join(format!(
                "demo-{}-{}-indicators-{period}.csv",
                county.code, county.name
            ));
            write_csv(&file, &rows, county.encoding)?;
            ind_files.push(file);
        }
        if let Some(rows) = province_rows(period) {
            let file = out.join(format!("demo-21-辽宁省-indicators-{period}.csv"));
            write_csv(&file, &rows, Encoding::Utf8)?;
            ind_files.push(file);
        }
        generated.months.push((period, hh_files, ind_files));
    }
    Ok(generated)
}

fn villages(rng: &mut Rng, county: &County, opts: &Options) -> Vec<Village> {
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
        let poor = (i / townships + t) % 3 == 0;
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

fn households(
    rng: &mut Rng,
    county: &County,
    villages: &[Village],
    opts: &Options,
) -> Vec<Household> {
    let mut out = Vec::new();
    let start = opts.from;
    let exit_deadline = Period::new(2019, 9).unwrap_or(opts.to);
    let mut next_id = 1u64;
    let mut new_household = |rng: &mut Rng, village: usize, size: u64| {
        let id = format!("{}{:08}", county.code, next_id);
        next_id += 1;
        Household {
            id,
            village,
            head: format!(
                "{}{}{}",
                pick(rng, SURNAMES),
                pick(rng, GIVEN),
                pick(rng, GIVEN)
            ),
            id_number: id_number(rng, county.code),
            size,
            category: CATEGORIES[rng.below(3) as usize],
            cause: CAUSES[rng.below(CAUSES.len() as u64) as usize],
            exited_before: None,
            exit_at: None,
            returns: None,
            housing_fixed: None,
            medical_lapse: None,
            fragile: false,
            base_income: 0.0,
        }
    };
    // 三家子村 first: 174 households, 382 people, all lifted out during 2018 (第25期).
    let mut remaining = opts.households;
    if let Some(si) = villages.iter().position(|v| v.code == SANJIAZI) {
        for k in 0..174u64 {
            let size = if k < 34 { 3 } else { 2 };
            let mut h = new_household(rng, si, size);
            h.exit_at = Some(month_between(
                rng,
                start,
                Period::new(2018, 12).unwrap_or(start),
            ));
            h.base_income = 4_200.0 + rng.below(5_000) as f64;
            out.push(h);
        }
        remaining = remaining.saturating_sub(174);
    }
    let others: Vec<usize> = (0..villages.len())
        .filter(|&i| villages[i].code != SANJIAZI)
        .collect();
    for _ in 0..remaining {
        // Poor villages hold more registered households.
        let vi = loop {
            let cand = others[rng.below(others.len() as u64) as usize];
            if villages[cand].poor || rng.unit() < 0.6 {
                break cand;
            }
        };
        let poor_village = villages[vi].poor;
        let size = 1 + rng.below(5);
        let mut h = new_household(rng, vi, size);
        let roll = rng.unit();
        if roll < 0.25 {
            h.exited_before = Some(2016 + rng.below(2) as i32);
        } else if !poor_village && roll > 0.975 {
            // Still poor at the end: the hard cases of non-poor villages.
        } else {
            h.exit_at = Some(month_between(rng, start, exit_deadline));
        }
        if rng.unit() < 0.3 {
            let fixed = match h.exit_at {
                Some(e) => month_between(rng, start, e),
                None => month_between(rng, start, exit_deadline),
            };
            h.housing_fixed = Some(fixed);
        }
        if !poor_village && (h.exit_at.is_some() || h.exited_before.is_some()) {
            let r = rng.unit();
            if r < 0.012 {
                let from = h.exit_at.unwrap_or(start).add_months(2).unwrap_or(start);
                let back = month_between(rng, from, opts.to);
                let again = if rng.unit() < 0.5 {
                    back.add_months(4)
                } else {
                    None
                };
                h.returns = Some((back, again.filter(|a| *a <= opts.to)));
            } else if r < 0.018 {
                h.medical_lapse = Some(month_between(
                    rng,
                    Period::new(2019, 1).unwrap_or(start),
                    opts.to,
                ));
            }
        }
        h.base_income = 1_500.0 + rng.below(2_000) as f64;
        h.fragile = rng.unit() < 0.04;
        out.push(h);
    }
    out
}

/// Status of a household in a month: (status, exit year).
fn status_at(h: &Household, p: Period) -> (&'static str, Option<i32>) {
    if let Some(y) = h.exited_before {
        return match h.returns {
            Some((back, again)) if p >= back && again.is_none_or(|a| p < a) => ("返贫", Some(y)),
            Some((_, Some(again))) if p >= again => ("已脱贫", Some(again.year())),
            _ => ("已脱贫", Some(y)),
        };
    }
    match h.exit_at {
        Some(e) if p >= e => match h.returns {
            Some((back, again)) if p >= back && again.is_none_or(|a| p < a) => {
                ("返贫", Some(e.year()))
            }
            Some((_, Some(again))) if p >= again => ("已脱贫", Some(again.year())),
            _ => ("已脱贫", Some(e.year())),
        },
        _ => ("未脱贫", None),
    }
}

fn household_rows(households: &[Household], villages: &[Village], p: Period) -> Vec<Vec<String>> {
    let mut rows = vec![crate::import::contract::HOUSEHOLDS
        .iter()
        .map(|c| c.zh.to_string())
        .collect::<Vec<_>>()];
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    for (i, h) in households.iter().enumerate() {
        let (status, exit_year) = status_at(h, p);
        let line = poverty_line(p.year());
        // Incomes rise through the months; exited households sit above the line.
        let months = Period::new(2018, 1)
            .map(|s| s.months_until(p))
            .unwrap_or(0)
            .max(0) as f64;
        let income = match status {
            "已脱贫" if h.fragile => line + 150.0 + h.base_income * 0.3,
            "已脱贫" => line + 400.0 + h.base_income * 0.8 + months * 35.0,
            _ => (h.base_income * 0.9 + months * 10.0).min(line - 150.0),
        };
        let housing = h.housing_fixed.is_none_or(|f| p >= f);
        let medical = h.medical_lapse.is_none_or(|m| p < m);
        let exited = status == "已脱贫";
        // Excel habits: some numbers with separators or as 174.0, a few with spaces.
        let income_text = match i % 7 {
            0 => format!("{:.1}", income.round()),
            1 => crate::output::number::number(income.round()),
            _ => format!("{}", income.round()),
        };
        rows.push(vec![
            p.to_string(),
            h.id.clone(),
            villages[h.village].code.clone(),
            h.head.clone(),
            h.id_number.clone(),
            h.size.to_string(),
            h.category.to_string(),
            h.cause.to_string(),
            status.to_string(),
            exit_year.map(|y| y.to_string()).unwrap_or_default(),
            income_text,
            yes(exited || i % 5 != 0),
            yes(true),
            yes(medical),
            yes(housing),
            yes(exited || i % 9 != 0 || p.year() == 2019),
        ]);
    }
    rows
}

fn switched(at: Option<Period>, p: Period) -> bool {
    at.is_some_and(|a| p >= a)
}

const WIDE_VILLAGE: [(&str, &str); 9] = [
    ("population", "户籍人口"),
    ("collective_income", "村集体经济收入"),
    ("hardened_road", "通硬化路"),
    ("safe_water_rate", "安全饮水覆盖率"),
    ("electricity", "通生产生活用电"),
    ("broadband", "通宽带"),
    ("clinic", "标准化卫生室及合格村医"),
    ("culture_center", "综合文化服务中心"),
    ("leading_industry", "主导产业或合作社"),
];

const COUNTY_SURVEY: [(&str, &str); 4] = [
    ("wrong_exit_rate", "脱贫人口错退率"),
    ("missed_rate", "贫困人口漏评率"),
    ("approval_rate", "群众认可度"),
    ("rural_income_growth", "农村居民人均可支配收入增幅"),
];

/// One county's indicator values for a month: (region code, indicator code, value text).
fn indicator_values(
    county: &County,
    villages: &[Village],
    p: Period,
    rng: &mut Rng,
) -> Vec<(String, &'static str, String)> {
    let yn = |b: bool| if b { "是" } else { "否" }.to_string();
    let start = Period::new(2018, 1).unwrap_or(p);
    let mut values = Vec::new();
    for v in villages {
        // Now and then a village does not report an item that month (as-of picks up the last one).
        let mut put = |code: &'static str, text: String, rng: &mut Rng| {
            if code == "population" || rng.unit() > 0.03 {
                values.push((v.code.clone(), code, text));
            }
        };
        let months = start.months_until(p).max(0) as f64;
        put("population", v.population.to_string(), rng);
        let income =
            v.income0 + v.income_step * months + if v.poor { 1200.0 * months } else { 0.0 };
        put("collective_income", format!("{}", income.round()), rng);
        put("hardened_road", yn(switched(v.road, p)), rng);
        let water = if v.poor && p >= Period::new(2019, 9).unwrap_or(p) {
            100.0
        } else {
            (v.water0 + months * 1.5).min(100.0)
        };
        put("safe_water_rate", format!("{water:.1}"), rng);
        put("electricity", yn(switched(v.power, p)), rng);
        put("broadband", yn(switched(v.broadband, p)), rng);
        put("clinic", yn(switched(v.clinic, p)), rng);
        put("culture_center", yn(switched(v.culture, p)), rng);
        put("leading_industry", yn(switched(v.industry, p)), rng);
    }
    let population: u64 = villages.iter().map(|v| v.population).sum();
    values.push((
        county.code.to_string(),
        "population",
        population.to_string(),
    ));
    // Third-party survey results arrive in the last quarter of 2019.
    if p >= Period::new(2019, 11).unwrap_or(p) && p.year() == 2019 {
        let fails = county.fails;
        values.push((
            county.code.to_string(),
            "wrong_exit_rate",
            format!("{:.2}", 0.4 + rng.unit() * 0.8),
        ));
        values.push((
            county.code.to_string(),
            "missed_rate",
            format!("{:.2}", 0.3 + rng.unit() * 0.9),
        ));
        let approval = if fails { 87.6 } else { 93.0 + rng.unit() * 4.0 };
        values.push((
            county.code.to_string(),
            "approval_rate",
            format!("{approval:.1}"),
        ));
        values.push((
            county.code.to_string(),
            "rural_income_growth",
            format!("{:.1}", 9.2 + rng.unit() * 1.5),
        ));
    }
    values
}

fn indicator_rows(
    county: &County,
    villages: &[Village],
    p: Period,
    rng: &mut Rng,
) -> Vec<Vec<String>> {
    let values = indicator_values(county, villages, p, rng);
    if county.encoding != Encoding::GbkCrlf {
        // Long form.
        let mut rows = vec![vec![
            "统计期".to_string(),
            "区划代码".into(),
            "指标".into(),
            "值".into(),
            "备注".into(),
        ]];
        for (region, code, value) in values {
            rows.push(vec![
                p.to_string(),
                region,
                code.to_string(),
                value,
                String::new(),
            ]);
        }
        return rows;
    }
    // Wide form, Chinese names as headers; empty cells are "not reported".
    let columns: Vec<(&str, &str)> = WIDE_VILLAGE
        .iter()
        .chain(COUNTY_SURVEY.iter())
        .copied()
        .collect();
    let mut header = vec!["统计期".to_string(), "区划代码".into()];
    header.extend(columns.iter().map(|(_, name)| name.to_string()));
    let mut rows = vec![header];
    let mut regions: Vec<String> = Vec::new();
    for (r, _, _) in &values {
        if !regions.contains(r) {
            regions.push(r.clone());
        }
    }
    for region in regions {
        let mut row = vec![format!("{}年{}月", p.year(), p.month()), region.clone()];
        for (code, _) in &columns {
            let cell = values
                .iter()
                .find(|(r, c, _)| *r == region && c == code)
                .map(|(_, _, v)| v.clone())
                .unwrap_or_default();
            row.push(cell);
        }
        rows.push(row);
    }
    rows
}

/// The provincial statistics bureau's figure C6 compares with: rural income growth for the year.
fn province_rows(p: Period) -> Option<Vec<Vec<String>>> {
    let growth = match (p.year(), p.month()) {
        (2018, 12) => "8.5",
        (2019, 12) => "8.9",
        _ => return None,
    };
    Some(vec![
        vec![
            "统计期".into(),
            "区划代码".into(),
            "指标".into(),
            "值".into(),
            "备注".into(),
        ],
        vec![
            p.to_string(),
            "21".into(),
            "rural_income_growth".into(),
            growth.into(),
            "全省（生成数据）".into(),
        ],
    ])
}

fn write_csv(path: &Path, rows: &[Vec<String>], encoding: Encoding) -> Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(if encoding == Encoding::GbkCrlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = match encoding {
        Encoding::GbkCrlf => {
            let text = String::from_utf8(bytes)?;
            let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
            if unmappable {
                bail!("{}: 有字符无法用 GBK 表示", path.display());
            }
            gbk.into_owned()
        }
        Encoding::Utf8Bom => [crate::output::csv::UTF8_BOM.as_bytes(), &bytes].concat(),
        Encoding::Utf8 => bytes,
    };
    std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))
}
