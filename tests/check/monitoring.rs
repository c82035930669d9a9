//! 防返贫监测 as data: the line of each year from data/monitoring.csv (a fixed line or a multiple of
//! the poverty line), `--threshold` as an override, households flagged by the county listed
//! whatever their income, the rule behind each household, and the warning when the list is larger
//! than the guideline expects.

use super::*;

/// `init --data` with data/monitoring.csv replaced by `rules`, then the 彰武县 fixture.
fn with_rules(rules: &str) -> Scratch {
    let s = Scratch::new();
    let data = copy_data(&s);
    std::fs::write(data.join("monitoring.csv"), rules).unwrap();
    s.tuopin(&["init", "--data", data.to_str().unwrap()])
        .assert()
        .success();
    fixture::import(&s, Kind::Regions, "regions-彰武.csv", fixture::REGIONS);
    fixture::import(
        &s,
        Kind::Households,
        "households-2019-03.csv",
        fixture::HOUSEHOLDS_2019_03,
    );
    s
}

fn households(s: &Scratch, extra: &[&str]) -> Value {
    let mut args = vec![
        "check",
        "households",
        "--county",
        ZHANGWU,
        "--period",
        "2019-03",
        "--format",
        "json",
    ];
    args.extend(extra);
    json(s, &args)
}

fn monitored(r: &Value) -> Vec<(String, String)> {
    r["households"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["monitoring"] == true)
        .map(|h| {
            (
                h["household_id"].as_str().unwrap().to_string(),
                h["monitoring_reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ids(list: &[(String, String)]) -> Vec<&str> {
    list.iter().map(|(id, _)| id.as_str()).collect()
}

#[test]
fn the_line_of_the_year_follows_the_data() {
    // 2019: 1.5 × the 2019 poverty line 3,747 = 5,620.5 yuan.
    let s = with_rules("year,kind,value,note\n2019,poverty_line_multiple,1.5,国家指导意见\n");
    let r = households(&s, &[]);
    assert_eq!(r["monitoring_threshold"], 5620.5);
    assert_eq!(r["monitoring_rule"]["kind"], "poverty_line_multiple");
    assert_eq!(r["monitoring_rule"]["year"], 2019);
    assert_eq!(r["monitoring_rule"]["value"], 1.5);
    // Exited and under 5,620.5: A04 3,747, A06 4,800, B05 5,600, C02 5,200 (C04 5,900 is not).
    let list = monitored(&r);
    assert_eq!(ids(&list), ["A04", "A06", "B05", "C02"]);
    assert!(list.iter().all(|(_, why)| why == "income_below_line"));
    assert!(r["households"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["monitoring_line"] == 5620.5));
    let text = stdout(
        &s.tuopin(&[
            "check",
            "households",
            "--county",
            ZHANGWU,
            "--period",
            "2019-03",
        ])
        .output()
        .unwrap(),
    );
    assert!(
        text.contains(
            "防返贫监测线 人均纯收入低于 5620.5 元（2019 年规则：扶贫标准 3,747 元 × 1.5）"
        ),
        "{text}"
    );
    // `tuopin criteria` lists the rule.
    let text = stdout(&s.tuopin(&["criteria"]).output().unwrap());
    assert!(text.contains("2019 年起  扶贫标准的 1.5 倍"), "{text}");

    // A later year without its own rule uses the latest earlier one; --threshold overrides it.
    let r = households(&s, &["--threshold", "4000"]);
    assert_eq!(r["monitoring_rule"]["kind"], "override");
    assert_eq!(ids(&monitored(&r)), ["A04"]);

    // The shipped data: a fixed 5,000 yuan in 2019.
    let shipped = standard();
    let r = households(&shipped, &[]);
    assert_eq!(r["monitoring_rule"]["kind"], "fixed");
    assert_eq!(r["monitoring_threshold"], 5000.0);
    assert_eq!(ids(&monitored(&r)), ["A04", "A06"]);
}

#[test]
fn before_the_first_rule_there_is_no_income_line() {
    let s = with_rules("year,kind,value,note\n2020,fixed,5000,\n");
    let r = households(&s, &[]);
    assert_eq!(r["monitoring_threshold"], Value::Null);
    assert_eq!(r["monitoring_rule"], Value::Null);
    assert!(monitored(&r).is_empty());
    // Suspected wrong exits are still listed: A04 (H1), B03, C02, D02.
    assert_eq!(r["households"].as_array().unwrap().len(), 4);
    let warnings = r["warnings"].as_array().unwrap();
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("没有防返贫监测线规则"),
        "{warnings:?}"
    );
    // A bad rule file fails init with its line.
    let s = Scratch::new();
    let data = copy_data(&s);
    std::fs::write(
        data.join("monitoring.csv"),
        "year,kind,value,note\n2019,fixed,5000,\n2020,ratio,1.5,\n",
    )
    .unwrap();
    let out = s
        .tuopin(&["init", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("monitoring.csv:3: [kind]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn households_flagged_by_the_county_are_listed_whatever_their_income() {
    let s = Scratch::new();
    s.init();
    fixture::import(
        &s,
        Kind::Households,
        "flags.csv",
        &format!(
            "统计期,户编号,村代码,家庭人口,脱贫状态,脱贫年度,人均纯收入,住房安全,监测对象类别\n\
             2019-03,M1,{SANJIAZI},3,已脱贫,2018,9000,是,脱贫不稳定户\n\
             2019-03,M2,{SANJIAZI},2,未脱贫,,2600,是,突发严重困难户\n\
             2019-03,M3,{SANJIAZI},4,已脱贫,2018,4000,是,\n\
             2019-03,M4,{SANJIAZI},2,已脱贫,2018,4000,否,边缘易致贫户\n\
             2019-03,M5,{SANJIAZI},5,已脱贫,2018,9000,是,\n\
             2019-03,M6,{SANJIAZI},3,返贫,,2000,是,\n"
        ),
    );
    let r = households(&s, &[]);
    assert_eq!(
        monitored(&r),
        [
            ("M1".to_string(), "flagged_unstable".to_string()),
            ("M2".to_string(), "flagged_sudden_hardship".to_string()),
            ("M3".to_string(), "income_below_line".to_string()),
            // Under the line too, but the county's flag is the reason given.
            ("M4".to_string(), "flagged_marginal".to_string()),
        ]
    );
    let m2 = &r["households"][1];
    assert_eq!(m2["status"], "poor");
    assert_eq!(m2["monitoring_kind"], "sudden_hardship");
    assert_eq!(m2["suspected_wrong_exit"], false);
    assert_eq!(r["households"][3]["suspected_wrong_exit"], true);
    // 3 + 2 + 4 + 2 = 11 of 19 people: far above 5%, warned about.
    assert_eq!(r["registers"][0]["registered_people"], 19);
    assert_eq!(r["registers"][0]["monitored_people"], 11);
    let warning = r["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("防返贫监测 11 人，占建档立卡人口 19 人的 57.9%，超过指导意见预期的约 5%（深度贫困地区不超过 10%）"),
        "{warning}"
    );

    let text = stdout(
        &s.tuopin(&["check", "households", "--period", "2019-03"])
            .output()
            .unwrap(),
    );
    assert!(text.contains("县标记的监测对象 3 户（不论收入）"), "{text}");
    assert!(text.contains("⚠ 县 210922：防返贫监测 11 人"), "{text}");
    let m1 = text.lines().find(|l| l.starts_with("M1")).unwrap();
    assert!(m1.contains("脱贫不稳定户"), "{m1}");
    // CSV has no room for the warning: it goes to stderr.
    let out = s
        .tuopin(&[
            "check",
            "households",
            "--period",
            "2019-03",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("警告: 县 210922：防返贫监测 11 人"));
    assert!(stdout(&out).contains("监测原因"));
}

#[test]
fn a_list_within_the_expected_scale_has_no_warning() {
    let s = standard();
    // At 1,000 yuan nobody is listed.
    let r = households(&s, &["--threshold", "1000"]);
    assert!(monitored(&r).is_empty());
    assert_eq!(r["warnings"], serde_json::json!([]));
    // At 5,000 yuan A04 (3 people) and A06 (2) of 69: 7.2%, above 5%.
    let r = households(&s, &[]);
    assert_eq!(r["registers"][0]["registered_people"], 69);
    assert_eq!(r["registers"][0]["monitored_people"], 5);
    assert!(r["warnings"][0].as_str().unwrap().contains("7.2%"));
}
