//! `tuopin check facts` on the fixture's 彰武县 and on the demo, its JSON contract, and facts stored
//! before migration 4.

use rusqlite::Connection;
use serde_json::Value;

use super::{count, ok};
use crate::common::fixture;
use crate::common::office;
use crate::common::*;

/// `tuopin bulletin add --accept` of a text without masthead, for the fixture's 彰武县.
const ZHANGWU: &str = "彰武县巩固脱贫成果

截至 2019 年 3 月底，章古台镇乙村建档立卡贫困户 6 户、18 人，村集体经济收入 4 万余元。东镇丙村村集体经济收入不超过 5 万元。全县户籍人口 5000 人。
";

const JSON_KEYS: [&str; 11] = [
    "region_code",
    "place",
    "indicator_code",
    "period",
    "bulletin_value",
    "qualifier",
    "register_value",
    "register_period",
    "status",
    "bulletin_source",
    "register_source",
];

fn check_facts_json(s: &Scratch, args: &[&str]) -> Vec<Value> {
    let out = s
        .tuopin(&[&["check", "facts", "--format", "json"], args].concat())
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["facts"]);
    let rows = json["facts"].as_array().unwrap().clone();
    for r in &rows {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        let mut want = JSON_KEYS.to_vec();
        keys.sort();
        want.sort();
        assert_eq!(keys, want, "{r}");
    }
    rows
}

fn row<'a>(rows: &'a [Value], region: &str, indicator: &str, period: &str) -> &'a Value {
    rows.iter()
        .find(|r| {
            r["region_code"] == region && r["indicator_code"] == indicator && r["period"] == period
        })
        .unwrap_or_else(|| panic!("{region} {indicator} {period} not in {rows:#?}"))
}

#[test]
fn check_facts_agrees_disagrees_or_has_no_data_citing_both_sources() {
    let s = Scratch::new();
    fixture::standard(&s);
    let file = s.write("彰武县.txt", ZHANGWU);
    let text = ok(&s
        .tuopin(&[
            "bulletin",
            "add",
            "--accept",
            "--date",
            "2019-04-02",
            "--office",
            "彰武县扶贫办",
        ])
        .arg(&file)
        .output()
        .unwrap());
    assert!(text.contains("已接受 5 条"), "{text}");
    let rows = check_facts_json(&s, &[]);

    // 乙村: 6 households, 18 people in the 2019-03 register (any status): agree.
    let r = row(
        &rows,
        "210922-T01-V02",
        "registered_poor_households",
        "2019-03",
    );
    assert_eq!(
        (
            &r["status"],
            &r["bulletin_value"],
            &r["register_value"],
            &r["register_period"]
        ),
        (
            &Value::from("agree"),
            &Value::from(6),
            &Value::from(6),
            &Value::from("2019-03")
        )
    );
    assert_eq!(r["place"], "乙村");
    assert_eq!(r["qualifier"], "exact");
    assert!(r["register_source"]
        .as_str()
        .unwrap()
        .starts_with("households-2019-03.csv（2019-03 台账）"));
    assert!(r["bulletin_source"].as_str().unwrap().starts_with(
        "彰武县扶贫办（2019-04-02）：“截至 2019 年 3 月底，章古台镇乙村建档立卡贫困户 6 户、18 人"
    ));
    assert_eq!(
        row(
            &rows,
            "210922-T01-V02",
            "registered_poor_population",
            "2019-03"
        )["register_value"],
        18
    );
    // A bound: "4 万余元" agrees with the imported 45,000; "不超过 5 万元" does not with 51,000.
    let r = row(&rows, "210922-T01-V02", "collective_income", "2019-03");
    assert_eq!(
        (&r["status"], &r["qualifier"]),
        (&Value::from("agree"), &Value::from("at_least"))
    );
    assert_eq!(r["register_value"], 45000);
    let line = fixture::line_of(
        fixture::INDICATORS_2019_03,
        "2019-03,210922-T01-V02,collective_income",
    );
    assert_eq!(
        r["register_source"],
        format!("indicators-2019-03.csv 第{line}行")
    );
    let r = row(&rows, "210922-T02-V01", "collective_income", "2019-04");
    assert_eq!(
        (&r["status"], &r["qualifier"]),
        (&Value::from("disagree"), &Value::from("at_most"))
    );
    assert_eq!(
        (&r["register_value"], &r["register_period"]),
        (&Value::from(51000), &Value::from("2019-03"))
    );
    // 户籍人口 of the county: agree.
    assert_eq!(
        row(&rows, "210922", "population", "2019-04")["status"],
        "agree"
    );
    // The seed's 三家子村 against the fixture's register (8 households, 26 people): disagree; its
    // 2018-12 exit has no register at or before 2018-12: no data.
    let r = row(
        &rows,
        "210922-T01-V01",
        "registered_poor_households",
        "2019-03",
    );
    assert_eq!(
        (&r["status"], &r["register_value"]),
        (&Value::from("disagree"), &Value::from(8))
    );
    assert!(r["bulletin_source"]
        .as_str()
        .unwrap()
        .starts_with("第25期（总第213期，2019-03-27）：“其中，建档立卡贫困户 174 户、382 人"));
    let r = row(&rows, "210922-T01-V01", "exited_poor_households", "2018-12");
    assert_eq!(r["status"], "no_data");
    assert_eq!(
        (&r["register_value"], &r["register_source"]),
        (&Value::Null, &Value::Null)
    );
    // Facts the register and imports do not give are not compared.
    assert!(!rows.iter().any(|r| r["indicator_code"] == "farmland_area"));

    // --county and --period narrow it; the table names the difference.
    let rows = check_facts_json(&s, &["--county", "210922", "--period", "2019-04"]);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let text = ok(&s
        .tuopin(&["check", "facts", "--county", "210922"])
        .output()
        .unwrap());
    assert!(text.contains("快报数据与台账比对"), "{text}");
    assert!(text.contains("不一致") && text.contains("+1,000"), "{text}");
    assert!(
        text.contains("丙村") && text.contains("≤ 50,000 元/年"),
        "{text}"
    );
    let out = s
        .tuopin(&["check", "facts", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.stdout.starts_with(b"\xEF\xBB\xBF"));
    let md = ok(&s
        .tuopin(&["check", "facts", "--format", "md"])
        .output()
        .unwrap());
    assert!(md.contains("| 编号 | 区划代码 |"), "{md}");
    // The workbook: a row per comparison, the state on its colour, and 说明.
    let out = s
        .tuopin(&[
            "check",
            "facts",
            "--county",
            "210922",
            "--output",
            "比对.xlsx",
        ])
        .output()
        .unwrap();
    ok(&out);
    let bytes = std::fs::read(s.path("比对.xlsx")).unwrap();
    let sheets = office::sheets(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["快报数据与台账比对", "说明"]);
    let table = &sheets[0].1;
    let header = office::row_text(table, 0);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let r = (1..table.height())
        .find(|&r| {
            let row = office::row_text(table, r);
            row[at("区划代码")] == "210922-T02-V01" && row[at("指标代码")] == "collective_income"
        })
        .expect("丙村 in the workbook");
    let row = office::row_text(table, r);
    assert_eq!(
        (
            row[at("结论")].as_str(),
            row[at("台账数值")].as_str(),
            row[at("差值")].as_str()
        ),
        ("不一致", "51000", "1000")
    );
    let parts = office::unzip(&bytes);
    let column = (b'A' + at("结论") as u8) as char;
    assert_eq!(
        office::fill_of(&parts, 1, &format!("{column}{}", r + 1)).as_deref(),
        Some("D03A2F"),
        "a disagreement is red"
    );
    // A county code that is not a county is refused.
    s.tuopin(&["check", "facts", "--county", "210922-T01"])
        .assert()
        .code(2);
}

#[test]
fn the_demo_bulletin_disagrees_once_and_the_report_shows_it() {
    let s = Scratch::new();
    let out = s
        .tuopin(&[
            "demo",
            "--out",
            "d",
            "--villages",
            "6",
            "--households",
            "300",
            "--months",
            "2019-11..2019-12",
            "--seed",
            "7",
        ])
        .output()
        .unwrap();
    let text = ok(&out);
    assert!(text.contains("bulletin add --accept"), "{text}");
    let out = assert_cmd::Command::cargo_bin("tuopin")
        .unwrap()
        .current_dir(s.dir.path())
        .env_remove("TUOPIN_DB")
        .arg("--db")
        .arg(s.path("d/tuopin.db"))
        .args(["check", "facts", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json["facts"].as_array().unwrap();
    let wrong: Vec<&Value> = rows.iter().filter(|r| r["status"] == "disagree").collect();
    assert_eq!(wrong.len(), 1, "{rows:#?}");
    let w = wrong[0];
    assert_eq!(w["indicator_code"], "registered_poor_households");
    assert_eq!(
        w["bulletin_value"].as_f64().unwrap() - w["register_value"].as_f64().unwrap(),
        tuopin::demo::generate::DISCREPANCY as f64
    );
    assert!(w["bulletin_source"]
        .as_str()
        .unwrap()
        .starts_with("第30期（总第242期，2019-12-28）"));
    // The county's own figures agree with its register.
    let county = row(rows, "211321", "registered_poor_households", "2019-12");
    assert_eq!(
        (&county["status"], &county["register_value"]),
        (&Value::from("agree"), &Value::from(300))
    );
    let md = std::fs::read_to_string(s.path("d/report-2019-12.md")).unwrap();
    let section = md
        .split("## 快报数据与台账比对")
        .nth(1)
        .expect("the section");
    assert!(section.contains(w["place"].as_str().unwrap()), "{section}");
    assert!(section.contains("-3"), "{section}");
    let html = std::fs::read_to_string(s.path("d/report-2019-12.html")).unwrap();
    assert!(html.contains("<h2>快报数据与台账比对</h2>"));
}

#[test]
fn facts_stored_before_migration_4_become_accepted_proposals() {
    let s = Scratch::new();
    let path = s.db();
    {
        let conn = Connection::open(&path).unwrap();
        tuopin::db::migrate::migrate_with(&conn, &tuopin::db::migrate::MIGRATIONS[..3]).unwrap();
        conn.execute_batch(
            "INSERT INTO region (code, name, level, parent_code) VALUES ('21', '辽宁省', 'province', NULL),
                 ('2112', '铁岭市', 'city', '21');
             INSERT INTO indicator (code, name, unit, value_type) VALUES ('dibao_standard', '农村低保标准', '元/年', 'yuan');
             INSERT INTO indicator_level (indicator_code, level) VALUES ('dibao_standard', 'city');
             INSERT INTO bulletin (id, issue_no, total_no, date, title, publisher)
                 VALUES (7, 26, 214, '2019-03-29', '铁岭市做实做细社会救助', '辽宁省脱贫攻坚领导小组办公室');
             INSERT INTO bulletin_quote (id, bulletin_id, sentence) VALUES (3, 7, '将由4350元提高到4770元');
             INSERT INTO indicator_value (region_code, indicator_code, period, value, quote_id)
                 VALUES ('2112', 'dibao_standard', '2019-07', 4770, 3);
             INSERT INTO meta (key, value) VALUES ('id_salt', lower(hex(randomblob(32))));",
        )
        .unwrap();
    }
    // The first command that writes upgrades it (read-only ones refuse to).
    ok(&s.tuopin(&["facts", "accept", "--all"]).output().unwrap());
    let text = ok(&s.tuopin(&["facts"]).output().unwrap());
    assert!(
        text.contains("铁岭市（2112） 农村低保标准 4,770 元/年  统计期 2019-07  第26期（总第214期，2019-03-29）"),
        "{text}"
    );
    let conn = s.open();
    let (status, origin, key): (String, String, String) = conn
        .query_row(
            "SELECT p.status, p.origin, b.issue_key FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (status.as_str(), origin.as_str(), key.as_str()),
        (
            "accepted",
            "migrated",
            "辽宁省脱贫攻坚领导小组办公室|总第214期"
        )
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    assert_eq!(
        scalar::<i64>(&conn, "PRAGMA user_version", []),
        tuopin::db::migrate::SCHEMA_VERSION
    );
}
