//! The demo's registered households: who they are, when each exits, returns or lapses, and the
//! register rows of a month as a county office writes them.

use crate::demo::synth::Rng;
use crate::model::period::Period;

use super::plan::{month_between, pick, County, Options, SANJIAZI};
use super::villages::Village;

#[derive(Clone)]
pub(super) struct Household {
    pub id: String,
    pub village: usize,
    pub head: String,
    pub id_number: String,
    pub size: u64,
    pub category: &'static str,
    pub cause: &'static str,
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

/// A fake resident ID number with a valid check digit, born in the county.
pub(super) fn id_number(rng: &mut Rng, county: &str) -> String {
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

pub(super) fn households(
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

/// What a household's row of a month says, in either form.
pub(super) struct MonthFacts {
    pub status: &'static str,
    pub exit_year: Option<i32>,
    pub income_text: String,
    /// 不愁吃穿, 义务教育保障, 基本医疗保障, 住房安全, 饮水安全.
    pub flags: [bool; 5],
}

/// The month's row of household number `i`.
pub(super) fn month_facts(h: &Household, i: usize, p: Period) -> MonthFacts {
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
    MonthFacts {
        status,
        exit_year,
        income_text,
        flags: [
            exited || !i.is_multiple_of(5),
            true,
            medical,
            housing,
            exited || !i.is_multiple_of(9) || p.year() == 2019,
        ],
    }
}

pub(super) fn household_rows(
    households: &[Household],
    villages: &[Village],
    p: Period,
) -> Vec<Vec<String>> {
    // The generated counties flag no household for monitoring: the optional 监测对象类别 column is
    // left out, so the files stay what they were.
    let mut rows = vec![crate::import::contract::HOUSEHOLDS
        .iter()
        .filter(|c| c.en != "monitoring_kind")
        .map(|c| c.zh.to_string())
        .collect::<Vec<_>>()];
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    for (i, h) in households.iter().enumerate() {
        let f = month_facts(h, i, p);
        let mut row = vec![
            p.to_string(),
            h.id.clone(),
            villages[h.village].code.clone(),
            h.head.clone(),
            h.id_number.clone(),
            h.size.to_string(),
            h.category.to_string(),
            h.cause.to_string(),
            f.status.to_string(),
            f.exit_year.map(|y| y.to_string()).unwrap_or_default(),
            f.income_text,
        ];
        row.extend(f.flags.map(yes));
        rows.push(row);
    }
    rows
}

/// Registered households (any status) and their people, of one village (its index) or of all.
pub(super) fn registered(households: &[Household], village: Option<usize>) -> (u64, u64) {
    households
        .iter()
        .filter(|h| village.is_none_or(|v| h.village == v))
        .fold((0, 0), |(n, people), h| (n + 1, people + h.size))
}
