//! `tuopin bulletin add`, the review (`facts --proposed`, `accept`, `reject`, `facts import`) and
//! `tuopin check facts`, run as a user runs them: the binary on text files in a scratch folder,
//! then the database, the review CSV and the JSON it wrote.

mod check;

use crate::common::*;
use rusqlite::Connection;
use serde_json::Value;

/// A new issue after the seed: 第29期, about 三家子村 (in the region table) and 新华村 (not).
const ISSUE_29: &str = "脱贫攻坚快报

第 29 期（总第 217 期）

辽宁省脱贫攻坚领导小组办公室

2019 年 4 月 10 日

彰武县章古台镇三家子村巩固脱贫成果

截至 3 月底，三家子村建档立卡贫困户 175 户、383 人，全部稳定脱贫。章古台镇新华村建档立卡贫困户 90 户。

报送：国务院扶贫开发领导小组办公室
";

pub(super) fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}\n{}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
    stdout(out)
}

pub(super) fn count(conn: &Connection, sql: &str) -> i64 {
    scalar(conn, sql, [])
}

/// (id, status, value) of the proposal of issue `no` whose figure is `figure`.
fn proposal(conn: &Connection, no: i64, figure: &str) -> (i64, String, f64) {
    conn.query_row(
        "SELECT p.id, p.status, p.value FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id
         WHERE b.issue_no = ?1 AND p.figure = ?2",
        rusqlite::params![no, figure],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap_or_else(|e| panic!("第{no}期 {figure}: {e}"))
}

#[test]
fn adding_an_issue_again_changes_nothing_and_a_corrected_text_replaces_it_with_history() {
    let s = Scratch::new();
    s.init();
    let file = s.write("第29期.txt", ISSUE_29);
    let text = ok(&s.tuopin(&["bulletin", "add"]).arg(&file).output().unwrap());
    assert!(text.contains("已添加，提取数据 3 条"), "{text}");
    let conn = s.open();
    let snapshot = |conn: &Connection| {
        (
            count(conn, "SELECT count(*) FROM bulletin"),
            count(conn, "SELECT count(*) FROM bulletin_proposal"),
            count(conn, "SELECT count(*) FROM history"),
            count(conn, "SELECT total_changes()"),
        )
    };
    let before = snapshot(&conn);
    assert_eq!(before.0, 6);
    // The text is stored whole, and each proposal's sentence is where it says it is.
    let stored: String = scalar(&conn, "SELECT text FROM bulletin WHERE issue_no = 29", []);
    assert!(stored.contains("章古台镇新华村建档立卡贫困户 90 户。"));
    assert!(
        !stored.contains("报送"),
        "the distribution block is left out"
    );
    let mut st = conn
        .prepare(
            "SELECT sentence, sentence_start, sentence_end, figure, figure_start, figure_end
             FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id WHERE b.issue_no = 29",
        )
        .unwrap();
    let rows: Vec<(String, usize, usize, String, usize, usize)> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    drop(st);
    assert_eq!(rows.len(), 3);
    for (sentence, s0, s1, figure, f0, f1) in &rows {
        assert_eq!(&stored[*s0..*s1], sentence);
        assert_eq!(&stored[*f0..*f1], figure);
    }
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bulletin_article a JOIN bulletin b ON b.id = a.bulletin_id
             WHERE b.issue_no = 29 AND a.title = '彰武县章古台镇三家子村巩固脱贫成果'"
        ),
        1
    );
    drop(conn);

    // Again: nothing changes, not a byte of the database.
    let bytes = |s: &Scratch| {
        let wal = s.path("tuopin.db-wal");
        (
            std::fs::read(s.db()).unwrap(),
            std::fs::read(wal).unwrap_or_default(),
        )
    };
    let files = bytes(&s);
    let text = ok(&s.tuopin(&["bulletin", "add"]).arg(&file).output().unwrap());
    assert!(bytes(&s) == files, "the database changed");
    assert!(text.contains("未更改"), "{text}");
    let conn = s.open();
    assert_eq!(snapshot(&conn).0..=snapshot(&conn).2, before.0..=before.2);
    let (people, _, _) = proposal(&conn, 29, "383 人");
    let (wrong, _, _) = proposal(&conn, 29, "175 户");
    drop(conn);
    s.tuopin(&["facts", "reject", &people.to_string()])
        .assert()
        .success();
    s.tuopin(&["facts", "accept", &wrong.to_string()])
        .assert()
        .success();

    // A corrected text of the same issue replaces it; the old text stays in history, the review
    // of the figure it still states is kept, the accepted figure it corrects is withdrawn.
    let corrected = s.write("第29期-更正.txt", ISSUE_29.replace("175 户", "174 户"));
    let text = ok(&s
        .tuopin(&["bulletin", "add"])
        .arg(&corrected)
        .output()
        .unwrap());
    assert!(text.contains("已用更正的文本替换"), "{text}");
    assert!(
        text.contains("编号 ") && text.contains("已接受的数据已撤回"),
        "{text}"
    );
    let conn = s.open();
    assert_eq!(count(&conn, "SELECT count(*) FROM bulletin"), 6);
    let stored: String = scalar(&conn, "SELECT text FROM bulletin WHERE issue_no = 29", []);
    assert!(stored.contains("174 户") && !stored.contains("175 户"));
    let old: String = scalar(
        &conn,
        "SELECT json_extract(old_row, '$.text') FROM history WHERE table_name = 'bulletin' AND action = 'update'",
        [],
    );
    assert!(old.contains("175 户"), "{old}");
    assert_eq!(
        proposal(&conn, 29, "383 人"),
        (people, "rejected".into(), 383.0)
    );
    let (new, status, value) = proposal(&conn, 29, "174 户");
    assert!(new != wrong && status == "proposed" && value == 174.0);
    assert_eq!(
        count(
            &conn,
            &format!("SELECT count(*) FROM bulletin_proposal WHERE id = {wrong}")
        ),
        0
    );
    let deleted: String = scalar(
        &conn,
        "SELECT json_extract(old_row, '$.figure') FROM history
         WHERE table_name = 'bulletin_proposal' AND action = 'delete'",
        [],
    );
    assert_eq!(deleted, "175 户");
}

#[test]
fn a_review_goes_through_the_csv_and_back() {
    let s = Scratch::new();
    s.init();
    let file = s.write("第29期.txt", ISSUE_29);
    ok(&s.tuopin(&["bulletin", "add"]).arg(&file).output().unwrap());
    let out = s.tuopin(&["facts", "--proposed"]).output().unwrap();
    let text = ok(&out);
    assert!(text.contains("待审核") && text.contains("175 户"), "{text}");

    let out = s
        .tuopin(&["facts", "--proposed", "--format", "csv"])
        .output()
        .unwrap();
    let csv_bytes = out.stdout.clone();
    assert!(csv_bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
    let csv_text = String::from_utf8(csv_bytes[3..].to_vec()).unwrap();
    let mut lines: Vec<String> = csv_text.lines().map(str::to_string).collect();
    assert!(
        lines[0].starts_with(
            "id,status,issue_no,figure,value,value_high,unit,qualifier,place,region_code"
        ),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4, "{csv_text}");
    // The reviewer corrects 175 to 174 (as a typo) and accepts it, in Excel, saved as GBK.
    let at = lines
        .iter()
        .position(|l| l.contains(",175 户,"))
        .expect("175 row");
    let row = lines[at]
        .replacen(",175,", ",174,", 1)
        .replacen(",proposed,", ",已接受,", 1);
    lines[at] = row;
    let edited = lines.join("\r\n") + "\r\n";
    let (gbk, _, bad) = encoding_rs::GBK.encode(&edited);
    assert!(!bad);
    let path = s.write("审核.csv", gbk.as_ref());
    let text = ok(&s.tuopin(&["facts", "import"]).arg(&path).output().unwrap());
    assert!(
        text.contains("更正 1 条") && text.contains("接受 1 条"),
        "{text}"
    );
    let conn = s.open();
    let (_, status, value) = proposal(&conn, 29, "175 户");
    assert_eq!((status.as_str(), value), ("accepted", 174.0));
    let (people, ..) = proposal(&conn, 29, "383 人");
    drop(conn);
    // The other figure is accepted by id.
    let text = ok(&s
        .tuopin(&["facts", "accept", &people.to_string()])
        .output()
        .unwrap());
    assert!(text.contains("已接受 1 条"), "{text}");

    let out = s
        .tuopin(&["facts", "--region", "210922-T01-V01", "--json"])
        .output()
        .unwrap();
    let facts: Value = serde_json::from_slice(&out.stdout).unwrap();
    let of_29: Vec<&Value> = facts
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["issue_no"] == 29)
        .collect();
    assert_eq!(of_29.len(), 2, "{facts:#}");
    assert_eq!(of_29[0]["indicator_code"], "registered_poor_households");
    assert_eq!(of_29[0]["value"], 174.0);
    assert_eq!(of_29[0]["period"], "2019-03");
    assert!(of_29[0]["sentence"]
        .as_str()
        .unwrap()
        .contains("三家子村建档立卡贫困户 175 户"));
    let text = ok(&s
        .tuopin(&["facts", "--region", "210922-T01-V01"])
        .output()
        .unwrap());
    assert!(
        text.contains("建档立卡贫困人口数 383 人  统计期 2019-03  第29期（总第217期，2019-04-10）"),
        "{text}"
    );
    // Nothing of 三家子村 is left to review; 新华村 is.
    let text = ok(&s.tuopin(&["facts", "--proposed"]).output().unwrap());
    assert!(
        text.contains("新华村（新）") && !text.contains("383 人"),
        "{text}"
    );
}

#[test]
fn a_review_csv_with_a_bad_row_is_refused_whole() {
    let s = Scratch::new();
    s.init();
    let file = s.write("第29期.txt", ISSUE_29);
    ok(&s.tuopin(&["bulletin", "add"]).arg(&file).output().unwrap());
    let conn = s.open();
    let (a, ..) = proposal(&conn, 29, "175 户");
    let (b, ..) = proposal(&conn, 29, "383 人");
    let history = count(&conn, "SELECT count(*) FROM history");
    drop(conn);
    let path = s.write(
        "审核.csv",
        format!(
            "编号,数值,单位,区划代码,统计期,审核状态\n{a},174,户,210922-T01-V01,2019-03,已接受\n{b},三百,人,210922-T01-V01,2019-13,已接受\n{a},1,户,,2019-03,\n999,1,户,210922-T01-V01,2019-03,\n"
        ),
    );
    let out = s.tuopin(&["facts", "import"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for want in [
        "审核.csv:3: [数值]",
        "审核.csv:3: [统计期]",
        "审核.csv:4: [编号] 编号",
        "审核.csv:5: [编号] 没有编号为 999",
        "未做任何更改",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    let conn = s.open();
    assert_eq!(
        proposal(&conn, 29, "175 户").1,
        "proposed",
        "line 2 was not applied"
    );
    assert_eq!(proposal(&conn, 29, "175 户").2, 175.0);
    assert_eq!(count(&conn, "SELECT count(*) FROM history"), history);
}

#[test]
fn accepting_a_place_the_tables_lack_creates_a_provisional_region() {
    let s = Scratch::new();
    s.init();
    let file = s.write("第29期.txt", ISSUE_29);
    // --accept takes the figures with a region and an indicator code, not 新华村.
    let text = ok(&s
        .tuopin(&["bulletin", "add", "--accept"])
        .arg(&file)
        .output()
        .unwrap());
    assert!(
        text.contains("已接受 2 条") && text.contains("待审核 1 条"),
        "{text}"
    );
    let conn = s.open();
    let (id, status, _) = proposal(&conn, 29, "90 户");
    assert_eq!(status, "proposed");
    let region: Option<String> = scalar(
        &conn,
        "SELECT region_code FROM bulletin_proposal WHERE id = ?1",
        [id],
    );
    assert_eq!(region, None);
    drop(conn);
    let out = s
        .tuopin(&["facts", "--proposed", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["facts"][0]["place"], "新华村");
    assert_eq!(json["facts"][0]["region_code"], Value::Null);

    let text = ok(&s
        .tuopin(&["facts", "accept", &id.to_string()])
        .output()
        .unwrap());
    assert!(text.contains("新建区划 210922-T01-V02"), "{text}");
    let conn = s.open();
    let (name, level, parent, official): (String, String, String, bool) = conn
        .query_row(
            "SELECT name, level, parent_code, code_official FROM region WHERE code = '210922-T01-V02'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), level.as_str(), parent.as_str(), official),
        ("新华村", "village", "210922-T01", false)
    );
    let value: f64 = scalar(
        &conn,
        "SELECT value FROM indicator_value WHERE region_code = '210922-T01-V02'
         AND indicator_code = 'registered_poor_households' AND quote_id IS NOT NULL",
        [],
    );
    assert_eq!(value, 90.0);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    drop(conn);
    // The next issue naming it finds it in the table.
    let next = s.write(
        "第31期.txt",
        ISSUE_29
            .replace("第 29 期（总第 217 期）", "第 31 期（总第 219 期）")
            .replace("90 户", "88 户"),
    );
    ok(&s.tuopin(&["bulletin", "add"]).arg(&next).output().unwrap());
    let conn = s.open();
    let code: String = scalar(
        &conn,
        "SELECT p.region_code FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id
         WHERE b.issue_no = 31 AND p.figure = '88 户'",
        [],
    );
    assert_eq!(code, "210922-T01-V02");
    // Rejecting an accepted figure takes its value back out.
    drop(conn);
    ok(&s
        .tuopin(&["facts", "reject", &id.to_string()])
        .output()
        .unwrap());
    let conn = s.open();
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM indicator_value WHERE region_code = '210922-T01-V02'"
        ),
        0
    );
}

#[test]
fn init_loads_the_seed_through_bulletin_add_and_its_review() {
    let s = Scratch::new();
    s.init();
    let conn = s.open();
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bulletin WHERE text IS NOT NULL AND sha256 IS NOT NULL"
        ),
        5
    );
    // Every figure of the seed was proposed and reviewed: data/facts.csv accepts its rows, the
    // rest is rejected, nothing is left to review.
    let accepted = count(
        &conn,
        "SELECT count(*) FROM bulletin_proposal WHERE status = 'accepted'",
    );
    assert_eq!(accepted as usize, data_rows("facts.csv"));
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bulletin_proposal WHERE status = 'proposed'"
        ),
        0
    );
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM bulletin_proposal WHERE status = 'rejected' AND origin = 'extracted'"
        ) > 0
    );
    // Two facts state no number (整村脱贫, 摘帽): the review added them from their sentences.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM bulletin_proposal WHERE origin = 'reviewer'"
        ),
        2
    );
    // Each accepted fact cites a passage of its issue at the place it says, and is a value.
    let mut st = conn
        .prepare(
            "SELECT p.sentence, p.sentence_start, p.sentence_end, b.text, v.value, p.value
             FROM bulletin_proposal p JOIN bulletin b ON b.id = p.bulletin_id
             JOIN indicator_value v ON v.region_code = p.region_code
              AND v.indicator_code = p.indicator_code AND v.period = p.period AND v.quote_id = p.quote_id
             WHERE p.status = 'accepted'",
        )
        .unwrap();
    let rows: Vec<(String, usize, usize, String, f64, f64)> = st
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    drop(st);
    assert_eq!(rows.len(), accepted as usize);
    for (sentence, a, b, text, stored, value) in &rows {
        assert_eq!(&text[*a..*b], sentence);
        assert_eq!(stored, value);
    }
    // The review's corrections: 第26期's 4,350 is the standard before July, dated by the issue.
    let (value, period): (f64, String) = conn
        .query_row(
            "SELECT value, period FROM bulletin_proposal WHERE figure = '4350元'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((value, period.as_str()), (4350.0, "2019-03"));
    drop(conn);
    // Adding the seed again changes nothing.
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/bulletins-2019-03.txt");
    let text = ok(&s.tuopin(&["bulletin", "add"]).arg(&seed).output().unwrap());
    assert_eq!(text.matches("未更改").count(), 5, "{text}");
    let text = ok(&s.tuopin(&["facts", "--proposed"]).output().unwrap());
    assert!(text.contains("没有待审核"), "{text}");
}

#[test]
fn a_review_saved_as_a_workbook_is_read_back() {
    let s = Scratch::new();
    s.init();
    let file = s.write("第29期.txt", ISSUE_29);
    ok(&s.tuopin(&["bulletin", "add"]).arg(&file).output().unwrap());
    let out = s
        .tuopin(&["facts", "--proposed", "--format", "csv"])
        .output()
        .unwrap();
    let mut csv = csv::Reader::from_reader(&out.stdout[3..]);
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    // Saved from Excel as a workbook, with a title row above the header, ids and values as
    // numbers, the month as a date.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("审核").unwrap();
    sheet.write_string(0, 0, "第29期 审核表").unwrap();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, h).unwrap();
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r, c as u16, cell).unwrap();
        }
        sheet
            .write_number(r, col("id") as u16, row[col("id")].parse::<f64>().unwrap())
            .unwrap();
        let value: f64 = row[col("value")].parse().unwrap();
        let value = if value == 175.0 { 174.0 } else { value };
        sheet.write_number(r, col("value") as u16, value).unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 3, 1).unwrap();
        sheet
            .write_datetime_with_format(
                r,
                col("period") as u16,
                &date,
                &rust_xlsxwriter::Format::new().set_num_format("yyyy-mm"),
            )
            .unwrap();
        sheet
            .write_string(r, col("status") as u16, "已拒绝")
            .unwrap();
    }
    let path = s.path("审核.xlsx");
    book.save(&path).unwrap();
    let text = ok(&s.tuopin(&["facts", "import"]).arg(&path).output().unwrap());
    assert!(
        text.contains("读取 3 行") && text.contains("拒绝 3 条"),
        "{text}"
    );
    let conn = s.open();
    let (_, status, value) = proposal(&conn, 29, "175 户");
    assert_eq!((status.as_str(), value), ("rejected", 174.0));
    let period: String = scalar(
        &conn,
        "SELECT period FROM bulletin_proposal WHERE figure = '90 户'",
        [],
    );
    assert_eq!(period, "2019-03", "a date cell is read as its month");
}
