//! The bounds as the documents state them: "2%以下" includes 2%, "高于2%的，不得退出" vetoes only
//! above it, "低于90%的，不得退出" passes 90%. Two villages and two counties on either side of each
//! bound, run through the binary.

use super::*;

const REGIONS: &str = "\
代码,名称,级别,上级代码,贫困标识,计划退出年度
210922-T01-V11,界上村,村,210922-T01,是,
210922-T01-V12,界外村,村,210922-T01,是,
";

/// 界上村: poor people 50 + 50 = 100 of 5,000 = exactly 2.00%. 界外村: 50 + 51 = 101 of 5,000 =
/// 2.02%. The county's register is these four households: 201 of 10,050 = exactly 2.00%.
const HOUSEHOLDS: &str = "\
统计期,户编号,村代码,家庭人口,脱贫状态,脱贫年度,人均纯收入
2019-03,E1,210922-T01-V11,50,未脱贫,,2800
2019-03,E2,210922-T01-V11,50,返贫,,2800
2019-03,F1,210922-T01-V12,50,未脱贫,,2800
2019-03,F2,210922-T01-V12,51,未脱贫,,2800
";

const INDICATORS: &str = "\
统计期,区划代码,指标,值
2019-03,210922-T01-V11,population,5000
2019-03,210922-T01-V12,population,5000
2019-03,210922,population,10050
2019-03,210922,wrong_exit_rate,2
2019-03,210922,missed_rate,2.00
2019-03,210922,approval_rate,90
2019-03,211321,wrong_exit_rate,2.01
2019-03,211321,missed_rate,2.02
2019-03,211321,approval_rate,89.9
";

fn boundary() -> Scratch {
    let s = Scratch::new();
    s.init();
    fixture::import(&s, Kind::Regions, "regions.csv", REGIONS);
    fixture::import(&s, Kind::Households, "households.csv", HOUSEHOLDS);
    fixture::import(&s, Kind::Indicators, "indicators.csv", INDICATORS);
    s
}

#[test]
fn a_village_at_exactly_2_percent_passes_v1_and_one_at_2_02_fails() {
    let s = boundary();
    let r = json(
        &s,
        &[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03", "--format", "json",
        ],
    );
    let on = criterion(region(&r, "210922-T01-V11"), "V1");
    assert_eq!(on["value"], 2.0);
    assert_eq!(on["operator"], "<=");
    assert_eq!(on["status"], "pass", "{on:#}");
    let above = criterion(region(&r, "210922-T01-V12"), "V1");
    assert!(close(num(&above["value"]), 2.02));
    assert_eq!(above["status"], "fail", "{above:#}");

    // The table says the same.
    let out = s
        .tuopin(&[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03",
        ])
        .output()
        .unwrap();
    let text = stdout(&out);
    let v1 = |code: &str| -> String {
        let line = text.lines().find(|l| l.starts_with(code)).unwrap();
        line.split_whitespace().nth(3).unwrap().to_string()
    };
    assert_eq!(v1("210922-T01-V11"), "✓");
    assert_eq!(v1("210922-T01-V12"), "✗");
    assert!(text.contains("V1 贫困发生率 ≤ 2%"), "{text}");
}

#[test]
fn county_rates_at_the_bound_pass_and_above_it_fail() {
    let s = boundary();
    let r = json(
        &s,
        &[
            "check", "counties", "--period", "2019-03", "--format", "json",
        ],
    );
    let zhangwu = region(&r, ZHANGWU);
    // C1: 201 poor people of 10,050 = exactly 2.00%.
    assert!(close(num(&criterion(zhangwu, "C1")["value"]), 2.0));
    for no in ["C1", "C2", "C3", "C4"] {
        assert_eq!(criterion(zhangwu, no)["status"], "pass", "{no}");
    }
    let chaoyang = region(&r, "211321");
    for no in ["C2", "C3", "C4"] {
        assert_eq!(criterion(chaoyang, no)["status"], "fail", "{no}");
    }
}

#[test]
fn a_stricter_bound_set_by_the_office_fails_the_number_itself_again() {
    let s = boundary();
    // An office that wants the old reading can have it; `criteria` then says it differs.
    s.tuopin(&["criteria", "set", "V1", "--threshold", "1.99"])
        .assert()
        .success();
    let r = json(
        &s,
        &[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03", "--format", "json",
        ],
    );
    assert_eq!(
        criterion(region(&r, "210922-T01-V11"), "V1")["status"],
        "fail"
    );
    let listed = json(&s, &["criteria", "--json"]);
    let v1 = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["no"] == "V1")
        .unwrap();
    assert_eq!(v1["differs_from_documents"], true);
    assert_eq!(v1["documents"]["wording"], "降至2%以下");
    assert_eq!(v1["documents"]["threshold"], 2.0);
    let text = stdout(&s.tuopin(&["criteria"]).output().unwrap());
    assert!(text.contains("⚠ 与文件不同"), "{text}");
}
