//! Synthetic registers for benchmarks and tests: regions and household files of any size, in the
//! county-office CSV format, deterministic for a seed. Everything it makes is marked as generated
//! (provisional `-G` codes, 生成 names).

use std::io::Write;

use anyhow::Result;

use crate::model::period::Period;

/// A small deterministic generator (SplitMix64): the data only needs to look varied and be the
/// same for the same seed on every machine and version.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A generated county: its code (an existing county of the region table) and how many townships
/// and villages to put under it.
pub struct CountyPlan<'a> {
    pub code: &'a str,
    pub townships: usize,
    pub villages_per_township: usize,
}

/// Village codes of a plan, in file order.
pub fn village_codes(plans: &[CountyPlan]) -> Vec<String> {
    let mut out = Vec::new();
    for p in plans {
        for t in 1..=p.townships {
            for v in 1..=p.villages_per_township {
                out.push(format!("{}-G{t:03}-{v:03}", p.code));
            }
        }
    }
    out
}

/// A regions file (contract headers) adding the townships and villages of `plans`.
pub fn write_regions(out: &mut dyn Write, plans: &[CountyPlan]) -> Result<()> {
    writeln!(out, "代码,名称,级别,上级代码,贫困标识,计划退出年度")?;
    for p in plans {
        for t in 1..=p.townships {
            let town = format!("{}-G{t:03}", p.code);
            writeln!(out, "{town},生成乡镇{t},乡镇,{},,", p.code)?;
            for v in 1..=p.villages_per_township {
                let poor = if v % 3 == 0 { "是" } else { "否" };
                writeln!(out, "{town}-{v:03},生成村{t}-{v},村,{town},{poor},")?;
            }
        }
    }
    Ok(())
}

/// A households file of `n` rows for `period` over `villages`, with realistic shares: most
/// registered households exited, some poor, a few returned; incomes spread around the line.
pub fn write_households(
    out: &mut dyn Write,
    villages: &[String],
    n: u64,
    period: &str,
    seed: u64,
) -> Result<()> {
    const CATEGORIES: [&str; 3] = ["一般贫困户", "低保贫困户", "特困供养贫困户"];
    const CAUSES: [&str; 6] = ["因病", "因残", "因学", "缺技术", "缺劳力", "缺资金"];
    let mut rng = Rng::new(seed);
    writeln!(
        out,
        "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全"
    )?;
    for i in 0..n {
        let village = &villages[(i % villages.len() as u64) as usize];
        let roll = rng.unit();
        let (status, exit_year) = if roll < 0.80 {
            ("已脱贫", ["2016", "2017", "2018"][rng.below(3) as usize])
        } else if roll < 0.97 {
            ("未脱贫", "")
        } else {
            ("返贫", "2017")
        };
        let income = 2_000 + rng.below(14_000);
        let yes = |rng: &mut Rng, p: f64| if rng.unit() < p { "是" } else { "否" };
        writeln!(
            out,
            "{period},G{i:010},{village},生成户主{},,{},{},{},{status},{exit_year},\"{},{:03}\",{},{},{},{},{}",
            i % 1000,
            1 + rng.below(6),
            CATEGORIES[rng.below(3) as usize],
            CAUSES[rng.below(6) as usize],
            income / 1000,
            income % 1000,
            yes(&mut rng, 0.995),
            yes(&mut rng, 0.99),
            yes(&mut rng, 0.995),
            yes(&mut rng, 0.97),
            yes(&mut rng, 0.98),
        )?;
    }
    Ok(())
}

/// The header of the national export [`write_national`] writes: the 2016–2020 columns and 脱贫年度.
pub const NATIONAL_HEADER: &str = "序号,县(市、区、旗),乡(镇),行政村,自然村,户编号,人编号,姓名,证件号码,人数,与户主关系,民族,文化程度,在校生状况,健康状况,劳动技能,务工状况,务工时间（月）,参加大病医疗,脱贫属性,贫困户属性,主要致贫原因,危房户,饮水安全,饮水困难,人均纯收入,联系电话,脱贫年度";

/// The national system's detail export of about `persons` people (whole households of 1 to 5,
/// about 3 on average) over the villages of `plans` (names as [`write_regions`] gives them, under
/// `county_names`, one per plan), sorted by village as the system sorts it: a title, an
/// area-and-date line, the header, one row per person with the household cells on every row.
/// Returns the households written.
pub fn write_national(
    out: &mut dyn Write,
    plans: &[CountyPlan],
    county_names: &[&str],
    persons: u64,
    period: Period,
    seed: u64,
) -> Result<u64> {
    const RELATIONS: [&str; 4] = ["配偶", "之子", "之女", "之母"];
    const SCHOOL: [&str; 4] = ["非在校生", "小学", "初中", "非在校生"];
    let mut rng = Rng::new(seed);
    writeln!(out, "建档立卡贫困人口明细表")?;
    writeln!(out, "辽宁省  {}年{}月", period.year(), period.month())?;
    writeln!(out, "{NATIONAL_HEADER}")?;
    let villages: Vec<(usize, usize, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(c, p)| {
            (1..=p.townships)
                .flat_map(move |t| (1..=p.villages_per_township).map(move |v| (c, t, v)))
        })
        .collect();
    let households = (persons / 3).max(1);
    let (mut seq, mut written) = (0u64, 0u64);
    for i in 0..households {
        let (c, t, v) = villages[(i * villages.len() as u64 / households) as usize];
        let size = 1 + rng.below(5);
        let roll = rng.unit();
        let (status, exit_year) = if roll < 0.80 {
            (
                "已脱贫(享受政策)",
                ["2016", "2017", "2018"][rng.below(3) as usize],
            )
        } else if roll < 0.97 {
            ("未脱贫", "")
        } else {
            ("返贫", "")
        };
        let income = 2_000 + rng.below(14_000);
        let yes = |rng: &mut Rng, p: f64| if rng.unit() < p { "是" } else { "否" };
        let (house, water) = (yes(&mut rng, 0.03), yes(&mut rng, 0.98));
        for j in 0..size {
            seq += 1;
            let (relation, born, school) = match j {
                0 => ("户主", 1940 + rng.below(40), "非在校生"),
                _ => {
                    let k = (j as usize - 1) % RELATIONS.len();
                    let born = [
                        1950 + rng.below(30),
                        2004 + rng.below(10),
                        2004 + rng.below(10),
                        1930 + rng.below(20),
                    ][k];
                    (RELATIONS[k], born, SCHOOL[k])
                }
            };
            let body = format!(
                "{}{born:04}{:02}{:02}{:03}",
                plans[c].code,
                1 + rng.below(12),
                1 + rng.below(28),
                rng.below(1000)
            );
            let id = crate::model::idcard::with_check_digit(&body).unwrap_or_default();
            writeln!(
                out,
                "{seq},{},生成乡镇{t},生成村{t}-{v},生成屯,N{i:010},N{i:010}{j:02},生成人{},{id},{size},{relation},汉族,小学,{school},健康,普通劳动力,乡（镇）内务工,6,{},{status},一般贫困户,因病,{house},{water},否,{income},139{:08},{exit_year}",
                county_names[c],
                seq % 1000,
                yes(&mut rng, 0.995),
                seq % 100_000_000,
            )?;
        }
        written += 1;
    }
    Ok(written)
}

/// The columns of the wide indicators file [`write_indicators`] writes: village population and the
/// village facilities and figures behind V2–V10, then the county survey figures behind C2–C4 and C6.
const INDICATOR_HEADER: &str = "统计期,区划代码,户籍人口,村集体经济收入,通硬化路,安全饮水覆盖率,通生产生活用电,通宽带,标准化卫生室及合格村医,综合文化服务中心,主导产业或合作社,脱贫人口错退率,贫困人口漏评率,群众认可度,农村居民人均可支配收入增幅";

/// A wide indicators file for `period` (YYYY-MM): one row per village of `plans`, one per county
/// and one for `province`, as a county office would send each month.
///
/// A village keeps its figures from month to month (they come from a generator seeded by `seed`
/// and the village, not the month): its population, and the month each facility was finished, so
/// that facilities switch to 是 over time. About 5% of the facility cells are left empty (not
/// reported), so checks must fall back to an earlier month. Population is always reported. A
/// county's population is the sum of its villages'; its survey figures (错退率, 漏评率, 认可度,
/// income growth) come quarterly, in March, June, September and December.
pub fn write_indicators(
    out: &mut dyn Write,
    plans: &[CountyPlan],
    province: &str,
    period: &str,
    seed: u64,
) -> Result<()> {
    let p: Period = period.parse()?;
    // Months since 2017-01, when the generated facilities start being finished.
    let start = Period::new(2017, 1).expect("a valid month");
    let month = start.months_until(p);
    let quarterly = p.month().is_multiple_of(3);
    let mut month_rng = Rng::new(seed ^ (p.year() as u64 * 12 + p.month() as u64));
    writeln!(out, "{INDICATOR_HEADER}")?;
    let mut index = 0u64;
    for plan in plans {
        let mut county_population = 0u64;
        for t in 1..=plan.townships {
            for v in 1..=plan.villages_per_township {
                index += 1;
                // The village's own generator: the same figures every month.
                let mut rng = Rng::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ index);
                let population = 1_500 + rng.below(3_000);
                county_population += population;
                // Finished within 2017-01..2020-03, so by 2019-12 most facilities are.
                let facility = |rng: &mut Rng| month >= rng.below(39) as i64;
                let income_base = 20_000 + rng.below(60_000);
                let road = facility(&mut rng);
                let water = facility(&mut rng);
                let water_rate = if water { 100 } else { 85 + rng.below(15) };
                let flags: Vec<bool> = (0..5).map(|_| facility(&mut rng)).collect();
                let income = income_base + (month.max(0) as u64) * 1_000;
                let mut cell = |s: String| {
                    if month_rng.unit() < 0.05 {
                        String::new()
                    } else {
                        s
                    }
                };
                let yes = |b: bool| (if b { "是" } else { "否" }).to_string();
                writeln!(
                    out,
                    "{period},{}-G{t:03}-{v:03},{population},{},{},{},{},{},{},{},{},,,,",
                    plan.code,
                    cell(income.to_string()),
                    cell(yes(road)),
                    cell(water_rate.to_string()),
                    cell(yes(flags[0])),
                    cell(yes(flags[1])),
                    cell(yes(flags[2])),
                    cell(yes(flags[3])),
                    cell(yes(flags[4])),
                )?;
            }
        }
        if quarterly {
            let mut rng = Rng::new(seed.rotate_left(17) ^ (month as u64) << 40 ^ index);
            writeln!(
                out,
                "{period},{},{county_population},,,,,,,,,{:.1},{:.1},{:.1},{:.1}",
                plan.code,
                0.5 + rng.unit() * 2.5,
                0.5 + rng.unit() * 2.5,
                86.0 + rng.unit() * 13.0,
                6.0 + rng.unit() * 4.0,
            )?;
        } else {
            writeln!(
                out,
                "{period},{},{county_population},,,,,,,,,,,,",
                plan.code
            )?;
        }
    }
    if quarterly {
        writeln!(out, "{period},{province},,,,,,,,,,,,,8.0")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes() {
        let villages = village_codes(&[CountyPlan {
            code: "210922",
            townships: 2,
            villages_per_township: 3,
        }]);
        assert_eq!(villages.len(), 6);
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_households(&mut a, &villages, 50, "2019-03", 7).unwrap();
        write_households(&mut b, &villages, 50, "2019-03", 7).unwrap();
        assert_eq!(a, b);
        let mut c = Vec::new();
        write_households(&mut c, &villages, 50, "2019-03", 8).unwrap();
        assert_ne!(a, c);
        assert_eq!(String::from_utf8(a).unwrap().lines().count(), 51);
    }

    #[test]
    fn national_exports_are_whole_households_sorted_by_village() {
        let plans = [CountyPlan {
            code: "210922",
            townships: 2,
            villages_per_township: 3,
        }];
        let period = Period::new(2019, 3).unwrap();
        let mut a = Vec::new();
        let n = write_national(&mut a, &plans, &["彰武县"], 300, period, 7).unwrap();
        let mut b = Vec::new();
        write_national(&mut b, &plans, &["彰武县"], 300, period, 7).unwrap();
        assert_eq!((a.clone(), n), (b, 100));
        let text = String::from_utf8(a).unwrap();
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip(3)
            .map(|l| l.split(',').collect())
            .collect();
        let heads = rows.iter().filter(|r| r[10] == "户主").count();
        assert_eq!(heads as u64, n);
        // Each household's rows are together and as many as its 人数.
        let mut i = 0;
        while i < rows.len() {
            let size: usize = rows[i][9].parse().unwrap();
            assert!(rows[i..i + size].iter().all(|r| r[5] == rows[i][5]));
            assert!(crate::model::idcard::IdNumber::parse(rows[i][8]).is_ok());
            i += size;
        }
    }
}
