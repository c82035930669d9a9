//! `tuopin criteria`, `check villages|counties|households` and `explain`, run as a user runs them on
//! the hand-built 彰武县 dataset of `common/fixture.rs`. Every expected figure is worked out by hand
//! in the comments next to it.

use crate::common::fixture::{self, Kind};
use crate::common::*;
use serde_json::Value;

const ZHANGWU: &str = "210922";
const SANJIAZI: &str = "210922-T01-V01"; // passes all 10
const YI: &str = "210922-T01-V02"; // V1 exactly 2.0%
const BING: &str = "210922-T02-V01"; // no broadband value
const DING: &str = "210922-T02-V02"; // not a registered poor village

fn json(s: &Scratch, args: &[&str]) -> Value {
    let out = s.tuopin(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}\n{}",
        out.status.code(),
        stderr(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", stdout(&out)))
}

fn region<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{code} not in report"))
}

fn criterion<'a>(region: &'a Value, no: &str) -> &'a Value {
    region["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["no"] == no)
        .unwrap_or_else(|| panic!("{no} not in {}", region["code"]))
}

fn statuses(region: &Value) -> Vec<(String, String)> {
    region["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["no"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn standard() -> Scratch {
    let s = Scratch::new();
    fixture::standard(&s);
    s
}

#[test]
fn villages_get_the_verdicts_worked_out_by_hand() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-03", "--format", "json",
        ],
    );
    assert_eq!(r["period"], "2019-03");
    assert_eq!(r["level"], "village");
    let codes: Vec<&str> = r["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [SANJIAZI, YI, BING, DING]);

    // 三家子村: 5 poor people of 1,328 = 0.3765%; everything reported and meeting its rule.
    let a = region(&r, SANJIAZI);
    assert_eq!(a["verdict"], "pass", "{a:#}");
    assert!(statuses(a).iter().all(|(_, st)| st == "pass"));
    assert_eq!(statuses(a).len(), 10);
    let v1 = criterion(a, "V1");
    assert!(close(num(&v1["value"]), 5.0 * 100.0 / 1328.0));
    assert_eq!(v1["threshold"], 2.0);
    assert_eq!(v1["operator"], "<");
    assert_eq!(v1["value_period"], "2019-03");
    // The collective income is the 2018 annual figure, three months old: still valid, and dated.
    let v2 = criterion(a, "V2");
    assert_eq!(v2["value"], 62000.0);
    assert_eq!(v2["value_period"], "2018-12");
    assert_eq!(v2["status"], "pass");
    assert_eq!(criterion(a, "V9")["value"], 100.0);

    // 乙村: 2 + 3 poor people of 250 = exactly 2.0%, which fails "< 2%"; nothing else fails.
    let b = region(&r, YI);
    assert_eq!(b["verdict"], "fail");
    assert_eq!(criterion(b, "V1")["value"], 2.0);
    assert_eq!(criterion(b, "V1")["status"], "fail");
    let failing: Vec<_> = statuses(b)
        .into_iter()
        .filter(|(_, st)| st != "pass")
        .collect();
    assert_eq!(failing, [("V1".to_string(), "fail".to_string())]);

    // 丙村: no broadband value at all, everything else passes: undetermined, never a pass.
    let c = region(&r, BING);
    assert_eq!(c["verdict"], "undetermined");
    let v6 = criterion(c, "V6");
    assert_eq!(v6["status"], "no_data");
    assert_eq!(v6["value"], Value::Null);
    assert_eq!(v6["value_period"], Value::Null);
    assert!(v6["source"].as_str().unwrap().contains("没有通宽带的数据"));
    let not_passing: Vec<_> = statuses(c)
        .into_iter()
        .filter(|(_, st)| st != "pass")
        .collect();
    assert_eq!(not_passing, [("V6".to_string(), "no_data".to_string())]);
    assert!(close(num(&criterion(c, "V1")["value"]), 0.5)); // 2 of 400

    // 丁村: not registered poor; collective income 30,000 < 50,000; housing 2 safe of 3 reported
    // (4 households): 66.67%, and even counting the unreported one as safe only 75% < 100%.
    let d = region(&r, DING);
    assert_eq!(d["poverty_registered"], false);
    assert_eq!(d["verdict"], "fail");
    assert_eq!(criterion(d, "V2")["status"], "fail");
    let v9 = criterion(d, "V9");
    assert_eq!(v9["status"], "fail");
    assert!(close(num(&v9["value"]), 200.0 / 3.0));
    assert!(v9["source"].as_str().unwrap().contains("未填报 1 户"));

    // --only-poor leaves out 丁村.
    let poor = json(
        &s,
        &[
            "check",
            "villages",
            "--county",
            ZHANGWU,
            "--period",
            "2019-03",
            "--only-poor",
            "--format",
            "json",
        ],
    );
    let codes: Vec<&str> = poor["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [SANJIAZI, YI, BING]);
}

#[test]
fn json_keys_are_the_contract() {
    let s = standard();
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    for k in ["period", "level", "regions"] {
        assert!(keys(&r).contains(&k.to_string()), "{k}");
    }
    let reg = &r["regions"][0];
    for k in ["code", "name", "parent_code", "verdict", "criteria"] {
        assert!(keys(reg).contains(&k.to_string()), "{k}");
    }
    let c = &reg["criteria"][0];
    for k in [
        "no",
        "name",
        "status",
        "value",
        "threshold",
        "operator",
        "value_period",
        "source",
    ] {
        assert!(keys(c).contains(&k.to_string()), "{k}");
    }
    assert_eq!(c["no"], "V1");
    assert_eq!(c["name"], "贫困发生率");
    assert_eq!(reg["parent_code"], "210922-T01");
}

#[test]
fn the_default_month_is_the_latest_with_data_and_older_months_use_older_snapshots() {
    let s = standard();
    let r = json(
        &s,
        &["check", "villages", "--county", ZHANGWU, "--format", "json"],
    );
    assert_eq!(r["period"], "2019-03");

    // As of 2019-02 the latest register is 2019-01, where B04 was still poor: 乙村 8 of 250 = 3.2%.
    let r = json(
        &s,
        &[
            "check", "villages", "--county", ZHANGWU, "--period", "2019-02", "--format", "json",
        ],
    );
    let v1 = criterion(region(&r, YI), "V1");
    assert_eq!(v1["value_period"], "2019-01");
    assert!(close(num(&v1["value"]), 3.2));
    assert_eq!(v1["status"], "fail");
    assert!(v1["source"]
        .as_str()
        .unwrap()
        .contains("households-2019-01.csv"));
    // The population of 丙村 is only known from 2019-03: not yet there as of 2019-02.
    let v1 = criterion(region(&r, BING), "V1");
    assert_eq!(v1["status"], "no_data");
    assert!(v1["source"]
        .as_str()
        .unwrap()
        .contains("没有户籍人口的数据"));
}

#[test]
fn a_county_passing_c1_to_c4_fails_c5_because_one_poor_village_fails() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check", "counties", "--period", "2019-03", "--format", "json",
        ],
    );
    assert_eq!(r["level"], "county");
    let z = region(&r, ZHANGWU);
    assert_eq!(z["verdict"], "fail");
    // C1: poor people 5 + 5 + 2 + 2 = 14 of a county population of 5,000 = 0.28%.
    let c1 = criterion(z, "C1");
    assert_eq!(c1["status"], "pass");
    assert!(close(num(&c1["value"]), 0.28));
    assert_eq!(criterion(z, "C2")["value"], 1.2);
    assert_eq!(criterion(z, "C4")["threshold"], 90.0);
    for no in ["C1", "C2", "C3", "C4", "C6"] {
        assert_eq!(criterion(z, no)["status"], "pass", "{no}");
    }
    // C5: poor villages 三家子村 (pass), 乙村 (fail), 丙村 (undetermined): 1 of 3, at best 2 of 3.
    let c5 = criterion(z, "C5");
    assert_eq!(c5["status"], "fail");
    assert!(close(num(&c5["value"]), 100.0 / 3.0));
    let src = c5["source"].as_str().unwrap();
    assert!(src.contains("乙村 210922-T01-V02"), "{src}");
    assert!(src.contains("丙村 210922-T02-V01"), "{src}");
    assert!(!src.contains("丁村"), "{src}");
    // C6: 8.6 against the province's 7.9, which is the threshold.
    let c6 = criterion(z, "C6");
    assert_eq!(c6["threshold"], 7.9);
    assert_eq!(c6["operator"], ">");
    assert!(c6["source"].as_str().unwrap().contains("全省"));

    // 兴城市 has villages, none of them registered poor: C5 passes vacuously and says so.
    let x = region(&r, "211481");
    let c5 = criterion(x, "C5");
    assert_eq!(c5["status"], "pass");
    assert_eq!(c5["value"], 100.0);
    assert!(c5["source"]
        .as_str()
        .unwrap()
        .contains("没有建档立卡贫困村"));
    assert_eq!(x["verdict"], "undetermined");
}

#[test]
fn households_lists_suspected_wrong_exits_and_the_monitoring_list_with_masked_ids() {
    let s = standard();
    let r = json(
        &s,
        &[
            "check",
            "households",
            "--county",
            ZHANGWU,
            "--period",
            "2019-03",
            "--format",
            "json",
        ],
    );
    assert_eq!(r["period"], "2019-03");
    // The 2019 poverty line 3,747 from data/poverty_lines.csv; monitoring line 5,000 from settings.
    assert_eq!(r["poverty_line"], 3747.0);
    assert_eq!(r["monitoring_threshold"], 5000.0);
    let got: Vec<(String, String, Vec<String>, bool)> = r["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            assert_eq!(h["status"], "exited");
            (
                h["household_id"].as_str().unwrap().to_string(),
                h["village_code"].as_str().unwrap().to_string(),
                h["failed"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
                h["monitoring"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = |id: &str, v: &str, f: &[&str], m: bool| {
        (
            id.to_string(),
            v.to_string(),
            f.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
            m,
        )
    };
    assert_eq!(
        got,
        [
            // income exactly at the line is not above it; and under 5,000
            want("A04", SANJIAZI, &["H1"], true),
            // meets every standard but 4,800 < 5,000
            want("A06", SANJIAZI, &[], true),
            want("B03", YI, &["H4"], false),
            want("C02", BING, &["H3", "H6"], false),
            want("D02", DING, &["H5"], false),
        ]
    );
    // A05 (medical insurance not reported) and D04 (housing not reported) are not suspected: unknown
    // is not a failure. Poor households (A01, B01 ...) are not on either list.
    let c02 = &r["households"][3];
    assert_eq!(c02["id_masked"], "2109**********1716");
    assert!(c02["source"].as_str().unwrap().contains(&format!(
        "households-2019-03.csv 第{}行",
        fixture::line_of(fixture::HOUSEHOLDS_2019_03, "2019-03,C02,")
    )));

    // No full ID number and no name in any format.
    for format in ["json", "table", "csv", "md"] {
        let out = s
            .tuopin(&[
                "check",
                "households",
                "--county",
                ZHANGWU,
                "--format",
                format,
            ])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(text.contains("A04"), "{format}");
        for secret in ["210922196504041716", "杨巳", "李丁"] {
            assert!(!text.contains(secret), "{format} shows {secret}");
        }
    }

    // A higher monitoring line adds B05 (5,600) and C04 (5,900), which meet every standard.
    let r = json(
        &s,
        &[
            "check",
            "households",
            "--county",
            ZHANGWU,
            "--threshold",
            "6000",
            "--format",
            "json",
        ],
    );
    let monitored: Vec<&str> = r["households"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["monitoring"] == true)
        .map(|h| h["household_id"].as_str().unwrap())
        .collect();
    assert_eq!(monitored, ["A04", "A06", "B05", "C02", "C04"]);
}

#[test]
fn explain_cites_the_batch_line_and_the_bulletin_sentence() {
    let s = standard();
    let r = json(&s, &["explain", SANJIAZI, "--period", "2019-03", "--json"]);
    let a = &r["regions"][0];
    assert_eq!(a["code"], SANJIAZI);
    // The denominator 1,328 comes from 第25期, loaded by init.
    let v1 = criterion(a, "V1")["source"].as_str().unwrap().to_string();
    assert!(
        v1.contains("households-2019-03.csv（2019-03 台账）"),
        "{v1}"
    );
    assert!(
        v1.contains("贫困人口 5 人（未脱贫 1 户、返贫 1 户）"),
        "{v1}"
    );
    assert!(
        v1.contains("第25期（总第213期，2019-03-27）：“全村 339 户、1328 人”"),
        "{v1}"
    );
    let line = fixture::line_of(
        fixture::INDICATORS_2019_03,
        "2018-12,210922-T01-V01,collective_income",
    );
    assert_eq!(
        criterion(a, "V2")["source"],
        format!("indicators-2019-03.csv 第{line}行")
    );

    let out = s
        .tuopin(&["explain", SANJIAZI, "--period", "2019-03"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("三家子村（210922-T01-V01）"));
    assert!(text.contains("结论：达标 (pass)"));
    assert!(text.contains(&format!("来源：indicators-2019-03.csv 第{line}行")));
    assert!(text.contains("“全村 339 户、1328 人”"));

    // A county: every one of C1–C6.
    let out = s
        .tuopin(&["explain", ZHANGWU, "--period", "2019-03"])
        .output()
        .unwrap();
    let text = stdout(&out);
    for no in ["C1 ", "C2 ", "C3 ", "C4 ", "C5 ", "C6 "] {
        assert!(text.contains(no), "{no}");
    }
    assert!(text.contains("结论：未达标 (fail)"));
}

#[test]
fn explain_right_after_init_cites_the_bulletin_population() {
    let s = Scratch::new();
    s.init();
    let out = s.tuopin(&["explain", SANJIAZI]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("统计期 2019-03"));
    assert!(text.contains("结论：无法判定 (undetermined)"));
    assert!(text.contains("没有本县的建档立卡台账"));
    assert!(text.contains(
        "户籍人口 1,328 人（2019-03，第25期（总第213期，2019-03-27）：“全村 339 户、1328 人”）"
    ));
}

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
    assert_eq!(yi[3], "✗");
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
    assert_eq!(&yi[v1], "未达标");
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
