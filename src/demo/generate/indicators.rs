//! The demo's indicator values: village figures and infrastructure, county population, the
//! third-party surveys late in 2019, and the province's income growth; long or wide form as each
//! county office writes them.

use crate::demo::synth::Rng;
use crate::model::period::Period;

use super::plan::{County, Encoding};
use super::villages::Village;

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

pub(super) fn indicator_rows(
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
pub(super) fn province_rows(p: Period) -> Option<Vec<Vec<String>>> {
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
