//! `tuopin import`: county files as Excel writes them, validation, atomicity, corrections, undo.

mod batches;
mod corrections;
mod damaged;
mod indicators_regions;
mod moves;
mod national;
mod national_export;
mod pipeline;
mod templates;
mod workbooks;

use crate::common::*;
use predicates::prelude::*;

const HEADER: &str = "统计期,户编号,村代码,户主姓名,证件号码,家庭人口,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,人均纯收入,不愁吃穿,义务教育保障,基本医疗保障,住房安全,饮水安全";
const SANJIAZI: &str = "210922-T01-V01";

/// A valid ID number (GB 11643 check digit), never to appear in clear anywhere.
const ID_NUMBER: &str = "11010519491231002X";

fn gbk_crlf(text: &str) -> Vec<u8> {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&crlf);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Everything the database holds except the import bookkeeping, for "nothing changed" checks.
fn data_dump(conn: &rusqlite::Connection) -> String {
    let mut out = String::new();
    for table in [
        "region",
        "indicator_value",
        "household_snapshot",
        "register_snapshot",
        "history",
        "import_batch",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                .collect();
            out.push_str(&format!("{table}: {}\n", cells.join("|")));
        }
    }
    out
}

fn fk_clean(conn: &rusqlite::Connection) {
    let n: i64 = scalar(conn, "SELECT count(*) FROM pragma_foreign_key_check", []);
    assert_eq!(n, 0, "foreign key violations");
    assert_eq!(scalar::<String>(conn, "PRAGMA integrity_check", []), "ok");
}

#[test]
fn gbk_crlf_file_as_excel_writes_it() {
    let s = Scratch::new();
    s.init();
    let text = format!(
        "{HEADER}\n\
         2019年3月,H001,{SANJIAZI},张三,{ID_NUMBER},\"1,328\",一般贫困户,因病,已脱贫,2018,\"6,200.0\",是,是,是,是,是\n\
         2019年3月,H002,{SANJIAZI},李四,,４,低保贫困户,因残,未脱贫,,3000.0,有,无,Y,N,1\n\
         201903, H003 ,{SANJIAZI},,,2,,,返贫,2017年, 2800 ,yes,no,true,false,0\n\
         ,,,,,,,,,,,,,,,\n\n"
    );
    let file = s.write("彰武县-2019-03.csv", gbk_crlf(&text));
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("GBK"), "{text}");
    assert!(text.contains("新增") && text.contains("inserted"), "{text}");

    let conn = s.open();
    fk_clean(&conn);
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM household_snapshot WHERE period = '2019-03'",
            []
        ),
        3
    );
    let (size, income, status, year, name): (i64, f64, String, i64, String) = conn
        .query_row(
            "SELECT size, income_per_capita, status, exit_year, head_name FROM household_snapshot WHERE household_id = 'H001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (size, income, status.as_str(), year, name.as_str()),
        (1328, 6200.0, "exited", 2018, "张三")
    );
    // Full-width digits, Y/N, 有/无, spaces, 2017年.
    let flags: (i64, i64, i64, i64, i64, i64) = conn
        .query_row(
            "SELECT size, food_clothing_ok, education_ok, medical_ok, housing_safe, water_safe FROM household_snapshot WHERE household_id = 'H002'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .unwrap();
    assert_eq!(flags, (4, 1, 0, 1, 0, 1));
    let (status, year): (String, i64) = conn
        .query_row(
            "SELECT status, exit_year FROM household_snapshot WHERE household_id = 'H003'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((status.as_str(), year), ("returned", 2017));
    // The ID number is stored only hashed and masked.
    let (hash, masked): (String, String) = conn
        .query_row(
            "SELECT id_hash, id_masked FROM household_snapshot WHERE household_id = 'H001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(masked, "1101**********002X");
    assert_eq!(hash.len(), 64);
    let db_bytes = std::fs::read(s.db()).unwrap();
    let needle = ID_NUMBER.as_bytes();
    assert!(
        !db_bytes.windows(needle.len()).any(|w| w == needle),
        "ID number in clear in the database"
    );
    // Lines point at the spreadsheet rows.
    let line: i64 = scalar(
        &conn,
        "SELECT line FROM household_snapshot WHERE household_id = 'H003'",
        [],
    );
    assert_eq!(line, 4);
    let (rows_read, period): (i64, String) = conn
        .query_row(
            "SELECT rows_read, period FROM import_batch WHERE kind = 'households'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows_read, period.as_str()), (3, "2019-03"));
    let snapshot: (String, i64) = conn
        .query_row(
            "SELECT county_code, households FROM register_snapshot",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(snapshot, ("210922".to_string(), 3));
}

#[test]
fn utf8_bom_with_english_headers_and_period_option() {
    let s = Scratch::new();
    s.init();
    let file = s.write(
        "h.csv",
        format!(
            "\u{feff} Household_ID ,VILLAGE_CODE,size,status,exit_year,income_per_capita,extra\n\
             H1,{SANJIAZI},3,exited,2018,5000,x\n\
             H2,{SANJIAZI},2,poor,,1000,y"
        ),
    );
    let out = s
        .tuopin(&["import", "households", "--period", "2019/4"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("extra"),
        "unknown column should be a warning"
    );
    let conn = s.open();
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT count(*) FROM household_snapshot WHERE period = '2019-04'",
            []
        ),
        2
    );
    fk_clean(&conn);
}

#[test]
fn every_invalid_row_is_reported_and_nothing_is_written() {
    let s = Scratch::new();
    s.init();
    let good = s.write(
        "good.csv",
        format!("{HEADER}\n2019-03,G1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&good)
        .assert()
        .success();
    let before = data_dump(&s.open());

    let bad = s.write(
        "bad.csv",
        format!(
            "{HEADER}\n\
             2019-04,B1,{SANJIAZI},,,0,,,未脱贫,,100,,,,,\n\
             2019-04,B2,{SANJIAZI},,,2,普通户,,未脱贫,,-5,,,,,\n\
             2019-04,B3,2109,,,2,,因懒,未脱贫,,100,,,,,\n\
             2019-04,B4,{SANJIAZI},,,2,,,已脱贫,,100,也许,,,,\n\
             2019-04,B5,999999,,110105194912310021,2,,,脱贫,,abc,,,,,\n\
             2019-04,B1,{SANJIAZI},,,2,,,未脱贫,,100,,,,,\n\
             2019-13,B6,{SANJIAZI},,,2,,,未脱贫,,100,,,,,\n\
             2019-04,B7,{SANJIAZI},,,2,,,未脱贫,,100,,,,,\n"
        ),
    );
    let out = s
        .tuopin(&["import", "households"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for (line, column, text) in [
        (2, "家庭人口", "\"0\""),
        // Free-text cells of a household row are described, not quoted: they may be a name.
        (3, "贫困户属性", "值（3 个字符，首字“普”"),
        (3, "人均纯收入", "-5"),
        (4, "村代码", "2109"),
        (4, "主要致贫原因", "值（2 个字符，首字“因”"),
        (5, "脱贫年度", "已脱贫"),
        (5, "不愁吃穿", "值（2 个字符，首字“也”"),
        (6, "村代码", "999999"),
        (6, "证件号码", "1101**********0021"),
        (6, "脱贫状态", "值（2 个字符，首字“脱”"),
        (6, "人均纯收入", "值（3 个字符，首字“a”"),
        (7, "户编号", "第 2 行"),
        (8, "统计期", "2019-13"),
    ] {
        let want = format!("bad.csv:{line}: [{column}]");
        assert!(
            err.lines().any(|l| l.contains(&want) && l.contains(text)),
            "missing {want} … {text} in:\n{err}"
        );
    }
    // Row 9 (B7) is valid and no other row is reported.
    assert!(!err.contains("bad.csv:9:"), "{err}");
    assert!(
        !err.contains("110105194912310021"),
        "ID number printed in full: {err}"
    );
    assert!(err.contains("7 行无效"), "{err}");
    assert_eq!(
        data_dump(&s.open()),
        before,
        "a rejected file changed the database"
    );
}

#[test]
fn missing_required_columns_are_named() {
    let s = Scratch::new();
    s.init();
    let file = s.write("h.csv", "户编号,村代码\nH1,210922-T01-V01\n");
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for col in ["统计期", "家庭人口", "脱贫状态", "人均纯收入"] {
        assert!(err.contains(col), "{col} not named: {err}");
    }
    assert!(err.contains("h.csv:1"), "{err}");
}

#[test]
fn invalid_bytes_are_refused_with_their_offset() {
    let s = Scratch::new();
    s.init();
    let mut bytes = format!("{HEADER}\n2019-03,H1,").into_bytes();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\xff\xfe\x00bad\n");
    let file = s.write("bad-bytes.csv", bytes);
    let before = data_dump(&s.open());
    let out = s
        .tuopin(&["import", "households"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("bad-bytes.csv"), "{err}");
    assert!(err.contains(&format!("偏移 {offset}")), "{err}");
    assert_eq!(data_dump(&s.open()), before);
}

#[test]
fn identical_file_twice_changes_nothing() {
    let s = Scratch::new();
    s.init();
    let file = s.write(
        "h.csv",
        format!("{HEADER}\n2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .success();
    let before = data_dump(&s.open());
    s.tuopin(&["import", "households"])
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("未做更改"));
    assert_eq!(data_dump(&s.open()), before);
}

#[test]
fn corrected_snapshot_replaces_and_keeps_history_then_undo_restores() {
    let s = Scratch::new();
    s.init();
    let first = s.write(
        "v1.csv",
        format!(
            "{HEADER}\n\
             2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n\
             2019-03,H2,{SANJIAZI},,,2,,,已脱贫,2018,5000,,,,,\n\
             2019-03,H3,{SANJIAZI},,,4,,,未脱贫,,2000,,,,,\n"
        ),
    );
    s.tuopin(&["import", "households"])
        .arg(&first)
        .assert()
        .success();
    let after_first = data_dump(&s.open());
    // The correction changes H1, keeps H2, drops H3 and adds H4.
    let corrected = s.write(
        "v2.csv",
        format!(
            "{HEADER}\n\
             2019-03,H1,{SANJIAZI},,,3,,,已脱贫,2019,4200,,,,,\n\
             2019-03,H2,{SANJIAZI},,,2,,,已脱贫,2018,5000,,,,,\n\
             2019-03,H4,{SANJIAZI},,,1,,,未脱贫,,900,,,,,\n"
        ),
    );
    let out = s
        .tuopin(&["import", "households"])
        .arg(&corrected)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("H3"),
        "missing household not reported: {text}"
    );
    let conn = s.open();
    fk_clean(&conn);
    let ids: Vec<String> = conn
        .prepare("SELECT household_id FROM household_snapshot WHERE period = '2019-03' ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, ["H1", "H2", "H4"]);
    assert_eq!(
        scalar::<f64>(
            &conn,
            "SELECT income_per_capita FROM household_snapshot WHERE household_id = 'H1'",
            []
        ),
        4200.0
    );
    // H2 unchanged keeps its first source; the old H1 and the removed H3 are in history.
    assert_eq!(
        scalar::<i64>(
            &conn,
            "SELECT line FROM household_snapshot WHERE household_id = 'H2'",
            []
        ),
        3
    );
    let old_income: f64 = scalar(
        &conn,
        "SELECT json_extract(old_row, '$.income_per_capita') FROM history WHERE action = 'update' AND row_key = '[\"2019-03\",\"H1\"]'",
        [],
    );
    assert_eq!(old_income, 1000.0);
    assert_eq!(
        scalar::<i64>(&conn, "SELECT count(*) FROM history WHERE action = 'delete' AND row_key = '[\"2019-03\",\"H3\"]'", []),
        1
    );
    assert_eq!(
        scalar::<i64>(&conn, "SELECT households FROM register_snapshot", []),
        3
    );

    // Undo the correction: back to the first file's data exactly (history and batches aside).
    let batch: i64 = scalar(&conn, "SELECT max(id) FROM import_batch", []);
    drop(conn);
    s.tuopin(&["import", "undo", &batch.to_string()])
        .assert()
        .success();
    let conn = s.open();
    fk_clean(&conn);
    let strip = |d: &str| {
        d.lines()
            .filter(|l| !l.starts_with("history:") && !l.starts_with("import_batch:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&data_dump(&conn)), strip(&after_first));
    let undone: Option<String> = scalar(
        &conn,
        "SELECT undone_at FROM import_batch WHERE id = ?1",
        [batch],
    );
    assert!(undone.is_some());
    // The first batch cannot be undone twice, and an unknown batch is an error.
    s.tuopin(&["import", "undo", &batch.to_string()])
        .assert()
        .code(2);
    s.tuopin(&["import", "undo", "9999"]).assert().code(2);
    // Undoing the first import leaves no register rows.
    s.tuopin(&["import", "undo", &(batch - 1).to_string()])
        .assert()
        .success();
    assert_eq!(
        scalar::<i64>(&s.open(), "SELECT count(*) FROM household_snapshot", []),
        0
    );
}

#[test]
fn undo_refuses_while_a_later_batch_changed_its_rows() {
    let s = Scratch::new();
    s.init();
    let a = s.write(
        "a.csv",
        format!("{HEADER}\n2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n"),
    );
    let b = s.write(
        "b.csv",
        format!("{HEADER}\n2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1100,,,,,\n"),
    );
    s.tuopin(&["import", "households"])
        .arg(&a)
        .assert()
        .success();
    s.tuopin(&["import", "households"])
        .arg(&b)
        .assert()
        .success();
    let first: i64 = scalar(
        &s.open(),
        "SELECT min(id) FROM import_batch WHERE kind = 'households'",
        [],
    );
    s.tuopin(&["import", "undo", &first.to_string()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("请先撤销"));
}

#[test]
fn county_scope_rejects_a_neighbours_rows() {
    let s = Scratch::new();
    s.init();
    // 松闫村 belongs to 南票区 (211404), not 彰武县.
    let file = s.write(
        "h.csv",
        format!(
            "{HEADER}\n\
             2019-03,H1,{SANJIAZI},,,3,,,未脱贫,,1000,,,,,\n\
             2019-03,H2,211404-T01-V01,,,3,,,未脱贫,,1000,,,,,\n"
        ),
    );
    let before = data_dump(&s.open());
    let out = s
        .tuopin(&["import", "households", "--county", "210922"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("h.csv:3: [村代码]") && err.contains("211404-T01-V01"),
        "{err}"
    );
    assert!(!err.contains("h.csv:2:"), "{err}");
    assert_eq!(data_dump(&s.open()), before);
    // The same for indicators.
    let ind = s.write(
        "i.csv",
        "统计期,区划代码,指标,值\n2019-03,211404,approval_rate,95\n",
    );
    s.tuopin(&["import", "indicators", "--county", "210922"])
        .arg(&ind)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("i.csv:2: [区划代码]"));
    // An unknown --county is a usage error.
    s.tuopin(&["import", "indicators", "--county", "999999"])
        .arg(&ind)
        .assert()
        .code(2);
}
