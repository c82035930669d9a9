//! The hand-built dataset of the exit-criteria tests, as the CSV files a county office would send
//! (docs/csv-contract.md formats, Chinese headers), and the one helper that loads them.
//!
//! `import` writes a file into the scratch folder and runs `tuopin import` on it, as a county office
//! would; every stored row then points at its batch and spreadsheet line.
//!
//! The dataset, 彰武县 (210922) as of 2019-03 (expected results worked out by hand in tests/check.rs):
//!
//! | village | poor? | population | poor people | what it tests |
//! |---|---|---|---|---|
//! | 三家子村 210922-T01-V01 | yes | 1,328 (第25期, loaded by init) | 3 + 2 = 5 → 0.3765% | passes all 10 |
//! | 乙村 210922-T01-V02 | yes | 250 (2018-12) | 2 + 3 = 5 → exactly 2.0% | passes V1 (≤ 2%); V2 45,000 < 50,000 fails |
//! | 丙村 210922-T02-V01 | yes | 400 | 2 → 0.5% | no broadband value: undetermined |
//! | 丁村 210922-T02-V02 | no | 300 | 2 → 0.667% | not a poor village; V2 30,000 < 50,000; V9 2 of 3 reported |
//!
//! County: population 5,000, poor people 14 → C1 0.28%; C2 1.2, C3 0.8, C4 95.5, C6 8.6 vs province
//! 7.9: C1–C4 and C6 pass, C5 fails (of 3 poor villages 1 passes, 1 fails, 1 undetermined).

use super::Scratch;

pub const REGIONS: &str = "\
代码,名称,级别,上级代码,贫困标识,计划退出年度
210922-T02,东镇,乡镇,210922,,
210922-T01-V02,乙村,村,210922-T01,是,
210922-T02-V01,丙村,村,210922-T02,是,
210922-T02-V02,丁村,村,210922-T02,否,
";

pub const HOUSEHOLDS_2019_03: &str = "\
统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全
2019-03,A01,210922-T01-V01,赵甲,210922195001011115,3,一般贫困户,因病,未脱贫,,2800,是,是,是,是,是
2019-03,A02,210922-T01-V01,钱乙,210922195102022227,2,低保贫困户,因残,返贫,,3000,是,是,是,是,是
2019-03,A03,210922-T01-V01,孙丙,210922195203033339,4,一般贫困户,缺技术,已脱贫,2018,6200,是,是,是,是,是
2019-03,A04,210922-T01-V01,李丁,210922195304044440,3,一般贫困户,缺资金,已脱贫,2018,3747,是,是,是,是,是
2019-03,A05,210922-T01-V01,周戊,210922195405055552,5,一般贫困户,因学,已脱贫,2017,8000,是,是,,是,是
2019-03,A06,210922-T01-V01,吴己,210922195506066664,2,一般贫困户,缺劳力,已脱贫,2018,4800,是,是,是,是,是
2019-03,A07,210922-T01-V01,郑庚,210922195607077776,4,一般贫困户,缺土地,已脱贫,2018,7000,是,是,是,是,是
2019-03,A08,210922-T01-V01,王辛,210922195708088888,3,一般贫困户,其他,已脱贫,2016,9100,是,是,是,是,是
2019-03,B01,210922-T01-V02,冯壬,21092219580909999X,2,一般贫困户,因病,未脱贫,,2600,是,是,是,是,是
2019-03,B02,210922-T01-V02,陈癸,210922195910101011,3,特困供养贫困户,因残,未脱贫,,2200,是,是,是,是,是
2019-03,B03,210922-T01-V02,褚子,210922196011111210,4,一般贫困户,因病,已脱贫,2018,6500,是,是,否,是,是
2019-03,B04,210922-T01-V02,卫丑,210922196112121311,3,一般贫困户,缺资金,已脱贫,2018,7200,是,是,是,是,是
2019-03,B05,210922-T01-V02,蒋寅,210922196201011413,2,一般贫困户,缺技术,已脱贫,2017,5600,是,是,是,是,是
2019-03,B06,210922-T01-V02,沈卯,210922196302021514,4,一般贫困户,缺水,已脱贫,2018,6100,是,是,是,是,是
2019-03,C01,210922-T02-V01,韩辰,210922196403031615,2,低保贫困户,因病,返贫,,2500,是,是,是,是,是
2019-03,C02,210922-T02-V01,杨巳,210922196504041716,3,一般贫困户,因学,已脱贫,2018,5200,是,否,是,是,否
2019-03,C03,210922-T02-V01,朱午,210922196605051817,4,一般贫困户,缺资金,已脱贫,2018,6000,是,是,是,是,是
2019-03,C04,210922-T02-V01,秦未,210922196706061918,2,一般贫困户,缺劳力,已脱贫,2017,5900,是,是,是,是,是
2019-03,C05,210922-T02-V01,尤申,210922196807072026,3,一般贫困户,其他,已脱贫,2018,6600,是,是,是,是,是
2019-03,D01,210922-T02-V02,许酉,210922196908082127,2,一般贫困户,因病,未脱贫,,3100,是,是,是,是,是
2019-03,D02,210922-T02-V02,何戌,21092219700909222X,3,一般贫困户,因灾,已脱贫,2018,6900,是,是,是,否,是
2019-03,D03,210922-T02-V02,吕亥,210922197110102322,4,一般贫困户,缺技术,已脱贫,2018,7100,是,是,是,是,是
2019-03,D04,210922-T02-V02,施甲,210922197211112423,2,一般贫困户,缺土地,已脱贫,2017,6400,是,是,是,,是
";

/// The 2019-01 register: the same households, but B04 of 乙村 was still poor (乙村 8 of 250 = 3.2%).
pub fn households_2019_01() -> String {
    HOUSEHOLDS_2019_03.replace("2019-03,", "2019-01,").replace(
        ",3,一般贫困户,缺资金,已脱贫,2018,7200,",
        ",3,一般贫困户,缺资金,未脱贫,,7200,",
    )
}

pub const INDICATORS_2019_03: &str = "\
统计期,区划代码,指标,值,备注
2018-12,210922-T01-V01,collective_income,62000,2018 年度
2019-03,210922-T01-V01,hardened_road,是,
2019-03,210922-T01-V01,safe_water_rate,100,
2019-03,210922-T01-V01,electricity,是,
2019-03,210922-T01-V01,broadband,是,
2019-03,210922-T01-V01,clinic,是,
2019-03,210922-T01-V01,culture_center,是,
2019-03,210922-T01-V01,leading_industry,是,
2018-12,210922-T01-V02,population,250,2018 年末
2019-03,210922-T01-V02,collective_income,45000,
2019-03,210922-T01-V02,hardened_road,是,
2019-03,210922-T01-V02,safe_water_rate,100,
2019-03,210922-T01-V02,electricity,是,
2019-03,210922-T01-V02,broadband,是,
2019-03,210922-T01-V02,clinic,是,
2019-03,210922-T01-V02,culture_center,是,
2019-03,210922-T01-V02,leading_industry,是,
2019-03,210922-T02-V01,population,400,
2019-03,210922-T02-V01,collective_income,51000,
2019-03,210922-T02-V01,hardened_road,是,
2019-03,210922-T02-V01,safe_water_rate,100,
2019-03,210922-T02-V01,electricity,是,
2019-03,210922-T02-V01,clinic,是,
2019-03,210922-T02-V01,culture_center,是,
2019-03,210922-T02-V01,leading_industry,是,
2019-03,210922-T02-V02,population,300,
2019-03,210922-T02-V02,collective_income,30000,
2019-03,210922-T02-V02,hardened_road,是,
2019-03,210922-T02-V02,safe_water_rate,100,
2019-03,210922-T02-V02,electricity,是,
2019-03,210922-T02-V02,broadband,是,
2019-03,210922-T02-V02,clinic,是,
2019-03,210922-T02-V02,culture_center,是,
2019-03,210922-T02-V02,leading_industry,是,
2019-03,210922,population,5000,
2019-03,210922,wrong_exit_rate,1.2,第三方评估
2019-03,210922,missed_rate,0.8,第三方评估
2019-03,210922,approval_rate,95.5,第三方评估
2019-03,210922,rural_income_growth,8.6,
2019-03,21,rural_income_growth,7.9,全省
";

/// The 1-based line of `text` (header = line 1) holding `needle`: what a source citation must name.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in fixture"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Regions,
    Households,
    Indicators,
}

/// `tuopin init`, then the regions, the 2019-01 and 2019-03 registers and the 2019-03 indicators.
pub fn standard(s: &Scratch) {
    s.init();
    import(s, Kind::Regions, "regions-彰武.csv", REGIONS);
    import(
        s,
        Kind::Households,
        "households-2019-01.csv",
        &households_2019_01(),
    );
    import(
        s,
        Kind::Households,
        "households-2019-03.csv",
        HOUSEHOLDS_2019_03,
    );
    import(
        s,
        Kind::Indicators,
        "indicators-2019-03.csv",
        INDICATORS_2019_03,
    );
}

/// Write one CSV file into the scratch folder and import it with `tuopin import`.
pub fn import(s: &Scratch, kind: Kind, file_name: &str, text: &str) {
    let path = s.write(file_name, text);
    let kind = match kind {
        Kind::Regions => "regions",
        Kind::Indicators => "indicators",
        Kind::Households => "households",
    };
    let out = s.tuopin(&["import", kind]).arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "fixture {file_name} did not import:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
