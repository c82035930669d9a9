//! Indicator files (wide and long) and the regions import.

use super::*;

/// The stored value of 三家子村 for an indicator and month.
fn village_value(conn: &rusqlite::Connection, indicator: &str, period: &str) -> Option<f64> {
    conn.query_row(
        "SELECT value FROM indicator_value WHERE region_code = ?1 AND indicator_code = ?2 AND period = ?3",
        [SANJIAZI, indicator, period],
        |r| r.get(0),
    )
    .ok()
}

#[test]
fn indicators_wide_and_long() {
    let s = Scratch::new();
    s.init();
    let wide = s.write(
        "wide.csv",
        gbk_crlf(&format!(
            "统计期,区划代码,户籍人口,村集体经济收入,通硬化路,安全饮水覆盖率,broadband,备注\n\
             2019-04,{SANJIAZI},\"1,330\",\"52,000\",是,99.5,,新修\n\
             2019年5月,{SANJIAZI},1331,,否,100%,1,\n"
        )),
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&wide)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    fk_clean(&conn);
    let value = |ind: &str, p: &str| village_value(&conn, ind, p);
    assert_eq!(value("population", "2019-04"), Some(1330.0));
    assert_eq!(value("collective_income", "2019-04"), Some(52000.0));
    assert_eq!(value("hardened_road", "2019-04"), Some(1.0));
    assert_eq!(value("hardened_road", "2019-05"), Some(0.0));
    assert_eq!(value("safe_water_rate", "2019-04"), Some(99.5));
    assert_eq!(value("safe_water_rate", "2019-05"), Some(100.0));
    // Empty cells mean "not reported": no value, no error.
    assert_eq!(value("broadband", "2019-04"), None);
    assert_eq!(value("collective_income", "2019-05"), None);
    assert_eq!(value("broadband", "2019-05"), Some(1.0));
    let (batch_line, note): (i64, String) = conn
        .query_row(
            "SELECT line, note FROM indicator_value WHERE indicator_code = 'collective_income'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((batch_line, note.as_str()), (2, "新修"));

    let long = s.write(
        "long.csv",
        "period,region_code,indicator,value,note\n\
         2019-03,210922,群众认可度,95.5,第三方\n\
         2019-03,210922,wrong_exit_rate,1.2,\n\
         2019-03,21,rural_income_growth,-0.5,\n\
         2019-07,2112,dibao_standard,\"4,770\",\n",
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&long)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("未变") || stdout(&out).contains("unchanged"));
    let conn = s.open();
    assert_eq!(
        scalar::<f64>(
            &conn,
            "SELECT value FROM indicator_value WHERE indicator_code = 'approval_rate'",
            []
        ),
        95.5
    );
    assert_eq!(
        scalar::<f64>(
            &conn,
            "SELECT value FROM indicator_value WHERE indicator_code = 'rural_income_growth'",
            []
        ),
        -0.5
    );
    // 4,770 is what 第26期 already says: unchanged, and it keeps the bulletin as its source.
    assert!(scalar::<Option<i64>>(&conn, "SELECT quote_id FROM indicator_value WHERE region_code = '2112' AND period = '2019-07' AND indicator_code = 'dibao_standard'", []).is_some());
}

#[test]
fn bad_indicator_files_name_every_problem() {
    let s = Scratch::new();
    s.init();
    let long = s.write(
        "long.csv",
        format!(
            "统计期,区划代码,指标,值\n\
             2019-03,{SANJIAZI},幸福指数,5\n\
             2019-03,210922,通宽带,是\n\
             2019-03,{SANJIAZI},poverty_incidence,1\n\
             2019-03,{SANJIAZI},safe_water_rate,120\n\
             2019-03,{SANJIAZI},hardened_road,也许\n\
             2019-03,{SANJIAZI},population,\n\
             2019-03,nowhere,population,5\n\
             2019-03,{SANJIAZI},population,5\n\
             2019-03,{SANJIAZI},户籍人口,6\n"
        ),
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&long)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for (line, text) in [
        (2, "幸福指数"),
        (3, "不适用于县级"),
        (4, "由建档立卡台账计算"),
        (5, "0–100"),
        (6, "也许"),
        (7, "必填项为空"),
        (8, "nowhere"),
        (10, "重复"),
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(&format!("long.csv:{line}:")) && l.contains(text)),
            "line {line} {text}: {err}"
        );
    }
    assert!(!err.contains("long.csv:9:"), "{err}");
    // Wide form: an unknown indicator column is named in the header.
    let wide = s.write("wide.csv", "统计期,区划代码,幸福指数\n2019-03,210922,5\n");
    s.tuopin(&["import", "indicators"])
        .arg(&wide)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wide.csv:1: [幸福指数]"));
    assert_eq!(
        scalar::<i64>(
            &s.open(),
            "SELECT count(*) FROM indicator_value WHERE batch_id IS NOT NULL",
            []
        ),
        0
    );
}

#[test]
fn regions_import_adds_villages_in_any_order_and_updates() {
    let s = Scratch::new();
    s.init();
    let file = s.write(
        "r.csv",
        "代码,名称,级别,上级代码,贫困标识,计划退出年度\n\
         210922101201,新村,村,210922101,是,\n\
         210922101,新镇,乡镇,210922,,\n\
         210922-T01-V01,三家子村,村,210922-T01,是,2018\n",
    );
    let out = s
        .tuopin(&["import", "regions"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    fk_clean(&conn);
    let (official, poor): (bool, bool) = conn
        .query_row(
            "SELECT code_official, poverty_registered FROM region WHERE code = '210922101201'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(official && poor);
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT planned_exit_year FROM region WHERE code = '210922-T01-V01'",
            []
        ),
        2018
    );
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM history WHERE table_name = 'region'",
            []
        ),
        1
    );
    // A village under a county, a missing parent and a bad level are rejected.
    let bad = s.write(
        "bad.csv",
        "code,name,level,parent_code\n\
         x1,甲村,village,210922\n\
         x2,乙村,村,nowhere\n\
         x3,丙,组,210922\n",
    );
    let out = s.tuopin(&["import", "regions"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad.csv:2: [parent_code]"), "{err}");
    assert!(err.contains("bad.csv:3: [parent_code]"), "{err}");
    assert!(err.contains("bad.csv:4: [level]"), "{err}");
}

/// The set-based writer (issue 16) counts as the value-by-value one did: a re-import with one
/// figure changed updates that one, leaves the rest unchanged (their first source kept) and writes
/// the old figure into history.
#[test]
fn reimported_indicators_count_inserted_updated_and_unchanged() {
    let s = Scratch::new();
    s.init();
    let file = |income: &str| {
        format!(
            "统计期,区划代码,户籍人口,村集体经济收入,通硬化路\n\
             2019-04,{SANJIAZI},1330,{income},是\n"
        )
    };
    let first = s.write("first.csv", file("52000"));
    s.tuopin(&["import", "indicators"])
        .arg(&first)
        .assert()
        .success();
    let again = s.write("again.csv", file("53000"));
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&again)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let conn = s.open();
    let written: i64 = scalar(
        &conn,
        "SELECT rows_written FROM import_batch WHERE file_name = 'again.csv'",
        [],
    );
    assert_eq!(written, 1, "only the changed figure is written");
    // The summary row: file, encoding, read, inserted, updated, unchanged, invalid, batch.
    let text = stdout(&out);
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.contains("again.csv"))
        .unwrap_or_else(|| panic!("{text}"))
        .split_whitespace()
        .collect();
    assert_eq!(&row[3..6], ["0", "1", "2"], "{text}");
    let old: i64 = scalar(
        &conn,
        "SELECT count(*) FROM history WHERE table_name = 'indicator_value' AND action = 'update'",
        [],
    );
    assert_eq!(old, 1);
    // The unchanged population keeps the first file as its source.
    let source: String = scalar(
        &conn,
        "SELECT b.file_name FROM indicator_value v JOIN import_batch b ON b.id = v.batch_id
         WHERE v.indicator_code = 'population'",
        [],
    );
    assert_eq!(source, "first.csv");
}

/// A county's values arrive in statements of 64; a month that already holds values (another
/// file's) is compared region by region. Six years of monthly figures for one village (72 values,
/// more than one statement's worth), then a second file for three of those months: one figure
/// changed, one the same, one new indicator, and a value given twice on two rows of the wide form.
#[test]
fn many_months_of_values_and_a_second_file_for_months_that_hold_values() {
    let s = Scratch::new();
    s.init();
    let mut text = String::from("统计期,区划代码,户籍人口\n");
    for year in 2014..2020 {
        for month in 1..=12 {
            text.push_str(&format!(
                "{year}-{month:02},{SANJIAZI},{}\n",
                1000 + (year - 2014) * 12 + month
            ));
        }
    }
    let first = s.write("years.csv", text);
    s.tuopin(&["import", "indicators"])
        .arg(&first)
        .assert()
        .success();
    let conn = s.open();
    let count = |sql: &str| scalar::<i64>(&conn, sql, []);
    let of_file = |file: &str| {
        format!(
            "SELECT count(*) FROM indicator_value v JOIN import_batch b ON b.id = v.batch_id
             WHERE b.file_name = '{file}'"
        )
    };
    let history = "SELECT count(*) FROM history WHERE table_name = 'indicator_value'";
    let history_before = count(history);
    assert_eq!(count(&of_file("years.csv")), 72);
    assert_eq!(
        count(
            "SELECT count(DISTINCT value) FROM indicator_value WHERE indicator_code = 'population'"
        ),
        72
    );
    let value = |ind: &str, p: &str| village_value(&conn, ind, p);
    assert_eq!(value("population", "2019-12"), Some(1072.0));

    let dup = s.write(
        "dup.csv",
        format!(
            "统计期,区划代码,户籍人口,通硬化路\n\
             2019-10,{SANJIAZI},5,是\n\
             2019-10,{SANJIAZI},6,\n"
        ),
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&dup)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("dup.csv:3: [户籍人口]") && stderr(&out).contains("重复出现"),
        "{}",
        stderr(&out)
    );

    let second = s.write(
        "second.csv",
        format!(
            "统计期,区划代码,户籍人口,通硬化路\n\
             2019-10,{SANJIAZI},1070,是\n\
             2019-11,{SANJIAZI},1171,\n\
             2019-12,{SANJIAZI},1072,否\n"
        ),
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&second)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // read, inserted, updated, unchanged: two new road values, 2019-11 changed, 10 and 12 the same.
    let text = stdout(&out);
    let row: Vec<&str> = text
        .lines()
        .find(|l| l.contains("second.csv"))
        .unwrap_or_else(|| panic!("{text}"))
        .split_whitespace()
        .collect();
    assert_eq!(&row[2..6], ["3", "2", "1", "2"], "{text}");
    assert_eq!(value("population", "2019-11"), Some(1171.0));
    assert_eq!(value("hardened_road", "2019-10"), Some(1.0));
    assert_eq!(value("hardened_road", "2019-12"), Some(0.0));
    assert_eq!(count(&of_file("second.csv")), 3);
    assert_eq!(count(&of_file("years.csv")), 71);
    assert_eq!(count(history), history_before + 1);
    s.tuopin(&["verify"]).assert().success();
}

/// A long-form file of more values than the validating thread sends the writer at once (512 a
/// message, four messages in flight): a bad last line, read after most values were sent, still
/// leaves nothing written; the same file without it is written whole, and `import undo` takes
/// every value out again (the values have no index on their batch since migration 7: undo scans).
#[test]
fn a_file_of_many_messages_is_written_whole_or_not_at_all_and_undone() {
    let s = Scratch::new();
    s.init();
    let indicators = [
        ("户籍人口", "1200"),
        ("村集体经济收入", "52000"),
        ("通硬化路", "是"),
        ("安全饮水覆盖率", "99.5"),
        ("通宽带", "否"),
        ("通生产生活用电", "是"),
        ("综合文化服务中心", "是"),
        ("通客运班车", "否"),
    ];
    let mut text = String::from("统计期,区划代码,指标,值\n");
    let mut values = 0;
    for year in 2014..2020 {
        for month in 1..=12 {
            for (name, value) in indicators {
                text.push_str(&format!("{year}-{month:02},{SANJIAZI},{name},{value}\n"));
                values += 1;
            }
        }
    }
    assert!(values > 512, "{values} values");
    let bad = s.write(
        "bad.csv",
        format!("{text}2019-12,{SANJIAZI},户籍人口,很多\n"),
    );
    let out = s
        .tuopin(&["import", "indicators"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("bad.csv:{}: [值]", values + 2)),
        "{}",
        stderr(&out)
    );
    let count = |sql: &str| scalar::<i64>(&s.open(), sql, []);
    // The values of the files (the database comes with national and provincial values).
    let all = "SELECT count(*) FROM indicator_value WHERE region_code = '210922-T01-V01'";
    let before = count(all);
    assert_eq!(
        count("SELECT count(*) FROM indicator_value WHERE batch_id > 1"),
        0
    );

    let good = s.write("good.csv", &text);
    s.tuopin(&["import", "indicators"])
        .arg(&good)
        .assert()
        .success();
    let of_batch =
        "SELECT count(*) FROM indicator_value WHERE batch_id = (SELECT max(id) FROM import_batch)";
    assert_eq!(count(of_batch), values);
    // The database's own values of the village for these months were replaced (and kept in
    // history, which undo restores below), not added to.
    let replaced = count(
        "SELECT count(*) FROM history WHERE table_name = 'indicator_value' AND action = 'update'",
    );
    assert_eq!(count(all), before + values - replaced);
    assert_eq!(
        count(
            "SELECT count(*) FROM indicator_value WHERE indicator_code = 'broadband' AND value = 0"
        ),
        72
    );
    // Every value keeps its own line of the file.
    assert_eq!(
        count("SELECT count(DISTINCT line) FROM indicator_value WHERE batch_id = (SELECT max(id) FROM import_batch)"),
        values
    );
    assert_eq!(
        count("SELECT max(line) FROM indicator_value WHERE batch_id = (SELECT max(id) FROM import_batch)"),
        values + 1
    );
    s.tuopin(&["verify"]).assert().success();
    let batch = count("SELECT max(id) FROM import_batch").to_string();
    s.tuopin(&["import", "undo", &batch]).assert().success();
    assert_eq!(count(all), before);
    s.tuopin(&["verify"]).assert().success();
}
