//! The demo county that sends its register as the national system exports it (建档立卡贫困人口明细表:
//! one row per person, places by name, a title and an area-and-date line above the header)
//! instead of the contract's file. It says what the contract file would: the members listed are
//! the household's size, the contract's 否 is one member's (the head without 大病医疗) or the
//! household's (危房户, 饮水安全); children of school age are at school. 不愁吃穿 has no column, so
//! H2 is not reported for this county (no verdict reads it: every exited household has it).
//! Members are drawn from a generator seeded by the household number, so the other counties'
//! files and every other random choice stay as they were.

use crate::demo::synth::Rng;
use crate::model::idcard::{with_check_digit, IdNumber};
use crate::model::period::Period;

use super::households::{month_facts, Household};
use super::plan::{pick, County};
use super::villages::Village;

/// 建昌县 sends the national export.
pub(super) const NATIONAL_COUNTY: &str = "211422";

const HEADER: [&str; 21] = [
    "序号",
    "县(市、区、旗)",
    "乡(镇)",
    "行政村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "民族",
    "在校生状况",
    "参加大病医疗",
    "脱贫属性",
    "贫困户属性",
    "主要致贫原因",
    "危房户",
    "饮水安全",
    "人均纯收入",
    "联系电话",
    "脱贫年度",
];

const GIVEN: &[&str] = &[
    "小", "春", "秋", "冬", "雪", "晓", "红", "丽", "强", "伟", "磊", "静", "敏", "杰", "涛", "艳",
];

/// A member after the head: relation and age range in years at the start of 2018.
const MEMBERS: [(&str, u64, u64); 6] = [
    ("配偶", 30, 70),
    ("之子", 2, 24),
    ("之女", 2, 24),
    ("之母", 60, 85),
    ("之孙子", 1, 10),
    ("之孙女", 1, 10),
];

struct Member {
    relation: &'static str,
    name: String,
    id_number: String,
}

/// The household's members after its head, the same every month.
fn members(h: &Household, county: &str) -> Vec<Member> {
    let seed = h.id.bytes().fold(0x4e41_5449u64, |n, b| {
        n.wrapping_mul(31).wrapping_add(b as u64)
    });
    let mut rng = Rng::new(seed);
    let surname: String = h.head.chars().take(1).collect();
    (1..h.size as usize)
        .map(|j| {
            let (relation, from, to) = MEMBERS[(j - 1) % MEMBERS.len()];
            let age = from + rng.below(to - from + 1);
            let body = format!(
                "{county}{:04}{:02}{:02}{:03}",
                2018 - age,
                1 + rng.below(12),
                1 + rng.below(28),
                rng.below(1000)
            );
            Member {
                relation,
                name: format!(
                    "{surname}{}{}",
                    pick(&mut rng, GIVEN),
                    pick(&mut rng, GIVEN)
                ),
                id_number: with_check_digit(&body).unwrap_or_default(),
            }
        })
        .collect()
}

/// 在校生状况 of a person of `age`: school-age children are at school.
fn school(age: i32) -> &'static str {
    match age {
        ..=5 => "学龄前儿童",
        6..=11 => "小学",
        12..=15 => "初中",
        16..=18 => "高中",
        _ => "非在校生",
    }
}

/// The export of one month: the two lines above the header, the header, one row per person.
pub(super) fn national_rows(
    county: &County,
    households: &[Household],
    villages: &[Village],
    p: Period,
) -> Vec<Vec<String>> {
    let width = HEADER.len();
    let line = |first: String| {
        let mut row = vec![String::new(); width];
        row[0] = first;
        row
    };
    let mut rows = vec![
        line("建档立卡贫困人口明细表".to_string()),
        line(format!(
            "辽宁省{}  {}年{}月",
            county.name,
            p.year(),
            p.month()
        )),
        HEADER.iter().map(|h| h.to_string()).collect(),
    ];
    let yes = |b: bool| if b { "是" } else { "否" };
    let mut seq = 0;
    for (i, h) in households.iter().enumerate() {
        let f = month_facts(h, i, p);
        let v = &villages[h.village];
        // Some clerks drop the suffix: 东山 for 东山村.
        let village = if i % 11 == 0 {
            v.name.trim_end_matches('村')
        } else {
            &v.name
        };
        let exited = f.status == "已脱贫";
        let status = if exited {
            "已脱贫(享受政策)"
        } else {
            f.status
        };
        let category = if exited {
            h.category.replace("贫困户", "脱贫户")
        } else {
            h.category.to_string()
        };
        let people = std::iter::once(("户主", h.head.clone(), h.id_number.clone())).chain(
            members(h, county.code)
                .into_iter()
                .map(|m| (m.relation, m.name, m.id_number)),
        );
        for (j, (relation, name, id_number)) in people.enumerate() {
            seq += 1;
            let age = IdNumber::parse(&id_number)
                .map(|id| id.age_at(p))
                .unwrap_or(99);
            // Every row repeats the household's cells in half the households, the head's row
            // alone has them in the others.
            let household = j == 0 || i % 2 == 0;
            let cell = |text: &str| {
                if household {
                    text.to_string()
                } else {
                    String::new()
                }
            };
            rows.push(vec![
                seq.to_string(),
                cell(county.name),
                cell(&v.township_name),
                cell(village),
                h.id.clone(),
                format!("{}{:02}", h.id, j + 1),
                name,
                id_number,
                cell(&h.size.to_string()),
                relation.to_string(),
                "汉族".to_string(),
                school(age).to_string(),
                yes(f.flags[2] || j > 0).to_string(),
                cell(status),
                cell(&category),
                cell(h.cause),
                cell(yes(!f.flags[3])),
                cell(yes(f.flags[4])),
                cell(&f.income_text),
                if j == 0 {
                    format!("13{:09}", (i * 7919 + 100_000) % 1_000_000_000)
                } else {
                    String::new()
                },
                cell(&f.exit_year.map(|y| y.to_string()).unwrap_or_default()),
            ]);
        }
    }
    rows
}
