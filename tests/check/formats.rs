//! Output formats, exit codes, thresholds, months and the errors of the checks.

use super::*;

#[test]
fn table_csv_and_markdown_show_the_same_verdicts() {
    let s = standard();
    let out = s
        .tuopin(&[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("共 4 个村：达标 1，未达标 2，无法判定 1"),
        "{text}"
    );
    let row = |code: &str| -> Vec<String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_else(|| panic!("{code} row"));
        line.split_whitespace().map(str::to_string).collect()
    };
    // code, name, 贫困村, V1..V10, verdict
    let yi = row(YI);
    assert_eq!(yi.len(), 14, "{yi:?}");
    assert_eq!(yi[3], "✓"); // V1 at exactly 2%
    assert_eq!(yi[4], "✗"); // V2
    assert_eq!(yi[13], "未达标");
    let bing = row(BING);
    assert_eq!(bing[8], "—"); // V6
    assert_eq!(bing[13], "无法判定");
    assert_eq!(row(SANJIAZI)[13], "达标");
    assert!(row(SANJIAZI)[3..13].iter().all(|c| c == "✓"));

    let out = s
        .tuopin(&[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03", "--format", "csv",
        ])
        .output()
        .unwrap();
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&out.stdout[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[1], "代码");
    let verdict = headers.iter().position(|h| h == "verdict").unwrap();
    let v1 = headers.iter().position(|h| h == "V1 贫困发生率").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let yi = rows.iter().find(|r| &r[1] == YI).unwrap();
    assert_eq!(&yi[verdict], "fail");
    assert_eq!(&yi[v1], "达标");
    assert_eq!(&yi[v1 + 1], "2");

    let out = s
        .tuopin(&[
            "check", "villages", "--county", ZHANGWU, "--format", "csv", "--no-bom",
        ])
        .output()
        .unwrap();
    assert!(out.stdout.starts_with("统计期".as_bytes()));

    let out = s
        .tuopin(&["check", "counties", "--period", "2019-03", "--format", "md"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.contains("| 代码 | 名称 | 贫困县 | C1 | C2 | C3 | C4 | C5 | C6 | 结论 |"));
    assert!(
        text.contains("| 210922 | 彰武县 | 是 | ✓ | ✓ | ✓ | ✓ | ✗ | ✓ | 未达标 |"),
        "{text}"
    );
}

#[test]
fn checks_exit_0_even_when_regions_fail() {
    let s = standard();
    s.tuopin(&["check", "villages"]).assert().success();
    s.tuopin(&["check", "counties"]).assert().success();
    s.tuopin(&["check", "households"]).assert().success();
}

#[test]
fn changing_a_threshold_is_recorded_and_changes_the_verdicts() {
    let s = standard();
    let out = s
        .tuopin(&["criteria", "set", "V2", "--threshold", "30000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("≥ 50,000 元/年 → ≥ 30,000 元/年"));
    let conn = s.open();
    let (old, reason): (String, String) = conn
        .query_row(
            "SELECT old_row, reason FROM history WHERE table_name = 'criterion' AND row_key = '[\"V2\"]'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let old: Value = serde_json::from_str(&old).unwrap();
    assert_eq!(old["threshold"], 50000.0);
    assert!(reason.contains("criteria set V2"));
    let listed = stdout(&s.tuopin(&["criteria"]).output().unwrap());
    assert!(listed.contains("≥ 30,000 元/年"));

    // 丁村's 30,000 now meets V2; its housing still fails V9.
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    let v2 = criterion(region(&r, DING), "V2");
    assert_eq!(v2["status"], "pass");
    assert_eq!(v2["threshold"], 30000.0);
    assert_eq!(region(&r, DING)["verdict"], "fail");

    // The same value again writes no history.
    s.tuopin(&["criteria", "set", "V2", "--threshold", "30,000"])
        .assert()
        .success()
        .stdout(predicates::str::contains("未改变"));
    assert_eq!(
        scalar::<i64>(
            &s.open(),
            "SELECT count(*) FROM history WHERE table_name = 'criterion'",
            []
        ),
        1
    );
}

#[test]
fn percents_are_0_to_100_everywhere() {
    let s = standard();
    // A percent threshold outside 0–100 is refused; "1.5%" is 1.5.
    let out = s
        .tuopin(&["criteria", "set", "V1", "--threshold", "150"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("0–100"));
    s.tuopin(&["criteria", "set", "V1", "--threshold", "1.5%"])
        .assert()
        .success();
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    let v1 = criterion(region(&r, SANJIAZI), "V1");
    assert_eq!(v1["threshold"], 1.5);
    assert!(num(&v1["value"]) > 0.3 && num(&v1["value"]) < 0.4); // 0.3765, not 0.003765
    assert_eq!(criterion(region(&r, SANJIAZI), "V4")["value"], 100.0);
    // A criterion compared with the province has no fixed threshold to set.
    s.tuopin(&["criteria", "set", "C6", "--threshold", "5"])
        .assert()
        .code(2);
    s.tuopin(&["criteria", "set", "V99", "--threshold", "5"])
        .assert()
        .code(2);
}

#[test]
fn a_month_before_any_data_is_undetermined_everywhere() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check", "villages", "--period", "2018-01", "--format", "json",
        ],
    );
    for reg in r["regions"].as_array().unwrap() {
        assert_eq!(reg["verdict"], "undetermined", "{}", reg["code"]);
        assert!(statuses(reg).iter().all(|(_, st)| st == "no_data"));
    }
    let r = json(
        &s,
        &[
            "check", "counties", "--period", "2018-01", "--format", "json",
        ],
    );
    let c5 = criterion(region(&r, ZHANGWU), "C5");
    // Three poor villages, all undetermined: the share could be anything from 0 to 100%.
    assert_eq!(c5["status"], "no_data");
    let r = json(
        &s,
        &[
            "check",
            "households",
            "--period",
            "2018-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(r["households"].as_array().unwrap().len(), 0);
    assert_eq!(r["poverty_line"], 3535.0); // the 2018 line
}

#[test]
fn unknown_or_wrong_region_codes_are_clear_errors() {
    let s = standard();
    let out = s.tuopin(&["explain", "999999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("区划代码 \"999999\" 不存在"));
    assert!(stdout(&out).is_empty());
    let out = s
        .tuopin(&["check", "villages", "--county", "999999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = s
        .tuopin(&["check", "households", "--county", "210922-T01"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("不是县"));
    let out = s.tuopin(&["explain", "210922-T01"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("只能解释村或县"));
    s.tuopin(&["check", "villages", "--period", "2019-13"])
        .assert()
        .code(2);
}

#[test]
fn missing_population_and_unreported_housing_are_no_data_not_errors() {
    let s = standard();
    fixture::import(
        &s,
        Kind::Regions,
        "regions-戊村.csv",
        "代码,名称,级别,上级代码,贫困标识,计划退出年度\n210922-T02-V03,戊村,村,210922-T02,,\n",
    );
    // The 2019-04 register adds 戊村: one poor household, one exited whose housing is not reported.
    let april = format!(
        "{}2019-04,E01,210922-T02-V03,,,3,一般贫困户,因病,未脱贫,,2400,是,是,是,是,是\n\
         2019-04,E02,210922-T02-V03,,,2,一般贫困户,因病,已脱贫,2018,6000,是,是,是,,是\n",
        fixture::HOUSEHOLDS_2019_03.replace("2019-03,", "2019-04,")
    );
    fixture::import(&s, Kind::Households, "households-2019-04.csv", &april);
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    assert_eq!(r["period"], "2019-04");
    let e = region(&r, "210922-T02-V03");
    let v1 = criterion(e, "V1");
    assert_eq!(v1["status"], "no_data");
    assert_eq!(v1["value"], Value::Null);
    let src = v1["source"].as_str().unwrap();
    assert!(
        src.contains("贫困人口 3 人") && src.contains("没有户籍人口的数据"),
        "{src}"
    );
    // 1 safe of 1 reported, 1 unreported: between 50% and 100%, so no verdict on V9.
    let v9 = criterion(e, "V9");
    assert_eq!(v9["status"], "no_data");
    assert_eq!(v9["value"], 100.0);
    assert_eq!(e["verdict"], "undetermined");
}

#[test]
fn values_older_than_the_age_limit_count_as_missing() {
    let s = standard();
    // 丙村 reported broadband once, in 2018-02.
    fixture::import(
        &s,
        Kind::Indicators,
        "indicators-2018-02.csv",
        "统计期,区划代码,指标,值,备注\n2018-02,210922-T02-V01,broadband,是,\n",
    );
    let v6 = |s: &Scratch, period: &str| -> Value {
        let r = json(
            s,
            &[
                "check", "villages", "--county", ZHANGWU, "--period", period, "--format", "json",
            ],
        );
        criterion(region(&r, BING), "V6").clone()
    };
    // 2019-02 is 12 months later: still valid.
    let ok = v6(&s, "2019-02");
    assert_eq!(ok["status"], "pass");
    assert_eq!(ok["value_period"], "2018-02");
    // 2019-03 is 13 months later: too old.
    let stale = v6(&s, "2019-03");
    assert_eq!(stale["status"], "no_data");
    let src = stale["source"].as_str().unwrap();
    assert!(
        src.contains("超过 12 个月") && src.contains("2018-02"),
        "{src}"
    );
    // The limit is a setting.
    s.open()
        .execute(
            "UPDATE meta SET value = '24' WHERE key = 'max_value_age_months'",
            [],
        )
        .unwrap();
    assert_eq!(v6(&s, "2019-03")["status"], "pass");
}

#[test]
fn csv_output_neutralises_formula_cells() {
    let s = Scratch::new();
    s.init();
    let regions = s.write(
        "r.csv",
        "代码,名称,级别,上级代码,贫困标识,计划退出年度\n210922-T01-V09,\"=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",村,210922-T01,是,\n",
    );
    s.tuopin(&["import", "regions"])
        .arg(&regions)
        .assert()
        .success();
    let out = s
        .tuopin(&[
            "check", "villages", "--county", "210922", "--period", "2019-03", "--format", "csv",
            "--no-bom",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("HYPERLINK"))
        .expect("the village row");
    assert!(
        line.contains("'=HYPERLINK"),
        "formula not neutralised: {line}"
    );
}
