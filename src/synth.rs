//! Synthetic registers for benchmarks and tests: regions and household files of any size, in the
//! county-office CSV format, deterministic for a seed. Everything it makes is marked as generated
//! (provisional `-G` codes, 生成 names).

use std::io::Write;

use anyhow::Result;

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
}
